/*
 * test_demo.c - unit tests of src/model/demo.c: the demonstration data set loads on a new
 * cn-2017 installation with a case in every phase of the procedure, every outcome and
 * visibility of a decision, an overdue case, grouped and loose complaints, and an audit chain
 * that verifies; it refuses a database that holds data and a procedure it was not written for,
 * writing nothing.
 */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "netreview/banned.h"

#define PASSWORD "demo-password-1"

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

/* One load shared by the tests that only read it. */
static struct nr_fixture FX;

static int group_setup(void **state)
{
    (void)state;
    nr_fixture_open(&FX, "cn-2017");
    nr_err_init(&E);
    if (nr_demo_load(&FX.rv, PASSWORD, &E) != 0) {
        fprintf(stderr, "demo load failed: %s (%s)\n", E.msg, E.field);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    nr_fixture_close(&FX);
    return 0;
}

static int64_t count(struct nr_review *rv, const char *sql, const char *arg)
{
    int64_t n = -1;
    if (arg)
        CHECK(0, nr_store_query_int(rv->st, &E, &n, sql, "t", arg));
    else
        CHECK(0, nr_store_query_int(rv->st, &E, &n, sql, ""));
    return n;
}

static void test_every_phase(void **state)
{
    (void)state;
    for (size_t i = 0; i < FX.rv.proc.nphases; i++) {
        const char *phase = FX.rv.proc.phases[i].id;
        if (count(&FX.rv, "SELECT COUNT(*) FROM cases WHERE phase = ?", phase) < 1)
            fail_msg("no demo case is in phase %s", phase);
    }
}

static void test_audit_verifies(void **state)
{
    int64_t bad = -1, n = 0;

    (void)state;
    CHECK(0, nr_audit_verify(&FX.rv, &bad, &n, &E));
    assert_int_equal(bad, 0);
    assert_true(n > 100);
    /* The back-dating of the overdue case is itself on the record. */
    assert_int_equal(count(&FX.rv, "SELECT COUNT(*) FROM audit WHERE action = ?", "demo.backdate"),
                     1);
}

static void test_decisions(void **state)
{
    static const char *const outcomes[] = {"passed", "passed_with_conditions", "failed"};
    static const char *const visibilities[] = {"public", "restricted", "internal"};
    struct nr_actor pub;
    json_t *list = NULL;

    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(outcomes); i++)
        if (count(&FX.rv, "SELECT COUNT(*) FROM decisions WHERE outcome = ? AND status = 'active'",
                  outcomes[i]) < 1)
            fail_msg("no active demo decision is %s", outcomes[i]);
    for (size_t i = 0; i < NR_ARRAY_LEN(visibilities); i++)
        if (count(&FX.rv, "SELECT COUNT(*) FROM decisions WHERE visibility = ?", visibilities[i]) <
            1)
            fail_msg("no demo decision is %s", visibilities[i]);
    assert_int_equal(count(&FX.rv, "SELECT COUNT(*) FROM decisions WHERE status = ?", "superseded"),
                     1);
    /* The public register holds the published public decisions only. */
    nr_actor_public(&pub);
    CHECK(0, nr_decision_list(&FX.rv, &pub, &list, &E));
    assert_true(json_array_size(list) >= 1);
    for (size_t i = 0; i < json_array_size(list); i++)
        assert_string_equal(
            json_string_value(json_object_get(json_array_get(list, i), "visibility")), "public");
    json_decref(list);
}

static void test_overdue_and_paused(void **state)
{
    struct nr_actor office;
    json_t *list = NULL;

    (void)state;
    CHECK(0, nr_actor_load(&FX.rv, "office", &office, &E));
    CHECK(0, nr_case_overdue(&FX.rv, &office, &list, &E));
    assert_true(json_array_size(list) >= 1);
    json_decref(list);
    assert_int_equal(count(&FX.rv,
                           "SELECT COUNT(*) FROM cases WHERE paused_on IS NOT NULL "
                           "AND phase = ?",
                           "acceptance"),
                     1);
}

static void test_intake_and_panels(void **state)
{
    (void)state;
    assert_int_equal(count(&FX.rv, "SELECT COUNT(*) FROM cases WHERE trigger = ?", "complaints"),
                     1);
    assert_true(count(&FX.rv, "SELECT COUNT(*) FROM complaints WHERE case_id IS NULL", NULL) >= 2);
    assert_true(count(&FX.rv, "SELECT COUNT(*) FROM complaints WHERE case_id IS NOT NULL", NULL) >=
                2);
    assert_int_equal(
        count(&FX.rv, "SELECT COUNT(*) FROM declarations WHERE case_id IS NOT NULL", NULL),
        count(&FX.rv, "SELECT COUNT(*) FROM declarations", NULL));
    /* R6: conflicted experts were excluded with their reasons, one expert recused. */
    assert_true(count(&FX.rv,
                      "SELECT COUNT(*) FROM panel_members WHERE status = ? AND reason "
                      "IS NOT NULL",
                      "excluded") >= 2);
    assert_int_equal(
        count(&FX.rv, "SELECT COUNT(*) FROM panel_members WHERE status = ?", "recused"), 1);
    assert_true(count(&FX.rv, "SELECT COUNT(*) FROM evidence", NULL) >= 4);
    assert_true(count(&FX.rv, "SELECT COUNT(*) FROM findings", NULL) >= 4);
    assert_int_equal(count(&FX.rv, "SELECT COUNT(*) FROM products", NULL), 20);
}

static void test_users(void **state)
{
    static const char *const logins[] = {"committee", "office",          "expert1",      "expert9",
                                         "lab1",      "protect-telecom", "finance-dept", "bank-ops",
                                         "vendor6",   "association",     "state"};
    struct nr_actor a;

    (void)state;
    assert_int_equal(count(&FX.rv, "SELECT COUNT(*) FROM users", NULL), 29);
    for (size_t i = 0; i < NR_ARRAY_LEN(logins); i++)
        CHECK(0, nr_actor_authenticate(&FX.rv, logins[i], PASSWORD, &a, &E));
    CHECK(NR_EAUTH, nr_actor_authenticate(&FX.rv, "office", "wrong-password", &a, &E));
}

/* A second load is refused and changes nothing. */
static void test_refuses_data(void **state)
{
    int64_t before = count(&FX.rv, "SELECT COUNT(*) FROM audit", NULL);

    (void)state;
    CHECK(NR_EEXISTS, nr_demo_load(&FX.rv, PASSWORD, &E));
    assert_string_equal(E.msg, "the database already holds data; demo fills only a new one");
    assert_int_equal(count(&FX.rv, "SELECT COUNT(*) FROM audit", NULL), before);
}

/* Another procedure: a clear refusal before anything is written. */
static void test_other_procedure(void **state)
{
    struct nr_fixture fx;

    (void)state;
    nr_fixture_open(&fx, "vendor-review");
    CHECK(NR_EPRECOND, nr_demo_load(&fx.rv, PASSWORD, &E));
    assert_non_null(strstr(E.msg, "cn-2017"));
    assert_int_equal(count(&fx.rv, "SELECT COUNT(*) FROM orgs", NULL), 0);
    CHECK(NR_EINVAL, nr_demo_load(&fx.rv, NULL, &E));
    nr_fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_phase),       cmocka_unit_test(test_audit_verifies),
        cmocka_unit_test(test_decisions),         cmocka_unit_test(test_overdue_and_paused),
        cmocka_unit_test(test_intake_and_panels), cmocka_unit_test(test_users),
        cmocka_unit_test(test_refuses_data),      cmocka_unit_test(test_other_procedure),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
