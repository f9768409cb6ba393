/*
 * appdec.h - what a flow says above the transport: DNS messages (so that an address is tied to
 * the name that resolved to it), the TLS ClientHello's server name, HTTP request lines and Host,
 * and nDPI 4.2's protocol and risk verdicts behind one adapter (src/traffic/ndpi.c is the only
 * file that includes nDPI's headers).
 *
 * Contract:
 * - The decoders are pure functions over a caller's bytes: no allocation, no state, bounded work
 *   (DNS name compression pointers followed at most 32 times, at most NR_DNS_MAX_ANSWERS answers
 *   kept), never a read past n. They fill caller structs with NUL-terminated, printable text
 *   (bytes outside printable ASCII in names are written as "?").
 * - Return values: 0 decoded; NR_ENOTFOUND the bytes are well formed but not what is looked for
 *   (a TLS record that is not a ClientHello, a hello without SNI, a response where a request was
 *   expected); NR_EPARSE malformed or not this protocol at all. A TLS ClientHello or an HTTP
 *   request cut short by the segment end is decoded as far as it goes: 0 when the wanted field
 *   was complete in it, NR_ENOTFOUND otherwise.
 * - struct nr_ndpi is one nDPI detection module (not thread-safe: one per analysis);
 *   struct nr_ndpi_flow is nDPI's per-flow state, allocated on the first packet fed and freed by
 *   nr_ndpi_flow_free as soon as detection is done, so that only undecided flows hold it.
 */
#ifndef NETREVIEW_APPDEC_H
#define NETREVIEW_APPDEC_H

#include "netreview/core.h"
#include "netreview/pkt.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- DNS (RFC 1035, AAAA from RFC 3596) --------------------------------------------------- */

#define NR_DNS_NAME_MAX    256
#define NR_DNS_MAX_ANSWERS 32

struct nr_dns_answer {
    char name[NR_DNS_NAME_MAX]; /* owner name, lower case, no trailing dot */
    uint16_t type;              /* 1 A, 28 AAAA, 5 CNAME, others kept with no data */
    uint32_t ttl;
    struct nr_addr addr;         /* A / AAAA (ver 0 otherwise) */
    char cname[NR_DNS_NAME_MAX]; /* CNAME target, "" otherwise */
};

struct nr_dns_msg {
    uint16_t id;
    bool response;
    uint8_t opcode, rcode;
    char qname[NR_DNS_NAME_MAX]; /* first question, lower case, no trailing dot; "" when none */
    uint16_t qtype;
    uint16_t nquestions, nanswers_total; /* counts from the header */
    struct nr_dns_answer answers[NR_DNS_MAX_ANSWERS];
    size_t nanswers; /* answers kept */
};

/* Decodes a DNS message (UDP payload; for TCP the caller strips the 2-byte length). */
int nr_dns_parse(const uint8_t *p, size_t n, struct nr_dns_msg *m);

/* --- TLS ClientHello (RFC 8446 4.1.2, server_name from RFC 6066 3) ------------------------- */

#define NR_TLS_SNI_MAX 256

struct nr_tls_hello {
    uint16_t record_version, hello_version;
    char sni[NR_TLS_SNI_MAX]; /* lower case; "" when none */
    char alpn[64];            /* first ALPN protocol, "" when none */
    bool complete;            /* the whole ClientHello was in the bytes given */
};

/* Decodes the ClientHello at the start of a TLS stream (the client's first payload). */
int nr_tls_client_hello(const uint8_t *p, size_t n, struct nr_tls_hello *h);

/* --- HTTP/1.x request (RFC 9112) ----------------------------------------------------------- */

struct nr_http_req {
    char method[16];
    char target[512]; /* request target, cut at 511 bytes; passwords in it as "***" */
    char host[256];   /* Host header, lower case, without the port; "" when none */
    char user_agent[128];
    bool basic_auth;            /* an Authorization: Basic header (clear-text credentials) */
    char basic_user[64];        /* its user name, decoded; never the password */
    bool credentials_in_target; /* password=, passwd=, pwd= in the query string, or
                                   user:password@ in an absolute target */
};

/* Decodes the request at the start of p (the client's first payload of the flow, or of a later
 * request on the same connection). NR_EPARSE when p does not start with a method token and a
 * space. */
int nr_http_request(const uint8_t *p, size_t n, struct nr_http_req *r);

/* --- nDPI 4.2 adapter --------------------------------------------------------------------- */

/* Risk flags kept from nDPI's flow risks (ndpi_risk_enum), in the engine's own words. */
#define NR_RISK_CLEAR_TEXT_CREDENTIALS 0x0001u /* NDPI_CLEAR_TEXT_CREDENTIALS */
#define NR_RISK_UNSAFE_PROTOCOL        0x0002u /* NDPI_UNSAFE_PROTOCOL */
#define NR_RISK_REMOTE_ACCESS                                                                      \
    0x0004u                                 /* NDPI_DESKTOP_OR_FILE_SHARING_SESSION or a           \
                                               protocol of category remote access */
#define NR_RISK_KNOWN_PORT_MISMATCH 0x0008u /* NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT */
#define NR_RISK_OBSOLETE_TLS        0x0010u /* NDPI_TLS_OBSOLETE_VERSION, weak cipher */
#define NR_RISK_SELF_SIGNED         0x0020u /* NDPI_TLS_SELFSIGNED_CERTIFICATE */
#define NR_RISK_SUSPICIOUS_DGA      0x0040u /* NDPI_SUSPICIOUS_DGA_DOMAIN */
#define NR_RISK_BINARY_TRANSFER     0x0080u /* NDPI_BINARY_APPLICATION_TRANSFER */
#define NR_RISK_OTHER               0x8000u /* any other risk nDPI raised */

struct nr_ndpi;
struct nr_ndpi_flow;

struct nr_ndpi_result {
    char proto[48];    /* "TLS.Google", "DNS", "HTTP", "SSH", "Unknown" (ndpi_protocol2name) */
    char app[32];      /* application protocol name, or the master's when none */
    char category[32]; /* nDPI category name ("RemoteAccess", "Web", ...) */
    uint32_t risks;    /* NR_RISK_* */
    bool decided;      /* detection is complete; feeding more packets changes nothing */
};

int nr_ndpi_new(struct nr_ndpi **out, struct nr_err *err);
void nr_ndpi_free(struct nr_ndpi *n);
/* Feeds one packet of a flow (p->l3 / p->l3_len, p->ts_us), allocating *fs on the first call.
 * Returns true once nDPI has decided (or gave up after its packet budget of 24 packets per
 * flow), with the whole verdict in *res: the caller then stops feeding and frees *fs. Before
 * that only res->risks (the risks so far) is filled; the names stay as the caller set them. */
bool nr_ndpi_feed(struct nr_ndpi *n, struct nr_ndpi_flow **fs, const struct nr_pkt *p,
                  struct nr_ndpi_result *res);
/* For a flow that ended undecided: nDPI's best guess (ndpi_detection_giveup) into *res. */
void nr_ndpi_giveup(struct nr_ndpi *n, struct nr_ndpi_flow *fs, struct nr_ndpi_result *res);
void nr_ndpi_flow_free(struct nr_ndpi_flow *fs);
/* How many flow states of n are allocated and not yet freed (to show that decided flows hold
 * none). */
size_t nr_ndpi_flows_held(const struct nr_ndpi *n);
/* Writes the names of risks ("clear_text_credentials,remote_access") into out. */
const char *nr_ndpi_risk_names(uint32_t risks, char *out, size_t n);
/* libndpi's version string. */
const char *nr_ndpi_version(void);

#endif
