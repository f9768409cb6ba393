/*
 * fuzz_vercmp.c - libFuzzer target for vercmp.h. The first byte picks the order, the rest is
 * two or three "\n"-separated strings. Every comparator must give -1, 0 or 1, cmp(a, a) == 0
 * and cmp(a, b) == -cmp(b, a); every order but Maven's (which, like Maven, is not transitive on
 * all strings) must be transitive on the three strings. A range built from the strings must
 * evaluate as its events say, and package keys must fit their cap. Any mismatch aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/vercmp.h"

#include "netreview/banned.h"

static int cmp(enum nr_order o, const char *a, const char *b)
{
    int r = nr_vercmp(o, a, b);

    if (r < -1 || r > 1 || nr_vercmp(o, b, a) != -r)
        abort();
    return r;
}

static void check_transitive(enum nr_order o, const char *x, const char *y, const char *z)
{
    if (cmp(o, x, y) <= 0 && cmp(o, y, z) <= 0) {
        int r = cmp(o, x, z);
        if (r > 0 || (r == 0 && (cmp(o, x, y) != 0 || cmp(o, y, z) != 0)))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf, *s[3] = {"", "", ""}, key[NR_PKG_KEY_MAX];
    enum nr_order o;
    size_t n = 0;

    if (size < 1)
        return 0;
    o = (enum nr_order)(data[0] % NR_ORDER__COUNT);
    buf = malloc(size);
    if (buf == NULL)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    s[n++] = buf;
    for (char *p = buf; *p != '\0' && n < 3; p++) {
        if (*p == '\n') {
            *p = '\0';
            s[n++] = p + 1;
        }
    }

    for (int i = 0; i < 3; i++) {
        if (cmp(o, s[i], s[i]) != 0)
            abort();
        (void)nr_vercmp_valid(o, s[i]);
    }
    if (o != NR_ORDER_MAVEN) {
        static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                       {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int i = 0; i < 6; i++)
            check_transitive(o, s[perm[i][0]], s[perm[i][1]], s[perm[i][2]]);
    }

    /* "introduced a, fixed b": the later of the two that apply at v decides, fixed on a tie. */
    if (strcmp(s[0], "0") != 0) {
        struct nr_osv_event ev[2] = {{NR_OSV_INTRODUCED, s[0]}, {NR_OSV_FIXED, s[1]}};
        for (int i = 0; i < 3; i++) {
            bool in = cmp(o, s[0], s[i]) <= 0;
            bool fixed = cmp(o, s[1], s[i]) <= 0 && cmp(o, s[1], s[0]) >= 0;
            if (nr_osv_range_affected(o, ev, 2, s[i]) != (in && !fixed))
                abort();
        }
    }
    {
        struct nr_osv_event ev[6] = {
            {NR_OSV_INTRODUCED, s[0]}, {NR_OSV_FIXED, s[1]},     {NR_OSV_LAST_AFFECTED, s[2]},
            {NR_OSV_LIMIT, s[2]},      {NR_OSV_INTRODUCED, "0"}, {NR_OSV_LIMIT, "*"},
        };
        for (int i = 0; i < 3; i++)
            for (size_t k = 0; k <= 6; k++)
                (void)nr_osv_range_affected(o, ev, k, s[i]);
    }

    if (nr_pkg_key_osv(s[0], s[1], key, sizeof(key), NULL) == 0 && strlen(key) >= NR_PKG_KEY_MAX)
        abort();
    (void)nr_order_for_ecosystem(s[0]);
    (void)nr_order_for_purl_type(s[2]);
    (void)nr_pkg_family_of_purl(s[1], s[2]);
    free(buf);
    return 0;
}
