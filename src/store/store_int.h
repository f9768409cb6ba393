/*
 * store_int.h - what a storage backend provides to store.c (private to src/store/).
 * One file per backend implements struct nr__store_backend, as curl's lib/vtls/ does for TLS.
 */
#ifndef NETREVIEW_STORE_INT_H
#define NETREVIEW_STORE_INT_H

#include "netreview/store.h"

struct nr__store_backend {
    const char *name;
    /* Substitutes the schema's {ID} token: the engine's auto-generated 64-bit primary key. */
    const char *id_column;
    int (*open)(struct nr_store *st, const char *url, int flags, struct nr_err *err);
    void (*close)(struct nr_store *st);
    int (*exec_script)(struct nr_store *st, const char *sql, struct nr_err *err);
    int (*begin)(struct nr_store *st, struct nr_err *err);
    int (*commit)(struct nr_store *st, struct nr_err *err);
    void (*rollback)(struct nr_store *st);
    int (*prepare)(struct nr_store *st, const char *sql, struct nr_stmt **out, struct nr_err *err);
    void (*stmt_free)(struct nr_stmt *s);
    int (*bind_int)(struct nr_stmt *s, int idx, int64_t v);
    int (*bind_text)(struct nr_stmt *s, int idx, const char *v);
    int (*bind_null)(struct nr_stmt *s, int idx);
    int (*step)(struct nr_stmt *s, struct nr_err *err);
    int (*reset)(struct nr_stmt *s);
    int64_t (*col_int)(struct nr_stmt *s, int col);
    const char *(*col_text)(struct nr_stmt *s, int col);
    bool (*col_null)(struct nr_stmt *s, int col);
    int (*col_count)(struct nr_stmt *s);
    const char *(*col_name)(struct nr_stmt *s, int col);
    int64_t (*changes)(struct nr_store *st);
};

struct nr_store {
    const struct nr__store_backend *be;
    void *conn;    /* the backend's connection */
    int txn_depth; /* nested begin calls share the outermost transaction */
    bool txn_failed;
};

/* Every statement starts with its store so store.c can reach the backend. */
struct nr_stmt {
    struct nr_store *st;
};

extern const struct nr__store_backend nr__sqlite_backend;

/* The schema: migration N (1-based) is nr__migrations[N-1], with {ID} tokens. */
extern const char *const nr__migrations[];
extern const int nr__migration_count;

#endif
