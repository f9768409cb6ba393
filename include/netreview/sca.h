/*
 * sca.h - the supply-chain engine (R3 category supply_chain, R14): SBOM components matched
 * against the stored OSV advisories, the matches turned into findings on a case, and the SBOMs of
 * passed products re-matched whenever new advisories arrive, flagging the decisions they hit.
 *
 * Contract:
 * - struct nr_sca_index is an immutable in-memory index of every stored, not withdrawn advisory:
 *   package keys (vercmp.h) and CPE vendor:product keys to their affected ranges. Built by
 *   nr_sca_index_build from the store, freed by nr_sca_index_free; safe to share between
 *   threads once built. It copies what it needs; the store may change afterwards.
 * - Matching a component: by its purl's package key (ranges evaluated in the ecosystem's order,
 *   SEMVER ranges in SemVer, GIT ranges skipped, explicit versions[] compared for equality; a
 *   deb or apk purl's key names the source package of its upstream qualifier, and when its distro
 *   qualifier names a release only the entries of that release, or of an ecosystem naming none,
 *   are evaluated: vercmp.h "Releases"; the watch applies the same rule), and
 *   by CPE when the component has one and no purl match was found (vendor:product key, then
 *   nr_cpe_matches against the advisory's CPE, the component's version against the ranges in the
 *   generic order). A component without a version matches nothing and is reported as unknown
 *   provenance. Advisories of one alias group count once per component: the finding lists every
 *   id of the group.
 * - A VEX statement (sbom.h) whose vuln_id is any id of the group and whose ref is the
 *   component's ref (or purl), with state not_affected, false_positive, resolved or
 *   resolved_with_pedigree (CycloneDX: the patch is in the component's pedigree), suppresses
 *   the finding: it stays in the report with "suppressed": true and the statement, and is not
 *   recorded on a case.
 * - Report JSON (nr_sca_analyze; the CLI's --json prints it, the API returns it):
 *   { "sbom": {format, spec_version, subject, subject_version, components, dependencies},
 *     "advisories": number of advisories in the index,
 *     "summary": {components, vulnerable_components, vulnerabilities, suppressed,
 *                 by_severity {critical, high, medium, low}, unknown_provenance,
 *                 no_supplier, no_version, no_hash, no_identifier},
 *     "findings": [ {category ("supply_chain" or "control"), severity, title, detail,
 *                    component {name, group, version, purl, cpe, ref, path},
 *                    advisories [ids of the group], cvss_vector, cvss_score, fixed,
 *                    suppressed, vex {state, justification, detail} or null} ],
 *                   sorted by severity (critical first), then component name, then first id
 *     "provenance": [ {name, version, ref, path, missing: ["supplier","version","hash",
 *                    "identifier"]} ] (components missing any of those),
 *     "suppliers": [ {supplier, components, share} ] by components descending ("(none)" counts
 *                    components without a supplier), "countries": [ {country, components, share} ],
 *     "seconds": analysis time }
 * - Case operations follow review.h: role, phase and need-to-know checked before anything is
 *   written (they are those of evidence.add and finding.add: the task's institution, or the
 *   office), one transaction with its audit entries, nothing left on failure.
 */
#ifndef NETREVIEW_SCA_H
#define NETREVIEW_SCA_H

#include "netreview/review.h"
#include "netreview/sbom.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct nr_sca_index;

int nr_sca_index_build(struct nr_review *rv, struct nr_sca_index **out, struct nr_err *err);
/* An index good for analysing sbom only, for a process that analyses one SBOM (the CLI): it
 * reads the advisory_packages rows of the package keys and CPE vendor:product keys of sbom's
 * components (through the pkg_key index), keeps those that cover a version of a component with
 * that key, and loads their advisories (not withdrawn) with every advisory of their alias groups
 * (aliases followed both ways, as nr_sca_index_build groups them). nr_sca_analyze of sbom with
 * it gives the report the full index gives, "advisories" included; any other SBOM may miss
 * matches. Freed by nr_sca_index_free; errors are those of nr_sca_index_build. */
int nr_sca_index_build_keys(struct nr_review *rv, const struct nr_sbom *sbom,
                            struct nr_sca_index **out, struct nr_err *err);
void nr_sca_index_free(struct nr_sca_index *ix);
/* Advisories (not withdrawn) in the store when the index was built: those in a full index; for
 * one built by nr_sca_index_build_keys, the same count, read with COUNT(*), not only the few it
 * holds. */
size_t nr_sca_index_advisories(const struct nr_sca_index *ix);

/* The process-wide index of the installation, shared by the server's workers and the CLI's
 * commands: built on first use and again whenever the store setting "osv.last_import" (which
 * every import that changes an advisory sets) differs from the value it was built at. Each
 * acquire that returns 0 gives *out a reference that stays valid, even while a newer index
 * replaces it, until nr_sca_index_release; the last release of a replaced index frees it.
 * Thread-safe (one mutex; a rebuild runs under it, so concurrent callers wait for one build).
 * Errors are those of nr_sca_index_build. */
int nr_sca_index_acquire(struct nr_review *rv, struct nr_sca_index **out, struct nr_err *err);
void nr_sca_index_release(struct nr_sca_index *ix);
/* The index for analysing sbom (nr_sca_attach_file, nr_sca_attach_evidence, the CLI's analyze):
 * the process-wide index when it is current; otherwise, for the first such call of the process,
 * an index of sbom's keys only (nr_sca_index_build_keys: a one-shot process never pays for
 * reading every advisory), and from the second on nr_sca_index_acquire's (a process analysing
 * many SBOMs, such as the server or `demo portfolio`, builds the full index once). Released
 * with nr_sca_index_release either way; errors are those of the builds. */
int nr_sca_index_acquire_sbom(struct nr_review *rv, const struct nr_sbom *sbom,
                              struct nr_sca_index **out, struct nr_err *err);

/* Matches every component of sbom; *report (caller's, json_decref) as described above. */
int nr_sca_analyze(const struct nr_sca_index *ix, const struct nr_sbom *sbom, json_t **report,
                   struct nr_err *err);

/* Prints a report for a person: a summary line, the findings table (severity, component,
 * version, advisories, fixed), unknown provenance counts and the top suppliers. */
void nr_sca_report_print(const json_t *report, FILE *fp);

/* Attaches an SBOM file to a case as evidence (nr_evidence_add), reads and analyses it, stores
 * the SBOM's components (for the watch), and records every finding that is not suppressed
 * (source "sbom", evidence id cited), plus one `supply_chain` finding summarising unknown
 * provenance when any component lacks a supplier, version, hash or identifier, and one for
 * supplier concentration when a single supplier has more than half of the components. task_id
 * may be 0 for the office. *report as nr_sca_analyze, with "evidence_id", "sbom_id" and
 * "finding_ids" added. */
int nr_sca_attach_file(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                       int64_t task_id, const char *path, json_t **report, struct nr_err *err);
/* The same for evidence already on the case (an SBOM uploaded in parts through the API). */
int nr_sca_attach_evidence(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                           int64_t task_id, int64_t evidence_id, json_t **report,
                           struct nr_err *err);
/* SBOMs of a case with their counts; *out is the caller's. */
int nr_sca_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                struct nr_err *err);

struct nr_sca_watch_stats {
    int64_t sboms, components, matches, new_matches, flagged;
    double index_seconds, match_seconds;
};

/* R14: re-matches the stored SBOMs of every case whose decision is in force (outcome passed or
 * conditional) against the current advisories. A match not seen before for that SBOM is recorded
 * (sbom_matches); a case with new matches is flagged "re-review suggested: <id> (<severity>)
 * affects <component> <version>[ and N more]" (cases.watch_reason, watch_at, audit "case.watch"),
 * which the office's case view and the gate feed show. Only the local administrator and the
 * office may run it. Idempotent: a second run without new advisories flags nothing. */
int nr_sca_watch(struct nr_review *rv, const struct nr_actor *a, struct nr_sca_watch_stats *st,
                 struct nr_err *err);

#endif
