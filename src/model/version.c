/*
 * version.c - the generic version order and the range expressions of "versions covered"
 * (interface: version.h, which documents the order and the grammar precisely).
 *
 * The order works on a token stream read straight from the string, without copying: numbers are
 * compared as digit strings (length after leading zeros, then bytes) so that no run of digits can
 * overflow, and each token gets a rank so that the padding "0" of a shorter version sits between
 * pre-release words and plain words. Ranks make the order a total preorder by construction:
 * every position compares symbols of one linear scale.
 */
#include "netreview/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Ranks of the version.h scale: pre-release < 0 (and padding) < plain word < positive number. */
enum tok_rank { RANK_PRE = 0, RANK_ZERO = 1, RANK_WORD = 2, RANK_NUM = 3 };

struct tok {
    enum tok_rank rank;
    const char *p; /* word, or significant digits of a number */
    size_t n;
    bool end; /* past the last token: acts as the number 0 */
};

struct tokenizer {
    const char *start;
    const char *p;
    const char *end; /* first '+' or the NUL */
};

static void tok_init(struct tokenizer *t, const char *s)
{
    if ((s[0] == 'v' || s[0] == 'V') && is_digit(s[1]))
        s++;
    t->start = s;
    t->p = s;
    t->end = s + strcspn(s, "+");
}

static bool word_is_pre(const char *p, size_t n)
{
    static const char *const words[] = {"alpha", "beta", "dev", "pre", "preview", "rc", "snapshot"};
    for (size_t i = 0; i < NR_ARRAY_LEN(words); i++) {
        size_t k;
        if (strlen(words[i]) != n)
            continue;
        for (k = 0; k < n && lower(p[k]) == words[i][k]; k++)
            ;
        if (k == n)
            return true;
    }
    return false;
}

static void tok_next(struct tokenizer *t, struct tok *out)
{
    const char *p = t->p;

    while (p < t->end && !is_digit(*p) && !is_alpha(*p))
        p++;
    if (p >= t->end) {
        t->p = p;
        out->rank = RANK_ZERO;
        out->p = p;
        out->n = 0;
        out->end = true;
        return;
    }
    out->end = false;
    if (is_digit(*p)) {
        const char *q = p;
        while (q < t->end && is_digit(*q))
            q++;
        t->p = q;
        while (p < q && *p == '0')
            p++;
        out->p = p;
        out->n = (size_t)(q - p);
        out->rank = out->n ? RANK_NUM : RANK_ZERO;
        return;
    }
    const char *q = p;
    while (q < t->end && is_alpha(*q))
        q++;
    t->p = q;
    out->p = p;
    out->n = (size_t)(q - p);
    bool after_mark = p > t->start && (p[-1] == '-' || p[-1] == '~');
    out->rank = (after_mark || word_is_pre(p, out->n)) ? RANK_PRE : RANK_WORD;
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static int word_cmp(const struct tok *a, const struct tok *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        int d = (unsigned char)lower(a->p[i]) - (unsigned char)lower(b->p[i]);
        if (d)
            return sign(d);
    }
    return (a->n > b->n) - (a->n < b->n);
}

static int tok_cmp(const struct tok *a, const struct tok *b)
{
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    switch (a->rank) {
    case RANK_PRE:
    case RANK_WORD:
        return word_cmp(a, b);
    case RANK_NUM:
        if (a->n != b->n)
            return a->n < b->n ? -1 : 1;
        return sign(memcmp(a->p, b->p, a->n));
    case RANK_ZERO:
        break;
    }
    return 0;
}

int nr_version_cmp(const char *a, const char *b)
{
    struct tokenizer ta, tb;
    struct tok xa, xb;

    tok_init(&ta, a);
    tok_init(&tb, b);
    for (;;) {
        tok_next(&ta, &xa);
        tok_next(&tb, &xb);
        if (xa.end && xb.end)
            return 0;
        int c = tok_cmp(&xa, &xb);
        if (c)
            return c;
    }
}

/* True when the leading tokens of version equal all tokens of prefix (0-padded). */
static bool version_has_prefix(const char *version, const char *prefix)
{
    struct tokenizer tv, tp;
    struct tok xv, xp;

    tok_init(&tv, version);
    tok_init(&tp, prefix);
    for (;;) {
        tok_next(&tp, &xp);
        if (xp.end)
            return true;
        tok_next(&tv, &xv);
        if (tok_cmp(&xv, &xp) != 0)
            return false;
    }
}

int nr_version_check(const char *s, struct nr_err *err)
{
    size_t n = strlen(s);

    if (n == 0)
        return nr_err_set(err, NR_EPARSE, "version", "version: empty");
    if (n > NR_VERSION_MAX)
        return nr_err_set(err, NR_ETOOBIG, "version", "version: longer than %d characters",
                          NR_VERSION_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f)
            return nr_err_set(err, NR_EPARSE, "version",
                              "version: byte 0x%02x at column %zu is not printable ASCII", c,
                              i + 1);
    }
    return 0;
}

/* --- range expressions ------------------------------------------------------------------- */

void nr_range_init(struct nr_range *r)
{
    r->constraints = NULL;
    r->count = 0;
    r->nalts = 0;
}

void nr_range_release(struct nr_range *r)
{
    nr_free(r->constraints);
    nr_range_init(r);
}

struct parser {
    const char *s;
    size_t i;
    struct nr_err *err;
    struct nr_range_constraint *c; /* NR_RANGE_CONSTRAINT_MAX of them */
    size_t count;
    unsigned alt;
};

static bool is_version_char(char ch)
{
    unsigned char c = (unsigned char)ch;
    return c > 0x20 && c < 0x7f && strchr("|,<>=!*", c) == NULL;
}

static void skip_ws(struct parser *p)
{
    while (p->s[p->i] == ' ' || p->s[p->i] == '\t')
        p->i++;
}

static int unexpected(struct parser *p)
{
    unsigned char c = (unsigned char)p->s[p->i];
    size_t col = p->i + 1;

    if (c == '\0')
        return nr_err_set(p->err, NR_EPARSE, "versions",
                          "versions: expected a version at column %zu", col);
    if (c == '"' || c == '\\')
        return nr_err_set(p->err, NR_EPARSE, "versions",
                          "versions: unexpected \"\\%c\" at column %zu", c, col);
    if (c > 0x20 && c < 0x7f)
        return nr_err_set(p->err, NR_EPARSE, "versions",
                          "versions: unexpected \"%c\" at column %zu", c, col);
    return nr_err_set(p->err, NR_EPARSE, "versions",
                      "versions: unexpected byte 0x%02x at column %zu", c, col);
}

static struct nr_range_constraint *add(struct parser *p)
{
    struct nr_range_constraint *c;

    if (p->count == NR_RANGE_CONSTRAINT_MAX) {
        nr_err_set(p->err, NR_ETOOBIG, "versions", "versions: more than %d constraints",
                   NR_RANGE_CONSTRAINT_MAX);
        return NULL;
    }
    c = &p->c[p->count++];
    memset(c, 0, sizeof(*c));
    c->alt = p->alt;
    return c;
}

/* constraint := [op] version | ["=" | "==" | "!="] version ".*" */
static int parse_constraint(struct parser *p)
{
    enum nr_range_op op = NR_RANGE_EQ;
    bool explicit_op = true;
    const char *s = p->s;
    struct nr_range_constraint *c;
    size_t start, n;
    bool alnum = false;

    switch (s[p->i]) {
    case '<':
        op = s[p->i + 1] == '=' ? NR_RANGE_LE : NR_RANGE_LT;
        break;
    case '>':
        op = s[p->i + 1] == '=' ? NR_RANGE_GE : NR_RANGE_GT;
        break;
    case '=':
        op = NR_RANGE_EQ;
        break;
    case '!':
        if (s[p->i + 1] != '=') {
            p->i++;
            return unexpected(p);
        }
        op = NR_RANGE_NE;
        break;
    default:
        explicit_op = false;
        break;
    }
    if (explicit_op) {
        p->i++;
        if (s[p->i] == '=')
            p->i++;
        skip_ws(p);
    }
    start = p->i;
    while (is_version_char(s[p->i])) {
        alnum = alnum || is_digit(s[p->i]) || is_alpha(s[p->i]);
        p->i++;
    }
    if (p->i == start)
        return unexpected(p);
    n = p->i - start;
    if (s[p->i] == '*') {
        if (s[p->i - 1] != '.' || n < 2 || (op != NR_RANGE_EQ && op != NR_RANGE_NE))
            return unexpected(p);
        p->i++;
        n--; /* drop the '.' of ".*" */
        op = op == NR_RANGE_EQ ? NR_RANGE_PREFIX : NR_RANGE_NOT_PREFIX;
    }
    if (n > NR_VERSION_MAX)
        return nr_err_set(p->err, NR_ETOOBIG, "versions",
                          "versions: version at column %zu longer than %d characters", start + 1,
                          NR_VERSION_MAX);
    if (!alnum)
        return nr_err_set(p->err, NR_EPARSE, "versions",
                          "versions: version at column %zu has no digit or letter", start + 1);
    c = add(p);
    if (c == NULL)
        return NR_ETOOBIG;
    c->op = op;
    memcpy(c->version, s + start, n);
    c->version[n] = '\0';
    return 0;
}

int nr_range_parse(struct nr_range *r, const char *expr, struct nr_err *err)
{
    struct nr_range_constraint buf[NR_RANGE_CONSTRAINT_MAX];
    struct parser p = {.s = expr, .i = 0, .err = err, .c = buf, .count = 0, .alt = 0};
    size_t len = strlen(expr);
    int rc;

    nr_range_release(r);
    if (len > NR_RANGE_EXPR_MAX)
        return nr_err_set(err, NR_ETOOBIG, "versions",
                          "versions: expression longer than %d characters", NR_RANGE_EXPR_MAX);
    skip_ws(&p);
    if (expr[p.i] == '\0')
        return nr_err_set(err, NR_EPARSE, "versions", "versions: empty expression");
    for (;;) {
        /* One alt: "*" alone, or constraints separated by whitespace or commas. */
        skip_ws(&p);
        if (expr[p.i] == '*') {
            struct nr_range_constraint *c = add(&p);
            if (c == NULL)
                return NR_ETOOBIG;
            c->op = NR_RANGE_ANY;
            p.i++;
            skip_ws(&p);
            if (expr[p.i] != '\0' && expr[p.i] != '|')
                return unexpected(&p);
        } else {
            for (;;) {
                rc = parse_constraint(&p);
                if (rc)
                    return rc;
                size_t before = p.i;
                skip_ws(&p);
                if (expr[p.i] == ',') {
                    p.i++;
                    skip_ws(&p);
                    continue;
                }
                if (expr[p.i] == '\0' || expr[p.i] == '|')
                    break;
                if (p.i == before)
                    return unexpected(&p);
            }
        }
        if (expr[p.i] == '\0')
            break;
        /* expr[p.i] == '|' */
        if (expr[p.i + 1] != '|')
            return unexpected(&p);
        p.i += 2;
        p.alt++;
        skip_ws(&p);
        if (expr[p.i] == '\0')
            return unexpected(&p);
    }
    r->constraints = nr_malloc(p.count * sizeof(*r->constraints));
    memcpy(r->constraints, buf, p.count * sizeof(*r->constraints));
    r->count = p.count;
    r->nalts = p.alt + 1;

    /* The canonical text may be longer than the input (" || " for "||"); it is what gets
     * stored and parsed again, so it must fit the cap too. */
    struct nr_buf canon;
    nr_buf_init(&canon, NR_RANGE_EXPR_MAX);
    rc = nr_range_normalize(r, &canon);
    nr_buf_release(&canon);
    if (rc) {
        nr_range_release(r);
        return nr_err_set(err, NR_ETOOBIG, "versions",
                          "versions: expression longer than %d characters once normalized",
                          NR_RANGE_EXPR_MAX);
    }
    return 0;
}

static bool constraint_match(const struct nr_range_constraint *c, const char *v)
{
    switch (c->op) {
    case NR_RANGE_ANY:
        return true;
    case NR_RANGE_EQ:
        return nr_version_cmp(v, c->version) == 0;
    case NR_RANGE_NE:
        return nr_version_cmp(v, c->version) != 0;
    case NR_RANGE_LT:
        return nr_version_cmp(v, c->version) < 0;
    case NR_RANGE_LE:
        return nr_version_cmp(v, c->version) <= 0;
    case NR_RANGE_GT:
        return nr_version_cmp(v, c->version) > 0;
    case NR_RANGE_GE:
        return nr_version_cmp(v, c->version) >= 0;
    case NR_RANGE_PREFIX:
        return version_has_prefix(v, c->version);
    case NR_RANGE_NOT_PREFIX:
        return !version_has_prefix(v, c->version);
    }
    return false;
}

bool nr_range_match(const struct nr_range *r, const char *version)
{
    size_t i = 0;

    if (version == NULL)
        return false;
    while (i < r->count) {
        unsigned alt = r->constraints[i].alt;
        bool ok = true;
        for (; i < r->count && r->constraints[i].alt == alt; i++)
            ok = ok && constraint_match(&r->constraints[i], version);
        if (ok)
            return true;
    }
    return false;
}

/* --- canonical text ---------------------------------------------------------------------- */

/* Total order on constraints: version in the generic order, then operator, then text. */
static int constraint_cmp(const struct nr_range_constraint *a, const struct nr_range_constraint *b)
{
    int c = nr_version_cmp(a->version, b->version);
    if (c)
        return c;
    if (a->op != b->op)
        return a->op < b->op ? -1 : 1;
    return sign(strcmp(a->version, b->version));
}

static int constraint_qsort_cmp(const void *pa, const void *pb)
{
    const struct nr_range_constraint *a = pa, *b = pb;
    if (a->alt != b->alt)
        return a->alt < b->alt ? -1 : 1;
    return constraint_cmp(a, b);
}

struct alt_span {
    const struct nr_range_constraint *c;
    size_t n;
};

static int span_cmp(const void *pa, const void *pb)
{
    const struct alt_span *a = pa, *b = pb;
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        int c = constraint_cmp(&a->c[i], &b->c[i]);
        if (c)
            return c;
    }
    return (a->n > b->n) - (a->n < b->n);
}

static int put_constraint(struct nr_buf *out, const struct nr_range_constraint *c)
{
    switch (c->op) {
    case NR_RANGE_ANY:
        return nr_buf_puts(out, "*");
    case NR_RANGE_EQ:
        return nr_buf_puts(out, c->version);
    case NR_RANGE_NE:
        return nr_buf_printf(out, "!=%s", c->version);
    case NR_RANGE_LT:
        return nr_buf_printf(out, "<%s", c->version);
    case NR_RANGE_LE:
        return nr_buf_printf(out, "<=%s", c->version);
    case NR_RANGE_GT:
        return nr_buf_printf(out, ">%s", c->version);
    case NR_RANGE_GE:
        return nr_buf_printf(out, ">=%s", c->version);
    case NR_RANGE_PREFIX:
        return nr_buf_printf(out, "%s.*", c->version);
    case NR_RANGE_NOT_PREFIX:
        return nr_buf_printf(out, "!=%s.*", c->version);
    }
    return NR_EINVAL;
}

int nr_range_normalize(const struct nr_range *r, struct nr_buf *out)
{
    struct nr_range_constraint *c = NULL;
    struct alt_span *spans = NULL;
    size_t nspans = 0, n = 0;
    int rc = 0;

    if (r->count == 0)
        return 0;
    for (size_t i = 0; i < r->count; i++)
        if (r->constraints[i].op == NR_RANGE_ANY)
            return nr_buf_puts(out, "*");

    /* Sort within each alt and drop duplicate constraints. */
    c = nr_malloc(r->count * sizeof(*c));
    memcpy(c, r->constraints, r->count * sizeof(*c));
    qsort(c, r->count, sizeof(*c), constraint_qsort_cmp);
    for (size_t i = 0; i < r->count; i++) {
        if (n > 0 && c[n - 1].alt == c[i].alt && c[n - 1].op == c[i].op &&
            strcmp(c[n - 1].version, c[i].version) == 0)
            continue;
        c[n++] = c[i];
    }

    /* Sort the alts and drop duplicate alts. */
    spans = nr_malloc(n * sizeof(*spans));
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && c[j].alt == c[i].alt)
            j++;
        spans[nspans].c = &c[i];
        spans[nspans].n = j - i;
        nspans++;
        i = j;
    }
    qsort(spans, nspans, sizeof(*spans), span_cmp);

    for (size_t k = 0; k < nspans && rc == 0; k++) {
        if (k > 0 && span_cmp(&spans[k - 1], &spans[k]) == 0)
            continue;
        if (k > 0)
            rc = nr_buf_puts(out, " || ");
        for (size_t i = 0; i < spans[k].n && rc == 0; i++) {
            if (i > 0)
                rc = nr_buf_puts(out, " ");
            if (rc == 0)
                rc = put_constraint(out, &spans[k].c[i]);
        }
    }
    nr_free(spans);
    nr_free(c);
    return rc;
}
