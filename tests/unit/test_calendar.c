/*
 * test_calendar.c - unit tests of the working-day calendar (src/core/calendar.c, calendar.h):
 * the shipped calendars/cn.json against the State Council notices, working-day arithmetic across
 * holidays, exchanged weekend days, year ends and the edges of the covered years, and every way a
 * calendar file can be malformed.
 */
#include "netreview/calendar.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "netreview/banned.h"

#ifndef NR_SOURCE_DIR
#define NR_SOURCE_DIR "."
#endif

static struct nr_calendar cn;

static const char *source_dir(void)
{
    const char *s = getenv("NR_SOURCE_DIR");
    return s && *s ? s : NR_SOURCE_DIR;
}

static int32_t D(const char *s)
{
    int32_t day = 0;
    if (nr_date_parse(s, &day) != 0)
        fail_msg("bad date in test: %s", s);
    return day;
}

static int setup_cn(void **state)
{
    struct nr_err err;
    char *path = nr_asprintf("%s/calendars/cn.json", source_dir());
    int rc;

    (void)state;
    nr_err_init(&err);
    rc = nr_calendar_load(&cn, path, &err);
    if (rc != 0)
        fprintf(stderr, "cannot load %s: %s\n", path, err.msg);
    nr_free(path);
    return rc == 0 ? 0 : -1;
}

static int teardown_cn(void **state)
{
    (void)state;
    nr_calendar_release(&cn);
    return 0;
}

/* The day-by-day definitions that the fast paths must agree with. */
static int32_t naive_add(const struct nr_calendar *cal, int32_t start, int n)
{
    int32_t d = start;
    while (n > 0) {
        d++;
        if (nr_calendar_is_workday(cal, d))
            n--;
    }
    return d;
}

static int naive_between(const struct nr_calendar *cal, int32_t from, int32_t to)
{
    int n = 0;
    if (to < from)
        return -naive_between(cal, to, from);
    for (int32_t d = from + 1; d <= to; d++)
        n += nr_calendar_is_workday(cal, d);
    return n;
}

/* ---- the shipped calendar ---------------------------------------------------------------- */

static void test_cn_header(void **state)
{
    const struct nr_calendar_year *y;

    (void)state;
    assert_string_equal(cn.id, "cn");
    assert_non_null(cn.title);
    assert_int_equal(cn.weekend, (1u << 5) | (1u << 6));
    assert_int_equal(cn.first_year, 2025);
    assert_int_equal(cn.last_year, 2027);
    assert_int_equal(cn.nyears, 3);

    y = nr_calendar_year(&cn, 2025);
    assert_non_null(y);
    assert_int_equal(y->year, 2025);
    assert_false(y->provisional);
    assert_non_null(y->source);
    y = nr_calendar_year(&cn, 2026);
    assert_non_null(y);
    assert_false(y->provisional);
    y = nr_calendar_year(&cn, 2027);
    assert_non_null(y);
    assert_true(y->provisional);
    assert_non_null(y->note);
    assert_null(nr_calendar_year(&cn, 2024));
    assert_null(nr_calendar_year(&cn, 2028));

    for (size_t i = 1; i < cn.nentries; i++)
        assert_true(cn.entries[i - 1].day < cn.entries[i].day);
}

/* The published notices, typed here independently of the JSON file. */
struct range {
    const char *from, *to;
};

static const struct range notice_holidays[] = {
    /* 2025: 国办发明电〔2024〕12号 */
    {"2025-01-01", "2025-01-01"},
    {"2025-01-28", "2025-02-04"},
    {"2025-04-04", "2025-04-06"},
    {"2025-05-01", "2025-05-05"},
    {"2025-05-31", "2025-06-02"},
    {"2025-10-01", "2025-10-08"},
    /* 2026: notice of 2025-11-04 */
    {"2026-01-01", "2026-01-03"},
    {"2026-02-15", "2026-02-23"},
    {"2026-04-04", "2026-04-06"},
    {"2026-05-01", "2026-05-05"},
    {"2026-06-19", "2026-06-21"},
    {"2026-09-25", "2026-09-27"},
    {"2026-10-01", "2026-10-07"},
};

static const char *const notice_workdays[] = {
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11", "2026-01-04",
    "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
};

static bool notice_says_workday(int32_t d)
{
    for (size_t i = 0; i < NR_ARRAY_LEN(notice_workdays); i++)
        if (d == D(notice_workdays[i]))
            return true;
    for (size_t i = 0; i < NR_ARRAY_LEN(notice_holidays); i++)
        if (d >= D(notice_holidays[i].from) && d <= D(notice_holidays[i].to))
            return false;
    return nr_date_weekday(d) < 5;
}

static void test_cn_matches_notices(void **state)
{
    (void)state;
    for (int32_t d = D("2025-01-01"); d <= D("2026-12-31"); d++) {
        char s[NR_DATE_STR];
        nr_date_fmt(d, s);
        if (nr_calendar_is_workday(&cn, d) != notice_says_workday(d))
            fail_msg("%s: calendar and notice disagree", s);
    }
    /* Both years have 248 working days. */
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2024-12-31"), D("2025-12-31")), 248);
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2025-12-31"), D("2026-12-31")), 248);
}

static void test_cn_2027_provisional(void **state)
{
    (void)state;
    /* Derived schedule; see the year's note and docs/CALENDAR.md. */
    assert_false(nr_calendar_is_workday(&cn, D("2027-01-01")));
    assert_true(nr_calendar_is_workday(&cn, D("2027-01-31")));
    for (int32_t d = D("2027-02-05"); d <= D("2027-02-13"); d++)
        assert_false(nr_calendar_is_workday(&cn, d));
    assert_true(nr_calendar_is_workday(&cn, D("2027-02-14")));
    assert_false(nr_calendar_is_workday(&cn, D("2027-04-05")));
    assert_false(nr_calendar_is_workday(&cn, D("2027-05-05")));
    assert_true(nr_calendar_is_workday(&cn, D("2027-05-08")));
    assert_false(nr_calendar_is_workday(&cn, D("2027-06-09")));
    assert_true(nr_calendar_is_workday(&cn, D("2027-06-10")));
    assert_false(nr_calendar_is_workday(&cn, D("2027-09-15")));
    assert_true(nr_calendar_is_workday(&cn, D("2027-09-26")));
    assert_false(nr_calendar_is_workday(&cn, D("2027-10-07")));
    assert_true(nr_calendar_is_workday(&cn, D("2027-10-09")));
}

static void test_plain_weekends(void **state)
{
    (void)state;
    assert_false(nr_calendar_is_workday(&cn, D("2025-03-08"))); /* Saturday */
    assert_false(nr_calendar_is_workday(&cn, D("2025-03-09"))); /* Sunday */
    assert_true(nr_calendar_is_workday(&cn, D("2025-03-10")));  /* Monday */
    assert_true(nr_calendar_is_workday(&cn, D("2025-03-14")));  /* Friday */
    assert_null(nr_calendar_entry(&cn, D("2025-03-08")));
}

static void test_holidays(void **state)
{
    const struct nr_calendar_entry *e;

    (void)state;
    assert_false(nr_calendar_is_workday(&cn, D("2025-01-01")));
    assert_false(nr_calendar_is_workday(&cn, D("2025-01-28"))); /* New Year's Eve, Tuesday */
    assert_false(nr_calendar_is_workday(&cn, D("2025-02-04")));
    assert_true(nr_calendar_is_workday(&cn, D("2025-02-05")));
    assert_false(nr_calendar_is_workday(&cn, D("2025-06-02"))); /* Dragon Boat, made up */
    assert_false(nr_calendar_is_workday(&cn, D("2026-02-23")));
    e = nr_calendar_entry(&cn, D("2025-01-28"));
    assert_non_null(e);
    assert_false(e->workday);
    assert_string_equal(e->name, "Spring Festival");
}

static void test_worked_weekends(void **state)
{
    const struct nr_calendar_entry *e;

    (void)state;
    assert_true(nr_calendar_is_workday(&cn, D("2025-01-26")));  /* Sunday */
    assert_true(nr_calendar_is_workday(&cn, D("2025-02-08")));  /* Saturday */
    assert_false(nr_calendar_is_workday(&cn, D("2025-02-09"))); /* the Sunday after is not */
    assert_true(nr_calendar_is_workday(&cn, D("2026-01-04")));
    assert_true(nr_calendar_is_workday(&cn, D("2026-02-28")));
    e = nr_calendar_entry(&cn, D("2025-01-26"));
    assert_non_null(e);
    assert_true(e->workday);
    assert_string_equal(e->name, "Spring Festival exchange");
}

static void test_add_across_spring_festival(void **state)
{
    (void)state;
    /* 2025: Fri 24 Jan, then Sun 26 Jan (worked), Mon 27 Jan, then the break to 4 Feb. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-01-24"), 1), D("2025-01-26"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-01-24"), 2), D("2025-01-27"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-01-24"), 3), D("2025-02-05"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-01-27"), 1), D("2025-02-05"));
    /* From inside the break the count starts after it. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-01-30"), 1), D("2025-02-05"));
    /* 2026: Sat 14 Feb worked, break 15-23 Feb. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2026-02-13"), 1), D("2026-02-14"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2026-02-13"), 2), D("2026-02-24"));
    /* R13 acceptance, 10 working days from Friday 2026-02-06. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2026-02-06"), 10), D("2026-02-27"));
}

static void test_add_across_national_day(void **state)
{
    (void)state;
    /* 2025: Sun 28 Sep worked, break 1-8 Oct, Sat 11 Oct worked. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-09-26"), 1), D("2025-09-28"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-09-30"), 1), D("2025-10-09"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-09-30"), 3), D("2025-10-11"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-09-30"), 4), D("2025-10-13"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-09-25"), 10), D("2025-10-15"));
    /* 2026: Mid-Autumn 25-27 Sep, Sun 20 Sep worked, break 1-7 Oct, Sat 10 Oct worked. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2026-09-18"), 1), D("2026-09-20"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2026-09-24"), 1), D("2026-09-28"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2026-09-30"), 1), D("2026-10-08"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2026-09-30"), 3), D("2026-10-10"));
}

static void test_add_across_year_end(void **state)
{
    (void)state;
    /* 2026-01-01..03 off, Sunday 2026-01-04 worked. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-12-31"), 1), D("2026-01-04"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-12-31"), 2), D("2026-01-05"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-12-30"), 2), D("2026-01-04"));
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2025-12-31"), D("2026-01-04")), 1);
    /* 2026 into 2027: Fri 2027-01-01 to Sun 01-03 off. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2026-12-31"), 1), D("2027-01-04"));
}

static void test_add_zero_and_negative(void **state)
{
    (void)state;
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-01-28"), 0), D("2025-01-28"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-03-08"), 0), D("2025-03-08"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-03-10"), -5), D("2025-03-10"));
}

static void test_outside_covered_years(void **state)
{
    (void)state;
    assert_false(nr_calendar_covers(&cn, D("2024-12-31")));
    assert_true(nr_calendar_covers(&cn, D("2025-01-01")));
    assert_true(nr_calendar_covers(&cn, D("2027-12-31")));
    assert_false(nr_calendar_covers(&cn, D("2028-01-01")));

    /* Only the weekend rule applies outside: National Day 2024 is not known to this file. */
    assert_true(nr_calendar_is_workday(&cn, D("2024-10-01")));
    assert_false(nr_calendar_is_workday(&cn, D("2024-10-05")));
    assert_true(nr_calendar_is_workday(&cn, D("2028-01-03")));
    assert_false(nr_calendar_is_workday(&cn, D("2028-01-01")));
    assert_null(nr_calendar_entry(&cn, D("2024-10-01")));

    /* Thu 2027-12-30 + 3: Fri 31 Dec, Mon 3 Jan, Tue 4 Jan. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2027-12-30"), 3), D("2028-01-04"));
    /* From before the covered years into them: Mon 30, Tue 31 Dec, (1 Jan off), Thu 2 Jan. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2024-12-27"), 3), D("2025-01-02"));
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2024-12-27"), D("2025-01-03")), 4);
    /* Entirely outside, on both sides. */
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2024-03-01"), 5), D("2024-03-08"));
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2030-03-01"), 5), D("2030-03-08"));
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2030-03-03"), D("2030-03-31")), 20);
    /* A span that contains all of the covered years. */
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2024-12-31"), D("2027-12-31")),
                     naive_between(&cn, D("2024-12-31"), D("2027-12-31")));
}

static void test_between_both_ways(void **state)
{
    (void)state;
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2025-01-27"), D("2025-02-05")), 1);
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2025-02-05"), D("2025-01-27")), -1);
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2025-01-24"), D("2025-02-08")), 6);
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2025-02-08"), D("2025-01-24")), -6);
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2025-03-10"), D("2025-03-10")), 0);
    /* Between two days of one break there is nothing. */
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2025-10-01"), D("2025-10-08")), 0);
    assert_int_equal(nr_calendar_workdays_between(&cn, D("2025-10-08"), D("2025-10-01")), 0);
}

/* Every day from mid-2024 to mid-2028 against the day-by-day definitions. */
static void test_agrees_with_naive(void **state)
{
    static const int ns[] = {0, 1, 2, 3, 5, 7, 10, 15, 30, 90, 400};

    (void)state;
    for (int32_t s = D("2024-06-01"); s <= D("2028-06-30"); s++) {
        for (size_t i = 0; i < NR_ARRAY_LEN(ns); i++) {
            int32_t r = nr_calendar_add_workdays(&cn, s, ns[i]);
            if (r != naive_add(&cn, s, ns[i])) {
                char a[NR_DATE_STR];
                nr_date_fmt(s, a);
                fail_msg("add %s + %d disagrees", a, ns[i]);
            }
            assert_int_equal(nr_calendar_workdays_between(&cn, s, r), ns[i]);
            assert_int_equal(nr_calendar_workdays_between(&cn, r, s), -ns[i]);
            if (ns[i] > 0)
                assert_true(nr_calendar_is_workday(&cn, r));
        }
        assert_int_equal(nr_calendar_workdays_between(&cn, s, s + 45),
                         naive_between(&cn, s, s + 45));
    }
}

static void test_large_and_extreme(void **state)
{
    (void)state;
    assert_int_equal(nr_calendar_add_workdays(&cn, D("2025-01-01"), 1000000),
                     naive_add(&cn, D("2025-01-01"), 1000000));
    assert_int_equal(nr_calendar_add_workdays(&cn, INT32_MAX - 2, 10), INT32_MAX);
    assert_int_equal(nr_calendar_add_workdays(&cn, INT32_MAX, INT_MAX), INT32_MAX);
    assert_int_equal(nr_calendar_add_workdays(&cn, INT32_MIN, 12), naive_add(&cn, INT32_MIN, 12));
    assert_int_equal(nr_calendar_workdays_between(&cn, INT32_MIN, INT32_MAX), INT_MAX);
    assert_int_equal(nr_calendar_workdays_between(&cn, INT32_MAX, INT32_MIN), INT_MIN);
    assert_int_equal(nr_calendar_workdays_between(&cn, INT32_MIN, INT32_MIN + 14), 10);
}

/* ---- calendars other than cn ------------------------------------------------------------- */

static void test_init_is_weekend_only(void **state)
{
    struct nr_calendar cal;

    (void)state;
    nr_calendar_init(&cal);
    assert_false(nr_calendar_covers(&cal, D("2025-01-01")));
    assert_true(nr_calendar_is_workday(&cal, D("2025-01-01")));
    assert_false(nr_calendar_is_workday(&cal, D("2025-01-04")));
    assert_int_equal(nr_calendar_add_workdays(&cal, D("2025-01-03"), 1), D("2025-01-06"));
    assert_int_equal(nr_calendar_workdays_between(&cal, D("2025-01-03"), D("2025-01-10")), 5);
    assert_null(nr_calendar_entry(&cal, D("2025-01-01")));
    assert_null(nr_calendar_year(&cal, 2025));
    nr_calendar_release(&cal);
    nr_calendar_release(&cal); /* harmless twice */
    memset(&cal, 0, sizeof(cal));
    nr_calendar_release(&cal); /* and on a zero-filled struct that was never loaded */
    assert_true(nr_calendar_is_workday(&cal, D("2025-01-03")));
}

static void test_other_weekend_and_no_years(void **state)
{
    static const char fri_sat[] =
        "{\"id\":\"x\",\"title\":\"X\",\"weekend\":[4,5],\"years\":{\"2025\":{"
        "\"holidays\":[{\"date\":\"2025-01-05\",\"name\":\"Sunday holiday\"}],"
        "\"workdays\":[{\"date\":\"2025-01-10\",\"name\":\"worked Friday\"}]}}}";
    static const char none[] = "{\"id\":\"y\",\"title\":\"Y\",\"weekend\":[],\"years\":{}}";
    struct nr_calendar cal;
    struct nr_err err;

    (void)state;
    nr_err_init(&err);
    assert_int_equal(nr_calendar_parse(&cal, fri_sat, strlen(fri_sat), "x.json", &err), 0);
    assert_false(nr_calendar_is_workday(&cal, D("2025-01-03"))); /* Friday */
    assert_false(nr_calendar_is_workday(&cal, D("2025-01-05"))); /* holiday Sunday */
    assert_true(nr_calendar_is_workday(&cal, D("2025-01-06")));
    assert_true(nr_calendar_is_workday(&cal, D("2025-01-10"))); /* worked Friday */
    assert_int_equal(nr_calendar_add_workdays(&cal, D("2025-01-02"), 1), D("2025-01-06"));
    assert_int_equal(nr_calendar_add_workdays(&cal, D("2025-01-09"), 1), D("2025-01-10"));
    /* Wed 31 Dec, Thu 1 Jan, (Fri, Sat off), Sun 4 Jan: outside the covered year. */
    assert_int_equal(nr_calendar_add_workdays(&cal, D("2025-12-31"), 2), D("2026-01-04"));
    nr_calendar_release(&cal);

    assert_int_equal(nr_calendar_parse(&cal, none, strlen(none), "y.json", &err), 0);
    assert_int_equal(cal.first_year, 0);
    assert_int_equal(cal.last_year, 0);
    assert_false(nr_calendar_covers(&cal, D("2025-01-01")));
    assert_true(nr_calendar_is_workday(&cal, D("2025-01-04")));
    assert_int_equal(nr_calendar_add_workdays(&cal, D("2025-01-01"), 7), D("2025-01-08"));
    nr_calendar_release(&cal);
}

/* ---- malformed files --------------------------------------------------------------------- */

#define HEAD "{\"id\":\"t\",\"title\":\"T\",\"weekend\":[5,6],\"years\":"
#define H(d) "{\"date\":\"" d "\",\"name\":\"h\"}"
/* The fourth holiday is 30 February. */
#define BAD_DATE_JSON                                                                              \
    HEAD "{\"2026\":{\"holidays\":[" H("2026-01-01") "," H("2026-01-02") "," H(                    \
        "2026-01-03") "," H("2026-02-30") "]}}}"

struct bad_case {
    const char *json;
    int code;
    const char *field;
    const char *msg; /* a part of err.msg after "cn.json: FIELD: " */
};

static const struct bad_case bad_cases[] = {
    /* JSON itself */
    {"{", NR_EPARSE, "$", "line 1 column 1"},
    {"", NR_EPARSE, "$", "line 1 column 0"},
    {"{} x", NR_EPARSE, "$", "end of file expected"},
    {"{\"id\":\"a\",\"id\":\"b\"}", NR_EPARSE, "$", "duplicate object key"},
    {"[]", NR_EPARSE, "$", "expected an object, found an array"},
    {"\"cn\"", NR_EPARSE, "$", "'[' or '{' expected"},
    /* the document */
    {"{\"id\":\"t\",\"colour\":1}", NR_EPARSE, "$.colour", "unknown field \"colour\""},
    {"{\"id\":\"t\",\"weekend\":[5,6],\"years\":{}}", NR_EPARSE, "$.title",
     "required field is missing"},
    {"{\"title\":\"T\",\"weekend\":[5,6],\"years\":{}}", NR_EPARSE, "$.id",
     "required field is missing"},
    {"{\"id\":7,\"title\":\"T\",\"weekend\":[5,6],\"years\":{}}", NR_EPARSE, "$.id",
     "expected a string, found 7"},
    {"{\"id\":\"C N\",\"title\":\"T\",\"weekend\":[5,6],\"years\":{}}", NR_EPARSE, "$.id",
     "may hold only"},
    {"{\"id\":\"t\",\"title\":\"\",\"weekend\":[5,6],\"years\":{}}", NR_EPARSE, "$.title",
     "must not be empty"},
    {"{\"id\":\"t\",\"title\":\"T\",\"years\":{}}", NR_EPARSE, "$.weekend",
     "required field is missing"},
    {"{\"id\":\"t\",\"title\":\"T\",\"weekend\":6,\"years\":{}}", NR_EPARSE, "$.weekend",
     "expected an array"},
    {"{\"id\":\"t\",\"title\":\"T\",\"weekend\":[5,7],\"years\":{}}", NR_EPARSE, "$.weekend[1]",
     "7 is not a weekday"},
    {"{\"id\":\"t\",\"title\":\"T\",\"weekend\":[5,\"6\"],\"years\":{}}", NR_EPARSE, "$.weekend[1]",
     "found \"6\""},
    {"{\"id\":\"t\",\"title\":\"T\",\"weekend\":[6,6],\"years\":{}}", NR_EPARSE, "$.weekend[1]",
     "Sunday is listed twice"},
    {"{\"id\":\"t\",\"title\":\"T\",\"weekend\":[0,1,2,3,4,5,6],\"years\":{}}", NR_EPARSE,
     "$.weekend", "leaves no working day"},
    {"{\"id\":\"t\",\"title\":\"T\",\"weekend\":[5,6]}", NR_EPARSE, "$.years",
     "required field is missing"},
    {HEAD "[]}", NR_EPARSE, "$.years", "expected an object keyed by year"},
    /* years */
    {HEAD "{\"26\":{\"holidays\":[]}}}", NR_EPARSE, "$.years.26", "\"26\" is not a year"},
    {HEAD "{\"1969\":{\"holidays\":[]}}}", NR_EPARSE, "$.years.1969", "is not a year"},
    {HEAD "{\"a\\\"b\":{\"holidays\":[]}}}", NR_EPARSE, "$.years.a?b", "is not a year"},
    {HEAD "{\"2025\":{\"holidays\":[]},\"2027\":{\"holidays\":[]}}}", NR_EPARSE, "$.years",
     "lists 2025 and 2027 but not 2026"},
    {HEAD "{\"2026\":[]}}", NR_EPARSE, "$.years.2026", "expected an object, found an array"},
    {HEAD "{\"2026\":{\"holidays\":[],\"extra\":1}}}", NR_EPARSE, "$.years.2026.extra",
     "unknown field \"extra\""},
    {HEAD "{\"2026\":{}}}", NR_EPARSE, "$.years.2026.holidays", "required field is missing"},
    {HEAD "{\"2026\":{\"holidays\":{}}}}", NR_EPARSE, "$.years.2026.holidays",
     "expected an array, found an object"},
    {HEAD "{\"2026\":{\"holidays\":[],\"workdays\":null}}}", NR_EPARSE, "$.years.2026.workdays",
     "found null"},
    {HEAD "{\"2026\":{\"holidays\":[],\"provisional\":\"yes\"}}}", NR_EPARSE,
     "$.years.2026.provisional", "expected true or false"},
    {HEAD "{\"2026\":{\"holidays\":[],\"note\":5}}}", NR_EPARSE, "$.years.2026.note",
     "expected a string"},
    /* entries */
    {HEAD "{\"2026\":{\"holidays\":[\"2026-01-01\"]}}}", NR_EPARSE, "$.years.2026.holidays[0]",
     "expected an object with \"date\" and \"name\", found \"2026-01-01\""},
    {HEAD "{\"2026\":{\"holidays\":[{\"date\":\"2026-01-01\",\"name\":\"h\",\"when\":1}]}}}",
     NR_EPARSE, "$.years.2026.holidays[0].when", "unknown field \"when\""},
    {BAD_DATE_JSON, NR_EPARSE, "$.years.2026.holidays[3].date", "\"2026-02-30\" is not a date"},
    {HEAD "{\"2026\":{\"holidays\":[" H("2026-1-1") "]}}}", NR_EPARSE,
     "$.years.2026.holidays[0].date", "\"2026-1-1\" is not a date"},
    {HEAD "{\"2026\":{\"holidays\":[{\"date\":20260101,\"name\":\"h\"}]}}}", NR_EPARSE,
     "$.years.2026.holidays[0].date", "expected a string, found 20260101"},
    {HEAD "{\"2026\":{\"holidays\":[{\"name\":\"h\"}]}}}", NR_EPARSE,
     "$.years.2026.holidays[0].date", "required field is missing"},
    {HEAD "{\"2026\":{\"holidays\":[" H("2025-12-31") "]}}}", NR_EPARSE,
     "$.years.2026.holidays[0].date", "2025-12-31 is not in 2026"},
    {HEAD "{\"2026\":{\"holidays\":[],\"workdays\":[" H("2027-01-02") "]}}}", NR_EPARSE,
     "$.years.2026.workdays[0].date", "2027-01-02 is not in 2026"},
    {HEAD "{\"2026\":{\"holidays\":[" H("2026-01-04") "],\"workdays\":[" H("2026-01-04") "]}}}",
     NR_EPARSE, "$.years.2026.workdays[0].date",
     "2026-01-04 is both a holiday and a working day (the other at $.years.2026.holidays[0])"},
    {HEAD "{\"2026\":{\"holidays\":[" H("2026-01-01") "," H("2026-01-01") "]}}}", NR_EPARSE,
     "$.years.2026.holidays[1].date",
     "2026-01-01 is listed twice (first at $.years.2026.holidays[0])"},
    {HEAD "{\"2026\":{\"holidays\":[],\"workdays\":[" H("2026-01-05") "]}}}", NR_EPARSE,
     "$.years.2026.workdays[0].date", "2026-01-05 is a Monday, not a weekend day"},
    {HEAD "{\"2026\":{\"holidays\":[{\"date\":\"2026-01-01\"}]}}}", NR_EPARSE,
     "$.years.2026.holidays[0].name", "required field is missing"},
    {HEAD "{\"2026\":{\"holidays\":[{\"date\":\"2026-01-01\",\"name\":\"\"}]}}}", NR_EPARSE,
     "$.years.2026.holidays[0].name", "must not be empty"},
};

static void check_bad(const char *json, size_t len, int code, const char *field, const char *msg)
{
    struct nr_calendar cal;
    struct nr_err err;
    char *prefix = nr_asprintf("cn.json: %s: ", field);
    int rc;

    nr_err_init(&err);
    memset(&cal, 0xa5, sizeof(cal)); /* parse must not depend on what was there */
    rc = nr_calendar_parse(&cal, json, len, "cn.json", &err);
    if (rc != code || err.code != code || strcmp(err.field, field) != 0 ||
        strncmp(err.msg, prefix, strlen(prefix)) != 0 || strstr(err.msg, msg) == NULL)
        fail_msg("input %.200s\n  rc %d, field \"%s\", msg \"%s\"\n  wanted %d, \"%s\", \"%s\"",
                 json, rc, err.field, err.msg, code, field, msg);
    /* Left as after nr_calendar_init. */
    assert_null(cal.id);
    assert_int_equal(cal.first_year, 0);
    assert_int_equal(cal.nentries, 0);
    assert_int_equal(cal.ndays, 0);
    assert_true(nr_calendar_is_workday(&cal, D("2026-01-01")));
    nr_calendar_release(&cal);
    /* Without an error struct the code is the same. */
    assert_int_equal(nr_calendar_parse(&cal, json, len, "cn.json", NULL), code);
    nr_calendar_release(&cal);
    nr_free(prefix);
}

static void test_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(bad_cases); i++)
        check_bad(bad_cases[i].json, strlen(bad_cases[i].json), bad_cases[i].code,
                  bad_cases[i].field, bad_cases[i].msg);
}

static void test_bad_date_message(void **state)
{
    static const char json[] = BAD_DATE_JSON;
    struct nr_calendar cal;
    struct nr_err err;

    (void)state;
    nr_err_init(&err);
    assert_int_equal(nr_calendar_parse(&cal, json, strlen(json), "cn.json", &err), NR_EPARSE);
    assert_string_equal(err.msg,
                        "cn.json: $.years.2026.holidays[3].date: \"2026-02-30\" is not a date");
    assert_string_equal(err.field, "$.years.2026.holidays[3].date");
}

static void test_limits(void **state)
{
    struct nr_buf b;
    struct nr_calendar cal;
    struct nr_err err;
    char *big;

    (void)state;
    /* More dates in one list than a year has. */
    nr_buf_init(&b, 1 << 20);
    assert_int_equal(nr_buf_puts(&b, HEAD "{\"2026\":{\"holidays\":["), 0);
    for (int i = 0; i < 367; i++)
        assert_int_equal(nr_buf_printf(&b, "%s" H("2026-01-01"), i ? "," : ""), 0);
    assert_int_equal(nr_buf_puts(&b, "]}}}"), 0);
    check_bad(b.p, b.len, NR_ETOOBIG, "$.years.2026.holidays", "lists 367 dates");
    nr_buf_release(&b);

    /* More years than the limit. */
    nr_buf_init(&b, 1 << 20);
    assert_int_equal(nr_buf_puts(&b, HEAD "{"), 0);
    for (int y = 1970; y < 1970 + NR_CALENDAR_MAX_YEARS + 1; y++)
        assert_int_equal(nr_buf_printf(&b, "%s\"%d\":{\"holidays\":[]}", y > 1970 ? "," : "", y),
                         0);
    assert_int_equal(nr_buf_puts(&b, "}}"), 0);
    check_bad(b.p, b.len, NR_ETOOBIG, "$.years", "covers 101 years");
    nr_buf_release(&b);

    /* Exactly the limit is fine, and covers all those years. */
    nr_buf_init(&b, 1 << 20);
    assert_int_equal(nr_buf_puts(&b, HEAD "{"), 0);
    for (int y = 9999; y > 9999 - NR_CALENDAR_MAX_YEARS; y--)
        assert_int_equal(nr_buf_printf(&b, "%s\"%d\":{\"holidays\":[]}", y < 9999 ? "," : "", y),
                         0);
    assert_int_equal(nr_buf_puts(&b, "}}"), 0);
    nr_err_init(&err);
    assert_int_equal(nr_calendar_parse(&cal, b.p, b.len, "cn.json", &err), 0);
    assert_int_equal(cal.first_year, 9900);
    assert_int_equal(cal.last_year, 9999);
    assert_true(nr_calendar_covers(&cal, D("9999-12-31")));
    assert_int_equal(nr_calendar_add_workdays(&cal, D("9999-12-30"), 2),
                     naive_add(&cal, D("9999-12-30"), 2));
    nr_calendar_release(&cal);
    nr_buf_release(&b);

    /* A long name. */
    nr_buf_init(&b, 1 << 20);
    assert_int_equal(nr_buf_puts(&b, HEAD "{\"2026\":{\"holidays\":[{\"date\":\"2026-01-01\","
                                          "\"name\":\""),
                     0);
    for (int i = 0; i <= NR_CALENDAR_MAX_NAME; i++)
        assert_int_equal(nr_buf_puts(&b, "x"), 0);
    assert_int_equal(nr_buf_puts(&b, "\"}]}}}"), 0);
    check_bad(b.p, b.len, NR_ETOOBIG, "$.years.2026.holidays[0].name", "more than the limit");
    nr_buf_release(&b);

    /* The text itself: checked before any parsing. */
    big = nr_malloc(NR_CALENDAR_MAX_BYTES + 1);
    memset(big, ' ', NR_CALENDAR_MAX_BYTES + 1);
    check_bad(big, NR_CALENDAR_MAX_BYTES + 1, NR_ETOOBIG, "$", "more than the limit");
    nr_free(big);
}

static void test_load_errors(void **state)
{
    struct nr_calendar cal;
    struct nr_err err;
    char path[] = "/tmp/nr_test_calendar_XXXXXX";
    char *big;
    int fd;

    (void)state;
    nr_err_init(&err);
    assert_int_equal(nr_calendar_load(&cal, "/nonexistent/cn.json", &err), -ENOENT);
    assert_string_equal(err.field, "");
    assert_non_null(strstr(err.msg, "/nonexistent/cn.json"));
    assert_null(cal.id);

    fd = mkstemp(path);
    assert_true(fd >= 0);
    big = nr_malloc(NR_CALENDAR_MAX_BYTES + 1);
    memset(big, ' ', NR_CALENDAR_MAX_BYTES + 1);
    assert_int_equal(write(fd, big, NR_CALENDAR_MAX_BYTES + 1), NR_CALENDAR_MAX_BYTES + 1);
    close(fd);
    nr_free(big);
    nr_err_init(&err);
    assert_int_equal(nr_calendar_load(&cal, path, &err), NR_ETOOBIG);
    assert_null(cal.id);

    /* A malformed file is named by its path. */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"id\":1}", 8), 8);
    close(fd);
    nr_err_init(&err);
    assert_int_equal(nr_calendar_load(&cal, path, &err), NR_EPARSE);
    assert_string_equal(err.field, "$.id");
    assert_true(strncmp(err.msg, path, strlen(path)) == 0);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest cn_tests[] = {
        cmocka_unit_test(test_cn_header),
        cmocka_unit_test(test_cn_matches_notices),
        cmocka_unit_test(test_cn_2027_provisional),
        cmocka_unit_test(test_plain_weekends),
        cmocka_unit_test(test_holidays),
        cmocka_unit_test(test_worked_weekends),
        cmocka_unit_test(test_add_across_spring_festival),
        cmocka_unit_test(test_add_across_national_day),
        cmocka_unit_test(test_add_across_year_end),
        cmocka_unit_test(test_add_zero_and_negative),
        cmocka_unit_test(test_outside_covered_years),
        cmocka_unit_test(test_between_both_ways),
        cmocka_unit_test(test_agrees_with_naive),
        cmocka_unit_test(test_large_and_extreme),
    };
    const struct CMUnitTest other_tests[] = {
        cmocka_unit_test(test_init_is_weekend_only),
        cmocka_unit_test(test_other_weekend_and_no_years),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_bad_date_message),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_load_errors),
    };
    int failed = cmocka_run_group_tests_name("calendar cn.json", cn_tests, setup_cn, teardown_cn);
    failed += cmocka_run_group_tests_name("calendar", other_tests, NULL, NULL);
    return failed ? 1 : 0;
}
