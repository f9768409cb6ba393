/*
 * test_osv_range.c - OSV affected-range evaluation and package keys of vercmp.h
 * (src/sca/vercmp.c).
 *
 * Sources of the examples: the OSV schema documentation
 * (https://ossf.github.io/osv-schema/#affectedranges-field): "introduced 0" plus "fixed",
 * "last_affected", several introduced/fixed pairs in one range, "limit", events in any order,
 * and the evaluation pseudo-code that makes an introduced version affected and a fixed one
 * not; its defined ecosystems for the ecosystem names and their ":release" suffixes; PEP 503
 * for PyPI name normalisation; the purl type definitions for how a purl names a package.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/ident.h"
#include "netreview/vercmp.h"

#include "netreview/banned.h"

#define I(v)                                                                                       \
    {                                                                                              \
        NR_OSV_INTRODUCED, v                                                                       \
    }
#define F(v)                                                                                       \
    {                                                                                              \
        NR_OSV_FIXED, v                                                                            \
    }
#define L(v)                                                                                       \
    {                                                                                              \
        NR_OSV_LAST_AFFECTED, v                                                                    \
    }
#define M(v)                                                                                       \
    {                                                                                              \
        NR_OSV_LIMIT, v                                                                            \
    }

/* versions[] is a NULL-terminated list "+v" (affected) or "-v" (not affected). */
static void check_range(enum nr_order o, const struct nr_osv_event *events, size_t n,
                        const char *const *versions)
{
    for (; *versions != NULL; versions++) {
        bool want = (*versions)[0] == '+';
        const char *v = *versions + 1;
        if (nr_osv_range_affected(o, events, n, v) != want)
            fail_msg("%s: %s is %saffected, want %saffected", nr_order_name(o), v,
                     want ? "not " : "", want ? "" : "not ");
    }
}

static void test_introduced_fixed(void **state)
{
    /* The schema's basic range: introduced "0" means every version before the fix. */
    static const struct nr_osv_event events[] = {I("0"), F("1.0.2")};
    static const char *const versions[] = {"+0.0.0-alpha", "+0.0.1", "+1.0.0", "+1.0.2-rc.1",
                                           "-1.0.2",       "-1.0.3", "-2.0.0", NULL};
    static const struct nr_osv_event from[] = {I("1.0.0"), F("1.0.2")};
    static const char *const from_versions[] = {"-0.9.9", "-1.0.0-rc.1", "+1.0.0",
                                                "+1.0.1", "-1.0.2",      NULL};

    (void)state;
    check_range(NR_ORDER_SEMVER, events, NR_ARRAY_LEN(events), versions);
    check_range(NR_ORDER_SEMVER, from, NR_ARRAY_LEN(from), from_versions);
}

static void test_last_affected(void **state)
{
    /* last_affected is the last version affected: it and below are, above it not. */
    static const struct nr_osv_event events[] = {I("1.2.0"), L("1.4.5")};
    static const char *const versions[] = {"-1.1.9", "+1.2.0",       "+1.4.5", "-1.4.6",
                                           "-1.5.0", "+1.4.5+build", NULL};

    (void)state;
    check_range(NR_ORDER_SEMVER, events, NR_ARRAY_LEN(events), versions);
}

static void test_multiple_pairs_unsorted(void **state)
{
    /* Two affected intervals in one range, given out of order: the schema says events need
     * not be sorted; evaluation sorts them. */
    static const struct nr_osv_event events[] = {F("2.3.1"), I("1.0.0"), I("2.0.0"), F("1.4.2")};
    static const char *const versions[] = {"-0.9",   "+1.0.0", "+1.4.1", "-1.4.2", "-1.9.9",
                                           "+2.0.0", "+2.3.0", "-2.3.1", "-3.0.0", NULL};

    (void)state;
    check_range(NR_ORDER_SEMVER, events, NR_ARRAY_LEN(events), versions);
}

static void test_limit(void **state)
{
    /* limit bounds the range from above; "*" is no limit; with several limits a version
     * below any one of them is within. */
    static const struct nr_osv_event events[] = {I("0"), M("2.0.0")};
    static const char *const versions[] = {"+1.0.0", "+1.9.9", "-2.0.0", "-3.0.0", NULL};
    static const struct nr_osv_event star[] = {I("1.0.0"), M("*")};
    static const char *const star_versions[] = {"-0.1.0", "+1.0.0", "+99.0.0", NULL};
    static const struct nr_osv_event two[] = {M("1.5.0"), I("1.0.0"), F("1.2.0"), M("1.1.0")};
    static const char *const two_versions[] = {"+1.0.0", "+1.1.5", "-1.2.0", "-1.6.0", NULL};

    (void)state;
    check_range(NR_ORDER_SEMVER, events, NR_ARRAY_LEN(events), versions);
    check_range(NR_ORDER_SEMVER, star, NR_ARRAY_LEN(star), star_versions);
    check_range(NR_ORDER_SEMVER, two, NR_ARRAY_LEN(two), two_versions);
}

static void test_boundaries(void **state)
{
    /* Introduced and fixed at the same version affect nothing there, and a re-introduction at
     * a fixed version stays fixed (ties put introduced first); introduced "0" is below even
     * 0.0.0's pre-releases, where introduced "0.0.0" is not. */
    static const struct nr_osv_event same[] = {I("1.0.0"), F("1.0.0")};
    static const char *const same_versions[] = {"-0.9.0", "-1.0.0", "-1.0.1", NULL};
    static const struct nr_osv_event again[] = {I("1.0.0"), F("2.0.0"), I("2.0.0")};
    static const char *const again_versions[] = {"+1.5.0", "-2.0.0", "-3.0.0", NULL};
    static const struct nr_osv_event zero[] = {I("0.0.0"), F("1.0.0")};
    static const char *const zero_versions[] = {"-0.0.0-alpha", "+0.0.0", NULL};

    (void)state;
    check_range(NR_ORDER_SEMVER, same, NR_ARRAY_LEN(same), same_versions);
    check_range(NR_ORDER_SEMVER, again, NR_ARRAY_LEN(again), again_versions);
    check_range(NR_ORDER_SEMVER, zero, NR_ARRAY_LEN(zero), zero_versions);
}

static void test_ecosystem_orders(void **state)
{
    /* ECOSYSTEM ranges evaluate in the ecosystem's order: PEP 440's local and post releases,
     * Debian epochs and tildes, rpm releases, Maven qualifiers. */
    static const struct nr_osv_event pypi[] = {I("1.0"), F("1.0.post1")};
    static const char *const pypi_versions[] = {
        "-1.0rc1",    "+1.0",   "+1.0.0", "+1.0+local", "+1.0.post1.dev1",
        "-1.0.post1", "-1.0-1", "-1.1",   NULL};
    static const struct nr_osv_event debian[] = {I("0"), F("1:2.0-1")};
    static const char *const debian_versions[] = {
        "+9.9-1", "+1:1.9-3", "+1:2.0~rc1-1", "-1:2.0-1", "-1:2.0-1+deb12u1", "-2:0.1-1", NULL};
    static const struct nr_osv_event rpm[] = {I("0"), F("1:1.1.1k-7.el8_6")};
    static const char *const rpm_versions[] = {"+1:1.1.1k-6.el8_5", "+1.1.1w-1.el8",
                                               "-1:1.1.1k-7.el8_6", "-1:1.1.1k-12.el8_9", NULL};
    static const struct nr_osv_event maven[] = {I("2.0-beta9"), F("2.15.0")};
    static const char *const maven_versions[] = {"-2.0-alpha1", "+2.0-beta9", "+2.0-rc1", "+2.0",
                                                 "+2.14.1",     "-2.15.0",    "-2.17.1",  NULL};

    (void)state;
    check_range(NR_ORDER_PEP440, pypi, NR_ARRAY_LEN(pypi), pypi_versions);
    check_range(NR_ORDER_DPKG, debian, NR_ARRAY_LEN(debian), debian_versions);
    check_range(NR_ORDER_RPM, rpm, NR_ARRAY_LEN(rpm), rpm_versions);
    check_range(NR_ORDER_MAVEN, maven, NR_ARRAY_LEN(maven), maven_versions);
    /* The same events place differently spelled versions by each order's own rules. */
    {
        static const struct nr_osv_event ev[] = {I("1.0.0"), F("1.0.1")};
        assert_false(nr_osv_range_affected(NR_ORDER_SEMVER, ev, 2, "1.0.0-rc.1"));
        assert_true(nr_osv_range_affected(NR_ORDER_PEP440, ev, 2, "1.0.0.post1"));
        assert_false(nr_osv_range_affected(NR_ORDER_DPKG, ev, 2, "1.0.0~rc1"));
        assert_true(nr_osv_range_affected(NR_ORDER_DPKG, ev, 2, "1.0.0+dfsg"));
    }
}

static void test_edge_inputs(void **state)
{
    static const struct nr_osv_event events[] = {I("0"), F("1.0")};
    static const struct nr_osv_event only_fixed[] = {F("1.0")};
    static const struct nr_osv_event null_version[] = {{NR_OSV_INTRODUCED, NULL}, F("1.0")};

    (void)state;
    assert_false(nr_osv_range_affected(NR_ORDER_SEMVER, events, 0, "0.5"));
    assert_false(nr_osv_range_affected(NR_ORDER_SEMVER, NULL, 2, "0.5"));
    assert_false(nr_osv_range_affected(NR_ORDER_SEMVER, events, 2, NULL));
    assert_true(nr_osv_range_affected(NR_ORDER_SEMVER, events, 2, "0.5"));
    assert_false(nr_osv_range_affected(NR_ORDER_SEMVER, only_fixed, 1, "0.5"));
    assert_false(nr_osv_range_affected(NR_ORDER_SEMVER, null_version, 2, "0.5"));
    assert_true(nr_osv_range_affected(NR_ORDER_GENERIC, events, 2, "0.5"));
}

static void test_long_range(void **state)
{
    /* More than 64 events, scrambled: introduced k.0.0 and fixed k.5.0 for k = 1..100. */
    static struct nr_osv_event events[200];
    static char versions[200][16];
    char v[32];

    (void)state;
    for (int k = 1; k <= 100; k++) {
        int slot = (k * 37) % 100; /* 37 is prime to 100: a permutation */
        snprintf(versions[2 * slot], sizeof(versions[0]), "%d.0.0", k);
        snprintf(versions[2 * slot + 1], sizeof(versions[0]), "%d.5.0", k);
        events[2 * slot].kind = NR_OSV_INTRODUCED;
        events[2 * slot].version = versions[2 * slot];
        events[2 * slot + 1].kind = NR_OSV_FIXED;
        events[2 * slot + 1].version = versions[2 * slot + 1];
    }
    for (int k = 1; k <= 100; k++) {
        snprintf(v, sizeof(v), "%d.2.0", k);
        assert_true(nr_osv_range_affected(NR_ORDER_SEMVER, events, 200, v));
        snprintf(v, sizeof(v), "%d.7.0", k);
        assert_false(nr_osv_range_affected(NR_ORDER_SEMVER, events, 200, v));
    }
    assert_false(nr_osv_range_affected(NR_ORDER_SEMVER, events, 200, "0.9.0"));
}

/* --- orders of ecosystems and purl types ---------------------------------------------------- */

static void test_orders(void **state)
{
    static const struct {
        const char *ecosystem;
        enum nr_order order;
    } eco[] = {
        {"npm", NR_ORDER_SEMVER},
        {"crates.io", NR_ORDER_SEMVER},
        {"Go", NR_ORDER_SEMVER},
        {"Hex", NR_ORDER_SEMVER},
        {"Pub", NR_ORDER_SEMVER},
        {"Debian", NR_ORDER_DPKG},
        {"Debian:12", NR_ORDER_DPKG},
        {"Ubuntu:22.04:LTS", NR_ORDER_DPKG},
        {"Ubuntu:Pro:18.04:LTS", NR_ORDER_DPKG},
        {"Red Hat:enterprise_linux:9", NR_ORDER_RPM},
        {"AlmaLinux:9", NR_ORDER_RPM},
        {"Rocky Linux:8", NR_ORDER_RPM},
        {"SUSE:Linux Enterprise Server 15 SP5", NR_ORDER_RPM},
        {"openSUSE:Leap 15.5", NR_ORDER_RPM},
        {"Mageia:9", NR_ORDER_RPM},
        {"Alpine:v3.18", NR_ORDER_APK},
        {"Wolfi", NR_ORDER_APK},
        {"PyPI", NR_ORDER_PEP440},
        {"pypi", NR_ORDER_PEP440},
        {"Maven", NR_ORDER_MAVEN},
        {"NuGet", NR_ORDER_NUGET},
        {"RubyGems", NR_ORDER_GEM},
        {"Packagist", NR_ORDER_GENERIC},
        {"Android", NR_ORDER_GENERIC},
        {"GIT", NR_ORDER_GENERIC},
        {"", NR_ORDER_GENERIC},
        {NULL, NR_ORDER_GENERIC},
    };
    static const struct {
        const char *type;
        enum nr_order order;
    } purl[] = {
        {"npm", NR_ORDER_SEMVER},       {"cargo", NR_ORDER_SEMVER},    {"golang", NR_ORDER_SEMVER},
        {"hex", NR_ORDER_SEMVER},       {"pub", NR_ORDER_SEMVER},      {"deb", NR_ORDER_DPKG},
        {"rpm", NR_ORDER_RPM},          {"apk", NR_ORDER_APK},         {"pypi", NR_ORDER_PEP440},
        {"maven", NR_ORDER_MAVEN},      {"nuget", NR_ORDER_NUGET},     {"gem", NR_ORDER_GEM},
        {"composer", NR_ORDER_GENERIC}, {"generic", NR_ORDER_GENERIC}, {NULL, NR_ORDER_GENERIC},
    };
    static const char *const names[NR_ORDER__COUNT] = {
        [NR_ORDER_GENERIC] = "generic", [NR_ORDER_SEMVER] = "semver", [NR_ORDER_DPKG] = "dpkg",
        [NR_ORDER_RPM] = "rpm",         [NR_ORDER_APK] = "apk",       [NR_ORDER_PEP440] = "pep440",
        [NR_ORDER_MAVEN] = "maven",     [NR_ORDER_NUGET] = "nuget",   [NR_ORDER_GEM] = "gem",
    };

    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(eco); i++)
        if (nr_order_for_ecosystem(eco[i].ecosystem) != eco[i].order)
            fail_msg("ecosystem %s: order %s", eco[i].ecosystem ? eco[i].ecosystem : "(null)",
                     nr_order_name(nr_order_for_ecosystem(eco[i].ecosystem)));
    for (size_t i = 0; i < NR_ARRAY_LEN(purl); i++)
        if (nr_order_for_purl_type(purl[i].type) != purl[i].order)
            fail_msg("purl type %s: order %s", purl[i].type ? purl[i].type : "(null)",
                     nr_order_name(nr_order_for_purl_type(purl[i].type)));
    for (int o = 0; o < NR_ORDER__COUNT; o++)
        assert_string_equal(nr_order_name((enum nr_order)o), names[o]);
    assert_string_equal(nr_order_name(NR_ORDER__COUNT), "?");
}

/* --- package keys ------------------------------------------------------------------------- */

static void key_osv(const char *ecosystem, const char *name, const char *want)
{
    char out[NR_PKG_KEY_MAX];
    struct nr_err err;

    nr_err_init(&err);
    if (nr_pkg_key_osv(ecosystem, name, out, sizeof(out), &err) != 0)
        fail_msg("key of %s %s failed: %s", ecosystem, name, err.msg);
    assert_string_equal(out, want);
}

static void key_purl(const char *purl, const char *want)
{
    struct nr_purl p;
    char out[NR_PKG_KEY_MAX];
    struct nr_err err;

    nr_purl_init(&p);
    nr_err_init(&err);
    if (nr_purl_parse(&p, purl, &err) != 0)
        fail_msg("purl %s: %s", purl, err.msg);
    if (nr_pkg_key_purl(&p, out, sizeof(out), &err) != 0)
        fail_msg("key of %s failed: %s", purl, err.msg);
    if (strcmp(out, want) != 0)
        fail_msg("key of %s is \"%s\", want \"%s\"", purl, out, want);
    nr_purl_release(&p);
}

static void test_keys_osv(void **state)
{
    (void)state;
    /* PEP 503: lower case, runs of "-", "_", "." become one "-". */
    key_osv("PyPI", "requests", "PyPI/requests");
    key_osv("PyPI", "Django_REST.framework", "PyPI/django-rest-framework");
    key_osv("PyPI", "zope.interface", "PyPI/zope-interface");
    key_osv("PyPI", "a-_.-b__c", "PyPI/a-b-c");
    key_osv("pypi", "Flask", "PyPI/flask");
    key_osv("Maven", "org.apache.logging.log4j:log4j-core",
            "Maven/org.apache.logging.log4j:log4j-core");
    key_osv("npm", "@angular/core", "npm/@angular/core");
    key_osv("npm", "lodash", "npm/lodash");
    key_osv("Go", "github.com/BurntSushi/toml", "Go/github.com/BurntSushi/toml");
    key_osv("Go", "stdlib", "Go/stdlib");
    key_osv("NuGet", "Newtonsoft.Json", "NuGet/newtonsoft.json");
    key_osv("crates.io", "Serde", "crates.io/serde");
    key_osv("RubyGems", "Rails", "RubyGems/rails");
    key_osv("Packagist", "Symfony/HTTP-Kernel", "Packagist/symfony/http-kernel");
    /* The ":release" suffix is dropped; distribution names stay as written. */
    key_osv("Debian:12", "openssl", "Debian/openssl");
    key_osv("Ubuntu:22.04:LTS", "openssl", "Ubuntu/openssl");
    key_osv("Alpine:v3.18", "musl", "Alpine/musl");
    key_osv("Red Hat:enterprise_linux:9", "openssl-libs", "Red Hat/openssl-libs");
    key_osv("Rocky Linux:9", "NetworkManager", "Rocky Linux/NetworkManager");
    key_osv("GitHub Actions", "actions/checkout", "GitHub Actions/actions/checkout");
    key_osv("Foo:1", "Bar", "Foo/Bar");
}

static void test_keys_purl(void **state)
{
    (void)state;
    key_purl("pkg:pypi/Django_REST.framework@3.0", "PyPI/django-rest-framework");
    key_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
             "Maven/org.apache.logging.log4j:log4j-core");
    key_purl("pkg:npm/%40angular/core@12.0.0", "npm/@angular/core");
    key_purl("pkg:npm/lodash@4.17.20", "npm/lodash");
    key_purl("pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?arch=amd64", "Ubuntu/openssl");
    key_purl("pkg:deb/debian/openssl@3.0.11-1~deb12u2", "Debian/openssl");
    key_purl("pkg:deb/openssl@3.0.11-1", "Debian/openssl");
    key_purl("pkg:golang/github.com/gorilla/mux@v1.8.0", "Go/github.com/gorilla/mux");
    key_purl("pkg:golang/github.com/BurntSushi/toml@v1.3.2", "Go/github.com/BurntSushi/toml");
    key_purl("pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?arch=x86_64", "Red Hat/openssl");
    key_purl("pkg:rpm/almalinux/curl@7.76.1-26.el9", "AlmaLinux/curl");
    key_purl("pkg:rpm/rocky/curl@7.76.1", "Rocky Linux/curl");
    key_purl("pkg:rpm/opensuse/curl@8.0.1", "openSUSE/curl");
    key_purl("pkg:rpm/fedora/curl@8.0.1", "Red Hat/curl");
    key_purl("pkg:apk/alpine/musl@1.2.4-r2", "Alpine/musl");
    key_purl("pkg:apk/wolfi/glibc@2.38-r1", "Wolfi/glibc");
    key_purl("pkg:cargo/Serde@1.0.188", "crates.io/serde");
    key_purl("pkg:gem/Rails@7.0.8", "RubyGems/rails");
    key_purl("pkg:nuget/Newtonsoft.Json@13.0.1", "NuGet/newtonsoft.json");
    key_purl("pkg:composer/symfony/http-kernel@5.4.20", "Packagist/symfony/http-kernel");
    key_purl("pkg:github/actions/checkout@v4", "GitHub Actions/actions/checkout");
    key_purl("pkg:swift/github.com/apple/swift-nio@2.0.0", "SwiftURL/github.com/apple/swift-nio");
    key_purl("pkg:hex/phoenix@1.7.0", "Hex/phoenix");
    key_purl("pkg:pub/http@1.1.0", "Pub/http");
    key_purl("pkg:conan/openssl@3.0.0", "ConanCenter/openssl");
    key_purl("pkg:generic/acme/widget@1.0", "generic/acme/widget");
    /* A component's purl and the advisory's package meet on the same key. */
    {
        char a[NR_PKG_KEY_MAX], b[NR_PKG_KEY_MAX];
        struct nr_purl p;
        nr_purl_init(&p);
        assert_int_equal(nr_purl_parse(&p, "pkg:pypi/zope.interface@5.0", NULL), 0);
        assert_int_equal(nr_pkg_key_purl(&p, a, sizeof(a), NULL), 0);
        assert_int_equal(nr_pkg_key_osv("PyPI", "Zope_Interface", b, sizeof(b), NULL), 0);
        assert_string_equal(a, b);
        nr_purl_release(&p);
    }
}

/* vercmp.h: a distribution purl's upstream qualifier names the source package advisories name. */
static void test_keys_source_package(void **state)
{
    (void)state;
    key_purl("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
             "Debian/openssl");
    /* "name@version", percent-encoded as syft writes it. */
    key_purl("pkg:deb/debian/libc6@2.36-9?upstream=glibc%402.36-9", "Debian/glibc");
    key_purl("pkg:deb/debian/libc6@2.36-9?upstream=glibc@2.36-9", "Debian/glibc");
    key_purl("pkg:deb/ubuntu/libsystemd0@249.11-0ubuntu3?distro=ubuntu-22.04&upstream=systemd",
             "Ubuntu/systemd");
    key_purl("pkg:deb/debian/libssl3@3.0.11-1", "Debian/libssl3");
    /* An upstream that is only a version names nothing: the purl's name stays. */
    key_purl("pkg:deb/debian/libssl3@3.0.11-1?upstream=%403.0.11", "Debian/libssl3");
    key_purl("pkg:apk/alpine/musl-utils@1.2.4-r2?distro=3.18.4&upstream=musl", "Alpine/musl");
    key_purl("pkg:apk/alpine/libcrypto3@3.1.4-r0?upstream=openssl%403.1.4-r0", "Alpine/openssl");
    key_purl("pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?upstream=openssl-3.0.7-24.el9.src.rpm",
             "Red Hat/openssl");
    key_purl("pkg:rpm/redhat/python3-libs@3.9.18-1.el9?upstream=python3.9-3.9.18-1.el9.src.rpm",
             "Red Hat/python3.9");
    key_purl("pkg:rpm/redhat/libgcc@11.4.1-2.el9?upstream=gcc-toolset-12-gcc-12.2.1-7.el9.src.rpm",
             "Red Hat/gcc-toolset-12-gcc");
    /* Not a source RPM's file, or too few parts: the purl's name. */
    key_purl("pkg:rpm/redhat/openssl-libs@3.0.7?upstream=openssl-3.0.7-24.el9",
             "Red Hat/openssl-libs");
    key_purl("pkg:rpm/redhat/openssl-libs@3.0.7?upstream=openssl-3.0.7.src.rpm",
             "Red Hat/openssl-libs");
    key_purl("pkg:rpm/redhat/openssl-libs@3.0.7?upstream=-3.0.7-24.src.rpm",
             "Red Hat/openssl-libs");
    key_purl("pkg:rpm/redhat/openssl-libs@3.0.7?upstream=.src.rpm", "Red Hat/openssl-libs");
    /* Other types keep their name whatever the qualifier says. */
    key_purl("pkg:npm/lodash@4.17.20?upstream=underscore", "npm/lodash");
}

static void release_osv(const char *eco, const char *want)
{
    char out[NR_PKG_RELEASE_MAX];
    size_t n = nr_pkg_release_osv(eco, out, sizeof(out));

    if (strcmp(out, want) != 0 || n != strlen(want))
        fail_msg("release of %s is \"%s\" (%zu), want \"%s\"", eco ? eco : "(null)", out, n, want);
}

static void release_purl(const char *purl, const char *want)
{
    struct nr_purl p;
    char out[NR_PKG_RELEASE_MAX], text[NR_PKG_RELEASE_MAX];
    size_t n, m;

    nr_purl_init(&p);
    if (nr_purl_parse(&p, purl, NULL) != 0)
        fail_msg("purl %s does not parse", purl);
    n = nr_pkg_release_purl(&p, out, sizeof(out));
    m = nr_pkg_release_purl_text(purl, text, sizeof(text));
    if (strcmp(out, want) != 0 || n != strlen(want))
        fail_msg("release of %s is \"%s\", want \"%s\"", purl, out, want);
    /* The watch's scan of the text agrees with the parse. */
    if (strcmp(text, want) != 0 || m != n)
        fail_msg("release of the text %s is \"%s\", want \"%s\"", purl, text, want);
    nr_purl_release(&p);
}

static void test_releases(void **state)
{
    char small[3];

    (void)state;
    release_osv("Debian:12", "12");
    release_osv("Debian:11", "11");
    release_osv("Debian", "");
    release_osv("Ubuntu:22.04:LTS", "22.04");
    release_osv("Ubuntu:Pro:18.04:LTS", "18.04");
    release_osv("Ubuntu:23.10", "23.10");
    release_osv("Alpine:v3.18", "v3.18");
    release_osv("Alpine:3.19", "v3.19");
    release_osv("Red Hat:enterprise_linux:9", "");
    release_osv("npm", "");
    release_osv("Debian:sid", "");
    release_osv(NULL, "");

    release_purl("pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12&upstream=openssl", "12");
    release_purl("pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12.4", "12");
    release_purl("pkg:deb/debian/libssl3@3.0.11-1?distro=bookworm", "12");
    release_purl("pkg:deb/debian/libssl3@3.0.11-1?distro=bullseye", "11");
    release_purl("pkg:deb/debian/libssl3@3.0.11-1?distro=buster", "10");
    release_purl("pkg:deb/debian/libssl3@3.0.11-1?distro=trixie", "13");
    release_purl("pkg:deb/ubuntu/libssl3@3.0.2?arch=amd64&distro=ubuntu-22.04", "22.04");
    release_purl("pkg:deb/ubuntu/libssl3@3.0.2?distro=jammy", "22.04");
    release_purl("pkg:deb/debian/libssl3@3.0.11-1?distro=debian%2D12#usr/lib", "12");
    release_purl("pkg:deb/debian/libssl3@3.0.11-1", "");
    release_purl("pkg:deb/debian/libssl3@3.0.11-1?distro=sid", "");
    release_purl("pkg:apk/alpine/musl@1.2.4-r2?distro=alpine-3.18", "v3.18");
    release_purl("pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.18.4", "v3.18");
    release_purl("pkg:apk/alpine/musl@1.2.4-r2?distro=v3.19", "v3.19");
    release_purl("pkg:apk/alpine/musl@1.2.4-r2?distro=edge", "");
    release_purl("pkg:npm/lodash@4.17.20?distro=debian-12", "");
    release_purl("pkg:rpm/redhat/openssl@3.0.7?distro=rhel-9.3", "");
    /* A release that does not fit the buffer is none. */
    assert_int_equal(nr_pkg_release_osv("Ubuntu:22.04:LTS", small, sizeof(small)), 0);
    assert_string_equal(small, "");
    assert_int_equal(nr_pkg_release_purl_text("not a purl", small, sizeof(small)), 0);
    assert_int_equal(
        nr_pkg_release_purl_text("pkg:deb/debian/x?distro=debian-1%G", small, sizeof(small)), 0);
}

static void test_family_of_purl(void **state)
{
    (void)state;
    assert_string_equal(nr_pkg_family_of_purl("deb", "ubuntu"), "Ubuntu");
    assert_string_equal(nr_pkg_family_of_purl("deb", "debian"), "Debian");
    assert_string_equal(nr_pkg_family_of_purl("deb", NULL), "Debian");
    assert_string_equal(nr_pkg_family_of_purl("rpm", "suse"), "SUSE");
    assert_string_equal(nr_pkg_family_of_purl("rpm", NULL), "Red Hat");
    assert_string_equal(nr_pkg_family_of_purl("apk", NULL), "Alpine");
    assert_string_equal(nr_pkg_family_of_purl("bitnami", NULL), "Bitnami");
    assert_string_equal(nr_pkg_family_of_purl("hackage", NULL), "Hackage");
    assert_string_equal(nr_pkg_family_of_purl("cran", NULL), "CRAN");
    assert_string_equal(nr_pkg_family_of_purl("oci", NULL), "oci");
}

static void test_key_errors(void **state)
{
    char out[NR_PKG_KEY_MAX], small[8], big[NR_PKG_KEY_MAX + 100], wide[NR_PKG_KEY_MAX + 100];
    struct nr_err err;
    struct nr_purl p;

    (void)state;
    nr_err_init(&err);
    assert_int_equal(nr_pkg_key_osv("", "x", out, sizeof(out), &err), NR_EINVAL);
    assert_string_equal(err.field, "package");
    assert_string_equal(err.msg, "package: empty ecosystem");
    assert_int_equal(nr_pkg_key_osv(":12", "x", out, sizeof(out), NULL), NR_EINVAL);
    assert_int_equal(nr_pkg_key_osv(NULL, "x", out, sizeof(out), NULL), NR_EINVAL);
    nr_err_init(&err);
    assert_int_equal(nr_pkg_key_osv("npm", "", out, sizeof(out), &err), NR_EINVAL);
    assert_string_equal(err.msg, "package: empty name");
    assert_int_equal(nr_pkg_key_osv("npm", NULL, out, sizeof(out), NULL), NR_EINVAL);

    /* "npm/abc" needs 8 bytes with its NUL; one less does not fit. */
    assert_int_equal(nr_pkg_key_osv("npm", "abc", small, 8, NULL), 0);
    assert_string_equal(small, "npm/abc");
    nr_err_init(&err);
    assert_int_equal(nr_pkg_key_osv("npm", "abcd", small, 8, &err), NR_ETOOBIG);
    assert_string_equal(err.msg, "package: key longer than 7 bytes");
    assert_string_equal(small, "");

    /* NR_PKG_KEY_MAX (with the NUL) caps a key even in a larger buffer. */
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[NR_PKG_KEY_MAX - 1 - 4] = '\0'; /* "npm/" + name + NUL == NR_PKG_KEY_MAX */
    assert_int_equal(nr_pkg_key_osv("npm", big, wide, sizeof(wide), NULL), 0);
    assert_int_equal(strlen(wide), NR_PKG_KEY_MAX - 1);
    big[NR_PKG_KEY_MAX - 1 - 4] = 'a';
    big[NR_PKG_KEY_MAX - 4] = '\0';
    assert_int_equal(nr_pkg_key_osv("npm", big, wide, sizeof(wide), NULL), NR_ETOOBIG);

    nr_purl_init(&p);
    assert_int_equal(nr_pkg_key_purl(&p, out, sizeof(out), NULL), NR_EINVAL);
    assert_int_equal(nr_pkg_key_purl(NULL, out, sizeof(out), NULL), NR_EINVAL);
    nr_purl_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_introduced_fixed),
        cmocka_unit_test(test_last_affected),
        cmocka_unit_test(test_multiple_pairs_unsorted),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_ecosystem_orders),
        cmocka_unit_test(test_edge_inputs),
        cmocka_unit_test(test_long_range),
        cmocka_unit_test(test_orders),
        cmocka_unit_test(test_keys_osv),
        cmocka_unit_test(test_keys_purl),
        cmocka_unit_test(test_keys_source_package),
        cmocka_unit_test(test_releases),
        cmocka_unit_test(test_family_of_purl),
        cmocka_unit_test(test_key_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
