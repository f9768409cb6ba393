/*
 * registry.c - the registry (interface: review.h, section "registry"): organisations and their
 * competitors, users with their argon2id passwords and sealed signing keys, products and their
 * versions with CPE 2.3 and package URL identifiers (ident.h), the institutions the state has
 * designated (R5), the experts committee (R6), affiliations, and the conflict-of-interest check
 * that panels and evaluation tasks rely on (R6, R10).
 *
 * Who may write: the local administrator, the committee and the office keep the registry; a
 * provider may add products and versions of its own organisation (R2: a provider applies for the
 * review of its own product); experts are appointed by the committee only (R5).
 *
 * Holders: an affiliation is recorded against the person (holder_kind "expert", holder_id =
 * users.id) or the institution's organisation (holder_kind "institution", holder_id = orgs.id),
 * so that it can be recorded before an appointment or designation and outlives both. The
 * conflict check takes the same ids: the expert's user id and the institution's org id.
 *
 * Affiliations are in force from the day they are recorded; a former employment counts as a
 * conflict for three years after it is recorded (the cooling-off period of common
 * conflict-of-interest rules), the other relations until they are ended.
 */
#include "netreview/review.h"
#include "netreview/ident.h"
#include "netreview/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netreview/banned.h"

/* Limits of the registry's inputs (bytes). */
#define REG_NAME_MAX        200
#define REG_COUNTRY_MAX     64
#define REG_SECTOR_MAX      63 /* fits struct nr_actor's sector */
#define REG_LOGIN_MIN       2
#define REG_LOGIN_MAX       63 /* fits struct nr_actor's login */
#define REG_PASSWORD_MIN    8
#define REG_PASSWORD_MAX    1024
#define REG_DESCRIPTION_MAX 4000
#define REG_IDENT_MAX       1000 /* a CPE or a package URL */
#define REG_METHODS_MAX     1000
#define REG_REF_MAX         200
#define REG_FIELD_MAX       200
#define REG_KEY_MAX         (1 << 16)
#define REG_FORMER_YEARS    3 /* R10: how long a former employment still counts as a conflict */

static const char *const reg_org_kinds[] = {
    "committee", "office",   "institution", "protection_dept", "sector_dept",
    "operator",  "provider", "association", "state_dept",      "experts_committee",
};

static const char *const reg_relations[] = {
    "employee", "consultant", "shareholder", "board_member", "contractor", "former_employee",
};

/* ---- small checks ---- */

static bool reg_in(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, set[i]) == 0)
            return true;
    return false;
}

static bool reg_keeps_registry(const struct nr_actor *a)
{
    return a->local_admin || a->role == NR_ROLE_COMMITTEE || a->role == NR_ROLE_OFFICE;
}

static int reg_check_keeper(const struct nr_actor *a, const char *what, struct nr_err *err)
{
    if (reg_keeps_registry(a))
        return 0;
    return nr_err_set(err, NR_EFORBIDDEN, NULL, "role %s may not %s", nr_role_name(a->role), what);
}

/* Length of a well-formed UTF-8 sequence at p (at most n bytes), 0 when malformed. */
static size_t reg_utf8_len(const unsigned char *p, size_t n)
{
    size_t len, i;
    uint32_t cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
        cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF are not text. */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* A free-text field: valid UTF-8, no control characters (line breaks and tabs only when
 * multiline), at most max bytes, present when required. */
static int reg_text(struct nr_err *err, const char *field, const char *label, const char *s,
                    size_t max, bool required, bool multiline)
{
    size_t n, i, l;

    if (s == NULL || *s == '\0') {
        if (required)
            return nr_err_set(err, NR_EINVAL, field, "%s is required", label);
        return 0;
    }
    n = strlen(s);
    if (n > max)
        return nr_err_set(err, NR_ETOOBIG, field, "%s is longer than %zu bytes", label, max);
    for (i = 0; i < n; i += l) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            if (!(multiline && (c == '\n' || c == '\t' || c == '\r')))
                return nr_err_set(err, NR_EINVAL, field, "%s contains a control character", label);
        }
        l = reg_utf8_len((const unsigned char *)s + i, n - i);
        if (l == 0)
            return nr_err_set(err, NR_EINVAL, field, "%s is not valid UTF-8 text", label);
    }
    if (!multiline && (s[0] == ' ' || s[n - 1] == ' '))
        return nr_err_set(err, NR_EINVAL, field, "%s begins or ends with a space", label);
    return 0;
}

static bool reg_all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* A decimal id as a reference ("12"); false for anything else. */
static bool reg_parse_id(const char *s, int64_t *id)
{
    int64_t v = 0;

    if (!reg_all_digits(s) || strlen(s) > 18)
        return false;
    for (; *s; s++)
        v = v * 10 + (*s - '0');
    *id = v;
    return v > 0;
}

/* A lower-case identifier such as a sector: [a-z_]+ (extra adds allowed characters). */
static bool reg_word(const char *s, const char *extra, size_t min, size_t max)
{
    size_t n = strlen(s);

    if (n < min || n > max)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_' || (extra && *s && strchr(extra, *s))))
            return false;
    return true;
}

static void reg_today(char out[NR_DATE_STR])
{
    nr_date_fmt(nr_date_from_time(nr_time_now()), out);
}

/* An optional date "YYYY-MM-DD"; when absent, today if want_today, else "" (no date). */
static int reg_date(struct nr_err *err, const char *field, const char *label, const char *s,
                    bool want_today, char out[NR_DATE_STR])
{
    int32_t day;

    out[0] = '\0';
    if (s == NULL || *s == '\0') {
        if (want_today)
            reg_today(out);
        return 0;
    }
    if (nr_date_parse(s, &day) != 0)
        return nr_err_set(err, NR_EPARSE, field, "%s %.40s is not a date (YYYY-MM-DD)", label, s);
    nr_date_fmt(day, out);
    return 0;
}

/* from .. until, until optional and not before from. */
static int reg_period(struct nr_err *err, const char *label, const char *from, const char *until,
                      char from_out[NR_DATE_STR], char until_out[NR_DATE_STR])
{
    int rc = reg_date(err, "from", label, from, true, from_out);
    if (rc == 0)
        rc = reg_date(err, "until", label, until, false, until_out);
    if (rc == 0 && until_out[0] && strcmp(until_out, from_out) < 0)
        rc = nr_err_set(err, NR_EINVAL, "until", "%s until %s is before its start %s", label,
                        until_out, from_out);
    return rc;
}

/* The same calendar day REG_FORMER_YEARS later (29 February becomes 28 February). */
static void reg_years_later(const char *date, int years, char out[NR_DATE_STR])
{
    int y = (int)strtol(date, NULL, 10) + years;
    int m = (int)strtol(date + 5, NULL, 10);
    int d = (int)strtol(date + 8, NULL, 10);
    int32_t day;
    char tmp[32];

    if (m == 2 && d == 29)
        d = 28;
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y % 10000, m, d);
    if (nr_date_parse(tmp, &day) == 0)
        nr_date_fmt(day, out);
    else
        snprintf(out, NR_DATE_STR, "9999-12-31");
}

/* The text of an audit detail, malloc'd. Values are cut so that one entry stays small. */
static char *reg_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *reg_detail(const char *fmt, ...)
{
    struct nr_buf b;
    va_list ap;

    nr_buf_init(&b, 4096);
    va_start(ap, fmt);
    if (nr_buf_vprintf(&b, fmt, ap) != 0)
        nr_buf_puts(&b, "");
    va_end(ap);
    return nr_buf_steal(&b);
}

/* Ends a write: commit when everything held, otherwise undo all of it. */
static int reg_finish(struct nr_review *rv, int rc, struct nr_err *err)
{
    if (rc) {
        nr_store_rollback(rv->st);
        return rc;
    }
    return nr_store_commit(rv->st, err);
}

/* ---- rows as JSON ---- */

/* Steps s to its end, appending a row object per row to arr. Frees s. */
static int reg_rows(struct nr_stmt *s, const char *types, json_t *arr, struct nr_err *err)
{
    int rc = nr_stmt_rows_json(s, types, arr, err);

    nr_stmt_free(s);
    return rc;
}

/* ---- organisations ---- */

/* Finds an organisation by id or exact name; kind (may be NULL) gets its kind. The message
 * names the field the reference came from. */
static int reg_org_lookup(struct nr_review *rv, const char *ref, const char *field,
                          const char *label, int64_t *id, char kind[32], char **name,
                          struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int64_t n = 0;
    int rc;

    *id = 0;
    if (name)
        *name = NULL;
    if (ref == NULL || *ref == '\0')
        return nr_err_set(err, NR_EINVAL, field, "%s is required", label);
    if (reg_parse_id(ref, &n))
        rc = nr_store_prepare_bind(rv->st, err, &s, "SELECT id, kind, name FROM orgs WHERE id = ?",
                                   "i", n);
    else
        rc = nr_store_prepare_bind(rv->st, err, &s,
                                   "SELECT id, kind, name FROM orgs WHERE name = ?", "t", ref);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        *id = nr_stmt_int(s, 0);
        if (kind)
            snprintf(kind, 32, "%s", nr_stmt_text(s, 1) ? nr_stmt_text(s, 1) : "");
        if (name)
            *name = nr_strdup(nr_stmt_text(s, 2) ? nr_stmt_text(s, 2) : "");
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, field, "no organisation %.200s", ref);
    }
    nr_stmt_free(s);
    return rc;
}

/* Like reg_org_lookup, and the organisation must be of the given kind. */
static int reg_org_of_kind(struct nr_review *rv, const char *ref, const char *field,
                           const char *label, const char *want, int64_t *id, struct nr_err *err)
{
    char kind[32], *name = NULL;
    int rc = reg_org_lookup(rv, ref, field, label, id, kind, &name, err);

    if (rc == 0 && strcmp(kind, want) != 0)
        rc = nr_err_set(err, NR_EINVAL, field, "%s %s is of kind %s, not %s", label, name, kind,
                        want);
    nr_free(name);
    return rc;
}

static int reg_org_check(const struct nr_org_spec *o, struct nr_err *err)
{
    int rc = reg_text(err, "name", "organisation name", o->name, REG_NAME_MAX, true, false);

    if (rc)
        return rc;
    /* A name made of digits would read as an id wherever organisations are referred to. */
    if (reg_all_digits(o->name))
        return nr_err_set(err, NR_EINVAL, "name",
                          "organisation name %s is a number; names "
                          "must not look like ids",
                          o->name);
    if (o->kind == NULL || *o->kind == '\0')
        return nr_err_set(err, NR_EINVAL, "kind", "organisation kind is required");
    if (!reg_in(o->kind, reg_org_kinds, NR_ARRAY_LEN(reg_org_kinds)))
        return nr_err_set(err, NR_EINVAL, "kind",
                          "unknown organisation kind %.40s (committee, office, institution, "
                          "protection_dept, sector_dept, operator, provider, association, "
                          "state_dept, experts_committee)",
                          o->kind);
    if (o->sector && *o->sector && !reg_word(o->sector, NULL, 1, REG_SECTOR_MAX))
        return nr_err_set(err, NR_EINVAL, "sector",
                          "sector %.80s is not a lower-case word of a-z and _ (at most %d "
                          "bytes), e.g. finance, telecom, energy",
                          o->sector, REG_SECTOR_MAX);
    /* R1, R8: these departments act for one sector; without it they could act for none. */
    if ((o->sector == NULL || *o->sector == '\0') &&
        (strcmp(o->kind, "sector_dept") == 0 || strcmp(o->kind, "protection_dept") == 0))
        return nr_err_set(err, NR_EINVAL, "sector", "an organisation of kind %s needs a sector",
                          o->kind);
    rc = reg_text(err, "country", "country", o->country, REG_COUNTRY_MAX, false, false);
    if (rc)
        return rc;
    /* R1, R9: CII is a property of an operator's systems. */
    if (o->cii && strcmp(o->kind, "operator") != 0)
        return nr_err_set(err, NR_EINVAL, "cii",
                          "only operators run critical information infrastructure; %s is of "
                          "kind %s",
                          o->name, o->kind);
    return 0;
}

int nr_org_add(struct nr_review *rv, const struct nr_actor *a, const struct nr_org_spec *o,
               int64_t *id, struct nr_err *err)
{
    char now[NR_TIME_STR], object[48];
    char *detail = NULL;
    int64_t new_id = 0, other;
    int rc;

    if (id)
        *id = 0;
    rc = reg_check_keeper(a, "add organisations", err);
    if (rc == 0)
        rc = reg_org_check(o, err);
    if (rc)
        return rc;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    rc =
        nr_store_query_int(rv->st, err, &other, "SELECT id FROM orgs WHERE name = ?", "t", o->name);
    if (rc == 0)
        rc = nr_err_set(err, NR_EEXISTS, "name", "organisation %s already exists (org %lld)",
                        o->name, (long long)other);
    else if (rc == NR_ENOTFOUND)
        rc = 0;
    if (rc == 0) {
        nr_time_fmt(nr_time_now(), now);
        rc = nr_store_query_int(
            rv->st, err, &new_id,
            "INSERT INTO orgs (name, kind, sector, country, cii, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            "ttttit", o->name, o->kind, o->sector && *o->sector ? o->sector : NULL,
            o->country && *o->country ? o->country : NULL, (int64_t)(o->cii ? 1 : 0), now);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "org:%lld", (long long)new_id);
        detail = reg_detail("name=%s kind=%s sector=%s cii=%d", o->name, o->kind,
                            o->sector && *o->sector ? o->sector : "-", o->cii ? 1 : 0);
        rc = nr_audit_append(rv, a, "org.add", 0, object, detail, err);
    }
    rc = reg_finish(rv, rc, err);
    nr_free(detail);
    if (rc == 0 && id)
        *id = new_id;
    return rc;
}

int nr_org_find(struct nr_review *rv, const char *ref, int64_t *id, struct nr_err *err)
{
    return reg_org_lookup(rv, ref, "org", "organisation", id, NULL, NULL, err);
}

int nr_org_list(struct nr_review *rv, json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows = json_array(), *by_id = json_object(), *row;
    char key[24];
    size_t i;
    int rc;

    *out = NULL;
    rc = nr_store_prepare(rv->st,
                          "SELECT id, name, kind, sector, country, cii, created_at FROM orgs "
                          "ORDER BY id",
                          &s, err);
    if (rc == 0)
        rc = reg_rows(s, "ittttbt", rows, err);
    if (rc)
        goto out;
    /* Each organisation carries the names of its competitors, in both directions of the
     * table (R6: a competitor of the provider is a conflict either way round). */
    json_array_foreach(rows, i, row)
    {
        snprintf(key, sizeof(key), "%lld",
                 (long long)json_integer_value(json_object_get(row, "id")));
        json_object_set_new(row, "competitors", json_array());
        json_object_set(by_id, key, row);
    }
    rc = nr_store_prepare(rv->st,
                          "SELECT c.org_id, a.name, c.competitor_id, b.name FROM competitors c "
                          "JOIN orgs a ON a.id = c.org_id JOIN orgs b ON b.id = c.competitor_id "
                          "ORDER BY c.org_id, c.competitor_id",
                          &s, err);
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        for (int side = 0; side < 2; side++) {
            json_t *org;
            const char *other = nr_stmt_text(s, side ? 1 : 3);
            snprintf(key, sizeof(key), "%lld", (long long)nr_stmt_int(s, side ? 2 : 0));
            org = json_object_get(by_id, key);
            if (org && other)
                json_array_append_new(json_object_get(org, "competitors"), json_string(other));
        }
    }
    nr_stmt_free(s);
    if (rc < 0)
        goto out;
    rc = 0;
    *out = rows;
    rows = NULL;
out:
    json_decref(by_id);
    json_decref(rows);
    return rc;
}

int nr_org_competitor_add(struct nr_review *rv, const struct nr_actor *a, int64_t org,
                          int64_t competitor, struct nr_err *err)
{
    char ref[24], object[48], *detail = NULL;
    int64_t found;
    int rc;

    rc = reg_check_keeper(a, "record competitors", err);
    if (rc)
        return rc;
    if (org == competitor)
        return nr_err_set(err, NR_EINVAL, "competitor",
                          "an organisation cannot be its own competitor");
    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    /* Competitors are vendors: both sides are providers of products under review. */
    snprintf(ref, sizeof(ref), "%lld", (long long)org);
    rc = reg_org_of_kind(rv, ref, "org", "organisation", "provider", &found, err);
    if (rc == 0) {
        snprintf(ref, sizeof(ref), "%lld", (long long)competitor);
        rc = reg_org_of_kind(rv, ref, "competitor", "competitor", "provider", &found, err);
    }
    if (rc == 0) {
        rc = nr_store_query_int(rv->st, err, &found,
                                "SELECT 1 FROM competitors WHERE (org_id = ? AND competitor_id = "
                                "?) OR (org_id = ? AND competitor_id = ?)",
                                "iiii", org, competitor, competitor, org);
        if (rc == 0)
            rc = nr_err_set(err, NR_EEXISTS, "competitor",
                            "organisations %lld and %lld are already recorded as competitors",
                            (long long)org, (long long)competitor);
        else if (rc == NR_ENOTFOUND)
            rc = 0;
    }
    if (rc == 0)
        rc = nr_store_exec(rv->st, err,
                           "INSERT INTO competitors (org_id, competitor_id) VALUES (?, ?)", "ii",
                           org, competitor);
    if (rc == 0) {
        snprintf(object, sizeof(object), "org:%lld", (long long)org);
        detail = reg_detail("competitor=org:%lld", (long long)competitor);
        rc = nr_audit_append(rv, a, "org.competitor_add", 0, object, detail, err);
    }
    rc = reg_finish(rv, rc, err);
    nr_free(detail);
    return rc;
}

/* ---- users ---- */

/* The kind of organisation a role's users belong to: the role's own name, except experts, who
 * sit on the experts committee. */
static const char *reg_role_org_kind(int role)
{
    return role == NR_ROLE_EXPERT ? "experts_committee" : nr_role_name(role);
}

static int reg_user_check(const struct nr_actor *a, const struct nr_user_spec *u, int *role,
                          struct nr_err *err)
{
    int rc;

    if (u->login == NULL || *u->login == '\0')
        return nr_err_set(err, NR_EINVAL, "login", "login is required");
    if (!reg_word(u->login, "0123456789.-", REG_LOGIN_MIN, REG_LOGIN_MAX))
        return nr_err_set(err, NR_EINVAL, "login",
                          "login %.80s must be %d to %d characters of a-z, 0-9, '.', '_' and '-'",
                          u->login, REG_LOGIN_MIN, REG_LOGIN_MAX);
    /* Reserved: the audit log names these actors that are not users. */
    if (strcmp(u->login, "local-admin") == 0 || strcmp(u->login, "public") == 0)
        return nr_err_set(err, NR_EINVAL, "login", "login %s is reserved", u->login);
    rc = reg_text(err, "name", "user name", u->name, REG_NAME_MAX, true, false);
    if (rc)
        return rc;
    if (u->role == NULL || *u->role == '\0')
        return nr_err_set(err, NR_EINVAL, "role", "role is required");
    *role = nr_role_parse(u->role);
    if (*role < 0)
        return nr_err_set(err, NR_EINVAL, "role",
                          "unknown role %.40s (committee, office, expert, institution, "
                          "protection_dept, sector_dept, operator, provider, association, "
                          "state_dept)",
                          u->role);
    if (*role == NR_ROLE_PUBLIC)
        return nr_err_set(err, NR_EINVAL, "role",
                          "public is not a role of a user: anyone who is not signed in is the "
                          "public");
    /* The office keeps the registry but may not make users above itself. */
    if (*role == NR_ROLE_COMMITTEE && !a->local_admin && a->role != NR_ROLE_COMMITTEE)
        return nr_err_set(err, NR_EFORBIDDEN, "role", "role %s may not add committee members",
                          nr_role_name(a->role));
    if (u->password) {
        size_t n = strlen(u->password);
        if (n < REG_PASSWORD_MIN)
            return nr_err_set(err, NR_EINVAL, "password", "password is shorter than %d characters",
                              REG_PASSWORD_MIN);
        if (n > REG_PASSWORD_MAX)
            return nr_err_set(err, NR_ETOOBIG, "password", "password is longer than %d bytes",
                              REG_PASSWORD_MAX);
    }
    return 0;
}

/* R10: a fresh signing key pair in the installation's suite; the private half is sealed under
 * the master key so that a copy of the database alone cannot sign. */
static int reg_user_keys(struct nr_review *rv, char **public_pem, char **sealed_b64,
                         char key_id[NR_KEY_ID_STR], struct nr_err *err)
{
    struct nr_key *k = NULL;
    struct nr_buf sealed;
    char *pem = NULL;
    int rc;

    *public_pem = *sealed_b64 = NULL;
    nr_buf_init(&sealed, REG_KEY_MAX);
    rc = nr_key_generate(rv->suite, &k, err);
    if (rc == 0)
        rc = nr_key_private_pem(k, &pem);
    if (rc == 0)
        rc = nr_seal(rv->suite, rv->master_key, pem, strlen(pem), &sealed, err);
    if (rc == 0)
        rc = nr_key_public_pem(k, public_pem);
    if (rc == 0)
        rc = nr_key_id(k, key_id);
    if (rc == 0)
        rc = nr_base64_encode(sealed.p, sealed.len, sealed_b64);
    if (rc) {
        nr_err_set(err, rc, NULL, "cannot make the user's signing key");
        nr_free(*public_pem);
        nr_free(*sealed_b64);
        *public_pem = *sealed_b64 = NULL;
    }
    if (pem) {
        explicit_bzero(pem, strlen(pem));
        nr_free(pem);
    }
    nr_buf_release(&sealed);
    nr_key_free(k);
    return rc;
}

int nr_user_add(struct nr_review *rv, const struct nr_actor *a, const struct nr_user_spec *u,
                int64_t *id, struct nr_err *err)
{
    char kind[32], now[NR_TIME_STR], key_id[NR_KEY_ID_STR], object[48];
    char *org_name = NULL, *hash = NULL, *pub = NULL, *sealed = NULL, *detail = NULL;
    int64_t org_id = 0, new_id = 0, other;
    int role = -1, rc;

    if (id)
        *id = 0;
    rc = reg_check_keeper(a, "add users", err);
    if (rc == 0)
        rc = reg_user_check(a, u, &role, err);
    if (rc)
        return rc;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    rc = reg_org_lookup(rv, u->org, "org", "organisation", &org_id, kind, &org_name, err);
    /* R11: a user acts for an organisation of their role's kind, so that the need-to-know
     * rules (an institution's cases, a provider's own products) follow from the organisation. */
    if (rc == 0 && strcmp(kind, reg_role_org_kind(role)) != 0)
        rc = nr_err_set(err, NR_EINVAL, "role",
                        "a user with role %s belongs to an organisation of kind %s; %s is of "
                        "kind %s",
                        nr_role_name(role), reg_role_org_kind(role), org_name, kind);
    if (rc == 0) {
        rc = nr_store_query_int(rv->st, err, &other, "SELECT id FROM users WHERE login = ?", "t",
                                u->login);
        if (rc == 0)
            rc = nr_err_set(err, NR_EEXISTS, "login", "user %s already exists", u->login);
        else if (rc == NR_ENOTFOUND)
            rc = 0;
    }
    if (rc == 0 && u->password)
        rc = nr_password_hash(u->password, &hash, err);
    if (rc == 0)
        rc = reg_user_keys(rv, &pub, &sealed, key_id, err);
    if (rc == 0) {
        nr_time_fmt(nr_time_now(), now);
        rc = nr_store_query_int(rv->st, err, &new_id,
                                "INSERT INTO users (login, name, org_id, role, password_hash, "
                                "public_key, sealed_private_key, key_id, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                "ttitttttt", u->login, u->name, org_id, nr_role_name(role), hash,
                                pub, sealed, key_id, now);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "user:%lld", (long long)new_id);
        detail = reg_detail("login=%s role=%s org=org:%lld key_id=%s", u->login, nr_role_name(role),
                            (long long)org_id, key_id);
        rc = nr_audit_append(rv, a, "user.add", 0, object, detail, err);
    }
    rc = reg_finish(rv, rc, err);
    if (hash) {
        explicit_bzero(hash, strlen(hash));
        nr_free(hash);
    }
    nr_free(org_name);
    nr_free(pub);
    nr_free(sealed);
    nr_free(detail);
    if (rc == 0 && id)
        *id = new_id;
    return rc;
}

int nr_user_list(struct nr_review *rv, json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows = json_array();
    int rc;

    *out = NULL;
    /* Never the password hash or the sealed key: the list is what the CLI and API print. */
    rc = nr_store_prepare(rv->st,
                          "SELECT u.id, u.login, u.name, u.org_id, o.name AS org, o.kind AS "
                          "org_kind, u.role, u.key_id, u.public_key, CASE WHEN u.password_hash "
                          "IS NULL THEN 0 ELSE 1 END AS has_password, u.disabled, u.created_at "
                          "FROM users u JOIN orgs o ON o.id = u.org_id ORDER BY u.id",
                          &s, err);
    if (rc == 0)
        rc = reg_rows(s, "ittitttttbbt", rows, err);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}

int nr_user_sign(struct nr_review *rv, const struct nr_actor *a, const void *data, size_t len,
                 char **sig_b64, char key_id[33], struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_buf sealed, pem;
    struct nr_key *k = NULL;
    char stored_id[NR_KEY_ID_STR] = "", actual_id[NR_KEY_ID_STR];
    int rc;

    *sig_b64 = NULL;
    key_id[0] = '\0';
    nr_buf_init(&sealed, REG_KEY_MAX);
    nr_buf_init(&pem, REG_KEY_MAX);
    /* R10: only a person signs; the local administrator and the public have no key. */
    if (a->user_id == 0)
        return nr_err_set(err, NR_EFORBIDDEN, NULL,
                          "%s has no signing key; act as a registered user (--as LOGIN)",
                          a->local_admin ? "the local administrator" : "the public");
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT sealed_private_key, key_id FROM users WHERE id = ? AND "
                               "disabled = 0",
                               "i", a->user_id);
    if (rc)
        goto out;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "as", "no user %s", a->login);
        goto out;
    }
    if (rc < 0)
        goto out;
    if (nr_stmt_text(s, 0) == NULL || nr_stmt_text(s, 1) == NULL) {
        rc = nr_err_set(err, NR_ECRYPTO, NULL, "user %s has no signing key", a->login);
        goto out;
    }
    snprintf(stored_id, sizeof(stored_id), "%s", nr_stmt_text(s, 1));
    rc = nr_base64_decode(nr_stmt_text(s, 0), strlen(nr_stmt_text(s, 0)), &sealed);
    if (rc == 0)
        rc = nr_open(rv->suite, rv->master_key, sealed.p, sealed.len, &pem, err);
    if (rc) {
        rc = nr_err_set(err, NR_ETAMPERED, NULL, "the sealed signing key of user %s is damaged",
                        a->login);
        goto out;
    }
    rc = nr_key_from_pem(pem.p, pem.len, &k, err);
    if (rc == 0)
        rc = nr_key_id(k, actual_id);
    /* The stored key id is what verifiers look the public key up by; they must agree. */
    if (rc == 0 && strcmp(actual_id, stored_id) != 0)
        rc = nr_err_set(err, NR_ETAMPERED, NULL,
                        "the signing key of user %s does not match its recorded key id", a->login);
    if (rc == 0)
        rc = nr_sign(k, data, len, sig_b64, err);
    if (rc == 0)
        snprintf(key_id, NR_KEY_ID_STR, "%s", actual_id);
out:
    nr_stmt_free(s);
    if (pem.p)
        explicit_bzero(pem.p, pem.len);
    nr_buf_release(&pem);
    nr_buf_release(&sealed);
    nr_key_free(k);
    return rc;
}

/* ---- identifiers (R9: the gate finds products by CPE 2.3 and package URL) ---- */

/* Appends s to b as a LIKE pattern matching itself literally (escape character "\"). */
static void reg_like_literal(struct nr_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            nr_buf_puts(b, "\\");
        nr_buf_append(b, s, 1);
    }
}

/* A product's identity in CPE terms: part, vendor and product, whatever the version. Both
 * sides are canonical (lower case, canonical quoting), so the text compares exactly; a part
 * that is ANY in the reference matches any part. */
static bool reg_cpe_same_product(const struct nr_cpe *ref, const struct nr_cpe *c)
{
    return (strcmp(ref->attr[NR_CPE_PART], "*") == 0 ||
            strcmp(ref->attr[NR_CPE_PART], c->attr[NR_CPE_PART]) == 0) &&
           strcmp(ref->attr[NR_CPE_VENDOR], c->attr[NR_CPE_VENDOR]) == 0 &&
           strcmp(ref->attr[NR_CPE_PRODUCT], c->attr[NR_CPE_PRODUCT]) == 0;
}

static bool reg_cpe_names_one(const char *value)
{
    return strcmp(value, "*") != 0 && strcmp(value, "-") != 0 && !nr_cpe_has_wildcard(value);
}

/* Checks and canonicalises an optional CPE 2.3 formatted string; *out is malloc'd or NULL. */
static int reg_cpe_normalize(const char *in, char **out, struct nr_err *err)
{
    struct nr_cpe c;
    struct nr_buf b;
    int rc;

    *out = NULL;
    if (in == NULL || *in == '\0')
        return 0;
    if (strlen(in) > REG_IDENT_MAX)
        return nr_err_set(err, NR_ETOOBIG, "cpe", "cpe is longer than %d bytes", REG_IDENT_MAX);
    nr_cpe_init(&c);
    nr_buf_init(&b, NR_CPE_MAX + 1);
    rc = nr_cpe_parse(&c, in, err);
    /* A product is known by its vendor and product; a pattern would name many. */
    if (rc == 0 &&
        (!reg_cpe_names_one(c.attr[NR_CPE_VENDOR]) || !reg_cpe_names_one(c.attr[NR_CPE_PRODUCT]) ||
         !reg_cpe_names_one(c.attr[NR_CPE_PART])))
        rc = nr_err_set(err, NR_EINVAL, "cpe",
                        "cpe %.300s must name one part, vendor and product (no *, - or "
                        "wildcards there)",
                        in);
    if (rc == 0)
        rc = nr_cpe_format(&c, &b);
    if (rc == 0)
        *out = nr_buf_steal(&b);
    nr_buf_release(&b);
    nr_cpe_release(&c);
    return rc;
}

/* Checks and canonicalises an optional package URL; *out is malloc'd or NULL. */
static int reg_purl_normalize(const char *in, char **out, struct nr_err *err)
{
    struct nr_purl p;
    struct nr_buf b;
    int rc;

    *out = NULL;
    if (in == NULL || *in == '\0')
        return 0;
    if (strlen(in) > REG_IDENT_MAX)
        return nr_err_set(err, NR_ETOOBIG, "purl", "package URL is longer than %d bytes",
                          REG_IDENT_MAX);
    nr_purl_init(&p);
    nr_buf_init(&b, NR_PURL_MAX * 3 + 1);
    rc = nr_purl_parse(&p, in, err);
    if (rc == 0)
        rc = nr_purl_format(&p, &b);
    if (rc == 0)
        *out = nr_buf_steal(&b);
    nr_buf_release(&b);
    nr_purl_release(&p);
    return rc;
}

/* The version's CPE names the product (when the product has a CPE) at exactly this version. */
static int reg_cpe_fits(const char *cpe, const char *product_cpe, const char *version,
                        struct nr_err *err)
{
    struct nr_cpe c, pc;
    struct nr_buf v;
    int rc;

    nr_cpe_init(&c);
    nr_cpe_init(&pc);
    nr_buf_init(&v, NR_CPE_MAX + 1);
    rc = nr_cpe_parse(&c, cpe, err);
    if (rc == 0 && product_cpe && nr_cpe_parse(&pc, product_cpe, NULL) == 0 &&
        !reg_cpe_same_product(&pc, &c))
        rc = nr_err_set(err, NR_EINVAL, "cpe", "cpe %s names another product than %s", cpe,
                        product_cpe);
    if (rc == 0) {
        int vr = nr_cpe_version(&c, &v);
        /* CPE values are lower case; versions compare without case here. */
        if (vr != 0 || v.p == NULL || strcasecmp(v.p, version) != 0)
            rc = nr_err_set(err, NR_EINVAL, "cpe", "cpe %s does not name version %s", cpe, version);
    }
    nr_buf_release(&v);
    nr_cpe_release(&c);
    nr_cpe_release(&pc);
    return rc;
}

/* The version's package URL has the product's base (when it has one) and this version. */
static int reg_purl_fits(const char *purl, const char *product_purl, const char *version,
                         struct nr_err *err)
{
    struct nr_purl p, pp;
    struct nr_buf a, b;
    int rc;

    nr_purl_init(&p);
    nr_purl_init(&pp);
    nr_buf_init(&a, NR_PURL_MAX * 3 + 1);
    nr_buf_init(&b, NR_PURL_MAX * 3 + 1);
    rc = nr_purl_parse(&p, purl, err);
    if (rc == 0 && product_purl && nr_purl_parse(&pp, product_purl, NULL) == 0 &&
        nr_purl_base(&p, &a) == 0 && nr_purl_base(&pp, &b) == 0 && strcmp(a.p, b.p) != 0)
        rc = nr_err_set(err, NR_EINVAL, "purl", "package URL %s names another package than %s",
                        purl, product_purl);
    if (rc == 0 && (p.version == NULL || strcmp(p.version, version) != 0))
        rc = nr_err_set(err, NR_EINVAL, "purl", "package URL %s does not name version %s", purl,
                        version);
    nr_buf_release(&a);
    nr_buf_release(&b);
    nr_purl_release(&p);
    nr_purl_release(&pp);
    return rc;
}

/* Merges a matching product id into *id; two different ones make the reference ambiguous. */
static int reg_ident_hit(int64_t *id, int64_t hit, const char *field, const char *ref,
                         struct nr_err *err)
{
    if (*id == 0 || *id == hit) {
        *id = hit;
        return 0;
    }
    return nr_err_set(err, NR_EINVAL, field, "%.300s identifies products %lld and %lld", ref,
                      (long long)*id, (long long)hit);
}

/* The product whose CPE (products.cpe with its version ignored, or a product_versions.cpe) has
 * the part, vendor and product of ref. NR_ENOTFOUND (err untouched) when none does. */
static int reg_cpe_lookup(struct nr_review *rv, const char *ref, int64_t *id, struct nr_err *err)
{
    static const char *const sql[2] = {
        "SELECT id, cpe FROM products WHERE cpe LIKE ? ESCAPE '\\'",
        "SELECT product_id, cpe FROM product_versions WHERE cpe LIKE ? ESCAPE '\\'",
    };
    struct nr_cpe want, have;
    struct nr_buf pattern;
    struct nr_stmt *s = NULL;
    int rc;

    *id = 0;
    nr_cpe_init(&want);
    nr_cpe_init(&have);
    nr_buf_init(&pattern, 3 * NR_CPE_MAX);
    rc = nr_cpe_parse(&want, ref, err);
    if (rc)
        goto out;
    /* Canonical CPEs begin "cpe:2.3:part:vendor:product:", which narrows the scan. */
    nr_buf_puts(&pattern, "cpe:2.3:");
    if (strcmp(want.attr[NR_CPE_PART], "*") == 0)
        nr_buf_puts(&pattern, "_");
    else
        reg_like_literal(&pattern, want.attr[NR_CPE_PART]);
    nr_buf_puts(&pattern, ":");
    reg_like_literal(&pattern, want.attr[NR_CPE_VENDOR]);
    nr_buf_puts(&pattern, ":");
    reg_like_literal(&pattern, want.attr[NR_CPE_PRODUCT]);
    rc = nr_buf_puts(&pattern, ":%");
    for (int t = 0; rc == 0 && t < 2; t++) {
        rc = nr_store_prepare_bind(rv->st, err, &s, sql[t], "t", pattern.p);
        if (rc)
            break;
        while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
            const char *text = nr_stmt_text(s, 1);
            if (text && nr_cpe_parse(&have, text, NULL) == 0 &&
                reg_cpe_same_product(&want, &have)) {
                rc = reg_ident_hit(id, nr_stmt_int(s, 0), "cpe", ref, err);
                if (rc)
                    break;
            }
        }
        nr_stmt_free(s);
        s = NULL;
        if (rc > 0 || rc == NR_STORE_DONE)
            rc = 0;
    }
    if (rc == 0 && *id == 0)
        rc = NR_ENOTFOUND;
out:
    if (rc)
        *id = 0;
    nr_buf_release(&pattern);
    nr_cpe_release(&want);
    nr_cpe_release(&have);
    return rc;
}

/* The product whose package URL (products.purl or product_versions.purl) has the base of ref.
 * NR_ENOTFOUND (err untouched) when none does. */
static int reg_purl_lookup(struct nr_review *rv, const char *ref, int64_t *id, struct nr_err *err)
{
    static const char *const sql[2] = {
        "SELECT id, purl FROM products WHERE purl LIKE ? ESCAPE '\\'",
        "SELECT product_id, purl FROM product_versions WHERE purl LIKE ? ESCAPE '\\'",
    };
    struct nr_purl want, have;
    struct nr_buf base, other, pattern;
    struct nr_stmt *s = NULL;
    int rc;

    *id = 0;
    nr_purl_init(&want);
    nr_purl_init(&have);
    nr_buf_init(&base, NR_PURL_MAX * 3 + 1);
    nr_buf_init(&other, NR_PURL_MAX * 3 + 1);
    nr_buf_init(&pattern, NR_PURL_MAX * 6 + 1);
    rc = nr_purl_parse(&want, ref, err);
    if (rc == 0)
        rc = nr_purl_base(&want, &base);
    if (rc)
        goto out;
    /* A canonical purl begins with its base. */
    reg_like_literal(&pattern, base.p);
    rc = nr_buf_puts(&pattern, "%");
    for (int t = 0; rc == 0 && t < 2; t++) {
        rc = nr_store_prepare_bind(rv->st, err, &s, sql[t], "t", pattern.p);
        if (rc)
            break;
        while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
            const char *text = nr_stmt_text(s, 1);
            nr_buf_reset(&other);
            if (text && nr_purl_parse(&have, text, NULL) == 0 && nr_purl_base(&have, &other) == 0 &&
                strcmp(other.p, base.p) == 0) {
                rc = reg_ident_hit(id, nr_stmt_int(s, 0), "purl", ref, err);
                if (rc)
                    break;
            }
        }
        nr_stmt_free(s);
        s = NULL;
        if (rc > 0 || rc == NR_STORE_DONE)
            rc = 0;
    }
    if (rc == 0 && *id == 0)
        rc = NR_ENOTFOUND;
out:
    if (rc)
        *id = 0;
    nr_buf_release(&base);
    nr_buf_release(&other);
    nr_buf_release(&pattern);
    nr_purl_release(&want);
    nr_purl_release(&have);
    return rc;
}

/* ---- products ---- */

static int reg_product_writer(struct nr_review *rv, const struct nr_actor *a, int64_t provider,
                              const char *what, struct nr_err *err)
{
    (void)rv;
    if (reg_keeps_registry(a))
        return 0;
    /* R2: a provider registers its own products to apply for their review. */
    if (a->role == NR_ROLE_PROVIDER && a->org_id != 0 && a->org_id == provider)
        return 0;
    if (a->role == NR_ROLE_PROVIDER)
        return nr_err_set(err, NR_EFORBIDDEN, "provider",
                          "a provider may %s of its own organisation only", what);
    return nr_err_set(err, NR_EFORBIDDEN, NULL, "role %s may not %s", nr_role_name(a->role), what);
}

static int reg_product_check(const struct nr_product_spec *p, struct nr_err *err)
{
    int rc = reg_text(err, "name", "product name", p->name, REG_NAME_MAX, true, false);

    if (rc)
        return rc;
    /* nr_product_find reads digits as an id and these prefixes as identifiers. */
    if (reg_all_digits(p->name) || strncasecmp(p->name, "cpe:", 4) == 0 ||
        strncasecmp(p->name, "pkg:", 4) == 0)
        return nr_err_set(err, NR_EINVAL, "name",
                          "product name %s looks like an id, a CPE or a package URL", p->name);
    if (p->kind && *p->kind && strcmp(p->kind, "product") != 0 && strcmp(p->kind, "service") != 0)
        return nr_err_set(err, NR_EINVAL, "kind",
                          "product kind %.40s is neither product nor "
                          "service",
                          p->kind);
    rc = reg_text(err, "description", "description", p->description, REG_DESCRIPTION_MAX, false,
                  true);
    return rc;
}

/* Another product already known by the same CPE (version ignored) or package URL base would
 * make the gate's answer ambiguous. */
static int reg_ident_unique(struct nr_review *rv, const char *cpe, const char *purl,
                            int64_t except_product, struct nr_err *err)
{
    int64_t other = 0;
    int rc = 0;

    if (cpe) {
        rc = reg_cpe_lookup(rv, cpe, &other, err);
        if (rc == 0 && other != except_product)
            return nr_err_set(err, NR_EEXISTS, "cpe", "cpe %s already identifies product %lld", cpe,
                              (long long)other);
        if (rc == NR_ENOTFOUND || rc == 0)
            rc = 0;
        else
            return rc;
    }
    if (purl) {
        rc = reg_purl_lookup(rv, purl, &other, err);
        if (rc == 0 && other != except_product)
            return nr_err_set(err, NR_EEXISTS, "purl",
                              "package URL %s already identifies product %lld", purl,
                              (long long)other);
        if (rc == NR_ENOTFOUND || rc == 0)
            rc = 0;
    }
    return rc;
}

int nr_product_add(struct nr_review *rv, const struct nr_actor *a, const struct nr_product_spec *p,
                   int64_t *id, struct nr_err *err)
{
    char now[NR_TIME_STR], object[48];
    char *cpe = NULL, *purl = NULL, *detail = NULL;
    int64_t provider = 0, new_id = 0, other;
    const char *kind = p->kind && *p->kind ? p->kind : "product";
    int rc;

    if (id)
        *id = 0;
    if (!reg_keeps_registry(a) && a->role != NR_ROLE_PROVIDER)
        return nr_err_set(err, NR_EFORBIDDEN, NULL, "role %s may not add products",
                          nr_role_name(a->role));
    rc = reg_product_check(p, err);
    if (rc == 0)
        rc = reg_cpe_normalize(p->cpe, &cpe, err);
    if (rc == 0)
        rc = reg_purl_normalize(p->purl, &purl, err);
    if (rc)
        goto out_free;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_free;
    rc = reg_org_of_kind(rv, p->provider, "provider", "provider", "provider", &provider, err);
    if (rc == 0)
        rc = reg_product_writer(rv, a, provider, "add products", err);
    if (rc == 0) {
        rc = nr_store_query_int(rv->st, err, &other,
                                "SELECT id FROM products WHERE provider_id = ? AND name = ?", "it",
                                provider, p->name);
        if (rc == 0)
            rc = nr_err_set(err, NR_EEXISTS, "name",
                            "the provider already has a product named %s (product %lld)", p->name,
                            (long long)other);
        else if (rc == NR_ENOTFOUND)
            rc = 0;
    }
    if (rc == 0)
        rc = reg_ident_unique(rv, cpe, purl, 0, err);
    if (rc == 0) {
        nr_time_fmt(nr_time_now(), now);
        rc = nr_store_query_int(rv->st, err, &new_id,
                                "INSERT INTO products (name, kind, provider_id, description, "
                                "cpe, purl, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                "ttitttt", p->name, kind, provider,
                                p->description && *p->description ? p->description : NULL, cpe,
                                purl, now);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "product:%lld", (long long)new_id);
        detail = reg_detail("name=%s kind=%s provider=org:%lld cpe=%s purl=%s", p->name, kind,
                            (long long)provider, cpe ? cpe : "-", purl ? purl : "-");
        rc = nr_audit_append(rv, a, "product.add", 0, object, detail, err);
    }
    rc = reg_finish(rv, rc, err);
out_free:
    nr_free(cpe);
    nr_free(purl);
    nr_free(detail);
    if (rc == 0 && id)
        *id = new_id;
    return rc;
}

int nr_product_version_add(struct nr_review *rv, const struct nr_actor *a, int64_t product,
                           const char *version, const char *cpe_in, const char *purl_in,
                           struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    char now[NR_TIME_STR], object[48];
    char *cpe = NULL, *purl = NULL, *detail = NULL, *pcpe = NULL, *ppurl = NULL;
    int64_t provider = 0, other;
    int rc;

    if (!reg_keeps_registry(a) && a->role != NR_ROLE_PROVIDER)
        return nr_err_set(err, NR_EFORBIDDEN, NULL, "role %s may not add product versions",
                          nr_role_name(a->role));
    if (version == NULL || *version == '\0')
        return nr_err_set(err, NR_EINVAL, "version", "version is required");
    rc = nr_version_check(version, err);
    if (rc == 0)
        rc = reg_cpe_normalize(cpe_in, &cpe, err);
    if (rc == 0)
        rc = reg_purl_normalize(purl_in, &purl, err);
    if (rc)
        goto out_free;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_free;
    rc = nr_store_prepare_bind(
        rv->st, err, &s, "SELECT provider_id, cpe, purl FROM products WHERE id = ?", "i", product);
    if (rc == 0) {
        rc = nr_stmt_step(s, err);
        if (rc == NR_STORE_ROW) {
            provider = nr_stmt_int(s, 0);
            pcpe = nr_stmt_text(s, 1) ? nr_strdup(nr_stmt_text(s, 1)) : NULL;
            ppurl = nr_stmt_text(s, 2) ? nr_strdup(nr_stmt_text(s, 2)) : NULL;
            rc = 0;
        } else if (rc == NR_STORE_DONE) {
            rc = nr_err_set(err, NR_ENOTFOUND, "product", "no product %lld", (long long)product);
        }
        nr_stmt_free(s);
    }
    if (rc == 0)
        rc = reg_product_writer(rv, a, provider, "add product versions", err);
    /* The version's identifiers name this product at this version, nothing else. */
    if (rc == 0 && cpe)
        rc = reg_cpe_fits(cpe, pcpe, version, err);
    if (rc == 0 && purl)
        rc = reg_purl_fits(purl, ppurl, version, err);
    if (rc == 0) {
        rc = nr_store_query_int(rv->st, err, &other,
                                "SELECT id FROM product_versions WHERE product_id = ? AND "
                                "version = ?",
                                "it", product, version);
        if (rc == 0)
            rc = nr_err_set(err, NR_EEXISTS, "version", "product %lld already has version %s",
                            (long long)product, version);
        else if (rc == NR_ENOTFOUND)
            rc = 0;
    }
    if (rc == 0)
        rc = reg_ident_unique(rv, cpe, purl, product, err);
    if (rc == 0) {
        nr_time_fmt(nr_time_now(), now);
        rc = nr_store_exec(rv->st, err,
                           "INSERT INTO product_versions (product_id, version, cpe, purl, "
                           "created_at) VALUES (?, ?, ?, ?, ?)",
                           "itttt", product, version, cpe, purl, now);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "product:%lld", (long long)product);
        detail =
            reg_detail("version=%s cpe=%s purl=%s", version, cpe ? cpe : "-", purl ? purl : "-");
        rc = nr_audit_append(rv, a, "product.version_add", 0, object, detail, err);
    }
    /* R14: a new version that no decision in force covers flags the product for re-review. */
    if (rc == 0) {
        char *why = nr_asprintf("re-review suggested: new version %s is not covered", version);
        rc = nr__case_watch(rv, a, product, version, true, why, NULL, err);
        nr_free(why);
    }
    rc = reg_finish(rv, rc, err);
out_free:
    nr_free(cpe);
    nr_free(purl);
    nr_free(pcpe);
    nr_free(ppurl);
    nr_free(detail);
    return rc;
}

int nr_product_find(struct nr_review *rv, const char *ref, int64_t *id, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int64_t n = 0, count = 0;
    int rc;

    *id = 0;
    if (ref == NULL || *ref == '\0')
        return nr_err_set(err, NR_EINVAL, "product", "product is required");
    if (strncasecmp(ref, "cpe:", 4) == 0) {
        rc = reg_cpe_lookup(rv, ref, id, err);
        if (rc == NR_ENOTFOUND)
            rc = nr_err_set(err, NR_ENOTFOUND, "product", "no product has the cpe %.300s", ref);
        return rc;
    }
    if (strncasecmp(ref, "pkg:", 4) == 0) {
        rc = reg_purl_lookup(rv, ref, id, err);
        if (rc == NR_ENOTFOUND)
            rc = nr_err_set(err, NR_ENOTFOUND, "product", "no product has the package URL %.300s",
                            ref);
        return rc;
    }
    if (reg_parse_id(ref, &n))
        rc = nr_store_prepare_bind(rv->st, err, &s, "SELECT id FROM products WHERE id = ?", "i", n);
    else
        rc = nr_store_prepare_bind(rv->st, err, &s,
                                   "SELECT id FROM products WHERE name = ? ORDER BY id", "t", ref);
    if (rc)
        return rc;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        if (count++ == 0)
            *id = nr_stmt_int(s, 0);
    }
    nr_stmt_free(s);
    if (rc < 0)
        return rc;
    if (count == 0)
        return nr_err_set(err, NR_ENOTFOUND, "product", "no product %.200s", ref);
    /* Two providers may name products alike; guessing would answer the gate for the wrong one. */
    if (count > 1) {
        *id = 0;
        return nr_err_set(err, NR_EINVAL, "product",
                          "%lld products are named %.200s; give the product id, its CPE or its "
                          "package URL",
                          (long long)count, ref);
    }
    return 0;
}

#define REG_PRODUCT_COLUMNS                                                                        \
    "SELECT p.id, p.name, p.kind, p.provider_id, o.name AS provider, p.description, p.cpe, "       \
    "p.purl, p.created_at, (SELECT COUNT(*) FROM product_versions v WHERE v.product_id = p.id) "   \
    "AS version_count FROM products p JOIN orgs o ON o.id = p.provider_id "

int nr_product_list(struct nr_review *rv, json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows = json_array();
    int rc;

    *out = NULL;
    rc = nr_store_prepare(rv->st, REG_PRODUCT_COLUMNS "ORDER BY p.id", &s, err);
    if (rc == 0)
        rc = reg_rows(s, "ittittttti", rows, err);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}

int nr_product_show(struct nr_review *rv, int64_t id, json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows = json_array(), *versions = json_array(), *product = NULL;
    int rc;

    *out = NULL;
    rc = nr_store_prepare_bind(rv->st, err, &s, REG_PRODUCT_COLUMNS "WHERE p.id = ?", "i", id);
    if (rc == 0)
        rc = reg_rows(s, "ittittttti", rows, err);
    if (rc == 0 && json_array_size(rows) == 0)
        rc = nr_err_set(err, NR_ENOTFOUND, "product", "no product %lld", (long long)id);
    if (rc == 0)
        rc = nr_store_prepare_bind(rv->st, err, &s,
                                   "SELECT id, version, cpe, purl, released_on, created_at FROM "
                                   "product_versions WHERE product_id = ? ORDER BY id",
                                   "i", id);
    if (rc == 0)
        rc = reg_rows(s, "ittttt", versions, err);
    if (rc == 0) {
        product = json_incref(json_array_get(rows, 0));
        /* The versions in the version order of version.h, oldest first, not by entry. */
        size_t n = json_array_size(versions);
        for (size_t i = 1; i < n; i++) {
            for (size_t j = i; j > 0; j--) {
                json_t *x = json_array_get(versions, j - 1), *y = json_array_get(versions, j);
                if (nr_version_cmp(json_string_value(json_object_get(x, "version")),
                                   json_string_value(json_object_get(y, "version"))) <= 0)
                    break;
                json_incref(x);
                json_array_set(versions, j - 1, y);
                json_array_set_new(versions, j, x);
            }
        }
        json_object_set_new(product, "versions", versions);
        versions = NULL;
        *out = product;
    }
    json_decref(rows);
    json_decref(versions);
    return rc;
}

/* ---- institutions (R5) ---- */

/* Normalises a comma list of methods of the procedure into "a,b,c". */
static int reg_methods(struct nr_review *rv, const char *in, char **out, struct nr_err *err)
{
    struct nr_buf b;
    const char *p = in, *end;
    char one[128];
    int rc = 0, count = 0;

    *out = NULL;
    if (in == NULL || *in == '\0')
        return nr_err_set(err, NR_EINVAL, "methods",
                          "methods are required: a comma list of the procedure's methods");
    if (strlen(in) > REG_METHODS_MAX)
        return nr_err_set(err, NR_ETOOBIG, "methods", "methods are longer than %d bytes",
                          REG_METHODS_MAX);
    nr_buf_init(&b, REG_METHODS_MAX + 1);
    while (rc == 0 && *p) {
        size_t n;
        end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        while (p < end && *p == ' ')
            p++;
        n = (size_t)(end - p);
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == 0 || n >= sizeof(one)) {
            rc = nr_err_set(err, NR_EINVAL, "methods",
                            "methods %.200s has an empty or overlong "
                            "entry",
                            in);
            break;
        }
        memcpy(one, p, n);
        one[n] = '\0';
        if (!nr_procedure_has_method(&rv->proc, one)) {
            struct nr_buf known;
            nr_buf_init(&known, 2048);
            for (size_t i = 0; i < rv->proc.nmethods; i++)
                nr_buf_printf(&known, "%s%s", i ? ", " : "", rv->proc.methods[i]);
            rc = nr_err_set(err, NR_EINVAL, "methods",
                            "method %s is not a method of procedure %s (%s)", one, rv->proc.id,
                            known.p ? known.p : "none");
            nr_buf_release(&known);
            break;
        }
        /* A method named twice would read as two scopes. */
        for (const char *q = b.p; q && *q;) {
            const char *qe = strchr(q, ',');
            size_t qn = qe ? (size_t)(qe - q) : strlen(q);
            if (qn == n && memcmp(q, one, n) == 0) {
                rc = nr_err_set(err, NR_EINVAL, "methods", "method %s is named twice", one);
                break;
            }
            q = qe ? qe + 1 : q + qn;
        }
        if (rc)
            break;
        nr_buf_printf(&b, "%s%s", count++ ? "," : "", one);
        p = *end ? end + 1 : end;
        if (*end && *p == '\0')
            rc = nr_err_set(err, NR_EINVAL, "methods", "methods %.200s ends with a comma", in);
    }
    if (rc) {
        nr_buf_release(&b);
        return rc;
    }
    *out = nr_buf_steal(&b);
    return 0;
}

/* The affiliations of one holder as JSON rows, with whether each is in force today. */
static int reg_affiliations_json(struct nr_review *rv, const char *holder_kind, int64_t holder,
                                 const char *today, json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows = json_array();
    int rc;

    *out = NULL;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT a.id, a.org_id, o.name AS org, a.relation, a.since, "
                               "a.until, CASE WHEN (a.since IS NULL OR a.since <= ?) AND "
                               "(a.until IS NULL OR a.until >= ?) THEN 1 ELSE 0 END AS in_force "
                               "FROM affiliations a JOIN orgs o ON o.id = a.org_id "
                               "WHERE a.holder_kind = ? AND a.holder_id = ? ORDER BY a.id",
                               "ttti", today, today, holder_kind, holder);
    if (rc == 0)
        rc = reg_rows(s, "iittttb", rows, err);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}

/* Adds "affiliations" to every row of a list, by the holder id in column id_key. */
static int reg_attach_affiliations(struct nr_review *rv, json_t *rows, const char *holder_kind,
                                   const char *id_key, const char *today, struct nr_err *err)
{
    size_t i;
    json_t *row, *aff;
    int rc = 0;

    json_array_foreach(rows, i, row)
    {
        rc = reg_affiliations_json(
            rv, holder_kind, json_integer_value(json_object_get(row, id_key)), today, &aff, err);
        if (rc)
            break;
        json_object_set_new(row, "affiliations", aff);
    }
    return rc;
}

int nr_institution_designate(struct nr_review *rv, const struct nr_actor *a,
                             const struct nr_institution_spec *sp, int64_t *id, struct nr_err *err)
{
    char from[NR_DATE_STR], until[NR_DATE_STR], now[NR_TIME_STR], object[48];
    char *methods = NULL, *detail = NULL;
    int64_t org = 0, new_id = 0, other;
    int rc;

    if (id)
        *id = 0;
    rc = reg_check_keeper(a, "designate institutions", err);
    if (rc == 0)
        rc = reg_methods(rv, sp->methods, &methods, err);
    if (rc == 0)
        rc = reg_period(err, "designated", sp->from, sp->until, from, until);
    if (rc == 0)
        rc = reg_text(err, "ref", "designation reference", sp->ref, REG_REF_MAX, false, false);
    if (rc)
        goto out_free;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_free;
    /* R5: only an institution the state designated may be assigned evaluation work; the
     * designation is of an organisation of kind institution. */
    rc = reg_org_of_kind(rv, sp->org, "org", "organisation", "institution", &org, err);
    if (rc == 0) {
        rc = nr_store_query_int(rv->st, err, &other, "SELECT id FROM institutions WHERE org_id = ?",
                                "i", org);
        if (rc == 0)
            rc = nr_err_set(err, NR_EEXISTS, "org",
                            "organisation %s is already designated (institution %lld)", sp->org,
                            (long long)other);
        else if (rc == NR_ENOTFOUND)
            rc = 0;
    }
    if (rc == 0) {
        nr_time_fmt(nr_time_now(), now);
        rc = nr_store_query_int(rv->st, err, &new_id,
                                "INSERT INTO institutions (org_id, methods, designated_from, "
                                "designated_until, designation_ref, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                "ittttt", org, methods, from, until[0] ? until : NULL,
                                sp->ref && *sp->ref ? sp->ref : NULL, now);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "institution:%lld", (long long)new_id);
        detail =
            reg_detail("org=org:%lld methods=%s from=%s until=%s ref=%s", (long long)org, methods,
                       from, until[0] ? until : "-", sp->ref && *sp->ref ? sp->ref : "-");
        rc = nr_audit_append(rv, a, "institution.designate", 0, object, detail, err);
    }
    rc = reg_finish(rv, rc, err);
out_free:
    nr_free(methods);
    nr_free(detail);
    if (rc == 0 && id)
        *id = new_id;
    return rc;
}

int nr_institution_list(struct nr_review *rv, json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows = json_array();
    char today[NR_DATE_STR];
    int rc;

    *out = NULL;
    reg_today(today);
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT i.id, i.org_id, o.name AS org, i.methods, "
                               "i.designated_from, i.designated_until, i.designation_ref, "
                               "CASE WHEN i.designated_from <= ? AND (i.designated_until IS NULL "
                               "OR i.designated_until >= ?) THEN 1 ELSE 0 END AS in_force, "
                               "i.created_at FROM institutions i JOIN orgs o ON o.id = i.org_id "
                               "ORDER BY i.id",
                               "tt", today, today);
    if (rc == 0)
        rc = reg_rows(s, "iitttttbt", rows, err);
    if (rc == 0)
        rc = reg_attach_affiliations(rv, rows, "institution", "org_id", today, err);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}

/* ---- experts (R6) ---- */

/* A user by login, who must hold the expert role. */
static int reg_expert_user(struct nr_review *rv, const char *login, const char *field,
                           int64_t *user_id, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    *user_id = 0;
    if (login == NULL || *login == '\0')
        return nr_err_set(err, NR_EINVAL, field, "the expert's login is required");
    rc = nr_store_prepare_bind(
        rv->st, err, &s, "SELECT id, role FROM users WHERE login = ? AND disabled = 0", "t", login);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        const char *role = nr_stmt_text(s, 1);
        if (role == NULL || strcmp(role, "expert") != 0) {
            rc = nr_err_set(err, NR_EINVAL, field, "user %s has role %s, not expert", login,
                            role ? role : "?");
        } else {
            *user_id = nr_stmt_int(s, 0);
            rc = 0;
        }
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, field, "no user %.80s", login);
    }
    nr_stmt_free(s);
    return rc;
}

int nr_expert_appoint(struct nr_review *rv, const struct nr_actor *a, const char *login,
                      const char *field, const char *from_in, const char *until_in, int64_t *id,
                      struct nr_err *err)
{
    char from[NR_DATE_STR], until[NR_DATE_STR], now[NR_TIME_STR], object[48];
    char *detail = NULL;
    int64_t user = 0, new_id = 0, other;
    int rc;

    if (id)
        *id = 0;
    /* R5: the committee appoints the experts committee (the local administrator sets up). */
    if (!a->local_admin && a->role != NR_ROLE_COMMITTEE)
        return nr_err_set(err, NR_EFORBIDDEN, NULL,
                          "role %s may not appoint experts; the committee appoints them",
                          nr_role_name(a->role));
    rc = reg_text(err, "field", "field of expertise", field, REG_FIELD_MAX, false, false);
    if (rc == 0)
        rc = reg_period(err, "appointed", from_in, until_in, from, until);
    if (rc)
        return rc;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    rc = reg_expert_user(rv, login, "login", &user, err);
    if (rc == 0) {
        rc = nr_store_query_int(rv->st, err, &other, "SELECT id FROM experts WHERE user_id = ?",
                                "i", user);
        if (rc == 0)
            rc = nr_err_set(err, NR_EEXISTS, "login", "%s is already appointed (expert %lld)",
                            login, (long long)other);
        else if (rc == NR_ENOTFOUND)
            rc = 0;
    }
    if (rc == 0) {
        nr_time_fmt(nr_time_now(), now);
        rc = nr_store_query_int(rv->st, err, &new_id,
                                "INSERT INTO experts (user_id, field, appointed_from, "
                                "appointed_until, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                "itttt", user, field && *field ? field : NULL, from,
                                until[0] ? until : NULL, now);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "expert:%lld", (long long)new_id);
        detail = reg_detail("login=%s from=%s until=%s", login, from, until[0] ? until : "-");
        rc = nr_audit_append(rv, a, "expert.appoint", 0, object, detail, err);
    }
    rc = reg_finish(rv, rc, err);
    nr_free(detail);
    if (rc == 0 && id)
        *id = new_id;
    return rc;
}

int nr_expert_list(struct nr_review *rv, json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows = json_array();
    char today[NR_DATE_STR];
    int rc;

    *out = NULL;
    reg_today(today);
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT e.id, e.user_id, u.login, u.name, e.field, "
                               "e.appointed_from, e.appointed_until, CASE WHEN e.appointed_from "
                               "<= ? AND (e.appointed_until IS NULL OR e.appointed_until >= ?) "
                               "AND u.disabled = 0 THEN 1 ELSE 0 END AS in_force, e.created_at "
                               "FROM experts e JOIN users u ON u.id = e.user_id ORDER BY e.id",
                               "tt", today, today);
    if (rc == 0)
        rc = reg_rows(s, "iitttttbt", rows, err);
    if (rc == 0)
        rc = reg_attach_affiliations(rv, rows, "expert", "user_id", today, err);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}

/* ---- affiliations and conflicts (R6, R10) ---- */

static const char *reg_relation_text(const char *relation)
{
    if (strcmp(relation, "board_member") == 0)
        return "board member";
    if (strcmp(relation, "former_employee") == 0)
        return "former employee";
    return relation;
}

int nr_affiliation_add(struct nr_review *rv, const struct nr_actor *a, const char *holder_kind,
                       const char *holder, const char *org_ref, const char *relation,
                       struct nr_err *err)
{
    char since[NR_DATE_STR], until[NR_DATE_STR], now[NR_TIME_STR], object[48];
    char *detail = NULL;
    int64_t holder_id = 0, org = 0, new_id = 0, other;
    bool expert;
    int rc;

    rc = reg_check_keeper(a, "record affiliations", err);
    if (rc)
        return rc;
    if (holder_kind == NULL ||
        (strcmp(holder_kind, "expert") != 0 && strcmp(holder_kind, "institution") != 0))
        return nr_err_set(err, NR_EINVAL, "holder_kind",
                          "holder kind must be expert or institution");
    expert = strcmp(holder_kind, "expert") == 0;
    if (relation == NULL || *relation == '\0')
        return nr_err_set(err, NR_EINVAL, "relation", "relation is required");
    if (!reg_in(relation, reg_relations, NR_ARRAY_LEN(reg_relations)))
        return nr_err_set(err, NR_EINVAL, "relation",
                          "unknown relation %.40s (employee, consultant, shareholder, "
                          "board_member, contractor, former_employee)",
                          relation);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    if (expert)
        rc = reg_expert_user(rv, holder, "holder", &holder_id, err);
    else
        rc = reg_org_of_kind(rv, holder, "holder", "institution", "institution", &holder_id, err);
    if (rc == 0)
        rc = reg_org_lookup(rv, org_ref, "org", "organisation", &org, NULL, NULL, err);
    if (rc == 0 && !expert && org == holder_id)
        rc = nr_err_set(err, NR_EINVAL, "org", "an institution is not affiliated with itself");
    if (rc == 0) {
        reg_today(since);
        until[0] = '\0';
        /* R10: a former employment still counts for REG_FORMER_YEARS after it is recorded. */
        if (strcmp(relation, "former_employee") == 0)
            reg_years_later(since, REG_FORMER_YEARS, until);
        rc = nr_store_query_int(rv->st, err, &other,
                                "SELECT id FROM affiliations WHERE holder_kind = ? AND holder_id "
                                "= ? AND org_id = ? AND relation = ? AND (until IS NULL OR until "
                                ">= ?)",
                                "tiitt", holder_kind, holder_id, org, relation, since);
        if (rc == 0)
            rc = nr_err_set(err, NR_EEXISTS, "relation",
                            "%s is already recorded as %s of that organisation (affiliation "
                            "%lld)",
                            holder, reg_relation_text(relation), (long long)other);
        else if (rc == NR_ENOTFOUND)
            rc = 0;
    }
    if (rc == 0) {
        nr_time_fmt(nr_time_now(), now);
        rc = nr_store_query_int(rv->st, err, &new_id,
                                "INSERT INTO affiliations (holder_kind, holder_id, org_id, "
                                "relation, since, until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                                "RETURNING id",
                                "tiitttt", holder_kind, holder_id, org, relation, since,
                                until[0] ? until : NULL, now);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "affiliation:%lld", (long long)new_id);
        detail =
            reg_detail("holder=%s:%lld org=org:%lld relation=%s until=%s", expert ? "user" : "org",
                       (long long)holder_id, (long long)org, relation, until[0] ? until : "-");
        rc = nr_audit_append(rv, a, "affiliation.add", 0, object, detail, err);
    }
    rc = reg_finish(rv, rc, err);
    nr_free(detail);
    return rc;
}

int nr_conflict_check(struct nr_review *rv, const char *holder_kind, int64_t holder_id,
                      int64_t case_id, bool *conflicted, char **reason, struct nr_arena *ar,
                      struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_buf why;
    char today[NR_DATE_STR];
    int64_t provider = 0, holder = 0;
    bool expert;
    int rc;

    *conflicted = false;
    *reason = NULL;
    nr_buf_init(&why, 8192);
    if (holder_kind == NULL ||
        (strcmp(holder_kind, "expert") != 0 && strcmp(holder_kind, "institution") != 0))
        return nr_err_set(err, NR_EINVAL, "holder_kind",
                          "holder kind must be expert or institution");
    expert = strcmp(holder_kind, "expert") == 0;
    /* The caller has already checked that the case is visible; read its provider directly. */
    rc = nr_store_query_int(rv->st, err, &provider,
                            "SELECT COALESCE(p.provider_id, 0) FROM cases c LEFT JOIN products p "
                            "ON p.id = c.product_id WHERE c.id = ?",
                            "i", case_id);
    if (rc == NR_ENOTFOUND)
        return nr_err_set(err, NR_ENOTFOUND, "case", "no case %lld", (long long)case_id);
    if (rc)
        return rc;
    /* The holder is the person (users.id) or the institution's organisation (orgs.id). */
    if (expert)
        rc = nr_store_query_int(rv->st, err, &holder,
                                "SELECT id FROM users WHERE id = ? AND role = 'expert'", "i",
                                holder_id);
    else
        rc = nr_store_query_int(rv->st, err, &holder,
                                "SELECT id FROM orgs WHERE id = ? AND kind = 'institution'", "i",
                                holder_id);
    if (rc == NR_ENOTFOUND)
        return nr_err_set(err, NR_ENOTFOUND, holder_kind,
                          expert ? "no expert with user id %lld"
                                 : "no institution with organisation id %lld",
                          (long long)holder_id);
    if (rc)
        return rc;
    /* A case without a product has no provider to be partial to. */
    if (provider == 0)
        return 0;
    if (!expert && holder == provider) {
        char *name = NULL;
        nr_store_query_text(rv->st, NULL, &name, "SELECT name FROM orgs WHERE id = ?", "i",
                            provider);
        nr_buf_printf(&why, "it is the provider, %s", name ? name : "?");
        nr_free(name);
        *conflicted = true;
    }
    reg_today(today);
    /* R6, R10: an affiliation in force with the provider, or with an organisation recorded as
     * its competitor in either direction of the competitors table. */
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT a.relation, o.name, CASE WHEN a.org_id = ? THEN 1 ELSE 0 END AS is_provider "
        "FROM affiliations a JOIN orgs o ON o.id = a.org_id "
        "WHERE a.holder_kind = ? AND a.holder_id = ? "
        "AND (a.since IS NULL OR a.since <= ?) AND (a.until IS NULL OR a.until >= ?) "
        "AND (a.org_id = ? "
        "  OR a.org_id IN (SELECT competitor_id FROM competitors WHERE org_id = ?) "
        "  OR a.org_id IN (SELECT org_id FROM competitors WHERE competitor_id = ?)) "
        "ORDER BY is_provider DESC, a.id",
        "itittiii", provider, holder_kind, holder, today, today, provider, provider, provider);
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const char *relation = nr_stmt_text(s, 0), *org = nr_stmt_text(s, 1);
        nr_buf_printf(&why, "%s%s of %s (%s)", why.len ? "; " : "",
                      reg_relation_text(relation ? relation : "?"), org ? org : "?",
                      nr_stmt_int(s, 2) ? "the provider" : "a competitor of the provider");
        *conflicted = true;
    }
    if (rc < 0)
        goto out;
    rc = 0;
    if (*conflicted)
        *reason = nr_arena_strdup(ar, why.p ? why.p : "");
out:
    if (rc)
        *conflicted = false;
    nr_stmt_free(s);
    nr_buf_release(&why);
    return rc;
}
