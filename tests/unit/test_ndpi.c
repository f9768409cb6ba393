/*
 * test_ndpi.c - the nDPI 4.2 adapter of appdec.h (src/traffic/ndpi.c). Conversations are built
 * here packet by packet as IPv4 with TCP or UDP, the way the hosts would send them (handshake,
 * sequence numbers, the protocols' real first messages), and fed through nr_ndpi_feed with a
 * struct nr_pkt filled by hand. The expected verdicts and risks are what libndpi 4.2 as Debian
 * ships it answers for these bytes; NR_TEST_VERBOSE=1 prints them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/appdec.h"

#include "netreview/banned.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10

enum { C2S, S2C };

/* One conversation between a client and a server, and the packets built for it. */
struct conv {
    uint8_t cli[4], srv[4];
    uint16_t cport, sport;
    uint8_t proto;
    uint32_t seq[2];
    uint64_t ts_us;
    uint16_t ip_id;
    uint8_t frame[2048];
    struct nr_pkt pkt;
};

static void conv_init(struct conv *c, uint8_t proto, uint16_t cport, uint16_t sport)
{
    static const uint8_t cli[4] = {192, 168, 1, 23}, srv[4] = {93, 184, 216, 34};

    memset(c, 0, sizeof(*c));
    memcpy(c->cli, cli, 4);
    memcpy(c->srv, srv, 4);
    c->proto = proto;
    c->cport = cport;
    c->sport = sport;
    c->seq[C2S] = 0x1a2b3c4d;
    c->seq[S2C] = 0x5e6f7081;
    c->ts_us = 1700000000000000ull;
    c->ip_id = 0x4d2;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

static unsigned ip_checksum(const uint8_t *h, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return ~sum & 0xffff;
}

/* Builds the next packet of the conversation in c->frame and fills c->pkt as the decoder
 * would. TCP sequence numbers advance with the payload and with SYN and FIN. */
static const struct nr_pkt *build(struct conv *c, int dir, uint8_t flags, const void *payload,
                                  size_t len)
{
    uint8_t *ip = c->frame, *l4 = ip + 20;
    size_t l4_hdr = c->proto == 6 ? 20 : 8, total = 20 + l4_hdr + len;
    const uint8_t *src = dir == C2S ? c->cli : c->srv, *dst = dir == C2S ? c->srv : c->cli;
    uint16_t sp = dir == C2S ? c->cport : c->sport, dp = dir == C2S ? c->sport : c->cport;
    struct nr_pkt *p = &c->pkt;

    assert_true(total <= sizeof(c->frame));
    memset(ip, 0, 20 + l4_hdr);
    ip[0] = 0x45;
    put16(ip + 2, (unsigned)total);
    put16(ip + 4, c->ip_id++);
    ip[6] = 0x40; /* don't fragment */
    ip[8] = 64;
    ip[9] = c->proto;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    put16(ip + 10, ip_checksum(ip, 20));
    put16(l4, sp);
    put16(l4 + 2, dp);
    if (c->proto == 6) {
        put32(l4 + 4, c->seq[dir]);
        put32(l4 + 8, (flags & TCP_ACK) ? c->seq[!dir] : 0);
        l4[12] = 5 << 4;
        l4[13] = flags;
        put16(l4 + 14, 64240);
        c->seq[dir] += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
    } else {
        put16(l4 + 4, (unsigned)(8 + len));
    }
    if (len > 0)
        memcpy(l4 + l4_hdr, payload, len);

    memset(p, 0, sizeof(*p));
    p->num++;
    p->ts_us = c->ts_us;
    c->ts_us += 1500;
    p->caplen = p->wirelen = (uint32_t)(14 + total);
    p->status = NR_PKT_OK;
    p->src.ver = p->dst.ver = 4;
    memcpy(p->src.b, src, 4);
    memcpy(p->dst.b, dst, 4);
    p->proto = c->proto;
    p->sport = sp;
    p->dport = dp;
    p->tcp_flags = c->proto == 6 ? flags : 0;
    p->tcp_seq = c->proto == 6 ? c->seq[dir] : 0;
    p->ip_len = p->l3_len = (uint32_t)total;
    p->l3 = ip;
    p->payload = len > 0 ? l4 + l4_hdr : NULL;
    p->payload_len = (uint32_t)len;
    return p;
}

/* A packet of a conversation script: direction and payload (NULL for the TCP handshake). */
struct step {
    int dir;
    const char *data;
    size_t len; /* 0: strlen(data) */
};

struct verdict {
    struct nr_ndpi_result res;
    int fed;      /* packets fed until the verdict, or all of them */
    bool decided; /* decided by nr_ndpi_feed rather than by nr_ndpi_giveup */
};

static struct nr_ndpi *g_ndpi;

static void show(const char *what, const struct verdict *v)
{
    char risks[256];
    if (getenv("NR_TEST_VERBOSE") == NULL)
        return;
    fprintf(stderr, "%-14s proto=%s app=%s category=%s risks=%s(0x%04x) fed=%d %s\n", what,
            v->res.proto, v->res.app, v->res.category,
            nr_ndpi_risk_names(v->res.risks, risks, sizeof(risks)), (unsigned)v->res.risks, v->fed,
            v->decided ? "decided" : "gave up");
}

/* Feeds the script (after a TCP handshake for TCP) until nDPI decides; a flow that ends
 * undecided gets nDPI's best guess. Either way the flow state is freed and the module holds
 * none afterwards. */
static void run(const char *what, struct conv *c, const struct step *steps, size_t nsteps,
                struct verdict *v)
{
    struct nr_ndpi_flow *fs = NULL;
    size_t held = nr_ndpi_flows_held(g_ndpi);
    const struct nr_pkt *p;
    size_t i = 0;
    int hs = 0;

    memset(v, 0, sizeof(*v));
    for (;;) {
        if (c->proto == 6 && hs < 3) {
            static const uint8_t flags[3] = {TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK};
            p = build(c, hs == 1 ? S2C : C2S, flags[hs], NULL, 0);
            hs++;
        } else if (i < nsteps) {
            const struct step *s = &steps[i++];
            size_t len = s->len ? s->len : strlen(s->data);
            p = build(c, s->dir, c->proto == 6 ? TCP_PSH | TCP_ACK : 0, s->data, len);
        } else {
            break;
        }
        v->fed++;
        if (nr_ndpi_feed(g_ndpi, &fs, p, &v->res)) {
            v->decided = true;
            assert_true(v->res.decided);
            break;
        }
        assert_false(v->res.decided);
        assert_non_null(fs);
        assert_int_equal(nr_ndpi_flows_held(g_ndpi), held + 1);
    }
    if (!v->decided)
        nr_ndpi_giveup(g_ndpi, fs, &v->res);
    assert_true(v->res.decided);
    nr_ndpi_flow_free(fs);
    assert_int_equal(nr_ndpi_flows_held(g_ndpi), held);
    show(what, v);
}

static int setup(void **state)
{
    struct nr_err err;
    (void)state;
    nr_err_init(&err);
    if (nr_ndpi_new(&g_ndpi, &err) != 0) {
        fprintf(stderr, "nr_ndpi_new: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nr_ndpi_free(g_ndpi);
    return 0;
}

static void test_http(void **state)
{
    static const struct step steps[] = {
        {C2S,
         "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/7.88.1\r\n"
         "Accept: */*\r\n\r\n",
         0},
        {S2C,
         "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: 5\r\n"
         "Server: ECS (dcb/7F83)\r\n\r\nhello",
         0},
    };
    struct conv c;
    struct verdict v;

    (void)state;
    conv_init(&c, 6, 51544, 80);
    run("http", &c, steps, 2, &v);
    assert_string_equal(v.res.proto, "HTTP");
    assert_string_equal(v.res.app, "HTTP");
    assert_string_equal(v.res.category, "Web");
    assert_int_equal(v.res.risks, 0);
    /* nDPI knows HTTP from the request and waits for the response before it is done. */
    assert_true(v.decided);
    assert_int_equal(v.fed, 3 + 2);
}

static void test_http_basic(void **state)
{
    static const struct step steps[] = {
        {C2S,
         "GET /cgi-bin/config.cgi HTTP/1.1\r\nHost: camera.example.com\r\n"
         "Authorization: Basic YWRtaW46UzNjcmV0LVBhNTU=\r\nUser-Agent: curl/7.88.1\r\n\r\n",
         0},
        {S2C, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok", 0},
    };
    struct conv c;
    struct verdict v;

    (void)state;
    conv_init(&c, 6, 51545, 80);
    run("http-basic", &c, steps, 2, &v);
    assert_string_equal(v.res.proto, "HTTP");
    /* nDPI 4.2 raises NDPI_CLEAR_TEXT_CREDENTIALS on the Authorization: Basic header. */
    assert_int_equal(v.res.risks, NR_RISK_CLEAR_TEXT_CREDENTIALS);
    assert_true(v.decided);
}

static void test_dns(void **state)
{
    static const char query[] = "\x4a\x1f\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                                "\x03www\x07"
                                "example\x03"
                                "com\x00\x00\x01\x00\x01";
    static const char answer[] = "\x4a\x1f\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00"
                                 "\x03www\x07"
                                 "example\x03"
                                 "com\x00\x00\x01\x00\x01"
                                 "\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\x5d\xb8\xd8\x22";
    const struct step steps[] = {
        {C2S, query, sizeof(query) - 1},
        {S2C, answer, sizeof(answer) - 1},
    };
    struct conv c;
    struct verdict v;

    (void)state;
    conv_init(&c, 17, 41873, 53);
    memcpy(c.srv, "\x09\x09\x09\x09", 4);
    run("dns", &c, steps, 2, &v);
    assert_string_equal(v.res.proto, "DNS");
    assert_string_equal(v.res.app, "DNS");
    assert_string_equal(v.res.category, "Network");
    assert_int_equal(v.res.risks, 0);
    /* Known from the query; done with the response. */
    assert_true(v.decided);
    assert_int_equal(v.fed, 2);
}

static void test_tls(void **state)
{
    /* A ClientHello with SNI www.google.com and ALPN h2 (TLS 1.3 offered). */
    static const uint8_t head[] = {
        0x16, 0x03, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x03,
    };
    uint8_t hello[512];
    size_t n = 0, exts, e;
    struct conv c;
    struct verdict v;
    struct step steps[1];

    (void)state;
    memcpy(hello, head, sizeof(head));
    n = sizeof(head);
    memset(hello + n, 0x42, 32);
    n += 32;
    hello[n++] = 0;
    put16(hello + n, 6);
    n += 2;
    put16(hello + n, 0x1301);
    put16(hello + n + 2, 0x1302);
    put16(hello + n + 4, 0xc02f);
    n += 6;
    hello[n++] = 1;
    hello[n++] = 0;
    exts = n;
    n += 2;
    /* server_name */
    put16(hello + n, 0);
    put16(hello + n + 2, 19);
    put16(hello + n + 4, 17);
    hello[n + 6] = 0;
    put16(hello + n + 7, 14);
    memcpy(hello + n + 9, "www.google.com", 14);
    n += 4 + 19;
    /* supported_groups x25519, secp256r1 */
    memcpy(hello + n, "\x00\x0a\x00\x06\x00\x04\x00\x1d\x00\x17", 10);
    n += 10;
    /* ALPN h2, http/1.1 */
    memcpy(hello + n, "\x00\x10\x00\x0e\x00\x0c\x02h2\x08http/1.1", 18);
    n += 18;
    /* signature_algorithms */
    memcpy(hello + n, "\x00\x0d\x00\x08\x00\x06\x04\x03\x08\x04\x04\x01", 12);
    n += 12;
    /* supported_versions 1.3, 1.2 */
    memcpy(hello + n, "\x00\x2b\x00\x05\x04\x03\x04\x03\x03", 9);
    n += 9;
    /* key_share x25519 */
    e = n;
    memcpy(hello + n, "\x00\x33\x00\x26\x00\x24\x00\x1d\x00\x20", 10);
    n += 10;
    memset(hello + n, 0x77, 32);
    n += 32;
    (void)e;
    put16(hello + exts, (unsigned)(n - exts - 2));
    put16(hello + 3, (unsigned)(n - 5));
    put16(hello + 7, (unsigned)(n - 9));
    steps[0].dir = C2S;
    steps[0].data = (const char *)hello;
    steps[0].len = n;

    conv_init(&c, 6, 51546, 443);
    c.srv[0] = 142, c.srv[1] = 250, c.srv[2] = 185, c.srv[3] = 206;
    run("tls", &c, steps, 1, &v);
    assert_string_equal(v.res.proto, "TLS.Google");
    assert_string_equal(v.res.app, "Google");
    assert_string_equal(v.res.category, "Web");
    assert_int_equal(v.res.risks, 0);
    /* nDPI would go on to read the server's certificate: without it the flow ends undecided
     * and the verdict is the one nr_ndpi_giveup gets. */
    assert_false(v.decided);
}

static void test_ssh(void **state)
{
    static const struct step steps[] = {
        {S2C, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n", 0},
        {C2S, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n", 0},
    };
    struct conv c;
    struct verdict v;

    (void)state;
    conv_init(&c, 6, 51547, 22);
    run("ssh", &c, steps, 2, &v);
    assert_string_equal(v.res.proto, "SSH");
    assert_string_equal(v.res.category, "RemoteAccess");
    /* nDPI raises no risk for SSH itself; remote access comes from the category. */
    assert_int_equal(v.res.risks, NR_RISK_REMOTE_ACCESS);
    /* nDPI waits for the key exchange (for its HASSH fingerprint). */
    assert_false(v.decided);
}

static void test_telnet(void **state)
{
    static const struct step steps[] = {
        {S2C, "\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27", 0},
        {C2S, "\xff\xfb\x18\xff\xfb\x20\xff\xfb\x23\xff\xfb\x27", 0},
        {S2C, "\xff\xfa\x20\x01\xff\xf0\xff\xfa\x23\x01\xff\xf0\xff\xfa\x27\x01\xff\xf0", 0},
        {C2S,
         "\xff\xfa\x20\x00"
         "38400,38400\xff\xf0",
         0},
        {S2C, "\xff\xfb\x03\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x05\xff\xfd\x21", 0},
        {S2C, "\r\nDebian GNU/Linux 12\r\nrouter login: ", 0},
        {C2S, "a", 0},
        {S2C, "a", 0},
        {C2S, "d", 0},
        {S2C, "d", 0},
        {C2S, "m", 0},
        {S2C, "m", 0},
        {C2S, "i", 0},
        {S2C, "i", 0},
        {C2S, "n", 0},
        {S2C, "n", 0},
        {C2S, "\r\n", 0},
        {S2C, "\r\nPassword: ", 0},
        {C2S, "s", 0},
        {C2S, "e", 0},
        {C2S, "c", 0},
        {C2S, "r", 0},
        {C2S, "\r\n", 0},
        {S2C, "\r\nLast login: Mon Nov 20 10:00:00 2023\r\n$ ", 0},
    };
    struct conv c;
    struct verdict v;

    (void)state;
    conv_init(&c, 6, 51548, 23);
    run("telnet", &c, steps, sizeof(steps) / sizeof(steps[0]), &v);
    assert_string_equal(v.res.proto, "Telnet");
    assert_string_equal(v.res.category, "RemoteAccess");
    /* NDPI_UNSAFE_PROTOCOL as soon as Telnet is known, NDPI_CLEAR_TEXT_CREDENTIALS once the
     * password's line is typed; nDPI keeps reading and the 24-packet budget ends it. */
    assert_int_equal(v.res.risks, NR_RISK_CLEAR_TEXT_CREDENTIALS | NR_RISK_UNSAFE_PROTOCOL |
                                      NR_RISK_REMOTE_ACCESS);
    assert_true(v.decided);
    assert_int_equal(v.fed, 24);
}

static void test_ftp(void **state)
{
    static const struct step steps[] = {
        {S2C, "220 (vsFTPd 3.0.3)\r\n", 0},
        {C2S, "USER backup\r\n", 0},
        {S2C, "331 Please specify the password.\r\n", 0},
        {C2S, "PASS Tr0ub4dor\r\n", 0},
        {S2C, "230 Login successful.\r\n", 0},
        {C2S, "SYST\r\n", 0},
        {S2C, "215 UNIX Type: L8\r\n", 0},
        {C2S, "PWD\r\n", 0},
        {S2C, "257 \"/home/backup\" is the current directory\r\n", 0},
    };
    struct conv c;
    struct verdict v;

    (void)state;
    conv_init(&c, 6, 51549, 21);
    run("ftp", &c, steps, sizeof(steps) / sizeof(steps[0]), &v);
    assert_string_equal(v.res.proto, "FTP_CONTROL");
    assert_string_equal(v.res.category, "Download");
    /* NDPI_CLEAR_TEXT_CREDENTIALS from USER, NDPI_UNSAFE_PROTOCOL with the detection, which
     * comes with the server's 230 after PASS. */
    assert_int_equal(v.res.risks, NR_RISK_CLEAR_TEXT_CREDENTIALS | NR_RISK_UNSAFE_PROTOCOL);
    assert_true(v.decided);
    assert_int_equal(v.fed, 3 + 5);
}

/* Bytes nDPI knows nothing of: the budget ends detection and the verdict is Unknown. */
static void test_unknown(void **state)
{
    struct step steps[30];
    static char blobs[30][64];
    struct conv c;
    struct verdict v;

    (void)state;
    for (int i = 0; i < 30; i++) {
        for (int j = 0; j < 64; j++)
            blobs[i][j] = (char)((i * 131 + j * 71 + 17) % 251 + 1);
        steps[i].dir = i % 2 ? S2C : C2S;
        steps[i].data = blobs[i];
        steps[i].len = sizeof(blobs[i]);
    }
    conv_init(&c, 6, 51550, 47113);
    run("unknown", &c, steps, 30, &v);
    assert_string_equal(v.res.proto, "Unknown");
    assert_string_equal(v.res.app, "Unknown");
    assert_string_equal(v.res.category, "Unspecified");
    assert_int_equal(v.res.risks, 0);
    assert_true(v.decided);
    assert_int_equal(v.fed, 24);
}

/* SSH where nDPI expects HTTP. */
static void test_port_mismatch(void **state)
{
    static const struct step steps[] = {
        {S2C, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n", 0},
        {C2S, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n", 0},
    };
    struct conv c;
    struct verdict v;

    (void)state;
    conv_init(&c, 6, 51551, 80);
    run("ssh-on-80", &c, steps, 2, &v);
    assert_string_equal(v.res.proto, "SSH");
    /* NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT, with remote access from the category. */
    assert_int_equal(v.res.risks, NR_RISK_KNOWN_PORT_MISMATCH | NR_RISK_REMOTE_ACCESS);
}

static void test_risk_names(void **state)
{
    char out[128], small[20];

    (void)state;
    assert_string_equal(nr_ndpi_risk_names(0, out, sizeof(out)), "");
    assert_string_equal(nr_ndpi_risk_names(NR_RISK_CLEAR_TEXT_CREDENTIALS | NR_RISK_REMOTE_ACCESS,
                                           out, sizeof(out)),
                        "clear_text_credentials,remote_access");
    assert_string_equal(
        nr_ndpi_risk_names(NR_RISK_UNSAFE_PROTOCOL | NR_RISK_OTHER, out, sizeof(out)),
        "unsafe_protocol,other");
    /* Cut at the last whole name. */
    assert_string_equal(
        nr_ndpi_risk_names(NR_RISK_UNSAFE_PROTOCOL | NR_RISK_OBSOLETE_TLS, small, sizeof(small)),
        "unsafe_protocol");
    assert_true(strlen(nr_ndpi_version()) > 0);
    assert_true(strncmp(nr_ndpi_version(), "4.", 2) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http),          cmocka_unit_test(test_http_basic),
        cmocka_unit_test(test_dns),           cmocka_unit_test(test_tls),
        cmocka_unit_test(test_ssh),           cmocka_unit_test(test_telnet),
        cmocka_unit_test(test_ftp),           cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_port_mismatch), cmocka_unit_test(test_risk_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
