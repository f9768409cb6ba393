/*
 * vercmp_semver.c - the SemVer 2.0.0 order of vercmp.h (NR_ORDER_SEMVER: npm, crates.io, Go, Hex,
 * Pub, SwiftURL and OSV ranges of type SEMVER), and the SemVer-shaped comparison it shares with
 * NuGet (vercmp_nuget.c).
 *
 * Precedence follows section 11 of https://semver.org/spec/v2.0.0.html: major, minor and patch
 * compare numerically; a version with a pre-release sorts before the same version without one;
 * pre-release identifiers compare left to right, numeric ones by value and below alphanumeric
 * ones, alphanumeric ones in ASCII order, and a shorter list of equal identifiers sorts first;
 * build metadata ("+...") is ignored. A leading "v" before a digit is dropped (Go's "v1.2.3"),
 * and missing numbers are 0 ("1.2" == "1.2.0"). Go pseudo-versions ("v0.0.0-20191109021931-
 * daa7c04131f5") are pre-releases under these rules and order as Go orders them.
 *
 * Any other string still gets a place, so that the order stays total: the part before the first
 * "-" or "+" is a list of "."-separated fields compared as the core numbers are (a field that is
 * not all digits sorts above every number, byte-wise among such fields), padded with 0, and the
 * rest is the pre-release as above. That makes the order a total preorder on all strings.
 *
 * Tests (tests/unit/test_vercmp_semver.c) use the precedence list of section 11:
 * 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11
 * < 1.0.0-rc.1 < 1.0.0, and 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1.
 */
#include "sca/vercmp_int.h"

#include "netreview/vercmp.h"

#include <string.h>

#include "netreview/banned.h"

/* A version split into its core fields and pre-release identifiers, by position only. */
struct sv_parts {
    const char *core, *core_end;
    const char *pre, *pre_end; /* pre == NULL when there is no pre-release */
};

static void sv_split(const char *s, bool strip_v, struct sv_parts *v)
{
    const char *p;

    if (strip_v && (s[0] == 'v' || s[0] == 'V') && nr__is_digit(s[1]))
        s++;
    p = s;
    while (*p != '\0' && *p != '+' && *p != '-')
        p++;
    v->core = s;
    v->core_end = p;
    v->pre = NULL;
    v->pre_end = NULL;
    if (*p == '-') {
        v->pre = ++p;
        while (*p != '\0' && *p != '+')
            p++;
        v->pre_end = p;
    }
}

/* Walks the "."-separated fields of [p, end). An empty run has no field; "1." has two. */
struct sv_fields {
    const char *p, *end;
    bool more;
};

static void fields_init(struct sv_fields *f, const char *p, const char *end)
{
    f->p = p;
    f->end = end;
    f->more = p < end;
}

static bool fields_next(struct sv_fields *f, const char **s, size_t *n)
{
    const char *q = f->p;

    if (!f->more)
        return false;
    while (q < f->end && *q != '.')
        q++;
    *s = f->p;
    *n = (size_t)(q - f->p);
    f->more = q < f->end;
    f->p = f->more ? q + 1 : q;
    return true;
}

/* NuGet takes a label as numeric when Int32.TryParse accepts it: digits up to 2147483647. */
static bool fits_int32(const char *s, size_t n)
{
    while (n > 1 && *s == '0') {
        s++;
        n--;
    }
    if (n != 10)
        return n < 10;
    return memcmp(s, "2147483647", 10) <= 0;
}

static int nuget_label_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    /* StringComparer.OrdinalIgnoreCase compares upper-cased characters. */
    size_t n = an < bn ? an : bn;

    for (size_t i = 0; i < n; i++) {
        unsigned char ca = (unsigned char)nr__upper(a[i]), cb = (unsigned char)nr__upper(b[i]);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return an == bn ? 0 : an < bn ? -1 : 1;
}

/* One identifier against another: numeric below alphanumeric, numbers by value. */
static int ident_cmp(const char *a, size_t an, const char *b, size_t bn, bool nuget, bool label)
{
    bool na = nr__all_digits(a, an) && (!nuget || !label || fits_int32(a, an));
    bool nb = nr__all_digits(b, bn) && (!nuget || !label || fits_int32(b, bn));

    if (na && nb)
        return nr__numcmp(a, an, b, bn);
    if (na != nb)
        return na ? -1 : 1;
    return nuget ? nuget_label_cmp(a, an, b, bn) : nr__bytecmp(a, an, b, bn);
}

int nr__semverlike_cmp(const char *a, const char *b, bool nuget)
{
    struct sv_parts va, vb;
    struct sv_fields fa, fb;
    const char *sa, *sb;
    size_t na, nb;
    int r;

    sv_split(a, !nuget, &va);
    sv_split(b, !nuget, &vb);
    fields_init(&fa, va.core, va.core_end);
    fields_init(&fb, vb.core, vb.core_end);
    for (;;) {
        bool ha = fields_next(&fa, &sa, &na), hb = fields_next(&fb, &sb, &nb);
        if (!ha && !hb)
            break;
        if (!ha) {
            sa = "0";
            na = 1;
        }
        if (!hb) {
            sb = "0";
            nb = 1;
        }
        r = ident_cmp(sa, na, sb, nb, nuget, false);
        if (r != 0)
            return r;
    }
    if (va.pre == NULL || vb.pre == NULL)
        return va.pre == vb.pre ? 0 : va.pre == NULL ? 1 : -1;
    fields_init(&fa, va.pre, va.pre_end);
    fields_init(&fb, vb.pre, vb.pre_end);
    for (;;) {
        bool ha = fields_next(&fa, &sa, &na), hb = fields_next(&fb, &sb, &nb);
        if (!ha || !hb)
            return ha == hb ? 0 : ha ? 1 : -1;
        r = ident_cmp(sa, na, sb, nb, nuget, true);
        if (r != 0)
            return r;
    }
}

int nr__semver_cmp(const char *a, const char *b)
{
    return nr__semverlike_cmp(a, b, false);
}

static bool ident_char(char c)
{
    return nr__is_alnum(c) || c == '-';
}

/* Checks "."-separated identifiers of [p, end): each non-empty, [0-9A-Za-z-]; numeric ones
 * without a leading zero when no_lead0. */
static bool idents_valid(const char *p, const char *end, bool no_lead0)
{
    struct sv_fields f;
    const char *s;
    size_t n;

    if (p == end)
        return false;
    fields_init(&f, p, end);
    while (fields_next(&f, &s, &n)) {
        if (n == 0)
            return false;
        for (size_t i = 0; i < n; i++)
            if (!ident_char(s[i]))
                return false;
        if (no_lead0 && n > 1 && s[0] == '0' && nr__all_digits(s, n))
            return false;
    }
    return true;
}

bool nr__semver_valid(const char *v)
{
    struct sv_parts parts;
    struct sv_fields f;
    const char *s, *build;
    size_t n, count = 0;

    sv_split(v, true, &parts);
    fields_init(&f, parts.core, parts.core_end);
    while (fields_next(&f, &s, &n)) {
        if (!nr__all_digits(s, n) || (n > 1 && s[0] == '0') || ++count > 3)
            return false;
    }
    if (count == 0)
        return false;
    if (parts.pre != NULL && !idents_valid(parts.pre, parts.pre_end, true))
        return false;
    build = parts.pre != NULL ? parts.pre_end : parts.core_end;
    if (*build == '+')
        return idents_valid(build + 1, build + 1 + strlen(build + 1), false);
    return *build == '\0';
}
