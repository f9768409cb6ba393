/*
 * vercmp.h - each package ecosystem's own version order, and OSV's affected-range semantics on
 * top of it. The supply-chain engine (sca.h) decides with these whether the version of a
 * component in an SBOM lies in the affected ranges of an advisory.
 *
 * Contract:
 * - Every comparator returns exactly -1, 0 or 1, never fails, allocates nothing and accepts any
 *   NUL-terminated string: a string that is not a valid version of its ecosystem still gets a
 *   place in the order (documented per order below), so ranges never abort on bad data.
 *   cmp(a, b) == -cmp(b, a) and the order is transitive on valid versions (Maven's, like
 *   Maven's own, only on the versions its tests list). A NULL string compares as "".
 * - nr_vercmp_valid says whether a string is a well-formed version of the order; the matcher
 *   uses it to report components whose version it cannot place. "" is valid in no order.
 * - Nothing here touches the store or keeps state; all functions are thread-safe.
 *
 * The orders, and where their rules come from:
 *   NR_ORDER_SEMVER   SemVer 2.0.0 section 11 (npm, crates.io, Go, Hex, Pub, SwiftURL, and OSV
 *                     ranges of type SEMVER). A leading "v" is dropped (Go's "v1.2.3"); build
 *                     metadata ignored; a version with fewer than three numbers is padded with
 *                     zeros.
 *                     Go pseudo-versions (v0.0.0-2019...-abcdef) order as pre-releases, as Go does.
 *   NR_ORDER_DPKG     Debian Policy 5.6.12 / dpkg's verrevcmp (Debian, Ubuntu): epoch,
 *                     upstream, revision; "~" sorts before everything, even the end.
 *   NR_ORDER_RPM      rpmvercmp of rpm 4.x (Red Hat, AlmaLinux, Rocky Linux, SUSE, openSUSE,
 *                     Mageia, openEuler, Photon OS, Azure Linux): epoch:version-release,
 *                     alphanumeric segments, "~" and "^"; a missing release sorts first.
 *   NR_ORDER_APK      apk-tools' version order (Alpine, Wolfi, Chainguard, MinimOS): digits,
 *                     letter, suffixes _alpha _beta _pre _rc < (none) < _cvs _svn _git _hg _p,
 *                     then -rN.
 *   NR_ORDER_PEP440   PEP 440 (PyPI): epoch, release, pre (a/b/rc and spellings), post, dev,
 *                     local; normalisation of the spellings PEP 440 allows. Strings that are no
 *                     PEP 440 version sort below all versions, among themselves generically.
 *   NR_ORDER_MAVEN    Maven 3.9's ComparableVersion (Maven): items, qualifiers alpha < beta <
 *                     milestone < rc = cr < snapshot < "" = ga = final = release < sp, unknown
 *                     qualifiers after, lexically.
 *   NR_ORDER_NUGET    NuGet SemVer 2.0 with four numbers and case-insensitive labels (NuGet).
 *   NR_ORDER_GEM      Gem::Version (RubyGems): segments, a letter makes a pre-release.
 *   NR_ORDER_GENERIC  version.h's nr_version_cmp, for every other ecosystem (Packagist, ...).
 * Each order's documentation at the top of its file names the examples its tests use.
 */
#ifndef NETREVIEW_VERCMP_H
#define NETREVIEW_VERCMP_H

#include "netreview/core.h"

#include <stdbool.h>
#include <stddef.h>

enum nr_order {
    NR_ORDER_GENERIC,
    NR_ORDER_SEMVER,
    NR_ORDER_DPKG,
    NR_ORDER_RPM,
    NR_ORDER_APK,
    NR_ORDER_PEP440,
    NR_ORDER_MAVEN,
    NR_ORDER_NUGET,
    NR_ORDER_GEM,
    NR_ORDER__COUNT
};

/* "semver", "dpkg", "rpm", "apk", "pep440", "maven", "nuget", "gem", "generic". */
const char *nr_order_name(enum nr_order o);

/* The order of an OSV ecosystem name, with or without its ":release" suffix ("Debian:12",
 * "Alpine:v3.18", "Ubuntu:22.04:LTS", "Red Hat:enterprise_linux:9"). Unknown names, NULL and ""
 * give NR_ORDER_GENERIC. */
enum nr_order nr_order_for_ecosystem(const char *ecosystem);

/* The order of a purl type ("npm", "pypi", "deb", "golang", ...); NR_ORDER_GENERIC otherwise. */
enum nr_order nr_order_for_purl_type(const char *type);

/* Compares a and b in order o: -1, 0 or 1. */
int nr_vercmp(enum nr_order o, const char *a, const char *b);

/* True when v is a well-formed version of order o (always true for NR_ORDER_GENERIC unless v
 * is empty). */
bool nr_vercmp_valid(enum nr_order o, const char *v);

/* --- OSV affected ranges (https://ossf.github.io/osv-schema/#affectedranges-field) ----------
 *
 * One range is a list of events. A version is affected by the range when, walking the events
 * sorted by their version in the range's order (an "introduced" of "0" sorts before every
 * version), the last event at or below it (introduced <= v, fixed <= v, last_affected < v)
 * is an "introduced"; and, when the range has any "limit" events, v is below at least one of
 * them ("*" limit = no limit). Ties at one version sort introduced < fixed/last_affected, so a
 * range introduced and fixed at the same version affects nothing there. Ranges of type GIT are
 * not version ranges and are never evaluated here (the caller skips them). A package's explicit
 * `versions[]` list is checked by the caller with nr_vercmp(...) == 0, in addition to the ranges.
 */

enum nr_osv_event_kind { NR_OSV_INTRODUCED, NR_OSV_FIXED, NR_OSV_LAST_AFFECTED, NR_OSV_LIMIT };

struct nr_osv_event {
    enum nr_osv_event_kind kind;
    const char *version; /* not owned; "0" for introduced "0" */
};

/* True when version lies in the range made of events[0..n) under order o (the events need not
 * be sorted; they are not modified; events with a NULL version are skipped). False when n == 0
 * or version is NULL. Never allocates: one pass over the events, whatever n. */
bool nr_osv_range_affected(enum nr_order o, const struct nr_osv_event *events, size_t n,
                           const char *version);

/* --- Package keys --------------------------------------------------------------------------
 *
 * An advisory's affected package and an SBOM component meet on a key "Family/name": Family is
 * the OSV ecosystem name without its ":release" suffix ("Debian:12" -> "Debian"), and name is
 * normalised the way the ecosystem compares names:
 *   PyPI      PEP 503: lower case, every run of "-", "_", "." becomes "-"
 *   npm       as written (npm names are lower case; scoped names are "@scope/name")
 *   Maven     "groupId:artifactId" as written
 *   Go        the module path as written (case-sensitive)
 *   NuGet, RubyGems, crates.io, Hex, Pub, Packagist: lower case
 *   Debian, Ubuntu, Alpine, rpm families, and every other family: the package name as written
 * A known family is matched ignoring case and written in OSV's spelling ("pypi" -> "PyPI").
 * purl types map to families: npm->npm, pypi->PyPI, maven->Maven (namespace:name), golang->Go
 * (namespace/name), cargo->crates.io, gem->RubyGems, nuget->NuGet, hex->Hex, pub->Pub,
 * composer->Packagist (namespace/name), deb->Debian or Ubuntu (by namespace, default Debian),
 * apk-> by namespace (wolfi->Wolfi, chainguard->Chainguard, else Alpine), rpm-> by namespace
 * (redhat->Red Hat, almalinux->AlmaLinux, rocky->Rocky Linux, suse->SUSE, opensuse->openSUSE,
 * mageia->Mageia, openeuler->openEuler, else "Red Hat"), github->GitHub Actions (namespace/name),
 * swift->SwiftURL (namespace/name), hackage->Hackage, cran->CRAN, conan->ConanCenter,
 * bitnami->Bitnami; other types give the purl type itself as the family and namespace/name as
 * the name. npm's scope is the namespace ("@" added when missing); the namespace of deb, rpm,
 * apk, hex and the other name-only types is not part of the name. Keys are at most
 * NR_PKG_KEY_MAX bytes, NUL included.
 *
 * Distribution purls name the binary package (libssl3), advisories of Debian, Ubuntu and Alpine
 * the source package it was built from (openssl). syft and Trivy write the source package in the
 * `upstream` qualifier, and the key of a purl takes its name from there when it is present:
 *   deb, apk  upstream "name" or "name@version": the part before the first "@"
 *   rpm       upstream is the source RPM's file "name-version-release.src.rpm": when (and only
 *             when) it ends in ".src.rpm", the name is everything before the second-to-last "-"
 *             of what precedes that tail (openssl-3.0.7-24.el9.src.rpm -> openssl)
 * otherwise (no qualifier, an empty name, an rpm upstream of another shape) the purl's name. The
 * version compared stays the binary package's: Debian and Alpine give a binary the version of its
 * source for almost every package, but a few binaries (those built with their own version, such
 * as some of gcc's or of a -defaults source) carry another one, and are then compared with a
 * version of a different numbering.
 *
 * Releases: OSV keeps one record per release of Debian ("Debian:12"), Ubuntu ("Ubuntu:22.04:LTS",
 * "Ubuntu:Pro:18.04:LTS") and Alpine ("Alpine:v3.18"), with that release's fixed versions. A purl
 * names its release in the `distro` qualifier: deb "debian-12", "debian-12.4" or a codename
 * (jessie..forky -> "8".."14"), "ubuntu-22.04" or a codename (xenial, bionic, focal, jammy,
 * mantic, noble, oracular, plucky); apk "alpine-3.18", "3.18.4" or "v3.18" -> "v3.18". Both sides
 * are written in one spelling ("12", "22.04", "v3.18") so that the matcher (sca.h) compares them
 * with strcmp. Other types and ecosystems have no release here.
 */

#define NR_PKG_KEY_MAX 512

struct nr_purl;

/* Writes the key of an OSV package into out (NUL-terminated). NR_EINVAL for an empty ecosystem
 * or name, NR_ETOOBIG when the key would not fit in n bytes. err may be NULL. */
int nr_pkg_key_osv(const char *ecosystem, const char *name, char *out, size_t n,
                   struct nr_err *err);
/* Writes the key of a parsed purl into out; same errors. */
int nr_pkg_key_purl(const struct nr_purl *p, char *out, size_t n, struct nr_err *err);
#define NR_PKG_RELEASE_MAX 32 /* bytes of a release, NUL included */

/* The release of an OSV ecosystem as above, written into out (n bytes, NUL-terminated; "" when
 * none): its length, 0 for an ecosystem without a release, of another family, NULL, or one that
 * does not fit. Never fails otherwise; allocates nothing. */
size_t nr_pkg_release_osv(const char *ecosystem, char *out, size_t n);
/* The release a parsed deb or apk purl's distro qualifier names, as above; same returns. */
size_t nr_pkg_release_purl(const struct nr_purl *p, char *out, size_t n);
/* The same read from a purl's text without parsing it (the watch reads it for every stored
 * component): the type, then the distro qualifier percent-decoded. For a purl nr_purl_parse
 * accepts it gives what nr_pkg_release_purl gives; 0 for text that is no purl. */
size_t nr_pkg_release_purl_text(const char *purl, char *out, size_t n);
/* The OSV family of a purl type and namespace as above: a static string, or type itself for
 * the other types ("" for a NULL type). */
const char *nr_pkg_family_of_purl(const char *type, const char *namespace);

#endif
