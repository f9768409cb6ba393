/*
 * fuzz_calendar.c - libFuzzer target for the calendar file parser (src/core/calendar.c,
 * interface calendar.h): parses the input as a calendar and releases it. When the input parses,
 * it also runs the working-day queries over the edges of the covered years and the int32_t range,
 * and aborts when they break the invariants that calendar.h promises.
 */
#include "netreview/calendar.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "netreview/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_queries(const struct nr_calendar *cal)
{
    static const int ns[] = {0, 1, 2, 7, 30, 366};
    int32_t starts[] = {
        INT32_MIN, -4, 0, INT32_MAX - 40, INT32_MAX, 20000, 20454 /* 2026-01-01 */,
    };
    int32_t edges[4];
    size_t nedges = 0;

    if (cal->ndays > 0) {
        edges[nedges++] = cal->first_day - 1;
        edges[nedges++] = cal->first_day;
        edges[nedges++] = cal->first_day + cal->ndays - 1;
        edges[nedges++] = cal->first_day + cal->ndays / 2;
    }
    for (size_t i = 0; i < NR_ARRAY_LEN(starts) + nedges; i++) {
        int32_t s = i < NR_ARRAY_LEN(starts) ? starts[i] : edges[i - NR_ARRAY_LEN(starts)];
        for (size_t j = 0; j < NR_ARRAY_LEN(ns); j++) {
            int32_t r = nr_calendar_add_workdays(cal, s, ns[j]);
            if (r < s)
                abort();
            if (r == INT32_MAX)
                continue; /* clamped */
            if (nr_calendar_workdays_between(cal, s, r) != ns[j] ||
                nr_calendar_workdays_between(cal, r, s) != -ns[j])
                abort();
            if (ns[j] > 0 && !nr_calendar_is_workday(cal, r))
                abort();
        }
        (void)nr_calendar_covers(cal, s);
        (void)nr_calendar_entry(cal, s);
    }
    (void)nr_calendar_workdays_between(cal, INT32_MIN, INT32_MAX);
    (void)nr_calendar_add_workdays(cal, INT32_MAX - 1, INT_MAX);
    for (size_t i = 0; i < cal->nentries; i++) {
        const struct nr_calendar_entry *e = nr_calendar_entry(cal, cal->entries[i].day);
        if (e != &cal->entries[i] || nr_calendar_is_workday(cal, e->day) != e->workday ||
            !nr_calendar_covers(cal, e->day))
            abort();
    }
    for (int y = cal->first_year; cal->nyears > 0 && y <= cal->last_year; y++)
        if (nr_calendar_year(cal, y) == NULL || nr_calendar_year(cal, y)->year != y)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_calendar cal;
    struct nr_err err;

    nr_err_init(&err);
    if (nr_calendar_parse(&cal, (const char *)data, size, "fuzz.json", &err) == 0) {
        check_queries(&cal);
    } else if (err.code == 0 || err.msg[0] == '\0' || cal.id != NULL || cal.ndays != 0) {
        abort(); /* a failure always explains itself and leaves the calendar empty */
    }
    nr_calendar_release(&cal);
    return 0;
}
