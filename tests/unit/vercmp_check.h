/*
 * vercmp_check.h - the checks every per-order test of vercmp.h shares (test_vercmp_*.c): a test
 * defines ORDER (an enum nr_order) and includes this after cmocka.h and vercmp.h. A list of
 * versions is given as ascending levels of equal versions; check_levels compares every pair in
 * both directions and then sorts the list with the comparator from a scrambled order, which
 * catches a comparator that is not antisymmetric or not transitive on it.
 */
#ifndef NETREVIEW_TEST_VERCMP_CHECK_H
#define NETREVIEW_TEST_VERCMP_CHECK_H

#ifndef ORDER
#error "define ORDER before including vercmp_check.h"
#endif

#define MAX_ITEMS 256

struct item {
    char v[128];
    size_t level;
};

static void check_pair(const char *a, const char *b, int want)
{
    int got = nr_vercmp(ORDER, a, b), back = nr_vercmp(ORDER, b, a);

    if (got != want || back != -want)
        fail_msg("%s: cmp(\"%s\", \"%s\") = %d, cmp(\"%s\", \"%s\") = %d, want %d",
                 nr_order_name(ORDER), a, b, got, b, a, back, want);
}

/* levels[] ascends; each level lists versions that compare equal, separated by "|". */
static void check_levels(const char *const *levels, size_t nlevels)
{
    static struct item items[MAX_ITEMS];
    const struct item *sorted[MAX_ITEMS];
    size_t n = 0;

    for (size_t l = 0; l < nlevels; l++) {
        const char *p = levels[l];
        for (;;) {
            size_t len = strcspn(p, "|");
            assert_true(n < MAX_ITEMS && len < sizeof(items[n].v));
            memcpy(items[n].v, p, len);
            items[n].v[len] = '\0';
            items[n++].level = l;
            if (p[len] == '\0')
                break;
            p += len + 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            check_pair(items[i].v, items[j].v,
                       items[i].level < items[j].level   ? -1
                       : items[i].level > items[j].level ? 1
                                                         : 0);
    /* Insertion sort from a scrambled start (odd positions reversed, then even ones). */
    {
        size_t k = 0;
        for (size_t i = n; i-- > 0;)
            if (i % 2 == 1)
                sorted[k++] = &items[i];
        for (size_t i = 0; i < n; i++)
            if (i % 2 == 0)
                sorted[k++] = &items[i];
    }
    for (size_t i = 1; i < n; i++) {
        const struct item *x = sorted[i];
        size_t j = i;
        while (j > 0 && nr_vercmp(ORDER, sorted[j - 1]->v, x->v) > 0) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = x;
    }
    for (size_t i = 1; i < n; i++)
        if (sorted[i - 1]->level > sorted[i]->level)
            fail_msg("sorting put \"%s\" before \"%s\"", sorted[i - 1]->v, sorted[i]->v);
}

static void check_valid(const char *const *list, size_t n, bool want)
{
    for (size_t i = 0; i < n; i++)
        if (nr_vercmp_valid(ORDER, list[i]) != want)
            fail_msg("%s: valid(\"%s\") is %d", nr_order_name(ORDER), list[i], !want);
}

#endif
