/*
 * test_vercmp_dpkg.c - the Debian order of vercmp.h (src/sca/vercmp_dpkg.c).
 *
 * Sources of the examples: Debian Policy 5.6.12 (Version), its "~~ ~~a ~ (empty) a" ordering;
 * dpkg's lib/dpkg/t/t-version.c (test_version_compare, test_version_parse): equal parts,
 * epochs, multiple hyphens and colons, surrounding spaces, the characters each part allows and
 * the versions parseversion rejects. Each list is checked pair by pair in both directions and
 * then sorted with the comparator from a scrambled order, which catches a comparator that is
 * not antisymmetric or not transitive on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/vercmp.h"

#include "netreview/banned.h"

#define ORDER NR_ORDER_DPKG

#include "vercmp_check.h"

/* --- dpkg --------------------------------------------------------------------------------- */

static void test_policy_tilde(void **state)
{
    /* Policy 5.6.12: "~~, ~~a, ~, the empty part, a" in that order; hence 1.0~rc1 < 1.0. */
    static const char *const levels[] = {
        "1.0~~", "1.0~~a", "1.0~", "1.0~rc1", "1.0~rc2", "1.0", "1.0a",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_policy_parts(void **state)
{
    /* Letters sort before non-letters, numbers compare by value, the epoch outweighs the rest,
     * and the revision decides last. */
    static const char *const levels[] = {
        "0.9",
        "1.0|1.0-0|0:1.0",
        "1.0-1",
        "1.0-1ubuntu1",
        "1.0-1ubuntu1.1",
        "1.0-2",
        "1.0-10",
        "1.0a",
        "1.0+b1",
        "1.0+dfsg",
        "1.0.1",
        "1.2",
        "1.10",
        "2.0",
        "2.4",
        "2.30",
        "1:0.9",
        "1:1.0",
        "2:0.1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
    check_pair("1:1.0", "2.0", 1);
}

static void test_dpkg_compare_cases(void **state)
{
    /* lib/dpkg/t/t-version.c, test_version_compare and test_version_parse: versions that parse
     * to equal parts compare equal; epochs, then upstream, then revision decide ("-" sorts
     * before "." among non-letters). */
    static const char *const levels[] = {
        "0|0:0|0:0-0|0-00|00-0|0:0-00|0:00-0",
        "0:0-1|  \t0:0-1|0:0-1\t  |\t  0:0-1  \t",
        "0:0-a",
        "0:0-b",
        "0:0-0-0",
        "0:0-0-0-0",
        "0:0.0-0.0",
        "0:0:0-0",
        "0:0:0:0-0",
        "0:a-0",
        "0:b-0",
        "1:0|1:0-0",
        "1:2-3",
        "5:1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_big_numbers(void **state)
{
    static const char *const levels[] = {
        "1.18446744073709551615",
        "1.18446744073709551616",
        "1.000000000000000000000000000000000000018446744073709551617",
        "99999999999999999999999999:1.0",
        "100000000000000000000000000:0.1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_any_string(void **state)
{
    /* A prefix before ":" that is not a number is no epoch, and a letter sorts after a digit
     * there; bytes above ASCII sort after letters, as dpkg's order() puts every non-letter after
     * the letters. */
    static const char *const levels[] = {
        "|0", "1", "a:1", "z", "\xc3\xa9", "1:0",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_valid(void **state)
{
    /* t-version.c's test_version_parse: what parseversion accepts and what it fails on (some
     * of those only with a warning, which dpkg --compare-versions lets through); dpkg 1.21 also
     * fails on an empty revision ("revision number is empty"), which the older test accepted. */
    static const char *const good[] = {
        "0",
        "0:0",
        "0:0-0",
        "0:0.0-0.0",
        "1:0",
        "5:1",
        "0:0-0-0",
        "0:0-0-0-0",
        "0:0:0-0",
        "0:0:0:0-0",
        "0:0:0-0-0",
        "0:0-0:0-0",
        "0:09azAZ.-+~:-0",
        "0:0-azAZ09.+~",
        "  \t0:0-1",
        "0:0-1\t  ",
        "\t  0:0-1  \t",
        "1.0~rc1-1ubuntu1",
        "2147483647:1",
    };
    static const char *const bad[] = {
        "",        "  ",    "0:",   "0:0 0-1", "-1:0-1",   "999999999999999999999999:0-1",
        "a:0-0",   "A:0-0", "-0",   "0:-0",    "0:abc3-0", "2147483648:1",
        "0:0-0:0", ":1.0",  "0:0-", "1.0-",
    };
    static const char upstream_bad[] = "!#@$%&/|\\<>()[]{};,_=*^'";
    static const char revision_bad[] = "!#@$%&/|\\<>()[]{}:;,_=*^'";
    char v[8];

    (void)state;
    check_valid(good, NR_ARRAY_LEN(good), true);
    check_valid(bad, NR_ARRAY_LEN(bad), false);
    for (const char *p = upstream_bad; *p != '\0'; p++) {
        memcpy(v, "0:0a-0", 7);
        v[3] = *p;
        if (nr_vercmp_valid(ORDER, v))
            fail_msg("valid(\"%s\")", v);
    }
    for (const char *p = revision_bad; *p != '\0'; p++) {
        memcpy(v, "0:0-0", 6);
        v[4] = *p;
        if (nr_vercmp_valid(ORDER, v))
            fail_msg("valid(\"%s\")", v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_tilde),       cmocka_unit_test(test_policy_parts),
        cmocka_unit_test(test_dpkg_compare_cases), cmocka_unit_test(test_big_numbers),
        cmocka_unit_test(test_any_string),         cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
