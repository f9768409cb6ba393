/*
 * test_vercmp_gem.c - the RubyGems order of vercmp.h (src/sca/vercmp_gem.c).
 *
 * Sources of the examples: RubyGems' test/rubygems/test_gem_version.rb (test_spaceship,
 * test_semver, test_initialize, test_initialize_invalid) and the Gem::Version class
 * documentation (a letter makes a pre-release: 1.0.a1 < 1.0.b1 < 1.0). Each list is checked
 * pair by pair in both directions and then sorted with the comparator from a scrambled order,
 * which catches a comparator that is not antisymmetric or not transitive on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/vercmp.h"

#include "netreview/banned.h"

#define ORDER NR_ORDER_GEM

#include "vercmp_check.h"

/* --- RubyGems ----------------------------------------------------------------------------- */

static void test_spaceship(void **state)
{
    /* test_gem_version.rb, test_spaceship, in its order. */
    static const struct {
        const char *a, *b;
        int want;
    } cases[] = {
        {"1.0", "1.0.0", 0},           {"1.0", "1.0.a", 1},
        {"1.8.2", "0.0.0", 1},         {"1.8.2", "1.8.2.a", 1},
        {"1.8.2.b", "1.8.2.a", 1},     {"1.8.2.a", "1.8.2", -1},
        {"1.8.2.a10", "1.8.2.a9", 1},  {"", "0", 0},
        {"0.beta.1", "0.0.beta.1", 0}, {"0.0.beta", "0.0.beta.1", -1},
        {"0.0.beta", "0.beta.1", -1},  {"5.a", "5.0.0.rc2", -1},
        {"5.x", "5.0.0.rc2", 1},
    };

    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(cases); i++)
        check_pair(cases[i].a, cases[i].b, cases[i].want);
}

static void test_semver(void **state)
{
    /* test_gem_version.rb, test_semver: "-" reads as ".pre.", so SemVer pre-releases order
     * below their release. */
    static const char *const levels[] = {
        "1.0.0-alpha|1.0.0.pre.alpha",
        "1.0.0-alpha.1",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0|1|1.0",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_prerelease_order(void **state)
{
    /* Gem::Version's documentation: a letter makes a pre-release, and "1.0.a1" < "1.0.b1" <
     * "1.0"; trailing zeros do not count. */
    static const char *const levels[] = {
        "0.9",     "1.0.a|1.a|1.0.0.a", "1.0.a1|1.0.a.1", "1.0.a2", "1.0.a10",   "1.0.b1",
        "1.0.rc1", "1.0|1.0.0|1",       "1.0.1",          "1.10",   "2.0.0.pre", "2",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
    check_pair("1.0.A", "1.0.a", -1); /* strings compare byte-wise, case kept */
}

static void test_big_numbers(void **state)
{
    static const char *const levels[] = {
        "18446744073709551615",
        "18446744073709551616|0018446744073709551616",
        "99999999999999999999999999999",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_valid(void **state)
{
    /* test_gem_version.rb, test_initialize and test_initialize_invalid (with "" left out: it
     * is RubyGems' 0, but no version a component can be placed by). */
    static const char *const good[] = {
        "1.0",       "1.0 ",          " 1.0 ", "1.0\n", "\n1.0\n",   "1.0.a",
        "1.0.0-rc1", "1.0.0-alpha.1", "5.x",   "1-2-3", "1.0-a-b.c",
    };
    static const char *const bad[] = {
        "", "junk", "1.0\n2.0", "1..2", "1.2 3.4", "1.0-", "1.0.", "a.1", "-1", "1.0+a", "1.0-a..b",
    };

    (void)state;
    check_valid(good, NR_ARRAY_LEN(good), true);
    check_valid(bad, NR_ARRAY_LEN(bad), false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spaceship),
        cmocka_unit_test(test_semver),
        cmocka_unit_test(test_prerelease_order),
        cmocka_unit_test(test_big_numbers),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
