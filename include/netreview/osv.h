/*
 * osv.h - vulnerability data in the OSV schema (https://ossf.github.io/osv-schema/, 1.0-1.6):
 * one record parsed into a compact struct, CVSS severity computed from its vectors, and the
 * import of a directory or zip of records (the layout of OSV's per-ecosystem all.zip) into the
 * store, where the supply-chain engine (sca.h) reads it back as an index.
 *
 * Contract:
 * - struct nr_osv is caller-owned: nr_osv_init, nr_osv_parse (any number of times), nr_osv_release.
 *   Its strings and arrays live in its arena. A struct whose parse failed is empty.
 * - nr_osv_parse errors: NR_EPARSE (malformed JSON, or a required field missing or of the wrong
 *   type: id, modified; affected[].package.ecosystem/name when a package is given; range type and
 *   events) with err->field the JSON path ("affected[2].ranges[0].events[1].fixed") and a message;
 *   NR_ETOOBIG past a cap. Unknown fields are ignored.
 * - nr_osv_import reads every *.json file of a directory (recursively) or every *.json member of a
 *   zip archive (libarchive), in one store transaction per NR_OSV_BATCH records. A record that does
 *   not parse is skipped and counted, with its file name and the parse error kept in the stats (the
 *   first NR_OSV_ERRORS_KEPT of them); the others still land. A record replaces the stored one with
 *   the same id only when its `modified` is later; `withdrawn` records are kept, marked withdrawn,
 *   and never match. An import that fails on the store (NR_EDB) rolls back its current batch and
 *   stops: batches already committed stay, and importing again completes the job (idempotent).
 *   An import that adds or replaces an advisory sets the store setting "osv.last_import" to its
 *   time, suffixed "+N" when the previous value holds the same second, so that the value always
 *   changes and the shared index (sca.h nr_sca_index_acquire) notices new data.
 * - Stored form (migration 4), which sca.h's index reads back: one advisories row per id; one
 *   advisory_aliases row per id and alias (the id itself included); one advisory_packages row per
 *   affected package, with pkg_key = nr_pkg_key_osv(ecosystem, name), and one more row per CPE
 *   of an affected entry, with ecosystem "CPE", name the CPE 2.3 string and pkg_key "cpe:" +
 *   nr_cpe_product_key. Column ranges holds the entry's non-GIT ranges in a compact text form,
 *   one line per range joined by "\n": the type ("SEMVER" or "ECOSYSTEM"), then per event a
 *   space, a letter (i introduced, f fixed, l last_affected, m limit) and the version, e.g.
 *   "ECOSYSTEM i0 f1.2.3\nSEMVER i2.0.0 l2.4.1"; events whose version holds whitespace are
 *   dropped. Column versions holds versions[] joined by "\n" (NULL when none). A record that
 *   replaces a stored one replaces its aliases and packages too.
 * - Aliases: every id and alias of a record is stored in advisory_aliases; the engine counts a
 *   vulnerability once per alias group (ids linked through aliases, either direction).
 */
#ifndef NETREVIEW_OSV_H
#define NETREVIEW_OSV_H

#include "netreview/core.h"
#include "netreview/review.h"
#include "netreview/vercmp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NR_OSV_MAX_BYTES    (16 * 1024 * 1024) /* one record */
#define NR_OSV_MAX_AFFECTED 10000              /* affected[] entries of one record */
#define NR_OSV_MAX_EVENTS   10000              /* events of one range; versions[] of one package */
#define NR_OSV_BATCH        5000
#define NR_OSV_ERRORS_KEPT  20

struct nr_osv_range {
    const char *type; /* "SEMVER", "ECOSYSTEM" or "GIT" */
    struct nr_osv_event *events;
    size_t nevents;
};

struct nr_osv_affected {
    const char *ecosystem; /* affected[].package.ecosystem, NULL when no package */
    const char *name;      /* affected[].package.name */
    const char *purl;      /* affected[].package.purl, NULL when none */
    const char **cpes;     /* CPE 2.3 names: database_specific.cpes[] / .cpe (a documented
                              extension: OSV itself has no CPE field) */
    size_t ncpes;
    enum nr_order order; /* nr_order_for_ecosystem(ecosystem) */
    struct nr_osv_range *ranges;
    size_t nranges;
    const char **versions; /* explicit versions[] */
    size_t nversions;
};

struct nr_osv {
    const char *id, *modified, *published, *withdrawn; /* withdrawn NULL when not withdrawn */
    const char *summary, *details;                     /* may be NULL */
    const char **aliases;
    size_t naliases;
    const char *cvss_vector; /* the highest-scoring severity[] vector (top level and per
                                affected entry; CVSS_V4 > V3 > V2 when tied) */
    double cvss_score;       /* its base score, 0.0 when none */
    const char *severity;    /* critical/high/medium/low from the score (CVSS v3 bands), else
                                database_specific.severity (or an "Ubuntu" severity entry)
                                folded to those words, else "low" for a vector scoring 0.0, else
                                "medium" */
    bool rce;                /* remote code execution (CWE-94/77/78/502 in database_specific.
                                cwe_ids, or "remote code execution"/"arbitrary code" in
                                summary/details) */
    bool auth_bypass;        /* CWE-287/288/290/306/1390, or "authentication bypass" in text */
    const char *fixed;       /* the first "fixed" event of the first non-GIT range that has one
                                (a GIT fix is a commit), NULL when none */
    struct nr_osv_affected *affected;
    size_t naffected;
    struct nr_arena arena;
};

void nr_osv_init(struct nr_osv *o);
void nr_osv_release(struct nr_osv *o);
/* buf need not be NUL-terminated. */
int nr_osv_parse(struct nr_osv *o, const char *buf, size_t len, struct nr_err *err);

/* CVSS base score of a vector: "CVSS:3.0/..." and "CVSS:3.1/..." (the specification's formula),
 * "CVSS:4.0/..." (the v4 macro-vector method), and v2 vectors "AV:N/AC:L/...". Returns 0 and
 * *score, or NR_EPARSE (field "cvss") for a malformed vector. */
int nr_cvss_score(const char *vector, double *score, struct nr_err *err);
/* "critical" (>= 9.0), "high" (>= 7.0), "medium" (>= 4.0), "low" (> 0), "info" (0). */
const char *nr_cvss_severity(double score);

struct nr_osv_import_stats {
    int64_t files;     /* JSON records read */
    int64_t added;     /* new ids */
    int64_t updated;   /* stored ids replaced by a later `modified` */
    int64_t unchanged; /* same or older `modified` */
    int64_t withdrawn; /* records marked withdrawn (added or updated) */
    int64_t rejected;  /* records that did not parse */
    struct {
        char file[256];
        struct nr_err err;
    } errors[NR_OSV_ERRORS_KEPT];
    int nerrors;
    double seconds;
};

/* Imports path (a directory, a .zip, or one .json file) as described above. Only the local
 * administrator and the office may import (NR_EFORBIDDEN otherwise); one audit entry
 * ("osv.import") records the counts. progress, when not NULL, is called every 1000 records. */
int nr_osv_import(struct nr_review *rv, const struct nr_actor *a, const char *path,
                  struct nr_osv_import_stats *stats, void (*progress)(void *ctx, int64_t done),
                  void *ctx, struct nr_err *err);

/* Stored advisories, for `netreview osv list/show`: newest modified first, optionally only those
 * affecting a package key (see sca.h) or with an id/alias. *out is the caller's (json_decref). */
int nr_osv_list(struct nr_review *rv, const char *alias_or_key, int limit, json_t **out,
                struct nr_err *err);

#endif
