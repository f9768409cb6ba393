/*
 * http_int.h - what the files of src/http/ share: the worker, the request, the route table and
 * the helpers every handler uses (private to src/http/; the public entry is http.h).
 *
 * Model: `netreview serve` opens one listening socket; each of N worker threads runs its own
 * event_base and evhttp on it, and owns its own struct nr_review (its own database connection,
 * procedure, calendar and keys), so a request never shares mutable state with another thread
 * except through the store (SQLite WAL, busy timeout) and the gate index (gate.h), which is
 * read-mostly and swapped atomically.
 *
 * A request runs: parse (method, path, query, body with caps) -> route -> authenticate (session
 * cookie + CSRF, or bearer token with its scopes, or the public) -> handler. The handler calls
 * the model (review.h), which checks role, phase and need-to-know, and answers with nr_req_json
 * or nr_req_error. Every write the model makes is one transaction; the handler never writes SQL.
 *
 * Ownership: struct nr_req and everything in its arena live until the response is sent. A
 * handler that returns without answering has deferred its answer (a timer: the sign-in delay)
 * and r stays valid until it answers; a handler that streams through evhttp itself (evidence
 * downloads) must not touch r after it returns (server_int.h has the details).
 * nr_req_json steals its json_t. Errors are JSON {"error":{"code","message","field"}}.
 */
#ifndef NETREVIEW_HTTP_INT_H
#define NETREVIEW_HTTP_INT_H

#include "netreview/http.h"
#include "netreview/review.h"

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Limits on what a request may carry (Bad input: caps everywhere). */
#define NR_HTTP_BODY_MAX    (1 << 20) /* JSON bodies */
#define NR_HTTP_PART_MAX    (8 << 20) /* one part of an evidence upload */
#define NR_HTTP_HEADERS_MAX (16 << 10)
#define NR_HTTP_JSON_DEPTH  16
#define NR_HTTP_STRING_MAX  (64 << 10)
#define NR_HTTP_PATH_PARAMS 4

/* Token scopes (an API token carries a set; a session has all of its user's). */
#define NR_SCOPE_GATE  0x1u /* GET /api/v1/gate, /api/v1/gate/feed */
#define NR_SCOPE_READ  0x2u /* every GET */
#define NR_SCOPE_WRITE 0x4u /* every state-changing request */
#define NR_SCOPE_ALL   (NR_SCOPE_GATE | NR_SCOPE_READ | NR_SCOPE_WRITE)

/* Route flags. */
#define NR_ROUTE_PUBLIC 0x1u /* answers the public (no sign-in); handlers still check roles */
#define NR_ROUTE_RAW    0x2u /* body is not JSON (evidence parts): nr_req.raw instead */
#define NR_ROUTE_NOCSRF 0x4u /* state-changing but exempt from CSRF (sign-in itself) */

struct nr_http_server;
struct nr_gate_index;

struct nr_http_worker {
    int index;
    struct event_base *base;
    struct evhttp *http;
    struct nr_review rv; /* this thread's installation handle */
    struct nr_http_server *srv;
};

enum nr_auth_via { NR_AUTH_NONE, NR_AUTH_SESSION, NR_AUTH_TOKEN };

struct nr_req {
    struct evhttp_request *ev;
    struct nr_http_worker *w;
    struct nr_review *rv; /* == &w->rv */
    struct nr_arena ar;
    const struct nr_route *route;
    const char *path;                        /* decoded path, arena */
    const char *params[NR_HTTP_PATH_PARAMS]; /* {name} segments of the route, arena */
    int nparams;
    struct evkeyvalq query; /* parsed query string */
    json_t *body;           /* JSON body of POST/PUT/PATCH, NULL otherwise */
    const char *raw;        /* NR_ROUTE_RAW: the body bytes (in memory, */
    size_t raw_len;         /* capped at NR_HTTP_PART_MAX) */
    struct nr_actor actor;  /* the public when not signed in */
    enum nr_auth_via via;
    unsigned scopes;
    int64_t session_id, token_id;
    char client[64]; /* peer address, for logs and throttling */
    int status;      /* sent status, for the access log */
    uint64_t started_ns;
};

typedef void (*nr_handler)(struct nr_req *r);

struct nr_route {
    int method;          /* EVHTTP_REQ_GET, _POST, _PUT, _PATCH, _DELETE */
    const char *pattern; /* "/api/v1/cases/{case}/transitions/{transition}" */
    nr_handler handler;
    unsigned flags;      /* NR_ROUTE_* */
    unsigned scope;      /* scope a token needs: NR_SCOPE_GATE, _READ or _WRITE */
    const char *summary; /* one line for OpenAPI and the access matrix */
};

/* The router's table (routes.c) — the single list that OpenAPI and the access matrix test
 * are checked against. */
extern const struct nr_route nr__routes[];
extern const size_t nr__nroutes;

/* ---- responses ---- */

/* Sends body (stolen) as JSON with status. */
void nr_req_json(struct nr_req *r, int status, json_t *body);
/* Maps an NR_E code to its status (404 not found, 403 forbidden, 409 phase/precondition/
 * conflict/exists, 400 invalid/malformed, 413 too big, 401 unauthenticated, 503 busy, 500
 * otherwise) and sends {"error":{"code","message","field"}}. R11: never says whether a case the
 * caller may not see exists (the model already answers NR_ENOTFOUND for both). */
void nr_req_error(struct nr_req *r, int code, const struct nr_err *err);
/* An error with a message of its own (bad query parameter, unknown field...). */
void nr_req_fail(struct nr_req *r, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int nr_http_status_of(int code);

/* ---- reading the request ---- */

/* Query parameter, NULL when absent. */
const char *nr_req_query(struct nr_req *r, const char *key);
/* Integer query parameter within [min, max]; *out = dflt when absent. On a bad value sends a 400
 * and returns -1. */
int nr_req_query_int(struct nr_req *r, const char *key, int64_t min, int64_t max, int64_t dflt,
                     int64_t *out);
/* Path parameter i as text (arena). */
const char *nr_req_param(struct nr_req *r, int i);
/* Path parameter i as a positive id; on failure sends 400 and returns -1. */
int nr_req_param_id(struct nr_req *r, int i, int64_t *id);
/* Path parameter i as a case (id or reference), resolved with the caller's visibility; sends 404
 * and returns -1 when absent or not visible. */
int nr_req_param_case(struct nr_req *r, int i, int64_t *case_id);
/* Refuses body members outside `allowed` (NULL-terminated): sends 400 naming the field and
 * returns -1. A missing body counts as {}. */
int nr_req_fields(struct nr_req *r, const char *const *allowed);
/* String member of the body: NULL when absent. On a wrong type, or longer than max bytes, or
 * absent while required, sends 400 naming the field and sets *bad. */
const char *nr_req_str(struct nr_req *r, const char *key, size_t max, bool required, bool *bad);
/* Integer member (absent: dflt) and boolean member (absent: dflt), same error handling. */
int64_t nr_req_int(struct nr_req *r, const char *key, int64_t min, int64_t max, int64_t dflt,
                   bool *bad);
bool nr_req_bool(struct nr_req *r, const char *key, bool dflt, bool *bad);
/* A request header, NULL when absent. */
const char *nr_req_header(struct nr_req *r, const char *name);

/* ---- authentication (auth.c) ---- */

/* Fills r->actor, r->via, r->scopes from the session cookie or the bearer token, or leaves the
 * public. Returns 0, or sends 401/403 (bad token, CSRF missing on a state-changing request made
 * with the cookie, token scope too narrow for the route) and returns -1. */
int nr_http_authenticate(struct nr_req *r);

/* ---- handlers, one file per resource (api_*.c) ---- */
#define NR_HANDLER(name) void name(struct nr_req *r)

/* ---- the gate index (gate_cache.c) ---- */

/* One per server, shared by the workers. The index (gate.h) is immutable once built; the cache
 * holds the current one and swaps in a new one when decisions change: after a handler that
 * decides, publishes or revokes (nr_http_decisions_changed), and when another process (the CLI)
 * changed them, noticed by a timer on each worker at most once a second, never per request. */
struct nr_gate_cache;
struct nr_gate_cache *nr__gate_cache_new(void);
void nr__gate_cache_free(struct nr_gate_cache *gc);
/* A reference to the current index, rebuilt first from rv when stale; release it with
 * nr__gate_index_put. NULL (with err) when it cannot be built. Thread-safe. */
struct nr_gate_index *nr__gate_cache_get(struct nr_gate_cache *gc, struct nr_review *rv,
                                         struct nr_err *err);
void nr__gate_index_put(struct nr_gate_cache *gc, struct nr_gate_index *idx);
/* Marks the index stale. Thread-safe, cheap. */
void nr__gate_cache_invalidate(struct nr_gate_cache *gc);
/* Called by each worker's timer: invalidates when the store's decisions changed since the last
 * build (by another process). */
void nr__gate_cache_poll(struct nr_gate_cache *gc, struct nr_review *rv);

/* ---- the server (server.c) ---- */

struct nr_gate_cache *nr_http_gate_cache(struct nr_http_server *srv);
/* Whether the server runs behind a TLS proxy (config behind_tls): session cookies then carry
 * Secure, and the client address comes from X-Forwarded-For. */
bool nr_http_behind_tls(struct nr_http_server *srv);
/* After a handler changed decisions: the gate answers from a new index from now on. */
void nr_http_decisions_changed(struct nr_http_server *srv);
/* Counts a gate lookup for /metrics. */
void nr_http_count_gate_lookup(struct nr_http_server *srv, const char *status);

#endif
