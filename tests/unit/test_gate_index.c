/*
 * test_gate_index.c - unit tests of the gate index (src/model/gate.c, interface gate.h, R9): the
 * index answers exactly what the per-call SQL gate answered before it (kept below as the
 * reference, unchanged but for its names) on the demo database, for every product by name, id,
 * CPE and package URL, many versions, every demo user, the public, the local administrator and
 * named operators, today and after the decisions' validity; a built index keeps its snapshot
 * while the store changes, the generation tells it is stale, and a rebuilt one answers anew;
 * many threads read one index at once; and the feed of decision changes (new, superseded,
 * revoked, expired) with its visibility, paging and errors.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "fixture.h"
#include "model/decision_int.h"
#include "netreview/gate.h"
#include "netreview/ident.h"
#include "netreview/review.h"
#include "netreview/version.h"

#include "netreview/banned.h"

/* ---- the reference: gate.c as it was before the index (per-call SQL) ---- */

#define REF_REF_MAX 4096 /* bytes of a product reference, CPE or purl in a query */

/* Copies src into dst (size bytes), cutting at a UTF-8 character boundary when it is too long,
 * so that a truncated name or condition is still a valid JSON string. */
static void ref_copy(char *dst, size_t size, const char *src)
{
    size_t n;

    if (size == 0)
        return;
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    n = strlen(src);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static bool ref_blank(const char *s)
{
    return s == NULL || *s == '\0';
}

/* Does the range expression cover version? Without a version only "*" covers it: the asker did
 * not say which version, so only a decision on every version answers for it. */
static bool ref_covers(const char *expr, const char *version)
{
    struct nr_range r;
    struct nr_buf norm;
    bool ok;

    if (expr == NULL)
        return false;
    nr_range_init(&r);
    nr_buf_init(&norm, NR_RANGE_EXPR_MAX * 2);
    ok = nr_range_parse(&r, expr, NULL) == 0;
    if (ok && version)
        ok = nr_range_match(&r, version);
    else if (ok)
        ok = nr_range_normalize(&r, &norm) == 0 && norm.p && strcmp(norm.p, "*") == 0;
    nr_buf_release(&norm);
    nr_range_release(&r);
    return ok;
}

/* The version a query names: --version, else the CPE's, else the purl's. Parse errors of the
 * CPE and purl are the caller's (field "cpe" / "purl"). */
static int ref_version(const struct nr_gate_query *q, char out[NR_VERSION_MAX + 1],
                       struct nr_err *err)
{
    int rc = 0;

    out[0] = '\0';
    if (!ref_blank(q->cpe)) {
        struct nr_cpe cpe;
        struct nr_buf b;

        nr_cpe_init(&cpe);
        nr_buf_init(&b, NR_CPE_MAX);
        rc = nr_cpe_parse(&cpe, q->cpe, err);
        if (rc == 0 && ref_blank(q->version)) {
            int vrc = nr_cpe_version(&cpe, &b);
            if (vrc == 0 && b.len > NR_VERSION_MAX)
                rc = nr_err_set(err, NR_ETOOBIG, "cpe", "cpe: version is longer than %d bytes",
                                NR_VERSION_MAX);
            else if (vrc == 0)
                ref_copy(out, NR_VERSION_MAX + 1, b.p);
        }
        nr_buf_release(&b);
        nr_cpe_release(&cpe);
        if (rc)
            return rc;
    }
    if (!ref_blank(q->purl)) {
        struct nr_purl purl;

        nr_purl_init(&purl);
        rc = nr_purl_parse(&purl, q->purl, err);
        if (rc == 0 && ref_blank(q->version) && out[0] == '\0' && purl.version) {
            if (strlen(purl.version) > NR_VERSION_MAX)
                rc = nr_err_set(err, NR_ETOOBIG, "purl", "purl: version is longer than %d bytes",
                                NR_VERSION_MAX);
            else
                ref_copy(out, NR_VERSION_MAX + 1, purl.version);
        }
        nr_purl_release(&purl);
        if (rc)
            return rc;
    }
    if (!ref_blank(q->version)) {
        rc = nr_version_check(q->version, err);
        if (rc)
            return rc;
        ref_copy(out, NR_VERSION_MAX + 1, q->version);
    } else if (out[0]) {
        rc = nr_version_check(out, err);
    }
    return rc;
}

/* The operator asking: its id, sector and whether it is a CII operator. */
struct ref_operator {
    int64_t id;
    bool cii;
    char name[256];
    char sector[64];
};

static int ref_operator_load(struct nr_review *rv, const struct nr_actor *a,
                             const struct nr_gate_query *q, struct ref_operator *op,
                             struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    memset(op, 0, sizeof(*op));
    if (!ref_blank(q->operator_org)) {
        struct nr_err lerr;

        if (strlen(q->operator_org) > REF_REF_MAX)
            return nr_err_set(err, NR_ETOOBIG, "operator", "operator is longer than %d bytes",
                              REF_REF_MAX);
        nr_err_init(&lerr);
        rc = nr_org_find(rv, q->operator_org, &op->id, &lerr);
        if (rc == NR_ENOTFOUND)
            return nr_err_set(err, NR_ENOTFOUND, "operator", "no organisation %.200s",
                              q->operator_org);
        if (rc)
            return nr_err_set(err, rc, "operator", "%s", lerr.msg);
    } else if (a && a->role == NR_ROLE_OPERATOR && a->org_id > 0) {
        /* An operator's own procurement system asks for its operator. */
        op->id = a->org_id;
    } else {
        return 0;
    }
    rc = nr_store_prepare_bind(rv->st, err, &s, "SELECT name, sector, cii FROM orgs WHERE id = ?",
                               "i", op->id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        ref_copy(op->name, sizeof(op->name), nr_stmt_text(s, 0));
        ref_copy(op->sector, sizeof(op->sector), nr_stmt_text(s, 1));
        op->cii = nr_stmt_int(s, 2) != 0;
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "operator", "no organisation %lld", (long long)op->id);
    }
    nr_stmt_free(s);
    return rc;
}

static void ref_viewer(const struct nr_actor *a, const struct ref_operator *op,
                       struct nr__viewer *v)
{
    nr__viewer_of_actor(a, v);
    if (op->id > 0 && a && (v->all || a->local_admin || a->org_id == op->id)) {
        memset(v, 0, sizeof(*v));
        v->org_id = op->id;
        ref_copy(v->sector, sizeof(v->sector), op->sector);
    }
}

/* R9: the latest decision in force that covers the version and that the asker may see. */
static int ref_decision(struct nr_review *rv, const struct nr__viewer *v, int64_t product_id,
                        const char *version, const char *today, struct nr_gate_answer *ans,
                        char *case_ref, size_t ref_size, char *decided_on, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT d.id, d.case_id, c.ref, c.phase, d.outcome, d.conditions, d.versions, "
        "d.valid_from, d.valid_until, d.visibility, d.audience, d.decided_at, "
        "(SELECT COUNT(*) FROM publications pb WHERE pb.decision_id = d.id AND "
        "pb.withdrawn_at IS NULL) FROM decisions d JOIN cases c ON c.id = d.case_id "
        "WHERE d.product_id = ? AND d.status = 'active' ORDER BY d.decided_at DESC, d.id DESC",
        "i", product_id);
    if (rc)
        return rc;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const struct nr_phase *ph = nr_procedure_phase(&rv->proc, nr_stmt_text(s, 3));
        const char *from = nr_stmt_text(s, 7), *until = nr_stmt_text(s, 8);

        /* A decision counts only while its case is in a phase where decisions are in force: a
         * revoked, withdrawn or superseded case does not. */
        if (ph == NULL || !ph->decision_valid || ph->terminal)
            continue;
        if (!nr__decision_visible(v, nr_stmt_text(s, 9), nr_stmt_text(s, 10),
                                  nr_stmt_int(s, 12) > 0))
            continue;
        if (!ref_covers(nr_stmt_text(s, 6), version))
            continue;
        if (from && strcmp(from, today) > 0)
            continue;
        ans->decision_id = nr_stmt_int(s, 0);
        ans->case_id = nr_stmt_int(s, 1);
        ref_copy(case_ref, ref_size, nr_stmt_text(s, 2));
        ref_copy(ans->outcome, sizeof(ans->outcome), nr_stmt_text(s, 4));
        ref_copy(ans->conditions, sizeof(ans->conditions), nr_stmt_text(s, 5));
        ref_copy(ans->valid_until, sizeof(ans->valid_until), until);
        ref_copy(decided_on, NR_DATE_STR, nr_stmt_text(s, 11));
        /* R14: an expired decision turns the gate to expired. */
        if (until && strcmp(until, today) < 0)
            ref_copy(ans->status, sizeof(ans->status), "expired");
        else
            ref_copy(ans->status, sizeof(ans->status), ans->outcome);
        rc = NR_STORE_DONE;
        break;
    }
    nr_stmt_free(s);
    return rc < 0 ? rc : 0;
}

/* An open review of the product covering the version: not yet decided, or decided and not yet
 * published for an asker who only sees published results. */
static int ref_open_case(struct nr_review *rv, const struct nr_actor *a, const struct nr__viewer *v,
                         int64_t product_id, const char *version, struct nr_gate_answer *ans,
                         char *case_ref, size_t ref_size, char *phase, size_t phase_size,
                         struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT c.id, c.ref, c.phase, c.versions, (SELECT COUNT(*) FROM decisions d WHERE "
        "d.case_id = c.id AND d.status = 'active' AND NOT EXISTS (SELECT 1 FROM publications pb "
        "WHERE pb.decision_id = d.id AND pb.withdrawn_at IS NULL)) FROM cases c "
        "WHERE c.product_id = ? ORDER BY c.opened_at DESC, c.id DESC",
        "i", product_id);
    if (rc)
        return rc;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const struct nr_phase *ph = nr_procedure_phase(&rv->proc, nr_stmt_text(s, 2));
        bool unpublished = nr_stmt_int(s, 4) > 0;
        struct nr_arena ar;
        struct nr_case c;

        if (ph == NULL || ph->terminal)
            continue;
        if (ph->decision_valid && (v->all || !unpublished))
            continue;
        /* Without a version, a review of any version of the product is news to the asker. */
        if (version && !ref_covers(nr_stmt_text(s, 3) ? nr_stmt_text(s, 3) : "*", version))
            continue;
        ref_copy(ans->status, sizeof(ans->status), "under_review");
        /* R11: the case itself is named only to those who may see it. */
        nr_arena_init(&ar);
        if (a && nr_case_get(rv, a, nr_stmt_int(s, 0), &ar, &c, NULL) == 0) {
            ans->case_id = nr_stmt_int(s, 0);
            ref_copy(case_ref, ref_size, nr_stmt_text(s, 1));
            ref_copy(phase, phase_size, nr_stmt_text(s, 2));
        }
        nr_arena_release(&ar);
        rc = NR_STORE_DONE;
        break;
    }
    nr_stmt_free(s);
    return rc < 0 ? rc : 0;
}

/* R9 (Art. 10): prioritise what passed, refuse what failed; R1 (Art. 11): a CII operator's
 * procurement of anything else needs a review. */
static void ref_procurement(struct nr_gate_answer *ans, const struct ref_operator *op,
                            const char *case_ref, const char *decided_on, const char *phase,
                            bool known)
{
    char text[1024], what[512];
    const char *tail = op->cii ? "a CII operator may procure it only after a review (Measures "
                                 "Art. 11)"
                               : "no review result is in force; procurement allowed "
                                 "(Measures Art. 10)";

    if (strcmp(ans->status, "passed") == 0) {
        ref_copy(ans->procurement, sizeof(ans->procurement), "prioritized");
        snprintf(text, sizeof(text),
                 "passed review %s on %s, valid until %s; procurement prioritized (Measures Art. "
                 "10)",
                 case_ref, decided_on, ans->valid_until);
    } else if (strcmp(ans->status, "passed_with_conditions") == 0) {
        ref_copy(ans->procurement, sizeof(ans->procurement), "allowed_with_conditions");
        snprintf(text, sizeof(text),
                 "passed review %s with conditions on %s, valid until %s; procurement allowed "
                 "under its conditions (Measures Art. 10)",
                 case_ref, decided_on, ans->valid_until);
    } else if (strcmp(ans->status, "failed") == 0) {
        ref_copy(ans->procurement, sizeof(ans->procurement), "prohibited");
        snprintf(text, sizeof(text),
                 "failed review %s on %s; procurement prohibited (Measures Art. 10)", case_ref,
                 decided_on);
    } else {
        ref_copy(ans->procurement, sizeof(ans->procurement),
                 op->cii ? "review_required" : "allowed");
        if (strcmp(ans->status, "expired") == 0)
            snprintf(what, sizeof(what), "the decision of review %s (%s) was valid until %s",
                     case_ref, ans->outcome, ans->valid_until);
        else if (strcmp(ans->status, "under_review") == 0 && case_ref[0])
            snprintf(what, sizeof(what), "review %s is in progress (phase %s)", case_ref, phase);
        else if (strcmp(ans->status, "under_review") == 0)
            snprintf(what, sizeof(what), "a review of this product is in progress");
        else if (!known)
            snprintf(what, sizeof(what), "%s is not a registered product", ans->product);
        else if (ans->version[0])
            snprintf(what, sizeof(what), "no review of %s %s is on record", ans->product,
                     ans->version);
        else
            snprintf(what, sizeof(what),
                     "no review of every version of %s is on record (no version given)",
                     ans->product);
        snprintf(text, sizeof(text), "%s; %s", what, tail);
    }
    ref_copy(ans->reason, sizeof(ans->reason), text);
}

static int ref_gate_check(struct nr_review *rv, const struct nr_actor *a,
                          const struct nr_gate_query *q, struct nr_gate_answer *ans,
                          struct nr_err *err)
{
    struct ref_operator op;
    struct nr__viewer v;
    struct nr_err lerr;
    const char *ref;
    char version[NR_VERSION_MAX + 1], today[NR_DATE_STR],
        case_ref[64] = "", decided_on[NR_DATE_STR] = "", phase[64] = "";
    int64_t product_id = 0;
    bool known = true;
    int rc;

    memset(ans, 0, sizeof(*ans));
    ref = !ref_blank(q->product) ? q->product : !ref_blank(q->cpe) ? q->cpe : q->purl;
    if (ref_blank(ref))
        return nr_err_set(err, NR_EINVAL, "product",
                          "the gate needs a product: its name or id, a CPE or a package URL");
    if (strlen(ref) > REF_REF_MAX)
        return nr_err_set(err, NR_ETOOBIG, "product", "product is longer than %d bytes",
                          REF_REF_MAX);
    rc = ref_version(q, version, err);
    if (rc == 0)
        rc = ref_operator_load(rv, a, q, &op, err);
    if (rc)
        return rc;
    ref_viewer(a, &op, &v);
    nr_date_fmt(nr_date_from_time(nr_time_now()), today);

    nr_err_init(&lerr);
    rc = nr_product_find(rv, ref, &product_id, &lerr);
    if (rc == NR_ENOTFOUND) {
        /* An unknown product is an answer, not an error (gate.h). */
        known = false;
        product_id = 0;
        rc = 0;
    } else if (rc) {
        return nr_err_set(err, rc, lerr.field[0] ? lerr.field : "product", "%s", lerr.msg);
    }
    ans->product_id = product_id;
    ref_copy(ans->version, sizeof(ans->version), version);
    if (known) {
        char *name = NULL;
        rc = nr_store_query_text(rv->st, err, &name, "SELECT name FROM products WHERE id = ?", "i",
                                 product_id);
        if (rc)
            return rc;
        ref_copy(ans->product, sizeof(ans->product), name);
        nr_free(name);
        rc = ref_decision(rv, &v, product_id, version[0] ? version : NULL, today, ans, case_ref,
                          sizeof(case_ref), decided_on, err);
        if (rc == 0 && ans->status[0] == '\0')
            rc = ref_open_case(rv, a, &v, product_id, version[0] ? version : NULL, ans, case_ref,
                               sizeof(case_ref), phase, sizeof(phase), err);
        if (rc) {
            memset(ans, 0, sizeof(*ans));
            return rc;
        }
    } else {
        ref_copy(ans->product, sizeof(ans->product), ref);
    }
    if (ans->status[0] == '\0')
        ref_copy(ans->status, sizeof(ans->status), "not_reviewed");
    ref_procurement(ans, &op, case_ref, decided_on, phase, known);
    ref_copy(ans->case_ref, sizeof(ans->case_ref), case_ref);
    return 0;
}

/* ---- helpers ---- */

#define TODAY "2026-03-02T09:00:00Z"

static void ok(int rc, const struct nr_err *err, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %s (%s, field %s)", what, err->msg, nr_strerror(rc), err->field);
}

/* The answer's JSON as text (caller frees). */
static char *answer_text(const struct nr_gate_answer *ans)
{
    json_t *j = nr_gate_answer_json(ans);
    char *text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(j);
    return text;
}

/* The server's writer gives jansson's compact bytes exactly. */
static void same_bytes(const struct nr_gate_answer *ans)
{
    json_t *j = nr_gate_answer_json(ans);
    char *want = json_dumps(j, JSON_COMPACT);
    struct nr_buf got;

    nr_buf_init(&got, 16 << 10);
    assert_int_equal(nr_gate_answer_write(ans, &got), 0);
    if (strcmp(want, got.p) != 0)
        fail_msg("writer differs from jansson:\njansson %s\nwriter  %s", want, got.p);
    free(want);
    json_decref(j);
    nr_buf_release(&got);
}

/* One query, answered by both paths: same code, same error field and message, same JSON. */
static void same(struct nr_review *rv, const struct nr_gate_index *idx, const struct nr_actor *a,
                 const struct nr_gate_query *q, int *checked)
{
    struct nr_gate_answer want, got;
    struct nr_err werr, gerr;
    char *wj = NULL, *gj = NULL;
    int wrc, grc;

    nr_err_init(&werr);
    nr_err_init(&gerr);
    wrc = ref_gate_check(rv, a, q, &want, &werr);
    grc = nr_gate_index_check(idx, a, q, &got, &gerr);
    if (wrc != grc || strcmp(werr.field, gerr.field) != 0 || strcmp(werr.msg, gerr.msg) != 0)
        fail_msg("%s asking product=%s cpe=%s purl=%s version=%s operator=%s: reference %d "
                 "(%s: %s), index %d (%s: %s)",
                 a->login, q->product ? q->product : "-", q->cpe ? q->cpe : "-",
                 q->purl ? q->purl : "-", q->version ? q->version : "-",
                 q->operator_org ? q->operator_org : "-", wrc, werr.field, werr.msg, grc,
                 gerr.field, gerr.msg);
    if (wrc == 0) {
        wj = answer_text(&want);
        gj = answer_text(&got);
        same_bytes(&got);
        if (strcmp(wj, gj) != 0)
            fail_msg("%s asking product=%s cpe=%s purl=%s version=%s operator=%s:\n"
                     "reference %s\nindex     %s",
                     a->login, q->product ? q->product : "-", q->cpe ? q->cpe : "-",
                     q->purl ? q->purl : "-", q->version ? q->version : "-",
                     q->operator_org ? q->operator_org : "-", wj, gj);
        /* The command line's path (build and check) is the index's; on a sample, as it
         * builds an index per call. */
        if (*checked % 97 == 0) {
            nr_err_init(&gerr);
            ok(nr_gate_check(rv, a, q, &got, &gerr), &gerr, "gate check");
            free(gj);
            gj = answer_text(&got);
            assert_string_equal(wj, gj);
        }
    }
    free(wj);
    free(gj);
    (*checked)++;
}

/* The demo's actors: every user, the public and the local administrator. */
static size_t demo_actors(struct nr_review *rv, struct nr_actor **out)
{
    struct nr_stmt *s = NULL;
    struct nr_actor *a = NULL;
    struct nr_err err;
    size_t n = 0;

    nr_err_init(&err);
    ok(nr_store_prepare_bind(rv->st, &err, &s, "SELECT login FROM users ORDER BY id", ""), &err,
       "users");
    while (nr_stmt_step(s, &err) == NR_STORE_ROW) {
        a = realloc(a, (n + 3) * sizeof(*a));
        nr_err_init(&err);
        ok(nr_actor_load(rv, nr_stmt_text(s, 0), &a[n], &err), &err, "actor");
        n++;
    }
    nr_stmt_free(s);
    a = realloc(a, (n + 3) * sizeof(*a));
    nr_actor_public(&a[n++]);
    nr_actor_local_admin(&a[n++]);
    *out = a;
    return n;
}

/* Queries over every demo product: by name with each of its versions, versions outside and
 * between them, no version; by id, CPE (with and without its own version) and package URL;
 * plus unknown products and malformed input. Strings live in ar. */
static size_t demo_queries(struct nr_review *rv, struct nr_arena *ar, struct nr_gate_query **out)
{
    static const char *const extra[] = {"0.1", "1.0", "2.5", "3.5.1", "7.1.9", "99.0", NULL};
    struct nr_gate_query *q = NULL;
    struct nr_stmt *s = NULL, *v = NULL;
    struct nr_err err;
    size_t n = 0, cap = 0;

#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (n == cap) {                                                                            \
            cap = cap ? cap * 2 : 256;                                                             \
            q = realloc(q, cap * sizeof(*q));                                                      \
        }                                                                                          \
        q[n++] = (struct nr_gate_query){__VA_ARGS__};                                              \
    } while (0)

    nr_err_init(&err);
    ok(nr_store_prepare_bind(rv->st, &err, &s, "SELECT id, name, cpe, purl FROM products", ""),
       &err, "products");
    while (nr_stmt_step(s, &err) == NR_STORE_ROW) {
        const char *name = nr_arena_strdup(ar, nr_stmt_text(s, 1));
        const char *cpe = nr_arena_strdup(ar, nr_stmt_text(s, 2));
        const char *purl = nr_arena_strdup(ar, nr_stmt_text(s, 3));
        const char *id = nr_arena_printf(ar, "%lld", (long long)nr_stmt_int(s, 0));

        ADD(.product = name);
        for (size_t i = 0; i < NR_ARRAY_LEN(extra) - 1; i++)
            ADD(.product = name, .version = extra[i]);
        ADD(.product = id, .version = "1.0");
        ADD(.product = id);
        if (cpe) {
            ADD(.cpe = cpe);
            ADD(.cpe = cpe, .version = "2.5");
        }
        if (purl)
            ADD(.purl = purl);
        ok(nr_store_prepare_bind(rv->st, &err, &v,
                                 "SELECT version, cpe, purl FROM product_versions WHERE "
                                 "product_id = ?",
                                 "i", nr_stmt_int(s, 0)),
           &err, "versions");
        while (nr_stmt_step(v, &err) == NR_STORE_ROW) {
            ADD(.product = name, .version = nr_arena_strdup(ar, nr_stmt_text(v, 0)));
            if (nr_stmt_text(v, 1))
                ADD(.cpe = nr_arena_strdup(ar, nr_stmt_text(v, 1)));
            if (nr_stmt_text(v, 2))
                ADD(.purl = nr_arena_strdup(ar, nr_stmt_text(v, 2)));
            /* A CPE given as the product reference: its version is not read. */
            if (nr_stmt_text(v, 1))
                ADD(.product = nr_arena_strdup(ar, nr_stmt_text(v, 1)), .version = "7.2.3");
        }
        nr_stmt_free(v);
        v = NULL;
    }
    nr_stmt_free(s);
    ADD(.product = "No Such Product", .version = "1.0");
    ADD(.product = "424242");
    ADD(.cpe = "cpe:2.3:a:nobody:nothing:1.0:*:*:*:*:*:*:*");
    ADD(.cpe = "cpe:2.3:*:brightwave:bw_edge_router_7000:7.2.3:*:*:*:*:*:*:*");
    ADD(.cpe = "cpe:2.3:a:brightwave:bw_edge_router_7000:7.2.3:*:*:*:*:*:*:*");
    ADD(.purl = "pkg:generic/nobody/nothing@1.0");
    ADD(.purl = "pkg:GENERIC/brightwave/bw-edge-router-7000@7.2.3?arch=x86");
    ADD(.product = "");
    ADD(.cpe = "cpe:/a:broken");
    ADD(.purl = "pkg:");
    ADD(.product = "BW Edge Router 7000", .version = "7.2 beta");
    ADD(.cpe = "cpe:2.3:h:brightwave:bw_edge_router_7000:*:*:*:*:*:*:*:*", .version = "7.2.3");
#undef ADD
    *out = q;
    return n;
}

/* Every query, every actor, without and with named operators (a CII operator, a provider
 * organisation by id, an unknown one). */
static int compare_all(struct nr_review *rv, const struct nr_gate_index *idx)
{
    const char *const operators[] = {NULL, "Lakeside Commercial Bank", "Silverline Telecom", "14",
                                     "No Such Operator"};
    struct nr_actor *actors = NULL;
    struct nr_gate_query *queries = NULL;
    struct nr_arena ar;
    size_t na, nq;
    int checked = 0;

    nr_arena_init(&ar);
    na = demo_actors(rv, &actors);
    nq = demo_queries(rv, &ar, &queries);
    for (size_t o = 0; o < NR_ARRAY_LEN(operators); o++)
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < nq; j++) {
                struct nr_gate_query q = queries[j];
                /* Named operators on a sample only: the matrix stays fast. */
                if (o > 0 && j % 7 != 0)
                    continue;
                q.operator_org = operators[o];
                same(rv, idx, &actors[i], &q, &checked);
            }
    free(actors);
    free(queries);
    nr_arena_release(&ar);
    return checked;
}

static int demo_setup(void **state)
{
    struct nr_fixture *fx = calloc(1, sizeof(*fx));
    struct nr_err err;

    nr_fixture_open(fx, "cn-2017");
    nr_err_init(&err);
    if (nr_demo_load(&fx->rv, "demo-password", &err) != 0) {
        fprintf(stderr, "demo load failed: %s (%s)\n", err.msg, err.field);
        return -1;
    }
    *state = fx;
    return 0;
}

static int demo_teardown(void **state)
{
    struct nr_fixture *fx = *state;
    nr_fixture_close(fx);
    free(fx);
    unsetenv("NETREVIEW_NOW");
    return 0;
}

static void test_demo_same_answers(void **state)
{
    struct nr_fixture *fx = *state;
    struct nr_gate_index *idx = NULL;
    struct nr_err err;
    int n;

    nr_err_init(&err);
    ok(nr_gate_index_build(&fx->rv, &idx, &err), &err, "build");
    n = compare_all(&fx->rv, idx);
    assert_true(n > 5000);
    /* Years later (the index built before): decisions have expired, and both paths say so. */
    setenv("NETREVIEW_NOW", "2031-06-01T00:00:00Z", 1);
    n = compare_all(&fx->rv, idx);
    unsetenv("NETREVIEW_NOW");
    nr_gate_index_free(idx);
}

/* The demo holds every status: the matrix above compared more than not_reviewed. */
static void test_demo_statuses(void **state)
{
    static const char *const statuses[] = {"passed", "passed_with_conditions", "failed",
                                           "under_review", "not_reviewed"};
    struct nr_fixture *fx = *state;
    struct nr_gate_index *idx = NULL;
    struct nr_gate_query *queries = NULL;
    struct nr_actor office;
    struct nr_arena ar;
    struct nr_err err;
    bool seen[NR_ARRAY_LEN(statuses)] = {false};
    size_t nq;

    nr_err_init(&err);
    ok(nr_gate_index_build(&fx->rv, &idx, &err), &err, "build");
    ok(nr_actor_load(&fx->rv, "office", &office, &err), &err, "office");
    nr_arena_init(&ar);
    nq = demo_queries(&fx->rv, &ar, &queries);
    for (size_t j = 0; j < nq; j++) {
        struct nr_gate_answer ans;
        nr_err_init(&err);
        if (nr_gate_index_check(idx, &office, &queries[j], &ans, &err) != 0)
            continue;
        for (size_t s = 0; s < NR_ARRAY_LEN(statuses); s++)
            seen[s] = seen[s] || strcmp(ans.status, statuses[s]) == 0;
    }
    for (size_t s = 0; s < NR_ARRAY_LEN(statuses); s++)
        if (!seen[s])
            fail_msg("no demo query answered %s", statuses[s]);
    free(queries);
    nr_arena_release(&ar);
    nr_gate_index_free(idx);
}

/* Text that needs escaping, text that is not UTF-8 (null, as json_string refuses it), empty
 * fields and ids (null), the longest fields. */
static void test_answer_write(void **state)
{
    static const char *const texts[] = {
        "plain",
        "quote \" backslash \\ slash / tab \t newline \n cr \r bell \a bs \b ff \f del \x7f",
        "\x01\x1f control",
        "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x94\x92",
        "bad \xc3",
        "overlong \xc0\xaf",
        "surrogate \xed\xa0\x80",
        "too high \xf4\x90\x80\x80",
        "",
    };
    struct nr_gate_answer ans;
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(texts); i++) {
        memset(&ans, 0, sizeof(ans));
        snprintf(ans.status, sizeof(ans.status), "%s", "passed");
        snprintf(ans.product, sizeof(ans.product), "%s", texts[i]);
        snprintf(ans.conditions, sizeof(ans.conditions), "%s", texts[i]);
        snprintf(ans.reason, sizeof(ans.reason), "%s", texts[i]);
        snprintf(ans.case_ref, sizeof(ans.case_ref), "%s", i % 2 ? "NR-2026-0001" : "");
        ans.product_id = (int64_t)i;
        ans.decision_id = i % 2 ? INT64_MAX : 0;
        same_bytes(&ans);
    }
    /* Every field full of characters that need the longest escape. */
    memset(&ans, 0x01, sizeof(ans));
    ans.status[sizeof(ans.status) - 1] = ans.procurement[sizeof(ans.procurement) - 1] = '\0';
    ans.product[sizeof(ans.product) - 1] = ans.version[sizeof(ans.version) - 1] = '\0';
    ans.case_ref[sizeof(ans.case_ref) - 1] = ans.outcome[sizeof(ans.outcome) - 1] = '\0';
    ans.valid_until[sizeof(ans.valid_until) - 1] = '\0';
    ans.conditions[sizeof(ans.conditions) - 1] = ans.reason[sizeof(ans.reason) - 1] = '\0';
    ans.product_id = ans.decision_id = ans.case_id = INT64_MAX;
    same_bytes(&ans);
    {
        struct nr_buf b;
        nr_buf_init(&b, 10 << 10);
        assert_int_equal(nr_gate_answer_write(&ans, &b), 0);
        nr_buf_release(&b);
    }
}

/* The demo's feed: what the office sees includes the re-review that superseded a published
 * decision (R14); what the public sees is only published public decisions. */
static void test_demo_feed(void **state)
{
    struct nr_fixture *fx = *state;
    struct nr_actor office, pub;
    struct nr_err err;
    json_t *f = NULL, *it;
    size_t i, superseded = 0;

    nr_err_init(&err);
    ok(nr_actor_load(&fx->rv, "office", &office, &err), &err, "office");
    nr_actor_public(&pub);
    ok(nr_gate_feed(&fx->rv, &office, "2000-01-01", 1000, &f, &err), &err, "feed");
    json_array_foreach(f, i, it)
    {
        const char *change = json_string_value(json_object_get(it, "change"));
        if (strcmp(change, "superseded") == 0) {
            superseded++;
            assert_int_equal(strlen(json_string_value(json_object_get(it, "at"))), 20);
        }
        if (i > 0)
            assert_true(
                strcmp(json_string_value(json_object_get(it, "at")),
                       json_string_value(json_object_get(json_array_get(f, i - 1), "at"))) >= 0);
    }
    assert_true(superseded >= 1);
    json_decref(f);
    ok(nr_gate_feed(&fx->rv, &pub, "2000-01-01", 1000, &f, &err), &err, "feed");
    assert_true(json_array_size(f) > 0);
    json_array_foreach(f, i, it)
    {
        int64_t n = 0;
        ok(nr_store_query_int(fx->rv.st, &err, &n,
                              "SELECT COUNT(*) FROM decisions d WHERE d.id = ? AND "
                              "d.visibility = 'public' AND EXISTS (SELECT 1 FROM publications pb "
                              "WHERE pb.decision_id = d.id)",
                              "i", (int64_t)json_integer_value(json_object_get(it, "decision_id"))),
           &err, "count");
        assert_int_equal(n, 1);
    }
    json_decref(f);
}

/* Many threads on one index: the same answers as one thread (and, under the sanitizers, no
 * race on the shared tables). */
struct reader {
    const struct nr_gate_index *idx;
    const struct nr_actor *actor;
    const struct nr_gate_query *queries;
    const char **expected; /* status/case_id per query */
    size_t nq;
    int mismatches;
};

static void *reader_run(void *arg)
{
    struct reader *r = arg;
    for (int round = 0; round < 20; round++)
        for (size_t j = 0; j < r->nq; j++) {
            struct nr_gate_answer ans;
            struct nr_err err;
            char got[192];
            nr_err_init(&err);
            if (nr_gate_index_check(r->idx, r->actor, &r->queries[j], &ans, &err) != 0)
                snprintf(got, sizeof(got), "error %s", err.field);
            else
                snprintf(got, sizeof(got), "%s %lld", ans.status, (long long)ans.case_id);
            if (strcmp(got, r->expected[j]) != 0)
                r->mismatches++;
        }
    return NULL;
}

static void test_threads(void **state)
{
    struct nr_fixture *fx = *state;
    struct nr_gate_index *idx = NULL;
    struct nr_gate_query *queries = NULL;
    struct nr_actor actors[2];
    struct reader readers[8];
    pthread_t threads[8];
    const char **expected[2];
    struct nr_arena ar;
    struct nr_err err;
    size_t nq;

    nr_err_init(&err);
    ok(nr_gate_index_build(&fx->rv, &idx, &err), &err, "build");
    ok(nr_actor_load(&fx->rv, "bank-ops", &actors[0], &err), &err, "bank-ops");
    nr_actor_public(&actors[1]);
    nr_arena_init(&ar);
    nq = demo_queries(&fx->rv, &ar, &queries);
    for (int k = 0; k < 2; k++) {
        expected[k] = calloc(nq, sizeof(char *));
        for (size_t j = 0; j < nq; j++) {
            struct nr_gate_answer ans;
            nr_err_init(&err);
            if (nr_gate_index_check(idx, &actors[k], &queries[j], &ans, &err) != 0)
                expected[k][j] = nr_arena_printf(&ar, "error %s", err.field);
            else
                expected[k][j] =
                    nr_arena_printf(&ar, "%s %lld", ans.status, (long long)ans.case_id);
        }
    }
    for (int t = 0; t < 8; t++) {
        readers[t] = (struct reader){idx, &actors[t % 2], queries, expected[t % 2], nq, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, reader_run, &readers[t]), 0);
    }
    for (int t = 0; t < 8; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(readers[t].mismatches, 0);
    }
    free(expected[0]);
    free(expected[1]);
    free(queries);
    nr_arena_release(&ar);
    nr_gate_index_free(idx);
}

/* ---- a small world of its own: rebuilds and the feed ---- */

struct world {
    struct nr_fixture fx;
    struct nr_actor office, bank, shop, public_;
};

static void add_org(struct world *w, const char *name, const char *kind, const char *sector,
                    bool cii)
{
    struct nr_org_spec o = {.name = name, .kind = kind, .sector = sector, .cii = cii};
    struct nr_err err;
    nr_err_init(&err);
    ok(nr_org_add(&w->fx.rv, &w->fx.admin, &o, NULL, &err), &err, name);
}

static void add_user(struct world *w, const char *login, const char *org, const char *role,
                     struct nr_actor *a)
{
    struct nr_user_spec u = {
        .login = login, .name = login, .org = org, .role = role, .password = "correct horse"};
    struct nr_err err;
    nr_err_init(&err);
    ok(nr_user_add(&w->fx.rv, &w->fx.admin, &u, NULL, &err), &err, login);
    ok(nr_actor_load(&w->fx.rv, login, a, &err), &err, login);
}

static void add_product(struct world *w, const char *name)
{
    struct nr_product_spec p = {.name = name, .provider = "Huaxin Networks"};
    struct nr_err err;
    nr_err_init(&err);
    ok(nr_product_add(&w->fx.rv, &w->fx.admin, &p, NULL, &err), &err, name);
}

static void world_open(struct world *w)
{
    setenv("NETREVIEW_NOW", TODAY, 1);
    memset(w, 0, sizeof(*w));
    nr_fixture_open(&w->fx, "cn-2017");
    add_org(w, "Review Office", "office", NULL, false);
    add_org(w, "Huaxin Networks", "provider", NULL, false);
    add_org(w, "Bank A", "operator", "finance", true);
    add_org(w, "Shop B", "operator", "retail", false);
    add_user(w, "office1", "Review Office", "office", &w->office);
    add_user(w, "bank1", "Bank A", "operator", &w->bank);
    add_user(w, "shop1", "Shop B", "operator", &w->shop);
    nr_actor_public(&w->public_);
}

static void world_close(struct world *w)
{
    nr_fixture_close(&w->fx);
    unsetenv("NETREVIEW_NOW");
}

static void set_phase(struct world *w, int64_t case_id, const char *phase)
{
    struct nr_err err;
    nr_err_init(&err);
    ok(nr_store_exec(w->fx.rv.st, &err, "UPDATE cases SET phase = ? WHERE id = ?", "ti", phase,
                     case_id),
       &err, "set phase");
}

static int64_t open_case(struct world *w, const char *product)
{
    struct nr_case_spec cs = {.trigger = "state_requirement", .product = product};
    struct nr_err err;
    int64_t id = 0;
    nr_err_init(&err);
    ok(nr_case_open(&w->fx.rv, &w->office, &cs, &id, &err), &err, "case");
    return id;
}

static void decide(struct world *w, int64_t case_id, const char *outcome, const char *visibility,
                   const char *audience, const char *valid_until)
{
    struct nr_decision_spec d = {.outcome = outcome,
                                 .rationale = "on the evaluation",
                                 .visibility = visibility,
                                 .audience = audience,
                                 .valid_until = valid_until};
    struct nr_arena ar;
    struct nr_case c;
    struct nr_err err;

    set_phase(w, case_id, "expert_review");
    nr_arena_init(&ar);
    nr_err_init(&err);
    ok(nr_case_get(&w->fx.rv, &w->office, case_id, &ar, &c, &err), &err, "case");
    ok(nr__decision_record(&w->fx.rv, &w->office, &c, &d, NULL, &err), &err, "record");
    nr_arena_release(&ar);
    set_phase(w, case_id, "decided");
}

static void publish_case(struct world *w, int64_t case_id)
{
    struct nr_arena ar;
    struct nr_case c;
    struct nr_err err;

    nr_arena_init(&ar);
    nr_err_init(&err);
    ok(nr_case_get(&w->fx.rv, &w->office, case_id, &ar, &c, &err), &err, "case");
    ok(nr__decision_publish(&w->fx.rv, &w->office, &c, &err), &err, "publish");
    nr_arena_release(&ar);
    set_phase(w, case_id, "published");
}

static void revoke_case(struct world *w, int64_t case_id)
{
    struct nr_arena ar;
    struct nr_case c;
    struct nr_err err;

    nr_arena_init(&ar);
    nr_err_init(&err);
    ok(nr_case_get(&w->fx.rv, &w->office, case_id, &ar, &c, &err), &err, "case");
    ok(nr__decision_revoke(&w->fx.rv, &w->office, &c, "firmware replaced", &err), &err, "revoke");
    nr_arena_release(&ar);
    set_phase(w, case_id, "withdrawn");
}

static const char *status_of(const struct nr_gate_index *idx, const struct nr_actor *a,
                             const char *product, char buf[32])
{
    struct nr_gate_query q = {.product = product, .version = "1.0"};
    struct nr_gate_answer ans;
    struct nr_err err;
    nr_err_init(&err);
    ok(nr_gate_index_check(idx, a, &q, &ans, &err), &err, "check");
    snprintf(buf, 32, "%s", ans.status);
    return buf;
}

static bool stale(struct world *w, const struct nr_gate_index *idx)
{
    char gen[NR_GATE_GENERATION_MAX];
    struct nr_err err;
    nr_err_init(&err);
    ok(nr_gate_generation(&w->fx.rv, gen, &err), &err, "generation");
    return strcmp(gen, nr_gate_index_generation(idx)) != 0;
}

/* Rebuilds (and swaps) the index when the store says it is stale. */
static void refresh(struct world *w, struct nr_gate_index **idx)
{
    struct nr_err err;
    assert_true(stale(w, *idx));
    nr_gate_index_free(*idx);
    nr_err_init(&err);
    ok(nr_gate_index_build(&w->fx.rv, idx, &err), &err, "build");
    assert_false(stale(w, *idx));
}

static void test_rebuild(void **state)
{
    struct world w;
    struct nr_gate_index *idx = NULL;
    struct nr_err err;
    int64_t c1, c2;
    char b[32];
    (void)state;

    world_open(&w);
    add_product(&w, "Router A");
    nr_err_init(&err);
    ok(nr_gate_index_build(&w.fx.rv, &idx, &err), &err, "build");
    assert_false(stale(&w, idx));
    assert_string_equal(status_of(idx, &w.public_, "Router A", b), "not_reviewed");

    /* Each change the gate answers from makes the index stale; the old index keeps its
     * snapshot until it is replaced. */
    c1 = open_case(&w, "Router A");
    assert_string_equal(status_of(idx, &w.public_, "Router A", b), "not_reviewed");
    refresh(&w, &idx);
    assert_string_equal(status_of(idx, &w.public_, "Router A", b), "under_review");
    decide(&w, c1, "failed", "public", NULL, NULL);
    refresh(&w, &idx);
    assert_string_equal(status_of(idx, &w.office, "Router A", b), "failed");
    assert_string_equal(status_of(idx, &w.public_, "Router A", b), "under_review");
    publish_case(&w, c1);
    refresh(&w, &idx);
    assert_string_equal(status_of(idx, &w.public_, "Router A", b), "failed");
    revoke_case(&w, c1);
    assert_string_equal(status_of(idx, &w.public_, "Router A", b), "failed");
    refresh(&w, &idx);
    assert_string_equal(status_of(idx, &w.public_, "Router A", b), "not_reviewed");

    /* A second decision on one case supersedes the first. */
    c2 = open_case(&w, "Router A");
    decide(&w, c2, "passed", "public", NULL, NULL);
    publish_case(&w, c2);
    refresh(&w, &idx);
    assert_string_equal(status_of(idx, &w.bank, "Router A", b), "passed");
    decide(&w, c2, "failed", "restricted", "org:Bank A", NULL);
    publish_case(&w, c2);
    refresh(&w, &idx);
    assert_string_equal(status_of(idx, &w.bank, "Router A", b), "failed");
    assert_string_equal(status_of(idx, &w.shop, "Router A", b), "not_reviewed");

    /* A product and an organisation added: the index learns them at the next build. */
    add_product(&w, "Switch C");
    refresh(&w, &idx);
    add_org(&w, "Insurer C", "operator", "finance", false);
    refresh(&w, &idx);
    {
        struct nr_gate_query q = {.product = "Switch C", .operator_org = "Insurer C"};
        struct nr_gate_answer ans;
        nr_err_init(&err);
        ok(nr_gate_index_check(idx, &w.public_, &q, &ans, &err), &err, "check");
        assert_string_equal(ans.procurement, "allowed");
    }
    nr_gate_index_free(idx);
    world_close(&w);
}

/* The feed: what changed after since, for whom. */
static json_t *feed(struct world *w, const struct nr_actor *a, const char *since, int limit)
{
    struct nr_err err;
    json_t *out = NULL;
    nr_err_init(&err);
    ok(nr_gate_feed(&w->fx.rv, a, since, limit, &out, &err), &err, "feed");
    assert_true(json_is_array(out));
    return out;
}

static const char *item(json_t *arr, size_t i, const char *key)
{
    json_t *v = json_object_get(json_array_get(arr, i), key);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void test_feed(void **state)
{
    struct world w;
    struct nr_err err;
    json_t *f;
    int64_t c1, c2, c3;
    (void)state;

    world_open(&w);
    add_product(&w, "Router A");
    add_product(&w, "Switch C");
    add_product(&w, "Modem E");

    setenv("NETREVIEW_NOW", "2026-03-02T09:00:00Z", 1);
    c1 = open_case(&w, "Router A");
    decide(&w, c1, "passed", "public", NULL, "2026-12-31");
    setenv("NETREVIEW_NOW", "2026-03-03T10:00:00Z", 1);
    publish_case(&w, c1);
    c2 = open_case(&w, "Switch C");
    decide(&w, c2, "failed", "restricted", "org:Bank A", NULL);
    publish_case(&w, c2);
    c3 = open_case(&w, "Modem E");
    decide(&w, c3, "failed", "public", NULL, NULL);

    /* new: at publication for the public, not before; the unpublished one is the office's. */
    f = feed(&w, &w.public_, "2026-01-01", 0);
    assert_int_equal(json_array_size(f), 1);
    assert_string_equal(item(f, 0, "change"), "new");
    assert_string_equal(item(f, 0, "at"), "2026-03-03T10:00:00Z");
    assert_string_equal(item(f, 0, "product"), "Router A");
    assert_string_equal(item(f, 0, "outcome"), "passed");
    assert_string_equal(item(f, 0, "versions"), "*");
    assert_string_equal(item(f, 0, "valid_until"), "2026-12-31");
    assert_non_null(json_object_get(json_array_get(f, 0), "decision_id"));
    assert_true(strncmp(item(f, 0, "case_ref"), "NR-2026-", 8) == 0);
    json_decref(f);
    /* R7: the operator also sees what was circulated to it. */
    f = feed(&w, &w.bank, "2026-01-01", 0);
    assert_int_equal(json_array_size(f), 2);
    assert_string_equal(item(f, 1, "product"), "Switch C");
    json_decref(f);
    f = feed(&w, &w.shop, "2026-01-01", 0);
    assert_int_equal(json_array_size(f), 1);
    json_decref(f);
    f = feed(&w, &w.office, "2026-01-01", 0);
    assert_int_equal(json_array_size(f), 3);
    assert_string_equal(item(f, 0, "at"), "2026-03-02T09:00:00Z");
    json_decref(f);
    /* since is exclusive. */
    f = feed(&w, &w.public_, "2026-03-03T10:00:00Z", 0);
    assert_int_equal(json_array_size(f), 0);
    json_decref(f);

    /* revoked and superseded */
    setenv("NETREVIEW_NOW", "2026-04-01T08:00:00Z", 1);
    revoke_case(&w, c2);
    f = feed(&w, &w.bank, "2026-03-03T10:00:00Z", 0);
    assert_int_equal(json_array_size(f), 1);
    assert_string_equal(item(f, 0, "change"), "revoked");
    assert_string_equal(item(f, 0, "at"), "2026-04-01T08:00:00Z");
    json_decref(f);
    f = feed(&w, &w.shop, "2026-03-03T10:00:00Z", 0);
    assert_int_equal(json_array_size(f), 0);
    json_decref(f);
    setenv("NETREVIEW_NOW", "2026-05-01T08:00:00Z", 1);
    decide(&w, c1, "passed", "public", NULL, "2027-06-30");
    publish_case(&w, c1);
    f = feed(&w, &w.public_, "2026-04-01T08:00:00Z", 0);
    /* One time: the older decision first. */
    assert_int_equal(json_array_size(f), 2);
    assert_string_equal(item(f, 0, "change"), "superseded");
    assert_string_equal(item(f, 0, "valid_until"), "2026-12-31");
    assert_string_equal(item(f, 0, "at"), "2026-05-01T08:00:00Z");
    assert_string_equal(item(f, 1, "change"), "new");
    assert_string_equal(item(f, 1, "valid_until"), "2027-06-30");
    assert_string_equal(item(f, 1, "at"), "2026-05-01T08:00:00Z");
    json_decref(f);

    /* expired: from the midnight after the last day, once that has come. */
    setenv("NETREVIEW_NOW", "2027-07-02T00:00:00Z", 1);
    f = feed(&w, &w.public_, "2026-05-01T08:00:00Z", 0);
    assert_int_equal(json_array_size(f), 1);
    assert_string_equal(item(f, 0, "change"), "expired");
    assert_string_equal(item(f, 0, "at"), "2027-07-01T00:00:00Z");
    json_decref(f);
    setenv("NETREVIEW_NOW", "2027-06-30T23:00:00Z", 1);
    f = feed(&w, &w.public_, "2026-05-01T08:00:00Z", 0);
    assert_int_equal(json_array_size(f), 0);
    json_decref(f);

    /* Paging: limit cuts, but never between items of one time. */
    setenv("NETREVIEW_NOW", "2027-07-02T00:00:00Z", 1);
    f = feed(&w, &w.office, "2026-01-01", 1);
    assert_int_equal(json_array_size(f), 1);
    json_decref(f);
    f = feed(&w, &w.office, "2026-05-01T07:00:00Z", 1);
    /* new and superseded share 2026-05-01T08:00:00Z */
    assert_int_equal(json_array_size(f), 2);
    json_decref(f);

    /* since is required and must be a time. */
    f = NULL;
    nr_err_init(&err);
    assert_int_equal(nr_gate_feed(&w.fx.rv, &w.public_, NULL, 0, &f, &err), NR_EINVAL);
    assert_string_equal(err.field, "since");
    assert_null(f);
    nr_err_init(&err);
    assert_int_equal(nr_gate_feed(&w.fx.rv, &w.public_, "yesterday", 0, &f, &err), NR_EINVAL);
    assert_string_equal(err.field, "since");
    nr_err_init(&err);
    assert_int_equal(nr_gate_feed(&w.fx.rv, &w.public_, "2026-13-01", 0, &f, &err), NR_EINVAL);
    world_close(&w);
}

int main(void)
{
    const struct CMUnitTest demo[] = {
        cmocka_unit_test(test_demo_same_answers),
        cmocka_unit_test(test_demo_statuses),
        cmocka_unit_test(test_demo_feed),
        cmocka_unit_test(test_threads),
    };
    const struct CMUnitTest small[] = {
        cmocka_unit_test(test_answer_write),
        cmocka_unit_test(test_rebuild),
        cmocka_unit_test(test_feed),
    };
    int rc = cmocka_run_group_tests_name("demo", demo, demo_setup, demo_teardown);
    return rc + cmocka_run_group_tests_name("small", small, NULL, NULL);
}
