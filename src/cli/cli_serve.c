/*
 * cli_serve.c - `netreview serve`: reads the options and the environment into a struct
 * nr_http_config and runs the server until SIGTERM or SIGINT (interface: cli_serve.h; the
 * server itself is http.h).
 */
#include "cli_serve.h"
#include "netreview/http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_SERVE_WORKERS_MAX   64
#define NR_SERVE_WATCH_DEFAULT 300
#define NR_SERVE_WATCH_MAX     (7 * 24 * 3600)

static const char nr_serve_usage[] =
    "usage: netreview serve [--db PATH] [--data DIR] [--listen ADDR:PORT] [--workers N]\n"
    "                       [--access-log PATH|-] [--web-dir DIR] [--watch-interval S]\n"
    "\n"
    "Serves the HTTP JSON API under /api/v1 (sign-in, cases, evidence, decisions, the\n"
    "procurement gate), /healthz and /metrics, and the browser UI (every other GET: the files of\n"
    "the web directory, / is index.html), until SIGTERM or SIGINT; then it stops accepting,\n"
    "lets the requests in flight finish, closes the database and exits 0.\n"
    "\n"
    "  --listen ADDR:PORT  where to listen (NETREVIEW_LISTEN; default 127.0.0.1:8080);\n"
    "                      [::1]:8080 for IPv6, :8080 for every address, port 0 for any free\n"
    "                      port (the address it got is printed)\n"
    "  --workers N         worker threads, each with its own database connection\n"
    "                      (NETREVIEW_WORKERS; default the number of CPUs, at most 64)\n"
    "  --access-log PATH   one JSON line per request: time, client, method, path, route,\n"
    "                      status, bytes, duration_ms, user (NETREVIEW_ACCESS_LOG; - for\n"
    "                      stderr; default none)\n"
    "  --web-dir DIR       the browser UI's files (NETREVIEW_WEB_DIR; default <home>/web,\n"
    "                      home being NETREVIEW_HOME or the source tree)\n"
    "  --watch-interval S  every S seconds, when an OSV import is newer than the last watch,\n"
    "                      re-match the SBOMs of passed products and flag the decisions new\n"
    "                      advisories hit, as `netreview watch` does (R14), logging one JSON\n"
    "                      line to stderr (NETREVIEW_WATCH_INTERVAL; default 300; 0 never)\n"
    "\n"
    "Once it accepts connections it prints \"netreview listening on http://ADDR\".\n"
    "\n"
    "Environment: NETREVIEW_TLS=1 when a TLS proxy fronts the server: session cookies then carry\n"
    "Secure. /metrics answers clients on loopback and the office (signed in, or with an API\n"
    "token); behind a proxy (NETREVIEW_TLS=1) every client looks like loopback, so it then\n"
    "answers the office only.\n"
    "\n"
    "Exit codes: 0 stopped by a signal, 1 cannot listen (address in use), 2 bad command line or\n"
    "address, 3 no such database (or not initialised), 6 database or file system, 7 malformed\n"
    "procedure or calendar.\n";

static const char *nr_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static void nr_serve_ready(const char *address, void *arg)
{
    (void)arg;
    printf("netreview listening on http://%s\n", address);
    fflush(stdout);
}

int nr_cli_serve(struct nr_cli *cli, int argc, char **argv)
{
    const char *listen = NULL, *workers = NULL, *access_log = NULL, *web_dir = NULL, *pos[1], *tls;
    const char *watch = NULL;
    struct nr_opt opts[] = {
        {"listen", true, &listen, NULL},         {"workers", true, &workers, NULL},
        {"access-log", true, &access_log, NULL}, {"web-dir", true, &web_dir, NULL},
        {"watch-interval", true, &watch, NULL},  {NULL, false, NULL, NULL}};
    struct nr_http_config cfg;
    struct nr_err err;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 1, opts, pos, 0, &npos, nr_serve_usage);
    if (rc)
        return rc;
    if (cli->as && *cli->as)
        return nr_cli_usage(nr_serve_usage, "serve acts for whoever signs in; drop --as");
    memset(&cfg, 0, sizeof(cfg));
    cfg.review.db = cli->db ? cli->db : nr_env("NETREVIEW_DB");
    cfg.review.data_dir = cli->data_dir ? cli->data_dir : nr_env("NETREVIEW_DATA");
    if (cfg.review.db == NULL)
        return nr_cli_usage(nr_serve_usage, "no database given; use --db PATH or set NETREVIEW_DB");
    cfg.listen = listen ? listen : nr_env("NETREVIEW_LISTEN");
    if (cfg.listen == NULL)
        cfg.listen = "127.0.0.1:8080";
    if (workers == NULL)
        workers = nr_env("NETREVIEW_WORKERS");
    if (workers) {
        char *end;
        long n;
        errno = 0;
        n = strtol(workers, &end, 10);
        if (errno || *end || end == workers || n < 0 || n > NR_SERVE_WORKERS_MAX)
            return nr_cli_usage(nr_serve_usage,
                                "--workers takes a number from 0 (one per CPU) to %d",
                                NR_SERVE_WORKERS_MAX);
        cfg.workers = (int)n;
    }
    if (watch == NULL)
        watch = nr_env("NETREVIEW_WATCH_INTERVAL");
    cfg.watch_interval = NR_SERVE_WATCH_DEFAULT;
    if (watch) {
        char *end;
        long n;
        errno = 0;
        n = strtol(watch, &end, 10);
        if (errno || *end || end == watch || n < 0 || n > NR_SERVE_WATCH_MAX)
            return nr_cli_usage(nr_serve_usage,
                                "--watch-interval takes seconds from 0 (never) to %d",
                                NR_SERVE_WATCH_MAX);
        cfg.watch_interval = (int)n;
    }
    cfg.access_log = access_log ? access_log : nr_env("NETREVIEW_ACCESS_LOG");
    cfg.web_dir = web_dir ? web_dir : nr_env("NETREVIEW_WEB_DIR");
    tls = nr_env("NETREVIEW_TLS");
    cfg.behind_tls =
        tls && (strcmp(tls, "1") == 0 || strcmp(tls, "true") == 0 || strcmp(tls, "yes") == 0);
    cfg.on_ready = nr_serve_ready;

    nr_err_init(&err);
    rc = nr_http_serve(&cfg, &err);
    if (rc == 0)
        return NR_EXIT_OK;
    /* A socket that cannot be had is neither the database's nor the file system's fault. */
    if (strcmp(err.field, "listen") == 0 && rc == NR_EINVAL)
        return nr_cli_usage(NULL, "%s", err.msg);
    if (strcmp(err.field, "listen") == 0) {
        fprintf(stderr, "netreview: %s\n", err.msg[0] ? err.msg : nr_strerror(rc));
        return NR_EXIT_ERROR;
    }
    return nr_cli_fail(cli, rc, &err);
}
