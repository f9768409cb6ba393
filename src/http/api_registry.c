/*
 * api_registry.c - the registry over HTTP (interface: api.h; the helpers it shares with the other
 * resource files are in api_registry_int.h): organisations and their competitors, users,
 * products and versions, designated institutions (R5), the experts committee (R6) and
 * affiliations (R10), with the same rules and the same JSON as `netreview org|user|product|
 * institution|expert|affiliation ... --json`.
 *
 * Who may do what is the model's business (src/model/registry.c): the committee and the office
 * keep the registry, a provider adds its own products, only the committee appoints experts. The
 * local administrator, who sets an installation up from the command line, does not exist over
 * HTTP: a request acts for a signed-in user. Reading the registry needs a signed-in user of any
 * role, as on the command line; the registry holds no case information (R11 is about cases).
 * Writes answer 201 with what the CLI prints for them.
 */
#include "api.h"
#include "api_registry_int.h"
#include "server_int.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

/* ---- helpers shared with the other resource files (api_registry_int.h) ---- */

int nr__req_strs(struct nr_req *r, const struct nr__req_field *fields)
{
    for (const struct nr__req_field *f = fields; f->key; f++) {
        bool bad = false;
        *f->out = nr_req_str(r, f->key, f->max, f->required, &bad);
        if (bad)
            return -1;
    }
    return 0;
}

int nr__req_list(struct nr_req *r, const char *key, const char **out)
{
    json_t *v = r->body ? json_object_get(r->body, key) : NULL, *item;
    struct nr_buf b;
    size_t i;
    int rc = -1;

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        bool bad = false;
        *out = nr_req_str(r, key, NR_API_LINE_MAX, false, &bad);
        return bad ? -1 : 0;
    }
    if (!json_is_array(v)) {
        nr_req_fail(r, NR_EINVAL, key, "%s must be an array of strings", key);
        return -1;
    }
    if (json_array_size(v) == 0 || json_array_size(v) > NR_API_LIST_MAX) {
        nr_req_fail(r, NR_EINVAL, key, "%s must have 1 to %d entries", key, NR_API_LIST_MAX);
        return -1;
    }
    nr_buf_init(&b, (size_t)NR_API_LIST_MAX * (NR_API_LINE_MAX + 1));
    json_array_foreach(v, i, item)
    {
        const char *s = json_string_value(item);
        size_t n = s ? json_string_length(item) : 0;
        if (s == NULL || n == 0 || n > NR_API_LINE_MAX || strlen(s) != n || strchr(s, ',')) {
            nr_req_fail(r, NR_EINVAL, key,
                        "%s[%zu] must be a non-empty string of at most %d bytes without commas",
                        key, i, NR_API_LINE_MAX);
            goto out;
        }
        if ((i && nr_buf_puts(&b, ",") != 0) || nr_buf_append(&b, s, n) != 0) {
            nr_req_fail(r, NR_ETOOBIG, key, "%s is too long", key);
            goto out;
        }
    }
    *out = nr_arena_strndup(&r->ar, b.p, b.len);
    rc = 0;
out:
    nr_buf_release(&b);
    return rc;
}

void nr__req_send(struct nr_req *r, int status, const char *content_type, const char *disposition,
                  const char *body, size_t len)
{
    struct evbuffer *out = evbuffer_new();

    if (out == NULL || evbuffer_add(out, body, len) != 0) {
        if (out)
            evbuffer_free(out);
        nr_req_fail(r, NR_ENOMEM, NULL, "cannot allocate the answer");
        return;
    }
    if (disposition)
        evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Content-Disposition",
                          disposition);
    /* The server's one way out (server_int.h): the answer is counted, logged and sent once. */
    nr__req_reply(r, status, content_type, out);
}

void nr__req_created(struct nr_req *r, json_t *body, const char *location)
{
    if (location)
        evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Location", location);
    nr_req_json(r, 201, body);
}

json_t *nr__rows_filter(json_t *rows, const char *key, const char *value)
{
    json_t *out = json_array(), *row;
    size_t i;

    json_array_foreach(rows, i, row)
    {
        json_t *v = json_object_get(row, key);
        const char *text = json_string_value(v);
        char num[24];
        if (json_is_integer(v)) {
            snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
            text = num;
        }
        if (text && strcmp(text, value) == 0)
            json_array_append(out, row);
    }
    json_decref(rows);
    return out;
}

/* ---- local helpers ---- */

/* The one row whose key equals value (a new reference), or NULL. Takes the reference to rows. */
static json_t *reg_pick(json_t *rows, const char *key, const char *value)
{
    json_t *kept = nr__rows_filter(rows, key, value);
    json_t *one = json_incref(json_array_get(kept, 0));

    json_decref(kept);
    return one;
}

/* Answers a list, or the error that kept it from being read. */
static void reg_list_reply(struct nr_req *r, int rc, json_t *rows, const struct nr_err *err)
{
    if (rc) {
        json_decref(rows);
        nr_req_error(r, rc, err);
        return;
    }
    nr_req_json(r, 200, rows);
}

/* Keeps rows whose org_id (or provider_id...) is the organisation named by ref (id or exact
 * name); an unknown organisation is a 404, as on the command line. */
static int reg_filter_org(struct nr_req *r, json_t **rows, const char *key, const char *ref)
{
    struct nr_err err;
    int64_t org = 0;
    char num[24];
    int rc;

    nr_err_init(&err);
    rc = nr_org_find(r->rv, ref, &org, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return -1;
    }
    snprintf(num, sizeof(num), "%lld", (long long)org);
    *rows = nr__rows_filter(*rows, key, num);
    return 0;
}

/* The gate's index knows products, their identifiers and the operators (R9): a registry write
 * that touches them makes it stale. */
static void reg_gate_stale(struct nr_req *r)
{
    nr_http_decisions_changed(r->w->srv);
}

/* ---- organisations ---- */

NR_HANDLER(api_org_list)
{
    const char *kind = nr_req_query(r, "kind");
    struct nr_err err;
    json_t *rows = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_org_list(r->rv, &rows, &err);
    if (rc == 0 && kind)
        rows = nr__rows_filter(rows, "kind", kind);
    reg_list_reply(r, rc, rows, &err);
}

NR_HANDLER(api_org_create)
{
    static const char *const allowed[] = {"name", "kind", "sector", "country", "cii", NULL};
    struct nr_org_spec o = {0};
    const struct nr__req_field fields[] = {
        {"name", NR_API_LINE_MAX, true, &o.name},
        {"kind", NR_API_LINE_MAX, true, &o.kind},
        {"sector", NR_API_LINE_MAX, false, &o.sector},
        {"country", NR_API_LINE_MAX, false, &o.country},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    int64_t id = 0;
    bool bad = false;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0)
        return;
    o.cii = nr_req_bool(r, "cii", false, &bad);
    if (bad)
        return;
    nr_err_init(&err);
    rc = nr_org_add(r->rv, &r->actor, &o, &id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* R9: a new CII operator changes what the gate answers it. */
    reg_gate_stale(r);
    nr__req_created(r, json_pack("{s:I}", "id", (json_int_t)id),
                    nr_arena_printf(&r->ar, "/api/v1/orgs/%lld", (long long)id));
}

NR_HANDLER(api_org_show)
{
    struct nr_err err;
    json_t *rows = NULL, *o;
    int64_t id = 0;
    char num[24];
    int rc;

    nr_err_init(&err);
    rc = nr_org_find(r->rv, nr_req_param(r, 0), &id, &err);
    if (rc == 0)
        rc = nr_org_list(r->rv, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    snprintf(num, sizeof(num), "%lld", (long long)id);
    o = reg_pick(rows, "id", num);
    if (o == NULL) {
        nr_req_fail(r, NR_ENOTFOUND, "org", "no organisation %s", nr_req_param(r, 0));
        return;
    }
    nr_req_json(r, 200, o);
}

NR_HANDLER(api_org_competitor_add)
{
    static const char *const allowed[] = {"competitor", NULL};
    const char *competitor = NULL;
    const struct nr__req_field fields[] = {
        {"competitor", NR_API_LINE_MAX, true, &competitor},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    int64_t org = 0, other = 0;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0)
        return;
    nr_err_init(&err);
    rc = nr_org_find(r->rv, nr_req_param(r, 0), &org, &err);
    if (rc == 0) {
        rc = nr_org_find(r->rv, competitor, &other, &err);
        /* The organisation in the body is a field of the request, not the resource. */
        if (rc == NR_ENOTFOUND) {
            nr_req_fail(r, NR_EINVAL, "competitor", "no organisation %s", competitor);
            return;
        }
    }
    if (rc == 0)
        rc = nr_org_competitor_add(r->rv, &r->actor, org, other, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr__req_created(
        r, json_pack("{s:I,s:I}", "org_id", (json_int_t)org, "competitor_id", (json_int_t)other),
        NULL);
}

/* ---- users ---- */

NR_HANDLER(api_user_list)
{
    const char *org = nr_req_query(r, "org"), *role = nr_req_query(r, "role");
    struct nr_err err;
    json_t *rows = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_user_list(r->rv, &rows, &err);
    if (rc) {
        reg_list_reply(r, rc, rows, &err);
        return;
    }
    if (org && reg_filter_org(r, &rows, "org_id", org) != 0) {
        json_decref(rows);
        return;
    }
    if (role)
        rows = nr__rows_filter(rows, "role", role);
    nr_req_json(r, 200, rows);
}

NR_HANDLER(api_user_create)
{
    static const char *const allowed[] = {"login", "name", "org", "role", "password", NULL};
    struct nr_user_spec u = {0};
    const struct nr__req_field fields[] = {
        {"login", NR_API_LINE_MAX, true, &u.login},
        {"name", NR_API_LINE_MAX, true, &u.name},
        {"org", NR_API_LINE_MAX, true, &u.org},
        {"role", NR_API_LINE_MAX, true, &u.role},
        {"password", NR_API_LINE_MAX, false, &u.password},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    int64_t id = 0;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0)
        return;
    /* The password goes to argon2id and nowhere else: not into the answer, the audit entry or
     * an error message (the model names the field only). A user without one signs in only
     * through an API token. */
    nr_err_init(&err);
    rc = nr_user_add(r->rv, &r->actor, &u, &id, &err);
    /* As `user add --password-stdin` does with its buffer: the text is jansson's own copy, which
     * nothing else shares. */
    if (u.password)
        explicit_bzero((char *)u.password, strlen(u.password));
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr__req_created(r, json_pack("{s:I}", "id", (json_int_t)id),
                    nr_arena_printf(&r->ar, "/api/v1/users/%s", u.login));
}

NR_HANDLER(api_user_show)
{
    const char *login = nr_req_param(r, 0);
    struct nr_err err;
    json_t *rows = NULL, *u;
    int rc;

    nr_err_init(&err);
    rc = nr_user_list(r->rv, &rows, &err);
    if (rc) {
        reg_list_reply(r, rc, rows, &err);
        return;
    }
    u = reg_pick(rows, "login", login);
    if (u == NULL) {
        nr_req_fail(r, NR_ENOTFOUND, "login", "no user %s", login);
        return;
    }
    nr_req_json(r, 200, u);
}

/* ---- products ---- */

NR_HANDLER(api_product_list)
{
    const char *provider = nr_req_query(r, "provider");
    struct nr_err err;
    json_t *rows = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_product_list(r->rv, &rows, &err);
    if (rc) {
        reg_list_reply(r, rc, rows, &err);
        return;
    }
    if (provider && reg_filter_org(r, &rows, "provider_id", provider) != 0) {
        json_decref(rows);
        return;
    }
    nr_req_json(r, 200, rows);
}

NR_HANDLER(api_product_create)
{
    static const char *const allowed[] = {"name", "kind", "provider", "description",
                                          "cpe",  "purl", NULL};
    struct nr_product_spec p = {0};
    const struct nr__req_field fields[] = {
        {"name", NR_API_LINE_MAX, true, &p.name},
        {"kind", NR_API_LINE_MAX, false, &p.kind},
        {"provider", NR_API_LINE_MAX, true, &p.provider},
        {"description", NR_API_TEXT_MAX, false, &p.description},
        {"cpe", NR_API_LINE_MAX, false, &p.cpe},
        {"purl", NR_API_LINE_MAX, false, &p.purl},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    int64_t id = 0;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0)
        return;
    nr_err_init(&err);
    rc = nr_product_add(r->rv, &r->actor, &p, &id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    reg_gate_stale(r);
    nr__req_created(r, json_pack("{s:I}", "id", (json_int_t)id),
                    nr_arena_printf(&r->ar, "/api/v1/products/%lld", (long long)id));
}

NR_HANDLER(api_product_show)
{
    struct nr_err err;
    json_t *p = NULL;
    int64_t id = 0;
    int rc;

    nr_err_init(&err);
    rc = nr_product_find(r->rv, nr_req_param(r, 0), &id, &err);
    if (rc == 0)
        rc = nr_product_show(r->rv, id, &p, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, p);
}

NR_HANDLER(api_product_version_add)
{
    static const char *const allowed[] = {"version", "cpe", "purl", NULL};
    const char *version = NULL, *cpe = NULL, *purl = NULL;
    const struct nr__req_field fields[] = {
        {"version", NR_API_LINE_MAX, true, &version},
        {"cpe", NR_API_LINE_MAX, false, &cpe},
        {"purl", NR_API_LINE_MAX, false, &purl},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    int64_t id = 0;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0)
        return;
    nr_err_init(&err);
    rc = nr_product_find(r->rv, nr_req_param(r, 0), &id, &err);
    if (rc == 0)
        rc = nr_product_version_add(r->rv, &r->actor, id, version, cpe, purl, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* R14: a new version flags decided cases for re-review; the gate reads versions too. */
    reg_gate_stale(r);
    nr__req_created(r, json_pack("{s:I,s:s}", "product_id", (json_int_t)id, "version", version),
                    nr_arena_printf(&r->ar, "/api/v1/products/%lld", (long long)id));
}

/* ---- institutions (R5) ---- */

NR_HANDLER(api_institution_list)
{
    struct nr_err err;
    json_t *rows = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_institution_list(r->rv, &rows, &err);
    reg_list_reply(r, rc, rows, &err);
}

NR_HANDLER(api_institution_designate)
{
    static const char *const allowed[] = {"org", "methods", "from", "until", "ref", NULL};
    struct nr_institution_spec s = {0};
    const struct nr__req_field fields[] = {
        {"org", NR_API_LINE_MAX, true, &s.org},
        {"from", NR_API_LINE_MAX, false, &s.from},
        {"until", NR_API_LINE_MAX, false, &s.until},
        {"ref", NR_API_LINE_MAX, false, &s.ref},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    int64_t id = 0;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0 ||
        nr__req_list(r, "methods", &s.methods) != 0)
        return;
    if (s.methods == NULL) {
        nr_req_fail(r, NR_EINVAL, "methods",
                    "methods is required: the evaluation methods the designation covers");
        return;
    }
    nr_err_init(&err);
    rc = nr_institution_designate(r->rv, &r->actor, &s, &id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr__req_created(r, json_pack("{s:I}", "id", (json_int_t)id), NULL);
}

/* ---- experts (R6) ---- */

NR_HANDLER(api_expert_list)
{
    struct nr_err err;
    json_t *rows = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_expert_list(r->rv, &rows, &err);
    reg_list_reply(r, rc, rows, &err);
}

NR_HANDLER(api_expert_appoint)
{
    static const char *const allowed[] = {"login", "field", "from", "until", NULL};
    const char *login = NULL, *field = NULL, *from = NULL, *until = NULL;
    const struct nr__req_field fields[] = {
        {"login", NR_API_LINE_MAX, true, &login},
        {"field", NR_API_LINE_MAX, false, &field},
        {"from", NR_API_LINE_MAX, false, &from},
        {"until", NR_API_LINE_MAX, false, &until},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    int64_t id = 0;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0)
        return;
    nr_err_init(&err);
    rc = nr_expert_appoint(r->rv, &r->actor, login, field, from, until, &id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr__req_created(r, json_pack("{s:I}", "id", (json_int_t)id), NULL);
}

/* ---- affiliations (R10) ---- */

/* Flattens the affiliations of the expert or institution list into rows naming the holder,
 * as `netreview affiliation list --json` prints them. */
static void reg_affiliation_rows(json_t *holders, const char *holder_kind, const char *holder_key,
                                 const char *only, json_t *out)
{
    json_t *h, *a;
    size_t i, j;

    json_array_foreach(holders, i, h)
    {
        const char *holder = json_string_value(json_object_get(h, holder_key));
        if (only && (holder == NULL || strcmp(holder, only) != 0))
            continue;
        json_array_foreach(json_object_get(h, "affiliations"), j, a)
        {
            json_t *row = json_deep_copy(a);
            json_object_set_new(row, "holder_kind", json_string(holder_kind));
            json_object_set_new(row, "holder", holder ? json_string(holder) : json_null());
            json_array_append_new(out, row);
        }
    }
}

/* GET /affiliations?case=C&expert=L (or &institution=O): `netreview affiliation check`, whether
 * the expert or institution has a conflict of interest on the case, and why (R6, R10). Asked by
 * those who keep the registry, about a case they may see. */
static void reg_conflict_check(struct nr_req *r, const char *case_ref, const char *expert,
                               const char *institution)
{
    struct nr_arena ar;
    struct nr_err err;
    int64_t case_id = 0, holder_id = 0;
    bool conflicted = false;
    char *reason = NULL;
    int rc;

    nr_err_init(&err);
    nr_arena_init(&ar);
    if (!expert && !institution) {
        nr_req_fail(r, NR_EINVAL, "expert",
                    "a conflict check needs expert=LOGIN or "
                    "institution=ORG");
        goto out;
    }
    if (r->actor.role != NR_ROLE_OFFICE && r->actor.role != NR_ROLE_COMMITTEE) {
        nr_req_fail(r, NR_EFORBIDDEN, NULL, "role %s may not check conflicts of interest",
                    nr_role_name(r->actor.role));
        goto out;
    }
    rc = nr_case_resolve(r->rv, &r->actor, case_ref, &case_id, &err);
    if (rc == 0 && expert) {
        json_t *users = NULL, *u = NULL;
        rc = nr_user_list(r->rv, &users, &err);
        if (rc == 0)
            u = reg_pick(users, "login", expert);
        else
            json_decref(users);
        if (rc == 0 && u == NULL)
            rc = nr_err_set(&err, NR_ENOTFOUND, "expert", "no user %s", expert);
        holder_id = u ? (int64_t)json_integer_value(json_object_get(u, "id")) : 0;
        json_decref(u);
    } else if (rc == 0) {
        rc = nr_org_find(r->rv, institution, &holder_id, &err);
    }
    if (rc == 0)
        rc = nr_conflict_check(r->rv, expert ? "expert" : "institution", holder_id, case_id,
                               &conflicted, &reason, &ar, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    nr_req_json(r, 200,
                json_pack("{s:I,s:s,s:s,s:b,s:s?}", "case_id", (json_int_t)case_id, "holder_kind",
                          expert ? "expert" : "institution", "holder",
                          expert ? expert : institution, "conflicted", conflicted, "reason",
                          reason));
out:
    nr_arena_release(&ar);
}

NR_HANDLER(api_affiliation_list)
{
    const char *expert = nr_req_query(r, "expert"), *institution = nr_req_query(r, "institution");
    const char *case_ref = nr_req_query(r, "case");
    json_t *experts = NULL, *institutions = NULL, *rows;
    struct nr_err err;
    int rc;

    if (expert && institution) {
        nr_req_fail(r, NR_EINVAL, "institution", "give expert or institution, not both");
        return;
    }
    if (case_ref) {
        reg_conflict_check(r, case_ref, expert, institution);
        return;
    }
    nr_err_init(&err);
    rc = nr_expert_list(r->rv, &experts, &err);
    if (rc == 0)
        rc = nr_institution_list(r->rv, &institutions, &err);
    rows = json_array();
    if (rc == 0) {
        if (!institution)
            reg_affiliation_rows(experts, "expert", "login", expert, rows);
        if (!expert)
            reg_affiliation_rows(institutions, "institution", "org", institution, rows);
    }
    json_decref(experts);
    json_decref(institutions);
    reg_list_reply(r, rc, rows, &err);
}

NR_HANDLER(api_affiliation_add)
{
    static const char *const allowed[] = {"expert", "institution", "org", "relation", NULL};
    const char *expert = NULL, *institution = NULL, *org = NULL, *relation = NULL;
    const struct nr__req_field fields[] = {
        {"expert", NR_API_LINE_MAX, false, &expert},
        {"institution", NR_API_LINE_MAX, false, &institution},
        {"org", NR_API_LINE_MAX, true, &org},
        {"relation", NR_API_LINE_MAX, true, &relation},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    int rc;

    if (nr_req_fields(r, allowed) != 0 || nr__req_strs(r, fields) != 0)
        return;
    if ((expert == NULL) == (institution == NULL)) {
        nr_req_fail(r, NR_EINVAL, expert ? "institution" : "expert",
                    "give the holder: expert (a login) or institution (an organisation), "
                    "exactly one");
        return;
    }
    nr_err_init(&err);
    rc = nr_affiliation_add(r->rv, &r->actor, expert ? "expert" : "institution",
                            expert ? expert : institution, org, relation, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr__req_created(r,
                    json_pack("{s:s,s:s,s:s,s:s}", "holder_kind", expert ? "expert" : "institution",
                              "holder", expert ? expert : institution, "org", org, "relation",
                              relation),
                    NULL);
}
