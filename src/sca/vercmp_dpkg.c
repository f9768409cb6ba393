/*
 * vercmp_dpkg.c - the Debian order of vercmp.h (NR_ORDER_DPKG: Debian, Ubuntu), as Debian Policy
 * 5.6.12 specifies it and dpkg implements it (lib/dpkg/version.c: parseversion, verrevcmp).
 *
 * A version is [epoch:]upstream_version[-debian_revision]: the epoch is the number before the
 * first ":" (0 when absent), the revision what follows the last "-" ("" when absent, which
 * equals "0"). Epochs compare as numbers; upstream versions, then revisions, compare with
 * verrevcmp: alternately a run of non-digits, compared character by character with letters
 * before everything else, "~" before even the end of the run, and a run of digits, compared as
 * a number. Hence ~~ < ~~a < ~ < "" < a, and 1.0~rc1 < 1.0 < 1.0a < 1.0.1.
 *
 * Any string gets a place: leading and trailing white space is dropped as dpkg does, a prefix
 * before ":" that is not all digits is not an epoch (the ":" then belongs to the upstream
 * version), and verrevcmp orders every byte string. Every step is a lexicographic comparison of
 * a function of the string, so the order is a total preorder on all strings.
 *
 * Tests (tests/unit/test_vercmp_dpkg.c) use Policy 5.6.12's "~~ ~~a ~ (empty) a" example and
 * dpkg's lib/dpkg/t/t-version.c cases (0:0-00 == 0:00-0, epochs, multiple hyphens and colons,
 * leading and trailing spaces, the characters allowed in each part, the invalid versions).
 */
#include "sca/vercmp_int.h"

#include "netreview/vercmp.h"

#include <string.h>

#include "netreview/banned.h"

struct dpkg_version {
    const char *epoch, *epoch_end;
    const char *upstream, *upstream_end;
    const char *revision, *revision_end;
    bool has_epoch, has_revision;
};

static void dpkg_split(const char *s, struct dpkg_version *v)
{
    const char *end, *p, *colon = NULL, *hyphen = NULL;

    while (nr__is_space(*s))
        s++;
    end = s + strlen(s);
    while (end > s && nr__is_space(end[-1]))
        end--;
    for (p = s; p < end && nr__is_digit(*p); p++)
        ;
    if (p < end && *p == ':')
        colon = p;
    v->has_epoch = colon != NULL;
    v->epoch = s;
    v->epoch_end = colon != NULL ? colon : s;
    v->upstream = colon != NULL ? colon + 1 : s;
    for (p = end; p > v->upstream; p--) {
        if (p[-1] == '-') {
            hyphen = p - 1;
            break;
        }
    }
    v->has_revision = hyphen != NULL;
    v->upstream_end = hyphen != NULL ? hyphen : end;
    v->revision = hyphen != NULL ? hyphen + 1 : end;
    v->revision_end = end;
}

/* dpkg's order(): digits and the end weigh 0, letters their code, "~" -1, the rest code + 256. */
static int char_order(const char *p, const char *end)
{
    unsigned char c;

    if (p >= end)
        return 0;
    c = (unsigned char)*p;
    if (nr__is_digit((char)c))
        return 0;
    if (nr__is_alpha((char)c))
        return c;
    if (c == '~')
        return -1;
    return c + 256;
}

static int verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
    while (a < ae || b < be) {
        int first_diff = 0;

        while ((a < ae && !nr__is_digit(*a)) || (b < be && !nr__is_digit(*b))) {
            int ac = char_order(a, ae), bc = char_order(b, be);
            if (ac != bc)
                return ac < bc ? -1 : 1;
            /* Equal weights here are two non-digits: neither side is at its end. */
            a++;
            b++;
        }
        while (a < ae && *a == '0')
            a++;
        while (b < be && *b == '0')
            b++;
        while (a < ae && b < be && nr__is_digit(*a) && nr__is_digit(*b)) {
            if (first_diff == 0)
                first_diff = *a - *b;
            a++;
            b++;
        }
        if (a < ae && nr__is_digit(*a))
            return 1;
        if (b < be && nr__is_digit(*b))
            return -1;
        if (first_diff != 0)
            return first_diff < 0 ? -1 : 1;
    }
    return 0;
}

int nr__dpkg_cmp(const char *a, const char *b)
{
    struct dpkg_version va, vb;
    int r;

    dpkg_split(a, &va);
    dpkg_split(b, &vb);
    r = nr__numcmp(va.epoch, (size_t)(va.epoch_end - va.epoch), vb.epoch,
                   (size_t)(vb.epoch_end - vb.epoch));
    if (r == 0)
        r = verrevcmp(va.upstream, va.upstream_end, vb.upstream, vb.upstream_end);
    if (r == 0)
        r = verrevcmp(va.revision, va.revision_end, vb.revision, vb.revision_end);
    return r;
}

static bool chars_in(const char *p, const char *end, const char *extra)
{
    for (; p < end; p++)
        if (!nr__is_alnum(*p) && strchr(extra, *p) == NULL)
            return false;
    return true;
}

/* As dpkg's parseversion: no embedded space; an epoch, when there is a ":", of digits up to
 * INT_MAX; a non-empty upstream version starting with a digit, of alphanumerics and ".+-~:";
 * after a "-", a non-empty revision of alphanumerics and ".+~" (dpkg 1.21 rejects "0:0-"). */
bool nr__dpkg_valid(const char *v)
{
    struct dpkg_version d;
    const char *s = v, *first_colon;

    dpkg_split(v, &d);
    while (nr__is_space(*s))
        s++;
    if (*s == '\0')
        return false;
    for (const char *p = s; p < d.revision_end; p++)
        if (nr__is_space(*p))
            return false;
    first_colon = memchr(s, ':', (size_t)(d.revision_end - s));
    if (first_colon != NULL) {
        size_t n = (size_t)(d.epoch_end - d.epoch);
        if (!d.has_epoch || n == 0 || nr__numcmp(d.epoch, n, "2147483647", 10) > 0)
            return false;
    }
    if (d.upstream == d.upstream_end || !nr__is_digit(*d.upstream))
        return false;
    if (!chars_in(d.upstream, d.upstream_end, ".+-~:"))
        return false;
    if (d.has_revision && d.revision == d.revision_end)
        return false;
    return chars_in(d.revision, d.revision_end, ".+~");
}
