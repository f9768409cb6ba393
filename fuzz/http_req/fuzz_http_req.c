/*
 * fuzz_http_req.c - libFuzzer target for the HTTP request decoder of appdec.h
 * (src/traffic/http.c; fuzz/http_request is the server's own request parsing). Any bytes give a
 * request, NR_ENOTFOUND or NR_EPARSE, never a read past the input; every field is NUL-terminated
 * and printable, the host lower case, and the Basic user name never holds the colon that would
 * start the password. Any breach aborts.
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
        if (s[i] < 0x20 || s[i] > 0x7e || (lower && s[i] >= 'A' && s[i] <= 'Z'))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_http_req r;
    int rc = nr_http_request(data, size, &r);

    if (rc != 0 && rc != NR_ENOTFOUND && rc != NR_EPARSE)
        abort();
    check_text(r.method, sizeof(r.method), false);
    check_text(r.target, sizeof(r.target), false);
    check_text(r.host, sizeof(r.host), true);
    check_text(r.user_agent, sizeof(r.user_agent), false);
    check_text(r.basic_user, sizeof(r.basic_user), false);
    if (strchr(r.basic_user, ':') != NULL)
        abort();
    if (r.basic_user[0] != '\0' && !r.basic_auth)
        abort();
    if (rc == 0 && (r.method[0] == '\0' || r.target[0] == '\0'))
        abort();
    return 0;
}
