/*
 * fuzz_procedure.c - libFuzzer target for the procedure loader (src/model/procedure.c,
 * interface: netreview/procedure.h): any bytes either parse into a procedure or fail with
 * NR_EPARSE and a message, and nothing leaks either way. The same file is linked with
 * fuzz/replay.c so that the regular build replays the corpus.
 */
#include "netreview/procedure.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_procedure p;
    struct nr_err err;
    int rc;

    nr_err_init(&err);
    rc = nr_procedure_parse(&p, (const char *)data, size, "fuzz.json", &err);
    if (rc == 0) {
        /* Exercise the lookups on whatever was accepted; every reference must resolve. */
        for (size_t i = 0; i < p.ntransitions; i++) {
            if (nr_procedure_phase(&p, p.transitions[i].to) == NULL)
                abort();
            for (size_t j = 0; j < p.transitions[i].nfrom; j++)
                if (nr_procedure_phase(&p, p.transitions[i].from[j]) == NULL)
                    abort();
        }
        for (size_t i = 0; i < p.nactions; i++)
            for (size_t j = 0; j < p.nphases; j++)
                (void)nr_action_in_phase(&p, &p.actions[i], p.phases[j].id);
        (void)nr_procedure_recommend(&p, &p.fail_at, 1);
        nr_procedure_release(&p);
    } else if (rc != NR_EPARSE || err.code != rc || err.msg[0] == '\0' ||
               strncmp(err.field, "$", 1) != 0) {
        abort();
    }
    return 0;
}
