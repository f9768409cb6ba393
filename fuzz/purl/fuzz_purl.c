/*
 * fuzz_purl.c - libFuzzer target for the package-URL half of ident.h. A parsed purl must format
 * to a canonical string that parses to the same components and formats to itself, and its base
 * must be a prefix of it. Any mismatch aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/ident.h"

#include "netreview/banned.h"

static bool same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    struct nr_purl p, again;
    struct nr_buf b1, b2, base;

    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    nr_purl_init(&p);
    nr_purl_init(&again);
    nr_buf_init(&b1, 1 << 16);
    nr_buf_init(&b2, 1 << 16);
    nr_buf_init(&base, 1 << 16);
    if (nr_purl_parse(&p, s, NULL) == 0) {
        if (nr_purl_format(&p, &b1) != 0 || nr_purl_base(&p, &base) != 0)
            abort();
        if (strncmp(b1.p, base.p, base.len) != 0)
            abort();
        /* A canonical purl may be longer than the input (percent-encoding), so it may pass the
         * cap; below the cap it must round-trip. */
        if (b1.len <= NR_PURL_MAX) {
            if (nr_purl_parse(&again, b1.p, NULL) != 0)
                abort();
            if (nr_purl_format(&again, &b2) != 0 || strcmp(b1.p, b2.p) != 0)
                abort();
            if (!same(p.type, again.type) || !same(p.namespace, again.namespace) ||
                !same(p.name, again.name) || !same(p.version, again.version) ||
                !same(p.subpath, again.subpath) || p.nqualifiers != again.nqualifiers)
                abort();
            for (size_t i = 0; i < p.nqualifiers; i++)
                if (!same(p.qualifiers[i].key, again.qualifiers[i].key) ||
                    !same(p.qualifiers[i].value, again.qualifiers[i].value))
                    abort();
        }
    }
    nr_buf_release(&b1);
    nr_buf_release(&b2);
    nr_buf_release(&base);
    nr_purl_release(&p);
    nr_purl_release(&again);
    free(s);
    return 0;
}
