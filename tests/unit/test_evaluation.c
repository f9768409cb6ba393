/*
 * test_evaluation.c - unit tests of src/model/evaluation.c: the provider's commitment (R3), tasks
 * and their reports (R3, R5, R10), encrypted evidence and its audited reads (R11), findings (R4).
 */
#include "fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

struct world {
    struct nr_fixture fx;
    struct nr_review *rv;
    struct nr_actor office, prov, rival, lab1, lab2, labold, expert;
    int64_t case_id;
    char ref[32];
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
    if (a)
        CHECK(0, nr_actor_load(w->rv, login, a, &E));
}

static void designate(struct world *w, const char *orgname, const char *methods, const char *from,
                      const char *until)
{
    struct nr_institution_spec s = {
        .org = orgname, .methods = methods, .from = from, .until = until, .ref = "GB/T-2026-1"};
    CHECK(0, nr_institution_designate(w->rv, &w->fx.admin, &s, NULL, &E));
}

static int64_t open_case(struct world *w, const char *product)
{
    struct nr_case_spec cs = {0};
    int64_t id = 0;

    if (strcmp(w->rv->proc.id, "vendor-review") == 0) {
        cs.trigger = "vendor_request";
        cs.product = product;
        CHECK(0, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    } else {
        cs.trigger = "provider_application";
        cs.product = product;
        CHECK(0, nr_case_open(w->rv, &w->prov, &cs, &id, &E));
    }
    CHECK(0, nr_case_transition(w->rv, &w->office, id, "accept", NULL, NULL, &E));
    return id;
}

/* An installation with a provider, its competitor, three institutions (one whose designation
 * has expired), an expert, and a case of the provider's product in phase evaluation. */
static struct world *world_open(const char *procedure, enum nr_suite suite)
{
    struct world *w = calloc(1, sizeof(*w));
    struct nr_product_spec p = {.name = "Router X", .provider = "Huaxin Networks"};
    struct nr_product_spec p2 = {.name = "Switch Y", .provider = "Huaxin Networks"};
    int64_t huaxin = 0, pacific = 0;
    char *ref = NULL;

    setenv("NETREVIEW_NOW", "2026-03-02T09:00:00Z", 1);
    nr_fixture_open_suite(&w->fx, procedure, suite);
    w->rv = &w->fx.rv;
    org(w, "Review Office", "office");
    org(w, "Huaxin Networks", "provider");
    org(w, "Pacific Routers", "provider");
    org(w, "Lab One", "institution");
    org(w, "Lab Two", "institution");
    org(w, "Lab Old", "institution");
    org(w, "Experts Committee", "experts_committee");
    CHECK(0, nr_org_find(w->rv, "Huaxin Networks", &huaxin, &E));
    CHECK(0, nr_org_find(w->rv, "Pacific Routers", &pacific, &E));
    CHECK(0, nr_org_competitor_add(w->rv, &w->fx.admin, huaxin, pacific, &E));
    user(w, "office1", "Review Office", "office", &w->office);
    user(w, "prov1", "Huaxin Networks", "provider", &w->prov);
    user(w, "rival1", "Pacific Routers", "provider", &w->rival);
    user(w, "lab1", "Lab One", "institution", &w->lab1);
    user(w, "lab2", "Lab Two", "institution", &w->lab2);
    user(w, "labold", "Lab Old", "institution", &w->labold);
    user(w, "e1", "Experts Committee", "expert", &w->expert);
    CHECK(0,
          nr_expert_appoint(w->rv, &w->fx.admin, "e1", "networks", "2025-01-01", NULL, NULL, &E));
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p, NULL, &E));
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p2, NULL, &E));
    designate(w, "Lab One", "lab_testing,on_site_inspection", "2025-01-01", NULL);
    designate(w, "Lab Two", "lab_testing", "2025-01-01", "2027-12-31");
    designate(w, "Lab Old", "lab_testing", "2020-01-01", "2021-12-31");
    w->case_id = open_case(w, "Router X");
    CHECK(0, nr_store_query_text(w->rv->st, &E, &ref, "SELECT ref FROM cases WHERE id = ?", "i",
                                 w->case_id));
    snprintf(w->ref, sizeof(w->ref), "%s", ref);
    nr_free(ref);
    return w;
}

static int setup_cn(void **state)
{
    *state = world_open("cn-2017", NR_SUITE_INTL);
    return 0;
}

static int setup_vendor(void **state)
{
    *state = world_open("vendor-review", NR_SUITE_INTL);
    return 0;
}

/* The Chinese national suite: SM2 signatures, SM3 hashes, SM4 sealing. */
static int setup_sm(void **state)
{
    *state = world_open("cn-2017", NR_SUITE_SM);
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    nr_fixture_close(&w->fx);
    free(w);
    return 0;
}

static int64_t count(struct world *w, const char *sql)
{
    int64_t n = -1;
    CHECK(0, nr_store_query_int(w->rv->st, &E, &n, sql, ""));
    return n;
}

/* Verifies a stored signature with the signer's stored public key (R10). */
static void verify_sig(struct world *w, const char *login, const char *text, const char *sig)
{
    char *pem = NULL;
    struct nr_key *k = NULL;

    CHECK(0, nr_store_query_text(w->rv->st, &E, &pem,
                                 "SELECT public_key FROM users WHERE login = ?", "t", login));
    CHECK(0, nr_key_from_pem(pem, strlen(pem), &k, &E));
    CHECK(0, nr_verify(k, text, strlen(text), sig, &E));
    CHECK(NR_EBADSIG, nr_verify(k, "other text", 10, sig, &E));
    nr_key_free(k);
    nr_free(pem);
}

static void hash_hex(struct world *w, const char *text, char hex[65])
{
    uint8_t h[NR_HASH_LEN];
    assert_int_equal(nr_hash(w->rv->suite, text, strlen(text), h), 0);
    nr_hex(h, sizeof(h), hex);
}

static int64_t assign(struct world *w, const char *inst, const char *method, int due_days)
{
    struct nr_task_spec s = {.institution = inst, .method = method, .due_days = due_days};
    int64_t id = 0;
    CHECK(0, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_true(id > 0);
    return id;
}

/* ---- R3: commitment ---- */

static void test_commitment(void **state)
{
    struct world *w = *state;
    char hash[65], *canon, *sig = NULL, *stored_hash = NULL;
    char *big = malloc(64 * 1024 + 2);
    const char *text = "We declare that Router X holds no backdoor.\nSigned, Huaxin Networks";

    /* Only the provider of the product: the office's role is refused by the procedure, the
     * competitor does not even see the case (R11). */
    CHECK(NR_EFORBIDDEN, nr_commitment_sign(w->rv, &w->office, w->case_id, text, &E));
    CHECK(NR_ENOTFOUND, nr_commitment_sign(w->rv, &w->rival, w->case_id, text, &E));
    CHECK(NR_EFORBIDDEN, nr_commitment_sign(w->rv, &w->fx.admin, w->case_id, text, &E));
    CHECK(NR_EINVAL, nr_commitment_sign(w->rv, &w->prov, w->case_id, "", &E));
    assert_string_equal(E.field, "text");
    CHECK(NR_EINVAL, nr_commitment_sign(w->rv, &w->prov, w->case_id, "  \n ", &E));
    memset(big, 'a', 64 * 1024 + 1);
    big[64 * 1024 + 1] = '\0';
    CHECK(NR_ETOOBIG, nr_commitment_sign(w->rv, &w->prov, w->case_id, big, &E));
    big[64 * 1024] = '\0';
    CHECK(NR_EINVAL, nr_commitment_sign(w->rv, &w->prov, w->case_id, "bad \x01 byte", &E));
    CHECK(NR_EINVAL, nr_commitment_sign(w->rv, &w->prov, w->case_id, "bad \xff utf8", &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM commitments"), 0);

    CHECK(0, nr_commitment_sign(w->rv, &w->prov, w->case_id, text, &E));
    /* One per case. */
    CHECK(NR_EEXISTS, nr_commitment_sign(w->rv, &w->prov, w->case_id, big, &E));
    assert_non_null(strstr(E.msg, "already holds a signed commitment"));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM commitments"), 1);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'commitment.sign'"), 1);

    /* The signature covers the canonical text with the text's hash (R10). */
    hash_hex(w, text, hash);
    CHECK(0, nr_store_query_text(w->rv->st, &E, &stored_hash,
                                 "SELECT text_hash FROM commitments WHERE case_id = ?", "i",
                                 w->case_id));
    assert_string_equal(stored_hash, hash);
    CHECK(0, nr_store_query_text(w->rv->st, &E, &sig,
                                 "SELECT signature FROM commitments WHERE case_id = ?", "i",
                                 w->case_id));
    canon = nr_asprintf("netreview-commitment/1\ncase=%s\nhash=%s\n", w->ref, hash);
    verify_sig(w, "prov1", canon, sig);
    nr_free(canon);
    nr_free(sig);
    nr_free(stored_hash);
    free(big);
}

/* ---- R3, R5, R10: task assignment ---- */

static void test_task_assign_rules(void **state)
{
    struct world *w = *state;
    struct nr_task_spec s = {.institution = "Lab One", .method = "lab_testing"};
    char *due = NULL, *phase_due = NULL, expect[NR_DATE_STR];
    int64_t id = 0, id2 = 0;
    int32_t today;

    /* Not in the registry at all, or an organisation that is no designated institution (R5). */
    s.institution = "No Such Lab";
    CHECK(NR_ENOTFOUND, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_string_equal(E.field, "institution");
    s.institution = "Pacific Routers";
    CHECK(NR_ENOTFOUND, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    /* Designation expired (R5). */
    s.institution = "Lab Old";
    CHECK(NR_EPRECOND, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_non_null(strstr(E.msg, "not in force"));
    /* Method unknown to the procedure, or outside the institution's scope (R3, R5). */
    s.institution = "Lab Two";
    s.method = "telepathy";
    CHECK(NR_EINVAL, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_string_equal(E.field, "method");
    s.method = "on_site_inspection";
    CHECK(NR_EPRECOND, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_non_null(strstr(E.msg, "not designated for on_site_inspection"));
    /* Wrong role: the provider does not pick its evaluator. */
    s.method = "lab_testing";
    CHECK(NR_EFORBIDDEN, nr_task_assign(w->rv, &w->prov, w->case_id, &s, &id, &E));
    /* Limits. */
    s.due_days = -1;
    CHECK(NR_EINVAL, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    s.due_days = 366;
    CHECK(NR_EINVAL, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM tasks"), 0);

    /* Accepted: due N working days from today on the calendar (R13). */
    s.institution = "Lab Two";
    s.due_days = 10;
    s.standards = "GB/T 30279-2020";
    CHECK(0, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_true(id > 0);
    today = nr_date_from_time(nr_time_now());
    nr_date_fmt(nr_calendar_add_workdays(&w->rv->cal, today, 10), expect);
    CHECK(0,
          nr_store_query_text(w->rv->st, &E, &due, "SELECT due FROM tasks WHERE id = ?", "i", id));
    assert_string_equal(due, expect);
    /* The same institution and method twice is refused. */
    CHECK(NR_EEXISTS, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id2, &E));
    /* Due 0: the phase deadline; the institution named by its organisation id. */
    {
        int64_t org = 0;
        char idtext[32];
        CHECK(0, nr_org_find(w->rv, "Lab One", &org, &E));
        snprintf(idtext, sizeof(idtext), "%lld", (long long)org);
        s.institution = idtext;
        s.due_days = 0;
        s.standards = NULL;
        CHECK(0, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id2, &E));
    }
    nr_free(due);
    due = NULL;
    CHECK(0,
          nr_store_query_text(w->rv->st, &E, &due, "SELECT due FROM tasks WHERE id = ?", "i", id2));
    CHECK(0, nr_store_query_text(w->rv->st, &E, &phase_due,
                                 "SELECT phase_due FROM cases WHERE id = ?", "i", w->case_id));
    assert_string_equal(due, phase_due);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'task.assign'"), 2);
    nr_free(due);
    nr_free(phase_due);
}

static void test_task_conflict(void **state)
{
    struct world *w = *state;
    struct nr_task_spec s = {.institution = "Lab Two", .method = "lab_testing"};
    int64_t id = 0;

    /* R10: an institution consulting for the provider is never assigned. */
    CHECK(0, nr_affiliation_add(w->rv, &w->fx.admin, "institution", "Lab Two", "Huaxin Networks",
                                "consultant", &E));
    CHECK(NR_ECONFLICT, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_non_null(strstr(E.msg, "Huaxin Networks"));
    /* ... nor one tied to a competitor of the provider. */
    CHECK(0, nr_affiliation_add(w->rv, &w->fx.admin, "institution", "Lab One", "Pacific Routers",
                                "shareholder", &E));
    s.institution = "Lab One";
    CHECK(NR_ECONFLICT, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_non_null(strstr(E.msg, "competitor"));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM tasks"), 0);
}

static void test_max_tasks_vendor_review(void **state)
{
    struct world *w = *state;
    struct nr_task_spec s = {.institution = "Lab Two", .method = "lab_testing"};
    int64_t id = 0;

    assert_int_equal(w->rv->proc.max_tasks, 1);
    assign(w, "Lab One", "lab_testing", 5);
    CHECK(NR_EPRECOND, nr_task_assign(w->rv, &w->office, w->case_id, &s, &id, &E));
    assert_non_null(strstr(E.msg, "allows 1 evaluation task per case"));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM tasks"), 1);
}

/* ---- R10: reports ---- */

static void test_task_report(void **state)
{
    struct world *w = *state;
    const char *report = "Lab testing of Router X 1.0.\nNo remote shell found.";
    int64_t task = assign(w, "Lab One", "lab_testing", 0);
    char hash[65], *canon, *sig = NULL;
    json_t *rows = NULL, *row;

    /* Only a user of the assigned institution: another institution does not even see it. */
    CHECK(NR_ENOTFOUND, nr_task_report(w->rv, &w->lab2, task, report, "ISO 15408", &E));
    assert_non_null(strstr(E.msg, "no task"));
    CHECK(NR_EFORBIDDEN, nr_task_report(w->rv, &w->office, task, report, "ISO 15408", &E));
    CHECK(NR_ENOTFOUND, nr_task_report(w->rv, &w->lab1, task + 100, report, "ISO 15408", &E));
    /* R10: the standards used must be named. */
    CHECK(NR_EINVAL, nr_task_report(w->rv, &w->lab1, task, report, NULL, &E));
    assert_string_equal(E.field, "standards");
    CHECK(NR_EINVAL, nr_task_report(w->rv, &w->lab1, task, "", "ISO 15408", &E));
    assert_string_equal(E.field, "report");
    assert_int_equal(count(w, "SELECT COUNT(*) FROM tasks WHERE status = 'reported'"), 0);

    CHECK(0, nr_task_report(w->rv, &w->lab1, task, report, "ISO 15408; GB/T 30279", &E));
    CHECK(NR_EEXISTS, nr_task_report(w->rv, &w->lab1, task, "second", "ISO 15408", &E));
    assert_non_null(strstr(E.msg, "already holds a signed report"));

    CHECK(0, nr_store_query_text(w->rv->st, &E, &sig,
                                 "SELECT report_signature FROM tasks WHERE id = ?", "i", task));
    hash_hex(w, report, hash);
    canon = nr_asprintf("netreview-report/1\ncase=%s\ntask=%lld\nmethod=lab_testing\n"
                        "institution=Lab One\nstandards=ISO 15408; GB/T 30279\nhash=%s\n",
                        w->ref, (long long)task, hash);
    verify_sig(w, "lab1", canon, sig);
    nr_free(canon);
    nr_free(sig);

    /* The office reads the report; the provider sees the task but not the report text. */
    CHECK(0, nr_task_list(w->rv, &w->office, w->case_id, &rows, &E));
    row = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(row, "status")), "reported");
    assert_string_equal(json_string_value(json_object_get(row, "report")), report);
    assert_string_equal(json_string_value(json_object_get(row, "standards")),
                        "ISO 15408; GB/T 30279");
    assert_string_equal(json_string_value(json_object_get(row, "institution")), "Lab One");
    json_decref(rows);
    CHECK(0, nr_task_list(w->rv, &w->prov, w->case_id, &rows, &E));
    assert_true(json_is_null(json_object_get(json_array_get(rows, 0), "report")));
    json_decref(rows);
    CHECK(NR_ENOTFOUND, nr_task_list(w->rv, &w->lab2, w->case_id, &rows, &E));
    CHECK(NR_ENOTFOUND, nr_task_list(w->rv, &w->rival, w->case_id, &rows, &E));
}

/* ---- R11: evidence ---- */

static char *write_file(struct world *w, const char *name, const void *data, size_t len)
{
    char *path = nr_asprintf("%s/%s", w->fx.dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static char *make_blob(size_t len)
{
    char *b = malloc(len);
    uint32_t x = 12345;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (char)(x >> 16);
    }
    memcpy(b + 1000, "PLAINTEXT-MARKER", 16);
    return b;
}

/* Reads evidence id as actor a into memory. */
static int read_evidence(struct world *w, const struct nr_actor *a, int64_t id, char **out,
                         size_t *len)
{
    char *path = nr_asprintf("%s/read-XXXXXX", w->fx.dir);
    int fd = mkstemp(path), rc;
    struct stat st;

    assert_true(fd >= 0);
    nr_err_init(&E);
    rc = nr_evidence_read(w->rv, a, id, fd, &E);
    fstat(fd, &st);
    *len = (size_t)st.st_size;
    *out = malloc(*len + 1);
    assert_int_equal(pread(fd, *out, *len, 0), (ssize_t)*len);
    close(fd);
    unlink(path);
    nr_free(path);
    return rc;
}

static bool file_contains(const char *path, const char *needle)
{
    char *data = NULL;
    size_t len = 0;
    bool found;
    assert_int_equal(nr_file_read(path, 1 << 26, &data, &len, NULL), 0);
    found = memmem(data, len, needle, strlen(needle)) != NULL;
    nr_free(data);
    return found;
}

static void test_evidence_round_trip(void **state)
{
    struct world *w = *state;
    size_t len = 200000, got_len = 0;
    char *blob = make_blob(len), *path = write_file(w, "capture.pcap", blob, len);
    char *got = NULL, *stored, *mt = NULL, sha[65], sha2[65], want[65];
    struct nr_evidence_spec s = {.path = path, .description = "first capture"};
    struct nr_hash_ctx *h = NULL;
    uint8_t dg[NR_HASH_LEN];
    int64_t id = 0, id2 = 0, audits;
    int64_t task = assign(w, "Lab One", "lab_testing", 0);
    json_t *rows = NULL;
    struct stat st;

    /* Who may add: not an institution without a task here, not another provider. */
    CHECK(NR_ENOTFOUND, nr_evidence_add(w->rv, &w->lab2, w->case_id, &s, &id, sha, &E));
    CHECK(NR_ENOTFOUND, nr_evidence_add(w->rv, &w->rival, w->case_id, &s, &id, sha, &E));
    CHECK(NR_ENOTFOUND, nr_evidence_add(w->rv, &w->expert, w->case_id, &s, &id, sha, &E));
    s.task_id = task + 50;
    CHECK(NR_EINVAL, nr_evidence_add(w->rv, &w->lab1, w->case_id, &s, &id, sha, &E));
    s.task_id = task;
    assert_int_equal(count(w, "SELECT COUNT(*) FROM evidence"), 0);

    CHECK(0, nr_evidence_add(w->rv, &w->lab1, w->case_id, &s, &id, sha, &E));
    assert_true(id > 0);
    assert_int_equal(nr_hash_ctx_new_sha256(&h), 0);
    nr_hash_ctx_update(h, blob, len);
    nr_hash_ctx_final(h, dg);
    nr_hash_ctx_free(h);
    nr_hex(dg, sizeof(dg), want);
    assert_string_equal(sha, want);
    CHECK(0, nr_store_query_text(w->rv->st, &E, &mt, "SELECT media_type FROM evidence WHERE id = ?",
                                 "i", id));
    assert_string_equal(mt, "application/vnd.tcpdump.pcap");
    nr_free(mt);

    /* Encrypted at rest, content-addressed (R11). */
    stored = nr_asprintf("%s/evidence/%.2s/%s", w->rv->data_dir, sha, sha);
    assert_int_equal(stat(stored, &st), 0);
    assert_true((size_t)st.st_size > len);
    assert_false(file_contains(stored, "PLAINTEXT-MARKER"));

    /* Read back identical bytes; the read is audited with its purpose. */
    audits = count(w, "SELECT COUNT(*) FROM audit WHERE action = 'evidence.read'");
    CHECK(0, read_evidence(w, &w->office, id, &got, &got_len));
    assert_int_equal(got_len, len);
    assert_memory_equal(got, blob, len);
    free(got);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'evidence.read'"),
                     audits + 1);
    {
        char *detail = NULL;
        CHECK(0, nr_store_query_text(w->rv->st, &E, &detail,
                                     "SELECT detail FROM audit WHERE action = 'evidence.read' "
                                     "ORDER BY id DESC LIMIT 1",
                                     ""));
        assert_non_null(strstr(detail, "purpose=case NR-"));
        assert_non_null(strstr(detail, sha));
        nr_free(detail);
    }
    /* The institution holding the task reads too; others do not. */
    assert_int_equal(read_evidence(w, &w->lab1, id, &got, &got_len), 0);
    free(got);
    assert_int_equal(read_evidence(w, &w->lab2, id, &got, &got_len), NR_ENOTFOUND);
    assert_int_equal(got_len, 0);
    free(got);
    assert_int_equal(read_evidence(w, &w->prov, id, &got, &got_len), NR_EFORBIDDEN);
    free(got);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'evidence.read'"),
                     audits + 2);

    /* The same content again: a second row, one stored file. */
    s.filename = "again.pcap";
    CHECK(0, nr_evidence_add(w->rv, &w->lab1, w->case_id, &s, &id2, sha2, &E));
    assert_true(id2 != id);
    assert_string_equal(sha2, sha);
    CHECK(0, nr_evidence_list(w->rv, &w->office, w->case_id, &rows, &E));
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "filename")),
                        "again.pcap");
    assert_true(json_is_true(json_object_get(json_array_get(rows, 0), "confidential")));
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "size")),
                     (json_int_t)len);
    json_decref(rows);
    nr_free(stored);
    nr_free(path);
    free(blob);
}

static void test_evidence_types_and_caps(void **state)
{
    struct world *w = *state;
    char *sbom = write_file(w, "router.cdx.json", "{\"bomFormat\":\"CycloneDX\"}", 25);
    char *json = write_file(w, "sbom.json", "{}", 2);
    char *doc = write_file(w, "report.txt", "", 0);
    char *mt = NULL, sha[65];
    struct nr_evidence_spec s = {.path = json};
    int64_t id = 0;
    int fd;

    CHECK(0, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id, sha, &E));
    CHECK(0, nr_store_query_text(w->rv->st, &E, &mt, "SELECT media_type FROM evidence WHERE id = ?",
                                 "i", id));
    assert_string_equal(mt, "application/json");
    nr_free(mt);
    s.path = sbom;
    CHECK(0, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id, sha, &E));
    CHECK(0, nr_store_query_text(w->rv->st, &E, &mt, "SELECT media_type FROM evidence WHERE id = ?",
                                 "i", id));
    assert_string_equal(mt, "application/vnd.cyclonedx+json");
    nr_free(mt);
    /* An empty document is evidence too (its hash is well known). */
    s.path = doc;
    CHECK(0, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id, sha, &E));
    assert_string_equal(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* A document over 64 MiB is refused before it is read (a sparse file costs nothing). */
    fd = open(doc, O_WRONLY);
    assert_int_equal(ftruncate(fd, (off_t)65 * 1024 * 1024), 0);
    close(fd);
    CHECK(NR_ETOOBIG, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id, sha, &E));
    assert_non_null(strstr(E.msg, "capped at 64 MiB"));
    /* A bad media type, a missing file, a directory. */
    s.path = json;
    s.media_type = "Not A Type";
    CHECK(NR_EINVAL, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id, sha, &E));
    assert_string_equal(E.field, "media_type");
    s.media_type = NULL;
    s.path = "/nonexistent/file.pcap";
    CHECK(-ENOENT, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id, sha, &E));
    s.path = w->fx.dir;
    CHECK(NR_EINVAL, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id, sha, &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM evidence"), 3);
    nr_free(sbom);
    nr_free(json);
    nr_free(doc);
}

static void test_evidence_public_not_audited(void **state)
{
    struct world *w = *state;
    char *path = write_file(w, "published.pdf", "%PDF-1.4 public report", 22), *got = NULL, sha[65];
    struct nr_evidence_spec s = {.path = path, .public_doc = true};
    int64_t id = 0, before;
    size_t len = 0;

    CHECK(0, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id, sha, &E));
    before = count(w, "SELECT COUNT(*) FROM audit WHERE action = 'evidence.read'");
    assert_int_equal(read_evidence(w, &w->office, id, &got, &len), 0);
    assert_int_equal(len, 22);
    free(got);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'evidence.read'"), before);
    nr_free(path);
}

static void test_evidence_tampered(void **state)
{
    struct world *w = *state;
    size_t len = 150000, got_len = 0;
    char *blob = make_blob(len), *path = write_file(w, "fw.bin", blob, len);
    char *other = write_file(w, "other.bin", "other content", 13);
    char *got = NULL, *stored, *stored2, sha[65], sha2[65], *data = NULL;
    struct nr_evidence_spec s = {.path = path};
    int64_t id = 0, id2 = 0;
    unsigned char c;
    size_t dlen = 0;
    int fd;

    CHECK(0, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id, sha, &E));
    s.path = other;
    CHECK(0, nr_evidence_add(w->rv, &w->office, w->case_id, &s, &id2, sha2, &E));
    stored = nr_asprintf("%s/evidence/%.2s/%s", w->rv->data_dir, sha, sha);
    stored2 = nr_asprintf("%s/evidence/%.2s/%s", w->rv->data_dir, sha2, sha2);

    /* A valid sealed file put under another content's address passes every tag but not the
     * content hash. */
    assert_int_equal(nr_file_read(stored2, 1 << 20, &data, &dlen, NULL), 0);
    assert_int_equal(nr_file_read(stored, 1 << 20, &got, &got_len, NULL), 0);
    assert_int_equal(nr_file_write(stored, data, dlen, 0600, NULL), 0);
    nr_free(data);
    assert_int_equal(read_evidence(w, &w->office, id, &data, &dlen), NR_ETAMPERED);
    free(data);
    assert_int_equal(nr_file_write(stored, got, got_len, 0600, NULL), 0);
    nr_free(got);
    assert_int_equal(read_evidence(w, &w->office, id, &got, &got_len), 0);
    assert_memory_equal(got, blob, len);
    free(got);

    /* One flipped byte in the stored file fails its chunk's tag (R11). */
    fd = open(stored, O_RDWR);
    assert_int_equal(pread(fd, &c, 1, 70000), 1);
    c ^= 0x20;
    assert_int_equal(pwrite(fd, &c, 1, 70000), 1);
    close(fd);
    assert_int_equal(read_evidence(w, &w->office, id, &got, &got_len), NR_ETAMPERED);
    assert_non_null(strstr(E.msg, "is not authentic"));
    free(got);
    assert_true(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'evidence.tampered'") >= 2);
    /* A removed file is tampering too. */
    unlink(stored);
    assert_int_equal(read_evidence(w, &w->office, id, &got, &got_len), NR_ETAMPERED);
    free(got);
    nr_free(stored);
    nr_free(stored2);
    nr_free(path);
    nr_free(other);
    free(blob);
}

/* ---- R4: findings ---- */

static void test_findings(void **state)
{
    struct world *w = *state;
    struct nr_finding_spec f = {.category = "control",
                                .severity = "high",
                                .title = "Undocumented remote shell on port 2323"};
    char *path = write_file(w, "cap.pcap", "xx", 2), sha[65], ev[64];
    struct nr_evidence_spec s = {.path = path};
    int64_t id = 0, eid = 0, eid_other = 0, other_case, task;
    json_t *rows = NULL, *row;

    task = assign(w, "Lab One", "lab_testing", 0);
    CHECK(0, nr_evidence_add(w->rv, &w->lab1, w->case_id, &s, &eid, sha, &E));
    other_case = open_case(w, "Switch Y");
    CHECK(0, nr_evidence_add(w->rv, &w->office, other_case, &s, &eid_other, sha, &E));

    /* R4: the category must be one of the procedure's; severity from the fixed list. */
    f.category = "espionage";
    CHECK(NR_EINVAL, nr_finding_add(w->rv, &w->lab1, w->case_id, &f, &id, &E));
    assert_string_equal(E.field, "category");
    f.category = "control";
    f.severity = "severe";
    CHECK(NR_EINVAL, nr_finding_add(w->rv, &w->lab1, w->case_id, &f, &id, &E));
    assert_string_equal(E.field, "severity");
    f.severity = "high";
    f.title = "";
    CHECK(NR_EINVAL, nr_finding_add(w->rv, &w->lab1, w->case_id, &f, &id, &E));
    f.title = "Undocumented remote shell on port 2323";
    /* Evidence and task must belong to the same case. */
    snprintf(ev, sizeof(ev), "%lld,%lld", (long long)eid, (long long)eid_other);
    f.evidence_ids = ev;
    CHECK(NR_EINVAL, nr_finding_add(w->rv, &w->lab1, w->case_id, &f, &id, &E));
    assert_string_equal(E.field, "evidence_ids");
    f.evidence_ids = "1,x";
    CHECK(NR_EINVAL, nr_finding_add(w->rv, &w->lab1, w->case_id, &f, &id, &E));
    snprintf(ev, sizeof(ev), " %lld ", (long long)eid);
    f.evidence_ids = ev;
    f.task_id = task + 40;
    CHECK(NR_EINVAL, nr_finding_add(w->rv, &w->lab1, w->case_id, &f, &id, &E));
    assert_string_equal(E.field, "task");
    f.task_id = task;
    /* Who: not the provider; not an institution without a task on the case. */
    CHECK(NR_EFORBIDDEN, nr_finding_add(w->rv, &w->prov, w->case_id, &f, &id, &E));
    CHECK(NR_ENOTFOUND, nr_finding_add(w->rv, &w->lab2, w->case_id, &f, &id, &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM findings"), 0);

    CHECK(0, nr_finding_add(w->rv, &w->lab1, w->case_id, &f, &id, &E));
    CHECK(0, nr_finding_list(w->rv, &w->office, w->case_id, &rows, &E));
    assert_int_equal(json_array_size(rows), 1);
    row = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(row, "source")), "manual");
    assert_string_equal(json_string_value(json_object_get(row, "category")), "control");
    assert_string_equal(json_string_value(json_object_get(row, "created_by")), "lab1");
    snprintf(ev, sizeof(ev), "%lld", (long long)eid);
    assert_string_equal(json_string_value(json_object_get(row, "evidence_ids")), ev);
    assert_int_equal(json_integer_value(json_object_get(row, "task_id")), task);
    json_decref(rows);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE action = 'finding.add'"), 1);
    nr_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commitment, setup_cn, teardown),
        cmocka_unit_test_setup_teardown(test_task_assign_rules, setup_cn, teardown),
        cmocka_unit_test_setup_teardown(test_task_conflict, setup_cn, teardown),
        cmocka_unit_test_setup_teardown(test_max_tasks_vendor_review, setup_vendor, teardown),
        cmocka_unit_test_setup_teardown(test_task_report, setup_cn, teardown),
        cmocka_unit_test_setup_teardown(test_evidence_round_trip, setup_cn, teardown),
        cmocka_unit_test_setup_teardown(test_evidence_types_and_caps, setup_cn, teardown),
        cmocka_unit_test_setup_teardown(test_evidence_public_not_audited, setup_cn, teardown),
        cmocka_unit_test_setup_teardown(test_evidence_tampered, setup_cn, teardown),
        cmocka_unit_test_setup_teardown(test_findings, setup_cn, teardown),
        cmocka_unit_test_setup_teardown(test_commitment, setup_sm, teardown),
        cmocka_unit_test_setup_teardown(test_task_report, setup_sm, teardown),
        cmocka_unit_test_setup_teardown(test_evidence_round_trip, setup_sm, teardown),
        cmocka_unit_test_setup_teardown(test_evidence_tampered, setup_sm, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
