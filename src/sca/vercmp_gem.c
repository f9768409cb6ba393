/*
 * vercmp_gem.c - the RubyGems order of vercmp.h (NR_ORDER_GEM), Gem::Version#<=> of RubyGems 3.x.
 *
 * Gem::Version replaces every "-" with ".pre." and splits the string into segments, the maximal
 * runs of ASCII digits (numbers) and of ASCII letters (strings, case kept). Its canonical
 * segments drop the trailing zeros of the leading numeric part and of the rest, so 1.0.0 == 1
 * and 1.0.a == 1.a. Segments compare in turn, a missing one as 0: numbers by value, strings
 * byte-wise, and a string below any number, which makes a letter a pre-release: 1.0.a < 1.0,
 * 1.8.2.a < 1.8.2.b < 1.8.2, 1.0.0-rc1 (1.0.0.pre.rc1) < 1.0.0. Any string gets segments, so any
 * string has a place; the order is a total preorder (a lexicographic one on zero-padded lists).
 *
 * Tests (tests/unit/test_vercmp_gem.c) use RubyGems' test/rubygems/test_gem_version.rb:
 * test_spaceship (1.0 == 1.0.0, 1.0 > 1.0.a, 1.8.2 > 0.0.0, 1.8.2 > 1.8.2.a, 1.8.2.b > 1.8.2.a,
 * 1.8.2.a10 > 1.8.2.a9, "" == 0, 0.beta.1 == 0.0.beta.1, 0.0.beta < 0.0.beta.1 < ..., 5.a <
 * 5.0.0.rc2 < 5.x), the SemVer-style pre-releases of test_semver, and test_initialize's valid
 * and invalid strings.
 */
#include "sca/vercmp_int.h"

#include "netreview/vercmp.h"

#include <string.h>

#include "netreview/banned.h"

enum gem_kind { GEM_NUM, GEM_STR, GEM_END };

struct gem_seg {
    enum gem_kind kind;
    const char *p;
    size_t n;
};

struct gem_iter {
    const char *p;
    bool seen_string; /* past the leading numeric part */
    size_t keep_zeros;
    size_t drop_zeros;
};

/* The raw segments; "-" reads as the string "pre" between dots. */
static struct gem_seg raw_next(const char **pp)
{
    struct gem_seg s;
    const char *p = *pp;

    while (*p != '\0' && !nr__is_alnum(*p) && *p != '-')
        p++;
    s.p = p;
    if (*p == '\0') {
        s.kind = GEM_END;
        s.n = 0;
    } else if (*p == '-') {
        s.kind = GEM_STR;
        s.p = "pre";
        s.n = 3;
        p++;
    } else if (nr__is_digit(*p)) {
        while (nr__is_digit(*p))
            p++;
        s.kind = GEM_NUM;
        s.n = (size_t)(p - s.p);
    } else {
        while (nr__is_alpha(*p))
            p++;
        s.kind = GEM_STR;
        s.n = (size_t)(p - s.p);
    }
    *pp = p;
    return s;
}

static bool seg_zero(const struct gem_seg *s)
{
    if (s->kind != GEM_NUM)
        return false;
    for (size_t i = 0; i < s->n; i++)
        if (s->p[i] != '0')
            return false;
    return true;
}

/* Canonical segments. Zeros at the end need no dropping: a missing segment compares as 0. */
static struct gem_seg iter_next(struct gem_iter *it)
{
    for (;;) {
        struct gem_seg s = raw_next(&it->p);

        if (s.kind == GEM_STR)
            it->seen_string = true;
        if (!seg_zero(&s) || it->seen_string)
            return s;
        if (it->keep_zeros > 0) {
            it->keep_zeros--;
            return s;
        }
        if (it->drop_zeros > 0) {
            it->drop_zeros--;
            continue;
        }
        {
            const char *ahead = it->p;
            struct gem_seg t;
            size_t run = 0;

            for (t = raw_next(&ahead); seg_zero(&t); t = raw_next(&ahead))
                run++;
            if (t.kind == GEM_NUM) {
                it->keep_zeros = run;
                return s;
            }
            /* Trailing zeros of the numeric part, before the first string or the end. */
            it->drop_zeros = run;
        }
    }
}

int nr__gem_cmp(const char *a, const char *b)
{
    struct gem_iter ia = {a, false, 0, 0}, ib = {b, false, 0, 0};

    for (;;) {
        struct gem_seg x = iter_next(&ia), y = iter_next(&ib);
        int r;

        if (x.kind == GEM_END && y.kind == GEM_END)
            return 0;
        if (x.kind == GEM_END) {
            x.kind = GEM_NUM;
            x.p = "0";
            x.n = 1;
        }
        if (y.kind == GEM_END) {
            y.kind = GEM_NUM;
            y.p = "0";
            y.n = 1;
        }
        if (x.kind != y.kind)
            return x.kind == GEM_STR ? -1 : 1;
        r = x.kind == GEM_NUM ? nr__numcmp(x.p, x.n, y.p, y.n) : nr__bytecmp(x.p, x.n, y.p, y.n);
        if (r != 0)
            return r;
    }
}

/* Gem::Version::ANCHORED_VERSION_PATTERN without its empty alternative:
 * \s*[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\s* */
bool nr__gem_valid(const char *v)
{
    const char *p = v, *s;

    while (nr__is_space(*p))
        p++;
    s = p;
    while (nr__is_digit(*p))
        p++;
    if (p == s)
        return false;
    while (*p == '.' && nr__is_alnum(p[1])) {
        p++;
        while (nr__is_alnum(*p))
            p++;
    }
    if (*p == '-') {
        for (;;) {
            s = ++p;
            while (nr__is_alnum(*p) || *p == '-')
                p++;
            if (p == s)
                return false;
            if (*p != '.')
                break;
        }
    }
    while (nr__is_space(*p))
        p++;
    return *p == '\0';
}
