/*
 * test_review.c - unit tests of src/model/review.c (interface review.h): creating an
 * installation (twice, with a malformed procedure), opening one that is missing or not
 * initialised, the hash-chained audit log of R11 and its verification against every kind of
 * tampering in both crypto suites, and password authentication.
 */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

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

#define NOW "2026-03-02T09:00:00Z"

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static char *slurp(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    CHECK(0, nr_file_read(path, 1 << 20, &text, &len, &E));
    return text;
}

static void spit(const char *path, const char *text)
{
    CHECK(0, nr_file_write(path, text, strlen(text), 0600, &E));
}

/* A fresh empty directory under /tmp for installations made by hand; removed by rmtree. */
static void tmpdir(char out[256])
{
    snprintf(out, 256, "/tmp/nr-test-XXXXXX");
    assert_non_null(mkdtemp(out));
    /* Installations made here keep their keys beside their database, whatever the shell says. */
    unsetenv("NETREVIEW_DATA");
}

static void rmtree(const char *dir)
{
    char cmd[400];
    assert_int_equal(strncmp(dir, "/tmp/nr-test-", 13), 0);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- init and open ---- */

static void test_init_twice(void **state)
{
    struct nr_fixture fx;
    char *master, *office, *path;
    int64_t bad = -1, n = -1;
    (void)state;

    setenv("NETREVIEW_NOW", NOW, 1);
    nr_fixture_open(&fx, "cn-2017");
    path = nr_asprintf("%s/review.db-data/keys/master.key", fx.dir);
    master = slurp(path);
    nr_free(path);
    path = nr_asprintf("%s/review.db-data/keys/office.key", fx.dir);
    office = slurp(path);

    /* A second init, in either suite, is refused before it touches anything. */
    CHECK(NR_EEXISTS, nr_review_init(&fx.cfg, NR_SUITE_INTL, "cn-2017", &E));
    assert_string_equal(E.field, "db");
    assert_non_null(strstr(E.msg, "already initialised"));
    CHECK(NR_EEXISTS, nr_review_init(&fx.cfg, NR_SUITE_SM, "vendor-review", &E));

    /* The keys are the same bytes, the suite and procedure unchanged, the log one entry. */
    {
        char *again = slurp(path), *mpath, *m2, *suite = NULL;
        assert_string_equal(again, office);
        nr_free(again);
        mpath = nr_asprintf("%s/review.db-data/keys/master.key", fx.dir);
        m2 = slurp(mpath);
        assert_memory_equal(m2, master, 32);
        nr_free(m2);
        nr_free(mpath);
        CHECK(0, nr_store_setting_get(fx.rv.st, "suite", &suite, &E));
        assert_string_equal(suite, "intl");
        nr_free(suite);
    }
    CHECK(0, nr_audit_verify(&fx.rv, &bad, &n, &E));
    assert_int_equal(n, 1);
    nr_free(path);
    nr_free(master);
    nr_free(office);
    nr_fixture_close(&fx);
}

static void test_init_malformed_procedure(void **state)
{
    char dir[256], *db, *bad, *text, *broken, *at;
    struct nr_review_config cfg;
    (void)state;

    tmpdir(dir);
    db = nr_asprintf("%s/review.db", dir);
    bad = nr_asprintf("%s/bad-procedure.json", dir);
    memset(&cfg, 0, sizeof(cfg));
    cfg.db = db;
    cfg.home = nr_fixture_home();

    /* cn-2017 with an unknown role in its first transition. */
    {
        char *src = nr_asprintf("%s/procedures/cn-2017.json", nr_fixture_home());
        text = slurp(src);
        nr_free(src);
    }
    at = strstr(text, "\"roles\": [\"protection_dept\"], \"needs\"");
    assert_non_null(at);
    broken = nr_asprintf("%.*s\"roles\": [\"nobody\"], \"needs\"%s", (int)(at - text), text,
                         at + strlen("\"roles\": [\"protection_dept\"], \"needs\""));
    spit(bad, broken);

    CHECK(NR_EPARSE, nr_review_init(&cfg, NR_SUITE_INTL, bad, &E));
    assert_string_equal(E.field, "$.transitions[0].roles[0]");
    assert_non_null(strstr(E.msg, bad));
    assert_non_null(strstr(E.msg, "$.transitions[0].roles[0]"));
    /* Refused before anything was created. */
    assert_false(exists(db));
    {
        char *data = nr_asprintf("%s-data", db);
        assert_false(exists(data));
        nr_free(data);
    }
    /* An unknown procedure id is refused too, and creates nothing. */
    nr_err_init(&E);
    assert_int_not_equal(nr_review_init(&cfg, NR_SUITE_INTL, "no-such-procedure", &E), 0);
    assert_non_null(strstr(E.msg, "no-such-procedure"));
    assert_false(exists(db));

    /* A procedure edited after init is validated again at open, and named with its path. */
    {
        char *good = nr_asprintf("%s/procedure.json", dir);
        struct nr_review rv;
        spit(good, text);
        CHECK(0, nr_review_init(&cfg, NR_SUITE_INTL, good, &E));
        CHECK(0, nr_review_open(&rv, &cfg, &E));
        assert_string_equal(rv.proc.id, "cn-2017");
        nr_review_close(&rv);
        spit(good, broken);
        CHECK(NR_EPARSE, nr_review_open(&rv, &cfg, &E));
        assert_string_equal(E.field, "$.transitions[0].roles[0]");
        assert_non_null(strstr(E.msg, good));
        /* A failed open leaves the struct released and safe to close again. */
        assert_null(rv.st);
        nr_review_close(&rv);
        nr_free(good);
    }
    nr_free(text);
    nr_free(broken);
    nr_free(bad);
    nr_free(db);
    rmtree(dir);
}

static void test_open_missing(void **state)
{
    char dir[256], *db;
    struct nr_review_config cfg;
    struct nr_review rv;
    struct nr_store *st = NULL;
    (void)state;

    tmpdir(dir);
    db = nr_asprintf("%s/missing.db", dir);
    memset(&cfg, 0, sizeof(cfg));
    cfg.db = db;
    cfg.home = nr_fixture_home();

    /* No database: not found, and open does not create one. */
    CHECK(NR_ENOTFOUND, nr_review_open(&rv, &cfg, &E));
    assert_string_equal(E.field, "db");
    assert_non_null(strstr(E.msg, db));
    assert_false(exists(db));

    /* A database that was never initialised is not an installation. */
    CHECK(0, nr_store_open(db, NR_STORE_CREATE, &st, &E));
    nr_store_close(st);
    CHECK(NR_ENOTFOUND, nr_review_open(&rv, &cfg, &E));
    assert_non_null(strstr(E.msg, "not initialised"));

    /* No database named at all. */
    {
        char *saved = getenv("NETREVIEW_DB") ? nr_strdup(getenv("NETREVIEW_DB")) : NULL;
        unsetenv("NETREVIEW_DB");
        cfg.db = NULL;
        CHECK(NR_EINVAL, nr_review_open(&rv, &cfg, &E));
        assert_string_equal(E.field, "db");
        if (saved)
            setenv("NETREVIEW_DB", saved, 1);
        nr_free(saved);
    }
    nr_free(db);
    rmtree(dir);
}

/* ---- the audit chain (R11) ---- */

#define ENTRIES 10 /* installation.init and nine more */

static void append(struct nr_fixture *fx, const struct nr_actor *a, const char *action,
                   int64_t case_id, const char *object, const char *detail)
{
    CHECK(0, nr_store_begin(fx->rv.st, &E));
    CHECK(0, nr_audit_append(&fx->rv, a, action, case_id, object, detail, &E));
    CHECK(0, nr_store_commit(fx->rv.st, &E));
}

/* An installation whose log holds ENTRIES entries by the local administrator and a user, with
 * and without a case, object and detail; verified intact. */
static void chain_open(struct nr_fixture *fx, enum nr_suite suite)
{
    struct nr_org_spec o = {.name = "Review Office", .kind = "office"};
    struct nr_user_spec u = {.login = "office1",
                             .name = "Office One",
                             .org = "Review Office",
                             .role = "office",
                             .password = "correct-horse-1"};
    struct nr_actor office;
    int64_t bad = -1, n = -1;

    setenv("NETREVIEW_NOW", NOW, 1);
    nr_fixture_open_suite(fx, "cn-2017", suite);
    CHECK(0, nr_org_add(&fx->rv, &fx->admin, &o, NULL, &E));  /* entry 2 */
    CHECK(0, nr_user_add(&fx->rv, &fx->admin, &u, NULL, &E)); /* entry 3 */
    CHECK(0, nr_actor_load(&fx->rv, "office1", &office, &E));
    append(fx, &office, "test.one", 0, "thing:1", "first");
    append(fx, &office, "test.two", 7, "case:7", "second");
    append(fx, &fx->admin, "test.three", 0, NULL, NULL);
    append(fx, &office, "test.four", 0, "thing:4", "a detail; with=signs\nand a line");
    append(fx, &office, "test.five", 9, "case:9", "");
    append(fx, &fx->admin, "test.six", 0, "thing:6", "sixth");
    append(fx, &office, "test.seven", 0, "thing:7", "seventh");
    CHECK(0, nr_audit_verify(&fx->rv, &bad, &n, &E));
    assert_int_equal(bad, 0);
    assert_int_equal(n, ENTRIES);
}

static void sql(struct nr_fixture *fx, const char *statement)
{
    CHECK(0, nr_store_exec(fx->rv.st, &E, statement, ""));
}

static void expect_tampered(struct nr_fixture *fx, int64_t bad_id, const char *what)
{
    int64_t bad = -1, n = -1;
    nr_err_init(&E);
    int rc = nr_audit_verify(&fx->rv, &bad, &n, &E);
    if (rc != NR_ETAMPERED || bad != bad_id)
        fail_msg("%s (suite %s): verify returned %s with bad id %lld (%s); expected entry %lld",
                 what, nr_suite_name(fx->rv.suite), nr_err_name(rc), (long long)bad, E.msg,
                 (long long)bad_id);
    assert_string_equal(E.field, "audit");
}

static const enum nr_suite suites[] = {NR_SUITE_INTL, NR_SUITE_SM};

static void test_audit_intact(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        struct nr_fixture fx;
        struct nr_actor office;
        json_t *list = NULL;
        int64_t bad = -1, n = -1;
        char *head = NULL, *hash = NULL;

        chain_open(&fx, suites[i]);
        /* Every entry names the hash of the one before; the head names the last. */
        CHECK(0, nr_store_query_text(fx.rv.st, &E, &hash, "SELECT hash FROM audit WHERE id = ?",
                                     "i", (int64_t)ENTRIES));
        CHECK(0, nr_store_setting_get(fx.rv.st, "audit_head", &head, &E));
        {
            char *expect = nr_asprintf("%d:%s", ENTRIES, hash);
            assert_string_equal(head, expect);
            nr_free(expect);
        }
        assert_int_equal(strlen(hash), 64);
        nr_free(hash);
        nr_free(head);
        /* An entry appended in a transaction that is rolled back leaves no trace. */
        CHECK(0, nr_store_begin(fx.rv.st, &E));
        CHECK(0, nr_audit_append(&fx.rv, &fx.admin, "test.lost", 0, NULL, "rolled back", &E));
        nr_store_rollback(fx.rv.st);
        CHECK(0, nr_audit_verify(&fx.rv, &bad, &n, &E));
        assert_int_equal(n, ENTRIES);
        /* The list shows what was appended, oldest first, to those who may read it. */
        CHECK(0, nr_actor_load(&fx.rv, "office1", &office, &E));
        CHECK(0, nr_audit_list(&fx.rv, &office, 0, 0, &list, &E));
        assert_int_equal(json_array_size(list), ENTRIES);
        assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "action")),
                            "installation.init");
        assert_string_equal(
            json_string_value(json_object_get(json_array_get(list, ENTRIES - 1), "action")),
            "test.seven");
        assert_true(json_is_null(json_object_get(json_array_get(list, 5), "object")));
        json_decref(list);
        {
            struct nr_actor pub;
            nr_actor_public(&pub);
            CHECK(NR_EFORBIDDEN, nr_audit_list(&fx.rv, &pub, 0, 0, &list, &E));
        }
        nr_fixture_close(&fx);
    }
}

/* Each kind of tampering, through raw SQL, in both suites: verify names the first entry hit. */
static void test_audit_tampered(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        struct nr_fixture fx;

        /* A field edited: the entry's own hash no longer matches. */
        chain_open(&fx, suites[i]);
        sql(&fx, "UPDATE audit SET detail = 'nothing to see' WHERE id = 4");
        expect_tampered(&fx, 4, "detail edited");
        nr_fixture_close(&fx);

        chain_open(&fx, suites[i]);
        sql(&fx, "UPDATE audit SET actor = 'someone-else' WHERE id = 2");
        expect_tampered(&fx, 2, "actor edited");
        nr_fixture_close(&fx);

        chain_open(&fx, suites[i]);
        sql(&fx, "UPDATE audit SET at = '2026-03-01T09:00:00Z' WHERE id = 7");
        expect_tampered(&fx, 7, "time edited");
        nr_fixture_close(&fx);

        chain_open(&fx, suites[i]);
        sql(&fx, "UPDATE audit SET case_id = 8 WHERE id = 5");
        expect_tampered(&fx, 5, "case edited");
        nr_fixture_close(&fx);

        /* The last entry edited: caught by its hash although nothing follows it. */
        chain_open(&fx, suites[i]);
        sql(&fx, "UPDATE audit SET action = 'test.other' WHERE id = 10");
        expect_tampered(&fx, 10, "last entry edited");
        nr_fixture_close(&fx);

        /* Text moved from one field into the next, across the newline that separates them in
         * the hashed text: entry 7 has object "thing:4" and a detail of two lines. */
        chain_open(&fx, suites[i]);
        sql(&fx, "UPDATE audit SET object = 'thing:4' || char(10) || 'a detail; with=signs', "
                 "detail = 'and a line' WHERE id = 7");
        expect_tampered(&fx, 7, "text moved between fields");
        nr_fixture_close(&fx);

        /* A middle row deleted: the entry after the gap. */
        chain_open(&fx, suites[i]);
        sql(&fx, "DELETE FROM audit WHERE id = 5");
        expect_tampered(&fx, 6, "middle row deleted");
        nr_fixture_close(&fx);

        /* Two rows swapped (ids exchanged): the first of them. */
        chain_open(&fx, suites[i]);
        sql(&fx, "UPDATE audit SET id = -1 WHERE id = 3");
        sql(&fx, "UPDATE audit SET id = 3 WHERE id = 4");
        sql(&fx, "UPDATE audit SET id = 4 WHERE id = -1");
        expect_tampered(&fx, 3, "rows swapped");
        nr_fixture_close(&fx);

        /* The tail cut: the first entry removed, which the recorded head still names. */
        chain_open(&fx, suites[i]);
        sql(&fx, "DELETE FROM audit WHERE id >= 9");
        expect_tampered(&fx, 9, "tail cut");
        /* ... and an entry appended afterwards does not hide the cut: it chains on from the
         * recorded head (entry 11), so the gap after entry 8 stays visible. */
        append(&fx, &fx.admin, "test.after", 0, NULL, "after the cut");
        expect_tampered(&fx, 11, "tail cut, then appended");
        assert_non_null(strstr(E.msg, "does not follow entry 8"));
        nr_fixture_close(&fx);

        /* Everything cut. */
        chain_open(&fx, suites[i]);
        sql(&fx, "DELETE FROM audit");
        expect_tampered(&fx, 1, "whole log deleted");
        nr_fixture_close(&fx);

        /* An edit stays visible after later appends. */
        chain_open(&fx, suites[i]);
        sql(&fx, "UPDATE audit SET object = 'thing:99' WHERE id = 4");
        append(&fx, &fx.admin, "test.after", 0, NULL, "after the edit");
        expect_tampered(&fx, 4, "edited, then appended");
        nr_fixture_close(&fx);
    }
}

/* ---- actors ---- */

static void test_authenticate(void **state)
{
    struct nr_fixture fx;
    struct nr_org_spec o = {.name = "Huaxin Networks", .kind = "provider"};
    struct nr_user_spec u = {.login = "vendor1",
                             .name = "Vendor One",
                             .org = "Huaxin Networks",
                             .role = "provider",
                             .password = "correct-horse-1"};
    struct nr_actor a;
    char msg[NR_ERR_MSG_MAX], field[NR_ERR_FIELD_MAX];
    int64_t org = 0, uid = 0;
    (void)state;

    setenv("NETREVIEW_NOW", NOW, 1);
    nr_fixture_open(&fx, "cn-2017");
    CHECK(0, nr_org_add(&fx.rv, &fx.admin, &o, &org, &E));
    CHECK(0, nr_user_add(&fx.rv, &fx.admin, &u, &uid, &E));

    CHECK(0, nr_actor_authenticate(&fx.rv, "vendor1", "correct-horse-1", &a, &E));
    assert_int_equal(a.user_id, uid);
    assert_string_equal(a.login, "vendor1");
    assert_int_equal(a.role, NR_ROLE_PROVIDER);
    assert_int_equal(a.org_id, org);
    assert_string_equal(a.org_kind, "provider");
    assert_false(a.local_admin);

    /* A wrong password and an unknown user answer exactly alike, and leave no actor. */
    CHECK(NR_EAUTH, nr_actor_authenticate(&fx.rv, "vendor1", "correct-horse-2", &a, &E));
    snprintf(msg, sizeof(msg), "%s", E.msg);
    snprintf(field, sizeof(field), "%s", E.field);
    assert_int_equal(a.user_id, 0);
    assert_string_equal(a.login, "");
    CHECK(NR_EAUTH, nr_actor_authenticate(&fx.rv, "nobody", "correct-horse-1", &a, &E));
    assert_string_equal(E.msg, msg);
    assert_string_equal(E.field, field);
    assert_int_equal(a.user_id, 0);
    CHECK(NR_EAUTH, nr_actor_authenticate(&fx.rv, "vendor1", "", &a, &E));
    assert_string_equal(E.msg, msg);
    /* A disabled user cannot sign in either. */
    CHECK(0, nr_store_exec(fx.rv.st, &E, "UPDATE users SET disabled = 1 WHERE login = ?", "t",
                           "vendor1"));
    CHECK(NR_EAUTH, nr_actor_authenticate(&fx.rv, "vendor1", "correct-horse-1", &a, &E));
    assert_string_equal(E.msg, msg);

    /* Loading an actor by name needs no password; an unknown one is not found. */
    CHECK(NR_ENOTFOUND, nr_actor_load(&fx.rv, "nobody", &a, &E));
    nr_actor_local_admin(&a);
    assert_true(a.local_admin);
    assert_int_equal(a.user_id, 0);
    nr_actor_public(&a);
    assert_false(a.local_admin);
    assert_int_equal(a.role, NR_ROLE_PUBLIC);
    nr_fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_twice),     cmocka_unit_test(test_init_malformed_procedure),
        cmocka_unit_test(test_open_missing),   cmocka_unit_test(test_audit_intact),
        cmocka_unit_test(test_audit_tampered), cmocka_unit_test(test_authenticate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
