/*
 * api_evaluation.c - the evaluation resources of the API (interface: api.h, helpers from
 * http_int.h): the provider's security commitment (R3), evaluation tasks and their signed
 * reports (R3, R5, R10), findings (R4), and evidence: uploaded in parts, downloaded with Range
 * (R11). Each handler does what the matching CLI command does and answers with the JSON that
 * command prints with --json; every rule (role, phase, need-to-know) is the model's.
 *
 * Uploads. evhttp holds a whole request body in memory, so a capture or firmware image of up to
 * the per-type cap arrives in parts, through the model's uploads (review.h, "evidence
 * uploads"): POST /cases/{case}/uploads declares name, type and size and gets a random token
 * (the upload's only name in URLs, so that uploads cannot be guessed); PUT
 * /uploads/{token}?offset=N appends one part of at most NR_HTTP_PART_MAX bytes to the plain
 * part file, at exactly the offset received so far, so a client that lost an answer asks again
 * and resumes from the expected_offset of the 409; POST /uploads/{token}/complete has the model
 * hash, seal and record the file as evidence. Only the uploader may touch an upload; any other
 * caller gets 404, like an upload that does not exist. A part and a completion of the same
 * upload never run at once: a request that finds another at work is answered 503 busy with
 * Retry-After, and its retry then learns where to resume.
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

#define NR_DOWNLOAD_CHUNK (64 * 1024)

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

/* The upload as the API shows it: the model's view (nr_upload_show) with the part size this
 * server takes beside `complete`. NULL when it cannot be read. */
static json_t *nr_upload_json(struct nr_req *r, const char *token)
{
    json_t *u = NULL, *o, *v;
    const char *key;

    if (nr_upload_show(r->rv, &r->actor, token, &u, NULL) != 0)
        return NULL;
    o = json_object();
    json_object_foreach(u, key, v)
    {
        /* evidence_id belongs to the model's view only: a complete upload is answered with its
         * evidence, never with itself. */
        if (strcmp(key, "evidence_id") == 0)
            continue;
        json_object_set(o, key, v);
        if (strcmp(key, "complete") == 0)
            json_object_set_new(o, "part_max", json_integer(NR_HTTP_PART_MAX));
    }
    json_decref(u);
    return o;
}

/* 409 naming the offset the next part must start at, so that a client resumes there. */
static void nr_upload_offset_conflict(struct nr_req *r, const char *token, uint64_t expected,
                                      const struct nr_err *err)
{
    json_t *u = nr_upload_json(r, token);
    json_int_t size = u ? json_integer_value(json_object_get(u, "size")) : 0;

    json_decref(u);
    nr_req_json(r, 409,
                json_pack("{s:{s:s,s:s,s:s,s:I,s:I}}", "error", "code", nr_err_name(NR_EPRECOND),
                          "message", err->msg, "field", "offset", "expected_offset",
                          (json_int_t)expected, "size", size));
}

NR_HANDLER(api_upload_start)
{
    static const char *const fields[] = {"filename",    "media_type", "size", "task_id",
                                         "description", "public",     NULL};
    struct nr_upload_spec sp = {0};
    char token[NR_UPLOAD_TOKEN_LEN + 1];
    struct nr_err err;
    json_t *body;
    int64_t case_id;
    bool bad = false;
    int rc;

    nr_err_init(&err);
    if (nr_req_param_case(r, 0, &case_id) || nr_req_fields(r, fields))
        return;
    sp.filename = nr_req_str(r, "filename", NR_API_FILENAME_MAX, true, &bad);
    if (!bad)
        sp.media_type = nr_req_str(r, "media_type", NR_API_MEDIA_MAX, false, &bad);
    if (!bad)
        sp.description = nr_req_str(r, "description", NR_API_DESCRIPTION, false, &bad);
    if (!bad)
        sp.task_id = nr_req_int(r, "task_id", 0, NR_API_ID_MAX, 0, &bad);
    if (!bad)
        sp.public_doc = nr_req_bool(r, "public", false, &bad);
    if (!bad && (r->body == NULL || json_object_get(r->body, "size") == NULL)) {
        nr_req_fail(r, NR_EINVAL, "size", "an upload declares its size in bytes");
        return;
    }
    if (!bad)
        sp.size = (uint64_t)nr_req_int(r, "size", 0, INT64_MAX, 0, &bad);
    if (bad)
        return;
    if (*sp.filename == '\0' || strchr(sp.filename, '/')) {
        nr_req_fail(r, NR_EINVAL, "filename", "filename is a file name without '/'");
        return;
    }
    /* R11: the model refuses now, before a byte is sent, what the completion would refuse:
     * the inputs, the type's size cap, the caller's right to add evidence to this case. */
    rc = nr_upload_start(r->rv, &r->actor, case_id, &sp, token, &err);
    if (rc == NR_ETOOBIG && strcmp(err.field, "uploads") == 0) {
        /* core.h has no code for "too many": the error body is written here, with the code
         * the other limits of the API use. */
        nr_req_json(r, 429,
                    json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "too_many", "message",
                              "too many uploads in progress; complete them or wait a day", "field",
                              "upload"));
        return;
    }
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    body = nr_upload_json(r, token);
    nr__req_created(r, body ? body : json_pack("{s:s,s:s}", "id", token, "token", token),
                    nr_arena_printf(&r->ar, "/api/v1/uploads/%s", token));
}

NR_HANDLER(api_upload_part)
{
    const char *token = nr_req_param(r, 0);
    struct nr_err err;
    uint64_t received = 0;
    int64_t offset;
    json_t *body;
    int rc;

    nr_err_init(&err);
    if (nr_req_query(r, "offset") == NULL) {
        nr_req_fail(r, NR_EINVAL, "offset", "a part says where it starts: ?offset=N");
        return;
    }
    if (nr_req_query_int(r, "offset", 0, 2 * NR_GIB, 0, &offset))
        return;
    /* Straight to the part file, at exactly the offset received so far; a part that collides
     * with another of the same upload is refused busy (503), its retry learns where to
     * resume. */
    rc = nr_upload_append(r->rv, &r->actor, token, (uint64_t)offset, r->raw, r->raw_len, &received,
                          &err);
    if (rc == NR_EPRECOND && strcmp(err.field, "offset") == 0) {
        nr_upload_offset_conflict(r, token, received, &err);
        return;
    }
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    body = nr_upload_json(r, token);
    nr_req_json(r, 200,
                body ? body
                     : json_pack("{s:s,s:I}", "id", token, "received", (json_int_t)received));
}

/* The evidence as nr_evidence_list shows it (what `evidence add --json` prints), or at least
 * its id, hash, size, media type and name as the upload declared them. */
static json_t *nr_evidence_json(struct nr_req *r, int64_t eid, const char *sha, json_t *upload)
{
    json_t *row = NULL;

    if (nr_evidence_info(r->rv, &r->actor, eid, &row, NULL) == 0)
        return row;
    row = json_pack("{s:I,s:s}", "id", (json_int_t)eid, "sha256", sha);
    if (row && upload) {
        json_object_set(row, "size", json_object_get(upload, "size"));
        json_object_set(row, "media_type", json_object_get(upload, "media_type"));
        json_object_set(row, "filename", json_object_get(upload, "filename"));
    }
    return row ? row : json_pack("{s:I}", "id", (json_int_t)eid);
}

NR_HANDLER(api_upload_complete)
{
    static const char *const fields[] = {NULL};
    const char *token = nr_req_param(r, 0);
    struct nr_err err;
    json_t *upload = NULL;
    char sha[65] = "";
    int64_t eid = 0;
    bool repeated;
    int rc;

    nr_err_init(&err);
    if (nr_req_fields(r, fields))
        return;
    rc = nr_upload_show(r->rv, &r->actor, token, &upload, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* A client that lost the answer asks again and gets the same evidence (200, not 201). */
    repeated = json_object_get(upload, "evidence_id") != NULL;
    rc = nr_upload_complete(r->rv, &r->actor, token, &eid, sha, &err);
    if (rc == NR_EPRECOND && strcmp(err.field, "offset") == 0) {
        json_t *now = nr_upload_json(r, token);
        uint64_t received =
            now ? (uint64_t)json_integer_value(json_object_get(now, "received")) : 0;
        json_decref(now);
        nr_upload_offset_conflict(r, token, received, &err);
        goto out;
    }
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    if (repeated)
        nr_req_json(r, 200, nr_evidence_json(r, eid, sha, upload));
    else
        nr__req_created(r, nr_evidence_json(r, eid, sha, upload),
                        nr_arena_printf(&r->ar, "/api/v1/evidence/%" PRId64, eid));
out:
    json_decref(upload);
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
    json_t *info = NULL;
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
    /* The name, type and hash the headers carry, as the evidence list shows them. */
    rc = nr_evidence_info(r->rv, &r->actor, eid, &info, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        goto out;
    }
    name = nr_arena_strdup(&r->ar, json_string_value(json_object_get(info, "filename")));
    media = nr_arena_strdup(&r->ar, json_string_value(json_object_get(info, "media_type")));
    sha = nr_arena_strdup(&r->ar, json_string_value(json_object_get(info, "sha256")));
    json_decref(info);

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
