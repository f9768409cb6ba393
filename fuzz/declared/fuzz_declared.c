/*
 * fuzz_declared.c - libFuzzer target for the provider's declaration (traffic.h, declared.c). Any
 * input either parses or fails with NR_EPARSE / NR_ETOOBIG and a JSON path; a declaration that
 * parses must match what it declares: every endpoint is found for its own host (or network) on
 * its own first port and protocol, at its index or an earlier one, and every listening service
 * for its own port. Any mismatch aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/traffic.h"

#include "netreview/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_declared d;
    struct nr_err err;
    int rc;

    nr_err_init(&err);
    rc = nr_declared_parse((const char *)data, size, &d, &err);
    if (rc != 0) {
        if ((rc != NR_EPARSE && rc != NR_ETOOBIG) || err.field[0] != '$' || err.msg[0] == '\0')
            abort();
        nr_declared_release(&d);
        return 0;
    }
    for (size_t i = 0; i < d.nendpoints; i++) {
        const struct nr_declared_endpoint *e = &d.endpoints[i];
        uint8_t proto = e->proto ? e->proto : 6;
        uint16_t port = e->nports ? e->ports[0].lo : 443;
        struct nr_addr any;
        int found;

        if ((e->host == NULL) == !e->has_cidr)
            abort();
        memset(&any, 0, sizeof(any));
        any.ver = 4;
        if (e->has_cidr)
            found = nr_declared_endpoint_find(&d, NULL, NULL, &e->net, port, proto);
        else if (strncmp(e->host, "*.", 2) == 0) {
            char *below = malloc(strlen(e->host) + 2);
            if (below == NULL)
                return 0;
            memcpy(below, "a", 1);
            memcpy(below + 1, e->host + 1, strlen(e->host));
            found = nr_declared_endpoint_find(&d, below, NULL, &any, port, proto);
            /* The wildcard never covers the bare suffix. */
            if (nr_declared_host_match(e->host, e->host + 2))
                abort();
            free(below);
        } else {
            found = nr_declared_endpoint_find(&d, NULL, e->host, &any, port, proto);
        }
        if (found < 0 || (size_t)found > i)
            abort();
    }
    for (size_t i = 0; i < d.nlistening; i++) {
        int found = nr_declared_listening_find(&d, d.listening[i].port.hi,
                                               d.listening[i].proto ? d.listening[i].proto : 17);
        if (found < 0 || (size_t)found > i)
            abort();
    }
    nr_declared_release(&d);
    return 0;
}
