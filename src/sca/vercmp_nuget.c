/*
 * vercmp_nuget.c - the NuGet order of vercmp.h (NR_ORDER_NUGET), after NuGet.Versioning's
 * VersionComparer.Default: up to four numbers (Major.Minor.Patch.Revision, missing ones 0, so
 * 1.0.0.0 == 1.0.0 == 1.0), a version with a release label below the same version without one,
 * labels compared as SemVer 2.0.0 identifiers except that alphanumeric ones ignore case
 * (OrdinalIgnoreCase) and a label is numeric only when Int32.TryParse takes it (all digits, at
 * most 2147483647); metadata ("+...") ignored. The comparison itself is the SemVer-shaped one of
 * vercmp_semver.c with NuGet's rules switched on, so any string gets a place there.
 *
 * Tests (tests/unit/test_vercmp_nuget.c) use NuGet's documented precedence examples
 * (https://learn.microsoft.com/nuget/concepts/package-versioning): 1.0.0-alpha < 1.0.0-alpha.1
 * < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0 < 1.0.0.1,
 * 1.0.0-BETA == 1.0.0-beta, 1.0.0.0 == 1.0.0, and normalisation of leading zeros (1.01 == 1.1).
 */
#include "sca/vercmp_int.h"

#include "netreview/vercmp.h"

#include <string.h>

#include "netreview/banned.h"

int nr__nuget_cmp(const char *a, const char *b)
{
    return nr__semverlike_cmp(a, b, true);
}

/* Digits that Int32.Parse accepts as a version part: at most 2147483647, leading zeros allowed. */
static bool part_valid(const char *s, size_t n)
{
    if (!nr__all_digits(s, n))
        return false;
    while (n > 1 && *s == '0') {
        s++;
        n--;
    }
    return n < 10 || (n == 10 && memcmp(s, "2147483647", 10) <= 0);
}

/* "."-separated, non-empty identifiers of [0-9A-Za-z-] from p up to a stop character or NUL;
 * returns the stop position, or NULL when an identifier is empty or holds another character. */
static const char *labels_valid(const char *p, char stop)
{
    size_t n = 0;

    for (;; p++) {
        if (*p == '.' || *p == stop || *p == '\0') {
            if (n == 0)
                return NULL;
            if (*p != '.')
                return p;
            n = 0;
        } else if (nr__is_alnum(*p) || *p == '-') {
            n++;
        } else {
            return NULL;
        }
    }
}

bool nr__nuget_valid(const char *v)
{
    const char *p = v, *s;
    unsigned count = 0;

    for (;;) {
        s = p;
        while (nr__is_digit(*p))
            p++;
        if (!part_valid(s, (size_t)(p - s)) || ++count > 4)
            return false;
        if (*p != '.')
            break;
        p++;
    }
    if (*p == '-') {
        p = labels_valid(p + 1, '+');
        if (p == NULL)
            return false;
    }
    if (*p == '+') {
        p = labels_valid(p + 1, '\0');
        if (p == NULL)
            return false;
    }
    return *p == '\0';
}
