/*
 * gate.c - the procurement gate (R9): for a product and version, named by id, name, CPE 2.3 or
 * package URL, what a procurement system may do; and the feed of decision changes that lets a
 * procurement system keep a local copy. Interface: gate.h. Which decisions an asker may see is
 * decided by the rules of decision_int.h, shared with the decision register.
 *
 * Every answer comes from an index: nr_gate_index_build reads, once, everything an answer can
 * need into an immutable snapshot (an arena, sorted arrays and glibc hash tables), and
 * nr_gate_index_check answers from it with a few lookups and range matches and no store access.
 * The server keeps one index and rebuilds it when decisions change; the command line builds one
 * per call (nr_gate_check). There is one code path for the answer, so both always agree.
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

#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netreview/banned.h"

#define GATE_REF_MAX   4096 /* bytes of a product reference, CPE or purl in a query */
#define GATE_FEED_MAX  1000 /* items of one feed page */
#define GATE_FEED_DFLT 100

/* ---- the index ---- */

/* A decision in force on its case (status active, the case in a phase where decisions are
 * valid), with its range parsed once. */
struct gate_decision {
    int64_t id, case_id;
    const char *case_ref, *outcome, *conditions, *valid_from, *valid_until, *visibility, *audience;
    char decided_on[NR_DATE_STR];
    struct nr_range range;
    bool covers_all; /* the range is "*": it answers for a query without a version */
    bool published;  /* a publication that is not withdrawn */
};

/* A case of a product in a phase that is not terminal, with what nr_case_visible needs to know
 * whether the asker may be told which case it is (R11). */
struct gate_case {
    int64_t id;
    const char *ref, *phase, *sector;
    int64_t provider_id, operator_id, raised_by_org;
    const int64_t *institutions; /* orgs of the institutions holding a task, sorted */
    size_t ninstitutions;
    const int64_t *experts; /* users on its panel, not excluded, sorted */
    size_t nexperts;
    struct nr_range range; /* the versions under review */
    bool decision_valid;   /* its phase keeps a decision in force */
    bool unpublished;      /* it holds an active decision that is not published */
};

struct gate_product {
    int64_t id;
    const char *name;
    const struct gate_decision *decisions; /* latest first */
    size_t ndecisions;
    const struct gate_case *cases; /* latest opened first */
    size_t ncases;
};

struct gate_org {
    int64_t id;
    const char *name, *sector;
    bool cii;
};

/* A product known by a name, CPE product key or purl base. Several hits under one key make the
 * reference ambiguous (or, for a CPE, are told apart by the part). */
struct gate_hit {
    size_t product; /* index into products (into orgs in org_by_name) */
    const char *part;
    struct gate_hit *next;
};

struct nr_gate_index {
    struct nr_arena ar;
    char generation[NR_GATE_GENERATION_MAX];
    struct gate_product *products; /* sorted by id */
    size_t nproducts;
    struct gate_org *orgs; /* sorted by id */
    size_t norgs;
    struct gate_decision *decisions;
    size_t ndecisions;
    struct gate_case *cases;
    size_t ncases;
    /* glibc's reentrant hash tables; a FIND only reads, so concurrent checks are safe. */
    struct hsearch_data by_name, by_cpe, by_purl, org_by_name;
};

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

static bool gate_all_digits(const char *s)
{
    if (s == NULL || *s == '\0')
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* An id as the registry reads one (nr_product_find, nr_org_find): digits only, positive. */
static bool gate_parse_id(const char *s, int64_t *id)
{
    int64_t v = 0;

    if (!gate_all_digits(s) || strlen(s) > 18)
        return false;
    for (; *s; s++)
        v = v * 10 + (*s - '0');
    *id = v;
    return v > 0;
}

static int gate_id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Orders pointers to cases by the case id. */
static int gate_case_ptr_cmp(const void *a, const void *b)
{
    const struct gate_case *x = *(const struct gate_case *const *)a;
    const struct gate_case *y = *(const struct gate_case *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static bool gate_has_id(const int64_t *ids, size_t n, int64_t id)
{
    return n > 0 && bsearch(&id, ids, n, sizeof(*ids), gate_id_cmp) != NULL;
}

/* Products and organisations start with their id, so one comparison finds both. */
static const struct gate_product *gate_product_by_id(const struct nr_gate_index *idx, int64_t id)
{
    return idx->nproducts
               ? bsearch(&id, idx->products, idx->nproducts, sizeof(*idx->products), gate_id_cmp)
               : NULL;
}

static const struct gate_org *gate_org_by_id(const struct nr_gate_index *idx, int64_t id)
{
    return idx->norgs ? bsearch(&id, idx->orgs, idx->norgs, sizeof(*idx->orgs), gate_id_cmp) : NULL;
}

static void *gate_find(const struct hsearch_data *tab, const char *key)
{
    ENTRY want = {.key = (char *)key, .data = NULL}, *hit = NULL;

    /* hsearch_r takes a non-const table for ENTER; FIND only reads it. */
    if (key == NULL || hsearch_r(want, FIND, &hit, (struct hsearch_data *)tab) == 0)
        return NULL;
    return hit->data;
}

/* Adds product (index) under key, after the hits already there, once per (product, part). */
static int gate_enter(struct nr_gate_index *idx, struct hsearch_data *tab, const char *key,
                      size_t product, const char *part, struct nr_err *err)
{
    ENTRY want, *slot = NULL;
    struct gate_hit *h, **tail;

    want.key = nr_arena_strdup(&idx->ar, key);
    want.data = NULL;
    if (hsearch_r(want, ENTER, &slot, tab) == 0)
        return nr_err_set(err, NR_ENOMEM, NULL, "the gate index is full");
    for (tail = (struct gate_hit **)&slot->data; *tail; tail = &(*tail)->next)
        if ((*tail)->product == product &&
            ((*tail)->part == part || ((*tail)->part && part && strcmp((*tail)->part, part) == 0)))
            return 0;
    h = nr_arena_alloc(&idx->ar, sizeof(*h));
    h->product = product;
    h->part = part ? nr_arena_strdup(&idx->ar, part) : NULL;
    *tail = h;
    return 0;
}

/* The CPE product key and part of a stored CPE; false when it does not parse. */
static bool gate_cpe_key(const char *text, struct nr_buf *key, char part[8])
{
    struct nr_cpe c;
    bool ok;

    nr_cpe_init(&c);
    nr_buf_reset(key);
    ok = text && nr_cpe_parse(&c, text, NULL) == 0 && nr_cpe_product_key(&c, key) == 0 && key->p;
    if (ok)
        gate_copy(part, 8, c.attr[NR_CPE_PART]);
    nr_cpe_release(&c);
    return ok;
}

static bool gate_purl_key(const char *text, struct nr_buf *key)
{
    struct nr_purl p;
    bool ok;

    nr_purl_init(&p);
    nr_buf_reset(key);
    ok = text && nr_purl_parse(&p, text, NULL) == 0 && nr_purl_base(&p, key) == 0 && key->p;
    nr_purl_release(&p);
    return ok;
}

/* Grows a malloc'd array of elements of size sz so that it holds n + 1. */
static void *gate_grow(void *p, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return p;
    *cap = *cap ? *cap * 2 : 64;
    return nr_realloc(p, *cap * sz);
}

static int gate_load_orgs(struct nr_review *rv, struct nr_gate_index *idx, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    size_t cap = 0;
    int rc;

    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT id, name, sector, cii FROM orgs ORDER BY id", "");
    if (rc)
        return rc;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        struct gate_org *o;

        idx->orgs = gate_grow(idx->orgs, &cap, idx->norgs, sizeof(*idx->orgs));
        o = &idx->orgs[idx->norgs++];
        o->id = nr_stmt_int(s, 0);
        o->name = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 1));
        o->sector = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 2));
        o->cii = nr_stmt_int(s, 3) != 0;
    }
    nr_stmt_free(s);
    return rc < 0 ? rc : 0;
}

/* Products and the identifiers they are known by: products.cpe and .purl, then the versions'
 * (the order in which nr_product_find scans them). */
static int gate_load_products(struct nr_review *rv, struct nr_gate_index *idx, struct nr_err *err)
{
    struct ident {
        int64_t product_id;
        char *cpe, *purl;
    } *ids = NULL;
    struct nr_stmt *s = NULL;
    struct nr_buf key;
    size_t cap = 0, nids = 0, idcap = 0, slots;
    char part[8];
    int rc;

    nr_buf_init(&key, NR_PURL_MAX * 3 + NR_CPE_MAX);
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT id, name, cpe, purl FROM products ORDER BY id", "");
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        struct gate_product *p;

        idx->products = gate_grow(idx->products, &cap, idx->nproducts, sizeof(*idx->products));
        p = &idx->products[idx->nproducts++];
        memset(p, 0, sizeof(*p));
        p->id = nr_stmt_int(s, 0);
        p->name = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 1));
        ids = gate_grow(ids, &idcap, nids, sizeof(*ids));
        ids[nids].product_id = p->id;
        ids[nids].cpe = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 2));
        ids[nids++].purl = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 3));
    }
    nr_stmt_free(s);
    s = NULL;
    if (rc < 0)
        goto out;
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT product_id, cpe, purl FROM product_versions WHERE cpe IS NOT NULL OR purl IS NOT "
        "NULL ORDER BY id",
        "");
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        ids = gate_grow(ids, &idcap, nids, sizeof(*ids));
        ids[nids].product_id = nr_stmt_int(s, 0);
        ids[nids].cpe = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 1));
        ids[nids++].purl = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 2));
    }
    nr_stmt_free(s);
    s = NULL;
    if (rc < 0)
        goto out;

    /* Half full at most: glibc's open addressing slows down as the table fills. */
    slots = 2 * (idx->nproducts + nids + idx->norgs) + 64;
    if (hcreate_r(slots, &idx->by_name) == 0 || hcreate_r(slots, &idx->by_cpe) == 0 ||
        hcreate_r(slots, &idx->by_purl) == 0 || hcreate_r(slots, &idx->org_by_name) == 0) {
        rc = nr_err_set(err, NR_ENOMEM, NULL, "cannot create the gate index");
        goto out;
    }
    rc = 0;
    for (size_t i = 0; rc == 0 && i < idx->norgs; i++)
        if (idx->orgs[i].name)
            rc = gate_enter(idx, &idx->org_by_name, idx->orgs[i].name, i, NULL, err);
    for (size_t i = 0; rc == 0 && i < idx->nproducts; i++)
        if (idx->products[i].name)
            rc = gate_enter(idx, &idx->by_name, idx->products[i].name, i, NULL, err);
    for (size_t i = 0; rc == 0 && i < nids; i++) {
        const struct gate_product *p = gate_product_by_id(idx, ids[i].product_id);
        size_t pi;

        if (p == NULL)
            continue;
        pi = (size_t)(p - idx->products);
        if (gate_cpe_key(ids[i].cpe, &key, part))
            rc = gate_enter(idx, &idx->by_cpe, key.p, pi, part, err);
        if (rc == 0 && gate_purl_key(ids[i].purl, &key))
            rc = gate_enter(idx, &idx->by_purl, key.p, pi, NULL, err);
    }
out:
    nr_stmt_free(s);
    nr_free(ids);
    nr_buf_release(&key);
    return rc;
}

/* Parses a stored range; a range that does not parse covers nothing. */
static void gate_range(struct nr_range *r, const char *expr, bool *covers_all)
{
    struct nr_buf norm;

    nr_range_init(r);
    if (covers_all)
        *covers_all = false;
    if (expr == NULL || nr_range_parse(r, expr, NULL) != 0)
        return;
    if (covers_all) {
        nr_buf_init(&norm, NR_RANGE_EXPR_MAX * 2);
        *covers_all = nr_range_normalize(r, &norm) == 0 && norm.p && strcmp(norm.p, "*") == 0;
        nr_buf_release(&norm);
    }
}

/* The product of a row, for filling it while the index is built. */
static struct gate_product *gate_product_of_row(struct nr_gate_index *idx, int64_t product_id)
{
    return (struct gate_product *)gate_product_by_id(idx, product_id);
}

static int gate_load_decisions(struct nr_review *rv, struct nr_gate_index *idx, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    size_t cap = 0, *first = NULL;
    int rc;

    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT d.product_id, d.id, d.case_id, c.ref, c.phase, d.outcome, d.conditions, "
        "d.versions, d.valid_from, d.valid_until, d.visibility, d.audience, d.decided_at, "
        "(SELECT COUNT(*) FROM publications pb WHERE pb.decision_id = d.id AND "
        "pb.withdrawn_at IS NULL) FROM decisions d JOIN cases c ON c.id = d.case_id "
        "WHERE d.product_id IS NOT NULL AND d.status = 'active' "
        "ORDER BY d.product_id, d.decided_at DESC, d.id DESC",
        "");
    if (rc)
        return rc;
    first = nr_calloc(idx->nproducts + 1, sizeof(*first));
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const struct nr_phase *ph = nr_procedure_phase(&rv->proc, nr_stmt_text(s, 4));
        struct gate_product *p = gate_product_of_row(idx, nr_stmt_int(s, 0));
        struct gate_decision *d;

        /* A decision counts only while its case is in a phase where decisions are in force: a
         * revoked, withdrawn or superseded case does not. */
        if (p == NULL || ph == NULL || !ph->decision_valid || ph->terminal)
            continue;
        idx->decisions = gate_grow(idx->decisions, &cap, idx->ndecisions, sizeof(*idx->decisions));
        d = &idx->decisions[idx->ndecisions];
        memset(d, 0, sizeof(*d));
        d->id = nr_stmt_int(s, 1);
        d->case_id = nr_stmt_int(s, 2);
        d->case_ref = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 3));
        d->outcome = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 5));
        d->conditions = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 6));
        gate_range(&d->range, nr_stmt_text(s, 7), &d->covers_all);
        d->valid_from = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 8));
        d->valid_until = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 9));
        d->visibility = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 10));
        d->audience = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 11));
        gate_copy(d->decided_on, sizeof(d->decided_on), nr_stmt_text(s, 12));
        d->published = nr_stmt_int(s, 13) > 0;
        /* Rows come grouped by product: remember where each group starts (index + 1). */
        if (p->ndecisions++ == 0)
            first[p - idx->products] = idx->ndecisions + 1;
        idx->ndecisions++;
    }
    nr_stmt_free(s);
    if (rc >= 0) {
        rc = 0;
        for (size_t i = 0; i < idx->nproducts; i++)
            if (first[i])
                idx->products[i].decisions = &idx->decisions[first[i] - 1];
    }
    nr_free(first);
    return rc;
}

/* Pairs (case id, member id) in case order, gathered into each open case's sorted list. */
static int gate_load_members(struct nr_review *rv, struct nr_gate_index *idx,
                             struct gate_case **by_id, const char *sql, bool institutions,
                             struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int64_t *run = NULL, run_case = 0;
    size_t nrun = 0, cap = 0;
    int rc;

    rc = nr_store_prepare_bind(rv->st, err, &s, sql, "");
    if (rc)
        return rc;
    for (;;) {
        int64_t case_id = 0;

        rc = nr_stmt_step(s, err);
        if (rc == NR_STORE_ROW)
            case_id = nr_stmt_int(s, 0);
        /* A run of rows of one case ends: keep its members on the case, if it is open. */
        if (nrun > 0 && (rc != NR_STORE_ROW || case_id != run_case)) {
            struct gate_case key = {.id = run_case}, *kp = &key, **hit = NULL;
            int64_t *copy;

            if (idx->ncases)
                hit = bsearch(&kp, by_id, idx->ncases, sizeof(*by_id), gate_case_ptr_cmp);
            if (hit) {
                copy = nr_arena_alloc(&idx->ar, nrun * sizeof(*copy));
                memcpy(copy, run, nrun * sizeof(*copy));
                qsort(copy, nrun, sizeof(*copy), gate_id_cmp);
                if (institutions) {
                    (*hit)->institutions = copy;
                    (*hit)->ninstitutions = nrun;
                } else {
                    (*hit)->experts = copy;
                    (*hit)->nexperts = nrun;
                }
            }
            nrun = 0;
        }
        if (rc != NR_STORE_ROW)
            break;
        run_case = case_id;
        run = gate_grow(run, &cap, nrun, sizeof(*run));
        run[nrun++] = nr_stmt_int(s, 1);
    }
    nr_stmt_free(s);
    nr_free(run);
    return rc < 0 ? rc : 0;
}

static int gate_load_cases(struct nr_review *rv, struct nr_gate_index *idx, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct gate_case **by_id = NULL;
    size_t cap = 0, *first = NULL;
    int rc;

    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT c.product_id, c.id, c.ref, c.phase, c.versions, c.sector, c.operator_id, "
        "c.raised_by_org, p.provider_id, (SELECT COUNT(*) FROM decisions d WHERE "
        "d.case_id = c.id AND d.status = 'active' AND NOT EXISTS (SELECT 1 FROM publications pb "
        "WHERE pb.decision_id = d.id AND pb.withdrawn_at IS NULL)) FROM cases c "
        "JOIN products p ON p.id = c.product_id ORDER BY c.product_id, c.opened_at DESC, c.id DESC",
        "");
    if (rc)
        return rc;
    first = nr_calloc(idx->nproducts + 1, sizeof(*first));
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const struct nr_phase *ph = nr_procedure_phase(&rv->proc, nr_stmt_text(s, 3));
        struct gate_product *p = gate_product_of_row(idx, nr_stmt_int(s, 0));
        const char *versions = nr_stmt_text(s, 4);
        struct gate_case *c;

        if (p == NULL || ph == NULL || ph->terminal)
            continue;
        idx->cases = gate_grow(idx->cases, &cap, idx->ncases, sizeof(*idx->cases));
        c = &idx->cases[idx->ncases];
        memset(c, 0, sizeof(*c));
        c->id = nr_stmt_int(s, 1);
        c->ref = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 2));
        c->phase = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 3));
        gate_range(&c->range, versions ? versions : "*", NULL);
        c->sector = nr_arena_strdup(&idx->ar, nr_stmt_text(s, 5));
        c->operator_id = nr_stmt_int(s, 6);
        c->raised_by_org = nr_stmt_int(s, 7);
        c->provider_id = nr_stmt_int(s, 8);
        c->unpublished = nr_stmt_int(s, 9) > 0;
        c->decision_valid = ph->decision_valid;
        if (p->ncases++ == 0)
            first[p - idx->products] = idx->ncases + 1;
        idx->ncases++;
    }
    nr_stmt_free(s);
    if (rc < 0)
        goto out;
    for (size_t i = 0; i < idx->nproducts; i++)
        if (first[i])
            idx->products[i].cases = &idx->cases[first[i] - 1];
    /* Who may be told which case is under review (R11): the institutions holding a task and
     * the experts sitting on its panel, as nr_case_visible counts them. */
    by_id = nr_calloc(idx->ncases + 1, sizeof(*by_id));
    for (size_t i = 0; i < idx->ncases; i++)
        by_id[i] = &idx->cases[i];
    qsort(by_id, idx->ncases, sizeof(*by_id), gate_case_ptr_cmp);
    rc = gate_load_members(rv, idx, by_id,
                           "SELECT t.case_id, i.org_id FROM tasks t JOIN institutions i "
                           "ON i.id = t.institution_id ORDER BY t.case_id",
                           true, err);
    if (rc == 0)
        rc = gate_load_members(rv, idx, by_id,
                               "SELECT p.case_id, e.user_id FROM panel_members m JOIN panels p "
                               "ON p.id = m.panel_id JOIN experts e ON e.id = m.expert_id "
                               "WHERE m.status <> 'excluded' ORDER BY p.case_id",
                               false, err);
out:
    nr_free(by_id);
    nr_free(first);
    return rc < 0 ? rc : 0;
}

int nr_gate_generation(struct nr_review *rv, char gen[NR_GATE_GENERATION_MAX], struct nr_err *err)
{
    /* Every row the index reads, by the marks its changes leave: inserts raise a MAX(id) (rows
     * are never deleted), every phase change adds a case_phases row, and the updates that add
     * no row stamp a time. A generation that changes more often than needed costs a rebuild;
     * one that misses a change would answer from stale decisions. */
    static const char sql[] =
        "SELECT (SELECT MAX(id) FROM decisions), (SELECT MAX(revoked_at) FROM decisions), "
        "(SELECT COUNT(*) FROM decisions WHERE status = 'active'), "
        "(SELECT MAX(id) FROM publications), (SELECT MAX(withdrawn_at) FROM publications), "
        "(SELECT MAX(id) FROM case_phases), (SELECT MAX(id) FROM cases), "
        "(SELECT MAX(updated_at) FROM cases), (SELECT MAX(id) FROM products), "
        "(SELECT MAX(id) FROM product_versions), (SELECT MAX(id) FROM orgs), "
        "(SELECT MAX(id) FROM tasks), (SELECT MAX(id) FROM panel_members), "
        "(SELECT MAX(at) FROM panel_members)";
    struct nr_stmt *s = NULL;
    struct nr_buf b;
    int rc;

    gen[0] = '\0';
    rc = nr_store_prepare_bind(rv->st, err, &s, sql, "");
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        nr_buf_init(&b, NR_GATE_GENERATION_MAX - 1);
        for (int i = 0; i < nr_stmt_columns(s); i++) {
            const char *t = nr_stmt_text(s, i);
            nr_buf_printf(&b, "%s%.40s", i ? "/" : "", t ? t : "-");
        }
        gate_copy(gen, NR_GATE_GENERATION_MAX, b.p);
        nr_buf_release(&b);
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_EDB, NULL, "the gate generation query returned no row");
    }
    nr_stmt_free(s);
    return rc;
}

void nr_gate_index_free(struct nr_gate_index *idx)
{
    if (idx == NULL)
        return;
    for (size_t i = 0; i < idx->ndecisions; i++)
        nr_range_release(&idx->decisions[i].range);
    for (size_t i = 0; i < idx->ncases; i++)
        nr_range_release(&idx->cases[i].range);
    /* A table never created is all zero, and hdestroy_r frees its NULL array. */
    hdestroy_r(&idx->by_name);
    hdestroy_r(&idx->by_cpe);
    hdestroy_r(&idx->by_purl);
    hdestroy_r(&idx->org_by_name);
    nr_free(idx->products);
    nr_free(idx->orgs);
    nr_free(idx->decisions);
    nr_free(idx->cases);
    nr_arena_release(&idx->ar);
    nr_free(idx);
}

int nr_gate_index_build(struct nr_review *rv, struct nr_gate_index **out, struct nr_err *err)
{
    struct nr_gate_index *idx = nr_calloc(1, sizeof(*idx));
    int rc;

    *out = NULL;
    nr_arena_init(&idx->ar);
    /* The generation is read first: a change made while the rest is read makes the index look
     * stale at the next poll (one rebuild too many), never fresh. */
    rc = nr_gate_generation(rv, idx->generation, err);
    if (rc == 0)
        rc = gate_load_orgs(rv, idx, err);
    if (rc == 0)
        rc = gate_load_products(rv, idx, err);
    if (rc == 0)
        rc = gate_load_decisions(rv, idx, err);
    if (rc == 0)
        rc = gate_load_cases(rv, idx, err);
    if (rc) {
        nr_gate_index_free(idx);
        return rc;
    }
    *out = idx;
    return 0;
}

const char *nr_gate_index_generation(const struct nr_gate_index *idx)
{
    return idx->generation;
}

/* ---- the answer ---- */

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

/* Merges the hits under a key into one product; two different ones make the reference
 * ambiguous, as nr_product_find says. part NULL takes every hit; "*" any part. */
static int gate_hits(const struct nr_gate_index *idx, const struct gate_hit *h, const char *part,
                     const char *field, const char *ref, size_t *out, struct nr_err *err)
{
    const struct gate_product *found = NULL;

    for (; h; h = h->next) {
        const struct gate_product *p = &idx->products[h->product];

        if (part && strcmp(part, "*") != 0 && (h->part == NULL || strcmp(part, h->part) != 0))
            continue;
        if (found && found != p)
            return nr_err_set(err, NR_EINVAL, field, "%.300s identifies products %lld and %lld",
                              ref, (long long)found->id, (long long)p->id);
        found = p;
    }
    if (found == NULL)
        return NR_ENOTFOUND;
    *out = (size_t)(found - idx->products);
    return 0;
}

/* nr_product_find on the index: by id, exact name, CPE (part, vendor and product) or package URL
 * (base). NR_ENOTFOUND when no product is known by ref. */
static int gate_product_find(const struct nr_gate_index *idx, const char *ref, size_t *out,
                             struct nr_err *err)
{
    const struct gate_product *p;
    const struct gate_hit *h;
    struct nr_buf key;
    int64_t id = 0;
    int rc;

    if (strncasecmp(ref, "cpe:", 4) == 0) {
        struct nr_cpe want;

        nr_cpe_init(&want);
        nr_buf_init(&key, NR_CPE_MAX * 2);
        rc = nr_cpe_parse(&want, ref, err);
        if (rc == 0)
            rc = nr_cpe_product_key(&want, &key);
        if (rc == 0)
            rc = gate_hits(idx, gate_find(&idx->by_cpe, key.p), want.attr[NR_CPE_PART], "cpe", ref,
                           out, err);
        nr_buf_release(&key);
        nr_cpe_release(&want);
        return rc;
    }
    if (strncasecmp(ref, "pkg:", 4) == 0) {
        struct nr_purl want;

        nr_purl_init(&want);
        nr_buf_init(&key, NR_PURL_MAX * 3 + 1);
        rc = nr_purl_parse(&want, ref, err);
        if (rc == 0)
            rc = nr_purl_base(&want, &key);
        if (rc == 0)
            rc = gate_hits(idx, gate_find(&idx->by_purl, key.p), NULL, "purl", ref, out, err);
        nr_buf_release(&key);
        nr_purl_release(&want);
        return rc;
    }
    if (gate_parse_id(ref, &id)) {
        p = gate_product_by_id(idx, id);
        if (p == NULL)
            return NR_ENOTFOUND;
        *out = (size_t)(p - idx->products);
        return 0;
    }
    h = gate_find(&idx->by_name, ref);
    if (h == NULL)
        return NR_ENOTFOUND;
    /* Two providers may name products alike; guessing would answer the gate for the wrong one. */
    if (h->next) {
        long long n = 0;
        for (; h; h = h->next)
            n++;
        return nr_err_set(err, NR_EINVAL, "product",
                          "%lld products are named %.200s; give the product id, its CPE or its "
                          "package URL",
                          n, ref);
    }
    *out = h->product;
    return 0;
}

/* The operator asking: its id, sector and whether it is a CII operator. */
struct gate_operator {
    int64_t id;
    bool cii;
    const char *sector;
};

static int gate_operator_find(const struct nr_gate_index *idx, const struct nr_actor *a,
                              const struct nr_gate_query *q, struct gate_operator *op,
                              struct nr_err *err)
{
    const struct gate_org *o = NULL;
    int64_t id = 0;

    memset(op, 0, sizeof(*op));
    if (!gate_blank(q->operator_org)) {
        if (strlen(q->operator_org) > GATE_REF_MAX)
            return nr_err_set(err, NR_ETOOBIG, "operator", "operator is longer than %d bytes",
                              GATE_REF_MAX);
        /* nr_org_find: an id, else the exact name. */
        if (gate_parse_id(q->operator_org, &id)) {
            o = gate_org_by_id(idx, id);
        } else {
            const struct gate_hit *h = gate_find(&idx->org_by_name, q->operator_org);
            o = h ? &idx->orgs[h->product] : NULL;
        }
        if (o == NULL)
            return nr_err_set(err, NR_ENOTFOUND, "operator", "no organisation %.200s",
                              q->operator_org);
    } else if (a && a->role == NR_ROLE_OPERATOR && a->org_id > 0) {
        /* An operator's own procurement system asks for its operator. */
        o = gate_org_by_id(idx, a->org_id);
        if (o == NULL)
            return nr_err_set(err, NR_ENOTFOUND, "operator", "no organisation %lld",
                              (long long)a->org_id);
    } else {
        return 0;
    }
    op->id = o->id;
    op->cii = o->cii;
    op->sector = o->sector;
    return 0;
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

/* R11: may the asker be told which case is under review? The same rule as nr_case_visible
 * (case.c), on what the index holds about the case; test_gate_index checks that they agree. */
static bool gate_case_visible(const struct nr_actor *a, const struct gate_case *c)
{
    if (a->local_admin)
        return true;
    switch (a->role) {
    case NR_ROLE_COMMITTEE:
    case NR_ROLE_OFFICE:
        return true;
    case NR_ROLE_SECTOR_DEPT:
    case NR_ROLE_PROTECTION_DEPT:
        /* R8, R1: departments see the cases of their own sector. */
        return a->sector[0] && c->sector && strcmp(a->sector, c->sector) == 0;
    case NR_ROLE_INSTITUTION:
        /* R11: an institution sees only the cases where it holds a task. */
        return gate_has_id(c->institutions, c->ninstitutions, a->org_id);
    case NR_ROLE_EXPERT:
        /* R11: an expert sees only the cases of the panels it sits on. */
        return a->user_id > 0 && gate_has_id(c->experts, c->nexperts, a->user_id);
    case NR_ROLE_PROVIDER:
        return c->provider_id != 0 && c->provider_id == a->org_id;
    case NR_ROLE_OPERATOR:
        return (c->operator_id && c->operator_id == a->org_id) ||
               (c->raised_by_org && c->raised_by_org == a->org_id);
    case NR_ROLE_ASSOCIATION:
    case NR_ROLE_STATE_DEPT:
        return c->raised_by_org && c->raised_by_org == a->org_id;
    default:
        return false;
    }
}

/* Does the decision cover version? Without a version only "*" covers it: the asker did not say
 * which version, so only a decision on every version answers for it. */
static bool gate_covers(const struct gate_decision *d, const char *version)
{
    return version ? nr_range_match(&d->range, version) : d->covers_all;
}

/* R9: the latest decision in force that covers the version and that the asker may see. */
static const struct gate_decision *gate_decision(const struct gate_product *p,
                                                 const struct nr__viewer *v, const char *version,
                                                 const char *today)
{
    for (size_t i = 0; i < p->ndecisions; i++) {
        const struct gate_decision *d = &p->decisions[i];

        if (!nr__decision_visible(v, d->visibility, d->audience, d->published))
            continue;
        if (!gate_covers(d, version))
            continue;
        if (d->valid_from && strcmp(d->valid_from, today) > 0)
            continue;
        return d;
    }
    return NULL;
}

/* An open review of the product covering the version: not yet decided, or decided and not yet
 * published for an asker who only sees published results. */
static const struct gate_case *gate_open_case(const struct gate_product *p,
                                              const struct nr__viewer *v, const char *version)
{
    for (size_t i = 0; i < p->ncases; i++) {
        const struct gate_case *c = &p->cases[i];

        if (c->decision_valid && (v->all || !c->unpublished))
            continue;
        /* Without a version, a review of any version of the product is news to the asker. */
        if (version && !nr_range_match(&c->range, version))
            continue;
        return c;
    }
    return NULL;
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

/* Today's date, formatted once a day per thread rather than once per answer. */
static void gate_today(char out[NR_DATE_STR])
{
    static _Thread_local int32_t day = INT32_MIN;
    static _Thread_local char text[NR_DATE_STR];
    int32_t now = nr_date_from_time(nr_time_now());

    if (now != day) {
        nr_date_fmt(now, text);
        day = now;
    }
    memcpy(out, text, NR_DATE_STR);
}

int nr_gate_index_check(const struct nr_gate_index *idx, const struct nr_actor *a,
                        const struct nr_gate_query *q, struct nr_gate_answer *ans,
                        struct nr_err *err)
{
    const struct gate_product *p = NULL;
    const struct gate_decision *d = NULL;
    const struct gate_case *c = NULL;
    struct gate_operator op;
    struct nr__viewer v;
    struct nr_err lerr;
    const char *ref, *version, *case_ref = "", *decided_on = "", *phase = "";
    char vbuf[NR_VERSION_MAX + 1], today[NR_DATE_STR];
    size_t pi = 0;
    int rc;

    memset(ans, 0, sizeof(*ans));
    ref = !gate_blank(q->product) ? q->product : !gate_blank(q->cpe) ? q->cpe : q->purl;
    if (gate_blank(ref))
        return nr_err_set(err, NR_EINVAL, "product",
                          "the gate needs a product: its name or id, a CPE or a package URL");
    if (strlen(ref) > GATE_REF_MAX)
        return nr_err_set(err, NR_ETOOBIG, "product", "product is longer than %d bytes",
                          GATE_REF_MAX);
    rc = gate_version(q, vbuf, err);
    if (rc == 0)
        rc = gate_operator_find(idx, a, q, &op, err);
    if (rc)
        return rc;
    version = vbuf[0] ? vbuf : NULL;
    gate_viewer(a, &op, &v);
    gate_today(today);

    nr_err_init(&lerr);
    rc = gate_product_find(idx, ref, &pi, &lerr);
    if (rc == 0) {
        p = &idx->products[pi];
    } else if (rc != NR_ENOTFOUND) {
        return nr_err_set(err, rc, lerr.field[0] ? lerr.field : "product", "%s", lerr.msg);
    }
    /* An unknown product is an answer, not an error (gate.h). */
    ans->product_id = p ? p->id : 0;
    gate_copy(ans->product, sizeof(ans->product), p ? p->name : ref);
    gate_copy(ans->version, sizeof(ans->version), vbuf);
    if (p)
        d = gate_decision(p, &v, version, today);
    if (d) {
        ans->decision_id = d->id;
        ans->case_id = d->case_id;
        case_ref = d->case_ref ? d->case_ref : "";
        decided_on = d->decided_on;
        gate_copy(ans->outcome, sizeof(ans->outcome), d->outcome);
        gate_copy(ans->conditions, sizeof(ans->conditions), d->conditions);
        gate_copy(ans->valid_until, sizeof(ans->valid_until), d->valid_until);
        /* R14: an expired decision turns the gate to expired. */
        if (d->valid_until && strcmp(d->valid_until, today) < 0)
            gate_copy(ans->status, sizeof(ans->status), "expired");
        else
            gate_copy(ans->status, sizeof(ans->status), d->outcome);
    } else if (p && (c = gate_open_case(p, &v, version)) != NULL) {
        gate_copy(ans->status, sizeof(ans->status), "under_review");
        /* R11: the case itself is named only to those who may see it. */
        if (a && gate_case_visible(a, c)) {
            ans->case_id = c->id;
            case_ref = c->ref ? c->ref : "";
            phase = c->phase ? c->phase : "";
        }
    }
    if (ans->status[0] == '\0')
        gate_copy(ans->status, sizeof(ans->status), "not_reviewed");
    gate_procurement(ans, &op, case_ref, decided_on, phase, p != NULL);
    gate_copy(ans->case_ref, sizeof(ans->case_ref), case_ref);
    return 0;
}

int nr_gate_check(struct nr_review *rv, const struct nr_actor *a, const struct nr_gate_query *q,
                  struct nr_gate_answer *ans, struct nr_err *err)
{
    struct nr_gate_index *idx = NULL;
    int rc;

    memset(ans, 0, sizeof(*ans));
    rc = nr_gate_index_build(rv, &idx, err);
    if (rc == 0)
        rc = nr_gate_index_check(idx, a, q, ans, err);
    nr_gate_index_free(idx);
    return rc;
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

/* True when s is UTF-8 as jansson accepts it (json_string): no overlong forms, surrogates or
 * code points past U+10FFFF. */
static bool gate_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s, n, cp;

        if (c < 0x80) {
            s++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, cp = c & 0x07;
        else
            return false;
        for (unsigned i = 1; i <= n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        s += n + 1;
    }
    return true;
}

/* A member as jansson's compact dump writes it: the literal lead (separator and key, as in
 * `,"reason":`), then the text with jansson's escapes, or null where gate_str gives null (empty,
 * or not UTF-8). */
static int gate_write_str(struct nr_buf *out, const char *lead, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *run;
    int rc = nr_buf_puts(out, lead);

    if (rc)
        return rc;
    if (s == NULL || *s == '\0' || !gate_utf8((const unsigned char *)s))
        return nr_buf_puts(out, "null");
    rc = nr_buf_puts(out, "\"");
    for (run = s; rc == 0 && *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8] = "\\";

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc = nr_buf_append(out, run, (size_t)(s - run));
        run = s + 1;
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xF];
        }
        if (rc == 0)
            rc = nr_buf_puts(out, esc);
    }
    if (rc == 0)
        rc = nr_buf_append(out, run, (size_t)(s - run));
    return rc ? rc : nr_buf_puts(out, "\"");
}

static int gate_write_id(struct nr_buf *out, const char *lead, int64_t id)
{
    char digits[24], *p = digits + sizeof(digits);
    int rc = nr_buf_puts(out, lead);

    if (rc || id <= 0)
        return rc ? rc : nr_buf_puts(out, "null");
    /* By hand: printf twice per id (nr_buf_printf) cost more than the rest of the member. */
    for (uint64_t v = (uint64_t)id; v; v /= 10)
        *--p = (char)('0' + v % 10);
    return nr_buf_append(out, p, (size_t)(digits + sizeof(digits) - p));
}

int nr_gate_answer_write(const struct nr_gate_answer *ans, struct nr_buf *out)
{
    int rc;

    /* nr_gate_answer_json's members in its order; test_gate_index compares the bytes. */
    rc = gate_write_str(out, "{\"status\":", ans->status);
    if (rc == 0)
        rc = gate_write_str(out, ",\"procurement\":", ans->procurement);
    if (rc == 0)
        rc = gate_write_str(out, ",\"product\":", ans->product);
    if (rc == 0)
        rc = gate_write_id(out, ",\"product_id\":", ans->product_id);
    if (rc == 0)
        rc = gate_write_str(out, ",\"version\":", ans->version);
    if (rc == 0)
        rc = gate_write_id(out, ",\"decision_id\":", ans->decision_id);
    if (rc == 0)
        rc = gate_write_id(out, ",\"case_id\":", ans->case_id);
    if (rc == 0)
        rc = gate_write_str(out, ",\"case_ref\":", ans->case_ref);
    if (rc == 0)
        rc = gate_write_str(out, ",\"outcome\":", ans->outcome);
    if (rc == 0)
        rc = gate_write_str(out, ",\"valid_until\":", ans->valid_until);
    if (rc == 0)
        rc = gate_write_str(out, ",\"conditions\":", ans->conditions);
    if (rc == 0)
        rc = gate_write_str(out, ",\"reason\":", ans->reason);
    return rc ? rc : nr_buf_puts(out, "}");
}

/* ---- the feed ---- */

enum gate_change { GATE_NEW, GATE_EXPIRED, GATE_SUPERSEDED, GATE_REVOKED, GATE_REREVIEW };
static const char *const gate_change_names[] = {"new", "expired", "superseded", "revoked",
                                                "rereview_suggested"};

struct gate_event {
    char at[NR_TIME_STR];
    int64_t decision_id;
    enum gate_change change;
    json_t *row;  /* the decision's fields, shared by its events */
    char *reason; /* rereview_suggested: the case's watch_reason (owned) */
};

static int gate_event_cmp(const void *pa, const void *pb)
{
    const struct gate_event *a = pa, *b = pb;
    int c = strcmp(a->at, b->at);

    if (c)
        return c;
    if (a->decision_id != b->decision_id)
        return a->decision_id < b->decision_id ? -1 : 1;
    return (int)a->change - (int)b->change;
}

/* A stored time as the feed's canonical "YYYY-MM-DDTHH:MM:SSZ"; false when it is none. */
static bool gate_time(const char *s, char out[NR_TIME_STR])
{
    time_t t;

    if (s == NULL || nr_time_parse(s, &t) != 0)
        return false;
    nr_time_fmt(t, out);
    return true;
}

static void gate_event_add(struct gate_event **ev, size_t *n, size_t *cap, const char *at,
                           int64_t decision_id, enum gate_change change, json_t *row)
{
    struct gate_event *e;

    *ev = gate_grow(*ev, cap, *n, sizeof(**ev));
    e = &(*ev)[(*n)++];
    gate_copy(e->at, sizeof(e->at), at);
    e->decision_id = decision_id;
    e->change = change;
    e->row = row;
    e->reason = NULL;
}

int nr_gate_feed(struct nr_review *rv, const struct nr_actor *a, const char *since, int limit,
                 json_t **out, struct nr_err *err)
{
    struct nr__viewer v;
    struct nr_stmt *s = NULL;
    struct gate_event *ev = NULL;
    json_t *rows = json_array(), *items = NULL;
    char since_at[NR_TIME_STR], now_at[NR_TIME_STR], floor_day[NR_DATE_STR], today[NR_DATE_STR];
    size_t n = 0, cap = 0, keep;
    time_t t;
    int rc;

    *out = NULL;
    if (gate_blank(since)) {
        rc = nr_err_set(err, NR_EINVAL, "since",
                        "the feed needs since: an ISO 8601 time (YYYY-MM-DDTHH:MM:SSZ or "
                        "YYYY-MM-DD)");
        goto out;
    }
    if (strlen(since) > 64 || nr_time_parse(since, &t) != 0) {
        rc = nr_err_set(err, NR_EINVAL, "since",
                        "since %.64s is not an ISO 8601 time (YYYY-MM-DDTHH:MM:SSZ or "
                        "YYYY-MM-DD)",
                        since);
        goto out;
    }
    if (limit <= 0)
        limit = GATE_FEED_DFLT;
    if (limit > GATE_FEED_MAX)
        limit = GATE_FEED_MAX;
    nr_time_fmt(t, since_at);
    nr_time_fmt(nr_time_now(), now_at);
    /* A decision that expired after since and by now has a valid_until from since's day - 1
     * to yesterday. */
    nr_date_fmt(nr_date_from_time(t) - 1, floor_day);
    nr_date_fmt(nr_date_from_time(nr_time_now()), today);
    nr__viewer_of_actor(a, &v);

    /* Every decision with something that may have happened after since: decided, published,
     * withdrawn from publication, revoked, superseded, or expiring. */
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT d.id, c.ref, d.product_id, p.name, d.versions, d.outcome, d.conditions, "
        "d.valid_until, d.visibility, d.audience, d.status, d.decided_at, d.revoked_at, "
        "(SELECT MIN(pb.published_at) FROM publications pb WHERE pb.decision_id = d.id), "
        "(SELECT MIN(n.decided_at) FROM decisions n JOIN cases nc ON nc.id = n.case_id "
        "WHERE n.id > d.id AND (n.case_id = d.case_id OR nc.re_review_of = d.case_id)), "
        "c.watch_at, c.watch_reason "
        "FROM decisions d JOIN cases c ON c.id = d.case_id "
        "LEFT JOIN products p ON p.id = d.product_id "
        "WHERE d.decided_at > ? OR d.revoked_at > ? OR (d.valid_until >= ? AND d.valid_until < ?) "
        "OR EXISTS (SELECT 1 FROM publications pb WHERE pb.decision_id = d.id AND "
        "(pb.published_at > ? OR pb.withdrawn_at > ?)) OR EXISTS (SELECT 1 FROM decisions n "
        "JOIN cases nc ON nc.id = n.case_id WHERE n.id > d.id AND n.decided_at > ? AND "
        "(n.case_id = d.case_id OR nc.re_review_of = d.case_id)) OR c.watch_at > ? ORDER BY d.id",
        "tttttttt", since_at, since_at, floor_day, today, since_at, since_at, since_at, since_at);
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const char *status = nr_stmt_text(s, 10), *first_pub = nr_stmt_text(s, 13);
        char at_new[NR_TIME_STR], at_end[NR_TIME_STR] = "", at_exp[NR_TIME_STR] = "";
        char at_watch[NR_TIME_STR] = "";
        enum gate_change end = GATE_NEW;
        int64_t did = nr_stmt_int(s, 0);
        int32_t until;
        json_t *row;

        /* R7, R9: the gate's visibility; a decision once seen keeps its changes visible. */
        if (!nr__decision_visible(&v, nr_stmt_text(s, 8), nr_stmt_text(s, 9), first_pub != NULL))
            continue;
        /* The office and the committee see a decision from its recording, others from its
         * publication. */
        if (!gate_time(v.all || first_pub == NULL ? nr_stmt_text(s, 11) : first_pub, at_new))
            continue;
        if (status && strcmp(status, "revoked") == 0 && gate_time(nr_stmt_text(s, 12), at_end))
            end = GATE_REVOKED;
        else if (status && strcmp(status, "superseded") == 0 &&
                 gate_time(nr_stmt_text(s, 14), at_end))
            end = GATE_SUPERSEDED;
        /* R14: in force through its last day, expired from the midnight after it. */
        if (nr_stmt_text(s, 7) && nr_date_parse(nr_stmt_text(s, 7), &until) == 0) {
            nr_time_fmt((time_t)(until + 1) * 86400, at_exp);
            if (strcmp(at_exp, now_at) > 0 || (end != GATE_NEW && strcmp(at_end, at_exp) <= 0))
                at_exp[0] = '\0';
        }
        /* R14: a flag for re-review concerns the decisions in force, and seen, when it was set. */
        if (gate_time(nr_stmt_text(s, 15), at_watch) &&
            (strcmp(at_watch, since_at) <= 0 || strcmp(at_new, at_watch) > 0 ||
             (end != GATE_NEW && strcmp(at_end, at_watch) <= 0) ||
             (at_exp[0] && strcmp(at_exp, at_watch) <= 0)))
            at_watch[0] = '\0';
        if (strcmp(at_new, since_at) <= 0 && (end == GATE_NEW || strcmp(at_end, since_at) <= 0) &&
            (at_exp[0] == '\0' || strcmp(at_exp, since_at) <= 0) && at_watch[0] == '\0')
            continue;
        row = json_object();
        json_object_set_new(row, "decision_id", json_integer(did));
        json_object_set_new(row, "case_ref", gate_str(nr_stmt_text(s, 1)));
        json_object_set_new(row, "product_id", gate_id(nr_stmt_int(s, 2)));
        json_object_set_new(row, "product", gate_str(nr_stmt_text(s, 3)));
        json_object_set_new(row, "versions", gate_str(nr_stmt_text(s, 4)));
        json_object_set_new(row, "outcome", gate_str(nr_stmt_text(s, 5)));
        json_object_set_new(row, "conditions", gate_str(nr_stmt_text(s, 6)));
        json_object_set_new(row, "valid_until", gate_str(nr_stmt_text(s, 7)));
        json_array_append_new(rows, row);
        if (strcmp(at_new, since_at) > 0)
            gate_event_add(&ev, &n, &cap, at_new, did, GATE_NEW, row);
        if (at_exp[0] && strcmp(at_exp, since_at) > 0)
            gate_event_add(&ev, &n, &cap, at_exp, did, GATE_EXPIRED, row);
        if (end != GATE_NEW && strcmp(at_end, since_at) > 0)
            gate_event_add(&ev, &n, &cap, at_end, did, end, row);
        if (at_watch[0]) {
            gate_event_add(&ev, &n, &cap, at_watch, did, GATE_REREVIEW, row);
            ev[n - 1].reason = nr_strdup(nr_stmt_text(s, 16) ? nr_stmt_text(s, 16) : "");
        }
    }
    if (rc < 0)
        goto out;
    rc = 0;
    if (n > 0)
        qsort(ev, n, sizeof(*ev), gate_event_cmp);
    /* The page ends after `limit` items, but never inside a run of one time: the next call asks
     * from the last `at`, and what shares it would be lost. */
    keep = n < (size_t)limit ? n : (size_t)limit;
    while (keep > 0 && keep < n && strcmp(ev[keep].at, ev[keep - 1].at) == 0)
        keep++;
    items = json_array();
    for (size_t i = 0; i < keep; i++) {
        json_t *item = json_copy(ev[i].row);
        json_object_set_new(item, "change", json_string(gate_change_names[ev[i].change]));
        json_object_set_new(item, "at", json_string(ev[i].at));
        if (ev[i].change == GATE_REREVIEW)
            json_object_set_new(item, "reason", json_string(ev[i].reason));
        json_array_append_new(items, item);
    }
    *out = items;
    items = NULL;
out:
    nr_stmt_free(s);
    for (size_t i = 0; i < n; i++)
        nr_free(ev[i].reason);
    nr_free(ev);
    json_decref(rows);
    json_decref(items);
    return rc;
}
