/*
 * api_intake.c - how reviews come in, over HTTP (interface: api.h): complaints from anyone (R2
 * user complaints and market reactions, R3 social supervision) and the procurement declarations
 * of CII operators (R1), with the same rules and JSON as `netreview complaint|declaration ...
 * --json` (the rules live in src/model/intake.c).
 *
 * A complaint needs no sign-in. So that the office's inbox cannot be flooded from one place,
 * each client address may file at most NR_INTAKE_PER_HOUR complaints in any hour; past that the
 * answer is 429 with Retry-After, the seconds until the oldest of them leaves the hour. The
 * address is kept on the complaint as its source_addr (read by the office only), and the count
 * is taken from the complaints themselves (nr_complaint_count_since), in the same transaction
 * as the insert, so that the limit holds across workers and restarts and no second table needs
 * pruning.
 */
#include "api.h"
#include "api_registry_int.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_INTAKE_PER_HOUR 5
#define NR_INTAKE_WINDOW   3600 /* seconds */

/* ---- complaints ---- */

NR_HANDLER(api_complaint_list)
{
    struct nr_err err;
    json_t *rows = NULL;
    int rc;

    nr_err_init(&err);
    /* The model decides: the office and committee read all, a user the ones they filed. */
    rc = nr_complaint_list(r->rv, &r->actor, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}

/* Inside the caller's transaction: whether addr has filed its quota in the hour before now and,
 * if so, how many seconds remain until it may file again: the least t for which fewer than the
 * quota of its complaints fall in the hour that ends t seconds from now. That count only falls
 * as t grows, so a bisection over the hour finds t in a dozen indexed counts, taken only for an
 * address already over its quota. */
static int intake_throttled(struct nr_req *r, const char *addr, bool *throttled, long *retry,
                            struct nr_err *err)
{
    char since[NR_TIME_STR];
    time_t now = nr_time_now();
    int64_t n = 0;
    long lo = 1, hi = NR_INTAKE_WINDOW;
    int rc;

    *throttled = false;
    *retry = 0;
    nr_time_fmt(now - NR_INTAKE_WINDOW, since);
    rc = nr_complaint_count_since(r->rv, addr, since, &n, err);
    if (rc || n < NR_INTAKE_PER_HOUR)
        return rc;
    *throttled = true;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        nr_time_fmt(now - NR_INTAKE_WINDOW + mid, since);
        rc = nr_complaint_count_since(r->rv, addr, since, &n, err);
        if (rc)
            return rc;
        if (n < NR_INTAKE_PER_HOUR)
            hi = mid;
        else
            lo = mid + 1;
    }
    *retry = lo;
    return 0;
}

NR_HANDLER(api_complaint_file)
{
    static const char *const allowed[] = {"product", "version", "text", "contact", NULL};
    struct nr_complaint_spec s = {0};
    const struct nr__req_field fields[] = {
        {"product", NR_API_LINE_MAX, true, &s.product},
        {"version", NR_API_LINE_MAX, false, &s.version},
        {"text", NR_API_TEXT_MAX, true, &s.text},
        {"contact", NR_API_LINE_MAX, false, &s.contact},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    bool throttled = false;
    long retry = 0;
    int64_t id = 0;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0)
        return;
    s.source_addr = r->client[0] ? r->client : NULL;
    nr_err_init(&err);
    /* One transaction around the count and the insert (the model's own nests inside it): two
     * workers cannot both see four complaints of an address and both file a fifth. */
    rc = nr_store_begin(r->rv->st, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    if (s.source_addr)
        rc = intake_throttled(r, s.source_addr, &throttled, &retry, &err);
    if (rc == 0 && !throttled)
        rc = nr_complaint_file(r->rv, &r->actor, &s, &id, &err);
    if (rc || throttled) {
        nr_store_rollback(r->rv->st);
    } else {
        rc = nr_store_commit(r->rv->st, &err);
    }
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    if (throttled) {
        char secs[24];
        snprintf(secs, sizeof(secs), "%ld", retry);
        evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Retry-After", secs);
        /* core.h has no code for "too many": the error body is written here, with the code
         * the other limits of the API use. */
        nr_req_json(r, 429,
                    json_pack("{s:{s:s,s:s+,s:n}}", "error", "code", "too_many", "message",
                              "too many complaints from this address; try again in ", secs,
                              "field"));
        return;
    }
    nr__req_created(r, json_pack("{s:I,s:s}", "id", (json_int_t)id, "filed_by", r->actor.login),
                    NULL);
}

/* ---- procurement declarations (R1) ---- */

NR_HANDLER(api_declaration_list)
{
    struct nr_err err;
    json_t *rows = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_declaration_list(r->rv, &r->actor, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}

NR_HANDLER(api_declaration_file)
{
    static const char *const allowed[] = {"product",      "versions",          "purpose",
                                          "contract_ref", "national_security", NULL};
    struct nr_declaration_spec s = {0};
    const struct nr__req_field fields[] = {
        {"product", NR_API_LINE_MAX, true, &s.product},
        {"versions", NR_API_LINE_MAX, true, &s.versions},
        {"purpose", NR_API_TEXT_MAX, false, &s.purpose},
        {"contract_ref", NR_API_LINE_MAX, false, &s.contract_ref},
        {NULL, 0, false, NULL},
    };
    struct nr_arena ar;
    struct nr_case c;
    struct nr_err err;
    int64_t case_id = 0;
    bool bad = false;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0)
        return;
    /* R1: a national-security system is always in scope; its case skips scoping. */
    s.national_security = nr_req_bool(r, "national_security", false, &bad);
    if (bad)
        return;
    nr_err_init(&err);
    rc = nr_declaration_file(r->rv, &r->actor, &s, &case_id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* R9: the declared product is now under review; the gate must say so. */
    nr_http_decisions_changed(r->w->srv);
    nr_arena_init(&ar);
    rc = nr_case_get(r->rv, &r->actor, case_id, &ar, &c, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
    } else {
        nr__req_created(r,
                        json_pack("{s:I,s:s,s:s,s:s?,s:s?}", "case_id", (json_int_t)case_id, "ref",
                                  c.ref, "phase", c.phase, "phase_due", c.phase_due, "sector",
                                  c.sector),
                        nr_arena_printf(&r->ar, "/api/v1/cases/%s", c.ref));
    }
    nr_arena_release(&ar);
}
