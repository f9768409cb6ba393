/*
 * test_dns.c - the DNS decoder of appdec.h (src/traffic/dns.c) on messages built here field by
 * field as resolvers send them: queries, A / AAAA answers, CNAME chains compressed the way BIND
 * and Unbound compress them, NXDOMAIN, and the malformed cases a capture brings: compression
 * loops, truncation at every byte, names past 255 octets, bytes outside printable ASCII.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/appdec.h"

#include "netreview/banned.h"

struct msg {
    uint8_t b[4096];
    size_t n;
};

static void u8(struct msg *m, unsigned v)
{
    m->b[m->n++] = (uint8_t)v;
}

static void u16(struct msg *m, unsigned v)
{
    u8(m, v >> 8 & 0xff);
    u8(m, v & 0xff);
}

static void u32(struct msg *m, uint32_t v)
{
    u16(m, v >> 16);
    u16(m, v & 0xffff);
}

static void bytes(struct msg *m, const void *p, size_t k)
{
    memcpy(m->b + m->n, p, k);
    m->n += k;
}

/* Writes the labels of a dotted name; with end_ptr >= 0 the name ends in a pointer there
 * instead of the root. Returns the offset where the name starts. */
static size_t name(struct msg *m, const char *dotted, int end_ptr)
{
    size_t at = m->n;
    const char *s = dotted;

    while (*s) {
        const char *dot = strchr(s, '.');
        size_t k = dot ? (size_t)(dot - s) : strlen(s);
        u8(m, (unsigned)k);
        bytes(m, s, k);
        s += k;
        if (*s == '.')
            s++;
    }
    if (end_ptr >= 0)
        u16(m, 0xc000 | (unsigned)end_ptr);
    else
        u8(m, 0);
    return at;
}

static void header(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
    m->n = 0;
    u16(m, id);
    u16(m, flags);
    u16(m, qd);
    u16(m, an);
    u16(m, 0);
    u16(m, 0);
}

static void question(struct msg *m, const char *qname, unsigned qtype)
{
    name(m, qname, -1);
    u16(m, qtype);
    u16(m, 1);
}

static void rr_head(struct msg *m, unsigned owner_ptr, unsigned type, uint32_t ttl, unsigned rdlen)
{
    u16(m, 0xc000 | owner_ptr);
    u16(m, type);
    u16(m, 1);
    u32(m, ttl);
    u16(m, rdlen);
}

static void test_query(void **state)
{
    struct msg m;
    struct nr_dns_msg d;

    (void)state;
    header(&m, 0x1234, 0x0100, 1, 0);
    question(&m, "WWW.Example.COM", 1);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
    assert_int_equal(d.id, 0x1234);
    assert_false(d.response);
    assert_int_equal(d.opcode, 0);
    assert_int_equal(d.rcode, 0);
    assert_string_equal(d.qname, "www.example.com");
    assert_int_equal(d.qtype, 1);
    assert_int_equal(d.nquestions, 1);
    assert_int_equal(d.nanswers_total, 0);
    assert_int_equal(d.nanswers, 0);
}

static void test_a_and_aaaa(void **state)
{
    static const uint8_t v4[4] = {93, 184, 216, 34};
    static const uint8_t v6[16] = {0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0,    1,
                                   0x2,  0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46};
    struct msg m;
    struct nr_dns_msg d;

    (void)state;
    header(&m, 7, 0x8180, 1, 2);
    question(&m, "example.com", 1);
    rr_head(&m, 12, 1, 3600, 4);
    bytes(&m, v4, 4);
    rr_head(&m, 12, 28, 60, 16);
    bytes(&m, v6, 16);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
    assert_true(d.response);
    assert_int_equal(d.nanswers, 2);
    assert_string_equal(d.answers[0].name, "example.com");
    assert_int_equal(d.answers[0].type, 1);
    assert_int_equal(d.answers[0].ttl, 3600);
    assert_int_equal(d.answers[0].addr.ver, 4);
    assert_memory_equal(d.answers[0].addr.b, v4, 4);
    assert_string_equal(d.answers[0].cname, "");
    assert_int_equal(d.answers[1].type, 28);
    assert_int_equal(d.answers[1].ttl, 60);
    assert_int_equal(d.answers[1].addr.ver, 6);
    assert_memory_equal(d.answers[1].addr.b, v6, 16);
}

/* www.shop.example CNAME shop.edge.cdn.net CNAME e1.edge.cdn.net A 198.51.100.7, each name
 * compressed against the ones before it, as a recursive resolver answers. */
static void test_cname_chain(void **state)
{
    struct msg m;
    struct nr_dns_msg d;
    size_t len_at, rd, edge;

    (void)state;
    header(&m, 9, 0x8180, 1, 3);
    question(&m, "www.shop.example", 1);
    rr_head(&m, 12, 5, 300, 0);
    len_at = m.n - 2;
    rd = m.n;
    name(&m, "shop.edge.cdn.net", -1);
    m.b[len_at] = 0;
    m.b[len_at + 1] = (uint8_t)(m.n - rd);
    /* "edge.cdn.net" starts after the "shop" label of the first target. */
    edge = rd + 5;
    u16(&m, 0xc000 | (unsigned)rd);
    u16(&m, 5);
    u16(&m, 1);
    u32(&m, 20);
    len_at = m.n;
    u16(&m, 0);
    rd = m.n;
    name(&m, "e1", (int)edge);
    m.b[len_at + 1] = (uint8_t)(m.n - rd);
    u16(&m, 0xc000 | (unsigned)rd);
    u16(&m, 1);
    u16(&m, 1);
    u32(&m, 20);
    u16(&m, 4);
    bytes(&m, "\xc6\x33\x64\x07", 4);

    assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
    assert_int_equal(d.nanswers, 3);
    assert_string_equal(d.answers[0].name, "www.shop.example");
    assert_int_equal(d.answers[0].type, 5);
    assert_string_equal(d.answers[0].cname, "shop.edge.cdn.net");
    assert_int_equal(d.answers[0].addr.ver, 0);
    assert_string_equal(d.answers[1].name, "shop.edge.cdn.net");
    assert_string_equal(d.answers[1].cname, "e1.edge.cdn.net");
    assert_string_equal(d.answers[2].name, "e1.edge.cdn.net");
    assert_int_equal(d.answers[2].type, 1);
    assert_memory_equal(d.answers[2].addr.b, "\xc6\x33\x64\x07", 4);
}

static void test_compression_loop(void **state)
{
    struct msg m;
    struct nr_dns_msg d;

    (void)state;
    /* A question name that points at itself. */
    header(&m, 1, 0x0100, 1, 0);
    u16(&m, 0xc00c);
    u16(&m, 1);
    u16(&m, 1);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), NR_EPARSE);

    /* Two names that point at each other, each behind a label so that the name grows. */
    header(&m, 1, 0x8180, 1, 1);
    question(&m, "a.example", 1);
    u8(&m, 1);
    u8(&m, 'x');
    u16(&m, 0xc000 | (unsigned)(m.n + 2));
    u8(&m, 1);
    u8(&m, 'y');
    u16(&m, 0xc000 | (unsigned)(m.n - 6));
    u16(&m, 1);
    u16(&m, 1);
    u32(&m, 1);
    u16(&m, 4);
    u32(&m, 0x01020304);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), NR_EPARSE);
    assert_string_equal(d.qname, "a.example");
    assert_int_equal(d.nanswers, 0);

    /* A pointer past the end of the message. */
    header(&m, 1, 0x0100, 1, 0);
    u16(&m, 0xcfff);
    u16(&m, 1);
    u16(&m, 1);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), NR_EPARSE);
}

/* 32 pointers in a row are followed; the 33rd is not. The chain lies after the last record,
 * where the parser reads only what a pointer leads it to. */
static void test_jump_limit(void **state)
{
    struct msg m;
    struct nr_dns_msg d;

    (void)state;
    for (int jumps = 31; jumps <= 33; jumps++) {
        size_t owner, target;

        header(&m, 1, 0x8180, 0, 1);
        owner = m.n;
        rr_head(&m, 0, 1, 5, 4);
        u32(&m, 0x0a000001);
        target = m.n;
        name(&m, "end", -1);
        /* The owner is the first pointer; jumps - 1 more lead from it to "end". */
        for (int i = 0; i < jumps - 1; i++) {
            size_t here = m.n;
            u16(&m, 0xc000 | (unsigned)target);
            target = here;
        }
        m.b[owner] = (uint8_t)(0xc0 | target >> 8);
        m.b[owner + 1] = (uint8_t)(target & 0xff);
        if (jumps <= 32) {
            assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
            assert_int_equal(d.nanswers, 1);
            assert_string_equal(d.answers[0].name, "end");
        } else {
            assert_int_equal(nr_dns_parse(m.b, m.n, &d), NR_EPARSE);
        }
    }
}

static void test_truncated(void **state)
{
    struct msg m;
    struct nr_dns_msg d;
    size_t qend;

    (void)state;
    header(&m, 3, 0x8180, 1, 2);
    question(&m, "cut.example.org", 28);
    qend = m.n;
    rr_head(&m, 12, 28, 30, 16);
    bytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    rr_head(&m, 12, 28, 30, 16);
    bytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
    assert_int_equal(d.nanswers, 2);
    for (size_t cut = 0; cut < m.n; cut++) {
        if (nr_dns_parse(m.b, cut, &d) != NR_EPARSE)
            fail_msg("message cut at %zu of %zu was not refused", cut, m.n);
        /* What came before the cut stays decoded. */
        if (cut >= qend)
            assert_string_equal(d.qname, "cut.example.org");
        if (cut >= qend + 28)
            assert_int_equal(d.nanswers, 1);
    }
    /* An A record whose data is not 4 bytes. */
    header(&m, 3, 0x8180, 1, 1);
    question(&m, "x.example", 1);
    rr_head(&m, 12, 1, 30, 3);
    bytes(&m, "\1\2\3", 3);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), NR_EPARSE);
}

static void test_nxdomain(void **state)
{
    struct msg m;
    struct nr_dns_msg d;
    size_t zone, len_at, rd;

    (void)state;
    header(&m, 0xbeef, 0x8183, 1, 0);
    m.b[9] = 1; /* one authority record, the zone's SOA: present, and not read */
    question(&m, "nonexistent.example.net", 1);
    zone = 12 + 12;
    rr_head(&m, (unsigned)zone, 6, 900, 0);
    len_at = m.n - 2;
    rd = m.n;
    name(&m, "ns", (int)zone);
    name(&m, "hostmaster", (int)zone);
    for (int i = 0; i < 5; i++)
        u32(&m, 3600);
    m.b[len_at + 1] = (uint8_t)(m.n - rd);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
    assert_true(d.response);
    assert_int_equal(d.rcode, 3);
    assert_string_equal(d.qname, "nonexistent.example.net");
    assert_int_equal(d.nquestions, 1);
    assert_int_equal(d.nanswers_total, 0);
    assert_int_equal(d.nanswers, 0);
}

static void test_unprintable_names(void **state)
{
    struct msg m;
    struct nr_dns_msg d;

    (void)state;
    header(&m, 1, 0x0100, 1, 0);
    u8(&m, 5);
    bytes(&m,
          "\x01"
          "A b\xff",
          5);
    u8(&m, 3);
    bytes(&m, "x.y", 3);
    u8(&m, 3);
    bytes(&m, "COM", 3);
    u8(&m, 0);
    u16(&m, 16);
    u16(&m, 1);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
    assert_string_equal(d.qname, "?a?b?.x?y.com");
    assert_int_equal(d.qtype, 16);

    /* The root name. */
    header(&m, 1, 0x0100, 1, 0);
    question(&m, "", 2);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
    assert_string_equal(d.qname, "");

    /* An extended label type (0x40) is refused. */
    header(&m, 1, 0x0100, 1, 0);
    u8(&m, 0x41);
    u8(&m, 'a');
    u8(&m, 0);
    u16(&m, 1);
    u16(&m, 1);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), NR_EPARSE);
}

static void test_name_length(void **state)
{
    char longest[300], label[64], a63[64];
    struct msg m;
    struct nr_dns_msg d;

    (void)state;
    memset(label, 'a', 63);
    label[63] = '\0';
    memcpy(a63, label, sizeof(a63));
    /* Four labels of 63 and one of 1: 4*64 + 2 + 1 = 259 octets, over the 255 of RFC 1035. */
    snprintf(longest, sizeof(longest), "%s.%s.%s.%s.b", label, label, label, label);
    header(&m, 1, 0x0100, 1, 0);
    question(&m, longest, 1);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), NR_EPARSE);
    /* Three of 63 and one of 61: 3*64 + 62 + 1 = 255, the longest allowed. */
    label[61] = '\0';
    snprintf(longest, sizeof(longest), "%s.%s.%s.%s", a63, a63, a63, label);
    header(&m, 1, 0x0100, 1, 0);
    question(&m, longest, 1);
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
    assert_int_equal(strlen(d.qname), 253);
    assert_string_equal(d.qname, longest);
}

static void test_answer_cap_and_other_types(void **state)
{
    struct msg m;
    struct nr_dns_msg d;

    (void)state;
    header(&m, 1, 0x8180, 1, 40);
    question(&m, "many.example", 1);
    /* An MX first: kept with owner, type and TTL but no data. */
    rr_head(&m, 12, 15, 77, 4);
    u16(&m, 10);
    u16(&m, 0xc00c);
    for (int i = 1; i < 40; i++) {
        rr_head(&m, 12, 1, (uint32_t)i, 4);
        u32(&m, 0x0a000000u + (uint32_t)i);
    }
    assert_int_equal(nr_dns_parse(m.b, m.n, &d), 0);
    assert_int_equal(d.nanswers_total, 40);
    assert_int_equal(d.nanswers, NR_DNS_MAX_ANSWERS);
    assert_int_equal(d.answers[0].type, 15);
    assert_int_equal(d.answers[0].ttl, 77);
    assert_int_equal(d.answers[0].addr.ver, 0);
    assert_string_equal(d.answers[0].name, "many.example");
    assert_string_equal(d.answers[0].cname, "");
    assert_int_equal(d.answers[31].addr.b[3], 31);
    /* Records past the cap are still checked: a cut one is refused. */
    assert_int_equal(nr_dns_parse(m.b, m.n - 1, &d), NR_EPARSE);
    assert_int_equal(nr_dns_parse(NULL, 0, &d), NR_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query),       cmocka_unit_test(test_a_and_aaaa),
        cmocka_unit_test(test_cname_chain), cmocka_unit_test(test_compression_loop),
        cmocka_unit_test(test_jump_limit),  cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_nxdomain),    cmocka_unit_test(test_unprintable_names),
        cmocka_unit_test(test_name_length), cmocka_unit_test(test_answer_cap_and_other_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
