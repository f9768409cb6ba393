/*
 * api_decisions.c - the office's signed decisions over HTTP (interface: api.h): the register
 * (filtered and paginated), one decision, the self-contained signed document and the office's
 * public key that verifies it offline (MISSION.md R7), as `netreview decision list|show|export|
 * key` give them.
 *
 * These routes answer the public too. What each caller sees is the model's rule (decision.c):
 * the public sees the published register of public decisions; an organisation or sector named in
 * a restricted decision's audience sees that one; the office and committee see all; internal
 * decisions never reach the public. A decision the caller may not see answers 404 like an absent
 * one (R11).
 */
#include "api.h"
#include "api_registry_int.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_DECISIONS_LIMIT     50 /* a page of the register, by default */
#define NR_DECISIONS_LIMIT_MAX 500

/* The name of the organisation ref (id or exact name) into *name (malloc'd); NR_ENOTFOUND when
 * there is none. */
static int dec_org_name(struct nr_req *r, const char *ref, char **name, struct nr_err *err)
{
    json_t *rows = NULL, *o;
    int64_t id = 0;
    char num[24];
    int rc;

    *name = NULL;
    rc = nr_org_find(r->rv, ref, &id, err);
    if (rc == 0)
        rc = nr_org_list(r->rv, &rows, err);
    if (rc)
        return rc;
    snprintf(num, sizeof(num), "%lld", (long long)id);
    rows = nr__rows_filter(rows, "id", num);
    o = json_array_get(rows, 0);
    if (o && json_string_value(json_object_get(o, "name")))
        *name = nr_strdup(json_string_value(json_object_get(o, "name")));
    else
        rc = NR_ENOTFOUND;
    json_decref(rows);
    return rc;
}

NR_HANDLER(api_decision_list)
{
    const char *product = nr_req_query(r, "product"), *outcome = nr_req_query(r, "outcome");
    const char *sector = nr_req_query(r, "sector"), *provider = nr_req_query(r, "provider");
    json_t *rows = NULL, *items, *body;
    struct nr_err err;
    int64_t limit = 0, offset = 0, product_id = 0;
    char *provider_name = NULL;
    bool none = false;
    size_t total;
    int rc;

    if (nr_req_query_int(r, "limit", 1, NR_DECISIONS_LIMIT_MAX, NR_DECISIONS_LIMIT, &limit) != 0 ||
        nr_req_query_int(r, "offset", 0, INT32_MAX, 0, &offset) != 0)
        return;
    nr_err_init(&err);
    /* A filter that names nothing known matches nothing; a malformed one is the caller's error. */
    rc = 0;
    if (product) {
        rc = nr_product_find(r->rv, product, &product_id, &err);
        if (rc == NR_ENOTFOUND) {
            none = true;
            rc = 0;
        }
    }
    if (rc == 0 && provider && !none) {
        rc = dec_org_name(r, provider, &provider_name, &err);
        if (rc == NR_ENOTFOUND) {
            none = true;
            rc = 0;
        }
    }
    if (rc == 0)
        rc = nr_decision_list(r->rv, &r->actor, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    if (none) {
        json_decref(rows);
        rows = json_array();
    }
    if (product_id) {
        char num[24];
        snprintf(num, sizeof(num), "%lld", (long long)product_id);
        rows = nr__rows_filter(rows, "product_id", num);
    }
    if (provider_name)
        rows = nr__rows_filter(rows, "provider", provider_name);
    if (outcome)
        rows = nr__rows_filter(rows, "outcome", outcome);
    /* The model's rows carry their case's sector (R8). */
    if (sector)
        rows = nr__rows_filter(rows, "sector", sector);
    total = json_array_size(rows);
    items = json_array();
    for (size_t i = (size_t)offset; i < total && i < (size_t)(offset + limit); i++)
        json_array_append(items, json_array_get(rows, i));
    body = json_pack("{s:o,s:I,s:I}", "items", items, "limit", (json_int_t)limit, "offset",
                     (json_int_t)offset);
    if ((size_t)(offset + limit) < total)
        json_object_set_new(body, "next_offset", json_integer(offset + limit));
    json_decref(rows);
    nr_req_json(r, 200, body);
out:
    nr_free(provider_name);
}

NR_HANDLER(api_decision_show)
{
    struct nr_err err;
    json_t *d = NULL;
    int64_t id = 0;
    int rc;

    if (nr_req_param_id(r, 0, &id) != 0)
        return;
    nr_err_init(&err);
    rc = nr_decision_show(r->rv, &r->actor, id, &d, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, d);
}

NR_HANDLER(api_decision_export)
{
    struct nr_err err;
    char *doc = NULL, *text, *disposition;
    int64_t id = 0;
    int rc;

    if (nr_req_param_id(r, 0, &id) != 0)
        return;
    nr_err_init(&err);
    rc = nr_decision_export(r->rv, &r->actor, id, &doc, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* R7: the bytes are the model's document exactly, as `decision export --out` writes them;
     * `netreview decision verify` checks them offline with the office's key. */
    text = nr_arena_printf(&r->ar, "%s\n", doc);
    disposition =
        nr_arena_printf(&r->ar, "attachment; filename=\"decision-%lld.json\"", (long long)id);
    nr__req_send(r, 200, "application/json", disposition, text, strlen(text));
    nr_free(doc);
}

NR_HANDLER(api_decision_key)
{
    const char *accept = nr_req_header(r, "Accept");
    struct nr_err err;
    char key_id[NR_KEY_ID_STR];
    char *pem = NULL;
    enum nr_suite suite;
    int rc;

    nr_err_init(&err);
    suite = nr_key_suite(r->rv->office_key);
    rc = nr_key_public_pem(r->rv->office_key, &pem);
    if (rc == 0)
        rc = nr_key_id(r->rv->office_key, key_id);
    if (rc) {
        nr_err_set(&err, rc, NULL, "cannot read the office public key");
        nr_req_error(r, rc, &err);
        goto out;
    }
    evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Vary", "Accept");
    /* The PEM itself by default, for `curl ... > office.pub`; the same object as `decision key
     * --json` to a client that asks for JSON. */
    if (accept && strstr(accept, "application/json")) {
        nr_req_json(r, 200,
                    json_pack("{s:s,s:s,s:s,s:s}", "key_id", key_id, "suite", nr_suite_name(suite),
                              "algorithm", suite == NR_SUITE_SM ? "SM2-SM3" : "Ed25519",
                              "public_key", pem));
    } else if (accept && strstr(accept, "application/x-pem-file")) {
        nr__req_send(r, 200, "application/x-pem-file", "inline; filename=\"office.pub\"", pem,
                     strlen(pem));
    } else {
        nr__req_send(r, 200, "text/plain; charset=utf-8", NULL, pem, strlen(pem));
    }
out:
    nr_free(pem);
}
