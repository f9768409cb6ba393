/*
 * test_vercmp_pep440.c - the PyPI order of vercmp.h (src/sca/vercmp_pep440.c).
 *
 * Sources of the examples: PEP 440 (https://peps.python.org/pep-0440/): the "Summary of
 * permitted suffixes and relative ordering" list, the "Normalization" section's spellings
 * (case, separators, alpha/beta/c/pre/preview, implicit numbers, implicit post releases, local
 * separators, the "v" prefix, surrounding white space, integer normalisation), "Version
 * epochs" and "Local version identifiers". Each list is checked pair by pair in both directions
 * and then sorted with the comparator from a scrambled order, which catches a comparator that
 * is not antisymmetric or not transitive on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/vercmp.h"

#include "netreview/banned.h"

#define ORDER NR_ORDER_PEP440

#include "vercmp_check.h"

/* --- PEP 440 ------------------------------------------------------------------------------ */

static void test_summary_ordering(void **state)
{
    /* PEP 440, "Summary of permitted suffixes and relative ordering", in its order. */
    static const char *const levels[] = {
        "1.dev0",
        "1.0.dev456",
        "1.0a1",
        "1.0a2.dev456",
        "1.0a12.dev456",
        "1.0a12",
        "1.0b1.dev456",
        "1.0b2",
        "1.0b2.post345.dev456",
        "1.0b2.post345",
        "1.0rc1.dev456",
        "1.0rc1",
        "1.0",
        "1.0+abc.5",
        "1.0+abc.7",
        "1.0+5",
        "1.0.post456.dev34",
        "1.0.post456",
        "1.0.15",
        "1.1.dev1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_normalisation(void **state)
{
    /* PEP 440, "Normalization": each level lists the spellings of one version. */
    static const char *const levels[] = {
        "0|00|0.0",
        "1.0.dev0|1.0dev|1.0.dev|1.0-dev|1.0_dev0|1.0DEV",
        "1.0a0|1.0a|1.0.a|1.0alpha",
        "1.0a1|1.0.0a1|1.0alpha1|1.0-a1|1.0_a1|1.0.a1|1.0a.1|1.0-alpha.1|1.0A1|v1.0a1",
        "1.0b2|1.0beta2|1.0-beta-2",
        "1.0rc3|1.0c3|1.0pre3|1.0preview3|1.0RC3|1.0-rc.3",
        "1.0|1.0.0|v1.0|V1.0| 1.0|1.0 |\t1.0\n|1.0.0.0",
        "1.0+ubuntu-1|1.0+ubuntu.1|1.0+ubuntu_1|1.0+UBUNTU.1",
        "1.0.post0|1.0.post|1.0post|1.0-post|1.0.rev|1.0r",
        "1.0.post1|1.0post1|1.0-post1|1.0_post1|1.0-1|1.0r1|1.0rev1|1.0.post.1|1.0-r-1",
        "1.0.post2.dev3|1.0-2.dev3|1.0post2dev3",
        "1.0.post2",
        "9000|09000",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_epochs(void **state)
{
    /* PEP 440, "Version epochs": 2013.10 < 2014.04 < 1!1.0 < 1!1.1 < 1!2.0. */
    static const char *const levels[] = {
        "1.0", "2.0|0!2.0", "2013.10", "2014.04", "1!1.0", "1!1.1", "1!2.0", "2!0.1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_local_versions(void **state)
{
    /* PEP 440, "Local version identifiers": after the public version, segments compared
     * numerically when all digits, lexically otherwise, alphanumeric below numeric, a shorter
     * list of equal segments first. */
    static const char *const levels[] = {
        "1.0",        "1.0+abc",   "1.0+abc.5", "1.0+abc.7|1.0+abc.07|1.0+ABC-7",
        "1.0+abc.10", "1.0+abd",   "1.0+5",     "1.0+5.abc",
        "1.0+10",     "1.0.post1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_big_numbers(void **state)
{
    static const char *const levels[] = {
        "1.0.post99999999999999999999999",
        "18446744073709551615",
        "18446744073709551616|018446744073709551616",
        "99999999999999999999999999!0",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
    check_pair("1.0rc18446744073709551616", "1.0rc18446744073709551615", 1);
}

static void test_invalid_sort_first(void **state)
{
    /* Strings that are not PEP 440 versions sort before every version, among themselves by
     * the generic order. */
    static const char *const levels[] = {
        "|   ", "french toast", "1.0-foo", "1.0.0-1-1", "0.dev0", "1.0",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_valid(void **state)
{
    static const char *const good[] = {
        "1",
        "1.0",
        "1!1.0",
        "1.0a1",
        "1.0.dev1",
        "1.0.post1",
        "1.0+abc.5",
        "v1.0",
        " 1.0\n",
        "1.0a.",
        "1.0.post.",
        "1.0-1",
        "1.0a1-1",
        "1.0rc1.post2.dev3+local.7",
        "1.0C1",
        "1.0-beta-1",
        "1.0pre.post.dev.",
    };
    static const char *const bad[] = {
        "",
        "1.0-",
        "1.0.",
        "1.0+",
        "1.0+abc.",
        "1..0",
        "a1.0",
        "1.0abc",
        "1.0 1",
        "1!",
        "!1.0",
        "1.0a1a1",
        "1.0.post1.post2",
        "1.0+abc!",
        "1.0_",
        "ver1.0",
        "1.0alphax",
        "1.0.dev1.dev2",
        "1.0+a..b",
        "1.0+_a",
        "vv1.0",
        "1,0",
        "1.0-foo",
        "1.0.0-1-1",
    };

    (void)state;
    check_valid(good, NR_ARRAY_LEN(good), true);
    check_valid(bad, NR_ARRAY_LEN(bad), false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_ordering),
        cmocka_unit_test(test_normalisation),
        cmocka_unit_test(test_epochs),
        cmocka_unit_test(test_local_versions),
        cmocka_unit_test(test_big_numbers),
        cmocka_unit_test(test_invalid_sort_first),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
