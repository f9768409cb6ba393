/*
 * calendar.c - the working-day calendar of R13 (interface: calendar.h): the parser and validator
 * of calendar files, and the working-day arithmetic behind every phase deadline.
 *
 * The overdue list computes a deadline for every open case, so queries must not walk day by day.
 * Parsing turns the listed dates into a prefix count over the covered days: cum[i] is the number
 * of working days in [first_day, first_day + i). Outside the covered days the weekend rule is
 * counted arithmetically in whole weeks. Together they give C(d), the number of working days
 * before day d counted from a fixed Monday: C never decreases and rises by one after each working
 * day. "Working days between" is then a difference of two C values, and "add n working days" a
 * binary search for the first day at which C reaches its target.
 */
#include "netreview/calendar.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

/* Day -3 (1969-12-29) is a Monday; weekly counts start there so that a week is Monday..Sunday. */
#define NR_CAL_MONDAY (-3)
/* A year has at most 366 days, so no list of one year can name more distinct dates. */
#define NR_CAL_YEAR_DAYS 366

static const char *const nr_cal_weekday_names[7] = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

/* Where a date of the year being parsed was first listed, to name both places in a conflict. */
struct nr_cal_seen {
    uint8_t list; /* 0 = not listed, 1 = holidays, 2 = workdays */
    uint16_t index;
};

struct nr_cal_parser {
    struct nr_calendar *cal;
    const char *name;
    struct nr_err *err;
    struct nr_calendar_entry *entries; /* grows with nr_realloc; sorted and copied at the end */
    size_t nentries;
    size_t cap;
    int year;         /* the year being parsed */
    int32_t year_day; /* its January 1 */
    int32_t year_end; /* its December 31 */
    struct nr_cal_seen seen[NR_CAL_YEAR_DAYS];
};

static void nr_cal_set_weekend(struct nr_calendar *cal, unsigned weekend)
{
    int n = 0;

    cal->weekend = weekend;
    cal->week_prefix[0] = 0;
    for (int w = 0; w < 7; w++) {
        if (!(weekend & (1u << w)))
            n++;
        cal->week_prefix[w + 1] = (uint8_t)n;
    }
    cal->week_workdays = n;
}

void nr_calendar_init(struct nr_calendar *cal)
{
    memset(cal, 0, sizeof(*cal));
    nr_arena_init(&cal->arena);
    nr_cal_set_weekend(cal, (1u << 5) | (1u << 6));
}

void nr_calendar_release(struct nr_calendar *cal)
{
    nr_arena_release(&cal->arena);
    nr_calendar_init(cal);
}

/* ---- messages ---------------------------------------------------------------------------- */

static int nr_cal_fail(struct nr_cal_parser *p, int code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int nr_cal_fail(struct nr_cal_parser *p, int code, const char *path, const char *fmt, ...)
{
    char detail[NR_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return nr_err_set(p->err, code, path, "%s: %s: %s", p->name, path, detail);
}

/* Formats a JSON path into out (NR_ERR_FIELD_MAX bytes), truncating when it must. */
static void nr_cal_path(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void nr_cal_path(char *out, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(out, NR_ERR_FIELD_MAX, fmt, ap);
    va_end(ap);
}

/* An object key as it may appear in a path or message: printable ASCII other than quote and
 * backslash, everything else shown as '?', at most 32 bytes. */
static void nr_cal_key(const char *key, char out[40])
{
    size_t i, n = 0;

    for (i = 0; key[i] != '\0' && n < 32; i++) {
        unsigned char c = (unsigned char)key[i];
        out[n++] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? (char)c : '?';
    }
    if (key[i] != '\0') {
        out[n++] = '.';
        out[n++] = '.';
        out[n++] = '.';
    }
    out[n] = '\0';
}

/* A JSON value as a message shows it: scalars as JSON text (ASCII only, cut at 40 bytes),
 * containers by their kind. */
static void nr_cal_show(const json_t *v, char out[48])
{
    char *s;

    if (json_is_object(v)) {
        snprintf(out, 48, "an object");
        return;
    }
    if (json_is_array(v)) {
        snprintf(out, 48, "an array");
        return;
    }
    s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII);
    if (s == NULL) {
        snprintf(out, 48, "a value");
        return;
    }
    if (strlen(s) > 40)
        snprintf(out, 48, "%.37s...", s);
    else
        snprintf(out, 48, "%s", s);
    free(s);
}

static int nr_cal_expected(struct nr_cal_parser *p, const char *path, const char *what,
                           const json_t *found)
{
    char shown[48];

    nr_cal_show(found, shown);
    return nr_cal_fail(p, NR_EPARSE, path, "expected %s, found %s", what, shown);
}

/* ---- field helpers ----------------------------------------------------------------------- */

/* Fails on the first member of obj whose key is not in known (a NULL-terminated list). */
static int nr_cal_known_fields(struct nr_cal_parser *p, json_t *obj, const char *path,
                               const char *const *known)
{
    for (void *it = json_object_iter(obj); it != NULL; it = json_object_iter_next(obj, it)) {
        const char *key = json_object_iter_key(it);
        char shown[40], sub[NR_ERR_FIELD_MAX];
        size_t i;

        for (i = 0; known[i] != NULL; i++)
            if (strcmp(key, known[i]) == 0)
                break;
        if (known[i] != NULL)
            continue;
        nr_cal_key(key, shown);
        nr_cal_path(sub, "%s.%s", path, shown);
        return nr_cal_fail(p, NR_EPARSE, sub, "unknown field \"%s\"", shown);
    }
    return 0;
}

/* Reads the string member key of obj into *out (an arena copy; NULL when absent and optional).
 * An empty string is refused unless allow_empty. */
static int nr_cal_string(struct nr_cal_parser *p, json_t *obj, const char *key, const char *path,
                         size_t max, bool required, bool allow_empty, char **out)
{
    json_t *v = json_object_get(obj, key);
    char sub[NR_ERR_FIELD_MAX];
    size_t len;

    *out = NULL;
    nr_cal_path(sub, "%s.%s", path, key);
    if (v == NULL) {
        if (required)
            return nr_cal_fail(p, NR_EPARSE, sub, "required field is missing");
        return 0;
    }
    if (!json_is_string(v))
        return nr_cal_expected(p, sub, "a string", v);
    len = json_string_length(v);
    if (len == 0 && !allow_empty)
        return nr_cal_fail(p, NR_EPARSE, sub, "must not be empty");
    if (len > max)
        return nr_cal_fail(p, NR_ETOOBIG, sub, "is %zu bytes long, more than the limit of %zu", len,
                           max);
    /* jansson refuses \u0000 without JSON_ALLOW_NUL, so the value is a proper C string. */
    *out = nr_arena_strndup(&p->cal->arena, json_string_value(v), len);
    return 0;
}

/* ---- the document ------------------------------------------------------------------------ */

static int nr_cal_parse_id(struct nr_cal_parser *p, json_t *root)
{
    char *id;
    int rc = nr_cal_string(p, root, "id", "$", NR_CALENDAR_MAX_ID, true, false, &id);

    if (rc)
        return rc;
    for (const char *s = id; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')) {
            char shown[40];
            nr_cal_key(id, shown);
            return nr_cal_fail(p, NR_EPARSE, "$.id", "\"%s\" may hold only a-z, 0-9, '_' and '-'",
                               shown);
        }
    }
    p->cal->id = id;
    return 0;
}

static int nr_cal_parse_weekend(struct nr_cal_parser *p, json_t *root)
{
    json_t *arr = json_object_get(root, "weekend");
    unsigned mask = 0;

    if (arr == NULL)
        return nr_cal_fail(p, NR_EPARSE, "$.weekend", "required field is missing");
    if (!json_is_array(arr))
        return nr_cal_expected(p, "$.weekend", "an array of weekdays (0 = Monday ... 6 = Sunday)",
                               arr);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *v = json_array_get(arr, i);
        char sub[NR_ERR_FIELD_MAX];
        json_int_t w;

        nr_cal_path(sub, "$.weekend[%zu]", i);
        if (!json_is_integer(v))
            return nr_cal_expected(p, sub, "a weekday 0 (Monday) ... 6 (Sunday)", v);
        w = json_integer_value(v);
        if (w < 0 || w > 6)
            return nr_cal_fail(p, NR_EPARSE, sub, "%lld is not a weekday 0 (Monday) ... 6 (Sunday)",
                               (long long)w);
        if (mask & (1u << w))
            return nr_cal_fail(p, NR_EPARSE, sub, "%s is listed twice", nr_cal_weekday_names[w]);
        mask |= 1u << w;
    }
    if (mask == 0x7f)
        return nr_cal_fail(p, NR_EPARSE, "$.weekend", "leaves no working day in the week");
    nr_cal_set_weekend(p->cal, mask);
    return 0;
}

/* A year key: exactly four digits, 1970 ... 9999 (the range of nr_date_parse). */
static int nr_cal_year_key(const char *key)
{
    int y = 0;

    if (strlen(key) != 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        if (key[i] < '0' || key[i] > '9')
            return -1;
        y = y * 10 + (key[i] - '0');
    }
    return y >= 1970 ? y : -1;
}

static int32_t nr_cal_day_of(int year, int month, int mday)
{
    char s[32];
    int32_t day = 0;

    snprintf(s, sizeof(s), "%04d-%02d-%02d", year, month, mday);
    nr_date_parse(s, &day); /* year is 1970 ... 9999, so the date is valid */
    return day;
}

static void nr_cal_add_entry(struct nr_cal_parser *p, int32_t day, bool workday, char *name)
{
    if (p->nentries == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->entries = nr_realloc(p->entries, p->cap * sizeof(*p->entries));
    }
    p->entries[p->nentries].day = day;
    p->entries[p->nentries].workday = workday;
    p->entries[p->nentries].name = name;
    p->nentries++;
}

/* Element index of $.years.Y.holidays (list 1) or $.years.Y.workdays (list 2), Y = p->year. */
static int nr_cal_parse_entry(struct nr_cal_parser *p, json_t *v, const char *path, int list,
                              size_t index)
{
    static const char *const fields[] = {"date", "name", NULL};
    static const char *const lists[] = {"", "holidays", "workdays"};
    char sub[NR_ERR_FIELD_MAX], shown[48], *date, *name;
    struct nr_cal_seen *seen;
    int32_t day;
    int rc;

    if (!json_is_object(v))
        return nr_cal_expected(p, path, "an object with \"date\" and \"name\"", v);
    rc = nr_cal_known_fields(p, v, path, fields);
    if (rc == 0)
        rc = nr_cal_string(p, v, "date", path, 64, true, true, &date);
    if (rc)
        return rc;
    nr_cal_path(sub, "%s.date", path);
    if (nr_date_parse(date, &day) != 0) {
        nr_cal_show(json_object_get(v, "date"), shown);
        return nr_cal_fail(p, NR_EPARSE, sub, "%s is not a date", shown);
    }
    if (day < p->year_day || day > p->year_end)
        return nr_cal_fail(p, NR_EPARSE, sub, "%s is not in %d", date, p->year);
    seen = &p->seen[day - p->year_day];
    if (seen->list != 0) {
        char first[NR_ERR_FIELD_MAX];
        nr_cal_path(first, "$.years.%d.%s[%u]", p->year, lists[seen->list], (unsigned)seen->index);
        if (seen->list == list)
            return nr_cal_fail(p, NR_EPARSE, sub, "%s is listed twice (first at %s)", date, first);
        return nr_cal_fail(p, NR_EPARSE, sub,
                           "%s is both a holiday and a working day (the other at %s)", date, first);
    }
    if (list == 2 && !(p->cal->weekend & (1u << nr_date_weekday(day))))
        return nr_cal_fail(p, NR_EPARSE, sub,
                           "%s is a %s, not a weekend day; only weekend days are worked in "
                           "exchange",
                           date, nr_cal_weekday_names[nr_date_weekday(day)]);
    seen->list = (uint8_t)list;
    seen->index = (uint16_t)index;
    rc = nr_cal_string(p, v, "name", path, NR_CALENDAR_MAX_NAME, true, false, &name);
    if (rc)
        return rc;
    nr_cal_add_entry(p, day, list == 2, name);
    return 0;
}

static int nr_cal_parse_list(struct nr_cal_parser *p, json_t *yobj, const char *ypath, int list,
                             bool required)
{
    const char *key = list == 1 ? "holidays" : "workdays";
    json_t *arr = json_object_get(yobj, key);
    char path[NR_ERR_FIELD_MAX];

    nr_cal_path(path, "%s.%s", ypath, key);
    if (arr == NULL) {
        if (required)
            return nr_cal_fail(p, NR_EPARSE, path, "required field is missing");
        return 0;
    }
    if (!json_is_array(arr))
        return nr_cal_expected(p, path, "an array", arr);
    if (json_array_size(arr) > NR_CAL_YEAR_DAYS)
        return nr_cal_fail(p, NR_ETOOBIG, path, "lists %zu dates, more than a year has",
                           json_array_size(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char sub[NR_ERR_FIELD_MAX];
        int rc;

        nr_cal_path(sub, "%s[%zu]", path, i);
        rc = nr_cal_parse_entry(p, json_array_get(arr, i), sub, list, i);
        if (rc)
            return rc;
    }
    return 0;
}

static int nr_cal_parse_year(struct nr_cal_parser *p, json_t *yobj, int year)
{
    static const char *const fields[] = {"provisional", "note",     "source",
                                         "holidays",    "workdays", NULL};
    struct nr_calendar_year *y = &p->cal->years[year - p->cal->first_year];
    char path[NR_ERR_FIELD_MAX];
    json_t *prov;
    int rc;

    nr_cal_path(path, "$.years.%d", year);
    if (!json_is_object(yobj))
        return nr_cal_expected(p, path, "an object", yobj);
    rc = nr_cal_known_fields(p, yobj, path, fields);
    if (rc)
        return rc;
    y->year = year;
    prov = json_object_get(yobj, "provisional");
    if (prov != NULL) {
        char sub[NR_ERR_FIELD_MAX];
        nr_cal_path(sub, "%s.provisional", path);
        if (!json_is_boolean(prov))
            return nr_cal_expected(p, sub, "true or false", prov);
        y->provisional = json_is_true(prov);
    }
    rc = nr_cal_string(p, yobj, "note", path, NR_CALENDAR_MAX_NOTE, false, false, &y->note);
    if (rc == 0)
        rc = nr_cal_string(p, yobj, "source", path, NR_CALENDAR_MAX_NOTE, false, false, &y->source);
    if (rc)
        return rc;
    p->year = year;
    p->year_day = nr_cal_day_of(year, 1, 1);
    p->year_end = nr_cal_day_of(year, 12, 31);
    memset(p->seen, 0, sizeof(p->seen));
    rc = nr_cal_parse_list(p, yobj, path, 1, true);
    if (rc == 0)
        rc = nr_cal_parse_list(p, yobj, path, 2, false);
    return rc;
}

static int nr_cal_parse_years(struct nr_cal_parser *p, json_t *root)
{
    struct nr_calendar *cal = p->cal;
    json_t *years = json_object_get(root, "years");
    int lo = 0, hi = 0, rc;
    size_t count;

    if (years == NULL)
        return nr_cal_fail(p, NR_EPARSE, "$.years", "required field is missing");
    if (!json_is_object(years))
        return nr_cal_expected(p, "$.years", "an object keyed by year", years);
    count = json_object_size(years);
    if (count > NR_CALENDAR_MAX_YEARS)
        return nr_cal_fail(p, NR_ETOOBIG, "$.years", "covers %zu years, more than the limit of %d",
                           count, NR_CALENDAR_MAX_YEARS);
    if (count == 0)
        return 0;

    /* Keys first: the years must be a gapless run, or a missing year would silently fall back
     * to the weekend rule in the middle of the calendar. */
    for (void *it = json_object_iter(years); it; it = json_object_iter_next(years, it)) {
        const char *key = json_object_iter_key(it);
        int y = nr_cal_year_key(key);
        if (y < 0) {
            char shown[40], sub[NR_ERR_FIELD_MAX];
            nr_cal_key(key, shown);
            nr_cal_path(sub, "$.years.%s", shown);
            return nr_cal_fail(p, NR_EPARSE, sub, "\"%s\" is not a year (four digits, 1970-9999)",
                               shown);
        }
        if (lo == 0 || y < lo)
            lo = y;
        if (y > hi)
            hi = y;
    }
    if ((size_t)(hi - lo + 1) != count) {
        int missing = lo;
        char k[16];
        for (missing = lo; missing <= hi; missing++) {
            snprintf(k, sizeof(k), "%04d", missing);
            if (json_object_get(years, k) == NULL)
                break;
        }
        return nr_cal_fail(p, NR_EPARSE, "$.years",
                           "lists %d and %d but not %d; the covered years must be consecutive", lo,
                           hi, missing);
    }
    cal->first_year = lo;
    cal->last_year = hi;
    cal->nyears = count;
    cal->years = nr_arena_alloc(&cal->arena, count * sizeof(*cal->years));

    for (void *it = json_object_iter(years); it; it = json_object_iter_next(years, it)) {
        rc = nr_cal_parse_year(p, json_object_iter_value(it),
                               nr_cal_year_key(json_object_iter_key(it)));
        if (rc)
            return rc;
    }
    return 0;
}

static int nr_cal_entry_cmp(const void *a, const void *b)
{
    const struct nr_calendar_entry *x = a, *y = b;
    return (x->day > y->day) - (x->day < y->day);
}

/* Sorts the entries into the arena and builds the prefix count over the covered days. */
static void nr_cal_build(struct nr_cal_parser *p)
{
    struct nr_calendar *cal = p->cal;
    int32_t n;

    cal->nentries = p->nentries;
    cal->entries = nr_arena_alloc(&cal->arena, p->nentries * sizeof(*cal->entries));
    if (p->nentries)
        memcpy(cal->entries, p->entries, p->nentries * sizeof(*cal->entries));
    qsort(cal->entries, cal->nentries, sizeof(*cal->entries), nr_cal_entry_cmp);
    if (cal->nyears == 0)
        return;

    cal->first_day = nr_cal_day_of(cal->first_year, 1, 1);
    n = nr_cal_day_of(cal->last_year, 12, 31) + 1 - cal->first_day;
    cal->ndays = n;
    cal->cum = nr_arena_alloc(&cal->arena, ((size_t)n + 1) * sizeof(*cal->cum));
    /* cum[i + 1] first holds whether day first_day + i is worked, then the running sum. */
    for (int32_t i = 0; i < n; i++)
        cal->cum[i + 1] = !(cal->weekend & (1u << nr_date_weekday(cal->first_day + i)));
    /* R13: a listed date overrides the weekend rule both ways: a holiday is off even on a
     * weekday, a weekend day worked in exchange counts like any working day. */
    for (size_t i = 0; i < cal->nentries; i++)
        cal->cum[cal->entries[i].day - cal->first_day + 1] = cal->entries[i].workday;
    cal->cum[0] = 0;
    for (int32_t i = 0; i < n; i++)
        cal->cum[i + 1] += cal->cum[i];
}

int nr_calendar_parse(struct nr_calendar *cal, const char *json, size_t len, const char *name,
                      struct nr_err *err)
{
    static const char *const fields[] = {"id", "title", "weekend", "years", NULL};
    struct nr_cal_parser *p = nr_calloc(1, sizeof(*p));
    json_error_t jerr;
    json_t *root = NULL;
    int rc;

    nr_calendar_init(cal);
    p->cal = cal;
    p->name = name ? name : "calendar";
    p->err = err;
    if (len > NR_CALENDAR_MAX_BYTES) {
        rc = nr_cal_fail(p, NR_ETOOBIG, "$", "is %zu bytes, more than the limit of %d", len,
                         NR_CALENDAR_MAX_BYTES);
        goto out;
    }
    root = json_loadb(json ? json : "", json ? len : 0, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        rc = nr_cal_fail(p, NR_EPARSE, "$", "line %d column %d: %s", jerr.line, jerr.column,
                         jerr.text);
        goto out;
    }
    if (!json_is_object(root)) {
        rc = nr_cal_expected(p, "$", "an object", root);
        goto out;
    }
    rc = nr_cal_known_fields(p, root, "$", fields);
    if (rc == 0)
        rc = nr_cal_parse_id(p, root);
    if (rc == 0)
        rc = nr_cal_string(p, root, "title", "$", NR_CALENDAR_MAX_NAME, true, false, &cal->title);
    if (rc == 0)
        rc = nr_cal_parse_weekend(p, root);
    if (rc == 0)
        rc = nr_cal_parse_years(p, root);
    if (rc == 0)
        nr_cal_build(p);
out:
    if (rc)
        nr_calendar_release(cal);
    json_decref(root);
    nr_free(p->entries);
    nr_free(p);
    return rc;
}

int nr_calendar_load(struct nr_calendar *cal, const char *path, struct nr_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    nr_calendar_init(cal);
    rc = nr_file_read(path, NR_CALENDAR_MAX_BYTES, &text, &len, err);
    if (rc == 0)
        rc = nr_calendar_parse(cal, text, len, path, err);
    nr_free(text);
    return rc;
}

/* ---- queries ----------------------------------------------------------------------------- */

bool nr_calendar_covers(const struct nr_calendar *cal, int32_t day)
{
    return cal->ndays > 0 && day >= cal->first_day && (int64_t)day - cal->first_day < cal->ndays;
}

const struct nr_calendar_year *nr_calendar_year(const struct nr_calendar *cal, int year)
{
    if (cal->nyears == 0 || year < cal->first_year || year > cal->last_year)
        return NULL;
    return &cal->years[year - cal->first_year];
}

const struct nr_calendar_entry *nr_calendar_entry(const struct nr_calendar *cal, int32_t day)
{
    size_t lo = 0, hi = cal->nentries;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->entries[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < cal->nentries && cal->entries[lo].day == day ? &cal->entries[lo] : NULL;
}

bool nr_calendar_is_workday(const struct nr_calendar *cal, int32_t day)
{
    if (nr_calendar_covers(cal, day)) {
        int32_t i = day - cal->first_day;
        return cal->cum[i + 1] != cal->cum[i];
    }
    return !(cal->weekend & (1u << nr_date_weekday(day)));
}

/* Working days in [NR_CAL_MONDAY, d) by the weekend rule alone; negative when d is before it. */
static int64_t nr_cal_week_count(const struct nr_calendar *cal, int64_t d)
{
    int64_t x = d - NR_CAL_MONDAY;
    int64_t q = x / 7, r = x % 7;

    if (r < 0) {
        r += 7;
        q--;
    }
    return q * cal->week_workdays + cal->week_prefix[r];
}

/* C(d): like nr_cal_week_count, with the listed dates of the covered years applied. */
static int64_t nr_cal_count(const struct nr_calendar *cal, int64_t d)
{
    int64_t c = nr_cal_week_count(cal, d), a = cal->first_day, e;

    if (cal->ndays == 0 || d <= a)
        return c;
    e = d < a + cal->ndays ? d : a + cal->ndays;
    return c + cal->cum[e - a] - (nr_cal_week_count(cal, e) - nr_cal_week_count(cal, a));
}

int32_t nr_calendar_add_workdays(const struct nr_calendar *cal, int32_t start, int n)
{
    int64_t lo, hi, target, base;

    if (n <= 0)
        return start;
    lo = (int64_t)start + 1;
    target = nr_cal_count(cal, lo) + n;
    /* Past both lo and the covered days every week has week_workdays (>= 1) working days, so C
     * reaches the target within the next n / week_workdays + 1 weeks. */
    base = lo;
    if (cal->ndays > 0 && (int64_t)cal->first_day + cal->ndays > base)
        base = (int64_t)cal->first_day + cal->ndays;
    hi = base + 7 * ((int64_t)n / cal->week_workdays + 1);
    /* The smallest x with C(x) >= target; the day that brings C there is x - 1. */
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (nr_cal_count(cal, mid) >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo - 1 > INT32_MAX ? INT32_MAX : (int32_t)(lo - 1);
}

int nr_calendar_workdays_between(const struct nr_calendar *cal, int32_t from, int32_t to)
{
    int64_t r = nr_cal_count(cal, (int64_t)to + 1) - nr_cal_count(cal, (int64_t)from + 1);

    if (r > INT_MAX)
        return INT_MAX;
    if (r < INT_MIN)
        return INT_MIN;
    return (int)r;
}
