/*
 * watch.c - R14's watch over the supply chain of passed products (interface sca.h,
 * nr_sca_watch): the stored components of every SBOM whose case has a decision in force are
 * matched again against the current advisories; matches not seen before are remembered and the
 * cases they hit are flagged for re-review (review.h nr__case_flag), which the office's case
 * view and the gate feed (gate.h) show.
 *
 * One pass: the SBOMs under watch are listed once, then each SBOM's components, known matches
 * and VEX statements are read through three prepared statements that are reset, not prepared
 * again, per SBOM. Components carry the package key and the version the attach matched them
 * with, and a portfolio repeats the same packages in the same versions: each distinct (key,
 * release, CPE, version) is matched once per run and remembered, so that most components cost
 * one lookup. The release (vercmp.h) is read from the stored purl's text, not parsed from it.
 * Writes come last, in one transaction: reading never waits on them and a failure leaves
 * nothing.
 */
#include "netreview/sca.h"
#include "netreview/vercmp.h"
#include "sca/sca_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define uthash_malloc(sz)    nr_malloc(sz)
#define uthash_free(ptr, sz) nr_free(ptr)
#include <uthash.h>

#include "netreview/banned.h"

#define WATCH_GROUP_BIT    (1LL << 40) /* marks a group in a seen-set key */
#define WATCH_MEMO_KEY_MAX 65536       /* bytes of a remembered (key, release, CPE, version) */

struct watch_sbom {
    int64_t id, case_id;
};

/* Known (component, advisory) and (component, alias group) pairs of one SBOM. */
struct watch_seen_key {
    int64_t component;
    int64_t what; /* advisory index, or WATCH_GROUP_BIT | group */
};

struct watch_seen {
    struct watch_seen_key k;
    UT_hash_handle hh;
};

/* What the watch found for one case. */
struct watch_case {
    int64_t case_id;
    size_t news;     /* new vulnerabilities (component x alias group), not suppressed */
    size_t recorded; /* of their matches, those this run inserted */
    int rank;        /* severity rank of the first shown */
    char *id, *severity, *component, *version; /* the most severe new one (arena) */
    UT_hash_handle hh;
};

struct watch_new {
    int64_t component, advisory, sbom;
    struct watch_case *news_of; /* the case this match is news for, or NULL */
};

static bool watch_seen_has(struct watch_seen *set, int64_t component, int64_t what)
{
    struct watch_seen_key k;
    struct watch_seen *e;

    memset(&k, 0, sizeof(k));
    k.component = component;
    k.what = what;
    HASH_FIND(hh, set, &k, sizeof(k), e);
    return e != NULL;
}

static void watch_seen_add(struct watch_seen **set, struct nr_arena *ar, int64_t component,
                           int64_t what)
{
    struct watch_seen *e;

    if (watch_seen_has(*set, component, what))
        return;
    e = nr_arena_alloc(ar, sizeof(*e));
    e->k.component = component;
    e->k.what = what;
    HASH_ADD(hh, *set, k, sizeof(e->k), e);
}

static void *watch_grow(void *p, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return p;
    *cap = *cap ? *cap * 2 : 256;
    return nr_realloc(p, *cap * sz);
}

/* The SBOMs of the cases whose decision is in force: active, passed or passed with
 * conditions, in a phase where the procedure keeps decisions valid (as nr__case_watch). */
static int watch_sboms(struct nr_review *rv, struct watch_sbom **out, size_t *n, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    rc = nr_store_prepare(rv->st,
                          "SELECT DISTINCT s.id, s.case_id, c.phase FROM sboms s JOIN cases c ON "
                          "c.id = s.case_id JOIN decisions d ON d.case_id = c.id WHERE d.status = "
                          "'active' AND d.outcome IN ('passed', 'passed_with_conditions') ORDER "
                          "BY s.id",
                          &s, err);
    if (rc)
        return rc;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const struct nr_phase *ph = nr_procedure_phase(&rv->proc, nr_stmt_text(s, 2));
        if (ph == NULL || !ph->decision_valid)
            continue;
        *out = watch_grow(*out, &cap, *n, sizeof(**out));
        (*out)[*n].id = nr_stmt_int(s, 0);
        (*out)[*n].case_id = nr_stmt_int(s, 1);
        (*n)++;
    }
    nr_stmt_free(s);
    return rc < 0 ? rc : 0;
}

static char *watch_dup(struct nr_arena *ar, const char *s)
{
    return nr_arena_strdup(ar, s ? s : "");
}

/* The advisories a (package key, release, CPE, version) hits, in nr__sca_match's order: a
 * portfolio repeats the same packages in the same versions, and each is matched once per run.
 * The key is the four texts, each followed by a NUL (NULL read as ""; nr__sca_match reads both
 * alike). The release is part of it: one package and version of Debian 11 and of Debian 12 may
 * be judged differently. */
struct watch_memo {
    const char *text;
    size_t len;
    uint32_t off, n; /* hits: run->advs[off..off + n) */
    UT_hash_handle hh;
};

struct watch_run {
    struct nr_review *rv;
    const struct nr_sca_index *ix;
    struct nr_sca_watch_stats *st;
    struct nr_stmt *comps, *known, *vex;
    struct watch_new *news;
    size_t nnews, capnews;
    struct watch_case *cases;
    struct nr_arena arena; /* lives for the run: case texts */
    struct nr__sca_hits hits;
    struct watch_memo *memo;
    struct nr_arena memo_arena;
    uint32_t *advs; /* the memo's hits */
    uint32_t *one;  /* the hits of a component too long to remember */
    size_t nadvs, capadvs;
    struct nr_buf mkey;
};

/* The memo holds a few hundred thousand entries. uthash lets a bucket's chain grow to ten
 * entries before it doubles, each entry a cache miss: for this table it starts with buckets
 * enough for chains of one, which halves the time of a whole-portfolio watch. The macros are
 * read where HASH_ADD expands, so only the memo's table starts this large. */
#undef HASH_INITIAL_NUM_BUCKETS
#undef HASH_INITIAL_NUM_BUCKETS_LOG2
#define HASH_INITIAL_NUM_BUCKETS      (1U << 18)
#define HASH_INITIAL_NUM_BUCKETS_LOG2 18U

/* The advisories component (key, release, cpe, version) hits: *advs[0..*n), valid until the
 * next call. */
static void watch_match(struct watch_run *w, const char *key, const char *release, const char *cpe,
                        const char *version, const uint32_t **advs, size_t *n)
{
    struct watch_memo *m;
    const char *parts[4] = {key, release, cpe, version};
    bool fits = true;
    char *text;

    nr_buf_reset(&w->mkey);
    for (size_t i = 0; fits && i < 4; i++)
        fits = nr_buf_append(&w->mkey, parts[i] ? parts[i] : "",
                             parts[i] ? strlen(parts[i]) + 1 : 1) == 0;
    if (!fits) {
        /* Texts past the buffer's cap (none a reader keeps): matched, not remembered. */
        w->hits.n = 0;
        nr__sca_match(w->ix, key, release, cpe, version, &w->hits, NULL);
        w->one = nr_realloc(w->one, (w->hits.n + 1) * sizeof(*w->one));
        for (size_t i = 0; i < w->hits.n; i++)
            w->one[i] = w->hits.v[i].adv;
        *advs = w->one;
        *n = w->hits.n;
        return;
    }
    HASH_FIND(hh, w->memo, w->mkey.p, w->mkey.len, m);
    if (m == NULL) {
        w->hits.n = 0;
        nr__sca_match(w->ix, key, release, cpe, version, &w->hits, NULL);
        m = nr_arena_alloc(&w->memo_arena, sizeof(*m));
        text = nr_arena_alloc(&w->memo_arena, w->mkey.len);
        memcpy(text, w->mkey.p, w->mkey.len);
        m->text = text;
        m->len = w->mkey.len;
        m->off = (uint32_t)w->nadvs;
        m->n = (uint32_t)w->hits.n;
        for (size_t i = 0; i < w->hits.n; i++) {
            w->advs = watch_grow(w->advs, &w->capadvs, w->nadvs, sizeof(*w->advs));
            w->advs[w->nadvs++] = w->hits.v[i].adv;
        }
        HASH_ADD_KEYPTR(hh, w->memo, m->text, m->len, m);
    }
    *advs = w->advs + m->off;
    *n = m->n;
}

#undef HASH_INITIAL_NUM_BUCKETS
#undef HASH_INITIAL_NUM_BUCKETS_LOG2
#define HASH_INITIAL_NUM_BUCKETS      32U
#define HASH_INITIAL_NUM_BUCKETS_LOG2 5U

/* Re-matches one SBOM. */
static int watch_one(struct watch_run *w, const struct watch_sbom *sb, struct nr_err *err)
{
    struct watch_seen *seen = NULL;
    struct nr_arena ar;
    struct nr_sbom_vex *vex = NULL;
    size_t nvex = 0, capvex = 0;
    struct nr__sca_vexset vs;
    struct watch_case *wc = NULL;
    int rc;

    nr_arena_init(&ar);
    memset(&vs, 0, sizeof(vs));
    nr_stmt_reset(w->known);
    nr_stmt_bind_int(w->known, 1, sb->id);
    while ((rc = nr_stmt_step(w->known, err)) == NR_STORE_ROW) {
        uint32_t adv;
        int64_t comp = nr_stmt_int(w->known, 0);
        /* A match with an advisory since withdrawn no longer counts, nor does its group. */
        if (!nr__sca_adv_find(w->ix, nr_stmt_int(w->known, 1), &adv))
            continue;
        watch_seen_add(&seen, &ar, comp, adv);
        watch_seen_add(&seen, &ar, comp, WATCH_GROUP_BIT | nr__sca_adv(w->ix, adv)->group);
    }
    if (rc < 0)
        goto out;
    nr_stmt_reset(w->vex);
    nr_stmt_bind_int(w->vex, 1, sb->id);
    while ((rc = nr_stmt_step(w->vex, err)) == NR_STORE_ROW) {
        vex = watch_grow(vex, &capvex, nvex, sizeof(*vex));
        vex[nvex].vuln_id = watch_dup(&ar, nr_stmt_text(w->vex, 0));
        vex[nvex].ref = nr_arena_strdup(&ar, nr_stmt_text(w->vex, 1));
        vex[nvex].state = watch_dup(&ar, nr_stmt_text(w->vex, 2));
        vex[nvex].justification = NULL;
        vex[nvex].detail = NULL;
        nvex++;
    }
    if (rc < 0)
        goto out;
    nr__sca_vexset_init(&vs, vex, nvex);

    nr_stmt_reset(w->comps);
    nr_stmt_bind_int(w->comps, 1, sb->id);
    while ((rc = nr_stmt_step(w->comps, err)) == NR_STORE_ROW) {
        int64_t comp = nr_stmt_int(w->comps, 0);
        const char *ref = nr_stmt_text(w->comps, 1), *name = nr_stmt_text(w->comps, 2);
        const char *version = nr_stmt_text(w->comps, 3), *purl = nr_stmt_text(w->comps, 4);
        const char *key = nr_stmt_text(w->comps, 6);
        char release[NR_PKG_RELEASE_MAX] = "";
        const uint32_t *advs;
        size_t nadvs;

        w->st->components++;
        /* As the analysis (match.c): a release only with a package key. */
        if (key != NULL && *key != '\0')
            nr_pkg_release_purl_text(purl, release, sizeof(release));
        watch_match(w, key, release, nr_stmt_text(w->comps, 5), version, &advs, &nadvs);
        w->st->matches += (int64_t)nadvs;
        for (size_t i = 0; i < nadvs; i++) {
            uint32_t adv = advs[i];
            const struct nr__sca_adv *a = nr__sca_adv(w->ix, adv);
            const char *ids[NR__SCA_IDS_MAX];
            size_t nids;

            if (watch_seen_has(seen, comp, adv))
                continue;
            w->news = watch_grow(w->news, &w->capnews, w->nnews, sizeof(*w->news));
            w->news[w->nnews].component = comp;
            w->news[w->nnews].advisory = a->id;
            w->news[w->nnews].sbom = sb->id;
            w->news[w->nnews].news_of = NULL;
            w->nnews++;
            watch_seen_add(&seen, &ar, comp, adv);
            /* A new id of a vulnerability already known for the component is no news. */
            if (watch_seen_has(seen, comp, WATCH_GROUP_BIT | a->group))
                continue;
            watch_seen_add(&seen, &ar, comp, WATCH_GROUP_BIT | a->group);
            nids = nr__sca_group_ids(w->ix, a->group, ids, NR__SCA_IDS_MAX);
            if (nr__sca_vex_suppresses(nr__sca_vex_find(&vs, ref, purl, ids, nids)))
                continue;
            if (wc == NULL) {
                HASH_FIND(hh, w->cases, &sb->case_id, sizeof(sb->case_id), wc);
                if (wc == NULL) {
                    wc = nr_arena_alloc(&w->arena, sizeof(*wc));
                    wc->case_id = sb->case_id;
                    wc->rank = -1;
                    HASH_ADD(hh, w->cases, case_id, sizeof(wc->case_id), wc);
                }
            }
            wc->news++;
            w->news[w->nnews - 1].news_of = wc;
            /* The most severe of the group's advisories that hit names the flag. */
            for (size_t j = 0; j < nadvs; j++) {
                const struct nr__sca_adv *b = nr__sca_adv(w->ix, advs[j]);
                int rank = nr__sca_severity_rank(b->severity);
                if (b->group != a->group || rank <= wc->rank)
                    continue;
                wc->rank = rank;
                wc->id = watch_dup(&w->arena, nids ? ids[0] : b->osv_id);
                wc->severity = watch_dup(&w->arena, b->severity);
                wc->component = watch_dup(&w->arena, name);
                wc->version = watch_dup(&w->arena, version);
            }
        }
    }
    if (rc < 0)
        goto out;
    rc = 0;
    w->st->sboms++;
out:
    nr__sca_vexset_release(&vs);
    nr_free(vex);
    HASH_CLEAR(hh, seen);
    nr_arena_release(&ar);
    return rc;
}

/* The writes of a run, in the caller's transaction. */
static int watch_record(struct watch_run *w, const struct nr_actor *a,
                        const struct watch_sbom *sboms, size_t nsboms, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct watch_case *wc, *tmp;
    char now[NR_TIME_STR];
    char *detail;
    int rc;

    nr_time_fmt(nr_time_now(), now);
    rc = nr_store_prepare(w->rv->st,
                          "INSERT INTO sbom_matches (component_id, advisory_id, sbom_id, "
                          "first_seen) VALUES (?, ?, ?, ?) ON CONFLICT (component_id, "
                          "advisory_id) DO NOTHING",
                          &s, err);
    for (size_t i = 0; rc == 0 && i < w->nnews; i++) {
        nr_stmt_bind_int(s, 1, w->news[i].component);
        nr_stmt_bind_int(s, 2, w->news[i].advisory);
        nr_stmt_bind_int(s, 3, w->news[i].sbom);
        nr_stmt_bind_text(s, 4, now);
        rc = nr_stmt_step(s, err);
        if (rc == NR_STORE_DONE) {
            int64_t changed = nr_store_changes(w->rv->st);
            rc = 0;
            w->st->new_matches += changed;
            if (changed && w->news[i].news_of)
                w->news[i].news_of->recorded++;
        }
        nr_stmt_reset(s);
    }
    nr_stmt_free(s);
    s = NULL;
    if (rc)
        return rc;
    rc = nr_store_prepare(w->rv->st, "UPDATE sboms SET matched_at = ? WHERE id = ?", &s, err);
    for (size_t i = 0; rc == 0 && i < nsboms; i++) {
        nr_stmt_bind_text(s, 1, now);
        nr_stmt_bind_int(s, 2, sboms[i].id);
        rc = nr_stmt_step(s, err);
        if (rc == NR_STORE_DONE)
            rc = 0;
        nr_stmt_reset(s);
    }
    nr_stmt_free(s);
    if (rc)
        return rc;
    HASH_ITER(hh, w->cases, wc, tmp)
    {
        char reason[512];
        /* A watch running at the same time recorded these matches first, and flags them. */
        if (wc->recorded == 0)
            continue;
        if (wc->news > 1)
            snprintf(reason, sizeof(reason),
                     "re-review suggested: %.80s (%s) affects %.160s %.80s and %zu more", wc->id,
                     wc->severity, wc->component, wc->version, wc->news - 1);
        else
            snprintf(reason, sizeof(reason), "re-review suggested: %.80s (%s) affects %.160s %.80s",
                     wc->id, wc->severity, wc->component, wc->version);
        for (char *p = reason; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
        rc = nr__case_flag(w->rv, a, wc->case_id, reason, err);
        if (rc)
            return rc;
        w->st->flagged++;
    }
    rc = nr_store_setting_set(w->rv->st, "watch.last_run", now, err);
    if (rc)
        return rc;
    detail = nr_asprintf("sboms=%lld components=%lld matches=%lld new_matches=%lld flagged=%lld "
                         "advisories=%zu",
                         (long long)w->st->sboms, (long long)w->st->components,
                         (long long)w->st->matches, (long long)w->st->new_matches,
                         (long long)w->st->flagged, nr_sca_index_advisories(w->ix));
    rc = nr_audit_append(w->rv, a, "sca.watch", 0, "watch", detail, err);
    nr_free(detail);
    return rc;
}

int nr_sca_watch(struct nr_review *rv, const struct nr_actor *a, struct nr_sca_watch_stats *st,
                 struct nr_err *err)
{
    struct nr_sca_index *ix = NULL;
    struct watch_sbom *sboms = NULL;
    struct watch_run w;
    size_t nsboms = 0;
    double t0 = nr__sca_clock(), t1;
    int rc;

    memset(st, 0, sizeof(*st));
    /* R14: the watch is the office's (or the installation's, from cron). */
    if (!a->local_admin && a->role != NR_ROLE_OFFICE)
        return nr_err_set(err, NR_EFORBIDDEN, "role",
                          "only the office and the local administrator run the watch");
    memset(&w, 0, sizeof(w));
    nr_arena_init(&w.arena);
    nr_arena_init(&w.memo_arena);
    nr_buf_init(&w.mkey, WATCH_MEMO_KEY_MAX);
    rc = nr_sca_index_acquire(rv, &ix, err);
    t1 = nr__sca_clock();
    st->index_seconds = t1 - t0;
    if (rc)
        goto out;
    w.rv = rv;
    w.ix = ix;
    w.st = st;
    rc = watch_sboms(rv, &sboms, &nsboms, err);
    if (rc)
        goto out;
    rc = nr_store_prepare(rv->st,
                          "SELECT id, ref, name, version, purl, cpe, pkg_key FROM sbom_components "
                          "WHERE sbom_id = ?",
                          &w.comps, err);
    if (rc == 0)
        rc = nr_store_prepare(rv->st,
                              "SELECT component_id, advisory_id FROM sbom_matches WHERE sbom_id "
                              "= ?",
                              &w.known, err);
    if (rc == 0)
        rc = nr_store_prepare(rv->st, "SELECT vuln_id, ref, state FROM sbom_vex WHERE sbom_id = ?",
                              &w.vex, err);
    for (size_t i = 0; rc == 0 && i < nsboms; i++)
        rc = watch_one(&w, &sboms[i], err);
    nr_stmt_free(w.comps);
    nr_stmt_free(w.known);
    nr_stmt_free(w.vex);
    w.comps = w.known = w.vex = NULL;
    if (rc)
        goto out;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out;
    rc = watch_record(&w, a, sboms, nsboms, err);
    if (rc) {
        nr_store_rollback(rv->st);
        st->new_matches = 0;
        st->flagged = 0;
        goto out;
    }
    rc = nr_store_commit(rv->st, err);
out:
    st->match_seconds = nr__sca_clock() - t1;
    HASH_CLEAR(hh, w.cases);
    HASH_CLEAR(hh, w.memo);
    nr_free(w.advs);
    nr_free(w.one);
    nr_buf_release(&w.mkey);
    nr_arena_release(&w.memo_arena);
    nr_free(w.hits.v);
    nr_free(w.news);
    nr_free(sboms);
    nr_arena_release(&w.arena);
    nr_sca_index_release(ix);
    return rc;
}
