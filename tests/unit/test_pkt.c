/*
 * test_pkt.c - frame decoding and addresses (src/traffic/decode.c). Frames are built here layer
 * by layer, the way the wire has them, for every link type of pkt.h; each decode reads from a
 * heap copy of exactly the captured bytes, so that a read past caplen is an ASan error in the
 * sanitizer build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/pkt.h"
#include "traffic/pkt_int.h"

#include <pcap/dlt.h>

#include "netreview/banned.h"

/* --- building frames ----------------------------------------------------------------------- */

struct bytes {
    uint8_t b[4096];
    uint32_t n;
};

static void add(struct bytes *x, const void *p, uint32_t n)
{
    assert_true(x->n + n <= sizeof(x->b));
    memcpy(x->b + x->n, p, n);
    x->n += n;
}

static void add8(struct bytes *x, uint8_t v)
{
    add(x, &v, 1);
}

static void add16(struct bytes *x, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    add(x, b, 2);
}

static void add32(struct bytes *x, uint32_t v)
{
    add16(x, (uint16_t)(v >> 16));
    add16(x, (uint16_t)v);
}

static void add_fill(struct bytes *x, uint8_t v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        add8(x, v);
}

static struct bytes payload(uint32_t n)
{
    struct bytes x = {.n = 0};
    for (uint32_t i = 0; i < n; i++)
        add8(&x, (uint8_t)('a' + i % 26));
    return x;
}

static struct bytes tcp(uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags,
                        uint32_t optlen, const struct bytes *data)
{
    struct bytes x = {.n = 0};
    add16(&x, sport);
    add16(&x, dport);
    add32(&x, seq);
    add32(&x, 0);
    add8(&x, (uint8_t)(((20 + optlen) / 4) << 4));
    add8(&x, flags);
    add16(&x, 65535);
    add32(&x, 0);
    add_fill(&x, 1, optlen); /* NOPs */
    add(&x, data->b, data->n);
    return x;
}

static struct bytes udp(uint16_t sport, uint16_t dport, const struct bytes *data)
{
    struct bytes x = {.n = 0};
    add16(&x, sport);
    add16(&x, dport);
    add16(&x, (uint16_t)(8 + data->n));
    add16(&x, 0);
    add(&x, data->b, data->n);
    return x;
}

static struct bytes icmp(uint8_t type, const struct bytes *data)
{
    struct bytes x = {.n = 0};
    add8(&x, type);
    add8(&x, 0);
    add16(&x, 0);
    add32(&x, 0x12340001);
    add(&x, data->b, data->n);
    return x;
}

static const uint8_t V4A[4] = {192, 0, 2, 1}, V4B[4] = {198, 51, 100, 7};
static const uint8_t V6A[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t V6B[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* frag is the flags/offset field (0x2000 MF, offset in 8-byte units). */
static struct bytes ip4(uint8_t proto, uint32_t optlen, uint16_t frag, uint16_t id,
                        const struct bytes *in)
{
    struct bytes x = {.n = 0};
    add8(&x, (uint8_t)(0x40 | ((20 + optlen) / 4)));
    add8(&x, 0);
    add16(&x, (uint16_t)(20 + optlen + in->n));
    add16(&x, id);
    add16(&x, frag);
    add8(&x, 64);
    add8(&x, proto);
    add16(&x, 0);
    add(&x, V4A, 4);
    add(&x, V4B, 4);
    add_fill(&x, 1, optlen);
    add(&x, in->b, in->n);
    return x;
}

static struct bytes ip6(uint8_t nh, const struct bytes *in)
{
    struct bytes x = {.n = 0};
    add32(&x, 0x60000000);
    add16(&x, (uint16_t)in->n);
    add8(&x, nh);
    add8(&x, 64);
    add(&x, V6A, 16);
    add(&x, V6B, 16);
    add(&x, in->b, in->n);
    return x;
}

/* Hop-by-hop, routing or destination options: (units + 1) * 8 bytes. */
static struct bytes ext6(uint8_t nh, uint8_t units, const struct bytes *in)
{
    struct bytes x = {.n = 0};
    add8(&x, nh);
    add8(&x, units);
    add_fill(&x, 0, (uint32_t)(units + 1) * 8 - 2);
    add(&x, in->b, in->n);
    return x;
}

static struct bytes frag6(uint8_t nh, uint16_t offset_units, bool more, uint32_t id,
                          const struct bytes *in)
{
    struct bytes x = {.n = 0};
    add8(&x, nh);
    add8(&x, 0);
    add16(&x, (uint16_t)(offset_units << 3 | (more ? 1 : 0)));
    add32(&x, id);
    add(&x, in->b, in->n);
    return x;
}

static const uint8_t MACS[12] = {0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa};

static struct bytes eth(uint16_t type, const struct bytes *in)
{
    struct bytes x = {.n = 0};
    add(&x, MACS, 12);
    add16(&x, type);
    add(&x, in->b, in->n);
    return x;
}

/* Ethernet with tags: tpid[i] / vid[i], outermost first. */
static struct bytes eth_tagged(const uint16_t *tpid, const uint16_t *vid, int ntags, uint16_t type,
                               const struct bytes *in)
{
    struct bytes x = {.n = 0};
    add(&x, MACS, 12);
    for (int i = 0; i < ntags; i++) {
        add16(&x, tpid[i]);
        add16(&x, (uint16_t)(0x2000 | vid[i])); /* priority 1 */
    }
    add16(&x, type);
    add(&x, in->b, in->n);
    return x;
}

static struct bytes sll(uint16_t proto, const struct bytes *in)
{
    struct bytes x = {.n = 0};
    add16(&x, 0); /* to us */
    add16(&x, 1); /* ARPHRD_ETHER */
    add16(&x, 6);
    add(&x, MACS, 8);
    add16(&x, proto);
    add(&x, in->b, in->n);
    return x;
}

static struct bytes sll2(uint16_t proto, const struct bytes *in)
{
    struct bytes x = {.n = 0};
    add16(&x, proto);
    add16(&x, 0);
    add32(&x, 3); /* interface index */
    add16(&x, 1);
    add8(&x, 4); /* outgoing */
    add8(&x, 6);
    add(&x, MACS, 8);
    add(&x, in->b, in->n);
    return x;
}

static struct bytes loopback(uint32_t family, bool little, const struct bytes *in)
{
    struct bytes x = {.n = 0};
    if (little) {
        uint8_t b[4] = {(uint8_t)family, (uint8_t)(family >> 8), (uint8_t)(family >> 16),
                        (uint8_t)(family >> 24)};
        add(&x, b, 4);
    } else {
        add32(&x, family);
    }
    add(&x, in->b, in->n);
    return x;
}

/* --- decoding ------------------------------------------------------------------------------ */

static uint8_t *g_frame; /* the heap copy of the last frame decoded */

static enum nr_pkt_status decode_n(int dlt, const struct bytes *x, uint32_t caplen,
                                   struct nr_pkt *p)
{
    enum nr_pkt_status st;

    free(g_frame);
    g_frame = malloc(caplen ? caplen : 1);
    assert_non_null(g_frame);
    memcpy(g_frame, x->b, caplen);
    memset(p, 0xa5, sizeof(*p));
    p->num = 42;
    p->ts_us = 7;
    st = nr_pkt_decode(dlt, g_frame, caplen, x->n, p);
    assert_int_equal(st, p->status);
    assert_int_equal(p->num, 42);
    assert_int_equal(p->ts_us, 7);
    assert_int_equal(p->caplen, caplen);
    assert_int_equal(p->wirelen, x->n);
    /* Whatever the status, the pointers stay inside the captured bytes. */
    if (p->l3) {
        assert_true(p->l3 >= g_frame && p->l3 + p->l3_len <= g_frame + caplen);
    }
    if (p->payload) {
        assert_true(p->payload >= g_frame && p->payload + p->payload_len <= g_frame + caplen);
        assert_true(p->payload_len > 0);
    } else if (p->status == NR_PKT_OK) {
        assert_int_equal(p->payload_len, 0);
    }
    return p->status;
}

static enum nr_pkt_status decode(int dlt, const struct bytes *x, struct nr_pkt *p)
{
    return decode_n(dlt, x, x->n, p);
}

static void assert_addr(const struct nr_addr *a, const char *want)
{
    char s[64];
    assert_string_equal(nr_addr_fmt(a, s, sizeof(s)), want);
}

static void test_ethernet_ipv4_tcp(void **state)
{
    struct bytes data = payload(100), seg = tcp(40000, 443, 0x01020304, 0x18, 0, &data);
    struct bytes ip = ip4(6, 0, 0x4000, 1, &seg), f = eth(0x0800, &ip);
    struct nr_pkt p;

    (void)state;
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_addr(&p.src, "192.0.2.1");
    assert_addr(&p.dst, "198.51.100.7");
    assert_int_equal(p.proto, 6);
    assert_int_equal(p.sport, 40000);
    assert_int_equal(p.dport, 443);
    assert_int_equal(p.tcp_flags, 0x18);
    assert_int_equal(p.tcp_seq, 0x01020304);
    assert_int_equal(p.vlan, 0);
    assert_false(p.fragment); /* DF is not a fragment */
    assert_int_equal(p.ip_len, 140);
    assert_ptr_equal(p.l3, g_frame + 14);
    assert_int_equal(p.l3_len, 140);
    assert_ptr_equal(p.payload, g_frame + 14 + 20 + 20);
    assert_int_equal(p.payload_len, 100);
    assert_int_equal(p.payload_wire_len, 100);
    assert_memory_equal(p.payload, data.b, 100);
}

static void test_ethernet_padding_and_snaplen(void **state)
{
    struct bytes data = payload(4), seg = udp(5353, 53, &data), ip = ip4(17, 0, 0, 9, &seg);
    struct bytes f = eth(0x0800, &ip), big, seg2, ip2, f2;
    struct nr_pkt p;

    (void)state;
    /* 14 + 20 + 12 = 46 bytes, padded to the 60-byte minimum: the padding is not payload. */
    add_fill(&f, 0, 60 - f.n);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.ip_len, 32);
    assert_int_equal(p.l3_len, 32);
    assert_int_equal(p.payload_len, 4);
    assert_int_equal(p.payload_wire_len, 4);

    /* A snap length that cuts the payload keeps the wire length of the payload. */
    big = payload(1000);
    seg2 = udp(1000, 2000, &big);
    ip2 = ip4(17, 0, 0, 10, &seg2);
    f2 = eth(0x0800, &ip2);
    assert_int_equal(decode_n(DLT_EN10MB, &f2, 96, &p), NR_PKT_OK);
    assert_int_equal(p.ip_len, 1028);
    assert_int_equal(p.l3_len, 96 - 14);
    assert_int_equal(p.payload_len, 96 - 14 - 28);
    assert_int_equal(p.payload_wire_len, 1000);
    /* Cut exactly after the UDP header: no payload pointer, but the wire length is known. */
    assert_int_equal(decode_n(DLT_EN10MB, &f2, 42, &p), NR_PKT_OK);
    assert_null(p.payload);
    assert_int_equal(p.payload_len, 0);
    assert_int_equal(p.payload_wire_len, 1000);
}

static void test_vlan_stacks(void **state)
{
    struct bytes data = payload(10), seg = udp(1, 2, &data), ip = ip4(17, 0, 0, 1, &seg), f;
    struct bytes ip6p = ip6(17, &seg);
    static const uint16_t tpid_qinq[] = {0x88a8, 0x8100};
    static const uint16_t vid_qinq[] = {100, 200};
    static const uint16_t tpid_three[] = {0x9100, 0x88a8, 0x8100};
    static const uint16_t vid_three[] = {4094, 5, 6};
    struct nr_pkt p;

    (void)state;
    f = eth_tagged(tpid_qinq + 1, vid_qinq + 1, 1, 0x0800, &ip);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.vlan, 200);
    assert_ptr_equal(p.l3, g_frame + 18);

    f = eth_tagged(tpid_qinq, vid_qinq, 2, 0x86dd, &ip6p);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.vlan, 100); /* the outermost */
    assert_int_equal(p.src.ver, 6);
    assert_ptr_equal(p.l3, g_frame + 22);
    assert_int_equal(p.sport, 1);

    f = eth_tagged(tpid_three, vid_three, 3, 0x0800, &ip);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.vlan, 4094);
    assert_ptr_equal(p.l3, g_frame + 26);
    assert_int_equal(p.dport, 2);

    /* Cut inside the second tag. */
    assert_int_equal(decode_n(DLT_EN10MB, &f, 20, &p), NR_PKT_TRUNCATED);
    /* A tagged ARP frame is not IP. */
    f = eth_tagged(tpid_qinq, vid_qinq, 2, 0x0806, &data);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_NOT_IP);
}

static void test_other_ethertypes(void **state)
{
    struct bytes data = payload(10), seg = udp(67, 68, &data), ip = ip4(17, 0, 0, 1, &seg);
    struct bytes ip6p = ip6(17, &seg), in = {.n = 0}, f;
    struct nr_pkt p;

    (void)state;
    /* 802.3 with LLC/SNAP carrying IPv4. */
    add16(&in, 0xaaaa);
    add8(&in, 0x03);
    add_fill(&in, 0, 3);
    add16(&in, 0x0800);
    add(&in, ip.b, ip.n);
    f = eth((uint16_t)in.n, &in);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.sport, 67);
    /* 802.3 with plain LLC (spanning tree) is not IP. */
    in.n = 0;
    add8(&in, 0x42);
    add8(&in, 0x42);
    add8(&in, 0x03);
    add_fill(&in, 0, 35);
    f = eth((uint16_t)in.n, &in);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_NOT_IP);
    /* PPPoE session carrying IPv6. */
    in.n = 0;
    add8(&in, 0x11);
    add8(&in, 0);
    add16(&in, 0x1234);
    add16(&in, (uint16_t)(ip6p.n + 2));
    add16(&in, 0x0057);
    add(&in, ip6p.b, ip6p.n);
    f = eth(0x8864, &in);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.src.ver, 6);
    assert_ptr_equal(p.l3, g_frame + 22);
    /* ARP, LLDP. */
    f = eth(0x0806, &data);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_NOT_IP);
    f = eth(0x88cc, &data);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_NOT_IP);
    /* The ethertype says IPv4, the packet says otherwise. */
    f = eth(0x0800, &ip6p);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_MALFORMED);
}

static void test_link_types(void **state)
{
    struct bytes data = payload(20), seg = tcp(1234, 22, 1, 0x02, 0, &data);
    struct bytes ip = ip4(6, 0, 0, 1, &seg), ip6p = ip6(6, &seg), f;
    struct nr_pkt p;

    (void)state;
    f = sll(0x0800, &ip);
    assert_int_equal(decode(DLT_LINUX_SLL, &f, &p), NR_PKT_OK);
    assert_ptr_equal(p.l3, g_frame + 16);
    assert_int_equal(p.dport, 22);
    f = sll(0x86dd, &ip6p);
    assert_int_equal(decode(DLT_LINUX_SLL, &f, &p), NR_PKT_OK);
    assert_int_equal(p.src.ver, 6);
    f = sll(0x0806, &data);
    assert_int_equal(decode(DLT_LINUX_SLL, &f, &p), NR_PKT_NOT_IP);
    assert_int_equal(decode_n(DLT_LINUX_SLL, &f, 15, &p), NR_PKT_TRUNCATED);

    f = sll2(0x86dd, &ip6p);
    assert_int_equal(decode(DLT_LINUX_SLL2, &f, &p), NR_PKT_OK);
    assert_ptr_equal(p.l3, g_frame + 20);
    assert_addr(&p.src, "2001:db8::1");
    assert_addr(&p.dst, "2001:db8::2");
    assert_int_equal(decode_n(DLT_LINUX_SLL2, &f, 19, &p), NR_PKT_TRUNCATED);

    assert_int_equal(decode(DLT_RAW, &ip, &p), NR_PKT_OK);
    assert_ptr_equal(p.l3, g_frame);
    assert_int_equal(decode(DLT_RAW, &ip6p, &p), NR_PKT_OK);
    assert_int_equal(decode(NR__LINKTYPE_RAW, &ip6p, &p), NR_PKT_OK);
    assert_int_equal(decode(DLT_IPV4, &ip, &p), NR_PKT_OK);
    assert_int_equal(decode(DLT_IPV4, &ip6p, &p), NR_PKT_MALFORMED);
    assert_int_equal(decode(DLT_IPV6, &ip6p, &p), NR_PKT_OK);
    assert_int_equal(decode(DLT_IPV6, &ip, &p), NR_PKT_MALFORMED);
    /* 'a' is 0x61: version 6, and shorter than an IPv6 header. */
    assert_int_equal(decode(DLT_RAW, &data, &p), NR_PKT_MALFORMED);

    /* BSD loopback: AF_INET in either byte order, each system's AF_INET6. */
    f = loopback(2, true, &ip);
    assert_int_equal(decode(DLT_NULL, &f, &p), NR_PKT_OK);
    assert_ptr_equal(p.l3, g_frame + 4);
    f = loopback(2, false, &ip);
    assert_int_equal(decode(DLT_NULL, &f, &p), NR_PKT_OK);
    assert_int_equal(decode(DLT_LOOP, &f, &p), NR_PKT_OK);
    for (uint32_t fam = 10; fam <= 30; fam++) {
        bool v6 = fam == 10 || fam == 24 || fam == 28 || fam == 30;
        f = loopback(fam, fam % 2 == 0, &ip6p);
        assert_int_equal(decode(DLT_NULL, &f, &p), v6 ? NR_PKT_OK : NR_PKT_NOT_IP);
    }
    f = loopback(7, false, &ip);
    assert_int_equal(decode(DLT_LOOP, &f, &p), NR_PKT_NOT_IP);
    assert_int_equal(decode_n(DLT_LOOP, &f, 3, &p), NR_PKT_TRUNCATED);

    /* A link type the decoder does not know. */
    assert_false(nr__pkt_dlt_supported(DLT_IEEE802_11));
    assert_true(nr__pkt_dlt_supported(DLT_LINUX_SLL2));
    assert_int_equal(decode(DLT_IEEE802_11, &ip, &p), NR_PKT_NOT_IP);
    assert_int_equal(decode_n(DLT_EN10MB, &f, 0, &p), NR_PKT_TRUNCATED);
}

static void test_ipv4_options_icmp_other(void **state)
{
    struct bytes data = payload(8), seg = udp(1024, 161, &data), ip = ip4(17, 12, 0, 1, &seg);
    struct bytes ping = icmp(8, &data), gre = payload(24), f;
    struct nr_pkt p;

    (void)state;
    f = eth(0x0800, &ip);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.sport, 1024);
    assert_int_equal(p.dport, 161);
    assert_ptr_equal(p.payload, g_frame + 14 + 32 + 8);
    assert_int_equal(p.ip_len, 48);

    ip = ip4(1, 0, 0, 1, &ping);
    f = eth(0x0800, &ip);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.proto, 1);
    assert_int_equal(p.sport, 0);
    assert_int_equal(p.dport, 0);
    assert_int_equal(p.payload_len, 8);

    ip = ip6(58, &ping);
    f = eth(0x86dd, &ip);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.proto, 58);
    assert_int_equal(p.payload_len, 8);

    ip = ip4(47, 0, 0, 1, &gre);
    f = eth(0x0800, &ip);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.proto, 47);
    assert_null(p.payload);
    assert_int_equal(p.payload_wire_len, 24);
    assert_int_equal(p.l3_len, 44);
}

static void test_ipv4_fragments(void **state)
{
    struct bytes data = payload(200), seg = udp(5000, 53, &data), first, later, tiny, f;
    struct bytes head = {.n = 0};
    struct nr_pkt p;

    (void)state;
    /* First fragment: MF, offset 0, the UDP header and 104 bytes of data. */
    add(&head, seg.b, 112);
    first = ip4(17, 0, 0x2000, 0xbeef, &head);
    f = eth(0x0800, &first);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_true(p.fragment);
    assert_true(p.first_fragment);
    assert_int_equal(p.frag_id, 0xbeef);
    assert_int_equal(p.sport, 5000);
    assert_int_equal(p.dport, 53);
    /* The UDP length covers the datagram, not this fragment: not malformed. */
    assert_int_equal(p.payload_len, 104);
    assert_int_equal(p.payload_wire_len, 104);

    /* A later fragment: offset 14 units (112 bytes), the last one (no MF). */
    later = ip4(17, 0, 14, 0xbeef, &data);
    f = eth(0x0800, &later);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_true(p.fragment);
    assert_false(p.first_fragment);
    assert_int_equal(p.frag_id, 0xbeef);
    assert_int_equal(p.proto, 17);
    assert_int_equal(p.sport, 0);
    assert_int_equal(p.dport, 0);
    assert_null(p.payload);
    assert_int_equal(p.payload_wire_len, 200);
    assert_addr(&p.src, "192.0.2.1");

    /* A first fragment too short for the TCP header is decoded as far as it goes. */
    seg = tcp(33000, 80, 0, 0x02, 0, &data);
    tiny.n = 0;
    add(&tiny, seg.b, 8);
    first = ip4(6, 0, 0x2000, 7, &tiny);
    f = eth(0x0800, &first);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_true(p.first_fragment);
    assert_int_equal(p.sport, 33000);
    assert_int_equal(p.dport, 80);
    assert_null(p.payload);
    /* The same 8 bytes unfragmented are a malformed TCP segment. */
    first = ip4(6, 0, 0, 7, &tiny);
    f = eth(0x0800, &first);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_MALFORMED);
}

static void test_ipv6_extension_headers(void **state)
{
    struct bytes data = payload(30), seg = tcp(50000, 443, 9, 0x10, 12, &data), x, y, z, f;
    struct bytes useg = udp(546, 547, &data), head = {.n = 0};
    struct nr_pkt p;

    (void)state;
    /* Hop-by-hop, destination options, routing, destination options, then TCP. */
    x = ext6(6, 1, &seg); /* dest opts, 16 bytes */
    y = ext6(60, 2, &x);  /* routing, 24 bytes */
    z = ext6(43, 0, &y);  /* dest opts, 8 bytes */
    x = ext6(60, 0, &z);  /* hop-by-hop, 8 bytes */
    y = ip6(0, &x);
    f = eth(0x86dd, &y);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.proto, 6);
    assert_int_equal(p.sport, 50000);
    assert_int_equal(p.dport, 443);
    assert_int_equal(p.tcp_flags, 0x10);
    assert_ptr_equal(p.payload, g_frame + 14 + 40 + 56 + 32);
    assert_int_equal(p.payload_len, 30);
    assert_int_equal(p.ip_len, 40 + 56 + 62);

    /* Cut at every byte: truncated up to the end of the TCP header, then OK. */
    for (uint32_t cap = 0; cap < f.n; cap++) {
        enum nr_pkt_status st = decode_n(DLT_EN10MB, &f, cap, &p);
        if (cap < 14 + 40 + 56 + 32)
            assert_int_equal(st, NR_PKT_TRUNCATED);
        else
            assert_int_equal(st, NR_PKT_OK);
    }

    /* Fragment header: the first fragment has the ports, a later one only the protocol. */
    add(&head, useg.b, 16);
    x = frag6(17, 0, true, 0xa1b2c3d4, &head);
    y = ext6(44, 0, &x);
    z = ip6(0, &y);
    f = eth(0x86dd, &z);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_true(p.fragment);
    assert_true(p.first_fragment);
    assert_int_equal(p.frag_id, 0xa1b2c3d4);
    assert_int_equal(p.sport, 546);
    assert_int_equal(p.payload_len, 8);

    x = frag6(17, 2, false, 0xa1b2c3d4, &data);
    z = ip6(44, &x);
    f = eth(0x86dd, &z);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_true(p.fragment);
    assert_false(p.first_fragment);
    assert_int_equal(p.proto, 17);
    assert_int_equal(p.sport, 0);
    assert_null(p.payload);
    assert_int_equal(p.payload_wire_len, 30);

    /* An atomic fragment (offset 0, no more) is a whole datagram. */
    x = frag6(17, 0, false, 5, &useg);
    z = ip6(44, &x);
    f = eth(0x86dd, &z);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_false(p.fragment);
    assert_int_equal(p.dport, 547);

    /* Eight extension headers are walked; a ninth is too many. */
    x = useg;
    for (int i = 0; i < 8; i++) {
        y = ext6(i == 0 ? 17 : 60, 0, &x);
        x = y;
    }
    z = ip6(60, &x);
    f = eth(0x86dd, &z);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_OK);
    assert_int_equal(p.sport, 546);
    y = ext6(60, 0, &x);
    z = ip6(60, &y);
    f = eth(0x86dd, &z);
    assert_int_equal(decode(DLT_EN10MB, &f, &p), NR_PKT_MALFORMED);

    /* No next header. */
    x.n = 0;
    z = ip6(59, &x);
    assert_int_equal(decode(DLT_RAW, &z, &p), NR_PKT_OK);
    assert_int_equal(p.proto, 59);
}

static void test_truncated_every_header(void **state)
{
    struct bytes data = payload(50), seg = tcp(1, 2, 3, 0x18, 8, &data);
    struct bytes ip = ip4(6, 8, 0, 1, &seg), f;
    static const uint16_t tpid[] = {0x8100};
    static const uint16_t vid[] = {42};
    uint32_t headers = 14 + 4 + 28 + 28;
    struct nr_pkt p;

    (void)state;
    f = eth_tagged(tpid, vid, 1, 0x0800, &ip);
    for (uint32_t cap = 0; cap <= f.n; cap++) {
        enum nr_pkt_status st = decode_n(DLT_EN10MB, &f, cap, &p);
        if (cap < headers) {
            assert_int_equal(st, NR_PKT_TRUNCATED);
        } else {
            assert_int_equal(st, NR_PKT_OK);
            assert_int_equal(p.payload_len, cap - headers);
            assert_int_equal(p.payload_wire_len, 50);
            assert_int_equal(p.ip_len, 106);
            assert_int_equal(p.l3_len, cap - 18);
        }
    }
}

/* Overwrites byte off of x with v. */
static struct bytes poke(struct bytes x, uint32_t off, uint8_t v)
{
    x.b[off] = v;
    return x;
}

static void test_malformed(void **state)
{
    struct bytes data = payload(20), seg = tcp(1, 2, 3, 0x10, 0, &data), useg = udp(9, 10, &data);
    struct bytes ip = ip4(6, 0, 0, 1, &seg), uip = ip4(17, 0, 0, 1, &useg), ip6p = ip6(6, &seg);
    struct bytes ping = icmp(8, &data), short_icmp = {.n = 0}, x, y;
    struct nr_pkt p;

    (void)state;
    /* IPv4: header length below 20, version 5, total length below the header, above the frame. */
    x = poke(ip, 0, 0x44);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    x = poke(ip, 0, 0x55);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    x = poke(poke(ip, 2, 0), 3, 19);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    x = poke(poke(ip, 2, 0x01), 3, 0x00);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    /* ... and a header length past the total length. */
    x = poke(poke(poke(ip, 0, 0x4f), 2, 0), 3, 40);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    /* Total length 0 (segmentation offload): the frame's length is taken. */
    x = poke(poke(ip, 2, 0), 3, 0);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_OK);
    assert_int_equal(p.ip_len, ip.n);
    /* A frame shorter than an IPv4 header that says so on the wire. */
    x = ip;
    x.n = 19;
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);

    /* TCP: data offset below 5, past the segment. */
    x = poke(ip, 20 + 12, 0x40);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    x = poke(ip, 20 + 12, 0xf0);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    /* UDP: length below 8, past the IP payload; 0 is taken as "the IP payload". */
    x = poke(poke(uip, 20 + 4, 0), 20 + 5, 7);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    x = poke(poke(uip, 20 + 4, 0), 20 + 5, 29);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    x = poke(poke(uip, 20 + 4, 0), 20 + 5, 0);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_OK);
    assert_int_equal(p.payload_len, 20);
    /* A UDP length shorter than the IP payload bounds the payload. */
    x = poke(poke(uip, 20 + 4, 0), 20 + 5, 18);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_OK);
    assert_int_equal(p.payload_len, 10);
    assert_int_equal(p.payload_wire_len, 10);

    /* ICMP shorter than its 8-byte header. */
    add(&short_icmp, ping.b, 6);
    x = ip4(1, 0, 0, 1, &short_icmp);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);

    /* IPv6: payload length past the frame; an extension header past the packet. */
    x = poke(ip6p, 4, 0x10);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    y = ext6(6, 0, &seg);
    x = poke(ip6(0, &y), 41, 200);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    /* The same header length, captured short, is only truncated when the packet is long. */
    x = ip6(0, &y);
    assert_int_equal(decode_n(DLT_RAW, &x, 45, &p), NR_PKT_TRUNCATED);
    /* A frame shorter than an IPv6 header. */
    x = ip6p;
    x.n = 39;
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
    /* Version 0. */
    x = poke(ip6p, 0, 0x00);
    assert_int_equal(decode(DLT_RAW, &x, &p), NR_PKT_MALFORMED);
}

static void test_wirelen_below_caplen(void **state)
{
    struct bytes data = payload(20), seg = udp(1, 2, &data), ip = ip4(17, 0, 0, 1, &seg);
    struct nr_pkt p;
    uint8_t *buf = malloc(ip.n);

    (void)state;
    assert_non_null(buf);
    memcpy(buf, ip.b, ip.n);
    /* A corrupt record claiming fewer bytes on the wire than captured is read as captured. */
    p.num = 1;
    p.ts_us = 2;
    assert_int_equal(nr_pkt_decode(DLT_RAW, buf, ip.n, 10, &p), NR_PKT_OK);
    assert_int_equal(p.wirelen, 10);
    assert_int_equal(p.payload_len, 20);
    assert_int_equal(nr_pkt_decode(DLT_RAW, NULL, 0, 0, &p), NR_PKT_TRUNCATED);
    free(buf);
}

static void test_addresses(void **state)
{
    struct nr_addr a, b;
    char s[46], tiny[4];

    (void)state;
    assert_int_equal(nr_addr_parse("192.0.2.1", &a), 0);
    assert_int_equal(a.ver, 4);
    assert_int_equal(a.b[0], 192);
    assert_int_equal(a.b[3], 1);
    for (int i = 4; i < 16; i++)
        assert_int_equal(a.b[i], 0);
    assert_string_equal(nr_addr_fmt(&a, s, sizeof(s)), "192.0.2.1");

    assert_int_equal(nr_addr_parse("2001:DB8:0:0::1", &b), 0);
    assert_int_equal(b.ver, 6);
    assert_string_equal(nr_addr_fmt(&b, s, sizeof(s)), "2001:db8::1");
    assert_int_equal(nr_addr_parse("::ffff:192.0.2.1", &b), 0);
    assert_int_equal(b.ver, 6);
    assert_string_equal(nr_addr_fmt(&b, s, sizeof(s)), "::ffff:192.0.2.1");
    assert_int_equal(nr_addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &b), 0);
    assert_string_equal(nr_addr_fmt(&b, s, sizeof(s)), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

    static const char *const bad[] = {"",         "1.2.3",       "256.1.1.1", "1.2.3.4.5",
                                      "abc",      "2001:db8::g", ":::",       "1.2.3.4/24",
                                      " 1.2.3.4", "fe80::1%eth0"};
    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        if (nr_addr_parse(bad[i], &b) != NR_EPARSE)
            fail_msg("%s parsed", bad[i]);
        assert_int_equal(b.ver, 0);
    }
    assert_int_equal(nr_addr_parse(NULL, &b), NR_EPARSE);

    /* Order: IPv4 before IPv6, then by bytes. */
    assert_int_equal(nr_addr_parse("10.0.0.1", &a), 0);
    assert_int_equal(nr_addr_parse("10.0.0.2", &b), 0);
    assert_true(nr_addr_cmp(&a, &b) < 0);
    assert_true(nr_addr_cmp(&b, &a) > 0);
    assert_int_equal(nr_addr_cmp(&a, &a), 0);
    assert_int_equal(nr_addr_parse("::1", &b), 0);
    assert_true(nr_addr_cmp(&a, &b) < 0);

    /* Too small a buffer or no address: "?" rather than garbage. */
    assert_int_equal(nr_addr_parse("192.0.2.123", &a), 0);
    assert_string_equal(nr_addr_fmt(&a, tiny, sizeof(tiny)), "?");
    memset(&a, 0, sizeof(a));
    assert_string_equal(nr_addr_fmt(&a, s, sizeof(s)), "?");
}

static int teardown(void **state)
{
    (void)state;
    free(g_frame);
    g_frame = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ethernet_ipv4_tcp),
        cmocka_unit_test(test_ethernet_padding_and_snaplen),
        cmocka_unit_test(test_vlan_stacks),
        cmocka_unit_test(test_other_ethertypes),
        cmocka_unit_test(test_link_types),
        cmocka_unit_test(test_ipv4_options_icmp_other),
        cmocka_unit_test(test_ipv4_fragments),
        cmocka_unit_test(test_ipv6_extension_headers),
        cmocka_unit_test(test_truncated_every_header),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_wirelen_below_caplen),
        cmocka_unit_test(test_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
