/*
 * store.c - backend dispatch, transactions, migrations and the statement shorthands
 * (interface: store.h; backends: sqlite.c).
 */
#include "store_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

int nr_store_open(const char *url, int flags, struct nr_store **out, struct nr_err *err)
{
    struct nr_store *st;
    int rc;

    *out = NULL;
    if (url == NULL || *url == '\0')
        return nr_err_set(err, NR_EINVAL, "db", "no database given (use --db PATH)");
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return nr_err_set(err, NR_EINVAL, "db",
                          "this build has no PostgreSQL backend yet; use a SQLite file path");
    st = nr_calloc(1, sizeof(*st));
    st->be = &nr__sqlite_backend;
    rc = st->be->open(st, url, flags, err);
    if (rc) {
        nr_free(st);
        return rc;
    }
    if (!(flags & NR_STORE_NO_MIGRATE)) {
        int applied;
        rc = nr_store_migrate(st, &applied, err);
        if (rc) {
            nr_store_close(st);
            return rc;
        }
    }
    *out = st;
    return 0;
}

void nr_store_close(struct nr_store *st)
{
    if (st == NULL)
        return;
    st->be->close(st);
    nr_free(st);
}

const char *nr_store_engine(const struct nr_store *st)
{
    return st->be->name;
}

int nr_store_schema_latest(void)
{
    return nr__migration_count;
}

int nr_store_schema_version(struct nr_store *st, int *version, struct nr_err *err)
{
    int64_t v = 0;
    int rc = nr_store_query_int(st, err, &v, "SELECT MAX(version) FROM schema_migrations", "");
    if (rc == NR_ENOTFOUND)
        rc = 0;
    *version = (int)v;
    return rc;
}

/* Expands the {ID} token of a migration for this backend. */
static char *nr_store_expand(const struct nr__store_backend *be, const char *sql)
{
    struct nr_buf b;
    const char *p = sql, *q;

    nr_buf_init(&b, 1 << 20);
    while ((q = strstr(p, "{ID}")) != NULL) {
        nr_buf_append(&b, p, (size_t)(q - p));
        nr_buf_puts(&b, be->id_column);
        p = q + 4;
    }
    nr_buf_puts(&b, p);
    return nr_buf_steal(&b);
}

int nr_store_migrate(struct nr_store *st, int *applied, struct nr_err *err)
{
    int version = 0, rc;
    char now[NR_TIME_STR];

    *applied = 0;
    rc = st->be->exec_script(st,
                             "CREATE TABLE IF NOT EXISTS schema_migrations ("
                             " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
                             err);
    if (rc)
        return rc;
    rc = nr_store_schema_version(st, &version, err);
    if (rc)
        return rc;
    if (version > nr__migration_count)
        return nr_err_set(err, NR_ESCHEMA, "db",
                          "database schema is version %d but this program knows only up to %d; "
                          "upgrade netreview",
                          version, nr__migration_count);
    for (int v = version + 1; v <= nr__migration_count; v++) {
        char *sql = nr_store_expand(st->be, nr__migrations[v - 1]);
        rc = nr_store_begin(st, err);
        if (rc == 0)
            rc = st->be->exec_script(st, sql, err);
        nr_free(sql);
        nr_time_fmt(nr_time_now(), now);
        if (rc == 0)
            rc = nr_store_exec(st, err,
                               "INSERT INTO schema_migrations (version, applied_at) "
                               "VALUES (?, ?)",
                               "it", (int64_t)v, now);
        if (rc == 0)
            rc = nr_store_commit(st, err);
        if (rc) {
            nr_store_rollback(st);
            return rc;
        }
        (*applied)++;
    }
    return 0;
}

int nr_store_begin(struct nr_store *st, struct nr_err *err)
{
    int rc;
    if (st->txn_depth++ > 0)
        return 0;
    st->txn_failed = false;
    rc = st->be->begin(st, err);
    if (rc)
        st->txn_depth = 0;
    return rc;
}

int nr_store_commit(struct nr_store *st, struct nr_err *err)
{
    if (st->txn_depth <= 0)
        return nr_err_set(err, NR_EINVAL, NULL, "commit without a transaction");
    if (--st->txn_depth > 0)
        return 0;
    if (st->txn_failed) {
        st->be->rollback(st);
        return nr_err_set(err, NR_EDB, NULL, "transaction was rolled back by an inner failure");
    }
    return st->be->commit(st, err);
}

void nr_store_rollback(struct nr_store *st)
{
    if (st->txn_depth <= 0)
        return;
    /* An inner failure dooms the whole transaction; the outermost level undoes it. */
    st->txn_failed = true;
    if (--st->txn_depth == 0)
        st->be->rollback(st);
}

int nr_store_prepare(struct nr_store *st, const char *sql, struct nr_stmt **out, struct nr_err *err)
{
    return st->be->prepare(st, sql, out, err);
}

void nr_stmt_free(struct nr_stmt *s)
{
    if (s)
        s->st->be->stmt_free(s);
}

int nr_stmt_bind_int(struct nr_stmt *s, int idx, int64_t v)
{
    return s->st->be->bind_int(s, idx, v);
}

int nr_stmt_bind_text(struct nr_stmt *s, int idx, const char *v)
{
    return s->st->be->bind_text(s, idx, v);
}

int nr_stmt_bind_null(struct nr_stmt *s, int idx)
{
    return s->st->be->bind_null(s, idx);
}

int nr_stmt_step(struct nr_stmt *s, struct nr_err *err)
{
    return s->st->be->step(s, err);
}

int nr_stmt_reset(struct nr_stmt *s)
{
    return s->st->be->reset(s);
}

int64_t nr_stmt_int(struct nr_stmt *s, int col)
{
    return s->st->be->col_int(s, col);
}

const char *nr_stmt_text(struct nr_stmt *s, int col)
{
    return s->st->be->col_text(s, col);
}

bool nr_stmt_is_null(struct nr_stmt *s, int col)
{
    return s->st->be->col_null(s, col);
}

int nr_stmt_columns(struct nr_stmt *s)
{
    return s->st->be->col_count(s);
}

const char *nr_stmt_column_name(struct nr_stmt *s, int col)
{
    return s->st->be->col_name(s, col);
}

int64_t nr_store_changes(struct nr_store *st)
{
    return st->be->changes(st);
}

static int nr_store_vbind(struct nr_store *st, struct nr_err *err, struct nr_stmt **out,
                          const char *sql, const char *types, va_list ap)
{
    struct nr_stmt *s;
    int rc = nr_store_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    for (int i = 0; types[i]; i++) {
        switch (types[i]) {
        case 'i':
            rc = nr_stmt_bind_int(s, i + 1, va_arg(ap, int64_t));
            break;
        case 't':
            rc = nr_stmt_bind_text(s, i + 1, va_arg(ap, const char *));
            break;
        case 'n':
            rc = nr_stmt_bind_null(s, i + 1);
            break;
        default:
            rc = NR_EINVAL;
        }
        if (rc) {
            nr_stmt_free(s);
            return nr_err_set(err, rc, NULL, "cannot bind parameter %d of: %s", i + 1, sql);
        }
    }
    *out = s;
    return 0;
}

int nr_store_prepare_bind(struct nr_store *st, struct nr_err *err, struct nr_stmt **out,
                          const char *sql, const char *types, ...)
{
    va_list ap;
    int rc;
    va_start(ap, types);
    rc = nr_store_vbind(st, err, out, sql, types, ap);
    va_end(ap);
    return rc;
}

int nr_store_exec(struct nr_store *st, struct nr_err *err, const char *sql, const char *types, ...)
{
    struct nr_stmt *s;
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = nr_store_vbind(st, err, &s, sql, types, ap);
    va_end(ap);
    if (rc)
        return rc;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW)
        ;
    nr_stmt_free(s);
    return rc;
}

int nr_store_query_int(struct nr_store *st, struct nr_err *err, int64_t *out, const char *sql,
                       const char *types, ...)
{
    struct nr_stmt *s;
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = nr_store_vbind(st, err, &s, sql, types, ap);
    va_end(ap);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        *out = nr_stmt_int(s, 0);
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = NR_ENOTFOUND;
    }
    nr_stmt_free(s);
    return rc;
}

int nr_store_query_text(struct nr_store *st, struct nr_err *err, char **out, const char *sql,
                        const char *types, ...)
{
    struct nr_stmt *s;
    va_list ap;
    int rc;

    va_start(ap, types);
    rc = nr_store_vbind(st, err, &s, sql, types, ap);
    va_end(ap);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        const char *t = nr_stmt_text(s, 0);
        *out = t ? nr_strdup(t) : NULL;
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = NR_ENOTFOUND;
    }
    nr_stmt_free(s);
    return rc;
}

json_t *nr_stmt_row_json(struct nr_stmt *s, const char *types)
{
    json_t *o = json_object();
    int n = nr_stmt_columns(s);

    for (int i = 0; i < n && types[i]; i++) {
        json_t *v;
        if (nr_stmt_is_null(s, i))
            v = json_null();
        else if (types[i] == 'i')
            v = json_integer(nr_stmt_int(s, i));
        else if (types[i] == 'b')
            v = json_boolean(nr_stmt_int(s, i) != 0);
        else
            v = json_string(nr_stmt_text(s, i));
        /* Text that is not UTF-8 (written around the model's checks) reads as null. */
        json_object_set_new(o, nr_stmt_column_name(s, i), v ? v : json_null());
    }
    return o;
}

int nr_stmt_rows_json(struct nr_stmt *s, const char *types, json_t *arr, struct nr_err *err)
{
    int rc;

    assert((int)strlen(types) == nr_stmt_columns(s)); /* one letter per column */
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW)
        json_array_append_new(arr, nr_stmt_row_json(s, types));
    return rc < 0 ? rc : 0;
}

int nr_store_setting_get(struct nr_store *st, const char *key, char **value, struct nr_err *err)
{
    return nr_store_query_text(st, err, value, "SELECT value FROM settings WHERE key = ?", "t",
                               key);
}

int nr_store_setting_set(struct nr_store *st, const char *key, const char *value,
                         struct nr_err *err)
{
    return nr_store_exec(st, err,
                         "INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         "tt", key, value);
}
