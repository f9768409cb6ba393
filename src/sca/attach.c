/*
 * attach.c - an SBOM attached to a case (interface sca.h: nr_sca_attach_file,
 * nr_sca_attach_evidence, nr_sca_list): the file kept as evidence, its analysis recorded as
 * findings of the case (R3, R4: category supply_chain, or control for code execution and
 * authentication bypass), and its components and matches stored so that the watch (watch.c, R14)
 * can re-match them when new advisories arrive.
 *
 * Everything an attach writes (evidence, SBOM rows, findings, matches, audit) is one transaction:
 * the rights are checked before the file is read, the analysis runs before the transaction
 * starts, and a failure leaves nothing behind, not even the sealed copy of the file.
 */
#include "netreview/sca.h"
#include "netreview/sbom.h"
#include "sca/sca_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

#define ATTACH_PROVENANCE_LISTED 50 /* components named in the provenance finding */

/* R11: checks, before anything is read or written, what the writes will need: the case is
 * visible to a (for an institution: it holds a task on it), the procedure lets a's role add
 * evidence and findings in the case's phase, and task_id (when given) is a task of the case and,
 * for an institution, its own. */
static int attach_check(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                        int64_t task_id, struct nr_arena *ar, struct nr_case *c, struct nr_err *err)
{
    int rc;

    rc = nr_case_get(rv, a, case_id, ar, c, err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, c, "evidence.add", err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, c, "finding.add", err);
    if (rc)
        return rc;
    return nr__case_task_check(rv, a, c, task_id, "task", err);
}

/* Runs one INSERT ... RETURNING id of a prepared statement and resets it for the next row. */
static int attach_insert(struct nr_stmt *s, int64_t *id, struct nr_err *err)
{
    int rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        if (id)
            *id = nr_stmt_int(s, 0);
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = id ? nr_err_set(err, NR_EDB, NULL, "insert returned no id") : 0;
    }
    nr_stmt_reset(s);
    return rc;
}

static int attach_finding(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                          int64_t task_id, const char *evidence, const char *category,
                          const char *severity, const char *title, const char *detail, json_t *ids,
                          int64_t *fid, struct nr_err *err)
{
    struct nr_finding_spec fs = {.category = category,
                                 .severity = severity,
                                 .title = title,
                                 .detail = detail,
                                 .evidence_ids = evidence,
                                 .source = "sbom",
                                 .task_id = task_id};
    int64_t id = 0;
    int rc = nr_finding_add(rv, a, case_id, &fs, &id, err);
    if (rc == 0) {
        json_array_append_new(ids, json_integer(id));
        if (fid)
            *fid = id;
    }
    return rc;
}

/* The provenance finding (R3: a supplier of unknown origin is a supply-chain risk). */
static int attach_provenance(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                             int64_t task_id, const char *evidence, const struct nr_sbom *sbom,
                             const struct nr__sca_analysis *an, json_t *ids, struct nr_err *err)
{
    struct nr_buf title, detail;
    size_t listed = 0;
    int rc;

    nr_buf_init(&title, 1024);
    nr_buf_init(&detail, 60000);
    nr_buf_printf(&title,
                  "SBOM provenance: %zu of %zu components lack a supplier, version, hash or "
                  "identifier",
                  an->unknown_provenance, sbom->ncomponents);
    nr_buf_printf(&detail,
                  "Components without a supplier: %zu\nwithout a version: %zu\nwithout a hash: "
                  "%zu\nwithout a package URL or CPE: %zu\n",
                  an->no_supplier, an->no_version, an->no_hash, an->no_ident);
    for (size_t i = 0; i < sbom->ncomponents && listed < ATTACH_PROVENANCE_LISTED; i++) {
        unsigned m = an->missing[i];
        if (m == 0)
            continue;
        listed++;
        nr_buf_printf(&detail, "\n%.120s %.60s: no%s%s%s%s", sbom->components[i].name,
                      an->versions[i] ? an->versions[i] : "",
                      m & NR__SCA_NO_SUPPLIER ? " supplier" : "",
                      m & NR__SCA_NO_VERSION ? " version" : "", m & NR__SCA_NO_HASH ? " hash" : "",
                      m & NR__SCA_NO_IDENT ? " identifier" : "");
    }
    if (an->unknown_provenance > listed)
        nr_buf_printf(&detail, "\n... and %zu more", an->unknown_provenance - listed);
    for (char *p = detail.p; p && *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n')
            *p = ' ';
    rc = attach_finding(rv, a, case_id, task_id, evidence, "supply_chain",
                        an->unknown_provenance * 2 > sbom->ncomponents ? "medium" : "low", title.p,
                        detail.p, ids, NULL, err);
    nr_buf_release(&title);
    nr_buf_release(&detail);
    return rc;
}

/* Stores the SBOM, its components, VEX statements, findings and matches; inside the caller's
 * transaction. */
static int attach_store(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                        int64_t task_id, int64_t evidence_id, const struct nr_sbom *sbom,
                        const struct nr__sca_analysis *an, const struct nr_sca_index *ix,
                        json_t *report, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int64_t sbom_id = 0, *comp_ids = NULL, fid;
    json_t *fids = json_array();
    char now[NR_TIME_STR], evidence[32], obj[48], *detail = NULL;
    size_t recorded = 0;
    int rc;

    nr_time_fmt(nr_time_now(), now);
    snprintf(evidence, sizeof(evidence), "%lld", (long long)evidence_id);
    rc =
        nr_store_query_int(rv->st, err, &sbom_id,
                           "INSERT INTO sboms (case_id, task_id, evidence_id, format, "
                           "spec_version, subject, subject_version, components, created_by, "
                           "created_at, matched_at) VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, "
                           "NULLIF(?, 0), ?, ?) RETURNING id",
                           "iiittttiitt", c->id, task_id, evidence_id,
                           nr_sbom_format_name(sbom->format), sbom->spec_version, sbom->subject,
                           sbom->subject_version, (int64_t)sbom->ncomponents, a->user_id, now, now);
    if (rc)
        goto out;

    /* R14: the components as the watch will match them again: the matched version and the
     * package key of the purl. */
    comp_ids = nr_calloc(sbom->ncomponents + 1, sizeof(*comp_ids));
    rc = nr_store_prepare(rv->st,
                          "INSERT INTO sbom_components (sbom_id, ref, name, grp, version, purl, "
                          "cpe, supplier, pkg_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          &s, err);
    for (size_t i = 0; rc == 0 && i < sbom->ncomponents; i++) {
        const struct nr_sbom_component *k = &sbom->components[i];
        nr_stmt_bind_int(s, 1, sbom_id);
        nr_stmt_bind_text(s, 2, k->ref);
        nr_stmt_bind_text(s, 3, k->name ? k->name : "");
        nr_stmt_bind_text(s, 4, k->group);
        nr_stmt_bind_text(s, 5, an->versions[i]);
        nr_stmt_bind_text(s, 6, k->purl);
        nr_stmt_bind_text(s, 7, k->cpe);
        nr_stmt_bind_text(s, 8, k->supplier);
        nr_stmt_bind_text(s, 9, an->keys[i]);
        rc = attach_insert(s, &comp_ids[i], err);
    }
    nr_stmt_free(s);
    s = NULL;
    if (rc)
        goto out;
    rc = nr_store_prepare(rv->st,
                          "INSERT INTO sbom_vex (sbom_id, vuln_id, ref, state, justification, "
                          "detail) VALUES (?, ?, ?, ?, ?, ?)",
                          &s, err);
    for (size_t i = 0; rc == 0 && i < sbom->nvex; i++) {
        const struct nr_sbom_vex *v = &sbom->vex[i];
        if (v->vuln_id == NULL || v->state == NULL)
            continue;
        nr_stmt_bind_int(s, 1, sbom_id);
        nr_stmt_bind_text(s, 2, v->vuln_id);
        nr_stmt_bind_text(s, 3, v->ref);
        nr_stmt_bind_text(s, 4, v->state);
        nr_stmt_bind_text(s, 5, v->justification);
        nr_stmt_bind_text(s, 6, v->detail);
        rc = attach_insert(s, NULL, err);
    }
    nr_stmt_free(s);
    s = NULL;
    if (rc)
        goto out;

    /* R4: every match not suppressed by a VEX statement is a finding citing the SBOM; every
     * match, suppressed or not, is remembered, so that the watch reports only new ones. */
    rc = nr_store_prepare(rv->st,
                          "INSERT INTO sbom_matches (component_id, advisory_id, sbom_id, "
                          "first_seen, finding_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
                          "(component_id, advisory_id) DO NOTHING",
                          &s, err);
    for (size_t i = 0; rc == 0 && i < an->nfindings; i++) {
        const struct nr__sca_finding *f = &an->findings[i];
        fid = 0;
        if (!f->suppressed) {
            rc = attach_finding(rv, a, c->id, task_id, evidence, f->category, f->severity, f->title,
                                f->detail, fids, &fid, err);
            recorded++;
        }
        for (size_t j = 0; rc == 0 && j < f->nadvs; j++) {
            nr_stmt_bind_int(s, 1, comp_ids[f->comp]);
            nr_stmt_bind_int(s, 2, nr__sca_adv(ix, f->advs[j])->id);
            nr_stmt_bind_int(s, 3, sbom_id);
            nr_stmt_bind_text(s, 4, now);
            if (fid)
                nr_stmt_bind_int(s, 5, fid);
            else
                nr_stmt_bind_null(s, 5);
            rc = attach_insert(s, NULL, err);
        }
    }
    nr_stmt_free(s);
    s = NULL;
    if (rc)
        goto out;
    if (an->unknown_provenance)
        rc = attach_provenance(rv, a, c->id, task_id, evidence, sbom, an, fids, err);
    /* R3: dependence on one supplier for most of a product is a supply-chain risk. */
    if (rc == 0 && an->top_supplier && an->top_supplier_components * 2 > sbom->ncomponents) {
        double share = (double)an->top_supplier_components / (double)sbom->ncomponents;
        char *title = nr_asprintf("Supplier concentration: %.120s supplies %zu of %zu components "
                                  "(%.0f%%)",
                                  an->top_supplier, an->top_supplier_components, sbom->ncomponents,
                                  share * 100.0);
        char *text = nr_asprintf("More than half of the components of %.200s come from one "
                                 "supplier, %.200s; a failure or a compromise of that supplier "
                                 "reaches most of the product.",
                                 sbom->subject ? sbom->subject : "the SBOM", an->top_supplier);
        for (char *p = title; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
        for (char *p = text; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
        rc = attach_finding(rv, a, c->id, task_id, evidence, "supply_chain",
                            share > 0.8 ? "medium" : "low", title, text, fids, NULL, err);
        nr_free(title);
        nr_free(text);
    }
    if (rc)
        goto out;
    snprintf(obj, sizeof(obj), "sbom:%lld", (long long)sbom_id);
    detail =
        nr_asprintf("evidence=%lld format=%s components=%zu findings=%zu suppressed=%zu "
                    "advisories=%zu",
                    (long long)evidence_id, nr_sbom_format_name(sbom->format), sbom->ncomponents,
                    recorded, an->nfindings - recorded, nr_sca_index_advisories(ix));
    rc = nr_audit_append(rv, a, "sbom.analyze", c->id, obj, detail, err);
    if (rc)
        goto out;
    json_object_set_new(report, "evidence_id", json_integer(evidence_id));
    json_object_set_new(report, "sbom_id", json_integer(sbom_id));
    json_object_set_new(report, "finding_ids", fids);
    fids = NULL;
out:
    nr_stmt_free(s);
    nr_free(comp_ids);
    nr_free(detail);
    json_decref(fids);
    return rc;
}

/* The common part of both attaches, from a read SBOM on: analysis, then one transaction. The
 * evidence is added inside it when path is given, else evidence_id is the one to cite. */
static int attach_sbom(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                       int64_t task_id, const char *path, int64_t evidence_id,
                       const struct nr_sbom *sbom, json_t **report, struct nr_err *err)
{
    struct nr_sca_index *ix = NULL;
    struct nr__sca_analysis an;
    char sha[65] = "";
    bool analysed = false;
    int rc;

    rc = nr_sca_index_acquire_sbom(rv, sbom, &ix, err);
    if (rc)
        return rc;
    rc = nr__sca_analyze(ix, sbom, &an, err);
    if (rc)
        goto out_notxn;
    analysed = true;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    if (path) {
        char *desc = nr_asprintf("SBOM (%s %s)%s%.200s", nr_sbom_format_name(sbom->format),
                                 sbom->spec_version ? sbom->spec_version : "",
                                 sbom->subject ? " of " : "", sbom->subject ? sbom->subject : "");
        struct nr_evidence_spec es = {.path = path, .task_id = task_id, .description = desc};
        for (char *p = desc; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
        rc = nr_evidence_add(rv, a, c->id, &es, &evidence_id, sha, err);
        nr_free(desc);
    }
    if (rc == 0)
        rc = attach_store(rv, a, c, task_id, evidence_id, sbom, &an, ix, an.report, err);
    if (rc) {
        nr_store_rollback(rv->st);
        if (path)
            nr__evidence_forget(rv, sha);
        goto out_notxn;
    }
    rc = nr_store_commit(rv->st, err);
    if (rc) {
        if (path)
            nr__evidence_forget(rv, sha);
        goto out_notxn;
    }
    *report = an.report;
    an.report = NULL;
out_notxn:
    if (analysed)
        nr__sca_analysis_release(&an);
    nr_sca_index_release(ix);
    return rc;
}

int nr_sca_attach_file(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                       int64_t task_id, const char *path, json_t **report, struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    struct nr_sbom sbom;
    int rc;

    *report = NULL;
    nr_arena_init(&ar);
    nr_sbom_init(&sbom);
    if (path == NULL || *path == '\0') {
        rc = nr_err_set(err, NR_EINVAL, "file", "no SBOM file given");
        goto out;
    }
    rc = attach_check(rv, a, case_id, task_id, &ar, &c, err);
    if (rc == 0)
        rc = nr_sbom_read_file(&sbom, path, err);
    if (rc == 0)
        rc = attach_sbom(rv, a, &c, task_id, path, 0, &sbom, report, err);
out:
    nr_sbom_release(&sbom);
    nr_arena_release(&ar);
    return rc;
}

int nr_sca_attach_evidence(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                           int64_t task_id, int64_t evidence_id, json_t **report,
                           struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    struct nr_sbom sbom;
    int64_t ecase = 0, sbom_id = 0;
    char *tmp = NULL;
    int rc;

    *report = NULL;
    nr_arena_init(&ar);
    nr_sbom_init(&sbom);
    /* R11: the case first, so that whether evidence exists is only told to whoever sees the
     * case; then evidence of another case does not exist for a. */
    rc = attach_check(rv, a, case_id, task_id, &ar, &c, err);
    if (rc)
        goto out;
    rc = nr_store_query_int(rv->st, NULL, &ecase, "SELECT case_id FROM evidence WHERE id = ?", "i",
                            evidence_id);
    if (rc == NR_ENOTFOUND || (rc == 0 && ecase != case_id))
        rc = nr_err_set(err, NR_ENOTFOUND, "evidence", "no evidence %lld on this case",
                        (long long)evidence_id);
    else if (rc)
        rc =
            nr_err_set(err, rc, "evidence", "cannot look up evidence %lld", (long long)evidence_id);
    if (rc)
        goto out;
    rc = nr_store_query_int(rv->st, NULL, &sbom_id, "SELECT id FROM sboms WHERE evidence_id = ?",
                            "i", evidence_id);
    if (rc == 0) {
        rc = nr_err_set(err, NR_EEXISTS, "evidence",
                        "evidence %lld is already attached as SBOM %lld", (long long)evidence_id,
                        (long long)sbom_id);
        goto out;
    }
    if (rc != NR_ENOTFOUND) {
        rc = nr_err_set(err, rc, "evidence", "cannot look up the SBOMs of evidence %lld",
                        (long long)evidence_id);
        goto out;
    }
    /* The plain text lives only as long as the read: a private file, removed at once. */
    rc = nr__evidence_extract(rv, a, evidence_id, "evidence", &tmp, err);
    if (rc)
        goto out;
    rc = nr_sbom_read_file(&sbom, tmp, err);
    unlink(tmp);
    nr_free(tmp);
    tmp = NULL;
    if (rc == 0)
        rc = attach_sbom(rv, a, &c, task_id, NULL, evidence_id, &sbom, report, err);
out:
    nr_free(tmp);
    nr_sbom_release(&sbom);
    nr_arena_release(&ar);
    return rc;
}

int nr_sca_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *evidence = NULL, *rows = NULL, *e;
    size_t i;
    int rc;

    *out = NULL;
    /* R11: an SBOM is shown to whoever sees the evidence it came from. */
    rc = nr_evidence_list(rv, a, case_id, &evidence, err);
    if (rc)
        return rc;
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT s.id AS id, s.case_id AS case_id, s.task_id AS task_id, s.evidence_id AS "
        "evidence_id, s.format AS format, s.spec_version AS spec_version, s.subject AS subject, "
        "s.subject_version AS subject_version, s.components AS components, u.login AS "
        "created_by, s.created_at AS created_at, s.matched_at AS matched_at, (SELECT COUNT(*) "
        "FROM sbom_matches m WHERE m.sbom_id = s.id) AS matches, (SELECT COUNT(DISTINCT "
        "m.component_id) FROM sbom_matches m WHERE m.sbom_id = s.id) AS vulnerable_components, "
        "(SELECT COUNT(DISTINCT m.finding_id) FROM sbom_matches m WHERE m.sbom_id = s.id) AS "
        "findings, (SELECT COUNT(*) FROM sbom_vex v WHERE v.sbom_id = s.id) AS vex FROM sboms s "
        "LEFT JOIN users u ON u.id = s.created_by WHERE s.case_id = ? ORDER BY s.id",
        "i", case_id);
    if (rc)
        goto out;
    rows = json_array();
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        int64_t eid = nr_stmt_int(s, 3);
        bool visible = false;
        json_array_foreach(evidence, i, e)
        {
            if (json_integer_value(json_object_get(e, "id")) == eid) {
                visible = true;
                break;
            }
        }
        if (visible)
            json_array_append_new(rows, nr_stmt_row_json(s, "iiiittttitttiiii"));
    }
    if (rc < 0)
        goto out;
    rc = 0;
    *out = rows;
    rows = NULL;
out:
    nr_stmt_free(s);
    json_decref(rows);
    json_decref(evidence);
    return rc;
}
