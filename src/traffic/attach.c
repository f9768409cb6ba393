/*
 * attach.c - a capture (and the provider's declaration) on a case: evidence, analysis, findings,
 * one traffic_analyses row and its audit entry, all in one transaction (interface: traffic.h;
 * the case rules are review.h's). The capture is analysed before the transaction opens, so a
 * long analysis never holds the database; the actor's rights are checked before anything is
 * read, so that a refusal neither reads evidence nor writes a byte.
 */
#include "netreview/traffic.h"

#include "netreview/review.h"
#include "netreview/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

#define TITLE_MAX    300 /* review.h's finding title cap */
#define RECORDED_MAX 500 /* findings recorded per analysis; the rest are summed up in one */
#define SUMMARY_MAX  (16u << 10)

/* R3, R4, R11: who may analyse a capture on a case is who may record findings there (the
 * office, or the institution holding a task on it, in evaluation), and the task named must be
 * one of the case's, held by the actor's institution when it is one. */
static int may_analyse(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                       int64_t task_id, const char *evidence_action, struct nr_arena *ar,
                       struct nr_case *c, struct nr_err *err)
{
    int64_t n = 0;
    int rc;

    rc = nr_case_get(rv, a, case_id, ar, c, err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, c, "finding.add", err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, c, evidence_action, err);
    if (rc)
        return rc;
    if (a->role == NR_ROLE_INSTITUTION) {
        rc = nr_store_query_int(rv->st, err, &n,
                                "SELECT COUNT(*) FROM tasks t JOIN institutions i ON i.id = "
                                "t.institution_id WHERE t.case_id = ? AND i.org_id = ?",
                                "ii", case_id, a->org_id);
        if (rc)
            return rc;
        if (n == 0)
            return nr_err_set(err, NR_EFORBIDDEN, "case",
                              "your institution holds no task on case %s", c->ref);
    }
    return nr__case_task_check(rv, a, c, task_id, "task_id", err);
}

/* The analysis itself; a cut capture is refused: a case records whole captures only. */
static int analyse(const char *capture, const char *declared_path, const char *device,
                   size_t max_flows, const char *source, struct nr_declared *decl, json_t **report,
                   struct nr_err *err)
{
    struct nr_traffic_options o;
    int rc;

    memset(&o, 0, sizeof(o));
    if (declared_path) {
        rc = nr_declared_load(declared_path, decl, err);
        if (rc)
            return rc;
        o.declared = decl;
    }
    o.device = device;
    o.max_flows = max_flows;
    o.source = source;
    rc = nr_traffic_analyze_file(capture, &o, report, err);
    if (rc && *report) {
        json_decref(*report);
        *report = NULL;
        nr_err_set(err, rc, "capture", "the capture is cut or corrupt; nothing was recorded");
    }
    return rc;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Records every finding of the report, the row and the audit entry; inside the caller's
 * transaction. */
static int record(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                  int64_t task_id, int64_t cap_id, int64_t decl_id, json_t *report,
                  struct nr_err *err)
{
    json_t *findings = json_object_get(report, "findings"), *ids = json_array(), *f;
    char evidence[48], now[NR_TIME_STR], obj[64];
    const char *source = jstr(report, "source");
    char *summary = NULL, *detail = NULL;
    int64_t aid = 0;
    size_t i, nf = json_array_size(findings);
    int rc = 0;

    if (decl_id)
        snprintf(evidence, sizeof(evidence), "%lld,%lld", (long long)cap_id, (long long)decl_id);
    else
        snprintf(evidence, sizeof(evidence), "%lld", (long long)cap_id);
    json_array_foreach(findings, i, f)
    {
        struct nr_finding_spec sp;
        struct nr_buf d, pk;
        char title[TITLE_MAX + 1];
        int64_t fid = 0;
        size_t j;
        json_t *v;

        if (i >= RECORDED_MAX)
            break;
        nr_buf_init(&d, 60u << 10);
        nr_buf_init(&pk, 4096);
        json_array_foreach(json_object_get(f, "packets"), j, v)
            nr_buf_printf(&pk, "%s%lld", j ? ", " : "", (long long)json_integer_value(v));
        nr_buf_printf(&d,
                      "%s\n\nRule %s. Capture: evidence %lld (%s), packets %s. Check: tshark -r "
                      "%s -Y '%s'.%s",
                      jstr(f, "detail"), jstr(f, "rule"), (long long)cap_id, source,
                      pk.p ? pk.p : "-", source, jstr(f, "filter"),
                      decl_id ? "" : " No declaration was given.");
        if (decl_id)
            nr_buf_printf(&d, " Declaration: evidence %lld.", (long long)decl_id);
        snprintf(title, sizeof(title), "%s", jstr(f, "title"));
        memset(&sp, 0, sizeof(sp));
        sp.category = jstr(f, "category");
        sp.severity = jstr(f, "severity");
        sp.title = title;
        sp.detail = d.p;
        sp.evidence_ids = evidence;
        sp.source = "traffic";
        sp.task_id = task_id;
        rc = nr_finding_add(rv, a, c->id, &sp, &fid, err);
        nr_buf_release(&d);
        nr_buf_release(&pk);
        if (rc)
            goto out;
        json_array_append_new(ids, json_integer(fid));
    }
    if (nf > RECORDED_MAX) {
        struct nr_finding_spec sp;
        int64_t fid = 0;
        char title[TITLE_MAX + 1];
        snprintf(title, sizeof(title), "%zu more traffic findings in the analysis report",
                 nf - RECORDED_MAX);
        detail = nr_asprintf("The analysis of evidence %lld found %zu findings; the first %d are "
                             "recorded one by one, the rest are in the analysis report "
                             "(traffic_analyses) and in `netreview analyze traffic --json`.",
                             (long long)cap_id, nf, RECORDED_MAX);
        memset(&sp, 0, sizeof(sp));
        sp.category = "other";
        sp.severity = "medium";
        sp.title = title;
        sp.detail = detail;
        sp.evidence_ids = evidence;
        sp.source = "traffic";
        sp.task_id = task_id;
        rc = nr_finding_add(rv, a, c->id, &sp, &fid, err);
        if (rc)
            goto out;
        json_array_append_new(ids, json_integer(fid));
    }
    {
        json_t *sum = json_pack("{s:s,s:O,s:O,s:O,s:O,s:O}", "source", source, "capture",
                                json_object_get(report, "capture"), "conversations",
                                json_object_get(report, "conversations"), "device",
                                json_object_get(report, "device"), "declared",
                                json_object_get(report, "declared"), "summary",
                                json_object_get(report, "summary"));
        summary = json_dumps(sum, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(sum);
    }
    if (summary == NULL || strlen(summary) > SUMMARY_MAX) {
        rc = nr_err_set(err, NR_ETOOBIG, "summary", "the analysis summary is too large to store");
        goto out;
    }
    nr_time_fmt(nr_time_now(), now);
    rc = nr_store_query_int(
        rv->st, err, &aid,
        "INSERT INTO traffic_analyses (case_id, task_id, capture_evidence_id, "
        "declared_evidence_id, packets, flows, findings, summary, created_by, created_at) VALUES "
        "(?, NULLIF(?, 0), ?, NULLIF(?, 0), ?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id",
        "iiiiiiitit", c->id, task_id, cap_id, decl_id,
        (int64_t)json_integer_value(json_object_get(json_object_get(report, "capture"), "packets")),
        (int64_t)json_integer_value(json_object_get(json_object_get(report, "capture"), "flows")),
        (int64_t)nf, summary, a->user_id, now);
    if (rc)
        goto out;
    snprintf(obj, sizeof(obj), "traffic_analysis:%lld", (long long)aid);
    nr_free(detail);
    if (decl_id)
        snprintf(evidence, sizeof(evidence), "evidence:%lld", (long long)decl_id);
    else
        snprintf(evidence, sizeof(evidence), "none");
    detail = nr_asprintf(
        "capture=evidence:%lld declared=%s packets=%lld flows=%lld findings=%zu", (long long)cap_id,
        evidence,
        (long long)json_integer_value(
            json_object_get(json_object_get(report, "capture"), "packets")),
        (long long)json_integer_value(json_object_get(json_object_get(report, "capture"), "flows")),
        nf);
    rc = nr_audit_append(rv, a, "traffic.analyze", c->id, obj, detail, err);
    if (rc)
        goto out;
    json_object_set_new(report, "analysis_id", json_integer(aid));
    json_object_set_new(report, "capture_evidence_id", json_integer(cap_id));
    json_object_set_new(report, "declared_evidence_id",
                        decl_id ? json_integer(decl_id) : json_null());
    json_object_set_new(report, "finding_ids", ids);
    ids = NULL;
out:
    json_decref(ids);
    free(summary);
    nr_free(detail);
    return rc;
}

int nr_traffic_attach_file(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                           int64_t task_id, const char *capture_path, const char *declared_path,
                           const char *device, size_t max_flows, json_t **report,
                           struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    struct nr_declared decl;
    struct nr_evidence_spec sp;
    char sha_cap[65] = "", sha_decl[65] = "";
    const char *slash = strrchr(capture_path, '/');
    int64_t cap_id = 0, decl_id = 0;
    json_t *r = NULL;
    int rc;

    *report = NULL;
    nr_arena_init(&ar);
    memset(&decl, 0, sizeof(decl));
    nr_arena_init(&decl.ar);
    rc = may_analyse(rv, a, case_id, task_id, "evidence.add", &ar, &c, err);
    if (rc)
        goto out;
    rc = analyse(capture_path, declared_path, device, max_flows, slash ? slash + 1 : capture_path,
                 &decl, &r, err);
    if (rc)
        goto out;

    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out;
    memset(&sp, 0, sizeof(sp));
    sp.path = capture_path;
    sp.description = "network capture of the product under test (online monitoring)";
    sp.task_id = task_id;
    rc = nr_evidence_add(rv, a, case_id, &sp, &cap_id, sha_cap, err);
    if (rc == 0 && declared_path) {
        memset(&sp, 0, sizeof(sp));
        sp.path = declared_path;
        sp.media_type = "application/json";
        sp.description = "the provider's declaration of endpoints and listening services";
        sp.task_id = task_id;
        rc = nr_evidence_add(rv, a, case_id, &sp, &decl_id, sha_decl, err);
    }
    if (rc == 0)
        rc = record(rv, a, &c, task_id, cap_id, decl_id, r, err);
    if (rc) {
        nr_store_rollback(rv->st);
        nr__evidence_forget(rv, sha_cap);
        nr__evidence_forget(rv, sha_decl);
        goto out;
    }
    rc = nr_store_commit(rv->st, err);
    if (rc) {
        nr__evidence_forget(rv, sha_cap);
        nr__evidence_forget(rv, sha_decl);
        goto out;
    }
    *report = r;
    r = NULL;
out:
    json_decref(r);
    nr_declared_release(&decl);
    nr_arena_release(&ar);
    return rc;
}

/* Decrypts evidence of the case into a fresh 0600 file under the data directory; *path is the
 * caller's to unlink and free. */
static int evidence_plain(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                          int64_t id, const char *field, char **path, char **filename,
                          struct nr_err *err)
{
    char *tmp = NULL, *name = NULL;
    int64_t ecase = 0;
    int rc;

    *path = NULL;
    *filename = NULL;
    rc = nr_store_query_int(rv->st, NULL, &ecase, "SELECT case_id FROM evidence WHERE id = ?", "i",
                            id);
    if (rc == NR_ENOTFOUND || (rc == 0 && ecase != c->id))
        return nr_err_set(err, NR_EINVAL, field, "evidence %lld is not evidence of case %s",
                          (long long)id, c->ref);
    if (rc)
        return nr_err_set(err, rc, field, "cannot look up evidence %lld", (long long)id);
    rc = nr_store_query_text(rv->st, err, &name, "SELECT filename FROM evidence WHERE id = ?", "i",
                             id);
    if (rc)
        return rc;
    rc = nr__evidence_extract(rv, a, id, field, &tmp, err);
    if (rc)
        goto out;
    *path = tmp;
    tmp = NULL;
    *filename = name;
    name = NULL;
out:
    nr_free(tmp);
    free(name);
    return rc;
}

static void rename_in_message(struct nr_err *err, const char *path, int64_t id)
{
    char *m, *at;

    if (err == NULL || path == NULL || (at = strstr(err->msg, path)) == NULL)
        return;
    m = nr_asprintf("%s", err->msg);
    at = m + (at - err->msg);
    *at = '\0';
    snprintf(err->msg, sizeof(err->msg), "%sevidence %lld%s", m, (long long)id, at + strlen(path));
    nr_free(m);
}

int nr_traffic_attach_evidence(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                               int64_t task_id, int64_t capture_evidence_id,
                               int64_t declared_evidence_id, const char *device, json_t **report,
                               struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    struct nr_declared decl;
    char *cap_path = NULL, *cap_name = NULL, *decl_path = NULL, *decl_name = NULL;
    json_t *r = NULL;
    int rc;

    *report = NULL;
    nr_arena_init(&ar);
    memset(&decl, 0, sizeof(decl));
    nr_arena_init(&decl.ar);
    rc = may_analyse(rv, a, case_id, task_id, "evidence.read", &ar, &c, err);
    if (rc)
        goto out;
    if (capture_evidence_id <= 0) {
        rc = nr_err_set(err, NR_EINVAL, "capture_evidence_id",
                        "capture_evidence_id names the capture to analyse");
        goto out;
    }
    /* Both pieces are checked to be of the case before either is decrypted. */
    if (declared_evidence_id) {
        int64_t ecase = 0;
        int q =
            nr_store_query_int(rv->st, NULL, &ecase, "SELECT case_id FROM evidence WHERE id = ?",
                               "i", declared_evidence_id);
        if (q != 0 || ecase != case_id) {
            rc = nr_err_set(err, NR_EINVAL, "declared_evidence_id",
                            "evidence %lld is not evidence of case %s",
                            (long long)declared_evidence_id, c.ref);
            goto out;
        }
    }
    rc = evidence_plain(rv, a, &c, capture_evidence_id, "capture_evidence_id", &cap_path, &cap_name,
                        err);
    if (rc == 0 && declared_evidence_id)
        rc = evidence_plain(rv, a, &c, declared_evidence_id, "declared_evidence_id", &decl_path,
                            &decl_name, err);
    if (rc == 0)
        rc = analyse(cap_path, decl_path, device, 0, cap_name, &decl, &r, err);
    if (rc)
        goto out;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out;
    rc = record(rv, a, &c, task_id, capture_evidence_id, declared_evidence_id, r, err);
    if (rc) {
        nr_store_rollback(rv->st);
        goto out;
    }
    rc = nr_store_commit(rv->st, err);
    if (rc)
        goto out;
    *report = r;
    r = NULL;
out:
    /* Messages name the evidence, not the temporary file it was decrypted to; so do fields. */
    rename_in_message(err, decl_path, declared_evidence_id);
    rename_in_message(err, cap_path, capture_evidence_id);
    if (rc && err && strcmp(err->field, "declared") == 0)
        snprintf(err->field, sizeof(err->field), "declared_evidence_id");
    else if (rc && err && strcmp(err->field, "capture") == 0)
        snprintf(err->field, sizeof(err->field), "capture_evidence_id");
    if (cap_path) {
        unlink(cap_path);
        nr_free(cap_path);
    }
    if (decl_path) {
        unlink(decl_path);
        nr_free(decl_path);
    }
    free(cap_name);
    free(decl_name);
    json_decref(r);
    nr_declared_release(&decl);
    nr_arena_release(&ar);
    return rc;
}

/* Whether the evidence list holds id. */
static bool listed(const json_t *evidence, int64_t id)
{
    size_t i;
    json_t *e;

    json_array_foreach(evidence, i, e)
    {
        if (json_integer_value(json_object_get(e, "id")) == id)
            return true;
    }
    return false;
}

int nr_traffic_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                    struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *evidence = NULL, *rows = NULL, *shown = NULL, *row;
    int64_t only_org = 0;
    size_t i;
    int rc;

    *out = NULL;
    /* R11: an analysis is shown to whoever may see the capture it came from, as the evidence
     * list shows it (a provider does not see a laboratory's confidential capture, an expert only
     * the evidence of a panel he sits on); the list also checks the case is theirs to see. */
    rc = nr_evidence_list(rv, a, case_id, &evidence, err);
    if (rc)
        goto out;
    /* R11: an institution sees the analyses of its own work, as with findings. */
    if (a->role == NR_ROLE_INSTITUTION)
        only_org = a->org_id;
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT x.id AS id, x.case_id AS case_id, x.task_id AS task_id, x.capture_evidence_id "
        "AS capture_evidence_id, x.declared_evidence_id AS declared_evidence_id, x.packets AS "
        "packets, x.flows AS flows, x.findings AS findings, x.summary AS summary, u.login AS "
        "created_by, x.created_at AS created_at FROM traffic_analyses x LEFT JOIN users u ON "
        "u.id = x.created_by LEFT JOIN tasks t ON t.id = x.task_id LEFT JOIN institutions i ON "
        "i.id = t.institution_id WHERE x.case_id = ? AND (? = 0 OR u.org_id = ? OR i.org_id = "
        "?) ORDER BY x.id",
        "iiii", case_id, only_org, only_org, only_org);
    if (rc)
        goto out;
    rows = json_array();
    rc = nr_stmt_rows_json(s, "iiiiiiiittt", rows, err);
    if (rc)
        goto out;
    shown = json_array();
    json_array_foreach(rows, i, row)
    {
        const char *text = json_string_value(json_object_get(row, "summary"));
        json_t *sum;
        if (!listed(evidence,
                    (int64_t)json_integer_value(json_object_get(row, "capture_evidence_id"))))
            continue;
        sum = text ? json_loads(text, 0, NULL) : NULL;
        json_object_set_new(row, "summary", sum ? sum : json_null());
        json_array_append(shown, row);
    }
    *out = shown;
    shown = NULL;
out:
    nr_stmt_free(s);
    json_decref(shown);
    json_decref(rows);
    json_decref(evidence);
    return rc;
}
