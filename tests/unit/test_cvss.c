/*
 * test_cvss.c - CVSS base scores (src/sca/cvss.c). Expected scores are the ones FIRST publishes:
 * the v3.1 specification's examples and calculator, NVD's v2 calculator, and FIRST's v4.0
 * calculator (https://www.first.org/cvss/calculator/4-0#<vector>), including environmental
 * vectors and the x.x5 ties that float arithmetic lands one ULP low.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/osv.h"

#include "netreview/banned.h"

struct vec_case {
    const char *vector;
    double score;
};

static void expect_scores(const struct vec_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct nr_err err;
        double s = -1;
        nr_err_init(&err);
        if (nr_cvss_score(cases[i].vector, &s, &err) != 0)
            fail_msg("%s: %s", cases[i].vector, err.msg);
        /* Scores have one decimal: compare in tenths. */
        if ((int)(s * 10 + 0.5) != (int)(cases[i].score * 10 + 0.5))
            fail_msg("%s scored %.1f, want %.1f", cases[i].vector, s, cases[i].score);
    }
}

static void test_v31(void **state)
{
    static const struct vec_case cases[] = {
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
        {"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5},
        {"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H", 9.1},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5},
        {"CVSS:3.1/AV:A/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N", 4.1},
        {"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0},
        {"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1},
        /* Temporal and environmental metrics do not change the base score. */
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C/CR:L/MAV:P", 9.8},
        /* Metrics in another order. */
        {"CVSS:3.1/S:U/AV:N/C:H/AC:L/I:H/PR:N/A:H/UI:N", 9.8},
        /* v3.0 rounds up with a plain ceiling. */
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", 6.5},
    };
    (void)state;
    expect_scores(cases, NR_ARRAY_LEN(cases));
}

static void test_v2(void **state)
{
    static const struct vec_case cases[] = {
        {"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5},   {"AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0},
        {"AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3},   {"AV:L/AC:L/Au:N/C:C/I:C/A:C", 7.2},
        {"AV:N/AC:L/Au:S/C:C/I:C/A:C", 9.0},   {"AV:N/AC:L/Au:N/C:N/I:N/A:N", 0.0},
        {"(AV:N/AC:L/Au:N/C:P/I:P/A:P)", 7.5}, {"AV:N/AC:L/Au:S/C:C/I:C/A:C/E:U/RL:U/RC:C", 9.0},
    };
    (void)state;
    expect_scores(cases, NR_ARRAY_LEN(cases));
}

static void test_v4(void **state)
{
    static const struct vec_case cases[] = {
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.7},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.6},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H", 7.9},
        {"CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.2},
        {"CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.7},
        {"CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.7},
        {"CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3},
        {"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.6},
        {"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5},
        {"CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.1},
        {"CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.0},
        {"CVSS:4.0/AV:P/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 5.4},
        {"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 5.4},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:H/SC:N/SI:N/SA:N", 8.8},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 8.7},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 6.9},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H", 10.0},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:L", 9.9},
        {"CVSS:4.0/AV:A/AC:L/AT:N/PR:L/UI:P/VC:L/VI:L/VA:N/SC:L/SI:L/SA:N", 2.4},
        {"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:L/SC:N/SI:N/SA:L", 1.0},
        /* Threat: exploit maturity unreported (U) lowers the score. */
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 9.1},
        /* Environmental: modified metrics replace the base ones. */
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MUI:A/MVC:N/MVI:N/"
         "MVA:L/MSC:N/MSI:N/MSA:N",
         5.1},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MUI:P/MVC:N/MVI:H/"
         "MVA:N/MSC:N/MSI:N/MSA:N",
         7.1},
        {"CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:A/VC:L/VI:L/VA:L/SC:H/SI:H/SA:N/CR:L/IR:L/AR:L/MAC:H/"
         "MAT:N/MPR:H/MUI:N/MVC:N/MVA:L/MSC:H/MSI:S/MSA:S",
         7.0},
        /* Ties that binary floats put one ULP below x.x5 round up, as the reference does. */
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H", 8.6},
        {"CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U", 0.4},
        {"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H/E:P", 9.0},
        {"CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:N/SI:L/SA:L/E:A/AR:H/MAV:L/MAC:H/"
         "MPR:N/MUI:A/MVC:L/MVA:H/MSC:L/MSI:N/MSA:N",
         5.7},
        /* Supplemental metrics are accepted and do not count. */
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/R:I/V:C/RE:H/"
         "U:Red",
         9.3},
    };
    (void)state;
    expect_scores(cases, NR_ARRAY_LEN(cases));
}

static void test_malformed(void **state)
{
    static const struct {
        const char *vector, *msg;
    } bad[] = {
        {"", "empty vector"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "base metric A is missing"},
        {"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV: value \"X\""},
        {"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV given twice"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "ends with"},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1", "unknown metric \"ZZ\""},
        {"CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a metric:value pair"},
        {"CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a metric:value pair"},
        {"CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a metric:value pair"},
        {"CVSS:9.9/AV:N", "unsupported version"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "base metric SA"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "metric SI"},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Blue", "metric U"},
        {"AV:N/AC:L/Au:N/C:P/I:P", "base metric A is missing"},
        {"not a vector", "not a metric:value pair"},
        {"9.8", "not a metric:value pair"},
    };
    char longv[700];
    struct nr_err err;
    double s;

    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        nr_err_init(&err);
        s = 1;
        if (nr_cvss_score(bad[i].vector, &s, &err) != NR_EPARSE)
            fail_msg("\"%s\" was accepted", bad[i].vector);
        assert_string_equal(err.field, "cvss");
        if (strstr(err.msg, bad[i].msg) == NULL)
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", bad[i].vector, err.msg, bad[i].msg);
        assert_true(s == 0.0);
    }
    memset(longv, 'A', sizeof(longv) - 1);
    longv[sizeof(longv) - 1] = '\0';
    nr_err_init(&err);
    assert_int_equal(nr_cvss_score(longv, &s, &err), NR_EPARSE);
    assert_int_equal(nr_cvss_score(NULL, &s, NULL), NR_EPARSE);
}

static void test_severity_bands(void **state)
{
    (void)state;
    assert_string_equal(nr_cvss_severity(10.0), "critical");
    assert_string_equal(nr_cvss_severity(9.0), "critical");
    assert_string_equal(nr_cvss_severity(8.9), "high");
    assert_string_equal(nr_cvss_severity(7.0), "high");
    assert_string_equal(nr_cvss_severity(6.9), "medium");
    assert_string_equal(nr_cvss_severity(4.0), "medium");
    assert_string_equal(nr_cvss_severity(3.9), "low");
    assert_string_equal(nr_cvss_severity(0.1), "low");
    assert_string_equal(nr_cvss_severity(0.0), "info");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v31),
        cmocka_unit_test(test_v2),
        cmocka_unit_test(test_v4),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_severity_bands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
