/*
 * ident.c - CPE 2.3 formatted strings and package URLs: parsing into canonical form, name
 * matching, formatting (interface: ident.h, which states the accepted syntax and the
 * normalisations).
 *
 * Both parsers canonicalise while they parse, so that two spellings of one identifier give one
 * stored form and the gate can compare stored forms byte for byte. Both only accept printable
 * ASCII, which keeps every error message printable too.
 */
#include "netreview/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netreview/banned.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_digit(c) || is_alpha(c);
}

static bool is_print(char c)
{
    return (unsigned char)c > 0x20 && (unsigned char)c < 0x7f;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* Copies up to n bytes of s for an error message: printable ASCII only, at most 48 shown. */
struct clip {
    char s[56];
};

static const char *clip(struct clip *c, const char *s, size_t n)
{
    size_t i, k = 0;
    for (i = 0; i < n && s[i] && k < 48; i++)
        c->s[k++] = (is_print(s[i]) || s[i] == ' ') ? s[i] : '?';
    if (i < n && s[i]) {
        memcpy(c->s + k, "...", 3);
        k += 3;
    }
    c->s[k] = '\0';
    return c->s;
}

/* --- CPE 2.3 ------------------------------------------------------------------------------ */

static const char *const cpe_attr_names[NR_CPE__COUNT] = {
    "part",     "vendor",     "product",   "version",   "update", "edition",
    "language", "sw_edition", "target_sw", "target_hw", "other",
};

const char *nr_cpe_attr_name(enum nr_cpe_attr a)
{
    return (a >= 0 && a < NR_CPE__COUNT) ? cpe_attr_names[a] : "?";
}

void nr_cpe_init(struct nr_cpe *c)
{
    for (int i = 0; i < NR_CPE__COUNT; i++)
        c->attr[i] = NULL;
    c->block = NULL;
}

void nr_cpe_release(struct nr_cpe *c)
{
    nr_free(c->block);
    nr_cpe_init(c);
}

static int cpe_fail(struct nr_err *err, int a, const char *problem)
{
    return nr_err_set(err, NR_EPARSE, "cpe", "cpe: %s: %s", cpe_attr_names[a], problem);
}

/* language := 2*3ALPHA [ "-" ( 2ALPHA / 3DIGIT ) ] */
static bool is_langtag(const char *v, size_t n)
{
    size_t i = 0;
    while (i < n && is_alpha(v[i]))
        i++;
    if (i < 2 || i > 3)
        return false;
    if (i == n)
        return true;
    if (v[i] != '-')
        return false;
    const char *r = v + i + 1;
    size_t rn = n - i - 1;
    if (rn == 2)
        return is_alpha(r[0]) && is_alpha(r[1]);
    if (rn == 3)
        return is_digit(r[0]) && is_digit(r[1]) && is_digit(r[2]);
    return false;
}

/* Validates component v[0..n) of attribute a and writes its canonical form to out (at most n
 * bytes plus a NUL). */
static int cpe_component(int a, const char *v, size_t n, char *out, struct nr_err *err)
{
    struct clip cl;
    size_t i = 0, k = 0, body = 0;
    char problem[128];

    if (n == 0)
        return cpe_fail(err, a, "empty value (use * for any, - for not applicable)");
    if (n == 1 && (v[0] == '*' || v[0] == '-')) {
        out[0] = v[0];
        out[1] = '\0';
        return 0;
    }
    if (a == NR_CPE_PART) {
        char p = lower(v[0]);
        if (n != 1 || (p != 'a' && p != 'o' && p != 'h')) {
            snprintf(problem, sizeof(problem), "\"%s\" must be a, o, h, * or -", clip(&cl, v, n));
            return cpe_fail(err, a, problem);
        }
        out[0] = p;
        out[1] = '\0';
        return 0;
    }
    if (a == NR_CPE_LANGUAGE) {
        if (!is_langtag(v, n)) {
            snprintf(problem, sizeof(problem), "\"%s\" is not a language tag such as en or en-us",
                     clip(&cl, v, n));
            return cpe_fail(err, a, problem);
        }
        for (i = 0; i < n; i++)
            out[i] = lower(v[i]);
        out[n] = '\0';
        return 0;
    }
    if (n == 2 && v[0] == '\\' && v[1] == '-') {
        /* A lone quoted hyphen stays quoted: unquoted it would read as NA. */
        memcpy(out, "\\-", 3);
        return 0;
    }

    /* Leading wildcard: one "*" or a run of "?". */
    if (v[0] == '*') {
        out[k++] = v[i++];
    } else {
        while (i < n && v[i] == '?')
            out[k++] = v[i++];
    }
    while (i < n) {
        char c = v[i];
        if (c == '\\') {
            if (i + 1 == n)
                return cpe_fail(err, a, "a backslash ends the value");
            char d = v[i + 1];
            if (!is_print(d) || is_alnum(d)) {
                snprintf(problem, sizeof(problem), "bad escape \"\\%c\"", is_print(d) ? d : '?');
                return cpe_fail(err, a, problem);
            }
            if (d == '-' || d == '.' || d == '_') {
                out[k++] = d;
            } else {
                out[k++] = '\\';
                out[k++] = d;
            }
            i += 2;
            body++;
        } else if (is_alnum(c) || c == '-' || c == '.' || c == '_') {
            out[k++] = lower(c);
            i++;
            body++;
        } else if (c == '*' || c == '?') {
            /* Only a trailing "*" or run of "?" may follow the body. */
            size_t j = i + 1;
            if (c == '?')
                while (j < n && v[j] == '?')
                    j++;
            if (body == 0) {
                snprintf(problem, sizeof(problem), "wildcard \"%c\" without a value around it", c);
                return cpe_fail(err, a, problem);
            }
            if (j != n) {
                snprintf(problem, sizeof(problem), "unescaped \"%c\" inside the value", c);
                return cpe_fail(err, a, problem);
            }
            while (i < n)
                out[k++] = v[i++];
        } else if (is_print(c)) {
            snprintf(problem, sizeof(problem), "unescaped \"%c\" (quote it as \\%c)", c, c);
            return cpe_fail(err, a, problem);
        } else {
            snprintf(problem, sizeof(problem), "byte 0x%02x is not allowed", (unsigned char)c);
            return cpe_fail(err, a, problem);
        }
    }
    if (body == 0) {
        snprintf(problem, sizeof(problem), "wildcard \"%c\" without a value around it", v[0]);
        return cpe_fail(err, a, problem);
    }
    out[k] = '\0';
    return 0;
}

int nr_cpe_parse(struct nr_cpe *c, const char *s, struct nr_err *err)
{
    struct nr_cpe tmp;
    struct clip cl;
    size_t len = strlen(s), start[NR_CPE__COUNT], end[NR_CPE__COUNT];
    const char *rest;
    size_t n = 0, i, rlen;
    char *w;
    int rc;

    nr_cpe_release(c);
    if (len > NR_CPE_MAX)
        return nr_err_set(err, NR_ETOOBIG, "cpe", "cpe: longer than %d characters", NR_CPE_MAX);
    if (strncasecmp(s, "cpe:2.3:", 8) != 0) {
        if (strncasecmp(s, "cpe:/", 5) == 0)
            return nr_err_set(err, NR_EPARSE, "cpe",
                              "cpe: \"%s\" is a CPE 2.2 URI, not a CPE 2.3 formatted string",
                              clip(&cl, s, len));
        return nr_err_set(err, NR_EPARSE, "cpe", "cpe: \"%s\" does not start with \"cpe:2.3:\"",
                          clip(&cl, s, len));
    }
    rest = s + 8;
    rlen = len - 8;

    /* Split on unquoted colons; a backslash always takes the next byte with it. */
    start[0] = 0;
    for (i = 0; i < rlen; i++) {
        if (rest[i] == '\\' && i + 1 < rlen) {
            i++;
        } else if (rest[i] == ':') {
            if (n + 1 == NR_CPE__COUNT) {
                n = NR_CPE__COUNT + 1; /* too many */
                break;
            }
            end[n++] = i;
            start[n] = i + 1;
        }
    }
    if (n < NR_CPE__COUNT) {
        end[n] = rlen;
        n++;
    }
    if (n > NR_CPE__COUNT)
        return nr_err_set(err, NR_EPARSE, "cpe",
                          "cpe: more than 11 components after \"cpe:2.3:\" (part to other)");
    if (n < NR_CPE__COUNT)
        return nr_err_set(err, NR_EPARSE, "cpe",
                          "cpe: %zu components after \"cpe:2.3:\", expected 11 (part to other)", n);

    nr_cpe_init(&tmp);
    tmp.block = nr_malloc(rlen + NR_CPE__COUNT + 1);
    w = tmp.block;
    for (i = 0; i < NR_CPE__COUNT; i++) {
        rc = cpe_component((int)i, rest + start[i], end[i] - start[i], w, err);
        if (rc) {
            nr_cpe_release(&tmp);
            return rc;
        }
        tmp.attr[i] = w;
        w += strlen(w) + 1;
    }
    *c = tmp;
    return 0;
}

bool nr_cpe_has_wildcard(const char *v)
{
    if (strcmp(v, "*") == 0)
        return false;
    for (; *v; v++) {
        if (*v == '\\' && v[1])
            v++;
        else if (*v == '*' || *v == '?')
            return true;
    }
    return false;
}

/* Unquotes and lower-cases v[0..n) into out (n + 1 bytes); returns the length. */
static size_t unquote_lower(const char *v, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '\\' && i + 1 < n)
            i++;
        out[k++] = lower(v[i]);
    }
    out[k] = '\0';
    return k;
}

/* NISTIR 7696 attribute comparison, reduced to "superset or equal". */
static bool cpe_attr_match(const char *p, const char *t)
{
    char body[NR_CPE_MAX + 1], target[NR_CPE_MAX + 1];
    size_t pn = strlen(p), tn = strlen(t), bn, sn, i = 0, end;
    long lead = 0, trail = 0; /* -1: "*", else number of "?" */

    if (strcmp(p, "*") == 0)
        return true;
    if (strcmp(p, "-") == 0)
        return strcmp(t, "-") == 0;
    if (strcmp(t, "*") == 0 || strcmp(t, "-") == 0 || nr_cpe_has_wildcard(t))
        return false;
    if (pn > NR_CPE_MAX || tn > NR_CPE_MAX)
        return false;

    if (p[0] == '*') {
        lead = -1;
        i = 1;
    } else {
        while (i < pn && p[i] == '?') {
            lead++;
            i++;
        }
    }
    /* A trailing wildcard is unquoted when an even number of backslashes precede it. */
    end = pn;
    {
        size_t bs = 0;
        if (end > i && p[end - 1] == '*') {
            for (size_t j = end - 1; j > i && p[j - 1] == '\\'; j--)
                bs++;
            if (bs % 2 == 0) {
                trail = -1;
                end--;
            }
        } else {
            while (end > i && p[end - 1] == '?') {
                bs = 0;
                for (size_t j = end - 1; j > i && p[j - 1] == '\\'; j--)
                    bs++;
                if (bs % 2)
                    break;
                trail++;
                end--;
            }
        }
    }
    bn = unquote_lower(p + i, end - i, body);
    sn = unquote_lower(t, tn, target);
    if (bn > sn)
        return false;
    for (size_t at = 0; at + bn <= sn; at++) {
        if (lead >= 0 && at > (size_t)lead)
            break;
        if (trail >= 0 && sn - at - bn > (size_t)trail)
            continue;
        if (memcmp(target + at, body, bn) == 0)
            return true;
    }
    return false;
}

bool nr_cpe_matches(const struct nr_cpe *pattern, const struct nr_cpe *target)
{
    if (pattern->block == NULL || target->block == NULL)
        return false;
    for (int a = 0; a < NR_CPE__COUNT; a++)
        if (!cpe_attr_match(pattern->attr[a], target->attr[a]))
            return false;
    return true;
}

int nr_cpe_format(const struct nr_cpe *c, struct nr_buf *out)
{
    int rc = nr_buf_puts(out, "cpe:2.3");
    for (int a = 0; a < NR_CPE__COUNT && rc == 0; a++)
        rc = nr_buf_printf(out, ":%s", c->attr[a]);
    return rc;
}

int nr_cpe_product_key(const struct nr_cpe *c, struct nr_buf *out)
{
    return nr_buf_printf(out, "%s:%s", c->attr[NR_CPE_VENDOR], c->attr[NR_CPE_PRODUCT]);
}

int nr_cpe_unquote(const char *v, struct nr_buf *out)
{
    int rc = 0;
    for (; *v && rc == 0; v++) {
        if (*v == '\\' && v[1])
            v++;
        rc = nr_buf_append(out, v, 1);
    }
    return rc;
}

int nr_cpe_version(const struct nr_cpe *c, struct nr_buf *out)
{
    const char *v = c->attr[NR_CPE_VERSION];
    if (v == NULL || strcmp(v, "*") == 0 || strcmp(v, "-") == 0 || nr_cpe_has_wildcard(v))
        return NR_ENOTFOUND;
    return nr_cpe_unquote(v, out);
}

/* --- Package URL -------------------------------------------------------------------------- */

void nr_purl_init(struct nr_purl *p)
{
    p->type = NULL;
    p->namespace = NULL;
    p->name = NULL;
    p->version = NULL;
    p->qualifiers = NULL;
    p->nqualifiers = 0;
    p->subpath = NULL;
    nr_arena_init(&p->arena);
}

void nr_purl_release(struct nr_purl *p)
{
    nr_arena_release(&p->arena);
    nr_purl_init(p);
}

/* Parsing state: a mutable copy of the input at the same offsets, so that a pointer into it
 * gives the column of the original. */
struct purl_parser {
    char *buf;
    struct nr_arena *arena;
    struct nr_err *err;
};

static int hexval(char c)
{
    if (is_digit(c))
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decodes s[0..n) of part into a new arena string. question: a raw "?" is allowed. */
static int purl_decode(struct purl_parser *pp, const char *part, const char *s, size_t n,
                       bool question, char **out)
{
    char *d = nr_arena_alloc(pp->arena, n + 1);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        size_t col = (size_t)(s + i - pp->buf) + 1;
        if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return nr_err_set(pp->err, NR_EPARSE, "purl",
                                  "purl: %s: \"%%\" at column %zu is not followed by two hex "
                                  "digits",
                                  part, col);
            if (hi == 0 && lo == 0)
                return nr_err_set(pp->err, NR_EPARSE, "purl",
                                  "purl: %s: %%00 at column %zu is not allowed", part, col);
            d[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (!is_print(c)) {
            return nr_err_set(pp->err, NR_EPARSE, "purl",
                              "purl: %s: byte 0x%02x at column %zu must be percent-encoded", part,
                              (unsigned char)c, col);
        } else if (c == '#' || (c == '?' && !question)) {
            return nr_err_set(pp->err, NR_EPARSE, "purl",
                              "purl: %s: \"%c\" at column %zu must be percent-encoded", part, c,
                              col);
        } else {
            d[k++] = c;
        }
    }
    d[k] = '\0';
    *out = d;
    return 0;
}

/* Splits s (NUL-terminated, modified) on "/" and decodes each segment, dropping empty ones
 * (and "." / ".." when dots), joined by "/" into *out, or NULL when nothing is left. */
static int purl_segments(struct purl_parser *pp, const char *part, char *s, bool dots,
                         bool question, char **out)
{
    struct nr_buf b;
    struct clip cl;
    int rc = 0;

    nr_buf_init(&b, NR_PURL_MAX);
    *out = NULL;
    while (rc == 0) {
        char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        char *seg;
        if (n > 0) {
            rc = purl_decode(pp, part, s, n, question, &seg);
            if (rc)
                break;
            if (strchr(seg, '/')) {
                rc = nr_err_set(pp->err, NR_EPARSE, "purl",
                                "purl: %s: segment \"%s\" holds an encoded \"/\"", part,
                                clip(&cl, s, n));
                break;
            }
            if (!(dots && (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0)) && seg[0]) {
                if (b.len)
                    nr_buf_puts(&b, "/");
                nr_buf_puts(&b, seg);
            }
        }
        if (slash == NULL)
            break;
        s = slash + 1;
    }
    if (rc == 0 && b.len)
        *out = nr_arena_strndup(pp->arena, b.p, b.len);
    nr_buf_release(&b);
    return rc;
}

static void purl_lower(char *s)
{
    for (; s && *s; s++)
        *s = lower(*s);
}

static void purl_upper(char *s)
{
    for (; s && *s; s++)
        *s = upper(*s);
}

static bool type_in(const char *type, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(type, *list) == 0)
            return true;
    return false;
}

/* The purl type definitions' normalisations; ident.h has the table. */
static void purl_normalise(struct nr_purl *p, char *ns, char *name, char *version)
{
    static const char *const lower_both[] = {"alpm",   "apk",    "bitbucket", "composer", "deb",
                                             "github", "gitlab", "hex",       "luarocks", NULL};
    static const char *const lower_name[] = {"bitnami", "npm", "oci", NULL};
    static const char *const lower_ns[] = {"qpkg", "rpm", NULL};

    if (type_in(p->type, lower_both)) {
        purl_lower(ns);
        purl_lower(name);
    } else if (type_in(p->type, lower_name)) {
        purl_lower(name);
    } else if (type_in(p->type, lower_ns)) {
        purl_lower(ns);
    } else if (strcmp(p->type, "cpan") == 0) {
        purl_upper(ns);
    } else if (strcmp(p->type, "pypi") == 0) {
        purl_lower(name);
        for (char *c = name; *c; c++)
            if (*c == '_')
                *c = '-';
    } else if (strcmp(p->type, "pub") == 0) {
        purl_lower(name);
        for (char *c = name; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || is_digit(*c)))
                *c = '_';
    } else if (strcmp(p->type, "huggingface") == 0) {
        purl_lower(version);
    } else if (strcmp(p->type, "mlflow") == 0) {
        const char *repo = nr_purl_qualifier(p, "repository_url");
        if (repo && strstr(repo, "databricks"))
            purl_lower(name);
    }
}

/* Orders qualifiers as the spec sorts "key=value" strings: keys are unique, so comparing keys
 * with "=" standing for their end gives the same order. */
static int qualifier_cmp(const void *pa, const void *pb)
{
    const struct nr_purl_qualifier *a = pa, *b = pb;
    for (size_t i = 0;; i++) {
        unsigned char ca = a->key[i] ? (unsigned char)a->key[i] : '=';
        unsigned char cb = b->key[i] ? (unsigned char)b->key[i] : '=';
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (a->key[i] == '\0' || b->key[i] == '\0')
            return (a->key[i] != '\0') - (b->key[i] != '\0');
    }
}

static int purl_qualifiers(struct purl_parser *pp, struct nr_purl *p, char *s)
{
    struct nr_purl_qualifier q[NR_PURL_QUALIFIER_MAX];
    struct clip cl;
    size_t n = 0;
    int rc;

    while (s) {
        char *amp = strchr(s, '&');
        if (amp)
            *amp = '\0';
        if (*s) {
            char *eq = strchr(s, '=');
            char *value;
            if (eq == NULL)
                return nr_err_set(pp->err, NR_EPARSE, "purl",
                                  "purl: qualifiers: \"%s\" has no \"=\"", clip(&cl, s, strlen(s)));
            *eq = '\0';
            bool ok = is_alpha(s[0]);
            for (char *c = s; ok && *c; c++)
                ok = is_alnum(*c) || *c == '.' || *c == '-' || *c == '_';
            if (!ok)
                return nr_err_set(pp->err, NR_EPARSE, "purl",
                                  "purl: qualifiers: key \"%s\" must start with a letter and "
                                  "hold only letters, digits, \".\", \"-\" and \"_\"",
                                  clip(&cl, s, strlen(s)));
            purl_lower(s);
            rc = purl_decode(pp, "qualifiers", eq + 1, strlen(eq + 1), false, &value);
            if (rc)
                return rc;
            if (value[0]) {
                for (size_t i = 0; i < n; i++)
                    if (strcmp(q[i].key, s) == 0)
                        return nr_err_set(pp->err, NR_EPARSE, "purl",
                                          "purl: qualifiers: key \"%s\" appears twice",
                                          clip(&cl, s, strlen(s)));
                if (n == NR_PURL_QUALIFIER_MAX)
                    return nr_err_set(pp->err, NR_ETOOBIG, "purl", "purl: qualifiers: more than %d",
                                      NR_PURL_QUALIFIER_MAX);
                q[n].key = nr_arena_strdup(pp->arena, s);
                q[n].value = value;
                n++;
            }
        }
        s = amp ? amp + 1 : NULL;
    }
    if (n == 0)
        return 0;
    qsort(q, n, sizeof(q[0]), qualifier_cmp);
    p->qualifiers = nr_arena_alloc(pp->arena, n * sizeof(q[0]));
    memcpy(p->qualifiers, q, n * sizeof(q[0]));
    p->nqualifiers = n;
    return 0;
}

static int purl_parse(struct nr_purl *p, const char *s, struct nr_err *err)
{
    struct purl_parser pp = {.arena = &p->arena, .err = err};
    struct clip cl;
    char *hash, *question, *colon, *rest, *slash, *at, *ns_raw, *name_raw;
    char *ns = NULL, *name = NULL, *version = NULL, *subpath = NULL;
    size_t len = strlen(s);
    int rc;

    if (len > NR_PURL_MAX)
        return nr_err_set(err, NR_ETOOBIG, "purl", "purl: longer than %d characters", NR_PURL_MAX);
    pp.buf = nr_arena_strndup(&p->arena, s, len);

    /* Right to left: subpath, qualifiers; then left to right: scheme, type; then version, name,
     * namespace from the right of what is left. */
    hash = strrchr(pp.buf, '#');
    if (hash) {
        *hash = '\0';
        rc = purl_segments(&pp, "subpath", hash + 1, true, true, &subpath);
        if (rc)
            return rc;
    }
    question = strrchr(pp.buf, '?');
    if (question) {
        *question = '\0';
        rc = purl_qualifiers(&pp, p, question + 1);
        if (rc)
            return rc;
    }

    colon = strchr(pp.buf, ':');
    if (colon == NULL || colon - pp.buf != 3 || strncasecmp(pp.buf, "pkg", 3) != 0)
        return nr_err_set(err, NR_EPARSE, "purl",
                          "purl: scheme: \"%s\" does not start with \"pkg:\"", clip(&cl, s, len));
    rest = colon + 1;
    while (*rest == '/')
        rest++;

    slash = strchr(rest, '/');
    {
        size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
        bool ok = n > 0 && is_alpha(rest[0]);
        for (size_t i = 0; ok && i < n; i++)
            ok = is_alnum(rest[i]) || rest[i] == '.' || rest[i] == '+' || rest[i] == '-';
        if (n == 0)
            return nr_err_set(err, NR_EPARSE, "purl", "purl: type: missing");
        if (!ok)
            return nr_err_set(err, NR_EPARSE, "purl",
                              "purl: type: \"%s\" must start with a letter and hold only "
                              "letters, digits, \".\", \"+\" and \"-\"",
                              clip(&cl, rest, n));
        if (slash == NULL)
            return nr_err_set(err, NR_EPARSE, "purl", "purl: name: missing after type \"%s\"",
                              clip(&cl, rest, n));
        *slash = '\0';
        purl_lower(rest);
        p->type = rest;
    }
    rest = slash + 1;

    at = strrchr(rest, '@');
    if (at) {
        *at = '\0';
        rc = purl_decode(&pp, "version", at + 1, strlen(at + 1), false, &version);
        if (rc)
            return rc;
        if (version[0] == '\0')
            version = NULL;
    }
    {
        size_t n = strlen(rest);
        while (n > 0 && rest[n - 1] == '/')
            rest[--n] = '\0';
    }
    name_raw = strrchr(rest, '/');
    if (name_raw) {
        *name_raw++ = '\0';
        ns_raw = rest;
    } else {
        name_raw = rest;
        ns_raw = NULL;
    }
    if (*name_raw == '\0')
        return nr_err_set(err, NR_EPARSE, "purl", "purl: name: missing");
    rc = purl_decode(&pp, "name", name_raw, strlen(name_raw), false, &name);
    if (rc)
        return rc;
    if (ns_raw) {
        rc = purl_segments(&pp, "namespace", ns_raw, false, false, &ns);
        if (rc)
            return rc;
    }

    purl_normalise(p, ns, name, version);
    p->namespace = ns;
    p->name = name;
    p->version = version;
    p->subpath = subpath;
    return 0;
}

int nr_purl_parse(struct nr_purl *p, const char *s, struct nr_err *err)
{
    int rc;

    nr_purl_release(p);
    rc = purl_parse(p, s, err);
    if (rc)
        nr_purl_release(p);
    return rc;
}

const char *nr_purl_qualifier(const struct nr_purl *p, const char *key)
{
    for (size_t i = 0; i < p->nqualifiers; i++)
        if (strcmp(p->qualifiers[i].key, key) == 0)
            return p->qualifiers[i].value;
    return NULL;
}

/* Percent-encodes s[0..n): A-Z a-z 0-9 . - _ ~ : stay, every other byte becomes %XX. */
static int purl_encode(struct nr_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum((char)c) || strchr(".-_~:", c) != NULL) {
            rc = nr_buf_append(out, s + i, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = nr_buf_append(out, e, 3);
        }
    }
    return rc;
}

/* Encodes each "/"-separated segment of s, keeping the slashes. */
static int purl_encode_path(struct nr_buf *out, const char *s)
{
    int rc = 0;
    while (rc == 0) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        rc = purl_encode(out, s, n);
        if (rc || slash == NULL)
            break;
        rc = nr_buf_puts(out, "/");
        s = slash + 1;
    }
    return rc;
}

int nr_purl_base(const struct nr_purl *p, struct nr_buf *out)
{
    int rc = nr_buf_printf(out, "pkg:%s/", p->type);
    if (rc == 0 && p->namespace) {
        rc = purl_encode_path(out, p->namespace);
        if (rc == 0)
            rc = nr_buf_puts(out, "/");
    }
    if (rc == 0)
        rc = purl_encode(out, p->name, strlen(p->name));
    return rc;
}

int nr_purl_format(const struct nr_purl *p, struct nr_buf *out)
{
    int rc = nr_purl_base(p, out);

    if (rc == 0 && p->version) {
        rc = nr_buf_puts(out, "@");
        if (rc == 0)
            rc = purl_encode(out, p->version, strlen(p->version));
    }
    for (size_t i = 0; i < p->nqualifiers && rc == 0; i++) {
        rc = nr_buf_printf(out, "%c%s=", i ? '&' : '?', p->qualifiers[i].key);
        if (rc == 0)
            rc = purl_encode(out, p->qualifiers[i].value, strlen(p->qualifiers[i].value));
    }
    if (rc == 0 && p->subpath) {
        rc = nr_buf_puts(out, "#");
        if (rc == 0)
            rc = purl_encode_path(out, p->subpath);
    }
    return rc;
}
