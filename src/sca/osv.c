/*
 * osv.c - one OSV record (https://ossf.github.io/osv-schema/) parsed into struct nr_osv
 * (interface: osv.h). The importer (osv_import.c) stores what this keeps; the supply-chain
 * engine reads it back. Parsing is strict about the structure it relies on and lenient about the
 * rest:
 *
 * - Errors name the JSON path: "affected[2].ranges[0].events[1].fixed". A field this file reads
 *   must have its schema type (a string, an array of objects...) or the record is rejected, so
 *   that half-understood data never reaches the matcher. Unknown fields are ignored.
 * - Required: id and modified (an RFC 3339 timestamp, since it decides which copy of a record
 *   wins); a package's ecosystem and name; a range's type (SEMVER, ECOSYSTEM or GIT) and its
 *   events, each holding exactly one of introduced, fixed, last_affected or limit.
 * - Severity: every severity[] entry (top level and per affected entry) of type CVSS_V2, CVSS_V3
 *   or CVSS_V4 is scored with nr_cvss_score; the highest score wins, and on a tie the newer CVSS
 *   version. A vector that does not parse is skipped, not fatal: the advisory still matters.
 *   Without a usable vector, database_specific.severity (GitHub's CRITICAL/HIGH/MODERATE/LOW,
 *   Red Hat's Important, Debian's unimportant...) or an "Ubuntu" severity entry is folded to
 *   critical/high/medium/low; failing that, "low" when a vector scored 0.0 (no impact at all),
 *   else "medium".
 * - rce and auth_bypass: from database_specific.cwe_ids (GitHub's form) or the words of the
 *   summary and details.
 * - CPEs: affected[].database_specific.cpes[] (or .cpe), an extension some feeds use to name the
 *   product of a package-less entry; each must parse as a CPE 2.3 formatted string. CPEs under
 *   the record's own database_specific form an affected entry of their own, with no package.
 * - fixed: the first "fixed" event of the first non-GIT range that has one (a GIT range's fixed
 *   is a commit, not a version a person can upgrade to).
 * Caps: NR_OSV_MAX_BYTES per record, NR_OSV_MAX_AFFECTED entries, NR_OSV_MAX_EVENTS events per
 * range and versions, aliases, ranges and CPEs per entry; past them NR_ETOOBIG.
 */
#include "netreview/osv.h"
#include "netreview/ident.h"
#include "osv_int.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "netreview/banned.h"

#define OSV_MAX_SEVERITY 256 /* severity[] entries of one record or entry */

void nr_osv_init(struct nr_osv *o)
{
    memset(o, 0, sizeof(*o));
    nr_arena_init(&o->arena);
}

void nr_osv_release(struct nr_osv *o)
{
    nr_arena_release(&o->arena);
    memset(o, 0, sizeof(*o));
    nr_arena_init(&o->arena);
}

/* ---- timestamps ---- */

static bool osv_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int osv_num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
 * Plain arithmetic on purpose: libc's timegm and gmtime_r consult the time zone database on
 * every call, which an import of a few hundred thousand records notices. */
static int64_t osv_days(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void osv_civil(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int osv_month_days(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int nr__osv_time_key(const char *s, char out[NR__OSV_TIME_KEY])
{
    char frac[10] = "000000000", key[96];
    const char *p;
    int64_t year, secs;
    int mon, day, hour, min, sec, off = 0, n;

    if (strlen(s) < 20 || !osv_digits(s, 4) || s[4] != '-' || !osv_digits(s + 5, 2) ||
        s[7] != '-' || !osv_digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') ||
        !osv_digits(s + 11, 2) || s[13] != ':' || !osv_digits(s + 14, 2) || s[16] != ':' ||
        !osv_digits(s + 17, 2))
        return -1;
    year = osv_num(s, 4);
    mon = osv_num(s + 5, 2);
    day = osv_num(s + 8, 2);
    hour = osv_num(s + 11, 2);
    min = osv_num(s + 14, 2);
    sec = osv_num(s + 17, 2);
    if (mon < 1 || mon > 12 || day < 1 || day > osv_month_days(year, mon) || hour > 23 ||
        min > 59 || sec > 60)
        return -1;
    p = s + 19;
    if (*p == '.') {
        int k = 0;
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        /* Digits past nanoseconds cannot change the order of real timestamps; they are read and
         * dropped. */
        for (; *p >= '0' && *p <= '9'; p++, k++)
            if (k < 9)
                frac[k] = *p;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if ((*p == '+' || *p == '-') && osv_digits(p + 1, 2) && p[3] == ':' &&
               osv_digits(p + 4, 2) && osv_num(p + 1, 2) < 24 && osv_num(p + 4, 2) < 60) {
        off = (osv_num(p + 1, 2) * 60 + osv_num(p + 4, 2)) * 60;
        if (*p == '-')
            off = -off;
        p += 6;
    } else {
        return -1;
    }
    if (*p != '\0')
        return -1;
    if (off != 0) {
        /* To UTC. A leap second (":60") keeps its place when the offset is zero and becomes
         * the next minute's first second otherwise, which orders the same. */
        int64_t days;
        secs = osv_days(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec - off;
        days = (secs >= 0 ? secs : secs - 86399) / 86400;
        secs -= days * 86400;
        osv_civil(days, &year, &mon, &day);
        hour = (int)(secs / 3600);
        min = (int)(secs / 60 % 60);
        sec = (int)(secs % 60);
        if (year < 0 || year > 9999)
            return -1;
    }
    n = snprintf(key, sizeof(key), "%04d-%02d-%02dT%02d:%02d:%02d.%sZ", (int)year, mon, day, hour,
                 min, sec, frac);
    if (n < 0 || (size_t)n >= NR__OSV_TIME_KEY)
        return -1;
    memcpy(out, key, (size_t)n + 1);
    return 0;
}

/* ---- JSON helpers: each fails with the path of what is wrong ---- */

/* A JSON path into p (NR_ERR_FIELD_MAX bytes); a path too long to keep is cut, which only
 * shortens the error's field. */
static void osv_path(char *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void osv_path(char *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p, NR_ERR_FIELD_MAX, fmt, ap);
    va_end(ap);
}

struct osv_parse {
    struct nr_osv *o;
    struct nr_err *err;
    /* Severity fallbacks, in order of preference, when no vector scores. */
    const char *db_severity;
    const char *ubuntu_severity;
    int best_version; /* CVSS major version of the kept vector, for ties */
};

static int osv_type_err(struct osv_parse *ps, const char *path, const char *want)
{
    return nr_err_set(ps->err, NR_EPARSE, path, "%s: must be %s", path, want);
}

/* Reads an optional string member into the arena (*out NULL when absent or null). */
static int osv_opt_str(struct osv_parse *ps, json_t *obj, const char *key, const char *path,
                       const char **out)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return osv_type_err(ps, path, "a string");
    *out = nr_arena_strndup(&ps->o->arena, json_string_value(v), json_string_length(v));
    return 0;
}

static int osv_req_str(struct osv_parse *ps, json_t *obj, const char *key, const char *path,
                       const char **out)
{
    int rc = osv_opt_str(ps, obj, key, path, out);
    if (rc)
        return rc;
    if (*out == NULL)
        return nr_err_set(ps->err, NR_EPARSE, path, "%s: missing", path);
    if (**out == '\0')
        return nr_err_set(ps->err, NR_EPARSE, path, "%s: empty", path);
    return 0;
}

/* An optional array member: *out NULL when absent or null; NR_ETOOBIG past max elements. */
static int osv_opt_array(struct osv_parse *ps, json_t *obj, const char *key, const char *path,
                         size_t max, json_t **out)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return osv_type_err(ps, path, "an array");
    if (json_array_size(v) > max)
        return nr_err_set(ps->err, NR_ETOOBIG, path, "%s: more than %zu entries", path, max);
    *out = v;
    return 0;
}

static int osv_opt_object(struct osv_parse *ps, json_t *obj, const char *key, const char *path,
                          json_t **out)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return osv_type_err(ps, path, "an object");
    *out = v;
    return 0;
}

/* An array of strings into a NULL-terminated arena array. */
static int osv_str_array(struct osv_parse *ps, json_t *arr, const char *path, const char ***out,
                         size_t *n)
{
    const char **list;
    char p[NR_ERR_FIELD_MAX];
    size_t i;
    json_t *v;

    *out = NULL;
    *n = 0;
    if (arr == NULL)
        return 0;
    list = nr_arena_alloc(&ps->o->arena, (json_array_size(arr) + 1) * sizeof(*list));
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v)) {
            osv_path(p, "%s[%zu]", path, i);
            return osv_type_err(ps, p, "a string");
        }
        list[i] = nr_arena_strndup(&ps->o->arena, json_string_value(v), json_string_length(v));
    }
    *out = list;
    *n = json_array_size(arr);
    return 0;
}

/* ---- severity ---- */

/* GitHub's, Red Hat's, Debian's, Ubuntu's and SUSE's words for how bad it is, folded. */
static const char *osv_fold_severity(const char *word)
{
    static const struct {
        const char *word, *folded;
    } map[] = {
        {"critical", "critical"}, {"urgent", "critical"}, {"high", "high"}, {"important", "high"},
        {"moderate", "medium"},   {"medium", "medium"},   {"low", "low"},   {"negligible", "low"},
        {"unimportant", "low"},   {"minor", "low"},
    };
    if (word == NULL)
        return NULL;
    for (size_t i = 0; i < NR_ARRAY_LEN(map); i++)
        if (strcasecmp(word, map[i].word) == 0)
            return map[i].folded;
    return NULL;
}

static int osv_severity(struct osv_parse *ps, json_t *arr, const char *path)
{
    char p[NR_ERR_FIELD_MAX];
    size_t i;
    json_t *e;
    int rc;

    json_array_foreach(arr, i, e)
    {
        const char *type, *score;
        int version = 0;
        double s;

        osv_path(p, "%s[%zu]", path, i);
        if (!json_is_object(e))
            return osv_type_err(ps, p, "an object");
        osv_path(p, "%s[%zu].type", path, i);
        rc = osv_req_str(ps, e, "type", p, &type);
        if (rc)
            return rc;
        osv_path(p, "%s[%zu].score", path, i);
        rc = osv_req_str(ps, e, "score", p, &score);
        if (rc)
            return rc;
        if (strcmp(type, "CVSS_V4") == 0)
            version = 4;
        else if (strcmp(type, "CVSS_V3") == 0)
            version = 3;
        else if (strcmp(type, "CVSS_V2") == 0)
            version = 2;
        else if (strcmp(type, "Ubuntu") == 0 && ps->ubuntu_severity == NULL)
            ps->ubuntu_severity = osv_fold_severity(score);
        /* A vector that does not parse is skipped: the advisory still counts, unscored. */
        if (version == 0 || nr_cvss_score(score, &s, NULL) != 0)
            continue;
        if (ps->o->cvss_vector == NULL || s > ps->o->cvss_score ||
            (s == ps->o->cvss_score && version > ps->best_version)) {
            ps->o->cvss_vector = score;
            ps->o->cvss_score = s;
            ps->best_version = version;
        }
    }
    return 0;
}

/* ---- affected[] ---- */

static int osv_events(struct osv_parse *ps, json_t *arr, const char *path, struct nr_osv_range *r)
{
    static const struct {
        const char *key;
        enum nr_osv_event_kind kind;
    } kinds[] = {{"introduced", NR_OSV_INTRODUCED},
                 {"fixed", NR_OSV_FIXED},
                 {"last_affected", NR_OSV_LAST_AFFECTED},
                 {"limit", NR_OSV_LIMIT}};
    char p[NR_ERR_FIELD_MAX];
    size_t i;
    json_t *e;

    if (json_array_size(arr) == 0)
        return nr_err_set(ps->err, NR_EPARSE, path, "%s: a range needs at least one event", path);
    r->events = nr_arena_alloc(&ps->o->arena, json_array_size(arr) * sizeof(*r->events));
    json_array_foreach(arr, i, e)
    {
        int found = -1;

        osv_path(p, "%s[%zu]", path, i);
        if (!json_is_object(e))
            return osv_type_err(ps, p, "an object");
        for (size_t k = 0; k < NR_ARRAY_LEN(kinds); k++) {
            json_t *v = json_object_get(e, kinds[k].key);
            if (v == NULL)
                continue;
            osv_path(p, "%s[%zu].%s", path, i, kinds[k].key);
            if (found >= 0)
                return nr_err_set(ps->err, NR_EPARSE, p, "%s: an event holds one of %s and %s", p,
                                  kinds[found].key, kinds[k].key);
            if (!json_is_string(v))
                return osv_type_err(ps, p, "a string");
            if (json_string_length(v) == 0)
                return nr_err_set(ps->err, NR_EPARSE, p, "%s: empty version", p);
            r->events[i].kind = kinds[k].kind;
            r->events[i].version =
                nr_arena_strndup(&ps->o->arena, json_string_value(v), json_string_length(v));
            found = (int)k;
        }
        if (found < 0) {
            osv_path(p, "%s[%zu]", path, i);
            return nr_err_set(ps->err, NR_EPARSE, p,
                              "%s: an event needs introduced, fixed, last_affected or limit", p);
        }
    }
    r->nevents = json_array_size(arr);
    return 0;
}

static int osv_ranges(struct osv_parse *ps, json_t *arr, const char *path,
                      struct nr_osv_affected *af)
{
    char p[NR_ERR_FIELD_MAX];
    size_t i;
    json_t *r;
    int rc;

    af->ranges = nr_arena_alloc(&ps->o->arena, (json_array_size(arr) + 1) * sizeof(*af->ranges));
    json_array_foreach(arr, i, r)
    {
        struct nr_osv_range *range = &af->ranges[i];
        json_t *events;

        osv_path(p, "%s[%zu]", path, i);
        if (!json_is_object(r))
            return osv_type_err(ps, p, "an object");
        osv_path(p, "%s[%zu].type", path, i);
        rc = osv_req_str(ps, r, "type", p, &range->type);
        if (rc)
            return rc;
        if (strcmp(range->type, "SEMVER") != 0 && strcmp(range->type, "ECOSYSTEM") != 0 &&
            strcmp(range->type, "GIT") != 0)
            return nr_err_set(ps->err, NR_EPARSE, p,
                              "%s: \"%.40s\" is not SEMVER, ECOSYSTEM or GIT", p, range->type);
        osv_path(p, "%s[%zu].events", path, i);
        rc = osv_opt_array(ps, r, "events", p, NR_OSV_MAX_EVENTS, &events);
        if (rc)
            return rc;
        if (events == NULL)
            return nr_err_set(ps->err, NR_EPARSE, p, "%s: missing", p);
        rc = osv_events(ps, events, p, range);
        if (rc)
            return rc;
    }
    af->nranges = json_array_size(arr);
    return 0;
}

/* CPEs of a database_specific object: "cpes" (array) and "cpe" (one string). Each must parse;
 * they are kept as given (the importer stores the canonical form). */
static int osv_cpes(struct osv_parse *ps, json_t *dbs, const char *path, const char ***out,
                    size_t *n)
{
    char p[NR_ERR_FIELD_MAX];
    const char **list = NULL, *one = NULL;
    json_t *arr;
    size_t count = 0;
    struct nr_cpe cpe;
    struct nr_err cerr;
    int rc;

    *out = NULL;
    *n = 0;
    if (dbs == NULL)
        return 0;
    osv_path(p, "%s.cpes", path);
    rc = osv_opt_array(ps, dbs, "cpes", p, NR_OSV_MAX_EVENTS, &arr);
    if (rc == 0)
        rc = osv_str_array(ps, arr, p, &list, &count);
    if (rc)
        return rc;
    osv_path(p, "%s.cpe", path);
    rc = osv_opt_str(ps, dbs, "cpe", p, &one);
    if (rc)
        return rc;
    if (one) {
        const char **more = nr_arena_alloc(&ps->o->arena, (count + 2) * sizeof(*more));
        if (count)
            memcpy(more, list, count * sizeof(*more));
        more[count++] = one;
        list = more;
    }
    nr_cpe_init(&cpe);
    for (size_t i = 0; i < count && rc == 0; i++) {
        nr_err_init(&cerr);
        if (one && i == count - 1)
            osv_path(p, "%s.cpe", path);
        else
            osv_path(p, "%s.cpes[%zu]", path, i);
        if (nr_cpe_parse(&cpe, list[i], &cerr) != 0)
            rc = nr_err_set(ps->err, NR_EPARSE, p, "%s: %s", p, cerr.msg);
    }
    nr_cpe_release(&cpe);
    if (rc)
        return rc;
    *out = list;
    *n = count;
    return 0;
}

static int osv_affected_one(struct osv_parse *ps, json_t *a, size_t idx, struct nr_osv_affected *af)
{
    char p[NR_ERR_FIELD_MAX];
    json_t *pkg, *ranges, *versions, *dbs, *sev;
    int rc;

    osv_path(p, "affected[%zu]", idx);
    if (!json_is_object(a))
        return osv_type_err(ps, p, "an object");
    osv_path(p, "affected[%zu].package", idx);
    rc = osv_opt_object(ps, a, "package", p, &pkg);
    if (rc)
        return rc;
    if (pkg) {
        osv_path(p, "affected[%zu].package.ecosystem", idx);
        rc = osv_req_str(ps, pkg, "ecosystem", p, &af->ecosystem);
        if (rc)
            return rc;
        osv_path(p, "affected[%zu].package.name", idx);
        rc = osv_req_str(ps, pkg, "name", p, &af->name);
        if (rc)
            return rc;
        osv_path(p, "affected[%zu].package.purl", idx);
        rc = osv_opt_str(ps, pkg, "purl", p, &af->purl);
        if (rc)
            return rc;
    }
    af->order = nr_order_for_ecosystem(af->ecosystem);
    osv_path(p, "affected[%zu].ranges", idx);
    rc = osv_opt_array(ps, a, "ranges", p, NR_OSV_MAX_EVENTS, &ranges);
    if (rc == 0 && ranges)
        rc = osv_ranges(ps, ranges, p, af);
    if (rc)
        return rc;
    osv_path(p, "affected[%zu].versions", idx);
    rc = osv_opt_array(ps, a, "versions", p, NR_OSV_MAX_EVENTS, &versions);
    if (rc == 0)
        rc = osv_str_array(ps, versions, p, &af->versions, &af->nversions);
    if (rc)
        return rc;
    osv_path(p, "affected[%zu].severity", idx);
    rc = osv_opt_array(ps, a, "severity", p, OSV_MAX_SEVERITY, &sev);
    if (rc == 0 && sev)
        rc = osv_severity(ps, sev, p);
    if (rc)
        return rc;
    osv_path(p, "affected[%zu].database_specific", idx);
    rc = osv_opt_object(ps, a, "database_specific", p, &dbs);
    if (rc == 0)
        rc = osv_cpes(ps, dbs, p, &af->cpes, &af->ncpes);
    return rc;
}

/* ---- flags ---- */

static bool osv_cwe_in(json_t *cwes, const char *const *list, size_t n)
{
    size_t i;
    json_t *v;

    json_array_foreach(cwes, i, v)
    {
        if (!json_is_string(v))
            continue;
        for (size_t k = 0; k < n; k++)
            if (strcasecmp(json_string_value(v), list[k]) == 0)
                return true;
    }
    return false;
}

static bool osv_text_has(const struct nr_osv *o, const char *words)
{
    return (o->summary && strcasestr(o->summary, words)) ||
           (o->details && strcasestr(o->details, words));
}

static void osv_flags(struct nr_osv *o, json_t *cwes)
{
    static const char *const rce_cwes[] = {"CWE-94", "CWE-77", "CWE-78", "CWE-502"};
    static const char *const auth_cwes[] = {"CWE-287", "CWE-288", "CWE-290", "CWE-306", "CWE-1390"};

    o->rce = (cwes && osv_cwe_in(cwes, rce_cwes, NR_ARRAY_LEN(rce_cwes))) ||
             osv_text_has(o, "remote code execution") || osv_text_has(o, "arbitrary code");
    o->auth_bypass = (cwes && osv_cwe_in(cwes, auth_cwes, NR_ARRAY_LEN(auth_cwes))) ||
                     osv_text_has(o, "authentication bypass");
}

static void osv_fixed(struct nr_osv *o)
{
    for (size_t a = 0; a < o->naffected; a++)
        for (size_t r = 0; r < o->affected[a].nranges; r++) {
            const struct nr_osv_range *range = &o->affected[a].ranges[r];
            if (strcmp(range->type, "GIT") == 0)
                continue;
            for (size_t e = 0; e < range->nevents; e++)
                if (range->events[e].kind == NR_OSV_FIXED) {
                    o->fixed = range->events[e].version;
                    return;
                }
        }
}

/* ---- the record ---- */

static int osv_record(struct osv_parse *ps, json_t *root)
{
    struct nr_osv *o = ps->o;
    json_t *aliases, *affected, *sev, *dbs, *cwes = NULL, *v;
    const char **top_cpes = NULL;
    size_t ntop = 0, i;
    char key[NR__OSV_TIME_KEY];
    int rc;

    if (!json_is_object(root))
        return nr_err_set(ps->err, NR_EPARSE, "", "a record must be a JSON object");
    if ((rc = osv_req_str(ps, root, "id", "id", &o->id)) ||
        (rc = osv_req_str(ps, root, "modified", "modified", &o->modified)) ||
        (rc = osv_opt_str(ps, root, "published", "published", &o->published)) ||
        (rc = osv_opt_str(ps, root, "withdrawn", "withdrawn", &o->withdrawn)) ||
        (rc = osv_opt_str(ps, root, "summary", "summary", &o->summary)) ||
        (rc = osv_opt_str(ps, root, "details", "details", &o->details)))
        return rc;
    if (nr__osv_time_key(o->modified, key) != 0)
        return nr_err_set(ps->err, NR_EPARSE, "modified",
                          "modified: \"%.40s\" is not an RFC 3339 timestamp", o->modified);
    rc = osv_opt_array(ps, root, "aliases", "aliases", NR_OSV_MAX_EVENTS, &aliases);
    if (rc == 0)
        rc = osv_str_array(ps, aliases, "aliases", &o->aliases, &o->naliases);
    if (rc)
        return rc;

    rc = osv_opt_object(ps, root, "database_specific", "database_specific", &dbs);
    if (rc)
        return rc;
    if (dbs) {
        v = json_object_get(dbs, "severity");
        if (json_is_string(v))
            ps->db_severity = osv_fold_severity(json_string_value(v));
        rc = osv_opt_array(ps, dbs, "cwe_ids", "database_specific.cwe_ids", NR_OSV_MAX_EVENTS,
                           &cwes);
        if (rc == 0)
            rc = osv_cpes(ps, dbs, "database_specific", &top_cpes, &ntop);
        if (rc)
            return rc;
    }

    rc = osv_opt_array(ps, root, "severity", "severity", OSV_MAX_SEVERITY, &sev);
    if (rc == 0 && sev)
        rc = osv_severity(ps, sev, "severity");
    if (rc)
        return rc;

    rc = osv_opt_array(ps, root, "affected", "affected", NR_OSV_MAX_AFFECTED, &affected);
    if (rc)
        return rc;
    o->affected = nr_arena_alloc(&o->arena, ((affected ? json_array_size(affected) : 0) + 1) *
                                                sizeof(*o->affected));
    json_array_foreach(affected, i, v)
    {
        rc = osv_affected_one(ps, v, i, &o->affected[i]);
        if (rc)
            return rc;
    }
    o->naffected = affected ? json_array_size(affected) : 0;
    if (ntop) {
        /* The record-level CPEs name the product itself: an entry of their own. */
        struct nr_osv_affected *af = &o->affected[o->naffected++];
        af->cpes = top_cpes;
        af->ncpes = ntop;
        af->order = NR_ORDER_GENERIC;
    }

    if (o->cvss_vector && o->cvss_score > 0)
        o->severity = nr_cvss_severity(o->cvss_score);
    else if (ps->db_severity)
        o->severity = ps->db_severity;
    else if (ps->ubuntu_severity)
        o->severity = ps->ubuntu_severity;
    else if (o->cvss_vector)
        o->severity = "low"; /* a vector with no impact at all */
    else
        o->severity = "medium";
    osv_flags(o, cwes);
    osv_fixed(o);
    return 0;
}

int nr_osv_parse(struct nr_osv *o, const char *buf, size_t len, struct nr_err *err)
{
    struct osv_parse ps = {o, err, NULL, NULL, 0};
    json_error_t jerr;
    json_t *root;
    int rc;

    nr_osv_release(o);
    if (len > NR_OSV_MAX_BYTES)
        return nr_err_set(err, NR_ETOOBIG, "", "a record is larger than %d bytes",
                          NR_OSV_MAX_BYTES);
    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return nr_err_set(err, NR_EPARSE, "", "malformed JSON at line %d column %d: %s", jerr.line,
                          jerr.column, jerr.text);
    rc = osv_record(&ps, root);
    json_decref(root);
    if (rc)
        nr_osv_release(o);
    return rc;
}
