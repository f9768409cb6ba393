/*
 * test_vercmp_rpm.c - the RPM order of vercmp.h (src/sca/vercmp_rpm.c).
 *
 * Sources of the examples: rpm's tests/rpmvercmp.at (every RPMVERCMP case, the tilde and caret
 * ones of rpm 4.15+, and the oddities it documents in comments: RhBug:811992 and non-ASCII
 * characters that only separate); the [epoch:]version[-release] split of rpm's parseEVR.
 * Each list is checked pair by pair in both directions and then sorted with the comparator
 * from a scrambled order, which catches a comparator that is not antisymmetric or not
 * transitive on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/vercmp.h"

#include "netreview/banned.h"

#define ORDER NR_ORDER_RPM

#include "vercmp_check.h"

/* --- rpm ---------------------------------------------------------------------------------- */

struct vercmp_case {
    const char *a, *b;
    int want;
};

/* rpm's tests/rpmvercmp.at, RPMVERCMP(a, b, want), in its order. */
static const struct vercmp_case rpmvercmp_at[] = {
    {"1.0", "1.0", 0},
    {"1.0", "2.0", -1},
    {"2.0", "1.0", 1},
    {"2.0.1", "2.0.1", 0},
    {"2.0", "2.0.1", -1},
    {"2.0.1", "2.0", 1},
    {"2.0.1a", "2.0.1a", 0},
    {"2.0.1a", "2.0.1", 1},
    {"2.0.1", "2.0.1a", -1},
    {"5.5p1", "5.5p1", 0},
    {"5.5p1", "5.5p2", -1},
    {"5.5p2", "5.5p1", 1},
    {"5.5p10", "5.5p10", 0},
    {"5.5p1", "5.5p10", -1},
    {"5.5p10", "5.5p1", 1},
    {"10xyz", "10.1xyz", -1},
    {"10.1xyz", "10xyz", 1},
    {"xyz10", "xyz10", 0},
    {"xyz10", "xyz10.1", -1},
    {"xyz10.1", "xyz10", 1},
    {"xyz.4", "xyz.4", 0},
    {"xyz.4", "8", -1},
    {"8", "xyz.4", 1},
    {"xyz.4", "2", -1},
    {"2", "xyz.4", 1},
    {"5.5p2", "5.6p1", -1},
    {"5.6p1", "5.5p2", 1},
    {"5.6p1", "6.5p1", -1},
    {"6.5p1", "5.6p1", 1},
    {"6.0.rc1", "6.0", 1},
    {"6.0", "6.0.rc1", -1},
    {"10b2", "10a1", 1},
    {"10a2", "10b2", -1},
    {"1.0aa", "1.0aa", 0},
    {"1.0a", "1.0aa", -1},
    {"1.0aa", "1.0a", 1},
    {"10.0001", "10.0001", 0},
    {"10.0001", "10.1", 0},
    {"10.1", "10.0001", 0},
    {"10.0001", "10.0039", -1},
    {"10.0039", "10.0001", 1},
    {"4.999.9", "5.0", -1},
    {"5.0", "4.999.9", 1},
    {"20101121", "20101121", 0},
    {"20101121", "20101122", -1},
    {"20101122", "20101121", 1},
    {"2_0", "2_0", 0},
    {"2.0", "2_0", 0},
    {"2_0", "2.0", 0},
    /* RhBug:178798 */
    {"a", "a", 0},
    {"a+", "a+", 0},
    {"a+", "a_", 0},
    {"a_", "a+", 0},
    {"+a", "+a", 0},
    {"+a", "_a", 0},
    {"_a", "+a", 0},
    {"+_", "+_", 0},
    {"_+", "+_", 0},
    {"_+", "_+", 0},
    {"+", "_", 0},
    {"_", "+", 0},
    /* tilde */
    {"1.0~rc1", "1.0~rc1", 0},
    {"1.0~rc1", "1.0", -1},
    {"1.0", "1.0~rc1", 1},
    {"1.0~rc1", "1.0~rc2", -1},
    {"1.0~rc2", "1.0~rc1", 1},
    {"1.0~rc1~git123", "1.0~rc1~git123", 0},
    {"1.0~rc1~git123", "1.0~rc1", -1},
    {"1.0~rc1", "1.0~rc1~git123", 1},
    /* caret */
    {"1.0^", "1.0^", 0},
    {"1.0^", "1.0", 1},
    {"1.0", "1.0^", -1},
    {"1.0^git1", "1.0^git1", 0},
    {"1.0^git1", "1.0", 1},
    {"1.0", "1.0^git1", -1},
    {"1.0^git1", "1.0^git2", -1},
    {"1.0^git2", "1.0^git1", 1},
    {"1.0^git1", "1.01", -1},
    {"1.01", "1.0^git1", 1},
    {"1.0^20160101", "1.0^20160101", 0},
    {"1.0^20160101", "1.0.1", -1},
    {"1.0.1", "1.0^20160101", 1},
    {"1.0^20160101^git1", "1.0^20160101^git1", 0},
    {"1.0^20160102", "1.0^20160101^git1", 1},
    {"1.0^20160101^git1", "1.0^20160102", -1},
    /* tilde and caret */
    {"1.0~rc1^git1", "1.0~rc1^git1", 0},
    {"1.0~rc1^git1", "1.0~rc1", 1},
    {"1.0~rc1", "1.0~rc1^git1", -1},
    {"1.0^git1~pre", "1.0^git1~pre", 0},
    {"1.0^git1", "1.0^git1~pre", 1},
    {"1.0^git1~pre", "1.0^git1", -1},
    /* The oddities rpmvercmp.at documents (RhBug:811992; non-ASCII bytes separate). */
    {"1b.fc17", "1b.fc17", 0},
    {"1b.fc17", "1.fc17", -1},
    {"1.fc17", "1b.fc17", 1},
    {"1g.fc17", "1g.fc17", 0},
    {"1g.fc17", "1.fc17", 1},
    {"1.fc17", "1g.fc17", -1},
    {"1.1.\xce\xb1", "1.1.\xce\xb1", 0},
    {"1.1.\xce\xb1", "1.1.\xce\xb2", 0},
    {"1.1.\xce\xb2", "1.1.\xce\xb1", 0},
    {"1.1.\xce\xb1\xce\xb1", "1.1.\xce\xb1", 0},
    {"1.1.\xce\xb1", "1.1.\xce\xb2\xce\xb2", 0},
    {"1.1.\xce\xb2\xce\xb2", "1.1.\xce\xb1\xce\xb1", 0},
};

static void test_rpmvercmp_at(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(rpmvercmp_at); i++)
        check_pair(rpmvercmp_at[i].a, rpmvercmp_at[i].b, rpmvercmp_at[i].want);
}

static void test_tilde_caret_order(void **state)
{
    /* The same rules as one ascending list: "~" before the end, "^" after it, both before
     * letters and numbers. */
    static const char *const levels[] = {
        "1.0~rc1",      "1.0~rc1^git1", "1.0~rc2",  "1.0|1.0.|1_0",   "1.0^",
        "1.0^git1~pre", "1.0^git1",     "1.0^git2", "1.0^20160101",   "1.0^20160101^git1",
        "1.0^20160102", "1.0a",         "1.0.1",    "1.01|1.001|1.1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_epoch_release(void **state)
{
    /* [epoch:]version[-release]: a missing epoch is 0, the epoch outweighs the version, the
     * release decides last; a version without a release sorts before its releases. */
    static const char *const levels[] = {
        "1.2.3",         "1.2.3-1.el9|0:1.2.3-1.el9|00:1.2.3-1.el9",
        "1.2.3-1.el9_1", "1.2.3-2.el9",
        "1.2.3-10.el9",  "1.2.4~rc1-1.el9",
        "1.2.4-1.el9",   "1.10-1",
        "9.9-1",         "1:0.1-1",
        "1:0.1-2",       "2:0.0.1-1",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_big_numbers(void **state)
{
    static const char *const levels[] = {
        "1.18446744073709551615",
        "1.18446744073709551616|1.00018446744073709551616",
        "1.99999999999999999999999999999999999",
        "99999999999999999999999999:1.0",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_valid(void **state)
{
    static const char *const good[] = {
        "1.0",        "1.0-1",      "0:1.0-1.el9", "2:3.4.5-6.fc39", "1.0~rc1-1",
        "1.0^git1-1", "1.0_1-1+b1", "5.5p1",       "20101121",       "1:2",
    };
    static const char *const bad[] = {
        "",       "1.0-",  "-1",    "1.0-1-1", "a:1.0",        ":1.0",
        "1.0 -1", "1.0/2", "1.0:1", "1.0-1 ",  "1.0-\xce\xb1",
    };

    (void)state;
    check_valid(good, NR_ARRAY_LEN(good), true);
    check_valid(bad, NR_ARRAY_LEN(bad), false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rpmvercmp_at),  cmocka_unit_test(test_tilde_caret_order),
        cmocka_unit_test(test_epoch_release), cmocka_unit_test(test_big_numbers),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
