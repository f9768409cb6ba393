/*
 * test_upload.c - unit tests of src/model/upload.c (evidence uploads in parts: start, append
 * with its resume, completion, the sweep) and of what the HTTP handlers read through the model
 * beside it: nr_evidence_info, nr_evidence_media_type / nr_evidence_cap (evaluation.c),
 * nr_complaint_count_since (intake.c) and the sector on the rows of the decision register
 * (decision.c).
 */
#include "fixture.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "netreview/banned.h"

static struct nr_err E;

/* Asserts that call returns expect, printing the error detail otherwise. */
#define CHECK(expect, call)                                                                        \
    do {                                                                                           \
        int rc_;                                                                                   \
        nr_err_init(&E);                                                                           \
        rc_ = (call);                                                                              \
        if (rc_ != (expect))                                                                       \
            fail_msg("%s returned %d %s (%s), expected %s", #call, rc_, nr_err_name(rc_), E.msg,   \
                     nr_err_name(expect));                                                         \
    } while (0)

#define T0 "2026-03-02T09:00:00Z"

struct world {
    struct nr_fixture fx;
    struct nr_review *rv;
    struct nr_actor office, prov, rival, lab1, lab2, expert;
    int64_t case_id, other_case, task, other_task;
};

static void org(struct world *w, const char *name, const char *kind)
{
    struct nr_org_spec o = {.name = name, .kind = kind};
    CHECK(0, nr_org_add(w->rv, &w->fx.admin, &o, NULL, &E));
}

static void user(struct world *w, const char *login, const char *orgname, const char *role,
                 struct nr_actor *a)
{
    struct nr_user_spec u = {
        .login = login, .name = login, .org = orgname, .role = role, .password = "correct-horse-1"};
    CHECK(0, nr_user_add(w->rv, &w->fx.admin, &u, NULL, &E));
    CHECK(0, nr_actor_load(w->rv, login, a, &E));
}

static int64_t open_case(struct world *w, const char *product)
{
    struct nr_case_spec cs = {.trigger = "provider_application", .product = product};
    int64_t id = 0;

    CHECK(0, nr_case_open(w->rv, &w->prov, &cs, &id, &E));
    CHECK(0, nr_case_transition(w->rv, &w->office, id, "accept", NULL, NULL, &E));
    return id;
}

static int64_t assign(struct world *w, int64_t case_id, const char *inst)
{
    struct nr_task_spec s = {.institution = inst, .method = "lab_testing"};
    int64_t id = 0;
    CHECK(0, nr_task_assign(w->rv, &w->office, case_id, &s, &id, &E));
    return id;
}

/* A provider with two products under evaluation, its competitor, two institutions (Lab One
 * with a task on each case, Lab Two with none) and an expert. */
static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    struct nr_product_spec p = {.name = "Router X", .provider = "Huaxin Networks"};
    struct nr_product_spec p2 = {.name = "Switch Y", .provider = "Huaxin Networks"};
    struct nr_institution_spec inst = {
        .methods = "lab_testing", .from = "2025-01-01", .ref = "GB/T-2026-1"};

    setenv("NETREVIEW_NOW", T0, 1);
    nr_fixture_open(&w->fx, "cn-2017");
    w->rv = &w->fx.rv;
    org(w, "Review Office", "office");
    org(w, "Huaxin Networks", "provider");
    org(w, "Pacific Routers", "provider");
    org(w, "Lab One", "institution");
    org(w, "Lab Two", "institution");
    org(w, "Experts Committee", "experts_committee");
    user(w, "office1", "Review Office", "office", &w->office);
    user(w, "prov1", "Huaxin Networks", "provider", &w->prov);
    user(w, "rival1", "Pacific Routers", "provider", &w->rival);
    user(w, "lab1", "Lab One", "institution", &w->lab1);
    user(w, "lab2", "Lab Two", "institution", &w->lab2);
    user(w, "e1", "Experts Committee", "expert", &w->expert);
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p, NULL, &E));
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p2, NULL, &E));
    inst.org = "Lab One";
    CHECK(0, nr_institution_designate(w->rv, &w->fx.admin, &inst, NULL, &E));
    inst.org = "Lab Two";
    CHECK(0, nr_institution_designate(w->rv, &w->fx.admin, &inst, NULL, &E));
    w->case_id = open_case(w, "Router X");
    w->other_case = open_case(w, "Switch Y");
    w->task = assign(w, w->case_id, "Lab One");
    w->other_task = assign(w, w->other_case, "Lab One");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    nr_fixture_close(&w->fx);
    free(w);
    unsetenv("NETREVIEW_NOW");
    return 0;
}

static int64_t count(struct world *w, const char *sql)
{
    int64_t n = -1;
    CHECK(0, nr_store_query_int(w->rv->st, &E, &n, sql, ""));
    return n;
}

static char *part_path(struct world *w, const char *token)
{
    return nr_asprintf("%s/uploads/%s", w->rv->data_dir, token);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void move_clock(const char *at)
{
    setenv("NETREVIEW_NOW", at, 1);
}

/* Starts an upload of size bytes of filename to the main case as actor a. */
static void start(struct world *w, const struct nr_actor *a, const char *filename, uint64_t size,
                  char token[NR_UPLOAD_TOKEN_LEN + 1])
{
    struct nr_upload_spec s = {.filename = filename, .size = size};
    CHECK(0, nr_upload_start(w->rv, a, w->case_id, &s, token, &E));
    assert_int_equal(strlen(token), NR_UPLOAD_TOKEN_LEN);
}

/* The upload's "received" as nr_upload_show has it. */
static int64_t shown_received(struct world *w, const struct nr_actor *a, const char *token)
{
    json_t *u = NULL;
    int64_t n;
    CHECK(0, nr_upload_show(w->rv, a, token, &u, &E));
    n = json_integer_value(json_object_get(u, "received"));
    json_decref(u);
    return n;
}

/* ---- the media table ---- */

static void test_media_type_and_cap(void **state)
{
    (void)state;
    assert_string_equal(nr_evidence_media_type("capture.pcap", NULL),
                        "application/vnd.tcpdump.pcap");
    assert_string_equal(nr_evidence_media_type("SBOM.CDX.JSON", ""),
                        "application/vnd.cyclonedx+json");
    assert_string_equal(nr_evidence_media_type("image.tar.gz", NULL), "application/gzip");
    assert_string_equal(nr_evidence_media_type("firmware", NULL), "application/octet-stream");
    assert_string_equal(nr_evidence_media_type("notes.txt", "text/markdown"), "text/markdown");
    /* Captures, images and archives are big by nature; documents are not. */
    assert_true(nr_evidence_cap("application/x-pcapng") == 2ull << 30);
    assert_true(nr_evidence_cap("application/octet-stream") == 2ull << 30);
    assert_true(nr_evidence_cap("application/pdf") == 64ull << 20);
    assert_true(nr_evidence_cap("text/plain") == 64ull << 20);
}

/* ---- starting ---- */

static void test_start(void **state)
{
    struct world *w = *state;
    struct nr_upload_spec s = {.filename = "capture.pcap", .size = 1000, .task_id = 0};
    char token[NR_UPLOAD_TOKEN_LEN + 1], *path, *audit = NULL;
    struct nr_actor pub;
    json_t *u = NULL;
    struct stat st;

    /* What the completion would refuse is refused now, and nothing is made. */
    s.filename = "report.pdf";
    s.size = (64ull << 20) + 1;
    CHECK(NR_ETOOBIG, nr_upload_start(w->rv, &w->office, w->case_id, &s, token, &E));
    assert_string_equal(E.field, "size");
    assert_string_equal(token, "");
    s.size = 1000;
    s.media_type = "Text/Plain";
    CHECK(NR_EINVAL, nr_upload_start(w->rv, &w->office, w->case_id, &s, token, &E));
    assert_string_equal(E.field, "media_type");
    s.media_type = NULL;
    s.filename = "bad\x01name.txt";
    CHECK(NR_EINVAL, nr_upload_start(w->rv, &w->office, w->case_id, &s, token, &E));
    assert_string_equal(E.field, "filename");
    s.filename = "capture.pcap";
    /* R11: who may not add evidence to the case: unseen is not found, a seen case forbidden. */
    CHECK(NR_ENOTFOUND, nr_upload_start(w->rv, &w->rival, w->case_id, &s, token, &E));
    CHECK(NR_ENOTFOUND, nr_upload_start(w->rv, &w->lab2, w->case_id, &s, token, &E));
    nr_actor_public(&pub);
    CHECK(NR_ENOTFOUND, nr_upload_start(w->rv, &pub, w->case_id, &s, token, &E));
    CHECK(NR_EFORBIDDEN, nr_upload_start(w->rv, &w->fx.admin, w->case_id, &s, token, &E));
    /* A task of another case, named by the upload's own member. */
    s.task_id = w->other_task;
    CHECK(NR_EINVAL, nr_upload_start(w->rv, &w->lab1, w->case_id, &s, token, &E));
    assert_string_equal(E.field, "task_id");
    assert_int_equal(count(w, "SELECT COUNT(*) FROM uploads"), 0);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'upload.start'"), 0);

    s.task_id = w->task;
    s.description = "48 h of traffic";
    CHECK(0, nr_upload_start(w->rv, &w->lab1, w->case_id, &s, token, &E));
    for (const char *p = token; *p; p++)
        assert_true((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'));
    /* R11: an empty part file only the server's user reads. */
    path = part_path(w, token);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 0);
    CHECK(0, nr_upload_show(w->rv, &w->lab1, token, &u, &E));
    assert_string_equal(json_string_value(json_object_get(u, "id")), token);
    assert_string_equal(json_string_value(json_object_get(u, "media_type")),
                        "application/vnd.tcpdump.pcap");
    assert_int_equal(json_integer_value(json_object_get(u, "size")), 1000);
    assert_int_equal(json_integer_value(json_object_get(u, "received")), 0);
    assert_int_equal(json_integer_value(json_object_get(u, "task_id")), w->task);
    assert_true(json_is_false(json_object_get(u, "complete")));
    assert_null(json_object_get(u, "evidence_id"));
    json_decref(u);
    /* Only the uploader sees it; the others are told it does not exist. */
    CHECK(NR_ENOTFOUND, nr_upload_show(w->rv, &w->office, token, &u, &E));
    assert_string_equal(E.field, "upload");
    CHECK(NR_ENOTFOUND, nr_upload_show(w->rv, &w->lab1, "not-a-token", &u, &E));
    /* The start is audited by the upload's id, never its token. */
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'upload.start'"), 1);
    CHECK(0, nr_store_query_text(w->rv->st, &E, &audit,
                                 "SELECT object || ' ' || detail FROM audit WHERE action = "
                                 "'upload.start'",
                                 ""));
    assert_non_null(strstr(audit, "upload:"));
    assert_non_null(strstr(audit, "filename=capture.pcap"));
    assert_null(strstr(audit, token));
    nr_free(audit);
    nr_free(path);
}

/* A user keeps at most NR_UPLOAD_OPEN_MAX unfinished uploads of the last day. */
static void test_open_limit(void **state)
{
    struct world *w = *state;
    struct nr_upload_spec s = {.filename = "notes.txt", .size = 4};
    char token[NR_UPLOAD_TOKEN_LEN + 1];

    for (int i = 0; i < NR_UPLOAD_OPEN_MAX; i++)
        CHECK(0, nr_upload_start(w->rv, &w->office, w->case_id, &s, token, &E));
    CHECK(NR_ETOOBIG, nr_upload_start(w->rv, &w->office, w->case_id, &s, token, &E));
    assert_string_equal(E.field, "uploads");
    assert_int_equal(count(w, "SELECT COUNT(*) FROM uploads"), NR_UPLOAD_OPEN_MAX);
    /* Another user has a limit of their own; a day later the old ones no longer count. */
    CHECK(0, nr_upload_start(w->rv, &w->lab1, w->case_id, &s, token, &E));
    move_clock("2026-03-03T09:00:01Z");
    CHECK(0, nr_upload_start(w->rv, &w->office, w->case_id, &s, token, &E));
}

/* ---- parts, the resume, the completion ---- */

static void test_parts_resume_complete(void **state)
{
    struct world *w = *state;
    const char *content = "abcdefghij";
    char token[NR_UPLOAD_TOKEN_LEN + 1], sha[65], sha2[65], want[65], *path, *got = NULL;
    uint64_t received = 0;
    int64_t eid = 0, eid2 = 0;
    struct nr_hash_ctx *h = NULL;
    uint8_t dg[NR_HASH_LEN];
    json_t *info = NULL;
    size_t got_len = 0;
    int fd;

    start(w, &w->office, "notes.txt", 10, token);
    path = part_path(w, token);
    CHECK(0, nr_upload_append(w->rv, &w->office, token, 0, "abcd", 4, &received, &E));
    assert_int_equal(received, 4);

    /* A part sent again, or one that skips ahead, is refused with where to resume. */
    received = 0;
    CHECK(NR_EPRECOND, nr_upload_append(w->rv, &w->office, token, 0, "abcd", 4, &received, &E));
    assert_string_equal(E.field, "offset");
    assert_int_equal(received, 4);
    received = 0;
    CHECK(NR_EPRECOND, nr_upload_append(w->rv, &w->office, token, 8, "ij", 2, &received, &E));
    assert_int_equal(received, 4);
    /* Beyond the declared size. */
    CHECK(NR_ETOOBIG, nr_upload_append(w->rv, &w->office, token, 4, "efghijk", 7, &received, &E));
    assert_string_equal(E.field, "size");
    /* Not complete yet. */
    CHECK(NR_EPRECOND, nr_upload_complete(w->rv, &w->office, token, &eid, sha, &E));
    assert_string_equal(E.field, "offset");
    /* Nobody but the uploader, whatever they know of the token. */
    CHECK(NR_ENOTFOUND, nr_upload_append(w->rv, &w->prov, token, 4, "ef", 2, &received, &E));
    CHECK(NR_ENOTFOUND, nr_upload_complete(w->rv, &w->lab1, token, &eid, sha, &E));
    assert_int_equal(shown_received(w, &w->office, token), 4);

    /* Bytes the disk lost are asked for again, never stood in for by zeros. */
    assert_int_equal(truncate(path, 2), 0);
    received = 0;
    CHECK(NR_EPRECOND, nr_upload_append(w->rv, &w->office, token, 4, "ef", 2, &received, &E));
    assert_string_equal(E.field, "offset");
    assert_int_equal(received, 2);
    assert_int_equal(shown_received(w, &w->office, token), 2);
    CHECK(0, nr_upload_append(w->rv, &w->office, token, 2, "cd", 2, &received, &E));
    /* Bytes past those recorded (a part whose record failed) are dropped by the next part. */
    fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "XXXX", 4), 4);
    close(fd);
    CHECK(0, nr_upload_append(w->rv, &w->office, token, 4, "efghij", 6, &received, &E));
    assert_int_equal(received, 10);

    /* A part or completion at work holds the lock: the others are refused busy, not queued. */
    fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    CHECK(NR_EBUSY, nr_upload_complete(w->rv, &w->office, token, &eid, sha, &E));
    CHECK(NR_EBUSY, nr_upload_append(w->rv, &w->office, token, 10, "", 0, &received, &E));
    close(fd);

    CHECK(0, nr_upload_complete(w->rv, &w->office, token, &eid, sha, &E));
    assert_true(eid > 0);
    assert_int_equal(nr_hash_ctx_new_sha256(&h), 0);
    nr_hash_ctx_update(h, content, strlen(content));
    nr_hash_ctx_final(h, dg);
    nr_hash_ctx_free(h);
    nr_hex(dg, sizeof(dg), want);
    assert_string_equal(sha, want);
    /* The plain part file goes; the sealed evidence reads back the same bytes. */
    assert_false(exists(path));
    {
        char *tmp = nr_asprintf("%s/read-XXXXXX", w->fx.dir);
        struct stat st;
        fd = mkstemp(tmp);
        assert_true(fd >= 0);
        CHECK(0, nr_evidence_read(w->rv, &w->office, eid, fd, &E));
        assert_int_equal(fstat(fd, &st), 0);
        got_len = (size_t)st.st_size;
        got = calloc(1, got_len + 1);
        assert_int_equal(pread(fd, got, got_len, 0), (ssize_t)got_len);
        close(fd);
        unlink(tmp);
        nr_free(tmp);
    }
    assert_int_equal(got_len, strlen(content));
    assert_memory_equal(got, content, got_len);
    free(got);

    /* Completing again answers the same evidence and makes no second one. */
    CHECK(0, nr_upload_complete(w->rv, &w->office, token, &eid2, sha2, &E));
    assert_int_equal(eid2, eid);
    assert_string_equal(sha2, sha);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM evidence"), 1);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'evidence.add'"), 1);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM uploads WHERE completed_at IS NOT NULL"), 1);
    CHECK(0, nr_upload_show(w->rv, &w->office, token, &info, &E));
    assert_int_equal(json_integer_value(json_object_get(info, "evidence_id")), eid);
    json_decref(info);
    /* A late part: refused, and no part file made again. */
    CHECK(NR_EPRECOND, nr_upload_append(w->rv, &w->office, token, 10, "k", 1, &received, &E));
    assert_string_equal(E.field, "upload");
    assert_false(exists(path));

    /* What the download's headers and the completion's answer read. */
    CHECK(0, nr_evidence_info(w->rv, &w->office, eid, &info, &E));
    assert_string_equal(json_string_value(json_object_get(info, "filename")), "notes.txt");
    assert_string_equal(json_string_value(json_object_get(info, "media_type")), "text/plain");
    assert_string_equal(json_string_value(json_object_get(info, "sha256")), sha);
    assert_int_equal(json_integer_value(json_object_get(info, "size")), 10);
    assert_int_equal(json_integer_value(json_object_get(info, "case_id")), w->case_id);
    json_decref(info);
    /* R11: hidden like the list hides it. */
    CHECK(NR_ENOTFOUND, nr_evidence_info(w->rv, &w->rival, eid, &info, &E));
    CHECK(NR_ENOTFOUND, nr_evidence_info(w->rv, &w->office, eid + 100, &info, &E));
    /* The provider sees confidential evidence it did not supply as it sees it in the list:
     * not at all. */
    CHECK(NR_ENOTFOUND, nr_evidence_info(w->rv, &w->prov, eid, &info, &E));
    assert_null(info);
    nr_free(path);
}

/* An upload of the institution with its task keeps the task on its evidence. */
static void test_complete_with_task(void **state)
{
    struct world *w = *state;
    struct nr_upload_spec s = {.filename = "fw.bin", .size = 3, .task_id = 0, .public_doc = true};
    char token[NR_UPLOAD_TOKEN_LEN + 1], sha[65];
    uint64_t received = 0;
    int64_t eid = 0, task = -1, confidential = -1;

    s.task_id = w->task;
    CHECK(0, nr_upload_start(w->rv, &w->lab1, w->case_id, &s, token, &E));
    CHECK(0, nr_upload_append(w->rv, &w->lab1, token, 0, "\x00\x01\x02", 3, &received, &E));
    CHECK(0, nr_upload_complete(w->rv, &w->lab1, token, &eid, sha, &E));
    CHECK(0, nr_store_query_int(w->rv->st, &E, &task, "SELECT task_id FROM evidence WHERE id = ?",
                                "i", eid));
    assert_int_equal(task, w->task);
    CHECK(0, nr_store_query_int(w->rv->st, &E, &confidential,
                                "SELECT confidential FROM evidence WHERE id = ?", "i", eid));
    assert_int_equal(confidential, 0);
}

/* ---- the sweep ---- */

static void test_sweep(void **state)
{
    struct world *w = *state;
    char old[NR_UPLOAD_TOKEN_LEN + 1], done[NR_UPLOAD_TOKEN_LEN + 1];
    char young[NR_UPLOAD_TOKEN_LEN + 1], sha[65];
    char *old_path, *young_path, *orphan, *young_orphan, *stranger;
    struct timespec times[2];
    json_t *shown = NULL;
    uint64_t received = 0;
    int64_t eid = 0;
    int removed = -1, fd;

    start(w, &w->office, "old.txt", 4, old);
    CHECK(0, nr_upload_append(w->rv, &w->office, old, 0, "ab", 2, &received, &E));
    start(w, &w->office, "done.txt", 2, done);
    CHECK(0, nr_upload_append(w->rv, &w->office, done, 0, "ok", 2, &received, &E));
    CHECK(0, nr_upload_complete(w->rv, &w->office, done, &eid, sha, &E));
    move_clock("2026-03-02T11:00:00Z");
    start(w, &w->office, "young.txt", 4, young);
    old_path = part_path(w, old);
    young_path = part_path(w, young);

    /* Files under uploads/ that no upload owns: one as old as the cutoff, one younger, one
     * that is no part file at all. */
    orphan = part_path(w, "00000000000000000000000000000000000000000000000000000000000000aa");
    young_orphan = part_path(w, "00000000000000000000000000000000000000000000000000000000000000bb");
    stranger = nr_asprintf("%s/uploads/README", w->rv->data_dir);
    for (int i = 0; i < 3; i++) {
        const char *p = i == 0 ? orphan : i == 1 ? young_orphan : stranger;
        fd = open(p, O_WRONLY | O_CREAT, 0600);
        assert_true(fd >= 0);
        times[0].tv_sec = times[1].tv_sec = nr_time_now() - (i == 1 ? 60 : 7200);
        times[0].tv_nsec = times[1].tv_nsec = 0;
        assert_int_equal(futimens(fd, times), 0);
        close(fd);
    }

    /* An upload at work is not abandoned: left for the next sweep. */
    fd = open(old_path, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    CHECK(0, nr_upload_sweep(w->rv, 3600, &removed, &E));
    assert_int_equal(removed, 0);
    assert_true(exists(old_path));
    close(fd);

    CHECK(0, nr_upload_sweep(w->rv, 3600, &removed, &E));
    assert_int_equal(removed, 1);
    assert_false(exists(old_path));
    CHECK(NR_ENOTFOUND, nr_upload_show(w->rv, &w->office, old, &shown, &E));
    assert_null(shown);
    /* A part for the swept upload finds nothing and leaves no file behind. */
    CHECK(NR_ENOTFOUND, nr_upload_append(w->rv, &w->office, old, 2, "cd", 2, &received, &E));
    assert_false(exists(old_path));
    /* The younger upload, the completed one (for a repeated completion) and the younger or
     * foreign files stay; the old orphan goes. */
    assert_true(exists(young_path));
    assert_int_equal(shown_received(w, &w->office, young), 0);
    CHECK(0, nr_upload_complete(w->rv, &w->office, done, &eid, sha, &E));
    assert_false(exists(orphan));
    assert_true(exists(young_orphan));
    assert_true(exists(stranger));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'upload.expire' AND "
                              "actor = 'local-admin' AND object LIKE 'upload:%'"),
                     1);
    /* Nothing more to do: a second sweep removes nothing. */
    CHECK(0, nr_upload_sweep(w->rv, 3600, &removed, &E));
    assert_int_equal(removed, 0);
    /* The chain of the audit log holds across all of it. */
    {
        int64_t bad = -1, n = 0;
        CHECK(0, nr_audit_verify(w->rv, &bad, &n, &E));
        assert_int_equal(bad, 0);
    }
    nr_free(old_path);
    nr_free(young_path);
    nr_free(orphan);
    nr_free(young_orphan);
    nr_free(stranger);
}

/* ---- intake: the count behind the per-address limit ---- */

static void test_complaint_count_since(void **state)
{
    struct world *w = *state;
    struct nr_complaint_spec s = {.product = "Router X", .text = "phones home"};
    struct nr_actor pub;
    int64_t n = -1;

    nr_actor_public(&pub);
    s.source_addr = "192.0.2.1";
    for (int i = 0; i < 3; i++)
        CHECK(0, nr_complaint_file(w->rv, &pub, &s, NULL, &E));
    move_clock("2026-03-02T09:30:00Z");
    CHECK(0, nr_complaint_file(w->rv, &pub, &s, NULL, &E));
    s.source_addr = "192.0.2.2";
    CHECK(0, nr_complaint_file(w->rv, &pub, &s, NULL, &E));

    CHECK(0, nr_complaint_count_since(w->rv, "192.0.2.1", "2026-03-02T08:30:00Z", &n, &E));
    assert_int_equal(n, 4);
    /* Strictly after since, as the gate's feed counts. */
    CHECK(0, nr_complaint_count_since(w->rv, "192.0.2.1", T0, &n, &E));
    assert_int_equal(n, 1);
    CHECK(0, nr_complaint_count_since(w->rv, "192.0.2.2", "2026-03-01T00:00:00Z", &n, &E));
    assert_int_equal(n, 1);
    CHECK(0, nr_complaint_count_since(w->rv, "198.51.100.7", "2026-03-01T00:00:00Z", &n, &E));
    assert_int_equal(n, 0);
    CHECK(NR_EINVAL, nr_complaint_count_since(w->rv, "192.0.2.1", "yesterday", &n, &E));
    assert_string_equal(E.field, "since");
}

/* ---- decisions: the sector of each row ---- */

static void test_decision_sector(void **state)
{
    struct nr_fixture fx;
    struct nr_actor pub, office;
    json_t *list = NULL, *one = NULL;
    char *login = NULL;

    (void)state;
    nr_fixture_open(&fx, "cn-2017");
    CHECK(0, nr_demo_load(&fx.rv, "demo-password", &E));
    CHECK(0, nr_store_query_text(
                 fx.rv.st, &E, &login,
                 "SELECT login FROM users WHERE role = 'office' ORDER BY id LIMIT 1", ""));
    CHECK(0, nr_actor_load(&fx.rv, login, &office, &E));
    nr_actor_public(&pub);
    for (int who = 0; who < 2; who++) {
        const struct nr_actor *a = who ? &office : &pub;
        CHECK(0, nr_decision_list(&fx.rv, a, &list, &E));
        assert_true(json_array_size(list) >= 1);
        for (size_t i = 0; i < json_array_size(list); i++) {
            json_t *row = json_array_get(list, i);
            int64_t id = json_integer_value(json_object_get(row, "id"));
            char *sector = NULL;
            int rc;

            nr_err_init(&E);
            rc = nr_store_query_text(fx.rv.st, &E, &sector,
                                     "SELECT c.sector FROM decisions d JOIN cases c ON c.id = "
                                     "d.case_id WHERE d.id = ?",
                                     "i", id);
            assert_int_equal(rc, 0);
            assert_non_null(json_object_get(row, "sector"));
            if (sector)
                assert_string_equal(json_string_value(json_object_get(row, "sector")), sector);
            else
                assert_true(json_is_null(json_object_get(row, "sector")));
            CHECK(0, nr_decision_show(&fx.rv, a, id, &one, &E));
            assert_true(json_equal(json_object_get(one, "sector"), json_object_get(row, "sector")));
            json_decref(one);
            nr_free(sector);
        }
        json_decref(list);
    }
    nr_free(login);
    nr_fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_media_type_and_cap),
        cmocka_unit_test_setup_teardown(test_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parts_resume_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complete_with_task, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complaint_count_since, setup, teardown),
        cmocka_unit_test(test_decision_sector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
