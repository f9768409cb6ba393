/*
 * test_version.c - the generic version order and range expressions (src/model/version.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/version.h"

#include "netreview/banned.h"

/* Each row: a < b, strictly. */
static const char *const ordered[][2] = {
    {"1.0", "1.0.1"},
    {"1.0.1", "1.1"},
    {"1.9", "1.10"},
    {"1.10", "1.100"},
    {"2", "10"},
    {"0.9.9", "1"},
    {"1.0-alpha", "1.0-beta"},
    {"1.0-beta", "1.0-rc1"},
    {"1.0-rc1", "1.0-rc2"},
    {"1.0-rc2", "1.0-rc10"},
    {"1.0-rc", "1.0-rc1"},
    {"1.0-rc1", "1.0"},
    {"1.0~beta", "1.0"},
    {"1.0~beta", "1.0-rc1"},
    {"1.0-SNAPSHOT", "1.0"},
    {"2.0rc1", "2.0"},
    {"1.0.beta2", "1.0"},
    {"1.0.dev1", "1.0a"},
    {"1.0", "1.0a"},
    {"1.0a", "1.0b"},
    {"1.0.2", "1.0.2a"},
    {"1.0.2a", "1.0.2b"},
    {"1.0.2z", "1.0.3"},
    {"1.0a", "1.0.1"},
    {"1.0.0", "1.0.post1"},
    {"1.0-rc1", "1.0.0-rc1"},
    {"1.0-rc1", "1.0.1-rc1"},
    {"1.0.0-rc1", "1.0.0.0-rc1"},
    {"1.0.1-rc1", "1.0.1"},
    {"1.0-1", "1.0-2"},
    {"1.0", "1.0-1"},
    {"7.50.3-1.fc25", "7.50.3-1.fc26"},
    {"1.0-1ubuntu1", "1.0-1ubuntu2"},
    {"1.0-1", "1.0-1ubuntu1"},
    {"99999999999999999999998", "99999999999999999999999"},
    {"99999999999999999999999", "100000000000000000000000"},
    {"1.00000000000000000000001", "1.2"},
    {"", "0.1"},
    {"a", "b"},
    {"1.a", "1.1"},
    {"v1.2", "1.3"},
};

/* Each row: a == b. */
static const char *const equal[][2] = {
    {"1.0", "1.0.0"},
    {"1", "1.0.0.0"},
    {"1.01", "1.1"},
    {"001.002", "1.2"},
    {"1.0+build.7", "1.0"},
    {"1.0+a", "1.0+b"},
    {"1.0-RC1", "1.0-rc1"},
    {"1.0-rc.1", "1.0-rc1"},
    {"1.0_1", "1.0.1"},
    {"1..0", "1.0"},
    {"v1.2.3", "1.2.3"},
    {"V2", "2.0"},
    {"1.0A", "1.0a"},
    {"", "0"},
    {"", ""},
    {"1:2.0", "1.2"},
};

static void test_cmp_ordered(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(ordered); i++) {
        const char *a = ordered[i][0], *b = ordered[i][1];
        if (nr_version_cmp(a, b) != -1 || nr_version_cmp(b, a) != 1)
            fail_msg("expected %s < %s, got cmp=%d, reverse=%d", a, b, nr_version_cmp(a, b),
                     nr_version_cmp(b, a));
    }
}

static void test_cmp_equal(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(equal); i++) {
        const char *a = equal[i][0], *b = equal[i][1];
        if (nr_version_cmp(a, b) != 0 || nr_version_cmp(b, a) != 0)
            fail_msg("expected %s == %s, got %d", a, b, nr_version_cmp(a, b));
    }
}

/* Antisymmetry and transitivity over every pair and triple of a mixed sample. */
static void test_cmp_is_a_total_preorder(void **state)
{
    static const char *const sample[] = {
        "",        "0",        "0.0.1",   "1",         "1.0",     "1.0.0",     "1.0-alpha",
        "1.0-rc1", "1.0-rc.1", "1.0rc2",  "1.0.0-rc1", "1-rc1",   "1.0a",      "1.0.a",
        "1.0.1",   "1.0.1a",   "1.0~b",   "1.0+x",     "1.1",     "1.a",       "2",
        "10",      "v2",       "a",       "A",         "1.0-1",   "1.0-r0",    "1.0.0.0.0.1",
        "1.0-",    "1.0-.",    "..",      "-1",        "~rc",     "1.0-beta",  "1.0-BETA",
        "1.0b",    "x.y.z",    "1.2.3.4", "0001",      "1.0-pre", "1.0.post1", "1.0.dev",
    };
    size_t n = NR_ARRAY_LEN(sample);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(nr_version_cmp(sample[i], sample[i]), 0);
        for (size_t j = 0; j < n; j++) {
            int ij = nr_version_cmp(sample[i], sample[j]);
            if (ij != -nr_version_cmp(sample[j], sample[i]))
                fail_msg("antisymmetry fails for %s, %s", sample[i], sample[j]);
            for (size_t k = 0; k < n; k++) {
                int jk = nr_version_cmp(sample[j], sample[k]);
                int ik = nr_version_cmp(sample[i], sample[k]);
                if (ij <= 0 && jk <= 0 && ik > 0)
                    fail_msg("transitivity fails for %s <= %s <= %s", sample[i], sample[j],
                             sample[k]);
            }
        }
    }
}

static void test_version_check(void **state)
{
    struct nr_err err;
    char long_version[NR_VERSION_MAX + 2];

    (void)state;
    assert_int_equal(nr_version_check("1.2.3-rc1+b7", NULL), 0);
    assert_int_equal(nr_version_check(">=1.0", NULL), 0);
    nr_err_init(&err);
    assert_int_equal(nr_version_check("", &err), NR_EPARSE);
    assert_string_equal(err.field, "version");
    nr_err_init(&err);
    assert_int_equal(nr_version_check("1.0 beta", &err), NR_EPARSE);
    assert_string_equal(err.msg, "version: byte 0x20 at column 4 is not printable ASCII");
    memset(long_version, '1', sizeof(long_version) - 1);
    long_version[sizeof(long_version) - 1] = '\0';
    assert_int_equal(nr_version_check(long_version, NULL), NR_ETOOBIG);
    long_version[NR_VERSION_MAX] = '\0';
    assert_int_equal(nr_version_check(long_version, NULL), 0);
}

struct match_case {
    const char *expr;
    const char *yes[8];
    const char *no[8];
};

static const struct match_case matches[] = {
    {"*", {"0", "1.0", "99.99-rc1", "", NULL}, {NULL}},
    {"2.1.0",
     {"2.1.0", "2.1", "2.1.0.0", "v2.1.0", "2.1.0+b2", NULL},
     {"2.1.1", "2.1.0-rc1", "2.0", NULL}},
    {"=2.1", {"2.1.0", NULL}, {"2.1.1", NULL}},
    {"==2.1", {"2.1.0", NULL}, {"2.1.1", NULL}},
    {"!=2.1", {"2.1.1", "2.0", NULL}, {"2.1", "2.1.0", NULL}},
    {"<2.1", {"2.0.9", "2.1-rc1", "1", NULL}, {"2.1", "2.1.0", "2.1a", "3", NULL}},
    {"<=2.1", {"2.0.9", "2.1", "2.1.0", NULL}, {"2.1a", "2.1.1", NULL}},
    {">2.1", {"2.1a", "2.1.1", "10", NULL}, {"2.1", "2.1.0", "2.1-rc1", "2", NULL}},
    {">=2.1", {"2.1", "2.1.0", "2.2", NULL}, {"2.1-rc9", "2.0", NULL}},
    {">=2.0 <3.0", {"2.0", "2.9.9", "3.0-rc1", NULL}, {"1.9", "3.0", "3.0.1", NULL}},
    {">=2.0, <3.0", {"2.0", "2.5", NULL}, {"3.0", NULL}},
    {">=2.0,<3.0", {"2.5", NULL}, {"1.0", NULL}},
    {"2.1.* || 3.0.0",
     {"2.1", "2.1.0", "2.1.7", "2.1.0-rc1", "2.1-rc1", "2.1b", "3.0", NULL},
     {"2.2", "2.0", "2-rc1", "3.0.1", "2", NULL}},
    {"!=2.0.3 >=2.0 <2.1", {"2.0", "2.0.2", "2.0.4", NULL}, {"2.0.3", "2.1", "1.9", NULL}},
    {"!=2.0.*", {"2.1", "1.9", "2-rc1", NULL}, {"2", "2.0", "2.0.5", NULL}},
    {"==2.0.*", {"2.0.1", "2", NULL}, {"2.1", NULL}},
    {"2.* || * ", {"7", NULL}, {NULL}},
    {"< 1.0 || >= 2.0  ||  1.5", {"0.9", "2.0", "1.5.0", NULL}, {"1.0", "1.4", "1.9", NULL}},
    {"1.0-rc1 || 1.0", {"1.0-rc1", "1.0.0", NULL}, {"1.0-rc2", NULL}},
    {"\t>=1\t", {"1", NULL}, {"0.9", NULL}},
};

static void test_range_match(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(matches); i++) {
        const struct match_case *m = &matches[i];
        struct nr_range r;
        struct nr_err err;

        nr_range_init(&r);
        nr_err_init(&err);
        if (nr_range_parse(&r, m->expr, &err) != 0)
            fail_msg("parse of \"%s\" failed: %s", m->expr, err.msg);
        for (size_t k = 0; m->yes[k]; k++)
            if (!nr_range_match(&r, m->yes[k]))
                fail_msg("\"%s\" should match %s", m->expr, m->yes[k]);
        for (size_t k = 0; m->no[k]; k++)
            if (nr_range_match(&r, m->no[k]))
                fail_msg("\"%s\" should not match %s", m->expr, m->no[k]);
        assert_false(nr_range_match(&r, NULL));
        nr_range_release(&r);
        assert_int_equal(r.count, 0);
    }
}

static void test_range_structure(void **state)
{
    struct nr_range r;

    (void)state;
    nr_range_init(&r);
    assert_false(nr_range_match(&r, "1.0"));
    assert_int_equal(nr_range_parse(&r, "2.1.* || >=3.0, !=3.0.2 || *", NULL), 0);
    assert_int_equal(r.count, 4);
    assert_int_equal(r.nalts, 3);
    assert_int_equal(r.constraints[0].op, NR_RANGE_PREFIX);
    assert_string_equal(r.constraints[0].version, "2.1");
    assert_int_equal(r.constraints[0].alt, 0);
    assert_int_equal(r.constraints[1].op, NR_RANGE_GE);
    assert_string_equal(r.constraints[1].version, "3.0");
    assert_int_equal(r.constraints[1].alt, 1);
    assert_int_equal(r.constraints[2].op, NR_RANGE_NE);
    assert_int_equal(r.constraints[2].alt, 1);
    assert_int_equal(r.constraints[3].op, NR_RANGE_ANY);
    assert_string_equal(r.constraints[3].version, "");
    assert_int_equal(r.constraints[3].alt, 2);
    /* A second parse replaces the first; a failed one leaves r empty. */
    assert_int_equal(nr_range_parse(&r, "<1", NULL), 0);
    assert_int_equal(r.count, 1);
    assert_int_equal(nr_range_parse(&r, "<", NULL), NR_EPARSE);
    assert_int_equal(r.count, 0);
    assert_null(r.constraints);
    assert_false(nr_range_match(&r, "0"));
    nr_range_release(&r);
}

struct bad_case {
    const char *expr;
    int code;
    const char *msg;
};

static const struct bad_case bad[] = {
    {"", NR_EPARSE, "versions: empty expression"},
    {"   ", NR_EPARSE, "versions: empty expression"},
    {">=2.0 >", NR_EPARSE, "versions: expected a version at column 8"},
    {">=2.0<3.0", NR_EPARSE, "versions: unexpected \"<\" at column 6"},
    {"1.0 <>2", NR_EPARSE, "versions: unexpected \">\" at column 6"},
    {"> = 2.0", NR_EPARSE, "versions: unexpected \"=\" at column 3"},
    {">>1", NR_EPARSE, "versions: unexpected \">\" at column 2"},
    {"=<1", NR_EPARSE, "versions: unexpected \"<\" at column 2"},
    {"!==1", NR_EPARSE, "versions: unexpected \"=\" at column 3"},
    {"!1", NR_EPARSE, "versions: unexpected \"1\" at column 2"},
    {"1.0 | 2.0", NR_EPARSE, "versions: unexpected \"|\" at column 5"},
    {"1.0 ||", NR_EPARSE, "versions: expected a version at column 7"},
    {"|| 1.0", NR_EPARSE, "versions: unexpected \"|\" at column 1"},
    {"1.0 || || 2.0", NR_EPARSE, "versions: unexpected \"|\" at column 8"},
    {"1.0,", NR_EPARSE, "versions: expected a version at column 5"},
    {",1.0", NR_EPARSE, "versions: unexpected \",\" at column 1"},
    {"1.0,,2.0", NR_EPARSE, "versions: unexpected \",\" at column 5"},
    {"* 1.0", NR_EPARSE, "versions: unexpected \"1\" at column 3"},
    {"1.0 *", NR_EPARSE, "versions: unexpected \"*\" at column 5"},
    {"*,1", NR_EPARSE, "versions: unexpected \",\" at column 2"},
    {"**", NR_EPARSE, "versions: unexpected \"*\" at column 2"},
    {"2.1*", NR_EPARSE, "versions: unexpected \"*\" at column 4"},
    {".*", NR_EPARSE, "versions: unexpected \"*\" at column 2"},
    {">=2.1.*", NR_EPARSE, "versions: unexpected \"*\" at column 7"},
    {"<2.*", NR_EPARSE, "versions: unexpected \"*\" at column 4"},
    {"2.*.1", NR_EPARSE, "versions: unexpected \".\" at column 4"},
    {"1.0\x01", NR_EPARSE, "versions: unexpected byte 0x01 at column 4"},
    {"1.0 \xc3\xa9", NR_EPARSE, "versions: unexpected byte 0xc3 at column 5"},
    {"* \"", NR_EPARSE, "versions: unexpected \"\\\"\" at column 3"},
    {"*\\", NR_EPARSE, "versions: unexpected \"\\\\\" at column 2"},
    {">=...", NR_EPARSE, "versions: version at column 3 has no digit or letter"},
    {"1.0\n", NR_EPARSE, "versions: unexpected byte 0x0a at column 4"},
};

static void test_range_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        struct nr_range r;
        struct nr_err err;

        nr_range_init(&r);
        nr_err_init(&err);
        int rc = nr_range_parse(&r, bad[i].expr, &err);
        if (rc != bad[i].code)
            fail_msg("\"%s\": rc %d, want %d (%s)", bad[i].expr, rc, bad[i].code, err.msg);
        assert_string_equal(err.msg, bad[i].msg);
        assert_string_equal(err.field, "versions");
        assert_int_equal(r.count, 0);
        nr_range_release(&r);
    }
}

static void test_range_caps(void **state)
{
    struct nr_range r;
    struct nr_err err;
    struct nr_buf b;
    char version[NR_VERSION_MAX + 2];

    (void)state;
    nr_range_init(&r);
    nr_buf_init(&b, 4 * NR_RANGE_EXPR_MAX);

    /* 1024 characters are fine, 1025 are not. */
    memset(version, '1', NR_VERSION_MAX);
    version[NR_VERSION_MAX] = '\0';
    for (int i = 0; i < 7; i++)
        nr_buf_printf(&b, "%s%s", i ? " " : "", version);
    while (b.len < NR_RANGE_EXPR_MAX)
        nr_buf_puts(&b, " ");
    assert_int_equal(nr_range_parse(&r, b.p, NULL), 0);
    nr_buf_puts(&b, " ");
    nr_err_init(&err);
    assert_int_equal(nr_range_parse(&r, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.msg, "versions: expression longer than 1024 characters");

    /* A version of 128 characters is fine, 129 are not. */
    memset(version, '2', NR_VERSION_MAX + 1);
    version[NR_VERSION_MAX + 1] = '\0';
    nr_buf_reset(&b);
    nr_buf_printf(&b, ">=%s", version);
    nr_err_init(&err);
    assert_int_equal(nr_range_parse(&r, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.msg, "versions: version at column 3 longer than 128 characters");
    nr_buf_reset(&b);
    nr_buf_printf(&b, ">=%s.*", version);
    assert_int_equal(nr_range_parse(&r, b.p, NULL), NR_EPARSE); /* ">=" before ".*" */
    nr_buf_reset(&b);
    nr_buf_printf(&b, "%s.*", version);
    assert_int_equal(nr_range_parse(&r, b.p, NULL), NR_ETOOBIG);
    version[NR_VERSION_MAX] = '\0';
    nr_buf_reset(&b);
    nr_buf_printf(&b, "%s.*", version);
    assert_int_equal(nr_range_parse(&r, b.p, NULL), 0);
    assert_int_equal(r.constraints[0].op, NR_RANGE_PREFIX);
    assert_int_equal(strlen(r.constraints[0].version), NR_VERSION_MAX);

    /* An expression that fits but whose canonical text would not. */
    nr_buf_reset(&b);
    for (int i = 0; i < 60; i++)
        nr_buf_printf(&b, "%s%c%014d", i ? "||" : "", 'a' + i % 26, i);
    assert_true(b.len <= NR_RANGE_EXPR_MAX);
    nr_err_init(&err);
    assert_int_equal(nr_range_parse(&r, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.msg,
                        "versions: expression longer than 1024 characters once normalized");
    assert_int_equal(r.count, 0);

    /* 64 constraints are fine, 65 are not; "*" counts. */
    nr_buf_reset(&b);
    for (int i = 0; i < NR_RANGE_CONSTRAINT_MAX; i++)
        nr_buf_printf(&b, "%s%d", i ? "||" : "", i);
    assert_int_equal(nr_range_parse(&r, b.p, NULL), 0);
    assert_int_equal(r.count, NR_RANGE_CONSTRAINT_MAX);
    assert_int_equal(r.nalts, NR_RANGE_CONSTRAINT_MAX);
    nr_buf_puts(&b, "||*");
    nr_err_init(&err);
    assert_int_equal(nr_range_parse(&r, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.msg, "versions: more than 64 constraints");

    nr_buf_release(&b);
    nr_range_release(&r);
}

struct norm_case {
    const char *expr;
    const char *canonical;
};

static const struct norm_case norms[] = {
    {"*", "*"},
    {"2.1.0", "2.1.0"},
    {"==2.1.0", "2.1.0"},
    {"=2.1.0", "2.1.0"},
    {"<3.0 >=2.0", ">=2.0 <3.0"},
    {">=2.0, <3.0", ">=2.0 <3.0"},
    {"  >=  2.0 ,<3.0  ", ">=2.0 <3.0"},
    {"3.0.0 || 2.1.*", "2.1.* || 3.0.0"},
    {"!=2.0.3 >=2.0 <2.1", ">=2.0 !=2.0.3 <2.1"},
    {"1.0 || *", "*"},
    {"1.0 1.0 || 1.0", "1.0"},
    {"1.0 || 1.0.0", "1.0 || 1.0.0"},
    {"!=1.* || 1.0-rc1", "1.0-rc1 || !=1.*"},
    {"<=1 >1 <1 >=1 =1 !=1", "1 !=1 <1 <=1 >1 >=1"},
    {">=1.0 <2 || >=1.0", ">=1.0 || >=1.0 <2"},
};

static void test_range_normalize(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(norms); i++) {
        struct nr_range r, again;
        struct nr_buf b, b2;

        nr_range_init(&r);
        nr_range_init(&again);
        nr_buf_init(&b, 4096);
        nr_buf_init(&b2, 4096);
        assert_int_equal(nr_range_parse(&r, norms[i].expr, NULL), 0);
        assert_int_equal(nr_range_normalize(&r, &b), 0);
        if (strcmp(b.p, norms[i].canonical) != 0)
            fail_msg("\"%s\" normalized to \"%s\", want \"%s\"", norms[i].expr, b.p,
                     norms[i].canonical);
        assert_int_equal(nr_range_parse(&again, b.p, NULL), 0);
        assert_int_equal(nr_range_normalize(&again, &b2), 0);
        assert_string_equal(b.p, b2.p);
        nr_buf_release(&b);
        nr_buf_release(&b2);
        nr_range_release(&r);
        nr_range_release(&again);
    }
}

static void test_range_normalize_empty_and_cap(void **state)
{
    struct nr_range r;
    struct nr_buf b;

    (void)state;
    nr_range_init(&r);
    nr_buf_init(&b, 8);
    assert_int_equal(nr_range_normalize(&r, &b), 0);
    assert_int_equal(b.len, 0);
    assert_int_equal(nr_range_parse(&r, ">=1.0.0 <2.0.0", NULL), 0);
    assert_int_equal(nr_range_normalize(&r, &b), NR_ETOOBIG);
    nr_buf_release(&b);
    nr_range_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmp_ordered),
        cmocka_unit_test(test_cmp_equal),
        cmocka_unit_test(test_cmp_is_a_total_preorder),
        cmocka_unit_test(test_version_check),
        cmocka_unit_test(test_range_match),
        cmocka_unit_test(test_range_structure),
        cmocka_unit_test(test_range_malformed),
        cmocka_unit_test(test_range_caps),
        cmocka_unit_test(test_range_normalize),
        cmocka_unit_test(test_range_normalize_empty_and_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
