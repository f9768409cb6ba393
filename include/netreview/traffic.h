/*
 * traffic.h - the analysis of the online-monitoring engine (R3, risk categories control and
 * user_data): what a product under test really says on the network, compared with what its
 * provider declared. pkt.h reads and decodes the packets and keeps the flows, appdec.h names
 * them (DNS, TLS SNI, HTTP, nDPI); this module turns the ended flows into destinations,
 * listening services, protocols and findings, prints them for a person, and records them on a
 * case. docs/MONITORING.md describes the declaration format and the rules for people.
 *
 * Contract:
 * - The declaration (struct nr_declared) is the provider's JSON file, parsed by
 *   nr_declared_parse / _load into a caller-owned struct released by nr_declared_release.
 *   Input is capped (NR_DECLARED_MAX_BYTES, counts and lengths below); every problem is
 *   NR_EPARSE (NR_ETOOBIG for the size) with the JSON path in err->field ("$.endpoints[2].cidr")
 *   and in the message. Unknown members are refused: a typo must not silently declare nothing.
 * - struct nr_traffic is one analysis (not thread-safe), created by nr_traffic_new and freed by
 *   nr_traffic_free. It borrows the declaration, which must outlive it. Packets go in with
 *   nr_traffic_packet; flows built elsewhere (tests, other flow sources) with nr_traffic_add_flow.
 *   Memory is bounded: the flow table by max_flows, the address-to-name map, the aggregated
 *   services and the names by the NR_TRAFFIC_*_MAX caps below (what does not fit is counted in
 *   the report's "capture.overflow", never dropped silently).
 * - The product under test (the "device") is the set of addresses given in options.device, or,
 *   when none is given, for each IP version the address that takes part in at least half of the
 *   flows of that version (a capture of a product under test has it in every conversation).
 *   A flow whose client is the device is outbound (its server is a destination); a flow whose
 *   server is the device is inbound (its server port is a listening service); others are transit.
 * - A destination is named by the first of: the TLS server name of the flow, its HTTP Host, the
 *   name whose DNS answer gave the server's address before the flow began (the name queried,
 *   through CNAMEs), the address itself. A declared endpoint matches a flow when its host pattern
 *   matches one of those names or its CIDR holds the server address, and its ports and protocol
 *   (when given) match.
 * - Findings (rules in docs/MONITORING.md): with a declaration, outbound traffic to undeclared
 *   destinations (user_data when transport payload leaves to them, control when a session to
 *   them lasts longer than NR_TRAFFIC_LONG_SESSION_S or recurs NR_TRAFFIC_PERSIST_SESSIONS times
 *   over at least NR_TRAFFIC_PERSIST_SPAN_S, other when contact carried no data), payload sent
 *   above an endpoint's max_bytes_out, services listening on undeclared ports (control), DNS to
 *   resolvers not declared (other); with or without a declaration, remote-access protocols to or
 *   from anything undeclared (control) and clear-text credentials (control). Each finding cites
 *   flow ids (1-based, order of creation) and packet numbers (1-based, as tshark numbers frames).
 * - Report JSON (nr_traffic_report, nr_traffic_analyze_file; the CLI's --json prints it, the API
 *   returns it):
 *   { "source": file or interface name,
 *     "capture": {format, link_type, packets, bytes, ip, ipv6, non_ip, truncated, malformed,
 *                 fragments, vlan_tagged, dropped, flows, evicted, active, peak_flows,
 *                 first_seen, last_seen, duration_s, overflow {services, names, dns}},
 *     "conversations": {ip, tcp, udp, other} (address pairs, and flows by protocol),
 *     "ip_conversations": [ {a, b, packets, bytes} ] (frame bytes, like tshark's conv,ip; the
 *                 NR_TRAFFIC_CONV_LIST largest by bytes),
 *     "device": [addresses], "device_source": "given" | "inferred" | "none",
 *     "declared": null | {product, version, endpoints, listening, resolvers},
 *     "destinations": [ {destination, direction ("outbound", "transit"), declared (bool or
 *                 null without a declaration), endpoint (index) and purpose when declared,
 *                 names [..], addresses [..], ports ["tcp/443", ..], protocols [..], risks [..],
 *                 flows, sessions, packets_out, packets_in, bytes_out, bytes_in, payload_out,
 *                 payload_in, longest_s, first_seen, last_seen, first_packet, last_packet,
 *                 flow_ids [..]} ], undeclared first, then by bytes_out + bytes_in descending,
 *     "listening": [ {port ("tcp/2323"), declared, purpose, connections, peers [..], bytes_in,
 *                 bytes_out, protocols [..], first_packet, flow_ids [..]} ],
 *     "protocols": [ {protocol, category, flows, packets, bytes} ] by bytes descending,
 *     "findings": [ {rule, category, severity, title, detail, destination, flows [ids],
 *                 packets [numbers], filter (a tshark display filter)} ] by severity,
 *     "summary": {destinations, undeclared, listening, undeclared_listening, findings,
 *                 by_category {..}, by_severity {..}},
 *     "error": null | {packet, message} (the capture was cut there; the rest is what was read),
 *     "ndpi": nDPI's version, "seconds": analysis time }
 *   Sizes are bytes, times ISO 8601 UTC, packet numbers and flow ids integers.
 * - Case operations follow review.h: role, phase and need-to-know are checked before anything is
 *   written or read (those of evidence.add or evidence.read, and of finding.add: the office, or
 *   the institution of a task on the case, in evaluation); the capture is analysed outside the
 *   transaction; the evidence, the findings (source "traffic"), the traffic_analyses row and the
 *   audit entry "traffic.analyze" are written in one transaction; on failure nothing remains
 *   (the sealed file of a capture added by a failed call is removed again). A capture that is
 *   cut is refused (NR_EPARSE naming the packet): a case records whole captures only.
 */
#ifndef NETREVIEW_TRAFFIC_H
#define NETREVIEW_TRAFFIC_H

#include "netreview/core.h"
#include "netreview/pkt.h"
#include "netreview/review.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* --- the declaration ----------------------------------------------------------------------- */

#define NR_DECLARED_MAX_BYTES     (1u << 20) /* the JSON file */
#define NR_DECLARED_MAX_ENDPOINTS 4096
#define NR_DECLARED_MAX_LISTENING 256
#define NR_DECLARED_MAX_RESOLVERS 64
#define NR_DECLARED_MAX_PORTS     64  /* entries of one "ports" list */
#define NR_DECLARED_MAX_TEXT      512 /* product, version, purpose */
#define NR_DECLARED_HOST_MAX      253 /* a DNS name */

/* IP protocol of a declared endpoint or service: 0 means any. */
struct nr_declared_ports {
    uint16_t lo, hi; /* inclusive; a single port has lo == hi */
};

struct nr_declared_endpoint {
    const char *host; /* lower case, no trailing dot; "*.example.com" matches any name below
                         example.com (not example.com itself); NULL when cidr is given */
    bool has_cidr;
    struct nr_addr net; /* host bits zero */
    uint8_t prefix;
    struct nr_declared_ports *ports; /* none: any port */
    size_t nports;
    uint8_t proto; /* 6 tcp, 17 udp, 1 icmp, 58 icmpv6, 0 any */
    const char *purpose;
    bool user_data;
    bool has_max;
    uint64_t max_bytes_out; /* transport payload the device may send per capture */
};

struct nr_declared_service {
    struct nr_declared_ports port;
    uint8_t proto;
    const char *purpose;
};

struct nr_declared {
    struct nr_arena ar; /* everything below lives in it */
    const char *product, *version;
    struct nr_declared_endpoint *endpoints;
    size_t nendpoints;
    struct nr_declared_service *listening;
    size_t nlistening;
    struct nr_addr *resolvers;
    size_t nresolvers;
    bool has_resolvers; /* the member was present (an empty list declares no resolver) */
};

/* Parses a declaration (len bytes, need not be NUL-terminated) into *d, which the caller
 * releases with nr_declared_release whatever the result. */
int nr_declared_parse(const char *text, size_t len, struct nr_declared *d, struct nr_err *err);
/* Reads and parses a declaration file; file errors are -errno with field "declared". */
int nr_declared_load(const char *path, struct nr_declared *d, struct nr_err *err);
void nr_declared_release(struct nr_declared *d);

/* Whether name (lower case) matches a host pattern: equal, or for "*.suffix" a name that ends
 * in ".suffix" with at least one label before it. */
bool nr_declared_host_match(const char *pattern, const char *name);
/* Whether a is inside net/prefix (same IP version). */
bool nr_declared_cidr_match(const struct nr_addr *net, unsigned prefix, const struct nr_addr *a);
/* The first endpoint matching a flow to addr:port over proto known by up to two names (either
 * may be NULL or ""), or -1. */
int nr_declared_endpoint_find(const struct nr_declared *d, const char *name, const char *alt_name,
                              const struct nr_addr *addr, uint16_t port, uint8_t proto);
/* The first declared listening service of port/proto, or -1. */
int nr_declared_listening_find(const struct nr_declared *d, uint16_t port, uint8_t proto);
bool nr_declared_resolver(const struct nr_declared *d, const struct nr_addr *a);
/* "tcp", "udp", "icmp", "icmpv6", "any" or the number, for reports. */
const char *nr_traffic_proto_name(uint8_t proto, char *buf, size_t n);

/* --- the analysis -------------------------------------------------------------------------- */

#define NR_TRAFFIC_LONG_SESSION_S   300        /* a session longer than this: long-lived */
#define NR_TRAFFIC_PERSIST_SESSIONS 3          /* this many sessions to one destination ... */
#define NR_TRAFFIC_PERSIST_SPAN_S   60         /* ... started at least this far apart: persistent */
#define NR_TRAFFIC_BULK_BYTES       (1u << 20) /* payload out that makes user_data severity high */
#define NR_TRAFFIC_SERVICES_MAX     65536      /* aggregated (client, server, port, name) */
#define NR_TRAFFIC_DNS_MAX          65536      /* addresses in the address-to-name map */
#define NR_TRAFFIC_NAMES_MAX_BYTES  (8u << 20) /* interned names */
#define NR_TRAFFIC_PAIRS_MAX        65536      /* address pairs counted for conversations */
#define NR_TRAFFIC_CONV_LIST        1000       /* ip_conversations listed in the report */
#define NR_TRAFFIC_CITE_MAX         8          /* flow ids and packets cited per finding */

struct nr_traffic_options {
    const struct nr_declared *declared; /* borrowed; NULL: no comparison, context only */
    const char *device; /* comma list of the device's addresses; NULL or "": inferred */
    size_t max_flows;   /* flow table bound, 0: pkt.h's default */
    bool progress;      /* nr_traffic_analyze_file: a progress bar on stderr if a terminal */
    const char *source; /* shown as the report's "source" */
};

/* What the layers above the transport said about one flow, for nr_traffic_add_flow. Strings
 * may be NULL or "". */
struct nr_traffic_facts {
    const char *sni, *http_host, *http_method, *dns_name;
    const char *protocol, *category; /* nDPI's names; NULL: "Unknown" */
    uint32_t risks;                  /* NR_RISK_* of appdec.h */
    bool basic_auth;                 /* HTTP Authorization: Basic (or credentials in a URL) */
    const char *basic_user;
    uint64_t credentials_pkt; /* the packet that carried clear-text credentials, 0 if none */
};

struct nr_traffic;

/* Fails with NR_EINVAL (field "device") for an address that does not parse. */
int nr_traffic_new(const struct nr_traffic_options *o, struct nr_traffic **out, struct nr_err *err);
void nr_traffic_free(struct nr_traffic *t);
/* Accounts one packet as nr_capture_next returned it (packets that are not NR_PKT_OK count in
 * the capture's own statistics only). */
void nr_traffic_packet(struct nr_traffic *t, const struct nr_pkt *p);
/* Accounts a flow that has ended, with what is known about it (tests; other flow sources). */
void nr_traffic_add_flow(struct nr_traffic *t, const struct nr_flow *f,
                         const struct nr_traffic_facts *facts);
/* Ends every flow still open (end of a capture). */
void nr_traffic_finish(struct nr_traffic *t);
/* The report as described above. cs may be NULL (flows given by hand); cut, when not NULL and
 * cut->code != 0, is the capture error that ended reading (the report's "error"). Before
 * nr_traffic_finish the open flows are included as they are so far, without ending them (live
 * summaries). *out is the caller's. */
int nr_traffic_report(struct nr_traffic *t, const struct nr_capture_stats *cs,
                      const struct nr_err *cut, json_t **out, struct nr_err *err);
/* Reads a whole capture file and reports. Returns 0 and *out; or the open error (NR_EPARSE for
 * a file that is not a capture) with *out NULL; or, when the file is cut or corrupt after its
 * start, NR_EPARSE with err naming the packet AND *out set to the partial report. */
int nr_traffic_analyze_file(const char *path, const struct nr_traffic_options *o, json_t **out,
                            struct nr_err *err);

/* --- for a person -------------------------------------------------------------------------- */

/* The report as text: a summary, the undeclared destinations, every destination by bytes, the
 * listening services, the protocols and the findings with their packets. */
void nr_traffic_report_print(const json_t *report, FILE *fp);
/* A byte count for people: "812 B", "1.2 MB" (powers of 1000). Returns out. */
const char *nr_traffic_bytes_fmt(uint64_t b, char *out, size_t n);
/* One line for a live summary: "packets 1234 (56 KB), flows 12, destinations 5 (2 undeclared),
 * findings 3". */
void nr_traffic_summary_line(const json_t *report, char *out, size_t n);

/* --- on a case ----------------------------------------------------------------------------- */

/* Attaches a capture file (and, when declared_path is not NULL, the declaration file) to a case
 * as evidence of task_id (0 for the office's own work), analyses the capture against the
 * declaration, and records the findings, the analysis row and the audit entry. *report (the
 * caller's) is the report with "analysis_id", "capture_evidence_id", "declared_evidence_id"
 * (or null) and "finding_ids" added. device as in nr_traffic_options; max_flows 0 for the
 * default. */
int nr_traffic_attach_file(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                           int64_t task_id, const char *capture_path, const char *declared_path,
                           const char *device, size_t max_flows, json_t **report,
                           struct nr_err *err);
/* The same for a capture (and optionally a declaration) already evidence of the case (uploaded
 * in parts through the API): each is decrypted (nr_evidence_read, an audited read) into a 0600
 * file under the data directory that is removed afterwards. Evidence of another case is
 * NR_EINVAL naming the field ("capture_evidence_id", "declared_evidence_id"). */
int nr_traffic_attach_evidence(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                               int64_t task_id, int64_t capture_evidence_id,
                               int64_t declared_evidence_id, const char *device, json_t **report,
                               struct nr_err *err);
/* The analyses of a case, newest last: id, case_id, task_id, capture_evidence_id,
 * declared_evidence_id, packets, flows, findings, summary (object), created_by, created_at. An
 * institution sees those of its own tasks. *out is the caller's. */
int nr_traffic_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                    struct nr_err *err);

#endif
