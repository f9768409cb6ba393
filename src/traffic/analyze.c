/*
 * analyze.c - the analysis pipeline of the online-monitoring engine (interface: traffic.h):
 * packets from pkt.h go into the flow table; while a flow lives, nDPI is fed only until it has
 * decided, DNS answers fill an address-to-name map, and the client's first payloads give the TLS
 * server name and the HTTP request; when a flow ends it is folded into a service (client,
 * server, port, protocol, name), and the report turns the services into destinations,
 * listening services, protocols and the findings against the declaration.
 *
 * Why services and not flows: a device opens thousands of connections to the same few places,
 * and a live monitor may run for days; what a reviewer needs is per place, so the memory of an
 * analysis grows with the places the device talks to (capped), not with its connections. Which
 * address is the device is decided only when the report is built, from all of them.
 */
#include "netreview/traffic.h"

#include "netreview/appdec.h"
#include "netreview/pkt.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <uthash.h>

#include "netreview/banned.h"

#define DEVICE_MAX  16
#define SET_MAX     8 /* names, addresses, ports, protocols listed per destination */
#define PROTO_MAX   4 /* protocols kept per service */
#define INSPECT_MAX 4 /* client payloads looked at for TLS and HTTP */

/* --- interned names: every name is stored once and compared by pointer ------------------- */

struct name_ent {
    UT_hash_handle hh;
    size_t len;
    char s[];
};

struct dns_ent {
    struct nr_addr addr; /* key */
    const char *name;
    UT_hash_handle hh;
};

struct pair_ent {
    struct nr_addr a, b; /* key: a <= b */
    uint64_t packets, bytes;
    UT_hash_handle hh;
};

/* What the analysis keeps per live flow (struct nr_flow.user). */
struct flow_state {
    struct nr_ndpi_flow *ndpi;
    bool decided;
    uint8_t inspected;
    const char *protocol, *category;
    uint32_t risks;
    const char *sni, *host, *method, *dns_name, *basic_user;
    bool basic;
    uint64_t cred_pkt;
    struct pair_ent *pair;
};

struct svc_key {
    struct nr_addr cli, srv;
    uint16_t port;
    uint8_t proto;
    uint8_t zero;
    const char *name; /* interned: best name, or NULL */
};

struct svc {
    struct svc_key k;
    const char *dns_name, *method, *basic_user, *category;
    const char *protocols[PROTO_MAX];
    unsigned nprotocols;
    uint32_t risks;
    uint64_t flows, answered;
    uint64_t pkts[2], bytes[2], payload[2];
    uint64_t first_us, last_us, first_start_us, last_start_us, longest_us;
    uint64_t first_pkt, last_pkt;
    uint64_t cite_flows[NR_TRAFFIC_CITE_MAX], cite_pkts[NR_TRAFFIC_CITE_MAX];
    unsigned ncite;
    uint64_t cred_flows[NR_TRAFFIC_CITE_MAX], cred_pkts[NR_TRAFFIC_CITE_MAX];
    unsigned ncred;
    UT_hash_handle hh;
};

struct proto_ent {
    const char *name; /* key (interned pointer) */
    const char *category;
    uint64_t flows, packets, bytes;
    UT_hash_handle hh;
};

/* What the report is built from: the services and protocols of ended flows (or, for a live
 * snapshot, a copy with the open flows folded in). */
struct agg {
    struct svc *svcs;
    size_t nsvcs;
    struct proto_ent *protos;
    uint64_t flows, tcp, udp, other;
    uint64_t svc_overflow;
};

struct nr_traffic {
    struct nr_traffic_options o;
    const struct nr_declared *decl;
    struct nr_addr device[DEVICE_MAX];
    size_t ndevice;
    struct nr_flow_table *ft;
    struct nr_ndpi *ndpi;
    struct name_ent *names;
    size_t names_bytes;
    uint64_t names_overflow;
    struct dns_ent *dns;
    size_t ndns;
    uint64_t dns_overflow;
    struct pair_ent *pairs;
    size_t npairs;
    uint64_t pair_overflow;
    struct agg agg;
    uint64_t first_us, last_us;
    bool finished;
    struct nr_dns_msg dns_msg; /* scratch: large, kept off the stack */
    struct timespec started;
};

static const char NAME_OVER[] = "(names over the cap)";
static const char UNKNOWN[] = "Unknown";

static const char *intern(struct nr_traffic *t, const char *s)
{
    struct name_ent *e;
    size_t n;

    if (s == NULL || *s == '\0')
        return NULL;
    n = strlen(s);
    HASH_FIND(hh, t->names, s, n, e);
    if (e)
        return e->s;
    if (t->names_bytes + n + 1 > NR_TRAFFIC_NAMES_MAX_BYTES) {
        t->names_overflow++;
        return NAME_OVER;
    }
    e = nr_malloc(sizeof(*e) + n + 1);
    memset(e, 0, sizeof(*e));
    e->len = n;
    memcpy(e->s, s, n + 1);
    HASH_ADD_KEYPTR(hh, t->names, e->s, n, e);
    t->names_bytes += n + 1;
    return e->s;
}

static const char *dns_lookup(struct nr_traffic *t, const struct nr_addr *a)
{
    struct dns_ent *e;
    HASH_FIND(hh, t->dns, a, sizeof(*a), e);
    return e ? e->name : NULL;
}

static void dns_put(struct nr_traffic *t, const struct nr_addr *a, const char *name)
{
    struct dns_ent *e;
    HASH_FIND(hh, t->dns, a, sizeof(*a), e);
    if (e) {
        /* The latest answer is the one a connection made now would have used. */
        e->name = name;
        return;
    }
    if (t->ndns >= NR_TRAFFIC_DNS_MAX) {
        t->dns_overflow++;
        return;
    }
    e = nr_calloc(1, sizeof(*e));
    e->addr = *a;
    e->name = name;
    HASH_ADD(hh, t->dns, addr, sizeof(e->addr), e);
    t->ndns++;
}

static struct pair_ent *pair_get(struct nr_traffic *t, const struct nr_addr *x,
                                 const struct nr_addr *y)
{
    struct pair_ent key, *e;
    memset(&key, 0, sizeof(key));
    if (memcmp(x, y, sizeof(*x)) <= 0) {
        key.a = *x;
        key.b = *y;
    } else {
        key.a = *y;
        key.b = *x;
    }
    HASH_FIND(hh, t->pairs, &key.a, 2 * sizeof(struct nr_addr), e);
    if (e)
        return e;
    if (t->npairs >= NR_TRAFFIC_PAIRS_MAX) {
        t->pair_overflow++;
        return NULL;
    }
    e = nr_calloc(1, sizeof(*e));
    e->a = key.a;
    e->b = key.b;
    HASH_ADD(hh, t->pairs, a, 2 * sizeof(struct nr_addr), e);
    t->npairs++;
    return e;
}

/* --- folding a flow into the services ------------------------------------------------------ */

static bool flow_answered(const struct nr_flow *f)
{
    if (f->proto == 6)
        return f->payload[NR_DIR_S2C] > 0 ||
               ((f->tcp == NR_TCP_ESTABLISHED || f->tcp == NR_TCP_CLOSING ||
                 f->tcp == NR_TCP_CLOSED) &&
                f->pkts[NR_DIR_S2C] > 0);
    return f->pkts[NR_DIR_S2C] > 0;
}

static void cite(uint64_t *flows, uint64_t *pkts, unsigned *n, uint64_t flow, uint64_t pkt)
{
    if (*n < NR_TRAFFIC_CITE_MAX) {
        flows[*n] = flow;
        pkts[*n] = pkt;
        (*n)++;
    }
}

/* The facts of a flow with every string interned. */
struct facts_i {
    const char *name, *dns_name, *protocol, *category, *method, *basic_user;
    uint32_t risks;
    bool basic;
    uint64_t cred_pkt;
};

static void agg_flow(struct nr_traffic *t, struct agg *g, const struct nr_flow *f,
                     const struct facts_i *fi)
{
    struct svc_key k;
    struct svc *s;
    struct proto_ent *pe;
    const char *proto = fi->protocol ? fi->protocol : UNKNOWN;
    uint64_t dur = f->last_us >= f->first_us ? f->last_us - f->first_us : 0;

    (void)t;
    g->flows++;
    if (f->proto == 6)
        g->tcp++;
    else if (f->proto == 17)
        g->udp++;
    else
        g->other++;

    HASH_FIND(hh, g->protos, &proto, sizeof(proto), pe);
    if (pe == NULL) {
        pe = nr_calloc(1, sizeof(*pe));
        pe->name = proto;
        pe->category = fi->category;
        HASH_ADD(hh, g->protos, name, sizeof(pe->name), pe);
    }
    pe->flows++;
    pe->packets += f->pkts[0] + f->pkts[1];
    pe->bytes += f->bytes[0] + f->bytes[1];

    memset(&k, 0, sizeof(k));
    k.cli = f->cli;
    k.srv = f->srv;
    k.port = f->srv_port;
    k.proto = f->proto;
    k.name = fi->name;
    HASH_FIND(hh, g->svcs, &k, sizeof(k), s);
    if (s == NULL) {
        if (g->nsvcs >= NR_TRAFFIC_SERVICES_MAX) {
            g->svc_overflow++;
            return;
        }
        s = nr_calloc(1, sizeof(*s));
        s->k = k;
        s->first_us = f->first_us;
        s->first_start_us = f->first_us;
        s->first_pkt = f->first_pkt;
        HASH_ADD(hh, g->svcs, k, sizeof(s->k), s);
        g->nsvcs++;
    }
    s->flows++;
    if (flow_answered(f))
        s->answered++;
    for (int d = 0; d < 2; d++) {
        s->pkts[d] += f->pkts[d];
        s->bytes[d] += f->bytes[d];
        s->payload[d] += f->payload[d];
    }
    if (f->first_us < s->first_us)
        s->first_us = f->first_us;
    if (f->first_us < s->first_start_us)
        s->first_start_us = f->first_us;
    if (f->first_us > s->last_start_us)
        s->last_start_us = f->first_us;
    if (f->last_us > s->last_us)
        s->last_us = f->last_us;
    if (f->first_pkt < s->first_pkt)
        s->first_pkt = f->first_pkt;
    if (f->last_pkt > s->last_pkt)
        s->last_pkt = f->last_pkt;
    if (dur > s->longest_us)
        s->longest_us = dur;
    s->risks |= fi->risks;
    if (s->dns_name == NULL)
        s->dns_name = fi->dns_name;
    if (s->method == NULL)
        s->method = fi->method;
    if (s->category == NULL)
        s->category = fi->category;
    if (s->basic_user == NULL)
        s->basic_user = fi->basic_user;
    {
        unsigned i;
        for (i = 0; i < s->nprotocols; i++)
            if (s->protocols[i] == proto)
                break;
        if (i == s->nprotocols && s->nprotocols < PROTO_MAX)
            s->protocols[s->nprotocols++] = proto;
    }
    cite(s->cite_flows, s->cite_pkts, &s->ncite, f->id, f->first_pkt);
    if (fi->cred_pkt || fi->basic || (fi->risks & NR_RISK_CLEAR_TEXT_CREDENTIALS))
        cite(s->cred_flows, s->cred_pkts, &s->ncred, f->id,
             fi->cred_pkt ? fi->cred_pkt : f->first_pkt);
}

static void agg_release(struct agg *g)
{
    struct svc *s, *stmp;
    struct proto_ent *p, *ptmp;

    HASH_ITER(hh, g->svcs, s, stmp)
    {
        HASH_DEL(g->svcs, s);
        nr_free(s);
    }
    HASH_ITER(hh, g->protos, p, ptmp)
    {
        HASH_DEL(g->protos, p);
        nr_free(p);
    }
    memset(g, 0, sizeof(*g));
}

static void agg_copy(struct agg *dst, const struct agg *src)
{
    struct svc *s, *stmp;
    struct proto_ent *p, *ptmp;

    memset(dst, 0, sizeof(*dst));
    dst->nsvcs = src->nsvcs;
    dst->flows = src->flows;
    dst->tcp = src->tcp;
    dst->udp = src->udp;
    dst->other = src->other;
    dst->svc_overflow = src->svc_overflow;
    HASH_ITER(hh, src->svcs, s, stmp)
    {
        struct svc *c = nr_malloc(sizeof(*c));
        memcpy(c, s, sizeof(*c));
        HASH_ADD(hh, dst->svcs, k, sizeof(c->k), c);
    }
    HASH_ITER(hh, src->protos, p, ptmp)
    {
        struct proto_ent *c = nr_malloc(sizeof(*c));
        memcpy(c, p, sizeof(*c));
        HASH_ADD(hh, dst->protos, name, sizeof(c->name), c);
    }
}

static void facts_of_state(const struct flow_state *st, struct facts_i *fi)
{
    memset(fi, 0, sizeof(*fi));
    fi->name = st->sni ? st->sni : st->host ? st->host : st->dns_name;
    fi->dns_name = st->dns_name;
    fi->protocol = st->protocol;
    fi->category = st->category;
    fi->method = st->method;
    fi->basic_user = st->basic_user;
    fi->risks = st->risks;
    fi->basic = st->basic;
    fi->cred_pkt = st->cred_pkt;
}

static void ndpi_verdict(struct nr_traffic *t, struct flow_state *st,
                         const struct nr_ndpi_result *res)
{
    st->protocol = intern(t, res->proto[0] ? res->proto : UNKNOWN);
    st->category = intern(t, res->category);
    st->risks |= res->risks;
}

static void on_flow_end(void *ctx, struct nr_flow *f, enum nr_flow_end why)
{
    struct nr_traffic *t = ctx;
    struct flow_state *st = f->user;
    struct facts_i fi;

    (void)why;
    if (st == NULL)
        return;
    if (!st->decided && st->ndpi) {
        struct nr_ndpi_result res;
        memset(&res, 0, sizeof(res));
        nr_ndpi_giveup(t->ndpi, st->ndpi, &res);
        ndpi_verdict(t, st, &res);
    }
    if (st->ndpi) {
        nr_ndpi_flow_free(st->ndpi);
        st->ndpi = NULL;
    }
    facts_of_state(st, &fi);
    agg_flow(t, &t->agg, f, &fi);
    nr_free(st);
    f->user = NULL;
}

/* --- packets ------------------------------------------------------------------------------- */

static void dns_answers(struct nr_traffic *t, const uint8_t *p, size_t n)
{
    struct nr_dns_msg *m = &t->dns_msg;
    const char *q;

    if (nr_dns_parse(p, n, m) != 0 || !m->response || m->rcode != 0)
        return;
    for (size_t i = 0; i < m->nanswers; i++) {
        const struct nr_dns_answer *a = &m->answers[i];
        if ((a->type != 1 && a->type != 28) || a->addr.ver == 0)
            continue;
        /* The name the device asked for is what a declaration names, even when the answer
         * came through CNAMEs to a content network's name. */
        q = intern(t, m->qname[0] ? m->qname : a->name);
        if (q)
            dns_put(t, &a->addr, q);
    }
}

static void inspect_client(struct nr_traffic *t, struct flow_state *st, const struct nr_pkt *p)
{
    st->inspected++;
    if (p->payload[0] == 0x16) {
        struct nr_tls_hello h;
        if (st->sni == NULL && nr_tls_client_hello(p->payload, p->payload_len, &h) == 0 && h.sni[0])
            st->sni = intern(t, h.sni);
        return;
    }
    struct nr_http_req r;
    int rc = nr_http_request(p->payload, p->payload_len, &r);
    if (rc != 0 && rc != NR_ENOTFOUND)
        return;
    if (st->method == NULL && r.method[0])
        st->method = intern(t, r.method);
    if (st->host == NULL && r.host[0])
        st->host = intern(t, r.host);
    if (r.basic_auth || r.credentials_in_target) {
        st->basic = true;
        if (st->basic_user == NULL && r.basic_user[0])
            st->basic_user = intern(t, r.basic_user);
        if (st->cred_pkt == 0)
            st->cred_pkt = p->num;
    }
}

void nr_traffic_packet(struct nr_traffic *t, const struct nr_pkt *p)
{
    struct nr_flow *f;
    struct flow_state *st;
    int dir = NR_DIR_C2S;

    if (p->status != NR_PKT_OK || t->finished)
        return;
    if (t->first_us == 0 || p->ts_us < t->first_us)
        t->first_us = p->ts_us;
    if (p->ts_us > t->last_us)
        t->last_us = p->ts_us;
    f = nr_flow_table_update(t->ft, p, &dir);
    if (f == NULL)
        return;
    st = f->user;
    if (st == NULL) {
        st = nr_calloc(1, sizeof(*st));
        f->user = st;
        st->dns_name = dns_lookup(t, &f->srv);
        st->pair = pair_get(t, &f->cli, &f->srv);
    }
    if (st->pair) {
        st->pair->packets++;
        st->pair->bytes += p->wirelen;
    }
    if (!st->decided) {
        struct nr_ndpi_result res;
        memset(&res, 0, sizeof(res));
        bool done = nr_ndpi_feed(t->ndpi, &st->ndpi, p, &res);
        if ((res.risks & NR_RISK_CLEAR_TEXT_CREDENTIALS) && st->cred_pkt == 0)
            st->cred_pkt = p->num;
        st->risks |= res.risks;
        if (done) {
            ndpi_verdict(t, st, &res);
            st->decided = true;
            nr_ndpi_flow_free(st->ndpi);
            st->ndpi = NULL;
        }
    }
    if (p->payload == NULL || p->payload_len == 0)
        return;
    if (p->sport == 53 || p->dport == 53) {
        if (p->proto == 17 && p->sport == 53)
            dns_answers(t, p->payload, p->payload_len);
        else if (p->proto == 6 && p->sport == 53 && p->payload_len > 2 &&
                 ((size_t)p->payload[0] << 8 | p->payload[1]) == p->payload_len - 2u)
            dns_answers(t, p->payload + 2, p->payload_len - 2);
        return;
    }
    if (dir == NR_DIR_C2S && p->proto == 6 && st->inspected < INSPECT_MAX)
        inspect_client(t, st, p);
}

void nr_traffic_add_flow(struct nr_traffic *t, const struct nr_flow *f,
                         const struct nr_traffic_facts *facts)
{
    struct facts_i fi;
    struct nr_traffic_facts none;

    if (facts == NULL) {
        memset(&none, 0, sizeof(none));
        facts = &none;
    }
    memset(&fi, 0, sizeof(fi));
    fi.dns_name = intern(t, facts->dns_name);
    fi.name = intern(t, facts->sni);
    if (fi.name == NULL)
        fi.name = intern(t, facts->http_host);
    if (fi.name == NULL)
        fi.name = fi.dns_name;
    fi.protocol = intern(t, facts->protocol);
    fi.category = intern(t, facts->category);
    fi.method = intern(t, facts->http_method);
    fi.basic_user = intern(t, facts->basic_user);
    fi.risks = facts->risks;
    fi.basic = facts->basic_auth;
    fi.cred_pkt = facts->credentials_pkt;
    if (t->first_us == 0 || f->first_us < t->first_us)
        t->first_us = f->first_us;
    if (f->last_us > t->last_us)
        t->last_us = f->last_us;
    {
        struct pair_ent *pe = pair_get(t, &f->cli, &f->srv);
        if (pe) {
            pe->packets += f->pkts[0] + f->pkts[1];
            pe->bytes += f->bytes[0] + f->bytes[1];
        }
    }
    agg_flow(t, &t->agg, f, &fi);
}

void nr_traffic_finish(struct nr_traffic *t)
{
    if (t->finished)
        return;
    nr_flow_table_flush(t->ft);
    t->finished = true;
}

/* --- life ---------------------------------------------------------------------------------- */

static int device_parse(struct nr_traffic *t, const char *list, struct nr_err *err)
{
    const char *p = list;

    while (p && *p) {
        char one[64];
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n > 0 && *p == ' ') {
            p++;
            n--;
        }
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == 0 || n >= sizeof(one))
            return nr_err_set(err, NR_EINVAL, "device",
                              "device addresses are a comma list like 192.168.1.10,fd00::10");
        memcpy(one, p, n);
        one[n] = '\0';
        if (t->ndevice >= DEVICE_MAX)
            return nr_err_set(err, NR_EINVAL, "device", "at most %d device addresses", DEVICE_MAX);
        if (nr_addr_parse(one, &t->device[t->ndevice]) != 0)
            return nr_err_set(err, NR_EINVAL, "device", "%s is not an IPv4 or IPv6 address", one);
        t->ndevice++;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

int nr_traffic_new(const struct nr_traffic_options *o, struct nr_traffic **out, struct nr_err *err)
{
    struct nr_traffic *t = nr_calloc(1, sizeof(*t));
    struct nr_flow_config fc;
    int rc;

    *out = NULL;
    if (o)
        t->o = *o;
    t->decl = t->o.declared;
    clock_gettime(CLOCK_MONOTONIC, &t->started);
    rc = device_parse(t, t->o.device, err);
    if (rc)
        goto fail;
    memset(&fc, 0, sizeof(fc));
    fc.max_flows = t->o.max_flows;
    fc.on_end = on_flow_end;
    fc.ctx = t;
    rc = nr_flow_table_new(&fc, &t->ft, err);
    if (rc)
        goto fail;
    rc = nr_ndpi_new(&t->ndpi, err);
    if (rc)
        goto fail;
    *out = t;
    return 0;
fail:
    nr_traffic_free(t);
    return rc;
}

void nr_traffic_free(struct nr_traffic *t)
{
    struct name_ent *n, *ntmp;
    struct dns_ent *d, *dtmp;
    struct pair_ent *p, *ptmp;

    if (t == NULL)
        return;
    /* Ending the open flows frees their state (and their nDPI state) through on_flow_end. */
    nr_flow_table_free(t->ft);
    if (t->ndpi)
        nr_ndpi_free(t->ndpi);
    agg_release(&t->agg);
    HASH_ITER(hh, t->dns, d, dtmp)
    {
        HASH_DEL(t->dns, d);
        nr_free(d);
    }
    HASH_ITER(hh, t->pairs, p, ptmp)
    {
        HASH_DEL(t->pairs, p);
        nr_free(p);
    }
    HASH_ITER(hh, t->names, n, ntmp)
    {
        HASH_DEL(t->names, n);
        nr_free(n);
    }
    nr_free(t);
}

/* --- the report ---------------------------------------------------------------------------- */

enum direction { DIR_OUT, DIR_IN, DIR_TRANSIT };

static bool is_device(const struct nr_addr *dev, size_t n, const struct nr_addr *a)
{
    for (size_t i = 0; i < n; i++)
        if (dev[i].ver == a->ver && memcmp(dev[i].b, a->b, 16) == 0)
            return true;
    return false;
}

struct addr_count {
    struct nr_addr addr;
    uint64_t flows;
    UT_hash_handle hh;
};

static void count_addr(struct addr_count **h, const struct nr_addr *a, uint64_t flows)
{
    struct addr_count *e;
    HASH_FIND(hh, *h, a, sizeof(*a), e);
    if (e == NULL) {
        e = nr_calloc(1, sizeof(*e));
        e->addr = *a;
        HASH_ADD(hh, *h, addr, sizeof(e->addr), e);
    }
    e->flows += flows;
}

/* R3: the product under test is the address every conversation of its capture has in common;
 * the user may name it instead. */
static size_t device_infer(const struct agg *g, struct nr_addr *dev)
{
    struct addr_count *h = NULL, *e, *tmp;
    uint64_t total[2] = {0, 0}, best[2] = {0, 0};
    struct addr_count *win[2] = {NULL, NULL};
    struct svc *s, *stmp;
    size_t n = 0;

    HASH_ITER(hh, g->svcs, s, stmp)
    {
        int v = s->k.cli.ver == 6;
        total[v] += s->flows;
        count_addr(&h, &s->k.cli, s->flows);
        if (memcmp(&s->k.cli, &s->k.srv, sizeof(s->k.cli)) != 0)
            count_addr(&h, &s->k.srv, s->flows);
    }
    HASH_ITER(hh, h, e, tmp)
    {
        int v = e->addr.ver == 6;
        if (e->flows > best[v]) {
            best[v] = e->flows;
            win[v] = e;
        }
    }
    for (int v = 0; v < 2; v++)
        if (win[v] && best[v] * 2 >= total[v])
            dev[n++] = win[v]->addr;
    HASH_ITER(hh, h, e, tmp)
    {
        HASH_DEL(h, e);
        nr_free(e);
    }
    return n;
}

/* Link-local, multicast and broadcast destinations never leave the local network: they are
 * listed, but undeclared-destination rules do not apply to them (docs/MONITORING.md). */
static bool local_scope(const struct nr_addr *a)
{
    if (a->ver == 4)
        return a->b[0] >= 224 || (a->b[0] == 169 && a->b[1] == 254) || a->b[0] == 127;
    return a->b[0] == 0xff || (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80) ||
           (memcmp(a->b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0);
}

static bool remote_access(const struct svc *s)
{
    static const char *const names[] = {"SSH",        "Telnet",  "RDP",    "VNC",
                                        "TeamViewer", "AnyDesk", "Radmin", "RemoteDesktop"};
    if (s->risks & NR_RISK_REMOTE_ACCESS)
        return true;
    if (s->category && strcmp(s->category, "RemoteAccess") == 0)
        return true;
    for (unsigned i = 0; i < s->nprotocols; i++) {
        const char *p = s->protocols[i], *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        for (size_t j = 0; j < NR_ARRAY_LEN(names); j++)
            if (strlen(names[j]) == n && strncmp(p, names[j], n) == 0)
                return true;
    }
    return false;
}

static bool is_dns(const struct svc *s)
{
    if ((s->k.proto == 17 || s->k.proto == 6) && s->k.port == 53)
        return true;
    for (unsigned i = 0; i < s->nprotocols; i++)
        if (strcmp(s->protocols[i], "DNS") == 0)
            return true;
    return false;
}

/* One row of "destinations" or "listening" while it is being built. */
struct group {
    char *key; /* arena */
    enum direction dir;
    const char *label; /* the destination's name or address; "tcp/2323" for listening */
    int endpoint;      /* declared endpoint or listening service, -1 none */
    bool remote_access, dns, declared_resolver;
    bool any_global; /* some address is not of local scope */
    const char *names[SET_MAX], *addrs[SET_MAX], *ports[SET_MAX], *protos[SET_MAX], *peers[SET_MAX];
    unsigned nnames, naddrs, nports, nprotos, npeers;
    struct nr_addr addr_bin[SET_MAX];
    unsigned naddr_bin;
    bool addr_over; /* more addresses than addr_bin holds */
    uint8_t proto;
    uint16_t port;
    uint32_t risks;
    uint64_t flows, answered, pkts[2], bytes[2], payload[2], longest_us;
    uint64_t data_out; /* TCP and UDP payload the device sent: what the user_data rules weigh */
    uint64_t first_us, last_us, first_start_us, last_start_us, first_pkt, last_pkt;
    uint64_t cite_flows[NR_TRAFFIC_CITE_MAX], cite_pkts[NR_TRAFFIC_CITE_MAX];
    unsigned ncite;
    uint64_t cred_flows[NR_TRAFFIC_CITE_MAX], cred_pkts[NR_TRAFFIC_CITE_MAX];
    unsigned ncred;
    const char *basic_user;
    UT_hash_handle hh;
};

static void set_add(const char **set, unsigned *n, const char *v)
{
    if (v == NULL)
        return;
    for (unsigned i = 0; i < *n; i++)
        if (strcmp(set[i], v) == 0)
            return;
    if (*n < SET_MAX)
        set[(*n)++] = v;
}

static struct group *group_get(struct group **h, struct nr_arena *ar, enum direction dir,
                               const char *label, int endpoint)
{
    struct group *g;
    char *key = nr_arena_printf(ar, "%d|%s|%d", (int)dir, label, endpoint);
    HASH_FIND_STR(*h, key, g);
    if (g)
        return g;
    g = nr_arena_alloc(ar, sizeof(*g));
    g->key = key;
    g->dir = dir;
    g->label = label;
    g->endpoint = endpoint;
    g->first_us = UINT64_MAX;
    g->first_start_us = UINT64_MAX;
    g->first_pkt = UINT64_MAX;
    HASH_ADD_KEYPTR(hh, *h, g->key, strlen(g->key), g);
    return g;
}

static void group_fold(struct group *g, struct nr_arena *ar, const struct svc *s)
{
    char pbuf[16], abuf[64];
    const char *pn = nr_traffic_proto_name(s->k.proto, pbuf, sizeof(pbuf));

    g->proto = s->k.proto;
    g->port = s->k.port;
    g->flows += s->flows;
    g->answered += s->answered;
    for (int d = 0; d < 2; d++) {
        g->pkts[d] += s->pkts[d];
        g->bytes[d] += s->bytes[d];
        g->payload[d] += s->payload[d];
    }
    /* An echo request's bytes are not the user's data; a connection's payload may be. */
    if (s->k.proto == 6 || s->k.proto == 17)
        g->data_out += s->payload[0];
    if (s->longest_us > g->longest_us)
        g->longest_us = s->longest_us;
    if (s->first_us < g->first_us)
        g->first_us = s->first_us;
    if (s->last_us > g->last_us)
        g->last_us = s->last_us;
    if (s->first_start_us < g->first_start_us)
        g->first_start_us = s->first_start_us;
    if (s->last_start_us > g->last_start_us)
        g->last_start_us = s->last_start_us;
    if (s->first_pkt < g->first_pkt)
        g->first_pkt = s->first_pkt;
    if (s->last_pkt > g->last_pkt)
        g->last_pkt = s->last_pkt;
    g->risks |= s->risks;
    if (remote_access(s))
        g->remote_access = true;
    set_add(g->names, &g->nnames, s->k.name);
    set_add(g->names, &g->nnames, s->dns_name);
    if (g->dir == DIR_IN) {
        set_add(g->peers, &g->npeers,
                nr_arena_strdup(ar, nr_addr_fmt(&s->k.cli, abuf, sizeof(abuf))));
    } else {
        set_add(g->addrs, &g->naddrs,
                nr_arena_strdup(ar, nr_addr_fmt(&s->k.srv, abuf, sizeof(abuf))));
        if (!local_scope(&s->k.srv))
            g->any_global = true;
        {
            unsigned i;
            for (i = 0; i < g->naddr_bin; i++)
                if (memcmp(&g->addr_bin[i], &s->k.srv, sizeof(s->k.srv)) == 0)
                    break;
            if (i == g->naddr_bin && g->naddr_bin < SET_MAX)
                g->addr_bin[g->naddr_bin++] = s->k.srv;
            else if (i == g->naddr_bin)
                g->addr_over = true;
        }
        if (s->k.port || s->k.proto == 6 || s->k.proto == 17)
            set_add(g->ports, &g->nports, nr_arena_printf(ar, "%s/%u", pn, s->k.port));
        else
            set_add(g->ports, &g->nports, nr_arena_strdup(ar, pn));
    }
    for (unsigned i = 0; i < s->nprotocols; i++)
        set_add(g->protos, &g->nprotos, s->protocols[i]);
    for (unsigned i = 0; i < s->ncite; i++)
        cite(g->cite_flows, g->cite_pkts, &g->ncite, s->cite_flows[i], s->cite_pkts[i]);
    for (unsigned i = 0; i < s->ncred; i++)
        cite(g->cred_flows, g->cred_pkts, &g->ncred, s->cred_flows[i], s->cred_pkts[i]);
    if (g->basic_user == NULL)
        g->basic_user = s->basic_user;
}

static void time_iso(uint64_t us, char *out, size_t n)
{
    char base[NR_TIME_STR];
    nr_time_fmt((time_t)(us / 1000000), base);
    /* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ": tshark shows fractions; so does the report. */
    snprintf(out, n, "%.19s.%06uZ", base, (unsigned)(us % 1000000));
}

static json_t *json_time(uint64_t us)
{
    char buf[40];
    if (us == 0 || us == UINT64_MAX)
        return json_null();
    time_iso(us, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *str_array(const char *const *v, unsigned n)
{
    json_t *a = json_array();
    for (unsigned i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *int_array(const uint64_t *v, unsigned n)
{
    json_t *a = json_array();
    for (unsigned i = 0; i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)v[i]));
    return a;
}

static json_t *risk_array(uint32_t risks)
{
    char buf[512], *save = NULL, *tok;
    json_t *a = json_array();
    if (risks == 0)
        return a;
    nr_ndpi_risk_names(risks, buf, sizeof(buf));
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        json_array_append_new(a, json_string(tok));
    return a;
}

const char *nr_traffic_bytes_fmt(uint64_t b, char *out, size_t n)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
    double v = (double)b;
    unsigned u = 0;
    while (v >= 1000.0 && u + 1 < NR_ARRAY_LEN(unit)) {
        v /= 1000.0;
        u++;
    }
    if (u == 0)
        snprintf(out, n, "%llu B", (unsigned long long)b);
    else
        snprintf(out, n, "%.1f %s", v, unit[u]);
    return out;
}

static char *frames_filter(struct nr_arena *ar, const uint64_t *pkts, unsigned n)
{
    struct nr_buf b;
    char *out;
    nr_buf_init(&b, 1024);
    nr_buf_puts(&b, "frame.number in {");
    for (unsigned i = 0; i < n; i++)
        nr_buf_printf(&b, "%s%llu", i ? " " : "", (unsigned long long)pkts[i]);
    nr_buf_puts(&b, "}");
    out = nr_arena_strdup(ar, b.p);
    nr_buf_release(&b);
    return out;
}

/* A tshark display filter that selects a group's packets. */
static char *group_filter(struct nr_arena *ar, const struct group *g, const struct nr_addr *dev,
                          size_t ndev)
{
    struct nr_buf b;
    char abuf[64], pbuf[16];
    char *out;

    /* A name served from more addresses than a group keeps: a filter on some of them would
     * miss the others, and perhaps the flows cited; the cited packets are then the filter. */
    if (g->dir != DIR_IN && g->addr_over)
        return frames_filter(ar, g->cite_pkts, g->ncite);
    nr_buf_init(&b, 4096);
    if (g->dir == DIR_IN) {
        for (size_t i = 0; i < ndev; i++)
            nr_buf_printf(&b, "%s%s.addr==%s", i ? " || " : "(", dev[i].ver == 6 ? "ipv6" : "ip",
                          nr_addr_fmt(&dev[i], abuf, sizeof(abuf)));
        if (ndev)
            nr_buf_puts(&b, ") && ");
    } else {
        for (unsigned i = 0; i < g->naddr_bin; i++)
            nr_buf_printf(&b, "%s%s.addr==%s", i ? " || " : "(",
                          g->addr_bin[i].ver == 6 ? "ipv6" : "ip",
                          nr_addr_fmt(&g->addr_bin[i], abuf, sizeof(abuf)));
        if (g->naddr_bin)
            nr_buf_puts(&b, ")");
        if (g->nports != 1) {
            out = nr_arena_strdup(ar, b.p ? b.p : "");
            nr_buf_release(&b);
            return out;
        }
        nr_buf_puts(&b, " && ");
    }
    if (g->proto == 6 || g->proto == 17) {
        nr_buf_printf(&b, "%s.port==%u", nr_traffic_proto_name(g->proto, pbuf, sizeof(pbuf)),
                      g->port);
    } else if (g->proto == 1 || g->proto == 58) {
        nr_buf_puts(&b, nr_traffic_proto_name(g->proto, pbuf, sizeof(pbuf)));
    } else {
        /* tshark has no field named after the number ("ip47"): it filters on the header's. */
        bool v4 = false, v6 = false;
        for (unsigned i = 0; i < g->naddr_bin; i++) {
            v4 = v4 || g->addr_bin[i].ver == 4;
            v6 = v6 || g->addr_bin[i].ver == 6;
        }
        if (v4 && v6)
            nr_buf_printf(&b, "(ip.proto==%u || ipv6.nxt==%u)", g->proto, g->proto);
        else
            nr_buf_printf(&b, "%s==%u", v6 ? "ipv6.nxt" : "ip.proto", g->proto);
    }
    out = nr_arena_strdup(ar, b.p ? b.p : "");
    nr_buf_release(&b);
    return out;
}

static const char *severity_of(int rank)
{
    static const char *const s[] = {"info", "low", "medium", "high", "critical"};
    return s[rank < 0 ? 0 : rank > 4 ? 4 : rank];
}

static int severity_rank(const char *s)
{
    static const char *const r[] = {"info", "low", "medium", "high", "critical"};
    for (int i = 0; i < 5; i++)
        if (s && strcmp(s, r[i]) == 0)
            return i;
    return 0;
}

static char *cite_text(struct nr_arena *ar, const uint64_t *flows, const uint64_t *pkts, unsigned n,
                       uint64_t total_flows)
{
    struct nr_buf b;
    char *out;
    nr_buf_init(&b, 2048);
    nr_buf_puts(&b, n == 1 ? "flow " : "flows ");
    for (unsigned i = 0; i < n; i++)
        nr_buf_printf(&b, "%s%llu", i ? ", " : "", (unsigned long long)flows[i]);
    if (total_flows > n)
        nr_buf_printf(&b, " (first %u of %llu)", n, (unsigned long long)total_flows);
    nr_buf_puts(&b, n == 1 ? ", first packet " : ", first packets ");
    for (unsigned i = 0; i < n; i++)
        nr_buf_printf(&b, "%s%llu", i ? ", " : "", (unsigned long long)pkts[i]);
    out = nr_arena_strdup(ar, b.p);
    nr_buf_release(&b);
    return out;
}

struct finding_ctx {
    json_t *findings;
    struct nr_arena *ar;
    const char *device_text;
};

static void add_finding(struct finding_ctx *fc, const char *rule, const char *category,
                        int severity, const char *destination, const char *title,
                        const char *detail, const uint64_t *flows, const uint64_t *pkts,
                        unsigned ncite, const char *filter)
{
    json_t *f = json_object();
    json_object_set_new(f, "rule", json_string(rule));
    json_object_set_new(f, "category", json_string(category));
    json_object_set_new(f, "severity", json_string(severity_of(severity)));
    json_object_set_new(f, "title", json_string(title));
    json_object_set_new(f, "detail", json_string(detail));
    json_object_set_new(f, "destination", json_string(destination));
    json_object_set_new(f, "flows", int_array(flows, ncite));
    json_object_set_new(f, "packets", int_array(pkts, ncite));
    json_object_set_new(f, "filter", json_string(filter));
    json_array_append_new(fc->findings, f);
}

static const char *group_where(struct nr_arena *ar, const struct group *g)
{
    struct nr_buf b;
    const char *out;
    nr_buf_init(&b, 2048);
    for (unsigned i = 0; i < g->naddrs; i++)
        nr_buf_printf(&b, "%s%s", i ? ", " : "", g->addrs[i]);
    for (unsigned i = 0; i < g->nports; i++)
        nr_buf_printf(&b, "%s%s", (i || g->naddrs) ? ", " : "", g->ports[i]);
    for (unsigned i = 0; i < g->nprotos; i++)
        nr_buf_printf(&b, ", %s", g->protos[i]);
    out = nr_arena_strdup(ar, b.p ? b.p : "");
    nr_buf_release(&b);
    return out;
}

/* The rules of traffic.h and docs/MONITORING.md, for one outbound destination. */
static void rules_destination(struct finding_ctx *fc, const struct nr_declared *decl,
                              const struct group *g, const char *filter)
{
    struct nr_arena *ar = fc->ar;
    char b1[32], b2[32];
    const char *where = group_where(ar, g);
    const char *cites = cite_text(ar, g->cite_flows, g->cite_pkts, g->ncite, g->flows);
    bool declared = g->endpoint >= 0 || (g->dns && g->declared_resolver);

    if (g->ncred) {
        const char *c2 = cite_text(ar, g->cred_flows, g->cred_pkts, g->ncred, g->ncred);
        add_finding(
            fc, "clear_text_credentials", "control", 3, g->label,
            nr_arena_printf(ar, "clear-text credentials sent to %s", g->label),
            nr_arena_printf(ar,
                            "The device (%s) sent credentials that anyone on the path can read "
                            "to %s (%s)%s%s%s. They can be replayed to take control of the "
                            "account. Evidence: %s.",
                            fc->device_text, g->label, where,
                            g->basic_user ? ": HTTP Basic authentication of user \"" : "",
                            g->basic_user ? g->basic_user : "", g->basic_user ? "\"" : "", c2),
            g->cred_flows, g->cred_pkts, g->ncred, frames_filter(ar, g->cred_pkts, g->ncred));
    }
    if (g->remote_access && !declared && g->dir == DIR_OUT)
        add_finding(fc, "remote_access", "control", 3, g->label,
                    nr_arena_printf(ar, "remote-access session to %s%s", g->label,
                                    decl ? ", which is not declared" : ""),
                    nr_arena_printf(ar,
                                    "The device (%s) opened a remote-access protocol session to "
                                    "%s (%s)%s: the remote side can command the device or what "
                                    "it reaches. Evidence: %s.",
                                    fc->device_text, g->label, where,
                                    decl ? ", a destination the declaration does not list" : "",
                                    cites),
                    g->cite_flows, g->cite_pkts, g->ncite, filter);
    if (decl == NULL || !g->any_global)
        return;
    if (g->dns && !g->declared_resolver && g->endpoint < 0) {
        add_finding(
            fc, "undeclared_resolver", "other", 2, g->label,
            nr_arena_printf(ar, "DNS queries to %s, a resolver that is not declared", g->label),
            nr_arena_printf(ar,
                            "The device (%s) sent %llu DNS flow%s to %s, which is not "
                            "among the declared resolvers: the names it looks up are "
                            "disclosed to that resolver, and it bypasses the network's "
                            "own. Evidence: %s.",
                            fc->device_text, (unsigned long long)g->flows, g->flows == 1 ? "" : "s",
                            g->label, cites),
            g->cite_flows, g->cite_pkts, g->ncite, filter);
        return;
    }
    if (declared) {
        const struct nr_declared_endpoint *e =
            g->endpoint >= 0 ? &decl->endpoints[g->endpoint] : NULL;
        if (e && e->has_max && g->data_out > e->max_bytes_out)
            add_finding(
                fc, "over_declared_volume", "user_data",
                g->data_out > 10 * (e->max_bytes_out ? e->max_bytes_out : 1) ? 3 : 2, g->label,
                nr_arena_printf(ar, "%s sent to %s, more than the %s declared",
                                nr_traffic_bytes_fmt(g->data_out, b1, sizeof(b1)), g->label,
                                nr_traffic_bytes_fmt(e->max_bytes_out, b2, sizeof(b2))),
                nr_arena_printf(ar,
                                "The declaration (endpoint %d, \"%s\") allows %llu bytes out to "
                                "%s per capture; the device (%s) sent %llu bytes of payload in "
                                "%llu flow%s (%s). Evidence: %s.",
                                g->endpoint, e->purpose, (unsigned long long)e->max_bytes_out,
                                e->host ? e->host : g->label, fc->device_text,
                                (unsigned long long)g->data_out, (unsigned long long)g->flows,
                                g->flows == 1 ? "" : "s", where, cites),
                g->cite_flows, g->cite_pkts, g->ncite, filter);
        return;
    }
    bool long_lived = g->longest_us > (uint64_t)NR_TRAFFIC_LONG_SESSION_S * 1000000;
    bool persistent =
        g->flows >= NR_TRAFFIC_PERSIST_SESSIONS &&
        g->last_start_us - g->first_start_us >= (uint64_t)NR_TRAFFIC_PERSIST_SPAN_S * 1000000;
    if (g->data_out > 0)
        add_finding(fc, "undeclared_data", "user_data",
                    g->data_out >= NR_TRAFFIC_BULK_BYTES ? 3 : 2, g->label,
                    nr_arena_printf(ar, "%s sent to %s, which is not declared",
                                    nr_traffic_bytes_fmt(g->data_out, b1, sizeof(b1)), g->label),
                    nr_arena_printf(ar,
                                    "The device (%s) sent %llu bytes of payload (%llu packets) in "
                                    "%llu flow%s to %s (%s), which no declared endpoint covers; it "
                                    "received %llu bytes back. Evidence: %s.",
                                    fc->device_text, (unsigned long long)g->data_out,
                                    (unsigned long long)g->pkts[0], (unsigned long long)g->flows,
                                    g->flows == 1 ? "" : "s", g->label, where,
                                    (unsigned long long)g->payload[1], cites),
                    g->cite_flows, g->cite_pkts, g->ncite, filter);
    if (long_lived || persistent)
        add_finding(
            fc, "undeclared_control", "control", 3, g->label,
            nr_arena_printf(ar, "%s session%s to %s, which is not declared",
                            long_lived ? "long-lived" : "persistent", long_lived ? "" : "s",
                            g->label),
            nr_arena_printf(
                ar,
                "The device (%s) keeps a channel open to %s (%s), which no declared endpoint "
                "covers: %llu session%s, the longest %llu s, %s%llu s apart. A channel kept open "
                "to the remote side lets it command the device. Evidence: %s.",
                fc->device_text, g->label, where, (unsigned long long)g->flows,
                g->flows == 1 ? "" : "s", (unsigned long long)(g->longest_us / 1000000),
                g->flows == 1 ? "one start, " : "the first and last started ",
                (unsigned long long)((g->last_start_us - g->first_start_us) / 1000000), cites),
            g->cite_flows, g->cite_pkts, g->ncite, filter);
    if (g->data_out == 0 && !long_lived && !persistent && !g->remote_access)
        add_finding(fc, "undeclared_contact", "other", 1, g->label,
                    nr_arena_printf(ar, "contact with %s, which is not declared", g->label),
                    nr_arena_printf(ar,
                                    "The device (%s) exchanged %llu packets in %llu flow%s with %s "
                                    "(%s), which no declared endpoint covers, without sending "
                                    "data over TCP or UDP. Evidence: %s.",
                                    fc->device_text, (unsigned long long)(g->pkts[0] + g->pkts[1]),
                                    (unsigned long long)g->flows, g->flows == 1 ? "" : "s",
                                    g->label, where, cites),
                    g->cite_flows, g->cite_pkts, g->ncite, filter);
}

static void rules_listening(struct finding_ctx *fc, const struct nr_declared *decl,
                            const struct group *g, const char *filter)
{
    struct nr_arena *ar = fc->ar;
    struct nr_buf peers;
    const char *cites = cite_text(ar, g->cite_flows, g->cite_pkts, g->ncite, g->flows);
    const char *ptext;

    nr_buf_init(&peers, 2048);
    for (unsigned i = 0; i < g->npeers; i++)
        nr_buf_printf(&peers, "%s%s", i ? ", " : "", g->peers[i]);
    ptext = nr_arena_strdup(ar, peers.p ? peers.p : "");
    nr_buf_release(&peers);
    if (g->ncred)
        add_finding(
            fc, "clear_text_credentials", "control", 3, g->label,
            nr_arena_printf(ar, "clear-text credentials sent to the device on %s", g->label),
            nr_arena_printf(ar,
                            "Credentials that anyone on the path can read were sent to "
                            "the device (%s) on %s by %s. Evidence: %s.",
                            fc->device_text, g->label, ptext,
                            cite_text(ar, g->cred_flows, g->cred_pkts, g->ncred, g->ncred)),
            g->cred_flows, g->cred_pkts, g->ncred, frames_filter(ar, g->cred_pkts, g->ncred));
    if (g->endpoint >= 0)
        return;
    if (g->remote_access)
        add_finding(fc, "remote_access", "control", 3, g->label,
                    nr_arena_printf(ar, "remote-access service on %s%s", g->label,
                                    decl ? ", which is not declared" : ""),
                    nr_arena_printf(ar,
                                    "The device (%s) accepted remote-access protocol sessions on "
                                    "%s from %s: whoever reaches it can command it. Evidence: %s.",
                                    fc->device_text, g->label, ptext, cites),
                    g->cite_flows, g->cite_pkts, g->ncite, filter);
    if (decl == NULL)
        return;
    add_finding(fc, "undeclared_listening", "control", 3, g->label,
                nr_arena_printf(ar, "service listening on %s, which is not declared", g->label),
                nr_arena_printf(ar,
                                "The device (%s) accepted %llu inbound connection%s on %s from "
                                "%s (%llu bytes in, %llu bytes out), a port the declaration "
                                "does not list: the remote side can reach and command it. "
                                "Evidence: %s.",
                                fc->device_text, (unsigned long long)g->flows,
                                g->flows == 1 ? "" : "s", g->label, ptext,
                                (unsigned long long)g->payload[0],
                                (unsigned long long)g->payload[1], cites),
                g->cite_flows, g->cite_pkts, g->ncite, filter);
}

static int cmp_group_dest(const void *a, const void *b)
{
    const struct group *x = *(const struct group *const *)a, *y = *(const struct group *const *)b;
    int ux = x->endpoint < 0 && !(x->dns && x->declared_resolver);
    int uy = y->endpoint < 0 && !(y->dns && y->declared_resolver);
    uint64_t bx = x->bytes[0] + x->bytes[1], by = y->bytes[0] + y->bytes[1];
    if (x->dir != y->dir)
        return x->dir < y->dir ? -1 : 1;
    if (ux != uy)
        return uy - ux;
    if (bx != by)
        return bx > by ? -1 : 1;
    return strcmp(x->key, y->key);
}

static int cmp_finding(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int sx = severity_rank(json_string_value(json_object_get(x, "severity")));
    int sy = severity_rank(json_string_value(json_object_get(y, "severity")));
    int c;
    if (sx != sy)
        return sy - sx;
    c = strcmp(json_string_value(json_object_get(x, "rule")),
               json_string_value(json_object_get(y, "rule")));
    if (c)
        return c;
    c = strcmp(json_string_value(json_object_get(x, "destination")),
               json_string_value(json_object_get(y, "destination")));
    if (c)
        return c;
    json_int_t px = json_integer_value(json_array_get(json_object_get(x, "packets"), 0));
    json_int_t py = json_integer_value(json_array_get(json_object_get(y, "packets"), 0));
    return px < py ? -1 : px > py;
}

static int cmp_pair(const void *a, const void *b)
{
    const struct pair_ent *x = *(const struct pair_ent *const *)a;
    const struct pair_ent *y = *(const struct pair_ent *const *)b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return memcmp(&x->a, &y->a, 2 * sizeof(x->a));
}

static int cmp_proto(const void *a, const void *b)
{
    const struct proto_ent *x = *(const struct proto_ent *const *)a;
    const struct proto_ent *y = *(const struct proto_ent *const *)b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return strcmp(x->name, y->name);
}

static json_t *group_json(const struct group *g, const struct nr_declared *decl)
{
    json_t *o = json_object();
    bool declared = g->endpoint >= 0 || (g->dns && g->declared_resolver);

    if (g->dir == DIR_IN) {
        json_object_set_new(o, "port", json_string(g->label));
        json_object_set_new(o, "declared", decl ? json_boolean(g->endpoint >= 0) : json_null());
        json_object_set_new(o, "purpose",
                            g->endpoint >= 0 ? json_string(decl->listening[g->endpoint].purpose)
                                             : json_null());
        json_object_set_new(o, "connections", json_integer((json_int_t)g->flows));
        json_object_set_new(o, "peers", str_array(g->peers, g->npeers));
        json_object_set_new(o, "bytes_in", json_integer((json_int_t)g->bytes[0]));
        json_object_set_new(o, "bytes_out", json_integer((json_int_t)g->bytes[1]));
        json_object_set_new(o, "payload_in", json_integer((json_int_t)g->payload[0]));
        json_object_set_new(o, "payload_out", json_integer((json_int_t)g->payload[1]));
        json_object_set_new(o, "protocols", str_array(g->protos, g->nprotos));
        json_object_set_new(o, "risks", risk_array(g->risks));
        json_object_set_new(o, "first_seen", json_time(g->first_us));
        json_object_set_new(o, "last_seen", json_time(g->last_us));
        json_object_set_new(o, "first_packet", json_integer((json_int_t)g->first_pkt));
        json_object_set_new(o, "last_packet", json_integer((json_int_t)g->last_pkt));
        json_object_set_new(o, "flow_ids", int_array(g->cite_flows, g->ncite));
        return o;
    }
    json_object_set_new(o, "destination", json_string(g->label));
    json_object_set_new(o, "direction", json_string(g->dir == DIR_OUT ? "outbound" : "transit"));
    json_object_set_new(o, "declared", decl ? json_boolean(declared) : json_null());
    if (g->endpoint >= 0) {
        json_object_set_new(o, "endpoint", json_integer(g->endpoint));
        json_object_set_new(o, "purpose", json_string(decl->endpoints[g->endpoint].purpose));
        json_object_set_new(o, "user_data", json_boolean(decl->endpoints[g->endpoint].user_data));
    } else if (declared) {
        json_object_set_new(o, "endpoint", json_null());
        json_object_set_new(o, "purpose", json_string("declared resolver"));
    }
    json_object_set_new(o, "names", str_array(g->names, g->nnames));
    json_object_set_new(o, "addresses", str_array(g->addrs, g->naddrs));
    json_object_set_new(o, "ports", str_array(g->ports, g->nports));
    json_object_set_new(o, "protocols", str_array(g->protos, g->nprotos));
    json_object_set_new(o, "risks", risk_array(g->risks));
    json_object_set_new(o, "flows", json_integer((json_int_t)g->flows));
    json_object_set_new(o, "sessions", json_integer((json_int_t)g->flows));
    json_object_set_new(o, "packets_out", json_integer((json_int_t)g->pkts[0]));
    json_object_set_new(o, "packets_in", json_integer((json_int_t)g->pkts[1]));
    json_object_set_new(o, "bytes_out", json_integer((json_int_t)g->bytes[0]));
    json_object_set_new(o, "bytes_in", json_integer((json_int_t)g->bytes[1]));
    json_object_set_new(o, "payload_out", json_integer((json_int_t)g->payload[0]));
    json_object_set_new(o, "payload_in", json_integer((json_int_t)g->payload[1]));
    json_object_set_new(o, "longest_s", json_real((double)g->longest_us / 1e6));
    json_object_set_new(o, "first_seen", json_time(g->first_us));
    json_object_set_new(o, "last_seen", json_time(g->last_us));
    json_object_set_new(o, "first_packet", json_integer((json_int_t)g->first_pkt));
    json_object_set_new(o, "last_packet", json_integer((json_int_t)g->last_pkt));
    json_object_set_new(o, "flow_ids", int_array(g->cite_flows, g->ncite));
    return o;
}

static void fold_open_flow(void *ctx, const struct nr_flow *f)
{
    void **pair = ctx;
    struct nr_traffic *t = pair[0];
    struct agg *g = pair[1];
    const struct flow_state *st = f->user;
    struct facts_i fi;

    if (st)
        facts_of_state(st, &fi);
    else
        memset(&fi, 0, sizeof(fi));
    agg_flow(t, g, f, &fi);
}

static json_t *capture_json(struct nr_traffic *t, const struct nr_capture_stats *cs,
                            const struct agg *g)
{
    const struct nr_flow_stats *fs = t->ft ? nr_flow_table_stats(t->ft) : NULL;
    json_t *c = json_object(), *ov = json_object();
    struct nr_capture_stats zero;

    if (cs == NULL) {
        memset(&zero, 0, sizeof(zero));
        cs = &zero;
    }
    json_object_set_new(c, "format", cs->format ? json_string(cs->format) : json_null());
    json_object_set_new(c, "link_type", cs->dlt_name ? json_string(cs->dlt_name) : json_null());
    json_object_set_new(c, "packets", json_integer((json_int_t)cs->packets));
    json_object_set_new(c, "bytes", json_integer((json_int_t)cs->bytes));
    json_object_set_new(c, "ip", json_integer((json_int_t)cs->ip));
    json_object_set_new(c, "ipv6", json_integer((json_int_t)cs->ipv6));
    json_object_set_new(c, "non_ip", json_integer((json_int_t)cs->not_ip));
    json_object_set_new(c, "truncated", json_integer((json_int_t)cs->truncated));
    json_object_set_new(c, "malformed", json_integer((json_int_t)cs->malformed));
    json_object_set_new(c, "fragments", json_integer((json_int_t)cs->fragments));
    json_object_set_new(c, "vlan_tagged", json_integer((json_int_t)cs->vlan_tagged));
    json_object_set_new(c, "dropped", json_integer((json_int_t)cs->dropped));
    json_object_set_new(c, "flows", json_integer((json_int_t)g->flows));
    json_object_set_new(c, "evicted", json_integer(fs ? (json_int_t)fs->evicted : 0));
    json_object_set_new(c, "active", json_integer(fs ? (json_int_t)fs->active : 0));
    json_object_set_new(c, "peak_flows", json_integer(fs ? (json_int_t)fs->peak : 0));
    json_object_set_new(c, "first_seen", json_time(t->first_us));
    json_object_set_new(c, "last_seen", json_time(t->last_us));
    json_object_set_new(
        c, "duration_s",
        json_real(t->last_us > t->first_us ? (double)(t->last_us - t->first_us) / 1e6 : 0.0));
    json_object_set_new(ov, "services", json_integer((json_int_t)g->svc_overflow));
    json_object_set_new(ov, "names", json_integer((json_int_t)t->names_overflow));
    json_object_set_new(ov, "dns", json_integer((json_int_t)t->dns_overflow));
    json_object_set_new(ov, "pairs", json_integer((json_int_t)t->pair_overflow));
    json_object_set_new(c, "overflow", ov);
    return c;
}

int nr_traffic_report(struct nr_traffic *t, const struct nr_capture_stats *cs,
                      const struct nr_err *cut, json_t **out, struct nr_err *err)
{
    struct agg snap, *g = &t->agg;
    struct nr_arena ar;
    struct nr_addr dev[DEVICE_MAX];
    size_t ndev;
    struct group *dests = NULL, *listen = NULL, *e, *tmp, **order = NULL;
    struct finding_ctx fc;
    struct nr_buf devtext;
    json_t *r = json_object(), *arr, *sum, *bycat, *bysev;
    const struct nr_declared *decl = t->decl;
    size_t n, i;
    struct timespec now;

    (void)err;
    *out = NULL;
    nr_arena_init(&ar);
    memset(&snap, 0, sizeof(snap));
    if (!t->finished) {
        void *ctx[2] = {t, &snap};
        agg_copy(&snap, &t->agg);
        nr_flow_table_each(t->ft, fold_open_flow, ctx);
        g = &snap;
    }

    json_object_set_new(r, "source", json_string(t->o.source ? t->o.source : ""));
    json_object_set_new(r, "capture", capture_json(t, cs, g));
    {
        json_t *c = json_object();
        json_object_set_new(c, "ip", json_integer((json_int_t)(t->npairs + t->pair_overflow)));
        json_object_set_new(c, "tcp", json_integer((json_int_t)g->tcp));
        json_object_set_new(c, "udp", json_integer((json_int_t)g->udp));
        json_object_set_new(c, "other", json_integer((json_int_t)g->other));
        json_object_set_new(r, "conversations", c);
    }
    {
        struct pair_ent **pv = nr_malloc((t->npairs + 1) * sizeof(*pv)), *p, *ptmp;
        char a[64], b[64];
        n = 0;
        HASH_ITER(hh, t->pairs, p, ptmp) pv[n++] = p;
        qsort(pv, n, sizeof(*pv), cmp_pair);
        arr = json_array();
        for (i = 0; i < n && i < NR_TRAFFIC_CONV_LIST; i++)
            json_array_append_new(
                arr, json_pack("{s:s,s:s,s:I,s:I}", "a", nr_addr_fmt(&pv[i]->a, a, sizeof(a)), "b",
                               nr_addr_fmt(&pv[i]->b, b, sizeof(b)), "packets",
                               (json_int_t)pv[i]->packets, "bytes", (json_int_t)pv[i]->bytes));
        nr_free(pv);
        json_object_set_new(r, "ip_conversations", arr);
    }

    /* The device. */
    if (t->ndevice) {
        memcpy(dev, t->device, t->ndevice * sizeof(dev[0]));
        ndev = t->ndevice;
    } else {
        ndev = device_infer(g, dev);
    }
    nr_buf_init(&devtext, 4096);
    arr = json_array();
    for (i = 0; i < ndev; i++) {
        char a[64];
        nr_addr_fmt(&dev[i], a, sizeof(a));
        json_array_append_new(arr, json_string(a));
        nr_buf_printf(&devtext, "%s%s", i ? ", " : "", a);
    }
    json_object_set_new(r, "device", arr);
    json_object_set_new(r, "device_source",
                        json_string(t->ndevice ? "given"
                                    : ndev     ? "inferred"
                                               : "none"));
    if (decl)
        json_object_set_new(r, "declared",
                            json_pack("{s:s,s:o,s:I,s:I,s:I}", "product", decl->product, "version",
                                      decl->version ? json_string(decl->version) : json_null(),
                                      "endpoints", (json_int_t)decl->nendpoints, "listening",
                                      (json_int_t)decl->nlistening, "resolvers",
                                      (json_int_t)decl->nresolvers));
    else
        json_object_set_new(r, "declared", json_null());

    /* Services into destinations and listening services. */
    {
        struct svc *s, *stmp;
        HASH_ITER(hh, g->svcs, s, stmp)
        {
            char abuf[64], pbuf[16];
            enum direction dir = DIR_TRANSIT;
            if (ndev && is_device(dev, ndev, &s->k.cli))
                dir = DIR_OUT;
            else if (ndev && is_device(dev, ndev, &s->k.srv))
                dir = DIR_IN;
            if (dir == DIR_IN) {
                int l;
                /* Only a service that answered listens; a probe of a closed port is not one,
                 * nor an echo answered: a service is a port, which is what a declaration's
                 * "listening" can name. */
                if (s->answered == 0 || (s->k.proto != 6 && s->k.proto != 17))
                    continue;
                l = nr_declared_listening_find(decl, s->k.port, s->k.proto);
                const char *label =
                    s->k.proto == 6 || s->k.proto == 17
                        ? nr_arena_printf(&ar, "%s/%u",
                                          nr_traffic_proto_name(s->k.proto, pbuf, sizeof(pbuf)),
                                          s->k.port)
                        : nr_arena_strdup(&ar,
                                          nr_traffic_proto_name(s->k.proto, pbuf, sizeof(pbuf)));
                e = group_get(&listen, &ar, DIR_IN, label, l);
                group_fold(e, &ar, s);
                continue;
            }
            const char *label =
                s->k.name ? s->k.name
                          : nr_arena_strdup(&ar, nr_addr_fmt(&s->k.srv, abuf, sizeof(abuf)));
            int ep = nr_declared_endpoint_find(decl, s->k.name, s->dns_name, &s->k.srv, s->k.port,
                                               s->k.proto);
            bool dns = is_dns(s);
            bool resolver = dns && nr_declared_resolver(decl, &s->k.srv);
            /* A DNS server is named by its address: the resolver rule is about addresses. */
            if (dns && ep < 0)
                label = nr_arena_strdup(&ar, nr_addr_fmt(&s->k.srv, abuf, sizeof(abuf)));
            e = group_get(&dests, &ar, dir, label, ep);
            e->dns = e->dns || dns;
            e->declared_resolver = e->declared_resolver || resolver;
            group_fold(e, &ar, s);
        }
    }

    memset(&fc, 0, sizeof(fc));
    fc.findings = json_array();
    fc.ar = &ar;
    fc.device_text = devtext.p ? devtext.p : "unknown";

    n = HASH_COUNT(dests);
    order = nr_malloc((n + 1) * sizeof(*order));
    i = 0;
    HASH_ITER(hh, dests, e, tmp) order[i++] = e;
    qsort(order, n, sizeof(*order), cmp_group_dest);
    arr = json_array();
    size_t undeclared = 0;
    for (i = 0; i < n; i++) {
        struct group *x = order[i];
        const char *filter = group_filter(&ar, x, dev, ndev);
        json_array_append_new(arr, group_json(x, decl));
        if (x->dir != DIR_OUT) {
            /* Not the device's traffic: only what is never acceptable is reported. */
            if (x->ncred)
                rules_destination(&fc, NULL, x, filter);
            continue;
        }
        if (decl && x->endpoint < 0 && !(x->dns && x->declared_resolver) && x->any_global)
            undeclared++;
        rules_destination(&fc, decl, x, filter);
    }
    json_object_set_new(r, "destinations", arr);
    nr_free(order);

    n = HASH_COUNT(listen);
    order = nr_malloc((n + 1) * sizeof(*order));
    i = 0;
    HASH_ITER(hh, listen, e, tmp) order[i++] = e;
    qsort(order, n, sizeof(*order), cmp_group_dest);
    arr = json_array();
    size_t undeclared_listen = 0;
    for (i = 0; i < n; i++) {
        json_array_append_new(arr, group_json(order[i], decl));
        if (decl && order[i]->endpoint < 0)
            undeclared_listen++;
        rules_listening(&fc, decl, order[i], group_filter(&ar, order[i], dev, ndev));
    }
    json_object_set_new(r, "listening", arr);
    nr_free(order);

    {
        struct proto_ent **pv, *p, *ptmp;
        n = HASH_COUNT(g->protos);
        pv = nr_malloc((n + 1) * sizeof(*pv));
        i = 0;
        HASH_ITER(hh, g->protos, p, ptmp) pv[i++] = p;
        qsort(pv, n, sizeof(*pv), cmp_proto);
        arr = json_array();
        for (i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:s,s:o,s:I,s:I,s:I}", "protocol", pv[i]->name, "category",
                               pv[i]->category ? json_string(pv[i]->category) : json_null(),
                               "flows", (json_int_t)pv[i]->flows, "packets",
                               (json_int_t)pv[i]->packets, "bytes", (json_int_t)pv[i]->bytes));
        nr_free(pv);
        json_object_set_new(r, "protocols", arr);
    }

    /* Findings, most severe first. */
    {
        size_t nf = json_array_size(fc.findings);
        json_t **fv = nr_malloc((nf + 1) * sizeof(*fv)), *sorted = json_array();
        for (i = 0; i < nf; i++)
            fv[i] = json_array_get(fc.findings, i);
        qsort(fv, nf, sizeof(*fv), cmp_finding);
        bycat = json_object();
        bysev = json_object();
        for (i = 0; i < nf; i++) {
            const char *c = json_string_value(json_object_get(fv[i], "category"));
            const char *s = json_string_value(json_object_get(fv[i], "severity"));
            json_array_append(sorted, fv[i]);
            json_object_set_new(bycat, c,
                                json_integer(json_integer_value(json_object_get(bycat, c)) + 1));
            json_object_set_new(bysev, s,
                                json_integer(json_integer_value(json_object_get(bysev, s)) + 1));
        }
        nr_free(fv);
        json_object_set_new(r, "findings", sorted);
        sum = json_object();
        json_object_set_new(
            sum, "destinations",
            json_integer((json_int_t)json_array_size(json_object_get(r, "destinations"))));
        json_object_set_new(sum, "undeclared",
                            decl ? json_integer((json_int_t)undeclared) : json_null());
        json_object_set_new(
            sum, "listening",
            json_integer((json_int_t)json_array_size(json_object_get(r, "listening"))));
        json_object_set_new(sum, "undeclared_listening",
                            decl ? json_integer((json_int_t)undeclared_listen) : json_null());
        json_object_set_new(sum, "findings", json_integer((json_int_t)nf));
        json_object_set_new(sum, "by_category", bycat);
        json_object_set_new(sum, "by_severity", bysev);
        json_object_set_new(r, "summary", sum);
    }
    json_decref(fc.findings);

    if (cut && cut->code) {
        uint64_t pkt = 0;
        const char *m = strstr(cut->msg, "packet ");
        if (m)
            pkt = strtoull(m + 7, NULL, 10);
        json_object_set_new(r, "error",
                            json_pack("{s:I,s:s}", "packet", (json_int_t)pkt, "message", cut->msg));
    } else {
        json_object_set_new(r, "error", json_null());
    }
    json_object_set_new(r, "ndpi", json_string(nr_ndpi_version()));
    clock_gettime(CLOCK_MONOTONIC, &now);
    json_object_set_new(r, "seconds",
                        json_real((double)(now.tv_sec - t->started.tv_sec) +
                                  (double)(now.tv_nsec - t->started.tv_nsec) / 1e9));

    HASH_CLEAR(hh, dests);
    HASH_CLEAR(hh, listen);
    nr_buf_release(&devtext);
    if (g == &snap)
        agg_release(&snap);
    nr_arena_release(&ar);
    *out = r;
    return 0;
}

/* --- a whole file -------------------------------------------------------------------------- */

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_draw(const struct nr_capture_stats *cs, bool done)
{
    char a[32], b[32];
    int width = 30, filled;
    double frac;

    if (done) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        return;
    }
    frac = cs->file_size ? (double)cs->file_offset / (double)cs->file_size : 0.0;
    if (frac > 1.0)
        frac = 1.0;
    filled = (int)(frac * width);
    fprintf(stderr, "\r%3d%% [", (int)(frac * 100));
    for (int i = 0; i < width; i++)
        fputc(i < filled ? '#' : '.', stderr);
    fprintf(stderr, "] %s / %s, %llu packets\033[K",
            nr_traffic_bytes_fmt(cs->file_offset, a, sizeof(a)),
            nr_traffic_bytes_fmt(cs->file_size, b, sizeof(b)), (unsigned long long)cs->packets);
    fflush(stderr);
}

int nr_traffic_analyze_file(const char *path, const struct nr_traffic_options *o, json_t **out,
                            struct nr_err *err)
{
    struct nr_capture *c = NULL;
    struct nr_traffic *t = NULL;
    struct nr_traffic_options opts;
    struct nr_pkt p;
    struct nr_err cut;
    bool bar;
    double last_draw = 0;
    uint64_t n = 0;
    int rc;

    *out = NULL;
    memset(&opts, 0, sizeof(opts));
    if (o)
        opts = *o;
    if (opts.source == NULL) {
        const char *slash = strrchr(path, '/');
        opts.source = slash ? slash + 1 : path;
    }
    rc = nr_capture_open_file(path, &c, err);
    if (rc == NR_EPARSE && err) {
        /* Say first what the file is not; libpcap's words follow. */
        size_t pl = strlen(path);
        const char *why = strncmp(err->msg, path, pl) == 0 && strncmp(err->msg + pl, ": ", 2) == 0
                              ? err->msg + pl + 2
                              : err->msg;
        char *m =
            nr_asprintf("%s is not a capture netreview reads (pcap or pcapng): %s", path, why);
        snprintf(err->msg, sizeof(err->msg), "%s", m);
        nr_free(m);
    }
    if (rc)
        return rc;
    rc = nr_traffic_new(&opts, &t, err);
    if (rc)
        goto out;
    bar = opts.progress && isatty(STDERR_FILENO);
    nr_err_init(&cut);
    memset(&p, 0, sizeof(p));
    for (;;) {
        int r = nr_capture_next(c, &p, &cut);
        if (r == 0)
            break;
        if (r < 0) {
            rc = r;
            break;
        }
        if (r != 1)
            continue;
        nr_traffic_packet(t, &p);
        if (bar && (++n & 0x3fff) == 0) {
            double now = mono_now();
            if (now - last_draw >= 0.2) {
                progress_draw(nr_capture_stats(c), false);
                last_draw = now;
            }
        }
    }
    if (bar && last_draw > 0)
        progress_draw(nr_capture_stats(c), true);
    nr_traffic_finish(t);
    {
        int r2 = nr_traffic_report(t, nr_capture_stats(c), rc ? &cut : NULL, out, err);
        if (r2 && rc == 0)
            rc = r2;
    }
    if (rc && rc == cut.code && err) {
        /* The partial report stands; the error says where the file ends. */
        nr_err_set(err, cut.code, cut.field[0] ? cut.field : "capture", "%s", cut.msg);
    }
out:
    nr_traffic_free(t);
    nr_capture_close(c);
    return rc;
}
