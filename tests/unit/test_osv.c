/*
 * test_osv.c - OSV records (src/sca/osv.c) and their import into the store
 * (src/sca/osv_import.c). The records of tests/data/osv are shaped like the real feeds: a GitHub
 * npm advisory with SEMVER ranges and CVSS v3, a PyPI advisory with ECOSYSTEM and GIT ranges and
 * aliases, a Debian DSA with versions[], a withdrawn GitHub advisory, the Log4Shell advisory, a
 * Go advisory with a UTC offset in `modified`, and a vendor advisory naming its product by CPE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "netreview/osv.h"
#include "sca/osv_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <sys/stat.h>

#include "netreview/banned.h"

#define NOW "2026-03-02T09:00:00Z"

static char data_dir[512];

static char *read_data(const char *name, size_t *len)
{
    char path[700];
    char *buf = NULL;
    struct nr_err err;

    snprintf(path, sizeof(path), "%s/%s", data_dir, name);
    nr_err_init(&err);
    if (nr_file_read(path, NR_OSV_MAX_BYTES, &buf, len, &err) != 0)
        fail_msg("%s: %s", path, err.msg);
    return buf;
}

static void parse_file(struct nr_osv *o, const char *name)
{
    struct nr_err err;
    size_t len;
    char *buf = read_data(name, &len);

    nr_err_init(&err);
    if (nr_osv_parse(o, buf, len, &err) != 0)
        fail_msg("%s: %s (%s)", name, err.msg, err.field);
    nr_free(buf);
}

static int parse_text(struct nr_osv *o, const char *json, struct nr_err *err)
{
    nr_err_init(err);
    return nr_osv_parse(o, json, strlen(json), err);
}

/* --- parsing the real-shaped records ------------------------------------------------------- */

static void test_parse_ghsa_npm(void **state)
{
    struct nr_osv o;
    (void)state;
    nr_osv_init(&o);
    parse_file(&o, "GHSA-jf85-cpcp-j695.json");
    assert_string_equal(o.id, "GHSA-jf85-cpcp-j695");
    assert_string_equal(o.modified, "2023-11-08T04:01:04.588520Z");
    assert_string_equal(o.published, "2019-07-10T19:45:23Z");
    assert_null(o.withdrawn);
    assert_int_equal(o.naliases, 1);
    assert_string_equal(o.aliases[0], "CVE-2019-10744");
    assert_string_equal(o.summary, "Prototype Pollution in lodash");
    assert_string_equal(o.cvss_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H");
    assert_true(o.cvss_score > 9.05 && o.cvss_score < 9.15);
    assert_string_equal(o.severity, "critical");
    assert_false(o.rce);
    assert_false(o.auth_bypass);
    assert_string_equal(o.fixed, "4.17.12");
    assert_int_equal(o.naffected, 2);
    assert_string_equal(o.affected[0].ecosystem, "npm");
    assert_string_equal(o.affected[0].name, "lodash");
    assert_string_equal(o.affected[0].purl, "pkg:npm/lodash");
    assert_int_equal(o.affected[0].order, NR_ORDER_SEMVER);
    assert_int_equal(o.affected[0].nranges, 1);
    assert_string_equal(o.affected[0].ranges[0].type, "SEMVER");
    assert_int_equal(o.affected[0].ranges[0].nevents, 2);
    assert_int_equal(o.affected[0].ranges[0].events[0].kind, NR_OSV_INTRODUCED);
    assert_string_equal(o.affected[0].ranges[0].events[0].version, "0");
    assert_int_equal(o.affected[0].ranges[0].events[1].kind, NR_OSV_FIXED);
    assert_string_equal(o.affected[0].ranges[0].events[1].version, "4.17.12");
    assert_string_equal(o.affected[1].name, "lodash-es");
    assert_string_equal(o.affected[1].purl, "pkg:npm/lodash-es");
    assert_int_equal(o.affected[0].ncpes, 0);
    nr_osv_release(&o);
}

static void test_parse_pypi(void **state)
{
    struct nr_osv o;
    (void)state;
    nr_osv_init(&o);
    parse_file(&o, "PYSEC-2022-190.json");
    assert_int_equal(o.naliases, 2);
    assert_string_equal(o.aliases[0], "CVE-2022-34265");
    assert_string_equal(o.aliases[1], "GHSA-p64x-8rxx-wf6q");
    assert_null(o.summary);
    assert_non_null(strstr(o.details, "SQL injection"));
    /* No severity at all: the middle band. */
    assert_null(o.cvss_vector);
    assert_true(o.cvss_score == 0.0);
    assert_string_equal(o.severity, "medium");
    /* The GIT range's fix is a commit; the version fix comes from the ECOSYSTEM range. */
    assert_string_equal(o.fixed, "3.2.14");
    assert_int_equal(o.affected[0].order, NR_ORDER_PEP440);
    assert_int_equal(o.affected[0].nranges, 2);
    assert_string_equal(o.affected[0].ranges[0].type, "GIT");
    assert_string_equal(o.affected[0].ranges[1].type, "ECOSYSTEM");
    assert_int_equal(o.affected[0].ranges[1].nevents, 4);
    assert_int_equal(o.affected[0].ranges[1].events[2].kind, NR_OSV_INTRODUCED);
    assert_string_equal(o.affected[0].ranges[1].events[2].version, "4.0");
    assert_int_equal(o.affected[0].nversions, 5);
    assert_string_equal(o.affected[0].versions[4], "4.0.5");
    nr_osv_release(&o);
}

static void test_parse_debian(void **state)
{
    struct nr_osv o;
    (void)state;
    nr_osv_init(&o);
    parse_file(&o, "DSA-5417-1.json");
    assert_string_equal(o.id, "DSA-5417-1");
    assert_int_equal(o.naliases, 3);
    assert_string_equal(o.affected[0].ecosystem, "Debian:11");
    assert_int_equal(o.affected[0].order, NR_ORDER_DPKG);
    assert_int_equal(o.affected[0].nversions, 4);
    assert_string_equal(o.affected[0].versions[0], "1.1.1k-1");
    assert_string_equal(o.fixed, "1.1.1n-0+deb11u5");
    /* Debian's "unimportant" folds to low. */
    assert_string_equal(o.severity, "low");
    nr_osv_release(&o);
}

static void test_parse_withdrawn(void **state)
{
    struct nr_osv o;
    (void)state;
    nr_osv_init(&o);
    parse_file(&o, "GHSA-4w2v-q235-vp99.json");
    assert_string_equal(o.withdrawn, "2022-01-10T19:11:46Z");
    assert_int_equal(o.naliases, 0);
    assert_string_equal(o.severity, "medium"); /* 6.1 */
    assert_null(o.fixed);                      /* last_affected only */
    assert_int_equal(o.affected[0].ranges[0].events[1].kind, NR_OSV_LAST_AFFECTED);
    nr_osv_release(&o);
}

static void test_parse_log4j(void **state)
{
    struct nr_osv o;
    (void)state;
    nr_osv_init(&o);
    parse_file(&o, "GHSA-jfh8-c2jp-5v3q.json");
    assert_true(o.cvss_score > 9.95);
    assert_string_equal(o.severity, "critical");
    assert_true(o.rce);
    assert_false(o.auth_bypass);
    assert_string_equal(o.affected[0].ecosystem, "Maven");
    assert_string_equal(o.affected[0].name, "org.apache.logging.log4j:log4j-core");
    assert_int_equal(o.affected[0].order, NR_ORDER_MAVEN);
    assert_int_equal(o.affected[0].ranges[0].nevents, 6);
    assert_string_equal(o.fixed, "2.3.1");
    nr_osv_release(&o);
}

static void test_parse_go(void **state)
{
    struct nr_osv o;
    (void)state;
    nr_osv_init(&o);
    parse_file(&o, "go/GO-2023-1571.json");
    assert_string_equal(o.modified, "2023-11-08T08:03:31+01:00");
    assert_int_equal(o.naffected, 2);
    assert_string_equal(o.affected[1].name, "golang.org/x/net");
    assert_int_equal(o.affected[1].order, NR_ORDER_SEMVER);
    assert_string_equal(o.fixed, "1.19.6");
    nr_osv_release(&o);
}

static void test_parse_cpes(void **state)
{
    struct nr_osv o;
    (void)state;
    nr_osv_init(&o);
    parse_file(&o, "NRV-2024-0001.json");
    /* CVSS v3 scores 9.1, v4 9.3: the higher one is kept. */
    assert_string_equal(o.cvss_vector,
                        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
    assert_true(o.cvss_score > 9.25 && o.cvss_score < 9.35);
    assert_true(o.auth_bypass);
    assert_false(o.rce);
    assert_int_equal(o.naffected, 1);
    assert_null(o.affected[0].ecosystem);
    assert_int_equal(o.affected[0].order, NR_ORDER_GENERIC);
    assert_int_equal(o.affected[0].ncpes, 2);
    assert_string_equal(o.affected[0].cpes[0], "cpe:2.3:h:acme:router:*:*:*:*:*:*:*:*");
    assert_string_equal(o.fixed, "2.1.0");
    nr_osv_release(&o);
}

/* --- severity, flags, CPE forms --------------------------------------------------------------- */

static void test_severity_choice(void **state)
{
    struct nr_osv o;
    struct nr_err err;
    (void)state;
    nr_osv_init(&o);

    /* v3 9.8 beats v4 9.3. */
    assert_int_equal(
        parse_text(&o,
                   "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"severity\":["
                   "{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/"
                   "VI:H/VA:H/SC:N/SI:N/SA:N\"},"
                   "{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/"
                   "A:H\"}]}",
                   &err),
        0);
    assert_string_equal(o.cvss_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    /* A tie goes to the newer version; a vector that does not parse is skipped. */
    assert_int_equal(
        parse_text(&o,
                   "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"severity\":["
                   "{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/"
                   "A:H\"},"
                   "{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/garbage\"},"
                   "{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/"
                   "VI:H/VA:H/SC:H/SI:H/SA:H\"},"
                   "{\"type\":\"CVSS_V2\",\"score\":\"AV:N/AC:L/Au:N/C:C/I:C/A:C\"}]}",
                   &err),
        0);
    assert_string_equal(o.cvss_vector,
                        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H");
    /* Only a broken vector: unscored, the word of the database decides. */
    assert_int_equal(parse_text(&o,
                                "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"severity\":"
                                "[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N\"}],"
                                "\"database_specific\":{\"severity\":\"HIGH\"}}",
                                &err),
                     0);
    assert_null(o.cvss_vector);
    assert_string_equal(o.severity, "high");
    /* Ubuntu's own severity entry as the fallback; Red Hat's "Important" is high. */
    assert_int_equal(parse_text(&o,
                                "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"severity\":"
                                "[{\"type\":\"Ubuntu\",\"score\":\"low\"}]}",
                                &err),
                     0);
    assert_string_equal(o.severity, "low");
    assert_int_equal(parse_text(&o,
                                "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\","
                                "\"database_specific\":{\"severity\":\"Important\"}}",
                                &err),
                     0);
    assert_string_equal(o.severity, "high");
    /* A per-package severity counts too. */
    assert_int_equal(
        parse_text(&o,
                   "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{"
                   "\"package\":{\"ecosystem\":\"npm\",\"name\":\"x\"},\"severity\":[{\"type\":"
                   "\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N\"}]}]}",
                   &err),
        0);
    assert_string_equal(o.severity, "medium");
    assert_true(o.cvss_score > 5.45 && o.cvss_score < 5.55);
    nr_osv_release(&o);
}

static void test_flags_and_cpe_forms(void **state)
{
    struct nr_osv o;
    struct nr_err err;
    (void)state;
    nr_osv_init(&o);
    assert_int_equal(parse_text(&o,
                                "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"summary\":"
                                "\"Execution of Arbitrary Code via template\"}",
                                &err),
                     0);
    assert_true(o.rce);
    assert_int_equal(parse_text(&o,
                                "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":"
                                "\"An AUTHENTICATION BYPASS exists.\"}",
                                &err),
                     0);
    assert_true(o.auth_bypass);
    assert_false(o.rce);
    assert_int_equal(parse_text(&o,
                                "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\","
                                "\"database_specific\":{\"cwe_ids\":[\"CWE-78\",\"CWE-306\"]}}",
                                &err),
                     0);
    assert_true(o.rce);
    assert_true(o.auth_bypass);
    /* One CPE as "cpe" on an entry, and record-level CPEs as an entry of their own. */
    assert_int_equal(
        parse_text(&o,
                   "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{"
                   "\"package\":{\"ecosystem\":\"npm\",\"name\":\"x\"},\"database_specific\":{"
                   "\"cpe\":\"cpe:2.3:a:x_project:x:*:*:*:*:*:node.js:*:*\"}}],"
                   "\"database_specific\":{\"cpes\":[\"cpe:2.3:o:vendor:os:1.0:*:*:*:*:*:*:*\"]}}",
                   &err),
        0);
    assert_int_equal(o.naffected, 2);
    assert_int_equal(o.affected[0].ncpes, 1);
    assert_string_equal(o.affected[0].cpes[0], "cpe:2.3:a:x_project:x:*:*:*:*:*:node.js:*:*");
    assert_null(o.affected[1].ecosystem);
    assert_int_equal(o.affected[1].ncpes, 1);
    assert_string_equal(o.affected[1].cpes[0], "cpe:2.3:o:vendor:os:1.0:*:*:*:*:*:*:*");
    nr_osv_release(&o);
}

/* --- errors with JSON paths ------------------------------------------------------------------ */

static void test_errors(void **state)
{
    static const struct {
        const char *json;
        int code;
        const char *field, *msg;
    } bad[] = {
        {"{\"id\": \"A\",", NR_EPARSE, "", "malformed JSON at line 1"},
        {"[]", NR_EPARSE, "", "must be a JSON object"},
        {"{\"id\":\"A\",\"id\":\"B\",\"modified\":\"2024-01-01T00:00:00Z\"}", NR_EPARSE, "",
         "duplicate"},
        {"{\"modified\":\"2024-01-01T00:00:00Z\"}", NR_EPARSE, "id", "id: missing"},
        {"{\"id\":\"\",\"modified\":\"2024-01-01T00:00:00Z\"}", NR_EPARSE, "id", "id: empty"},
        {"{\"id\":7,\"modified\":\"2024-01-01T00:00:00Z\"}", NR_EPARSE, "id", "must be a string"},
        {"{\"id\":\"A\"}", NR_EPARSE, "modified", "modified: missing"},
        {"{\"id\":\"A\",\"modified\":\"yesterday\"}", NR_EPARSE, "modified", "RFC 3339"},
        {"{\"id\":\"A\",\"modified\":\"2024-13-01T00:00:00Z\"}", NR_EPARSE, "modified", "RFC 3339"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00\"}", NR_EPARSE, "modified", "RFC 3339"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":\"CVE-1\"}", NR_EPARSE,
         "aliases", "must be an array"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-1\",2]}",
         NR_EPARSE, "aliases[1]", "must be a string"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"summary\":[]}", NR_EPARSE,
         "summary", "must be a string"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":{}}", NR_EPARSE,
         "affected", "must be an array"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{},{},{\"package\":"
         "{\"ecosystem\":\"npm\",\"name\":\"x\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":["
         "{\"introduced\":\"0\"},{\"fixed\":1.2}]}]}]}",
         NR_EPARSE, "affected[2].ranges[0].events[1].fixed", "must be a string"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":{"
         "\"ecosystem\":\"npm\"}}]}",
         NR_EPARSE, "affected[0].package.name", "affected[0].package.name: missing"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":{"
         "\"name\":\"x\"}}]}",
         NR_EPARSE, "affected[0].package.ecosystem", "missing"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":\"npm/"
         "x\"}]}",
         NR_EPARSE, "affected[0].package", "must be an object"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{"
         "\"type\":\"RANGE\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
         NR_EPARSE, "affected[0].ranges[0].type", "not SEMVER, ECOSYSTEM or GIT"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{"
         "\"events\":[{\"introduced\":\"0\"}]}]}]}",
         NR_EPARSE, "affected[0].ranges[0].type", "missing"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{"
         "\"type\":\"SEMVER\"}]}]}",
         NR_EPARSE, "affected[0].ranges[0].events", "missing"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{"
         "\"type\":\"SEMVER\",\"events\":[]}]}]}",
         NR_EPARSE, "affected[0].ranges[0].events", "at least one event"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{"
         "\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\",\"fixed\":\"1\"}]}]}]}",
         NR_EPARSE, "affected[0].ranges[0].events[0].fixed", "one of introduced and fixed"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{"
         "\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixes\":\"1\"}]}]}]}",
         NR_EPARSE, "affected[0].ranges[0].events[1]", "an event needs"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"ranges\":[{"
         "\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"\"}]}]}]}",
         NR_EPARSE, "affected[0].ranges[0].events[0].introduced", "empty version"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"versions\":["
         "\"1.0\",null]}]}",
         NR_EPARSE, "affected[0].versions[1]", "must be a string"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{"
         "\"database_specific\":{\"cpes\":[\"cpe:/a:acme:router\"]}}]}",
         NR_EPARSE, "affected[0].database_specific.cpes[0]", "cpe"},
        {"{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"severity\":[{\"type\":"
         "\"CVSS_V3\"}]}",
         NR_EPARSE, "severity[0].score", "missing"},
    };
    struct nr_osv o;
    struct nr_err err;
    (void)state;

    nr_osv_init(&o);
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        int rc = parse_text(&o, bad[i].json, &err);
        if (rc != bad[i].code)
            fail_msg("case %zu: rc %d, want %d (%s)", i, rc, bad[i].code, err.msg);
        if (strcmp(err.field, bad[i].field) != 0)
            fail_msg("case %zu: field \"%s\", want \"%s\" (%s)", i, err.field, bad[i].field,
                     err.msg);
        if (strstr(err.msg, bad[i].msg) == NULL)
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.msg, bad[i].msg);
        /* A failed parse leaves the struct empty. */
        assert_null(o.id);
        assert_int_equal(o.naffected, 0);
    }
    nr_osv_release(&o);
}

static void test_caps(void **state)
{
    struct nr_osv o;
    struct nr_err err;
    struct nr_buf b;
    char *big;
    (void)state;

    nr_osv_init(&o);
    nr_buf_init(&b, 64 << 20);
    nr_buf_puts(&b, "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[");
    for (int i = 0; i <= NR_OSV_MAX_AFFECTED; i++)
        nr_buf_puts(&b, i ? ",{}" : "{}");
    nr_buf_puts(&b, "]}");
    assert_int_equal(parse_text(&o, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.field, "affected");

    nr_buf_reset(&b);
    nr_buf_puts(&b, "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{"
                    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[");
    for (int i = 0; i <= NR_OSV_MAX_EVENTS; i++)
        nr_buf_printf(&b, "%s{\"introduced\":\"%d.0.0\"}", i ? "," : "", i);
    nr_buf_puts(&b, "]}]}]}");
    assert_int_equal(parse_text(&o, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.field, "affected[0].ranges[0].events");

    /* Exactly at the cap is fine. */
    nr_buf_reset(&b);
    nr_buf_puts(&b, "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{"
                    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[");
    for (int i = 0; i < NR_OSV_MAX_EVENTS; i++)
        nr_buf_printf(&b, "%s{\"introduced\":\"%d.0.0\"}", i ? "," : "", i);
    nr_buf_puts(&b, "]}]}]}");
    assert_int_equal(parse_text(&o, b.p, &err), 0);
    assert_int_equal(o.affected[0].ranges[0].nevents, NR_OSV_MAX_EVENTS);

    big = nr_calloc(1, (size_t)NR_OSV_MAX_BYTES + 1);
    memset(big, ' ', (size_t)NR_OSV_MAX_BYTES + 1);
    nr_err_init(&err);
    assert_int_equal(nr_osv_parse(&o, big, (size_t)NR_OSV_MAX_BYTES + 1, &err), NR_ETOOBIG);
    nr_free(big);
    nr_buf_release(&b);
    nr_osv_release(&o);
}

/* --- `modified` as a key that sorts like the instant ------------------------------------------ */

static void test_time_key(void **state)
{
    static const char *const good[][2] = {
        {"2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000000000Z"},
        {"2023-11-08T08:03:31+01:00", "2023-11-08T07:03:31.000000000Z"},
        {"2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00.000000000Z"},
        {"2023-12-31T23:30:00-01:00", "2024-01-01T00:30:00.000000000Z"},
        {"2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.500000000Z"},
        {"2024-01-01t00:00:00.1234567891234z", "2024-01-01T00:00:00.123456789Z"},
        {"2016-12-31T23:59:60Z", "2016-12-31T23:59:60.000000000Z"},
        {"2000-02-29T12:00:00+00:00", "2000-02-29T12:00:00.000000000Z"},
    };
    static const char *const bad[] = {
        "2023-02-29T00:00:00Z",     "1900-02-29T00:00:00Z",
        "2024-01-01 00:00:00Z",     "2024-01-01T00:00:00+1:00",
        "2024-01-01T00:00:00.Z",    "2024-01-01T24:00:00Z",
        "2024-01-01T00:00:00Zjunk", "2024-01-01",
        "2024-00-10T00:00:00Z",     "",
    };
    char key[NR__OSV_TIME_KEY], a[NR__OSV_TIME_KEY], b[NR__OSV_TIME_KEY];
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(good); i++) {
        if (nr__osv_time_key(good[i][0], key) != 0)
            fail_msg("%s rejected", good[i][0]);
        if (strcmp(key, good[i][1]) != 0)
            fail_msg("%s gave %s, want %s", good[i][0], key, good[i][1]);
    }
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++)
        if (nr__osv_time_key(bad[i], key) == 0)
            fail_msg("%s accepted as %s", bad[i], key);
    /* Text order gets these wrong; the keys do not. */
    assert_int_equal(nr__osv_time_key("2023-11-08T04:01:04.5Z", a), 0);
    assert_int_equal(nr__osv_time_key("2023-11-08T04:01:04.588520Z", b), 0);
    assert_true(strcmp(a, b) < 0);
    assert_int_equal(nr__osv_time_key("2024-01-01T01:00:00+02:00", a), 0);
    assert_int_equal(nr__osv_time_key("2024-01-01T00:00:00Z", b), 0);
    assert_true(strcmp(a, b) < 0);
}

/* --- import ---------------------------------------------------------------------------------- */

static int64_t q_int(struct nr_fixture *fx, const char *sql, const char *arg)
{
    int64_t v = -1;
    struct nr_err err;
    nr_err_init(&err);
    if (nr_store_query_int(fx->rv.st, &err, &v, sql, arg ? "t" : "", arg) != 0)
        fail_msg("%s: %s", sql, err.msg);
    return v;
}

/* The text of a query's first column, or "(null)" / "(none)"; the caller frees. */
static char *q_text(struct nr_fixture *fx, const char *sql, const char *arg)
{
    char *v = NULL;
    struct nr_err err;
    int rc;
    nr_err_init(&err);
    rc = nr_store_query_text(fx->rv.st, &err, &v, sql, arg ? "t" : "", arg);
    if (rc == NR_ENOTFOUND)
        return nr_strdup("(none)");
    if (rc != 0)
        fail_msg("%s: %s", sql, err.msg);
    return v ? v : nr_strdup("(null)");
}

static void expect_text(struct nr_fixture *fx, const char *sql, const char *arg, const char *want)
{
    char *got = q_text(fx, sql, arg);
    if (strcmp(got, want) != 0)
        fail_msg("%s [%s]: got \"%s\", want \"%s\"", sql, arg ? arg : "", got, want);
    nr_free(got);
}

static void import_ok(struct nr_fixture *fx, const char *path, struct nr_osv_import_stats *st)
{
    struct nr_err err;
    nr_err_init(&err);
    if (nr_osv_import(&fx->rv, &fx->admin, path, st, NULL, NULL, &err) != 0)
        fail_msg("import of %s: %s", path, err.msg);
}

static const char q_pkg[] = "SELECT ranges FROM advisory_packages WHERE pkg_key = ?";

/* What every import of tests/data/osv must leave in the store. */
static void expect_stored_data(struct nr_fixture *fx)
{
    assert_int_equal(q_int(fx, "SELECT COUNT(*) FROM advisories", NULL), 7);
    assert_int_equal(q_int(fx,
                           "SELECT COUNT(*) FROM advisory_aliases l JOIN advisories a ON "
                           "a.id = l.advisory_id WHERE a.osv_id = ?",
                           "GHSA-jfh8-c2jp-5v3q"),
                     2);
    assert_int_equal(q_int(fx,
                           "SELECT COUNT(*) FROM advisory_aliases l JOIN advisories a ON "
                           "a.id = l.advisory_id WHERE l.alias = ? AND a.osv_id = "
                           "'GHSA-jfh8-c2jp-5v3q'",
                           "CVE-2021-44228"),
                     1);
    expect_text(fx, q_pkg, "npm/lodash", "SEMVER i0 f4.17.12");
    expect_text(fx, q_pkg, "npm/lodash-es", "SEMVER i0 f4.17.12");
    /* The GIT range is not stored; PyPI names are normalised in the key, kept in name. */
    expect_text(fx, q_pkg, "PyPI/django", "ECOSYSTEM i3.2 f3.2.14 i4.0 f4.0.6");
    expect_text(fx, "SELECT name FROM advisory_packages WHERE pkg_key = ?", "PyPI/django",
                "Django");
    expect_text(fx, "SELECT versions FROM advisory_packages WHERE pkg_key = ?", "PyPI/django",
                "3.2\n3.2.1\n3.2.13\n4.0\n4.0.5");
    expect_text(fx, "SELECT versions FROM advisory_packages WHERE pkg_key = ?", "npm/lodash",
                "(null)");
    expect_text(fx, "SELECT ecosystem FROM advisory_packages WHERE pkg_key = ?", "Debian/openssl",
                "Debian:11");
    expect_text(fx, q_pkg, "Debian/openssl", "ECOSYSTEM i0 f1.1.1n-0+deb11u5");
    expect_text(fx, q_pkg, "Maven/org.apache.logging.log4j:log4j-core",
                "ECOSYSTEM i2.0-beta9 f2.3.1 i2.4 f2.12.2 i2.13.0 f2.15.0");
    expect_text(fx, q_pkg, "Go/golang.org/x/net", "SEMVER i0 f0.7.0");
    expect_text(fx, q_pkg, "npm/axios", "ECOSYSTEM i0 l0.24.0");
    /* CPE rows: ecosystem CPE, the canonical name, "cpe:" + vendor:product. */
    expect_text(fx, "SELECT name FROM advisory_packages WHERE pkg_key = ?", "cpe:acme:router",
                "cpe:2.3:h:acme:router:*:*:*:*:*:*:*:*");
    expect_text(fx, "SELECT ecosystem FROM advisory_packages WHERE pkg_key = ?", "cpe:acme:router",
                "CPE");
    expect_text(fx, q_pkg, "cpe:acme:router", "ECOSYSTEM i2.0.0 f2.1.0");
    expect_text(fx, q_pkg, "cpe:acme:router_firmware", "ECOSYSTEM i2.0.0 f2.1.0");
    assert_int_equal(q_int(fx, "SELECT COUNT(*) FROM advisory_packages", NULL), 11);
    expect_text(fx, q_pkg, "Go/stdlib", "SEMVER i0 f1.19.6 i1.20.0 f1.20.1");
    /* Advisory columns. */
    assert_int_equal(
        q_int(fx, "SELECT cvss_score10 FROM advisories WHERE osv_id = ?", "GHSA-jfh8-c2jp-5v3q"),
        100);
    assert_int_equal(
        q_int(fx, "SELECT rce FROM advisories WHERE osv_id = ?", "GHSA-jfh8-c2jp-5v3q"), 1);
    assert_int_equal(
        q_int(fx, "SELECT auth_bypass FROM advisories WHERE osv_id = ?", "NRV-2024-0001"), 1);
    assert_int_equal(
        q_int(fx, "SELECT cvss_score10 FROM advisories WHERE osv_id = ?", "NRV-2024-0001"), 93);
    expect_text(fx, "SELECT severity FROM advisories WHERE osv_id = ?", "DSA-5417-1", "low");
    expect_text(fx, "SELECT cvss_score10 FROM advisories WHERE osv_id = ?", "PYSEC-2022-190",
                "(null)");
    expect_text(fx, "SELECT withdrawn FROM advisories WHERE osv_id = ?", "GHSA-4w2v-q235-vp99",
                "2022-01-10T19:11:46Z");
    expect_text(fx, "SELECT withdrawn FROM advisories WHERE osv_id = ?", "GHSA-jf85-cpcp-j695",
                "(null)");
    expect_text(fx, "SELECT fixed FROM advisories WHERE osv_id = ?", "GHSA-jf85-cpcp-j695",
                "4.17.12");
    /* A record without a summary shows the first line of its details. */
    expect_text(fx, "SELECT summary FROM advisories WHERE osv_id = ?", "PYSEC-2022-190",
                "An issue was discovered in Django 3.2 before 3.2.14 and 4.0 before 4.0.6. The "
                "Trunc() and Extract() database functions are subject to SQL injection if "
                "untrusted data is used as a kind/lookup_name valu");
    expect_text(fx, "SELECT imported_at FROM advisories WHERE osv_id = ?", "DSA-5417-1", NOW);
}

static void test_import_directory(void **state)
{
    struct nr_fixture fx;
    struct nr_osv_import_stats *st = nr_calloc(1, sizeof(*st));
    int64_t id_before;
    (void)state;

    setenv("NETREVIEW_NOW", NOW, 1);
    nr_fixture_open(&fx, "cn-2017");
    import_ok(&fx, data_dir, st);
    assert_int_equal(st->files, 7);
    assert_int_equal(st->added, 7);
    assert_int_equal(st->updated, 0);
    assert_int_equal(st->unchanged, 0);
    assert_int_equal(st->withdrawn, 1);
    assert_int_equal(st->rejected, 0);
    assert_int_equal(st->nerrors, 0);
    assert_true(st->seconds >= 0);
    expect_stored_data(&fx);
    /* R11: one audit entry with the counts; the setting tells the index new data came. */
    assert_int_equal(q_int(&fx, "SELECT COUNT(*) FROM audit WHERE action = ?", "osv.import"), 1);
    expect_text(&fx, "SELECT detail FROM audit WHERE action = ?", "osv.import",
                "files=7 added=7 updated=0 unchanged=0 withdrawn=1 rejected=0");
    expect_text(&fx, "SELECT object FROM audit WHERE action = ?", "osv.import", "osv:osv");
    expect_text(&fx, "SELECT value FROM settings WHERE key = ?", "osv.last_import", NOW);

    /* Again: nothing changes, not even the setting (no advisory changed). */
    id_before = q_int(&fx, "SELECT id FROM advisories WHERE osv_id = ?", "GHSA-jf85-cpcp-j695");
    import_ok(&fx, data_dir, st);
    assert_int_equal(st->files, 7);
    assert_int_equal(st->added, 0);
    assert_int_equal(st->updated, 0);
    assert_int_equal(st->unchanged, 7);
    assert_int_equal(st->withdrawn, 0);
    expect_stored_data(&fx);
    assert_int_equal(
        q_int(&fx, "SELECT id FROM advisories WHERE osv_id = ?", "GHSA-jf85-cpcp-j695"), id_before);
    assert_int_equal(q_int(&fx, "SELECT COUNT(*) FROM audit WHERE action = ?", "osv.import"), 2);
    expect_text(&fx, "SELECT value FROM settings WHERE key = ?", "osv.last_import", NOW);
    nr_fixture_close(&fx);
    nr_free(st);
    unsetenv("NETREVIEW_NOW");
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[700];
    struct nr_err err;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    nr_err_init(&err);
    if (nr_file_write(path, text, strlen(text), 0644, &err) != 0)
        fail_msg("%s: %s", path, err.msg);
}

static const char lodash_later[] =
    "{\"id\":\"GHSA-jf85-cpcp-j695\",\"modified\":\"2024-02-01T00:00:00Z\","
    "\"aliases\":[\"CVE-2019-10744\",\"SNYK-JS-LODASH-450202\"],\"summary\":\"Prototype "
    "Pollution in lodash (revised)\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
    "\"name\":\"lodash\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},"
    "{\"fixed\":\"4.17.13\"}]}]}]}";

/* Same id, `modified` earlier than the stored one (and a fraction, which text order gets
 * wrong: "2023-11-08T04:01:04.5Z" sorts after "...04.588520Z" but is earlier). */
static const char lodash_older[] =
    "{\"id\":\"GHSA-jf85-cpcp-j695\",\"modified\":\"2023-11-08T04:01:04.5Z\","
    "\"summary\":\"old copy\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
    "\"name\":\"lodash\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},"
    "{\"fixed\":\"1.0.0\"}]}]}]}";

static void test_import_replace_rules(void **state)
{
    struct nr_fixture fx;
    struct nr_osv_import_stats *st = nr_calloc(1, sizeof(*st));
    char dir[600];
    int64_t id_before;
    (void)state;

    setenv("NETREVIEW_NOW", NOW, 1);
    nr_fixture_open(&fx, "cn-2017");
    import_ok(&fx, data_dir, st);
    id_before = q_int(&fx, "SELECT id FROM advisories WHERE osv_id = ?", "GHSA-jf85-cpcp-j695");

    /* An older copy changes nothing. */
    snprintf(dir, sizeof(dir), "%s/older", fx.dir);
    mkdir(dir, 0700);
    write_file(dir, "lodash.json", lodash_older);
    import_ok(&fx, dir, st);
    assert_int_equal(st->unchanged, 1);
    assert_int_equal(st->updated, 0);
    expect_text(&fx, "SELECT summary FROM advisories WHERE osv_id = ?", "GHSA-jf85-cpcp-j695",
                "Prototype Pollution in lodash");
    expect_text(&fx, q_pkg, "npm/lodash", "SEMVER i0 f4.17.12");
    expect_text(&fx, "SELECT value FROM settings WHERE key = ?", "osv.last_import", NOW);

    /* A later one replaces the row in place, with its aliases and packages. */
    snprintf(dir, sizeof(dir), "%s/later", fx.dir);
    mkdir(dir, 0700);
    write_file(dir, "lodash.json", lodash_later);
    import_ok(&fx, dir, st);
    assert_int_equal(st->updated, 1);
    assert_int_equal(st->added, 0);
    assert_int_equal(
        q_int(&fx, "SELECT id FROM advisories WHERE osv_id = ?", "GHSA-jf85-cpcp-j695"), id_before);
    expect_text(&fx, "SELECT summary FROM advisories WHERE osv_id = ?", "GHSA-jf85-cpcp-j695",
                "Prototype Pollution in lodash (revised)");
    expect_text(&fx, "SELECT modified FROM advisories WHERE osv_id = ?", "GHSA-jf85-cpcp-j695",
                "2024-02-01T00:00:00Z");
    expect_text(&fx, q_pkg, "npm/lodash", "SEMVER i0 f4.17.13");
    /* lodash-es is gone with the old record's packages; the new alias is there. */
    expect_text(&fx, q_pkg, "npm/lodash-es", "(none)");
    assert_int_equal(q_int(&fx,
                           "SELECT COUNT(*) FROM advisory_aliases WHERE advisory_id = (SELECT id "
                           "FROM advisories WHERE osv_id = ?)",
                           "GHSA-jf85-cpcp-j695"),
                     3);
    /* The same second as the first import: the setting still changes. */
    expect_text(&fx, "SELECT value FROM settings WHERE key = ?", "osv.last_import", NOW "+1");

    /* A later copy that withdraws the advisory marks it. */
    snprintf(dir, sizeof(dir), "%s/withdrawn", fx.dir);
    mkdir(dir, 0700);
    write_file(dir, "x.json",
               "{\"id\":\"GO-2023-1571\",\"modified\":\"2024-06-01T00:00:00Z\",\"withdrawn\":"
               "\"2024-06-01T00:00:00Z\"}");
    import_ok(&fx, dir, st);
    assert_int_equal(st->updated, 1);
    assert_int_equal(st->withdrawn, 1);
    expect_text(&fx, "SELECT withdrawn FROM advisories WHERE osv_id = ?", "GO-2023-1571",
                "2024-06-01T00:00:00Z");
    expect_text(&fx, "SELECT value FROM settings WHERE key = ?", "osv.last_import", NOW "+2");
    nr_fixture_close(&fx);
    nr_free(st);
    unsetenv("NETREVIEW_NOW");
}

static void test_import_rejects(void **state)
{
    struct nr_fixture fx;
    struct nr_osv_import_stats *st = nr_calloc(1, sizeof(*st));
    char dir[600], sub[700];
    (void)state;

    nr_fixture_open(&fx, "cn-2017");
    snprintf(dir, sizeof(dir), "%s/feed", fx.dir);
    mkdir(dir, 0700);
    snprintf(sub, sizeof(sub), "%s/nested", dir);
    mkdir(sub, 0700);
    write_file(dir, "a-good.json", lodash_later);
    write_file(dir, "b-broken.json", "{\"id\": \"X\", \"modified\": ");
    write_file(sub, "c-noname.json",
               "{\"id\":\"Y\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
               "{\"ecosystem\":\"npm\"}}]}");
    write_file(sub, "d-good.json",
               "{\"id\":\"Z\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
               "{\"ecosystem\":\"crates.io\",\"name\":\"smallvec\"},\"ranges\":[{\"type\":"
               "\"SEMVER\",\"events\":[{\"introduced\":\"0.6.3\"},{\"fixed\":\"0.6.10\"}]}]}]}");
    write_file(dir, "notes.txt", "not a record");
    import_ok(&fx, dir, st);
    assert_int_equal(st->files, 4);
    assert_int_equal(st->added, 2);
    assert_int_equal(st->rejected, 2);
    assert_int_equal(st->nerrors, 2);
    assert_string_equal(st->errors[0].file, "b-broken.json");
    assert_int_equal(st->errors[0].err.code, NR_EPARSE);
    assert_non_null(strstr(st->errors[0].err.msg, "malformed JSON"));
    assert_string_equal(st->errors[1].file, "nested/c-noname.json");
    assert_string_equal(st->errors[1].err.field, "affected[0].package.name");
    assert_int_equal(q_int(&fx, "SELECT COUNT(*) FROM advisories", NULL), 2);
    expect_text(&fx, q_pkg, "crates.io/smallvec", "SEMVER i0.6.3 f0.6.10");
    expect_text(&fx, "SELECT detail FROM audit WHERE action = ?", "osv.import",
                "files=4 added=2 updated=0 unchanged=0 withdrawn=0 rejected=2");
    nr_fixture_close(&fx);
    nr_free(st);
}

static void zip_add(struct archive *a, const char *name, const char *data, size_t len)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
    archive_entry_free(e);
}

static struct archive *zip_open(const char *path)
{
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    return a;
}

static void zip_close(struct archive *a)
{
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
}

static void test_import_zip(void **state)
{
    static const char *const files[] = {
        "DSA-5417-1.json",          "GHSA-4w2v-q235-vp99.json", "GHSA-jf85-cpcp-j695.json",
        "GHSA-jfh8-c2jp-5v3q.json", "NRV-2024-0001.json",       "PYSEC-2022-190.json",
        "go/GO-2023-1571.json",
    };
    struct nr_fixture fx;
    struct nr_osv_import_stats *st = nr_calloc(1, sizeof(*st));
    char zip[600];
    struct archive *a;
    (void)state;

    setenv("NETREVIEW_NOW", NOW, 1);
    nr_fixture_open(&fx, "cn-2017");
    snprintf(zip, sizeof(zip), "%s/all.zip", fx.dir);
    a = zip_open(zip);
    for (size_t i = 0; i < NR_ARRAY_LEN(files); i++) {
        size_t len;
        char *buf = read_data(files[i], &len);
        zip_add(a, files[i], buf, len);
        nr_free(buf);
    }
    zip_add(a, "README.txt", "not a record", 12);
    zip_add(a, "broken.json", "{\"id\":", 6);
    zip_close(a);

    import_ok(&fx, zip, st);
    assert_int_equal(st->files, 8);
    assert_int_equal(st->added, 7);
    assert_int_equal(st->withdrawn, 1);
    assert_int_equal(st->rejected, 1);
    assert_string_equal(st->errors[0].file, "broken.json");
    expect_stored_data(&fx);
    expect_text(&fx, "SELECT object FROM audit WHERE action = ?", "osv.import", "osv:all.zip");
    /* The same data from a directory afterwards changes nothing. */
    import_ok(&fx, data_dir, st);
    assert_int_equal(st->unchanged, 7);
    assert_int_equal(st->added + st->updated, 0);

    /* One .json file on its own. */
    {
        char one[700];
        snprintf(one, sizeof(one), "%s/single.json", fx.dir);
        write_file(fx.dir, "single.json", lodash_later);
        import_ok(&fx, one, st);
        assert_int_equal(st->files, 1);
        assert_int_equal(st->updated, 1);
    }
    nr_fixture_close(&fx);
    nr_free(st);
    unsetenv("NETREVIEW_NOW");
}

static void count_progress(void *ctx, int64_t done)
{
    int64_t *calls = ctx;
    (*calls)++;
    assert_int_equal(done % 1000, 0);
}

/* More records than one batch: the batches commit one after another and all land. */
static void test_import_batches(void **state)
{
    struct nr_fixture fx;
    struct nr_osv_import_stats *st = nr_calloc(1, sizeof(*st));
    const int n = NR_OSV_BATCH + 321;
    char zip[600], name[64];
    struct nr_buf b;
    struct archive *a;
    int64_t progress_calls = 0;
    struct nr_err err;
    (void)state;

    nr_fixture_open(&fx, "cn-2017");
    snprintf(zip, sizeof(zip), "%s/many.zip", fx.dir);
    nr_buf_init(&b, 1 << 16);
    a = zip_open(zip);
    for (int i = 0; i < n; i++) {
        nr_buf_reset(&b);
        nr_buf_printf(&b,
                      "{\"id\":\"GHSA-test-%05d\",\"modified\":\"2024-01-01T00:00:00Z\","
                      "\"aliases\":[\"CVE-2024-%05d\"],\"affected\":[{\"package\":{\"ecosystem\":"
                      "\"npm\",\"name\":\"pkg-%d\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
                      "[{\"introduced\":\"0\"},{\"fixed\":\"1.%d.0\"}]}]}]}",
                      i, i, i, i);
        snprintf(name, sizeof(name), "advisories/GHSA-test-%05d.json", i);
        zip_add(a, name, b.p, b.len);
    }
    zip_close(a);
    nr_err_init(&err);
    assert_int_equal(
        nr_osv_import(&fx.rv, &fx.admin, zip, st, count_progress, &progress_calls, &err), 0);
    assert_int_equal(progress_calls, n / 1000);
    assert_int_equal(st->files, n);
    assert_int_equal(st->added, n);
    assert_int_equal(q_int(&fx, "SELECT COUNT(*) FROM advisories", NULL), n);
    assert_int_equal(q_int(&fx, "SELECT COUNT(*) FROM advisory_aliases", NULL), 2 * n);
    assert_int_equal(q_int(&fx, "SELECT COUNT(*) FROM advisory_packages", NULL), n);
    expect_text(&fx, q_pkg, "npm/pkg-5100", "SEMVER i0 f1.5100.0");
    nr_buf_release(&b);
    nr_fixture_close(&fx);
    nr_free(st);
}

static void test_import_refusals(void **state)
{
    struct nr_fixture fx;
    struct nr_osv_import_stats *st = nr_calloc(1, sizeof(*st));
    struct nr_actor expert;
    struct nr_err err;
    char path[600];
    int64_t calls = 0;
    (void)state;

    nr_fixture_open(&fx, "cn-2017");
    memset(&expert, 0, sizeof(expert));
    expert.user_id = 42;
    expert.role = NR_ROLE_EXPERT;
    snprintf(expert.login, sizeof(expert.login), "expert1");
    nr_err_init(&err);
    assert_int_equal(nr_osv_import(&fx.rv, &expert, data_dir, st, NULL, NULL, &err), NR_EFORBIDDEN);
    assert_int_equal(q_int(&fx, "SELECT COUNT(*) FROM advisories", NULL), 0);
    assert_int_equal(q_int(&fx, "SELECT COUNT(*) FROM audit WHERE action = ?", "osv.import"), 0);

    /* Not OSV data at all. */
    snprintf(path, sizeof(path), "%s/notes.txt", fx.dir);
    write_file(fx.dir, "notes.txt", "hello");
    nr_err_init(&err);
    assert_int_equal(nr_osv_import(&fx.rv, &fx.admin, path, st, NULL, NULL, &err), NR_EINVAL);
    snprintf(path, sizeof(path), "%s/fake.zip", fx.dir);
    write_file(fx.dir, "fake.zip", "this is no zip");
    nr_err_init(&err);
    assert_int_equal(nr_osv_import(&fx.rv, &fx.admin, path, st, NULL, NULL, &err), NR_EPARSE);
    assert_non_null(strstr(err.msg, "fake.zip"));
    snprintf(path, sizeof(path), "%s/absent", fx.dir);
    nr_err_init(&err);
    assert_int_equal(nr_osv_import(&fx.rv, &fx.admin, path, st, NULL, NULL, &err), -ENOENT);
    assert_int_equal(q_int(&fx, "SELECT COUNT(*) FROM advisories", NULL), 0);

    /* The office may; progress is called every 1000 records (none here). */
    fx.admin.local_admin = false;
    fx.admin.role = NR_ROLE_OFFICE;
    nr_err_init(&err);
    assert_int_equal(nr_osv_import(&fx.rv, &fx.admin, data_dir, st, count_progress, &calls, &err),
                     0);
    assert_int_equal(st->added, 7);
    assert_int_equal(calls, 0);
    nr_fixture_close(&fx);
    nr_free(st);
}

static void test_list(void **state)
{
    struct nr_fixture fx;
    struct nr_osv_import_stats *st = nr_calloc(1, sizeof(*st));
    struct nr_err err;
    json_t *rows = NULL, *row;
    (void)state;

    nr_fixture_open(&fx, "cn-2017");
    import_ok(&fx, data_dir, st);
    nr_err_init(&err);
    assert_int_equal(nr_osv_list(&fx.rv, NULL, 0, &rows, &err), 0);
    assert_int_equal(json_array_size(rows), 7);
    /* Newest modified first. */
    row = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(row, "id")), "GHSA-jfh8-c2jp-5v3q");
    assert_string_equal(json_string_value(json_array_get(json_object_get(row, "aliases"), 0)),
                        "CVE-2021-44228");
    assert_int_equal(json_array_size(json_object_get(row, "aliases")), 1);
    assert_true(json_real_value(json_object_get(row, "cvss_score")) > 9.95);
    assert_true(json_is_true(json_object_get(row, "rce")));
    assert_int_equal(json_array_size(json_object_get(row, "packages")), 2);
    json_decref(rows);

    assert_int_equal(nr_osv_list(&fx.rv, NULL, 2, &rows, &err), 0);
    assert_int_equal(json_array_size(rows), 2);
    json_decref(rows);

    /* By alias, by package key (spelled as a person would), by CPE key. */
    assert_int_equal(nr_osv_list(&fx.rv, "CVE-2021-44228", 50, &rows, &err), 0);
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    assert_int_equal(nr_osv_list(&fx.rv, "PyPI/Django", 50, &rows, &err), 0);
    assert_int_equal(json_array_size(rows), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "id")),
                        "PYSEC-2022-190");
    json_decref(rows);
    assert_int_equal(nr_osv_list(&fx.rv, "cpe:acme:router", 50, &rows, &err), 0);
    assert_int_equal(json_array_size(rows), 1);
    row = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(row, "severity")), "critical");
    assert_true(json_is_true(json_object_get(row, "auth_bypass")));
    json_decref(rows);
    assert_int_equal(nr_osv_list(&fx.rv, "GHSA-4w2v-q235-vp99", 50, &rows, &err), 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "withdrawn")),
                        "2022-01-10T19:11:46Z");
    json_decref(rows);
    assert_int_equal(nr_osv_list(&fx.rv, "npm/left-pad", 50, &rows, &err), 0);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    nr_fixture_close(&fx);
    nr_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ghsa_npm),
        cmocka_unit_test(test_parse_pypi),
        cmocka_unit_test(test_parse_debian),
        cmocka_unit_test(test_parse_withdrawn),
        cmocka_unit_test(test_parse_log4j),
        cmocka_unit_test(test_parse_go),
        cmocka_unit_test(test_parse_cpes),
        cmocka_unit_test(test_severity_choice),
        cmocka_unit_test(test_flags_and_cpe_forms),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_time_key),
        cmocka_unit_test(test_import_directory),
        cmocka_unit_test(test_import_replace_rules),
        cmocka_unit_test(test_import_rejects),
        cmocka_unit_test(test_import_zip),
        cmocka_unit_test(test_import_batches),
        cmocka_unit_test(test_import_refusals),
        cmocka_unit_test(test_list),
    };
    snprintf(data_dir, sizeof(data_dir), "%s/tests/data/osv", nr_fixture_home());
    return cmocka_run_group_tests(tests, NULL, NULL);
}
