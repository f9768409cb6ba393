/*
 * test_flow.c - the bidirectional flow table (src/traffic/flow.c): both directions of a
 * conversation meet in one flow, the client is known from the SYN, TCP states, and every way a
 * flow leaves the table (idle, closed, evicted, flushed) reported once with its reason. Packets
 * are built as nr_pkt_decode leaves them, without frames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/pkt.h"

#include "netreview/banned.h"

#define SEC 1000000ull

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

/* --- what the table reported --------------------------------------------------------------- */

struct ended {
    uint64_t id;
    enum nr_flow_end why;
    uint64_t pkts[2];
    enum nr_tcp_state tcp;
};

struct log {
    struct ended e[64];
    size_t n;
    uint64_t total;
};

static void on_end(void *ctx, struct nr_flow *f, enum nr_flow_end why)
{
    struct log *l = ctx;

    l->total++;
    if (l->n < NR_ARRAY_LEN(l->e)) {
        l->e[l->n].id = f->id;
        l->e[l->n].why = why;
        l->e[l->n].pkts[0] = f->pkts[0];
        l->e[l->n].pkts[1] = f->pkts[1];
        l->e[l->n].tcp = f->tcp;
        l->n++;
    }
}

static struct nr_flow_table *table(struct nr_flow_config *cfg, struct log *l)
{
    struct nr_flow_table *t = NULL;
    struct nr_err err;

    memset(l, 0, sizeof(*l));
    cfg->on_end = on_end;
    cfg->ctx = l;
    nr_err_init(&err);
    assert_int_equal(nr_flow_table_new(cfg, &t, &err), 0);
    assert_non_null(t);
    return t;
}

/* --- packets ------------------------------------------------------------------------------- */

static uint64_t g_num;

static struct nr_pkt pkt(const char *src, uint16_t sport, const char *dst, uint16_t dport,
                         uint8_t proto, uint8_t flags, uint64_t ts_us)
{
    struct nr_pkt p;

    memset(&p, 0, sizeof(p));
    p.num = ++g_num;
    p.ts_us = ts_us;
    p.status = NR_PKT_OK;
    assert_int_equal(nr_addr_parse(src, &p.src), 0);
    assert_int_equal(nr_addr_parse(dst, &p.dst), 0);
    p.proto = proto;
    p.sport = sport;
    p.dport = dport;
    p.tcp_flags = flags;
    p.ip_len = 100;
    p.payload_wire_len = proto == 6 ? 60 : 72;
    return p;
}

static struct nr_flow *feed(struct nr_flow_table *t, struct nr_pkt p, int want_dir)
{
    int dir = -1;
    struct nr_flow *f = nr_flow_table_update(t, &p, &dir);

    assert_non_null(f);
    assert_int_equal(dir, want_dir);
    assert_true(f->last_pkt == p.num);
    return f;
}

static struct nr_flow *tcp(struct nr_flow_table *t, const char *src, uint16_t sport,
                           const char *dst, uint16_t dport, uint8_t flags, uint64_t ts,
                           int want_dir)
{
    return feed(t, pkt(src, sport, dst, dport, 6, flags, ts), want_dir);
}

static void assert_addr(const struct nr_addr *a, const char *want)
{
    char s[64];
    assert_string_equal(nr_addr_fmt(a, s, sizeof(s)), want);
}

/* --- tests --------------------------------------------------------------------------------- */

static void test_directions_meet(void **state)
{
    struct nr_flow_config cfg = {0};
    struct log l;
    struct nr_flow_table *t = table(&cfg, &l);
    struct nr_flow *f, *g;
    struct nr_pkt p;

    (void)state;
    /* The client has the higher address: the canonical key must not make it the server. */
    f = feed(t, pkt("10.0.0.9", 5000, "10.0.0.2", 53, 17, 0, 1 * SEC), NR_DIR_C2S);
    g = feed(t, pkt("10.0.0.2", 53, "10.0.0.9", 5000, 17, 0, 2 * SEC), NR_DIR_S2C);
    assert_ptr_equal(f, g);
    assert_int_equal(f->id, 1);
    assert_addr(&f->cli, "10.0.0.9");
    assert_addr(&f->srv, "10.0.0.2");
    assert_int_equal(f->cli_port, 5000);
    assert_int_equal(f->srv_port, 53);
    assert_int_equal(f->proto, 17);
    assert_int_equal(f->pkts[NR_DIR_C2S], 1);
    assert_int_equal(f->pkts[NR_DIR_S2C], 1);
    assert_int_equal(f->bytes[NR_DIR_C2S], 100);
    assert_int_equal(f->payload[NR_DIR_S2C], 72);
    assert_int_equal(f->first_us, 1 * SEC);
    assert_int_equal(f->last_us, 2 * SEC);
    assert_int_equal(f->first_pkt + 1, f->last_pkt);
    assert_int_equal(f->tcp, NR_TCP_NONE);
    assert_false(f->handshake_seen);

    /* Same address both ends: the ports tell the sides apart. */
    f = feed(t, pkt("127.0.0.1", 40000, "127.0.0.1", 8080, 17, 0, 3 * SEC), NR_DIR_C2S);
    g = feed(t, pkt("127.0.0.1", 8080, "127.0.0.1", 40000, 17, 0, 3 * SEC), NR_DIR_S2C);
    assert_ptr_equal(f, g);
    assert_int_equal(f->cli_port, 40000);

    /* IPv6, and the same ports on another VLAN or protocol are other flows. */
    f = feed(t, pkt("2001:db8::2", 443, "2001:db8::1", 50000, 6, ACK, 4 * SEC), NR_DIR_C2S);
    g = feed(t, pkt("2001:db8::1", 50000, "2001:db8::2", 443, 6, ACK, 4 * SEC), NR_DIR_S2C);
    assert_ptr_equal(f, g);
    p = pkt("2001:db8::1", 50000, "2001:db8::2", 443, 6, ACK, 4 * SEC);
    p.vlan = 7;
    g = feed(t, p, NR_DIR_C2S);
    assert_true(g != f);
    assert_int_equal(g->vlan, 7);
    g = feed(t, pkt("2001:db8::1", 50000, "2001:db8::2", 443, 17, 0, 4 * SEC), NR_DIR_C2S);
    assert_true(g != f);
    assert_int_equal(nr_flow_table_stats(t)->created, 5);
    assert_int_equal(nr_flow_table_stats(t)->active, 5);

    /* Packets that did not decode are not flows. */
    p.status = NR_PKT_TRUNCATED;
    assert_null(nr_flow_table_update(t, &p, NULL));
    p.status = NR_PKT_OK;
    assert_non_null(nr_flow_table_update(t, &p, NULL)); /* dir may be NULL */
    assert_int_equal(nr_flow_table_stats(t)->created, 5);

    nr_flow_table_free(t);
    assert_int_equal(l.total, 5);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(l.e[i].why, NR_FLOW_FLUSHED);
}

static void test_client_from_syn(void **state)
{
    struct nr_flow_config cfg = {0};
    struct log l;
    struct nr_flow_table *t = table(&cfg, &l);
    struct nr_flow *f;

    (void)state;
    /* The capture starts with the server's data; then the client opens a new handshake. */
    f = tcp(t, "192.0.2.80", 80, "192.0.2.10", 40000, ACK | PSH, 1 * SEC, NR_DIR_C2S);
    assert_addr(&f->cli, "192.0.2.80");
    assert_false(f->handshake_seen);
    f = tcp(t, "192.0.2.10", 40000, "192.0.2.80", 80, SYN, 2 * SEC, NR_DIR_C2S);
    assert_true(f->handshake_seen);
    assert_addr(&f->cli, "192.0.2.10");
    assert_addr(&f->srv, "192.0.2.80");
    assert_int_equal(f->cli_port, 40000);
    assert_int_equal(f->srv_port, 80);
    /* The counts moved with the sides. */
    assert_int_equal(f->pkts[NR_DIR_C2S], 1);
    assert_int_equal(f->pkts[NR_DIR_S2C], 1);
    tcp(t, "192.0.2.80", 80, "192.0.2.10", 40000, ACK, 3 * SEC, NR_DIR_S2C);
    assert_int_equal(f->pkts[NR_DIR_S2C], 2);

    /* A SYN+ACK first: its receiver is the client. */
    f = tcp(t, "198.51.100.1", 443, "198.51.100.2", 51000, SYN | ACK, 4 * SEC, NR_DIR_S2C);
    assert_true(f->handshake_seen);
    assert_addr(&f->cli, "198.51.100.2");
    assert_int_equal(f->srv_port, 443);
    assert_int_equal(f->tcp, NR_TCP_ESTABLISHED);
    assert_int_equal(f->pkts[NR_DIR_S2C], 1);

    /* Once known, a SYN from the other side (simultaneous open) does not turn it round. */
    f = tcp(t, "203.0.113.1", 1000, "203.0.113.2", 2000, SYN, 5 * SEC, NR_DIR_C2S);
    f = tcp(t, "203.0.113.2", 2000, "203.0.113.1", 1000, SYN, 5 * SEC, NR_DIR_S2C);
    assert_addr(&f->cli, "203.0.113.1");

    /* A SYN that also carries RST says nothing about the sides. */
    f = tcp(t, "203.0.113.9", 9, "203.0.113.8", 8, ACK, 6 * SEC, NR_DIR_C2S);
    f = tcp(t, "203.0.113.8", 8, "203.0.113.9", 9, SYN | RST, 6 * SEC, NR_DIR_S2C);
    assert_false(f->handshake_seen);
    assert_int_equal(f->tcp, NR_TCP_RESET);
    nr_flow_table_free(t);
}

static void test_tcp_states(void **state)
{
    struct nr_flow_config cfg = {0};
    struct log l;
    struct nr_flow_table *t = table(&cfg, &l);
    struct nr_flow *f;
    const char *c = "10.1.1.1", *s = "10.2.2.2";

    (void)state;
    f = tcp(t, c, 33000, s, 22, SYN, 1 * SEC, NR_DIR_C2S);
    assert_int_equal(f->tcp, NR_TCP_SYN);
    tcp(t, c, 33000, s, 22, SYN, 1 * SEC + 1, NR_DIR_C2S); /* retransmitted */
    assert_int_equal(f->tcp, NR_TCP_SYN);
    tcp(t, s, 22, c, 33000, SYN | ACK, 1 * SEC + 2, NR_DIR_S2C);
    assert_int_equal(f->tcp, NR_TCP_ESTABLISHED);
    tcp(t, c, 33000, s, 22, ACK, 1 * SEC + 3, NR_DIR_C2S);
    tcp(t, c, 33000, s, 22, ACK | PSH, 1 * SEC + 4, NR_DIR_C2S);
    assert_int_equal(f->tcp, NR_TCP_ESTABLISHED);
    tcp(t, c, 33000, s, 22, FIN | ACK, 2 * SEC, NR_DIR_C2S);
    assert_int_equal(f->tcp, NR_TCP_CLOSING);
    tcp(t, c, 33000, s, 22, FIN | ACK, 2 * SEC + 1, NR_DIR_C2S); /* retransmitted FIN */
    assert_int_equal(f->tcp, NR_TCP_CLOSING);
    tcp(t, s, 22, c, 33000, FIN | ACK, 2 * SEC + 2, NR_DIR_S2C);
    assert_int_equal(f->tcp, NR_TCP_CLOSED);
    tcp(t, c, 33000, s, 22, ACK, 2 * SEC + 3, NR_DIR_C2S); /* the last ACK */
    assert_int_equal(f->tcp, NR_TCP_CLOSED);
    assert_int_equal(f->pkts[NR_DIR_C2S], 7);
    assert_int_equal(f->pkts[NR_DIR_S2C], 2);

    /* FIN first from the server, then the client. */
    f = tcp(t, c, 33001, s, 22, SYN, 3 * SEC, NR_DIR_C2S);
    tcp(t, s, 22, c, 33001, SYN | ACK, 3 * SEC, NR_DIR_S2C);
    tcp(t, s, 22, c, 33001, FIN | ACK, 3 * SEC, NR_DIR_S2C);
    assert_int_equal(f->tcp, NR_TCP_CLOSING);
    tcp(t, c, 33001, s, 22, FIN | ACK, 3 * SEC, NR_DIR_C2S);
    assert_int_equal(f->tcp, NR_TCP_CLOSED);

    /* A refused connection. */
    f = tcp(t, c, 33002, s, 23, SYN, 3 * SEC, NR_DIR_C2S);
    tcp(t, s, 23, c, 33002, RST | ACK, 3 * SEC, NR_DIR_S2C);
    assert_int_equal(f->tcp, NR_TCP_RESET);
    tcp(t, c, 33002, s, 23, ACK, 3 * SEC, NR_DIR_C2S); /* nothing revives it */
    assert_int_equal(f->tcp, NR_TCP_RESET);

    /* Reset while closing. */
    f = tcp(t, c, 33003, s, 22, SYN, 3 * SEC, NR_DIR_C2S);
    tcp(t, c, 33003, s, 22, FIN | ACK, 3 * SEC, NR_DIR_C2S);
    tcp(t, s, 22, c, 33003, RST, 3 * SEC, NR_DIR_S2C);
    assert_int_equal(f->tcp, NR_TCP_RESET);

    /* Mid-stream: data without a handshake; a FIN as the first packet seen. */
    f = tcp(t, c, 33004, s, 80, ACK | PSH, 3 * SEC, NR_DIR_C2S);
    assert_int_equal(f->tcp, NR_TCP_ESTABLISHED);
    assert_false(f->handshake_seen);
    f = tcp(t, c, 33005, s, 80, FIN | ACK, 3 * SEC, NR_DIR_C2S);
    assert_int_equal(f->tcp, NR_TCP_CLOSING);

    /* A SYN+ACK the capture missed: the client's ACK establishes. */
    f = tcp(t, c, 33006, s, 80, SYN, 3 * SEC, NR_DIR_C2S);
    tcp(t, c, 33006, s, 80, ACK, 3 * SEC, NR_DIR_C2S);
    assert_int_equal(f->tcp, NR_TCP_ESTABLISHED);

    /* Not TCP: no state. */
    f = feed(t, pkt(c, 1, s, 2, 17, 0, 3 * SEC), NR_DIR_C2S);
    assert_int_equal(f->tcp, NR_TCP_NONE);
    nr_flow_table_free(t);
}

static void test_closed_grace_and_reuse(void **state)
{
    struct nr_flow_config cfg = {0};
    struct log l;
    struct nr_flow_table *t = table(&cfg, &l);
    struct nr_flow *f;
    const char *c = "10.1.1.1", *s = "10.2.2.2";

    (void)state;
    f = tcp(t, c, 40000, s, 80, SYN, 100 * SEC, NR_DIR_C2S);
    tcp(t, s, 80, c, 40000, SYN | ACK, 100 * SEC, NR_DIR_S2C);
    tcp(t, c, 40000, s, 80, FIN | ACK, 100 * SEC, NR_DIR_C2S);
    tcp(t, s, 80, c, 40000, FIN | ACK, 101 * SEC, NR_DIR_S2C);
    assert_int_equal(f->tcp, NR_TCP_CLOSED);
    /* Within the 10 s grace the flow stays (late ACKs and retransmissions still meet it). */
    feed(t, pkt(c, 1, s, 1, 17, 0, 110 * SEC), NR_DIR_C2S);
    assert_int_equal(l.total, 0);
    feed(t, pkt(c, 1, s, 1, 17, 0, 111 * SEC + 1), NR_DIR_C2S);
    assert_int_equal(l.total, 1);
    assert_int_equal(l.e[0].id, 1);
    assert_int_equal(l.e[0].why, NR_FLOW_CLOSED);
    assert_int_equal(l.e[0].tcp, NR_TCP_CLOSED);
    assert_int_equal(nr_flow_table_stats(t)->ended_closed, 1);

    /* A new SYN on the same ports during the grace is the next connection. */
    f = tcp(t, c, 40001, s, 80, SYN, 120 * SEC, NR_DIR_C2S);
    tcp(t, s, 80, c, 40001, RST | ACK, 120 * SEC, NR_DIR_S2C);
    assert_int_equal(f->tcp, NR_TCP_RESET);
    f = tcp(t, c, 40001, s, 80, SYN, 121 * SEC, NR_DIR_C2S);
    assert_int_equal(f->id, 4);
    assert_int_equal(f->tcp, NR_TCP_SYN);
    assert_int_equal(f->pkts[NR_DIR_C2S], 1);
    assert_int_equal(l.total, 2);
    assert_int_equal(l.e[1].id, 3);
    assert_int_equal(l.e[1].why, NR_FLOW_CLOSED);
    assert_int_equal(l.e[1].pkts[NR_DIR_S2C], 1);
    /* A retransmitted SYN of a live connection is not a new one. */
    assert_ptr_equal(tcp(t, c, 40001, s, 80, SYN, 122 * SEC, NR_DIR_C2S), f);
    nr_flow_table_free(t);
}

static void test_idle_expiry(void **state)
{
    struct nr_flow_config cfg = {0};
    struct log l;
    struct nr_flow_table *t;
    struct nr_flow *u;
    uint64_t tcp_id, udp_id;

    (void)state;
    cfg.tcp_idle_us = 300 * SEC;
    cfg.udp_idle_us = 120 * SEC;
    t = table(&cfg, &l);
    udp_id = feed(t, pkt("10.0.0.1", 1000, "10.0.0.2", 53, 17, 0, 0), NR_DIR_C2S)->id;
    tcp_id = tcp(t, "10.0.0.1", 1001, "10.0.0.2", 443, ACK, 0, NR_DIR_C2S)->id;
    feed(t, pkt("10.0.0.3", 1, "10.0.0.4", 1, 17, 0, 119 * SEC + SEC * 9 / 10), NR_DIR_C2S);
    assert_int_equal(l.total, 0);
    /* Idle for 120.5 s, but the last check was 0.6 s ago: expiry waits for the next second. */
    feed(t, pkt("10.0.0.3", 1, "10.0.0.4", 1, 17, 0, 120 * SEC + SEC / 2), NR_DIR_C2S);
    assert_int_equal(l.total, 0);
    feed(t, pkt("10.0.0.3", 1, "10.0.0.4", 1, 17, 0, 121 * SEC), NR_DIR_C2S);
    assert_int_equal(l.total, 1);
    assert_int_equal(l.e[0].id, udp_id);
    assert_int_equal(l.e[0].why, NR_FLOW_IDLE);
    /* The TCP flow has its own, longer timeout; the UDP one comes back as a new flow. */
    u = feed(t, pkt("10.0.0.2", 53, "10.0.0.1", 1000, 17, 0, 200 * SEC), NR_DIR_C2S);
    assert_true(u->id != udp_id);
    assert_addr(&u->cli, "10.0.0.2");
    /* At 300 s: 10.0.0.3 has been idle 179 s, the TCP flow exactly its 300 s. */
    feed(t, pkt("10.0.0.5", 1, "10.0.0.6", 1, 17, 0, 300 * SEC), NR_DIR_C2S);
    assert_int_equal(l.total, 2);
    assert_int_equal(l.e[1].why, NR_FLOW_IDLE);
    assert_true(l.e[1].id != tcp_id);
    feed(t, pkt("10.0.0.5", 1, "10.0.0.6", 1, 17, 0, 301 * SEC), NR_DIR_C2S);
    assert_int_equal(l.total, 3);
    assert_int_equal(l.e[2].id, tcp_id);
    assert_int_equal(l.e[2].why, NR_FLOW_IDLE);
    assert_int_equal(nr_flow_table_stats(t)->ended_idle, 3);
    assert_int_equal(nr_flow_table_stats(t)->active, 2);
    /* A packet earlier than the flow's last one does not move time back. */
    feed(t, pkt("10.0.0.5", 1, "10.0.0.6", 1, 17, 0, 290 * SEC), NR_DIR_C2S);
    nr_flow_table_flush(t);
    assert_int_equal(l.total, 5);
    assert_int_equal(nr_flow_table_stats(t)->flushed, 2);
    nr_flow_table_free(t);
    assert_int_equal(l.total, 5);
}

static void test_eviction(void **state)
{
    struct nr_flow_config cfg = {0};
    struct log l;
    struct nr_flow_table *t;
    const struct nr_flow_stats *st;

    (void)state;
    cfg.max_flows = 3;
    t = table(&cfg, &l);
    feed(t, pkt("10.0.0.1", 1, "10.9.9.9", 9, 17, 0, 1 * SEC), NR_DIR_C2S);
    tcp(t, "10.0.0.2", 1, "10.9.9.9", 9, SYN, 2 * SEC, NR_DIR_C2S);
    feed(t, pkt("10.0.0.3", 1, "10.9.9.9", 9, 17, 0, 3 * SEC), NR_DIR_C2S);
    /* Flow 1 is seen again: flow 2 is now the least recently seen. */
    feed(t, pkt("10.9.9.9", 9, "10.0.0.1", 1, 17, 0, 4 * SEC), NR_DIR_S2C);
    feed(t, pkt("10.0.0.4", 1, "10.9.9.9", 9, 17, 0, 5 * SEC), NR_DIR_C2S);
    st = nr_flow_table_stats(t);
    assert_int_equal(l.total, 1);
    assert_int_equal(l.e[0].id, 2);
    assert_int_equal(l.e[0].why, NR_FLOW_EVICTED);
    assert_int_equal(st->evicted, 1);
    assert_int_equal(st->active, 3);
    assert_int_equal(st->peak, 3);
    feed(t, pkt("10.0.0.5", 1, "10.9.9.9", 9, 17, 0, 6 * SEC), NR_DIR_C2S);
    assert_int_equal(l.e[1].id, 3);
    assert_int_equal(l.e[1].why, NR_FLOW_EVICTED);
    assert_int_equal(st->evicted, 2);
    assert_int_equal(st->created, 5);
    nr_flow_table_free(t);

    /* A full table first lets idle flows go as idle, between the once-a-second checks too. */
    cfg.max_flows = 2;
    cfg.udp_idle_us = SEC / 2;
    t = table(&cfg, &l);
    feed(t, pkt("10.0.0.1", 1, "10.9.9.9", 9, 17, 0, 10 * SEC), NR_DIR_C2S);
    feed(t, pkt("10.0.0.2", 1, "10.9.9.9", 9, 17, 0, 10 * SEC + SEC / 5), NR_DIR_C2S);
    feed(t, pkt("10.0.0.3", 1, "10.9.9.9", 9, 17, 0, 10 * SEC + SEC * 3 / 5), NR_DIR_C2S);
    assert_int_equal(l.total, 1);
    assert_int_equal(l.e[0].id, 1);
    assert_int_equal(l.e[0].why, NR_FLOW_IDLE);
    assert_int_equal(nr_flow_table_stats(t)->evicted, 0);
    nr_flow_table_free(t);
}

struct seen {
    uint64_t ids[16];
    size_t n;
};

static void collect(void *ctx, const struct nr_flow *f)
{
    struct seen *s = ctx;
    if (s->n < NR_ARRAY_LEN(s->ids))
        s->ids[s->n++] = f->id;
}

static void test_flush_and_each(void **state)
{
    struct nr_flow_config cfg = {0};
    struct log l;
    struct nr_flow_table *t = table(&cfg, &l);
    struct seen s = {.n = 0};
    struct nr_flow *f;

    (void)state;
    feed(t, pkt("10.0.0.3", 1, "10.9.9.9", 9, 17, 0, 1 * SEC), NR_DIR_C2S);
    feed(t, pkt("10.0.0.1", 1, "10.9.9.9", 9, 17, 0, 2 * SEC), NR_DIR_C2S);
    feed(t, pkt("10.0.0.2", 1, "10.9.9.9", 9, 17, 0, 3 * SEC), NR_DIR_C2S);
    /* Seeing flow 1 again changes its place in the idle order, not in the creation order. */
    feed(t, pkt("10.0.0.3", 1, "10.9.9.9", 9, 17, 0, 4 * SEC), NR_DIR_C2S);
    nr_flow_table_each(t, collect, &s);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ids[0], 1);
    assert_int_equal(s.ids[1], 2);
    assert_int_equal(s.ids[2], 3);
    assert_int_equal(l.total, 0);

    nr_flow_table_flush(t);
    assert_int_equal(l.total, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(l.e[i].id, i + 1);
        assert_int_equal(l.e[i].why, NR_FLOW_FLUSHED);
    }
    assert_int_equal(nr_flow_table_stats(t)->active, 0);
    assert_int_equal(nr_flow_table_stats(t)->flushed, 3);
    s.n = 0;
    nr_flow_table_each(t, collect, &s);
    assert_int_equal(s.n, 0);

    /* Still usable; ids go on. */
    f = feed(t, pkt("10.0.0.3", 1, "10.9.9.9", 9, 17, 0, 5 * SEC), NR_DIR_C2S);
    assert_int_equal(f->id, 4);
    assert_int_equal(f->pkts[NR_DIR_C2S], 1);
    nr_flow_table_free(t);
    assert_int_equal(l.total, 4);
    assert_int_equal(l.e[3].why, NR_FLOW_FLUSHED);
    nr_flow_table_free(NULL);
}

static void test_fragments(void **state)
{
    struct nr_flow_config cfg = {0};
    struct log l;
    struct nr_flow_table *t = table(&cfg, &l);
    struct nr_flow *f, *g;
    struct nr_pkt p;

    (void)state;
    p = pkt("10.0.0.53", 53, "10.0.0.1", 33333, 17, 0, 1 * SEC);
    p.fragment = p.first_fragment = true;
    p.frag_id = 77;
    f = feed(t, p, NR_DIR_C2S);
    p = pkt("10.0.0.53", 0, "10.0.0.1", 0, 17, 0, 1 * SEC);
    p.fragment = true;
    p.frag_id = 77;
    p.payload_wire_len = 500;
    g = feed(t, p, NR_DIR_C2S);
    assert_ptr_equal(f, g);
    assert_int_equal(f->fragments, 2);
    assert_int_equal(f->pkts[NR_DIR_C2S], 2);
    assert_int_equal(f->payload[NR_DIR_C2S], 572);

    /* A later fragment whose first was not seen has a flow of its own, without ports. */
    p.frag_id = 78;
    g = feed(t, p, NR_DIR_C2S);
    assert_true(g != f);
    assert_int_equal(g->cli_port, 0);
    assert_int_equal(g->fragments, 1);

    /* After the first fragment's flow ended, its later fragments do not reach a stale flow. */
    nr_flow_table_flush(t);
    p.frag_id = 77;
    g = feed(t, p, NR_DIR_C2S);
    assert_int_equal(g->id, 3);
    assert_int_equal(g->pkts[NR_DIR_C2S], 1);
    nr_flow_table_free(t);
}

/* Many flows through the index: growth, and removal from the middle of probe runs. */
static void test_many_flows(void **state)
{
    enum { N = 20000 };
    struct nr_flow_config cfg = {0};
    struct log l;
    struct nr_flow_table *t;
    uint64_t *ids = calloc(N, sizeof(*ids));
    char a[32];

    (void)state;
    assert_non_null(ids);
    cfg.udp_idle_us = 60 * SEC;
    t = table(&cfg, &l);
    for (int i = 0; i < N; i++) {
        snprintf(a, sizeof(a), "10.%d.%d.1", i / 256, i % 256);
        ids[i] = feed(t, pkt(a, (uint16_t)(1024 + i), "192.0.2.1", 53, 17, 0, (uint64_t)i * 1000),
                      NR_DIR_C2S)
                     ->id;
    }
    /* The odd flows are seen again from the server side at 30 s. */
    for (int i = 1; i < N; i += 2) {
        snprintf(a, sizeof(a), "10.%d.%d.1", i / 256, i % 256);
        assert_int_equal(
            feed(t, pkt("192.0.2.1", 53, a, (uint16_t)(1024 + i), 17, 0, 30 * SEC + (uint64_t)i),
                 NR_DIR_S2C)
                ->id,
            ids[i]);
    }
    /* At 85 s the even ones (last seen before 20 s) are idle, the odd ones not. */
    feed(t, pkt("203.0.113.1", 1, "203.0.113.2", 2, 17, 0, 85 * SEC), NR_DIR_C2S);
    assert_int_equal(l.total, N / 2);
    assert_int_equal(nr_flow_table_stats(t)->active, N / 2 + 1);
    for (int i = 0; i < N; i++) {
        struct nr_flow *f;
        snprintf(a, sizeof(a), "10.%d.%d.1", i / 256, i % 256);
        f = feed(t, pkt(a, (uint16_t)(1024 + i), "192.0.2.1", 53, 17, 0, 86 * SEC), NR_DIR_C2S);
        if (i % 2) {
            assert_int_equal(f->id, ids[i]);
            assert_int_equal(f->pkts[NR_DIR_C2S], 2);
        } else {
            assert_true(f->id > N);
            assert_int_equal(f->pkts[NR_DIR_C2S], 1);
        }
    }
    assert_int_equal(nr_flow_table_stats(t)->created, N + 1 + N / 2);
    assert_int_equal(nr_flow_table_stats(t)->peak, N + 1);
    nr_flow_table_free(t);
    free(ids);
}

static void test_config(void **state)
{
    struct nr_flow_config cfg = {0};
    struct nr_flow_table *t = NULL;
    struct nr_err err;

    (void)state;
    nr_err_init(&err);
    assert_int_equal(nr_flow_table_new(NULL, &t, &err), 0);
    assert_non_null(t);
    nr_flow_table_free(t);
    cfg.max_flows = (size_t)1 << 31;
    assert_int_equal(nr_flow_table_new(&cfg, &t, &err), NR_EINVAL);
    assert_null(t);
    assert_string_equal(err.field, "max_flows");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directions_meet), cmocka_unit_test(test_client_from_syn),
        cmocka_unit_test(test_tcp_states),      cmocka_unit_test(test_closed_grace_and_reuse),
        cmocka_unit_test(test_idle_expiry),     cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_flush_and_each),  cmocka_unit_test(test_fragments),
        cmocka_unit_test(test_many_flows),      cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
