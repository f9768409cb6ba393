/*
 * vercmp_pep440.c - the PyPI order of vercmp.h (NR_ORDER_PEP440), PEP 440 as the reference
 * implementation, packaging.version, parses and orders it.
 *
 * Parsing accepts exactly packaging's VERSION_PATTERN (case-insensitive, surrounding white space
 * allowed): [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], with every spelling PEP 440's
 * normalisation allows: "alpha", "beta", "c", "pre" and "preview" for a, b and rc; "-", "_" or
 * "." (or nothing) before and inside each part; "post", "rev", "r" or a bare "-N" for a
 * post-release; an implicit 0 for a missing number ("1.0a" == "1.0a0", "1.0.post" ==
 * "1.0.post0"). So 1.0a1 == 1.0.0a1 == 1.0alpha1 == 1.0-a.1 and 1.0-1 == 1.0.post1 == 1.0r1.
 *
 * Order (packaging's _cmpkey): epoch; release with trailing zeros ignored; pre-release, where a
 * version with no pre-release sorts after its pre-releases and a bare dev release (1.0.dev1)
 * before them; post-release, absent first; dev release, absent last; local version, absent
 * first, its segments compared numerically when all digits and otherwise as lower-case strings
 * below numbers. Hence 1.0.dev1 < 1.0a1 < 1.0rc1 < 1.0 < 1.0+local < 1.0.post1, and 1!1.0 > 2.0.
 *
 * A string that is not a PEP 440 version sorts below every valid version (as packaging's old
 * LegacyVersion did), and among such strings by version.h's generic order: a total preorder.
 *
 * Tests (tests/unit/test_vercmp_pep440.c) use PEP 440's examples: the ordering list of its
 * "Summary of permitted suffixes and relative ordering" (1.dev0 < 1.0.dev456 < 1.0a1 < ... <
 * 1.0 < 1.0+abc.5 < 1.0+abc.7 < 1.0+5 < 1.0.post456.dev34 < 1.0.post456 < 1.0.15 < 1.1.dev1),
 * the normalisation section's spellings, epochs, and local version ordering.
 */
#include "sca/vercmp_int.h"

#include "netreview/vercmp.h"
#include "netreview/version.h"

#include <string.h>

#include "netreview/banned.h"

enum { PRE_NONE = -1, PRE_A = 0, PRE_B = 1, PRE_RC = 2 };

struct pep440 {
    const char *epoch;
    size_t epoch_n;
    const char *release, *release_end;
    int pre;
    const char *pre_n;
    size_t pre_nn;
    bool post;
    const char *post_n;
    size_t post_nn;
    bool dev;
    const char *dev_n;
    size_t dev_nn;
    const char *local, *local_end; /* local == NULL when there is none */
};

static bool is_sep(char c)
{
    return c == '-' || c == '_' || c == '.';
}

/* Matches word (lower case) at p, ignoring case. */
static bool word_at(const char *p, const char *word, size_t *n)
{
    size_t i = 0;

    for (; word[i] != '\0'; i++)
        if (nr__lower(p[i]) != word[i])
            return false;
    *n = i;
    return true;
}

/* Matches the longest keyword of list at p; returns its index or -1. The lists are ordered so
 * that a longer keyword comes before its prefixes, as the regular expression tries them. */
static int keyword_at(const char *p, const char *const *list, size_t count, size_t *n)
{
    for (size_t i = 0; i < count; i++)
        if (word_at(p, list[i], n))
            return (int)i;
    return -1;
}

/* The "[-_.]?" and the optional digits after a pre, post or dev keyword. The separator is
 * taken even when no digits follow, as the greedy pattern does: "1.0a." is 1.0a0. Every later
 * part starts with an optional separator of its own, so taking it never loses a match. */
static void optional_number(const char **p, const char **num, size_t *nn)
{
    const char *q = *p;

    if (is_sep(*q))
        q++;
    *num = q;
    while (nr__is_digit(*q))
        q++;
    *nn = (size_t)(q - *num);
    *p = q;
}

static bool pep440_parse(const char *s, struct pep440 *v)
{
    static const char *const pre_words[] = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"};
    static const int pre_kinds[] = {PRE_A, PRE_A, PRE_B, PRE_B, PRE_RC, PRE_RC, PRE_RC, PRE_RC};
    static const char *const post_words[] = {"post", "rev", "r"};
    static const char *const dev_words[] = {"dev"};
    const char *p = s, *q, *d;
    size_t n;
    int k;

    memset(v, 0, sizeof(*v));
    v->pre = PRE_NONE;
    while (nr__is_space(*p))
        p++;
    if (*p == 'v' || *p == 'V')
        p++;
    d = p;
    while (nr__is_digit(*p))
        p++;
    if (p == d)
        return false;
    if (*p == '!') {
        v->epoch = d;
        v->epoch_n = (size_t)(p - d);
        d = ++p;
        while (nr__is_digit(*p))
            p++;
        if (p == d)
            return false;
    }
    v->release = d;
    while (*p == '.' && nr__is_digit(p[1])) {
        p++;
        while (nr__is_digit(*p))
            p++;
    }
    v->release_end = p;

    q = is_sep(*p) ? p + 1 : p;
    k = keyword_at(q, pre_words, NR_ARRAY_LEN(pre_words), &n);
    if (k >= 0) {
        v->pre = pre_kinds[k];
        p = q + n;
        optional_number(&p, &v->pre_n, &v->pre_nn);
    }

    if (*p == '-' && nr__is_digit(p[1])) {
        v->post = true;
        v->post_n = ++p;
        while (nr__is_digit(*p))
            p++;
        v->post_nn = (size_t)(p - v->post_n);
    } else {
        q = is_sep(*p) ? p + 1 : p;
        if (keyword_at(q, post_words, NR_ARRAY_LEN(post_words), &n) >= 0) {
            v->post = true;
            p = q + n;
            optional_number(&p, &v->post_n, &v->post_nn);
        }
    }

    q = is_sep(*p) ? p + 1 : p;
    if (keyword_at(q, dev_words, NR_ARRAY_LEN(dev_words), &n) >= 0) {
        v->dev = true;
        p = q + n;
        optional_number(&p, &v->dev_n, &v->dev_nn);
    }

    if (*p == '+') {
        v->local = ++p;
        for (;;) {
            d = p;
            while (nr__is_alnum(*p))
                p++;
            if (p == d)
                return false;
            if (!is_sep(*p) || !nr__is_alnum(p[1]))
                break;
            p++;
        }
        v->local_end = p;
    }
    while (nr__is_space(*p))
        p++;
    return *p == '\0';
}

/* Release numbers compared with the shorter list padded with zeros. */
static int release_cmp(const struct pep440 *a, const struct pep440 *b)
{
    const char *pa = a->release, *pb = b->release;

    while (pa < a->release_end || pb < b->release_end) {
        const char *sa = pa, *sb = pb;
        int r;

        while (pa < a->release_end && nr__is_digit(*pa))
            pa++;
        while (pb < b->release_end && nr__is_digit(*pb))
            pb++;
        r = nr__numcmp(sa, (size_t)(pa - sa), sb, (size_t)(pb - sb));
        if (r != 0)
            return r;
        if (pa < a->release_end)
            pa++;
        if (pb < b->release_end)
            pb++;
    }
    return 0;
}

/* The three-way key of the pre-release: -1 for a bare dev release, 1 for none, 0 otherwise. */
static int pre_rank(const struct pep440 *v)
{
    if (v->pre == PRE_NONE)
        return (!v->post && v->dev) ? -1 : 1;
    return 0;
}

static int local_cmp(const struct pep440 *a, const struct pep440 *b)
{
    const char *pa = a->local, *pb = b->local;

    if (a->local == NULL || b->local == NULL)
        return a->local == b->local ? 0 : a->local == NULL ? -1 : 1;
    for (;;) {
        const char *sa = pa, *sb = pb;
        bool da, db;
        int r;

        if (pa >= a->local_end || pb >= b->local_end)
            return (pa >= a->local_end) == (pb >= b->local_end) ? 0 : pa >= a->local_end ? -1 : 1;
        while (pa < a->local_end && !is_sep(*pa))
            pa++;
        while (pb < b->local_end && !is_sep(*pb))
            pb++;
        da = nr__all_digits(sa, (size_t)(pa - sa));
        db = nr__all_digits(sb, (size_t)(pb - sb));
        if (da && db)
            r = nr__numcmp(sa, (size_t)(pa - sa), sb, (size_t)(pb - sb));
        else if (da != db)
            r = da ? 1 : -1;
        else
            r = nr__bytecmp_lower(sa, (size_t)(pa - sa), sb, (size_t)(pb - sb));
        if (r != 0)
            return r;
        if (pa < a->local_end)
            pa++;
        if (pb < b->local_end)
            pb++;
    }
}

int nr__pep440_cmp(const char *a, const char *b)
{
    struct pep440 va, vb;
    bool oka = pep440_parse(a, &va), okb = pep440_parse(b, &vb);
    int r, ra, rb;

    if (!oka || !okb)
        return oka == okb ? nr_version_cmp(a, b) : oka ? 1 : -1;
    r = nr__numcmp(va.epoch, va.epoch_n, vb.epoch, vb.epoch_n);
    if (r != 0)
        return r;
    r = release_cmp(&va, &vb);
    if (r != 0)
        return r;
    ra = pre_rank(&va);
    rb = pre_rank(&vb);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0) {
        if (va.pre != vb.pre)
            return va.pre < vb.pre ? -1 : 1;
        r = nr__numcmp(va.pre_n, va.pre_nn, vb.pre_n, vb.pre_nn);
        if (r != 0)
            return r;
    }
    if (va.post != vb.post)
        return va.post ? 1 : -1;
    if (va.post) {
        r = nr__numcmp(va.post_n, va.post_nn, vb.post_n, vb.post_nn);
        if (r != 0)
            return r;
    }
    if (va.dev != vb.dev)
        return va.dev ? -1 : 1;
    if (va.dev) {
        r = nr__numcmp(va.dev_n, va.dev_nn, vb.dev_n, vb.dev_nn);
        if (r != 0)
            return r;
    }
    return local_cmp(&va, &vb);
}

bool nr__pep440_valid(const char *v)
{
    struct pep440 parsed;

    return pep440_parse(v, &parsed);
}
