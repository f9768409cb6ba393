/*
 * fuzz_score_sheet.c - libFuzzer target for the score sheet reader (review.h
 * nr_score_sheet_parse): any bytes give a parsed sheet or NR_EPARSE with a path, never a crash.
 */
#include "netreview/review.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_err err;
    json_t *doc = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_score_sheet_parse((const char *)data, size, &doc, &err);
    if ((rc == 0) != (doc != NULL) || (rc != 0 && rc != NR_EPARSE))
        abort();
    json_decref(doc);
    return 0;
}
