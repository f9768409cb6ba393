/*
 * evaluation.c - the evaluation part of a review (interface: review.h, "evaluation"): the
 * provider's signed security commitment (R3), evaluation tasks given to designated institutions
 * and their signed reports (R3, R5, R10), evidence stored encrypted and content-addressed with
 * every confidential read audited (R11), and findings in the procedure's risk categories (R4).
 * Helpers shared with panel.c are declared in evaluation_int.h; the checks and the evidence add
 * that uploads in parts (upload.c) share, in upload_int.h.
 *
 * What is signed. Commitments and reports (and, in panel.c, scores) are signed with the acting
 * user's own key (nr_user_sign) over a short canonical text that binds the suite hash of the
 * content to the case, so that a signature cannot be carried over to another case or task.
 * Anyone holding the signer's public key rebuilds the text from the stored row and verifies:
 *
 *   netreview-commitment/1\ncase=NR-2026-0001\nhash=<hex of the text's hash>\n
 *   netreview-report/1\ncase=NR-2026-0001\ntask=3\nmethod=lab_testing\n
 *       institution=<org name>\nstandards=<standards>\nhash=<hex of the report's hash>\n
 *
 * Evidence files. A file is streamed through nr_seal_file into <data>/evidence/tmp/ and then
 * hard-linked to <data>/evidence/<first two hex digits>/<sha256 of the plaintext>. link() never
 * replaces a file, so two adds of the same content keep the first sealed copy and neither can
 * clobber a file that a committed row refers to. Sealing happens before the database transaction
 * (a 2 GiB capture must not hold the write lock), so the permission checks run twice: once to
 * fail fast, once inside the transaction that inserts the row.
 */
#include "evaluation_int.h"
#include "upload_int.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

/* Limits on every input; the messages name the field. */
#define NR_COMMITMENT_MAX  (64u * 1024)
#define NR_REPORT_MAX      (1024u * 1024)
#define NR_STANDARDS_MAX   2000u
#define NR_TITLE_MAX       300u
#define NR_DETAIL_MAX      (64u * 1024)
#define NR_DESCRIPTION_MAX 4096u
#define NR_FILENAME_MAX    255u
#define NR_MEDIA_TYPE_MAX  127u
#define NR_SOURCE_MAX      32u
#define NR_REF_MAX         256u
#define NR_DUE_DAYS_MAX    365
#define NR_EVIDENCE_REFS   100

#define NR_MIB (1024ull * 1024)
#define NR_GIB (1024ull * 1024 * 1024)

/* ---- helpers shared with panel.c ---- */

static bool nr_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp, min;

        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            len = 2, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

int nr__eval_text(const char *field, const char *s, size_t max, unsigned flags, struct nr_err *err)
{
    const unsigned char *p = (const unsigned char *)s;
    bool blank = true;
    size_t n;

    if (s == NULL || *s == '\0') {
        if (flags & NR__TEXT_OPTIONAL)
            return 0;
        return nr_err_set(err, NR_EINVAL, field, "%s is required", field);
    }
    n = strnlen(s, max + 1);
    if (n > max)
        return nr_err_set(err, NR_ETOOBIG, field, "%s is longer than %zu bytes", field, max);
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if ((c < 0x20 || c == 0x7f) &&
            !((flags & NR__TEXT_MULTILINE) && (c == '\n' || c == '\t' || c == '\r')))
            return nr_err_set(err, NR_EINVAL, field, "%s contains a control character", field);
        if (!space)
            blank = false;
    }
    if (blank && !(flags & NR__TEXT_OPTIONAL))
        return nr_err_set(err, NR_EINVAL, field, "%s is empty", field);
    if (!nr_utf8_valid(p, n))
        return nr_err_set(err, NR_EINVAL, field, "%s is not valid UTF-8", field);
    return 0;
}

void nr__eval_clock(int32_t *today, char date[NR_DATE_STR], char now[NR_TIME_STR])
{
    time_t t = nr_time_now();
    int32_t d = nr_date_from_time(t);

    if (today)
        *today = d;
    if (date)
        nr_date_fmt(d, date);
    if (now)
        nr_time_fmt(t, now);
}

static bool nr_date_prefix(const char *s, int32_t *day)
{
    char buf[NR_DATE_STR];

    if (s == NULL || strnlen(s, 10) < 10)
        return false;
    memcpy(buf, s, 10);
    buf[10] = '\0';
    return nr_date_parse(buf, day) == 0;
}

bool nr__eval_in_force(const char *from, const char *until, int32_t today)
{
    int32_t f, u;

    if (!nr_date_prefix(from, &f) || f > today)
        return false;
    if (until && *until && (!nr_date_prefix(until, &u) || u < today))
        return false;
    return true;
}

int nr__eval_hash_hex(struct nr_review *rv, const void *data, size_t len,
                      char hex[2 * NR_HASH_LEN + 1], struct nr_err *err)
{
    uint8_t h[NR_HASH_LEN];
    int rc = nr_hash(rv->suite, data, len, h);

    if (rc)
        return nr_err_set(err, rc, NULL, "cannot hash with suite %s", nr_suite_name(rv->suite));
    nr_hex(h, sizeof(h), hex);
    return 0;
}

int nr__eval_holds_task(struct nr_review *rv, int64_t org_id, int64_t case_id, bool *holds,
                        struct nr_err *err)
{
    int64_t n = 0;
    int rc = nr_store_query_int(rv->st, err, &n,
                                "SELECT COUNT(*) FROM tasks t JOIN institutions i ON i.id = "
                                "t.institution_id WHERE t.case_id = ? AND i.org_id = ?",
                                "ii", case_id, org_id);
    *holds = rc == 0 && n > 0;
    return rc;
}

int nr__eval_panel_seat(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                        int64_t *expert_id, char status[16], struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    status[0] = '\0';
    if (expert_id)
        *expert_id = 0;
    if (a->user_id == 0)
        return 0;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT e.id, m.status FROM experts e LEFT JOIN panels p ON "
                               "p.case_id = ? LEFT JOIN panel_members m ON m.panel_id = p.id AND "
                               "m.expert_id = e.id WHERE e.user_id = ?",
                               "ii", case_id, a->user_id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        if (expert_id)
            *expert_id = nr_stmt_int(s, 0);
        if (!nr_stmt_is_null(s, 1))
            snprintf(status, 16, "%s", nr_stmt_text(s, 1));
        rc = 0;
    }
    nr_stmt_free(s);
    return rc < 0 ? rc : 0;
}

int nr__eval_sign(struct nr_review *rv, const struct nr_actor *a, const char *text, char **sig,
                  char key_id[NR_KEY_ID_STR], struct nr_err *err)
{
    *sig = NULL;
    if (a->user_id == 0)
        return nr_err_set(err, NR_EFORBIDDEN, "as",
                          "signing needs a user's own key; act with --as");
    return nr_user_sign(rv, a, text, strlen(text), sig, key_id, err);
}

/* ---- local helpers ---- */

/* Loads the case and checks the procedure's action (role, phase, need-to-know). When what is
 * given ("task 3"), a case the actor may not see is reported as that object not being found, so
 * that an id does not tell whether a hidden case exists (R11). */
static int nr_eval_case(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                        const char *action, const char *what, const char *field,
                        struct nr_arena *ar, struct nr_case *c, struct nr_err *err)
{
    struct nr_err local;
    int rc;

    nr_err_init(&local);
    rc = nr_case_get(rv, a, case_id, ar, c, &local);
    if (rc == NR_ENOTFOUND && what)
        return nr_err_set(err, rc, field, "no %s", what);
    if (rc)
        return nr_err_set(err, rc, local.field, "%s", local.msg);
    if (action)
        rc = nr_case_check_action(rv, a, c, action, err);
    return rc;
}

/* R11: an institution works only on the cases where it holds a task. */
static int nr_eval_need_task(struct nr_review *rv, const struct nr_actor *a,
                             const struct nr_case *c, struct nr_err *err)
{
    bool holds = false;
    int rc;

    if (a->role != NR_ROLE_INSTITUTION)
        return 0;
    rc = nr__eval_holds_task(rv, a->org_id, c->id, &holds, err);
    if (rc == 0 && !holds)
        rc = nr_err_set(err, NR_EFORBIDDEN, "case", "your institution holds no task on case %s",
                        c->ref);
    return rc;
}

static void nr_eval_object(char *out, size_t n, const char *kind, int64_t id)
{
    snprintf(out, n, "%s:%lld", kind, (long long)id);
}

/* Ends a write: commit on success, roll back everything otherwise. */
static int nr_eval_finish(struct nr_review *rv, int rc, struct nr_err *err)
{
    if (rc) {
        nr_store_rollback(rv->st);
        return rc;
    }
    return nr_store_commit(rv->st, err);
}

/* ---- R3: the provider's security commitment ---- */

int nr_commitment_sign(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                       const char *text, struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    char hash[2 * NR_HASH_LEN + 1], key_id[NR_KEY_ID_STR], now[NR_TIME_STR], obj[48];
    char *canon = NULL, *sig = NULL, *detail = NULL;
    int64_t n = 0, id = 0;
    int rc;

    nr_arena_init(&ar);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_eval_case(rv, a, case_id, "commitment.sign", NULL, NULL, &ar, &c, err);
    if (rc)
        goto out;
    /* R3: the commitment is the provider's own declaration about its product. */
    if (c.provider_id == 0 || a->org_id != c.provider_id) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "as",
                        "only the provider of the product under review may sign the security "
                        "commitment of case %s",
                        c.ref);
        goto out;
    }
    rc = nr_store_query_int(rv->st, err, &n, "SELECT COUNT(*) FROM commitments WHERE case_id = ?",
                            "i", case_id);
    if (rc)
        goto out;
    if (n > 0) {
        rc =
            nr_err_set(err, NR_EEXISTS, "case", "case %s already holds a signed commitment", c.ref);
        goto out;
    }
    rc = nr__eval_text("text", text, NR_COMMITMENT_MAX, NR__TEXT_MULTILINE, err);
    if (rc == 0)
        rc = nr__eval_hash_hex(rv, text, strlen(text), hash, err);
    if (rc)
        goto out;
    canon = nr_asprintf("netreview-commitment/1\ncase=%s\nhash=%s\n", c.ref, hash);
    rc = nr__eval_sign(rv, a, canon, &sig, key_id, err);
    if (rc)
        goto out;
    nr__eval_clock(NULL, NULL, now);
    rc = nr_store_query_int(rv->st, err, &id,
                            "INSERT INTO commitments (case_id, text, text_hash, signed_by, "
                            "signature, key_id, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                            "RETURNING id",
                            "ittittt", case_id, text, hash, a->user_id, sig, key_id, now);
    if (rc)
        goto out;
    nr_eval_object(obj, sizeof(obj), "commitment", id);
    detail = nr_asprintf("%s=%s key_id=%s", nr_suite_hash_alg(rv->suite), hash, key_id);
    rc = nr_audit_append(rv, a, "commitment.sign", case_id, obj, detail, err);
out:
    rc = nr_eval_finish(rv, rc, err);
out_notxn:
    nr_free(canon);
    nr_free(sig);
    nr_free(detail);
    nr_arena_release(&ar);
    return rc;
}

/* ---- R3, R5, R10: evaluation tasks ---- */

struct nr_institution {
    int64_t id, org_id;
    char *name, *methods, *from, *until;
};

/* True when the comma list holds item (spaces around items ignored). */
static bool nr_list_has(const char *list, const char *item)
{
    size_t n = strlen(item);
    const char *p = list;

    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && (*p == ' ' || *p == '\t'))
            p++, len--;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == n && strncmp(p, item, n) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* R5: the registry entry of the institution named by its organisation's name or id. */
static int nr_institution_lookup(struct nr_review *rv, const char *ref, struct nr_arena *ar,
                                 struct nr_institution *in, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_err local;
    int64_t org = 0;
    int rc;

    rc = nr__eval_text("institution", ref, NR_REF_MAX, 0, err);
    if (rc)
        return rc;
    nr_err_init(&local);
    rc = nr_org_find(rv, ref, &org, &local);
    if (rc == NR_ENOTFOUND)
        return nr_err_set(err, rc, "institution", "institution %s is not in the registry", ref);
    if (rc)
        return nr_err_set(err, rc, local.field, "%s", local.msg);
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT i.id, i.org_id, o.name, i.methods, i.designated_from, "
                               "i.designated_until FROM institutions i JOIN orgs o ON o.id = "
                               "i.org_id WHERE i.org_id = ?",
                               "i", org);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        in->id = nr_stmt_int(s, 0);
        in->org_id = nr_stmt_int(s, 1);
        in->name = nr_arena_strdup(ar, nr_stmt_text(s, 2));
        in->methods = nr_arena_strdup(ar, nr_stmt_text(s, 3));
        in->from = nr_arena_strdup(ar, nr_stmt_text(s, 4));
        in->until = nr_arena_strdup(ar, nr_stmt_text(s, 5));
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "institution",
                        "%s is not a designated institution (R5: only institutions in the "
                        "registry may evaluate)",
                        ref);
    }
    nr_stmt_free(s);
    return rc;
}

int nr_task_assign(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                   const struct nr_task_spec *sp, int64_t *id, struct nr_err *err)
{
    struct nr_institution in;
    struct nr_arena ar;
    struct nr_case c;
    char today_s[NR_DATE_STR], now[NR_TIME_STR], due_s[NR_DATE_STR], obj[48];
    const char *due = NULL;
    char *reason = NULL, *detail = NULL;
    bool conflicted = false;
    int64_t n = 0, task = 0;
    int32_t today;
    int rc;

    if (id)
        *id = 0;
    memset(&in, 0, sizeof(in));
    nr_arena_init(&ar);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_eval_case(rv, a, case_id, "task.assign", NULL, NULL, &ar, &c, err);
    if (rc)
        goto out;
    rc = nr_institution_lookup(rv, sp->institution, &ar, &in, err);
    if (rc)
        goto out;
    nr__eval_clock(&today, today_s, now);
    /* R5: only an institution whose designation is in force today may be given work. */
    if (!nr__eval_in_force(in.from, in.until, today)) {
        rc = nr_err_set(err, NR_EPRECOND, "institution",
                        "the designation of %s is not in force on %s (designated %s to %s)",
                        in.name, today_s, in.from ? in.from : "?",
                        in.until && *in.until ? in.until : "open end");
        goto out;
    }
    rc = nr__eval_text("method", sp->method, 64, 0, err);
    if (rc)
        goto out;
    /* R3: the method is one the procedure knows, and one the institution is designated for. */
    if (!nr_procedure_has_method(&rv->proc, sp->method)) {
        rc = nr_err_set(err, NR_EINVAL, "method", "procedure %s has no evaluation method %s",
                        rv->proc.id, sp->method);
        goto out;
    }
    if (!nr_list_has(in.methods, sp->method)) {
        rc = nr_err_set(err, NR_EPRECOND, "method", "%s is not designated for %s (its scope: %s)",
                        in.name, sp->method, in.methods);
        goto out;
    }
    /* R10: never assign an institution that has a conflict of interest with the provider. */
    rc = nr_conflict_check(rv, "institution", in.org_id, case_id, &conflicted, &reason, &ar, err);
    if (rc)
        goto out;
    if (conflicted) {
        rc = nr_err_set(err, NR_ECONFLICT, "institution",
                        "%s has a conflict of interest on case %s: %s", in.name, c.ref,
                        reason ? reason : "an affiliation with the provider");
        goto out;
    }
    rc = nr__eval_text("standards", sp->standards, NR_STANDARDS_MAX, NR__TEXT_OPTIONAL, err);
    if (rc)
        goto out;
    rc = nr_store_query_int(rv->st, err, &n,
                            "SELECT COUNT(*) FROM tasks WHERE case_id = ? AND institution_id = ? "
                            "AND method = ?",
                            "iit", case_id, in.id, sp->method);
    if (rc)
        goto out;
    if (n > 0) {
        rc = nr_err_set(err, NR_EEXISTS, "method", "%s already holds a %s task on case %s", in.name,
                        sp->method, c.ref);
        goto out;
    }
    rc = nr_store_query_int(rv->st, err, &n, "SELECT COUNT(*) FROM tasks WHERE case_id = ?", "i",
                            case_id);
    if (rc)
        goto out;
    if (rv->proc.max_tasks > 0 && n >= rv->proc.max_tasks) {
        rc = nr_err_set(err, NR_EPRECOND, "case",
                        "procedure %s allows %d evaluation task%s per case; case %s already has "
                        "%lld",
                        rv->proc.id, rv->proc.max_tasks, rv->proc.max_tasks == 1 ? "" : "s", c.ref,
                        (long long)n);
        goto out;
    }
    if (sp->due_days < 0 || sp->due_days > NR_DUE_DAYS_MAX) {
        rc = nr_err_set(err, NR_EINVAL, "due_days",
                        "due days must be between 1 and %d working days (0 for the phase "
                        "deadline)",
                        NR_DUE_DAYS_MAX);
        goto out;
    }
    if (sp->due_days > 0) {
        /* R13: task deadlines count working days, like phase deadlines. */
        nr_date_fmt(nr_calendar_add_workdays(&rv->cal, today, sp->due_days), due_s);
        due = due_s;
    } else {
        due = c.phase_due;
    }
    rc =
        nr_store_query_int(rv->st, err, &task,
                           "INSERT INTO tasks (case_id, institution_id, method, status, due, "
                           "standards, assigned_by, assigned_at) VALUES (?, ?, ?, 'assigned', "
                           "?, ?, NULLIF(?, 0), ?) RETURNING id",
                           "iitttit", case_id, in.id, sp->method, due,
                           sp->standards && *sp->standards ? sp->standards : NULL, a->user_id, now);
    if (rc)
        goto out;
    nr_eval_object(obj, sizeof(obj), "task", task);
    detail =
        nr_asprintf("institution=%s method=%s due=%s", in.name, sp->method, due ? due : "none");
    rc = nr_audit_append(rv, a, "task.assign", case_id, obj, detail, err);
    if (rc == 0 && id)
        *id = task;
out:
    rc = nr_eval_finish(rv, rc, err);
out_notxn:
    nr_free(detail);
    nr_arena_release(&ar);
    return rc;
}

int nr_task_report(struct nr_review *rv, const struct nr_actor *a, int64_t task_id,
                   const char *report, const char *standards, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_arena ar;
    struct nr_case c;
    char what[48], obj[48], hash[2 * NR_HASH_LEN + 1], key_id[NR_KEY_ID_STR], now[NR_TIME_STR];
    char *method = NULL, *status = NULL, *inst = NULL, *std = NULL;
    char *canon = NULL, *sig = NULL, *detail = NULL;
    int64_t case_id = 0, org = 0;
    int rc;

    nr_arena_init(&ar);
    snprintf(what, sizeof(what), "task %lld", (long long)task_id);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT t.case_id, i.org_id, o.name, t.method, t.status, "
                               "t.standards FROM tasks t JOIN institutions i ON i.id = "
                               "t.institution_id JOIN orgs o ON o.id = i.org_id WHERE t.id = ?",
                               "i", task_id);
    if (rc)
        goto out;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        case_id = nr_stmt_int(s, 0);
        org = nr_stmt_int(s, 1);
        inst = nr_arena_strdup(&ar, nr_stmt_text(s, 2));
        method = nr_arena_strdup(&ar, nr_stmt_text(s, 3));
        status = nr_arena_strdup(&ar, nr_stmt_text(s, 4));
        std = nr_arena_strdup(&ar, nr_stmt_text(s, 5));
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "task", "no %s", what);
    }
    nr_stmt_free(s);
    if (rc)
        goto out;
    rc = nr_eval_case(rv, a, case_id, "task.report", what, "task", &ar, &c, err);
    if (rc)
        goto out;
    /* R10: the report is attributed to the institution that was given the task. */
    if (a->org_id != org) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "task",
                        "%s is assigned to %s; only its users may report on it", what, inst);
        goto out;
    }
    if (status && strcmp(status, "reported") == 0) {
        rc = nr_err_set(err, NR_EEXISTS, "task", "%s already holds a signed report", what);
        goto out;
    }
    rc = nr__eval_text("report", report, NR_REPORT_MAX, NR__TEXT_MULTILINE, err);
    if (rc == 0)
        rc = nr__eval_text("standards", standards, NR_STANDARDS_MAX, NR__TEXT_OPTIONAL, err);
    if (rc)
        goto out;
    if (standards && *standards)
        std = nr_arena_strdup(&ar, standards);
    /* R10: the reference standards used are recorded on every evaluation. */
    if (std == NULL || *std == '\0') {
        rc = nr_err_set(err, NR_EINVAL, "standards",
                        "a report must name the reference standards it used (--standards)");
        goto out;
    }
    rc = nr__eval_hash_hex(rv, report, strlen(report), hash, err);
    if (rc)
        goto out;
    canon = nr_asprintf("netreview-report/1\ncase=%s\ntask=%lld\nmethod=%s\ninstitution=%s\n"
                        "standards=%s\nhash=%s\n",
                        c.ref, (long long)task_id, method, inst, std, hash);
    rc = nr__eval_sign(rv, a, canon, &sig, key_id, err);
    if (rc)
        goto out;
    nr__eval_clock(NULL, NULL, now);
    rc = nr_store_exec(rv->st, err,
                       "UPDATE tasks SET status = 'reported', report = ?, report_hash = ?, "
                       "report_signature = ?, report_key_id = ?, reported_by = ?, reported_at = "
                       "?, standards = ? WHERE id = ? AND report_signature IS NULL",
                       "ttttitti", report, hash, sig, key_id, a->user_id, now, std, task_id);
    if (rc == 0 && nr_store_changes(rv->st) != 1)
        rc = nr_err_set(err, NR_EEXISTS, "task", "%s already holds a signed report", what);
    if (rc)
        goto out;
    nr_eval_object(obj, sizeof(obj), "task", task_id);
    detail = nr_asprintf("%s=%s key_id=%s standards=%s", nr_suite_hash_alg(rv->suite), hash, key_id,
                         std);
    rc = nr_audit_append(rv, a, "task.report", case_id, obj, detail, err);
out:
    rc = nr_eval_finish(rv, rc, err);
out_notxn:
    nr_free(canon);
    nr_free(sig);
    nr_free(detail);
    nr_arena_release(&ar);
    return rc;
}

/* Who may read the text of evaluation reports: those who run or weigh the case (the experts
 * score "on the basis of the third-party evaluation", R6) and the institution that wrote it. */
static bool nr_reports_readable(struct nr_review *rv, const struct nr_actor *a, int64_t case_id)
{
    char seat[16];

    switch (a->role) {
    case NR_ROLE_COMMITTEE:
    case NR_ROLE_OFFICE:
    case NR_ROLE_SECTOR_DEPT:
    case NR_ROLE_INSTITUTION: /* the list holds only its own tasks */
        return true;
    case NR_ROLE_EXPERT:
        return nr__eval_panel_seat(rv, a, case_id, NULL, seat, NULL) == 0 &&
               strcmp(seat, "member") == 0;
    default:
        return a->local_admin;
    }
}

int nr_task_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                 struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_arena ar;
    struct nr_case c;
    json_t *rows = NULL;
    int64_t only_org = 0;
    int rc;

    *out = NULL;
    nr_arena_init(&ar);
    rc = nr_eval_case(rv, a, case_id, NULL, NULL, NULL, &ar, &c, err);
    if (rc)
        goto out;
    /* R11: an institution sees its own tasks, not the other institutions' work. */
    if (a->role == NR_ROLE_INSTITUTION)
        only_org = a->org_id;
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT t.id AS id, t.case_id AS case_id, t.institution_id AS institution_id, o.name AS "
        "institution, t.method AS method, t.status AS status, t.due AS due, t.standards AS "
        "standards, ua.login AS assigned_by, t.assigned_at AS assigned_at, t.report AS report, "
        "t.report_hash AS report_hash, t.report_signature AS report_signature, t.report_key_id "
        "AS report_key_id, ur.login AS reported_by, t.reported_at AS reported_at FROM tasks t "
        "JOIN institutions i ON i.id = t.institution_id JOIN orgs o ON o.id = i.org_id LEFT JOIN "
        "users ua ON ua.id = t.assigned_by LEFT JOIN users ur ON ur.id = t.reported_by WHERE "
        "t.case_id = ? AND (? = 0 OR i.org_id = ?) ORDER BY t.id",
        "iii", case_id, only_org, only_org);
    if (rc)
        goto out;
    rows = json_array();
    rc = nr_stmt_rows_json(s, "iiittttttttttttt", rows, err);
    if (rc)
        goto out;
    if (!nr_reports_readable(rv, a, case_id)) {
        size_t i;
        json_t *o;
        json_array_foreach(rows, i, o) json_object_set_new(o, "report", json_null());
    }
    *out = rows;
    rows = NULL;
out:
    nr_stmt_free(s);
    json_decref(rows);
    nr_arena_release(&ar);
    return rc;
}

/* ---- R11: evidence ---- */

static const struct {
    const char *ext;
    const char *type;
} nr_media_by_ext[] = {
    /* Longest suffixes first: ".cdx.json" before ".json", ".tar.gz" before ".gz". */
    {".cdx.json", "application/vnd.cyclonedx+json"},
    {".spdx.json", "application/spdx+json"},
    {".tar.gz", "application/gzip"},
    {".pcapng", "application/x-pcapng"},
    {".pcap", "application/vnd.tcpdump.pcap"},
    {".cap", "application/vnd.tcpdump.pcap"},
    {".json", "application/json"},
    {".pdf", "application/pdf"},
    {".txt", "text/plain"},
    {".log", "text/plain"},
    {".md", "text/markdown"},
    {".csv", "text/csv"},
    {".html", "text/html"},
    {".xml", "application/xml"},
    {".bin", "application/octet-stream"},
    {".img", "application/octet-stream"},
    {".fw", "application/octet-stream"},
    {".zip", "application/zip"},
    {".tgz", "application/gzip"},
    {".gz", "application/gzip"},
    {".tar", "application/x-tar"},
    {".xz", "application/x-xz"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
};

/* Captures, firmware images and archives are big by nature; documents are not. */
static const char *const nr_media_large[] = {
    "application/vnd.tcpdump.pcap",
    "application/x-pcapng",
    "application/octet-stream",
    "application/zip",
    "application/gzip",
    "application/x-tar",
    "application/x-xz",
};

#define NR_EVIDENCE_LARGE_CAP (2 * NR_GIB)
#define NR_EVIDENCE_DOC_CAP   (64 * NR_MIB)

const char *nr_evidence_media_type(const char *filename, const char *given)
{
    size_t n;

    if (given && *given)
        return given;
    if (filename == NULL)
        return "application/octet-stream";
    n = strlen(filename);
    for (size_t i = 0; i < NR_ARRAY_LEN(nr_media_by_ext); i++) {
        size_t k = strlen(nr_media_by_ext[i].ext);
        if (n > k && strcasecmp(filename + n - k, nr_media_by_ext[i].ext) == 0)
            return nr_media_by_ext[i].type;
    }
    /* Unknown files are treated as opaque binaries (firmware dumps rarely have a telling
     * extension). */
    return "application/octet-stream";
}

uint64_t nr_evidence_cap(const char *media_type)
{
    for (size_t i = 0; media_type && i < NR_ARRAY_LEN(nr_media_large); i++)
        if (strcmp(media_type, nr_media_large[i]) == 0)
            return NR_EVIDENCE_LARGE_CAP;
    return NR_EVIDENCE_DOC_CAP;
}

/* A media type "type/subtype" in lower case (RFC 6838 restricted names, no parameters). */
static bool nr_media_valid(const char *t)
{
    const char *slash = strchr(t, '/');
    size_t n = strlen(t);

    if (slash == NULL || slash == t || slash[1] == '\0' || n > NR_MEDIA_TYPE_MAX)
        return false;
    for (const char *p = t; *p; p++) {
        if (p == slash)
            continue;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("!#$&^_.+-", *p)))
            return false;
    }
    return strchr(slash + 1, '/') == NULL;
}

static const char *nr_size_text(uint64_t n, char *buf, size_t len)
{
    if (n >= NR_GIB && n % NR_GIB == 0)
        snprintf(buf, len, "%llu GiB", (unsigned long long)(n / NR_GIB));
    else if (n >= NR_MIB && n % NR_MIB == 0)
        snprintf(buf, len, "%llu MiB", (unsigned long long)(n / NR_MIB));
    else
        snprintf(buf, len, "%llu bytes", (unsigned long long)n);
    return buf;
}

int nr__evidence_input(const char *filename, const char *media_given, const char *description,
                       const char **media, struct nr_err *err)
{
    const char *type;
    int rc;

    *media = NULL;
    rc = nr__eval_text("filename", filename, NR_FILENAME_MAX, 0, err);
    if (rc == 0 && strchr(filename, '/'))
        rc = nr_err_set(err, NR_EINVAL, "filename", "filename %s contains a '/'", filename);
    if (rc == 0)
        rc = nr__eval_text("description", description, NR_DESCRIPTION_MAX,
                           NR__TEXT_OPTIONAL | NR__TEXT_MULTILINE, err);
    if (rc)
        return rc;
    type = nr_evidence_media_type(filename, media_given);
    if (!nr_media_valid(type))
        return nr_err_set(err, NR_EINVAL, "media_type",
                          "%s is not a media type (lower-case type/subtype, e.g. "
                          "application/vnd.tcpdump.pcap)",
                          type);
    *media = type;
    return 0;
}

/* Who may add evidence to a case beyond the procedure's action check (R11). */
int nr__evidence_may_add(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                         int64_t task_id, struct nr_arena *ar, struct nr_case *c,
                         struct nr_err *err)
{
    int rc;

    rc = nr_eval_case(rv, a, case_id, "evidence.add", NULL, NULL, ar, c, err);
    if (rc)
        return rc;
    rc = nr_eval_need_task(rv, a, c, err);
    if (rc)
        return rc;
    if (a->role == NR_ROLE_PROVIDER && (c->provider_id == 0 || c->provider_id != a->org_id))
        return nr_err_set(err, NR_EFORBIDDEN, "case",
                          "a provider adds evidence only to the cases of its own products");
    return nr__case_task_check(rv, a, c, task_id, "task", err);
}

int nr__case_task_check(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                        int64_t task_id, const char *field, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int64_t tcase = 0, torg = 0;
    int rc;

    if (task_id == 0)
        return 0;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT t.case_id, i.org_id FROM tasks t JOIN institutions i ON "
                               "i.id = t.institution_id WHERE t.id = ?",
                               "i", task_id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        tcase = nr_stmt_int(s, 0);
        torg = nr_stmt_int(s, 1);
        rc = 0;
    }
    nr_stmt_free(s);
    if (rc < 0)
        return rc;
    if (tcase != c->id)
        return nr_err_set(err, NR_EINVAL, field, "task %lld is not a task of case %s",
                          (long long)task_id, c->ref);
    if (a->role == NR_ROLE_INSTITUTION && torg != a->org_id)
        return nr_err_set(err, NR_EFORBIDDEN, field, "task %lld belongs to another institution",
                          (long long)task_id);
    return 0;
}

static int nr_write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static char *nr_evidence_path(struct nr_review *rv, struct nr_arena *ar, const char *hex)
{
    return nr_arena_printf(ar, "%s/evidence/%.2s/%s", rv->data_dir, hex, hex);
}

int nr__evidence_extract(struct nr_review *rv, const struct nr_actor *a, int64_t evidence_id,
                         const char *field, char **path, struct nr_err *err)
{
    char *dir, *tmp = NULL;
    int fd, rc;

    *path = NULL;
    dir = nr_asprintf("%s/evidence/tmp", rv->data_dir);
    rc = nr_mkdirs(dir, err);
    if (rc)
        goto out;
    /* R11: plaintext evidence is readable by its owner only, and only while an engine reads it. */
    tmp = nr_asprintf("%s/extract-XXXXXX", dir);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        rc = nr_err_set(err, -errno, field, "cannot create a file in %s: %s", dir, strerror(errno));
        goto out;
    }
    fchmod(fd, 0600);
    rc = nr_evidence_read(rv, a, evidence_id, fd, err);
    if (close(fd) != 0 && rc == 0)
        rc = nr_err_set(err, -errno, field, "cannot write %s: %s", tmp, strerror(errno));
    if (rc) {
        unlink(tmp);
        goto out;
    }
    *path = tmp;
    tmp = NULL;
out:
    nr_free(tmp);
    nr_free(dir);
    return rc;
}

void nr__evidence_forget(struct nr_review *rv, const char *sha256)
{
    struct nr_arena ar;
    int64_t users = 1;

    if (sha256 == NULL || strlen(sha256) != 64)
        return;
    if (nr_store_query_int(rv->st, NULL, &users, "SELECT COUNT(*) FROM evidence WHERE sha256 = ?",
                           "t", sha256) != 0 ||
        users != 0)
        return;
    nr_arena_init(&ar);
    unlink(nr_evidence_path(rv, &ar, sha256));
    nr_arena_release(&ar);
}

/* Seals the file at path into the evidence store. *created tells whether this call made the
 * stored file (and so may remove it again when the row cannot be written). */
static int nr_evidence_store(struct nr_review *rv, const char *path, const char *media,
                             uint64_t cap, struct nr_arena *ar, char hex[65], uint64_t *size,
                             bool *created, char **stored, struct nr_err *err)
{
    char *dir, *tmp = NULL, *final, capbuf[32], sizebuf[32];
    uint8_t sha[NR_HASH_LEN];
    struct stat stt;
    int in = -1, out = -1, rc = 0;

    *created = false;
    in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        rc = -errno;
        nr_err_set(err, rc, "file", "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    if (fstat(in, &stt) != 0) {
        rc = -errno;
        nr_err_set(err, rc, "file", "cannot stat %s: %s", path, strerror(errno));
        goto out;
    }
    if (S_ISDIR(stt.st_mode)) {
        rc = nr_err_set(err, NR_EINVAL, "file", "%s is a directory, not a file", path);
        goto out;
    }
    /* Refuse an oversized regular file before reading it; pipes are checked as they stream. */
    if (S_ISREG(stt.st_mode) && (uint64_t)stt.st_size > cap) {
        rc = nr_err_set(err, NR_ETOOBIG, "file", "%s is %s; evidence of type %s is capped at %s",
                        path, nr_size_text((uint64_t)stt.st_size, sizebuf, sizeof(sizebuf)), media,
                        nr_size_text(cap, capbuf, sizeof(capbuf)));
        goto out;
    }
    dir = nr_arena_printf(ar, "%s/evidence/tmp", rv->data_dir);
    rc = nr_mkdirs(dir, err);
    if (rc)
        goto out;
    tmp = nr_arena_printf(ar, "%s/add-XXXXXX", dir);
    out = mkostemp(tmp, O_CLOEXEC);
    if (out < 0) {
        rc = -errno;
        nr_err_set(err, rc, "file", "cannot create a file in %s: %s", dir, strerror(errno));
        tmp = NULL;
        goto out;
    }
    /* R11: evidence is encrypted at rest, streamed in constant memory. */
    rc = nr_seal_file(rv->suite, rv->master_key, in, out, sha, size, err);
    if (rc)
        goto out;
    if (*size > cap) {
        rc = nr_err_set(err, NR_ETOOBIG, "file", "%s is %s; evidence of type %s is capped at %s",
                        path, nr_size_text(*size, sizebuf, sizeof(sizebuf)), media,
                        nr_size_text(cap, capbuf, sizeof(capbuf)));
        goto out;
    }
    if (fsync(out) != 0) {
        rc = -errno;
        nr_err_set(err, rc, "file", "cannot flush %s: %s", tmp, strerror(errno));
        goto out;
    }
    nr_hex(sha, sizeof(sha), hex);
    dir = nr_arena_printf(ar, "%s/evidence/%.2s", rv->data_dir, hex);
    rc = nr_mkdirs(dir, err);
    if (rc)
        goto out;
    final = nr_evidence_path(rv, ar, hex);
    /* Content-addressed: the first sealed copy of a content stays; link() never replaces. */
    if (link(tmp, final) == 0) {
        *created = true;
    } else if (errno == EEXIST) {
        *created = false;
    } else if (errno == EPERM || errno == ENOTSUP || errno == EXDEV) {
        /* File systems without hard links: rename, unless the content is already there. */
        if (access(final, F_OK) == 0) {
            *created = false;
        } else if (rename(tmp, final) == 0) {
            *created = true;
            tmp = NULL;
        } else {
            rc = -errno;
            nr_err_set(err, rc, "file", "cannot store %s: %s", final, strerror(errno));
            goto out;
        }
    } else {
        rc = -errno;
        nr_err_set(err, rc, "file", "cannot store %s: %s", final, strerror(errno));
        goto out;
    }
    *stored = final;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (tmp)
        unlink(tmp);
    return rc;
}

int nr_evidence_add(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                    const struct nr_evidence_spec *sp, int64_t *id, char sha256_hex[65],
                    struct nr_err *err)
{
    return nr__evidence_add_upload(rv, a, case_id, sp, 0, id, sha256_hex, err);
}

int nr__evidence_add_upload(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                            const struct nr_evidence_spec *sp, int64_t upload_id, int64_t *id,
                            char sha256_hex[65], struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    char hex[65] = "", now[NR_TIME_STR], obj[48];
    const char *media, *name, *slash;
    char *stored = NULL, *detail = NULL;
    uint64_t size = 0;
    int64_t eid = 0;
    bool created = false;
    int rc;

    if (id)
        *id = 0;
    if (sha256_hex)
        sha256_hex[0] = '\0';
    nr_arena_init(&ar);
    if (sp->path == NULL || *sp->path == '\0') {
        rc = nr_err_set(err, NR_EINVAL, "file", "no evidence file given");
        goto out_notxn;
    }
    slash = strrchr(sp->path, '/');
    name = sp->filename && *sp->filename ? sp->filename : (slash ? slash + 1 : sp->path);
    rc = nr__evidence_input(name, sp->media_type, sp->description, &media, err);
    if (rc)
        goto out_notxn;
    /* Fail fast on the actor's rights before streaming a possibly large file. */
    rc = nr__evidence_may_add(rv, a, case_id, sp->task_id, &ar, &c, err);
    if (rc)
        goto out_notxn;
    rc = nr_evidence_store(rv, sp->path, media, nr_evidence_cap(media), &ar, hex, &size, &created,
                           &stored, err);
    if (rc)
        goto out_notxn;

    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr__evidence_may_add(rv, a, case_id, sp->task_id, &ar, &c, err);
    if (rc)
        goto out;
    nr__eval_clock(NULL, NULL, now);
    rc = nr_store_query_int(rv->st, err, &eid,
                            "INSERT INTO evidence (case_id, task_id, sha256, size, media_type, "
                            "filename, description, confidential, added_by, added_at) VALUES "
                            "(?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id",
                            "iititttiit", case_id, sp->task_id, hex, (int64_t)size, media, name,
                            sp->description && *sp->description ? sp->description : NULL,
                            (int64_t)(sp->public_doc ? 0 : 1), a->user_id, now);
    if (rc)
        goto out;
    nr_eval_object(obj, sizeof(obj), "evidence", eid);
    detail = nr_asprintf("sha256=%s size=%llu type=%s confidential=%s", hex,
                         (unsigned long long)size, media, sp->public_doc ? "no" : "yes");
    rc = nr_audit_append(rv, a, "evidence.add", case_id, obj, detail, err);
    /* An upload is complete in the same transaction that records its evidence, so that a
     * completion repeated after a crash finds the evidence instead of adding it twice; a row
     * that some other call completed (or removed) meanwhile undoes this one. */
    if (rc == 0 && upload_id) {
        rc = nr_store_exec(rv->st, err,
                           "UPDATE uploads SET completed_at = ?, evidence_id = ? WHERE id = ? AND "
                           "completed_at IS NULL",
                           "tii", now, eid, upload_id);
        if (rc == 0 && nr_store_changes(rv->st) != 1)
            rc = nr_err_set(err, NR_EPRECOND, "upload",
                            "the upload was completed or removed meanwhile");
    }
out:
    rc = nr_eval_finish(rv, rc, err);
    if (rc == 0) {
        if (id)
            *id = eid;
        if (sha256_hex)
            memcpy(sha256_hex, hex, 65);
    }
out_notxn:
    if (rc && created) {
        /* Remove the stored file this call made, unless a row committed meanwhile uses it. */
        int64_t users = 1;
        if (nr_store_query_int(rv->st, NULL, &users,
                               "SELECT COUNT(*) FROM evidence WHERE sha256 = ?", "t", hex) == 0 &&
            users == 0)
            unlink(stored);
    }
    nr_free(detail);
    nr_arena_release(&ar);
    return rc;
}

/* nr_open_file runs in a thread that writes the plaintext into a pipe; the caller's thread
 * hashes what comes out and passes it on, so that the content address is checked too: a valid
 * sealed file moved under another evidence's name would pass every tag but fail the hash. */
struct nr_open_job {
    struct nr_review *rv;
    int in_fd, out_fd;
    int rc;
    struct nr_err err;
};

static void *nr_open_thread(void *arg)
{
    struct nr_open_job *job = arg;
    sigset_t set;

    /* A write to a pipe whose reader is gone must fail with EPIPE, not kill the process. */
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    job->rc = nr_open_file(job->rv->suite, job->rv->master_key, job->in_fd, job->out_fd, &job->err);
    close(job->out_fd);
    return NULL;
}

static int nr_evidence_open_checked(struct nr_review *rv, int64_t eid, int in_fd, int out_fd,
                                    const char *want, struct nr_err *err)
{
    struct nr_hash_ctx *h = NULL;
    struct nr_open_job job;
    pthread_t th;
    uint8_t dg[NR_HASH_LEN];
    char hex[65], *buf = NULL;
    int pfd[2], rc = 0, wrc = 0, rrc = 0;

    if (pipe2(pfd, O_CLOEXEC) != 0)
        return nr_err_set(err, -errno, NULL, "cannot create a pipe: %s", strerror(errno));
    rc = nr_hash_ctx_new_sha256(&h);
    if (rc) {
        close(pfd[0]);
        close(pfd[1]);
        return nr_err_set(err, rc, NULL, "cannot start a sha256 hash");
    }
    memset(&job, 0, sizeof(job));
    job.rv = rv;
    job.in_fd = in_fd;
    job.out_fd = pfd[1];
    nr_err_init(&job.err);
    rc = pthread_create(&th, NULL, nr_open_thread, &job);
    if (rc) {
        close(pfd[0]);
        close(pfd[1]);
        nr_hash_ctx_free(h);
        return nr_err_set(err, -rc, NULL, "cannot start a thread: %s", strerror(rc));
    }
    buf = nr_malloc(65536);
    for (;;) {
        ssize_t n = read(pfd[0], buf, 65536);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rrc = -errno;
            break;
        }
        if (n == 0)
            break;
        nr_hash_ctx_update(h, buf, (size_t)n);
        /* After a failed write keep draining, so that the decrypting thread can finish. */
        if (wrc == 0)
            wrc = nr_write_all(out_fd, buf, (size_t)n);
    }
    close(pfd[0]);
    pthread_join(th, NULL);
    nr_hash_ctx_final(h, dg);
    nr_hex(dg, sizeof(dg), hex);
    if (job.rc == NR_ETAMPERED)
        rc = nr_err_set(err, NR_ETAMPERED, "evidence",
                        "stored evidence %lld is not authentic: %s; discard any output",
                        (long long)eid, job.err.msg);
    else if (job.rc)
        rc = nr_err_set(err, job.rc, job.err.field, "%s", job.err.msg);
    else if (rrc)
        rc = nr_err_set(err, rrc, NULL, "cannot read decrypted evidence: %s", strerror(-rrc));
    else if (wrc)
        rc = nr_err_set(err, wrc, "out", "cannot write evidence %lld: %s", (long long)eid,
                        strerror(-wrc));
    else if (strcmp(hex, want) != 0)
        rc = nr_err_set(err, NR_ETAMPERED, "evidence",
                        "the stored file of evidence %lld holds other content than recorded "
                        "(sha256 %s, expected %s); discard any output",
                        (long long)eid, hex, want);
    nr_hash_ctx_free(h);
    nr_free(buf);
    return rc;
}

struct nr_evidence_row {
    int64_t id, case_id, added_org;
    char *sha256;
    bool confidential;
};

static int nr_evidence_load(struct nr_review *rv, int64_t eid, struct nr_arena *ar,
                            struct nr_evidence_row *e, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc = nr_store_prepare_bind(rv->st, err, &s,
                                   "SELECT e.case_id, e.sha256, e.confidential, u.org_id FROM "
                                   "evidence e LEFT JOIN users u ON u.id = e.added_by WHERE "
                                   "e.id = ?",
                                   "i", eid);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        e->id = eid;
        e->case_id = nr_stmt_int(s, 0);
        e->sha256 = nr_arena_strdup(ar, nr_stmt_text(s, 1));
        e->confidential = nr_stmt_int(s, 2) != 0;
        e->added_org = nr_stmt_is_null(s, 3) ? 0 : nr_stmt_int(s, 3);
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "evidence", "no evidence %lld", (long long)eid);
    }
    nr_stmt_free(s);
    return rc;
}

/* R11: beyond the procedure's action, who may read a piece of evidence of a case. */
static int nr_evidence_may_read(struct nr_review *rv, const struct nr_actor *a,
                                const struct nr_case *c, bool confidential, int64_t added_org,
                                struct nr_err *err)
{
    char seat[16];
    int rc = 0;

    switch (a->role) {
    case NR_ROLE_INSTITUTION:
        rc = nr_eval_need_task(rv, a, c, err);
        break;
    case NR_ROLE_EXPERT:
        rc = nr__eval_panel_seat(rv, a, c->id, NULL, seat, err);
        if (rc == 0 && strcmp(seat, "member") != 0)
            rc = nr_err_set(err, NR_EFORBIDDEN, "case",
                            "only the members of the panel of case %s may read its evidence",
                            c->ref);
        break;
    case NR_ROLE_PROVIDER:
        if (confidential && added_org != a->org_id)
            rc = nr_err_set(err, NR_EFORBIDDEN, "evidence",
                            "a provider reads only the evidence it supplied itself");
        break;
    default:
        break;
    }
    return rc;
}

int nr_evidence_read(struct nr_review *rv, const struct nr_actor *a, int64_t evidence_id,
                     int out_fd, struct nr_err *err)
{
    struct nr_evidence_row e;
    struct nr_arena ar;
    struct nr_case c;
    char what[48], obj[48], *path, *detail = NULL;
    int fd = -1, rc;

    memset(&e, 0, sizeof(e));
    nr_arena_init(&ar);
    snprintf(what, sizeof(what), "evidence %lld", (long long)evidence_id);
    nr_eval_object(obj, sizeof(obj), "evidence", evidence_id);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_evidence_load(rv, evidence_id, &ar, &e, err);
    if (rc == 0)
        rc = nr_eval_case(rv, a, e.case_id, "evidence.read", what, "evidence", &ar, &c, err);
    if (rc == 0)
        rc = nr_evidence_may_read(rv, a, &c, e.confidential, e.added_org, err);
    /* R11: the read is logged, with the case as its purpose, and committed before a single
     * byte is disclosed: no read of confidential evidence happens without its entry. */
    if (rc == 0 && e.confidential) {
        detail = nr_asprintf("purpose=case %s sha256=%s", c.ref, e.sha256);
        rc = nr_audit_append(rv, a, "evidence.read", e.case_id, obj, detail, err);
    }
    rc = nr_eval_finish(rv, rc, err);
    if (rc)
        goto out_notxn;

    path = nr_evidence_path(rv, &ar, e.sha256);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = errno == ENOENT
                 ? nr_err_set(err, NR_ETAMPERED, "evidence",
                              "the stored file of evidence %lld is missing (%s)",
                              (long long)evidence_id, path)
                 : nr_err_set(err, -errno, "evidence", "cannot open %s: %s", path, strerror(errno));
    } else {
        rc = nr_evidence_open_checked(rv, evidence_id, fd, out_fd, e.sha256, err);
    }
    if (rc == NR_ETAMPERED && nr_store_begin(rv->st, NULL) == 0) {
        /* The failed check is itself worth a record next to the read. */
        if (nr_audit_append(rv, a, "evidence.tampered", e.case_id, obj, e.sha256, NULL) == 0)
            nr_store_commit(rv->st, NULL);
        else
            nr_store_rollback(rv->st);
    }
out_notxn:
    if (fd >= 0)
        close(fd);
    nr_free(detail);
    nr_arena_release(&ar);
    return rc;
}

/* The evidence of a case as the actor may see it (R11): all of it, or only evidence_id when
 * not 0. what names the object a hidden case is reported as ("evidence 7"), or NULL for the
 * case's own message. */
static int nr_evidence_rows(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                            int64_t evidence_id, const char *what, json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_arena ar;
    struct nr_case c;
    json_t *rows = NULL;
    int64_t provider_org = 0;
    char seat[16];
    int rc;

    *out = NULL;
    nr_arena_init(&ar);
    rc = nr_eval_case(rv, a, case_id, NULL, what, what ? "evidence" : NULL, &ar, &c, err);
    if (rc)
        goto out;
    /* The list shows what the actor could read (R11). */
    if (a->role == NR_ROLE_INSTITUTION) {
        rc = nr_eval_need_task(rv, a, &c, err);
    } else if (a->role == NR_ROLE_EXPERT) {
        rc = nr__eval_panel_seat(rv, a, case_id, NULL, seat, err);
        if (rc == 0 && strcmp(seat, "member") != 0)
            rc = nr_err_set(err, NR_EFORBIDDEN, "case",
                            "only the members of the panel of case %s see its evidence", c.ref);
    } else if (a->role == NR_ROLE_PROVIDER) {
        provider_org = a->org_id;
    }
    if (rc)
        goto out;
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT e.id AS id, e.case_id AS case_id, e.task_id AS task_id, e.sha256 AS sha256, "
        "e.size AS size, e.media_type AS media_type, e.filename AS filename, e.description AS "
        "description, e.confidential AS confidential, u.login AS added_by, e.added_at AS "
        "added_at FROM evidence e LEFT JOIN users u ON u.id = e.added_by WHERE e.case_id = ? AND "
        "(? = 0 OR e.id = ?) AND (? = 0 OR e.confidential = 0 OR u.org_id = ?) ORDER BY e.id",
        "iiiii", case_id, evidence_id, evidence_id, provider_org, provider_org);
    if (rc)
        goto out;
    rows = json_array();
    rc = nr_stmt_rows_json(s, "iiititttbtt", rows, err);
    if (rc)
        goto out;
    *out = rows;
    rows = NULL;
out:
    nr_stmt_free(s);
    json_decref(rows);
    nr_arena_release(&ar);
    return rc;
}

int nr_evidence_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                     struct nr_err *err)
{
    return nr_evidence_rows(rv, a, case_id, 0, NULL, out, err);
}

int nr_evidence_info(struct nr_review *rv, const struct nr_actor *a, int64_t evidence_id,
                     json_t **out, struct nr_err *err)
{
    json_t *rows = NULL;
    int64_t case_id = 0;
    char what[48];
    int rc;

    *out = NULL;
    snprintf(what, sizeof(what), "evidence %lld", (long long)evidence_id);
    rc = nr_store_query_int(rv->st, err, &case_id, "SELECT case_id FROM evidence WHERE id = ?", "i",
                            evidence_id);
    if (rc == NR_ENOTFOUND)
        return nr_err_set(err, rc, "evidence", "no %s", what);
    if (rc)
        return rc;
    rc = nr_evidence_rows(rv, a, case_id, evidence_id, what, &rows, err);
    if (rc)
        return rc;
    /* R11: a provider's view leaves out others' confidential evidence; to it that evidence
     * does not exist. */
    if (json_array_size(rows) != 1) {
        json_decref(rows);
        return nr_err_set(err, NR_ENOTFOUND, "evidence", "no %s", what);
    }
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return 0;
}

/* ---- R4: findings ---- */

static const char *const nr_severities[] = {"info", "low", "medium", "high", "critical"};

static bool nr_severity_valid(const char *s)
{
    for (size_t i = 0; i < NR_ARRAY_LEN(nr_severities); i++)
        if (strcmp(s, nr_severities[i]) == 0)
            return true;
    return false;
}

static bool nr_source_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > NR_SOURCE_MAX)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
              *p == '.'))
            return false;
    return true;
}

/* Parses "1, 2,3" into the canonical "1,2,3", each an evidence of the case. */
static int nr_evidence_refs(struct nr_review *rv, const struct nr_case *c, const char *list,
                            struct nr_buf *canon, struct nr_err *err)
{
    const char *p = list;
    int count = 0, rc;

    if (strlen(list) > 4096)
        return nr_err_set(err, NR_ETOOBIG, "evidence_ids", "evidence list is too long");
    while (*p) {
        char *end;
        long long v;
        int64_t ecase = 0;

        while (*p == ' ')
            p++;
        if (*p < '0' || *p > '9')
            return nr_err_set(err, NR_EINVAL, "evidence_ids",
                              "evidence ids are a comma list of numbers, like 1,2");
        errno = 0;
        v = strtoll(p, &end, 10);
        if (errno || v <= 0)
            return nr_err_set(err, NR_EINVAL, "evidence_ids", "evidence id %.20s is not valid", p);
        p = end;
        while (*p == ' ')
            p++;
        if (*p != ',' && *p != '\0')
            return nr_err_set(err, NR_EINVAL, "evidence_ids",
                              "evidence ids are a comma list of numbers, like 1,2");
        if (*p == ',')
            p++;
        if (++count > NR_EVIDENCE_REFS)
            return nr_err_set(err, NR_ETOOBIG, "evidence_ids",
                              "a finding cites at most %d pieces of evidence", NR_EVIDENCE_REFS);
        rc = nr_store_query_int(rv->st, NULL, &ecase, "SELECT case_id FROM evidence WHERE id = ?",
                                "i", (int64_t)v);
        if (rc == NR_ENOTFOUND || (rc == 0 && ecase != c->id))
            return nr_err_set(err, NR_EINVAL, "evidence_ids",
                              "evidence %lld is not evidence of case %s", v, c->ref);
        if (rc)
            return nr_err_set(err, rc, "evidence_ids", "cannot look up evidence %lld", v);
        nr_buf_printf(canon, "%s%lld", canon->len ? "," : "", v);
    }
    if (count == 0)
        return nr_err_set(err, NR_EINVAL, "evidence_ids", "evidence list is empty");
    return 0;
}

int nr_finding_add(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                   const struct nr_finding_spec *sp, int64_t *id, struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    struct nr_buf refs;
    char now[NR_TIME_STR], obj[48];
    const char *source = sp->source && *sp->source ? sp->source : "manual";
    char *detail = NULL;
    int64_t fid = 0;
    int rc;

    if (id)
        *id = 0;
    nr_arena_init(&ar);
    nr_buf_init(&refs, 8192);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_eval_case(rv, a, case_id, "finding.add", NULL, NULL, &ar, &c, err);
    if (rc == 0)
        rc = nr_eval_need_task(rv, a, &c, err);
    if (rc)
        goto out;
    /* R4: every finding belongs to one of the procedure's risk categories. */
    if (sp->category == NULL || !nr_procedure_has_category(&rv->proc, sp->category)) {
        struct nr_buf cats;
        nr_buf_init(&cats, 1024);
        for (size_t i = 0; i < rv->proc.ncategories; i++)
            nr_buf_printf(&cats, "%s%s", i ? ", " : "", rv->proc.categories[i]);
        rc = nr_err_set(err, NR_EINVAL, "category", "%s is not a risk category of %s (one of: %s)",
                        sp->category && *sp->category ? sp->category : "(none)", rv->proc.id,
                        cats.p ? cats.p : "");
        nr_buf_release(&cats);
        goto out;
    }
    if (sp->severity == NULL || !nr_severity_valid(sp->severity)) {
        rc = nr_err_set(err, NR_EINVAL, "severity",
                        "%s is not a severity (one of: info, low, medium, high, critical)",
                        sp->severity && *sp->severity ? sp->severity : "(none)");
        goto out;
    }
    rc = nr__eval_text("title", sp->title, NR_TITLE_MAX, 0, err);
    if (rc == 0)
        rc = nr__eval_text("detail", sp->detail, NR_DETAIL_MAX,
                           NR__TEXT_OPTIONAL | NR__TEXT_MULTILINE, err);
    if (rc)
        goto out;
    if (!nr_source_valid(source)) {
        rc = nr_err_set(err, NR_EINVAL, "source",
                        "source must be 1 to %u characters of a-z, 0-9, '_', '-' or '.'",
                        NR_SOURCE_MAX);
        goto out;
    }
    if (sp->evidence_ids && *sp->evidence_ids) {
        rc = nr_evidence_refs(rv, &c, sp->evidence_ids, &refs, err);
        if (rc)
            goto out;
    }
    rc = nr__case_task_check(rv, a, &c, sp->task_id, "task", err);
    if (rc)
        goto out;
    nr__eval_clock(NULL, NULL, now);
    rc = nr_store_query_int(rv->st, err, &fid,
                            "INSERT INTO findings (case_id, task_id, category, severity, title, "
                            "detail, evidence_ids, source, created_by, created_at) VALUES (?, "
                            "NULLIF(?, 0), ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id",
                            "iittttttit", case_id, sp->task_id, sp->category, sp->severity,
                            sp->title, sp->detail && *sp->detail ? sp->detail : NULL,
                            refs.len ? refs.p : NULL, source, a->user_id, now);
    if (rc)
        goto out;
    nr_eval_object(obj, sizeof(obj), "finding", fid);
    detail = nr_asprintf("category=%s severity=%s source=%s evidence=%s", sp->category,
                         sp->severity, source, refs.len ? refs.p : "none");
    rc = nr_audit_append(rv, a, "finding.add", case_id, obj, detail, err);
    if (rc == 0 && id)
        *id = fid;
out:
    rc = nr_eval_finish(rv, rc, err);
out_notxn:
    nr_free(detail);
    nr_buf_release(&refs);
    nr_arena_release(&ar);
    return rc;
}

int nr_finding_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                    struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_arena ar;
    struct nr_case c;
    json_t *rows = NULL;
    int64_t only_org = 0;
    int rc;

    *out = NULL;
    nr_arena_init(&ar);
    rc = nr_eval_case(rv, a, case_id, NULL, NULL, NULL, &ar, &c, err);
    if (rc)
        goto out;
    /* R11: an institution sees the findings of its own work. */
    if (a->role == NR_ROLE_INSTITUTION)
        only_org = a->org_id;
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT f.id AS id, f.case_id AS case_id, f.task_id AS task_id, f.category AS category, "
        "f.severity AS severity, f.title AS title, f.detail AS detail, f.evidence_ids AS "
        "evidence_ids, f.source AS source, u.login AS created_by, f.created_at AS created_at "
        "FROM findings f LEFT JOIN users u ON u.id = f.created_by LEFT JOIN tasks t ON t.id = "
        "f.task_id LEFT JOIN institutions i ON i.id = t.institution_id WHERE f.case_id = ? AND "
        "(? = 0 OR u.org_id = ? OR i.org_id = ?) ORDER BY f.id",
        "iiii", case_id, only_org, only_org, only_org);
    if (rc)
        goto out;
    rows = json_array();
    rc = nr_stmt_rows_json(s, "iiitttttttt", rows, err);
    if (rc)
        goto out;
    *out = rows;
    rows = NULL;
out:
    nr_stmt_free(s);
    json_decref(rows);
    nr_arena_release(&ar);
    return rc;
}
