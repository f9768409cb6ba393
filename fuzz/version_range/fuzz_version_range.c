/*
 * fuzz_version_range.c - libFuzzer target for version.h: range expressions and the generic
 * version order. A parsed expression must normalise to a text that parses again, normalises to
 * itself and matches exactly the same versions; the order must be antisymmetric on every pair
 * of versions the input names. Any mismatch aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/version.h"

#include "netreview/banned.h"

static void check_order(const char *a, const char *b)
{
    int ab = nr_version_cmp(a, b), ba = nr_version_cmp(b, a);
    if (ab != -ba || ab < -1 || ab > 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const probes[] = {"0", "1",     "1.0", "1.0.0", "1.0-rc1", "1.0a",
                                         "2", "2.1.0", "10",  "v1",    "1.0+b",   ""};
    char *s = malloc(size + 1);
    struct nr_range r, again;
    struct nr_buf b1, b2;
    char *nl;

    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    /* The order on the two halves of the input, split at the first newline. */
    nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        check_order(s, nl + 1);
        check_order(s, s);
        *nl = '\n';
    }

    nr_range_init(&r);
    nr_range_init(&again);
    nr_buf_init(&b1, 1 << 16);
    nr_buf_init(&b2, 1 << 16);
    if (nr_range_parse(&r, s, NULL) == 0) {
        if (nr_range_normalize(&r, &b1) != 0 || b1.len == 0)
            abort();
        if (nr_range_parse(&again, b1.p, NULL) != 0)
            abort();
        if (nr_range_normalize(&again, &b2) != 0 || strcmp(b1.p, b2.p) != 0)
            abort();
        for (size_t i = 0; i < r.count; i++) {
            const char *v = r.constraints[i].version;
            if (nr_range_match(&r, v) != nr_range_match(&again, v))
                abort();
            for (size_t j = 0; j < r.count; j++)
                check_order(v, r.constraints[j].version);
        }
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
            if (nr_range_match(&r, probes[i]) != nr_range_match(&again, probes[i]))
                abort();
    }
    nr_buf_release(&b1);
    nr_buf_release(&b2);
    nr_range_release(&r);
    nr_range_release(&again);
    free(s);
    return 0;
}
