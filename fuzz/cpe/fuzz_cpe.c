/*
 * fuzz_cpe.c - libFuzzer target for the CPE 2.3 half of ident.h. A parsed name must format to a
 * string that parses to the same canonical form, and a name without wildcards must match
 * itself. The input may hold a second name after a newline, to exercise the matcher. Any
 * mismatch aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/ident.h"

#include "netreview/banned.h"

static void round_trip(const char *s)
{
    struct nr_cpe c, again;
    struct nr_buf b1, b2;
    bool wild = false;

    nr_cpe_init(&c);
    nr_cpe_init(&again);
    nr_buf_init(&b1, 1 << 16);
    nr_buf_init(&b2, 1 << 16);
    if (nr_cpe_parse(&c, s, NULL) == 0) {
        if (nr_cpe_format(&c, &b1) != 0)
            abort();
        if (nr_cpe_parse(&again, b1.p, NULL) != 0)
            abort();
        if (nr_cpe_format(&again, &b2) != 0 || strcmp(b1.p, b2.p) != 0)
            abort();
        for (int a = 0; a < NR_CPE__COUNT; a++) {
            if (strcmp(c.attr[a], again.attr[a]) != 0)
                abort();
            wild = wild || nr_cpe_has_wildcard(c.attr[a]);
        }
        if (!wild && !nr_cpe_matches(&c, &again))
            abort();
        nr_buf_reset(&b1);
        if (nr_cpe_product_key(&c, &b1) != 0)
            abort();
        nr_buf_reset(&b1);
        (void)nr_cpe_version(&c, &b1);
    }
    nr_buf_release(&b1);
    nr_buf_release(&b2);
    nr_cpe_release(&c);
    nr_cpe_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    char *nl;

    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    nl = strchr(s, '\n');
    if (nl) {
        struct nr_cpe p, t;
        *nl = '\0';
        round_trip(s);
        round_trip(nl + 1);
        nr_cpe_init(&p);
        nr_cpe_init(&t);
        if (nr_cpe_parse(&p, s, NULL) == 0 && nr_cpe_parse(&t, nl + 1, NULL) == 0)
            (void)nr_cpe_matches(&p, &t);
        nr_cpe_release(&p);
        nr_cpe_release(&t);
    } else {
        round_trip(s);
    }
    free(s);
    return 0;
}
