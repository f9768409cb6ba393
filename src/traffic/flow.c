/*
 * flow.c - the bidirectional flow table of pkt.h: packets to flows, the TCP state of each, and
 * the end of every flow (idle, closed, evicted, flushed) reported exactly once.
 *
 * It is built to keep up with reading the file, which on a large capture means that the cost is
 * cache misses, not instructions:
 * - Flows live in one region reserved for max_flows at creation (memory is only taken as flows
 *   are first used, in huge pages where the kernel allows) and are recycled through a free list:
 *   no allocation per packet, none per flow once the table has reached its size.
 * - A flow is found through an open-addressing index of (hash, flow number) pairs, probed
 *   linearly. uthash was measured first: its chains keep the hash inside each element, so every
 *   probe was a cache miss into a flow, two thirds of the table's time on a 60,000-flow capture.
 *   Here a probe reads the compact index, and only the flow that matches is touched.
 * - Expiry looks only at the heads of three lists in the order flows were last seen, one per
 *   timeout (open TCP, other protocols, closed TCP), so a head that has not expired means that
 *   nothing behind it has. The lists link flows by number in an array apart from the flows, so
 *   that moving a flow to the tail does not pull its neighbours' flows into the cache.
 */
#include "netreview/pkt.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "netreview/banned.h"

#define USEC 1000000ull

#define DEFAULT_MAX_FLOWS   262144
#define DEFAULT_TCP_IDLE_US (300 * USEC)
#define DEFAULT_UDP_IDLE_US (120 * USEC)
#define DEFAULT_CLOSED_US   (10 * USEC)
/* Flow numbers are 32 bits, and the index holds twice the flows. */
#define MAX_MAX_FLOWS (1u << 30)

#define INDEX_MIN_SLOTS 1024u

/* Later fragments carry no ports; the first fragment's flow is remembered by datagram id in a
 * small direct-mapped cache so that they are counted with it. A slot older than the reassembly
 * timeout of RFC 8200 is stale. */
#define FRAG_SLOTS  1024
#define FRAG_TTL_US (60 * USEC)

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

#define PROTO_TCP 6

#define NO_FLOW UINT32_MAX

enum lru_kind { LRU_TCP, LRU_OTHER, LRU_CLOSED, LRU_KINDS };

/* Both directions of a flow build the same key: endpoint a is the lower (address, port). */
struct flow_key {
    uint8_t a[16], b[16];
    uint16_t pa, pb;
    uint16_t vlan;
    uint8_t proto, ver;
};

_Static_assert(sizeof(struct flow_key) == 40, "flow_key must have no padding: it is hashed");

/* The key a lookup compares comes first and the counters accounting writes follow, so that a
 * packet touches one flow's first cache lines and nothing else of it. */
struct flow {
    struct flow_key key;
    uint32_t hash;
    uint32_t num;  /* index in the region and in nodes[] */
    bool cli_is_a; /* the client is endpoint a of the key */
    uint8_t fin;   /* FIN seen, a bit per NR_DIR_* */
    uint8_t lru;   /* enum lru_kind */
    struct nr_flow f;
    uint32_t cprev, cnext; /* creation order */
    uint32_t next_free;
} __attribute__((aligned(64)));

struct slot {
    uint32_t hash, num; /* num NO_FLOW: empty */
};

struct node {
    uint32_t prev, next;
};

struct lru {
    uint32_t head, tail;
    uint64_t timeout_us;
};

struct frag_slot {
    uint8_t src[16], dst[16];
    uint32_t id;
    uint16_t vlan;
    uint8_t proto, ver;
    bool from_a;
    uint64_t ts_us; /* 0: empty */
    uint64_t flow_id;
    uint32_t flow_num;
};

struct nr_flow_table {
    struct nr_flow_config cfg;
    struct flow *region; /* max_flows flows, touched as used */
    size_t region_len;
    uint32_t used;      /* flows of the region ever handed out */
    uint32_t free;      /* recycled flows, linked by next_free */
    struct node *nodes; /* LRU links, by flow number; touched as used */
    size_t nodes_len;
    struct slot *index;
    uint32_t index_mask; /* slots - 1, a power of two */
    struct lru lru[LRU_KINDS];
    uint32_t first, last; /* creation order */
    uint64_t seed;        /* of the hash: a capture cannot be crafted to collide */
    uint64_t next_id;
    uint64_t next_check_us;
    struct nr_flow_stats st;
    struct frag_slot *frags;
};

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static uint32_t key_hash(const struct flow_key *k, uint64_t seed)
{
    uint64_t w[5], h = seed;

    memcpy(w, k, sizeof(w));
    for (size_t i = 0; i < 5; i++)
        h = (h ^ w[i]) * 0x100000001b3ull + (h >> 29);
    return (uint32_t)mix64(h);
}

static inline struct flow *flow_at(const struct nr_flow_table *t, uint32_t num)
{
    return &t->region[num];
}

/* --- index --------------------------------------------------------------------------------- */

static struct flow *index_find(const struct nr_flow_table *t, const struct flow_key *key,
                               uint32_t hash)
{
    for (uint32_t i = hash & t->index_mask;; i = (i + 1) & t->index_mask) {
        const struct slot *s = &t->index[i];
        if (s->num == NO_FLOW)
            return NULL;
        if (s->hash == hash) {
            struct flow *fl = flow_at(t, s->num);
            if (memcmp(&fl->key, key, sizeof(*key)) == 0)
                return fl;
        }
    }
}

static void index_put(struct slot *index, uint32_t mask, uint32_t hash, uint32_t num)
{
    uint32_t i = hash & mask;

    while (index[i].num != NO_FLOW)
        i = (i + 1) & mask;
    index[i].hash = hash;
    index[i].num = num;
}

static struct slot *index_alloc(uint32_t slots)
{
    struct slot *index = nr_malloc(slots * sizeof(*index));
    memset(index, 0xff, slots * sizeof(*index));
    return index;
}

/* Kept at most half full, so that a probe rarely reads past the slot it starts at. */
static void index_add(struct nr_flow_table *t, const struct flow *fl)
{
    if ((t->st.active + 1) * 2 > (uint64_t)t->index_mask + 1) {
        uint32_t slots = (t->index_mask + 1) * 2;
        struct slot *index = index_alloc(slots);
        for (uint32_t i = 0; i <= t->index_mask; i++)
            if (t->index[i].num != NO_FLOW)
                index_put(index, slots - 1, t->index[i].hash, t->index[i].num);
        nr_free(t->index);
        t->index = index;
        t->index_mask = slots - 1;
    }
    index_put(t->index, t->index_mask, fl->hash, fl->num);
}

/* Removal shifts later members of the probe run back, so the index needs no tombstones. */
static void index_remove(struct nr_flow_table *t, const struct flow *fl)
{
    uint32_t mask = t->index_mask, i = fl->hash & mask, j;

    while (t->index[i].num != fl->num)
        i = (i + 1) & mask;
    for (j = i;;) {
        uint32_t home;
        j = (j + 1) & mask;
        if (t->index[j].num == NO_FLOW)
            break;
        home = t->index[j].hash & mask;
        /* Slot j may move to i only if its home is not cyclically within (i, j]. */
        if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
            t->index[i] = t->index[j];
            i = j;
        }
    }
    t->index[i].num = NO_FLOW;
}

/* --- lists --------------------------------------------------------------------------------- */

static void lru_unlink(struct nr_flow_table *t, const struct flow *fl)
{
    struct lru *l = &t->lru[fl->lru];
    const struct node *n = &t->nodes[fl->num];

    if (n->prev != NO_FLOW)
        t->nodes[n->prev].next = n->next;
    else
        l->head = n->next;
    if (n->next != NO_FLOW)
        t->nodes[n->next].prev = n->prev;
    else
        l->tail = n->prev;
}

static void lru_append(struct nr_flow_table *t, struct flow *fl, enum lru_kind kind)
{
    struct lru *l = &t->lru[kind];
    struct node *n = &t->nodes[fl->num];

    fl->lru = (uint8_t)kind;
    n->next = NO_FLOW;
    n->prev = l->tail;
    if (l->tail != NO_FLOW)
        t->nodes[l->tail].next = fl->num;
    else
        l->head = fl->num;
    l->tail = fl->num;
}

/* Moves a flow just seen to the tail of its list (which changes as TCP closes). */
static void lru_touch(struct nr_flow_table *t, struct flow *fl, enum lru_kind kind)
{
    if (fl->lru == kind && t->lru[kind].tail == fl->num)
        return;
    lru_unlink(t, fl);
    lru_append(t, fl, kind);
}

/* --- flows --------------------------------------------------------------------------------- */

/* Only called below max_flows, so the region always has room. */
static struct flow *flow_alloc(struct nr_flow_table *t)
{
    struct flow *fl;
    uint32_t num;

    if (t->free != NO_FLOW) {
        num = t->free;
        t->free = flow_at(t, num)->next_free;
    } else {
        num = t->used++;
    }
    fl = flow_at(t, num);
    memset(fl, 0, sizeof(*fl));
    fl->num = num;
    return fl;
}

/* Takes the flow out of every structure, tells the analysis, and recycles it. */
static void flow_end(struct nr_flow_table *t, struct flow *fl, enum nr_flow_end why)
{
    index_remove(t, fl);
    lru_unlink(t, fl);
    if (fl->cprev != NO_FLOW)
        flow_at(t, fl->cprev)->cnext = fl->cnext;
    else
        t->first = fl->cnext;
    if (fl->cnext != NO_FLOW)
        flow_at(t, fl->cnext)->cprev = fl->cprev;
    else
        t->last = fl->cprev;
    t->st.active--;
    switch (why) {
    case NR_FLOW_IDLE:
        t->st.ended_idle++;
        break;
    case NR_FLOW_CLOSED:
        t->st.ended_closed++;
        break;
    case NR_FLOW_EVICTED:
        t->st.evicted++;
        break;
    case NR_FLOW_FLUSHED:
        t->st.flushed++;
        break;
    }
    if (t->cfg.on_end)
        t->cfg.on_end(t->cfg.ctx, &fl->f, why);
    fl->f.id = 0; /* a free flow: the fragment cache must not find it */
    fl->next_free = t->free;
    t->free = fl->num;
}

static void expire(struct nr_flow_table *t, uint64_t now)
{
    for (int k = 0; k < LRU_KINDS; k++) {
        struct lru *l = &t->lru[k];
        while (l->head != NO_FLOW) {
            struct flow *fl = flow_at(t, l->head);
            if (now <= fl->f.last_us || now - fl->f.last_us <= l->timeout_us)
                break;
            flow_end(t, fl, k == LRU_CLOSED ? NR_FLOW_CLOSED : NR_FLOW_IDLE);
        }
    }
}

static void evict_oldest(struct nr_flow_table *t)
{
    struct flow *oldest = NULL;

    for (int k = 0; k < LRU_KINDS; k++) {
        struct flow *h;
        if (t->lru[k].head == NO_FLOW)
            continue;
        h = flow_at(t, t->lru[k].head);
        if (oldest == NULL || h->f.last_us < oldest->f.last_us)
            oldest = h;
    }
    if (oldest)
        flow_end(t, oldest, NR_FLOW_EVICTED);
}

static struct flow *flow_create(struct nr_flow_table *t, const struct flow_key *key, uint32_t hash,
                                const struct nr_pkt *p, bool from_a)
{
    struct flow *fl;

    if (t->st.active >= t->cfg.max_flows) {
        /* Idle flows should leave as idle, not as victims of a full table. */
        expire(t, p->ts_us);
        if (t->st.active >= t->cfg.max_flows)
            evict_oldest(t);
    }
    fl = flow_alloc(t);
    fl->key = *key;
    fl->hash = hash;
    fl->cli_is_a = from_a;
    fl->f.id = ++t->next_id;
    fl->f.cli = p->src;
    fl->f.srv = p->dst;
    fl->f.cli_port = p->sport;
    fl->f.srv_port = p->dport;
    fl->f.proto = p->proto;
    fl->f.vlan = p->vlan;
    fl->f.first_us = fl->f.last_us = p->ts_us;
    fl->f.first_pkt = p->num;
    fl->f.tcp = NR_TCP_NONE;
    index_add(t, fl);
    fl->cnext = NO_FLOW;
    fl->cprev = t->last;
    if (t->last != NO_FLOW)
        flow_at(t, t->last)->cnext = fl->num;
    else
        t->first = fl->num;
    t->last = fl->num;
    lru_append(t, fl, p->proto == PROTO_TCP ? LRU_TCP : LRU_OTHER);
    t->st.created++;
    t->st.active++;
    if (t->st.active > t->st.peak)
        t->st.peak = t->st.active;
    return fl;
}

/* The client was guessed from the first packet and a SYN says otherwise: turn the flow round. */
static void flow_swap(struct flow *fl)
{
    struct nr_flow *f = &fl->f;
    struct nr_addr a = f->cli;
    uint16_t port = f->cli_port;
    uint64_t v;

    f->cli = f->srv;
    f->srv = a;
    f->cli_port = f->srv_port;
    f->srv_port = port;
    v = f->pkts[0], f->pkts[0] = f->pkts[1], f->pkts[1] = v;
    v = f->bytes[0], f->bytes[0] = f->bytes[1], f->bytes[1] = v;
    v = f->payload[0], f->payload[0] = f->payload[1], f->payload[1] = v;
    fl->fin = (uint8_t)(((fl->fin & 1) << 1) | ((fl->fin >> 1) & 1));
    fl->cli_is_a = !fl->cli_is_a;
}

static void tcp_track(struct flow *fl, uint8_t flags, int *dir)
{
    struct nr_flow *f = &fl->f;

    /* A SYN without ACK comes from the client, a SYN+ACK from the server: either settles who
     * the client is, once. */
    if (!f->handshake_seen && (flags & (TCP_SYN | TCP_RST)) == TCP_SYN) {
        int syn_dir = (flags & TCP_ACK) ? NR_DIR_S2C : NR_DIR_C2S;
        if (*dir != syn_dir) {
            flow_swap(fl);
            *dir = syn_dir;
        }
        f->handshake_seen = true;
    }
    if (flags & TCP_RST) {
        f->tcp = NR_TCP_RESET;
        return;
    }
    if (f->tcp == NR_TCP_RESET || f->tcp == NR_TCP_CLOSED)
        return;
    if (flags & TCP_SYN) {
        if (flags & TCP_ACK) {
            if (f->tcp == NR_TCP_NONE || f->tcp == NR_TCP_SYN)
                f->tcp = NR_TCP_ESTABLISHED;
        } else if (f->tcp == NR_TCP_NONE) {
            f->tcp = NR_TCP_SYN;
        }
    } else if (f->tcp == NR_TCP_NONE) {
        /* The capture began in the middle of the connection. */
        f->tcp = NR_TCP_ESTABLISHED;
    } else if (f->tcp == NR_TCP_SYN && (flags & TCP_ACK)) {
        /* The handshake's last ACK, or data after a SYN+ACK the capture missed. */
        f->tcp = NR_TCP_ESTABLISHED;
    }
    if (flags & TCP_FIN) {
        fl->fin |= (uint8_t)(1u << *dir);
        f->tcp = fl->fin == 3 ? NR_TCP_CLOSED : NR_TCP_CLOSING;
    }
}

static int flow_account(struct nr_flow_table *t, struct flow *fl, const struct nr_pkt *p,
                        bool from_a)
{
    struct nr_flow *f = &fl->f;
    int dir = from_a == fl->cli_is_a ? NR_DIR_C2S : NR_DIR_S2C;

    /* Later fragments have no TCP header: their flags byte means nothing. */
    if (f->proto == PROTO_TCP && (!p->fragment || p->first_fragment))
        tcp_track(fl, p->tcp_flags, &dir);
    f->pkts[dir]++;
    f->bytes[dir] += p->ip_len;
    f->payload[dir] += p->payload_wire_len;
    if (p->fragment)
        f->fragments++;
    if (p->ts_us > f->last_us)
        f->last_us = p->ts_us;
    f->last_pkt = p->num;
    if (f->tcp == NR_TCP_CLOSED || f->tcp == NR_TCP_RESET)
        lru_touch(t, fl, LRU_CLOSED);
    else
        lru_touch(t, fl, (enum lru_kind)fl->lru);
    return dir;
}

/* --- the table ----------------------------------------------------------------------------- */

/* Address space for n items of size bytes, taken from the system only as it is touched. */
static void *reserve(size_t n, size_t size, size_t *len)
{
    void *p;

    *len = n * size;
    p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
             0);
    return p == MAP_FAILED ? NULL : p;
}

int nr_flow_table_new(const struct nr_flow_config *cfg, struct nr_flow_table **out,
                      struct nr_err *err)
{
    struct nr_flow_table *t;
    int rc = 0;

    *out = NULL;
    t = nr_calloc(1, sizeof(*t));
    if (cfg)
        t->cfg = *cfg;
    if (t->cfg.max_flows == 0)
        t->cfg.max_flows = DEFAULT_MAX_FLOWS;
    if (t->cfg.tcp_idle_us == 0)
        t->cfg.tcp_idle_us = DEFAULT_TCP_IDLE_US;
    if (t->cfg.udp_idle_us == 0)
        t->cfg.udp_idle_us = DEFAULT_UDP_IDLE_US;
    if (t->cfg.closed_us == 0)
        t->cfg.closed_us = DEFAULT_CLOSED_US;
    if (t->cfg.max_flows > MAX_MAX_FLOWS) {
        rc = nr_err_set(err, NR_EINVAL, "max_flows", "max_flows: more than %u", MAX_MAX_FLOWS);
        goto out;
    }
    t->region = reserve(t->cfg.max_flows, sizeof(struct flow), &t->region_len);
    t->nodes = reserve(t->cfg.max_flows, sizeof(struct node), &t->nodes_len);
    if (t->region == NULL || t->nodes == NULL) {
        rc = nr_err_set(err, NR_ENOMEM, "max_flows", "cannot reserve memory for %zu flows",
                        t->cfg.max_flows);
        goto out;
    }
    /* Flows are touched at random: huge pages spare a TLB miss per packet. Advice only. */
    (void)madvise(t->region, t->region_len, MADV_HUGEPAGE);
    if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) != sizeof(t->seed))
        t->seed = mix64((uint64_t)(uintptr_t)t ^ (uint64_t)time(NULL));
    t->free = NO_FLOW;
    t->first = t->last = NO_FLOW;
    t->index = index_alloc(INDEX_MIN_SLOTS);
    t->index_mask = INDEX_MIN_SLOTS - 1;
    for (int k = 0; k < LRU_KINDS; k++)
        t->lru[k].head = t->lru[k].tail = NO_FLOW;
    t->lru[LRU_TCP].timeout_us = t->cfg.tcp_idle_us;
    t->lru[LRU_OTHER].timeout_us = t->cfg.udp_idle_us;
    t->lru[LRU_CLOSED].timeout_us = t->cfg.closed_us;
    t->frags = nr_calloc(FRAG_SLOTS, sizeof(*t->frags));
out:
    if (rc != 0) {
        nr_flow_table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void nr_flow_table_flush(struct nr_flow_table *t)
{
    while (t->first != NO_FLOW)
        flow_end(t, flow_at(t, t->first), NR_FLOW_FLUSHED);
    memset(t->frags, 0, FRAG_SLOTS * sizeof(*t->frags));
}

void nr_flow_table_free(struct nr_flow_table *t)
{
    if (t == NULL)
        return;
    if (t->index)
        nr_flow_table_flush(t);
    if (t->region)
        munmap(t->region, t->region_len);
    if (t->nodes)
        munmap(t->nodes, t->nodes_len);
    nr_free(t->index);
    nr_free(t->frags);
    nr_free(t);
}

void nr_flow_table_each(struct nr_flow_table *t, void (*fn)(void *ctx, const struct nr_flow *f),
                        void *ctx)
{
    for (uint32_t num = t->first; num != NO_FLOW;) {
        const struct flow *fl = flow_at(t, num);
        num = fl->cnext;
        fn(ctx, &fl->f);
    }
}

const struct nr_flow_stats *nr_flow_table_stats(const struct nr_flow_table *t)
{
    return &t->st;
}

static size_t frag_index(const struct nr_pkt *p)
{
    uint64_t s[2], d[2];

    memcpy(s, p->src.b, 16);
    memcpy(d, p->dst.b, 16);
    return (size_t)(mix64(s[0] ^ (s[1] * 31) ^ (d[0] * 131) ^ (d[1] * 1031) ^ p->frag_id) &
                    (FRAG_SLOTS - 1));
}

static bool frag_slot_matches(const struct frag_slot *s, const struct nr_pkt *p)
{
    return s->ts_us != 0 && s->id == p->frag_id && s->proto == p->proto && s->ver == p->src.ver &&
           s->vlan == p->vlan && memcmp(s->src, p->src.b, 16) == 0 &&
           memcmp(s->dst, p->dst.b, 16) == 0 && p->ts_us >= s->ts_us &&
           p->ts_us - s->ts_us < FRAG_TTL_US;
}

/* A later fragment of a datagram whose first fragment was seen: its flow, if it is still the
 * same flow (a flow number is recycled, a flow id is not). */
static struct flow *frag_flow(struct nr_flow_table *t, const struct frag_slot *s)
{
    struct flow *fl;

    if (s->flow_num >= t->used)
        return NULL;
    fl = flow_at(t, s->flow_num);
    return fl->f.id == s->flow_id ? fl : NULL;
}

struct nr_flow *nr_flow_table_update(struct nr_flow_table *t, const struct nr_pkt *p, int *dir)
{
    struct flow_key key;
    struct flow *fl;
    struct frag_slot *slot = NULL;
    uint32_t hash;
    bool from_a;
    int cmp, d;

    if (p->status != NR_PKT_OK)
        return NULL;
    /* Once per second of capture time, or at once if the clock went back more than that. */
    if (p->ts_us >= t->next_check_us || p->ts_us + 2 * USEC < t->next_check_us) {
        expire(t, p->ts_us);
        t->next_check_us = p->ts_us + USEC;
    }
    if (p->fragment) {
        slot = &t->frags[frag_index(p)];
        if (!p->first_fragment && frag_slot_matches(slot, p) && (fl = frag_flow(t, slot)) != NULL) {
            d = flow_account(t, fl, p, slot->from_a);
            if (dir)
                *dir = d;
            return &fl->f;
        }
    }

    memset(&key, 0, sizeof(key));
    cmp = memcmp(p->src.b, p->dst.b, 16);
    if (cmp == 0)
        cmp = (int)p->sport - (int)p->dport;
    from_a = cmp <= 0;
    memcpy(key.a, from_a ? p->src.b : p->dst.b, 16);
    memcpy(key.b, from_a ? p->dst.b : p->src.b, 16);
    key.pa = from_a ? p->sport : p->dport;
    key.pb = from_a ? p->dport : p->sport;
    key.vlan = p->vlan;
    key.proto = p->proto;
    key.ver = p->src.ver;
    hash = key_hash(&key, t->seed);

    fl = index_find(t, &key, hash);
    /* A new SYN on a connection that closed is the next connection reusing the ports. */
    if (fl && p->proto == PROTO_TCP && (fl->f.tcp == NR_TCP_CLOSED || fl->f.tcp == NR_TCP_RESET) &&
        (p->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN) {
        flow_end(t, fl, NR_FLOW_CLOSED);
        fl = NULL;
    }
    if (fl == NULL)
        fl = flow_create(t, &key, hash, p, from_a);
    d = flow_account(t, fl, p, from_a);
    if (slot && p->first_fragment) {
        memcpy(slot->src, p->src.b, 16);
        memcpy(slot->dst, p->dst.b, 16);
        slot->id = p->frag_id;
        slot->vlan = p->vlan;
        slot->proto = p->proto;
        slot->ver = p->src.ver;
        slot->from_a = from_a;
        slot->ts_us = p->ts_us ? p->ts_us : 1;
        slot->flow_id = fl->f.id;
        slot->flow_num = fl->num;
    }
    if (dir)
        *dir = d;
    return &fl->f;
}
