/*
 * gate.h - the procurement gate (R9): for a product and version, what a procurement system may do.
 *
 * Contract:
 * - nr_gate_check fills a caller-owned struct nr_gate_answer; it never writes to the store.
 *   NR_EINVAL when the query names no product; an unknown product is not an error: it answers
 *   not_reviewed (for a CII operator: review_required).
 * - status: passed | passed_with_conditions | failed | under_review | not_reviewed | expired
 *   procurement: prioritized | allowed_with_conditions | prohibited | review_required | allowed
 * - A decision counts only when it covers the version (its range expression), is in force (not
 *   revoked, within valid_from..valid_until, its case in a phase where decisions are valid) and
 *   is visible to the asker: public ones to everyone, restricted ones to the named organisations
 *   and sectors, internal ones to the office only.
 */
#ifndef NETREVIEW_GATE_H
#define NETREVIEW_GATE_H

#include "netreview/review.h"

struct nr_gate_query {
    const char *product; /* id or exact name */
    const char *cpe;     /* CPE 2.3 formatted string; its version is used when version is NULL */
    const char *purl;    /* package URL; its version is used when version is NULL */
    const char *version;
    const char *operator_org; /* id or name of the asking operator, NULL for anyone */
};

struct nr_gate_answer {
    char status[32];
    char procurement[32];
    int64_t product_id;
    char product[256];
    char version[129];
    int64_t decision_id; /* 0 when no decision applies */
    int64_t case_id;     /* the deciding case, or the open case when under review */
    char case_ref[64];   /* its reference, "" when not named to the asker */
    char outcome[32];
    char valid_until[NR_DATE_STR];
    char conditions[512];
    char reason[256]; /* a sentence a procurement officer reads */
};

int nr_gate_check(struct nr_review *rv, const struct nr_actor *a, const struct nr_gate_query *q,
                  struct nr_gate_answer *ans, struct nr_err *err);
/* The answer as the JSON object that `gate check --json` and GET /api/v1/gate print. */
json_t *nr_gate_answer_json(const struct nr_gate_answer *ans);

#endif
