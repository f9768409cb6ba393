/*
 * fuzz_decision_verify.c - libFuzzer target for the offline check of an exported decision
 * (nr_decision_verify in src/model/decision.c, interface review.h; R7). The input is the document;
 * it is checked against two fixed office public keys, one per crypto suite, so that both the
 * Ed25519 and the SM2 paths are reached. Whatever the bytes, the verifier must not crash, leak or
 * read out of bounds, and it must keep its contract: 0 with a payload object, or a negative code
 * with no payload and a message in err.
 *
 * The keys are the office keys of the installations that made the corpus: `netreview init` (and
 * `init --crypto sm`), `netreview demo --password password1`, `netreview decision key`, and
 * `netreview --as office decision export 6`. corpus/ holds those exports (valid-*.json) and
 * broken variants of them (bad-*.json); the replay driver (fuzz/replay.c) runs it in the regular
 * build.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/review.h"

#include "netreview/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Office key of the intl corpus installation (key id 6116204677d42c371afb5e2154253b5f). */
static const char pub_intl[] = "-----BEGIN PUBLIC KEY-----\n"
                               "MCowBQYDK2VwAyEARo1tXqJJejUy8aeer8XSw72X2KLMhGHUfWBdLxnuKsE=\n"
                               "-----END PUBLIC KEY-----\n";
/* Office key of the sm corpus installation (key id 789aa246a679e389a32f54039d1a7bee). */
static const char pub_sm[] = "-----BEGIN PUBLIC KEY-----\n"
                             "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEW80fjS8eFGh6FmD9HTgU0V0CTRSS\n"
                             "PqjWNrRrSgDJqd3w8pdkxd+A7CAPr0z2R5oSR6m05PxIsS9rz2EnEcUu/w==\n"
                             "-----END PUBLIC KEY-----\n";

static void verify_with(const uint8_t *data, size_t size, const char *pem)
{
    struct nr_err err;
    json_t *payload = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_decision_verify((const char *)data, size, pem, strlen(pem), &payload, &err);
    if (rc == 0) {
        /* A verified document hands back its payload, an object. */
        if (!json_is_object(payload))
            abort();
    } else {
        /* A refusal leaves no payload and says why, under the code it returned. */
        if (payload != NULL || err.code != rc || err.msg[0] == '\0')
            abort();
        if (rc != NR_EPARSE && rc != NR_EBADSIG)
            abort();
    }
    json_decref(payload);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    verify_with(data, size, pub_intl);
    verify_with(data, size, pub_sm);
    return 0;
}
