/*
 * test_vercmp_apk.c - the Alpine order of vercmp.h (src/sca/vercmp_apk.c).
 *
 * Sources of the examples: apk-tools' test/version.data (a selection of its "a op b" lines,
 * including "1.0 < 1.0bc", "0.1.0_alpha_pre2 < 0.1.0_alpha" and "1.0_p10-r0 > 1.0_p9-r0") and
 * the version grammar at the top of apk-tools' src/version.c. Each list is checked pair by
 * pair in both directions and then sorted with the comparator from a scrambled order, which
 * catches a comparator that is not antisymmetric or not transitive on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/vercmp.h"

#include "netreview/banned.h"

#define ORDER NR_ORDER_APK

#include "vercmp_check.h"

/* --- apk ---------------------------------------------------------------------------------- */

struct vercmp_case {
    const char *a;
    char op; /* '<', '=' or '>' */
    const char *b;
};

/* apk-tools' test/version.data, a selection of its lines in their order ("a op b"). */
static const struct vercmp_case version_data[] = {
    {"2.34", '>', "0.1.0_alpha"},
    {"23_foo", '>', "4_beta"},
    {"1.0", '<', "1.0bc"},
    {"0.1.0_alpha", '=', "0.1.0_alpha"},
    {"0.1.0_alpha", '<', "0.1.3_alpha"},
    {"0.1.3_alpha", '>', "0.1.0_alpha"},
    {"0.1.0_alpha2", '>', "0.1.0_alpha"},
    {"0.1.0_alpha", '<', "2.2.39-r1"},
    {"2.2.39-r1", '>', "1.0.4-r3"},
    {"1.0.4-r3", '<', "1.0.4-r4"},
    {"1.0.4-r4", '<', "1.6"},
    {"1.6", '>', "1.0.2"},
    {"1.0.2", '>', "0.7-r1"},
    {"0.7-r1", '<', "1.0.0"},
    {"1.0.0", '<', "1.0.1"},
    {"1.0.1", '<', "1.1"},
    {"1.1", '>', "1.1_alpha1"},
    {"1.1_alpha1", '<', "1.2.1"},
    {"1.2.1", '>', "1.2"},
    {"1.2", '<', "1.3_alpha"},
    {"1.3_alpha", '<', "1.3_alpha2"},
    {"1.3_alpha2", '<', "1.3_alpha3"},
    {"1.3_alpha8", '>', "0.6.0"},
    {"0.7.0", '<', "0.8_beta1"},
    {"0.8_beta1", '<', "0.8_beta2"},
    {"0.8_beta4", '<', "4.8-r1"},
    {"4.8-r1", '>', "3.10.18-r1"},
    {"3.10.18-r1", '>', "2.3.0b-r1"},
    {"2.3.0b-r1", '<', "2.3.0b-r2"},
    {"2.3.0b-r4", '>', "0.12.1"},
    {"0.12.3", '>', "0.12"},
    {"0.12", '<', "0.13_beta1"},
    {"0.13_beta5", '>', "0.9.12"},
    {"0.9.13", '>', "0.0.16"},
    {"1.2.11", '<', "1.2.12.1"},
    {"1.2.12.1", '<', "1.2.13"},
    {"0.2.0-r1", '=', "0.2.0-r1"},
    {"0.2.0-r1", '<', "3.1_p16"},
    {"3.1_p16", '<', "3.1_p17"},
    {"3.1_p17", '>', "1.06-r6"},
    {"1.06-r6", '<', "006"},
    {"006", '>', "1.0.0"},
    {"1.2.2-r1", '>', "1.2.2"},
    {"9.3.4-r2", '>', "9.3.4"},
    {"2.59", '<', "20050718-r1"},
    {"3.9.8-r5", '>', "2.01.01_alpha10"},
    {"2.01.01_alpha10", '>', "0.94"},
    {"1.0", '>', "0.99.3.20040818"},
    {"1.39", '>', "1.00_beta2"},
    {"1.00_beta2", '>', "0.9.2"},
    {"7.15.1-r1", '>', "1.02"},
    {"1.02", '<', "1.03-r1"},
    {"4.2.52_p2-r1", '<', "4.2.52_p4-r2"},
    {"4.2.52_p4-r2", '>', "1.02.07"},
    {"1.02.07", '<', "1.02.10-r1"},
    {"2.18.3-r10", '>', "1.05-r18"},
    {"1.05-r18", '<', "1.05-r19"},
    {"20060720", '>', "3.0.20060720"},
    {"3.0.20060720", '<', "20060720"},
    {"1.4.4-r1", '<', "2.1.9.200602141850"},
    {"2.5.1-r8", '<', "2.5.1a-r1"},
    {"1.3.5-r10", '>', "1.3.5-r8"},
    {"20040401", '>', "2.0.0_rc3-r1"},
    {"3.0.0-r2", '<', "021109-r3"},
    {"021109-r3", '<', "20060512"},
    {"0.9.16-r1", '<', "3.9_pre20060124"},
    {"3.9_pre20060124", '>', "0.01"},
    {"0.01", '<', "0.06"},
    {"1.1.7", '<', "6b-r7"},
    {"0.10.0-r1", '>', "0.10.0"},
    {"0.10.0", '<', "0.10.1_rc1"},
    {"2.0.2", '>', "1.1a"},
    {"1.1a", '<', "1.3a"},
    {"1.0-r1", '>', "0.15.1b"},
    {"0.15.1b-r2", '>', "0.15.1b"},
    {"22.7-r1", '<', "22.7.3-r1"},
    {"22.7.3-r1", '>', "22.7"},
    {"22.7", '>', "2.1_pre20"},
    {"2.1_pre20", '<', "2.1_pre26"},
    {"2.10.1", '>', "02.08.01b"},
    {"3.81", '>', "1.6d"},
    {"1.6d", '>', "1.2.07.8"},
    {"1.2.07.8", '<', "1.2.12.04"},
    {"1.2.12.04", '<', "1.2.12.05"},
    {"1.07-r1", '<', "1.07.5"},
    {"1.07.5", '>', "1.07"},
    {"0.1_pre20060810", '<', "0.1_pre20060817"},
    {"3.3.17", '>', "0.59s-r11"},
    {"0.20070118", '<', "0.20070207_rc1"},
    {"0.20070207_rc1", '<', "1.0"},
    {"4.5_p1-r1", '>', "4.5_p1"},
    {"4.5_p1", '>', "0.9.8c-r1"},
    {"0.9.8c-r1", '<', "0.9.8d"},
    {"2.2.3-r2", '<', "013"},
    {"013", '<', "014-r1"},
    {"1.7", '<', "1.7b"},
    {"1.7b", '<', "1.8.4-r3"},
    {"1.8.5", '<', "1.8.5_p2"},
    {"2.9.11_pre20051101-r3", '>', "2.9.11_pre20051101"},
    {"1.6.8_p12-r1", '>', "1.6.8_p9-r2"},
    {"0.9.28-r2", '<', "0.9.28.1"},
    {"0.9.28.1", '<', "087-r1"},
    {"104-r11", '>', "104-r9"},
    {"5.52-r1", '>', "1.2.5_rc2"},
    {"20040406-r1", '>', "2.12r-r4"},
    {"2.12r-r4", '<', "2.12r-r5"},
    {"7.0.17", '<', "7.0.174"},
    {"1.3-r0", '<', "1.3.1-r0"},
    {"1.3_pre1-r1", '<', "1.3.2"},
    {"1.0_p10-r0", '>', "1.0_p9-r0"},
    {"0.1.0_alpha_pre2", '<', "0.1.0_alpha"},
    {"1.0.0_pre20191002222144-r0", '<', "1.0.0_pre20210530193627-r0"},
};

static void test_version_data(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(version_data); i++) {
        const struct vercmp_case *c = &version_data[i];
        check_pair(c->a, c->b, c->op == '<' ? -1 : c->op == '>' ? 1 : 0);
    }
}

static void test_suffix_order(void **state)
{
    /* The header of apk-tools' version.c: digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#},
     * pre-release suffixes below none, then revisions (even -r0), hashes, post-release
     * suffixes, letters and numbers. */
    static const char *const levels[] = {
        "1.2.3_alpha", "1.2.3_alpha1", "1.2.3_beta", "1.2.3_pre1", "1.2.3_rc1",  "1.2.3_rc2",
        "1.2.3",       "1.2.3-r0",     "1.2.3-r1",   "1.2.3-r10",  "1.2.3~0abc", "1.2.3~0abc-r1",
        "1.2.3_cvs",   "1.2.3_svn",    "1.2.3_git",  "1.2.3_hg",   "1.2.3_p1",   "1.2.3_p1-r1",
        "1.2.3_p2",    "1.2.3a",       "1.2.3b",     "1.2.3.1",    "1.2.4",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_leading_zeros(void **state)
{
    /* A number after "." with a leading zero compares as a string: 1.01 < 1.1, 1.001 < 1.01. */
    static const char *const levels[] = {
        "1.0", "1.001", "1.01", "1.05", "1.1", "1.2", "1.10",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_any_string(void **state)
{
    /* A string apk rejects ranks by its valid prefix, the rest below any valid continuation;
     * a string not starting with a digit is below every version. */
    static const char *const levels[] = {
        "|abc|v1.0|.1",  "0",     "1",
        "1.0_foo|1.0-x", "1.0",   "1.0bc",
        "1.0b",          "1.0.1", "99999999999999999999999999",
    };

    (void)state;
    check_levels(levels, NR_ARRAY_LEN(levels));
}

static void test_valid(void **state)
{
    static const char *const good[] = {
        "1.2.3",
        "1.2.3_rc1-r0",
        "2.12r-r4",
        "0.59s-r11",
        "1.0_p10-r0",
        "0.1.0_alpha_pre2",
        "1.0.0_pre20191002222144-r0",
        "1.2.3~abc123-r1",
        "006",
        "2.9.11_pre20051101-r3",
        "1.2.3_p1_rc2",
    };
    static const char *const bad[] = {
        "",        "1.0bc",     "1.",        ".1",        "a1",     "1.0-r",   "1.0-1",
        "1.0_foo", "1.0_rc1.2", "1.0a.1",    "1.0-r1-r2", "1.0~",   "1.0~ABC", "1.0_preview",
        "v1.0",    "1.0 ",      "1.0-r1_p1", "1.0A",      "23_foo",
    };

    (void)state;
    check_valid(good, NR_ARRAY_LEN(good), true);
    check_valid(bad, NR_ARRAY_LEN(bad), false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_data),  cmocka_unit_test(test_suffix_order),
        cmocka_unit_test(test_leading_zeros), cmocka_unit_test(test_any_string),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
