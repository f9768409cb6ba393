/*
 * vercmp_rpm.c - the RPM order of vercmp.h (NR_ORDER_RPM: Red Hat, AlmaLinux, Rocky Linux, SUSE,
 * openSUSE, Mageia and the other rpm distributions), as rpm 4.x compares [epoch:]version[-release]
 * (rpmio/rpmvercmp.c, lib/rpmver.c).
 *
 * The epoch is the run of digits before a ":" at the start (0 when absent) and compares as a
 * number; the release is what follows the last "-". Version, then release, compare with
 * rpmvercmp: characters other than ASCII letters, digits, "~" and "^" only separate segments;
 * segments are maximal runs of digits (compared as numbers) or of letters (compared byte-wise),
 * and at one position
 *     "~"  <  end of string  <  "^"  <  letters  <  digits
 * so 1.0~rc1 < 1.0 < 1.0^git1 < 1.0a < 1.0.1. That rule reads rpmvercmp's loop as a comparison
 * of token lists, which is what makes it a total preorder on all strings. Where rpm itself
 * ignores the release of a version that has none (a dependency "foo >= 1.0"), this order takes
 * the missing release as "", below every release, so that the order stays transitive.
 *
 * Tests (tests/unit/test_vercmp_rpm.c) use rpm's tests/rpmvercmp.at cases: 1.0a > 1.0,
 * 5.5p1 < 5.5p10, xyz.4 < 8, 6.0.rc1 > 6.0, 10.0001 == 10.1, 2_0 == 2.0, a+ == a_, the tilde
 * cases (1.0~rc1 < 1.0, 1.0~rc1~git123 < 1.0~rc1), the caret cases (1.0^ > 1.0, 1.0^git1 <
 * 1.01, 1.0^20160101 < 1.0.1, 1.0~rc1^git1 > 1.0~rc1, 1.0^git1~pre < 1.0^git1) and the
 * documented oddities (1b.fc17 < 1.fc17, non-ASCII letters are separators).
 */
#include "sca/vercmp_int.h"

#include "netreview/vercmp.h"

#include <string.h>

#include "netreview/banned.h"

/* Token kinds in the order rpmvercmp gives them at one position. */
enum rpm_tok { RPM_TILDE, RPM_END, RPM_CARET, RPM_ALPHA, RPM_NUM };

static enum rpm_tok rpm_next(const char **pp, const char *end, const char **s, size_t *n)
{
    const char *p = *pp, *start;
    enum rpm_tok kind;

    while (p < end && !nr__is_alnum(*p) && *p != '~' && *p != '^')
        p++;
    if (p == end) {
        *pp = p;
        return RPM_END;
    }
    if (*p == '~' || *p == '^') {
        *pp = p + 1;
        return *p == '~' ? RPM_TILDE : RPM_CARET;
    }
    start = p;
    if (nr__is_digit(*p)) {
        while (p < end && nr__is_digit(*p))
            p++;
        kind = RPM_NUM;
    } else {
        while (p < end && nr__is_alpha(*p))
            p++;
        kind = RPM_ALPHA;
    }
    *s = start;
    *n = (size_t)(p - start);
    *pp = p;
    return kind;
}

static int rpmvercmp(const char *a, const char *ae, const char *b, const char *be)
{
    for (;;) {
        const char *sa = NULL, *sb = NULL;
        size_t na = 0, nb = 0;
        enum rpm_tok ka = rpm_next(&a, ae, &sa, &na), kb = rpm_next(&b, be, &sb, &nb);
        int r = 0;

        if (ka != kb)
            return ka < kb ? -1 : 1;
        if (ka == RPM_END)
            return 0;
        if (ka == RPM_NUM)
            r = nr__numcmp(sa, na, sb, nb);
        else if (ka == RPM_ALPHA)
            r = nr__bytecmp(sa, na, sb, nb);
        if (r != 0)
            return r;
    }
}

struct rpm_evr {
    const char *epoch, *epoch_end;
    const char *version, *version_end;
    const char *release, *release_end; /* empty when there is no "-" */
    bool has_epoch, has_release;
};

/* As rpm's parseEVR: digits then ":" make the epoch; the last "-" after them starts the release. */
static void rpm_split(const char *s, struct rpm_evr *v)
{
    const char *p = s, *end = s + strlen(s), *hyphen = NULL;

    while (nr__is_digit(*p))
        p++;
    v->has_epoch = *p == ':';
    v->epoch = s;
    v->epoch_end = v->has_epoch ? p : s;
    v->version = v->has_epoch ? p + 1 : s;
    for (const char *q = end; q > p; q--) {
        if (q[-1] == '-') {
            hyphen = q - 1;
            break;
        }
    }
    if (hyphen != NULL && hyphen < v->version)
        hyphen = NULL;
    v->has_release = hyphen != NULL;
    v->version_end = hyphen != NULL ? hyphen : end;
    v->release = hyphen != NULL ? hyphen + 1 : end;
    v->release_end = end;
}

int nr__rpm_cmp(const char *a, const char *b)
{
    struct rpm_evr va, vb;
    int r;

    rpm_split(a, &va);
    rpm_split(b, &vb);
    r = nr__numcmp(va.epoch, (size_t)(va.epoch_end - va.epoch), vb.epoch,
                   (size_t)(vb.epoch_end - vb.epoch));
    if (r == 0)
        r = rpmvercmp(va.version, va.version_end, vb.version, vb.version_end);
    if (r == 0)
        r = rpmvercmp(va.release, va.release_end, vb.release, vb.release_end);
    return r;
}

/* The characters rpmbuild accepts in Version and Release. */
static bool evr_chars(const char *p, const char *end)
{
    if (p == end)
        return false;
    for (; p < end; p++)
        if (!nr__is_alnum(*p) && strchr("._+~^", *p) == NULL)
            return false;
    return true;
}

/* [digits:]version[-release], version and release non-empty and of evr_chars, one "-" at most. */
bool nr__rpm_valid(const char *v)
{
    struct rpm_evr e;

    rpm_split(v, &e);
    if (e.has_epoch && e.epoch == e.epoch_end)
        return false;
    if (!evr_chars(e.version, e.version_end))
        return false;
    return !e.has_release || evr_chars(e.release, e.release_end);
}
