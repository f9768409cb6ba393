/*
 * test_sbom.c - the SBOM reader (src/sca/sbom.c, cyclonedx.c, spdx.c; contract sbom.h). The
 * fixtures in tests/data/sbom/ are shaped as cyclonedx-npm, syft, vexctl and cdxgen write them;
 * the error cases check the code, the JSON path and, for malformed JSON, the byte offset. A
 * generated document of 100,000 components checks that the element-by-element walk keeps count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "netreview/sbom.h"

#include "netreview/banned.h"

static const char *source_dir(void)
{
    const char *h = getenv("NR_SOURCE_DIR");
    return h && *h ? h : NR_SOURCE_DIR;
}

static void read_fixture(struct nr_sbom *s, const char *name)
{
    char path[1024];
    struct nr_err err;

    snprintf(path, sizeof(path), "%s/tests/data/sbom/%s", source_dir(), name);
    nr_err_init(&err);
    if (nr_sbom_read_file(s, path, &err) != 0)
        fail_msg("%s: %s: %s", name, err.field, err.msg);
}

static const struct nr_sbom_component *find(const struct nr_sbom *s, const char *name)
{
    for (size_t i = 0; i < s->ncomponents; i++)
        if (strcmp(s->components[i].name, name) == 0)
            return &s->components[i];
    fail_msg("no component named %s", name);
    return NULL;
}

static bool has_dep(const struct nr_sbom *s, const char *from, const char *to)
{
    for (size_t i = 0; i < s->ndeps; i++)
        if (strcmp(s->deps[i].from, from) == 0 && strcmp(s->deps[i].to, to) == 0)
            return true;
    return false;
}

/* Reads a document given as text; returns the code and leaves the detail in err. */
static int read_text(struct nr_sbom *s, const char *text, struct nr_err *err)
{
    /* An exact-size copy, so that a read past the end shows under ASan. */
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    int rc;

    assert_non_null(copy);
    memcpy(copy, text, n);
    nr_err_init(err);
    rc = nr_sbom_read_mem(s, copy, n, err);
    free(copy);
    return rc;
}

static void expect_error(const char *text, int code, const char *field, const char *msg_part)
{
    struct nr_sbom s;
    struct nr_err err;
    int rc;

    nr_sbom_init(&s);
    rc = read_text(&s, text, &err);
    if (rc != code)
        fail_msg("want %s, got %s (%s: %s) for %.200s", nr_err_name(code), nr_err_name(rc),
                 err.field, err.msg, text);
    assert_int_equal(err.code, code);
    if (field != NULL && strcmp(err.field, field) != 0)
        fail_msg("want field %s, got %s (%s)", field, err.field, err.msg);
    if (msg_part != NULL && strstr(err.msg, msg_part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg_part);
    /* A failed read leaves the struct empty. */
    assert_int_equal(s.format, NR_SBOM_NONE);
    assert_int_equal(s.ncomponents, 0);
    assert_null(s.components);
    assert_null(s.arena.head);
    nr_sbom_release(&s);
}

/* --- the fixtures ---------------------------------------------------------------------------- */

static void test_cyclonedx_14_npm(void **state)
{
    struct nr_sbom s;
    const struct nr_sbom_component *c;

    (void)state;
    nr_sbom_init(&s);
    read_fixture(&s, "cyclonedx-1.4-npm.cdx.json");
    assert_int_equal(s.format, NR_SBOM_CYCLONEDX);
    assert_string_equal(nr_sbom_format_name(s.format), "cyclonedx");
    assert_string_equal(s.spec_version, "1.4");
    assert_string_equal(s.serial, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
    assert_string_equal(s.subject, "shop-frontend");
    assert_string_equal(s.subject_version, "2.3.0");
    assert_int_equal(s.ncomponents, 7);
    assert_true(s.bytes > 0);

    c = &s.components[0];
    assert_string_equal(c->name, "lodash");
    assert_string_equal(c->ref, "lodash@4.17.20");
    assert_string_equal(c->type, "library");
    assert_null(c->group);
    assert_string_equal(c->version, "4.17.20");
    assert_string_equal(c->purl, "pkg:npm/lodash@4.17.20");
    assert_null(c->cpe);
    assert_string_equal(c->supplier, "John-David Dalton"); /* 1.4 has only author here */
    assert_null(c->country);
    assert_string_equal(c->licenses, "MIT");
    assert_string_equal(c->hash,
                        "SHA-512:54bafc04ecefe2a071dc09b3723fe77311b9229ab0c8930e65365673c23e5f1c"
                        "e38781189bfbe7ef96ebbd6662cea12d27eb4ad47cb8495c528dbb10d4d736c4");
    assert_int_equal(c->nhashes, 1);
    assert_null(c->parent);
    assert_string_equal(c->path, "components[0]");
    assert_null(c->problem);

    c = find(&s, "core");
    assert_string_equal(c->group, "@babel");
    assert_string_equal(c->purl, "pkg:npm/%40babel/core@7.12.3");
    assert_string_equal(c->path, "components[4]");
    assert_null(c->problem);

    c = find(&s, "qs");
    assert_string_equal(c->licenses, "BSD-3-Clause");
    assert_null(c->supplier);

    /* Linked from a directory: no version, hash, identifier or supplier. */
    c = find(&s, "internal-utils");
    assert_string_equal(c->ref, "internal-utils");
    assert_null(c->version);
    assert_null(c->purl);
    assert_null(c->cpe);
    assert_null(c->hash);
    assert_int_equal(c->nhashes, 0);
    assert_null(c->supplier);
    assert_null(c->licenses);
    assert_null(c->problem);

    assert_int_equal(s.ndeps, 8);
    assert_true(has_dep(&s, "shop-frontend@2.3.0", "lodash@4.17.20"));
    assert_true(has_dep(&s, "shop-frontend@2.3.0", "internal-utils"));
    assert_true(has_dep(&s, "express@4.17.1", "qs@6.7.0"));
    assert_true(has_dep(&s, "@babel/core@7.12.3", "minimist@1.2.5"));
    assert_int_equal(s.nvex, 0);
    assert_null(s.vex);
    nr_sbom_release(&s);
}

static void test_cyclonedx_15_nested_vex(void **state)
{
    static const char *const order[] = {
        "gateway-api", "log4j-core", "log4j-api",        "jackson-databind",
        "admin-ui",    "Django",     "PyYAML",           "golang.org/x/net",
        "openssl",     "busybox",    "libvendor_dsp.so",
    };
    static const char log4j[] = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar";
    struct nr_sbom s;
    const struct nr_sbom_component *c;

    (void)state;
    nr_sbom_init(&s);
    read_fixture(&s, "cyclonedx-1.5-nested-vex.cdx.json");
    assert_int_equal(s.format, NR_SBOM_CYCLONEDX);
    assert_string_equal(s.spec_version, "1.5");
    assert_string_equal(s.subject, "edge-gateway");
    assert_string_equal(s.subject_version, "3.1.0");
    /* Nested components are entries of their own, each after its parent. */
    assert_int_equal(s.ncomponents, NR_ARRAY_LEN(order));
    for (size_t i = 0; i < NR_ARRAY_LEN(order); i++)
        assert_string_equal(s.components[i].name, order[i]);

    c = &s.components[0];
    assert_string_equal(c->type, "application");
    assert_string_equal(c->supplier, "Quillon Networks");
    assert_string_equal(c->country, "CN"); /* property "country": "cn" */
    assert_null(c->parent);

    c = &s.components[1];
    assert_string_equal(c->path, "components[0].components[0]");
    assert_string_equal(c->parent, "gateway-api");
    assert_string_equal(c->group, "org.apache.logging.log4j");
    assert_string_equal(c->version, "2.14.1");
    assert_string_equal(c->ref, log4j);
    assert_string_equal(c->purl, log4j);
    assert_string_equal(c->cpe, "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*");
    assert_string_equal(c->supplier, "The Apache Software Foundation");
    assert_string_equal(c->licenses, "Apache-2.0");
    /* SHA-256 beats SHA-1 and MD5; its upper-case hex is lowered. */
    assert_string_equal(c->hash,
                        "SHA-256:"
                        "95de0f475c3ce121664e9b639b26b5b0345edb68986908afdf645ae9987192ee");
    assert_int_equal(c->nhashes, 3);
    assert_null(c->problem);

    c = &s.components[2];
    assert_string_equal(c->path, "components[0].components[0].components[0]");
    assert_string_equal(c->parent, log4j);
    assert_true(strncmp(c->hash, "SHA-1:", 6) == 0);

    c = &s.components[3];
    assert_string_equal(c->path, "components[0].components[1]");
    assert_true(strncmp(c->hash, "SHA-512:", 8) == 0);
    assert_int_equal(strlen(c->hash), 8 + 128);
    assert_int_equal(c->nhashes, 2);

    c = find(&s, "Django");
    assert_string_equal(c->path, "components[1].components[0]");
    assert_string_equal(c->parent, "admin-ui");
    assert_string_equal(c->purl, "pkg:pypi/django@3.2.0");
    assert_string_equal(c->supplier, "Django Software Foundation");
    assert_string_equal(c->licenses, "BSD License");

    assert_string_equal(find(&s, "PyYAML")->licenses, "MIT AND Apache-2.0");
    assert_string_equal(find(&s, "openssl")->licenses, "OpenSSL AND (Apache-2.0 OR MIT)");

    c = find(&s, "golang.org/x/net");
    assert_string_equal(c->purl, "pkg:golang/golang.org/x/net@v0.7.0");
    assert_string_equal(c->version, "v0.7.0");
    assert_string_equal(c->licenses, "BSD-3-Clause");
    assert_null(c->supplier);
    assert_null(c->country); /* properties without a country */

    /* A CPE 2.2 URI is kept as written, with the reason it cannot be matched. */
    c = find(&s, "busybox");
    assert_string_equal(c->cpe, "cpe:/a:busybox:busybox:1.31.1");
    assert_non_null(c->problem);
    assert_non_null(strstr(c->problem, "cpe"));

    c = find(&s, "libvendor_dsp.so");
    assert_string_equal(c->type, "file");
    assert_null(c->version);
    assert_null(c->purl);
    assert_null(c->supplier);
    assert_null(c->hash);
    assert_null(c->problem);

    /* Two statements with an analysis; the third vulnerability states nothing. */
    assert_int_equal(s.nvex, 2);
    assert_string_equal(s.vex[0].vuln_id, "CVE-2021-44228");
    assert_string_equal(s.vex[0].ref, log4j);
    assert_string_equal(s.vex[0].state, "exploitable");
    assert_null(s.vex[0].justification);
    assert_string_equal(s.vex[0].detail,
                        "the request logger passes user-agent headers to log4j with lookups "
                        "enabled");
    assert_string_equal(s.vex[1].vuln_id, "GHSA-2wrh-6pvc-2jm9");
    assert_string_equal(s.vex[1].ref, "pkg:golang/golang.org/x/net@v0.7.0");
    assert_string_equal(s.vex[1].state, "not_affected");
    assert_string_equal(s.vex[1].justification, "code_not_present");

    assert_int_equal(s.ndeps, 11);
    assert_true(has_dep(&s, "edge-gateway", "vendor-blob"));
    assert_true(has_dep(&s, log4j, "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1?type=jar"));
    assert_true(has_dep(&s, "admin-ui", "pkg:pypi/pyyaml@5.3.1"));
    nr_sbom_release(&s);
}

static void test_cyclonedx_16_device(void **state)
{
    struct nr_sbom s;
    const struct nr_sbom_component *c;

    (void)state;
    nr_sbom_init(&s);
    read_fixture(&s, "cyclonedx-1.6-device.cdx.json");
    assert_string_equal(s.spec_version, "1.6");
    assert_string_equal(s.subject, "BW Edge Router 7000");
    assert_string_equal(s.subject_version, "7.2.3");
    assert_int_equal(s.ncomponents, 6);

    c = find(&s, "busybox");
    assert_string_equal(c->supplier, "BusyBox project");
    assert_string_equal(c->country, "US"); /* supplier.address.country, upper-cased */
    assert_string_equal(c->licenses, "GPL-2.0-only");
    assert_true(strncmp(c->hash, "SHA3-256:", 9) == 0);
    assert_int_equal(c->nhashes, 1);
    assert_null(c->problem);

    c = find(&s, "dropbear");
    assert_string_equal(c->supplier, "Matt Johnston"); /* authors[0].name */
    assert_string_equal(c->licenses, "MIT AND BSD-2-Clause");

    c = find(&s, "bw-dsp");
    assert_string_equal(c->type, "firmware");
    assert_string_equal(c->supplier, "Brightwave Devices"); /* manufacturer */
    assert_string_equal(c->country, "DE");
    assert_true(strncmp(c->hash, "SHA-384:", 8) == 0);
    assert_int_equal(c->nhashes, 2);

    c = find(&s, "openssl");
    assert_string_equal(c->purl, "pkg:generic/openssl@3.0.7?download_url=https://www.openssl.org/"
                                 "source/openssl-3.0.7.tar.gz");
    assert_null(c->problem);

    c = find(&s, "calibration-table");
    assert_string_equal(c->type, "data");

    assert_int_equal(s.ndeps, 5);
    assert_true(has_dep(&s, "pkg:generic/dropbear@2019.78", "openssl-bundled"));
    nr_sbom_release(&s);
}

static void test_spdx_23_debian(void **state)
{
    struct nr_sbom s;
    const struct nr_sbom_component *c;

    (void)state;
    nr_sbom_init(&s);
    read_fixture(&s, "spdx-2.3-debian.spdx.json");
    assert_int_equal(s.format, NR_SBOM_SPDX);
    assert_string_equal(nr_sbom_format_name(s.format), "spdx");
    assert_string_equal(s.spec_version, "SPDX-2.3");
    assert_string_equal(s.serial, "https://anchore.com/syft/image/"
                                  "debian-11-5b6f6c3a-2d7e-4b8a-9c1f-0e2d3c4b5a69");
    assert_string_equal(s.subject, "debian-11");
    assert_null(s.subject_version);
    assert_int_equal(s.ncomponents, 8);

    c = &s.components[0];
    assert_string_equal(c->name, "debian");
    assert_string_equal(c->type, "container");
    assert_null(c->supplier);
    assert_true(strncmp(c->hash, "SHA-256:", 8) == 0);
    assert_null(c->group);
    assert_string_equal(c->path, "packages[0]");

    c = find(&s, "openssl");
    assert_string_equal(c->ref, "SPDXRef-Package-deb-openssl-6f1c5b3e0e9a1f2d");
    assert_string_equal(c->version, "1.1.1n-0+deb11u3");
    assert_string_equal(c->supplier, "Debian");
    assert_string_equal(c->licenses, "OpenSSL"); /* concluded NOASSERTION, declared OpenSSL */
    assert_string_equal(c->purl,
                        "pkg:deb/debian/openssl@1.1.1n-0+deb11u3?arch=amd64&distro=debian-11");
    assert_string_equal(c->cpe, "cpe:2.3:a:openssl:openssl:1.1.1n-0\\+deb11u3:*:*:*:*:*:*:*");
    assert_string_equal(c->hash,
                        "SHA-256:"
                        "6f55c9f7a820e367dec624e1fcb15b3be30729787d399af780b56c5846d32529");
    assert_int_equal(c->nhashes, 2);
    assert_null(c->type);
    assert_null(c->parent);
    assert_string_equal(c->path, "packages[1]");
    assert_null(c->problem);

    /* The first cpe23Type of two. */
    assert_string_equal(find(&s, "libssl1.1")->cpe,
                        "cpe:2.3:a:libssl1.1:libssl1.1:1.1.1n-0\\+deb11u3:*:*:*:*:*:*:*");
    c = find(&s, "zlib1g");
    assert_string_equal(c->supplier, "Mark Brown"); /* "Person: Mark Brown (broonie@...)" */
    assert_string_equal(c->version, "1:1.2.11.dfsg-2+deb11u2");
    assert_null(c->problem);

    c = find(&s, "node-exporter");
    assert_null(c->version);
    assert_null(c->supplier); /* supplier and originator NOASSERTION */
    assert_null(c->licenses);
    assert_null(c->purl);
    assert_null(c->cpe);
    assert_null(c->hash);
    assert_null(c->problem);

    c = find(&s, "golang.org/x/net");
    assert_string_equal(c->purl, "pkg:golang/golang.org/x/net@v0.7.0");
    assert_null(c->supplier);

    c = find(&s, "libgcrypt20");
    assert_string_equal(c->type, "library");
    assert_string_equal(c->licenses, "LGPL-2.1-or-later"); /* concluded NONE */
    assert_string_equal(c->cpe, "cpe:/a:gnupg:libgcrypt:1.8.7");
    assert_non_null(c->problem);

    /* DEPENDS_ON, DEPENDENCY_OF reversed; CONTAINS, DESCRIBES and OTHER are not dependencies. */
    assert_int_equal(s.ndeps, 3);
    assert_true(has_dep(&s, "SPDXRef-Package-deb-openssl-6f1c5b3e0e9a1f2d",
                        "SPDXRef-Package-deb-libssl1.1-0ab2c1d33f0e8a71"));
    assert_true(has_dep(&s, "SPDXRef-Package-deb-libssl1.1-0ab2c1d33f0e8a71",
                        "SPDXRef-Package-deb-zlib1g-9c4e7e2b11aa0f3c"));
    assert_true(has_dep(&s, "SPDXRef-Package-binary-node-exporter-1b9e",
                        "SPDXRef-Package-go-module-golang.org-x-net-7e51"));
    assert_int_equal(s.nvex, 0);
    nr_sbom_release(&s);
}

/* --- shapes ---------------------------------------------------------------------------------- */

static void test_key_order(void **state)
{
    struct nr_sbom s;
    struct nr_err err;

    (void)state;
    nr_sbom_init(&s);
    /* The arrays come before the members that say what the document is. */
    assert_int_equal(
        read_text(&s,
                  "{\"components\": [{\"name\": \"lodash\", \"version\": \"4.17.20\", \"purl\": "
                  "\"pkg:npm/lodash@4.17.20\", \"bom-ref\": \"a\"}],\n"
                  " \"dependencies\": [{\"ref\": \"app\", \"dependsOn\": [\"a\"]}],\n"
                  " \"metadata\": {\"component\": {\"name\": \"app\", \"version\": \"1\"}},\n"
                  " \"specVersion\": \"1.6\", \"bomFormat\": \"CycloneDX\"}",
                  &err),
        0);
    assert_int_equal(s.format, NR_SBOM_CYCLONEDX);
    assert_string_equal(s.spec_version, "1.6");
    assert_int_equal(s.ncomponents, 1);
    assert_string_equal(s.components[0].purl, "pkg:npm/lodash@4.17.20");
    assert_string_equal(s.subject, "app");
    assert_int_equal(s.ndeps, 1);

    assert_int_equal(read_text(&s,
                               "{\"relationships\": [{\"spdxElementId\": \"SPDXRef-a\", "
                               "\"relationshipType\": \"DEPENDS_ON\", \"relatedSpdxElement\": "
                               "\"SPDXRef-b\"}], \"packages\": [{\"SPDXID\": \"SPDXRef-a\", "
                               "\"name\": \"django\", \"versionInfo\": \"3.2.0\", "
                               "\"externalRefs\": [{\"referenceType\": \"purl\", "
                               "\"referenceLocator\": \"pkg:pypi/django@3.2.0\"}]}], "
                               "\"name\": \"doc\", \"spdxVersion\": \"SPDX-2.2\"}",
                               &err),
                     0);
    assert_int_equal(s.format, NR_SBOM_SPDX);
    assert_string_equal(s.spec_version, "SPDX-2.2");
    assert_string_equal(s.subject, "doc");
    assert_int_equal(s.ncomponents, 1);
    assert_string_equal(s.components[0].purl, "pkg:pypi/django@3.2.0");
    assert_int_equal(s.ndeps, 1);
    nr_sbom_release(&s);
}

static void test_lenient_shapes(void **state)
{
    struct nr_sbom s;
    struct nr_err err;

    (void)state;
    nr_sbom_init(&s);
    /* A byte order mark, nulls where arrays and strings go (Go tools write nil slices as null),
     * unknown members at every level, escapes, a component without a name. */
    assert_int_equal(read_text(&s,
                               "\xef\xbb\xbf{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
                               "\"x-extension\":{\"deep\":[1,2,{\"a\":null}]},"
                               "\"dependencies\":null,\"components\":[{\"name\":\"caf\\u00e9\","
                               "\"version\":null,\"hashes\":null,\"future\":[true]},"
                               "{\"type\":\"library\"}],\"vulnerabilities\":[]} \n",
                               &err),
                     0);
    assert_int_equal(s.ncomponents, 2);
    assert_string_equal(s.components[0].name, "caf\xc3\xa9");
    assert_null(s.components[0].version);
    assert_string_equal(s.components[1].name, "");
    assert_int_equal(s.ndeps, 0);
    assert_null(s.serial);

    /* A malformed purl is not an error of the document: the component keeps it and says why. */
    assert_int_equal(read_text(&s,
                               "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\","
                               "\"components\":[{\"name\":\"left pad\",\"purl\":\"pkg:npm/left "
                               "pad@1.3.0\"},{\"name\":\"ok\",\"purl\":\"pkg:npm/ok@1\"}]}",
                               &err),
                     0);
    assert_int_equal(s.ncomponents, 2);
    assert_string_equal(s.components[0].purl, "pkg:npm/left pad@1.3.0");
    assert_non_null(s.components[0].problem);
    assert_true(strncmp(s.components[0].problem, "purl: ", 6) == 0);
    assert_null(s.components[1].problem);

    /* A second read replaces the first; an empty object with a format is a valid empty SBOM. */
    assert_int_equal(read_text(&s, "{\"spdxVersion\":\"SPDX-2.3\"}", &err), 0);
    assert_int_equal(s.format, NR_SBOM_SPDX);
    assert_int_equal(s.ncomponents, 0);
    assert_null(s.components);
    nr_sbom_release(&s);
}

/* --- errors ---------------------------------------------------------------------------------- */

static void test_malformed_json(void **state)
{
    static const char doc[] = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
                              "\"components\":[{\"name\":\"a\"},{\"name\":\"b\",}]}";
    static const char doc2[] = "{\"bomFormat\":\"CycloneDX\" \"specVersion\":\"1.5\"}";
    static const char doc3[] = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
                               "\"components\":[{} {}]}";
    char want[64];

    (void)state;
    /* jansson stops at the "}" after the trailing comma; the offset is in the whole document. */
    snprintf(want, sizeof(want), "at byte %zu:", (size_t)(strstr(doc, ",}") + 1 - doc));
    expect_error(doc, NR_EPARSE, "components[1]", want);
    /* The walker's own structure: a missing comma between members. */
    snprintf(want, sizeof(want), "at byte %zu:", (size_t)(strstr(doc2, " \"spec") + 1 - doc2));
    expect_error(doc2, NR_EPARSE, "", want);
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{}",
                 NR_EPARSE, "components", "expected ',' or ']'");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\"} x", NR_EPARSE, "",
                 "expected end of input");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",}", NR_EPARSE, "",
                 "expected a member name");
    snprintf(want, sizeof(want), "at byte %zu:", (size_t)(strstr(doc3, "} {") + 2 - doc3));
    expect_error(doc3, NR_EPARSE, "components", want);
    expect_error("", NR_EPARSE, "", "empty document");
    expect_error(" \n\t", NR_EPARSE, "", "empty document");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"name\":"
                 "\"\xff\"}]}",
                 NR_EPARSE, "components[0]", "malformed json");
}

static void test_truncated_fixture(void **state)
{
    char path[1024], *data;
    size_t len;
    struct nr_sbom s;
    struct nr_err err;

    (void)state;
    snprintf(path, sizeof(path), "%s/tests/data/sbom/cyclonedx-1.5-nested-vex.cdx.json",
             source_dir());
    assert_int_equal(nr_file_read(path, 1 << 20, &data, &len, NULL), 0);
    nr_sbom_init(&s);
    for (size_t cut = 1; cut < len - 2; cut += 97) {
        nr_err_init(&err);
        assert_int_equal(nr_sbom_read_mem(&s, data, cut, &err), NR_EPARSE);
        assert_non_null(strstr(err.msg, "byte "));
        assert_null(s.components);
    }
    nr_free(data);
    nr_sbom_release(&s);
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
                 "{\"name\":\"a\"},{\"name\":\"b\",\"components\":[{\"name\":\"c\","
                 "\"version\":3.1}]}]}",
                 NR_EPARSE, "components[1].components[0].version",
                 "expected a string, got a number");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":{}}",
                 NR_EPARSE, "components", "expected an array, got an object");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[\"a\"]}",
                 NR_EPARSE, "components[0]", "got a string");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"name\":"
                 "\"a\",\"hashes\":[{\"alg\":\"SHA-1\",\"content\":[]}]}]}",
                 NR_EPARSE, "components[0].hashes[0].content", "got an array");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"name\":"
                 "\"a\",\"supplier\":{\"name\":false}}]}",
                 NR_EPARSE, "components[0].supplier.name", "got a boolean");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"name\":"
                 "\"a\",\"licenses\":[{\"license\":{\"id\":1}}]}]}",
                 NR_EPARSE, "components[0].licenses[0].license.id", "got a number");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"dependencies\":[{\"ref\":"
                 "\"a\",\"dependsOn\":[\"b\",7]}]}",
                 NR_EPARSE, "dependencies[0].dependsOn[1]", "got a number");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"vulnerabilities\":[{"
                 "\"id\":\"CVE-1\",\"analysis\":{\"state\":[]},\"affects\":[]}]}",
                 NR_EPARSE, "vulnerabilities[0].analysis.state", "got an array");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"metadata\":[]}", NR_EPARSE,
                 "metadata", "expected an object");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"serialNumber\":5}",
                 NR_EPARSE, "serialNumber", "expected a string");
    expect_error("{\"bomFormat\":7}", NR_EPARSE, "bomFormat", "got a number");
    expect_error("{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{},{},{},{\"name\":\"p\","
                 "\"externalRefs\":[{\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:a/"
                 "b\"},{\"referenceType\":\"cpe23Type\",\"referenceLocator\":{}}]}]}",
                 NR_EPARSE, "packages[3].externalRefs[1].referenceLocator", "got an object");
    expect_error("{\"spdxVersion\":\"SPDX-2.3\",\"relationships\":[{\"spdxElementId\":1}]}",
                 NR_EPARSE, "relationships[0].spdxElementId", "got a number");
    expect_error("{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"checksums\":[null]}]}", NR_EPARSE,
                 "packages[0].checksums[0]", "expected a checksum");
}

static void test_not_an_sbom(void **state)
{
    (void)state;
    expect_error("{\"foo\": [1, 2, 3], \"name\": \"x\"}", NR_EINVAL, "", "not an sbom");
    expect_error("{}", NR_EINVAL, "", "not an sbom");
    expect_error("[{\"bomFormat\": \"CycloneDX\"}]", NR_EINVAL, "", "not an object");
    expect_error("\"CycloneDX\"", NR_EINVAL, "", "not an object");
    expect_error("[1, 2", NR_EPARSE, "", "malformed json");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.2\",\"components\":[]}",
                 NR_EINVAL, "specVersion", "cyclonedx 1.2 is not supported");
    /* The version is refused before the components are read, wherever it stands. */
    expect_error("{\"components\":[{\"name\":\"a\",\"version\":1}],\"specVersion\":\"1.2\","
                 "\"bomFormat\":\"CycloneDX\"}",
                 NR_EINVAL, "specVersion", "1.2");
    expect_error("{\"bomFormat\":\"CycloneDX\",\"components\":[]}", NR_EINVAL, "specVersion",
                 "missing");
    expect_error("{\"bomFormat\":\"SWID\",\"specVersion\":\"1.5\"}", NR_EINVAL, "bomFormat",
                 "not an sbom format");
    expect_error("{\"spdxVersion\":\"SPDX-3.0\",\"packages\":[]}", NR_EINVAL, "spdxVersion",
                 "not supported");
    expect_error("{\"spdxVersion\":\"SPDX-2.3\",\"bomFormat\":\"CycloneDX\",\"specVersion\":"
                 "\"1.5\"}",
                 NR_EINVAL, "spdxVersion", "both");
    /* A member of the other format is unknown here, so ignored whatever it holds. */
    {
        struct nr_sbom s;
        struct nr_err err;
        nr_sbom_init(&s);
        assert_int_equal(read_text(&s,
                                   "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
                                   "\"packages\":7,\"relationships\":[1],\"name\":{}}",
                                   &err),
                         0);
        assert_int_equal(s.ncomponents, 0);
        nr_sbom_release(&s);
    }
}

static char *nested_components(int levels)
{
    struct nr_buf b;

    nr_buf_init(&b, 1 << 20);
    nr_buf_puts(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[");
    for (int i = 0; i < levels; i++)
        nr_buf_printf(&b, "{\"name\":\"c%d\",\"bom-ref\":\"r%d\",\"components\":[", i, i);
    for (int i = 0; i < levels; i++)
        nr_buf_puts(&b, "]}");
    nr_buf_puts(&b, "]}");
    return nr_buf_steal(&b);
}

static void test_depth_cap(void **state)
{
    struct nr_sbom s;
    struct nr_err err;
    struct nr_buf b;
    char *doc;

    (void)state;
    /* Each level of components is two levels of JSON (the object and its array). */
    doc = nested_components(30);
    nr_sbom_init(&s);
    assert_int_equal(read_text(&s, doc, &err), 0);
    assert_int_equal(s.ncomponents, 30);
    assert_string_equal(s.components[29].name, "c29");
    assert_string_equal(s.components[29].parent, "r28");
    assert_true(strncmp(s.components[29].path, "components[0].components[0].components[0]", 41) ==
                0);
    nr_free(doc);

    doc = nested_components(40);
    assert_int_equal(read_text(&s, doc, &err), NR_ETOOBIG);
    assert_non_null(strstr(err.msg, "nested deeper than 64 levels"));
    assert_true(strncmp(err.field, "components[0].components[0].components[0]", 41) == 0);
    assert_null(s.components);
    nr_free(doc);

    /* Past jansson's own limit, and deep inside a member nobody reads. */
    nr_buf_init(&b, 1 << 20);
    nr_buf_puts(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"x\":");
    for (int i = 0; i < 5000; i++)
        nr_buf_puts(&b, "[");
    for (int i = 0; i < 5000; i++)
        nr_buf_puts(&b, "]");
    nr_buf_puts(&b, "}");
    assert_int_equal(read_text(&s, b.p, &err), NR_ETOOBIG);
    assert_string_equal(err.field, "x[0]");
    nr_buf_reset(&b);
    nr_buf_puts(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"y\":");
    for (int i = 0; i < 64; i++)
        nr_buf_puts(&b, "{\"k\":");
    nr_buf_puts(&b, "1");
    for (int i = 0; i < 64; i++)
        nr_buf_puts(&b, "}");
    nr_buf_puts(&b, "}");
    assert_int_equal(read_text(&s, b.p, &err), NR_ETOOBIG);
    assert_true(strncmp(err.field, "y.k.k.k", 7) == 0);
    nr_buf_release(&b);
    nr_sbom_release(&s);
}

static void test_string_cap(void **state)
{
    struct nr_buf b;

    (void)state;
    nr_buf_init(&b, 1 << 20);
    nr_buf_puts(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{"
                    "\"name\":\"ok\"},{\"name\":\"");
    for (int i = 0; i < NR_SBOM_MAX_STRING + 1; i++)
        nr_buf_puts(&b, "a");
    nr_buf_puts(&b, "\"}]}");
    expect_error(b.p, NR_ETOOBIG, "components[1].name", "longer than 65536 bytes");
    nr_buf_release(&b);
}

static void test_file_errors(void **state)
{
    struct nr_sbom s;
    struct nr_err err;

    (void)state;
    nr_sbom_init(&s);
    nr_err_init(&err);
    assert_true(nr_sbom_read_file(&s, "/nonexistent/sbom.json", &err) < 0);
    assert_non_null(strstr(err.msg, "/nonexistent/sbom.json"));
    nr_sbom_release(&s);
}

/* --- a large document ------------------------------------------------------------------------ */

static void test_large_generated(void **state)
{
    enum { N = 100000 };
    char path[] = "/tmp/nr-sbom-large-XXXXXX", want[80];
    struct nr_sbom s;
    struct nr_err err;
    FILE *f;
    int fd;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    /* The format after the arrays, so that the look-ahead runs over the whole document. */
    fputs("{\"components\": [\n", f);
    for (int i = 0; i < N; i++)
        fprintf(f,
                "%s  {\"type\": \"library\", \"bom-ref\": \"pkg:npm/gen-%d@1.%d.0\", \"name\": "
                "\"gen-%d\", \"version\": \"1.%d.0\", \"purl\": \"pkg:npm/gen-%d@1.%d.0\", "
                "\"licenses\": [{\"license\": {\"id\": \"MIT\"}}], \"hashes\": [{\"alg\": "
                "\"SHA-256\", \"content\": \"%064x\"}], \"supplier\": {\"name\": \"Vendor %d\"}}\n",
                i ? "," : "", i, i % 97, i, i % 97, i, i % 97, i, i % 10);
    fputs("],\n\"dependencies\": [", f);
    for (int i = 1; i < N; i++)
        fprintf(
            f, "%s{\"ref\": \"pkg:npm/gen-%d@1.%d.0\", \"dependsOn\": [\"pkg:npm/gen-%d@1.%d.0\"]}",
            i > 1 ? "," : "", i - 1, (i - 1) % 97, i, i % 97);
    fputs("],\n\"specVersion\": \"1.5\", \"bomFormat\": \"CycloneDX\"}\n", f);
    assert_int_equal(fclose(f), 0);

    nr_sbom_init(&s);
    nr_err_init(&err);
    if (nr_sbom_read_file(&s, path, &err) != 0)
        fail_msg("%s: %s", err.field, err.msg);
    unlink(path);
    assert_int_equal(s.ncomponents, N);
    assert_int_equal(s.ndeps, N - 1);
    assert_string_equal(s.components[0].name, "gen-0");
    assert_string_equal(s.components[N - 1].name, "gen-99999");
    assert_string_equal(s.components[N - 1].version, "1.89.0");
    assert_string_equal(s.components[N - 1].path, "components[99999]");
    assert_string_equal(s.components[N - 1].supplier, "Vendor 9");
    snprintf(want, sizeof(want), "SHA-256:%064x", N - 1);
    assert_string_equal(s.components[N - 1].hash, want);
    for (size_t i = 0; i < s.ncomponents; i++)
        if (s.components[i].problem != NULL)
            fail_msg("component %zu: %s", i, s.components[i].problem);
    assert_string_equal(s.deps[N - 2].to, "pkg:npm/gen-99999@1.89.0");
    nr_sbom_release(&s);
}

/* A document cut right after an array member's colon, placed against an unreadable page: the
 * walker must not step past the end of the buffer into it. */
static void test_cut_after_array_colon(void **state)
{
    static const char doc[] = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
                              "\"components\":";
    long page = sysconf(_SC_PAGESIZE);
    size_t len = sizeof(doc) - 1;
    struct nr_sbom s;
    struct nr_err err;
    char *map, *buf;

    (void)state;
    map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
    buf = map + page - len;
    memcpy(buf, doc, len);
    nr_sbom_init(&s);
    nr_err_init(&err);
    assert_int_equal(nr_sbom_read_mem(&s, buf, len, &err), NR_EPARSE);
    assert_string_equal(err.field, "components");
    assert_non_null(strstr(err.msg, "end of input"));
    nr_sbom_release(&s);
    munmap(map, (size_t)page * 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cyclonedx_14_npm),
        cmocka_unit_test(test_cyclonedx_15_nested_vex),
        cmocka_unit_test(test_cyclonedx_16_device),
        cmocka_unit_test(test_spdx_23_debian),
        cmocka_unit_test(test_key_order),
        cmocka_unit_test(test_lenient_shapes),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_truncated_fixture),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_not_an_sbom),
        cmocka_unit_test(test_depth_cap),
        cmocka_unit_test(test_string_cap),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_large_generated),
        cmocka_unit_test(test_cut_after_array_colon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
