/*
 * test_sca.c - unit tests of the supply-chain engine (src/sca/match.c, attach.c, watch.c,
 * report.c; interface sca.h): OSV records imported into a fixture installation, SBOMs written
 * here, and what the engine makes of them. Matching by package URL in each ecosystem's order at
 * the boundaries of introduced, fixed and last_affected; SEMVER against ECOSYSTEM ranges;
 * explicit versions; one vulnerability under two ids counted once; withdrawn records ignored;
 * the CPE fallback; VEX suppression; provenance and supplier concentration; the report's fields.
 * Then the case: findings recorded with their category and severity, nothing left by a refused
 * attach; and the watch (R14): a passed case hit by a new advisory is flagged once, and the gate
 * feed tells procurement systems.
 */
#include "fixture.h"
#include "netreview/gate.h"
#include "netreview/osv.h"
#include "netreview/sbom.h"
#include "netreview/sca.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "netreview/banned.h"

static struct nr_err E;

#define CHECK(expect, call)                                                                        \
    do {                                                                                           \
        int rc_;                                                                                   \
        nr_err_init(&E);                                                                           \
        rc_ = (call);                                                                              \
        if (rc_ != (expect))                                                                       \
            fail_msg("%s returned %d %s (%s, field %s), expected %s", #call, rc_,                  \
                     nr_err_name(rc_), E.msg, E.field, nr_err_name(expect));                       \
    } while (0)

#define HASH64 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* CVSS v3.1 base vectors of each band. */
#define V_CRITICAL "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" /* 9.8 */
#define V_HIGH     "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H" /* 7.2 */
#define V_MEDIUM   "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N" /* 5.4 */
#define V_LOW      "CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N" /* 2.0 */

struct world {
    struct nr_fixture fx;
    struct nr_review *rv;
    struct nr_actor office, prov, lab1, lab2;
    int64_t case_id, task_id;
    char osv[300];
    int nimport;
};

static void org(struct world *w, const char *name, const char *kind)
{
    struct nr_org_spec o = {.name = name, .kind = kind};
    CHECK(0, nr_org_add(w->rv, &w->fx.admin, &o, NULL, &E));
}

static void user(struct world *w, const char *login, const char *orgname, const char *role,
                 struct nr_actor *a)
{
    struct nr_user_spec u = {
        .login = login, .name = login, .org = orgname, .role = role, .password = "correct-horse-1"};
    CHECK(0, nr_user_add(w->rv, &w->fx.admin, &u, NULL, &E));
    CHECK(0, nr_actor_load(w->rv, login, a, &E));
}

static int64_t open_case(struct world *w, const char *product)
{
    struct nr_case_spec cs = {.trigger = "provider_application", .product = product};
    int64_t id = 0;
    CHECK(0, nr_case_open(w->rv, &w->prov, &cs, &id, &E));
    CHECK(0, nr_case_transition(w->rv, &w->office, id, "accept", NULL, NULL, &E));
    return id;
}

static void set_phase(struct world *w, int64_t case_id, const char *phase)
{
    CHECK(0, nr_store_exec(w->rv->st, &E, "UPDATE cases SET phase = ? WHERE id = ?", "ti", phase,
                           case_id));
}

/* An installation with the office, a provider, two institutions (Lab One holding a task) and a
 * case of the provider's router in phase evaluation. */
static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    struct nr_product_spec p = {.name = "Router X", .provider = "Huaxin Networks"};
    struct nr_product_spec p2 = {.name = "Switch Y", .provider = "Huaxin Networks"};
    struct nr_task_spec ts = {.institution = "Lab One", .method = "lab_testing"};

    setenv("NETREVIEW_NOW", "2026-03-02T09:00:00Z", 1);
    nr_fixture_open(&w->fx, "cn-2017");
    w->rv = &w->fx.rv;
    org(w, "Review Office", "office");
    org(w, "Huaxin Networks", "provider");
    org(w, "Lab One", "institution");
    org(w, "Lab Two", "institution");
    user(w, "office1", "Review Office", "office", &w->office);
    user(w, "prov1", "Huaxin Networks", "provider", &w->prov);
    user(w, "lab1", "Lab One", "institution", &w->lab1);
    user(w, "lab2", "Lab Two", "institution", &w->lab2);
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p, NULL, &E));
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p2, NULL, &E));
    {
        struct nr_institution_spec s1 = {
            .org = "Lab One", .methods = "lab_testing", .from = "2025-01-01", .ref = "D-1"};
        struct nr_institution_spec s2 = {
            .org = "Lab Two", .methods = "lab_testing", .from = "2025-01-01", .ref = "D-2"};
        CHECK(0, nr_institution_designate(w->rv, &w->fx.admin, &s1, NULL, &E));
        CHECK(0, nr_institution_designate(w->rv, &w->fx.admin, &s2, NULL, &E));
    }
    w->case_id = open_case(w, "Router X");
    CHECK(0, nr_task_assign(w->rv, &w->office, w->case_id, &ts, &w->task_id, &E));
    snprintf(w->osv, sizeof(w->osv), "%s/osv", w->fx.dir);
    mkdir(w->osv, 0700);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    nr_fixture_close(&w->fx);
    free(w);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Writes an OSV record for one package into a fresh directory of its own batch. */
static void osv_record(struct world *w, const char *id, const char *aliases, const char *eco,
                       const char *name, const char *ranges, const char *versions,
                       const char *vector, const char *summary, const char *extra)
{
    char path[600], *json;

    json = nr_asprintf("{\"schema_version\": \"1.6.0\", \"id\": \"%s\", \"modified\": "
                       "\"2024-01-01T00:00:00Z\", \"aliases\": [%s], \"summary\": \"%s\", "
                       "\"severity\": [{\"type\": \"CVSS_V3\", \"score\": \"%s\"}], "
                       "\"affected\": [{\"package\": {\"ecosystem\": \"%s\", \"name\": \"%s\"}, "
                       "\"ranges\": [%s], \"versions\": [%s]}]%s}",
                       id, aliases ? aliases : "", summary ? summary : "a weakness", vector, eco,
                       name, ranges ? ranges : "", versions ? versions : "", extra ? extra : "");
    snprintf(path, sizeof(path), "%s/%s.json", w->osv, id);
    write_file(path, json);
    nr_free(json);
}

/* Imports what osv_record wrote since the last import, then empties the directory. */
static void import(struct world *w)
{
    struct nr_osv_import_stats st;
    char cmd[400];

    CHECK(0, nr_osv_import(w->rv, &w->fx.admin, w->osv, &st, NULL, NULL, &E));
    if (st.rejected)
        fail_msg("import rejected %lld: %s: %s", (long long)st.rejected, st.errors[0].file,
                 st.errors[0].err.msg);
    snprintf(cmd, sizeof(cmd), "rm -f '%s'/*.json", w->osv);
    assert_int_equal(system(cmd), 0);
    w->nimport++;
}

#define SEMVER_RANGE(i, f)                                                                         \
    "{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"" i "\"}, {\"fixed\": \"" f "\"}]}"
#define ECO_RANGE(i, f)                                                                            \
    "{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"" i "\"}, {\"fixed\": \"" f "\"}]}"

/* The advisories most tests use. */
static void import_base(struct world *w)
{
    osv_record(w, "GHSA-35jh-r3h4-6jhm", "\"CVE-2021-23337\"", "npm", "lodash",
               SEMVER_RANGE("0", "4.17.21"), NULL, V_HIGH, "Command injection in lodash", NULL);
    /* The same vulnerability as the NVD publishes it: one alias group with the GHSA. */
    osv_record(w, "CVE-2021-23337", "\"GHSA-35jh-r3h4-6jhm\"", "npm", "lodash",
               SEMVER_RANGE("4.0.0", "4.17.21"), NULL, V_HIGH, "lodash template injection", NULL);
    osv_record(w, "PYSEC-2022-190", "\"CVE-2022-34265\"", "PyPI", "Django",
               ECO_RANGE("3.2", "3.2.14"), NULL, V_CRITICAL, "SQL injection in Django", NULL);
    osv_record(w, "GHSA-jfh8-c2jp-5v3q", "\"CVE-2021-44228\"", "Maven",
               "org.apache.logging.log4j:log4j-core", ECO_RANGE("2.0-beta9", "2.15.0"), NULL,
               V_CRITICAL, "Remote code execution in Log4j", NULL);
    osv_record(w, "DSA-5417-1", "", "Debian:12", "openssl", ECO_RANGE("0", "3.0.11-1~deb12u1"),
               NULL, V_MEDIUM, "openssl security update", NULL);
    osv_record(w, "GHSA-xvch-5gv4-984h", "\"CVE-2021-44906\"", "npm", "minimist",
               "{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"1.0.0\"}, "
               "{\"last_affected\": \"1.2.5\"}]}",
               NULL, V_CRITICAL, "Prototype pollution in minimist", NULL);
    osv_record(w, "GO-2024-0001", "", "Go", "github.com/acme/lib", NULL, "\"v1.2.3\", \"v1.2.4\"",
               V_LOW, "Listed versions only", NULL);
    /* One text range read in two orders: "1.0.0-1" is a pre-release of 1.0.0 in SemVer and a
     * post-release of it in PEP 440. */
    osv_record(w, "PYSEC-2024-1", "", "PyPI", "dualpkg", SEMVER_RANGE("0", "1.0.0"), NULL, V_LOW,
               "semver range", NULL);
    osv_record(w, "PYSEC-2024-2", "", "PyPI", "ecopkg", ECO_RANGE("0", "1.0.0"), NULL, V_LOW,
               "ecosystem range", NULL);
    /* Withdrawn: never matches. */
    osv_record(w, "GHSA-wwww-wwww-wwww", "", "npm", "lodash", SEMVER_RANGE("0", "9.9.9"), NULL,
               V_CRITICAL, "withdrawn record", ", \"withdrawn\": \"2024-02-01T00:00:00Z\"");
    /* A product known only by CPE. */
    {
        char path[600];
        snprintf(path, sizeof(path), "%s/NRV-2024-0002.json", w->osv);
        write_file(
            path,
            "{\"id\": \"NRV-2024-0002\", \"modified\": \"2024-03-05T10:00:00Z\", "
            "\"aliases\": [\"CVE-2024-99002\"], \"summary\": \"Authentication bypass in "
            "the Acme widget\", \"severity\": [{\"type\": \"CVSS_V3\", \"score\": \"" V_HIGH
            "\"}], \"affected\": [{\"ranges\": [" ECO_RANGE(
                "2.0",
                "2.5") "], "
                       "\"database_specific\": {\"cpes\": "
                       "[\"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*\"]}}], \"database_specific\": "
                       "{\"cwe_ids\": [\"CWE-287\"]}}");
    }
    import(w);
}

/* ---- SBOMs ---- */

struct comp {
    const char *ref, *name, *version, *purl, *cpe, *supplier, *country;
    bool nohash;
};

static char *cdx(const struct comp *c, size_t n, const char *vulns)
{
    struct nr_buf b;
    nr_buf_init(&b, 1 << 24);
    nr_buf_puts(&b, "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"serialNumber\": "
                    "\"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79\", \"metadata\": "
                    "{\"component\": {\"type\": \"device\", \"name\": \"Router X\", \"version\": "
                    "\"2.0\"}}, \"components\": [");
    for (size_t i = 0; i < n; i++) {
        nr_buf_printf(&b, "%s{\"type\": \"library\", \"bom-ref\": \"%s\", \"name\": \"%s\"",
                      i ? ", " : "", c[i].ref, c[i].name);
        if (c[i].version)
            nr_buf_printf(&b, ", \"version\": \"%s\"", c[i].version);
        if (c[i].purl)
            nr_buf_printf(&b, ", \"purl\": \"%s\"", c[i].purl);
        if (c[i].cpe)
            nr_buf_printf(&b, ", \"cpe\": \"%s\"", c[i].cpe);
        if (c[i].supplier) {
            nr_buf_printf(&b, ", \"supplier\": {\"name\": \"%s\"", c[i].supplier);
            if (c[i].country)
                nr_buf_printf(&b, ", \"address\": {\"country\": \"%s\"}", c[i].country);
            nr_buf_puts(&b, "}");
        }
        if (!c[i].nohash)
            nr_buf_puts(&b, ", \"hashes\": [{\"alg\": \"SHA-256\", \"content\": \"" HASH64 "\"}]");
        nr_buf_puts(&b, "}");
    }
    nr_buf_puts(&b, "]");
    if (vulns)
        nr_buf_printf(&b, ", \"vulnerabilities\": [%s]", vulns);
    nr_buf_puts(&b, "}");
    return nr_buf_steal(&b);
}

/* Analyses the SBOM of components c with the process-wide index, and again with an index
 * restricted to its keys (nr_sca_index_build_keys), which must give the same report but for
 * the analysis time. */
static json_t *analyze(struct world *w, const struct comp *c, size_t n, const char *vulns)
{
    struct nr_sca_index *ix = NULL, *kx = NULL;
    struct nr_sbom s;
    json_t *report = NULL, *again = NULL;
    char *doc = cdx(c, n, vulns);

    nr_sbom_init(&s);
    CHECK(0, nr_sbom_read_mem(&s, doc, strlen(doc), &E));
    CHECK(0, nr_sca_index_acquire(w->rv, &ix, &E));
    CHECK(0, nr_sca_analyze(ix, &s, &report, &E));
    CHECK(0, nr_sca_index_build_keys(w->rv, &s, &kx, &E));
    CHECK(0, nr_sca_analyze(kx, &s, &again, &E));
    assert_true(nr_sca_index_advisories(kx) == nr_sca_index_advisories(ix));
    json_object_del(again, "seconds");
    json_object_set(again, "seconds", json_object_get(report, "seconds"));
    if (!json_equal(report, again)) {
        char *a = json_dumps(report, JSON_SORT_KEYS), *b = json_dumps(again, JSON_SORT_KEYS);
        fail_msg("the restricted index reports\n%s\nthe full one\n%s", b, a);
    }
    json_decref(again);
    nr_sca_index_free(kx);
    nr_sca_index_release(ix);
    nr_sbom_release(&s);
    nr_free(doc);
    assert_non_null(report);
    return report;
}

/* The findings of a component (by ref), in report order. */
static size_t findings_of(json_t *report, const char *ref, json_t **out, size_t max)
{
    json_t *f;
    size_t i, n = 0;
    json_array_foreach(json_object_get(report, "findings"), i, f)
    {
        const char *r = json_string_value(json_object_get(json_object_get(f, "component"), "ref"));
        if (r && strcmp(r, ref) == 0 && n < max)
            out[n++] = f;
    }
    return n;
}

static json_t *one_finding(json_t *report, const char *ref)
{
    json_t *f[8];
    size_t n = findings_of(report, ref, f, 8);
    if (n != 1)
        fail_msg("component %s has %zu findings, expected 1", ref, n);
    return f[0];
}

static void no_finding(json_t *report, const char *ref)
{
    json_t *f[8];
    size_t n = findings_of(report, ref, f, 8);
    if (n != 0)
        fail_msg("component %s has %zu findings (%s), expected none", ref, n,
                 json_string_value(json_object_get(f[0], "title")));
}

static const char *fstr(json_t *f, const char *key)
{
    json_t *v = json_object_get(f, key);
    return json_is_string(v) ? json_string_value(v) : "(null)";
}

static int64_t sum(json_t *report, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(json_object_get(report, "summary"), key));
}

#define S "Acme Supply"

static void test_purl_ecosystems(void **state)
{
    struct world *w = *state;
    const struct comp c[] = {
        {"npm-a", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", NULL, S, NULL, false},
        {"npm-b", "lodash", "4.17.21", "pkg:npm/lodash@4.17.21", NULL, S, NULL, false},
        {"py-a", "Django", "3.2.13", "pkg:pypi/django@3.2.13", NULL, S, NULL, false},
        {"py-b", "Django", "3.2.14", "pkg:pypi/Django@3.2.14", NULL, S, NULL, false},
        {"py-c", "Django", "3.2rc1", "pkg:pypi/django@3.2rc1", NULL, S, NULL, false},
        {"py-d", "Django", "3.2", "pkg:pypi/django@3.2", NULL, S, NULL, false},
        {"mvn-a", "log4j-core", "2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
         NULL, S, NULL, false},
        {"mvn-b", "log4j-core", "2.0-beta9",
         "pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta9", NULL, S, NULL, false},
        {"mvn-c", "log4j-core", "2.0-alpha1",
         "pkg:maven/org.apache.logging.log4j/log4j-core@2.0-alpha1", NULL, S, NULL, false},
        {"mvn-d", "log4j-core", "2.15.0", "pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0",
         NULL, S, NULL, false},
        {"deb-a", "openssl", "3.0.9-1", "pkg:deb/debian/openssl@3.0.9-1", NULL, S, NULL, false},
        {"deb-b", "openssl", "3.0.11-1~deb12u1", "pkg:deb/debian/openssl@3.0.11-1~deb12u1", NULL, S,
         NULL, false},
        {"deb-c", "openssl", "3.0.11-1~deb11u1", "pkg:deb/debian/openssl@3.0.11-1~deb11u1", NULL, S,
         NULL, false},
        {"deb-d", "openssl", "3.0.11-1", "pkg:deb/debian/openssl@3.0.11-1", NULL, S, NULL, false},
        {"min-a", "minimist", "1.2.5", "pkg:npm/minimist@1.2.5", NULL, S, NULL, false},
        {"min-b", "minimist", "1.2.6", "pkg:npm/minimist@1.2.6", NULL, S, NULL, false},
        {"min-c", "minimist", "0.9.0", "pkg:npm/minimist@0.9.0", NULL, S, NULL, false},
        {"go-a", "github.com/acme/lib", "v1.2.3", "pkg:golang/github.com/acme/lib@v1.2.3", NULL, S,
         NULL, false},
        {"go-b", "github.com/acme/lib", "v1.2.5", "pkg:golang/github.com/acme/lib@v1.2.5", NULL, S,
         NULL, false},
        /* The version from the purl when the component gives none. */
        {"npm-c", "lodash", NULL, "pkg:npm/lodash@4.17.15", NULL, S, NULL, false},
    };
    json_t *r, *f;

    import_base(w);
    r = analyze(w, c, NR_ARRAY_LEN(c), NULL);

    f = one_finding(r, "npm-a");
    assert_string_equal(fstr(f, "severity"), "high");
    assert_string_equal(fstr(f, "category"), "supply_chain");
    assert_string_equal(fstr(f, "fixed"), "4.17.21");
    assert_string_equal(fstr(f, "title"),
                        "lodash 4.17.20: GHSA-35jh-r3h4-6jhm / CVE-2021-23337 (high, fixed in "
                        "4.17.21)");
    assert_string_equal(fstr(f, "cvss_vector"), V_HIGH);
    assert_true(json_real_value(json_object_get(f, "cvss_score")) > 7.1 &&
                json_real_value(json_object_get(f, "cvss_score")) < 7.3);
    no_finding(r, "npm-b");

    f = one_finding(r, "py-a");
    assert_string_equal(fstr(f, "severity"), "critical");
    assert_string_equal(fstr(f, "fixed"), "3.2.14");
    no_finding(r, "py-b");
    no_finding(r, "py-c");  /* a release candidate comes before the introduced 3.2 */
    one_finding(r, "py-d"); /* introduced is inclusive */

    f = one_finding(r, "mvn-a");
    /* R3: remote code execution is a loss of control. */
    assert_string_equal(fstr(f, "category"), "control");
    assert_string_equal(fstr(f, "severity"), "critical");
    one_finding(r, "mvn-b");
    no_finding(r, "mvn-c");
    no_finding(r, "mvn-d");

    f = one_finding(r, "deb-a");
    assert_string_equal(fstr(f, "severity"), "medium");
    assert_string_equal(fstr(f, "fixed"), "3.0.11-1~deb12u1");
    no_finding(r, "deb-b");
    one_finding(r, "deb-c"); /* "~" sorts before: deb11u1 < deb12u1 */
    no_finding(r, "deb-d");

    f = one_finding(r, "min-a"); /* last_affected is inclusive */
    assert_string_equal(fstr(f, "fixed"), "(null)");
    assert_non_null(strstr(fstr(f, "title"), "no fixed version known"));
    no_finding(r, "min-b");
    no_finding(r, "min-c");

    one_finding(r, "go-a");
    no_finding(r, "go-b");
    f = one_finding(r, "npm-c");
    assert_string_equal(fstr(json_object_get(f, "component"), "version"), "4.17.15");

    assert_int_equal(sum(r, "vulnerabilities"), 10);
    assert_int_equal(sum(r, "vulnerable_components"), 10);
    json_decref(r);
}

static void test_semver_against_ecosystem(void **state)
{
    struct world *w = *state;
    const struct comp c[] = {
        {"dual", "dualpkg", "1.0.0-1", "pkg:pypi/dualpkg@1.0.0-1", NULL, S, NULL, false},
        {"eco", "ecopkg", "1.0.0-1", "pkg:pypi/ecopkg@1.0.0-1", NULL, S, NULL, false},
        {"dual2", "dualpkg", "0.9", "pkg:pypi/dualpkg@0.9.0", NULL, S, NULL, false},
        {"eco2", "ecopkg", "0.9", "pkg:pypi/ecopkg@0.9", NULL, S, NULL, false},
    };
    json_t *r;

    import_base(w);
    r = analyze(w, c, NR_ARRAY_LEN(c), NULL);
    /* SEMVER: 1.0.0-1 is a pre-release, below the fix. */
    one_finding(r, "dual");
    /* ECOSYSTEM (PEP 440): 1.0.0-1 is the post-release 1.0.0.post1, past the fix. */
    no_finding(r, "eco");
    one_finding(r, "dual2");
    one_finding(r, "eco2");
    json_decref(r);
}

/* An entry whose only ranges are GIT (commits, no versions[]) says nothing about versions: it
 * must not be read as "every version affected", which an entry without any range data means. */
static void test_git_only_entry(void **state)
{
    struct world *w = *state;
    const struct comp c[] = {
        {"g", "gitonly", "1.0.0", "pkg:npm/gitonly@1.0.0", NULL, S, NULL, false},
        {"b", "bare", "1.0.0", "pkg:npm/bare@1.0.0", NULL, S, NULL, false},
    };
    json_t *r;

    osv_record(w, "OSV-2024-1", "", "npm", "gitonly",
               "{\"type\": \"GIT\", \"repo\": \"https://example.org/g.git\", \"events\": "
               "[{\"introduced\": \"0\"}, {\"fixed\": \"8d2b1f0e\"}]}",
               NULL, V_HIGH, NULL, NULL);
    osv_record(w, "OSV-2024-2", "", "npm", "bare", NULL, NULL, V_HIGH, NULL, NULL);
    import(w);
    r = analyze(w, c, NR_ARRAY_LEN(c), NULL);
    no_finding(r, "g");
    one_finding(r, "b");
    json_decref(r);
}

static void test_aliases_and_withdrawn(void **state)
{
    struct world *w = *state;
    const struct comp c[] = {
        {"lo", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", NULL, S, NULL, false},
        {"lo3", "lodash", "3.10.1", "pkg:npm/lodash@3.10.1", NULL, S, NULL, false},
    };
    json_t *r, *f, *ids;
    struct nr_sca_index *ix = NULL;
    int64_t stored = 0;

    import_base(w);
    r = analyze(w, c, NR_ARRAY_LEN(c), NULL);
    /* Two records of one vulnerability: one finding listing both ids, the GHSA first. */
    f = one_finding(r, "lo");
    ids = json_object_get(f, "advisories");
    assert_int_equal(json_array_size(ids), 2);
    assert_string_equal(json_string_value(json_array_get(ids, 0)), "GHSA-35jh-r3h4-6jhm");
    assert_string_equal(json_string_value(json_array_get(ids, 1)), "CVE-2021-23337");
    /* Only the GHSA covers lodash 3: the group still lists both ids. */
    f = one_finding(r, "lo3");
    assert_int_equal(json_array_size(json_object_get(f, "advisories")), 2);
    assert_int_equal(sum(r, "vulnerabilities"), 2);
    /* The withdrawn record (affecting every lodash below 9.9.9) is not in the index. */
    CHECK(0, nr_store_query_int(w->rv->st, &E, &stored, "SELECT COUNT(*) FROM advisories", ""));
    CHECK(0, nr_sca_index_build(w->rv, &ix, &E));
    assert_int_equal((int64_t)nr_sca_index_advisories(ix), stored - 1);
    assert_int_equal(json_integer_value(json_object_get(r, "advisories")), stored - 1);
    nr_sca_index_free(ix);
    json_decref(r);
    /* A chain of three records of one vulnerability, only the first covering the SBOM's
     * left-pad: an index restricted to its keys (analyze() compares) must follow the aliases
     * through the second (sharing the CVE) to the third (sharing the PYSEC id, adding its own). */
    osv_record(w, "GHSA-lpad-0000-0001", "\"CVE-2099-0001\"", "npm", "left-pad",
               SEMVER_RANGE("0", "1.0.0"), NULL, V_LOW, "left-pad", NULL);
    osv_record(w, "OSV-2099-0002", "\"CVE-2099-0001\", \"PYSEC-2099-2\"", "npm", "left-pad",
               SEMVER_RANGE("5.0.0", "6.0.0"), NULL, V_LOW, "left-pad again", NULL);
    osv_record(w, "OSV-2099-0003", "\"PYSEC-2099-2\", \"RUSTSEC-2099-3\"", "npm", "right-pad",
               SEMVER_RANGE("0", "1.0.0"), NULL, V_LOW, "right-pad", NULL);
    import(w);
    {
        const struct comp lp[] = {
            {"lp", "left-pad", "0.5.0", "pkg:npm/left-pad@0.5.0", NULL, S, NULL, false}};
        r = analyze(w, lp, 1, NULL);
    }
    ids = json_object_get(one_finding(r, "lp"), "advisories");
    assert_int_equal(json_array_size(ids), 6);
    assert_string_equal(json_string_value(json_array_get(ids, 4)), "RUSTSEC-2099-3");
    json_decref(r);
}

static void test_cpe_fallback(void **state)
{
    struct world *w = *state;
    const struct comp c[] = {
        {"w24", "widget", "2.4", NULL, "cpe:2.3:a:acme:widget:2.4:*:*:*:*:*:*:*", S, NULL, false},
        {"w25", "widget", "2.5", NULL, "cpe:2.3:a:acme:widget:2.5:*:*:*:*:*:*:*", S, NULL, false},
        /* A purl that nothing matches falls back to the CPE. */
        {"wp", "widget", "2.1", "pkg:generic/acme/widget@2.1",
         "cpe:2.3:a:acme:widget:2.1:*:*:*:*:*:*:*", S, NULL, false},
        /* The version from the CPE when the component gives none. */
        {"wv", "widget", NULL, NULL, "cpe:2.3:a:acme:widget:2.2:*:*:*:*:*:*:*", S, NULL, false},
        /* Another vendor's widget. */
        {"wo", "widget", "2.4", NULL, "cpe:2.3:a:other:widget:2.4:*:*:*:*:*:*:*", S, NULL, false},
        /* No version at all: no match, unknown provenance. */
        {"nv", "widget", NULL, NULL, "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*", S, NULL, false},
    };
    json_t *r, *f, *p;
    size_t i;
    bool seen = false;

    import_base(w);
    r = analyze(w, c, NR_ARRAY_LEN(c), NULL);
    f = one_finding(r, "w24");
    assert_string_equal(fstr(f, "severity"), "high");
    /* CWE-287: an authentication bypass is a loss of control. */
    assert_string_equal(fstr(f, "category"), "control");
    assert_non_null(strstr(fstr(f, "detail"), "Matched by CPE"));
    no_finding(r, "w25");
    one_finding(r, "wp");
    f = one_finding(r, "wv");
    assert_string_equal(fstr(json_object_get(f, "component"), "version"), "2.2");
    no_finding(r, "wo");
    no_finding(r, "nv");
    json_array_foreach(json_object_get(r, "provenance"), i, p)
    {
        if (strcmp(fstr(p, "ref"), "nv") == 0) {
            seen = true;
            assert_string_equal(json_string_value(json_array_get(json_object_get(p, "missing"), 0)),
                                "version");
        }
    }
    assert_true(seen);
    assert_int_equal(sum(r, "no_version"), 1);
    json_decref(r);
}

static void test_vex(void **state)
{
    struct world *w = *state;
    const struct comp c[] = {
        {"lo", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", NULL, S, NULL, false},
        {"dj", "Django", "3.2.13", "pkg:pypi/django@3.2.13", NULL, S, NULL, false},
        {"mv", "log4j-core", "2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", NULL,
         S, NULL, false},
    };
    /* By an alias id and the component's ref; by the advisory id and the purl; one statement
     * that does not suppress. */
    const char *vulns =
        "{\"id\": \"CVE-2021-23337\", \"analysis\": {\"state\": \"not_affected\", "
        "\"justification\": \"code_not_present\", \"detail\": \"template() is never used\"}, "
        "\"affects\": [{\"ref\": \"lo\"}]}, "
        "{\"id\": \"PYSEC-2022-190\", \"analysis\": {\"state\": \"resolved\"}, \"affects\": "
        "[{\"ref\": \"pkg:pypi/django@3.2.13\"}]}, "
        "{\"id\": \"CVE-2021-44228\", \"analysis\": {\"state\": \"exploitable\"}, \"affects\": "
        "[{\"ref\": \"mv\"}]}";
    json_t *r, *f, *vex;

    import_base(w);
    r = analyze(w, c, NR_ARRAY_LEN(c), vulns);
    f = one_finding(r, "lo");
    assert_true(json_is_true(json_object_get(f, "suppressed")));
    vex = json_object_get(f, "vex");
    assert_string_equal(fstr(vex, "state"), "not_affected");
    assert_string_equal(fstr(vex, "justification"), "code_not_present");
    assert_string_equal(fstr(vex, "detail"), "template() is never used");
    f = one_finding(r, "dj");
    assert_true(json_is_true(json_object_get(f, "suppressed")));
    f = one_finding(r, "mv");
    assert_true(json_is_false(json_object_get(f, "suppressed")));
    assert_string_equal(fstr(json_object_get(f, "vex"), "state"), "exploitable");
    assert_int_equal(sum(r, "suppressed"), 2);
    assert_int_equal(sum(r, "vulnerabilities"), 1);
    assert_int_equal(sum(r, "vulnerable_components"), 1);
    json_decref(r);
}

static void test_provenance_and_concentration(void **state)
{
    struct world *w = *state;
    const struct comp c[] = {
        {"a", "alpha", "1.0", "pkg:npm/alpha@1.0.0", NULL, "Acme", "CN", false},
        {"b", "beta", "1.0", "pkg:npm/beta@1.0.0", NULL, "Acme", "CN", false},
        {"c", "gamma", "1.0", "pkg:npm/gamma@1.0.0", NULL, "Acme", "CN", true},
        {"d", "delta", "1.0", "pkg:npm/delta@1.0.0", NULL, "Bravo", "US", false},
        {"e", "epsilon", "1.0", NULL, NULL, NULL, NULL, false},
        {"f", "zeta", NULL, "pkg:npm/zeta", NULL, NULL, NULL, true},
    };
    json_t *r, *s, *p;
    size_t i;
    int found = 0;

    r = analyze(w, c, NR_ARRAY_LEN(c), NULL);
    assert_int_equal(sum(r, "components"), 6);
    assert_int_equal(sum(r, "unknown_provenance"), 3);
    assert_int_equal(sum(r, "no_supplier"), 2);
    assert_int_equal(sum(r, "no_version"), 1);
    assert_int_equal(sum(r, "no_hash"), 2);
    assert_int_equal(sum(r, "no_identifier"), 1);
    assert_int_equal(json_array_size(json_object_get(r, "provenance")), 3);
    json_array_foreach(json_object_get(r, "provenance"), i, p)
    {
        json_t *m = json_object_get(p, "missing");
        if (strcmp(fstr(p, "name"), "zeta") == 0) {
            found++;
            assert_int_equal(json_array_size(m), 3);
            assert_string_equal(json_string_value(json_array_get(m, 0)), "supplier");
            assert_string_equal(json_string_value(json_array_get(m, 1)), "version");
            assert_string_equal(json_string_value(json_array_get(m, 2)), "hash");
        }
        if (strcmp(fstr(p, "name"), "epsilon") == 0) {
            found++;
            assert_int_equal(json_array_size(m), 2);
            assert_string_equal(json_string_value(json_array_get(m, 1)), "identifier");
        }
    }
    assert_int_equal(found, 2);
    s = json_object_get(r, "suppliers");
    assert_int_equal(json_array_size(s), 3);
    assert_string_equal(fstr(json_array_get(s, 0), "supplier"), "Acme");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(s, 0), "components")), 3);
    assert_true(json_real_value(json_object_get(json_array_get(s, 0), "share")) == 0.5);
    assert_string_equal(fstr(json_array_get(s, 1), "supplier"), "(none)");
    assert_string_equal(fstr(json_array_get(s, 2), "supplier"), "Bravo");
    s = json_object_get(r, "countries");
    assert_string_equal(fstr(json_array_get(s, 0), "country"), "CN");
    assert_string_equal(fstr(json_array_get(s, 1), "country"), "(none)");
    json_decref(r);
}

static void test_report_fields(void **state)
{
    struct world *w = *state;
    const struct comp c[] = {
        {"lo", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", NULL, S, NULL, false},
        {"go", "github.com/acme/lib", "v1.2.3", "pkg:golang/github.com/acme/lib@v1.2.3", NULL, S,
         NULL, false},
        {"mv", "log4j-core", "2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", NULL,
         S, NULL, false},
        {"dj", "Django", "3.2.13", "pkg:pypi/django@3.2.13", NULL, S, NULL, false},
    };
    json_t *r, *sb, *f, *comp, *sev;
    char *text = NULL;
    size_t len = 0;
    FILE *fp;

    import_base(w);
    r = analyze(w, c, NR_ARRAY_LEN(c), NULL);
    sb = json_object_get(r, "sbom");
    assert_string_equal(fstr(sb, "format"), "cyclonedx");
    assert_string_equal(fstr(sb, "spec_version"), "1.5");
    assert_string_equal(fstr(sb, "subject"), "Router X");
    assert_string_equal(fstr(sb, "subject_version"), "2.0");
    assert_int_equal(json_integer_value(json_object_get(sb, "components")), 4);
    assert_non_null(json_object_get(sb, "dependencies"));
    assert_true(json_integer_value(json_object_get(r, "advisories")) > 0);
    assert_true(json_is_number(json_object_get(r, "seconds")));
    sev = json_object_get(json_object_get(r, "summary"), "by_severity");
    assert_int_equal(json_integer_value(json_object_get(sev, "critical")), 2);
    assert_int_equal(json_integer_value(json_object_get(sev, "high")), 1);
    assert_int_equal(json_integer_value(json_object_get(sev, "medium")), 0);
    assert_int_equal(json_integer_value(json_object_get(sev, "low")), 1);
    /* Sorted by severity, then component name. */
    f = json_object_get(r, "findings");
    assert_int_equal(json_array_size(f), 4);
    assert_string_equal(fstr(json_object_get(json_array_get(f, 0), "component"), "name"), "Django");
    assert_string_equal(fstr(json_object_get(json_array_get(f, 1), "component"), "name"),
                        "log4j-core");
    assert_string_equal(fstr(json_object_get(json_array_get(f, 2), "component"), "name"), "lodash");
    assert_string_equal(fstr(json_array_get(f, 3), "severity"), "low");
    f = json_array_get(f, 2);
    comp = json_object_get(f, "component");
    assert_string_equal(fstr(comp, "purl"), "pkg:npm/lodash@4.17.20");
    assert_string_equal(fstr(comp, "ref"), "lo");
    assert_string_equal(fstr(comp, "path"), "components[0]");
    assert_true(json_is_null(json_object_get(comp, "cpe")));
    assert_true(json_is_null(json_object_get(comp, "group")));
    assert_true(json_is_null(json_object_get(f, "vex")));
    assert_non_null(strstr(fstr(f, "detail"), "Command injection in lodash"));

    fp = open_memstream(&text, &len);
    nr_sca_report_print(r, fp);
    fclose(fp);
    assert_non_null(strstr(text, "4 components, 4 vulnerable, 4 vulnerabilities (2 critical"));
    assert_non_null(strstr(text, "GHSA-jfh8-c2jp-5v3q, CVE-2021-44228"));
    assert_non_null(strstr(text, "top suppliers: Acme Supply 4 (100.0%)"));
    free(text);
    json_decref(r);
}

/* ---- the case ---- */

static int64_t count(struct world *w, const char *sql)
{
    int64_t n = -1;
    CHECK(0, nr_store_query_int(w->rv->st, &E, &n, sql, ""));
    return n;
}

/* Files in the evidence store (but its tmp directory). */
static int stored_files(struct world *w)
{
    char cmd[600], buf[32] = "";
    FILE *p;
    snprintf(cmd, sizeof(cmd), "find '%s' -type f -not -path '*/tmp/*' 2>/dev/null | wc -l",
             w->rv->data_dir);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(buf, sizeof(buf), p));
    pclose(p);
    return (int)strtol(buf, NULL, 10);
}

struct snapshot {
    int64_t evidence, sboms, components, matches, findings, audit;
    int files;
};

static void snap(struct world *w, struct snapshot *s)
{
    s->evidence = count(w, "SELECT COUNT(*) FROM evidence");
    s->sboms = count(w, "SELECT COUNT(*) FROM sboms");
    s->components = count(w, "SELECT COUNT(*) FROM sbom_components");
    s->matches = count(w, "SELECT COUNT(*) FROM sbom_matches");
    s->findings = count(w, "SELECT COUNT(*) FROM findings");
    s->audit = count(w, "SELECT COUNT(*) FROM audit");
    s->files = stored_files(w);
}

static void same(struct world *w, const struct snapshot *a)
{
    struct snapshot b;
    snap(w, &b);
    assert_int_equal(a->evidence, b.evidence);
    assert_int_equal(a->sboms, b.sboms);
    assert_int_equal(a->components, b.components);
    assert_int_equal(a->matches, b.matches);
    assert_int_equal(a->findings, b.findings);
    assert_int_equal(a->audit, b.audit);
    assert_int_equal(a->files, b.files);
}

static const struct comp router[] = {
    {"lo", "lodash", "4.17.20", "pkg:npm/lodash@4.17.20", NULL, "OpenJS", NULL, false},
    {"mv", "log4j-core", "2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", NULL,
     "Apache", NULL, false},
    {"mi", "minimist", "1.2.6", "pkg:npm/minimist@1.2.6", NULL, "OpenJS", NULL, false},
    {"ax", "axios", "0.21.0", "pkg:npm/axios@0.21.0", NULL, "OpenJS", NULL, false},
    {"dj", "Django", "3.2.13", "pkg:pypi/django@3.2.13", NULL, NULL, NULL, false},
};

static char *sbom_file(struct world *w, const char *name, const struct comp *c, size_t n,
                       const char *vulns)
{
    char *path = nr_asprintf("%s/%s", w->fx.dir, name), *doc = cdx(c, n, vulns);
    write_file(path, doc);
    nr_free(doc);
    return path;
}

static json_t *finding_by_title(json_t *list, const char *prefix)
{
    json_t *f;
    size_t i;
    json_array_foreach(list, i, f)
    {
        if (strncmp(fstr(f, "title"), prefix, strlen(prefix)) == 0)
            return f;
    }
    fail_msg("no finding titled %s...", prefix);
    return NULL;
}

static void test_attach(void **state)
{
    struct world *w = *state;
    const char *vex = "{\"id\": \"PYSEC-2022-190\", \"analysis\": {\"state\": "
                      "\"false_positive\"}, \"affects\": [{\"ref\": \"dj\"}]}";
    char *path = sbom_file(w, "router.cdx.json", router, NR_ARRAY_LEN(router), vex);
    json_t *report = NULL, *list = NULL, *f, *ids;
    int64_t eid, sid, n = 0;
    char evidence[32];

    import_base(w);
    CHECK(0, nr_sca_attach_file(w->rv, &w->office, w->case_id, 0, path, &report, &E));
    eid = json_integer_value(json_object_get(report, "evidence_id"));
    sid = json_integer_value(json_object_get(report, "sbom_id"));
    ids = json_object_get(report, "finding_ids");
    assert_true(eid > 0 && sid > 0);
    /* lodash, log4j; Django suppressed by VEX; plus the provenance finding (Django names no
     * supplier) and the concentration finding (OpenJS has 3 of 5). */
    assert_int_equal(json_array_size(ids), 4);
    assert_int_equal(sum(report, "suppressed"), 1);

    CHECK(0, nr_finding_list(w->rv, &w->office, w->case_id, &list, &E));
    assert_int_equal(json_array_size(list), 4);
    snprintf(evidence, sizeof(evidence), "%lld", (long long)eid);
    f = finding_by_title(list, "log4j-core 2.14.1: GHSA-jfh8-c2jp-5v3q / CVE-2021-44228");
    assert_string_equal(fstr(f, "category"), "control");
    assert_string_equal(fstr(f, "severity"), "critical");
    assert_string_equal(fstr(f, "source"), "sbom");
    assert_string_equal(fstr(f, "evidence_ids"), evidence);
    f = finding_by_title(list, "lodash 4.17.20: GHSA-35jh-r3h4-6jhm / CVE-2021-23337 (high, "
                               "fixed in 4.17.21)");
    assert_string_equal(fstr(f, "category"), "supply_chain");
    assert_string_equal(fstr(f, "severity"), "high");
    f = finding_by_title(list, "SBOM provenance: 1 of 5 components");
    assert_string_equal(fstr(f, "category"), "supply_chain");
    assert_string_equal(fstr(f, "severity"), "low");
    f = finding_by_title(list, "Supplier concentration: OpenJS supplies 3 of 5 components");
    assert_string_equal(fstr(f, "category"), "supply_chain");
    json_decref(list);

    assert_int_equal(count(w, "SELECT COUNT(*) FROM sbom_components"), 5);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM sbom_components WHERE pkg_key = "
                              "'Maven/org.apache.logging.log4j:log4j-core'"),
                     1);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM sbom_vex"), 1);
    /* lodash under two ids, log4j, and the suppressed Django match without a finding. */
    assert_int_equal(count(w, "SELECT COUNT(*) FROM sbom_matches"), 4);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM sbom_matches WHERE finding_id IS NULL"), 1);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'sbom.analyze'"), 1);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'evidence.add'"), 1);
    CHECK(0, nr_store_query_int(w->rv->st, &E, &n, "SELECT evidence_id FROM sboms WHERE id = ?",
                                "i", sid));
    assert_int_equal(n, eid);
    json_decref(report);

    /* The list shows it with its counts. */
    CHECK(0, nr_sca_list(w->rv, &w->office, w->case_id, &list, &E));
    assert_int_equal(json_array_size(list), 1);
    f = json_array_get(list, 0);
    assert_int_equal(json_integer_value(json_object_get(f, "id")), sid);
    assert_int_equal(json_integer_value(json_object_get(f, "components")), 5);
    assert_int_equal(json_integer_value(json_object_get(f, "matches")), 4);
    assert_int_equal(json_integer_value(json_object_get(f, "vulnerable_components")), 3);
    assert_int_equal(json_integer_value(json_object_get(f, "findings")), 2);
    assert_string_equal(fstr(f, "created_by"), "office1");
    json_decref(list);
    /* R11: an institution without a task on the case does not see it. */
    CHECK(NR_ENOTFOUND, nr_sca_list(w->rv, &w->lab2, w->case_id, &list, &E));

    /* An institution attaches under its task. */
    CHECK(0, nr_sca_attach_file(w->rv, &w->lab1, w->case_id, w->task_id, path, &report, &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM findings WHERE task_id IS NOT NULL"), 4);
    json_decref(report);
    nr_free(path);
}

static void test_attach_refused(void **state)
{
    struct world *w = *state;
    char *path = sbom_file(w, "router.cdx.json", router, NR_ARRAY_LEN(router), NULL);
    char *bad = nr_asprintf("%s/bad.cdx.json", w->fx.dir);
    json_t *report = NULL;
    struct snapshot before;
    int64_t other;

    import_base(w);
    snap(w, &before);
    /* A provider adds evidence but records no findings. */
    CHECK(NR_EFORBIDDEN, nr_sca_attach_file(w->rv, &w->prov, w->case_id, 0, path, &report, &E));
    assert_string_equal(E.field, "role");
    assert_null(report);
    same(w, &before);
    /* R11: an institution without a task on the case does not see it. */
    CHECK(NR_ENOTFOUND, nr_sca_attach_file(w->rv, &w->lab2, w->case_id, 0, path, &report, &E));
    same(w, &before);
    /* Lab One's task, claimed by Lab Two (which holds a task of its own). */
    {
        struct nr_task_spec ts = {.institution = "Lab Two", .method = "lab_testing"};
        int64_t t2 = 0;
        CHECK(0, nr_task_assign(w->rv, &w->office, w->case_id, &ts, &t2, &E));
    }
    snap(w, &before);
    CHECK(NR_EFORBIDDEN,
          nr_sca_attach_file(w->rv, &w->lab2, w->case_id, w->task_id, path, &report, &E));
    assert_string_equal(E.field, "task");
    same(w, &before);
    /* A task of another case. */
    other = open_case(w, "Switch Y");
    snap(w, &before);
    CHECK(NR_EINVAL, nr_sca_attach_file(w->rv, &w->office, other, w->task_id, path, &report, &E));
    same(w, &before);
    /* A phase that takes no evidence. */
    set_phase(w, w->case_id, "decided");
    CHECK(NR_EPHASE, nr_sca_attach_file(w->rv, &w->office, w->case_id, 0, path, &report, &E));
    same(w, &before);
    set_phase(w, w->case_id, "evaluation");
    /* A file that is no SBOM: nothing is stored, not even the evidence. */
    write_file(bad, "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": [{");
    CHECK(NR_EPARSE, nr_sca_attach_file(w->rv, &w->office, w->case_id, 0, bad, &report, &E));
    same(w, &before);
    CHECK(-ENOENT,
          nr_sca_attach_file(w->rv, &w->office, w->case_id, 0, "/nonexistent/x.json", &report, &E));
    same(w, &before);
    /* A case the actor may not see is not found. */
    CHECK(NR_ENOTFOUND, nr_sca_attach_file(w->rv, &w->office, 9999, 0, path, &report, &E));
    same(w, &before);
    nr_free(bad);
    nr_free(path);
}

static void test_attach_evidence(void **state)
{
    struct world *w = *state;
    char *path = sbom_file(w, "router.cdx.json", router, NR_ARRAY_LEN(router), NULL);
    struct nr_evidence_spec es = {.path = path};
    json_t *report = NULL;
    int64_t eid = 0, other = 0;
    struct snapshot before;

    import_base(w);
    /* The provider supplies its SBOM; the office analyses it. */
    CHECK(0, nr_evidence_add(w->rv, &w->prov, w->case_id, &es, &eid, NULL, &E));
    snap(w, &before);
    CHECK(NR_EFORBIDDEN, nr_sca_attach_evidence(w->rv, &w->prov, w->case_id, 0, eid, &report, &E));
    same(w, &before);
    CHECK(NR_ENOTFOUND,
          nr_sca_attach_evidence(w->rv, &w->office, w->case_id, 0, eid + 100, &report, &E));
    other = open_case(w, "Switch Y");
    CHECK(NR_ENOTFOUND, nr_sca_attach_evidence(w->rv, &w->office, other, 0, eid, &report, &E));
    /* R11: to an institution without a task on the case, evidence that exists there and evidence
     * that does not give the same answer, or the reply would tell that the case exists. */
    {
        struct nr_err e1, e2;
        nr_err_init(&e1);
        nr_err_init(&e2);
        assert_int_equal(
            nr_sca_attach_evidence(w->rv, &w->lab2, w->case_id, 0, eid, &report, &e1),
            nr_sca_attach_evidence(w->rv, &w->lab2, w->case_id, 0, eid + 100, &report, &e2));
        assert_string_equal(e1.field, e2.field);
        assert_string_equal(e1.msg, e2.msg);
        snap(w, &before); /* the refusals are audited */
    }
    CHECK(0, nr_sca_attach_evidence(w->rv, &w->office, w->case_id, 0, eid, &report, &E));
    assert_int_equal(json_integer_value(json_object_get(report, "evidence_id")), eid);
    assert_int_equal(json_array_size(json_object_get(report, "finding_ids")), 5);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM evidence"), before.evidence);
    /* R11: the decrypted copy is gone, and the read of the evidence is on record. */
    assert_int_equal(stored_files(w), before.files);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'evidence.read'"), 1);
    json_decref(report);
    report = NULL;
    CHECK(NR_EEXISTS, nr_sca_attach_evidence(w->rv, &w->office, w->case_id, 0, eid, &report, &E));
    assert_null(report);
    nr_free(path);
}

/* ---- the watch (R14) ---- */

static void decide(struct world *w, int64_t case_id, const char *outcome)
{
    struct nr_decision_spec d = {.outcome = outcome,
                                 .rationale = "on the evaluation and the panel's scores",
                                 .conditions = strcmp(outcome, "passed_with_conditions") == 0
                                                   ? "remote management disabled"
                                                   : NULL,
                                 .visibility = "public"};
    struct nr_arena ar;
    struct nr_case c;
    int64_t did = 0;

    set_phase(w, case_id, "expert_review");
    nr_arena_init(&ar);
    CHECK(0, nr_case_get(w->rv, &w->office, case_id, &ar, &c, &E));
    CHECK(0, nr__decision_record(w->rv, &w->office, &c, &d, &did, &E));
    nr_arena_release(&ar);
    set_phase(w, case_id, "decided");
    nr_arena_init(&ar);
    CHECK(0, nr_case_get(w->rv, &w->office, case_id, &ar, &c, &E));
    CHECK(0, nr__decision_publish(w->rv, &w->office, &c, &E));
    nr_arena_release(&ar);
    set_phase(w, case_id, "published");
}

static void test_watch(void **state)
{
    struct world *w = *state;
    char *path = sbom_file(w, "router.cdx.json", router, NR_ARRAY_LEN(router), NULL);
    struct nr_sca_watch_stats st;
    json_t *report = NULL, *c = NULL, *feed = NULL, *item;
    struct nr_actor pub;
    int64_t failed_case;
    char *reason = NULL;
    size_t i, rereviews = 0;

    import_base(w);
    /* Router X passes with its SBOM attached; Switch Y, with the same SBOM, fails. */
    CHECK(0, nr_sca_attach_file(w->rv, &w->office, w->case_id, 0, path, &report, &E));
    json_decref(report);
    failed_case = open_case(w, "Switch Y");
    CHECK(0, nr_sca_attach_file(w->rv, &w->office, failed_case, 0, path, &report, &E));
    json_decref(report);
    decide(w, w->case_id, "passed");
    decide(w, failed_case, "failed");

    /* Only the office and the installation run it. */
    CHECK(NR_EFORBIDDEN, nr_sca_watch(w->rv, &w->prov, &st, &E));

    /* Nothing new since the attach. */
    setenv("NETREVIEW_NOW", "2026-04-01T09:00:00Z", 1);
    CHECK(0, nr_sca_watch(w->rv, &w->office, &st, &E));
    assert_int_equal(st.sboms, 1);
    assert_int_equal(st.components, 5);
    assert_int_equal(st.matches, 4);
    assert_int_equal(st.new_matches, 0);
    assert_int_equal(st.flagged, 0);

    /* New advisories: axios (new), and another id of the lodash vulnerability (no news). */
    setenv("NETREVIEW_NOW", "2026-05-04T10:00:00Z", 1);
    osv_record(w, "GHSA-4w2v-q235-vp99", "\"CVE-2020-28168\"", "npm", "axios",
               SEMVER_RANGE("0", "0.21.1"), NULL, V_MEDIUM, "SSRF in axios", NULL);
    osv_record(w, "OSV-2021-LODASH", "\"CVE-2021-23337\"", "npm", "lodash",
               SEMVER_RANGE("4.17.0", "4.17.21"), NULL, V_HIGH, "lodash again", NULL);
    import(w);
    setenv("NETREVIEW_NOW", "2026-05-05T08:30:00Z", 1);
    CHECK(0, nr_sca_watch(w->rv, &w->fx.admin, &st, &E));
    assert_int_equal(st.sboms, 1);
    assert_int_equal(st.new_matches, 2);
    assert_int_equal(st.flagged, 1);
    assert_true(st.index_seconds >= 0 && st.match_seconds >= 0);
    CHECK(0, nr_store_query_text(w->rv->st, &E, &reason,
                                 "SELECT watch_reason FROM cases WHERE id = ?", "i", w->case_id));
    assert_string_equal(reason,
                        "re-review suggested: GHSA-4w2v-q235-vp99 (medium) affects axios 0.21.0");
    nr_free(reason);
    reason = NULL;
    CHECK(0, nr_store_query_text(w->rv->st, &E, &reason,
                                 "SELECT watch_reason FROM cases WHERE id = ?", "i", failed_case));
    assert_null(reason);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'case.watch'"), 1);
    CHECK(0, nr_store_query_text(w->rv->st, &E, &reason,
                                 "SELECT value FROM settings WHERE key = 'watch.last_run'", ""));
    assert_string_equal(reason, "2026-05-05T08:30:00Z");
    nr_free(reason);
    CHECK(0, nr_case_show(w->rv, &w->office, w->case_id, &c, &E));
    assert_string_equal(fstr(c, "watch_at"), "2026-05-05T08:30:00Z");
    assert_non_null(strstr(fstr(c, "watch_reason"), "axios 0.21.0"));
    json_decref(c);

    /* Idempotent. */
    setenv("NETREVIEW_NOW", "2026-05-06T08:30:00Z", 1);
    CHECK(0, nr_sca_watch(w->rv, &w->office, &st, &E));
    assert_int_equal(st.new_matches, 0);
    assert_int_equal(st.flagged, 0);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'case.watch'"), 1);

    /* Two new vulnerabilities at once name the most severe and count the other. */
    setenv("NETREVIEW_NOW", "2026-05-07T08:00:00Z", 1);
    osv_record(w, "GHSA-mini-0000-0001", "", "npm", "minimist", SEMVER_RANGE("1.2.0", "1.2.8"),
               NULL, V_LOW, "minimist low", NULL);
    osv_record(w, "GHSA-axio-0000-0002", "", "npm", "axios", SEMVER_RANGE("0.20.0", "0.22.0"), NULL,
               V_CRITICAL, "axios critical", NULL);
    import(w);
    CHECK(0, nr_sca_watch(w->rv, &w->office, &st, &E));
    assert_int_equal(st.flagged, 1);
    CHECK(0, nr_store_query_text(w->rv->st, &E, &reason,
                                 "SELECT watch_reason FROM cases WHERE id = ?", "i", w->case_id));
    assert_string_equal(reason, "re-review suggested: GHSA-axio-0000-0002 (critical) affects "
                                "axios 0.21.0 and 1 more");
    nr_free(reason);

    /* The gate feed tells procurement systems, with the reason (R9, R14). */
    nr_actor_public(&pub);
    CHECK(0, nr_gate_feed(w->rv, &pub, "2026-05-01", 0, &feed, &E));
    json_array_foreach(feed, i, item)
    {
        if (strcmp(fstr(item, "change"), "rereview_suggested") != 0)
            continue;
        rereviews++;
        assert_string_equal(fstr(item, "product"), "Router X");
        assert_string_equal(fstr(item, "at"), "2026-05-07T08:00:00Z");
        assert_non_null(strstr(fstr(item, "reason"), "GHSA-axio-0000-0002"));
    }
    assert_int_equal(rereviews, 1);
    json_decref(feed);
    CHECK(0, nr_gate_feed(w->rv, &pub, "2026-05-07T08:00:00Z", 0, &feed, &E));
    assert_int_equal(json_array_size(feed), 0);
    json_decref(feed);
    nr_free(path);
}

/* ---- distribution releases and source packages (vercmp.h) ---- */

/* An OSV record with one affected entry per (ecosystem, name, introduced, fixed) quadruple. */
static void osv_distro(struct world *w, const char *id, const char *const *aff, size_t n)
{
    struct nr_buf b;
    char path[600];

    nr_buf_init(&b, 1 << 16);
    nr_buf_printf(&b,
                  "{\"id\": \"%s\", \"modified\": \"2024-01-01T00:00:00Z\", \"summary\": "
                  "\"%s weakness\", \"severity\": [{\"type\": \"CVSS_V3\", \"score\": \"" V_HIGH
                  "\"}], \"affected\": [",
                  id, aff[1]);
    for (size_t i = 0; i + 3 < n; i += 4)
        nr_buf_printf(&b,
                      "%s{\"package\": {\"ecosystem\": \"%s\", \"name\": \"%s\"}, \"ranges\": "
                      "[{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"%s\"}, "
                      "{\"fixed\": \"%s\"}]}]}",
                      i ? ", " : "", aff[i], aff[i + 1], aff[i + 2], aff[i + 3]);
    nr_buf_puts(&b, "]}");
    snprintf(path, sizeof(path), "%s/%s.json", w->osv, id);
    write_file(path, b.p);
    nr_buf_release(&b);
}

static const struct comp distro_comps[] = {
    /* Fixed in Debian 12's update, still below Debian 11's fix. */
    {"d12-fixed", "libssl3", "3.0.11-1~deb12u2",
     "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl", NULL,
     S, NULL, false},
    {"d12-old", "libssl3", "3.0.11-1~deb12u1",
     "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12.4&upstream=openssl", NULL,
     S, NULL, false},
    {"d12-codename", "libssl3", "3.0.11-1~deb12u2",
     "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=bookworm&upstream=openssl%403.0.11-1~deb12u2",
     NULL, S, NULL, false},
    /* No release named: judged by every release. */
    {"d-any", "libssl3", "3.0.11-1~deb12u2",
     "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?upstream=openssl", NULL, S, NULL, false},
    {"d11", "libssl3", "3.0.11-1~deb12u2",
     "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-11&upstream=openssl", NULL, S, NULL,
     false},
    /* A release no entry names; the unreleased "Debian" entry of zlib still applies. */
    {"d10", "libssl3", "3.0.11-1~deb12u1",
     "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-10&upstream=openssl", NULL, S, NULL,
     false},
    {"zlib", "zlib1g", "1:1.2.13.dfsg-1",
     "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?distro=debian-12&upstream=zlib", NULL, S, NULL, false},
    /* Without upstream the binary name meets no advisory. */
    {"no-upstream", "libssl3", "3.0.11-1~deb12u1",
     "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12", NULL, S, NULL, false},
    {"u22", "libssl3", "3.0.2-0ubuntu1.12",
     "pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.12?distro=ubuntu-22.04&upstream=openssl", NULL, S, NULL,
     false},
    {"a318", "musl-utils", "1.2.4-r2",
     "pkg:apk/alpine/musl-utils@1.2.4-r2?distro=3.18.4&upstream=musl", NULL, S, NULL, false},
    {"a319", "musl-utils", "1.2.4-r2",
     "pkg:apk/alpine/musl-utils@1.2.4-r2?distro=alpine-3.19&upstream=musl", NULL, S, NULL, false},
    {"rpm", "openssl-libs", "1:3.0.7-24.el9",
     "pkg:rpm/redhat/openssl-libs@1:3.0.7-24.el9?upstream=openssl-3.0.7-24.el9.src.rpm", NULL, S,
     NULL, false},
};

static void import_distro(struct world *w)
{
    static const char *const openssl[] = {
        "Debian:11", "openssl", "0", "3.0.13-1~deb11u1",
        "Debian:12", "openssl", "0", "3.0.11-1~deb12u2",
    };
    static const char *const zlib[] = {"Debian", "zlib", "0", "1:1.2.13.dfsg-2"};
    static const char *const ubuntu[] = {
        "Ubuntu:22.04:LTS",     "openssl", "0", "3.0.2-0ubuntu1.12",
        "Ubuntu:Pro:20.04:LTS", "openssl", "0", "3.0.2-0ubuntu1.15",
    };
    static const char *const musl[] = {
        "Alpine:v3.18", "musl", "0", "1.2.4-r3", "Alpine:v3.19", "musl", "0", "1.2.4-r1",
    };
    static const char *const rhel[] = {"Red Hat:enterprise_linux:9", "openssl", "0",
                                       "1:3.0.7-25.el9"};

    osv_distro(w, "DEBIAN-CVE-2024-0001", openssl, NR_ARRAY_LEN(openssl));
    osv_distro(w, "DEBIAN-CVE-2024-0002", zlib, NR_ARRAY_LEN(zlib));
    osv_distro(w, "UBUNTU-CVE-2024-0003", ubuntu, NR_ARRAY_LEN(ubuntu));
    osv_distro(w, "ALPINE-CVE-2024-0004", musl, NR_ARRAY_LEN(musl));
    osv_distro(w, "RHSA-2024:0005", rhel, NR_ARRAY_LEN(rhel));
    import(w);
}

static void test_distro_releases(void **state)
{
    struct world *w = *state;
    json_t *r, *f;

    import_distro(w);
    /* analyze() also checks that the index of the SBOM's keys reports the same. */
    r = analyze(w, distro_comps, NR_ARRAY_LEN(distro_comps), NULL);
    no_finding(r, "d12-fixed"); /* Debian 11's range would call it affected */
    f = one_finding(r, "d12-old");
    assert_string_equal(fstr(f, "fixed"), "3.0.11-1~deb12u2"); /* Debian 12's fix only */
    no_finding(r, "d12-codename");
    f = one_finding(r, "d-any");
    assert_string_equal(fstr(f, "fixed"), "3.0.13-1~deb11u1");
    f = one_finding(r, "d11");
    assert_string_equal(fstr(f, "fixed"), "3.0.13-1~deb11u1");
    no_finding(r, "d10");
    f = one_finding(r, "zlib");
    assert_string_equal(fstr(f, "fixed"), "1:1.2.13.dfsg-2");
    no_finding(r, "no-upstream");
    no_finding(r, "u22"); /* 20.04's fix is later, but 22.04's applies */
    f = one_finding(r, "a318");
    assert_string_equal(fstr(f, "fixed"), "1.2.4-r3");
    no_finding(r, "a319");
    f = one_finding(r, "rpm");
    assert_string_equal(fstr(f, "fixed"), "1:3.0.7-25.el9");
    assert_int_equal(sum(r, "vulnerable_components"), 6);
    json_decref(r);
}

/* The watch judges components as the analysis does: the release is part of its memo's key, so
 * one package and version under two releases in one SBOM get their own answers. */
static void test_distro_watch(void **state)
{
    struct world *w = *state;
    char *path = sbom_file(w, "distro.cdx.json", distro_comps, NR_ARRAY_LEN(distro_comps), NULL);
    struct nr_sca_watch_stats st;
    json_t *report = NULL;

    import_distro(w);
    CHECK(0, nr_sca_attach_file(w->rv, &w->office, w->case_id, 0, path, &report, &E));
    assert_int_equal(sum(report, "vulnerabilities"), 6);
    json_decref(report);
    decide(w, w->case_id, "passed");
    CHECK(0, nr_sca_watch(w->rv, &w->office, &st, &E));
    assert_int_equal(st.sboms, 1);
    assert_int_equal(st.components, (int64_t)NR_ARRAY_LEN(distro_comps));
    /* Every match the watch finds is one the analysis recorded, and as many. */
    assert_int_equal(st.new_matches, 0);
    assert_int_equal(st.matches, count(w, "SELECT COUNT(*) FROM sbom_matches"));
    assert_int_equal(st.matches, 6);
    assert_int_equal(st.flagged, 0);
    nr_free(path);
}

static void test_index_cache(void **state)
{
    struct world *w = *state;
    struct nr_sca_index *a = NULL, *b = NULL, *c = NULL;
    size_t before;

    /* Before any import there is no stamp: the empty index is cached and served again. */
    CHECK(0, nr_sca_index_acquire(w->rv, &a, &E));
    CHECK(0, nr_sca_index_acquire(w->rv, &b, &E));
    assert_ptr_equal(a, b);
    assert_int_equal(nr_sca_index_advisories(a), 0);
    nr_sca_index_release(a);
    nr_sca_index_release(b);

    import_base(w);
    CHECK(0, nr_sca_index_acquire(w->rv, &a, &E));
    CHECK(0, nr_sca_index_acquire(w->rv, &b, &E));
    assert_ptr_equal(a, b);
    before = nr_sca_index_advisories(a);
    osv_record(w, "GHSA-4w2v-q235-vp99", "", "npm", "axios", SEMVER_RANGE("0", "0.21.1"), NULL,
               V_MEDIUM, "SSRF in axios", NULL);
    import(w); /* same NETREVIEW_NOW: the stamp still differs */
    CHECK(0, nr_sca_index_acquire(w->rv, &c, &E));
    assert_ptr_not_equal(a, c);
    assert_int_equal(nr_sca_index_advisories(c), before + 1);
    /* The old index stays usable until its last release. */
    assert_int_equal(nr_sca_index_advisories(a), before);
    nr_sca_index_release(a);
    nr_sca_index_release(b);
    nr_sca_index_release(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_purl_ecosystems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_semver_against_ecosystem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aliases_and_withdrawn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_git_only_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpe_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_provenance_and_concentration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attach_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attach_evidence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_distro_releases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_distro_watch, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
