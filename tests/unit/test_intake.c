/*
 * test_intake.c - unit tests of src/model/intake.c: complaints from the public and from users
 * (R2), who reads them, and procurement declarations of CII operators opening a case in scoping
 * (R1), with every refusal leaving nothing behind.
 */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "netreview/banned.h"

static struct nr_err E;

/* Asserts that call returns expect, printing the error detail otherwise. */
#define CHECK(expect, call)                                                                        \
    do {                                                                                           \
        int rc_;                                                                                   \
        nr_err_init(&E);                                                                           \
        rc_ = (call);                                                                              \
        if (rc_ != (expect))                                                                       \
            fail_msg("%s returned %d %s (%s), expected %s", #call, rc_, nr_err_name(rc_), E.msg,   \
                     nr_err_name(expect));                                                         \
    } while (0)

struct world {
    struct nr_fixture fx;
    struct nr_review *rv;
    struct nr_actor public_, office, bank, shop, vendor, protect_fin, protect_tel, sector_fin;
    int64_t product;
};

static void org(struct world *w, const char *name, const char *kind, const char *sector, bool cii)
{
    struct nr_org_spec o = {.name = name, .kind = kind, .sector = sector, .cii = cii};
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

static void world_setup(struct world *w, const char *procedure)
{
    struct nr_product_spec p = {.name = "Testwave Router",
                                .provider = "Testwave Networks",
                                .cpe = "cpe:2.3:h:testwave:router:*:*:*:*:*:*:*:*",
                                .purl = "pkg:generic/testwave/router"};

    memset(w, 0, sizeof(*w));
    nr_fixture_open(&w->fx, procedure);
    w->rv = &w->fx.rv;
    nr_actor_public(&w->public_);
    org(w, "Review Office", "office", NULL, false);
    org(w, "Riverside Bank", "operator", "finance", true);
    org(w, "Corner Shop", "operator", "retail", false);
    org(w, "Testwave Networks", "provider", NULL, false);
    org(w, "Finance Protection Bureau", "protection_dept", "finance", false);
    org(w, "Telecom Protection Bureau", "protection_dept", "telecom", false);
    org(w, "Finance Supervision", "sector_dept", "finance", false);
    user(w, "office", "Review Office", "office", &w->office);
    user(w, "bank", "Riverside Bank", "operator", &w->bank);
    user(w, "shop", "Corner Shop", "operator", &w->shop);
    user(w, "vendor", "Testwave Networks", "provider", &w->vendor);
    user(w, "protect-fin", "Finance Protection Bureau", "protection_dept", &w->protect_fin);
    user(w, "protect-tel", "Telecom Protection Bureau", "protection_dept", &w->protect_tel);
    user(w, "sector-fin", "Finance Supervision", "sector_dept", &w->sector_fin);
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p, &w->product, &E));
    CHECK(0, nr_product_version_add(w->rv, &w->fx.admin, w->product, "2.1.0", NULL, NULL, &E));
}

static int setup(void **state)
{
    struct world *w = nr_calloc(1, sizeof(*w));
    world_setup(w, "cn-2017");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    nr_fixture_close(&w->fx);
    nr_free(w);
    return 0;
}

static int64_t count(struct world *w, const char *sql)
{
    int64_t n = -1;
    CHECK(0, nr_store_query_int(w->rv->st, &E, &n, sql, ""));
    return n;
}

/* Rows of every table a refused intake could have written. */
static int64_t written(struct world *w)
{
    return count(w, "SELECT (SELECT COUNT(*) FROM complaints) + (SELECT COUNT(*) FROM "
                    "declarations) + (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM "
                    "case_phases) + (SELECT COUNT(*) FROM audit)");
}

/* ---- complaints ---- */

static void test_complaint_public(void **state)
{
    struct world *w = *state;
    struct nr_complaint_spec s = {.product = "Testwave Router",
                                  .version = "2.1.0",
                                  .text = "It phones home every minute.\nEven when told not to.",
                                  .contact = "reader@mail.example",
                                  .source_addr = "198.51.100.7"};
    char *actor = NULL, *object = NULL;
    int64_t id = 0, pid = 0;

    /* R2: the public files without any account. */
    CHECK(0, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    assert_true(id > 0);
    CHECK(0, nr_store_query_int(w->rv->st, &E, &pid,
                                "SELECT product_id FROM complaints WHERE id = ? AND case_id IS "
                                "NULL AND source_addr = '198.51.100.7'",
                                "i", id));
    assert_int_equal(pid, w->product);
    CHECK(0, nr_store_query_text(w->rv->st, &E, &actor,
                                 "SELECT actor FROM audit WHERE action = 'complaint.file'", ""));
    assert_string_equal(actor, "public");
    CHECK(0, nr_store_query_text(w->rv->st, &E, &object,
                                 "SELECT object FROM audit WHERE action = 'complaint.file'", ""));
    assert_true(strncmp(object, "complaint:", 10) == 0);
    nr_free(actor);
    nr_free(object);
}

static void test_complaint_unknown_product_and_identifiers(void **state)
{
    struct world *w = *state;
    struct nr_complaint_spec s = {.product = "SmartCam X2", .text = "Streams abroad."};
    char *name = NULL;
    int64_t id = 0, pid = 0;

    /* Not in the registry: kept by the name given. */
    CHECK(0, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    CHECK(0, nr_store_query_text(w->rv->st, &E, &name,
                                 "SELECT product_name FROM complaints WHERE id = ? AND product_id "
                                 "IS NULL",
                                 "i", id));
    assert_string_equal(name, "SmartCam X2");
    nr_free(name);
    /* A package URL resolves to the product. */
    s.product = "pkg:generic/testwave/router@2.1.0";
    CHECK(0, nr_complaint_file(w->rv, &w->bank, &s, &id, &E));
    CHECK(0, nr_store_query_int(w->rv->st, &E, &pid,
                                "SELECT product_id FROM complaints WHERE id = ?", "i", id));
    assert_int_equal(pid, w->product);
    /* A malformed CPE from the public is not an error: it is kept as a name. */
    s.product = "cpe:2.3:broken";
    CHECK(0, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
}

static void test_complaint_refused(void **state)
{
    struct world *w = *state;
    struct nr_complaint_spec s = {.product = "Testwave Router", .text = "x"};
    int64_t before = written(w), id = 0;
    char *big = nr_malloc(16386);

    s.text = NULL;
    CHECK(NR_EINVAL, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    assert_string_equal(E.field, "text");
    s.text = "   \n ";
    CHECK(NR_EINVAL, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    memset(big, 'a', 16385);
    big[16385] = '\0';
    s.text = big;
    CHECK(NR_ETOOBIG, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    assert_string_equal(E.field, "text");
    big[16384] = '\0';
    s.text = "fine";
    s.product = NULL;
    CHECK(NR_EINVAL, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    assert_string_equal(E.field, "product");
    s.product = "Testwave Router";
    s.contact = big;
    CHECK(NR_ETOOBIG, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    assert_string_equal(E.field, "contact");
    s.contact = "line\nbreak";
    CHECK(NR_EINVAL, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    s.contact = NULL;
    s.text = "\xc3\x28 not UTF-8";
    CHECK(NR_EINVAL, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    s.text = "fine";
    s.version = "1.0 beta";
    CHECK(NR_EPARSE, nr_complaint_file(w->rv, &w->public_, &s, &id, &E));
    assert_int_equal(id, 0);
    assert_int_equal(written(w), before);
    nr_free(big);
}

static void test_complaint_list(void **state)
{
    struct world *w = *state;
    struct nr_complaint_spec s = {.product = "Testwave Router", .text = "t"};
    json_t *rows = NULL;
    int64_t mine = 0;

    CHECK(0, nr_complaint_file(w->rv, &w->public_, &s, NULL, &E));
    CHECK(0, nr_complaint_file(w->rv, &w->bank, &s, &mine, &E));
    CHECK(0, nr_complaint_file(w->rv, &w->shop, &s, NULL, &E));
    CHECK(0, nr_complaint_list(w->rv, &w->office, &rows, &E));
    assert_int_equal(json_array_size(rows), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "product_name")),
                        "Testwave Router");
    json_decref(rows);
    CHECK(0, nr_complaint_list(w->rv, &w->fx.admin, &rows, &E));
    assert_int_equal(json_array_size(rows), 3);
    json_decref(rows);
    /* A user reads back their own. */
    CHECK(0, nr_complaint_list(w->rv, &w->bank, &rows, &E));
    assert_int_equal(json_array_size(rows), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), mine);
    json_decref(rows);
    CHECK(0, nr_complaint_list(w->rv, &w->vendor, &rows, &E));
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    /* The public files but does not read. */
    rows = NULL;
    CHECK(NR_EFORBIDDEN, nr_complaint_list(w->rv, &w->public_, &rows, &E));
    assert_null(rows);
}

/* ---- declarations (R1) ---- */

static void test_declaration_opens_case_in_scoping(void **state)
{
    struct world *w = *state;
    struct nr_declaration_spec s = {.product = "Testwave Router",
                                    .versions = ">=2.0, <3.0",
                                    .purpose = "Branch network",
                                    .contract_ref = "RB-2026-1"};
    struct nr_arena ar;
    struct nr_case c;
    int64_t case_id = 0, linked = 0, audited = 0;

    CHECK(0, nr_declaration_file(w->rv, &w->bank, &s, &case_id, &E));
    assert_true(case_id > 0);
    nr_arena_init(&ar);
    CHECK(0, nr_case_get(w->rv, &w->bank, case_id, &ar, &c, &E));
    assert_string_equal(c.phase, "scoping");
    assert_string_equal(c.trigger, "procurement_declaration");
    assert_string_equal(c.sector, "finance");
    assert_string_equal(c.versions, ">=2.0 <3.0");
    assert_int_equal(c.operator_id, w->bank.org_id);
    assert_int_equal(c.product_id, w->product);
    assert_non_null(c.phase_due);
    /* R1: the protection department of the operator's sector sees it and scopes it. */
    CHECK(0, nr_case_get(w->rv, &w->protect_fin, case_id, &ar, &c, &E));
    CHECK(NR_ENOTFOUND, nr_case_get(w->rv, &w->protect_tel, case_id, &ar, &c, &E));
    nr_arena_release(&ar);
    CHECK(0, nr_store_query_int(w->rv->st, &E, &linked,
                                "SELECT case_id FROM declarations WHERE operator_id = ? AND "
                                "contract_ref = 'RB-2026-1'",
                                "i", w->bank.org_id));
    assert_int_equal(linked, case_id);
    CHECK(0, nr_store_query_int(w->rv->st, &E, &audited,
                                "SELECT COUNT(*) FROM audit WHERE case_id = ? AND action IN "
                                "('case.open', 'declaration.file')",
                                "i", case_id));
    assert_int_equal(audited, 2);
    CHECK(0, nr_case_transition(w->rv, &w->protect_fin, case_id, "scope_in",
                                "Payment systems of a bank", NULL, &E));
}

static void test_declaration_refused(void **state)
{
    struct world *w = *state;
    struct nr_declaration_spec s = {.product = "Testwave Router", .versions = "*"};
    int64_t before = written(w), case_id = 0;

    /* R1: an operator that does not run CII does not declare. */
    CHECK(NR_EFORBIDDEN, nr_declaration_file(w->rv, &w->shop, &s, &case_id, &E));
    assert_non_null(strstr(E.msg, "CII"));
    /* Nor does a provider, an office or the local administrator. */
    CHECK(NR_EFORBIDDEN, nr_declaration_file(w->rv, &w->vendor, &s, &case_id, &E));
    assert_string_equal(E.msg, "role provider may not declare procurements (allowed: operator)");
    CHECK(NR_EFORBIDDEN, nr_declaration_file(w->rv, &w->office, &s, &case_id, &E));
    CHECK(NR_EFORBIDDEN, nr_declaration_file(w->rv, &w->fx.admin, &s, &case_id, &E));
    /* Malformed input. */
    s.versions = ">=2.0 <<3";
    CHECK(NR_EPARSE, nr_declaration_file(w->rv, &w->bank, &s, &case_id, &E));
    assert_string_equal(E.field, "versions");
    s.versions = NULL;
    CHECK(NR_EINVAL, nr_declaration_file(w->rv, &w->bank, &s, &case_id, &E));
    s.versions = "*";
    s.product = "No Such Product";
    CHECK(NR_ENOTFOUND, nr_declaration_file(w->rv, &w->bank, &s, &case_id, &E));
    s.product = "Testwave Router";
    s.contract_ref = "two\nlines";
    CHECK(NR_EINVAL, nr_declaration_file(w->rv, &w->bank, &s, &case_id, &E));
    assert_string_equal(E.field, "contract_ref");
    assert_int_equal(case_id, 0);
    assert_int_equal(written(w), before);
}

static void test_declaration_list(void **state)
{
    struct world *w = *state;
    struct nr_declaration_spec s = {.product = "Testwave Router", .versions = "2.1.0"};
    json_t *rows = NULL;

    CHECK(0, nr_declaration_file(w->rv, &w->bank, &s, NULL, &E));
    CHECK(0, nr_declaration_list(w->rv, &w->bank, &rows, &E));
    assert_int_equal(json_array_size(rows), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "case_phase")),
                        "scoping");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "operator")),
                        "Riverside Bank");
    json_decref(rows);
    CHECK(0, nr_declaration_list(w->rv, &w->shop, &rows, &E));
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    CHECK(0, nr_declaration_list(w->rv, &w->protect_fin, &rows, &E));
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    CHECK(0, nr_declaration_list(w->rv, &w->sector_fin, &rows, &E));
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    CHECK(0, nr_declaration_list(w->rv, &w->protect_tel, &rows, &E));
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    CHECK(0, nr_declaration_list(w->rv, &w->office, &rows, &E));
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    rows = NULL;
    CHECK(NR_EFORBIDDEN, nr_declaration_list(w->rv, &w->vendor, &rows, &E));
    CHECK(NR_EFORBIDDEN, nr_declaration_list(w->rv, &w->public_, &rows, &E));
    assert_null(rows);
}

/* The declaration and its case are one write: when the case cannot be opened (a procedure
 * without the trigger), the declaration row is undone too. */
static void test_declaration_atomic(void **state)
{
    struct world w;
    struct nr_declaration_spec s = {.product = "Testwave Router", .versions = "*"};
    int64_t before, case_id = 0;

    (void)state;
    world_setup(&w, "vendor-review");
    before = written(&w);
    CHECK(NR_EINVAL, nr_declaration_file(w.rv, &w.bank, &s, &case_id, &E));
    assert_string_equal(E.field, "trigger");
    assert_int_equal(written(&w), before);
    assert_int_equal(count(&w, "SELECT COUNT(*) FROM declarations"), 0);
    nr_fixture_close(&w.fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_complaint_public, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complaint_unknown_product_and_identifiers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_complaint_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complaint_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_declaration_opens_case_in_scoping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_declaration_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_declaration_list, setup, teardown),
        cmocka_unit_test(test_declaration_atomic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
