/*
 * sqlite.c - the embedded SQLite backend of the store (interface: store.h via store_int.h).
 * One file in WAL mode with foreign keys enforced and a busy timeout, so that the CLI and a
 * running server can share it.
 */
#include "store_int.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

#define NR_SQLITE_BUSY_MS 5000

struct nr_sqlite_stmt {
    struct nr_stmt base;
    sqlite3_stmt *stmt;
};

static sqlite3 *nr_db(struct nr_store *st)
{
    return st->conn;
}

static int nr_sqlite_error(sqlite3 *db, int src, struct nr_err *err, const char *what)
{
    int code = NR_EDB;
    int ext = sqlite3_extended_errcode(db);

    if (src == SQLITE_BUSY || src == SQLITE_LOCKED)
        code = NR_EBUSY;
    else if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        code = NR_EEXISTS;
    else if ((src & 0xff) == SQLITE_CONSTRAINT)
        code = NR_EINVAL;
    else if (src == SQLITE_READONLY || src == SQLITE_CANTOPEN || src == SQLITE_IOERR ||
             (src & 0xff) == SQLITE_READONLY || (src & 0xff) == SQLITE_IOERR)
        code = NR_EIO;
    return nr_err_set(err, code, NULL, "%s: %s", what, sqlite3_errmsg(db));
}

static int nr_sqlite_open(struct nr_store *st, const char *url, int flags, struct nr_err *err)
{
    sqlite3 *db = NULL;
    struct stat sb;
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    int rc;
    char *errmsg = NULL;

    if (stat(url, &sb) != 0) {
        if (!(flags & NR_STORE_CREATE))
            return nr_err_set(err, NR_ENOTFOUND, "db",
                              "database %s does not exist (run `netreview init` first)", url);
        oflags |= SQLITE_OPEN_CREATE;
    } else if (access(url, W_OK) != 0) {
        return nr_err_set(err, -EACCES, "db", "database %s is not writable", url);
    }
    rc = sqlite3_open_v2(url, &db, oflags, NULL);
    if (rc != SQLITE_OK) {
        rc = nr_err_set(err, NR_EIO, "db", "cannot open database %s: %s", url,
                        db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db, NR_SQLITE_BUSY_MS);
    sqlite3_extended_result_codes(db, 1);
    rc = sqlite3_exec(db,
                      "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                      "PRAGMA synchronous=NORMAL;",
                      NULL, NULL, &errmsg);
    if (rc != SQLITE_OK) {
        rc = nr_err_set(err, rc == SQLITE_BUSY ? NR_EBUSY : NR_EIO, "db",
                        "cannot set up database %s: %s", url, errmsg ? errmsg : "?");
        sqlite3_free(errmsg);
        sqlite3_close(db);
        return rc;
    }
    st->conn = db;
    return 0;
}

static void nr_sqlite_close(struct nr_store *st)
{
    if (st->conn)
        sqlite3_close_v2(st->conn);
    st->conn = NULL;
}

static int nr_sqlite_exec_script(struct nr_store *st, const char *sql, struct nr_err *err)
{
    char *errmsg = NULL;
    int rc = sqlite3_exec(nr_db(st), sql, NULL, NULL, &errmsg);
    if (rc != SQLITE_OK) {
        int code = rc == SQLITE_BUSY ? NR_EBUSY : (rc == SQLITE_READONLY ? NR_EIO : NR_EDB);
        rc = nr_err_set(err, code, NULL, "database: %s", errmsg ? errmsg : sqlite3_errstr(rc));
        sqlite3_free(errmsg);
        return rc;
    }
    return 0;
}

static int nr_sqlite_begin(struct nr_store *st, struct nr_err *err)
{
    /* IMMEDIATE takes the write lock now, so a command never fails half-way on a busy upgrade. */
    return nr_sqlite_exec_script(st, "BEGIN IMMEDIATE", err);
}

static int nr_sqlite_commit(struct nr_store *st, struct nr_err *err)
{
    return nr_sqlite_exec_script(st, "COMMIT", err);
}

static void nr_sqlite_rollback(struct nr_store *st)
{
    sqlite3_exec(nr_db(st), "ROLLBACK", NULL, NULL, NULL);
}

static int nr_sqlite_prepare(struct nr_store *st, const char *sql, struct nr_stmt **out,
                             struct nr_err *err)
{
    struct nr_sqlite_stmt *s;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(nr_db(st), sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return nr_sqlite_error(nr_db(st), rc, err, "cannot prepare statement");
    s = nr_calloc(1, sizeof(*s));
    s->base.st = st;
    s->stmt = stmt;
    *out = &s->base;
    return 0;
}

static sqlite3_stmt *nr_ss(struct nr_stmt *s)
{
    return ((struct nr_sqlite_stmt *)s)->stmt;
}

static void nr_sqlite_stmt_free(struct nr_stmt *s)
{
    sqlite3_finalize(nr_ss(s));
    nr_free(s);
}

static int nr_sqlite_bind_int(struct nr_stmt *s, int idx, int64_t v)
{
    return sqlite3_bind_int64(nr_ss(s), idx, v) == SQLITE_OK ? 0 : NR_EINVAL;
}

static int nr_sqlite_bind_text(struct nr_stmt *s, int idx, const char *v)
{
    int rc = v ? sqlite3_bind_text(nr_ss(s), idx, v, -1, SQLITE_TRANSIENT)
               : sqlite3_bind_null(nr_ss(s), idx);
    return rc == SQLITE_OK ? 0 : NR_EINVAL;
}

static int nr_sqlite_bind_null(struct nr_stmt *s, int idx)
{
    return sqlite3_bind_null(nr_ss(s), idx) == SQLITE_OK ? 0 : NR_EINVAL;
}

static int nr_sqlite_step(struct nr_stmt *s, struct nr_err *err)
{
    int rc = sqlite3_step(nr_ss(s));
    if (rc == SQLITE_ROW)
        return NR_STORE_ROW;
    if (rc == SQLITE_DONE)
        return NR_STORE_DONE;
    return nr_sqlite_error(sqlite3_db_handle(nr_ss(s)), rc, err, "database");
}

static int nr_sqlite_reset(struct nr_stmt *s)
{
    sqlite3_reset(nr_ss(s));
    return sqlite3_clear_bindings(nr_ss(s)) == SQLITE_OK ? 0 : NR_EDB;
}

static int64_t nr_sqlite_col_int(struct nr_stmt *s, int col)
{
    return sqlite3_column_int64(nr_ss(s), col);
}

static const char *nr_sqlite_col_text(struct nr_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(nr_ss(s), col);
}

static bool nr_sqlite_col_null(struct nr_stmt *s, int col)
{
    return sqlite3_column_type(nr_ss(s), col) == SQLITE_NULL;
}

static int nr_sqlite_col_count(struct nr_stmt *s)
{
    return sqlite3_column_count(nr_ss(s));
}

static const char *nr_sqlite_col_name(struct nr_stmt *s, int col)
{
    return sqlite3_column_name(nr_ss(s), col);
}

static int64_t nr_sqlite_changes(struct nr_store *st)
{
    return sqlite3_changes64(nr_db(st));
}

const struct nr__store_backend nr__sqlite_backend = {
    .name = "sqlite",
    .id_column = "INTEGER PRIMARY KEY",
    .open = nr_sqlite_open,
    .close = nr_sqlite_close,
    .exec_script = nr_sqlite_exec_script,
    .begin = nr_sqlite_begin,
    .commit = nr_sqlite_commit,
    .rollback = nr_sqlite_rollback,
    .prepare = nr_sqlite_prepare,
    .stmt_free = nr_sqlite_stmt_free,
    .bind_int = nr_sqlite_bind_int,
    .bind_text = nr_sqlite_bind_text,
    .bind_null = nr_sqlite_bind_null,
    .step = nr_sqlite_step,
    .reset = nr_sqlite_reset,
    .col_int = nr_sqlite_col_int,
    .col_text = nr_sqlite_col_text,
    .col_null = nr_sqlite_col_null,
    .col_count = nr_sqlite_col_count,
    .col_name = nr_sqlite_col_name,
    .changes = nr_sqlite_changes,
};
