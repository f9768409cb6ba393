/*
 * fuzz_cvss.c - libFuzzer target for nr_cvss_score (osv.h). A vector that scores must give a
 * score in [0, 10] with one decimal, the same one twice, and a severity word; one that does not
 * must say why (field "cvss") and leave the score at 0. Any breach aborts.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/osv.h"

#include "netreview/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    struct nr_err err;
    double score = -1, again = -1;

    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    nr_err_init(&err);
    if (nr_cvss_score(s, &score, &err) == 0) {
        if (score < 0.0 || score > 10.0 || isnan(score))
            abort();
        if (fabs(score * 10.0 - round(score * 10.0)) > 1e-9)
            abort();
        if (nr_cvss_score(s, &again, NULL) != 0 || again != score)
            abort();
        if (nr_cvss_severity(score) == NULL)
            abort();
    } else {
        if (strcmp(err.field, "cvss") != 0 || err.msg[0] == '\0' || score != 0.0)
            abort();
    }
    free(s);
    return 0;
}
