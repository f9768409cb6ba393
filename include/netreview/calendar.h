/*
 * calendar.h - the working-day calendar: which days are worked, and deadlines counted in working
 * days (R13) across public holidays and the weekend days worked in exchange for them.
 *
 * A calendar file (calendars/<id>.json, format in docs/CALENDAR.md) names the weekly rest days and,
 * for each covered year, the public holidays and the "adjusted working days" (weekend days that
 * are worked in exchange). A day is a working day when it is listed as an adjusted working day, or
 * when it is not a weekend day and not a listed holiday. Outside the covered years (before
 * first_year or after last_year) nothing is known about holidays and only the weekend rule
 * applies; nr_calendar_covers() tells whether a date is inside, so that callers can flag a
 * deadline that was computed from the weekend rule alone.
 *
 * Days are day numbers (days since 1970-01-01, see nr_date_parse in core.h). Every int32_t is
 * accepted as a day; results that would leave the int32_t range are clamped to it.
 *
 * Contract:
 * - struct nr_calendar is caller-owned. nr_calendar_init makes an empty calendar (Saturday and
 *   Sunday off, no covered year); nr_calendar_load/parse fill one from a file or from memory and
 *   do not release what *cal held before (release it first). Everything reachable from the struct
 *   (strings, entries, years) is owned by it and freed by nr_calendar_release, which leaves the
 *   struct as after nr_calendar_init and may be called any number of times, also on a
 *   zero-filled struct that was never loaded.
 * - nr_calendar_load/parse return 0, or on failure:
 *     NR_EPARSE   malformed JSON or a field that breaks the format;
 *     NR_ETOOBIG  the text exceeds NR_CALENDAR_MAX_BYTES, or a list or string exceeds its limit;
 *     -errno      the file cannot be opened or read (load only).
 *   err->field is then the JSON path of the problem ("$.years.2026.holidays[3].date"; "$" for
 *   a syntax error or the document as a whole; "" when load cannot read the file whole) and
 *   err->msg is "NAME: PATH: what is wrong", e.g.
 *   `cn.json: $.years.2026.holidays[3].date: "2026-02-30" is not a date`.
 *   On failure *cal is left as after nr_calendar_init.
 * - The query functions cannot fail, never allocate, and are safe to call from several threads on
 *   one calendar. nr_calendar_is_workday and nr_calendar_workdays_between take constant time and
 *   nr_calendar_add_workdays takes time logarithmic in n and in the covered days, whatever the
 *   dates.
 */
#ifndef NETREVIEW_CALENDAR_H
#define NETREVIEW_CALENDAR_H

#include "netreview/core.h"

#include <stdbool.h>
#include <stdint.h>

/* Limits on every input: the text, the covered years, and each string. A year cannot list more
 * than 366 holidays or workdays since a date may appear only once. */
#define NR_CALENDAR_MAX_BYTES (1024 * 1024)
#define NR_CALENDAR_MAX_YEARS 100
#define NR_CALENDAR_MAX_ID    64   /* bytes of "id": [a-z0-9_-]+ */
#define NR_CALENDAR_MAX_NAME  200  /* bytes of "title" and of each entry's "name" */
#define NR_CALENDAR_MAX_NOTE  2000 /* bytes of a year's "note" and "source" */

/* One listed date: a holiday, or a weekend day worked in exchange. */
struct nr_calendar_entry {
    int32_t day;
    bool workday; /* true: worked although a weekend day; false: a holiday */
    char *name;   /* "Spring Festival", "Spring Festival exchange" */
};

/* What the file says about one covered year. */
struct nr_calendar_year {
    int year;
    bool provisional; /* the schedule is derived, not yet published; see note */
    char *note;       /* NULL when absent */
    char *source;     /* where the dates come from; NULL when absent */
};

struct nr_calendar {
    char *id;         /* "cn"; NULL after nr_calendar_init */
    char *title;      /* NULL after nr_calendar_init */
    unsigned weekend; /* bit w set: weekday w (0 = Monday ... 6 = Sunday) is a rest day */
    int first_year;   /* first and last covered year; both 0 when none is covered */
    int last_year;
    struct nr_calendar_year *years; /* years[y - first_year], for every covered year */
    size_t nyears;
    struct nr_calendar_entry *entries; /* every listed date, sorted by day */
    size_t nentries;

    /* Private to calendar.c. */
    int32_t first_day;      /* first day of first_year */
    int32_t ndays;          /* days from first_day to the end of last_year; 0 when none */
    int32_t *cum;           /* cum[i]: working days in [first_day, first_day + i), ndays + 1 */
    int week_workdays;      /* working days in a week by the weekend rule, 1..7 */
    uint8_t week_prefix[8]; /* working days among the first k weekdays (Monday first) */
    struct nr_arena arena;  /* strings, years and entries */
};

/* An empty calendar: Saturday and Sunday are rest days, no year is covered. Cannot fail. */
void nr_calendar_init(struct nr_calendar *cal);
/* Reads and validates path (at most NR_CALENDAR_MAX_BYTES). Messages name the file by path. */
int nr_calendar_load(struct nr_calendar *cal, const char *path, struct nr_err *err);
/* Parses and validates len bytes of json (need not be NUL-terminated). name stands for the file
 * in messages ("calendar" when NULL). */
int nr_calendar_parse(struct nr_calendar *cal, const char *json, size_t len, const char *name,
                      struct nr_err *err);
void nr_calendar_release(struct nr_calendar *cal);

/* True when day falls in a covered year, i.e. its holidays are known. */
bool nr_calendar_covers(const struct nr_calendar *cal, int32_t day);
/* The file's record of a covered year, or NULL when year is not covered. Points into cal. */
const struct nr_calendar_year *nr_calendar_year(const struct nr_calendar *cal, int year);
/* The listed entry for day (a holiday or an exchanged working day), or NULL. Points into cal. */
const struct nr_calendar_entry *nr_calendar_entry(const struct nr_calendar *cal, int32_t day);

bool nr_calendar_is_workday(const struct nr_calendar *cal, int32_t day);
/* The n-th working day after start (start itself not counted, so start need not be a working
 * day). n <= 0 returns start. Clamped to INT32_MAX when the answer lies beyond it. */
int32_t nr_calendar_add_workdays(const struct nr_calendar *cal, int32_t start, int n);
/* Number of working days d with from < d <= to; when to < from, minus the number with
 * to < d <= from. Clamped to [INT_MIN, INT_MAX]. For n >= 0 (and no clamping),
 * nr_calendar_workdays_between(cal, s, nr_calendar_add_workdays(cal, s, n)) == n. */
int nr_calendar_workdays_between(const struct nr_calendar *cal, int32_t from, int32_t to);

#endif
