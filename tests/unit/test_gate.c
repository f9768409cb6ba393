/*
 * test_gate.c - unit tests of the procurement gate (src/model/gate.c, interface gate.h, R9):
 * every status and every procurement value, versions outside the covered range, expiry with the
 * clock moved, revocation, restricted decisions seen only by their audience, the CII operator's
 * review_required, lookup by name, id, CPE and package URL, and that the gate writes nothing.
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
#include "netreview/gate.h"
#include "netreview/review.h"

#include "netreview/banned.h"

#define TODAY "2026-03-02T09:00:00Z"

struct world {
    struct nr_fixture fx;
    struct nr_actor office, provider, bank, shop, insurer, public_;
    int64_t bank_org;
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
    nr_err_init(&err);
    ok(nr_actor_load(&w->fx.rv, login, a, &err), &err, login);
}

static int64_t add_product(struct world *w, const char *name, const char *cpe, const char *purl)
{
    struct nr_product_spec p = {
        .name = name, .provider = "Huaxin Networks", .cpe = cpe, .purl = purl};
    struct nr_err err;
    int64_t id = 0;
    nr_err_init(&err);
    ok(nr_product_add(&w->fx.rv, &w->fx.admin, &p, &id, &err), &err, name);
    return id;
}

static void world_open(struct world *w)
{
    setenv("NETREVIEW_NOW", TODAY, 1);
    memset(w, 0, sizeof(*w));
    nr_fixture_open(&w->fx, "cn-2017");
    add_org(w, "Review Office", "office", NULL, false);
    add_org(w, "Huaxin Networks", "provider", NULL, false);
    w->bank_org = add_org(w, "Bank A", "operator", "finance", true);
    add_org(w, "Shop B", "operator", "retail", false);
    add_org(w, "Insurer C", "operator", "finance", false);
    add_user(w, "office1", "Review Office", "office", &w->office);
    add_user(w, "vendor1", "Huaxin Networks", "provider", &w->provider);
    add_user(w, "bank1", "Bank A", "operator", &w->bank);
    add_user(w, "shop1", "Shop B", "operator", &w->shop);
    add_user(w, "insurer1", "Insurer C", "operator", &w->insurer);
    nr_actor_public(&w->public_);
}

static void set_phase(struct world *w, int64_t case_id, const char *phase)
{
    struct nr_err err;
    nr_err_init(&err);
    ok(nr_store_exec(w->fx.rv.st, &err, "UPDATE cases SET phase = ? WHERE id = ?", "ti", phase,
                     case_id),
       &err, "set phase");
}

static int64_t open_case(struct world *w, const char *product, const char *versions)
{
    struct nr_case_spec cs = {
        .trigger = "state_requirement", .product = product, .versions = versions};
    struct nr_err err;
    int64_t id = 0;
    nr_err_init(&err);
    ok(nr_case_open(&w->fx.rv, &w->office, &cs, &id, &err), &err, "case");
    return id;
}

static struct nr_case *load(struct world *w, int64_t case_id, struct nr_arena *ar,
                            struct nr_case *c)
{
    struct nr_err err;
    nr_err_init(&err);
    ok(nr_case_get(&w->fx.rv, &w->office, case_id, ar, c, &err), &err, "case");
    return c;
}

/* A case on the product, decided (and published when asked) as the transitions would. */
static int64_t decided_case(struct world *w, const char *product, const char *versions,
                            const char *outcome, const char *visibility, const char *audience,
                            const char *valid_until, bool publish)
{
    struct nr_decision_spec d = {.outcome = outcome,
                                 .rationale = "on the evaluation and the panel's scores",
                                 .conditions = strcmp(outcome, "passed_with_conditions") == 0
                                                   ? "remote management disabled"
                                                   : NULL,
                                 .visibility = visibility,
                                 .audience = audience,
                                 .valid_until = valid_until};
    int64_t case_id = open_case(w, product, versions), did = 0;
    struct nr_arena ar;
    struct nr_case c;
    struct nr_err err;

    set_phase(w, case_id, "expert_review");
    nr_arena_init(&ar);
    nr_err_init(&err);
    ok(nr__decision_record(&w->fx.rv, &w->office, load(w, case_id, &ar, &c), &d, &did, &err), &err,
       "record");
    nr_arena_release(&ar);
    set_phase(w, case_id, "decided");
    if (publish) {
        nr_arena_init(&ar);
        ok(nr__decision_publish(&w->fx.rv, &w->office, load(w, case_id, &ar, &c), &err), &err,
           "publish");
        nr_arena_release(&ar);
        set_phase(w, case_id, "published");
    }
    return case_id;
}

static struct nr_gate_answer ask(struct world *w, const struct nr_actor *a, const char *product,
                                 const char *version, const char *operator_org)
{
    struct nr_gate_query q = {.version = version, .operator_org = operator_org};
    struct nr_gate_answer ans;
    struct nr_err err;

    if (strncmp(product, "cpe:", 4) == 0)
        q.cpe = product;
    else if (strncmp(product, "pkg:", 4) == 0)
        q.purl = product;
    else
        q.product = product;
    nr_err_init(&err);
    ok(nr_gate_check(&w->fx.rv, a, &q, &ans, &err), &err, "gate");
    return ans;
}

static void expect(const struct nr_gate_answer *ans, const char *status, const char *procurement)
{
    if (strcmp(ans->status, status) != 0 || strcmp(ans->procurement, procurement) != 0)
        fail_msg("expected %s/%s, got %s/%s (%s)", status, procurement, ans->status,
                 ans->procurement, ans->reason);
}

static void test_statuses(void **state)
{
    struct world w;
    struct nr_gate_answer ans;
    int64_t audit_before, audit_after, pass_case;
    struct nr_err err;
    (void)state;

    world_open(&w);
    add_product(&w, "Router A", NULL, NULL);
    add_product(&w, "Router B", NULL, NULL);
    add_product(&w, "Switch C", NULL, NULL);
    add_product(&w, "Firewall D", NULL, NULL);
    add_product(&w, "Modem E", NULL, NULL);
    pass_case = decided_case(&w, "Router A", ">=2.0 <3.0", "passed", "public", NULL, NULL, true);
    decided_case(&w, "Router B", "*", "passed_with_conditions", "public", NULL, NULL, true);
    decided_case(&w, "Switch C", "*", "failed", "public", NULL, NULL, true);
    open_case(&w, "Firewall D", "*");

    nr_err_init(&err);
    ok(nr_store_query_int(w.fx.rv.st, &err, &audit_before, "SELECT COUNT(*) FROM audit", ""), &err,
       "audit");

    ans = ask(&w, &w.public_, "Router A", "2.1", NULL);
    expect(&ans, "passed", "prioritized");
    assert_int_equal(ans.case_id, pass_case);
    assert_true(ans.decision_id > 0);
    assert_string_equal(ans.outcome, "passed");
    assert_string_equal(ans.valid_until, "2029-03-01");
    assert_string_equal(ans.version, "2.1");
    assert_string_equal(ans.product, "Router A");
    assert_non_null(strstr(ans.reason, "procurement prioritized (Measures Art. 10)"));

    ans = ask(&w, &w.public_, "Router B", "1.0", NULL);
    expect(&ans, "passed_with_conditions", "allowed_with_conditions");
    assert_string_equal(ans.conditions, "remote management disabled");

    ans = ask(&w, &w.public_, "Switch C", "4.4", NULL);
    expect(&ans, "failed", "prohibited");
    assert_non_null(strstr(ans.reason, "failed review NR-2026-"));
    assert_non_null(
        strstr(ans.reason, " on 2026-03-02; procurement prohibited (Measures Art. 10)"));

    ans = ask(&w, &w.public_, "Firewall D", "1.0", NULL);
    expect(&ans, "under_review", "allowed");
    /* R11: the public is not told which case. */
    assert_int_equal(ans.case_id, 0);
    ans = ask(&w, &w.office, "Firewall D", "1.0", NULL);
    expect(&ans, "under_review", "allowed");
    assert_true(ans.case_id > 0);

    ans = ask(&w, &w.public_, "Modem E", "1.0", NULL);
    expect(&ans, "not_reviewed", "allowed");
    assert_int_equal(ans.decision_id, 0);

    ans = ask(&w, &w.public_, "No Such Product", "1.0", NULL);
    expect(&ans, "not_reviewed", "allowed");
    assert_int_equal(ans.product_id, 0);
    assert_string_equal(ans.product, "No Such Product");

    /* R1, R9: a CII operator may not simply buy what has not passed. */
    ans = ask(&w, &w.bank, "Modem E", "1.0", NULL);
    expect(&ans, "not_reviewed", "review_required");
    ans = ask(&w, &w.public_, "Firewall D", "1.0", "Bank A");
    expect(&ans, "under_review", "review_required");
    ans = ask(&w, &w.bank, "Router A", "2.1", NULL);
    expect(&ans, "passed", "prioritized");
    ans = ask(&w, &w.bank, "Switch C", "2.1", NULL);
    expect(&ans, "failed", "prohibited");
    ans = ask(&w, &w.shop, "Modem E", "1.0", NULL);
    expect(&ans, "not_reviewed", "allowed");

    /* A version outside the covered range: not reviewed; with an open case on it: under
     * review. */
    ans = ask(&w, &w.public_, "Router A", "3.1", NULL);
    expect(&ans, "not_reviewed", "allowed");
    ans = ask(&w, &w.public_, "Router A", "1.9", "Bank A");
    expect(&ans, "not_reviewed", "review_required");
    open_case(&w, "Router A", ">=3.0");
    nr_err_init(&err);
    ok(nr_store_query_int(w.fx.rv.st, &err, &audit_before, "SELECT COUNT(*) FROM audit", ""), &err,
       "audit");
    ans = ask(&w, &w.public_, "Router A", "3.1", NULL);
    expect(&ans, "under_review", "allowed");
    ans = ask(&w, &w.public_, "Router A", "2.5", NULL);
    expect(&ans, "passed", "prioritized");
    /* No version: only a decision on every version answers, and a review of any version is
     * under way for the asker. */
    ans = ask(&w, &w.public_, "Router A", NULL, NULL);
    expect(&ans, "under_review", "allowed");
    ans = ask(&w, &w.public_, "Modem E", NULL, NULL);
    expect(&ans, "not_reviewed", "allowed");
    ans = ask(&w, &w.public_, "Switch C", NULL, NULL);
    expect(&ans, "failed", "prohibited");

    /* R9: the gate only reads. */
    nr_err_init(&err);
    ok(nr_store_query_int(w.fx.rv.st, &err, &audit_after, "SELECT COUNT(*) FROM audit", ""), &err,
       "audit");
    assert_int_equal(audit_before, audit_after);
    nr_fixture_close(&w.fx);
}

static void test_expiry_and_revocation(void **state)
{
    struct world w;
    struct nr_gate_answer ans;
    struct nr_arena ar;
    struct nr_case c;
    struct nr_err err;
    int64_t case_id;
    (void)state;

    world_open(&w);
    add_product(&w, "Router A", NULL, NULL);
    add_product(&w, "Switch C", NULL, NULL);
    decided_case(&w, "Router A", "*", "passed", "public", NULL, "2026-12-31", true);
    case_id = decided_case(&w, "Switch C", "*", "failed", "public", NULL, NULL, true);

    ans = ask(&w, &w.public_, "Router A", "1.0", NULL);
    expect(&ans, "passed", "prioritized");
    /* On its last day it is still in force. */
    setenv("NETREVIEW_NOW", "2026-12-31T23:00:00Z", 1);
    ans = ask(&w, &w.public_, "Router A", "1.0", NULL);
    expect(&ans, "passed", "prioritized");
    /* R14: past valid_until the gate says expired. */
    setenv("NETREVIEW_NOW", "2027-01-01T00:00:00Z", 1);
    ans = ask(&w, &w.public_, "Router A", "1.0", NULL);
    expect(&ans, "expired", "allowed");
    assert_string_equal(ans.outcome, "passed");
    assert_string_equal(ans.valid_until, "2026-12-31");
    assert_non_null(strstr(ans.reason, "was valid until 2026-12-31"));
    ans = ask(&w, &w.bank, "Router A", "1.0", NULL);
    expect(&ans, "expired", "review_required");
    setenv("NETREVIEW_NOW", TODAY, 1);

    /* A revoked decision, its case withdrawn, no longer counts. */
    nr_arena_init(&ar);
    nr_err_init(&err);
    ok(nr__decision_revoke(&w.fx.rv, &w.office, load(&w, case_id, &ar, &c), "firmware replaced",
                           &err),
       &err, "revoke");
    nr_arena_release(&ar);
    set_phase(&w, case_id, "withdrawn");
    ans = ask(&w, &w.public_, "Switch C", "1.0", NULL);
    expect(&ans, "not_reviewed", "allowed");
    ans = ask(&w, &w.bank, "Switch C", "1.0", NULL);
    expect(&ans, "not_reviewed", "review_required");

    /* A case moved to a phase without valid decisions (closed) does not count either, even
     * with its decision still active. */
    case_id = decided_case(&w, "Switch C", "*", "failed", "public", NULL, NULL, true);
    ans = ask(&w, &w.public_, "Switch C", "1.0", NULL);
    expect(&ans, "failed", "prohibited");
    set_phase(&w, case_id, "closed");
    ans = ask(&w, &w.public_, "Switch C", "1.0", NULL);
    expect(&ans, "not_reviewed", "allowed");
    nr_fixture_close(&w.fx);
}

static void test_visibility(void **state)
{
    struct world w;
    struct nr_gate_answer ans;
    (void)state;

    world_open(&w);
    add_product(&w, "Switch C", NULL, NULL);
    add_product(&w, "Router A", NULL, NULL);
    add_product(&w, "Modem E", NULL, NULL);
    decided_case(&w, "Switch C", "*", "failed", "restricted", "org:Bank A", NULL, true);
    decided_case(&w, "Modem E", "*", "failed", "restricted", "sector:retail", NULL, true);

    /* R7, R9: a restricted decision answers only for its audience. */
    ans = ask(&w, &w.bank, "Switch C", "1.0", NULL);
    expect(&ans, "failed", "prohibited");
    ans = ask(&w, &w.shop, "Switch C", "1.0", NULL);
    expect(&ans, "not_reviewed", "allowed");
    ans = ask(&w, &w.public_, "Switch C", "1.0", NULL);
    expect(&ans, "not_reviewed", "allowed");
    /* Naming the operator does not show the public what was circulated to it... */
    ans = ask(&w, &w.public_, "Switch C", "1.0", "Bank A");
    expect(&ans, "not_reviewed", "review_required");
    /* ...but the office asking on the operator's behalf sees its view. */
    ans = ask(&w, &w.office, "Switch C", "1.0", "Bank A");
    expect(&ans, "failed", "prohibited");
    ans = ask(&w, &w.office, "Switch C", "1.0", "Shop B");
    expect(&ans, "not_reviewed", "allowed");
    /* Sector audiences. */
    ans = ask(&w, &w.shop, "Modem E", "1.0", NULL);
    expect(&ans, "failed", "prohibited");
    ans = ask(&w, &w.insurer, "Modem E", "1.0", NULL);
    expect(&ans, "not_reviewed", "allowed");

    /* Internal: the office's own. */
    decided_case(&w, "Router A", "*", "passed", "internal", NULL, NULL, true);
    ans = ask(&w, &w.office, "Router A", "1.0", NULL);
    expect(&ans, "passed", "prioritized");
    ans = ask(&w, &w.shop, "Router A", "1.0", NULL);
    expect(&ans, "not_reviewed", "allowed");
    nr_fixture_close(&w.fx);
}

static void test_unpublished(void **state)
{
    struct world w;
    struct nr_gate_answer ans;
    (void)state;

    world_open(&w);
    add_product(&w, "Router A", NULL, NULL);
    decided_case(&w, "Router A", "*", "failed", "public", NULL, NULL, false);
    /* Decided, not yet published: the office sees the decision, the public a review under way. */
    ans = ask(&w, &w.office, "Router A", "1.0", NULL);
    expect(&ans, "failed", "prohibited");
    ans = ask(&w, &w.public_, "Router A", "1.0", NULL);
    expect(&ans, "under_review", "allowed");
    nr_fixture_close(&w.fx);
}

static void test_lookup(void **state)
{
    struct world w;
    struct nr_gate_answer ans;
    struct nr_gate_query q;
    struct nr_err err;
    int64_t id;
    char ref[32];
    json_t *j;
    (void)state;

    world_open(&w);
    id = add_product(&w, "Router A", "cpe:2.3:h:huaxin:router_a:*:*:*:*:*:*:*:*",
                     "pkg:generic/huaxin/router-a");
    decided_case(&w, "Router A", ">=2.0 <3.0", "failed", "public", NULL, NULL, true);

    ans = ask(&w, &w.public_, "cpe:2.3:h:huaxin:router_a:2.1:*:*:*:*:*:*:*", NULL, NULL);
    expect(&ans, "failed", "prohibited");
    assert_int_equal(ans.product_id, id);
    assert_string_equal(ans.version, "2.1");
    ans = ask(&w, &w.public_, "cpe:2.3:h:huaxin:router_a:3.0:*:*:*:*:*:*:*", NULL, NULL);
    expect(&ans, "not_reviewed", "allowed");
    /* --version wins over the CPE's. */
    ans = ask(&w, &w.public_, "cpe:2.3:h:huaxin:router_a:3.0:*:*:*:*:*:*:*", "2.2", NULL);
    expect(&ans, "failed", "prohibited");
    ans = ask(&w, &w.public_, "pkg:generic/huaxin/router-a@2.9", NULL, NULL);
    expect(&ans, "failed", "prohibited");
    assert_string_equal(ans.version, "2.9");
    ans = ask(&w, &w.public_, "pkg:generic/huaxin/router-a@1.0", NULL, NULL);
    expect(&ans, "not_reviewed", "allowed");
    snprintf(ref, sizeof(ref), "%lld", (long long)id);
    ans = ask(&w, &w.public_, ref, "2.0", NULL);
    expect(&ans, "failed", "prohibited");
    assert_string_equal(ans.product, "Router A");
    /* An unknown CPE is an answer; a malformed one is an error. */
    ans = ask(&w, &w.public_, "cpe:2.3:h:other:thing:1.0:*:*:*:*:*:*:*", NULL, NULL);
    expect(&ans, "not_reviewed", "allowed");

    memset(&q, 0, sizeof(q));
    nr_err_init(&err);
    assert_int_equal(nr_gate_check(&w.fx.rv, &w.public_, &q, &ans, &err), NR_EINVAL);
    assert_string_equal(err.field, "product");
    q.cpe = "cpe:/a:huaxin";
    nr_err_init(&err);
    assert_int_equal(nr_gate_check(&w.fx.rv, &w.public_, &q, &ans, &err), NR_EPARSE);
    assert_string_equal(err.field, "cpe");
    q.cpe = NULL;
    q.product = "Router A";
    q.version = "2.1 beta";
    nr_err_init(&err);
    assert_int_not_equal(nr_gate_check(&w.fx.rv, &w.public_, &q, &ans, &err), 0);
    assert_string_equal(err.field, "version");
    q.version = "2.1";
    q.operator_org = "No Such Bank";
    nr_err_init(&err);
    assert_int_equal(nr_gate_check(&w.fx.rv, &w.public_, &q, &ans, &err), NR_ENOTFOUND);
    assert_string_equal(err.field, "operator");

    /* The JSON answer: every key, nulls where absent. */
    ans = ask(&w, &w.public_, "Router A", "2.1", NULL);
    j = nr_gate_answer_json(&ans);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "failed");
    assert_string_equal(json_string_value(json_object_get(j, "procurement")), "prohibited");
    assert_int_equal(json_integer_value(json_object_get(j, "product_id")), id);
    assert_true(json_is_integer(json_object_get(j, "decision_id")));
    assert_true(json_is_null(json_object_get(j, "conditions")));
    assert_true(json_is_string(json_object_get(j, "reason")));
    json_decref(j);
    ans = ask(&w, &w.public_, "Nothing", NULL, NULL);
    j = nr_gate_answer_json(&ans);
    assert_true(json_is_null(json_object_get(j, "product_id")));
    assert_true(json_is_null(json_object_get(j, "version")));
    assert_true(json_is_null(json_object_get(j, "decision_id")));
    assert_true(json_is_null(json_object_get(j, "case_id")));
    assert_true(json_is_null(json_object_get(j, "case_ref")));
    assert_true(json_is_null(json_object_get(j, "outcome")));
    assert_true(json_is_null(json_object_get(j, "valid_until")));
    assert_int_equal(json_object_size(j), 12);
    json_decref(j);
    nr_fixture_close(&w.fx);
}

static void test_latest_wins(void **state)
{
    struct world w;
    struct nr_gate_answer ans;
    (void)state;

    world_open(&w);
    add_product(&w, "Router A", NULL, NULL);
    decided_case(&w, "Router A", "*", "passed", "public", NULL, NULL, true);
    setenv("NETREVIEW_NOW", "2026-06-01T09:00:00Z", 1);
    decided_case(&w, "Router A", ">=2.0", "failed", "public", NULL, NULL, true);
    ans = ask(&w, &w.public_, "Router A", "2.3", NULL);
    expect(&ans, "failed", "prohibited");
    /* The older decision still answers for the versions the newer one does not cover. */
    ans = ask(&w, &w.public_, "Router A", "1.5", NULL);
    expect(&ans, "passed", "prioritized");
    nr_fixture_close(&w.fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses),   cmocka_unit_test(test_expiry_and_revocation),
        cmocka_unit_test(test_visibility), cmocka_unit_test(test_unpublished),
        cmocka_unit_test(test_lookup),     cmocka_unit_test(test_latest_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
