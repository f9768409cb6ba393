/*
 * test_vercmp_nuget.c - the NuGet order of vercmp.h (src/sca/vercmp_nuget.c).
 *
 * Sources of the examples: Microsoft's NuGet documentation, "Package versioning"
 * (https://learn.microsoft.com/nuget/concepts/package-versioning): the pre-release choice
 * order (1.0.1, 1.0.1-zzz, 1.0.1-rc, ... 1.0.1-aaa), SemVer 2.0.0 labels and "Normalized
 * version numbers"; NuGet.Versioning's VersionComparer for case-insensitive labels and its
 * Int32 rule for numeric labels. Each list is checked pair by pair in both directions and then
 * sorted with the comparator from a scrambled order, which catches a comparator that is not
 * antisymmetric or not transitive on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/vercmp.h"

#include "netreview/banned.h"

#define ORDER NR_ORDER_NUGET

#include "vercmp_check.h"

/* --- NuGet -------------------------------------------------------------------------------- */

static void test_documented_precedence(void **state)
{
    /* "Package versioning", pre-release versions: the versions NuGet would choose, in that
     * order, are 1.0.1, 1.0.1-zzz, 1.0.1-rc, 1.0.1-open, 1.0.1-beta, 1.0.1-alpha2,
     * 1.0.1-alpha10, 1.0.1-aaa; that is, ascending: */
    static const char *const levels[] = {
        "1.0.1-aaa",  "1.0.1-alpha10", "1.0.1-alpha2", "1.0.1-beta",
        "1.0.1-open", "1.0.1-rc",      "1.0.1-zzz",    "1.0.1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_semver2_labels(void **state)
{
    /* NuGet 4.3+ follows SemVer 2.0.0 for dotted labels; labels ignore case. */
    static const char *const levels[] = {
        "1.0.0-alpha|1.0.0-ALPHA|1.0.0-Alpha+build",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta|1.0.0-BETA",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0|1.0.0+build.7",
        "1.0.0.1",
        "1.0.1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_normalised_numbers(void **state)
{
    /* "Normalized version numbers": leading zeros dropped (1.00 is 1.0, 1.01.1 is 1.1.1,
     * 1.00.0.1 is 1.0.0.1), a zero fourth part omitted (1.0.0.0 is 1.0.0, 1.0.01.0 is 1.0.1),
     * build metadata removed (1.0.7+r3456 is 1.0.7). */
    static const char *const levels[] = {
        "1|1.0|1.00|1.0.0|1.0.0.0|1.00.0.0",
        "1.0.0.1|1.00.0.1",
        "1.0.1|1.0.01.0",
        "1.0.7|1.0.7+r3456",
        "1.1.1|1.01.1",
        "2",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_numeric_labels(void **state)
{
    /* VersionComparer compares two labels as numbers only when Int32.TryParse takes both; a
     * longer run of digits is a string, and strings sort after numbers. */
    static const char *const levels[] = {
        "1.0.0-alpha.2",          "1.0.0-alpha.10|1.0.0-alpha.010",
        "1.0.0-alpha.2147483647", "1.0.0-alpha.100000000000",
        "1.0.0-alpha.2147483648", "1.0.0-alpha.99999999999",
        "1.0.0-alpha.a",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_any_string(void **state)
{
    /* NuGet takes no "v" prefix: "v1" is a field that is not a number, above every number. */
    static const char *const levels[] = {
        "|0", "1.0", "1.0.x", "v1.0", "x",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_valid(void **state)
{
    static const char *const good[] = {
        "1",
        "1.0",
        "1.0.0",
        "1.0.0.0",
        "1.00",
        "1.0.0-beta",
        "1.0.0-beta.1+meta",
        "1.0.7+r3456",
        "2147483647.0",
        "1.0.0-rc-1",
    };
    static const char *const bad[] = {
        "",     "1.0.0.0.0",    "1.0.0-",       "1.0.0+", "1..0",          "a.b",
        "v1.0", "1.0.0-beta_1", "2147483648.0", "1.0 ",   "1.0.0-beta..1", "1.0.0+a+b",
    };

    (void)state;
    check_valid(good, NR_ARRAY_LEN(good), true);
    check_valid(bad, NR_ARRAY_LEN(bad), false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_documented_precedence),
        cmocka_unit_test(test_semver2_labels),
        cmocka_unit_test(test_normalised_numbers),
        cmocka_unit_test(test_numeric_labels),
        cmocka_unit_test(test_any_string),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
