/*
 * test_tls.c - the ClientHello decoder of appdec.h (src/traffic/tls.c). The hello is built here
 * field by field in the shape curl 7.88 with OpenSSL 3 sends for https://Example.ORG/ (TLS 1.3
 * offered in supported_versions, legacy versions 0x0301 / 0x0303, a 32-byte session id, the
 * extensions in OpenSSL's order with SNI first and ALPN h2, http/1.1), then cut at every byte,
 * split over two records, and set against a ServerHello, an alert and bytes that are not TLS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/appdec.h"

#include "netreview/banned.h"

struct hello {
    uint8_t b[2048];
    size_t n;
    size_t sni_end;  /* offset just past the server_name extension */
    size_t alpn_end; /* offset just past the ALPN extension */
};

static void u8(struct hello *h, unsigned v)
{
    h->b[h->n++] = (uint8_t)v;
}

static void u16(struct hello *h, unsigned v)
{
    u8(h, v >> 8 & 0xff);
    u8(h, v & 0xff);
}

static void bytes(struct hello *h, const void *p, size_t k)
{
    memcpy(h->b + h->n, p, k);
    h->n += k;
}

static void fill(struct hello *h, unsigned v, size_t k)
{
    memset(h->b + h->n, (int)v, k);
    h->n += k;
}

/* Writes a 16-bit length at `at` covering everything from at + 2 to the end. */
static void patch16(struct hello *h, size_t at)
{
    size_t len = h->n - at - 2;
    h->b[at] = (uint8_t)(len >> 8);
    h->b[at + 1] = (uint8_t)len;
}

static size_t ext_start(struct hello *h, unsigned type)
{
    size_t at;
    u16(h, type);
    at = h->n;
    u16(h, 0);
    return at;
}

/* The record and handshake headers, then the hello body; with_sni false leaves the server_name
 * extension out (as a client does for an address). */
static void build(struct hello *h, const char *sni, bool with_sni)
{
    static const unsigned suites[] = {
        0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f,
        0x009e, 0xc024, 0xc028, 0x006b, 0xc023, 0xc027, 0x0067, 0xc00a, 0xc014, 0x0039, 0xc009,
        0xc013, 0x0033, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff};
    static const unsigned groups[] = {0x001d, 0x0017, 0x001e, 0x0019, 0x0018};
    static const unsigned sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a,
                                       0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
                                       0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602};
    size_t rec, hs, exts, e, l;

    memset(h, 0, sizeof(*h));
    u8(h, 22);
    u16(h, 0x0301);
    rec = h->n;
    u16(h, 0);
    u8(h, 1);
    hs = h->n;
    u8(h, 0);
    u16(h, 0);
    u16(h, 0x0303);
    fill(h, 0x5a, 32); /* random */
    u8(h, 32);
    fill(h, 0xa5, 32); /* legacy session id, as TLS 1.3 middlebox compatibility sends */
    u16(h, (unsigned)(sizeof(suites) / sizeof(suites[0]) * 2));
    for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
        u16(h, suites[i]);
    u8(h, 1);
    u8(h, 0);
    exts = h->n;
    u16(h, 0);
    if (with_sni) {
        e = ext_start(h, 0);
        l = h->n;
        u16(h, 0);
        u8(h, 0);
        u16(h, (unsigned)strlen(sni));
        bytes(h, sni, strlen(sni));
        patch16(h, l);
        patch16(h, e);
        h->sni_end = h->n;
    }
    e = ext_start(h, 11); /* ec_point_formats */
    bytes(h, "\x03\x00\x01\x02", 4);
    patch16(h, e);
    e = ext_start(h, 10); /* supported_groups */
    u16(h, (unsigned)(sizeof(groups) / sizeof(groups[0]) * 2));
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        u16(h, groups[i]);
    patch16(h, e);
    e = ext_start(h, 35); /* session_ticket, empty */
    patch16(h, e);
    e = ext_start(h, 16); /* ALPN */
    l = h->n;
    u16(h, 0);
    u8(h, 2);
    bytes(h, "h2", 2);
    u8(h, 8);
    bytes(h, "http/1.1", 8);
    patch16(h, l);
    patch16(h, e);
    h->alpn_end = h->n;
    e = ext_start(h, 22); /* encrypt_then_mac */
    patch16(h, e);
    e = ext_start(h, 23); /* extended_master_secret */
    patch16(h, e);
    e = ext_start(h, 13); /* signature_algorithms */
    u16(h, (unsigned)(sizeof(sigalgs) / sizeof(sigalgs[0]) * 2));
    for (size_t i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
        u16(h, sigalgs[i]);
    patch16(h, e);
    e = ext_start(h, 43); /* supported_versions: TLS 1.3, 1.2 */
    bytes(h, "\x04\x03\x04\x03\x03", 5);
    patch16(h, e);
    e = ext_start(h, 45); /* psk_key_exchange_modes: psk_dhe_ke */
    bytes(h, "\x01\x01", 2);
    patch16(h, e);
    e = ext_start(h, 51); /* key_share: one x25519 share */
    u16(h, 36);
    u16(h, 0x001d);
    u16(h, 32);
    fill(h, 0x33, 32);
    patch16(h, e);
    patch16(h, exts);
    patch16(h, rec);
    /* The handshake length is 24 bits: its top byte stays 0. */
    patch16(h, hs + 1);
}

static void test_curl_hello(void **state)
{
    struct hello m;
    struct nr_tls_hello h;

    (void)state;
    build(&m, "Example.ORG", true);
    assert_int_equal(nr_tls_client_hello(m.b, m.n, &h), 0);
    assert_string_equal(h.sni, "example.org");
    assert_string_equal(h.alpn, "h2");
    assert_int_equal(h.record_version, 0x0301);
    assert_int_equal(h.hello_version, 0x0303);
    assert_true(h.complete);
    /* Bytes after the hello (the next record of the segment) change nothing. */
    memcpy(m.b + m.n, "\x14\x03\x03\x00\x01\x01", 6);
    assert_int_equal(nr_tls_client_hello(m.b, m.n + 6, &h), 0);
    assert_string_equal(h.sni, "example.org");
    assert_true(h.complete);
}

/* The segment ends anywhere: before the SNI is whole nothing is found, after it the name is
 * there, and only the whole hello is complete. */
static void test_cut_everywhere(void **state)
{
    struct hello m;
    struct nr_tls_hello h;

    (void)state;
    build(&m, "www.example.com", true);
    for (size_t cut = 1; cut < m.n; cut++) {
        int rc = nr_tls_client_hello(m.b, cut, &h);
        assert_false(h.complete);
        if (cut < m.sni_end) {
            if (rc != NR_ENOTFOUND)
                fail_msg("cut at %zu (sni ends at %zu) gave %d", cut, m.sni_end, rc);
            assert_string_equal(h.sni, "");
        } else {
            if (rc != 0)
                fail_msg("cut at %zu after the sni (%zu) gave %d", cut, m.sni_end, rc);
            assert_string_equal(h.sni, "www.example.com");
            assert_string_equal(h.alpn, cut < m.alpn_end ? "" : "h2");
        }
    }
}

/* RFC 8446 5.1 lets a handshake message span records; a client with a large hello (a
 * post-quantum key share) does this. */
static void test_two_records(void **state)
{
    struct hello m, split;
    struct nr_tls_hello h;
    size_t first = 60; /* hello bytes in the first record: inside the session id */
    size_t body;

    (void)state;
    build(&m, "split.example.net", true);
    body = m.n - 5;
    memset(&split, 0, sizeof(split));
    u8(&split, 22);
    u16(&split, 0x0301);
    u16(&split, (unsigned)first);
    bytes(&split, m.b + 5, first);
    u8(&split, 22);
    u16(&split, 0x0301);
    u16(&split, (unsigned)(body - first));
    bytes(&split, m.b + 5 + first, body - first);
    assert_int_equal(nr_tls_client_hello(split.b, split.n, &h), 0);
    assert_string_equal(h.sni, "split.example.net");
    assert_string_equal(h.alpn, "h2");
    assert_true(h.complete);
    /* The second record cut in its header: decoded as far as it goes. */
    assert_int_equal(nr_tls_client_hello(split.b, 5 + first + 3, &h), NR_ENOTFOUND);
    assert_false(h.complete);
    /* A second record that is not a handshake record contradicts the hello's length. */
    split.b[5 + first] = 23;
    assert_int_equal(nr_tls_client_hello(split.b, split.n, &h), NR_EPARSE);
}

static void test_no_sni(void **state)
{
    struct hello m;
    struct nr_tls_hello h;

    (void)state;
    build(&m, "", false);
    assert_int_equal(nr_tls_client_hello(m.b, m.n, &h), NR_ENOTFOUND);
    assert_true(h.complete);
    assert_string_equal(h.sni, "");
    assert_string_equal(h.alpn, "h2");
}

static void test_server_hello_and_others(void **state)
{
    /* A TLS 1.3 ServerHello: legacy version 0x0303, random, echoed session id, the chosen
     * suite, no compression, supported_versions 0x0304 and an x25519 key share. */
    struct hello m;
    struct nr_tls_hello h;
    size_t rec, hs, exts, e;
    static const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    static const char get[] = "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n";
    uint8_t noise[64];

    (void)state;
    memset(&m, 0, sizeof(m));
    u8(&m, 22);
    u16(&m, 0x0303);
    rec = m.n;
    u16(&m, 0);
    u8(&m, 2);
    hs = m.n;
    u8(&m, 0);
    u16(&m, 0);
    u16(&m, 0x0303);
    fill(&m, 0x11, 32);
    u8(&m, 32);
    fill(&m, 0xa5, 32);
    u16(&m, 0x1302);
    u8(&m, 0);
    exts = m.n;
    u16(&m, 0);
    e = ext_start(&m, 43);
    u16(&m, 0x0304);
    patch16(&m, e);
    e = ext_start(&m, 51);
    u16(&m, 0x001d);
    u16(&m, 32);
    fill(&m, 0x44, 32);
    patch16(&m, e);
    patch16(&m, exts);
    patch16(&m, rec);
    patch16(&m, hs + 1);
    assert_int_equal(nr_tls_client_hello(m.b, m.n, &h), NR_ENOTFOUND);
    assert_string_equal(h.sni, "");

    assert_int_equal(nr_tls_client_hello(alert, sizeof(alert), &h), NR_ENOTFOUND);
    assert_int_equal(nr_tls_client_hello((const uint8_t *)get, sizeof(get) - 1, &h), NR_EPARSE);
    for (size_t i = 0; i < sizeof(noise); i++)
        noise[i] = (uint8_t)(i * 37 + 11);
    assert_int_equal(nr_tls_client_hello(noise, sizeof(noise), &h), NR_EPARSE);
    assert_int_equal(nr_tls_client_hello(NULL, 0, &h), NR_EPARSE);
    /* SSH's banner starts with a byte that is no TLS content type. */
    assert_int_equal(nr_tls_client_hello((const uint8_t *)"SSH-2.0-OpenSSH_9.2p1\r\n", 23, &h),
                     NR_EPARSE);
}

/* Lengths that contradict each other are malformed, not cut. */
static void test_contradictions(void **state)
{
    struct hello m;
    struct nr_tls_hello h;
    size_t sni_ext;

    (void)state;
    build(&m, "example.org", true);
    /* The record-level fields: a record of length 0, a version that is not 3.x. */
    m.b[3] = 0;
    m.b[4] = 0;
    assert_int_equal(nr_tls_client_hello(m.b, m.n, &h), NR_EPARSE);
    build(&m, "example.org", true);
    m.b[1] = 2;
    assert_int_equal(nr_tls_client_hello(m.b, m.n, &h), NR_EPARSE);
    /* A session id longer than 32 bytes. */
    build(&m, "example.org", true);
    m.b[5 + 4 + 2 + 32] = 33;
    assert_int_equal(nr_tls_client_hello(m.b, m.n, &h), NR_EPARSE);
    /* An odd cipher suites length. */
    build(&m, "example.org", true);
    m.b[5 + 4 + 2 + 32 + 1 + 32 + 1] ^= 1;
    assert_int_equal(nr_tls_client_hello(m.b, m.n, &h), NR_EPARSE);
    /* A server_name list length that disagrees with its extension. */
    build(&m, "example.org", true);
    sni_ext = m.sni_end - (2 + 1 + 2 + strlen("example.org")) - 4;
    m.b[sni_ext + 4 + 1] ^= 1;
    assert_int_equal(nr_tls_client_hello(m.b, m.n, &h), NR_EPARSE);
    /* An extension longer than what is left of the hello. */
    build(&m, "example.org", true);
    m.b[sni_ext + 2] = 0x7f;
    assert_int_equal(nr_tls_client_hello(m.b, m.n, &h), NR_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curl_hello),
        cmocka_unit_test(test_cut_everywhere),
        cmocka_unit_test(test_two_records),
        cmocka_unit_test(test_no_sni),
        cmocka_unit_test(test_server_hello_and_others),
        cmocka_unit_test(test_contradictions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
