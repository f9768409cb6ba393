/*
 * api_audit.c - the audit log over HTTP (interface: api.h): its entries, oldest first, and the
 * verification of its hash chain (MISSION.md R11), as `netreview audit log|verify --json` give
 * them.
 *
 * Who reads: the model's rule for the log (review.c nr_audit_list): the office and committee read
 * all of it; a case's history also reads for a sector department that may see the case.
 * Verification walks the whole log, so it is for those who read the whole log: the office and the
 * committee (anyone holding the database file can run `netreview audit verify` too).
 */
#include "api.h"

#include "netreview/banned.h"

#define NR_AUDIT_LIMIT     1000 /* entries in one answer, by default */
#define NR_AUDIT_LIMIT_MAX 100000

NR_HANDLER(api_audit_list)
{
    const char *case_ref = nr_req_query(r, "case");
    struct nr_err err;
    json_t *rows = NULL;
    int64_t case_id = 0, limit = 0;
    int rc;

    if (nr_req_query_int(r, "limit", 1, NR_AUDIT_LIMIT_MAX, NR_AUDIT_LIMIT, &limit) != 0)
        return;
    nr_err_init(&err);
    /* R11: a case the caller may not see is no case (404), whatever the log holds of it. */
    rc = case_ref ? nr_case_resolve(r->rv, &r->actor, case_ref, &case_id, &err) : 0;
    if (rc == 0)
        rc = nr_audit_list(r->rv, &r->actor, case_id, (int)limit, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}

NR_HANDLER(api_audit_verify)
{
    struct nr_err err;
    int64_t bad = 0, count = 0;
    int rc;

    if (r->actor.role != NR_ROLE_OFFICE && r->actor.role != NR_ROLE_COMMITTEE) {
        nr_req_fail(r, NR_EFORBIDDEN, NULL, "role %s may not verify the audit log",
                    nr_role_name(r->actor.role));
        return;
    }
    nr_err_init(&err);
    rc = nr_audit_verify(r->rv, &bad, &count, &err);
    /* R11: a broken chain is the answer, not a failure of the request: 200 with ok false and
     * the first entry that was altered, removed or reordered. */
    if (rc && rc != NR_ETAMPERED) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200,
                json_pack("{s:b,s:I,s:o,s:s?}", "ok", rc == 0, "entries", (json_int_t)count,
                          "first_bad_entry", bad ? json_integer(bad) : json_null(), "message",
                          rc ? err.msg : NULL));
}
