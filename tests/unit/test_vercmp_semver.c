/*
 * test_vercmp_semver.c - the SemVer order of vercmp.h (src/sca/vercmp_semver.c).
 *
 * Sources of the examples: SemVer 2.0.0 (https://semver.org/spec/v2.0.0.html) section 11's
 * precedence lists, section 9's pre-release and section 10's build-metadata examples; the Go
 * Modules Reference (https://go.dev/ref/mod#pseudo-versions) for pseudo-versions and
 * "+incompatible". Each list is checked pair by pair in both directions and then sorted with the
 * comparator from a scrambled order, which catches a comparator that is not antisymmetric or
 * not transitive on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/vercmp.h"

#include "netreview/banned.h"

#define ORDER NR_ORDER_SEMVER

#include "vercmp_check.h"

/* --- SemVer ------------------------------------------------------------------------------- */

static void test_spec_precedence(void **state)
{
    /* Section 11, items 2 and 4, as one list. */
    static const char *const levels[] = {
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
        "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
        "1.0.0-rc.1",  "1.0.0",         "2.0.0",
        "2.1.0",       "2.1.1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_spec_identifiers(void **state)
{
    /* Section 9's pre-release examples and section 10's build metadata, which precedence
     * ignores (section 11, item 1). Numeric identifiers sort below alphanumeric ones. */
    static const char *const levels[] = {
        "1.0.0-0.3.7",
        "1.0.0-alpha|1.0.0-alpha+001",
        "1.0.0-alpha.1",
        "1.0.0-beta|1.0.0-beta+exp.sha.5114f85",
        "1.0.0-x.7.z.92",
        "1.0.0-x-y-z.--",
        "1.0.0|1.0.0+20130313144700|1.0.0+21AF26D3----117B344092BD",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
    check_pair("1.0.0-alpha.2", "1.0.0-alpha.10", -1);
    check_pair("1.0.0-alpha.10", "1.0.0-alpha.a", -1);
    check_pair("1.0.0-Alpha", "1.0.0-alpha", -1); /* ASCII order: upper case first */
    check_pair("1.9.0", "1.10.0", -1);
    check_pair("1.10.0", "1.11.0", -1);
}

static void test_prefix_and_padding(void **state)
{
    static const char *const levels[] = {
        "0.9",
        "1|1.0|1.0.0|v1.0.0|V1.0.0|v1",
        "1.2|1.2.0|v1.2.0",
        "1.2.3|v1.2.3",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
    check_pair("1.2-rc.1", "1.2.0-rc.1", 0);
}

static void test_go_pseudo_versions(void **state)
{
    /* The three pseudo-version forms of the Go Modules Reference, each between the versions it
     * names; "+incompatible" is build metadata. */
    static const char *const levels[] = {
        "v0.0.0-20191109021931-daa7c04131f5",
        "v0.0.0-20200101000000-0123456789ab",
        "v0.0.0",
        "v1.2.3-pre",
        "v1.2.3-pre.0.20191109021931-daa7c04131f5",
        "v1.2.3",
        "v1.2.4-0.20191109021931-daa7c04131f5",
        "v1.2.4",
        "v2.0.0|v2.0.0+incompatible",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_big_numbers(void **state)
{
    static const char *const levels[] = {
        "18446744073709551615.0.0",
        "18446744073709551616.0.0",
        "99999999999999999999999999999999.0.0",
        "100000000000000000000000000000000.0.0",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
    check_pair("1.0.0-alpha.99999999999999999999999", "1.0.0-alpha.100000000000000000000000", -1);
}

static void test_any_string(void **state)
{
    /* Strings that are no version still sort consistently: fields that are not numbers after
     * the numbers, and "" like 0.0.0. */
    static const char *const levels[] = {
        "|0|0.0.0", "0.0.1", "1.0.0", "1.0.x", "1.x", "x", "x.1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
    assert_int_equal(nr_vercmp(ORDER, NULL, ""), 0);
}

static void test_valid(void **state)
{
    static const char *const good[] = {
        "0.0.0",
        "1.0.0",
        "v1.2.3",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-0.3.7",
        "1.0.0-x.7.z.92",
        "1.0.0-x-y-z.--",
        "1.0.0-alpha+001",
        "1.0.0+20130313144700",
        "1.0.0-beta+exp.sha.5114f85",
        "1.2",
        "1",
        "v0.0.0-20191109021931-daa7c04131f5",
        "v2.0.0+incompatible",
    };
    static const char *const bad[] = {
        "",         "v",          "1.0.0-",    "1.0.0+",    "01.0.0", "1.01.0",
        "1.0.0-01", "1.0.0-a..b", "1.0.0-a_b", "1.2.3.4",   "a.b.c",  "1.0.0 ",
        " 1.0.0",   "1..0",       "1.0.",      "1.0.0+a+b", "=1.0.0",
    };

    (void)state;
    check_valid(good, NR_ARRAY_LEN(good), true);
    check_valid(bad, NR_ARRAY_LEN(bad), false);
    assert_false(nr_vercmp_valid(ORDER, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_precedence),
        cmocka_unit_test(test_spec_identifiers),
        cmocka_unit_test(test_prefix_and_padding),
        cmocka_unit_test(test_go_pseudo_versions),
        cmocka_unit_test(test_big_numbers),
        cmocka_unit_test(test_any_string),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
