/*
 * pkt.h - the packet path of the online-monitoring engine (R3, categories 1 and 3): captures
 * read through libpcap (pcap and pcapng files, live interfaces), frames decoded down to the
 * transport payload, and a bidirectional flow table. traffic.h builds the analysis on top.
 *
 * Contract:
 * - nr_pkt_decode never allocates and never reads past caplen; it fills a caller's struct nr_pkt
 *   whose pointers point into the caller's frame (valid while that frame is).
 * - struct nr_capture is opened by nr_capture_open_file / _live and owned by the caller until
 *   nr_capture_close. nr_capture_next returns one decoded packet at a time; its frame stays valid
 *   until the next call. The capture counts everything it could not decode (struct
 *   nr_capture_stats) instead of dropping it silently.
 * - Errors of a file (truncated, corrupt, unknown link type) are NR_EPARSE with field "capture"
 *   and a message naming the 1-based packet number and libpcap's words: "packet 1235: truncated
 *   dump file; tried to read 1514 captured bytes, only got 200". Everything read before stays
 *   counted and in the flow table: the caller reports the error and the partial results.
 * - struct nr_flow_table is owned by its creator (nr_flow_table_new / _free); the flows it hands
 *   out stay valid until they expire (the on_end callback is the last time a flow is seen).
 *   Memory is bounded by max_flows: when full, the least recently seen flow is ended with
 *   NR_FLOW_EVICTED and counted. Not thread-safe; one table per analysis.
 */
#ifndef NETREVIEW_PKT_H
#define NETREVIEW_PKT_H

#include "netreview/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- decoding ------------------------------------------------------------------------------
 * Link types (libpcap DLT values): EN10MB (Ethernet, with any number of 802.1Q/802.1ad tags),
 * LINUX_SLL and LINUX_SLL2 (cooked capture), RAW / IPV4 / IPV6 (raw IP), NULL and LOOP (BSD
 * loopback). Above: IPv4 (options skipped) and IPv6 (hop-by-hop, routing, destination options
 * and fragment headers walked), then TCP, UDP, ICMP, ICMPv6; other protocols keep their
 * addresses and proto. A fragment with offset 0 is decoded as far as it goes and marked; later
 * fragments keep addresses and proto only (no ports), also marked. They are counted, not
 * reassembled.
 */

enum nr_pkt_status {
    NR_PKT_OK,        /* IP packet, decoded */
    NR_PKT_NOT_IP,    /* ARP, LLDP, ... : counted */
    NR_PKT_TRUNCATED, /* snap length cut a header: counted */
    NR_PKT_MALFORMED  /* bad version, header length, or total length: counted */
};

struct nr_addr {
    uint8_t ver;   /* 4 or 6 */
    uint8_t b[16]; /* IPv4 in b[0..3], the rest zero */
};

struct nr_pkt {
    uint64_t num;     /* 1-based packet number in the capture */
    uint64_t ts_us;   /* capture time, microseconds since the epoch */
    uint32_t caplen;  /* bytes captured of the frame */
    uint32_t wirelen; /* bytes of the frame on the wire */
    enum nr_pkt_status status;
    uint16_t vlan; /* outermost VLAN id, 0 when untagged */
    struct nr_addr src, dst;
    uint8_t proto; /* IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6) */
    uint16_t sport, dport;
    uint8_t tcp_flags; /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
    uint32_t tcp_seq;
    bool fragment;          /* part of a fragmented datagram */
    bool first_fragment;    /* ... and the first part (ports decoded when they fit) */
    uint32_t ip_len;        /* IP total length from the header (bytes of the packet on the wire) */
    const uint8_t *l3;      /* the IP header, for nDPI */
    uint32_t l3_len;        /* captured bytes from l3 (<= ip_len) */
    const uint8_t *payload; /* transport payload (after the TCP/UDP header); NULL when none */
    uint32_t payload_len;   /* captured payload bytes */
    /* Payload bytes on the wire, from the IP (and UDP) lengths: what a short snap length cut is
     * still counted. For later fragments and protocols without a decoded header, the IP
     * payload. */
    uint32_t payload_wire_len;
    uint32_t frag_id; /* IPv4 identification or IPv6 fragment identification, when fragment */
};

/* Decodes frame (caplen bytes captured of wirelen) of link type dlt into p (p->num and
 * p->ts_us are left as the caller set them). Returns p->status. */
enum nr_pkt_status nr_pkt_decode(int dlt, const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
                                 struct nr_pkt *p);

/* Formats an address ("192.0.2.1", "2001:db8::1") into out (at least 46 bytes). */
const char *nr_addr_fmt(const struct nr_addr *a, char *out, size_t n);
/* Parses an IPv4 or IPv6 address. 0 or NR_EPARSE. */
int nr_addr_parse(const char *s, struct nr_addr *a);
int nr_addr_cmp(const struct nr_addr *a, const struct nr_addr *b);

/* --- captures ------------------------------------------------------------------------------ */

struct nr_capture;

struct nr_capture_stats {
    uint64_t packets, bytes; /* frames read and their wire bytes */
    uint64_t ip, not_ip, truncated, malformed, fragments, vlan_tagged, ipv6;
    uint64_t file_size, file_offset; /* for a progress bar (0 for live) */
    uint64_t dropped;                /* live: dropped by the kernel (pcap_stats) */
    int dlt;
    const char *dlt_name; /* libpcap's name of the link type ("EN10MB") */
    const char *format;   /* "pcap", "pcapng" or "live" */
};

/* Opens a pcap or pcapng file. NR_EPARSE (field "capture") when it is neither or its link type
 * is not one above; -errno for the file. */
int nr_capture_open_file(const char *path, struct nr_capture **out, struct nr_err *err);
/* Opens a live interface (promiscuous off, snap length 65535, timeout 200 ms), optionally with a
 * BPF filter. NR_EIO with libpcap's message when it cannot. */
int nr_capture_open_live(const char *iface, const char *filter, struct nr_capture **out,
                         struct nr_err *err);
/* Reads and decodes the next frame. Returns 1 with *p filled (any status), 0 at the end of a
 * file, 2 when a live capture's timeout passed with nothing, or an error as above. */
int nr_capture_next(struct nr_capture *c, struct nr_pkt *p, struct nr_err *err);
/* Asks a live capture blocked in nr_capture_next to return (from a signal handler). */
void nr_capture_break(struct nr_capture *c);
const struct nr_capture_stats *nr_capture_stats(struct nr_capture *c);
void nr_capture_close(struct nr_capture *c);

/* --- flows --------------------------------------------------------------------------------- */

enum nr_tcp_state {
    NR_TCP_NONE,        /* not TCP */
    NR_TCP_SYN,         /* SYN seen */
    NR_TCP_ESTABLISHED, /* SYN+ACK seen, or data without a handshake seen */
    NR_TCP_CLOSING,     /* a FIN seen */
    NR_TCP_CLOSED,      /* FIN both ways */
    NR_TCP_RESET        /* RST seen */
};

enum nr_flow_end {
    NR_FLOW_IDLE,    /* idle longer than its timeout */
    NR_FLOW_CLOSED,  /* TCP closed or reset, after a short grace */
    NR_FLOW_EVICTED, /* the table was full */
    NR_FLOW_FLUSHED  /* end of capture */
};

/* Direction of a packet in its flow: from the client (the side that sent the first packet, or
 * the SYN without ACK) or from the server. */
#define NR_DIR_C2S 0
#define NR_DIR_S2C 1

struct nr_flow {
    uint64_t id; /* 1-based, in order of creation */
    struct nr_addr cli, srv;
    uint16_t cli_port, srv_port; /* 0 for protocols without ports */
    uint8_t proto;
    uint16_t vlan;
    uint64_t first_us, last_us;
    uint64_t first_pkt, last_pkt; /* packet numbers */
    uint64_t pkts[2], bytes[2];   /* per direction (NR_DIR_*), bytes = IP total lengths */
    uint64_t payload[2];          /* transport payload bytes per direction */
    uint32_t fragments;
    enum nr_tcp_state tcp;
    bool handshake_seen; /* the client is known from a SYN, not guessed */
    void *user;          /* the analysis's per-flow state; the table never touches it */
};

struct nr_flow_config {
    size_t max_flows;     /* 0: 262144 */
    uint64_t tcp_idle_us; /* 0: 300 s */
    uint64_t udp_idle_us; /* 0: 120 s (also other protocols) */
    uint64_t closed_us;   /* 0: 10 s after CLOSED/RESET */
    /* Called exactly once per flow as it leaves the table; the flow is freed after it returns. */
    void (*on_end)(void *ctx, struct nr_flow *f, enum nr_flow_end why);
    void *ctx;
};

struct nr_flow_stats {
    uint64_t created, ended_idle, ended_closed, evicted, flushed, active, peak;
};

struct nr_flow_table;

int nr_flow_table_new(const struct nr_flow_config *cfg, struct nr_flow_table **out,
                      struct nr_err *err);
/* Ends every flow still in the table (NR_FLOW_FLUSHED) and frees it. NULL is fine. */
void nr_flow_table_free(struct nr_flow_table *t);
/* Finds or creates the flow of an NR_PKT_OK packet and accounts it; *dir gets NR_DIR_*. Expires
 * idle flows as the packets' time advances (checked at most once per second of capture time).
 * Returns NULL for packets that are not NR_PKT_OK. */
struct nr_flow *nr_flow_table_update(struct nr_flow_table *t, const struct nr_pkt *p, int *dir);
/* Ends every flow (NR_FLOW_FLUSHED), leaving the table empty and usable. */
void nr_flow_table_flush(struct nr_flow_table *t);
/* Calls fn for every flow in the table, in creation order, without ending them (live summaries). */
void nr_flow_table_each(struct nr_flow_table *t, void (*fn)(void *ctx, const struct nr_flow *f),
                        void *ctx);
const struct nr_flow_stats *nr_flow_table_stats(const struct nr_flow_table *t);

#endif
