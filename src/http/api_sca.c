/*
 * api_sca.c - the supply-chain engine's resources (interface: api.h, helpers from http_int.h):
 * SBOMs analysed on a case, an SBOM analysed on its own, the imported OSV advisories, and a
 * watch run on demand (R3 category supply_chain, R14). Each handler does what the matching
 * command does (`analyze sbom`, `osv list`, `watch`) and answers the JSON that command prints
 * with --json; every rule (role, phase, need-to-know) is the model's (sca.h, osv.h).
 *
 * An SBOM of a case arrives like any evidence, in parts through the uploads (api_evaluation.c),
 * and POST /cases/{case}/sboms then analyses that evidence: a large SBOM never sits whole in a
 * request. POST /analyze/sbom takes the document as the raw body instead, up to the server's cap
 * for a body (NR_HTTP_PART_MAX), and stores nothing.
 */
#include "api.h"

#include "netreview/osv.h"
#include "netreview/sbom.h"
#include "netreview/sca.h"

#include <stdint.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_API_ID_MAX           INT64_MAX
#define NR_API_ADVISORIES_MAX   1000
#define NR_API_ADVISORIES_DFLT  100
#define NR_API_ADVISORY_Q_MAX   512
#define NR_API_WATCH_CASES_PAGE 1000 /* nr_case_list's largest page */

/* ---- SBOMs of a case ---- */

NR_HANDLER(api_sbom_list)
{
    struct nr_err err;
    json_t *rows = NULL;
    int64_t case_id;
    int rc;

    if (nr_req_param_case(r, 0, &case_id))
        return;
    nr_err_init(&err);
    rc = nr_sca_list(r->rv, &r->actor, case_id, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}

NR_HANDLER(api_sbom_attach)
{
    static const char *const fields[] = {"evidence_id", "task_id", NULL};
    struct nr_err err;
    json_t *report = NULL;
    int64_t case_id, evidence_id, task_id;
    bool bad = false;
    int rc;

    if (nr_req_param_case(r, 0, &case_id) || nr_req_fields(r, fields))
        return;
    if (r->body == NULL || json_object_get(r->body, "evidence_id") == NULL) {
        nr_req_fail(r, NR_EINVAL, "evidence_id",
                    "name the SBOM: evidence_id of evidence of the case (upload it first)");
        return;
    }
    evidence_id = nr_req_int(r, "evidence_id", 1, NR_API_ID_MAX, 0, &bad);
    if (!bad)
        task_id = nr_req_int(r, "task_id", 0, NR_API_ID_MAX, 0, &bad);
    if (bad)
        return;
    nr_err_init(&err);
    /* R3, R11: the model checks the caller may add evidence and findings to this case (the
     * task's institution or the office) before it reads a byte of the evidence. */
    rc = nr_sca_attach_evidence(r->rv, &r->actor, case_id, task_id, evidence_id, &report, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 201, report);
}

/* ---- an SBOM on its own ---- */

NR_HANDLER(api_sbom_analyze)
{
    struct nr_sca_index *ix = NULL;
    struct nr_sbom sbom;
    struct nr_err err;
    json_t *report = NULL;
    int rc;

    if (r->raw_len == 0) {
        nr_req_fail(r, NR_EINVAL, "$",
                    "send the SBOM (CycloneDX or SPDX JSON) as the body of the request");
        return;
    }
    nr_err_init(&err);
    nr_sbom_init(&sbom);
    /* Read before the index is acquired: a malformed document costs nothing else. */
    rc = nr_sbom_read_mem(&sbom, r->raw, r->raw_len, &err);
    if (rc == 0)
        rc = nr_sca_index_acquire(r->rv, &ix, &err);
    if (rc == 0) {
        rc = nr_sca_analyze(ix, &sbom, &report, &err);
        nr_sca_index_release(ix);
    }
    nr_sbom_release(&sbom);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, report);
}

/* ---- advisories ---- */

NR_HANDLER(api_advisory_list)
{
    const char *q = nr_req_query(r, "q");
    struct nr_err err;
    json_t *rows = NULL;
    int64_t limit;
    int rc;

    if (nr_req_query_int(r, "limit", 1, NR_API_ADVISORIES_MAX, NR_API_ADVISORIES_DFLT, &limit))
        return;
    if (q && strlen(q) > NR_API_ADVISORY_Q_MAX) {
        nr_req_fail(r, NR_EINVAL, "q", "q is at most %d bytes", NR_API_ADVISORY_Q_MAX);
        return;
    }
    nr_err_init(&err);
    rc = nr_osv_list(r->rv, q && *q ? q : NULL, (int)limit, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}

/* ---- R14: the watch ---- */

/* The cases the run flagged: those whose watch_at is not older than the run, as the caller may
 * see them (the office sees every case). */
static int nr_watch_flagged(struct nr_req *r, const char *started, json_t **out, struct nr_err *err)
{
    struct nr_case_filter f;
    json_t *flagged = json_array(), *page = NULL, *c;
    size_t i, n;
    int rc;

    memset(&f, 0, sizeof(f));
    f.limit = NR_API_WATCH_CASES_PAGE;
    do {
        rc = nr_case_list(r->rv, &r->actor, &f, &page, err);
        if (rc) {
            json_decref(flagged);
            return rc;
        }
        json_array_foreach(page, i, c)
        {
            const char *at = json_string_value(json_object_get(c, "watch_at"));
            if (at && strcmp(at, started) >= 0)
                json_array_append_new(
                    flagged,
                    json_pack("{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(c, "id"), "ref",
                              json_object_get(c, "ref"), "title", json_object_get(c, "title"),
                              "watch_reason", json_object_get(c, "watch_reason"), "watch_at",
                              json_object_get(c, "watch_at")));
        }
        n = json_array_size(page);
        json_decref(page);
        f.offset += NR_API_WATCH_CASES_PAGE;
    } while (n == NR_API_WATCH_CASES_PAGE);
    *out = flagged;
    return 0;
}

NR_HANDLER(api_watch_run)
{
    static const char *const fields[] = {NULL};
    struct nr_sca_watch_stats st;
    struct nr_err err;
    char started[NR_TIME_STR];
    json_t *flagged = NULL;
    int rc;

    if (nr_req_fields(r, fields))
        return;
    nr_err_init(&err);
    memset(&st, 0, sizeof(st));
    nr_time_fmt(nr_time_now(), started);
    /* R14: only the office (the model refuses every other role). */
    rc = nr_sca_watch(r->rv, &r->actor, &st, &err);
    if (rc == 0 && st.flagged > 0)
        rc = nr_watch_flagged(r, started, &flagged, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200,
                json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:f,s:f},s:o}", "stats", "sboms",
                          (json_int_t)st.sboms, "components", (json_int_t)st.components, "matches",
                          (json_int_t)st.matches, "new_matches", (json_int_t)st.new_matches,
                          "flagged", (json_int_t)st.flagged, "index_seconds", st.index_seconds,
                          "match_seconds", st.match_seconds, "flagged",
                          flagged ? flagged : json_array()));
}
