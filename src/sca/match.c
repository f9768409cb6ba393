/*
 * match.c - the supply-chain engine's index and matcher (interface sca.h, private helpers in
 * sca_int.h): the stored OSV advisories read into an immutable in-memory index, SBOM components
 * matched against it, and the analysis report. Building the index is little more than reading
 * the rows: range texts stay in osv.h's compact form and are parsed only when a component's key
 * hits them, so the cost of an analysis follows the SBOM, not the size of the advisory store.
 * A process that analyses one SBOM need not read every row either: nr_sca_index_build_keys
 * reads only the rows of the SBOM's keys that cover one of its versions, and the alias groups
 * of their advisories.
 *
 * The index: advisories (not withdrawn) sorted by their row id; their ids and aliases in one
 * flat array; alias groups found with union-find over shared ids (one vulnerability published as
 * GHSA-... and CVE-... is one group, counted once per component); package keys and CPE
 * "cpe:vendor:product" keys hashed (uthash) to chains of affected-package entries.
 */
#include "netreview/sca.h"
#include "netreview/ident.h"
#include "netreview/vercmp.h"
#include "sca/sca_int.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define uthash_malloc(sz)    nr_malloc(sz)
#define uthash_free(ptr, sz) nr_free(ptr)
#include <uthash.h>
/* The key table of an index holds tens of thousands of keys: it starts large rather than
 * doubling a dozen times. It is the only table of this file. */
#undef HASH_INITIAL_NUM_BUCKETS
#undef HASH_INITIAL_NUM_BUCKETS_LOG2
#define HASH_INITIAL_NUM_BUCKETS      65536U
#define HASH_INITIAL_NUM_BUCKETS_LOG2 16U

#include "netreview/banned.h"

#define SCA_EVENTS_STACK 64   /* events of a range evaluated without allocating */
#define SCA_LINE_STACK   1024 /* bytes of a range line copied without allocating */

struct sca_key {
    const char *key;
    int32_t head; /* first entry of the key's chain in ix->pkgs */
    UT_hash_handle hh;
};

/* One advisory_packages row. */
struct sca_pkg {
    uint32_t adv;
    int32_t next; /* next entry with the same key, -1 at the end */
    enum nr_order order;
    uint16_t release;     /* the ecosystem's release in ix->releases; 0 when it has none */
    const char *ranges;   /* osv.h compact form, NULL when none */
    const char *versions; /* explicit versions joined by "\n", NULL when none */
    const char *cpe;      /* CPE rows: the advisory's CPE 2.3 name */
};

struct nr_sca_index {
    struct nr_arena arena;
    struct nr__sca_adv *advs;
    size_t nadvs;
    size_t nstored; /* advisories in the store, not withdrawn (nadvs unless restricted) */
    const char **aliases;
    size_t naliases;
    uint32_t *gstart, *gmembers; /* members of group g: gmembers[gstart[g]..gstart[g + 1]) */
    struct sca_pkg *pkgs;
    size_t npkgs;
    struct sca_key *keys;
    const char **releases; /* [0] unused: the releases of the ecosystems, each once */
    size_t nreleases;
    char *stamp, *data_dir; /* for the process-wide cache */
    int refs;               /* references handed out by nr_sca_index_acquire */
    bool current;           /* the cache's index (holds a reference of its own) */
};

double nr__sca_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *sca_grow(void *p, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return p;
    *cap = *cap ? *cap * 2 : 1024;
    return nr_realloc(p, *cap * sz);
}

/* Advisory severities are one of a few words; sharing static copies keeps the index small. */
static const char *sca_severity_word(const char *s)
{
    static const char *const words[] = {"critical", "high", "medium", "low", "info"};
    for (size_t i = 0; s && i < NR_ARRAY_LEN(words); i++)
        if (strcmp(s, words[i]) == 0)
            return words[i];
    /* osv.h: a record without a usable severity is "medium". */
    return "medium";
}

int nr__sca_severity_rank(const char *s)
{
    if (s == NULL)
        return 0;
    if (strcmp(s, "critical") == 0)
        return 4;
    if (strcmp(s, "high") == 0)
        return 3;
    if (strcmp(s, "medium") == 0)
        return 2;
    if (strcmp(s, "low") == 0)
        return 1;
    return 0;
}

/* ---- building ---- */

/* The columns an advisory row is read with. */
#define SCA_ADV_COLUMNS                                                                            \
    "id, osv_id, severity, cvss_vector, cvss_score10, rce, auth_bypass, fixed, summary"

/* Appends the advisory of the current row of s (SCA_ADV_COLUMNS); rows must come by id. */
static void sca_adv_add(struct nr_sca_index *ix, struct nr_stmt *s, size_t *cap)
{
    struct nr__sca_adv *a;

    ix->advs = sca_grow(ix->advs, cap, ix->nadvs, sizeof(*ix->advs));
    a = &ix->advs[ix->nadvs];
    memset(a, 0, sizeof(*a));
    a->id = nr_stmt_int(s, 0);
    a->osv_id = nr_arena_strdup(&ix->arena, nr_stmt_text(s, 1));
    a->severity = sca_severity_word(nr_stmt_text(s, 2));
    a->cvss_vector = nr_arena_strdup(&ix->arena, nr_stmt_text(s, 3));
    a->cvss_score10 = nr_stmt_is_null(s, 4) ? -1 : (int)nr_stmt_int(s, 4);
    a->rce = nr_stmt_int(s, 5) != 0;
    a->auth_bypass = nr_stmt_int(s, 6) != 0;
    a->fixed = nr_arena_strdup(&ix->arena, nr_stmt_text(s, 7));
    a->summary = nr_arena_strdup(&ix->arena, nr_stmt_text(s, 8));
    if (a->osv_id == NULL)
        a->osv_id = "";
    a->group = (uint32_t)ix->nadvs;
    ix->nadvs++;
}

static int sca_load_advisories(struct nr_review *rv, struct nr_sca_index *ix, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    size_t cap = 0;
    int rc;

    rc = nr_store_prepare(rv->st,
                          "SELECT " SCA_ADV_COLUMNS " FROM advisories WHERE withdrawn IS NULL "
                          "ORDER BY id",
                          &s, err);
    if (rc)
        return rc;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW)
        sca_adv_add(ix, s, &cap);
    nr_stmt_free(s);
    ix->nstored = ix->nadvs;
    return rc < 0 ? rc : 0;
}

bool nr__sca_adv_find(const struct nr_sca_index *ix, int64_t id, uint32_t *out)
{
    size_t lo = 0, hi = ix->nadvs;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->advs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < ix->nadvs && ix->advs[lo].id == id) {
        *out = (uint32_t)lo;
        return true;
    }
    return false;
}

static uint32_t sca_find_root(struct nr_sca_index *ix, uint32_t i)
{
    uint32_t r = i;
    while (ix->advs[r].group != r)
        r = ix->advs[r].group;
    /* Path compression keeps later finds short. */
    while (ix->advs[i].group != r) {
        uint32_t next = ix->advs[i].group;
        ix->advs[i].group = r;
        i = next;
    }
    return r;
}

/* An id or alias of an advisory, by a hash of its text: sorting these brings equal texts
 * together without a hash table of every id (most ids are unique, and a table of a few hundred
 * thousand strings costs more than the read of the rows). */
struct sca_alias_ref {
    uint64_t hash;
    uint32_t adv, alias;
};

static uint64_t sca_fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int sca_alias_ref_cmp(const void *pa, const void *pb)
{
    const struct sca_alias_ref *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->alias < b->alias ? -1 : a->alias > b->alias;
}

static void sca_union(struct nr_sca_index *ix, uint32_t a, uint32_t b)
{
    uint32_t ra = sca_find_root(ix, a), rb = sca_find_root(ix, b);
    /* The lower index becomes the root, so that groups do not depend on the reading order. */
    if (ra != rb)
        ix->advs[ra > rb ? ra : rb].group = ra < rb ? ra : rb;
}

/* The ids and aliases read so far, for the grouping. */
struct sca_alias_state {
    struct sca_alias_ref *refs;
    size_t cap, capr;
};

/* Appends one id or alias of advisory j (rows of one advisory must come together). */
static void sca_alias_add(struct nr_sca_index *ix, struct sca_alias_state *as, size_t j,
                          const char *alias)
{
    struct nr__sca_adv *a = &ix->advs[j];

    if (a->naliases == 0)
        a->alias_off = (uint32_t)ix->naliases;
    ix->aliases = sca_grow(ix->aliases, &as->cap, ix->naliases, sizeof(*ix->aliases));
    as->refs = sca_grow(as->refs, &as->capr, ix->naliases, sizeof(*as->refs));
    ix->aliases[ix->naliases] =
        strcmp(alias, a->osv_id) == 0 ? a->osv_id : nr_arena_strdup(&ix->arena, alias);
    as->refs[ix->naliases].hash = sca_fnv1a(alias);
    as->refs[ix->naliases].adv = (uint32_t)j;
    as->refs[ix->naliases].alias = (uint32_t)ix->naliases;
    ix->naliases++;
    a->naliases++;
}

/* Joins the advisories that share an id or alias into groups (union-find) and lays the groups
 * out as index ranges; frees as. */
static void sca_alias_groups(struct nr_sca_index *ix, struct sca_alias_state *as)
{
    struct sca_alias_ref *refs = as->refs;
    uint32_t *count;

    if (ix->naliases > 1)
        qsort(refs, ix->naliases, sizeof(*refs), sca_alias_ref_cmp);
    for (size_t i = 0; i < ix->naliases;) {
        size_t k = i + 1;
        while (k < ix->naliases && refs[k].hash == refs[i].hash)
            k++;
        /* Within a run of one hash, join the advisories whose texts are really equal. */
        for (size_t x = i; x + 1 < k; x++)
            for (size_t y = x + 1; y < k; y++)
                if (refs[x].adv != refs[y].adv &&
                    strcmp(ix->aliases[refs[x].alias], ix->aliases[refs[y].alias]) == 0)
                    sca_union(ix, refs[x].adv, refs[y].adv);
        i = k;
    }
    /* Groups as index ranges: members of root g in gmembers[gstart[g]..gstart[g + 1]). */
    count = nr_calloc(ix->nadvs + 1, sizeof(*count));
    for (size_t i = 0; i < ix->nadvs; i++) {
        ix->advs[i].group = sca_find_root(ix, (uint32_t)i);
        count[ix->advs[i].group]++;
    }
    ix->gstart = nr_malloc((ix->nadvs + 1) * sizeof(*ix->gstart));
    ix->gmembers = nr_malloc((ix->nadvs + 1) * sizeof(*ix->gmembers));
    ix->gstart[0] = 0;
    for (size_t i = 0; i < ix->nadvs; i++)
        ix->gstart[i + 1] = ix->gstart[i] + count[i];
    memset(count, 0, (ix->nadvs + 1) * sizeof(*count));
    for (size_t i = 0; i < ix->nadvs; i++) {
        uint32_t g = ix->advs[i].group;
        ix->gmembers[ix->gstart[g] + count[g]++] = (uint32_t)i;
    }
    nr_free(count);
    nr_free(as->refs);
    as->refs = NULL;
}

/* Reads every id and alias (rows ordered by advisory, merged with the sorted advisories) and
 * joins advisories that share one into a group (union-find). */
static int sca_load_aliases(struct nr_review *rv, struct nr_sca_index *ix, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct sca_alias_state as = {0};
    size_t j = 0;
    int rc;

    /* By advisory, then alias: the order an index restricted to some advisories reads them in
     * too (nr_sca_index_build_keys), which the display cap on a group's ids depends on. */
    rc = nr_store_prepare(rv->st,
                          "SELECT advisory_id, alias FROM advisory_aliases ORDER BY advisory_id, "
                          "alias",
                          &s, err);
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        int64_t aid = nr_stmt_int(s, 0);
        const char *alias = nr_stmt_text(s, 1);

        while (j < ix->nadvs && ix->advs[j].id < aid)
            j++;
        if (j == ix->nadvs || ix->advs[j].id != aid || alias == NULL || *alias == '\0')
            continue; /* a withdrawn advisory's: it links nothing */
        sca_alias_add(ix, &as, j, alias);
    }
    if (rc < 0)
        goto out;
    rc = 0;
    sca_alias_groups(ix, &as);
out:
    nr_free(as.refs);
    nr_stmt_free(s);
    return rc;
}

/* The ecosystem of the last package row, whose version order and release are looked up once
 * per run of rows of one ecosystem. */
struct sca_eco_cache {
    char eco[64];
    enum nr_order order;
    char release[NR_PKG_RELEASE_MAX]; /* "" when the ecosystem names none */
    uint16_t release_id;              /* in the index being built; 0 for none or not yet */
};

static void sca_eco_update(struct sca_eco_cache *ec, const char *eco)
{
    if (strcmp(eco, ec->eco) == 0)
        return;
    ec->order = nr_order_for_ecosystem(eco);
    nr_pkg_release_osv(eco, ec->release, sizeof(ec->release));
    ec->release_id = 0;
    snprintf(ec->eco, sizeof(ec->eco), "%s", eco);
}

/* The number of release r in the index: a handful of releases serve every entry, so the entry
 * keeps two bytes rather than a pointer. 0 for "" (and, past 65535 releases, for the rest:
 * unfiltered, the conservative answer). */
static uint16_t sca_release_id(struct nr_sca_index *ix, const char *r)
{
    if (*r == '\0')
        return 0;
    for (size_t i = 1; i < ix->nreleases; i++)
        if (strcmp(ix->releases[i], r) == 0)
            return (uint16_t)i;
    if (ix->nreleases == 0)
        ix->nreleases = 1;
    if (ix->nreleases > UINT16_MAX)
        return 0;
    ix->releases = nr_realloc(ix->releases, (ix->nreleases + 1) * sizeof(*ix->releases));
    ix->releases[ix->nreleases] = nr_arena_strdup(&ix->arena, r);
    return (uint16_t)ix->nreleases++;
}

/* vercmp.h: a component that names its release meets only the entries of that release and
 * those whose ecosystem names none; one that names none meets every release. */
static bool sca_release_ok(const char *want, const char *have)
{
    return want == NULL || *want == '\0' || have == NULL || *have == '\0' ||
           strcmp(want, have) == 0;
}

/* Appends one advisory_packages row (advisory index adv) to the index, at the head of its key's
 * chain. */
static void sca_pkg_add(struct nr_sca_index *ix, size_t *cap, struct sca_eco_cache *ec,
                        uint32_t adv, const char *eco, const char *name, const char *key,
                        const char *ranges, const char *versions)
{
    struct sca_pkg *p;
    struct sca_key *k;
    size_t klen = strlen(key);

    ix->pkgs = sca_grow(ix->pkgs, cap, ix->npkgs, sizeof(*ix->pkgs));
    p = &ix->pkgs[ix->npkgs];
    p->adv = adv;
    sca_eco_update(ec, eco);
    if (ec->release_id == 0 && ec->release[0] != '\0')
        ec->release_id = sca_release_id(ix, ec->release);
    p->order = ec->order;
    p->release = ec->release_id;
    p->ranges = nr_arena_strdup(&ix->arena, ranges);
    p->versions = nr_arena_strdup(&ix->arena, versions);
    p->cpe = strcmp(eco, "CPE") == 0 ? nr_arena_strdup(&ix->arena, name) : NULL;
    if (p->cpe)
        p->order = NR_ORDER_GENERIC; /* sca.h: CPE matches compare in the generic order */
    HASH_FIND(hh, ix->keys, key, klen, k);
    if (k == NULL) {
        k = nr_arena_alloc(&ix->arena, sizeof(*k));
        k->key = nr_arena_strndup(&ix->arena, key, klen);
        k->head = -1;
        HASH_ADD_KEYPTR(hh, ix->keys, k->key, klen, k);
    }
    p->next = k->head;
    k->head = (int32_t)ix->npkgs;
    ix->npkgs++;
}

static int sca_load_packages(struct nr_review *rv, struct nr_sca_index *ix, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct sca_eco_cache ec = {"", NR_ORDER_GENERIC, "", 0};
    size_t cap = 0;
    int rc;

    rc = nr_store_prepare(
        rv->st,
        "SELECT advisory_id, ecosystem, name, pkg_key, ranges, versions FROM advisory_packages", &s,
        err);
    if (rc)
        return rc;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const char *eco = nr_stmt_text(s, 1), *key = nr_stmt_text(s, 3);
        uint32_t adv;

        if (eco == NULL || key == NULL || *key == '\0' ||
            !nr__sca_adv_find(ix, nr_stmt_int(s, 0), &adv))
            continue;
        sca_pkg_add(ix, &cap, &ec, adv, eco, nr_stmt_text(s, 2), key, nr_stmt_text(s, 4),
                    nr_stmt_text(s, 5));
    }
    nr_stmt_free(s);
    return rc < 0 ? rc : 0;
}

static struct nr_sca_index *sca_index_new(struct nr_review *rv)
{
    struct nr_sca_index *ix = nr_calloc(1, sizeof(*ix));
    char *stamp = NULL;

    nr_arena_init(&ix->arena);
    /* The stamp is read first: an import that lands during the build makes it stale, and the
     * cache rebuilds on the next acquire. */
    if (nr_store_setting_get(rv->st, "osv.last_import", &stamp, NULL) != 0)
        stamp = NULL;
    ix->stamp = stamp ? stamp : nr_strdup("");
    ix->data_dir = nr_strdup(rv->data_dir ? rv->data_dir : "");
    return ix;
}

int nr_sca_index_build(struct nr_review *rv, struct nr_sca_index **out, struct nr_err *err)
{
    struct nr_sca_index *ix = sca_index_new(rv);
    int rc;

    *out = NULL;
    rc = sca_load_advisories(rv, ix, err);
    if (rc == 0)
        rc = sca_load_aliases(rv, ix, err);
    if (rc == 0)
        rc = sca_load_packages(rv, ix, err);
    if (rc) {
        nr_sca_index_free(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

void nr_sca_index_free(struct nr_sca_index *ix)
{
    if (ix == NULL)
        return;
    HASH_CLEAR(hh, ix->keys);
    nr_free(ix->advs);
    nr_free(ix->aliases);
    nr_free(ix->gstart);
    nr_free(ix->gmembers);
    nr_free(ix->pkgs);
    nr_free(ix->releases);
    nr_free(ix->stamp);
    nr_free(ix->data_dir);
    nr_arena_release(&ix->arena);
    nr_free(ix);
}

size_t nr_sca_index_advisories(const struct nr_sca_index *ix)
{
    return ix ? ix->nstored : 0;
}

const struct nr__sca_adv *nr__sca_adv(const struct nr_sca_index *ix, uint32_t i)
{
    return &ix->advs[i];
}

const char *nr__sca_index_stamp(const struct nr_sca_index *ix)
{
    return ix->stamp;
}

/* ---- the process-wide index ---- */

static pthread_mutex_t sca_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nr_sca_index *sca_cache;

int nr_sca_index_acquire(struct nr_review *rv, struct nr_sca_index **out, struct nr_err *err)
{
    struct nr_sca_index *ix = NULL;
    char *stamp = NULL;
    int rc;

    *out = NULL;
    rc = nr_store_setting_get(rv->st, "osv.last_import", &stamp, NULL);
    if (rc && rc != NR_ENOTFOUND)
        return nr_err_set(err, rc, NULL, "cannot read the advisories' import stamp");
    rc = 0; /* no import yet: the stamp is "" */
    pthread_mutex_lock(&sca_cache_lock);
    /* One cache per process, for the installation it was built from: a process that opens
     * another installation (tests do) rebuilds. */
    if (sca_cache && strcmp(sca_cache->stamp, stamp ? stamp : "") == 0 &&
        strcmp(sca_cache->data_dir, rv->data_dir ? rv->data_dir : "") == 0) {
        ix = sca_cache;
    } else {
        rc = nr_sca_index_build(rv, &ix, err);
        if (rc == 0) {
            if (sca_cache) {
                sca_cache->current = false;
                if (sca_cache->refs == 0)
                    nr_sca_index_free(sca_cache);
            }
            sca_cache = ix;
            ix->current = true;
        }
    }
    if (ix)
        ix->refs++;
    pthread_mutex_unlock(&sca_cache_lock);
    nr_free(stamp);
    *out = ix;
    return rc;
}

int nr_sca_index_acquire_sbom(struct nr_review *rv, const struct nr_sbom *sbom,
                              struct nr_sca_index **out, struct nr_err *err)
{
    static bool one_shot_taken; /* under sca_cache_lock */
    char *stamp = NULL;
    bool current, one_shot = false;
    int rc;

    *out = NULL;
    rc = nr_store_setting_get(rv->st, "osv.last_import", &stamp, NULL);
    if (rc && rc != NR_ENOTFOUND)
        return nr_err_set(err, rc, NULL, "cannot read the advisories' import stamp");
    pthread_mutex_lock(&sca_cache_lock);
    current = sca_cache && strcmp(sca_cache->stamp, stamp ? stamp : "") == 0 &&
              strcmp(sca_cache->data_dir, rv->data_dir ? rv->data_dir : "") == 0;
    if (!current && !one_shot_taken)
        one_shot = one_shot_taken = true;
    pthread_mutex_unlock(&sca_cache_lock);
    nr_free(stamp);
    if (!one_shot)
        return nr_sca_index_acquire(rv, out, err);
    /* Not the cache's: refs 1 and not current, so that the release frees it. */
    rc = nr_sca_index_build_keys(rv, sbom, out, err);
    if (rc == 0)
        (*out)->refs = 1;
    return rc;
}

void nr_sca_index_release(struct nr_sca_index *ix)
{
    if (ix == NULL)
        return;
    pthread_mutex_lock(&sca_cache_lock);
    if (--ix->refs == 0 && !ix->current)
        nr_sca_index_free(ix);
    pthread_mutex_unlock(&sca_cache_lock);
}

/* ---- matching ---- */

/* Copies n bytes of s NUL-terminated into small (cap bytes) or, when longer, a new block that
 * *heap owns. */
static char *sca_line(const char *s, size_t n, char *small, size_t cap, char **heap)
{
    char *d = small;
    if (n + 1 > cap)
        d = *heap = nr_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Keeps in *fixed (ar) the higher of *fixed and v in order o. */
static void sca_keep_fixed(struct nr_arena *ar, const char **fixed, enum nr_order *fo,
                           enum nr_order o, const char *v)
{
    if (ar == NULL || v == NULL)
        return;
    if (*fixed == NULL || nr_vercmp(o, v, *fixed) > 0) {
        *fixed = nr_arena_strdup(ar, v);
        *fo = o;
    }
}

/* Evaluates one line of the compact range text ("ECOSYSTEM i0 f1.2.3"). */
static bool sca_range_line(char *line, enum nr_order eco, const char *version, struct nr_arena *ar,
                           const char **fixed, enum nr_order *fo)
{
    struct nr_osv_event stack[SCA_EVENTS_STACK], *ev = stack;
    size_t n = 0, cap = SCA_EVENTS_STACK;
    const char *best = NULL;
    enum nr_order o;
    char *p = strchr(line, ' ');
    bool hit;

    if (p == NULL)
        return false;
    *p++ = '\0';
    if (strcmp(line, "SEMVER") == 0)
        o = NR_ORDER_SEMVER;
    else if (strcmp(line, "ECOSYSTEM") == 0)
        o = eco;
    else
        return false; /* GIT and unknown types are no version ranges */
    while (*p) {
        char *tok = p, *sp = strchr(p, ' ');
        enum nr_osv_event_kind kind;

        p = sp ? sp + 1 : p + strlen(p);
        if (sp)
            *sp = '\0';
        switch (tok[0]) {
        case 'i':
            kind = NR_OSV_INTRODUCED;
            break;
        case 'f':
            kind = NR_OSV_FIXED;
            break;
        case 'l':
            kind = NR_OSV_LAST_AFFECTED;
            break;
        case 'm':
            kind = NR_OSV_LIMIT;
            break;
        default:
            continue;
        }
        if (tok[1] == '\0')
            continue;
        if (n == cap) {
            cap *= 2;
            if (ev == stack) {
                ev = nr_malloc(cap * sizeof(*ev));
                memcpy(ev, stack, sizeof(stack));
            } else {
                ev = nr_realloc(ev, cap * sizeof(*ev));
            }
        }
        ev[n].kind = kind;
        ev[n].version = tok + 1;
        n++;
    }
    hit = nr_osv_range_affected(o, ev, n, version);
    if (hit) {
        /* The fix of this range for this version: the lowest "fixed" above it. */
        for (size_t i = 0; i < n; i++)
            if (ev[i].kind == NR_OSV_FIXED && nr_vercmp(o, ev[i].version, version) > 0 &&
                (best == NULL || nr_vercmp(o, ev[i].version, best) < 0))
                best = ev[i].version;
        sca_keep_fixed(ar, fixed, fo, o, best);
    }
    if (ev != stack)
        nr_free(ev);
    return hit;
}

/* Whether an affected-package entry covers version; *fixed gets its fix when known. */
static bool sca_pkg_hit(const struct sca_pkg *p, const char *version, struct nr_arena *ar,
                        const char **fixed, enum nr_order *fo)
{
    char small[SCA_LINE_STACK];
    bool hit = false;

    /* An entry naming a package without any version data claims every version (osv-scanner
     * reads it so too). */
    if (p->ranges == NULL && p->versions == NULL)
        return true;
    for (const char *l = p->ranges; l && *l;) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        char *heap = NULL, *line = sca_line(l, n, small, sizeof(small), &heap);
        if (sca_range_line(line, p->order, version, ar, fixed, fo))
            hit = true;
        nr_free(heap);
        l = end ? end + 1 : NULL;
    }
    /* osv.h: explicit versions[] count in addition to the ranges. */
    for (const char *l = p->versions; !hit && l && *l;) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        if (n == strlen(version) && memcmp(l, version, n) == 0) {
            hit = true;
        } else {
            char *heap = NULL, *line = sca_line(l, n, small, sizeof(small), &heap);
            hit = nr_vercmp(p->order, line, version) == 0;
            nr_free(heap);
        }
        l = end ? end + 1 : NULL;
    }
    return hit;
}

static void sca_hit_add(struct nr__sca_hits *hits, uint32_t adv, enum nr_order o, const char *fixed)
{
    /* One advisory listed twice for a package (two entries) is one hit. */
    for (size_t i = 0; i < hits->n; i++)
        if (hits->v[i].adv == adv) {
            if (fixed && (hits->v[i].fixed == NULL || nr_vercmp(o, fixed, hits->v[i].fixed) > 0))
                hits->v[i].fixed = fixed;
            return;
        }
    hits->v = sca_grow(hits->v, &hits->cap, hits->n, sizeof(*hits->v));
    hits->v[hits->n].adv = adv;
    hits->v[hits->n].order = o;
    hits->v[hits->n].fixed = fixed;
    hits->n++;
}

static const struct sca_key *sca_key_find(const struct nr_sca_index *ix, const char *key)
{
    struct sca_key *k = NULL;
    HASH_FIND(hh, ix->keys, key, strlen(key), k);
    return k;
}

void nr__sca_match(const struct nr_sca_index *ix, const char *key, const char *release,
                   const char *cpe, const char *version, struct nr__sca_hits *hits,
                   struct nr_arena *ar)
{
    const struct sca_key *k;
    size_t before = hits->n;

    hits->by_cpe = false;
    if (version == NULL || *version == '\0')
        return; /* sca.h: a component without a version matches nothing */
    if (key && *key && (k = sca_key_find(ix, key)) != NULL) {
        for (int32_t i = k->head; i >= 0; i = ix->pkgs[i].next) {
            const struct sca_pkg *p = &ix->pkgs[i];
            const char *fixed = NULL;
            enum nr_order fo = p->order;
            if (p->release != 0 && !sca_release_ok(release, ix->releases[p->release]))
                continue;
            if (sca_pkg_hit(p, version, ar, &fixed, &fo))
                sca_hit_add(hits, p->adv, fo, fixed);
        }
    }
    if (hits->n > before || cpe == NULL || *cpe == '\0')
        return;
    /* The CPE fallback: vendor:product key, then NISTIR 7696 name matching, then the ranges. */
    {
        struct nr_cpe target, pattern;
        struct nr_buf b;

        nr_cpe_init(&target);
        nr_cpe_init(&pattern);
        nr_buf_init(&b, NR_CPE_MAX + 8);
        if (nr_cpe_parse(&target, cpe, NULL) == 0 && nr_buf_puts(&b, "cpe:") == 0 &&
            nr_cpe_product_key(&target, &b) == 0 && (k = sca_key_find(ix, b.p)) != NULL) {
            for (int32_t i = k->head; i >= 0; i = ix->pkgs[i].next) {
                const struct sca_pkg *p = &ix->pkgs[i];
                const char *fixed = NULL;
                enum nr_order fo = p->order;
                if (p->cpe == NULL || nr_cpe_parse(&pattern, p->cpe, NULL) != 0 ||
                    !nr_cpe_matches(&pattern, &target))
                    continue;
                if (sca_pkg_hit(p, version, ar, &fixed, &fo))
                    sca_hit_add(hits, p->adv, fo, fixed);
            }
        }
        hits->by_cpe = hits->n > before;
        nr_buf_release(&b);
        nr_cpe_release(&pattern);
        nr_cpe_release(&target);
    }
}

/* ---- an index for one SBOM ---- */

/* Scratch space for reading components' identifiers. */
struct sca_ident {
    struct nr_purl purl;
    struct nr_cpe cpe;
    struct nr_buf kb;
    char key[NR_PKG_KEY_MAX];
    char release[NR_PKG_RELEASE_MAX];
};

static void sca_ident_init(struct sca_ident *id)
{
    nr_purl_init(&id->purl);
    nr_cpe_init(&id->cpe);
    nr_buf_init(&id->kb, 4096);
}

static void sca_ident_release(struct sca_ident *id)
{
    nr_buf_release(&id->kb);
    nr_cpe_release(&id->cpe);
    nr_purl_release(&id->purl);
}

/* The package key of c's purl (*key, NULL when none), the release it names (*release, NULL
 * when none) and the version c is matched with (*version: its own, else its purl's, else its
 * CPE's; NULL when none), copied into ar; returns whether c has a usable purl or CPE. The
 * analysis and the restricted index read components through this one function, so that they
 * look up the same keys. */
static bool sca_component_ident(struct sca_ident *id, const struct nr_sbom_component *c,
                                struct nr_arena *ar, const char **key, const char **release,
                                const char **version)
{
    bool ident = false;

    *key = NULL;
    *release = NULL;
    *version = c->version && *c->version ? c->version : NULL;
    if (c->purl && nr_purl_parse(&id->purl, c->purl, NULL) == 0) {
        ident = true;
        if (nr_pkg_key_purl(&id->purl, id->key, sizeof(id->key), NULL) == 0)
            *key = nr_arena_strdup(ar, id->key);
        if (*key && nr_pkg_release_purl(&id->purl, id->release, sizeof(id->release)) > 0)
            *release = nr_arena_strdup(ar, id->release);
        if (*version == NULL && id->purl.version && *id->purl.version)
            *version = nr_arena_strdup(ar, id->purl.version);
    }
    if (c->cpe && (!ident || *version == NULL)) {
        bool cpe_ok = nr_cpe_parse(&id->cpe, c->cpe, NULL) == 0;
        ident = ident || cpe_ok;
        nr_buf_reset(&id->kb);
        if (cpe_ok && *version == NULL && nr_cpe_version(&id->cpe, &id->kb) == 0 && id->kb.len)
            *version = nr_arena_strdup(ar, id->kb.p);
    }
    return ident;
}

/* A key the SBOM looks up, with a version and release (NULL: none) of a component that has
 * it; version NULL (a CPE key) keeps every entry of the key. */
struct sca_want {
    const char *key, *version, *release;
};

static int sca_want_cmp(const void *pa, const void *pb)
{
    const struct sca_want *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);

    if (c)
        return c;
    if (a->version == NULL || b->version == NULL)
        return (a->version != NULL) - (b->version != NULL);
    if ((c = strcmp(a->version, b->version)) != 0)
        return c;
    return strcmp(a->release ? a->release : "", b->release ? b->release : "");
}

/* An advisory_packages row kept for the index, before its advisory has an index. */
struct sca_row {
    int64_t row_id;
    size_t want; /* the first want of its key */
    int64_t adv_id;
    const char *eco, *name, *key, *ranges, *versions;
};

/* Advisory ids already queued by the alias walk. */
struct sca_seen {
    int64_t id;
    UT_hash_handle hh;
};

static int sca_id64_cmp(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

/* The keys and versions the SBOM's components are matched with, sorted by key and version. */
static size_t sca_sbom_wants(const struct nr_sbom *sbom, struct nr_arena *ar, struct sca_want **out)
{
    struct sca_want *w = nr_malloc((2 * sbom->ncomponents + 1) * sizeof(*w));
    struct sca_ident id;
    size_t n = 0;

    sca_ident_init(&id);
    for (size_t i = 0; i < sbom->ncomponents; i++) {
        const struct nr_sbom_component *c = &sbom->components[i];
        const char *key, *release, *version;

        sca_component_ident(&id, c, ar, &key, &release, &version);
        if (version == NULL)
            continue; /* sca.h: a component without a version matches nothing */
        if (key && *key)
            w[n++] = (struct sca_want){key, version, release};
        /* nr__sca_match's CPE fallback looks the vendor:product key up. */
        nr_buf_reset(&id.kb);
        if (c->cpe && *c->cpe && nr_cpe_parse(&id.cpe, c->cpe, NULL) == 0 &&
            nr_buf_puts(&id.kb, "cpe:") == 0 && nr_cpe_product_key(&id.cpe, &id.kb) == 0)
            w[n++] = (struct sca_want){nr_arena_strdup(ar, id.kb.p), NULL, NULL};
    }
    sca_ident_release(&id);
    if (n > 1)
        qsort(w, n, sizeof(*w), sca_want_cmp);
    *out = w;
    return n;
}

/* A row of a wanted key: its id and the first want of the key. */
struct sca_rowref {
    int64_t id;
    size_t want;
};

static int sca_rowref_cmp(const void *pa, const void *pb)
{
    const struct sca_rowref *a = pa, *b = pb;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int sca_row_cmp(const void *pa, const void *pb)
{
    const struct sca_row *a = pa, *b = pb;
    if (a->want != b->want)
        return a->want < b->want ? -1 : 1;
    return a->row_id < b->row_id ? -1 : a->row_id > b->row_id;
}

/* Keeps the current row of s (id, advisory_id, ecosystem, name, ranges, versions: a row of the
 * key of w[i]) when it can hit one of the key's versions. */
static void sca_keep_row(struct nr_stmt *s, const struct sca_want *w, size_t nw, size_t i,
                         struct sca_eco_cache *ec, struct nr_arena *ar, struct sca_row **rows,
                         size_t *nrows, size_t *cap)
{
    struct sca_pkg p = {0};
    const char *eco = nr_stmt_text(s, 2);
    bool keep = w[i].version == NULL;

    if (eco == NULL)
        return;
    sca_eco_update(ec, eco);
    p.order = strcmp(eco, "CPE") == 0 ? NR_ORDER_GENERIC : ec->order;
    p.ranges = nr_stmt_text(s, 4);
    p.versions = nr_stmt_text(s, 5);
    for (size_t j = i; !keep && j < nw && strcmp(w[j].key, w[i].key) == 0; j++) {
        const char *fixed = NULL;
        enum nr_order fo = p.order;
        if (j > i && sca_want_cmp(&w[j], &w[j - 1]) == 0)
            continue;
        if (!sca_release_ok(w[j].release, ec->release))
            continue;
        keep = sca_pkg_hit(&p, w[j].version, NULL, &fixed, &fo);
    }
    if (!keep)
        return;
    *rows = sca_grow(*rows, cap, *nrows, sizeof(**rows));
    (*rows)[*nrows] = (struct sca_row){nr_stmt_int(s, 0),
                                       i,
                                       nr_stmt_int(s, 1),
                                       nr_arena_strdup(ar, eco),
                                       nr_arena_strdup(ar, nr_stmt_text(s, 3)),
                                       w[i].key,
                                       nr_arena_strdup(ar, p.ranges),
                                       nr_arena_strdup(ar, p.versions)};
    (*nrows)++;
}

#define SCA_ROWS "SELECT id, advisory_id, ecosystem, name, ranges, versions FROM advisory_packages"

/* Reads the advisory_packages rows of the wanted keys, keeping those that can hit one of the
 * key's versions (an entry that hits none of them changes nothing in a match), in the order of
 * the full index's chains: by key, then by row id. The ids come from the pkg_key index alone;
 * the rows are then looked up by id, or, when they are more than a sixteenth of the table (a
 * lookup costs about as much as reading sixteen rows in a scan), read in one scan merged with
 * the sorted ids. */
static int sca_read_rows(struct nr_review *rv, const struct sca_want *w, size_t nw,
                         struct nr_arena *ar, struct sca_row **rows, size_t *nrows,
                         struct nr_err *err)
{
    struct nr_stmt *ids = NULL, *s = NULL;
    struct sca_eco_cache ec = {"", NR_ORDER_GENERIC, "", 0};
    struct sca_rowref *refs = NULL;
    size_t cap = 0, nrefs = 0, capr = 0;
    int64_t last = 0;
    int rc;

    rc = nr_store_prepare(rv->st, "SELECT id FROM advisory_packages WHERE pkg_key = ?", &ids, err);
    for (size_t i = 0; rc == 0 && i < nw;) {
        size_t k = i + 1;

        while (k < nw && strcmp(w[k].key, w[i].key) == 0)
            k++;
        nr_stmt_reset(ids);
        nr_stmt_bind_text(ids, 1, w[i].key);
        while ((rc = nr_stmt_step(ids, err)) == NR_STORE_ROW) {
            refs = sca_grow(refs, &capr, nrefs, sizeof(*refs));
            refs[nrefs].id = nr_stmt_int(ids, 0);
            refs[nrefs++].want = i;
        }
        rc = rc < 0 ? rc : 0;
        i = k;
    }
    if (rc == 0 && nrefs)
        rc = nr_store_query_int(rv->st, err, &last,
                                "SELECT COALESCE(MAX(id), 0) FROM advisory_packages", "");
    if (rc || nrefs == 0)
        goto out;
    if (nrefs > 1)
        qsort(refs, nrefs, sizeof(*refs), sca_rowref_cmp);
    if ((int64_t)nrefs * 16 > last) {
        size_t r = 0;
        rc = nr_store_prepare(rv->st, SCA_ROWS " ORDER BY id", &s, err);
        while (rc == 0 && r < nrefs && (rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
            int64_t id = nr_stmt_int(s, 0);
            rc = 0;
            while (r < nrefs && refs[r].id < id)
                r++;
            if (r < nrefs && refs[r].id == id)
                sca_keep_row(s, w, nw, refs[r].want, &ec, ar, rows, nrows, &cap);
        }
        rc = rc < 0 ? rc : 0;
    } else {
        rc = nr_store_prepare(rv->st, SCA_ROWS " WHERE id = ?", &s, err);
        for (size_t r = 0; rc == 0 && r < nrefs; r++) {
            nr_stmt_reset(s);
            nr_stmt_bind_int(s, 1, refs[r].id);
            rc = nr_stmt_step(s, err);
            if (rc == NR_STORE_ROW)
                sca_keep_row(s, w, nw, refs[r].want, &ec, ar, rows, nrows, &cap);
            rc = rc < 0 ? rc : 0; /* a row removed since is as if never there */
        }
    }
    if (*nrows > 1)
        qsort(*rows, *nrows, sizeof(**rows), sca_row_cmp);
out:
    nr_free(refs);
    nr_stmt_free(ids);
    nr_stmt_free(s);
    return rc;
}

/* The advisories (not withdrawn) of the kept rows and every advisory of their alias groups:
 * the ids and aliases they share are followed both ways, through not withdrawn advisories only,
 * as the full index's grouping joins them. *ids (sorted) is the caller's. */
static int sca_walk_aliases(struct nr_review *rv, const struct sca_row *rows, size_t nrows,
                            int64_t **ids, size_t *nids, struct nr_err *err)
{
    struct nr_stmt *live = NULL, *of = NULL, *sharing = NULL;
    struct sca_seen *seen = NULL, *e, *tmp;
    int64_t *queue = nr_malloc((nrows + 1) * sizeof(*queue));
    size_t nq = 0, capq = nrows + 1, cap = 0;
    int rc;

    *ids = NULL;
    *nids = 0;
    for (size_t i = 0; i < nrows; i++) {
        HASH_FIND(hh, seen, &rows[i].adv_id, sizeof(int64_t), e);
        if (e)
            continue;
        e = nr_malloc(sizeof(*e));
        e->id = rows[i].adv_id;
        HASH_ADD(hh, seen, id, sizeof(e->id), e);
        queue[nq++] = e->id;
    }
    rc = nr_store_prepare(rv->st, "SELECT 1 FROM advisories WHERE id = ? AND withdrawn IS NULL",
                          &live, err);
    if (rc == 0)
        rc = nr_store_prepare(rv->st, "SELECT alias FROM advisory_aliases WHERE advisory_id = ?",
                              &of, err);
    if (rc == 0)
        rc = nr_store_prepare(rv->st, "SELECT advisory_id FROM advisory_aliases WHERE alias = ?",
                              &sharing, err);
    for (size_t q = 0; rc == 0 && q < nq; q++) {
        nr_stmt_reset(live);
        nr_stmt_bind_int(live, 1, queue[q]);
        rc = nr_stmt_step(live, err);
        if (rc != NR_STORE_ROW) {
            rc = rc < 0 ? rc : 0; /* withdrawn (or gone): in no group, links nothing */
            continue;
        }
        rc = 0;
        *ids = sca_grow(*ids, &cap, *nids, sizeof(**ids));
        (*ids)[(*nids)++] = queue[q];
        nr_stmt_reset(of);
        nr_stmt_bind_int(of, 1, queue[q]);
        while (rc == 0 && (rc = nr_stmt_step(of, err)) == NR_STORE_ROW) {
            const char *alias = nr_stmt_text(of, 0);
            rc = 0;
            if (alias == NULL || *alias == '\0')
                continue;
            nr_stmt_reset(sharing);
            nr_stmt_bind_text(sharing, 1, alias);
            while ((rc = nr_stmt_step(sharing, err)) == NR_STORE_ROW) {
                int64_t other = nr_stmt_int(sharing, 0);
                HASH_FIND(hh, seen, &other, sizeof(other), e);
                if (e)
                    continue;
                e = nr_malloc(sizeof(*e));
                e->id = other;
                HASH_ADD(hh, seen, id, sizeof(e->id), e);
                queue = sca_grow(queue, &capq, nq, sizeof(*queue));
                queue[nq++] = other;
            }
            rc = rc < 0 ? rc : 0;
        }
        rc = rc < 0 ? rc : 0;
    }
    if (*nids > 1)
        qsort(*ids, *nids, sizeof(**ids), sca_id64_cmp);
    HASH_ITER(hh, seen, e, tmp)
    {
        HASH_DEL(seen, e);
        nr_free(e);
    }
    nr_free(queue);
    nr_stmt_free(live);
    nr_stmt_free(of);
    nr_stmt_free(sharing);
    return rc;
}

/* Loads the advisories ids (sorted, not withdrawn) with their aliases and groups. */
static int sca_load_some(struct nr_review *rv, struct nr_sca_index *ix, const int64_t *ids,
                         size_t nids, struct nr_err *err)
{
    struct nr_stmt *adv = NULL, *al = NULL;
    struct sca_alias_state as = {0};
    size_t cap = 0;
    int rc;

    rc = nr_store_prepare(rv->st, "SELECT " SCA_ADV_COLUMNS " FROM advisories WHERE id = ?", &adv,
                          err);
    if (rc == 0)
        rc = nr_store_prepare(rv->st,
                              "SELECT alias FROM advisory_aliases WHERE advisory_id = ? ORDER BY "
                              "alias",
                              &al, err);
    for (size_t i = 0; rc == 0 && i < nids; i++) {
        nr_stmt_reset(adv);
        nr_stmt_bind_int(adv, 1, ids[i]);
        rc = nr_stmt_step(adv, err);
        if (rc == NR_STORE_ROW) {
            sca_adv_add(ix, adv, &cap);
            rc = 0;
        } else if (rc == NR_STORE_DONE) {
            rc = 0; /* removed since the walk: as if withdrawn */
        }
    }
    for (size_t j = 0; rc == 0 && j < ix->nadvs; j++) {
        nr_stmt_reset(al);
        nr_stmt_bind_int(al, 1, ix->advs[j].id);
        while ((rc = nr_stmt_step(al, err)) == NR_STORE_ROW) {
            const char *alias = nr_stmt_text(al, 0);
            if (alias && *alias)
                sca_alias_add(ix, &as, j, alias);
        }
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0)
        sca_alias_groups(ix, &as);
    nr_free(as.refs);
    nr_stmt_free(adv);
    nr_stmt_free(al);
    return rc;
}

int nr_sca_index_build_keys(struct nr_review *rv, const struct nr_sbom *sbom,
                            struct nr_sca_index **out, struct nr_err *err)
{
    struct nr_sca_index *ix;
    struct nr_arena ar;
    struct sca_want *wants = NULL;
    struct sca_row *rows = NULL;
    struct sca_eco_cache ec = {"", NR_ORDER_GENERIC, "", 0};
    int64_t *ids = NULL, stored = 0;
    size_t nwants, nrows = 0, nids = 0, cap = 0;
    int rc;

    *out = NULL;
    if (sbom == NULL)
        return nr_err_set(err, NR_EINVAL, NULL, "no SBOM to build an index for");
    ix = sca_index_new(rv);
    nr_arena_init(&ar);
    nwants = sca_sbom_wants(sbom, &ar, &wants);
    rc = nr_store_query_int(rv->st, err, &stored,
                            "SELECT COUNT(*) FROM advisories WHERE withdrawn IS NULL", "");
    if (rc == 0)
        rc = sca_read_rows(rv, wants, nwants, &ar, &rows, &nrows, err);
    if (rc == 0)
        rc = sca_walk_aliases(rv, rows, nrows, &ids, &nids, err);
    if (rc == 0)
        rc = sca_load_some(rv, ix, ids, nids, err);
    for (size_t i = 0; rc == 0 && i < nrows; i++) {
        uint32_t adv;
        if (nr__sca_adv_find(ix, rows[i].adv_id, &adv))
            sca_pkg_add(ix, &cap, &ec, adv, rows[i].eco, rows[i].name, rows[i].key, rows[i].ranges,
                        rows[i].versions);
    }
    ix->nstored = (size_t)stored;
    nr_free(ids);
    nr_free(rows);
    nr_free(wants);
    nr_arena_release(&ar);
    if (rc) {
        nr_sca_index_free(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

/* ---- alias groups ---- */

static int sca_id_cmp(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    bool ca = strncmp(a, "CVE-", 4) == 0, cb = strncmp(b, "CVE-", 4) == 0;

    /* The ecosystem's own id (GHSA-, PYSEC-, RUSTSEC-, ...) names the advisory that matched;
     * the CVE follows it. */
    if (ca != cb)
        return ca ? 1 : -1;
    return strcmp(a, b);
}

size_t nr__sca_group_ids(const struct nr_sca_index *ix, uint32_t group, const char **out,
                         size_t max)
{
    size_t n = 0;

    for (uint32_t m = ix->gstart[group]; m < ix->gstart[group + 1]; m++) {
        const struct nr__sca_adv *a = &ix->advs[ix->gmembers[m]];
        const char *own[1] = {a->osv_id};
        const char *const *ids = a->naliases ? ix->aliases + a->alias_off : own;
        size_t nids = a->naliases ? a->naliases : 1;

        for (size_t i = 0; i < nids; i++) {
            bool dup = false;
            for (size_t j = 0; j < n && !dup; j++)
                dup = strcmp(out[j], ids[i]) == 0;
            if (!dup && n < max)
                out[n++] = ids[i];
        }
    }
    qsort(out, n, sizeof(*out), sca_id_cmp);
    return n;
}

/* ---- VEX ---- */

static int sca_vex_cmp(const void *pa, const void *pb)
{
    const struct nr_sbom_vex *a = *(const struct nr_sbom_vex *const *)pa;
    const struct nr_sbom_vex *b = *(const struct nr_sbom_vex *const *)pb;
    return strcmp(a->vuln_id ? a->vuln_id : "", b->vuln_id ? b->vuln_id : "");
}

void nr__sca_vexset_init(struct nr__sca_vexset *vs, const struct nr_sbom_vex *vex, size_t n)
{
    vs->n = n;
    vs->by_id = n ? nr_malloc(n * sizeof(*vs->by_id)) : NULL;
    for (size_t i = 0; i < n; i++)
        vs->by_id[i] = &vex[i];
    if (n > 1)
        qsort(vs->by_id, n, sizeof(*vs->by_id), sca_vex_cmp);
}

void nr__sca_vexset_release(struct nr__sca_vexset *vs)
{
    nr_free(vs->by_id);
    vs->by_id = NULL;
    vs->n = 0;
}

bool nr__sca_vex_suppresses(const struct nr_sbom_vex *v)
{
    return v && v->state &&
           (strcmp(v->state, "not_affected") == 0 || strcmp(v->state, "false_positive") == 0 ||
            strcmp(v->state, "resolved") == 0 || strcmp(v->state, "resolved_with_pedigree") == 0);
}

const struct nr_sbom_vex *nr__sca_vex_find(const struct nr__sca_vexset *vs, const char *ref,
                                           const char *purl, const char *const *ids, size_t nids)
{
    const struct nr_sbom_vex *found = NULL;

    for (size_t i = 0; i < nids && vs->n; i++) {
        size_t lo = 0, hi = vs->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const char *v = vs->by_id[mid]->vuln_id ? vs->by_id[mid]->vuln_id : "";
            if (strcmp(v, ids[i]) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < vs->n && vs->by_id[lo]->vuln_id && strcmp(vs->by_id[lo]->vuln_id, ids[i]) == 0;
             lo++) {
            const struct nr_sbom_vex *v = vs->by_id[lo];
            if (v->ref == NULL ||
                !((ref && strcmp(v->ref, ref) == 0) || (purl && strcmp(v->ref, purl) == 0)))
                continue;
            if (nr__sca_vex_suppresses(v))
                return v;
            if (found == NULL)
                found = v;
        }
    }
    return found;
}

/* ---- the analysis ---- */

/* Text for a title or a detail: control characters (other than newlines and tabs where
 * allowed) become spaces, and the text is cut at max bytes on a UTF-8 boundary. */
static char *sca_clean(struct nr_arena *ar, const char *s, size_t max, bool multiline)
{
    size_t n = strlen(s);
    char *d;

    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    d = nr_arena_strndup(ar, s, n);
    for (char *p = d; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            if (!(multiline && (*p == '\n' || *p == '\t')))
                *p = ' ';
    return d;
}

static json_t *sca_jstr(const char *s)
{
    json_t *v = s ? json_string(s) : NULL;
    return v ? v : json_null();
}

static json_t *sca_jscore(int score10)
{
    return score10 >= 0 ? json_real(score10 / 10.0) : json_null();
}

static int sca_finding_cmp(const void *pa, const void *pb)
{
    const struct nr__sca_finding *a = pa, *b = pb;
    int c = nr__sca_severity_rank(b->severity) - nr__sca_severity_rank(a->severity);

    if (c)
        return c;
    c = strcmp(a->name, b->name);
    if (c)
        return c;
    c = strcmp(a->nids ? a->ids[0] : "", b->nids ? b->ids[0] : "");
    if (c)
        return c;
    return a->comp < b->comp ? -1 : a->comp > b->comp;
}

/* Builds title and detail of a finding. */
static void sca_finding_text(struct nr__sca_analysis *an, struct nr__sca_finding *f,
                             const struct nr_sbom_component *c, const char *key, bool by_cpe,
                             const struct nr__sca_adv *lead)
{
    struct nr_buf b;

    nr_buf_init(&b, 1 << 20);
    /* "lodash 4.17.20: GHSA-35jh-r3h4-6jhm / CVE-2021-23337 (high, fixed in 4.17.21)" */
    nr_buf_printf(&b, "%s %s: ", f->name, f->version);
    for (size_t i = 0; i < f->nids && i < 3; i++)
        nr_buf_printf(&b, "%s%s", i ? " / " : "", f->ids[i]);
    if (f->nids > 3)
        nr_buf_printf(&b, " / %zu more", f->nids - 3);
    if (f->fixed)
        nr_buf_printf(&b, " (%s, fixed in %s)", f->severity, f->fixed);
    else
        nr_buf_printf(&b, " (%s, no fixed version known)", f->severity);
    if (b.len > 300) {
        /* Keep the severity readable when the name is long: cut the name, not the tail. */
        nr_buf_reset(&b);
        nr_buf_printf(&b, "%.120s %.40s: %.80s (%s%s%.40s)", f->name, f->version,
                      f->nids ? f->ids[0] : "", f->severity, f->fixed ? ", fixed in " : "",
                      f->fixed ? f->fixed : "");
    }
    f->title = sca_clean(&an->arena, b.p ? b.p : "", 300, false);
    nr_buf_reset(&b);
    if (lead->summary && *lead->summary)
        nr_buf_printf(&b, "%.4000s\n", lead->summary);
    nr_buf_printf(&b, "Component: %s %s", f->name, f->version);
    if (c->purl)
        nr_buf_printf(&b, " (%.2000s)", c->purl);
    else if (c->cpe)
        nr_buf_printf(&b, " (%.2000s)", c->cpe);
    if (c->path)
        nr_buf_printf(&b, " at %.500s", c->path);
    nr_buf_puts(&b, "\nAdvisories:");
    for (size_t i = 0; i < f->nids; i++)
        nr_buf_printf(&b, "%s%.200s", i ? ", " : " ", f->ids[i]);
    if (f->cvss_vector)
        nr_buf_printf(&b, "\nCVSS: %.300s (%.1f)", f->cvss_vector,
                      f->cvss_score10 >= 0 ? f->cvss_score10 / 10.0 : 0.0);
    if (f->fixed)
        nr_buf_printf(&b, "\nFixed in: %.200s", f->fixed);
    else
        nr_buf_puts(&b, "\nNo fixed version is known.");
    if (by_cpe)
        nr_buf_printf(&b, "\nMatched by CPE %.2000s", c->cpe);
    else if (key)
        nr_buf_printf(&b, "\nMatched by package %.600s", key);
    if (lead->rce || lead->auth_bypass)
        nr_buf_printf(&b, "\nThe advisory describes %s.",
                      lead->rce ? "remote code execution" : "an authentication bypass");
    f->detail = sca_clean(&an->arena, b.p ? b.p : "", 60000, true);
    nr_buf_release(&b);
}

/* Findings of one component from its hits: one per alias group. */
static void sca_component_findings(const struct nr_sca_index *ix, struct nr__sca_analysis *an,
                                   const struct nr_sbom *sbom, size_t ci,
                                   const struct nr__sca_hits *hits, const char *key,
                                   const struct nr__sca_vexset *vs, size_t *cap)
{
    const struct nr_sbom_component *c = &sbom->components[ci];
    bool *done = nr_calloc(hits->n, sizeof(*done));

    for (size_t i = 0; i < hits->n; i++) {
        struct nr__sca_finding *f;
        const struct nr__sca_adv *lead = &ix->advs[hits->v[i].adv];
        uint32_t g = lead->group;
        const char *ids[NR__SCA_IDS_MAX];
        bool control = false;

        if (done[i])
            continue;
        an->findings = sca_grow(an->findings, cap, an->nfindings, sizeof(*an->findings));
        f = &an->findings[an->nfindings++];
        memset(f, 0, sizeof(*f));
        f->comp = ci;
        f->name = c->name ? c->name : "";
        f->version = an->versions[ci];
        f->group = g;
        f->advs = nr_arena_alloc(&an->arena, hits->n * sizeof(*f->advs));
        f->cvss_score10 = -1;
        for (size_t j = i; j < hits->n; j++) {
            const struct nr__sca_adv *a = &ix->advs[hits->v[j].adv];
            if (done[j] || a->group != g)
                continue;
            done[j] = true;
            f->advs[f->nadvs++] = hits->v[j].adv;
            /* The group is as severe as its most severe advisory, and fixed where all are. */
            if (nr__sca_severity_rank(a->severity) > nr__sca_severity_rank(lead->severity))
                lead = a;
            if (a->cvss_score10 > f->cvss_score10) {
                f->cvss_score10 = a->cvss_score10;
                f->cvss_vector = a->cvss_vector;
            }
            if (hits->v[j].fixed &&
                (f->fixed == NULL || nr_vercmp(hits->v[j].order, hits->v[j].fixed, f->fixed) > 0))
                f->fixed = hits->v[j].fixed;
            control = control || a->rce || a->auth_bypass;
        }
        f->severity = lead->severity;
        /* R3: code execution or a bypass of authentication is a loss of control, not only a
         * supply-chain weakness. */
        f->category = control ? "control" : "supply_chain";
        f->nids = nr__sca_group_ids(ix, g, ids, NR__SCA_IDS_MAX);
        f->ids = nr_arena_alloc(&an->arena, (f->nids ? f->nids : 1) * sizeof(*f->ids));
        memcpy(f->ids, ids, f->nids * sizeof(*ids));
        f->vex = nr__sca_vex_find(vs, c->ref, c->purl, f->ids, f->nids);
        f->suppressed = nr__sca_vex_suppresses(f->vex);
        sca_finding_text(an, f, c, key, hits->by_cpe, lead);
    }
    nr_free(done);
}

struct sca_tally {
    const char *name;
    size_t n;
};

static int sca_str_cmp(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static int sca_tally_cmp(const void *pa, const void *pb)
{
    const struct sca_tally *a = pa, *b = pb;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* [{<label>: name, components, share}] of names[0..n) (sorted in place), by components
 * descending, then name; *top gets the busiest name other than "(none)". */
static json_t *sca_tally_json(const char **names, size_t n, const char *label, const char **top,
                              size_t *top_n)
{
    struct sca_tally *t = nr_malloc((n ? n : 1) * sizeof(*t));
    json_t *arr = json_array();
    size_t nt = 0;

    if (n > 1)
        qsort(names, n, sizeof(*names), sca_str_cmp);
    for (size_t i = 0; i < n; i++) {
        if (nt && strcmp(t[nt - 1].name, names[i]) == 0) {
            t[nt - 1].n++;
            continue;
        }
        t[nt].name = names[i];
        t[nt++].n = 1;
    }
    if (nt > 1)
        qsort(t, nt, sizeof(*t), sca_tally_cmp);
    for (size_t i = 0; i < nt; i++) {
        json_t *o = json_object();
        double share = (double)t[i].n / (double)n;
        json_object_set_new(o, label, sca_jstr(t[i].name));
        json_object_set_new(o, "components", json_integer((json_int_t)t[i].n));
        json_object_set_new(o, "share", json_real(floor(share * 10000.0 + 0.5) / 10000.0));
        json_array_append_new(arr, o);
        if (top && *top == NULL && strcmp(t[i].name, "(none)") != 0) {
            *top = t[i].name;
            *top_n = t[i].n;
        }
    }
    nr_free(t);
    return arr;
}

static json_t *sca_finding_json(const struct nr_sbom *sbom, const struct nr__sca_finding *f)
{
    const struct nr_sbom_component *c = &sbom->components[f->comp];
    json_t *o = json_object(), *comp = json_object(), *ids = json_array(), *vex = json_null();

    json_object_set_new(o, "category", json_string(f->category));
    json_object_set_new(o, "severity", json_string(f->severity));
    json_object_set_new(o, "title", sca_jstr(f->title));
    json_object_set_new(o, "detail", sca_jstr(f->detail));
    json_object_set_new(comp, "name", sca_jstr(c->name));
    json_object_set_new(comp, "group", sca_jstr(c->group));
    json_object_set_new(comp, "version", sca_jstr(f->version));
    json_object_set_new(comp, "purl", sca_jstr(c->purl));
    json_object_set_new(comp, "cpe", sca_jstr(c->cpe));
    json_object_set_new(comp, "ref", sca_jstr(c->ref));
    json_object_set_new(comp, "path", sca_jstr(c->path));
    json_object_set_new(o, "component", comp);
    for (size_t i = 0; i < f->nids; i++)
        json_array_append_new(ids, sca_jstr(f->ids[i]));
    json_object_set_new(o, "advisories", ids);
    json_object_set_new(o, "cvss_vector", sca_jstr(f->cvss_vector));
    json_object_set_new(o, "cvss_score", sca_jscore(f->cvss_score10));
    json_object_set_new(o, "fixed", sca_jstr(f->fixed));
    json_object_set_new(o, "suppressed", json_boolean(f->suppressed));
    if (f->vex) {
        vex = json_object();
        json_object_set_new(vex, "state", sca_jstr(f->vex->state));
        json_object_set_new(vex, "justification", sca_jstr(f->vex->justification));
        json_object_set_new(vex, "detail", sca_jstr(f->vex->detail));
    }
    json_object_set_new(o, "vex", vex);
    return o;
}

int nr__sca_analyze(const struct nr_sca_index *ix, const struct nr_sbom *sbom,
                    struct nr__sca_analysis *an, struct nr_err *err)
{
    double t0 = nr__sca_clock();
    struct nr__sca_hits hits = {0};
    struct nr__sca_vexset vs;
    struct sca_ident id;
    const char **suppliers = nr_malloc((sbom->ncomponents + 1) * sizeof(*suppliers));
    const char **countries = nr_malloc((sbom->ncomponents + 1) * sizeof(*countries));
    json_t *report, *summary, *sev, *findings, *prov, *meta;
    size_t fcap = 0, vulnerable = 0, vulns = 0, suppressed = 0, bysev[5] = {0};

    (void)err;
    memset(an, 0, sizeof(*an));
    nr_arena_init(&an->arena);
    an->keys = nr_arena_alloc(&an->arena, (sbom->ncomponents + 1) * sizeof(*an->keys));
    an->versions = nr_arena_alloc(&an->arena, (sbom->ncomponents + 1) * sizeof(*an->versions));
    an->missing = nr_arena_alloc(&an->arena, sbom->ncomponents + 1);
    sca_ident_init(&id);
    nr__sca_vexset_init(&vs, sbom->vex, sbom->nvex);

    for (size_t i = 0; i < sbom->ncomponents; i++) {
        const struct nr_sbom_component *c = &sbom->components[i];
        const char *version, *release;
        bool ident = sca_component_ident(&id, c, &an->arena, &an->keys[i], &release, &version);
        size_t before = an->nfindings;
        unsigned miss = 0;

        an->versions[i] = version;
        if (c->supplier == NULL || *c->supplier == '\0')
            miss |= NR__SCA_NO_SUPPLIER;
        if (version == NULL)
            miss |= NR__SCA_NO_VERSION;
        if (c->hash == NULL || *c->hash == '\0')
            miss |= NR__SCA_NO_HASH;
        if (!ident)
            miss |= NR__SCA_NO_IDENT;
        an->missing[i] = (unsigned char)miss;
        an->unknown_provenance += miss != 0;
        an->no_supplier += (miss & NR__SCA_NO_SUPPLIER) != 0;
        an->no_version += (miss & NR__SCA_NO_VERSION) != 0;
        an->no_hash += (miss & NR__SCA_NO_HASH) != 0;
        an->no_ident += (miss & NR__SCA_NO_IDENT) != 0;
        suppliers[i] = c->supplier && *c->supplier ? c->supplier : "(none)";
        countries[i] = c->country && *c->country ? c->country : "(none)";

        hits.n = 0;
        nr__sca_match(ix, an->keys[i], release, c->cpe, version, &hits, &an->arena);
        if (hits.n)
            sca_component_findings(ix, an, sbom, i, &hits, an->keys[i], &vs, &fcap);
        for (size_t j = before; j < an->nfindings; j++) {
            struct nr__sca_finding *f = &an->findings[j];
            if (f->suppressed) {
                suppressed++;
                continue;
            }
            vulns++;
            bysev[nr__sca_severity_rank(f->severity)]++;
        }
        for (size_t j = before; j < an->nfindings; j++)
            if (!an->findings[j].suppressed) {
                vulnerable++;
                break;
            }
    }
    if (an->nfindings > 1)
        qsort(an->findings, an->nfindings, sizeof(*an->findings), sca_finding_cmp);

    report = json_object();
    meta = json_object();
    json_object_set_new(meta, "format", json_string(nr_sbom_format_name(sbom->format)));
    json_object_set_new(meta, "spec_version", sca_jstr(sbom->spec_version));
    json_object_set_new(meta, "subject", sca_jstr(sbom->subject));
    json_object_set_new(meta, "subject_version", sca_jstr(sbom->subject_version));
    json_object_set_new(meta, "components", json_integer((json_int_t)sbom->ncomponents));
    json_object_set_new(meta, "dependencies", json_integer((json_int_t)sbom->ndeps));
    json_object_set_new(report, "sbom", meta);
    json_object_set_new(report, "advisories", json_integer((json_int_t)ix->nstored));

    summary = json_object();
    sev = json_object();
    json_object_set_new(sev, "critical", json_integer((json_int_t)bysev[4]));
    json_object_set_new(sev, "high", json_integer((json_int_t)bysev[3]));
    json_object_set_new(sev, "medium", json_integer((json_int_t)bysev[2]));
    json_object_set_new(sev, "low", json_integer((json_int_t)bysev[1]));
    json_object_set_new(summary, "components", json_integer((json_int_t)sbom->ncomponents));
    json_object_set_new(summary, "vulnerable_components", json_integer((json_int_t)vulnerable));
    json_object_set_new(summary, "vulnerabilities", json_integer((json_int_t)vulns));
    json_object_set_new(summary, "suppressed", json_integer((json_int_t)suppressed));
    json_object_set_new(summary, "by_severity", sev);
    json_object_set_new(summary, "unknown_provenance",
                        json_integer((json_int_t)an->unknown_provenance));
    json_object_set_new(summary, "no_supplier", json_integer((json_int_t)an->no_supplier));
    json_object_set_new(summary, "no_version", json_integer((json_int_t)an->no_version));
    json_object_set_new(summary, "no_hash", json_integer((json_int_t)an->no_hash));
    json_object_set_new(summary, "no_identifier", json_integer((json_int_t)an->no_ident));
    json_object_set_new(report, "summary", summary);

    findings = json_array();
    for (size_t i = 0; i < an->nfindings; i++)
        json_array_append_new(findings, sca_finding_json(sbom, &an->findings[i]));
    json_object_set_new(report, "findings", findings);

    prov = json_array();
    for (size_t i = 0; i < sbom->ncomponents; i++) {
        const struct nr_sbom_component *c = &sbom->components[i];
        static const struct {
            unsigned bit;
            const char *name;
        } gaps[] = {{NR__SCA_NO_SUPPLIER, "supplier"},
                    {NR__SCA_NO_VERSION, "version"},
                    {NR__SCA_NO_HASH, "hash"},
                    {NR__SCA_NO_IDENT, "identifier"}};
        json_t *o, *missing;

        if (an->missing[i] == 0)
            continue;
        o = json_object();
        missing = json_array();
        json_object_set_new(o, "name", sca_jstr(c->name));
        json_object_set_new(o, "version", sca_jstr(an->versions[i]));
        json_object_set_new(o, "ref", sca_jstr(c->ref));
        json_object_set_new(o, "path", sca_jstr(c->path));
        for (size_t g = 0; g < NR_ARRAY_LEN(gaps); g++)
            if (an->missing[i] & gaps[g].bit)
                json_array_append_new(missing, json_string(gaps[g].name));
        json_object_set_new(o, "missing", missing);
        json_array_append_new(prov, o);
    }
    json_object_set_new(report, "provenance", prov);
    json_object_set_new(report, "suppliers",
                        sca_tally_json(suppliers, sbom->ncomponents, "supplier", &an->top_supplier,
                                       &an->top_supplier_components));
    json_object_set_new(report, "countries",
                        sca_tally_json(countries, sbom->ncomponents, "country", NULL, NULL));
    json_object_set_new(report, "seconds", json_real(nr__sca_clock() - t0));
    an->report = report;

    nr_free(suppliers);
    nr_free(countries);
    nr__sca_vexset_release(&vs);
    sca_ident_release(&id);
    nr_free(hits.v);
    return 0;
}

void nr__sca_analysis_release(struct nr__sca_analysis *an)
{
    json_decref(an->report);
    an->report = NULL;
    nr_free(an->findings);
    an->findings = NULL;
    an->nfindings = 0;
    nr_arena_release(&an->arena);
}

int nr_sca_analyze(const struct nr_sca_index *ix, const struct nr_sbom *sbom, json_t **report,
                   struct nr_err *err)
{
    struct nr__sca_analysis an;
    int rc;

    *report = NULL;
    if (ix == NULL || sbom == NULL)
        return nr_err_set(err, NR_EINVAL, NULL, "no index or no SBOM to analyse");
    rc = nr__sca_analyze(ix, sbom, &an, err);
    if (rc == 0) {
        *report = an.report;
        an.report = NULL;
    }
    nr__sca_analysis_release(&an);
    return rc;
}
