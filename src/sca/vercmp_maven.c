/*
 * vercmp_maven.c - the Maven order of vercmp.h (NR_ORDER_MAVEN), Maven's ComparableVersion as of
 * maven-artifact 3.9.9, without building its item tree.
 *
 * ComparableVersion lower-cases the string and cuts it into items: numbers and words, split at
 * ".", at "-" and at every change between digits and letters. A "-", and a change between digits
 * and letters, opens a sub-list that holds the rest of the version, so the tree is a chain of
 * lists, each a run of items ended by the next list. Each list then drops its trailing "null"
 * items (0, and the words "", "ga", "final", "release") and a sub-list with nothing left in it.
 * Lists compare item by item, a missing item comparing as null; numbers by value (with the
 * quirk that a number of 10-18 digits, then of 19 or more, sorts above every shorter one) and
 * above words and lists; lists above words; words by qualifier: alpha < beta < milestone < rc =
 * cr < snapshot < "" = ga = final = release < sp < any other word (other words in byte order),
 * "a", "b" and "m" directly followed by a digit meaning alpha, beta and milestone.
 *
 * Here the chain is read straight from the string: a tokenizer replays parseVersion's events
 * (item, new list), and two look-aheads replay normalize(): a run of null items is kept only
 * when a non-null item follows in its own list, and a sub-list exists only when a non-null item
 * follows anywhere. Each look-ahead result is reused until passed, so a comparison reads each
 * string at most three times. Letters are ASCII only (Maven's Unicode case folding and digits
 * are not reproduced). Like Maven's, the order is antisymmetric but not transitive on every
 * string (1-0.1 and friends); it is on the versions Maven's own tests list.
 *
 * Tests (tests/unit/test_vercmp_maven.c) use ComparableVersionTest of maven-artifact 3.9.x:
 * VERSIONS_QUALIFIER, VERSIONS_NUMBER, the equalities (1 == 1.0 == 1.0.0 == 1-0, 1a == 1-a ==
 * 1.0-a, 1ga == 1, 1cr == 1rc, 1a1 == 1-alpha-1, case), testVersionComparing, MNG-5568,
 * MNG-6572, MNG-6964 and MNG-7644, and the leading-zero cases. Maven 4 changed normalisation
 * again (MNG-7714, combination items); that is not reproduced.
 */
#include "sca/vercmp_int.h"

#include "netreview/vercmp.h"

#include <stdint.h>
#include <string.h>

#include "netreview/banned.h"

enum mvn_kind { MVN_NUM, MVN_WORD, MVN_LIST, MVN_END };

struct mvn_item {
    enum mvn_kind kind;
    const char *p; /* digits or word as written */
    size_t n;
    bool digit_follows; /* a word cut off by a digit: "a1" is alpha-1 */
    size_t pos;         /* offset of the item or of the "-"/change that opened the list */
};

/* parseVersion's loop, yielding its events one at a time. */
struct mvn_raw {
    const char *s;
    size_t i, start;
    bool is_digit, list_nonempty, finished;
    struct mvn_item q[3];
    unsigned nq, iq;
};

/* Normalised items on top of the raw events. */
struct mvn_iter {
    struct mvn_raw raw;
    size_t keep_nulls; /* null items known to be followed by a non-null one in their list */
    size_t drop_nulls; /* null items known to end their list */
    size_t nonnull_at; /* position of the next non-null item, SIZE_MAX when not known */
    bool end;
};

static void raw_push(struct mvn_raw *r, enum mvn_kind kind, size_t from, size_t to, bool follows)
{
    struct mvn_item *it = &r->q[r->nq++];

    it->kind = kind;
    it->p = r->s + from;
    it->n = to - from;
    it->digit_follows = follows;
    it->pos = from;
    r->list_nonempty = kind != MVN_LIST;
}

/* An empty segment (".." or a leading ".") is the number 0. */
static void raw_push_zero(struct mvn_raw *r, size_t at)
{
    struct mvn_item *it = &r->q[r->nq++];

    it->kind = MVN_NUM;
    it->p = "0";
    it->n = 1;
    it->digit_follows = false;
    it->pos = at;
    r->list_nonempty = true;
}

static void raw_segment(struct mvn_raw *r, size_t to)
{
    if (to == r->start)
        raw_push_zero(r, to);
    else
        raw_push(r, r->is_digit ? MVN_NUM : MVN_WORD, r->start, to, false);
}

static struct mvn_item raw_next(struct mvn_raw *r)
{
    while (r->iq == r->nq) {
        char c;

        r->iq = r->nq = 0;
        if (r->finished) {
            raw_push(r, MVN_END, r->i, r->i, false);
            break;
        }
        c = r->s[r->i];
        if (c == '\0') {
            r->finished = true;
            if (r->i > r->start) {
                /* "1.0.0.X1 < 1.0.0-X2": a trailing ".X" is read as "-X". */
                if (!r->is_digit && r->list_nonempty)
                    raw_push(r, MVN_LIST, r->start, r->start, false);
                raw_push(r, r->is_digit ? MVN_NUM : MVN_WORD, r->start, r->i, false);
            }
            continue;
        }
        if (c == '.') {
            raw_segment(r, r->i);
            r->start = r->i + 1;
        } else if (c == '-') {
            raw_segment(r, r->i);
            r->start = r->i + 1;
            raw_push(r, MVN_LIST, r->i, r->i, false);
        } else if (nr__is_digit(c)) {
            if (!r->is_digit && r->i > r->start) {
                if (r->list_nonempty)
                    raw_push(r, MVN_LIST, r->start, r->start, false);
                raw_push(r, MVN_WORD, r->start, r->i, true);
                r->start = r->i;
                raw_push(r, MVN_LIST, r->i, r->i, false);
            }
            r->is_digit = true;
        } else {
            if (r->is_digit && r->i > r->start) {
                raw_push(r, MVN_NUM, r->start, r->i, false);
                r->start = r->i;
                raw_push(r, MVN_LIST, r->i, r->i, false);
            }
            r->is_digit = false;
        }
        r->i++;
    }
    return r->q[r->iq++];
}

/* Qualifier ranks: alpha beta milestone rc snapshot "" sp, then every other word. */
enum { Q_RELEASE = 5, Q_OTHER = 7 };

static bool word_is(const struct mvn_item *w, const char *lower)
{
    size_t n = strlen(lower);

    if (w->n != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (nr__lower(w->p[i]) != lower[i])
            return false;
    return true;
}

static int word_rank(const struct mvn_item *w)
{
    static const char *const qualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot"};

    if (w->digit_follows && w->n == 1) {
        switch (nr__lower(w->p[0])) {
        case 'a':
            return 0;
        case 'b':
            return 1;
        case 'm':
            return 2;
        default:
            break;
        }
    }
    for (int i = 0; i < 5; i++)
        if (word_is(w, qualifiers[i]))
            return i;
    if (word_is(w, "cr"))
        return 3;
    if (w->n == 0 || word_is(w, "ga") || word_is(w, "final") || word_is(w, "release"))
        return Q_RELEASE;
    if (word_is(w, "sp"))
        return 6;
    return Q_OTHER;
}

static bool num_is_zero(const struct mvn_item *it)
{
    for (size_t i = 0; i < it->n; i++)
        if (it->p[i] != '0')
            return false;
    return true;
}

static bool item_is_null(const struct mvn_item *it)
{
    if (it->kind == MVN_NUM)
        return num_is_zero(it);
    return it->kind == MVN_WORD && word_rank(it) == Q_RELEASE;
}

/* IntItem, LongItem or BigIntegerItem: by the length left after stripLeadingZeroes, which
 * leaves a string of zeros alone. */
static int num_class(const struct mvn_item *it)
{
    size_t z = 0, len;

    while (z < it->n && it->p[z] == '0')
        z++;
    len = z == it->n ? it->n : it->n - z;
    return len <= 9 ? 0 : len <= 18 ? 1 : 2;
}

static int item_cmp(const struct mvn_item *a, const struct mvn_item *b)
{
    if (a->kind == MVN_NUM && b->kind == MVN_NUM) {
        int ca = num_class(a), cb = num_class(b);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        return nr__numcmp(a->p, a->n, b->p, b->n);
    }
    if (a->kind != b->kind)
        return a->kind == MVN_NUM ? 1 : -1;
    {
        int ra = word_rank(a), rb = word_rank(b);
        if (ra != rb)
            return ra < rb ? -1 : 1;
        return ra == Q_OTHER ? nr__bytecmp_lower(a->p, a->n, b->p, b->n) : 0;
    }
}

/* An item against a missing one. */
static int item_cmp_null(const struct mvn_item *it)
{
    if (it->kind == MVN_NUM)
        return num_is_zero(it) ? 0 : 1;
    {
        int r = word_rank(it);
        return r == Q_RELEASE ? 0 : r < Q_RELEASE ? -1 : 1;
    }
}

static void iter_init(struct mvn_iter *it, const char *s)
{
    memset(it, 0, sizeof(*it));
    it->raw.s = s;
    it->nonnull_at = SIZE_MAX;
}

static struct mvn_item iter_next(struct mvn_iter *it)
{
    for (;;) {
        struct mvn_item x;

        if (it->end) {
            x.kind = MVN_END;
            return x;
        }
        x = raw_next(&it->raw);
        if (x.kind == MVN_END) {
            it->end = true;
            return x;
        }
        if (x.kind == MVN_LIST) {
            struct mvn_raw ahead;
            struct mvn_item y;

            /* Positions never decrease along the events, and a non-null item is never at the
             * position of a list opened after it, so a known non-null item at or after this
             * list's position lies inside it. */
            if (it->nonnull_at != SIZE_MAX && it->nonnull_at >= x.pos)
                return x;
            ahead = it->raw;
            do
                y = raw_next(&ahead);
            while (y.kind == MVN_LIST || (y.kind != MVN_END && item_is_null(&y)));
            if (y.kind == MVN_END) {
                /* Nothing but nulls and empty lists follow: this list is the last one. */
                it->end = true;
                return y;
            }
            it->nonnull_at = y.pos;
            return x;
        }
        if (!item_is_null(&x))
            return x;
        if (it->keep_nulls > 0) {
            it->keep_nulls--;
            return x;
        }
        if (it->drop_nulls > 0) {
            it->drop_nulls--;
            continue;
        }
        {
            struct mvn_raw ahead = it->raw;
            struct mvn_item y;
            size_t run = 0;

            for (y = raw_next(&ahead); y.kind == MVN_NUM || y.kind == MVN_WORD;
                 y = raw_next(&ahead)) {
                if (!item_is_null(&y))
                    break;
                run++;
            }
            if (y.kind == MVN_NUM || y.kind == MVN_WORD) {
                it->keep_nulls = run;
                return x;
            }
            it->drop_nulls = run;
        }
    }
}

int nr__maven_cmp(const char *a, const char *b)
{
    struct mvn_iter ia, ib;

    iter_init(&ia, a);
    iter_init(&ib, b);
    for (;;) {
        struct mvn_item x = iter_next(&ia), y = iter_next(&ib);
        int r;

        if (x.kind == MVN_END && y.kind == MVN_END)
            return 0;
        if (x.kind == MVN_LIST && y.kind == MVN_LIST)
            continue;
        if (x.kind == MVN_END || y.kind == MVN_END) {
            /* The shorter list goes on as null: a sub-list is compared item by item. */
            if (x.kind == MVN_LIST || y.kind == MVN_LIST)
                continue;
            r = x.kind == MVN_END ? -item_cmp_null(&y) : item_cmp_null(&x);
            if (r != 0)
                return r;
            continue;
        }
        if (x.kind == MVN_LIST)
            return y.kind == MVN_NUM ? -1 : 1;
        if (y.kind == MVN_LIST)
            return x.kind == MVN_NUM ? 1 : -1;
        r = item_cmp(&x, &y);
        if (r != 0)
            return r;
    }
}

/* Maven accepts any string; a version here is printable ASCII without spaces. */
bool nr__maven_valid(const char *v)
{
    if (*v == '\0')
        return false;
    for (; *v != '\0'; v++)
        if (*v <= ' ' || *v > '~')
            return false;
    return true;
}
