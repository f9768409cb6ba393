/*
 * test_panel.c - unit tests of src/model/panel.c: forming panels with conflicted experts
 * excluded (R6, R10), recusal, signed scores sealed until all are in, the median rule and the
 * recommendation (R6).
 */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "netreview/banned.h"

static struct nr_err E;

#define CHECK(expect, call)                                                                        \
    do {                                                                                           \
        int rc_;                                                                                   \
        nr_err_init(&E);                                                                           \
        rc_ = (call);                                                                              \
        if (rc_ != (expect))                                                                       \
            fail_msg("%s returned %d %s (%s), expected %s", #call, rc_, nr_err_name(rc_), E.msg,   \
                     nr_err_name(expect));                                                         \
    } while (0)

#define NEXPERTS 9

struct world {
    struct nr_fixture fx;
    struct nr_review *rv;
    struct nr_actor office, prov, lab1;
    struct nr_actor e[NEXPERTS + 1]; /* e[1] .. e[9] */
    int64_t case_id;
    char ref[32];
};

static void org(struct world *w, const char *name, const char *kind)
{
    struct nr_org_spec o = {.name = name, .kind = kind};
    CHECK(0, nr_org_add(w->rv, &w->fx.admin, &o, NULL, &E));
}

static void user(struct world *w, const char *login, const char *orgname, const char *role,
                 struct nr_actor *a)
{
    struct nr_user_spec u = {
        .login = login, .name = login, .org = orgname, .role = role, .password = "correct-horse-1"};
    CHECK(0, nr_user_add(w->rv, &w->fx.admin, &u, NULL, &E));
    CHECK(0, nr_actor_load(w->rv, login, a, &E));
}

/* A case in phase expert_review with experts e1..e8 appointed (e9's appointment ended in 2021);
 * e2 is an employee of the provider, e3 a consultant of its competitor. */
static struct world *world_open(void)
{
    struct world *w = calloc(1, sizeof(*w));
    struct nr_product_spec p = {.name = "Router X", .provider = "Huaxin Networks"};
    struct nr_institution_spec inst = {
        .org = "Lab One", .methods = "lab_testing", .from = "2025-01-01", .ref = "D-1"};
    struct nr_case_spec cs = {.trigger = "provider_application", .product = "Router X"};
    struct nr_task_spec task = {.institution = "Lab One", .method = "lab_testing"};
    int64_t huaxin = 0, pacific = 0, task_id = 0;
    char login[8], *ref = NULL;

    setenv("NETREVIEW_NOW", "2026-03-02T09:00:00Z", 1);
    nr_fixture_open(&w->fx, "cn-2017");
    w->rv = &w->fx.rv;
    org(w, "Review Office", "office");
    org(w, "Huaxin Networks", "provider");
    org(w, "Pacific Routers", "provider");
    org(w, "Lab One", "institution");
    org(w, "Experts Committee", "experts_committee");
    CHECK(0, nr_org_find(w->rv, "Huaxin Networks", &huaxin, &E));
    CHECK(0, nr_org_find(w->rv, "Pacific Routers", &pacific, &E));
    CHECK(0, nr_org_competitor_add(w->rv, &w->fx.admin, huaxin, pacific, &E));
    user(w, "office1", "Review Office", "office", &w->office);
    user(w, "prov1", "Huaxin Networks", "provider", &w->prov);
    user(w, "lab1", "Lab One", "institution", &w->lab1);
    for (int i = 1; i <= NEXPERTS; i++) {
        snprintf(login, sizeof(login), "e%d", i);
        user(w, login, "Experts Committee", "expert", &w->e[i]);
        if (i < NEXPERTS)
            CHECK(0, nr_expert_appoint(w->rv, &w->fx.admin, login, "networks", "2025-01-01", NULL,
                                       NULL, &E));
        else
            CHECK(0, nr_expert_appoint(w->rv, &w->fx.admin, login, "networks", "2020-01-01",
                                       "2021-01-01", NULL, &E));
    }
    CHECK(0, nr_affiliation_add(w->rv, &w->fx.admin, "expert", "e2", "Huaxin Networks", "employee",
                                &E));
    CHECK(0, nr_affiliation_add(w->rv, &w->fx.admin, "expert", "e3", "Pacific Routers",
                                "consultant", &E));
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p, NULL, &E));
    CHECK(0, nr_institution_designate(w->rv, &w->fx.admin, &inst, NULL, &E));
    CHECK(0, nr_case_open(w->rv, &w->prov, &cs, &w->case_id, &E));
    CHECK(0, nr_case_transition(w->rv, &w->office, w->case_id, "accept", NULL, NULL, &E));
    CHECK(0, nr_commitment_sign(w->rv, &w->prov, w->case_id, "No backdoors.", &E));
    CHECK(0, nr_task_assign(w->rv, &w->office, w->case_id, &task, &task_id, &E));
    CHECK(0, nr_task_report(w->rv, &w->lab1, task_id, "Tested.", "ISO 15408", &E));
    CHECK(0,
          nr_case_transition(w->rv, &w->office, w->case_id, "submit_to_experts", NULL, NULL, &E));
    CHECK(0, nr_store_query_text(w->rv->st, &E, &ref, "SELECT ref FROM cases WHERE id = ?", "i",
                                 w->case_id));
    snprintf(w->ref, sizeof(w->ref), "%s", ref);
    nr_free(ref);
    return w;
}

static int setup(void **state)
{
    *state = world_open();
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    nr_fixture_close(&w->fx);
    free(w);
    return 0;
}

static int64_t count(struct world *w, const char *sql)
{
    int64_t n = -1;
    CHECK(0, nr_store_query_int(w->rv->st, &E, &n, sql, ""));
    return n;
}

static void score(struct world *w, int expert, const char *dimension, const char *level)
{
    CHECK(0, nr_score_submit(w->rv, &w->e[expert], w->case_id, dimension, level,
                             "Based on the lab report, section 3.", &E));
}

/* Every dimension of the procedure at one level but those before skip (dimensions scored
 * first: the last score of the panel unseals and freezes it). */
static void score_rest(struct world *w, int expert, const char *level, size_t skip)
{
    for (size_t d = skip; d < w->rv->proc.ndimensions; d++)
        score(w, expert, w->rv->proc.dimensions[d], level);
}

static void score_all(struct world *w, int expert, const char *level)
{
    score_rest(w, expert, level, 0);
}

static json_t *show(struct world *w, const struct nr_actor *a)
{
    json_t *p = NULL;
    CHECK(0, nr_panel_show(w->rv, a, w->case_id, &p, &E));
    return p;
}

/* The member object of login in a panel view. */
static json_t *member(json_t *p, const char *login)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(p, "members"), i, m)
    {
        if (strcmp(json_string_value(json_object_get(m, "login")), login) == 0)
            return m;
    }
    return NULL;
}

static const char *status_of(json_t *p, const char *login)
{
    json_t *m = member(p, login);
    return m ? json_string_value(json_object_get(m, "status")) : "absent";
}

/* ---- forming (R6, R10) ---- */

static void test_form_refused(void **state)
{
    struct world *w = *state;

    /* Two of the five named are conflicted: too few remain, and nothing is written. */
    CHECK(NR_EPRECOND, nr_panel_form(w->rv, &w->office, w->case_id, "e1,e2,e3,e4,e5", &E));
    assert_non_null(strstr(E.msg, "panel needs 5 unconflicted experts; only 3 are available"));
    assert_non_null(strstr(E.msg, "2 excluded"));
    assert_non_null(strstr(E.msg, "e2: "));
    assert_non_null(strstr(E.msg, "Huaxin Networks"));
    assert_non_null(strstr(E.msg, "Pacific Routers"));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM panels"), 0);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM panel_members"), 0);
    /* Names that are no appointed experts, twice named, or whose appointment has ended. */
    CHECK(NR_ENOTFOUND, nr_panel_form(w->rv, &w->office, w->case_id, "e1,prov1", &E));
    assert_non_null(strstr(E.msg, "prov1 is not on the experts committee"));
    CHECK(NR_EINVAL, nr_panel_form(w->rv, &w->office, w->case_id, "e1,e4,e1", &E));
    CHECK(NR_EINVAL, nr_panel_form(w->rv, &w->office, w->case_id, "e1,,e4", &E));
    CHECK(NR_EPRECOND, nr_panel_form(w->rv, &w->office, w->case_id, "e9,e1,e4,e5,e6", &E));
    assert_non_null(strstr(E.msg, "appointment of e9"));
    /* Wrong role. */
    CHECK(NR_EFORBIDDEN, nr_panel_form(w->rv, &w->prov, w->case_id, NULL, &E));
    CHECK(NR_ENOTFOUND, nr_panel_form(w->rv, &w->e[1], w->case_id, NULL, &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM panels"), 0);

    /* Named: the given order decides who sits; the conflicted one is recorded as excluded. */
    CHECK(0, nr_panel_form(w->rv, &w->office, w->case_id, "e2, e8,e7,e6,e5,e4,e1", &E));
    {
        json_t *p = show(w, &w->office);
        assert_string_equal(status_of(p, "e2"), "excluded");
        assert_non_null(strstr(json_string_value(json_object_get(member(p, "e2"), "reason")),
                               "Huaxin Networks"));
        assert_string_equal(status_of(p, "e8"), "member");
        assert_string_equal(status_of(p, "e4"), "member");
        assert_string_equal(status_of(p, "e1"), "absent");
        assert_int_equal(json_integer_value(json_object_get(p, "members_active")), 5);
        json_decref(p);
    }
    /* One panel per case. */
    CHECK(NR_EEXISTS, nr_panel_form(w->rv, &w->office, w->case_id, NULL, &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'panel.form'"), 1);
}

static void test_form_whole_committee(void **state)
{
    struct world *w = *state;
    json_t *p;
    int members = -1, scorers = -1;

    CHECK(0, nr_panel_status(w->rv, w->case_id, &members, &scorers, &E));
    assert_int_equal(members, 0);
    CHECK(NR_ENOTFOUND, nr_panel_show(w->rv, &w->office, w->case_id, &p, &E));

    CHECK(0, nr_panel_form(w->rv, &w->office, w->case_id, NULL, &E));
    p = show(w, &w->office);
    /* In id order: e1, then e2 and e3 excluded, then e4..e7; e8 is not needed; e9's
     * appointment has ended. */
    assert_string_equal(status_of(p, "e1"), "member");
    assert_string_equal(status_of(p, "e2"), "excluded");
    assert_string_equal(status_of(p, "e3"), "excluded");
    assert_non_null(
        strstr(json_string_value(json_object_get(member(p, "e3"), "reason")), "competitor"));
    assert_string_equal(status_of(p, "e7"), "member");
    assert_string_equal(status_of(p, "e8"), "absent");
    assert_string_equal(status_of(p, "e9"), "absent");
    assert_int_equal(json_integer_value(json_object_get(p, "panel_size")), 5);
    assert_true(json_is_true(json_object_get(p, "sealed")));
    json_decref(p);
    CHECK(0, nr_panel_status(w->rv, w->case_id, &members, &scorers, &E));
    assert_int_equal(members, 5);
    assert_int_equal(scorers, 0);
    /* An excluded expert does not see the case (R11); a member does. */
    CHECK(NR_ENOTFOUND, nr_panel_show(w->rv, &w->e[2], w->case_id, &p, &E));
    p = show(w, &w->e[4]);
    json_decref(p);
    /* The panel is not for the provider nor the institution to see. */
    CHECK(NR_EFORBIDDEN, nr_panel_show(w->rv, &w->prov, w->case_id, &p, &E));
    CHECK(NR_EFORBIDDEN, nr_panel_show(w->rv, &w->lab1, w->case_id, &p, &E));
}

/* ---- scores (R6, R10) ---- */

static void test_scores_sealed(void **state)
{
    struct world *w = *state;
    const int m[] = {1, 4, 5, 6, 7};
    const char *control[] = {"none", "low", "medium", "high", "critical"};
    char big[16 * 1024 + 2], *sig = NULL, *canon, hash[65];
    json_t *p, *med = NULL;
    const char *rec = NULL;
    int members, scorers;
    uint8_t h[NR_HASH_LEN];

    CHECK(0, nr_panel_form(w->rv, &w->office, w->case_id, NULL, &E));
    /* Refusals: not a dimension, not a level, no reason, too long a reason, not a member. */
    CHECK(NR_EINVAL, nr_score_submit(w->rv, &w->e[1], w->case_id, "price", "low", "r", &E));
    assert_string_equal(E.field, "dimension");
    CHECK(NR_EINVAL, nr_score_submit(w->rv, &w->e[1], w->case_id, "control", "huge", "r", &E));
    assert_string_equal(E.field, "level");
    CHECK(NR_EINVAL, nr_score_submit(w->rv, &w->e[1], w->case_id, "control", "low", "", &E));
    assert_string_equal(E.field, "reason");
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK(NR_ETOOBIG, nr_score_submit(w->rv, &w->e[1], w->case_id, "control", "low", big, &E));
    CHECK(NR_ENOTFOUND, nr_score_submit(w->rv, &w->e[2], w->case_id, "control", "low", "r", &E));
    CHECK(NR_ENOTFOUND, nr_score_submit(w->rv, &w->e[8], w->case_id, "control", "low", "r", &E));
    CHECK(NR_EFORBIDDEN, nr_score_submit(w->rv, &w->office, w->case_id, "control", "low", "r", &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM scores"), 0);

    /* A first score, then a change of mind before all are in: replaced, and audited. */
    score(w, 1, "control", "high");
    score(w, 1, "control", "none");
    assert_int_equal(count(w, "SELECT COUNT(*) FROM scores"), 1);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'score.submit' AND "
                              "detail LIKE '%replaced=yes%'"),
                     1);

    /* R6: sealed. The expert sees their own score; another member and the office do not. */
    p = show(w, &w->e[1]);
    assert_int_equal(json_array_size(json_object_get(member(p, "e1"), "scores")), 1);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(member(p, "e1"), "scores"), 0), "level")),
        "none");
    json_decref(p);
    p = show(w, &w->e[4]);
    assert_null(json_object_get(member(p, "e1"), "scores"));
    assert_int_equal(json_integer_value(json_object_get(member(p, "e1"), "dimensions_scored")), 1);
    json_decref(p);
    p = show(w, &w->office);
    assert_true(json_is_true(json_object_get(p, "sealed")));
    assert_null(json_object_get(member(p, "e1"), "scores"));
    assert_true(json_is_null(json_object_get(p, "medians")));
    assert_true(json_is_null(json_object_get(p, "recommendation")));
    json_decref(p);
    CHECK(NR_EPRECOND, nr_panel_recommendation(w->rv, w->case_id, &rec, &med, &E));

    /* Everyone scores everything; control spread over the whole scale. */
    for (int i = 0; i < 5; i++) {
        score(w, m[i], "control", control[i]);
        score_rest(w, m[i], "none", 1);
        CHECK(0, nr_panel_status(w->rv, w->case_id, &members, &scorers, &E));
        assert_int_equal(scorers, i + 1);
        if (i < 4) {
            p = show(w, &w->office);
            assert_true(json_is_true(json_object_get(p, "sealed")));
            json_decref(p);
        }
    }
    /* No level ever reached the audit log while the scores were sealed. */
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'score.submit' AND "
                              "(detail LIKE '%high%' OR detail LIKE '%critical%' OR detail LIKE "
                              "'%medium%' OR detail LIKE '%none%')"),
                     0);

    /* All in: the scores open, with medians (odd count: the middle one) and the
     * recommendation; control's median is medium, so passed with conditions. */
    p = show(w, &w->office);
    assert_true(json_is_false(json_object_get(p, "sealed")));
    assert_int_equal(json_array_size(json_object_get(member(p, "e4"), "scores")),
                     w->rv->proc.ndimensions);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(p, "medians"), "control")), "medium");
    assert_string_equal(json_string_value(json_object_get(p, "recommendation")),
                        "passed_with_conditions");
    json_decref(p);
    CHECK(0, nr_panel_recommendation(w->rv, w->case_id, &rec, &med, &E));
    assert_string_equal(rec, "passed_with_conditions");
    assert_string_equal(json_string_value(json_object_get(med, "supplier")), "none");
    json_decref(med);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM panels WHERE recommendation = "
                              "'passed_with_conditions'"),
                     1);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'panel.complete'"), 1);

    /* Frozen: no more scores, no recusal. */
    CHECK(NR_EPRECOND, nr_score_submit(w->rv, &w->e[4], w->case_id, "control", "high", "r", &E));
    assert_string_equal(E.msg, "scores are sealed and complete");
    CHECK(NR_EPRECOND, nr_panel_recuse(w->rv, &w->e[4], w->case_id, "late conflict", &E));

    /* R10: a score is signed by its expert over the canonical text. */
    CHECK(0, nr_store_query_text(w->rv->st, &E, &sig,
                                 "SELECT s.signature FROM scores s JOIN experts e ON e.id = "
                                 "s.expert_id JOIN users u ON u.id = e.user_id WHERE u.login = "
                                 "'e7' AND s.dimension = 'control'",
                                 ""));
    {
        const char *reason = "Based on the lab report, section 3.";
        char *pem = NULL;
        struct nr_key *k = NULL;
        assert_int_equal(nr_hash(w->rv->suite, reason, strlen(reason), h), 0);
        nr_hex(h, sizeof(h), hash);
        canon = nr_asprintf("netreview-score/1\ncase=%s\nexpert=e7\ndimension=control\n"
                            "level=critical\nhash=%s\n",
                            w->ref, hash);
        CHECK(0, nr_store_query_text(w->rv->st, &E, &pem,
                                     "SELECT public_key FROM users WHERE login = 'e7'", ""));
        CHECK(0, nr_key_from_pem(pem, strlen(pem), &k, &E));
        CHECK(0, nr_verify(k, canon, strlen(canon), sig, &E));
        nr_key_free(k);
        nr_free(pem);
        nr_free(canon);
    }
    nr_free(sig);
}

/* R6: for an even count the median is the higher middle value, the cautious one. */
static void test_median_even_is_cautious(void **state)
{
    struct world *w = *state;
    const int m[] = {1, 4, 5, 6};
    const char *control[] = {"none", "low", "high", "critical"};
    const char *supply[] = {"low", "low", "medium", "medium"};
    const char *rec = NULL;
    json_t *med = NULL;

    w->rv->proc.panel_size = 4;
    CHECK(0, nr_panel_form(w->rv, &w->office, w->case_id, NULL, &E));
    for (int i = 0; i < 4; i++) {
        score(w, m[i], "control", control[i]);
        score(w, m[i], "supply_chain", supply[i]);
        score_rest(w, m[i], "none", 2);
    }
    CHECK(0, nr_panel_recommendation(w->rv, w->case_id, &rec, &med, &E));
    /* none, low | high, critical: the higher middle is high (the lower would be low). */
    assert_string_equal(json_string_value(json_object_get(med, "control")), "high");
    assert_string_equal(json_string_value(json_object_get(med, "supply_chain")), "medium");
    assert_string_equal(json_string_value(json_object_get(med, "user_data")), "none");
    /* cn-2017 fails at high. */
    assert_string_equal(rec, "failed");
    json_decref(med);
}

static void test_recuse_and_reform(void **state)
{
    struct world *w = *state;
    int members = 0, scorers = 0;
    const char *rec = NULL;
    json_t *p, *med = NULL;

    CHECK(NR_ENOTFOUND, nr_panel_recuse(w->rv, &w->e[1], w->case_id, "no panel", &E));
    CHECK(0, nr_panel_form(w->rv, &w->office, w->case_id, NULL, &E));
    score(w, 1, "control", "critical");
    /* A reason is required; only a member recuses. */
    CHECK(NR_EINVAL, nr_panel_recuse(w->rv, &w->e[1], w->case_id, "", &E));
    CHECK(NR_ENOTFOUND, nr_panel_recuse(w->rv, &w->e[8], w->case_id, "r", &E));
    CHECK(NR_EFORBIDDEN, nr_panel_recuse(w->rv, &w->office, w->case_id, "r", &E));
    CHECK(0, nr_panel_recuse(w->rv, &w->e[1], w->case_id, "my brother works for the provider", &E));
    CHECK(NR_EFORBIDDEN, nr_panel_recuse(w->rv, &w->e[1], w->case_id, "again", &E));
    CHECK(NR_EFORBIDDEN,
          nr_score_submit(w->rv, &w->e[1], w->case_id, "control", "low", "still here", &E));
    CHECK(0, nr_panel_status(w->rv, w->case_id, &members, &scorers, &E));
    assert_int_equal(members, 4);
    p = show(w, &w->e[1]);
    assert_string_equal(status_of(p, "e1"), "recused");
    assert_string_equal(json_string_value(json_object_get(member(p, "e1"), "reason")),
                        "my brother works for the provider");
    json_decref(p);

    /* Four members scoring everything do not unseal an incomplete panel. */
    for (int i = 4; i <= 7; i++)
        score_all(w, i, "none");
    p = show(w, &w->office);
    assert_true(json_is_true(json_object_get(p, "sealed")));
    assert_null(json_object_get(member(p, "e4"), "scores"));
    json_decref(p);

    /* Forming again fills the empty seat with the next unconflicted expert (e8). */
    CHECK(0, nr_panel_form(w->rv, &w->office, w->case_id, NULL, &E));
    p = show(w, &w->office);
    assert_string_equal(status_of(p, "e8"), "member");
    assert_string_equal(status_of(p, "e1"), "recused");
    json_decref(p);
    CHECK(NR_EEXISTS, nr_panel_form(w->rv, &w->office, w->case_id, NULL, &E));

    /* e1's critical score no longer counts. */
    score_all(w, 8, "none");
    CHECK(0, nr_panel_recommendation(w->rv, w->case_id, &rec, &med, &E));
    assert_string_equal(json_string_value(json_object_get(med, "control")), "none");
    assert_string_equal(rec, "passed");
    json_decref(med);
    p = show(w, &w->office);
    assert_null(json_object_get(member(p, "e1"), "scores"));
    json_decref(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_form_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_whole_committee, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scores_sealed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_median_even_is_cautious, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recuse_and_reform, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
