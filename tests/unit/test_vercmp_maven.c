/*
 * test_vercmp_maven.c - the Maven order of vercmp.h (src/sca/vercmp_maven.c).
 *
 * Sources of the examples: maven-artifact's ComparableVersionTest (Maven 3.9.x):
 * VERSIONS_QUALIFIER, VERSIONS_NUMBER, testVersionsEqual, testVersionComparing,
 * testLeadingZeroes, testVersionEqualWithLeadingZeroes, testVersionZeroEqualWithLeadingZeroes,
 * testMng5568, testMng6572, testMng6964, testMng7644, testLocaleIndependent.
 * Each list is checked pair by pair in both directions and then sorted with the comparator
 * from a scrambled order, which catches a comparator that is not antisymmetric or not
 * transitive on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/vercmp.h"

#include "netreview/banned.h"

#define ORDER NR_ORDER_MAVEN

#include "vercmp_check.h"

/* --- Maven -------------------------------------------------------------------------------- */

static void test_versions_qualifier(void **state)
{
    /* ComparableVersionTest.VERSIONS_QUALIFIER, strictly ascending. */
    static const char *const levels[] = {
        "1-alpha2snapshot",
        "1-alpha2",
        "1-alpha-123",
        "1-beta-2",
        "1-beta123",
        "1-m2",
        "1-m11",
        "1-rc",
        "1-cr2",
        "1-rc123",
        "1-SNAPSHOT",
        "1",
        "1-sp",
        "1-sp2",
        "1-sp123",
        "1-abc",
        "1-def",
        "1-pom-1",
        "1-1-snapshot",
        "1-1",
        "1-2",
        "1-123",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_versions_number(void **state)
{
    /* ComparableVersionTest.VERSIONS_NUMBER as of 3.9 (MNG-7644 moved 2.0.a next to 2.0). */
    static const char *const levels[] = {
        "2.0",    "2.0.a", "2-1",     "2.0.2", "2.0.123", "2.1.0", "2.1-a",  "2.1b",
        "2.1-c",  "2.1-1", "2.1.0.1", "2.2",   "2.123",   "11.a2", "11.a11", "11.b2",
        "11.b11", "11.m2", "11.m11",  "11",    "11.a",    "11b",   "11c",    "11m",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_versions_equal(void **state)
{
    /* ComparableVersionTest.testVersionsEqual: each level is one checkVersionsEqual family. */
    static const char *const groups[] = {
        "1|1.0|1.0.0|1-0|1.0-0",
        "1a|1-a|1.0-a|1.0.0-a|1.0a|1.0.0a|1.a|1A",
        "1x|1-x|1.0-x|1.0.0-x|1.0x|1.0.0x|1X",
        "1|1ga|1release|1final|1Ga|1GA|1RELEASE|1RELeaSE|1Final|1FinaL|1FINAL",
        "1cr|1rc|1Cr|1Rc|1cR|1rC",
        "1a1|1-alpha-1|1alpha1|1A1",
        "1b2|1-beta-2|1beta2|1B2",
        "1m3|1-milestone-3|1Milestone3|1MileStone3|1MILESTONE3",
        "1-abcdefghijklmnopqrstuvwxyz|1-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    };

    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(groups); i++)
        check_levels(&groups[i], 1);
}

static void test_version_comparing(void **state)
{
    /* ComparableVersionTest.testVersionComparing, then testLeadingZeroes. */
    static const char *const pairs[][2] = {
        {"1", "2"},
        {"1.5", "2"},
        {"1", "2.5"},
        {"1.0", "1.1"},
        {"1.1", "1.2"},
        {"1.0.0", "1.1"},
        {"1.0.1", "1.1"},
        {"1.1", "1.2.0"},
        {"1.0-alpha-1", "1.0"},
        {"1.0-alpha-1", "1.0-alpha-2"},
        {"1.0-alpha-1", "1.0-beta-1"},
        {"1.0-beta-1", "1.0-SNAPSHOT"},
        {"1.0-SNAPSHOT", "1.0"},
        {"1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"},
        {"1.0", "1.0-1"},
        {"1.0-1", "1.0-2"},
        {"1.0.0", "1.0-1"},
        {"2.0-1", "2.0.1"},
        {"2.0.1-klm", "2.0.1-lmn"},
        {"2.0.1", "2.0.1-xyz"},
        {"2.0.1", "2.0.1-123"},
        {"2.0.1-xyz", "2.0.1-123"},
        {"0.7", "2"},
        {"0.2", "1.0.7"},
    };

    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(pairs); i++)
        check_pair(pairs[i][0], pairs[i][1], -1);
}

static void test_mng_issues(void **state)
{
    /* MNG-5568: transitivity with an odd "H"; MNG-6572: 10- and 20-digit numbers; MNG-6964:
     * qualifiers after "-0.". (MNG-7714, "1.0.final-redhat" < "1.0-sp1-redhat", changed
     * normalisation in Maven 4 only; 3.9 keeps it the other way round.) */
    static const char *const mng5568[] = {"6.1.0rc3", "6.1.0", "6.1H.5-beta"};
    static const char *const mng6572[] = {"20190126.230843", "1234567890.12345",
                                          "123456789012345.1H.5-beta",
                                          "12345678901234567890.1H.5-beta"};
    static const char *const mng6964[] = {"1-0.alpha", "1-0.beta", "1"};

    (void)state;
    check_levels(mng5568, NR_ARRAY_LEN(mng5568));
    check_levels(mng6572, NR_ARRAY_LEN(mng6572));
    check_levels(mng6964, NR_ARRAY_LEN(mng6964));
    check_pair("1.0.final-redhat", "1.0-sp1-redhat", 1);
}

static void test_mng7644(void **state)
{
    /* 1.0.0.X1 < 1.0.0-X2 and 2.0.X == 2-X == 2.0.0.X for any string X. */
    static const char *const xs[] = {"abc", "alpha",     "a", "beta", "b",
                                     "def", "milestone", "m", "RC"};
    char a[64], b[64], level[128];
    const char *one = level;

    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(xs); i++) {
        snprintf(a, sizeof(a), "1.0.0.%s1", xs[i]);
        snprintf(b, sizeof(b), "1.0.0-%s2", xs[i]);
        check_pair(a, b, -1);
        snprintf(level, sizeof(level), "2-%s|2.0.%s|2.0.0.%s", xs[i], xs[i], xs[i]);
        check_levels(&one, 1);
    }
}

static void test_leading_zeroes(void **state)
{
    /* testVersionEqualWithLeadingZeroes and testVersionZeroEqualWithLeadingZeroes. */
    static const char *const ones[] = {
        "0000000000000000001|000000000000000001|00000000000000001|0000000000000001|"
        "000000000000001|00000000000001|0000000000001|000000000001|00000000001|0000000001|"
        "000000001|00000001|0000001|000001|00001|0001|001|01|1",
    };
    static const char *const zeros[] = {
        "0000000000000000000|000000000000000000|00000000000000000|0000000000000000|"
        "000000000000000|00000000000000|0000000000000|000000000000|00000000000|0000000000|"
        "000000000|00000000|0000000|000000|00000|0000|000|00|0",
    };

    (void)state;
    check_levels(ones, 1);
    check_levels(zeros, 1);
}

static void test_any_string(void **state)
{
    /* Empty and odd strings get a place; non-ASCII bytes are letters of an unknown word. */
    static const char *const levels[] = {
        "|0|.|-|0.0", "1-alpha", "1", "1-\xc3\xa9", "1.\xc3\xa9\xc3\xa9", "1.1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_valid(void **state)
{
    static const char *const good[] = {"1",   "1.0-SNAPSHOT", "2.0.1-klm",
                                       "r09", "1.0.0.RC1",    "1.0_beta"};
    static const char *const bad[] = {"", "1.0 beta", "1.0\t", "1.\xc3\xa9"};

    (void)state;
    check_valid(good, NR_ARRAY_LEN(good), true);
    check_valid(bad, NR_ARRAY_LEN(bad), false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions_qualifier),
        cmocka_unit_test(test_versions_number),
        cmocka_unit_test(test_versions_equal),
        cmocka_unit_test(test_version_comparing),
        cmocka_unit_test(test_mng_issues),
        cmocka_unit_test(test_mng7644),
        cmocka_unit_test(test_leading_zeroes),
        cmocka_unit_test(test_any_string),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
