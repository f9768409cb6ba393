/*
 * dns.c - the DNS message decoder of appdec.h (nr_dns_parse): header, first question and the
 * answer section, so that the traffic analysis can tie an address to the name that resolved to
 * it. It runs on the first packets of every DNS flow of a capture, so it allocates nothing and
 * its work is bounded by the message size: names follow at most 32 compression pointers and may
 * not exceed the 255 octets of RFC 1035 2.3.4, every record consumes at least 11 bytes of the
 * message, and records past the kept ones are skipped without following their pointers.
 *
 * Names are written lower case, dot separated, without the trailing dot. A byte that is not a
 * graphic ASCII character, and a dot inside a label, are written as "?" so that a name always
 * reads back as the labels it had.
 */
#include "netreview/appdec.h"

#include <string.h>

#include "netreview/banned.h"

#define DNS_HDR_LEN       12
#define DNS_MAX_JUMPS     32
#define DNS_NAME_WIRE_MAX 255

#define DNS_TYPE_A     1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA  28

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decodes the name at *off into out (NR_DNS_NAME_MAX bytes) and moves *off past the name as it
 * stands at *off (a pointer ends it). Work is bounded by the jump count and the wire cap. */
static int read_name(const uint8_t *p, size_t n, size_t *off, char *out)
{
    size_t pos = *off, end = 0, len = 0, wire = 0;
    int jumps = 0;
    bool jumped = false;

    for (;;) {
        uint8_t c;

        if (pos >= n)
            return NR_EPARSE;
        c = p[pos];
        if ((c & 0xc0) == 0xc0) {
            if (pos + 1 >= n)
                return NR_EPARSE;
            if (!jumped) {
                end = pos + 2;
                jumped = true;
            }
            if (++jumps > DNS_MAX_JUMPS)
                return NR_EPARSE;
            pos = (size_t)(c & 0x3f) << 8 | p[pos + 1];
            continue;
        }
        /* 0x40 and 0x80 are the extended label types of RFC 6891 / 2673: no longer in use. */
        if (c & 0xc0)
            return NR_EPARSE;
        wire += 1u + c;
        if (wire > DNS_NAME_WIRE_MAX)
            return NR_EPARSE;
        if (c == 0) {
            if (!jumped)
                end = pos + 1;
            break;
        }
        if (pos + 1 + c > n)
            return NR_EPARSE;
        /* The wire cap keeps the text (at most 253 characters) inside NR_DNS_NAME_MAX. */
        if (len > 0)
            out[len++] = '.';
        for (size_t i = 0; i < c; i++) {
            uint8_t b = p[pos + 1 + i];
            if (b >= 'A' && b <= 'Z')
                b = (uint8_t)(b - 'A' + 'a');
            else if (b < 0x21 || b > 0x7e || b == '.')
                b = '?';
            out[len++] = (char)b;
        }
        pos += 1u + c;
    }
    out[len] = '\0';
    *off = end;
    return 0;
}

/* Moves *off past the name at *off without following its pointer, for records that are not
 * kept: a pointer's target is only read when the name is wanted. */
static int skip_name(const uint8_t *p, size_t n, size_t *off)
{
    size_t pos = *off;

    for (;;) {
        uint8_t c;

        if (pos >= n)
            return NR_EPARSE;
        c = p[pos];
        if ((c & 0xc0) == 0xc0) {
            pos += 2;
            break;
        }
        if (c & 0xc0)
            return NR_EPARSE;
        pos += 1u + c;
        if (c == 0)
            break;
        if (pos - *off > DNS_NAME_WIRE_MAX)
            return NR_EPARSE;
    }
    if (pos > n)
        return NR_EPARSE;
    *off = pos;
    return 0;
}

static int read_answer(const uint8_t *p, size_t n, size_t *off, struct nr_dns_answer *a)
{
    size_t pos = *off, rdata;
    uint16_t rdlen;
    int rc;

    memset(a, 0, sizeof(*a));
    if ((rc = read_name(p, n, &pos, a->name)) != 0)
        return rc;
    if (n - pos < 10)
        return NR_EPARSE;
    a->type = get16(p + pos);
    a->ttl = get32(p + pos + 4);
    rdlen = get16(p + pos + 8);
    rdata = pos + 10;
    if (n - rdata < rdlen)
        return NR_EPARSE;
    switch (a->type) {
    case DNS_TYPE_A:
        if (rdlen != 4)
            return NR_EPARSE;
        a->addr.ver = 4;
        memcpy(a->addr.b, p + rdata, 4);
        break;
    case DNS_TYPE_AAAA:
        if (rdlen != 16)
            return NR_EPARSE;
        a->addr.ver = 6;
        memcpy(a->addr.b, p + rdata, 16);
        break;
    case DNS_TYPE_CNAME: {
        size_t t = rdata;
        if ((rc = read_name(p, n, &t, a->cname)) != 0)
            return rc;
        if (t != rdata + rdlen)
            return NR_EPARSE;
        break;
    }
    default:
        /* Other types keep owner, type and TTL; their data is skipped by its length. */
        break;
    }
    *off = rdata + rdlen;
    return 0;
}

static int skip_record(const uint8_t *p, size_t n, size_t *off)
{
    size_t pos = *off;
    int rc;

    if ((rc = skip_name(p, n, &pos)) != 0)
        return rc;
    if (n - pos < 10)
        return NR_EPARSE;
    pos += 10;
    if (n - pos < get16(p + pos - 2))
        return NR_EPARSE;
    *off = pos + get16(p + pos - 2);
    return 0;
}

int nr_dns_parse(const uint8_t *p, size_t n, struct nr_dns_msg *m)
{
    size_t off = DNS_HDR_LEN;
    uint16_t flags;
    int rc;

    m->id = 0;
    m->response = false;
    m->opcode = m->rcode = 0;
    m->qname[0] = '\0';
    m->qtype = 0;
    m->nquestions = m->nanswers_total = 0;
    m->nanswers = 0;
    if (p == NULL || n < DNS_HDR_LEN)
        return NR_EPARSE;
    m->id = get16(p);
    flags = get16(p + 2);
    m->response = (flags & 0x8000) != 0;
    m->opcode = (uint8_t)(flags >> 11 & 0x0f);
    m->rcode = (uint8_t)(flags & 0x0f);
    m->nquestions = get16(p + 4);
    m->nanswers_total = get16(p + 6);

    for (uint16_t i = 0; i < m->nquestions; i++) {
        if (i == 0)
            rc = read_name(p, n, &off, m->qname);
        else
            rc = skip_name(p, n, &off);
        if (rc != 0)
            return rc;
        if (n - off < 4)
            return NR_EPARSE;
        if (i == 0)
            m->qtype = get16(p + off);
        off += 4;
    }
    /* A truncated message keeps what was decoded before the cut (the question, the first
     * answers) and still says NR_EPARSE: the caller may use them, knowing they are partial. */
    for (uint16_t i = 0; i < m->nanswers_total; i++) {
        if (m->nanswers < NR_DNS_MAX_ANSWERS) {
            if ((rc = read_answer(p, n, &off, &m->answers[m->nanswers])) != 0)
                return rc;
            m->nanswers++;
        } else if ((rc = skip_record(p, n, &off)) != 0) {
            return rc;
        }
    }
    return 0;
}
