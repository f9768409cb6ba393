/*
 * test_ident.c - CPE 2.3 formatted strings and package URLs (src/model/ident.c). The CPE cases
 * follow the examples of NISTIR 7695 (binding) and 7696 (matching); the purl cases follow the
 * purl specification's test suite, with the canonical encoding of ECMA-427 (":" stays, "/" in
 * a qualifier value is %2F).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/ident.h"

#include "netreview/banned.h"

/* --- CPE ---------------------------------------------------------------------------------- */

static void format_cpe(const char *in, const char *want)
{
    struct nr_cpe c, again;
    struct nr_buf b, b2;
    struct nr_err err;

    nr_cpe_init(&c);
    nr_cpe_init(&again);
    nr_buf_init(&b, 4096);
    nr_buf_init(&b2, 4096);
    nr_err_init(&err);
    if (nr_cpe_parse(&c, in, &err) != 0)
        fail_msg("parse of %s failed: %s", in, err.msg);
    assert_int_equal(nr_cpe_format(&c, &b), 0);
    if (strcmp(b.p, want) != 0)
        fail_msg("%s formatted as %s, want %s", in, b.p, want);
    assert_int_equal(nr_cpe_parse(&again, b.p, NULL), 0);
    assert_int_equal(nr_cpe_format(&again, &b2), 0);
    assert_string_equal(b.p, b2.p);
    nr_buf_release(&b);
    nr_buf_release(&b2);
    nr_cpe_release(&c);
    nr_cpe_release(&again);
}

static void test_cpe_canonical(void **state)
{
    static const char *const same[] = {
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
        "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
        "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
        "cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*",
        "cpe:2.3:a:foo\\\\bar:big\\$money_2010:*:*:*:*:special:ipod_touch:80gb:*",
        "cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*",
        "cpe:2.3:o:linux:linux_kernel:5.10.1:*:*:*:*:*:*:*",
        "cpe:2.3:h:cisco:asr_1001-x:-:*:*:*:*:*:*:*",
        "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*",
        "cpe:2.3:-:-:-:-:-:-:-:-:-:-:-",
        "cpe:2.3:a:apple:swiftnio_http\\/2:1.19.1:*:*:*:*:swift:*:*",
        "cpe:2.3:a:vendor:product:1.0:*:*:en-us:*:*:*:*",
        "cpe:2.3:a:vendor:product:1.0:*:*:de-276:*:*:*:*",
        "cpe:2.3:a:vendor:\\*star\\*:\\?:*:*:*:*:*:*:*",
        "cpe:2.3:a:vendor:product:\\-:*:*:*:*:*:*:*",
        "cpe:2.3:a:*vendor:??duct?:1.*:*:*:*:*:*:*:*",
        ("cpe:2.3:a:v:p:1.0\\:beta:\\!\\\"\\#\\%\\&\\'\\(\\)\\+\\,\\/"
         "\\;\\<\\=\\>\\@\\[\\]\\^\\`\\{\\|\\}\\~:"
         "*:*:*:*:*:*"),
    };

    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(same); i++)
        format_cpe(same[i], same[i]);
    format_cpe("CPE:2.3:A:Microsoft:Internet_Explorer:8\\.0\\.6001:Beta:*:*:*:*:*:*",
               "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
    format_cpe("cpe:2.3:a:vendor:product\\_name:1\\-2:*:*:EN-US:*:*:*:*",
               "cpe:2.3:a:vendor:product_name:1-2:*:*:en-us:*:*:*:*");
}

static void test_cpe_attributes(void **state)
{
    struct nr_cpe c;
    struct nr_buf b;

    (void)state;
    nr_cpe_init(&c);
    nr_buf_init(&b, 4096);
    assert_null(c.attr[NR_CPE_VENDOR]);
    assert_int_equal(
        nr_cpe_parse(&c, "cpe:2.3:a:foo\\:bar:big\\$money:1.0\\:beta:-:*:*:*:*:*:*", NULL), 0);
    assert_string_equal(c.attr[NR_CPE_PART], "a");
    assert_string_equal(c.attr[NR_CPE_VENDOR], "foo\\:bar");
    assert_string_equal(c.attr[NR_CPE_PRODUCT], "big\\$money");
    assert_string_equal(c.attr[NR_CPE_UPDATE], "-");
    assert_string_equal(c.attr[NR_CPE_OTHER], "*");
    assert_int_equal(nr_cpe_product_key(&c, &b), 0);
    assert_string_equal(b.p, "foo\\:bar:big\\$money");
    nr_buf_reset(&b);
    assert_int_equal(nr_cpe_version(&c, &b), 0);
    assert_string_equal(b.p, "1.0:beta");
    nr_buf_reset(&b);
    assert_int_equal(nr_cpe_unquote(c.attr[NR_CPE_VENDOR], &b), 0);
    assert_string_equal(b.p, "foo:bar");

    assert_int_equal(nr_cpe_parse(&c, "cpe:2.3:a:v:p:*:*:*:*:*:*:*:*", NULL), 0);
    nr_buf_reset(&b);
    assert_int_equal(nr_cpe_version(&c, &b), NR_ENOTFOUND);
    assert_int_equal(b.len, 0);
    assert_int_equal(nr_cpe_parse(&c, "cpe:2.3:a:v:p:-:*:*:*:*:*:*:*", NULL), 0);
    assert_int_equal(nr_cpe_version(&c, &b), NR_ENOTFOUND);
    assert_int_equal(nr_cpe_parse(&c, "cpe:2.3:a:v:p:8.*:*:*:*:*:*:*:*", NULL), 0);
    assert_int_equal(nr_cpe_version(&c, &b), NR_ENOTFOUND);
    assert_int_equal(nr_cpe_parse(&c, "cpe:2.3:a:v:p:8.0\\*:*:*:*:*:*:*:*", NULL), 0);
    assert_int_equal(nr_cpe_version(&c, &b), 0);
    assert_string_equal(b.p, "8.0*");

    assert_true(nr_cpe_has_wildcard("8.*"));
    assert_true(nr_cpe_has_wildcard("?a"));
    assert_true(nr_cpe_has_wildcard("a\\\\*"));
    assert_false(nr_cpe_has_wildcard("*"));
    assert_false(nr_cpe_has_wildcard("a\\*"));
    assert_false(nr_cpe_has_wildcard("-"));
    assert_string_equal(nr_cpe_attr_name(NR_CPE_SW_EDITION), "sw_edition");
    assert_string_equal(nr_cpe_attr_name(NR_CPE__COUNT), "?");

    nr_buf_release(&b);
    nr_cpe_release(&c);
    assert_null(c.block);
}

struct cpe_bad {
    const char *in;
    int code;
    const char *msg;
};

static const struct cpe_bad cpe_bad[] = {
    {"cpe:/a:microsoft:internet_explorer:8.0.6001:beta", NR_EPARSE,
     "cpe: \"cpe:/a:microsoft:internet_explorer:8.0.6001:beta\" is a CPE 2.2 URI, not a CPE 2.3 "
     "formatted string"},
    {"cpe:2.2:a:v:p:1:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: \"cpe:2.2:a:v:p:1:*:*:*:*:*:*:*\" does not start with \"cpe:2.3:\""},
    {"", NR_EPARSE, "cpe: \"\" does not start with \"cpe:2.3:\""},
    {"cpe:2.3:a:v:p:1:*:*:*:*:*:*", NR_EPARSE,
     "cpe: 10 components after \"cpe:2.3:\", expected 11 (part to other)"},
    {"cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: more than 11 components after \"cpe:2.3:\" (part to other)"},
    {"cpe:2.3:", NR_EPARSE, "cpe: 1 components after \"cpe:2.3:\", expected 11 (part to other)"},
    {"cpe:2.3:x:v:p:1:*:*:*:*:*:*:*", NR_EPARSE, "cpe: part: \"x\" must be a, o, h, * or -"},
    {"cpe:2.3:app:v:p:1:*:*:*:*:*:*:*", NR_EPARSE, "cpe: part: \"app\" must be a, o, h, * or -"},
    {"cpe:2.3:a::p:1:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: vendor: empty value (use * for any, - for not applicable)"},
    {"cpe:2.3:a:v:p\\a:1:*:*:*:*:*:*:*", NR_EPARSE, "cpe: product: bad escape \"\\a\""},
    {"cpe:2.3:a:v:p\\1:1:*:*:*:*:*:*:*", NR_EPARSE, "cpe: product: bad escape \"\\1\""},
    {"cpe:2.3:a:v:p:1:*:*:*:*:*:*:x\\", NR_EPARSE, "cpe: other: a backslash ends the value"},
    {"cpe:2.3:a:v:p:1:*:*:*:*:*:*:\\", NR_EPARSE, "cpe: other: a backslash ends the value"},
    {"cpe:2.3:a:v:p:1.*.2:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: version: unescaped \"*\" inside the value"},
    {"cpe:2.3:a:v:p:1?2:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: version: unescaped \"?\" inside the value"},
    {"cpe:2.3:a:v:p:1.0**:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: version: unescaped \"*\" inside the value"},
    {"cpe:2.3:a:v:p:1.0?*:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: version: unescaped \"?\" inside the value"},
    {"cpe:2.3:a:v:**:1:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: product: wildcard \"*\" without a value around it"},
    {"cpe:2.3:a:v:??:1:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: product: wildcard \"?\" without a value around it"},
    {"cpe:2.3:a:v:*?x:1:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: product: wildcard \"?\" without a value around it"},
    {"cpe:2.3:a:big$money:p:1:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: vendor: unescaped \"$\" (quote it as \\$)"},
    {"cpe:2.3:a:v:p:1:*:*:*:*:*:*:a!", NR_EPARSE, "cpe: other: unescaped \"!\" (quote it as \\!)"},
    {"cpe:2.3:a:v:p:1 0:*:*:*:*:*:*:*", NR_EPARSE, "cpe: version: byte 0x20 is not allowed"},
    {"cpe:2.3:a:v:caf\xc3\xa9:1:*:*:*:*:*:*:*", NR_EPARSE,
     "cpe: product: byte 0xc3 is not allowed"},
    {"cpe:2.3:a:v:p:1:*:*:english:*:*:*:*", NR_EPARSE,
     "cpe: language: \"english\" is not a language tag such as en or en-us"},
    {"cpe:2.3:a:v:p:1:*:*:en-u:*:*:*:*", NR_EPARSE,
     "cpe: language: \"en-u\" is not a language tag such as en or en-us"},
    {"cpe:2.3:a:v:p:1:*:*:e?:*:*:*:*", NR_EPARSE,
     "cpe: language: \"e?\" is not a language tag such as en or en-us"},
};

static void test_cpe_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(cpe_bad); i++) {
        struct nr_cpe c;
        struct nr_err err;

        nr_cpe_init(&c);
        nr_err_init(&err);
        int rc = nr_cpe_parse(&c, cpe_bad[i].in, &err);
        if (rc != cpe_bad[i].code)
            fail_msg("%s: rc %d, want %d", cpe_bad[i].in, rc, cpe_bad[i].code);
        assert_string_equal(err.msg, cpe_bad[i].msg);
        assert_string_equal(err.field, "cpe");
        assert_null(c.block);
        assert_null(c.attr[0]);
        nr_cpe_release(&c);
    }
}

static void test_cpe_too_long(void **state)
{
    struct nr_cpe c;
    struct nr_buf b;
    struct nr_err err;

    (void)state;
    nr_cpe_init(&c);
    nr_buf_init(&b, 8192);
    nr_buf_puts(&b, "cpe:2.3:a:v:");
    while (b.len < NR_CPE_MAX - 16)
        nr_buf_puts(&b, "p");
    nr_buf_puts(&b, ":1:*:*:*:*:*:*:*");
    assert_int_equal(b.len, NR_CPE_MAX);
    assert_int_equal(nr_cpe_parse(&c, b.p, NULL), 0);
    nr_buf_puts(&b, "x");
    nr_err_init(&err);
    assert_int_equal(nr_cpe_parse(&c, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.msg, "cpe: longer than 2048 characters");
    nr_buf_release(&b);
    nr_cpe_release(&c);
}

static bool cpe_match(const char *pattern, const char *target)
{
    struct nr_cpe p, t;
    bool m;

    nr_cpe_init(&p);
    nr_cpe_init(&t);
    if (nr_cpe_parse(&p, pattern, NULL) != 0 || nr_cpe_parse(&t, target, NULL) != 0)
        fail_msg("parse failed: %s or %s", pattern, target);
    m = nr_cpe_matches(&p, &t);
    nr_cpe_release(&p);
    nr_cpe_release(&t);
    return m;
}

static void test_cpe_matches(void **state)
{
    static const char *const ie = "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*";
    (void)state;

    /* ANY matches everything, the same name matches itself. */
    assert_true(cpe_match("cpe:2.3:*:*:*:*:*:*:*:*:*:*:*", ie));
    assert_true(cpe_match(ie, ie));
    assert_true(cpe_match("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*", ie));
    assert_true(cpe_match("cpe:2.3:A:MICROSOFT:Internet_Explorer:*:*:*:*:*:*:*:*", ie));
    assert_false(cpe_match("cpe:2.3:o:microsoft:internet_explorer:*:*:*:*:*:*:*:*", ie));
    assert_false(cpe_match("cpe:2.3:a:microsoft:edge:*:*:*:*:*:*:*:*", ie));

    /* NISTIR 7696's example: 8.* and sp? against 8.0.6001 and sp1. */
    assert_true(cpe_match("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", ie));
    assert_false(cpe_match("cpe:2.3:a:microsoft:internet_explorer:9.*:sp?:*:*:*:*:*:*", ie));
    assert_false(cpe_match("cpe:2.3:a:microsoft:internet_explorer:8.*:sp1?:*:*:*:*:*:*",
                           "cpe:2.3:a:microsoft:internet_explorer:8.0:sp123:*:*:*:*:*:*"));

    /* "*" at either end: any number of characters. */
    assert_true(cpe_match("cpe:2.3:a:*soft:*explorer:*:*:*:*:*:*:*:*", ie));
    assert_true(cpe_match("cpe:2.3:a:micro*:inter*:*:*:*:*:*:*:*:*", ie));
    assert_true(cpe_match("cpe:2.3:a:*cros*:*net_exp*:*:*:*:*:*:*:*:*", ie));
    assert_true(cpe_match("cpe:2.3:a:*microsoft:internet_explorer*:*:*:*:*:*:*:*:*", ie));
    assert_false(cpe_match("cpe:2.3:a:*soft:*explorer2:*:*:*:*:*:*:*:*", ie));
    assert_false(cpe_match("cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*",
                           "cpe:2.3:a:microsoft:internet_explorer:18.0:*:*:*:*:*:*:*"));

    /* A run of k "?" matches at most k characters (NISTIR 7696's reference algorithm). */
    assert_true(
        cpe_match("cpe:2.3:a:v:??duct:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:roduct:1:*:*:*:*:*:*:*"));
    assert_true(
        cpe_match("cpe:2.3:a:v:??duct:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:oduct:1:*:*:*:*:*:*:*"));
    assert_true(
        cpe_match("cpe:2.3:a:v:??duct:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:duct:1:*:*:*:*:*:*:*"));
    assert_false(
        cpe_match("cpe:2.3:a:v:??duct:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:product:1:*:*:*:*:*:*:*"));
    assert_true(
        cpe_match("cpe:2.3:a:v:prod??:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:produc:1:*:*:*:*:*:*:*"));
    assert_true(
        cpe_match("cpe:2.3:a:v:prod??:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:prod:1:*:*:*:*:*:*:*"));
    assert_false(
        cpe_match("cpe:2.3:a:v:prod??:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:product:1:*:*:*:*:*:*:*"));
    assert_false(
        cpe_match("cpe:2.3:a:v:prod??:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:xprod:1:*:*:*:*:*:*:*"));
    assert_true(
        cpe_match("cpe:2.3:a:v:?rod?:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:prods:1:*:*:*:*:*:*:*"));
    assert_true(
        cpe_match("cpe:2.3:a:v:?rod*:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:product:1:*:*:*:*:*:*:*"));

    /* Quoted characters are literals, compared on their unquoted form. */
    assert_true(
        cpe_match("cpe:2.3:a:foo\\\\bar:big\\$money*:*:*:*:*:special:*:*:*",
                  "cpe:2.3:a:foo\\\\bar:big\\$money_2010:*:*:*:*:special:ipod_touch:80gb:*"));
    assert_false(cpe_match("cpe:2.3:a:foo\\\\bar:big\\$money*:*:*:*:*:special:*:*:*",
                           "cpe:2.3:a:foobar:big\\$money_2010:*:*:*:*:special:*:*:*"));
    assert_true(
        cpe_match("cpe:2.3:a:v:\\*star*:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:\\*stars:*:*:*:*:*:*:*:*"));
    assert_false(
        cpe_match("cpe:2.3:a:v:\\*star*:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:xstars:*:*:*:*:*:*:*:*"));
    assert_true(cpe_match("cpe:2.3:a:v:p\\?:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p\\?:*:*:*:*:*:*:*:*"));
    assert_false(cpe_match("cpe:2.3:a:v:p\\?:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:px:*:*:*:*:*:*:*:*"));

    /* NA matches only NA; a value matches neither ANY nor NA nor a target with wildcards. */
    assert_true(cpe_match("cpe:2.3:a:v:p:1:-:*:*:*:*:*:*", "cpe:2.3:a:v:p:1:-:*:*:*:*:*:*"));
    assert_false(cpe_match("cpe:2.3:a:v:p:1:-:*:*:*:*:*:*", "cpe:2.3:a:v:p:1:sp1:*:*:*:*:*:*"));
    assert_false(cpe_match("cpe:2.3:a:v:p:1:-:*:*:*:*:*:*", "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*"));
    assert_false(cpe_match("cpe:2.3:a:v:p:1:sp1:*:*:*:*:*:*", "cpe:2.3:a:v:p:1:-:*:*:*:*:*:*"));
    assert_false(cpe_match("cpe:2.3:a:v:p:1:sp1:*:*:*:*:*:*", "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*"));
    assert_false(cpe_match("cpe:2.3:a:v:p:1.*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:1.*:*:*:*:*:*:*:*"));
    assert_false(cpe_match("cpe:2.3:a:v:p:1:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:1?:*:*:*:*:*:*:*"));
    assert_true(cpe_match("cpe:2.3:a:v:p:*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:1?:*:*:*:*:*:*:*"));
    assert_false(cpe_match("cpe:2.3:a:v:p:\\-:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:-:*:*:*:*:*:*:*"));
    assert_true(cpe_match("cpe:2.3:a:v:p:\\-:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:\\-:*:*:*:*:*:*:*"));

    /* Empty structs match nothing. */
    {
        struct nr_cpe empty, t;
        nr_cpe_init(&empty);
        nr_cpe_init(&t);
        assert_int_equal(nr_cpe_parse(&t, ie, NULL), 0);
        assert_false(nr_cpe_matches(&empty, &t));
        assert_false(nr_cpe_matches(&t, &empty));
        nr_cpe_release(&t);
    }
}

/* --- purl --------------------------------------------------------------------------------- */

struct purl_case {
    const char *in;
    const char *canonical;
    const char *type, *namespace, *name, *version, *subpath;
};

static const struct purl_case purls[] = {
    {"pkg:maven/org.apache.commons/io@1.3.4", "pkg:maven/org.apache.commons/io@1.3.4", "maven",
     "org.apache.commons", "io", "1.3.4", NULL},
    {"pkg:maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL},
    {"pkg:GOLANG/google.golang.org/genproto#/googleapis/api/annotations/",
     "pkg:golang/google.golang.org/genproto#googleapis/api/annotations", "golang",
     "google.golang.org", "genproto", NULL, "googleapis/api/annotations"},
    {"pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/api/annotations/",
     "pkg:golang/google.golang.org/genproto@abcdedf#googleapis/api/annotations", "golang",
     "google.golang.org", "genproto", "abcdedf", "googleapis/api/annotations"},
    {"pkg:golang/github.com/Azure/azure-sdk-for-go@v1.0.0",
     "pkg:golang/github.com/Azure/azure-sdk-for-go@v1.0.0", "golang", "github.com/Azure",
     "azure-sdk-for-go", "v1.0.0", NULL},
    {"pkg:bitbucket/birKenfeld/pyGments-main@244fd47e07d1014f0aed9c",
     "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c", "bitbucket", "birkenfeld",
     "pygments-main", "244fd47e07d1014f0aed9c", NULL},
    {"pkg:github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
     "pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c", "github", "package-url",
     "purl-spec", "244fd47e07d1004f0aed9c", NULL},
    {"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
     "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", "deb", "debian", "curl", "7.50.3-1",
     NULL},
    {"pkg:deb/Debian/attr@1:2.4.47-2+b1?arch=amd64",
     "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64", "deb", "debian", "attr", "1:2.4.47-2+b1",
     NULL},
    {"pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io",
     "pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io",
     "docker", "customer", "dockerimage", "sha256:244fd47e07d1004f0aed9c", NULL},
    {"pkg:docker/customer/dockerimage@sha256%3A244fd47e07d10",
     "pkg:docker/customer/dockerimage@sha256:244fd47e07d10", "docker", "customer", "dockerimage",
     "sha256:244fd47e07d10", NULL},
    {"pkg:gem/jruby-launcher@1.1.2?Platform=java", "pkg:gem/jruby-launcher@1.1.2?platform=java",
     "gem", NULL, "jruby-launcher", "1.1.2", NULL},
    {"pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?repositorY_url=repo.spring.io/"
     "release&classifier=sources",
     "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repository_url=repo."
     "spring.io%2Frelease",
     "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1", NULL},
    {"pkg:npm/%40angular/animation@12.3.1", "pkg:npm/%40angular/animation@12.3.1", "npm",
     "@angular", "animation", "12.3.1", NULL},
    {"pkg:npm/@angular/Core@12.0.0", "pkg:npm/%40angular/core@12.0.0", "npm", "@angular", "core",
     "12.0.0", NULL},
    {"pkg:Nuget/EnterpriseLibrary.Common@6.0.1304", "pkg:nuget/EnterpriseLibrary.Common@6.0.1304",
     "nuget", NULL, "EnterpriseLibrary.Common", "6.0.1304", NULL},
    {"pkg:PYPI/Django_package@1.11.1.dev1", "pkg:pypi/django-package@1.11.1.dev1", "pypi", NULL,
     "django-package", "1.11.1.dev1", NULL},
    {"pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
     "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25", "rpm", "fedora", "curl",
     "7.50.3-1.fc25", NULL},
    {"pkg:rpm/Fedora/Curl@7", "pkg:rpm/fedora/Curl@7", "rpm", "fedora", "Curl", "7", NULL},
    {"pkg:/maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL},
    {"pkg://maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL},
    {"pkg:///maven/org.apache.commons/io", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL},
    {"PKG:maven//org.apache.commons//io//", "pkg:maven/org.apache.commons/io", "maven",
     "org.apache.commons", "io", NULL, NULL},
    {"pkg:maven/HTTPClient/HTTPClient@0.3-3", "pkg:maven/HTTPClient/HTTPClient@0.3-3", "maven",
     "HTTPClient", "HTTPClient", "0.3-3", NULL},
    {"pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value",
     "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value", "maven", "mygroup",
     "myartifact", "1.0.0 Final", NULL},
    {"pkg:conda/absl-py@0.4.1?type=tar.bz2&subdir=linux-64&channel=main&build=py36h06a4308_0",
     "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2",
     "conda", NULL, "absl-py", "0.4.1", NULL},
    {"pkg:cran/A3@0.9.1", "pkg:cran/A3@0.9.1", "cran", NULL, "A3", "0.9.1", NULL},
    {"pkg:swift/github.com/Alamofire/Alamofire@5.4.3",
     "pkg:swift/github.com/Alamofire/Alamofire@5.4.3", "swift", "github.com/Alamofire", "Alamofire",
     "5.4.3", NULL},
    {"pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fpackage-url%"
     "2Fpackageurl-js.git",
     "pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fpackage-url%"
     "2Fpackageurl-js.git",
     "npm", NULL, "packageurl-js", "0.0.7", NULL},
    {"pkg:generic/openssl@1.1.10g?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d",
     "pkg:generic/openssl@1.1.10g?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d",
     "generic", NULL, "openssl", "1.1.10g", NULL},
    {"pkg:generic/x?a=2&a.b=1", "pkg:generic/x?a.b=1&a=2", "generic", NULL, "x", NULL, NULL},
    {"pkg:generic/x?a=&b=1&&", "pkg:generic/x?b=1", "generic", NULL, "x", NULL, NULL},
    {"pkg:generic/x?a=", "pkg:generic/x", "generic", NULL, "x", NULL, NULL},
    {"pkg:generic/x@", "pkg:generic/x", "generic", NULL, "x", NULL, NULL},
    {"pkg:generic/x#", "pkg:generic/x", "generic", NULL, "x", NULL, NULL},
    {"pkg:golang/x/y#./a/../b//c/", "pkg:golang/x/y#a/b/c", "golang", "x", "y", NULL, "a/b/c"},
    {"pkg:generic/x#%2E/..", "pkg:generic/x", "generic", NULL, "x", NULL, NULL},
    {"pkg:generic/a%20b@1.0%2bx", "pkg:generic/a%20b@1.0%2Bx", "generic", NULL, "a b", "1.0+x",
     NULL},
    {"pkg:generic/caf%C3%A9@%e2%82%ac", "pkg:generic/caf%C3%A9@%E2%82%AC", "generic", NULL,
     "caf\xc3\xa9", "\xe2\x82\xac", NULL},
    {"pkg:generic/a%2Fb@1", "pkg:generic/a%2Fb@1", "generic", NULL, "a/b", "1", NULL},
    {"pkg:generic/na~me_.-x:y", "pkg:generic/na~me_.-x:y", "generic", NULL, "na~me_.-x:y", NULL,
     NULL},
    {"pkg:generic/a&b=c@1!", "pkg:generic/a%26b%3Dc@1%21", "generic", NULL, "a&b=c", "1!", NULL},
    {"pkg:pub/Flutter-Test.x@1.0", "pkg:pub/flutter_test_x@1.0", "pub", NULL, "flutter_test_x",
     "1.0", NULL},
    {"pkg:huggingface/microsoft/deberta-v3-base@559062AD13D311B8",
     "pkg:huggingface/microsoft/deberta-v3-base@559062ad13d311b8", "huggingface", "microsoft",
     "deberta-v3-base", "559062ad13d311b8", NULL},
    {"pkg:mlflow/CreditFraud@3?repository_url=https://adb-5.0.azuredatabricks.net/api/2.0/mlflow",
     "pkg:mlflow/creditfraud@3?repository_url=https:%2F%2Fadb-5.0.azuredatabricks.net%2Fapi%2F2.0%"
     "2Fmlflow",
     "mlflow", NULL, "creditfraud", "3", NULL},
    {"pkg:mlflow/CreditFraud@3?repository_url=https://westus2.api.azureml.ms/mlflow",
     "pkg:mlflow/CreditFraud@3?repository_url=https:%2F%2Fwestus2.api.azureml.ms%2Fmlflow",
     "mlflow", NULL, "CreditFraud", "3", NULL},
    {"pkg:cpan/drolsky/DateTime@1.55", "pkg:cpan/DROLSKY/DateTime@1.55", "cpan", "DROLSKY",
     "DateTime", "1.55", NULL},
    {"pkg:composer/Laravel/Laravel@5.5.0", "pkg:composer/laravel/laravel@5.5.0", "composer",
     "laravel", "laravel", "5.5.0", NULL},
    {"pkg:hex/Acme/Foo@2.3", "pkg:hex/acme/foo@2.3", "hex", "acme", "foo", "2.3", NULL},
    {"pkg:oci/Debian@sha256%3A244fd47e07d10?repository_url=docker.io/library/debian&arch=amd64",
     "pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian",
     "oci", NULL, "debian", "sha256:244fd47e07d10", NULL},
    {"pkg:c++.x-y/n", "pkg:c++.x-y/n", "c++.x-y", NULL, "n", NULL, NULL},
    {"pkg:cocoapods/GoogleUtilities@7.5.2#NSData+zlib",
     "pkg:cocoapods/GoogleUtilities@7.5.2#NSData%2Bzlib", "cocoapods", NULL, "GoogleUtilities",
     "7.5.2", "NSData+zlib"},
    {"pkg:generic/x#a?b", "pkg:generic/x#a%3Fb", "generic", NULL, "x", NULL, "a?b"},
};

static void expect_str(const char *what, const char *in, const char *got, const char *want)
{
    if (got == NULL && want == NULL)
        return;
    if (got == NULL || want == NULL || strcmp(got, want) != 0)
        fail_msg("%s: %s is \"%s\", want \"%s\"", in, what, got ? got : "(null)",
                 want ? want : "(null)");
}

static void test_purl_canonical(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(purls); i++) {
        const struct purl_case *c = &purls[i];
        struct nr_purl p, again;
        struct nr_buf b, b2;
        struct nr_err err;

        nr_purl_init(&p);
        nr_purl_init(&again);
        nr_buf_init(&b, 8192);
        nr_buf_init(&b2, 8192);
        nr_err_init(&err);
        if (nr_purl_parse(&p, c->in, &err) != 0)
            fail_msg("parse of %s failed: %s", c->in, err.msg);
        expect_str("type", c->in, p.type, c->type);
        expect_str("namespace", c->in, p.namespace, c->namespace);
        expect_str("name", c->in, p.name, c->name);
        expect_str("version", c->in, p.version, c->version);
        expect_str("subpath", c->in, p.subpath, c->subpath);
        assert_int_equal(nr_purl_format(&p, &b), 0);
        expect_str("canonical form", c->in, b.p, c->canonical);
        /* The canonical form is a fixed point. */
        assert_int_equal(nr_purl_parse(&again, b.p, NULL), 0);
        assert_int_equal(nr_purl_format(&again, &b2), 0);
        assert_string_equal(b.p, b2.p);
        nr_buf_release(&b);
        nr_buf_release(&b2);
        nr_purl_release(&p);
        nr_purl_release(&again);
    }
}

static void test_purl_qualifiers_and_base(void **state)
{
    struct nr_purl p;
    struct nr_buf b;

    (void)state;
    nr_purl_init(&p);
    nr_buf_init(&b, 8192);
    assert_int_equal(
        nr_purl_parse(&p,
                      "pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?repositorY_url=repo."
                      "spring.io/release&classifier=sources#a/b",
                      NULL),
        0);
    assert_int_equal(p.nqualifiers, 2);
    assert_string_equal(p.qualifiers[0].key, "classifier");
    assert_string_equal(p.qualifiers[0].value, "sources");
    assert_string_equal(p.qualifiers[1].key, "repository_url");
    assert_string_equal(p.qualifiers[1].value, "repo.spring.io/release");
    assert_string_equal(nr_purl_qualifier(&p, "repository_url"), "repo.spring.io/release");
    assert_null(nr_purl_qualifier(&p, "type"));
    assert_int_equal(nr_purl_base(&p, &b), 0);
    assert_string_equal(b.p, "pkg:maven/org.apache.xmlgraphics/batik-anim");

    assert_int_equal(nr_purl_parse(&p, "pkg:npm/%40scope/Na%20me@1", NULL), 0);
    nr_buf_reset(&b);
    assert_int_equal(nr_purl_base(&p, &b), 0);
    assert_string_equal(b.p, "pkg:npm/%40scope/na%20me");
    assert_int_equal(p.nqualifiers, 0);
    assert_null(p.qualifiers);

    nr_purl_release(&p);
    assert_null(p.type);
    nr_buf_release(&b);
}

struct purl_bad {
    const char *in;
    int code;
    const char *msg;
};

static const struct purl_bad purl_bad[] = {
    {"EnterpriseLibrary.Common@6.0.1304", NR_EPARSE,
     "purl: scheme: \"EnterpriseLibrary.Common@6.0.1304\" does not start with \"pkg:\""},
    {"pkg%3Amaven/org.apache.commons/io", NR_EPARSE,
     "purl: scheme: \"pkg%3Amaven/org.apache.commons/io\" does not start with \"pkg:\""},
    {"pkgs:npm/x", NR_EPARSE, "purl: scheme: \"pkgs:npm/x\" does not start with \"pkg:\""},
    {"pkg:EnterpriseLibrary.Common@6.0.1304", NR_EPARSE,
     "purl: type: \"EnterpriseLibrary.Common@6.0.1304\" must start with a letter and hold only "
     "letters, digits, \".\", \"+\" and \"-\""},
    {"pkg:3nginx/nginx@0.8.9", NR_EPARSE,
     "purl: type: \"3nginx\" must start with a letter and hold only letters, digits, \".\", "
     "\"+\" and \"-\""},
    {"pkg:nginx:a/nginx@0.8.9", NR_EPARSE,
     "purl: type: \"nginx:a\" must start with a letter and hold only letters, digits, \".\", "
     "\"+\" and \"-\""},
    {"pkg:", NR_EPARSE, "purl: type: missing"},
    {"pkg:///", NR_EPARSE, "purl: type: missing"},
    {"pkg:hackage", NR_EPARSE, "purl: name: missing after type \"hackage\""},
    {"pkg:maven/@1.3.4", NR_EPARSE, "purl: name: missing"},
    {"pkg:cran/@0.9.1", NR_EPARSE, "purl: name: missing"},
    {"pkg:maven///", NR_EPARSE, "purl: name: missing"},
    {"pkg:npm/myartifact@1.0.0?in%20production=true", NR_EPARSE,
     "purl: qualifiers: key \"in%20production\" must start with a letter and hold only letters, "
     "digits, \".\", \"-\" and \"_\""},
    {"pkg:npm/x?1a=b", NR_EPARSE,
     "purl: qualifiers: key \"1a\" must start with a letter and hold only letters, digits, \".\", "
     "\"-\" and \"_\""},
    {"pkg:npm/x?=b", NR_EPARSE,
     "purl: qualifiers: key \"\" must start with a letter and hold only letters, digits, \".\", "
     "\"-\" and \"_\""},
    {"pkg:n&g?inx/nginx@0.8.9", NR_EPARSE, "purl: qualifiers: \"inx/nginx@0.8.9\" has no \"=\""},
    {"pkg:npm/x?novalue", NR_EPARSE, "purl: qualifiers: \"novalue\" has no \"=\""},
    {"pkg:npm/x?a=1&A=2", NR_EPARSE, "purl: qualifiers: key \"a\" appears twice"},
    {"pkg:npm/x?a=%zz", NR_EPARSE,
     "purl: qualifiers: \"%\" at column 13 is not followed by two hex digits"},
    {"pkg:generic/a%2", NR_EPARSE,
     "purl: name: \"%\" at column 14 is not followed by two hex digits"},
    {"pkg:generic/a%", NR_EPARSE,
     "purl: name: \"%\" at column 14 is not followed by two hex digits"},
    {"pkg:generic/a%00b", NR_EPARSE, "purl: name: %00 at column 14 is not allowed"},
    {"pkg:generic/a b", NR_EPARSE, "purl: name: byte 0x20 at column 14 must be percent-encoded"},
    {"pkg:generic/caf\xc3\xa9", NR_EPARSE,
     "purl: name: byte 0xc3 at column 16 must be percent-encoded"},
    {"pkg:generic/x@1\t", NR_EPARSE,
     "purl: version: byte 0x09 at column 16 must be percent-encoded"},
    {"pkg:generic/n#a#b", NR_EPARSE, "purl: name: \"#\" at column 14 must be percent-encoded"},
    {"pkg:generic/ns%2Fx/name", NR_EPARSE,
     "purl: namespace: segment \"ns%2Fx\" holds an encoded \"/\""},
    {"pkg:generic/x#a%2Fb", NR_EPARSE, "purl: subpath: segment \"a%2Fb\" holds an encoded \"/\""},
    {"pkg:generic/x?a=b#c%", NR_EPARSE,
     "purl: subpath: \"%\" at column 20 is not followed by two hex digits"},
};

static void test_purl_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(purl_bad); i++) {
        struct nr_purl p;
        struct nr_err err;

        nr_purl_init(&p);
        nr_err_init(&err);
        int rc = nr_purl_parse(&p, purl_bad[i].in, &err);
        if (rc != purl_bad[i].code)
            fail_msg("%s: rc %d, want %d", purl_bad[i].in, rc, purl_bad[i].code);
        if (strcmp(err.msg, purl_bad[i].msg) != 0)
            fail_msg("%s: message\n  %s\nwant\n  %s", purl_bad[i].in, err.msg, purl_bad[i].msg);
        assert_string_equal(err.field, "purl");
        assert_null(p.type);
        assert_null(p.name);
        assert_null(p.qualifiers);
        nr_purl_release(&p);
    }
}

static void test_purl_caps(void **state)
{
    struct nr_purl p;
    struct nr_buf b;
    struct nr_err err;

    (void)state;
    nr_purl_init(&p);
    nr_buf_init(&b, 16384);

    nr_buf_puts(&b, "pkg:generic/");
    while (b.len < NR_PURL_MAX)
        nr_buf_puts(&b, "x");
    assert_int_equal(nr_purl_parse(&p, b.p, NULL), 0);
    nr_buf_puts(&b, "x");
    nr_err_init(&err);
    assert_int_equal(nr_purl_parse(&p, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.msg, "purl: longer than 4096 characters");

    nr_buf_reset(&b);
    nr_buf_puts(&b, "pkg:generic/x?");
    for (int i = 0; i < NR_PURL_QUALIFIER_MAX; i++)
        nr_buf_printf(&b, "%sk%d=v", i ? "&" : "", i);
    assert_int_equal(nr_purl_parse(&p, b.p, NULL), 0);
    assert_int_equal(p.nqualifiers, NR_PURL_QUALIFIER_MAX);
    nr_buf_puts(&b, "&z=1");
    nr_err_init(&err);
    assert_int_equal(nr_purl_parse(&p, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.msg, "purl: qualifiers: more than 64");

    nr_buf_release(&b);
    nr_purl_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpe_canonical),
        cmocka_unit_test(test_cpe_attributes),
        cmocka_unit_test(test_cpe_malformed),
        cmocka_unit_test(test_cpe_too_long),
        cmocka_unit_test(test_cpe_matches),
        cmocka_unit_test(test_purl_canonical),
        cmocka_unit_test(test_purl_qualifiers_and_base),
        cmocka_unit_test(test_purl_malformed),
        cmocka_unit_test(test_purl_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
