/*
 * time.c - the clock, ISO 8601 UTC timestamps and day numbers (interface: core.h).
 * Day numbers use the civil-from-days algorithm so that no time zone or locale can shift a date.
 */
#include "netreview/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int32_t nr_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static void nr_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int nr_days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

static int nr_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int nr_date_parse(const char *s, int32_t *day)
{
    int y, m, d;
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return NR_EPARSE;
    if (nr_digits(s, 4, &y) || nr_digits(s + 5, 2, &m) || nr_digits(s + 8, 2, &d))
        return NR_EPARSE;
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > nr_days_in_month(y, m))
        return NR_EPARSE;
    *day = nr_days_from_civil(y, m, d);
    return 0;
}

void nr_date_fmt(int32_t day, char out[NR_DATE_STR])
{
    int y, m, d;
    char tmp[48];
    nr_civil_from_days(day, &y, &m, &d);
    /* The bounded temporary keeps the compiler's truncation analysis honest. */
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y % 10000, m, d);
    snprintf(out, NR_DATE_STR, "%.10s", tmp);
}

int32_t nr_date_from_time(time_t t)
{
    int64_t s = (int64_t)t;
    int64_t d = s / 86400;
    if (s % 86400 < 0)
        d--;
    return (int32_t)d;
}

int nr_date_weekday(int32_t day)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int w = (int)((day % 7 + 7 + 3) % 7);
    return w;
}

int nr_time_parse(const char *s, time_t *out)
{
    int32_t day;
    int hh, mm, ss;
    char date[11];

    if (s == NULL)
        return NR_EPARSE;
    size_t n = strlen(s);
    if (n == 10) {
        if (nr_date_parse(s, &day))
            return NR_EPARSE;
        *out = (time_t)day * 86400;
        return 0;
    }
    if (n != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return NR_EPARSE;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (nr_date_parse(date, &day) || nr_digits(s + 11, 2, &hh) || nr_digits(s + 14, 2, &mm) ||
        nr_digits(s + 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
        return NR_EPARSE;
    *out = (time_t)day * 86400 + hh * 3600 + mm * 60 + ss;
    return 0;
}

void nr_time_fmt(time_t t, char out[NR_TIME_STR])
{
    int32_t day = nr_date_from_time(t);
    int64_t rem = (int64_t)t - (int64_t)day * 86400;
    char d[NR_DATE_STR], tmp[64];
    nr_date_fmt(day, d);
    snprintf(tmp, sizeof(tmp), "%sT%02d:%02d:%02dZ", d, (int)(rem / 3600), (int)(rem / 60 % 60),
             (int)(rem % 60));
    snprintf(out, NR_TIME_STR, "%.20s", tmp);
}

time_t nr_time_now(void)
{
    const char *fixed = getenv("NETREVIEW_NOW");
    time_t t;
    if (fixed && *fixed && nr_time_parse(fixed, &t) == 0)
        return t;
    return time(NULL);
}
