/*
 * vercmp_int.h - internals of the version-order module (interface: vercmp.h). One comparator and
 * one validity check per order, each in its own file (vercmp_<order>.c), and the character and
 * digit-run helpers they all parse with. The comparators parse both strings on the fly: no
 * allocation, no copies, no locale-dependent <ctype.h> calls, and numbers compared as digit runs
 * so that no run of digits can overflow.
 */
#ifndef NETREVIEW_VERCMP_INT_H
#define NETREVIEW_VERCMP_INT_H

#include <stdbool.h>
#include <stddef.h>

static inline bool nr__is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool nr__is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static inline bool nr__is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static inline bool nr__is_alpha(char c)
{
    return nr__is_lower(c) || nr__is_upper(c);
}

static inline bool nr__is_alnum(char c)
{
    return nr__is_digit(c) || nr__is_alpha(c);
}

/* Python's and Ruby's \s: space, \t, \n, \v, \f, \r. */
static inline bool nr__is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline char nr__lower(char c)
{
    return nr__is_upper(c) ? (char)(c - 'A' + 'a') : c;
}

static inline char nr__upper(char c)
{
    return nr__is_lower(c) ? (char)(c - 'a' + 'A') : c;
}

/* Compares two runs of ASCII digits as unsigned numbers of any length: leading zeros are
 * skipped, then the longer run is the greater number, then the bytes decide. An empty run is 0.
 * Returns -1, 0 or 1. */
int nr__numcmp(const char *a, size_t an, const char *b, size_t bn);
/* Compares two byte runs as unsigned bytes, a proper prefix first. Returns -1, 0 or 1. */
int nr__bytecmp(const char *a, size_t an, const char *b, size_t bn);
/* As nr__bytecmp with ASCII letters folded to lower case. */
int nr__bytecmp_lower(const char *a, size_t an, const char *b, size_t bn);
/* True when the n bytes at s are all ASCII digits (false for n == 0). */
bool nr__all_digits(const char *s, size_t n);

/* The SemVer-shaped order shared by SemVer 2.0.0 and NuGet (vercmp_semver.c). nuget selects
 * NuGet's rules: no "v" prefix, labels compared ignoring case, a label numeric only when it
 * fits a signed 32-bit integer. */
int nr__semverlike_cmp(const char *a, const char *b, bool nuget);

int nr__semver_cmp(const char *a, const char *b);
bool nr__semver_valid(const char *v);
int nr__dpkg_cmp(const char *a, const char *b);
bool nr__dpkg_valid(const char *v);
int nr__rpm_cmp(const char *a, const char *b);
bool nr__rpm_valid(const char *v);
int nr__apk_cmp(const char *a, const char *b);
bool nr__apk_valid(const char *v);
int nr__pep440_cmp(const char *a, const char *b);
bool nr__pep440_valid(const char *v);
int nr__maven_cmp(const char *a, const char *b);
bool nr__maven_valid(const char *v);
int nr__nuget_cmp(const char *a, const char *b);
bool nr__nuget_valid(const char *v);
int nr__gem_cmp(const char *a, const char *b);
bool nr__gem_valid(const char *v);

#endif
