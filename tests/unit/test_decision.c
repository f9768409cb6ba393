/*
 * test_decision.c - unit tests of decisions and their publication (src/model/decision.c,
 * interface review.h, R7): validation of every field, the panel's recommendation and the
 * justification to override it, signing in both suites and offline verification (wrong key,
 * tampered payload, malformed document), publication, revocation and who may export what.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "netreview/review.h"

#include "netreview/banned.h"

#define TODAY "2026-03-02T09:00:00Z"

/* A small installation: the office, a provider with one product, two operators (one of them a
 * CII operator in finance), another finance organisation, the public. */
struct world {
    struct nr_fixture fx;
    struct nr_actor office, committee, provider, bank, shop, insurer, public_;
    int64_t product, case_id, bank_org;
};

static void ok(int rc, const struct nr_err *err, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %s (%s, field %s)", what, err->msg, nr_strerror(rc), err->field);
}

static int64_t add_org(struct world *w, const char *name, const char *kind, const char *sector,
                       bool cii)
{
    struct nr_org_spec o = {.name = name, .kind = kind, .sector = sector, .cii = cii};
    struct nr_err err;
    int64_t id = 0;
    nr_err_init(&err);
    ok(nr_org_add(&w->fx.rv, &w->fx.admin, &o, &id, &err), &err, name);
    return id;
}

static void add_user(struct world *w, const char *login, const char *org, const char *role,
                     struct nr_actor *a)
{
    struct nr_user_spec u = {
        .login = login, .name = login, .org = org, .role = role, .password = "correct horse"};
    struct nr_err err;
    int64_t id = 0;
    nr_err_init(&err);
    ok(nr_user_add(&w->fx.rv, &w->fx.admin, &u, &id, &err), &err, login);
    if (a) {
        nr_err_init(&err);
        ok(nr_actor_load(&w->fx.rv, login, a, &err), &err, login);
    }
}

static void world_open(struct world *w, const char *procedure, enum nr_suite suite)
{
    struct nr_product_spec p = {.name = "Router X",
                                .provider = "Huaxin Networks",
                                .cpe = "cpe:2.3:h:huaxin:router_x:*:*:*:*:*:*:*:*",
                                .purl = "pkg:generic/huaxin/router-x"};
    struct nr_case_spec cs = {
        .trigger = strcmp(procedure, "vendor-review") == 0 ? "vendor_request" : "state_requirement",
        .product = "Router X",
        .versions = ">=2.0 <3.0"};
    struct nr_err err;

    setenv("NETREVIEW_NOW", TODAY, 1);
    memset(w, 0, sizeof(*w));
    nr_fixture_open_suite(&w->fx, procedure, suite);
    add_org(w, "Review Office", "office", NULL, false);
    add_org(w, "Review Committee", "committee", NULL, false);
    add_org(w, "Huaxin Networks", "provider", NULL, false);
    w->bank_org = add_org(w, "Bank A", "operator", "finance", true);
    add_org(w, "Shop B", "operator", "retail", false);
    add_org(w, "Insurer C", "operator", "finance", false);
    add_user(w, "office1", "Review Office", "office", &w->office);
    add_user(w, "chair", "Review Committee", "committee", &w->committee);
    add_user(w, "vendor1", "Huaxin Networks", "provider", &w->provider);
    add_user(w, "bank1", "Bank A", "operator", &w->bank);
    add_user(w, "shop1", "Shop B", "operator", &w->shop);
    add_user(w, "insurer1", "Insurer C", "operator", &w->insurer);
    nr_actor_public(&w->public_);
    nr_err_init(&err);
    ok(nr_product_add(&w->fx.rv, &w->fx.admin, &p, &w->product, &err), &err, "product");
    nr_err_init(&err);
    ok(nr_case_open(&w->fx.rv, &w->office, &cs, &w->case_id, &err), &err, "case");
}

static void world_close(struct world *w)
{
    nr_fixture_close(&w->fx);
}

static void set_phase(struct world *w, int64_t case_id, const char *phase)
{
    struct nr_err err;
    nr_err_init(&err);
    ok(nr_store_exec(w->fx.rv.st, &err, "UPDATE cases SET phase = ? WHERE id = ?", "ti", phase,
                     case_id),
       &err, "set phase");
}

static int64_t count(struct world *w, const char *sql)
{
    struct nr_err err;
    int64_t n = -1;
    nr_err_init(&err);
    ok(nr_store_query_int(w->fx.rv.st, &err, &n, sql, ""), &err, sql);
    return n;
}

/* Records a decision as the decide transition would, after its checks. */
static int record(struct world *w, const struct nr_decision_spec *d, int64_t *id,
                  struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    int rc;

    nr_arena_init(&ar);
    nr_err_init(err);
    rc = nr_case_get(&w->fx.rv, &w->office, w->case_id, &ar, &c, err);
    if (rc == 0)
        rc = nr__decision_record(&w->fx.rv, &w->office, &c, d, id, err);
    nr_arena_release(&ar);
    return rc;
}

static void publish(struct world *w)
{
    struct nr_arena ar;
    struct nr_case c;
    struct nr_err err;

    nr_arena_init(&ar);
    nr_err_init(&err);
    ok(nr_case_get(&w->fx.rv, &w->office, w->case_id, &ar, &c, &err), &err, "case");
    ok(nr__decision_publish(&w->fx.rv, &w->office, &c, &err), &err, "publish");
    nr_arena_release(&ar);
    set_phase(w, w->case_id, "published");
}

static int64_t decide_simple(struct world *w, const char *outcome, const char *visibility,
                             const char *audience)
{
    struct nr_decision_spec d = {.outcome = outcome,
                                 .rationale = "the evaluation found no backdoor",
                                 .conditions = strcmp(outcome, "passed_with_conditions") == 0
                                                   ? "disable remote management"
                                                   : NULL,
                                 .visibility = visibility,
                                 .audience = audience};
    struct nr_err err;
    int64_t id = 0;

    set_phase(w, w->case_id, "expert_review");
    ok(record(w, &d, &id, &err), &err, "record");
    set_phase(w, w->case_id, "decided");
    assert_true(id > 0);
    return id;
}

/* ---- validation ---- */

static void expect_refused(struct world *w, const struct nr_decision_spec *d, int code,
                           const char *field)
{
    struct nr_err err;
    int64_t id = 7;
    int rc = record(w, d, &id, &err);
    if (rc != code)
        fail_msg("expected %s on %s, got %s: %s", nr_strerror(code), field, nr_strerror(rc),
                 err.msg);
    assert_string_equal(err.field, field);
    assert_int_equal(id, 0);
}

static void test_validation(void **state)
{
    struct world w;
    (void)state;
    world_open(&w, "cn-2017", NR_SUITE_INTL);
    set_phase(&w, w.case_id, "expert_review");

    struct nr_decision_spec d = {.outcome = "passed", .rationale = "fine"};
    d.outcome = NULL;
    expect_refused(&w, &d, NR_EINVAL, "outcome");
    d.outcome = "approved";
    expect_refused(&w, &d, NR_EINVAL, "outcome");
    d.outcome = "passed";
    d.rationale = "  ";
    expect_refused(&w, &d, NR_EINVAL, "rationale");
    {
        char *big = nr_malloc(64 * 1024 + 2);
        memset(big, 'a', 64 * 1024 + 1);
        big[64 * 1024 + 1] = '\0';
        d.rationale = big;
        expect_refused(&w, &d, NR_ETOOBIG, "rationale");
        nr_free(big);
    }
    d.rationale = "bad \xff utf-8";
    expect_refused(&w, &d, NR_EINVAL, "rationale");
    d.rationale = "fine";
    d.outcome = "passed_with_conditions";
    expect_refused(&w, &d, NR_EINVAL, "conditions");
    d.outcome = "passed";
    d.conditions = "some condition";
    expect_refused(&w, &d, NR_EINVAL, "conditions");
    d.conditions = NULL;
    d.versions = ">=2.0 <<3";
    expect_refused(&w, &d, NR_EPARSE, "versions");
    d.versions = NULL;
    d.valid_until = "2026-03-02";
    expect_refused(&w, &d, NR_EINVAL, "valid_until");
    d.valid_until = "2026-02-30";
    expect_refused(&w, &d, NR_EINVAL, "valid_until");
    d.valid_until = "2040-01-01";
    expect_refused(&w, &d, NR_EINVAL, "valid_until");
    d.valid_until = NULL;
    d.visibility = "secret";
    expect_refused(&w, &d, NR_EINVAL, "visibility");
    d.visibility = "restricted";
    expect_refused(&w, &d, NR_EINVAL, "audience");
    d.audience = "org:No Such Bank";
    expect_refused(&w, &d, NR_EINVAL, "audience");
    d.audience = "sector:Finance!";
    expect_refused(&w, &d, NR_EINVAL, "audience");
    d.audience = "org:Bank A,,sector:finance";
    expect_refused(&w, &d, NR_EINVAL, "audience");
    d.audience = "bank:Bank A";
    expect_refused(&w, &d, NR_EINVAL, "audience");
    d.visibility = "public";
    d.audience = "org:Bank A";
    expect_refused(&w, &d, NR_EINVAL, "audience");

    /* Nothing of a refused decision stays. */
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM decisions"), 0);
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM audit WHERE action = 'decision.record'"), 0);
    world_close(&w);
}

static void test_defaults_and_payload(void **state)
{
    struct world w;
    struct nr_err err;
    json_t *show = NULL;
    char *pl = NULL;
    json_t *payload;
    int64_t id;
    (void)state;

    world_open(&w, "cn-2017", NR_SUITE_INTL);
    id = decide_simple(&w, "passed", NULL, NULL);
    nr_err_init(&err);
    ok(nr_decision_show(&w.fx.rv, &w.office, id, &show, &err), &err, "show");
    /* R7: the case's versions (normalised), three years of validity, public by default. */
    assert_string_equal(json_string_value(json_object_get(show, "versions")), ">=2.0 <3.0");
    assert_string_equal(json_string_value(json_object_get(show, "valid_from")), "2026-03-02");
    assert_string_equal(json_string_value(json_object_get(show, "valid_until")), "2029-03-01");
    assert_string_equal(json_string_value(json_object_get(show, "visibility")), "public");
    assert_string_equal(json_string_value(json_object_get(show, "status")), "active");
    assert_string_equal(json_string_value(json_object_get(show, "decided_by")), "office1");
    assert_string_equal(json_string_value(json_object_get(show, "product")), "Router X");
    assert_true(json_is_false(json_object_get(show, "published")));
    assert_true(json_is_null(json_object_get(show, "recommendation")));
    assert_null(json_object_get(show, "payload"));
    assert_true(json_is_string(json_object_get(show, "key_id")));
    assert_int_equal(json_integer_value(json_object_get(show, "case_id")), w.case_id);
    assert_int_equal(json_integer_value(json_object_get(show, "product_id")), w.product);
    json_decref(show);

    nr_err_init(&err);
    ok(nr_store_query_text(w.fx.rv.st, &err, &pl, "SELECT payload FROM decisions WHERE id = ?", "i",
                           id),
       &err, "payload");
    payload = json_loads(pl, 0, NULL);
    assert_non_null(payload);
    assert_int_equal(json_integer_value(json_object_get(payload, "decision_id")), id);
    assert_string_equal(json_string_value(json_object_get(payload, "outcome")), "passed");
    assert_string_equal(json_string_value(json_object_get(payload, "procedure")), "cn-2017");
    assert_string_equal(json_string_value(json_object_get(payload, "suite")), "intl");
    assert_string_equal(json_string_value(json_object_get(payload, "decided_at")), TODAY);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(payload, "product"), "provider")),
        "Huaxin Networks");
    {
        /* The stored text is the canonical form: sorted keys, no whitespace. */
        char *again = json_dumps(payload, JSON_SORT_KEYS | JSON_COMPACT);
        assert_string_equal(again, pl);
        free(again);
    }
    json_decref(payload);
    nr_free(pl);
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM audit WHERE action = 'decision.record'"), 1);

    /* A second decision on the case supersedes the first. */
    {
        int64_t id2 = decide_simple(&w, "failed", "internal", NULL);
        assert_true(id2 > id);
        assert_int_equal(count(&w, "SELECT COUNT(*) FROM decisions WHERE status = 'active'"), 1);
        assert_int_equal(count(&w, "SELECT COUNT(*) FROM decisions WHERE status = 'superseded'"),
                         1);
    }
    world_close(&w);
}

static void test_restricted_audience(void **state)
{
    struct world w;
    struct nr_err err;
    json_t *show = NULL;
    int64_t id;
    (void)state;

    world_open(&w, "cn-2017", NR_SUITE_INTL);
    {
        char ref[32];
        snprintf(ref, sizeof(ref), "org:%lld", (long long)w.bank_org);
        /* The same organisation by id and by name counts once. */
        char aud[128];
        snprintf(aud, sizeof(aud), " %s , org:Bank A, sector:energy", ref);
        id = decide_simple(&w, "failed", "restricted", aud);
    }
    nr_err_init(&err);
    ok(nr_decision_show(&w.fx.rv, &w.office, id, &show, &err), &err, "show");
    {
        char want[64];
        snprintf(want, sizeof(want), "org:%lld,sector:energy", (long long)w.bank_org);
        assert_string_equal(json_string_value(json_object_get(show, "audience")), want);
    }
    json_decref(show);
    world_close(&w);
}

/* ---- R7: the panel's recommendation ---- */

static void test_recommendation_justification(void **state)
{
    const char *experts[] = {"exp1", "exp2", "exp3"};
    struct nr_actor ex[3];
    struct world w;
    struct nr_err err;
    struct nr_decision_spec d = {.outcome = "passed", .rationale = "the risk is acceptable"};
    json_t *show = NULL;
    int64_t did = 0;
    int rc;
    (void)state;

    world_open(&w, "vendor-review", NR_SUITE_INTL);
    add_org(&w, "Review Board", "experts_committee", NULL, false);
    for (int i = 0; i < 3; i++) {
        add_user(&w, experts[i], "Review Board", "expert", &ex[i]);
        nr_err_init(&err);
        ok(nr_expert_appoint(&w.fx.rv, &w.fx.admin, experts[i], "network security", "2026-01-01",
                             NULL, NULL, &err),
           &err, "appoint");
    }
    nr_err_init(&err);
    ok(nr_case_transition(&w.fx.rv, &w.office, w.case_id, "accept", NULL, NULL, &err), &err,
       "accept");
    nr_err_init(&err);
    ok(nr_panel_form(&w.fx.rv, &w.office, w.case_id, NULL, &err), &err, "panel");
    set_phase(&w, w.case_id, "expert_review");
    for (int i = 0; i < 3; i++) {
        for (size_t k = 0; k < w.fx.rv.proc.ndimensions; k++) {
            const char *dim = w.fx.rv.proc.dimensions[k];
            nr_err_init(&err);
            ok(nr_score_submit(&w.fx.rv, &ex[i], w.case_id, dim,
                               strcmp(dim, "control") == 0 ? "high" : "none", "reasons", &err),
               &err, "score");
        }
    }
    /* R7: the panel recommends failed; passing needs a written justification. */
    nr_err_init(&err);
    rc = nr_case_transition(&w.fx.rv, &w.office, w.case_id, "decide", NULL, &d, &err);
    assert_int_equal(rc, NR_EPRECOND);
    assert_string_equal(err.field, "justification");
    assert_string_equal(
        err.msg, "the panel recommends failed; deciding passed needs a written justification");
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM decisions"), 0);

    /* Following the recommendation needs none. */
    d.outcome = "failed";
    nr_err_init(&err);
    ok(nr_case_transition(&w.fx.rv, &w.office, w.case_id, "decide", NULL, &d, &err), &err,
       "decide failed");
    nr_err_init(&err);
    ok(nr_store_query_int(w.fx.rv.st, &err, &did, "SELECT id FROM decisions", ""), &err, "id");
    nr_err_init(&err);
    ok(nr_decision_show(&w.fx.rv, &w.office, did, &show, &err), &err, "show");
    assert_string_equal(json_string_value(json_object_get(show, "recommendation")), "failed");
    assert_true(json_is_null(json_object_get(show, "justification")));
    /* vendor-review: one year. */
    assert_string_equal(json_string_value(json_object_get(show, "valid_until")), "2027-03-02");
    json_decref(show);

    /* Publish and revoke through the procedure's transitions. */
    nr_err_init(&err);
    ok(nr_case_transition(&w.fx.rv, &w.office, w.case_id, "publish", NULL, NULL, &err), &err,
       "publish");
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM publications WHERE withdrawn_at IS NULL"), 1);
    nr_err_init(&err);
    ok(nr_case_transition(&w.fx.rv, &w.office, w.case_id, "revoke",
                          "the vendor replaced the firmware", NULL, &err),
       &err, "revoke");
    nr_err_init(&err);
    ok(nr_decision_show(&w.fx.rv, &w.office, did, &show, &err), &err, "show");
    assert_string_equal(json_string_value(json_object_get(show, "status")), "revoked");
    assert_string_equal(json_string_value(json_object_get(show, "revoke_reason")),
                        "the vendor replaced the firmware");
    assert_true(json_is_false(json_object_get(show, "published")));
    assert_string_equal(json_string_value(json_object_get(show, "withdrawn_at")), TODAY);
    json_decref(show);
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM publications WHERE withdrawn_at IS NULL"), 0);
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM audit WHERE action = 'decision.revoke'"), 1);
    world_close(&w);
}

static void test_recommendation_override(void **state)
{
    const char *experts[] = {"exp1", "exp2", "exp3"};
    struct nr_actor ex[3];
    struct world w;
    struct nr_err err;
    struct nr_decision_spec d = {.outcome = "failed",
                                 .rationale = "supply chain concerns outweigh the scores",
                                 .justification = "a classified report on the supplier"};
    json_t *show = NULL;
    int64_t did = 0;
    (void)state;

    world_open(&w, "vendor-review", NR_SUITE_SM);
    add_org(&w, "Review Board", "experts_committee", NULL, false);
    for (int i = 0; i < 3; i++) {
        add_user(&w, experts[i], "Review Board", "expert", &ex[i]);
        nr_err_init(&err);
        ok(nr_expert_appoint(&w.fx.rv, &w.fx.admin, experts[i], NULL, "2026-01-01", NULL, NULL,
                             &err),
           &err, "appoint");
    }
    set_phase(&w, w.case_id, "evaluation");
    nr_err_init(&err);
    ok(nr_panel_form(&w.fx.rv, &w.office, w.case_id, NULL, &err), &err, "panel");
    set_phase(&w, w.case_id, "expert_review");
    for (int i = 0; i < 3; i++)
        for (size_t k = 0; k < w.fx.rv.proc.ndimensions; k++) {
            nr_err_init(&err);
            ok(nr_score_submit(&w.fx.rv, &ex[i], w.case_id, w.fx.rv.proc.dimensions[k], "none",
                               "no risk seen", &err),
               &err, "score");
        }
    /* Departing from "passed" with a justification is allowed and kept. */
    nr_err_init(&err);
    ok(nr_case_transition(&w.fx.rv, &w.office, w.case_id, "decide", NULL, &d, &err), &err,
       "decide");
    nr_err_init(&err);
    ok(nr_store_query_int(w.fx.rv.st, &err, &did, "SELECT id FROM decisions", ""), &err, "id");
    ok(nr_decision_show(&w.fx.rv, &w.office, did, &show, &err), &err, "show");
    assert_string_equal(json_string_value(json_object_get(show, "recommendation")), "passed");
    assert_string_equal(json_string_value(json_object_get(show, "justification")),
                        "a classified report on the supplier");
    assert_string_equal(json_string_value(json_object_get(show, "suite")), "sm");
    json_decref(show);
    world_close(&w);
}

/* ---- signing and offline verification ---- */

static char *office_pem(struct world *w)
{
    char *pem = NULL;
    assert_int_equal(nr_key_public_pem(w->fx.rv.office_key, &pem), 0);
    return pem;
}

static char *export_doc(struct world *w, const struct nr_actor *a, int64_t id, int expect)
{
    struct nr_err err;
    char *doc = NULL;
    int rc;
    nr_err_init(&err);
    rc = nr_decision_export(&w->fx.rv, a, id, &doc, &err);
    if (rc != expect)
        fail_msg("export as %s: expected %s, got %s: %s", a->login, nr_strerror(expect),
                 nr_strerror(rc), err.msg);
    if (rc)
        assert_null(doc);
    return doc;
}

static int verify(const char *doc, const char *pem, json_t **payload, struct nr_err *err)
{
    nr_err_init(err);
    return nr_decision_verify(doc, strlen(doc), pem, strlen(pem), payload, err);
}

/* Replaces the document's member at path (one or two levels) with v and re-serialises it. */
static char *tamper(const char *doc, const char *k1, const char *k2, json_t *v)
{
    json_t *root = json_loads(doc, 0, NULL), *obj = root;
    char *out, *copy;
    assert_non_null(root);
    if (k2)
        obj = json_object_get(root, k1);
    json_object_set_new(obj, k2 ? k2 : k1, v);
    out = json_dumps(root, JSON_INDENT(2));
    copy = nr_strdup(out);
    free(out);
    json_decref(root);
    return copy;
}

static void check_suite(enum nr_suite suite)
{
    enum nr_suite other = suite == NR_SUITE_INTL ? NR_SUITE_SM : NR_SUITE_INTL;
    struct world w;
    struct nr_err err;
    struct nr_key *k = NULL;
    json_t *payload = NULL, *root;
    char *doc, *pem, *wrong = NULL, *alien = NULL, *bad;
    int64_t id;

    world_open(&w, "cn-2017", suite);
    id = decide_simple(&w, "passed_with_conditions", "public", NULL);
    doc = export_doc(&w, &w.office, id, 0);
    pem = office_pem(&w);
    root = json_loads(doc, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "format")), "netreview-decision/1");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(root, "signature"), "algorithm")),
        suite == NR_SUITE_SM ? "SM2-SM3" : "Ed25519");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(root, "signature"), "suite")),
        nr_suite_name(suite));
    assert_string_equal(json_string_value(json_object_get(root, "public_key")), pem);
    json_decref(root);

    assert_int_equal(nr_key_generate(suite, &k, NULL), 0);
    assert_int_equal(nr_key_public_pem(k, &wrong), 0);
    nr_key_free(k);
    assert_int_equal(nr_key_generate(other, &k, NULL), 0);
    assert_int_equal(nr_key_public_pem(k, &alien), 0);
    nr_key_free(k);
    world_close(&w);

    /* Offline: the installation is gone; the document and the key are enough. */
    assert_int_equal(verify(doc, pem, &payload, &err), 0);
    assert_string_equal(json_string_value(json_object_get(payload, "outcome")),
                        "passed_with_conditions");
    assert_string_equal(json_string_value(json_object_get(payload, "conditions")),
                        "disable remote management");
    json_decref(payload);

    /* Another key of the same suite, and a key of the other suite. */
    assert_int_equal(verify(doc, wrong, &payload, &err), NR_EBADSIG);
    assert_null(payload);
    assert_int_equal(verify(doc, alien, NULL, &err), NR_EBADSIG);

    /* An altered payload no longer matches the signed text. */
    bad = tamper(doc, "payload", "outcome", json_string("passed"));
    assert_int_equal(verify(bad, pem, NULL, &err), NR_EBADSIG);
    assert_string_equal(err.field, "$.payload");
    nr_free(bad);

    /* Altered consistently in both places: the signature fails. */
    {
        json_t *r = json_loads(doc, 0, NULL), *p = json_object_get(r, "payload");
        char *canon, *out;
        json_object_set_new(p, "outcome", json_string("passed"));
        json_object_set_new(p, "conditions", json_null());
        canon = json_dumps(p, JSON_SORT_KEYS | JSON_COMPACT);
        json_object_set_new(r, "payload_canonical", json_string(canon));
        out = json_dumps(r, 0);
        assert_int_equal(verify(out, pem, NULL, &err), NR_EBADSIG);
        assert_string_equal(err.field, "$.signature.value");
        free(canon);
        free(out);
        json_decref(r);
    }
    /* A signature value altered. */
    bad = tamper(doc, "signature", "value", json_string("AAAA"));
    assert_int_equal(verify(bad, pem, NULL, &err), NR_EBADSIG);
    nr_free(bad);
    /* The suite claimed differs from the payload's. */
    bad = tamper(doc, "signature", "suite", json_string(nr_suite_name(other)));
    assert_int_not_equal(verify(bad, pem, NULL, &err), 0);
    nr_free(bad);

    /* Malformed documents name the JSON path. */
    assert_int_equal(verify("not json", pem, NULL, &err), NR_EPARSE);
    assert_string_equal(err.field, "$");
    assert_int_equal(verify("[1,2]", pem, NULL, &err), NR_EPARSE);
    bad = tamper(doc, "format", NULL, json_string("something/2"));
    assert_int_equal(verify(bad, pem, NULL, &err), NR_EPARSE);
    assert_string_equal(err.field, "$.format");
    nr_free(bad);
    bad = tamper(doc, "signature", NULL, json_string("x"));
    assert_int_equal(verify(bad, pem, NULL, &err), NR_EPARSE);
    assert_string_equal(err.field, "$.signature");
    nr_free(bad);
    bad = tamper(doc, "signature", "key_id", json_integer(5));
    assert_int_equal(verify(bad, pem, NULL, &err), NR_EPARSE);
    assert_string_equal(err.field, "$.signature.key_id");
    nr_free(bad);
    bad = tamper(doc, "payload", NULL, json_string("x"));
    assert_int_equal(verify(bad, pem, NULL, &err), NR_EPARSE);
    assert_string_equal(err.field, "$.payload");
    nr_free(bad);
    assert_int_equal(verify(doc, "not a key", NULL, &err), NR_EPARSE);
    assert_string_equal(err.field, "key");

    nr_free(doc);
    nr_free(pem);
    nr_free(wrong);
    nr_free(alien);
}

static void test_sign_verify_intl(void **state)
{
    (void)state;
    check_suite(NR_SUITE_INTL);
}

static void test_sign_verify_sm(void **state)
{
    (void)state;
    check_suite(NR_SUITE_SM);
}

/* ---- who may see and export what ---- */

static void test_export_visibility(void **state)
{
    struct world w;
    json_t *list = NULL;
    struct nr_err err;
    int64_t id;
    char *doc;
    (void)state;

    world_open(&w, "cn-2017", NR_SUITE_INTL);
    id = decide_simple(&w, "passed", "public", NULL);
    /* Before publication: the office, the committee and the provider (its own case) only. */
    nr_free(export_doc(&w, &w.office, id, 0));
    nr_free(export_doc(&w, &w.committee, id, 0));
    nr_free(export_doc(&w, &w.provider, id, 0));
    export_doc(&w, &w.public_, id, NR_ENOTFOUND);
    export_doc(&w, &w.bank, id, NR_ENOTFOUND);
    export_doc(&w, &w.public_, id + 100, NR_ENOTFOUND);
    nr_err_init(&err);
    ok(nr_decision_list(&w.fx.rv, &w.public_, &list, &err), &err, "list");
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);

    /* R7: published, the public register shows it to anyone. */
    publish(&w);
    doc = export_doc(&w, &w.public_, id, 0);
    assert_non_null(doc);
    nr_free(doc);
    nr_err_init(&err);
    ok(nr_decision_list(&w.fx.rv, &w.public_, &list, &err), &err, "list");
    assert_int_equal(json_array_size(list), 1);
    assert_null(json_object_get(json_array_get(list, 0), "rationale"));
    json_decref(list);
    {
        /* Publishing twice is refused. */
        struct nr_arena ar;
        struct nr_case c;
        nr_arena_init(&ar);
        nr_err_init(&err);
        ok(nr_case_get(&w.fx.rv, &w.office, w.case_id, &ar, &c, &err), &err, "case");
        assert_int_equal(nr__decision_publish(&w.fx.rv, &w.office, &c, &err), NR_EEXISTS);
        nr_arena_release(&ar);
    }
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM audit WHERE action = 'decision.publish'"), 1);
    world_close(&w);

    /* Restricted: its audience (an organisation, a sector) once circulated. */
    world_open(&w, "cn-2017", NR_SUITE_INTL);
    id = decide_simple(&w, "failed", "restricted", "org:Shop B,sector:finance");
    export_doc(&w, &w.shop, id, NR_ENOTFOUND);
    publish(&w);
    nr_free(export_doc(&w, &w.shop, id, 0));
    nr_free(export_doc(&w, &w.bank, id, 0));    /* sector finance */
    nr_free(export_doc(&w, &w.insurer, id, 0)); /* sector finance */
    nr_free(export_doc(&w, &w.provider, id, 0));
    export_doc(&w, &w.public_, id, NR_ENOTFOUND);
    world_close(&w);

    /* Internal: the office and the committee only, even after publication. */
    world_open(&w, "cn-2017", NR_SUITE_INTL);
    id = decide_simple(&w, "failed", "internal", NULL);
    publish(&w);
    nr_free(export_doc(&w, &w.office, id, 0));
    nr_free(export_doc(&w, &w.committee, id, 0));
    export_doc(&w, &w.provider, id, NR_ENOTFOUND);
    export_doc(&w, &w.bank, id, NR_ENOTFOUND);
    export_doc(&w, &w.public_, id, NR_ENOTFOUND);
    {
        json_t *show = NULL;
        nr_err_init(&err);
        assert_int_equal(nr_decision_show(&w.fx.rv, &w.public_, id, &show, &err), NR_ENOTFOUND);
        assert_null(show);
    }
    world_close(&w);
}

static void test_revoke(void **state)
{
    struct world w;
    struct nr_err err;
    struct nr_arena ar;
    struct nr_case c;
    int64_t id;
    (void)state;

    world_open(&w, "cn-2017", NR_SUITE_INTL);
    /* Withdrawing a case that holds no decision revokes nothing and fails nothing. */
    nr_arena_init(&ar);
    nr_err_init(&err);
    ok(nr_case_get(&w.fx.rv, &w.office, w.case_id, &ar, &c, &err), &err, "case");
    ok(nr__decision_revoke(&w.fx.rv, &w.office, &c, NULL, &err), &err, "revoke nothing");
    assert_int_equal(nr__decision_publish(&w.fx.rv, &w.office, &c, &err), NR_EPRECOND);
    nr_arena_release(&ar);

    id = decide_simple(&w, "passed", "public", NULL);
    publish(&w);
    nr_arena_init(&ar);
    nr_err_init(&err);
    ok(nr_case_get(&w.fx.rv, &w.office, w.case_id, &ar, &c, &err), &err, "case");
    assert_int_equal(nr__decision_revoke(&w.fx.rv, &w.office, &c, "", &err), NR_EINVAL);
    assert_string_equal(err.field, "reason");
    nr_err_init(&err);
    ok(nr__decision_revoke(&w.fx.rv, &w.office, &c, "backdoor found after release", &err), &err,
       "revoke");
    nr_arena_release(&ar);
    /* Revoked: out of the public register. */
    export_doc(&w, &w.public_, id, NR_ENOTFOUND);
    nr_free(export_doc(&w, &w.office, id, 0));
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM decisions WHERE status = 'revoked'"), 1);
    world_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_defaults_and_payload),
        cmocka_unit_test(test_restricted_audience),
        cmocka_unit_test(test_recommendation_justification),
        cmocka_unit_test(test_recommendation_override),
        cmocka_unit_test(test_sign_verify_intl),
        cmocka_unit_test(test_sign_verify_sm),
        cmocka_unit_test(test_export_visibility),
        cmocka_unit_test(test_revoke),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
