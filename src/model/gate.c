/*
 * gate.c - the procurement gate (R9): for a product and version, named by id, name, CPE 2.3 or
 * package URL, what a procurement system may do. Interface: gate.h. Which decisions an asker may
 * see is decided by the rules of decision_int.h, shared with the decision register.
 *
 * The gate only reads: it takes no transaction and writes no audit entry, so that every
 * procurement system of every operator may call it as often as it likes (R9: fast and always up).
 *
 * Whose view the answer takes: the asker's own, except that the office, the committee and the
 * members of the operator named in the query ask on that operator's behalf (its organisation and
 * sector see what was circulated to them). Anyone else naming an operator only makes the answer
 * stricter (a CII operator's review_required), never sees more.
 */
#include "decision_int.h"

#include "netreview/gate.h"
#include "netreview/ident.h"
#include "netreview/review.h"
#include "netreview/version.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define GATE_REF_MAX 4096 /* bytes of a product reference, CPE or purl in a query */

/* Copies src into dst (size bytes), cutting at a UTF-8 character boundary when it is too long,
 * so that a truncated name or condition is still a valid JSON string. */
static void gate_copy(char *dst, size_t size, const char *src)
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

static bool gate_blank(const char *s)
{
    return s == NULL || *s == '\0';
}

/* Does the range expression cover version? Without a version only "*" covers it: the asker did
 * not say which version, so only a decision on every version answers for it. */
static bool gate_covers(const char *expr, const char *version)
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
static int gate_version(const struct nr_gate_query *q, char out[NR_VERSION_MAX + 1],
                        struct nr_err *err)
{
    int rc = 0;

    out[0] = '\0';
    if (!gate_blank(q->cpe)) {
        struct nr_cpe cpe;
        struct nr_buf b;

        nr_cpe_init(&cpe);
        nr_buf_init(&b, NR_CPE_MAX);
        rc = nr_cpe_parse(&cpe, q->cpe, err);
        if (rc == 0 && gate_blank(q->version)) {
            int vrc = nr_cpe_version(&cpe, &b);
            if (vrc == 0 && b.len > NR_VERSION_MAX)
                rc = nr_err_set(err, NR_ETOOBIG, "cpe", "cpe: version is longer than %d bytes",
                                NR_VERSION_MAX);
            else if (vrc == 0)
                gate_copy(out, NR_VERSION_MAX + 1, b.p);
        }
        nr_buf_release(&b);
        nr_cpe_release(&cpe);
        if (rc)
            return rc;
    }
    if (!gate_blank(q->purl)) {
        struct nr_purl purl;

        nr_purl_init(&purl);
        rc = nr_purl_parse(&purl, q->purl, err);
        if (rc == 0 && gate_blank(q->version) && out[0] == '\0' && purl.version) {
            if (strlen(purl.version) > NR_VERSION_MAX)
                rc = nr_err_set(err, NR_ETOOBIG, "purl", "purl: version is longer than %d bytes",
                                NR_VERSION_MAX);
            else
                gate_copy(out, NR_VERSION_MAX + 1, purl.version);
        }
        nr_purl_release(&purl);
        if (rc)
            return rc;
    }
    if (!gate_blank(q->version)) {
        rc = nr_version_check(q->version, err);
        if (rc)
            return rc;
        gate_copy(out, NR_VERSION_MAX + 1, q->version);
    } else if (out[0]) {
        rc = nr_version_check(out, err);
    }
    return rc;
}

/* The operator asking: its id, sector and whether it is a CII operator. */
struct gate_operator {
    int64_t id;
    bool cii;
    char name[256];
    char sector[64];
};

static int gate_operator_load(struct nr_review *rv, const struct nr_actor *a,
                              const struct nr_gate_query *q, struct gate_operator *op,
                              struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    memset(op, 0, sizeof(*op));
    if (!gate_blank(q->operator_org)) {
        struct nr_err lerr;

        if (strlen(q->operator_org) > GATE_REF_MAX)
            return nr_err_set(err, NR_ETOOBIG, "operator", "operator is longer than %d bytes",
                              GATE_REF_MAX);
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
        gate_copy(op->name, sizeof(op->name), nr_stmt_text(s, 0));
        gate_copy(op->sector, sizeof(op->sector), nr_stmt_text(s, 1));
        op->cii = nr_stmt_int(s, 2) != 0;
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "operator", "no organisation %lld", (long long)op->id);
    }
    nr_stmt_free(s);
    return rc;
}

static void gate_viewer(const struct nr_actor *a, const struct gate_operator *op,
                        struct nr__viewer *v)
{
    nr__viewer_of_actor(a, v);
    if (op->id > 0 && a && (v->all || a->local_admin || a->org_id == op->id)) {
        memset(v, 0, sizeof(*v));
        v->org_id = op->id;
        gate_copy(v->sector, sizeof(v->sector), op->sector);
    }
}

/* R9: the latest decision in force that covers the version and that the asker may see. */
static int gate_decision(struct nr_review *rv, const struct nr__viewer *v, int64_t product_id,
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
        if (!gate_covers(nr_stmt_text(s, 6), version))
            continue;
        if (from && strcmp(from, today) > 0)
            continue;
        ans->decision_id = nr_stmt_int(s, 0);
        ans->case_id = nr_stmt_int(s, 1);
        gate_copy(case_ref, ref_size, nr_stmt_text(s, 2));
        gate_copy(ans->outcome, sizeof(ans->outcome), nr_stmt_text(s, 4));
        gate_copy(ans->conditions, sizeof(ans->conditions), nr_stmt_text(s, 5));
        gate_copy(ans->valid_until, sizeof(ans->valid_until), until);
        gate_copy(decided_on, NR_DATE_STR, nr_stmt_text(s, 11));
        /* R14: an expired decision turns the gate to expired. */
        if (until && strcmp(until, today) < 0)
            gate_copy(ans->status, sizeof(ans->status), "expired");
        else
            gate_copy(ans->status, sizeof(ans->status), ans->outcome);
        rc = NR_STORE_DONE;
        break;
    }
    nr_stmt_free(s);
    return rc < 0 ? rc : 0;
}

/* An open review of the product covering the version: not yet decided, or decided and not yet
 * published for an asker who only sees published results. */
static int gate_open_case(struct nr_review *rv, const struct nr_actor *a,
                          const struct nr__viewer *v, int64_t product_id, const char *version,
                          struct nr_gate_answer *ans, char *case_ref, size_t ref_size, char *phase,
                          size_t phase_size, struct nr_err *err)
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
        if (version && !gate_covers(nr_stmt_text(s, 3) ? nr_stmt_text(s, 3) : "*", version))
            continue;
        gate_copy(ans->status, sizeof(ans->status), "under_review");
        /* R11: the case itself is named only to those who may see it. */
        nr_arena_init(&ar);
        if (a && nr_case_get(rv, a, nr_stmt_int(s, 0), &ar, &c, NULL) == 0) {
            ans->case_id = nr_stmt_int(s, 0);
            gate_copy(case_ref, ref_size, nr_stmt_text(s, 1));
            gate_copy(phase, phase_size, nr_stmt_text(s, 2));
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
static void gate_procurement(struct nr_gate_answer *ans, const struct gate_operator *op,
                             const char *case_ref, const char *decided_on, const char *phase,
                             bool known)
{
    char text[1024], what[512];
    const char *tail = op->cii ? "a CII operator may procure it only after a review (Measures "
                                 "Art. 11)"
                               : "no review result is in force; procurement allowed "
                                 "(Measures Art. 10)";

    if (strcmp(ans->status, "passed") == 0) {
        gate_copy(ans->procurement, sizeof(ans->procurement), "prioritized");
        snprintf(text, sizeof(text),
                 "passed review %s on %s, valid until %s; procurement prioritized (Measures Art. "
                 "10)",
                 case_ref, decided_on, ans->valid_until);
    } else if (strcmp(ans->status, "passed_with_conditions") == 0) {
        gate_copy(ans->procurement, sizeof(ans->procurement), "allowed_with_conditions");
        snprintf(text, sizeof(text),
                 "passed review %s with conditions on %s, valid until %s; procurement allowed "
                 "under its conditions (Measures Art. 10)",
                 case_ref, decided_on, ans->valid_until);
    } else if (strcmp(ans->status, "failed") == 0) {
        gate_copy(ans->procurement, sizeof(ans->procurement), "prohibited");
        snprintf(text, sizeof(text),
                 "failed review %s on %s; procurement prohibited (Measures Art. 10)", case_ref,
                 decided_on);
    } else {
        gate_copy(ans->procurement, sizeof(ans->procurement),
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
    gate_copy(ans->reason, sizeof(ans->reason), text);
}

int nr_gate_check(struct nr_review *rv, const struct nr_actor *a, const struct nr_gate_query *q,
                  struct nr_gate_answer *ans, struct nr_err *err)
{
    struct gate_operator op;
    struct nr__viewer v;
    struct nr_err lerr;
    const char *ref;
    char version[NR_VERSION_MAX + 1], today[NR_DATE_STR],
        case_ref[64] = "", decided_on[NR_DATE_STR] = "", phase[64] = "";
    int64_t product_id = 0;
    bool known = true;
    int rc;

    memset(ans, 0, sizeof(*ans));
    ref = !gate_blank(q->product) ? q->product : !gate_blank(q->cpe) ? q->cpe : q->purl;
    if (gate_blank(ref))
        return nr_err_set(err, NR_EINVAL, "product",
                          "the gate needs a product: its name or id, a CPE or a package URL");
    if (strlen(ref) > GATE_REF_MAX)
        return nr_err_set(err, NR_ETOOBIG, "product", "product is longer than %d bytes",
                          GATE_REF_MAX);
    rc = gate_version(q, version, err);
    if (rc == 0)
        rc = gate_operator_load(rv, a, q, &op, err);
    if (rc)
        return rc;
    gate_viewer(a, &op, &v);
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
    gate_copy(ans->version, sizeof(ans->version), version);
    if (known) {
        char *name = NULL;
        rc = nr_store_query_text(rv->st, err, &name, "SELECT name FROM products WHERE id = ?", "i",
                                 product_id);
        if (rc)
            return rc;
        gate_copy(ans->product, sizeof(ans->product), name);
        nr_free(name);
        rc = gate_decision(rv, &v, product_id, version[0] ? version : NULL, today, ans, case_ref,
                           sizeof(case_ref), decided_on, err);
        if (rc == 0 && ans->status[0] == '\0')
            rc = gate_open_case(rv, a, &v, product_id, version[0] ? version : NULL, ans, case_ref,
                                sizeof(case_ref), phase, sizeof(phase), err);
        if (rc) {
            memset(ans, 0, sizeof(*ans));
            return rc;
        }
    } else {
        gate_copy(ans->product, sizeof(ans->product), ref);
    }
    if (ans->status[0] == '\0')
        gate_copy(ans->status, sizeof(ans->status), "not_reviewed");
    gate_procurement(ans, &op, case_ref, decided_on, phase, known);
    gate_copy(ans->case_ref, sizeof(ans->case_ref), case_ref);
    return 0;
}

static json_t *gate_str(const char *s)
{
    json_t *j = s && *s ? json_string(s) : NULL;
    return j ? j : json_null();
}

static json_t *gate_id(int64_t id)
{
    return id > 0 ? json_integer(id) : json_null();
}

json_t *nr_gate_answer_json(const struct nr_gate_answer *ans)
{
    json_t *o = json_object();

    json_object_set_new(o, "status", gate_str(ans->status));
    json_object_set_new(o, "procurement", gate_str(ans->procurement));
    json_object_set_new(o, "product", gate_str(ans->product));
    json_object_set_new(o, "product_id", gate_id(ans->product_id));
    json_object_set_new(o, "version", gate_str(ans->version));
    json_object_set_new(o, "decision_id", gate_id(ans->decision_id));
    json_object_set_new(o, "case_id", gate_id(ans->case_id));
    json_object_set_new(o, "case_ref", ans->case_ref[0] ? json_string(ans->case_ref) : json_null());
    json_object_set_new(o, "outcome", gate_str(ans->outcome));
    json_object_set_new(o, "valid_until", gate_str(ans->valid_until));
    json_object_set_new(o, "conditions", gate_str(ans->conditions));
    json_object_set_new(o, "reason", gate_str(ans->reason));
    return o;
}
