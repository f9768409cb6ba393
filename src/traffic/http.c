/*
 * http.c - the HTTP/1.x request decoder of appdec.h (nr_http_request): method, target, Host,
 * User-Agent and the two ways a request carries credentials in clear text that a review must
 * see: an Authorization: Basic header and a password in the target. Either is flagged and the
 * password itself is never kept: the target is stored with it replaced by "***".
 *
 * It reads the client's payload of one segment, so the request may be cut anywhere; it decodes
 * as far as the bytes go and never takes a line that was cut (a half Host would name another
 * host). It is a monitor, not a server: a header line it cannot read is skipped rather than
 * failing the whole request. Nothing is allocated. The Basic credentials are decoded into a stack
 * buffer only to take the user name; the buffer is wiped before returning, and the password is
 * never copied anywhere else.
 */
#include "netreview/appdec.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>
#include <strings.h>

#include "netreview/banned.h"

/* Base64 characters decoded at most from a Basic credential: enough for a user name far longer
 * than basic_user keeps. */
#define BASIC_B64_MAX 344

static bool is_method_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

/* Copies k bytes of s into out (cap bytes), cut to fit, with "?" for non-printable bytes. */
static void put_text(char *out, size_t cap, const uint8_t *s, size_t k, bool lower)
{
    if (k >= cap)
        k = cap - 1;
    for (size_t i = 0; i < k; i++) {
        uint8_t b = s[i];
        if (lower && b >= 'A' && b <= 'Z')
            b = (uint8_t)(b - 'A' + 'a');
        else if (b < 0x20 || b > 0x7e)
            b = '?';
        out[i] = (char)b;
    }
    out[k] = '\0';
}

/* Host is "name", "name:port", "[v6]" or "[v6]:port"; the port goes and so do the brackets, so
 * that the host compares with names from DNS and TLS and with formatted addresses. */
static void put_host(char *out, size_t cap, const uint8_t *s, size_t k)
{
    if (k > 0 && s[0] == '[') {
        const uint8_t *close = memchr(s, ']', k);
        if (close != NULL) {
            put_text(out, cap, s + 1, (size_t)(close - s - 1), true);
            return;
        }
    } else {
        for (size_t i = k; i > 0; i--) {
            if (s[i - 1] == ':') {
                k = i - 1;
                break;
            }
            if (s[i - 1] < '0' || s[i - 1] > '9')
                break;
        }
    }
    put_text(out, cap, s, k, true);
}

/* Takes the user name of "Basic <base64(user:password)>". */
static void basic_user(const uint8_t *v, size_t k, struct nr_http_req *r)
{
    unsigned char b64[BASIC_B64_MAX + 4], plain[BASIC_B64_MAX / 4 * 3 + 3];
    size_t len = 0;
    int got;

    while (len < k && len < BASIC_B64_MAX && v[len] != ' ' && v[len] != '\t')
        len++;
    if (len == 0)
        return;
    memcpy(b64, v, len);
    /* EVP_DecodeBlock wants whole quads: pad a credential sent without "=". */
    while (len % 4 != 0)
        b64[len++] = '=';
    got = EVP_DecodeBlock(plain, b64, (int)len);
    if (got > 0) {
        const unsigned char *colon = memchr(plain, ':', (size_t)got);
        /* Without a colon the credential cannot be split: nothing is taken rather than risk
         * keeping a password. */
        if (colon != NULL)
            put_text(r->basic_user, sizeof(r->basic_user), plain, (size_t)(colon - plain), false);
    }
    OPENSSL_cleanse(plain, sizeof(plain));
    OPENSSL_cleanse(b64, sizeof(b64));
}

/* Whether c may be byte i of "HTTP/d.d". */
static bool version_char(size_t i, uint8_t c)
{
    if (i < 5)
        return c == (uint8_t) "HTTP/"[i];
    if (i == 6)
        return c == '.';
    return c >= '0' && c <= '9';
}

static bool name_is(const uint8_t *s, size_t k, const char *name)
{
    return strlen(name) == k && strncasecmp((const char *)s, name, k) == 0;
}

/* The output of a target copy: cut at the field's size, "?" for non-printable bytes. */
struct out {
    char *p;
    size_t cap, len;
};

static void emit(struct out *o, const uint8_t *s, size_t k)
{
    for (size_t i = 0; i < k && o->len + 1 < o->cap; i++)
        o->p[o->len++] = s[i] < 0x20 || s[i] > 0x7e ? '?' : (char)s[i];
    o->p[o->len] = '\0';
}

/* Length of the credential key (password=, passwd=, pwd=) at s, 0 when there is none. */
static size_t credential_key(const uint8_t *s, size_t k)
{
    static const char *const keys[] = {"password=", "passwd=", "pwd="};
    for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++) {
        size_t kl = strlen(keys[j]);
        if (k >= kl && strncasecmp((const char *)s, keys[j], kl) == 0)
            return kl;
    }
    return 0;
}

/* Copies the target into r->target with the passwords it carries replaced by "***": a
 * password parameter of the query, or the password of a user:password@ in an absolute
 * target's authority. Sets credentials_in_target when there was one. */
static void put_target(const uint8_t *t, size_t k, struct nr_http_req *r)
{
    struct out o = {r->target, sizeof(r->target), 0};
    const uint8_t *q = memchr(t, '?', k);
    size_t qpos = q != NULL ? (size_t)(q - t) : k;
    size_t pw = k, pw_end = k, i = 0;

    /* scheme "://" authority: the password runs from the first ':' to the '@'. */
    for (size_t s = 0; s + 2 < qpos; s++) {
        if (t[s] == '/')
            break;
        if (t[s] == ':' && t[s + 1] == '/' && t[s + 2] == '/') {
            size_t a = s + 3, e = a, colon = k;
            while (e < qpos && t[e] != '/' && t[e] != '#')
                e++;
            for (size_t c = a; c < e; c++) {
                if (t[c] == ':' && colon == k)
                    colon = c;
                if (t[c] == '@' && colon < c) {
                    pw = colon + 1;
                    pw_end = c;
                }
            }
            break;
        }
    }
    r->target[0] = '\0';
    while (i < k) {
        size_t kl;
        if (i == pw) {
            r->credentials_in_target = true;
            emit(&o, (const uint8_t *)"***", 3);
            /* Once only: an empty password ("u:@h") would otherwise stop i here forever. */
            pw = k;
            i = pw_end;
            continue;
        }
        emit(&o, t + i, 1);
        if (i >= qpos && (t[i] == '?' || t[i] == '&' || t[i] == ';') &&
            (kl = credential_key(t + i + 1, k - i - 1)) > 0) {
            r->credentials_in_target = true;
            emit(&o, t + i + 1, kl);
            emit(&o, (const uint8_t *)"***", 3);
            i += 1 + kl;
            while (i < k && t[i] != '&' && t[i] != ';' && t[i] != '#')
                i++;
            continue;
        }
        i++;
    }
}

static void header(const uint8_t *s, size_t k, struct nr_http_req *r)
{
    const uint8_t *colon = memchr(s, ':', k);
    size_t nk, vk;
    const uint8_t *v;

    if (colon == NULL || colon == s)
        return;
    nk = (size_t)(colon - s);
    v = colon + 1;
    vk = k - nk - 1;
    while (vk > 0 && (*v == ' ' || *v == '\t'))
        v++, vk--;
    while (vk > 0 && (v[vk - 1] == ' ' || v[vk - 1] == '\t'))
        vk--;
    if (name_is(s, nk, "host")) {
        if (r->host[0] == '\0')
            put_host(r->host, sizeof(r->host), v, vk);
    } else if (name_is(s, nk, "user-agent")) {
        if (r->user_agent[0] == '\0')
            put_text(r->user_agent, sizeof(r->user_agent), v, vk, false);
    } else if (name_is(s, nk, "authorization") || name_is(s, nk, "proxy-authorization")) {
        if (vk > 6 && strncasecmp((const char *)v, "basic", 5) == 0 &&
            (v[5] == ' ' || v[5] == '\t')) {
            size_t skip = 6;
            while (skip < vk && (v[skip] == ' ' || v[skip] == '\t'))
                skip++;
            r->basic_auth = true;
            if (r->basic_user[0] == '\0')
                basic_user(v + skip, vk - skip, r);
        }
    }
}

int nr_http_request(const uint8_t *p, size_t n, struct nr_http_req *r)
{
    size_t m = 0, t, tend, pos;

    memset(r, 0, sizeof(*r));
    if (p == NULL)
        return NR_EPARSE;
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0)
        return NR_ENOTFOUND;
    while (m < n && m < sizeof(r->method) && is_method_char(p[m]))
        m++;
    if (m == 0 || m >= n || m >= sizeof(r->method) || p[m] != ' ')
        return NR_EPARSE;
    memcpy(r->method, p, m);
    r->method[m] = '\0';

    t = m + 1;
    tend = t;
    while (tend < n && p[tend] > 0x20 && p[tend] != 0x7f)
        tend++;
    if (tend == t)
        return tend < n ? NR_EPARSE : NR_ENOTFOUND;
    put_target(p + t, tend - t, r);
    /* The request line is complete only with its version: "HTTP/d.d" and the line end. */
    if (tend == n)
        return NR_ENOTFOUND;
    if (p[tend] != ' ')
        return NR_EPARSE;
    pos = tend + 1;
    for (size_t i = 0; i < 8; i++) {
        if (pos + i == n)
            return NR_ENOTFOUND;
        if (!version_char(i, p[pos + i]))
            return NR_EPARSE;
    }
    pos += 8;
    if (pos < n && p[pos] == '\r')
        pos++;
    if (pos == n)
        return NR_ENOTFOUND;
    if (p[pos] != '\n')
        return NR_EPARSE;
    pos++;

    /* Header lines until the blank line; a line without its end was cut and is not taken. */
    while (pos < n) {
        const uint8_t *nl = memchr(p + pos, '\n', n - pos);
        size_t k;
        if (nl == NULL)
            break;
        k = (size_t)(nl - (p + pos));
        if (k > 0 && p[pos + k - 1] == '\r')
            k--;
        if (k == 0)
            break;
        /* A line starting with white space continues the previous one (obsolete folding): a
         * continuation of Host or Authorization is not worth guessing at. */
        if (p[pos] != ' ' && p[pos] != '\t')
            header(p + pos, k, r);
        pos = (size_t)(nl - p) + 1;
    }
    return 0;
}
