/*
 * vercmp_apk.c - the Alpine order of vercmp.h (NR_ORDER_APK: Alpine, Wolfi, Chainguard), as
 * apk-tools 2.14 and 3.x compare versions (src/version.c).
 *
 * A version is digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}, read as a list of
 * tokens: the initial number, further numbers, one letter, suffixes (_alpha _beta _pre _rc below
 * no suffix, _cvs _svn _git _hg _p above it), suffix numbers, a commit hash and the revision.
 * Two versions compare token by token while the tokens are of the same kind: numbers by value,
 * except that a number after a "." with a leading zero compares as a string ("1.01" < "1.1", as
 * Gentoo does); letters and suffixes by their order; hashes as strings. At the first position
 * where the kinds differ, a pre-release suffix is lower, and otherwise the version whose token
 * comes earlier in the list above is higher: 1.2 < 1.2a < 1.2.1, 1.2_rc1 < 1.2 < 1.2-r1 < 1.2_p1.
 *
 * A string apk cannot parse ends, from the first character it rejects, in an "invalid" token
 * that ranks below every other kind there, and two invalid tokens at one position are equal
 * whatever follows: so "1.0" < "1.0bc" (b is a letter, c is invalid) and every string that does
 * not start with a digit compares equal to "" and below all versions. That is apk's own
 * behaviour and keeps the order a total preorder on all strings.
 *
 * Tests (tests/unit/test_vercmp_apk.c) use apk-tools' test/version.data pairs (0.1.0_alpha <
 * 0.1.3_alpha, 1.1_alpha1 < 1.1, 1.0.4-r3 < 1.0.4-r4, 3.1_p16 < 3.1_p17, 2.3.0b-r1 < 2.3.0b-r2,
 * 1.0 < 1.0bc, 0.1.0_alpha_pre2 < 0.1.0_alpha, 1.0_p10-r0 > 1.0_p9-r0, ...).
 */
#include "sca/vercmp_int.h"

#include "netreview/vercmp.h"

#include <string.h>

#include "netreview/banned.h"

enum apk_token {
    APK_INITIAL_DIGIT,
    APK_DIGIT,
    APK_LETTER,
    APK_SUFFIX,
    APK_SUFFIX_NO,
    APK_COMMIT_HASH,
    APK_REVISION_NO,
    APK_END,
    APK_INVALID
};

enum apk_suffix {
    SUF_INVALID,
    SUF_ALPHA,
    SUF_BETA,
    SUF_PRE,
    SUF_RC,
    SUF_NONE,
    SUF_CVS,
    SUF_SVN,
    SUF_GIT,
    SUF_HG,
    SUF_P
};

struct apk_tok {
    enum apk_token token;
    enum apk_suffix suffix;
    const char *value; /* digits, letter, suffix word or hash */
    size_t n;
};

static enum apk_suffix suffix_value(const char *s, size_t n)
{
    static const struct {
        const char *word;
        enum apk_suffix suffix;
    } words[] = {
        {"alpha", SUF_ALPHA}, {"beta", SUF_BETA}, {"pre", SUF_PRE},
        {"rc", SUF_RC},       {"cvs", SUF_CVS},   {"svn", SUF_SVN},
        {"git", SUF_GIT},     {"hg", SUF_HG},     {"p", SUF_P},
    };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i].word) == n && memcmp(words[i].word, s, n) == 0)
            return words[i].suffix;
    return SUF_INVALID;
}

static void parse_digits(struct apk_tok *t, const char **p)
{
    const char *s = *p;

    while (nr__is_digit(**p))
        (*p)++;
    t->value = s;
    t->n = (size_t)(*p - s);
    if (t->n == 0)
        t->token = APK_INVALID;
}

static void token_first(struct apk_tok *t, const char **p)
{
    t->token = APK_INITIAL_DIGIT;
    t->suffix = SUF_INVALID;
    parse_digits(t, p);
}

static bool is_hex(char c)
{
    return nr__is_digit(c) || (c >= 'a' && c <= 'f');
}

static void token_next(struct apk_tok *t, const char **p)
{
    const char *s = *p;

    if (*s == '\0') {
        t->token = APK_END;
        return;
    }
    if (nr__is_lower(*s)) {
        if (t->token > APK_DIGIT)
            goto invalid;
        t->value = s;
        t->n = 1;
        t->token = APK_LETTER;
        *p = s + 1;
        return;
    }
    if (*s == '.' || nr__is_digit(*s)) {
        if (*s == '.') {
            if (t->token > APK_DIGIT)
                goto invalid;
            s++;
        }
        if (t->token == APK_INITIAL_DIGIT || t->token == APK_DIGIT)
            t->token = APK_DIGIT;
        else if (t->token == APK_SUFFIX)
            t->token = APK_SUFFIX_NO;
        else
            goto invalid;
        *p = s;
        parse_digits(t, p);
        return;
    }
    if (*s == '_') {
        if (t->token > APK_SUFFIX_NO)
            goto invalid;
        t->value = ++s;
        while (nr__is_lower(*s))
            s++;
        t->n = (size_t)(s - t->value);
        t->suffix = suffix_value(t->value, t->n);
        if (t->suffix == SUF_INVALID)
            goto invalid;
        t->token = APK_SUFFIX;
        *p = s;
        return;
    }
    if (*s == '~') {
        if (t->token >= APK_COMMIT_HASH)
            goto invalid;
        t->value = ++s;
        while (is_hex(*s))
            s++;
        t->n = (size_t)(s - t->value);
        if (t->n == 0)
            goto invalid;
        t->token = APK_COMMIT_HASH;
        *p = s;
        return;
    }
    if (*s == '-') {
        if (t->token >= APK_REVISION_NO || s[1] != 'r')
            goto invalid;
        t->token = APK_REVISION_NO;
        *p = s + 2;
        parse_digits(t, p);
        return;
    }
invalid:
    t->token = APK_INVALID;
}

static int token_cmp(const struct apk_tok *a, const struct apk_tok *b)
{
    switch (a->token) {
    case APK_DIGIT:
        /* A leading zero makes both a string comparison, as in Gentoo's spec. */
        if (a->value[0] == '0' || b->value[0] == '0')
            return nr__bytecmp(a->value, a->n, b->value, b->n);
        /* fallthrough */
    case APK_INITIAL_DIGIT:
    case APK_SUFFIX_NO:
    case APK_REVISION_NO:
        return nr__numcmp(a->value, a->n, b->value, b->n);
    case APK_LETTER:
        return nr__bytecmp(a->value, 1, b->value, 1);
    case APK_SUFFIX:
        return a->suffix == b->suffix ? 0 : a->suffix < b->suffix ? -1 : 1;
    default:
        return nr__bytecmp(a->value, a->n, b->value, b->n);
    }
}

int nr__apk_cmp(const char *a, const char *b)
{
    struct apk_tok ta, tb;
    const char *pa = a, *pb = b;

    token_first(&ta, &pa);
    token_first(&tb, &pb);
    while (ta.token == tb.token && ta.token < APK_END) {
        int r = token_cmp(&ta, &tb);
        if (r != 0)
            return r;
        token_next(&ta, &pa);
        token_next(&tb, &pb);
    }
    if (ta.token == tb.token)
        return 0;
    /* The version that goes on is greater, unless it goes on with a pre-release suffix. */
    if (ta.token == APK_SUFFIX && ta.suffix < SUF_NONE)
        return -1;
    if (tb.token == APK_SUFFIX && tb.suffix < SUF_NONE)
        return 1;
    return ta.token > tb.token ? -1 : 1;
}

bool nr__apk_valid(const char *v)
{
    struct apk_tok t;
    const char *p = v;

    for (token_first(&t, &p); t.token < APK_END; token_next(&t, &p))
        ;
    return t.token == APK_END;
}
