/*
 * ident.h - product identifiers: CPE 2.3 formatted strings (NISTIR 7695, matched as in
 * NISTIR 7696) and package URLs (the purl specification). The procurement gate (R9) looks a
 * product up by either and matches its version against the "versions covered" of a decision
 * (R7, version.h); the SBOM engine reads both from CycloneDX and SPDX.
 *
 * Contract:
 * - struct nr_cpe and struct nr_purl are caller-owned: _init, _parse (any number of times),
 *   _release. Each owns its strings (nr_cpe one malloc'd block, nr_purl an arena inside the
 *   struct), so a parsed struct must not be copied by value and then released twice. A struct
 *   that was only initialised, or whose parse failed, is empty: its pointers are NULL.
 * - Parse errors are NR_EPARSE, or NR_ETOOBIG past a cap below, with err->field "cpe" or
 *   "purl" and a message naming the offending component or part:
 *   `cpe: vendor: unescaped "!" (quote it as \!)`, `purl: qualifiers: key "in production" ...`.
 *   Messages show input bytes that are not printable ASCII as "?".
 * - Format functions append to a caller's nr_buf and fail only with NR_ETOOBIG from its cap.
 */
#ifndef NETREVIEW_IDENT_H
#define NETREVIEW_IDENT_H

#include "netreview/core.h"

#include <stdbool.h>
#include <stddef.h>

/* --- CPE 2.3 ------------------------------------------------------------------------------
 *
 * A formatted string is "cpe:2.3:" and exactly eleven components separated by unquoted ":":
 * part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other.
 * Each component is "*" (ANY), "-" (NA) or a value:
 * - part is a, o or h;
 * - language is a language tag: 2 or 3 letters, optionally "-" and 2 letters or 3 digits;
 * - every other value is [wildcard] body [wildcard]: the body is one or more letters, digits,
 *   "-", "." , "_" or quoted characters (a backslash and one printable, non-alphanumeric ASCII
 *   character: \\ \* \? \! \: ...); a wildcard is one unquoted "*" or a run of unquoted "?", and
 *   may only open or close the value. An unquoted "*" or "?" inside the value, any other
 *   unquoted punctuation, a backslash before a letter or digit or at the end, and bytes outside
 *   printable ASCII are rejected.
 * "cpe:2.3:" may be written in any case. A CPE 2.2 URI ("cpe:/a:...") is rejected.
 *
 * Stored form: each attribute keeps its formatted-string value in canonical form, so quoting
 * and wildcards survive and nr_cpe_format is exact: letters are folded to lower case (CPE
 * values compare case-insensitively, and the NVD dictionary is lower case), and "\-", "\." and
 * "\_" (accepted although the grammar needs no quote there) lose their backslash, except a
 * value that is a lone quoted hyphen, "\-", which stays quoted so that it does not become NA.
 * Use nr_cpe_unquote for the plain text of a value.
 */

enum nr_cpe_attr {
    NR_CPE_PART,
    NR_CPE_VENDOR,
    NR_CPE_PRODUCT,
    NR_CPE_VERSION,
    NR_CPE_UPDATE,
    NR_CPE_EDITION,
    NR_CPE_LANGUAGE,
    NR_CPE_SW_EDITION,
    NR_CPE_TARGET_SW,
    NR_CPE_TARGET_HW,
    NR_CPE_OTHER,
    NR_CPE__COUNT
};

#define NR_CPE_MAX 2048 /* bytes in a formatted string */

struct nr_cpe {
    const char *attr[NR_CPE__COUNT]; /* canonical formatted-string values; "*" ANY, "-" NA */
    char *block;                     /* owns the strings */
};

void nr_cpe_init(struct nr_cpe *c);
void nr_cpe_release(struct nr_cpe *c);
/* Parses a formatted string into c, replacing what c held; c is empty on failure. */
int nr_cpe_parse(struct nr_cpe *c, const char *s, struct nr_err *err);
/* Name of an attribute as NISTIR 7695 spells it ("sw_edition"); "?" when out of range. */
const char *nr_cpe_attr_name(enum nr_cpe_attr a);

/* CPE name matching (NISTIR 7696): true when every attribute of pattern is a superset of, or
 * equal to, the same attribute of target. ANY matches everything; NA matches only NA; a value
 * never matches ANY or NA in target, nor a target value that holds wildcards itself; values
 * compare case-insensitively on their unquoted characters. A pattern's leading "*" matches any
 * number of characters and a run of k leading "?" at most k characters (0 to k, as in
 * NISTIR 7696's reference algorithm); the same holds at the end. False when either is empty. */
bool nr_cpe_matches(const struct nr_cpe *pattern, const struct nr_cpe *target);

/* Appends the canonical formatted string, "cpe:2.3:a:vendor:...". c must have been parsed. */
int nr_cpe_format(const struct nr_cpe *c, struct nr_buf *out);
/* Appends the gate's product key, "vendor:product" in canonical formatted-string form (a colon
 * inside a value stays quoted as "\:", so the key is unambiguous). */
int nr_cpe_product_key(const struct nr_cpe *c, struct nr_buf *out);
/* Appends the unquoted version ("1.0\:beta" gives "1.0:beta"). Returns NR_ENOTFOUND, appending
 * nothing, when the CPE names no single version: ANY, NA or a value with wildcards. */
int nr_cpe_version(const struct nr_cpe *c, struct nr_buf *out);
/* Appends value without its quoting backslashes; "*", "-" and wildcards are copied as they are,
 * so check for them first where they matter. */
int nr_cpe_unquote(const char *value, struct nr_buf *out);
/* True when value holds an unquoted "*" or "?" (and is not ANY itself). */
bool nr_cpe_has_wildcard(const char *value);

/* --- Package URL ---------------------------------------------------------------------------
 *
 * pkg:type/namespace/name@version?qualifiers#subpath, parsed right to left as the purl
 * specification's "how to parse" says: "pkg:" (any case, then any number of "/"), type
 * (letters, digits, ".", "+", "-", starting with a letter; lower-cased), namespace segments
 * (empty ones dropped), name (required), version, qualifiers ("&"-separated key=value; keys start
 * with a letter and hold letters, digits, ".", "-", "_", are never percent-encoded and are
 * lower-cased; pairs with an empty value are dropped; a key given twice is an error) and subpath
 * (empty, "." and ".." segments dropped). Every component but type, scheme and keys is
 * percent-decoded; "%" must be followed by two hex digits, "%00" is rejected, and bytes outside
 * printable ASCII, a space, or an unencoded "#" (or "?" left of the qualifiers) are rejected.
 * A decoded namespace or subpath segment may not contain "/"; a decoded name may.
 *
 * Type-specific normalisation (the purl type definitions), applied on parse:
 *   lower-case namespace and name: alpm, apk, bitbucket, composer, deb, github, gitlab, hex,
 *                                  luarocks
 *   lower-case name:               bitnami, npm, oci
 *   lower-case namespace:          qpkg, rpm
 *   upper-case namespace:          cpan
 *   pypi: name lower-cased, "_" becomes "-"
 *   pub: name lower-cased, every character other than a-z 0-9 becomes "_"
 *   huggingface: version lower-cased
 *   mlflow: name lower-cased when the repository_url qualifier names a Databricks host
 * golang is left as written: Go module paths are case-sensitive. The type definitions' "X is
 * required" rules (swift, cran, conan, ...) are validation, not parsing, and are not applied:
 * the gate stores version-less purls.
 *
 * Canonical form (nr_purl_format): "pkg:", type, "/", namespace segments and name each
 * percent-encoded, "@version", "?" and the qualifiers sorted as "key=value" strings and joined
 * by "&", "#" and the subpath segments. Encoding keeps A-Z a-z 0-9 . - _ ~ and ":" and writes
 * every other byte as %XX with upper-case hex (ECMA-427): "/" in a qualifier value is "%2F".
 */

#define NR_PURL_MAX           4096 /* bytes in a purl */
#define NR_PURL_QUALIFIER_MAX 64   /* qualifiers in one purl */

struct nr_purl_qualifier {
    const char *key;   /* lower case */
    const char *value; /* decoded, never empty */
};

struct nr_purl {
    const char *type;      /* lower case */
    const char *namespace; /* decoded segments joined by "/"; NULL when there is none */
    const char *name;      /* decoded, never empty */
    const char *version;   /* decoded; NULL when there is none */
    struct nr_purl_qualifier *qualifiers; /* sorted canonically; NULL when none */
    size_t nqualifiers;
    const char *subpath;   /* decoded segments joined by "/"; NULL when there is none */
    struct nr_arena arena; /* owns every string and array above */
};

void nr_purl_init(struct nr_purl *p);
void nr_purl_release(struct nr_purl *p);
/* Parses s into p, replacing what p held; p is empty on failure. */
int nr_purl_parse(struct nr_purl *p, const char *s, struct nr_err *err);
/* Appends the canonical purl. p must have been parsed. */
int nr_purl_format(const struct nr_purl *p, struct nr_buf *out);
/* Appends the canonical "pkg:type/namespace/name", without version, qualifiers and subpath:
 * what the gate matches, together with a version range. */
int nr_purl_base(const struct nr_purl *p, struct nr_buf *out);
/* Value of qualifier key (lower case), or NULL. */
const char *nr_purl_qualifier(const struct nr_purl *p, const char *key);

#endif
