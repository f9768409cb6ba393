/*
 * version.h - the generic version order and version-range expressions, used for the "versions
 * covered" of a decision (R7) and by the procurement gate (R9) to decide whether the version an
 * operator asks about is one that a decision covers.
 *
 * Contract:
 * - nr_version_cmp never fails and allocates nothing; it is a total preorder on all strings
 *   (versions that compare equal are interchangeable in every range).
 * - struct nr_range is caller-owned: nr_range_init, then nr_range_parse (any number of times),
 *   then nr_range_release. It owns one malloc'd array, freed by nr_range_release. A struct that
 *   was only initialised, or whose parse failed, is empty and matches no version.
 * - Parse errors are NR_EPARSE (malformed) or NR_ETOOBIG (a cap below is exceeded), with
 *   err->field "versions" and a message naming the 1-based column, for example
 *   `versions: unexpected ">" at column 7`.
 *
 * The generic order (a later module adds per-ecosystem orders: SemVer, dpkg, rpm, PEP 440; this
 * one stays self-contained and is what a decision uses when no ecosystem is named):
 *
 * 1. Tokens. A leading "v" or "V" directly followed by a digit is dropped ("v1.2" == "1.2").
 *    Everything from the first "+" on is build metadata and ignored ("1.0+b7" == "1.0"). The rest
 *    splits into maximal runs of ASCII digits (numbers) and of ASCII letters (words); every other
 *    character ("." "-" "_" "~" ":" ...) only separates runs and is otherwise ignored.
 * 2. Pre-release words. A word is a pre-release when the character just before it is "-" or "~"
 *    ("1.0-rc1", "1.0~beta", "2.0-SNAPSHOT"), or when it is one of the well-known pre-release
 *    words alpha, beta, dev, pre, preview, rc, snapshot wherever it stands ("2.0rc1",
 *    "1.0.beta2"). Any other word is a plain word ("1.0.2a", "1.0-1ubuntu1" has "ubuntu").
 * 3. Comparison. The token lists are compared position by position; a list that runs out is
 *    padded with the number 0 as far as needed, so "1.0" == "1.0.0". At one position:
 *        pre-release word  <  number 0  <  plain word  <  number 1  <  number 2  < ...
 *    Numbers compare by value, of any length (leading zeros are ignored: "1.01" == "1.1"); two
 *    words of the same kind compare case-insensitively, byte by byte in ASCII, a proper prefix
 *    first ("alpha" < "alphax" < "beta" < "rc"; "RC1" == "rc1").
 *    Hence 1.0-alpha < 1.0-beta < 1.0-rc1 < 1.0-rc2 < 1.0 == 1.0.0 < 1.0a < 1.0b < 1.0.1 < 1.1,
 *    and 1.0-rc1 < 1.0.0-rc1 (a pre-release of "1.0" at position 2 sorts before the "0" there).
 * Known limits, left to the per-ecosystem orders: a number after "~" is not a pre-release
 * (dpkg "1.0~1"), "-r0" (apk revisions) reads as a pre-release, and an epoch ("1:2.0") is just
 * another number.
 *
 * Range expressions ("versions covered"):
 *     expr       := alt ( "||" alt )*
 *     alt        := "*" | constraint ( ( WS | "," ) constraint )*
 *     constraint := [ op ] version | [ "=" | "==" | "!=" ] version ".*"
 *     op         := "=" | "==" | "!=" | "<" | "<=" | ">" | ">="
 * Whitespace (space, tab) may surround every token, including between an operator and its
 * version. A version is 1 to NR_VERSION_MAX printable ASCII characters other than space and
 * | , < > = ! * with at least one digit or letter. A version matches the expression when
 * it satisfies every constraint of at least one alt; "*" matches every version. A bare version
 * or "=" / "==" means equal in the order above; "X.*" matches the versions whose first tokens
 * equal the tokens of X, 0-padded: "2.1.*" matches 2.1, 2.1-rc1, 2.1.0-rc1, 2.1.7 and 2.1b but
 * not 2.2 or 2-rc1; "2.0.*" matches 2 but not 2-rc1 (that is [2, rc, 1], a pre-release of "2"
 * at the position where "2.0.*" wants 0). The versions matching "X.*" form one interval of the
 * order. "!=X.*" matches the others.
 * Examples: "*", "2.1.0", ">=2.0 <3.0", ">=2.0, <3.0", "2.1.* || 3.0.0", "!=2.0.3 >=2.0 <2.1".
 */
#ifndef NETREVIEW_VERSION_H
#define NETREVIEW_VERSION_H

#include "netreview/core.h"

#include <stdbool.h>
#include <stddef.h>

#define NR_VERSION_MAX          128  /* bytes in one version of an expression */
#define NR_RANGE_EXPR_MAX       1024 /* bytes in one expression, and in its canonical text */
#define NR_RANGE_CONSTRAINT_MAX 64   /* constraints in one expression, "*" included */

/* Compares two versions in the generic order above: <0, 0 or >0 (exactly -1, 0 or 1).
 * cmp(a, b) == -cmp(b, a) for all a, b. Neither may be NULL. */
int nr_version_cmp(const char *a, const char *b);

/* Checks that s can be a version in a range expression or a gate query: 1 to NR_VERSION_MAX
 * printable ASCII characters, no space. Returns 0, or NR_EPARSE / NR_ETOOBIG with err->field
 * "version". It does not reject the operator characters: a gate query's version is not an
 * expression. */
int nr_version_check(const char *s, struct nr_err *err);

enum nr_range_op {
    NR_RANGE_ANY,       /* "*" */
    NR_RANGE_EQ,        /* "1.0", "=1.0", "==1.0" */
    NR_RANGE_NE,        /* "!=1.0" */
    NR_RANGE_LT,        /* "<1.0" */
    NR_RANGE_LE,        /* "<=1.0" */
    NR_RANGE_GT,        /* ">1.0" */
    NR_RANGE_GE,        /* ">=1.0" */
    NR_RANGE_PREFIX,    /* "1.0.*" */
    NR_RANGE_NOT_PREFIX /* "!=1.0.*" */
};

struct nr_range_constraint {
    enum nr_range_op op;
    unsigned alt;                     /* index of the "||" alternative it belongs to */
    char version[NR_VERSION_MAX + 1]; /* as written, without ".*"; "" for NR_RANGE_ANY */
};

/* A parsed expression: constraints grouped by alt, alts numbered 0..nalts-1 in order. */
struct nr_range {
    struct nr_range_constraint *constraints; /* owned; NULL when count == 0 */
    size_t count;
    unsigned nalts;
};

void nr_range_init(struct nr_range *r);
/* Frees what r owns and leaves it empty (initialised); r may be reused. */
void nr_range_release(struct nr_range *r);

/* Parses expr (NUL-terminated) into r, replacing what r held. r must have been initialised.
 * On failure r is left empty and err says what and where. */
int nr_range_parse(struct nr_range *r, const char *expr, struct nr_err *err);

/* True when version satisfies r. False for an empty r and for a NULL version. */
bool nr_range_match(const struct nr_range *r, const char *version);

/* Appends the canonical text of r to out: every alt with its constraints sorted (by version in
 * the generic order, then operator, then text) and duplicates dropped, alts sorted the same way
 * and joined by " || ", constraints by one space, "=" written as the bare version; any alt
 * that is "*" makes the whole text "*". An empty r appends nothing. parse(normalize(r)) matches
 * exactly the versions r matches, and normalizing it again gives the same text.
 * Fails only with NR_ETOOBIG from out's cap (out then holds a partial text). */
int nr_range_normalize(const struct nr_range *r, struct nr_buf *out);

#endif
