/*
 * api_cases.c - the case resource of the API (interface: api.h, helpers from http_int.h): lists
 * with filters and pagination, raising a case (R2), the case view and the transitions the caller
 * could make, any transition of the procedure by its id (decide carries the decision, R7),
 * materials and extensions of the phase deadline (R13), overdue work and a case's audit history.
 * Each handler does what the matching `netreview case ...` command does and answers with the JSON
 * that command prints with --json; every rule (role, phase, need-to-know) is the model's.
 */
#include "api.h"
#include "api_registry_int.h"

#include <string.h>

#include "netreview/banned.h"

/* Caps on what a request may ask for; the model caps its lists at 1000 rows. */
#define NR_API_CASE_LIMIT_DEFAULT 50
#define NR_API_CASE_LIMIT_MAX     500
#define NR_API_OFFSET_MAX         1000000000
#define NR_API_AUDIT_LIMIT_MAX    100000
#define NR_API_EXTEND_DAYS_MAX    250
#define NR_API_COMPLAINTS_MAX     100

/* Text caps of the body fields beside those of api_registry_int.h; the model checks its own
 * tighter rules behind them. */
#define NR_API_SHORT_MAX 256
#define NR_API_TITLE_MAX 1000

/* A boolean query flag: absent = false, "true"/"1" = true, "false"/"0" = false. Sends 400 and
 * returns -1 on anything else. */
static int nr_query_flag(struct nr_req *r, const char *key, bool *out)
{
    const char *v = nr_req_query(r, key);

    *out = false;
    if (v == NULL || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        return 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || *v == '\0') {
        *out = true;
        return 0;
    }
    nr_req_fail(r, NR_EINVAL, key, "%s is true or false", key);
    return -1;
}

/* The case view the CLI prints with --json after a write, with status. When the case can no
 * longer be shown (the write took it out of the caller's sight), {"id": ...}. */
static void nr_reply_case(struct nr_req *r, int status, int64_t case_id)
{
    json_t *c = NULL;

    if (nr_case_show(r->rv, &r->actor, case_id, &c, NULL) != 0 || c == NULL)
        c = json_pack("{s:I}", "id", (json_int_t)case_id);
    nr_req_json(r, status, c);
}

NR_HANDLER(api_case_list)
{
    struct nr_case_filter f = {0};
    const char *product;
    int64_t limit, offset;
    json_t *rows = NULL, *page;
    struct nr_err err;
    int rc;

    nr_err_init(&err);
    if (nr_req_query_int(r, "limit", 1, NR_API_CASE_LIMIT_MAX, NR_API_CASE_LIMIT_DEFAULT, &limit) ||
        nr_req_query_int(r, "offset", 0, NR_API_OFFSET_MAX, 0, &offset) ||
        nr_query_flag(r, "overdue", &f.overdue_only) || nr_query_flag(r, "open", &f.open_only))
        return;
    f.phase = nr_req_query(r, "phase");
    f.sector = nr_req_query(r, "sector");
    f.trigger = nr_req_query(r, "trigger");
    product = nr_req_query(r, "product");
    if (product && (rc = nr_product_find(r->rv, product, &f.product_id, &err)) != 0) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* One row more than asked tells whether a next page exists. */
    f.limit = (int)limit + 1;
    f.offset = (int)offset;
    rc = nr_case_list(r->rv, &r->actor, &f, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    page = json_object();
    if (json_array_size(rows) > (size_t)limit) {
        json_array_remove(rows, (size_t)limit);
        json_object_set_new(page, "next_offset", json_integer(offset + limit));
    }
    json_object_set_new(page, "items", rows);
    json_object_set_new(page, "limit", json_integer(limit));
    json_object_set_new(page, "offset", json_integer(offset));
    nr_req_json(r, 200, page);
}

/* "complaints": [1, 2] (or the CLI's "1,2") as the comma list the model takes (arena). */
static int nr_complaint_ids(struct nr_req *r, const char **out)
{
    json_t *v = r->body ? json_object_get(r->body, "complaints") : NULL, *e;
    struct nr_buf b;
    size_t i;
    int rc = -1;

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        if (json_string_length(v) > NR_API_SHORT_MAX * 4) {
            nr_req_fail(r, NR_ETOOBIG, "complaints", "complaints is too long");
            return -1;
        }
        *out = nr_arena_strdup(&r->ar, json_string_value(v));
        return 0;
    }
    if (!json_is_array(v) || json_array_size(v) == 0 ||
        json_array_size(v) > NR_API_COMPLAINTS_MAX) {
        nr_req_fail(r, NR_EINVAL, "complaints", "complaints is an array of 1 to %d complaint ids",
                    NR_API_COMPLAINTS_MAX);
        return -1;
    }
    nr_buf_init(&b, 32 * NR_API_COMPLAINTS_MAX);
    json_array_foreach(v, i, e)
    {
        if (!json_is_integer(e) || json_integer_value(e) <= 0) {
            nr_req_fail(r, NR_EINVAL, "complaints", "complaints[%zu] is not a complaint id", i);
            goto out;
        }
        if (nr_buf_printf(&b, "%s%lld", i ? "," : "", (long long)json_integer_value(e)) != 0) {
            nr_req_fail(r, NR_ETOOBIG, "complaints", "complaints is too long");
            goto out;
        }
    }
    *out = nr_arena_strdup(&r->ar, b.p);
    rc = 0;
out:
    nr_buf_release(&b);
    return rc;
}

NR_HANDLER(api_case_open)
{
    static const char *const fields[] = {"trigger", "product",    "versions",     "title", "sector",
                                         "detail",  "complaints", "re_review_of", NULL};
    struct nr_case_spec sp = {0};
    struct nr_err err;
    json_t *of;
    int64_t id = 0;
    bool bad = false;
    int rc;

    nr_err_init(&err);
    if (nr_req_fields(r, fields))
        return;
    sp.trigger = nr_req_str(r, "trigger", NR_API_SHORT_MAX, true, &bad);
    if (!bad)
        sp.product = nr_req_str(r, "product", NR_API_SHORT_MAX, true, &bad);
    if (!bad)
        sp.versions = nr_req_str(r, "versions", NR_API_SHORT_MAX, false, &bad);
    if (!bad)
        sp.title = nr_req_str(r, "title", NR_API_TITLE_MAX, false, &bad);
    if (!bad)
        sp.sector = nr_req_str(r, "sector", NR_API_SHORT_MAX, false, &bad);
    if (!bad)
        sp.detail = nr_req_str(r, "detail", NR_API_TEXT_MAX, false, &bad);
    if (bad || nr_complaint_ids(r, &sp.complaints))
        return;
    /* R14: the decided case a re-review reviews again, by id or reference, as the caller sees
     * it (a case it may not see resolves like an absent one). */
    of = json_object_get(r->body, "re_review_of");
    if (of && !json_is_null(of)) {
        const char *ref;
        if (json_is_integer(of) && json_integer_value(of) > 0)
            ref = nr_arena_printf(&r->ar, "%lld", (long long)json_integer_value(of));
        else if (json_is_string(of) && json_string_length(of) <= NR_API_SHORT_MAX)
            ref = json_string_value(of);
        else {
            nr_req_fail(r, NR_EINVAL, "re_review_of", "re_review_of is a case id or reference");
            return;
        }
        rc = nr_case_resolve(r->rv, &r->actor, ref, &sp.re_review_of, &err);
        if (rc) {
            nr_req_error(r, rc, &err);
            return;
        }
    }
    rc = nr_case_open(r->rv, &r->actor, &sp, &id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    {
        json_t *c = NULL;
        if (nr_case_show(r->rv, &r->actor, id, &c, NULL) != 0 || c == NULL)
            c = json_pack("{s:I}", "id", (json_int_t)id);
        nr__req_created(r, c, nr_arena_printf(&r->ar, "/api/v1/cases/%lld", (long long)id));
    }
}

NR_HANDLER(api_case_overdue)
{
    struct nr_err err;
    json_t *rows = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_case_overdue(r->rv, &r->actor, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}

/* show and options: one case parameter, one model view. */
static void nr_case_view(struct nr_req *r, int (*view)(struct nr_review *, const struct nr_actor *,
                                                       int64_t, json_t **, struct nr_err *))
{
    struct nr_err err;
    json_t *out = NULL;
    int64_t id;
    int rc;

    if (nr_req_param_case(r, 0, &id))
        return;
    nr_err_init(&err);
    rc = view(r->rv, &r->actor, id, &out, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, out);
}

NR_HANDLER(api_case_show)
{
    nr_case_view(r, nr_case_show);
}

NR_HANDLER(api_case_options)
{
    nr_case_view(r, nr_case_options);
}

/* Whether a transition can change what the gate answers: it records a decision, or it enters
 * or leaves a phase where a decision is in force (publish, revoke, supersede...). */
static bool nr_transition_moves_decisions(const struct nr_procedure *p,
                                          const struct nr_transition *t)
{
    const struct nr_phase *to = nr_procedure_phase(p, t->to);

    if ((t->needs & NR_NEEDS_DECISION) || (to && to->decision_valid))
        return true;
    for (size_t i = 0; i < t->nfrom; i++) {
        const struct nr_phase *from = nr_procedure_phase(p, t->from[i]);
        if (from && from->decision_valid)
            return true;
    }
    return false;
}

NR_HANDLER(api_case_transition)
{
    static const char *const fields[] = {"reason",        "outcome",     "rationale",  "conditions",
                                         "versions",      "valid_until", "visibility", "audience",
                                         "justification", NULL};
    static const char *const decision_fields[] = {"outcome",  "rationale",    "conditions",
                                                  "versions", "valid_until",  "visibility",
                                                  "audience", "justification"};
    const struct nr_transition *t;
    struct nr_decision_spec d = {0};
    const char *tid, *reason = NULL;
    struct nr_err err;
    int64_t id;
    bool bad = false;
    int rc;

    nr_err_init(&err);
    if (nr_req_param_case(r, 0, &id))
        return;
    tid = nr_req_param(r, 1);
    t = tid ? nr_procedure_transition(&r->rv->proc, tid) : NULL;
    if (t == NULL) {
        nr_req_fail(r, NR_ENOTFOUND, "transition", "procedure %s has no transition %s",
                    r->rv->proc.id, tid ? tid : "(none)");
        return;
    }
    if (nr_req_fields(r, fields))
        return;
    if (!(t->needs & NR_NEEDS_DECISION)) {
        /* Only decide carries a decision: refuse what would be silently ignored. */
        for (size_t i = 0; i < NR_ARRAY_LEN(decision_fields); i++) {
            if (r->body && json_object_get(r->body, decision_fields[i])) {
                nr_req_fail(r, NR_EINVAL, decision_fields[i], "%s takes no decision field %s",
                            t->id, decision_fields[i]);
                return;
            }
        }
    }
    reason = nr_req_str(r, "reason", NR_API_TEXT_MAX, false, &bad);
    if (!bad)
        d.outcome = nr_req_str(r, "outcome", NR_API_SHORT_MAX, false, &bad);
    if (!bad)
        d.rationale = nr_req_str(r, "rationale", NR_API_TEXT_MAX, false, &bad);
    if (!bad)
        d.conditions = nr_req_str(r, "conditions", NR_API_TEXT_MAX, false, &bad);
    if (!bad)
        d.versions = nr_req_str(r, "versions", NR_API_SHORT_MAX, false, &bad);
    if (!bad)
        d.valid_until = nr_req_str(r, "valid_until", NR_API_SHORT_MAX, false, &bad);
    if (!bad)
        d.visibility = nr_req_str(r, "visibility", NR_API_SHORT_MAX, false, &bad);
    if (!bad)
        d.justification = nr_req_str(r, "justification", NR_API_TEXT_MAX, false, &bad);
    /* audience: ["org:First Bank", "sector:finance"], or the CLI's comma list. */
    if (bad || nr__req_list(r, "audience", &d.audience))
        return;
    rc = nr_case_transition(r->rv, &r->actor, id, t->id, reason,
                            (t->needs & NR_NEEDS_DECISION) ? &d : NULL, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* R9: the gate answers from an index of the decisions in force; rebuild it now. */
    if (nr_transition_moves_decisions(&r->rv->proc, t))
        nr_http_decisions_changed(r->w->srv);
    nr_reply_case(r, 200, id);
}

NR_HANDLER(api_case_materials_request)
{
    static const char *const fields[] = {"what", NULL};
    const char *what;
    struct nr_err err;
    int64_t id;
    bool bad = false;
    int rc;

    nr_err_init(&err);
    if (nr_req_param_case(r, 0, &id) || nr_req_fields(r, fields))
        return;
    what = nr_req_str(r, "what", NR_API_TEXT_MAX, false, &bad);
    if (bad)
        return;
    /* R13: the clock stops while the office waits for the provider's materials. */
    rc = nr_materials_request(r->rv, &r->actor, id, what, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_reply_case(r, 200, id);
}

NR_HANDLER(api_case_materials_receive)
{
    static const char *const fields[] = {NULL};
    struct nr_err err;
    int64_t id;
    int rc;

    nr_err_init(&err);
    if (nr_req_param_case(r, 0, &id) || nr_req_fields(r, fields))
        return;
    rc = nr_materials_receive(r->rv, &r->actor, id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_reply_case(r, 200, id);
}

NR_HANDLER(api_case_extend)
{
    static const char *const fields[] = {"days", "reason", NULL};
    const char *reason = NULL;
    struct nr_err err;
    int64_t id, days = 0;
    bool bad = false;
    int rc;

    nr_err_init(&err);
    if (nr_req_param_case(r, 0, &id) || nr_req_fields(r, fields))
        return;
    if (r->body == NULL || json_object_get(r->body, "days") == NULL) {
        nr_req_fail(r, NR_EINVAL, "days", "an extension needs days (1 to %d working days)",
                    NR_API_EXTEND_DAYS_MAX);
        return;
    }
    days = nr_req_int(r, "days", 1, NR_API_EXTEND_DAYS_MAX, 0, &bad);
    if (!bad)
        reason = nr_req_str(r, "reason", NR_API_TEXT_MAX, false, &bad);
    if (bad)
        return;
    /* R13: an extension needs a recorded reason (the model refuses a blank one). */
    rc = nr_deadline_extend(r->rv, &r->actor, id, (int)days, reason, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_reply_case(r, 200, id);
}

NR_HANDLER(api_case_audit)
{
    struct nr_err err;
    json_t *rows = NULL;
    int64_t id, limit;
    int rc;

    nr_err_init(&err);
    if (nr_req_param_case(r, 0, &id) ||
        nr_req_query_int(r, "limit", 1, NR_API_AUDIT_LIMIT_MAX, NR_API_AUDIT_LIMIT_MAX, &limit))
        return;
    /* R11: the model shows a case's history only to those who may read it. */
    rc = nr_audit_list(r->rv, &r->actor, id, (int)limit, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}
