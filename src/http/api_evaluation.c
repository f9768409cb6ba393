/*
 * api_evaluation.c - the evaluation resources of the API (interface: api.h, helpers from
 * http_int.h): the provider's security commitment (R3), evaluation tasks and their signed
 * reports (R3, R5, R10), findings (R4), and evidence: uploaded in parts, downloaded with Range
 * (R11). Each handler does what the matching CLI command does and answers with the JSON that
 * command prints with --json; every rule (role, phase, need-to-know) is the model's.
 *
 * Uploads. evhttp holds a whole request body in memory, so a capture or firmware image of up to
 * the per-type cap arrives in parts: POST /cases/{case}/uploads declares name, type and size and
 * gets a random token (the upload's only name in URLs, so that uploads cannot be guessed);
 * PUT /uploads/{token}?offset=N appends one part of at most NR_HTTP_PART_MAX bytes to the plain
 * file <data>/uploads/<token> (0600), at exactly the offset received so far, so a client that
 * lost an answer asks again and resumes; POST /uploads/{token}/complete hands the file to
 * nr_evidence_add, which hashes, seals and records it in one transaction, and the plain file is
 * removed. Only the uploader may touch an upload; any other caller gets 404, like an upload that
 * does not exist. A part and a completion of the same upload never run at once: each holds an
 * exclusive flock on the part file while it works; a request that finds it held is answered
 * 503 busy with Retry-After, and its retry then learns where to resume.
 *
 * Downloads. nr_evidence_read checks the reader's right, audits the read (R11) and decrypts into
 * an unlinked temporary file under <data>/tmp; the file is then sent in 64 KiB pieces, the next
 * read only when evhttp has written the previous one, so memory stays bounded whatever the size.
 */
#include "api.h"
#include "api_registry_int.h"

#include "netreview/crypto.h"

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

/* Text caps of the body fields beside those of api_registry_int.h; the model checks its own
 * rules behind them. */
#define NR_API_SHORT_MAX     256
#define NR_API_FILENAME_MAX  255
#define NR_API_MEDIA_MAX     127
#define NR_API_DESCRIPTION   4096
#define NR_API_DUE_DAYS_MAX  365
#define NR_API_EVIDENCE_REFS 100
#define NR_API_ID_MAX        INT64_MAX

/* Uploads: the token is 32 random bytes in hex; a user keeps at most this many uploads open
 * within a day, each of which may reserve up to the per-type cap on disk. */
#define NR_UPLOAD_TOKEN_BYTES 32
#define NR_UPLOAD_TOKEN_LEN   (2 * NR_UPLOAD_TOKEN_BYTES)
#define NR_UPLOAD_OPEN_MAX    16
#define NR_DOWNLOAD_CHUNK     (64 * 1024)

#define NR_MIB (1024ll * 1024)
#define NR_GIB (1024ll * 1024 * 1024)

/* ---- small helpers ---- */

/* The row of a model list whose "id" is id (a new reference), or NULL. */
static json_t *nr_row_of(json_t *rows, int64_t id)
{
    json_t *row;
    size_t i;

    json_array_foreach(rows, i, row)
    {
        if (json_integer_value(json_object_get(row, "id")) == id)
            return json_incref(row);
    }
    return NULL;
}

/* A reference member that may be a name or an id: "Lab One" or 7 (arena). NULL when absent. */
static const char *nr_req_ref(struct nr_req *r, const char *key, bool required, bool *bad)
{
    json_t *v = r->body ? json_object_get(r->body, key) : NULL;

    if (*bad)
        return NULL;
    if (v && json_is_integer(v) && json_integer_value(v) > 0)
        return nr_arena_printf(&r->ar, "%lld", (long long)json_integer_value(v));
    if (v && json_is_integer(v)) {
        nr_req_fail(r, NR_EINVAL, key, "%s is not a valid id", key);
        *bad = true;
        return NULL;
    }
    return nr_req_str(r, key, NR_API_SHORT_MAX, required, bad);
}

/* "evidence_ids": [1, 2] as the comma list the model takes (arena); NULL when absent. */
static int nr_req_id_list(struct nr_req *r, const char *key, size_t max, const char **out)
{
    json_t *v = r->body ? json_object_get(r->body, key) : NULL, *e;
    struct nr_buf b;
    size_t i;
    int rc = -1;

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) > max) {
        nr_req_fail(r, NR_EINVAL, key, "%s is an array of at most %zu ids", key, max);
        return -1;
    }
    nr_buf_init(&b, 24 * max + 1);
    json_array_foreach(v, i, e)
    {
        if (!json_is_integer(e) || json_integer_value(e) <= 0) {
            nr_req_fail(r, NR_EINVAL, key, "%s[%zu] is not an id", key, i);
            goto out;
        }
        if (nr_buf_printf(&b, "%s%lld", i ? "," : "", (long long)json_integer_value(e)) != 0) {
            nr_req_fail(r, NR_ETOOBIG, key, "%s is too long", key);
            goto out;
        }
    }
    *out = json_array_size(v) ? nr_arena_strdup(&r->ar, b.p) : NULL;
    rc = 0;
out:
    nr_buf_release(&b);
    return rc;
}

/* A list of one case: the case parameter, then the model's list. */
static void nr_case_list_of(struct nr_req *r,
                            int (*list)(struct nr_review *, const struct nr_actor *, int64_t,
                                        json_t **, struct nr_err *))
{
    struct nr_err err;
    json_t *rows = NULL;
    int64_t case_id;
    int rc;

    if (nr_req_param_case(r, 0, &case_id))
        return;
    nr_err_init(&err);
    rc = list(r->rv, &r->actor, case_id, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}

/* ---- R3: the security commitment ---- */

NR_HANDLER(api_commitment_sign)
{
    static const char *const fields[] = {"text", NULL};
    const char *text;
    struct nr_err err;
    json_t *c = NULL, *cm;
    int64_t case_id;
    bool bad = false;
    int rc;

    if (nr_req_param_case(r, 0, &case_id) || nr_req_fields(r, fields))
        return;
    text = nr_req_str(r, "text", NR_API_TEXT_MAX, true, &bad);
    if (bad)
        return;
    nr_err_init(&err);
    rc = nr_commitment_sign(r->rv, &r->actor, case_id, text, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* The CLI prints the case's commitment: who signed, when, the hash and the signature. */
    cm = NULL;
    if (nr_case_show(r->rv, &r->actor, case_id, &c, NULL) == 0)
        cm = json_object_get(c, "commitment");
    nr_req_json(r, 201, cm ? json_incref(cm) : json_pack("{s:I}", "case_id", (json_int_t)case_id));
    json_decref(c);
}

/* ---- R3, R5, R10: tasks ---- */

NR_HANDLER(api_task_list)
{
    nr_case_list_of(r, nr_task_list);
}

NR_HANDLER(api_task_assign)
{
    static const char *const fields[] = {"institution", "method", "standards", "due_days", NULL};
    struct nr_task_spec sp = {0};
    struct nr_err err;
    json_t *rows = NULL, *row = NULL;
    int64_t case_id, id = 0;
    bool bad = false;
    int rc;

    if (nr_req_param_case(r, 0, &case_id) || nr_req_fields(r, fields))
        return;
    sp.institution = nr_req_ref(r, "institution", true, &bad);
    if (!bad)
        sp.method = nr_req_str(r, "method", NR_API_SHORT_MAX, true, &bad);
    if (!bad)
        sp.standards = nr_req_str(r, "standards", NR_API_TEXT_MAX, false, &bad);
    if (!bad)
        sp.due_days = (int)nr_req_int(r, "due_days", 0, NR_API_DUE_DAYS_MAX, 0, &bad);
    if (bad)
        return;
    nr_err_init(&err);
    rc = nr_task_assign(r->rv, &r->actor, case_id, &sp, &id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    if (nr_task_list(r->rv, &r->actor, case_id, &rows, NULL) == 0)
        row = nr_row_of(rows, id);
    json_decref(rows);
    nr_req_json(r, 201, row ? row : json_pack("{s:I}", "id", (json_int_t)id));
}

NR_HANDLER(api_task_report)
{
    static const char *const fields[] = {"report", "standards", NULL};
    const char *report, *standards = NULL;
    struct nr_err err;
    int64_t task;
    bool bad = false;
    int rc;

    if (nr_req_param_id(r, 0, &task) || nr_req_fields(r, fields))
        return;
    /* The model takes reports of up to 1 MiB; a JSON string here is capped lower, at
     * NR_HTTP_STRING_MAX, by the request parser. */
    report = nr_req_str(r, "report", NR_API_TEXT_MAX, true, &bad);
    if (!bad)
        standards = nr_req_str(r, "standards", NR_API_TEXT_MAX, false, &bad);
    if (bad)
        return;
    nr_err_init(&err);
    /* R10: the report is signed with the reporting user's own key. */
    rc = nr_task_report(r->rv, &r->actor, task, report, standards, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)task, "status", "reported"));
}

/* ---- R4: findings ---- */

NR_HANDLER(api_finding_list)
{
    nr_case_list_of(r, nr_finding_list);
}

NR_HANDLER(api_finding_add)
{
    static const char *const fields[] = {"category",     "severity", "title", "detail",
                                         "evidence_ids", "task_id",  NULL};
    struct nr_finding_spec sp = {0};
    struct nr_err err;
    json_t *rows = NULL, *row = NULL;
    int64_t case_id, id = 0;
    bool bad = false;
    int rc;

    if (nr_req_param_case(r, 0, &case_id) || nr_req_fields(r, fields))
        return;
    sp.category = nr_req_str(r, "category", NR_API_SHORT_MAX, true, &bad);
    if (!bad)
        sp.severity = nr_req_str(r, "severity", NR_API_SHORT_MAX, true, &bad);
    if (!bad)
        sp.title = nr_req_str(r, "title", NR_API_TEXT_MAX, true, &bad);
    if (!bad)
        sp.detail = nr_req_str(r, "detail", NR_API_TEXT_MAX, false, &bad);
    if (!bad)
        sp.task_id = nr_req_int(r, "task_id", 0, NR_API_ID_MAX, 0, &bad);
    if (bad || nr_req_id_list(r, "evidence_ids", NR_API_EVIDENCE_REFS, &sp.evidence_ids))
        return;
    nr_err_init(&err);
    rc = nr_finding_add(r->rv, &r->actor, case_id, &sp, &id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    if (nr_finding_list(r->rv, &r->actor, case_id, &rows, NULL) == 0)
        row = nr_row_of(rows, id);
    json_decref(rows);
    nr_req_json(r, 201, row ? row : json_pack("{s:I}", "id", (json_int_t)id));
}

/* ---- R11: evidence ---- */

NR_HANDLER(api_evidence_list)
{
    nr_case_list_of(r, nr_evidence_list);
}

/*
 * The media type a file will be stored with and its size cap. This mirrors the table of
 * src/model/evaluation.c (static there), so that an upload too big for its type is refused
 * before a byte of it is sent; nr_evidence_add applies the model's own table again at the end,
 * so a difference between the two can only make this early check looser or stricter, never let
 * an oversized file in. It goes when review.h exposes the model's table.
 */
static const struct {
    const char *ext;
    const char *type;
} nr_upload_media_by_ext[] = {
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

static const char *const nr_upload_media_large[] = {
    "application/vnd.tcpdump.pcap",
    "application/x-pcapng",
    "application/octet-stream",
    "application/zip",
    "application/gzip",
    "application/x-tar",
    "application/x-xz",
};

static const char *nr_upload_media(const char *filename, const char *media_type)
{
    size_t n = strlen(filename);

    if (media_type && *media_type)
        return media_type;
    for (size_t i = 0; i < NR_ARRAY_LEN(nr_upload_media_by_ext); i++) {
        size_t k = strlen(nr_upload_media_by_ext[i].ext);
        if (n > k && strcasecmp(filename + n - k, nr_upload_media_by_ext[i].ext) == 0)
            return nr_upload_media_by_ext[i].type;
    }
    return "application/octet-stream";
}

static int64_t nr_upload_cap(const char *media)
{
    for (size_t i = 0; i < NR_ARRAY_LEN(nr_upload_media_large); i++)
        if (strcmp(media, nr_upload_media_large[i]) == 0)
            return 2 * NR_GIB;
    return 64 * NR_MIB;
}

struct nr_upload {
    int64_t id, case_id, task_id, size, received, created_by, evidence_id;
    const char *token, *filename, *media_type, *description, *completed_at;
    bool public_doc;
};

static bool nr_upload_token_valid(const char *t)
{
    size_t n = 0;

    if (t == NULL)
        return false;
    for (; t[n]; n++)
        if (!((t[n] >= '0' && t[n] <= '9') || (t[n] >= 'a' && t[n] <= 'f')))
            return false;
    return n == NR_UPLOAD_TOKEN_LEN;
}

static const char *nr_upload_path(struct nr_req *r, const char *token)
{
    return nr_arena_printf(&r->ar, "%s/uploads/%s", r->rv->data_dir, token);
}

/* Loads the caller's upload named by token (arena). R11: an upload of another user answers
 * like one that does not exist. */
static int nr_upload_load(struct nr_req *r, const char *token, struct nr_upload *u,
                          struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    memset(u, 0, sizeof(*u));
    if (!nr_upload_token_valid(token))
        return nr_err_set(err, NR_ENOTFOUND, "upload", "no such upload");
    rc =
        nr_store_prepare_bind(r->rv->st, err, &s,
                              "SELECT id, case_id, COALESCE(task_id, 0), filename, media_type, "
                              "description, public_doc, size, received, created_by, "
                              "completed_at, COALESCE(evidence_id, 0) FROM uploads WHERE token = ?",
                              "t", token);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        u->id = nr_stmt_int(s, 0);
        u->case_id = nr_stmt_int(s, 1);
        u->task_id = nr_stmt_int(s, 2);
        u->filename = nr_arena_strdup(&r->ar, nr_stmt_text(s, 3));
        u->media_type = nr_arena_strdup(&r->ar, nr_stmt_text(s, 4));
        u->description = nr_arena_strdup(&r->ar, nr_stmt_text(s, 5));
        u->public_doc = nr_stmt_int(s, 6) != 0;
        u->size = nr_stmt_int(s, 7);
        u->received = nr_stmt_int(s, 8);
        u->created_by = nr_stmt_int(s, 9);
        u->completed_at = nr_arena_strdup(&r->ar, nr_stmt_text(s, 10));
        u->evidence_id = nr_stmt_int(s, 11);
        u->token = nr_arena_strdup(&r->ar, token);
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = NR_ENOTFOUND;
    }
    nr_stmt_free(s);
    if (rc == NR_ENOTFOUND ||
        (rc == 0 && (r->actor.user_id == 0 || u->created_by != r->actor.user_id)))
        return nr_err_set(err, NR_ENOTFOUND, "upload", "no such upload");
    return rc;
}

static json_t *nr_upload_json(const struct nr_upload *u)
{
    json_t *o = json_pack("{s:s,s:s,s:I,s:s,s:s,s:I,s:I,s:b,s:I}", "id", u->token, "token",
                          u->token, "case_id", (json_int_t)u->case_id, "filename", u->filename,
                          "media_type", nr_upload_media(u->filename, u->media_type), "size",
                          (json_int_t)u->size, "received", (json_int_t)u->received, "complete",
                          u->received == u->size, "part_max", (json_int_t)NR_HTTP_PART_MAX);
    if (u->task_id)
        json_object_set_new(o, "task_id", json_integer(u->task_id));
    return o;
}

/* 409 naming the offset the next part must start at, so that a client resumes there. */
static void nr_upload_offset_conflict(struct nr_req *r, const struct nr_upload *u, const char *msg)
{
    nr_req_json(r, 409,
                json_pack("{s:{s:s,s:s,s:s,s:I,s:I}}", "error", "code", nr_err_name(NR_EPRECOND),
                          "message", msg, "field", "offset", "expected_offset",
                          (json_int_t)u->received, "size", (json_int_t)u->size));
}

/* Opens the part file and takes its exclusive lock. -1 after answering (503 busy when another
 * request of this upload holds the lock: its retry learns where to resume). */
static int nr_upload_lock(struct nr_req *r, const struct nr_upload *u, int *fd_out)
{
    const char *path = nr_upload_path(r, u->token);
    int fd;

    *fd_out = -1;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        nr_req_fail(r, -errno, "upload", "cannot open the upload's file: %s", strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            nr_req_fail(r, NR_EBUSY, "upload",
                        "another request is writing this upload; retry when it has answered");
        else
            nr_req_fail(r, -e, "upload", "cannot lock the upload's file: %s", strerror(e));
        return -1;
    }
    *fd_out = fd;
    return 0;
}

/* The part file must hold at least the bytes recorded as received (exactly `want` when want is
 * not negative; bytes past it come from a write whose record failed and are dropped). When it
 * holds fewer (a crash, a disk restored from backup), the upload resumes from what is really
 * there: never zeros in place of lost bytes. -1 after answering 409 with the offset. */
static int nr_upload_check_file(struct nr_req *r, struct nr_upload *u, int fd, int64_t want)
{
    struct nr_err err;
    struct stat st;
    int64_t have;

    nr_err_init(&err);
    if (fstat(fd, &st) != 0) {
        nr_req_fail(r, -errno, "upload", "cannot stat the upload's file: %s", strerror(errno));
        return -1;
    }
    have = (int64_t)st.st_size;
    if (have >= u->received) {
        if (want >= 0 && have > want && ftruncate(fd, (off_t)want) != 0) {
            nr_req_fail(r, -errno, "upload", "cannot trim the upload's file: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    if (nr_store_exec(r->rv->st, &err, "UPDATE uploads SET received = ? WHERE id = ?", "ii", have,
                      u->id) == 0)
        u->received = have;
    nr_upload_offset_conflict(r, u,
                              "the upload's file holds fewer bytes than were received; "
                              "send them again from expected_offset");
    return -1;
}

/* A user has at most NR_UPLOAD_OPEN_MAX uploads started within a day and not completed. */
static int nr_upload_count_open(struct nr_req *r, int64_t *n, struct nr_err *err)
{
    char since[NR_TIME_STR];

    nr_time_fmt(nr_time_now() - 24 * 3600, since);
    return nr_store_query_int(r->rv->st, err, n,
                              "SELECT COUNT(*) FROM uploads WHERE created_by = ? AND "
                              "completed_at IS NULL AND created_at >= ?",
                              "it", r->actor.user_id, since);
}

NR_HANDLER(api_upload_start)
{
    static const char *const fields[] = {"filename",    "media_type", "size", "task_id",
                                         "description", "public",     NULL};
    struct nr_upload u = {0};
    uint8_t raw[NR_UPLOAD_TOKEN_BYTES];
    char token[NR_UPLOAD_TOKEN_LEN + 1], now[NR_TIME_STR];
    const char *media_given = NULL, *dir, *path;
    struct nr_arena car;
    struct nr_case c;
    struct nr_err err;
    int64_t open_count = 0, tcase = 0, cap;
    bool bad = false;
    int rc, fd;

    nr_err_init(&err);
    if (nr_req_param_case(r, 0, &u.case_id) || nr_req_fields(r, fields))
        return;
    u.filename = nr_req_str(r, "filename", NR_API_FILENAME_MAX, true, &bad);
    if (!bad)
        media_given = nr_req_str(r, "media_type", NR_API_MEDIA_MAX, false, &bad);
    if (!bad)
        u.description = nr_req_str(r, "description", NR_API_DESCRIPTION, false, &bad);
    if (!bad)
        u.task_id = nr_req_int(r, "task_id", 0, NR_API_ID_MAX, 0, &bad);
    if (!bad)
        u.public_doc = nr_req_bool(r, "public", false, &bad);
    if (!bad && (r->body == NULL || json_object_get(r->body, "size") == NULL)) {
        nr_req_fail(r, NR_EINVAL, "size", "an upload declares its size in bytes");
        return;
    }
    if (!bad)
        u.size = nr_req_int(r, "size", 0, INT64_MAX, 0, &bad);
    if (bad)
        return;
    if (*u.filename == '\0' || strchr(u.filename, '/')) {
        nr_req_fail(r, NR_EINVAL, "filename", "filename is a file name without '/'");
        return;
    }
    u.media_type = nr_upload_media(u.filename, media_given);
    cap = nr_upload_cap(u.media_type);
    if (u.size > cap) {
        nr_req_fail(r, NR_ETOOBIG, "size",
                    "%" PRId64 " bytes is too big: evidence of type %s is capped at %" PRId64
                    " bytes",
                    u.size, u.media_type, cap);
        return;
    }

    /* Fail fast, before a byte is sent: the caller may add evidence to this case now
     * (role, phase, need-to-know: R11); nr_evidence_add checks all of it again at the end. */
    nr_arena_init(&car);
    rc = nr_case_get(r->rv, &r->actor, u.case_id, &car, &c, &err);
    if (rc == 0)
        rc = nr_case_check_action(r->rv, &r->actor, &c, "evidence.add", &err);
    if (rc == 0 && r->actor.role == NR_ROLE_PROVIDER &&
        (c.provider_id == 0 || c.provider_id != r->actor.org_id))
        rc = nr_err_set(&err, NR_EFORBIDDEN, "case",
                        "a provider adds evidence only to the cases of its own products");
    nr_arena_release(&car);
    if (rc == 0 && u.task_id) {
        rc = nr_store_query_int(r->rv->st, &err, &tcase, "SELECT case_id FROM tasks WHERE id = ?",
                                "i", u.task_id);
        if (rc == NR_ENOTFOUND || (rc == 0 && tcase != u.case_id)) {
            nr_err_init(&err);
            rc = nr_err_set(&err, NR_EINVAL, "task_id", "task %" PRId64 " is not a task of case %s",
                            u.task_id, nr_req_param(r, 0));
        }
    }
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }

    if (nr_random(raw, sizeof(raw)) != 0) {
        nr_req_fail(r, NR_ECRYPTO, NULL, "no random bytes for an upload token");
        return;
    }
    nr_hex(raw, sizeof(raw), token);
    u.token = token;
    dir = nr_arena_printf(&r->ar, "%s/uploads", r->rv->data_dir);
    rc = nr_mkdirs(dir, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* Confidential content: the plain part file is readable by the server's user only. */
    path = nr_upload_path(r, token);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        nr_req_fail(r, -errno, "upload", "cannot create the upload's file: %s", strerror(errno));
        return;
    }
    close(fd);
    nr_time_fmt(nr_time_now(), now);
    /* The count and the insert in one transaction: two workers cannot both see one upload
     * short of the limit and both start one. */
    rc = nr_store_begin(r->rv->st, &err);
    if (rc) {
        unlink(path);
        nr_req_error(r, rc, &err);
        return;
    }
    rc = nr_upload_count_open(r, &open_count, &err);
    if (rc == 0 && open_count >= NR_UPLOAD_OPEN_MAX) {
        nr_store_rollback(r->rv->st);
        unlink(path);
        nr_req_json(r, 429,
                    json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "too_many", "message",
                              "too many uploads in progress; complete them or wait a day", "field",
                              "upload"));
        return;
    }
    if (rc == 0)
        rc = nr_store_exec(
            r->rv->st, &err,
            "INSERT INTO uploads (token, case_id, task_id, filename, media_type, "
            "description, public_doc, size, received, created_by, created_at) VALUES "
            "(?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, 0, ?, ?)",
            "tiitttiiit", token, u.case_id, u.task_id, u.filename, media_given, u.description,
            (int64_t)(u.public_doc ? 1 : 0), u.size, r->actor.user_id, now);
    if (rc == 0)
        rc = nr_store_commit(r->rv->st, &err);
    if (rc) {
        nr_store_rollback(r->rv->st);
        unlink(path);
        nr_req_error(r, rc, &err);
        return;
    }
    nr__req_created(r, nr_upload_json(&u), nr_arena_printf(&r->ar, "/api/v1/uploads/%s", u.token));
}

/* Writes all of n bytes at offset. 0 or -errno. */
static int nr_pwrite_all(int fd, const char *p, size_t n, off_t off)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return 0;
}

NR_HANDLER(api_upload_part)
{
    struct nr_upload u;
    struct nr_err err;
    int64_t offset;
    int rc, fd = -1;

    nr_err_init(&err);
    if (nr_req_query(r, "offset") == NULL) {
        nr_req_fail(r, NR_EINVAL, "offset", "a part says where it starts: ?offset=N");
        return;
    }
    if (nr_req_query_int(r, "offset", 0, 2 * NR_GIB, 0, &offset))
        return;
    rc = nr_upload_load(r, nr_req_param(r, 0), &u, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    if (u.completed_at) {
        nr_req_fail(r, NR_EPRECOND, "upload", "the upload is complete (evidence %" PRId64 ")",
                    u.evidence_id);
        return;
    }
    if (nr_upload_lock(r, &u, &fd))
        return;
    /* Under the lock, what was received is what another part may just have added. */
    rc = nr_upload_load(r, u.token, &u, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    if (nr_upload_check_file(r, &u, fd, -1))
        goto out;
    if (offset != u.received) {
        nr_upload_offset_conflict(r, &u,
                                  nr_arena_printf(&r->ar,
                                                  "the upload has %" PRId64
                                                  " bytes; the next part starts there, "
                                                  "not at %" PRId64,
                                                  u.received, offset));
        goto out;
    }
    if ((int64_t)r->raw_len > u.size - u.received) {
        nr_req_fail(r, NR_ETOOBIG, "size",
                    "this part ends at byte %" PRId64 ", beyond the declared size %" PRId64,
                    u.received + (int64_t)r->raw_len, u.size);
        goto out;
    }
    /* Drop whatever a part that failed half-way left past the bytes counted as received. */
    if (ftruncate(fd, (off_t)u.received) != 0 ||
        (rc = nr_pwrite_all(fd, r->raw, r->raw_len, (off_t)u.received)) != 0) {
        int e = rc ? -rc : errno;
        nr_req_fail(r, -e, "upload", "cannot write the part: %s", strerror(e));
        goto out;
    }
    rc = nr_store_exec(r->rv->st, &err,
                       "UPDATE uploads SET received = ? WHERE id = ? AND received = ?", "iii",
                       u.received + (int64_t)r->raw_len, u.id, u.received);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    u.received += (int64_t)r->raw_len;
    nr_req_json(r, 200, nr_upload_json(&u));
out:
    close(fd);
}

/* The evidence as nr_evidence_list shows it (what `evidence add --json` prints), or at least
 * its id, hash, size and media type. */
static json_t *nr_evidence_json(struct nr_req *r, int64_t case_id, int64_t eid)
{
    json_t *rows = NULL, *row = NULL;
    struct nr_stmt *s = NULL;

    if (nr_evidence_list(r->rv, &r->actor, case_id, &rows, NULL) == 0)
        row = nr_row_of(rows, eid);
    json_decref(rows);
    if (row)
        return row;
    if (nr_store_prepare_bind(r->rv->st, NULL, &s,
                              "SELECT id, sha256, size, media_type, filename FROM evidence "
                              "WHERE id = ?",
                              "i", eid) == 0) {
        if (nr_stmt_step(s, NULL) == NR_STORE_ROW)
            row = nr_stmt_row_json(s, "itiit");
        nr_stmt_free(s);
    }
    return row ? row : json_pack("{s:I}", "id", (json_int_t)eid);
}

NR_HANDLER(api_upload_complete)
{
    static const char *const fields[] = {NULL};
    struct nr_evidence_spec sp = {0};
    struct nr_upload u;
    struct nr_err err;
    char sha[65], now[NR_TIME_STR];
    const char *path;
    int64_t eid = 0;
    int rc, fd = -1;

    nr_err_init(&err);
    if (nr_req_fields(r, fields))
        return;
    rc = nr_upload_load(r, nr_req_param(r, 0), &u, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* A client that lost the answer asks again and gets the same evidence. */
    if (u.completed_at) {
        nr_req_json(r, 200, nr_evidence_json(r, u.case_id, u.evidence_id));
        return;
    }
    if (nr_upload_lock(r, &u, &fd))
        return;
    rc = nr_upload_load(r, u.token, &u, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    if (u.completed_at) {
        nr_req_json(r, 200, nr_evidence_json(r, u.case_id, u.evidence_id));
        goto out;
    }
    if (u.received != u.size) {
        nr_upload_offset_conflict(r, &u,
                                  nr_arena_printf(&r->ar,
                                                  "the upload has %" PRId64 " of %" PRId64
                                                  " bytes; send the rest first",
                                                  u.received, u.size));
        goto out;
    }
    if (nr_upload_check_file(r, &u, fd, u.size))
        goto out;
    path = nr_upload_path(r, u.token);
    sp.path = path;
    sp.filename = u.filename;
    sp.media_type = u.media_type;
    sp.description = u.description;
    sp.task_id = u.task_id;
    sp.public_doc = u.public_doc;
    /* R11: hashed, sealed and recorded with its audit entry in one transaction by the model,
     * which checks role, phase and need-to-know again as they are now. */
    rc = nr_evidence_add(r->rv, &r->actor, u.case_id, &sp, &eid, sha, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    nr_time_fmt(nr_time_now(), now);
    rc = nr_store_exec(r->rv->st, &err,
                       "UPDATE uploads SET completed_at = ?, evidence_id = ? WHERE id = ?", "tii",
                       now, eid, u.id);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    /* The plain copy goes once the sealed one is recorded. */
    unlink(path);
    nr__req_created(r, nr_evidence_json(r, u.case_id, eid),
                    nr_arena_printf(&r->ar, "/api/v1/evidence/%" PRId64, eid));
out:
    close(fd);
}

/* ---- downloads with Range ---- */

/* Parses a Range header against a body of size bytes: 1 with [*first, *last] for one
 * satisfiable range, -1 when unsatisfiable (416), 0 when the header is to be ignored (malformed,
 * another unit, or several ranges: the whole body is sent, as RFC 9110 allows). */
static int nr_range_parse(const char *h, uint64_t size, uint64_t *first, uint64_t *last)
{
    const char *p = h;
    uint64_t a = 0, b = 0;
    bool have_a = false, have_b = false;

    if (strncasecmp(p, "bytes", 5) != 0)
        return 0;
    p += 5;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p++ != '=')
        return 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strchr(p, ','))
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (a > (UINT64_MAX - 9) / 10)
            return 0;
        a = a * 10 + (uint64_t)(*p - '0');
        have_a = true;
    }
    if (*p++ != '-')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (b > (UINT64_MAX - 9) / 10)
            return 0;
        b = b * 10 + (uint64_t)(*p - '0');
        have_b = true;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0' || (!have_a && !have_b))
        return 0;
    if (!have_a) {
        /* bytes=-n: the last n bytes. */
        if (b == 0 || size == 0)
            return -1;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return 1;
    }
    if (have_b && b < a)
        return 0;
    if (a >= size)
        return -1;
    *first = a;
    *last = have_b && b < size ? b : size - 1;
    return 1;
}

/* Content-Disposition with an ASCII fallback name and the exact UTF-8 name (RFC 6266). */
static const char *nr_disposition(struct nr_req *r, const char *name)
{
    struct nr_buf b;
    const char *out;

    nr_buf_init(&b, 8 * 1024);
    nr_buf_puts(&b, "attachment; filename=\"");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        char c = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? (char)*p : '_';
        nr_buf_append(&b, &c, 1);
    }
    nr_buf_puts(&b, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("!#$&+-.^_`|~", *p))
            nr_buf_append(&b, p, 1);
        else
            nr_buf_printf(&b, "%%%02X", *p);
    }
    out = nr_arena_strdup(&r->ar, b.p ? b.p : "attachment");
    nr_buf_release(&b);
    return out;
}

/* One download in flight: the decrypted, unlinked temporary file and what is left to send. It
 * lives on its own (not in struct nr_req) from the handler's return until the last piece is
 * written or the connection goes away. */
struct nr_download {
    struct evhttp_request *ev;
    struct evhttp_connection *evcon;
    int fd;
    uint64_t pos, end; /* bytes [pos, end) remain */
};

static void nr_download_free(struct nr_download *d)
{
    if (d->fd >= 0)
        close(d->fd);
    nr_free(d);
}

/* The connection closed before the last piece: the request is evhttp's to free when it is
 * still attached to the connection, ours when evhttp detached it for us to finish. */
static void nr_download_closed(struct evhttp_connection *evcon, void *arg)
{
    struct nr_download *d = arg;

    (void)evcon;
    if (evhttp_request_get_connection(d->ev) == NULL)
        evhttp_request_free(d->ev);
    nr_download_free(d);
}

static void nr_download_pump(struct evhttp_connection *evcon, void *arg)
{
    struct nr_download *d = arg;
    struct evbuffer *buf;
    struct evbuffer_iovec vec;
    size_t want;
    ssize_t n;

    (void)evcon;
    if (d->pos >= d->end) {
        evhttp_connection_set_closecb(d->evcon, NULL, NULL);
        evhttp_send_reply_end(d->ev);
        nr_download_free(d);
        return;
    }
    want = d->end - d->pos < NR_DOWNLOAD_CHUNK ? (size_t)(d->end - d->pos) : NR_DOWNLOAD_CHUNK;
    buf = evbuffer_new();
    if (buf == NULL || evbuffer_reserve_space(buf, (ev_ssize_t)want, &vec, 1) < 1) {
        n = -1;
    } else {
        do
            n = pread(d->fd, vec.iov_base, want, (off_t)d->pos);
        while (n < 0 && errno == EINTR);
    }
    if (n <= 0) {
        /* The headers are gone: the one honest signal left is a body shorter than its
         * Content-Length, so the connection closes after what was sent. */
        if (buf)
            evbuffer_free(buf);
        evhttp_add_header(evhttp_request_get_output_headers(d->ev), "Connection", "close");
        evhttp_connection_set_closecb(d->evcon, NULL, NULL);
        evhttp_send_reply_end(d->ev);
        nr_download_free(d);
        return;
    }
    vec.iov_len = (size_t)n;
    evbuffer_commit_space(buf, &vec, 1);
    d->pos += (uint64_t)n;
    /* The next piece is read when this one has been written (evhttp's write callback). */
    evhttp_send_reply_chunk_with_cb(d->ev, buf, nr_download_pump, d);
    evbuffer_free(buf);
}

NR_HANDLER(api_evidence_download)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
    const char *dir, *range, *if_range, *name = NULL, *media = NULL, *sha = NULL;
    char *tmp = NULL;
    struct nr_download *d = NULL;
    struct nr_stmt *s = NULL;
    struct nr_err err;
    struct stat st;
    uint64_t size, first = 0, last = 0;
    int64_t eid;
    int rc, fd = -1, ranged = 0, status;

    nr_err_init(&err);
    if (nr_req_param_id(r, 0, &eid))
        return;
    dir = nr_arena_printf(&r->ar, "%s/tmp", r->rv->data_dir);
    rc = nr_mkdirs(dir, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* R11: the plaintext exists only in a file no other process can open by name. */
    tmp = nr_arena_printf(&r->ar, "%s/download-XXXXXX", dir);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        nr_req_fail(r, -errno, NULL, "cannot create a temporary file in %s: %s", dir,
                    strerror(errno));
        return;
    }
    unlink(tmp);
    /* R11: the model checks the reader's right and audits the read before a byte is out. */
    rc = nr_evidence_read(r->rv, &r->actor, eid, fd, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    if (fstat(fd, &st) != 0) {
        nr_req_fail(r, -errno, NULL, "cannot stat the decrypted evidence: %s", strerror(errno));
        goto out;
    }
    size = (uint64_t)st.st_size;
    rc = nr_store_prepare_bind(r->rv->st, &err, &s,
                               "SELECT filename, media_type, sha256 FROM evidence WHERE id = ?",
                               "i", eid);
    if (rc == 0 && (rc = nr_stmt_step(s, &err)) == NR_STORE_ROW) {
        name = nr_arena_strdup(&r->ar, nr_stmt_text(s, 0));
        media = nr_arena_strdup(&r->ar, nr_stmt_text(s, 1));
        sha = nr_arena_strdup(&r->ar, nr_stmt_text(s, 2));
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(&err, NR_ENOTFOUND, "evidence", "no evidence %" PRId64, eid);
    }
    nr_stmt_free(s);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }

    /* The content is addressed by its hash, so the hash is a strong validator. */
    evhttp_add_header(h, "ETag", nr_arena_printf(&r->ar, "\"%s\"", sha ? sha : ""));
    evhttp_add_header(h, "Accept-Ranges", "bytes");
    range = nr_req_header(r, "Range");
    if_range = nr_req_header(r, "If-Range");
    if (range && if_range && strcmp(if_range, nr_arena_printf(&r->ar, "\"%s\"", sha ? sha : "")))
        range = NULL;
    if (range)
        ranged = nr_range_parse(range, size, &first, &last);
    if (ranged < 0) {
        evhttp_add_header(h, "Content-Range", nr_arena_printf(&r->ar, "bytes */%" PRIu64, size));
        nr_req_json(r, 416,
                    json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "range_not_satisfiable",
                              "message",
                              nr_arena_printf(&r->ar, "the evidence has %" PRIu64 " bytes", size),
                              "field", "Range"));
        goto out;
    }
    if (ranged == 0) {
        first = 0;
        last = size ? size - 1 : 0;
    }

    /* Evidence is confidential and of any type: never cached, never run by a browser. */
    evhttp_add_header(h, "Content-Type", media && *media ? media : "application/octet-stream");
    evhttp_add_header(h, "Content-Disposition", nr_disposition(r, name ? name : "evidence"));
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    evhttp_add_header(h, "Content-Security-Policy", "sandbox");
    evhttp_add_header(h, "Cache-Control", "private, no-store");
    evhttp_add_header(h, "Content-Length",
                      nr_arena_printf(&r->ar, "%" PRIu64, size == 0 ? 0 : last - first + 1));
    if (ranged > 0)
        evhttp_add_header(
            h, "Content-Range",
            nr_arena_printf(&r->ar, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, first, last, size));

    if (evhttp_request_get_connection(r->ev) == NULL)
        goto out; /* the client is gone already */
    d = nr_calloc(1, sizeof(*d));
    d->ev = r->ev;
    d->evcon = evhttp_request_get_connection(r->ev);
    d->fd = fd;
    d->pos = first;
    d->end = size == 0 ? 0 : last + 1;
    fd = -1;
    status = ranged > 0 ? 206 : 200;
    r->status = status;
    evhttp_send_reply_start(r->ev, status, ranged > 0 ? "Partial Content" : "OK");
    evhttp_connection_set_closecb(d->evcon, nr_download_closed, d);
    nr_download_pump(d->evcon, d);
out:
    if (fd >= 0)
        close(fd);
}
