/*
 * tls.c - the TLS ClientHello decoder of appdec.h (nr_tls_client_hello): the record and hello
 * versions, the server name (RFC 6066 3, host_name entries) and the first ALPN protocol (RFC
 * 7301), read from the client's first payload of a flow.
 *
 * That payload is one TCP segment, so the hello may continue in a later segment; the decoder reads
 * what is there and says whether the hello was complete. The handshake message may also be split
 * over several records (RFC 8446 5.1), so bytes are read through a cursor that steps over record
 * headers instead of copying the message: nothing is allocated, and every length is checked both
 * against the bytes given (a cut: decode as far as it goes) and against the enclosing length (a
 * contradiction: NR_EPARSE).
 */
#include "netreview/appdec.h"

#include <string.h>

#include "netreview/banned.h"

#define TLS_RECORD_HDR      5
#define TLS_RECORD_MAX      (16384 + 2048) /* TLSCiphertext limit, RFC 8446 5.2 */
#define TLS_CT_HANDSHAKE    22
#define TLS_HS_CLIENT_HELLO 1
#define TLS_EXT_SERVER_NAME 0
#define TLS_EXT_ALPN        16
#define TLS_SNI_HOST_NAME   0

/* The handshake byte stream as carried by consecutive handshake records. */
struct cursor {
    const uint8_t *p;
    size_t n;
    size_t pos;      /* next byte of p */
    size_t rec_left; /* bytes of the current record after pos */
    size_t read;     /* handshake bytes consumed so far */
    bool bad;        /* a later record is not a handshake record */
};

enum { GOT, CUT, BAD };

/* Makes the next handshake byte available at c->p[c->pos], entering the next record when the
 * current one is used up. */
static int cur_ready(struct cursor *c)
{
    while (c->rec_left == 0) {
        if (c->n - c->pos < TLS_RECORD_HDR)
            return CUT;
        if (c->p[c->pos] != TLS_CT_HANDSHAKE || c->p[c->pos + 1] != 3) {
            c->bad = true;
            return BAD;
        }
        c->rec_left = (size_t)(c->p[c->pos + 3] << 8 | c->p[c->pos + 4]);
        if (c->rec_left == 0 || c->rec_left > TLS_RECORD_MAX) {
            c->bad = true;
            return BAD;
        }
        c->pos += TLS_RECORD_HDR;
    }
    return c->pos < c->n ? GOT : CUT;
}

/* Reads k bytes into out (or skips them when out is NULL). */
static int cur_read(struct cursor *c, uint8_t *out, size_t k)
{
    while (k > 0) {
        int r = cur_ready(c);
        size_t chunk;
        if (r != GOT)
            return r;
        chunk = c->rec_left;
        if (chunk > c->n - c->pos)
            chunk = c->n - c->pos;
        if (chunk > k)
            chunk = k;
        if (out != NULL) {
            memcpy(out, c->p + c->pos, chunk);
            out += chunk;
        }
        c->pos += chunk;
        c->rec_left -= chunk;
        c->read += chunk;
        k -= chunk;
    }
    return GOT;
}

static int cur_u8(struct cursor *c, size_t *v)
{
    uint8_t b;
    int r = cur_read(c, &b, 1);
    *v = b;
    return r;
}

static int cur_u16(struct cursor *c, size_t *v)
{
    uint8_t b[2];
    int r = cur_read(c, b, 2);
    *v = (size_t)(b[0] << 8 | b[1]);
    return r;
}

static void put_name(char *out, size_t cap, const uint8_t *s, size_t k, bool lower)
{
    if (k >= cap)
        k = cap - 1;
    for (size_t i = 0; i < k; i++) {
        uint8_t b = s[i];
        if (lower && b >= 'A' && b <= 'Z')
            b = (uint8_t)(b - 'A' + 'a');
        else if (b < 0x21 || b > 0x7e)
            b = '?';
        out[i] = (char)b;
    }
    out[k] = '\0';
}

/* server_name: a list of (type, name); the first host_name is the one servers act on. */
static int parse_sni(const uint8_t *e, size_t k, struct nr_tls_hello *h)
{
    size_t list, off = 2;

    if (k < 2)
        return NR_EPARSE;
    list = (size_t)(e[0] << 8 | e[1]);
    if (list != k - 2)
        return NR_EPARSE;
    while (off < k) {
        size_t len;
        if (k - off < 3)
            return NR_EPARSE;
        len = (size_t)(e[off + 1] << 8 | e[off + 2]);
        if (k - off - 3 < len)
            return NR_EPARSE;
        if (e[off] == TLS_SNI_HOST_NAME && h->sni[0] == '\0' && len > 0)
            put_name(h->sni, sizeof(h->sni), e + off + 3, len, true);
        off += 3 + len;
    }
    return 0;
}

static int parse_alpn(const uint8_t *e, size_t k, struct nr_tls_hello *h)
{
    size_t list;

    if (k < 3)
        return NR_EPARSE;
    list = (size_t)(e[0] << 8 | e[1]);
    if (list != k - 2 || e[2] == 0 || (size_t)e[2] > list - 1)
        return NR_EPARSE;
    put_name(h->alpn, sizeof(h->alpn), e + 3, e[2], false);
    return 0;
}

/* Returns 0 when the hello parsed (complete or cut), NR_EPARSE on a contradiction. */
static int parse_hello(struct cursor *c, size_t body, struct nr_tls_hello *h)
{
    /* An extension's data is copied whole so that it can be read across a record boundary;
     * server_name and ALPN are the only ones read, and both fit their caps well below this. */
    uint8_t ext[1024];
    size_t v, len, exts_len, start = c->read;
    int r;

#define NEED(expr)                                                                                 \
    do {                                                                                           \
        r = (expr);                                                                                \
        if (r == CUT)                                                                              \
            return 0;                                                                              \
        if (r == BAD)                                                                              \
            return NR_EPARSE;                                                                      \
    } while (0)
#define USED (c->read - start)

    /* Every length is checked against what is left of the message before it is used, so
     * that USED never passes body. */
    if (body < 2 + 32 + 1 + 2 + 2 + 1 + 1)
        return NR_EPARSE;
    NEED(cur_u16(c, &v));
    h->hello_version = (uint16_t)v;
    if ((v >> 8) != 3)
        return NR_EPARSE;
    NEED(cur_read(c, NULL, 32));
    NEED(cur_u8(c, &len));
    if (len > 32 || len > body - USED)
        return NR_EPARSE;
    NEED(cur_read(c, NULL, len));
    if (body - USED < 2)
        return NR_EPARSE;
    NEED(cur_u16(c, &len));
    if (len < 2 || len % 2 != 0 || len > body - USED)
        return NR_EPARSE;
    NEED(cur_read(c, NULL, len));
    if (body - USED < 1)
        return NR_EPARSE;
    NEED(cur_u8(c, &len));
    if (len < 1 || len > body - USED)
        return NR_EPARSE;
    NEED(cur_read(c, NULL, len));
    if (USED == body) {
        /* A hello without extensions (SSL 3.0 style): complete, and without a server name. */
        h->complete = true;
        return 0;
    }
    if (body - USED < 2)
        return NR_EPARSE;
    NEED(cur_u16(c, &exts_len));
    if (exts_len != body - USED)
        return NR_EPARSE;
    while (USED < body) {
        size_t type, k;
        if (body - USED < 4)
            return NR_EPARSE;
        NEED(cur_u16(c, &type));
        NEED(cur_u16(c, &k));
        if (k > body - USED)
            return NR_EPARSE;
        if ((type == TLS_EXT_SERVER_NAME || type == TLS_EXT_ALPN) && k <= sizeof(ext)) {
            int rc;
            NEED(cur_read(c, ext, k));
            rc = type == TLS_EXT_SERVER_NAME ? parse_sni(ext, k, h) : parse_alpn(ext, k, h);
            if (rc != 0)
                return rc;
        } else {
            NEED(cur_read(c, NULL, k));
        }
    }
    h->complete = true;
    return 0;
#undef NEED
#undef USED
}

int nr_tls_client_hello(const uint8_t *p, size_t n, struct nr_tls_hello *h)
{
    struct cursor c = {.p = p, .n = n};
    size_t type = 0, body = 0;
    int r, rc;

    memset(h, 0, sizeof(*h));
    if (p == NULL || n == 0)
        return NR_EPARSE;
    if (n < TLS_RECORD_HDR) {
        /* The start of a handshake record, cut before its header ended. */
        if (p[0] == TLS_CT_HANDSHAKE && (n < 2 || p[1] == 3) && (n < 3 || p[2] <= 4))
            return NR_ENOTFOUND;
        return NR_EPARSE;
    }
    if (p[1] != 3 || p[2] > 4)
        return NR_EPARSE;
    h->record_version = (uint16_t)(p[1] << 8 | p[2]);
    /* change_cipher_spec, alert, application_data: TLS, but not a hello. */
    if (p[0] >= 20 && p[0] <= 23 && p[0] != TLS_CT_HANDSHAKE)
        return NR_ENOTFOUND;
    if (p[0] != TLS_CT_HANDSHAKE)
        return NR_EPARSE;
    r = cur_u8(&c, &type);
    if (r == GOT) {
        uint8_t b[3];
        r = cur_read(&c, b, 3);
        body = (size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2];
    }
    if (r == BAD)
        return NR_EPARSE;
    if (r == CUT)
        return NR_ENOTFOUND;
    if (type != TLS_HS_CLIENT_HELLO)
        return type <= 24 ? NR_ENOTFOUND : NR_EPARSE;
    if ((rc = parse_hello(&c, body, h)) != 0)
        return rc;
    return h->sni[0] != '\0' ? 0 : NR_ENOTFOUND;
}
