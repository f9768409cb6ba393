/*
 * upload.c - evidence uploads in parts (interface: review.h, section "evidence uploads"; what
 * it shares with evaluation.c is in upload_int.h). A capture or firmware image of up to its
 * type's cap does not arrive in one request: an upload declares the file and gets a random
 * token, parts are appended at exactly the offset received so far to the plain file
 * <data>/uploads/<token> (0600), and the completion hands that file to the evidence store,
 * which hashes, seals and records it (R11), after which the plain file goes.
 *
 * The uploads table keeps what was declared and how many bytes were received; the part file
 * keeps the bytes. The two can disagree after a crash or a disk restored from backup: the file
 * may hold more than was recorded (a part whose record failed: the extra bytes are dropped) or
 * fewer (lost: the upload goes back to what the file really holds and the client is told where
 * to resume, so lost bytes are sent again and never stand in as zeros).
 *
 * Concurrency. Each part and each completion holds an exclusive flock on the part file while
 * it works and reads the row again under it, so a part sees what the previous one added and
 * nothing runs beside a completion. The lock is never waited for: a server worker must not
 * block its event loop behind a slow disk, so a held lock is NR_EBUSY and the client retries.
 * The sweep takes the same lock and leaves what it cannot take.
 *
 * Part files are opened with O_CREAT, so that an upload whose file was lost starts again at 0;
 * a call that then finds its upload ended meanwhile (completed, swept) removes the file it may
 * have made, under its lock.
 */
#include "evaluation_int.h"
#include "upload_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

#define UPL_TOKEN_BYTES (NR_UPLOAD_TOKEN_LEN / 2)
#define UPL_NOT_FOUND   "no such upload"

/* One row of the uploads table (strings in the caller's arena). */
struct upl_row {
    int64_t id, case_id, task_id, created_by, evidence_id;
    uint64_t size, received;
    const char *token, *filename, *media_type, *description, *completed_at;
    bool public_doc;
};

static bool upl_token_valid(const char *t)
{
    size_t n = 0;

    if (t == NULL)
        return false;
    for (; t[n]; n++)
        if (!((t[n] >= '0' && t[n] <= '9') || (t[n] >= 'a' && t[n] <= 'f')))
            return false;
    return n == NR_UPLOAD_TOKEN_LEN;
}

static const char *upl_dir(struct nr_review *rv, struct nr_arena *ar)
{
    return nr_arena_printf(ar, "%s/uploads", rv->data_dir);
}

static const char *upl_path(struct nr_review *rv, struct nr_arena *ar, const char *token)
{
    return nr_arena_printf(ar, "%s/uploads/%s", rv->data_dir, token);
}

/* The actor's upload named by token. R11: an upload of another user, and one that does not
 * exist, answer alike; the token is checked before it reaches a query. */
static int upl_load(struct nr_review *rv, const struct nr_actor *a, struct nr_arena *ar,
                    const char *token, struct upl_row *u, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    memset(u, 0, sizeof(*u));
    if (!upl_token_valid(token) || a->user_id == 0)
        return nr_err_set(err, NR_ENOTFOUND, "upload", UPL_NOT_FOUND);
    rc =
        nr_store_prepare_bind(rv->st, err, &s,
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
        u->filename = nr_arena_strdup(ar, nr_stmt_text(s, 3));
        u->media_type = nr_stmt_is_null(s, 4) ? NULL : nr_arena_strdup(ar, nr_stmt_text(s, 4));
        u->description = nr_stmt_is_null(s, 5) ? NULL : nr_arena_strdup(ar, nr_stmt_text(s, 5));
        u->public_doc = nr_stmt_int(s, 6) != 0;
        u->size = (uint64_t)nr_stmt_int(s, 7);
        u->received = (uint64_t)nr_stmt_int(s, 8);
        u->created_by = nr_stmt_int(s, 9);
        u->completed_at = nr_stmt_is_null(s, 10) ? NULL : nr_arena_strdup(ar, nr_stmt_text(s, 10));
        u->evidence_id = nr_stmt_int(s, 11);
        u->token = nr_arena_strdup(ar, token);
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = NR_ENOTFOUND;
    }
    nr_stmt_free(s);
    if (rc == NR_ENOTFOUND || (rc == 0 && u->created_by != a->user_id)) {
        memset(u, 0, sizeof(*u));
        return nr_err_set(err, NR_ENOTFOUND, "upload", UPL_NOT_FOUND);
    }
    return rc;
}

/* Takes the part file's lock without waiting: *fd the locked file, or NR_EBUSY when another
 * call holds it. create makes a missing file (an upload whose file was lost starts again). */
static int upl_lock_file(const char *path, bool create, int *fd_out, struct nr_err *err)
{
    int fd, e;

    *fd_out = -1;
    fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
    if (fd < 0) {
        e = errno;
        return nr_err_set(err, -e, "upload", "cannot open the upload's file: %s", strerror(e));
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return nr_err_set(err, NR_EBUSY, "upload",
                              "another request is writing this upload; retry when it has answered");
        return nr_err_set(err, -e, "upload", "cannot lock the upload's file: %s", strerror(e));
    }
    *fd_out = fd;
    return 0;
}

/* Locks the upload's part file and reads its row again under the lock: a part that ran
 * meanwhile moved `received`, a completion or the sweep may have ended the upload. The file of
 * an upload that ended is nobody's: it goes (this call may just have made it). */
static int upl_lock(struct nr_review *rv, const struct nr_actor *a, struct nr_arena *ar,
                    struct upl_row *u, int *fd, struct nr_err *err)
{
    const char *path = upl_path(rv, ar, u->token), *token = u->token;
    struct nr_err local;
    int rc;

    nr_err_init(&local);
    rc = upl_lock_file(path, true, fd, &local);
    if (rc == -ENOENT) {
        /* The uploads directory itself went (an operator's clean-up): make it again. */
        nr_err_init(&local);
        rc = nr_mkdirs(upl_dir(rv, ar), &local);
        if (rc == 0)
            rc = upl_lock_file(path, true, fd, &local);
    }
    if (rc)
        return nr_err_set(err, rc, local.field, "%s", local.msg);
    rc = upl_load(rv, a, ar, token, u, err);
    if (rc == NR_ENOTFOUND || (rc == 0 && u->completed_at))
        unlink(path);
    return rc;
}

/* Records how many bytes the upload holds, outside any other write. */
static int upl_set_received(struct nr_review *rv, struct upl_row *u, uint64_t received,
                            struct nr_err *err)
{
    int rc = nr_store_begin(rv->st, err);

    if (rc)
        return rc;
    rc = nr_store_exec(rv->st, err, "UPDATE uploads SET received = ? WHERE id = ?", "ii",
                       (int64_t)received, u->id);
    if (rc) {
        nr_store_rollback(rv->st);
        return rc;
    }
    rc = nr_store_commit(rv->st, err);
    if (rc == 0)
        u->received = received;
    return rc;
}

/* The part file must hold at least the bytes recorded as received. Bytes past them come from a
 * part whose record failed: dropped here when exact (the completion), by the next part
 * otherwise. Fewer: the upload goes back to what the file holds, and the caller is told to
 * resume there (NR_EPRECOND, field "offset"). */
static int upl_check_file(struct nr_review *rv, struct upl_row *u, int fd, bool exact,
                          struct nr_err *err)
{
    struct stat st;
    uint64_t have;
    int rc;

    if (fstat(fd, &st) != 0)
        return nr_err_set(err, -errno, "upload", "cannot stat the upload's file: %s",
                          strerror(errno));
    have = (uint64_t)st.st_size;
    if (have >= u->received) {
        if (exact && have > u->received && ftruncate(fd, (off_t)u->received) != 0)
            return nr_err_set(err, -errno, "upload", "cannot trim the upload's file: %s",
                              strerror(errno));
        return 0;
    }
    rc = upl_set_received(rv, u, have, err);
    if (rc)
        return rc;
    return nr_err_set(err, NR_EPRECOND, "offset",
                      "the upload's file holds fewer bytes than were received; send them again "
                      "from byte %llu",
                      (unsigned long long)have);
}

static int upl_pwrite_all(int fd, const char *p, size_t n, off_t off)
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

/* R11: the right to add evidence to the case now, as the completion will check it; a task of
 * another case is named by the upload's own member, task_id. */
static int upl_may_add(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                       int64_t task_id, struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    struct nr_err local;
    int rc;

    nr_arena_init(&ar);
    nr_err_init(&local);
    rc = nr__evidence_may_add(rv, a, case_id, task_id, &ar, &c, &local);
    if (rc)
        nr_err_set(err, rc, strcmp(local.field, "task") == 0 ? "task_id" : local.field, "%s",
                   local.msg);
    else if (a->user_id == 0)
        /* An upload is its user's; the local administrator takes no part in a case anyway. */
        rc = nr_err_set(err, NR_EFORBIDDEN, "as", "an upload is made by a user; act with --as");
    nr_arena_release(&ar);
    return rc;
}

/* ---- starting ---- */

int nr_upload_start(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                    const struct nr_upload_spec *sp, char token_out[NR_UPLOAD_TOKEN_LEN + 1],
                    struct nr_err *err)
{
    uint8_t raw[UPL_TOKEN_BYTES];
    char token[NR_UPLOAD_TOKEN_LEN + 1], now[NR_TIME_STR], since[NR_TIME_STR], object[48];
    const char *media = NULL, *path = NULL;
    char *detail = NULL;
    struct nr_arena ar;
    int64_t open_count = 0, id = 0;
    uint64_t cap;
    bool in_txn = false;
    int rc, fd;

    token_out[0] = '\0';
    nr_arena_init(&ar);
    /* Whatever the completion would refuse is refused now, before a byte is sent. */
    rc = nr__evidence_input(sp->filename, sp->media_type, sp->description, &media, err);
    if (rc)
        goto out;
    cap = nr_evidence_cap(media);
    if (sp->size > cap) {
        rc = nr_err_set(err, NR_ETOOBIG, "size",
                        "%llu bytes is too big: evidence of type %s is capped at %llu bytes",
                        (unsigned long long)sp->size, media, (unsigned long long)cap);
        goto out;
    }
    rc = upl_may_add(rv, a, case_id, sp->task_id, err);
    if (rc)
        goto out;

    rc = nr_random(raw, sizeof(raw));
    if (rc) {
        rc = nr_err_set(err, NR_ECRYPTO, NULL, "no random bytes for an upload token");
        goto out;
    }
    nr_hex(raw, sizeof(raw), token);
    rc = nr_mkdirs(upl_dir(rv, &ar), err);
    if (rc)
        goto out;
    /* R11: the plain bytes are readable by the server's user only. */
    path = upl_path(rv, &ar, token);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        rc = nr_err_set(err, -errno, "upload", "cannot create the upload's file: %s",
                        strerror(errno));
        path = NULL;
        goto out;
    }
    close(fd);

    /* The count and the insert in one transaction: two workers cannot both see one upload
     * short of the limit and both start one. The rights are checked again in it, as they are
     * when the row is written. */
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out;
    in_txn = true;
    rc = upl_may_add(rv, a, case_id, sp->task_id, err);
    if (rc)
        goto out;
    nr__eval_clock(NULL, NULL, now);
    nr_time_fmt(nr_time_now() - 24 * 3600, since);
    rc = nr_store_query_int(rv->st, err, &open_count,
                            "SELECT COUNT(*) FROM uploads WHERE created_by = ? AND "
                            "completed_at IS NULL AND created_at >= ?",
                            "it", a->user_id, since);
    if (rc)
        goto out;
    if (open_count >= NR_UPLOAD_OPEN_MAX) {
        rc = nr_err_set(err, NR_ETOOBIG, "uploads",
                        "too many uploads in progress; complete them or wait a day");
        goto out;
    }
    rc = nr_store_query_int(rv->st, err, &id,
                            "INSERT INTO uploads (token, case_id, task_id, filename, media_type, "
                            "description, public_doc, size, received, created_by, created_at) "
                            "VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
                            "tiitttiiit", token, case_id, sp->task_id, sp->filename,
                            sp->media_type && *sp->media_type ? sp->media_type : NULL,
                            sp->description && *sp->description ? sp->description : NULL,
                            (int64_t)(sp->public_doc ? 1 : 0), (int64_t)sp->size, a->user_id, now);
    if (rc)
        goto out;
    /* The audit names the upload by its id, never by its token: the token is what lets its
     * user send bytes. */
    snprintf(object, sizeof(object), "upload:%lld", (long long)id);
    detail = nr_asprintf("filename=%.255s size=%llu type=%s", sp->filename,
                         (unsigned long long)sp->size, media);
    rc = nr_audit_append(rv, a, "upload.start", case_id, object, detail, err);
    if (rc)
        goto out;
    in_txn = false;
    rc = nr_store_commit(rv->st, err);
    if (rc == 0)
        memcpy(token_out, token, sizeof(token));
out:
    if (in_txn)
        nr_store_rollback(rv->st);
    if (rc && path)
        unlink(path);
    nr_free(detail);
    nr_arena_release(&ar);
    return rc;
}

/* ---- parts ---- */

int nr_upload_append(struct nr_review *rv, const struct nr_actor *a, const char *token,
                     uint64_t offset, const void *data, size_t len, uint64_t *received,
                     struct nr_err *err)
{
    struct nr_arena ar;
    struct upl_row u;
    int rc, fd = -1;

    nr_arena_init(&ar);
    rc = upl_load(rv, a, &ar, token, &u, err);
    if (rc)
        goto out;
    /* A complete upload has no part file any more: it is not made again for a late part. */
    if (u.completed_at == NULL)
        rc = upl_lock(rv, a, &ar, &u, &fd, err);
    if (rc)
        goto out;
    if (u.completed_at) {
        rc = nr_err_set(err, NR_EPRECOND, "upload", "the upload is complete (evidence %lld)",
                        (long long)u.evidence_id);
        goto out;
    }
    rc = upl_check_file(rv, &u, fd, false, err);
    if (rc)
        goto out;
    if (offset != u.received) {
        rc = nr_err_set(err, NR_EPRECOND, "offset",
                        "the upload has %llu bytes; the next part starts there, not at %llu",
                        (unsigned long long)u.received, (unsigned long long)offset);
        goto out;
    }
    if (len > u.size - u.received) {
        rc = nr_err_set(err, NR_ETOOBIG, "size",
                        "this part ends at byte %llu, beyond the declared size %llu",
                        (unsigned long long)(u.received + len), (unsigned long long)u.size);
        goto out;
    }
    /* Drop whatever a part that failed half-way left past the bytes counted as received. */
    if (ftruncate(fd, (off_t)u.received) != 0) {
        rc = nr_err_set(err, -errno, "upload", "cannot write the part: %s", strerror(errno));
        goto out;
    }
    rc = upl_pwrite_all(fd, data, len, (off_t)u.received);
    if (rc) {
        nr_err_set(err, rc, "upload", "cannot write the part: %s", strerror(-rc));
        goto out;
    }
    rc = upl_set_received(rv, &u, u.received + len, err);
out:
    if (received && u.id)
        *received = u.received;
    if (fd >= 0)
        close(fd);
    nr_arena_release(&ar);
    return rc;
}

/* ---- completion ---- */

/* The evidence a completed upload made. */
static int upl_evidence(struct nr_review *rv, const struct upl_row *u, int64_t *evidence_id,
                        char sha256_hex[65], struct nr_err *err)
{
    char *sha = NULL;
    int rc = nr_store_query_text(rv->st, err, &sha, "SELECT sha256 FROM evidence WHERE id = ?", "i",
                                 u->evidence_id);

    if (rc == NR_ENOTFOUND)
        rc = nr_err_set(err, NR_ENOTFOUND, "upload", "the evidence of this upload is gone");
    if (rc == 0) {
        if (evidence_id)
            *evidence_id = u->evidence_id;
        if (sha256_hex)
            snprintf(sha256_hex, 65, "%s", sha ? sha : "");
    }
    nr_free(sha);
    return rc;
}

int nr_upload_complete(struct nr_review *rv, const struct nr_actor *a, const char *token,
                       int64_t *evidence_id, char sha256_hex[65], struct nr_err *err)
{
    struct nr_evidence_spec sp = {0};
    struct nr_arena ar;
    struct upl_row u;
    int64_t eid = 0;
    char sha[65] = "";
    int rc, fd = -1;

    if (evidence_id)
        *evidence_id = 0;
    if (sha256_hex)
        sha256_hex[0] = '\0';
    nr_arena_init(&ar);
    rc = upl_load(rv, a, &ar, token, &u, err);
    if (rc == 0 && u.completed_at == NULL)
        rc = upl_lock(rv, a, &ar, &u, &fd, err);
    if (rc)
        goto out;
    /* A client that lost the answer asks again and gets the same evidence. */
    if (u.completed_at) {
        rc = upl_evidence(rv, &u, evidence_id, sha256_hex, err);
        goto out;
    }
    if (u.received != u.size) {
        rc = nr_err_set(err, NR_EPRECOND, "offset",
                        "the upload has %llu of %llu bytes; send the rest first",
                        (unsigned long long)u.received, (unsigned long long)u.size);
        goto out;
    }
    rc = upl_check_file(rv, &u, fd, true, err);
    if (rc)
        goto out;
    sp.path = upl_path(rv, &ar, u.token);
    sp.filename = u.filename;
    sp.media_type = u.media_type;
    sp.description = u.description;
    sp.task_id = u.task_id;
    sp.public_doc = u.public_doc;
    /* R11: hashed, sealed and recorded with its audit entry by the evidence store, which checks
     * role, phase and need-to-know again as they are now, and marks the upload complete in the
     * same transaction. */
    rc = nr__evidence_add_upload(rv, a, u.case_id, &sp, u.id, &eid, sha, err);
    if (rc)
        goto out;
    /* The plain copy goes once the sealed one is recorded. */
    unlink(sp.path);
    if (evidence_id)
        *evidence_id = eid;
    if (sha256_hex)
        memcpy(sha256_hex, sha, 65);
out:
    if (fd >= 0)
        close(fd);
    nr_arena_release(&ar);
    return rc;
}

/* ---- reading ---- */

int nr_upload_show(struct nr_review *rv, const struct nr_actor *a, const char *token, json_t **out,
                   struct nr_err *err)
{
    struct nr_arena ar;
    struct upl_row u;
    json_t *o;
    int rc;

    *out = NULL;
    nr_arena_init(&ar);
    rc = upl_load(rv, a, &ar, token, &u, err);
    if (rc)
        goto out;
    o = json_pack("{s:s,s:s,s:I,s:s,s:s,s:I,s:I,s:b}", "id", u.token, "token", u.token, "case_id",
                  (json_int_t)u.case_id, "filename", u.filename, "media_type",
                  nr_evidence_media_type(u.filename, u.media_type), "size", (json_int_t)u.size,
                  "received", (json_int_t)u.received, "complete", u.received == u.size);
    if (u.task_id)
        json_object_set_new(o, "task_id", json_integer(u.task_id));
    if (u.completed_at)
        json_object_set_new(o, "evidence_id", json_integer(u.evidence_id));
    *out = o;
out:
    nr_arena_release(&ar);
    return rc;
}

/* ---- the sweep ---- */

struct upl_stale {
    int64_t id, case_id;
    char token[NR_UPLOAD_TOKEN_LEN + 1];
    char *detail;
};

/* Removes one abandoned upload unless a part or completion holds it: the row (with its audit
 * entry, in one transaction), then the file. *gone tells whether it was removed. */
static int upl_expire(struct nr_review *rv, struct nr_arena *ar, const struct upl_stale *st,
                      bool *gone, struct nr_err *err)
{
    const char *path = upl_path(rv, ar, st->token);
    struct nr_actor installation;
    struct nr_err local;
    char object[48];
    int rc, fd = -1;

    *gone = false;
    nr_err_init(&local);
    rc = upl_lock_file(path, false, &fd, &local);
    if (rc == NR_EBUSY)
        return 0; /* at work right now: not abandoned after all */
    if (rc && rc != -ENOENT)
        return nr_err_set(err, rc, local.field, "%s", local.msg);
    nr_actor_local_admin(&installation);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out;
    rc = nr_store_exec(rv->st, err, "DELETE FROM uploads WHERE id = ? AND completed_at IS NULL",
                       "i", st->id);
    if (rc == 0 && nr_store_changes(rv->st) == 1) {
        snprintf(object, sizeof(object), "upload:%lld", (long long)st->id);
        rc = nr_audit_append(rv, &installation, "upload.expire", st->case_id, object, st->detail,
                             err);
        *gone = rc == 0;
    }
    if (rc) {
        nr_store_rollback(rv->st);
        *gone = false;
        goto out;
    }
    rc = nr_store_commit(rv->st, err);
    if (rc)
        *gone = false;
    else if (fd >= 0)
        unlink(path);
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Part files that no unfinished upload owns (a crash between a completion's commit and its
 * unlink, or between a start's file and its row), once they are as old as the cutoff. */
static int upl_sweep_orphans(struct nr_review *rv, struct nr_arena *ar, time_t cutoff,
                             struct nr_err *err)
{
    const char *dir = upl_dir(rv, ar);
    struct dirent *de;
    DIR *d = opendir(dir);
    int rc = 0;

    if (d == NULL)
        return errno == ENOENT
                   ? 0
                   : nr_err_set(err, -errno, "upload", "cannot read %s: %s", dir, strerror(errno));
    while (rc == 0 && (de = readdir(d)) != NULL) {
        const char *path;
        struct stat st;
        int64_t owners = 0;
        int fd = -1;

        if (!upl_token_valid(de->d_name))
            continue;
        path = upl_path(rv, ar, de->d_name);
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_mtime >= cutoff)
            continue;
        rc = nr_store_query_int(rv->st, err, &owners,
                                "SELECT COUNT(*) FROM uploads WHERE token = ? AND "
                                "completed_at IS NULL",
                                "t", de->d_name);
        if (rc || owners > 0)
            continue;
        if (upl_lock_file(path, false, &fd, NULL) == 0) {
            unlink(path);
            close(fd);
        }
    }
    closedir(d);
    return rc;
}

int nr_upload_sweep(struct nr_review *rv, time_t older_than, int *removed, struct nr_err *err)
{
    struct upl_stale *stale = NULL;
    struct nr_stmt *s = NULL;
    struct nr_arena ar;
    char cutoff_text[NR_TIME_STR];
    time_t cutoff = nr_time_now() - older_than;
    size_t n = 0, cap = 0;
    int rc, count = 0;

    if (removed)
        *removed = 0;
    nr_arena_init(&ar);
    nr_time_fmt(cutoff, cutoff_text);
    /* The candidates first, then one transaction each: the statement is not held open across
     * the writes. */
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT id, case_id, token, filename, received, size FROM uploads "
                               "WHERE completed_at IS NULL AND created_at < ? ORDER BY id",
                               "t", cutoff_text);
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const char *token = nr_stmt_text(s, 2);
        if (!upl_token_valid(token))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            stale = nr_realloc(stale, cap * sizeof(*stale));
        }
        stale[n].id = nr_stmt_int(s, 0);
        stale[n].case_id = nr_stmt_int(s, 1);
        snprintf(stale[n].token, sizeof(stale[n].token), "%s", token);
        stale[n].detail = nr_arena_printf(&ar, "filename=%.255s received=%lld size=%lld abandoned",
                                          nr_stmt_text(s, 3), (long long)nr_stmt_int(s, 4),
                                          (long long)nr_stmt_int(s, 5));
        n++;
    }
    nr_stmt_free(s);
    if (rc < 0)
        goto out;
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        bool gone = false;
        rc = upl_expire(rv, &ar, &stale[i], &gone, err);
        count += gone;
    }
    if (rc == 0)
        rc = upl_sweep_orphans(rv, &ar, cutoff, err);
out:
    if (removed)
        *removed = count;
    nr_free(stale);
    nr_arena_release(&ar);
    return rc;
}
