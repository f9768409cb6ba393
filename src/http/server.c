/*
 * server.c - `netreview serve`: the listening socket, the worker threads, the dispatch of each
 * request to its route, the access log and the request metrics, and the graceful stop
 * (interface: http.h for the outside, http_int.h and server_int.h inside src/http/).
 *
 * One listening socket, N workers. Each worker thread runs its own event_base and evhttp on the
 * shared socket and owns its own struct nr_review (its own database connection), so a request
 * never waits for a lock held by another thread except the database's own. The gate index is
 * shared through the gate cache (gate_cache.c), refreshed by a timer on each worker.
 *
 * A GET or HEAD outside /api/ that no route takes is a file of the browser UI (static.c, from
 * the web directory: --web-dir, default <home>/web).
 *
 * A request runs: route (404, or 405 with Allow) -> query -> body with its caps (413 past
 * NR_HTTP_BODY_MAX for JSON, NR_HTTP_PART_MAX for raw parts; JSON parsed with duplicates, depth
 * and string length refused) -> authenticate (auth.c) -> sign-in required unless the route is
 * public -> handler. The answer is logged (one JSON line) and counted (per route pattern,
 * method and status; latency histogram per route) when it goes out.
 *
 * R14: with a watch interval, worker 0 looks at start and every that many seconds whether an OSV
 * import (setting "osv.last_import") is later than the last watch run ("watch.last_run") and, if
 * so, re-matches the SBOMs of passed products (nr_sca_watch) as the local administrator, logging
 * one JSON line with the counts to stderr. One worker only: two watches at once would only compete
 * for the database's write lock. The run blocks that worker's connections while it lasts (a few
 * seconds for a national portfolio); the other workers go on accepting.
 *
 * Stopping (SIGTERM, SIGINT, nr_http_stop): every worker stops accepting, the socket is closed,
 * answers carry Connection: close from then on, and keep-alive connections that wait between
 * requests get a short idle timeout; a worker ends once no connection, timer or deferred answer
 * is left on its event base (requests in flight finish: a body still arriving, an answer still
 * being written, a sign-in refusal still delayed), or after NR_HTTP_DRAIN_MAX_S. Then each
 * worker's database is closed and nr_http_serve returns 0.
 */
#include "server_int.h"
#include "static.h"

#include "netreview/sca.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <search.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netreview/banned.h"

#define NR_HTTP_WORKERS_MAX   64
#define NR_HTTP_BACKLOG       1024
#define NR_HTTP_IDLE_S        15 /* idle keep-alive, and a read or write that makes no progress */
#define NR_HTTP_DRAIN_IDLE_S  1  /* the same while stopping, for connections between requests */
#define NR_HTTP_DRAIN_MAX_S   30 /* the longest a stop waits for requests in flight */
#define NR_HTTP_DRAIN_TICK_MS 20

/* ---- metrics: fixed label sets, so that every counter is one slot of an array ---- */

static const int nr_m_methods[] = {EVHTTP_REQ_GET,    EVHTTP_REQ_HEAD,   EVHTTP_REQ_POST,
                                   EVHTTP_REQ_PUT,    EVHTTP_REQ_DELETE, EVHTTP_REQ_PATCH,
                                   EVHTTP_REQ_OPTIONS};
#define NR_M_METHODS (NR_ARRAY_LEN(nr_m_methods) + 1) /* + OTHER */

static const int nr_m_statuses[] = {200, 201, 204, 206, 304, 400, 401, 403, 404,
                                    405, 409, 413, 416, 429, 500, 501, 503};
/* A status outside the list counts under its class: 1xx ... 5xx. */
#define NR_M_STATUSES (NR_ARRAY_LEN(nr_m_statuses) + 5)

/* Latency buckets (seconds): from a gate answer (well under a millisecond) to a slow write. */
static const double nr_m_buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define NR_M_BUCKETS (NR_ARRAY_LEN(nr_m_buckets) + 1) /* + Inf */

/* The gate's answers (gate.h), and one slot for anything else. */
static const char *const nr_m_gate[] = {"passed",         "passed_with_conditions", "failed",
                                        "under_review",   "not_reviewed",           "expired",
                                        "review_required"};
#define NR_M_GATE (NR_ARRAY_LEN(nr_m_gate) + 1)

/* One worker's counters. Only the worker's own thread adds (atomically, so that a scrape on
 * another worker reads whole values); a scrape sums every worker: exact under any load. */
struct nr_metrics {
    uint64_t *requests; /* [route + 1][method][status]; route nr__nroutes = unmatched */
    uint64_t *buckets;  /* [route + 1][bucket], not cumulative */
    uint64_t *sum_ns;   /* [route + 1] */
    uint64_t gate[NR_M_GATE];
};

/* ---- the server ---- */

struct nr_worker {
    struct nr_http_worker w; /* first: a struct nr_http_worker * is a struct nr_worker * */
    pthread_t thread;
    bool started;
    struct evhttp_bound_socket *bound;
    struct event *stop_ev, *poll_ev, *drain_ev;
    bool draining;
    uint64_t drain_deadline_ns;
    void *idle;                   /* tsearch tree: connections between two requests */
    struct nr_req_state deferred; /* list head: requests whose answer a handler deferred */
    struct nr_metrics m;
    unsigned sweep_ticks;    /* seconds since the last sweep of abandoned uploads (worker 0) */
    unsigned watch_ticks;    /* seconds since the last look for a watch run (worker 0) */
    char watched_import[96]; /* "osv.last_import" its last watch run covered */
};

struct nr_http_server {
    char *listen;
    char *web_dir;
    char *web_root; /* the real path of web_dir; NULL when it is missing (static GETs: 404) */
    bool behind_tls;
    int watch_interval; /* seconds; 0 = no periodic watch */
    int access_fd;      /* -1 for none */
    bool access_close;
    struct nr_gate_cache *gc;
    struct nr_worker *workers;
    int nworkers;
    evutil_socket_t fd;
    char address[128];
    sem_t listening_stopped;         /* posted by each worker once it no longer accepts */
    uint64_t gate_shared[NR_M_GATE]; /* lookups counted outside a worker thread */
};

/* The worker a thread runs, for counters reached without a request (gate lookups). */
static _Thread_local struct nr_worker *nr_current_worker;

/* nr_http_stop is called from signal handlers: it only sets a flag and writes to a pipe. */
static volatile sig_atomic_t nr_stop_requested;
static volatile sig_atomic_t nr_stop_fd = -1;

static uint64_t nr_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct nr_worker *nr_worker_of(const struct nr_http_worker *w)
{
    return (struct nr_worker *)w;
}

void nr_http_stop(void)
{
    int fd = nr_stop_fd;
    nr_stop_requested = 1;
    if (fd >= 0) {
        ssize_t n = write(fd, "x", 1);
        (void)n; /* a full pipe already holds a wake-up */
    }
}

static void nr_on_signal(int sig)
{
    (void)sig;
    nr_http_stop();
}

struct nr_gate_cache *nr_http_gate_cache(struct nr_http_server *srv)
{
    return srv->gc;
}

void nr_http_decisions_changed(struct nr_http_server *srv)
{
    nr__gate_cache_invalidate(srv->gc);
}

bool nr_http_behind_tls(struct nr_http_server *srv)
{
    return srv->behind_tls;
}

bool nr__worker_draining(const struct nr_http_worker *w)
{
    return w && nr_worker_of(w)->draining;
}

/* ---- metrics ---- */

static size_t nr_m_method_index(int method)
{
    for (size_t i = 0; i < NR_ARRAY_LEN(nr_m_methods); i++)
        if (nr_m_methods[i] == method)
            return i;
    return NR_ARRAY_LEN(nr_m_methods);
}

static size_t nr_m_status_index(int status)
{
    for (size_t i = 0; i < NR_ARRAY_LEN(nr_m_statuses); i++)
        if (nr_m_statuses[i] == status)
            return i;
    if (status < 100 || status > 599)
        status = 500;
    return NR_ARRAY_LEN(nr_m_statuses) + (size_t)(status / 100 - 1);
}

static void nr_metrics_init(struct nr_metrics *m)
{
    size_t routes = nr__nroutes + 1;
    m->requests = nr_calloc(routes * NR_M_METHODS * NR_M_STATUSES, sizeof(uint64_t));
    m->buckets = nr_calloc(routes * NR_M_BUCKETS, sizeof(uint64_t));
    m->sum_ns = nr_calloc(routes, sizeof(uint64_t));
}

static void nr_metrics_release(struct nr_metrics *m)
{
    nr_free(m->requests);
    nr_free(m->buckets);
    nr_free(m->sum_ns);
    memset(m, 0, sizeof(*m));
}

static void nr_metrics_count(struct nr_metrics *m, int route_index, int method, int status,
                             uint64_t ns)
{
    size_t ri = route_index >= 0 ? (size_t)route_index : nr__nroutes, b = 0;
    double s = (double)ns / 1e9;

    __atomic_fetch_add(
        &m->requests[(ri * NR_M_METHODS + nr_m_method_index(method)) * NR_M_STATUSES +
                     nr_m_status_index(status)],
        1, __ATOMIC_RELAXED);
    while (b < NR_ARRAY_LEN(nr_m_buckets) && s > nr_m_buckets[b])
        b++;
    __atomic_fetch_add(&m->buckets[ri * NR_M_BUCKETS + b], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&m->sum_ns[ri], ns, __ATOMIC_RELAXED);
}

void nr_http_count_gate_lookup(struct nr_http_server *srv, const char *status)
{
    size_t i = 0;
    uint64_t *slots;

    while (i < NR_ARRAY_LEN(nr_m_gate) && (status == NULL || strcmp(nr_m_gate[i], status) != 0))
        i++;
    /* Each worker counts its own lookups: the gate is the hottest route, and one shared counter
     * would be a cache line every worker fights for. */
    slots = nr_current_worker && nr_current_worker->w.srv == srv ? nr_current_worker->m.gate
                                                                 : srv->gate_shared;
    __atomic_fetch_add(&slots[i], 1, __ATOMIC_RELAXED);
}

static uint64_t nr_load(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* A label value: the route patterns and method names need no escaping, but say so in code. */
static void nr_prom_label(struct nr_buf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            nr_buf_printf(b, "\\%c", *v);
        else if (*v == '\n')
            nr_buf_puts(b, "\\n");
        else
            nr_buf_append(b, v, 1);
    }
}

static const char *nr_route_label(size_t ri)
{
    return ri < nr__nroutes ? nr__routes[ri].pattern : "(unmatched)";
}

int nr__metrics_write(struct nr_http_server *srv, struct nr_buf *b)
{
    size_t routes = nr__nroutes + 1;

    nr_buf_puts(b, "# HELP netreview_http_requests_total HTTP requests answered, by route "
                   "pattern, method and status.\n"
                   "# TYPE netreview_http_requests_total counter\n");
    for (size_t ri = 0; ri < routes; ri++) {
        for (size_t mi = 0; mi < NR_M_METHODS; mi++) {
            for (size_t si = 0; si < NR_M_STATUSES; si++) {
                uint64_t n = 0;
                size_t slot = (ri * NR_M_METHODS + mi) * NR_M_STATUSES + si;
                for (int w = 0; w < srv->nworkers; w++)
                    n += nr_load(&srv->workers[w].m.requests[slot]);
                if (n == 0)
                    continue;
                nr_buf_puts(b, "netreview_http_requests_total{route=\"");
                nr_prom_label(b, nr_route_label(ri));
                nr_buf_printf(b, "\",method=\"%s\",status=\"",
                              mi < NR_ARRAY_LEN(nr_m_methods) ? nr__method_name(nr_m_methods[mi])
                                                              : "OTHER");
                if (si < NR_ARRAY_LEN(nr_m_statuses))
                    nr_buf_printf(b, "%d", nr_m_statuses[si]);
                else
                    nr_buf_printf(b, "%zuxx", si - NR_ARRAY_LEN(nr_m_statuses) + 1);
                nr_buf_printf(b, "\"} %llu\n", (unsigned long long)n);
            }
        }
    }
    nr_buf_puts(b, "# HELP netreview_http_request_duration_seconds Time from a request's "
                   "dispatch to its answer, by route pattern.\n"
                   "# TYPE netreview_http_request_duration_seconds histogram\n");
    for (size_t ri = 0; ri < routes; ri++) {
        uint64_t counts[NR_M_BUCKETS] = {0}, sum = 0, cum = 0, total = 0;
        for (int w = 0; w < srv->nworkers; w++) {
            for (size_t k = 0; k < NR_M_BUCKETS; k++)
                counts[k] += nr_load(&srv->workers[w].m.buckets[ri * NR_M_BUCKETS + k]);
            sum += nr_load(&srv->workers[w].m.sum_ns[ri]);
        }
        for (size_t k = 0; k < NR_M_BUCKETS; k++)
            total += counts[k];
        if (total == 0)
            continue;
        for (size_t k = 0; k < NR_M_BUCKETS; k++) {
            cum += counts[k];
            nr_buf_puts(b, "netreview_http_request_duration_seconds_bucket{route=\"");
            nr_prom_label(b, nr_route_label(ri));
            if (k < NR_ARRAY_LEN(nr_m_buckets))
                nr_buf_printf(b, "\",le=\"%g\"} %llu\n", nr_m_buckets[k], (unsigned long long)cum);
            else
                nr_buf_printf(b, "\",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
        }
        nr_buf_puts(b, "netreview_http_request_duration_seconds_sum{route=\"");
        nr_prom_label(b, nr_route_label(ri));
        nr_buf_printf(b, "\"} %.9f\n", (double)sum / 1e9);
        nr_buf_puts(b, "netreview_http_request_duration_seconds_count{route=\"");
        nr_prom_label(b, nr_route_label(ri));
        nr_buf_printf(b, "\"} %llu\n", (unsigned long long)cum);
    }
    nr_buf_puts(b, "# HELP netreview_gate_lookups_total Procurement gate answers (R9), by "
                   "status.\n"
                   "# TYPE netreview_gate_lookups_total counter\n");
    for (size_t i = 0; i < NR_M_GATE; i++) {
        uint64_t n = nr_load(&srv->gate_shared[i]);
        for (int w = 0; w < srv->nworkers; w++)
            n += nr_load(&srv->workers[w].m.gate[i]);
        nr_buf_printf(b, "netreview_gate_lookups_total{status=\"%s\"} %llu\n",
                      i < NR_ARRAY_LEN(nr_m_gate) ? nr_m_gate[i] : "other", (unsigned long long)n);
    }
    return b->len > 0 && b->p ? 0 : NR_ETOOBIG;
}

/* ---- the access log ---- */

static void nr_log_str(struct nr_buf *b, const char *s)
{
    if (s == NULL) {
        nr_buf_puts(b, "null");
        return;
    }
    nr_buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            nr_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            nr_buf_printf(b, "\\u%04x", *p);
        else
            nr_buf_append(b, p, 1);
    }
    nr_buf_puts(b, "\"");
}

static void nr_access_log(struct nr_http_server *srv, struct nr_req_state *s, uint64_t ns)
{
    struct nr_req *r = &s->r;
    struct nr_buf b;
    struct timespec now;
    struct tm tm;
    char when[40];

    if (srv->access_fd < 0)
        return;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    nr_buf_init(&b, 16 << 10);
    nr_buf_printf(&b, "{\"time\":\"%s.%03ldZ\",\"client\":", when, now.tv_nsec / 1000000);
    nr_log_str(&b, r->client);
    nr_buf_printf(&b, ",\"method\":\"%s\",\"path\":", nr__method_name(s->method));
    nr_log_str(&b, r->path);
    nr_buf_puts(&b, ",\"route\":");
    nr_log_str(&b, s->route_index >= 0 ? nr__routes[s->route_index].pattern : NULL);
    nr_buf_printf(&b, ",\"status\":%d,\"bytes\":%llu,\"duration_ms\":%.3f,\"user\":", r->status,
                  (unsigned long long)s->bytes, (double)ns / 1e6);
    nr_log_str(&b, r->via != NR_AUTH_NONE && r->actor.login[0] ? r->actor.login : NULL);
    nr_buf_puts(&b, "}\n");
    /* One write per line: lines of concurrent workers never interleave (O_APPEND). */
    if (b.p) {
        ssize_t n = write(srv->access_fd, b.p, b.len);
        (void)n;
    }
    nr_buf_release(&b);
}

/* ---- requests ---- */

static void nr_req_free(struct nr_req_state *s)
{
    json_decref(s->r.body);
    evhttp_clear_headers(&s->r.query);
    nr_arena_release(&s->r.ar);
    nr_free(s);
}

static void nr_deferred_unlink(struct nr_req_state *s)
{
    if (s->prev) {
        s->prev->next = s->next;
        s->next->prev = s->prev;
        s->prev = s->next = NULL;
    }
}

/* The request is answered and the dispatcher is done with it: count, log, free. */
static void nr_req_finish(struct nr_req_state *s)
{
    struct nr_worker *wk = nr_worker_of(s->r.w);
    uint64_t ns = nr_now_ns() - s->r.started_ns;

    nr_deferred_unlink(s);
    nr_metrics_count(&wk->m, s->route_index, s->method, s->r.status, ns);
    nr_access_log(wk->w.srv, s, ns);
    nr_req_free(s);
}

void nr__req_answered(struct nr_req *r)
{
    struct nr_req_state *s = nr__req_state(r);
    /* Inside the dispatcher the dispatcher finishes; a deferred answer finishes here. */
    if (!s->in_dispatch && r->w != NULL)
        nr_req_finish(s);
}

static int nr_ptr_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x < y ? -1 : x > y;
}

/* The connection closed while it waited between requests. */
static void nr_on_close(struct evhttp_connection *evcon, void *arg)
{
    struct nr_worker *wk = arg;
    tdelete(evcon, &wk->idle, nr_ptr_cmp);
}

/* An answer was written out. Keep-alive connections wait for their next request in wk->idle,
 * so that a stop can give them a short timeout; and a deferred request that a handler answered
 * through evhttp directly is finished here. */
static void nr_on_complete(struct evhttp_request *ev, void *arg)
{
    struct nr_worker *wk = arg;
    struct evhttp_connection *evcon = evhttp_request_get_connection(ev);

    for (struct nr_req_state *s = wk->deferred.next; s != &wk->deferred; s = s->next) {
        if (s->r.ev == ev) {
            s->answered = true;
            if (s->r.status == 0)
                s->r.status = evhttp_request_get_response_code(ev);
            nr_req_finish(s);
            break;
        }
    }
    if (evcon && wk->draining)
        /* An answer that did not say Connection: close (a download streamed by its handler)
         * leaves its connection to the short idle timeout of a stop. */
        evhttp_connection_set_timeout(evcon, NR_HTTP_DRAIN_IDLE_S);
    else if (evcon && tsearch(evcon, &wk->idle, nr_ptr_cmp) != NULL)
        /* Nothing else runs on this connection until its next request: this close callback
         * is the one that will be called. */
        evhttp_connection_set_closecb(evcon, nr_on_close, wk);
}

static void nr_send_allow(struct nr_req *r, const struct nr_route_match *m)
{
    char allow[96];
    nr__route_allow_header(m->allow, allow, sizeof(allow));
    evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Allow", allow);
}

/* Route, query, body: everything before authentication. Returns 0, or -1 when it answered. */
static int nr_req_prepare(struct nr_req_state *s, const struct evhttp_uri *uri)
{
    struct nr_req *r = &s->r;
    struct nr_route_match m;
    struct nr_err err;
    const char *raw_path = uri ? evhttp_uri_get_path(uri) : NULL;
    struct evbuffer *in;
    size_t len;
    int rc;

    nr_err_init(&err);
    if (raw_path == NULL || *raw_path == '\0') {
        r->path = "";
        nr_req_fail(r, NR_EINVAL, "path", "the request has no path");
        return -1;
    }
    rc = nr__route_match(raw_path, s->method, &r->ar, &m, &err);
    r->path = m.path ? m.path : nr_arena_strdup(&r->ar, raw_path);
    if (rc == NR_ENOTFOUND && m.allow && s->method == EVHTTP_REQ_OPTIONS) {
        nr_send_allow(r, &m);
        nr__req_reply(r, 204, NULL, NULL);
        return -1;
    }
    if (rc == NR_ENOTFOUND && m.allow) {
        char allow[96];
        nr__route_allow_header(m.allow, allow, sizeof(allow));
        nr_send_allow(r, &m);
        nr_req_json(r, 405,
                    json_pack("{s:{s:s,s:s++++,s:n}}", "error", "code", "method_not_allowed",
                              "message", r->path, " does not take ", nr__method_name(s->method),
                              "; it takes ", allow, "field"));
        return -1;
    }
    if (rc == NR_ENOTFOUND && (s->method == EVHTTP_REQ_GET || s->method == EVHTTP_REQ_HEAD) &&
        strcmp(r->path, "/api") != 0 && strncmp(r->path, "/api/", 5) != 0) {
        /* The browser UI: every GET outside /api/ that no route takes is a file of web/. */
        nr__static_serve(r, r->w->srv->web_root);
        return -1;
    }
    if (rc == NR_ENOTFOUND) {
        nr_req_fail(r, NR_ENOTFOUND, NULL, "no such path: %.200s", r->path);
        return -1;
    }
    if (rc) {
        nr_req_error(r, rc, &err);
        return -1;
    }
    r->route = m.route;
    s->route_index = m.index;
    r->nparams = m.nparams;
    memcpy(r->params, m.params, sizeof(r->params));

    rc = nr__query_parse(evhttp_uri_get_query(uri), &r->query, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return -1;
    }

    in = evhttp_request_get_input_buffer(r->ev);
    len = in ? evbuffer_get_length(in) : 0;
    if (r->route->flags & NR_ROUTE_RAW) {
        /* evhttp already refused more than NR_HTTP_PART_MAX (evhttp_set_max_body_size). */
        r->raw = len ? (const char *)evbuffer_pullup(in, -1) : "";
        r->raw_len = len;
        return 0;
    }
    if (r->route->method != EVHTTP_REQ_POST && r->route->method != EVHTTP_REQ_PUT &&
        r->route->method != EVHTTP_REQ_PATCH)
        return 0; /* a body on a GET or DELETE means nothing here */
    if (len > NR_HTTP_BODY_MAX) {
        nr_req_fail(r, NR_ETOOBIG, NULL,
                    "the request body is %zu bytes; this route takes at most %d", len,
                    NR_HTTP_BODY_MAX);
        return -1;
    }
    if (len == 0)
        return 0; /* no body counts as {} (nr_req_fields) */
    rc = nr__json_body_parse((const char *)evbuffer_pullup(in, -1), len, &r->body, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return -1;
    }
    return 0;
}

static void nr_on_request(struct evhttp_request *ev, void *arg)
{
    struct nr_worker *wk = arg;
    struct nr_req_state *s = nr_calloc(1, sizeof(*s));
    struct nr_req *r = &s->r;
    struct evhttp_connection *evcon = evhttp_request_get_connection(ev);
    struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
    size_t out_before = bev ? evbuffer_get_length(bufferevent_get_output(bev)) : 0;

    r->started_ns = nr_now_ns();
    r->ev = ev;
    r->w = &wk->w;
    r->rv = &wk->w.rv;
    nr_arena_init(&r->ar);
    r->query.tqh_first = NULL;
    r->query.tqh_last = &r->query.tqh_first;
    nr_actor_public(&r->actor);
    r->via = NR_AUTH_NONE;
    s->method = evhttp_request_get_command(ev);
    s->route_index = -1;
    s->in_dispatch = true;
    if (evcon) {
        char *addr = NULL;
        ev_uint16_t port = 0;
        evhttp_connection_get_peer(evcon, &addr, &port);
        snprintf(r->client, sizeof(r->client), "%s", addr ? addr : "");
        /* Behind a TLS proxy the peer is the proxy: the client is the address the proxy
         * appended last to X-Forwarded-For, so that throttling and complaint limits count
         * clients, not the proxy. */
        if (wk->w.srv->behind_tls) {
            const char *xff =
                evhttp_find_header(evhttp_request_get_input_headers(ev), "X-Forwarded-For");
            const char *last = xff ? strrchr(xff, ',') : NULL;
            last = last ? last + 1 : xff;
            while (last && *last == ' ')
                last++;
            if (last && *last && strlen(last) < sizeof(r->client))
                snprintf(r->client, sizeof(r->client), "%s", last);
        }
        /* Busy now: a stop must not cut this connection for idleness. */
        tdelete(evcon, &wk->idle, nr_ptr_cmp);
        evhttp_request_set_on_complete_cb(ev, nr_on_complete, wk);
    }

    if (nr_req_prepare(s, evhttp_request_get_evhttp_uri(ev)) == 0 && nr_http_authenticate(r) == 0) {
        if (!(r->route->flags & NR_ROUTE_PUBLIC) && r->via == NR_AUTH_NONE)
            nr_req_fail(r, NR_EAUTH, NULL, "sign in first: %s needs a session or an API token",
                        r->route->pattern);
        else
            r->route->handler(r);
    }

    s->in_dispatch = false;
    if (!s->answered) {
        int code = evhttp_request_get_response_code(ev);
        if (code <= 0) {
            /* Deferred: the handler answers later through nr_req_json & co. on r. */
            s->prev = &wk->deferred;
            s->next = wk->deferred.next;
            wk->deferred.next->prev = s;
            wk->deferred.next = s;
            return;
        }
        /* The handler answered through evhttp itself (a streamed download). */
        s->answered = true;
        r->status = code;
        s->bytes = bev ? evbuffer_get_length(bufferevent_get_output(bev)) - out_before : 0;
    }
    nr_req_finish(s);
}

/* ---- workers ---- */

/* R14: the periodic watch (see the top of this file). Settings hold ISO 8601 UTC times, which
 * order as text. */
static void nr_worker_watch(struct nr_worker *wk)
{
    struct nr_review *rv = &wk->w.rv;
    struct nr_sca_watch_stats st;
    struct nr_actor admin;
    struct nr_err err;
    struct nr_buf b;
    char *imported = NULL, *last = NULL, when[NR_TIME_STR];
    int rc;

    if (nr_store_setting_get(rv->st, "osv.last_import", &imported, NULL) != 0 || imported == NULL)
        goto out;
    /* Times have whole seconds: an import in the same second as the last run may have come
     * after it, so a run in that second covers it only when it is this worker's own run for
     * that very import. */
    if (strcmp(imported, wk->watched_import) == 0)
        goto out;
    if (nr_store_setting_get(rv->st, "watch.last_run", &last, NULL) == 0 && last &&
        strcmp(imported, last) < 0)
        goto out;
    nr_actor_local_admin(&admin);
    memset(&st, 0, sizeof(st));
    nr_err_init(&err);
    rc = nr_sca_watch(rv, &admin, &st, &err);
    if (rc == 0)
        snprintf(wk->watched_import, sizeof(wk->watched_import), "%s", imported);
    nr_time_fmt(nr_time_now(), when);
    nr_buf_init(&b, 4096);
    nr_buf_printf(&b, "{\"time\":\"%s\",\"event\":\"watch\",\"osv_last_import\":", when);
    nr_log_str(&b, imported);
    if (rc == 0) {
        nr_buf_printf(&b,
                      ",\"sboms\":%lld,\"components\":%lld,\"matches\":%lld,"
                      "\"new_matches\":%lld,\"flagged\":%lld,\"index_seconds\":%.3f,"
                      "\"match_seconds\":%.3f}\n",
                      (long long)st.sboms, (long long)st.components, (long long)st.matches,
                      (long long)st.new_matches, (long long)st.flagged, st.index_seconds,
                      st.match_seconds);
    } else {
        nr_buf_printf(&b, ",\"error\":{\"code\":\"%s\",\"message\":", nr_err_name(rc));
        nr_log_str(&b, err.msg[0] ? err.msg : nr_strerror(rc));
        nr_buf_puts(&b, "}}\n");
    }
    if (b.p) {
        ssize_t n = write(STDERR_FILENO, b.p, b.len);
        (void)n;
    }
    nr_buf_release(&b);
out:
    nr_free(imported);
    nr_free(last);
}

static void nr_worker_poll(evutil_socket_t fd, short what, void *arg)
{
    struct nr_worker *wk = arg;
    (void)fd;
    (void)what;
    nr__gate_cache_poll(wk->w.srv->gc, &wk->w.rv);
    /* Abandoned evidence uploads: one worker sweeps their part files at start and hourly. */
    if (wk->w.index == 0 && wk->sweep_ticks++ % 3600 == 0) {
        struct nr_err err;
        int removed = 0;
        nr_err_init(&err);
        if (nr_upload_sweep(&wk->w.rv, NR_UPLOAD_MAX_AGE, &removed, &err) != 0)
            fprintf(stderr, "netreview serve: upload sweep: %s\n", err.msg);
    }
    /* R14: at start (an import may have come while the server was down), then every
     * interval. */
    if (wk->w.index == 0 && wk->w.srv->watch_interval > 0 &&
        wk->watch_ticks++ % (unsigned)wk->w.srv->watch_interval == 0)
        nr_worker_watch(wk);
}

static void nr_shorten_idle(const void *node, VISIT which, void *closure)
{
    (void)closure;
    if (which == postorder || which == leaf)
        evhttp_connection_set_timeout(*(struct evhttp_connection *const *)node,
                                      NR_HTTP_DRAIN_IDLE_S);
}

static void nr_worker_drain_tick(evutil_socket_t fd, short what, void *arg)
{
    struct nr_worker *wk = arg;
    /* What is left on the base besides this timer: connections (reading, writing, idle),
     * handlers' timers (a delayed sign-in refusal). */
    int left = event_base_get_num_events(wk->w.base, EVENT_BASE_COUNT_ADDED) - 1;

    (void)fd;
    (void)what;
    if (left <= 0 || nr_now_ns() >= wk->drain_deadline_ns) {
        if (left > 0)
            fprintf(stderr,
                    "netreview serve: worker %d stops with %d connections or timers left after "
                    "%d s\n",
                    wk->w.index, left, NR_HTTP_DRAIN_MAX_S);
        event_base_loopbreak(wk->w.base);
    }
}

static void nr_worker_stop(evutil_socket_t fd, short what, void *arg)
{
    struct nr_worker *wk = arg;
    struct timeval tick = {0, NR_HTTP_DRAIN_TICK_MS * 1000};

    (void)fd;
    (void)what;
    if (wk->draining)
        return;
    wk->draining = true;
    if (wk->bound) {
        /* Frees this worker's listener; the shared socket stays open (no CLOSE_ON_FREE) until
         * every worker has let go of it. */
        evhttp_del_accept_socket(wk->w.http, wk->bound);
        wk->bound = NULL;
    }
    sem_post(&wk->w.srv->listening_stopped);
    if (wk->poll_ev)
        event_del(wk->poll_ev);
    twalk_r(wk->idle, nr_shorten_idle, NULL);
    wk->drain_deadline_ns = nr_now_ns() + (uint64_t)NR_HTTP_DRAIN_MAX_S * 1000000000u;
    event_add(wk->drain_ev, &tick);
}

static void *nr_worker_main(void *arg)
{
    struct nr_worker *wk = arg;
    nr_current_worker = wk;
    event_base_dispatch(wk->w.base);
    nr_current_worker = NULL;
    return NULL;
}

static int nr_worker_setup(struct nr_http_server *srv, struct nr_worker *wk, int index,
                           struct nr_err *err)
{
    struct evconnlistener *lev;
    struct event_config *cfg;
    struct timeval second = {1, 0};

    wk->w.index = index;
    wk->w.srv = srv;
    wk->deferred.next = wk->deferred.prev = &wk->deferred;
    nr_metrics_init(&wk->m);
    cfg = event_config_new();
    if (cfg) {
        /* Batch the epoll_ctl calls of a loop iteration: evhttp turns reading and writing off
         * and on around every request, and most of those changes cancel out (about a fifth
         * more gate answers a second on one worker). Its caveat, fds cloned with dup(), does
         * not arise: every connection is its own accept(). */
        event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
        wk->w.base = event_base_new_with_config(cfg);
        event_config_free(cfg);
    }
    if (wk->w.base == NULL)
        return nr_err_set(err, NR_EIO, NULL, "cannot create an event base");
    wk->w.http = evhttp_new(wk->w.base);
    if (wk->w.http == NULL)
        return nr_err_set(err, NR_EIO, NULL, "cannot create an HTTP server");
    evhttp_set_max_headers_size(wk->w.http, NR_HTTP_HEADERS_MAX);
    /* The largest body any route takes; JSON routes refuse more than NR_HTTP_BODY_MAX with a
     * JSON 413 once the body is in. */
    evhttp_set_max_body_size(wk->w.http, NR_HTTP_PART_MAX);
    evhttp_set_timeout(wk->w.http, NR_HTTP_IDLE_S);
    evhttp_set_default_content_type(wk->w.http, "application/json");
    /* Every method reaches the router, so that a known path answers 405 with Allow in JSON. */
    evhttp_set_allowed_methods(wk->w.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                               EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                               EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                               EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_gencb(wk->w.http, nr_on_request, wk);
    lev = evconnlistener_new(wk->w.base, NULL, NULL, LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE, 0,
                             srv->fd);
    if (lev == NULL)
        return nr_err_set(err, NR_EIO, "listen", "cannot watch the listening socket");
    wk->bound = evhttp_bind_listener(wk->w.http, lev);
    if (wk->bound == NULL) {
        evconnlistener_free(lev);
        return nr_err_set(err, NR_EIO, "listen", "cannot bind the HTTP server to its socket");
    }
    wk->stop_ev = event_new(wk->w.base, -1, 0, nr_worker_stop, wk);
    wk->poll_ev = event_new(wk->w.base, -1, EV_PERSIST, nr_worker_poll, wk);
    wk->drain_ev = event_new(wk->w.base, -1, EV_PERSIST, nr_worker_drain_tick, wk);
    if (wk->stop_ev == NULL || wk->poll_ev == NULL || wk->drain_ev == NULL ||
        event_add(wk->poll_ev, &second) != 0)
        return nr_err_set(err, NR_EIO, NULL, "cannot create the worker's timers");
    return 0;
}

static void nr_idle_free(void *node)
{
    (void)node; /* the tree holds evhttp's connections; they are not ours to free */
}

static void nr_worker_release(struct nr_worker *wk)
{
    if (wk->w.http)
        evhttp_free(wk->w.http); /* closes what connections are left (after the drain limit) */
    tdestroy(wk->idle, nr_idle_free);
    wk->idle = NULL;
    while (wk->deferred.next && wk->deferred.next != &wk->deferred) {
        struct nr_req_state *s = wk->deferred.next;
        nr_deferred_unlink(s);
        nr_req_free(s);
    }
    if (wk->stop_ev)
        event_free(wk->stop_ev);
    if (wk->poll_ev)
        event_free(wk->poll_ev);
    if (wk->drain_ev)
        event_free(wk->drain_ev);
    if (wk->w.base)
        event_base_free(wk->w.base);
    if (wk->w.rv.st)
        nr_review_close(&wk->w.rv);
    nr_metrics_release(&wk->m);
}

/* ---- the listening socket ---- */

/* "127.0.0.1:8080", "[::1]:8080", ":8080" (every address), "localhost:0". */
static int nr_listen(struct nr_http_server *srv, const char *spec, struct nr_err *err)
{
    struct addrinfo hints, *res = NULL, *ai;
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    char host[256], port[16], h[NI_MAXHOST], p[NI_MAXSERV];
    const char *colon;
    int rc = 0, saved = 0, one = 1;
    evutil_socket_t fd = -1;

    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (close == NULL || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof(host))
            return nr_err_set(err, NR_EINVAL, "listen", "malformed address %s (want [ADDR]:PORT)",
                              spec);
        snprintf(host, sizeof(host), "%.*s", (int)(close - spec - 1), spec + 1);
        colon = close + 1;
    } else {
        colon = strrchr(spec, ':');
        if (colon == NULL || (size_t)(colon - spec) >= sizeof(host))
            return nr_err_set(err, NR_EINVAL, "listen", "malformed address %s (want ADDR:PORT)",
                              spec);
        snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
    }
    if (strlen(colon + 1) == 0 || strlen(colon + 1) > 5 ||
        strspn(colon + 1, "0123456789") != strlen(colon + 1) || strtol(colon + 1, NULL, 10) > 65535)
        return nr_err_set(err, NR_EINVAL, "listen", "malformed port in %s", spec);
    snprintf(port, sizeof(port), "%s", colon + 1);

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (rc != 0)
        return nr_err_set(err, NR_EINVAL, "listen", "cannot resolve %s: %s", spec,
                          gai_strerror(rc));
    rc = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, NR_HTTP_BACKLOG) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return nr_err_set(err, -(saved ? saved : EADDRNOTAVAIL), "listen",
                          "cannot listen on %s: %s", spec, strerror(saved ? saved : EADDRNOTAVAIL));
    if (getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0 ||
        getnameinfo((struct sockaddr *)&ss, sslen, h, sizeof(h), p, sizeof(p),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        saved = errno;
        close(fd);
        return nr_err_set(err, -(saved ? saved : EIO), "listen", "cannot read the address of %s",
                          spec);
    }
    snprintf(srv->address, sizeof(srv->address), ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h,
             p);
    srv->fd = fd;
    return rc;
}

/* ---- serve ---- */

static int nr_workers_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > NR_HTTP_WORKERS_MAX ? NR_HTTP_WORKERS_MAX : (int)n;
}

int nr_http_serve(const struct nr_http_config *cfg, struct nr_err *err)
{
    struct nr_http_server *srv = nr_calloc(1, sizeof(*srv));
    struct sigaction sa, old_term, old_int, old_pipe;
    sigset_t block, old_mask;
    int pipefd[2] = {-1, -1}, rc = 0, started = 0;
    bool sem_ready = false;

    srv->fd = -1;
    srv->access_fd = -1;
    srv->listen = nr_strdup(cfg->listen && *cfg->listen ? cfg->listen : "127.0.0.1:8080");
    srv->web_dir = cfg->web_dir ? nr_strdup(cfg->web_dir) : NULL;
    srv->behind_tls = cfg->behind_tls;
    srv->watch_interval = cfg->watch_interval > 0 ? cfg->watch_interval : 0;
    srv->nworkers = cfg->workers > 0 ? cfg->workers : nr_workers_default();
    if (srv->nworkers > NR_HTTP_WORKERS_MAX)
        srv->nworkers = NR_HTTP_WORKERS_MAX;

    /* Signals first: a SIGTERM during start-up stops the server as soon as it runs. */
    nr_stop_requested = 0;
    if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0) {
        rc = nr_err_set(err, -errno, NULL, "cannot create a pipe: %s", strerror(errno));
        goto out_nosig;
    }
    nr_stop_fd = pipefd[1];
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = nr_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGINT, &sa, &old_int);
    /* A client that leaves while its answer is written must not kill the server. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old_pipe);

    if (cfg->access_log && strcmp(cfg->access_log, "-") == 0) {
        srv->access_fd = STDERR_FILENO;
    } else if (cfg->access_log && *cfg->access_log) {
        srv->access_fd = open(cfg->access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (srv->access_fd < 0) {
            rc = nr_err_set(err, -errno, "access_log", "cannot open the access log %s: %s",
                            cfg->access_log, strerror(errno));
            goto out;
        }
        srv->access_close = true;
    }

    if (evthread_use_pthreads() != 0) {
        rc = nr_err_set(err, NR_EIO, NULL, "libevent has no thread support");
        goto out;
    }
    srv->workers = nr_calloc((size_t)srv->nworkers, sizeof(*srv->workers));
    /* Every worker's database is opened before anything listens: a database that is missing,
     * not initialised or with a malformed procedure stops the start here. */
    for (int i = 0; i < srv->nworkers; i++) {
        rc = nr_review_open(&srv->workers[i].w.rv, &cfg->review, err);
        if (rc)
            goto out;
    }
    /* The browser UI's files: --web-dir, else <home>/web. Missing: the API still serves. */
    if (srv->web_dir == NULL)
        srv->web_dir = nr_asprintf("%s/web", srv->workers[0].w.rv.home);
    srv->web_root = nr__static_root(srv->web_dir);
    if (srv->web_root == NULL)
        fprintf(stderr,
                "netreview serve: no web directory at %s (%s): the browser UI is not served\n",
                srv->web_dir, strerror(errno));
    srv->gc = nr__gate_cache_new();
    {
        /* Build the gate index now, so that the first procurement system does not wait. */
        struct nr_err gerr;
        struct nr_gate_index *idx;
        nr_err_init(&gerr);
        idx = nr__gate_cache_get(srv->gc, &srv->workers[0].w.rv, &gerr);
        if (idx)
            nr__gate_index_put(srv->gc, idx);
        else
            fprintf(stderr, "netreview serve: the gate index cannot be built yet: %s\n", gerr.msg);
    }
    rc = nr_listen(srv, srv->listen, err);
    if (rc)
        goto out;
    if (sem_init(&srv->listening_stopped, 0, 0) != 0) {
        rc = nr_err_set(err, -errno, NULL, "cannot create a semaphore");
        goto out;
    }
    sem_ready = true;
    for (int i = 0; i < srv->nworkers; i++) {
        rc = nr_worker_setup(srv, &srv->workers[i], i, err);
        if (rc)
            goto out;
    }

    /* Workers leave signals to this thread. */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old_mask);
    for (int i = 0; i < srv->nworkers; i++) {
        int prc = pthread_create(&srv->workers[i].thread, NULL, nr_worker_main, &srv->workers[i]);
        if (prc != 0) {
            rc = nr_err_set(err, -prc, NULL, "cannot start worker %d: %s", i, strerror(prc));
            break;
        }
        srv->workers[i].started = true;
        started++;
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);

    if (rc == 0 && cfg->on_ready)
        cfg->on_ready(srv->address, cfg->on_ready_arg);
    while (rc == 0 && !nr_stop_requested) {
        struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
        char c;
        if (poll(&pfd, 1, -1) > 0)
            while (read(pipefd[0], &c, 1) == 1)
                ;
    }

    /* Stop: no worker accepts any more, then the socket closes, so that new clients are
     * refused at once instead of waiting in the backlog; then requests in flight finish. */
    for (int i = 0; i < srv->nworkers; i++)
        if (srv->workers[i].started)
            event_active(srv->workers[i].stop_ev, EV_TIMEOUT, 0);
    for (int i = 0; i < started; i++)
        while (sem_wait(&srv->listening_stopped) != 0 && errno == EINTR)
            ;
    close(srv->fd);
    srv->fd = -1;
    for (int i = 0; i < srv->nworkers; i++)
        if (srv->workers[i].started)
            pthread_join(srv->workers[i].thread, NULL);

out:
    for (int i = 0; srv->workers && i < srv->nworkers; i++)
        nr_worker_release(&srv->workers[i]);
    if (srv->gc)
        nr__gate_cache_free(srv->gc);
    if (srv->fd >= 0)
        close(srv->fd);
    if (sem_ready)
        sem_destroy(&srv->listening_stopped);
    if (srv->access_close)
        close(srv->access_fd);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    nr_stop_fd = -1;
out_nosig:
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    nr_free(srv->workers);
    nr_free(srv->listen);
    nr_free(srv->web_dir);
    nr_free(srv->web_root);
    nr_free(srv);
    return rc;
}
