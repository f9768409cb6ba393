/*
 * http.h - `netreview serve`: the HTTP JSON API under /api/v1, sign-in, need-to-know access,
 * the procurement gate, health and metrics, on libevent's evhttp.
 *
 * Contract: nr_http_serve blocks until SIGTERM or SIGINT (or nr_http_stop from another thread),
 * lets in-flight requests finish, closes every database connection, and returns 0; it returns a
 * negative NR_E code (with err) when it cannot start: address in use, database not initialised,
 * malformed procedure. The config is read, not kept.
 */
#ifndef NETREVIEW_HTTP_H
#define NETREVIEW_HTTP_H

#include "netreview/review.h"

struct nr_http_config {
    struct nr_review_config review; /* database, data directory, home */
    const char *listen;             /* "127.0.0.1:8080" (NETREVIEW_LISTEN) */
    int workers;                    /* threads; 0 = the number of CPUs */
    const char *web_dir;            /* static files of the UI; NULL = <home>/web */
    bool behind_tls;                /* cookies get Secure (NETREVIEW_TLS=1 behind a proxy) */
    const char *access_log;         /* path, "-" for stderr, NULL for none */
    int watch_interval;             /* R14: seconds between looks for an OSV import newer than
                                       the last watch run (sca.h); 0 = no periodic watch */
    void (*on_ready)(const char *address, void *arg); /* called once listening */
    void *on_ready_arg;
};

int nr_http_serve(const struct nr_http_config *cfg, struct nr_err *err);
/* Asks a running server to stop (async-signal-safe). */
void nr_http_stop(void);

#endif
