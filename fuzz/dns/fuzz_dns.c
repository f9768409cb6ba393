/*
 * fuzz_dns.c - libFuzzer target for the DNS decoder of appdec.h (src/traffic/dns.c). Any bytes
 * give a decoded message or a refusal, never a read past the input, and what is decoded keeps
 * the contract: at most NR_DNS_MAX_ANSWERS answers kept, names NUL-terminated, lower case,
 * printable and without a trailing dot, addresses only on A and AAAA. Any breach aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/appdec.h"

#include "netreview/banned.h"

static void check_name(const char *s)
{
    size_t len = strnlen(s, NR_DNS_NAME_MAX);
    if (len >= NR_DNS_NAME_MAX)
        abort();
    for (size_t i = 0; i < len; i++)
        if (s[i] < 0x21 || s[i] > 0x7e || (s[i] >= 'A' && s[i] <= 'Z'))
            abort();
    if (len > 0 && (s[0] == '.' || s[len - 1] == '.' || strstr(s, "..") != NULL))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct nr_dns_msg m;
    int rc = nr_dns_parse(data, size, &m);

    if (rc != 0 && rc != NR_EPARSE)
        abort();
    if (m.nanswers > NR_DNS_MAX_ANSWERS || m.nanswers > m.nanswers_total)
        abort();
    check_name(m.qname);
    for (size_t i = 0; i < m.nanswers; i++) {
        const struct nr_dns_answer *a = &m.answers[i];
        check_name(a->name);
        check_name(a->cname);
        if ((a->type == 1 && a->addr.ver != 4) || (a->type == 28 && a->addr.ver != 6) ||
            (a->type != 1 && a->type != 28 && a->addr.ver != 0))
            abort();
        if (a->type != 5 && a->cname[0] != '\0')
            abort();
    }
    return 0;
}
