/*
 * decode.c - frames to struct nr_pkt: the link layers, IPv4 and IPv6 (extension headers walked)
 * and the transport header, as the decoding part of pkt.h promises. It is apart from capture.c
 * so that the decoder stays a pure function over bytes: hand-built frames test it and the fuzz
 * harness drives it without libpcap. It never allocates, and every read is checked against the
 * captured length first.
 *
 * Two lengths bound every header: what was captured (a header past it is NR_PKT_TRUNCATED, the
 * snap length's doing) and what the packet says it is (the frame's wire length, then the IP
 * total length; a header past that is NR_PKT_MALFORMED, the sender's doing).
 */
#include "netreview/pkt.h"
#include "traffic/pkt_int.h"

#include <arpa/inet.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netreview/banned.h"

#define ETH_HDR_LEN  14
#define SLL_HDR_LEN  16
#define SLL2_HDR_LEN 20

#define ETHERTYPE_IPV4     0x0800
#define ETHERTYPE_IPV6     0x86dd
#define ETHERTYPE_VLAN     0x8100
#define ETHERTYPE_QINQ     0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-802.1ad vendor S-tag */
#define ETHERTYPE_PPPOE    0x8864
#define ETHERTYPE_MIN      0x0600 /* below: an 802.3 length, an LLC header follows */

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

#define IPPROTO_NR_HOPOPTS  0
#define IPPROTO_NR_ICMP     1
#define IPPROTO_NR_TCP      6
#define IPPROTO_NR_UDP      17
#define IPPROTO_NR_ROUTING  43
#define IPPROTO_NR_FRAGMENT 44
#define IPPROTO_NR_AH       51
#define IPPROTO_NR_ICMPV6   58
#define IPPROTO_NR_DSTOPTS  60

/* A real packet carries two or three extension headers; a long chain is an evasion attempt
 * (RFC 7112) and would make every packet's decoding cost unbounded. */
#define IPV6_MAX_EXT_HEADERS 8

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t min32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

bool nr__pkt_dlt_supported(int dlt)
{
    switch (dlt) {
    case DLT_NULL:
    case DLT_EN10MB:
    case DLT_RAW:
    case NR__LINKTYPE_RAW:
    case DLT_LOOP:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_IPV4:
    case DLT_IPV6:
        return true;
    default:
        return false;
    }
}

/*
 * The transport header of a segment: cap bytes captured of len bytes the IP layer gives it. A
 * first fragment too short for the header is decoded as far as it goes, not malformed: the rest
 * of the header is in the next fragment.
 */
static enum nr_pkt_status decode_l4(const uint8_t *d, uint32_t cap, uint32_t len, struct nr_pkt *p)
{
    uint32_t hlen;

    switch (p->proto) {
    case IPPROTO_NR_TCP:
        if (len < 20) {
            if (p->fragment && cap >= 4 && len >= 4) {
                p->sport = rd16(d);
                p->dport = rd16(d + 2);
            }
            return p->fragment ? NR_PKT_OK : NR_PKT_MALFORMED;
        }
        if (cap < 20)
            return NR_PKT_TRUNCATED;
        p->sport = rd16(d);
        p->dport = rd16(d + 2);
        p->tcp_seq = rd32(d + 4);
        p->tcp_flags = d[13];
        hlen = (uint32_t)(d[12] >> 4) * 4;
        if (hlen < 20)
            return NR_PKT_MALFORMED;
        if (hlen > len)
            return p->fragment ? NR_PKT_OK : NR_PKT_MALFORMED;
        if (hlen > cap)
            return NR_PKT_TRUNCATED;
        break;
    case IPPROTO_NR_UDP:
        if (len < 8)
            return p->fragment ? NR_PKT_OK : NR_PKT_MALFORMED;
        if (cap < 8)
            return NR_PKT_TRUNCATED;
        p->sport = rd16(d);
        p->dport = rd16(d + 2);
        hlen = 8;
        /* The UDP length bounds the payload (the IP payload may carry padding), except in a
         * fragment, whose UDP length covers the whole datagram, and for 0 (RFC 2675 jumbo). */
        if (!p->fragment) {
            uint32_t ulen = rd16(d + 4);
            if (ulen != 0) {
                if (ulen < 8 || ulen > len)
                    return NR_PKT_MALFORMED;
                len = ulen;
                cap = min32(cap, ulen);
            }
        }
        break;
    case IPPROTO_NR_ICMP:
    case IPPROTO_NR_ICMPV6:
        /* Type, code, checksum and the 4-byte rest of header every message has. */
        if (len < 8)
            return p->fragment ? NR_PKT_OK : NR_PKT_MALFORMED;
        if (cap < 8)
            return NR_PKT_TRUNCATED;
        hlen = 8;
        break;
    default:
        p->payload_wire_len = len;
        return NR_PKT_OK;
    }
    p->payload_wire_len = len - hlen;
    p->payload_len = cap - hlen;
    p->payload = p->payload_len ? d + hlen : NULL;
    return NR_PKT_OK;
}

static enum nr_pkt_status decode_ipv4(const uint8_t *d, uint32_t cap, uint32_t wire,
                                      struct nr_pkt *p)
{
    uint32_t ihl, tot, frag;

    if (wire < 20)
        return NR_PKT_MALFORMED;
    if (cap < 20)
        return NR_PKT_TRUNCATED;
    ihl = (uint32_t)(d[0] & 0x0f) * 4;
    tot = rd16(d + 2);
    /* Total length 0 is what a capture on a host with TCP segmentation offload shows for a
     * segment larger than 64 KiB (Wireshark's "TSO" rule): the frame says how long it is. */
    if (tot == 0)
        tot = wire;
    if (ihl < 20 || tot < ihl || tot > wire)
        return NR_PKT_MALFORMED;
    if (ihl > cap)
        return NR_PKT_TRUNCATED;
    p->src.ver = p->dst.ver = 4;
    memcpy(p->src.b, d + 12, 4);
    memcpy(p->dst.b, d + 16, 4);
    p->proto = d[9];
    p->ip_len = tot;
    p->l3 = d;
    p->l3_len = min32(cap, tot);
    frag = rd16(d + 6);
    if (frag & 0x3fff) { /* MF or an offset */
        p->fragment = true;
        p->frag_id = rd16(d + 4);
        if ((frag & 0x1fff) != 0) {
            p->payload_wire_len = tot - ihl;
            return NR_PKT_OK;
        }
        p->first_fragment = true;
    }
    return decode_l4(d + ihl, p->l3_len - ihl, tot - ihl, p);
}

static enum nr_pkt_status decode_ipv6(const uint8_t *d, uint32_t cap, uint32_t wire,
                                      struct nr_pkt *p)
{
    uint32_t tot, off = 40, hlen;
    uint8_t nh;

    if (wire < 40)
        return NR_PKT_MALFORMED;
    if (cap < 40)
        return NR_PKT_TRUNCATED;
    nh = d[6];
    tot = 40 + (uint32_t)rd16(d + 4);
    /* Payload length 0 with a hop-by-hop header is a jumbogram (RFC 2675): the frame says. */
    if (tot == 40 && nh == IPPROTO_NR_HOPOPTS)
        tot = wire;
    if (tot > wire)
        return NR_PKT_MALFORMED;
    p->src.ver = p->dst.ver = 6;
    memcpy(p->src.b, d + 8, 16);
    memcpy(p->dst.b, d + 24, 16);
    p->ip_len = tot;
    p->l3 = d;
    p->l3_len = cap = min32(cap, tot);
    p->proto = nh;
    for (int i = 0;; i++) {
        switch (nh) {
        case IPPROTO_NR_HOPOPTS:
        case IPPROTO_NR_ROUTING:
        case IPPROTO_NR_DSTOPTS:
        case IPPROTO_NR_AH:
        case IPPROTO_NR_FRAGMENT:
            break;
        default:
            p->proto = nh;
            return decode_l4(d + off, cap - off, tot - off, p);
        }
        if (i == IPV6_MAX_EXT_HEADERS)
            return NR_PKT_MALFORMED;
        if (tot - off < 8)
            return NR_PKT_MALFORMED;
        if (cap - off < 8)
            return NR_PKT_TRUNCATED;
        if (nh == IPPROTO_NR_FRAGMENT)
            hlen = 8;
        else if (nh == IPPROTO_NR_AH)
            hlen = ((uint32_t)d[off + 1] + 2) * 4;
        else
            hlen = ((uint32_t)d[off + 1] + 1) * 8;
        if (hlen > tot - off)
            return NR_PKT_MALFORMED;
        if (hlen > cap - off)
            return NR_PKT_TRUNCATED;
        if (nh == IPPROTO_NR_FRAGMENT) {
            uint16_t fo = rd16(d + off + 2);
            /* Offset 0 without M is an atomic fragment (RFC 6946): a whole datagram. */
            if (fo & 0xfff9) {
                p->fragment = true;
                p->frag_id = rd32(d + off + 4);
                if ((fo & 0xfff8) != 0) {
                    p->proto = d[off];
                    p->payload_wire_len = tot - off - hlen;
                    return NR_PKT_OK;
                }
                p->first_fragment = true;
            }
        }
        nh = d[off];
        off += hlen;
    }
}

/* An IP packet at d; want is the version the link layer announced (0: the packet says). */
static enum nr_pkt_status decode_ip(const uint8_t *d, uint32_t cap, uint32_t wire, int want,
                                    struct nr_pkt *p)
{
    int ver;

    if (cap < 1)
        return wire < 1 ? NR_PKT_MALFORMED : NR_PKT_TRUNCATED;
    ver = d[0] >> 4;
    if (want != 0 && ver != want)
        return NR_PKT_MALFORMED;
    if (ver == 4)
        return decode_ipv4(d, cap, wire, p);
    if (ver == 6)
        return decode_ipv6(d, cap, wire, p);
    return NR_PKT_MALFORMED;
}

/*
 * What follows an ethertype at f + off: VLAN tags (802.1Q, 802.1ad, any number: the loop ends
 * because each tag moves off forward), an LLC/SNAP header, a PPPoE session, or IP. Ethernet and
 * the cooked captures share it, as SLL's protocol field is an ethertype.
 */
static enum nr_pkt_status decode_ethertype(uint16_t type, const uint8_t *f, uint32_t off,
                                           uint32_t cap, uint32_t wire, struct nr_pkt *p)
{
    bool tagged = false;

    for (;;) {
        switch (type) {
        case ETHERTYPE_IPV4:
            return decode_ip(f + off, cap - off, wire - off, 4, p);
        case ETHERTYPE_IPV6:
            return decode_ip(f + off, cap - off, wire - off, 6, p);
        case ETHERTYPE_VLAN:
        case ETHERTYPE_QINQ:
        case ETHERTYPE_QINQ_OLD:
            if (cap - off < 4)
                return NR_PKT_TRUNCATED;
            if (!tagged)
                p->vlan = rd16(f + off) & 0x0fff;
            tagged = true;
            type = rd16(f + off + 2);
            off += 4;
            continue;
        case ETHERTYPE_PPPOE:
            /* version/type, code, session id, length, then the PPP protocol number. */
            if (cap - off < 8)
                return NR_PKT_TRUNCATED;
            type = rd16(f + off + 6);
            off += 8;
            if (type == PPP_IPV4)
                return decode_ip(f + off, cap - off, wire - off, 4, p);
            if (type == PPP_IPV6)
                return decode_ip(f + off, cap - off, wire - off, 6, p);
            return NR_PKT_NOT_IP;
        default:
            break;
        }
        if (type >= ETHERTYPE_MIN)
            return NR_PKT_NOT_IP;
        /* 802.3 length field: only LLC with SNAP (AA AA 03, OUI 0) carries an ethertype. */
        if (cap - off < 3)
            return NR_PKT_TRUNCATED;
        if (f[off] != 0xaa || f[off + 1] != 0xaa || f[off + 2] != 0x03)
            return NR_PKT_NOT_IP;
        if (cap - off < 8)
            return NR_PKT_TRUNCATED;
        if (f[off + 3] != 0 || f[off + 4] != 0 || f[off + 5] != 0)
            return NR_PKT_NOT_IP;
        type = rd16(f + off + 6);
        off += 8;
        if (type < ETHERTYPE_MIN)
            return NR_PKT_NOT_IP;
    }
}

/* BSD loopback: a 4-byte address family in the byte order of the machine that wrote it
 * (DLT_NULL) or in network order (DLT_LOOP). A family fits in 16 bits, so whichever half is
 * zero tells the order. The value of AF_INET6 differs between the BSDs, Darwin and Linux. */
static enum nr_pkt_status decode_null(const uint8_t *f, uint32_t cap, uint32_t wire,
                                      struct nr_pkt *p)
{
    uint32_t fam;

    if (cap < 4)
        return NR_PKT_TRUNCATED;
    fam = rd32(f);
    if ((fam & 0xffff) == 0)
        fam = __builtin_bswap32(fam);
    switch (fam) {
    case 2:
        return decode_ip(f + 4, cap - 4, wire - 4, 4, p);
    case 10: /* Linux */
    case 24: /* NetBSD, OpenBSD, BSD/OS */
    case 28: /* FreeBSD, DragonFly */
    case 30: /* Darwin */
        return decode_ip(f + 4, cap - 4, wire - 4, 6, p);
    default:
        return NR_PKT_NOT_IP;
    }
}

static enum nr_pkt_status decode_frame(int dlt, const uint8_t *f, uint32_t cap, uint32_t wire,
                                       struct nr_pkt *p)
{
    switch (dlt) {
    case DLT_EN10MB:
        if (cap < ETH_HDR_LEN)
            return NR_PKT_TRUNCATED;
        return decode_ethertype(rd16(f + 12), f, ETH_HDR_LEN, cap, wire, p);
    case DLT_LINUX_SLL:
        if (cap < SLL_HDR_LEN)
            return NR_PKT_TRUNCATED;
        return decode_ethertype(rd16(f + 14), f, SLL_HDR_LEN, cap, wire, p);
    case DLT_LINUX_SLL2:
        if (cap < SLL2_HDR_LEN)
            return NR_PKT_TRUNCATED;
        return decode_ethertype(rd16(f), f, SLL2_HDR_LEN, cap, wire, p);
    case DLT_RAW:
    case NR__LINKTYPE_RAW:
        return decode_ip(f, cap, wire, 0, p);
    case DLT_IPV4:
        return decode_ip(f, cap, wire, 4, p);
    case DLT_IPV6:
        return decode_ip(f, cap, wire, 6, p);
    case DLT_NULL:
    case DLT_LOOP:
        return decode_null(f, cap, wire, p);
    default:
        return NR_PKT_NOT_IP;
    }
}

enum nr_pkt_status nr_pkt_decode(int dlt, const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
                                 struct nr_pkt *p)
{
    uint64_t num = p->num, ts = p->ts_us;

    memset(p, 0, sizeof(*p));
    p->num = num;
    p->ts_us = ts;
    p->caplen = caplen;
    p->wirelen = wirelen;
    /* A corrupt record may claim fewer bytes on the wire than it holds. */
    if (wirelen < caplen)
        wirelen = caplen;
    p->status = frame != NULL ? decode_frame(dlt, frame, caplen, wirelen, p) : NR_PKT_TRUNCATED;
    return p->status;
}

const char *nr_addr_fmt(const struct nr_addr *a, char *out, size_t n)
{
    int af = a->ver == 4 ? AF_INET : a->ver == 6 ? AF_INET6 : 0;

    if (n == 0)
        return out;
    if (af == 0 || inet_ntop(af, a->b, out, (socklen_t)n) == NULL)
        snprintf(out, n, "?");
    return out;
}

int nr_addr_parse(const char *s, struct nr_addr *a)
{
    memset(a, 0, sizeof(*a));
    if (s == NULL)
        return NR_EPARSE;
    if (inet_pton(AF_INET, s, a->b) == 1) {
        a->ver = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, s, a->b) == 1) {
        a->ver = 6;
        return 0;
    }
    memset(a, 0, sizeof(*a));
    return NR_EPARSE;
}

int nr_addr_cmp(const struct nr_addr *a, const struct nr_addr *b)
{
    if (a->ver != b->ver)
        return a->ver < b->ver ? -1 : 1;
    return memcmp(a->b, b->b, sizeof(a->b));
}
