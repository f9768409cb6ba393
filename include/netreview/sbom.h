/*
 * sbom.h - software bills of materials: CycloneDX JSON 1.4-1.6 and SPDX 2.3 JSON read into one
 * flat list of components, with the VEX statements and dependency edges they carry. The supply-
 * chain engine (sca.h) matches the components against advisories (R3, category supply_chain).
 *
 * Contract:
 * - struct nr_sbom is caller-owned: nr_sbom_init, nr_sbom_read_* (any number of times; each read
 *   replaces what it held), nr_sbom_release. Every string and array it points to lives in its
 *   arena until the next read or the release. A struct whose read failed is empty.
 * - Bounded memory: the reader never builds the whole document as a tree. It walks the top-level
 *   object itself and hands jansson one array element at a time (json_loadb with
 *   JSON_DISABLE_EOF_CHECK), so the peak is the input plus the largest single component (with its
 *   nested components) plus the compact result. A file is read with mmap.
 * - The format is told by the document itself ("bomFormat": "CycloneDX" with a "specVersion" of
 *   1.4, 1.5 or 1.6; "spdxVersion": "SPDX-2.3" (2.2 accepted)), whatever the order of its keys.
 * - Errors: NR_EPARSE for malformed JSON or a value of the wrong type where the reader needs it,
 *   NR_ETOOBIG past a cap below, NR_EINVAL for a document that is JSON but neither format or an
 *   unsupported version, -errno for the file. err->field is the JSON path of the offending value
 *   ("components[12].components[0].purl", "packages[3].externalRefs[1].referenceLocator") and the
 *   message says what is wrong there; for malformed JSON the message also gives the byte offset.
 * - Unknown keys are ignored (both formats grow). A malformed purl or CPE in a component is not
 *   an error of the document: the component keeps the text and gets a `problem` saying why, so
 *   the engine can report it as unknown provenance.
 */
#ifndef NETREVIEW_SBOM_H
#define NETREVIEW_SBOM_H

#include "netreview/core.h"

#include <stddef.h>
#include <stdint.h>

#define NR_SBOM_MAX_BYTES      (1024ULL * 1024 * 1024) /* one document */
#define NR_SBOM_MAX_COMPONENTS 2000000 /* components and packages, nested ones too */
#define NR_SBOM_MAX_DEPTH      64      /* nesting of components and JSON */
#define NR_SBOM_MAX_STRING     65536   /* bytes in one kept string */

enum nr_sbom_format { NR_SBOM_NONE, NR_SBOM_CYCLONEDX, NR_SBOM_SPDX };

struct nr_sbom_component {
    const char *ref;      /* CycloneDX bom-ref or SPDX SPDXID; NULL when none */
    const char *type;     /* CycloneDX type ("library", ...); SPDX primaryPackagePurpose or NULL */
    const char *group;    /* CycloneDX group; NULL for SPDX */
    const char *name;     /* never NULL ("" when the document gives none) */
    const char *version;  /* CycloneDX version, SPDX versionInfo; NULL when none */
    const char *purl;     /* as written; NULL when none (SPDX: first externalRefs purl) */
    const char *cpe;      /* as written; NULL when none (SPDX: first cpe23Type, else cpe22Type) */
    const char *supplier; /* CycloneDX supplier.name (else manufacturer.name, else author),
                             SPDX supplier (else originator) without its "Organization: " or
                             "Person: " prefix; NULL when none or NOASSERTION */
    const char *country;  /* ISO 3166 code when the document says (CycloneDX supplier address
                             country, or a property "country"); NULL otherwise */
    const char *licenses; /* ids or expressions joined by " AND "; NULL when none/NOASSERTION */
    const char *hash;     /* strongest hash as "SHA-256:hex" (SHA-512, SHA-384, SHA-256, SHA-1,
                             MD5 in that preference); NULL when none */
    unsigned nhashes;
    const char *parent;  /* ref of the enclosing component for nested CycloneDX components */
    const char *path;    /* JSON path of the component ("components[3].components[0]") */
    const char *problem; /* why its purl or CPE could not be parsed; NULL when fine */
};

/* A VEX statement: CycloneDX vulnerabilities[] with analysis, one per affected ref. SPDX 2.3 has
 * no VEX (its security externalRefs only link advisories) and gives none. */
struct nr_sbom_vex {
    const char *vuln_id;       /* vulnerabilities[].id ("CVE-2024-1234", "GHSA-...") */
    const char *ref;           /* affects[].ref: a component's bom-ref (or a purl) */
    const char *state;         /* analysis.state: not_affected, false_positive, resolved,
                                  exploitable, in_triage, resolved_with_pedigree */
    const char *justification; /* analysis.justification (code_not_present, ...); may be NULL */
    const char *detail;        /* analysis.detail; may be NULL */
};

struct nr_sbom_dep {
    const char *from, *to; /* refs: CycloneDX dependencies[].ref/dependsOn[], SPDX relationships
                              DEPENDS_ON (and DEPENDENCY_OF reversed) */
};

struct nr_sbom {
    enum nr_sbom_format format;
    const char *spec_version; /* "1.5", "SPDX-2.3" */
    const char *serial;       /* CycloneDX serialNumber, SPDX documentNamespace */
    const char *subject;      /* metadata.component name (CycloneDX) or document name (SPDX) */
    const char *subject_version;
    struct nr_sbom_component *components;
    size_t ncomponents;
    struct nr_sbom_vex *vex;
    size_t nvex;
    struct nr_sbom_dep *deps;
    size_t ndeps;
    uint64_t bytes; /* size of the document read */
    struct nr_arena arena;
};

void nr_sbom_init(struct nr_sbom *s);
void nr_sbom_release(struct nr_sbom *s);
int nr_sbom_read_file(struct nr_sbom *s, const char *path, struct nr_err *err);
/* buf need not be NUL-terminated. */
int nr_sbom_read_mem(struct nr_sbom *s, const char *buf, size_t len, struct nr_err *err);
const char *nr_sbom_format_name(enum nr_sbom_format f); /* "cyclonedx", "spdx", "none" */

#endif
