/*
 * gate_cache.c - the server's gate index (interface: http_int.h, "the gate index"): one index
 * (gate.h) shared by every worker, rebuilt when decisions change, so that GET /api/v1/gate
 * answers from memory and never queries the store per request (R9: fast and always up).
 *
 * Readers take a reference to the current index under a short mutex and give it back when they
 * have answered; a builder swaps a new index in, and the old one is freed by whoever gives back
 * its last reference. An index is immutable, so once a reader holds it no lock is needed to read
 * it.
 *
 * Staleness is an epoch: invalidating bumps `wanted` (atomic, no lock); an index remembers the
 * epoch read just before its build started, and a reader that saw epoch E takes the current
 * index only when it was built at E or later. So after a handler that decided, published or
 * revoked calls nr_http_decisions_changed, every later gate request answers from an index built
 * after that change, whichever worker serves it. One builder at a time: the others wait for it
 * and then use its index rather than build their own. Changes made by another process (the CLI
 * on the same database) are noticed by nr__gate_cache_poll, which compares the store's
 * generation with the index's, on each worker's timer, never per request.
 */
#include "http_int.h"

#include "netreview/gate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

/* An index and who holds it: the cache while it is current, and each reader. */
struct gate_holder {
    struct nr_gate_index *idx;
    uint64_t epoch; /* `wanted` when its build started */
    unsigned long refs;
    struct gate_holder *next; /* retired holders still referenced */
};

struct nr_gate_cache {
    pthread_mutex_t mu;       /* current, retired, refs */
    pthread_mutex_t build_mu; /* one build at a time */
    struct gate_holder *current;
    struct gate_holder *retired;
    atomic_uint_fast64_t wanted;
};

struct nr_gate_cache *nr__gate_cache_new(void)
{
    struct nr_gate_cache *gc = nr_calloc(1, sizeof(*gc));

    pthread_mutex_init(&gc->mu, NULL);
    pthread_mutex_init(&gc->build_mu, NULL);
    atomic_init(&gc->wanted, 1);
    return gc;
}

static void gate_holder_free(struct gate_holder *h)
{
    nr_gate_index_free(h->idx);
    nr_free(h);
}

/* Drops one reference of h (gc->mu held); true when h must be freed (outside the lock). */
static bool gate_holder_unref(struct nr_gate_cache *gc, struct gate_holder *h)
{
    if (--h->refs > 0)
        return false;
    if (h == gc->current)
        gc->current = NULL;
    for (struct gate_holder **p = &gc->retired; *p; p = &(*p)->next)
        if (*p == h) {
            *p = h->next;
            break;
        }
    return true;
}

void nr__gate_cache_free(struct nr_gate_cache *gc)
{
    struct gate_holder *h, *next;

    if (gc == NULL)
        return;
    /* Every worker has stopped: no reader holds a reference any more. */
    if (gc->current)
        gate_holder_free(gc->current);
    for (h = gc->retired; h; h = next) {
        next = h->next;
        gate_holder_free(h);
    }
    pthread_mutex_destroy(&gc->mu);
    pthread_mutex_destroy(&gc->build_mu);
    nr_free(gc);
}

/* The current index when it is fresh enough for a reader that saw epoch `seen`, referenced. */
static struct nr_gate_index *gate_take(struct nr_gate_cache *gc, uint64_t seen)
{
    struct nr_gate_index *idx = NULL;

    pthread_mutex_lock(&gc->mu);
    if (gc->current && gc->current->epoch >= seen) {
        gc->current->refs++;
        idx = gc->current->idx;
    }
    pthread_mutex_unlock(&gc->mu);
    return idx;
}

struct nr_gate_index *nr__gate_cache_get(struct nr_gate_cache *gc, struct nr_review *rv,
                                         struct nr_err *err)
{
    struct gate_holder *h, *old = NULL;
    struct nr_gate_index *idx;
    uint64_t seen = atomic_load(&gc->wanted), epoch;
    int rc;

    idx = gate_take(gc, seen);
    if (idx)
        return idx;
    pthread_mutex_lock(&gc->build_mu);
    /* Another worker may have built a fresh index while this one waited. */
    idx = gate_take(gc, seen);
    if (idx) {
        pthread_mutex_unlock(&gc->build_mu);
        return idx;
    }
    /* The epoch is read before the store: an invalidation during the build leaves this index
     * stale for the next reader, never a change unseen. */
    epoch = atomic_load(&gc->wanted);
    rc = nr_gate_index_build(rv, &idx, err);
    if (rc) {
        /* R9: a procurement system gets a clear 503 and retries; an answer from decisions
         * known to have changed would be wrong. */
        pthread_mutex_unlock(&gc->build_mu);
        return NULL;
    }
    h = nr_calloc(1, sizeof(*h));
    h->idx = idx;
    h->epoch = epoch;
    h->refs = 2; /* the cache's and this reader's */
    pthread_mutex_lock(&gc->mu);
    if (gc->current) {
        /* The cache lets go of the old index; its readers keep it until they give it back. */
        struct gate_holder *prev = gc->current;
        gc->current = NULL;
        if (--prev->refs == 0) {
            old = prev;
        } else {
            prev->next = gc->retired;
            gc->retired = prev;
        }
    }
    gc->current = h;
    pthread_mutex_unlock(&gc->mu);
    pthread_mutex_unlock(&gc->build_mu);
    if (old)
        gate_holder_free(old);
    return idx;
}

void nr__gate_index_put(struct nr_gate_cache *gc, struct nr_gate_index *idx)
{
    struct gate_holder *h = NULL, *found = NULL;
    bool release = false;

    if (idx == NULL)
        return;
    pthread_mutex_lock(&gc->mu);
    if (gc->current && gc->current->idx == idx)
        found = gc->current;
    for (h = gc->retired; found == NULL && h; h = h->next)
        if (h->idx == idx)
            found = h;
    if (found)
        release = gate_holder_unref(gc, found);
    pthread_mutex_unlock(&gc->mu);
    if (release)
        gate_holder_free(found);
}

void nr__gate_cache_invalidate(struct nr_gate_cache *gc)
{
    atomic_fetch_add(&gc->wanted, 1);
}

void nr__gate_cache_poll(struct nr_gate_cache *gc, struct nr_review *rv)
{
    char now[NR_GATE_GENERATION_MAX], built[NR_GATE_GENERATION_MAX] = "";
    struct nr_err err;
    bool have = false;

    pthread_mutex_lock(&gc->mu);
    if (gc->current) {
        snprintf(built, sizeof(built), "%s", nr_gate_index_generation(gc->current->idx));
        have = true;
    }
    pthread_mutex_unlock(&gc->mu);
    /* Nothing built yet: the first gate request builds. */
    if (!have)
        return;
    nr_err_init(&err);
    /* A store that cannot be read now is read again at the next tick. */
    if (nr_gate_generation(rv, now, &err) != 0)
        return;
    if (strcmp(now, built) != 0)
        nr__gate_cache_invalidate(gc);
}
