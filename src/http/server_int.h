/*
 * server_int.h - what server.c and req.c share beyond http_int.h, and the pure parts of request
 * handling (route matching, query parsing, JSON body checks) that the fuzzer and the unit tests
 * call without a socket (private to src/http/).
 *
 * Request lifetime. The server allocates each struct nr_req inside a struct nr_req_state and
 * frees it once the request is answered:
 * - a handler that answers (nr_req_json, nr_req_error, nr_req_fail) before returning: when it
 *   returns;
 * - a handler that returns without answering has deferred its answer (a timer, as the sign-in
 *   throttle does): r stays valid until it answers through nr_req_json/_error/_fail on the same
 *   r, and is freed inside that call; the caller must not touch r afterwards;
 * - a handler that answers through evhttp itself (evhttp_send_reply_start/_chunk/_end for a
 *   download) must not touch r after returning: the server logs the request with the status it
 *   started and frees r when the handler returns.
 * Exactly one answer per request: a second nr_req_json/_error/_fail is ignored (and reported on
 * stderr), so a handler that checks several fields may stop at the first failure.
 */
#ifndef NETREVIEW_SERVER_INT_H
#define NETREVIEW_SERVER_INT_H

#include "http_int.h"

#include <event2/buffer.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- pure parsing ---- */

/* Caps of the parts of a request line the router reads (the request line as a whole is capped
 * by NR_HTTP_HEADERS_MAX). */
#define NR_HTTP_PATH_SEGMENTS 16
#define NR_HTTP_QUERY_PARAMS  64

/* What the router found for a method and a path. */
struct nr_route_match {
    const struct nr_route *route;            /* NULL when no route answers this method */
    int index;                               /* into nr__routes; -1 when route is NULL */
    const char *path;                        /* the decoded path (arena) */
    const char *params[NR_HTTP_PATH_PARAMS]; /* decoded {name} segments (arena) */
    int nparams;
    unsigned allow; /* EVHTTP_REQ_* of every route whose pattern matches the path */
};

/* Matches raw_path (as sent, without the query) against nr__routes for method (an
 * EVHTTP_REQ_* value; HEAD matches GET routes). Segments are percent-decoded one by one, so an
 * encoded slash stays inside its segment; a literal segment beats a {name} one. Returns 0 with
 * m->route set; NR_ENOTFOUND with m->allow == 0 (404) or != 0 (405: m->allow lists the methods);
 * NR_EINVAL (400) for a path that is not absolute, has bad percent-encoding, a NUL or invalid
 * UTF-8, or more than NR_HTTP_PATH_SEGMENTS segments. Never fails otherwise. */
int nr__route_match(const char *raw_path, int method, struct nr_arena *ar, struct nr_route_match *m,
                    struct nr_err *err);
/* "GET, HEAD, POST" for an allow mask, into buf (always NUL-terminated). */
void nr__route_allow_header(unsigned allow, char *buf, size_t size);
/* The name of {name} number i of a route's pattern, into buf ("" when there is none). */
void nr__route_param_name(const struct nr_route *route, int i, char *buf, size_t size);
/* Name of an EVHTTP_REQ_* method ("GET"), "OTHER" for anything else. */
const char *nr__method_name(int method);

/* Parses a raw query string (without "?"; NULL or "" is empty) into out, which the caller
 * initialises (TAILQ) and clears with evhttp_clear_headers. "a=1&b=x+y%21": '+' is a space,
 * a key without '=' has the value "". NR_EINVAL (with the parameter as err->field) for bad
 * percent-encoding, NUL, CR, LF or invalid UTF-8, an empty key, a key given twice, or more than
 * NR_HTTP_QUERY_PARAMS parameters. */
int nr__query_parse(const char *query, struct evkeyvalq *out, struct nr_err *err);

/* Parses a JSON request body: jansson with duplicate keys refused, then the caps. *out (caller
 * json_decrefs) is the object. NR_EPARSE for malformed JSON (the message gives line, column and
 * byte position; field "$") or nesting deeper than NR_HTTP_JSON_DEPTH (field: the JSON path);
 * NR_EINVAL for a body that is not an object (field "$") or a string or key longer than
 * NR_HTTP_STRING_MAX bytes (field: its JSON path). */
int nr__json_body_parse(const char *buf, size_t len, json_t **out, struct nr_err *err);
/* The caps alone, on any JSON value: depth (a container is one level) and string length. */
int nr__json_check_caps(const json_t *v, int depth_max, size_t string_max, struct nr_err *err);

/* True when s[0..len) is valid UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF). */
bool nr__utf8_valid(const char *s, size_t len);

/* ---- the request as the server keeps it ---- */

struct nr_req_state {
    struct nr_req r;  /* first: a struct nr_req * is a struct nr_req_state * */
    int route_index;  /* into nr__routes, -1 when unmatched */
    int method;       /* EVHTTP_REQ_* as received */
    bool in_dispatch; /* the dispatcher (auth or handler) is running: it finishes r */
    bool answered;    /* an answer went out (or started) */
    uint64_t bytes;   /* response bytes queued: status line, headers, body */
    struct nr_req_state *prev, *next; /* the worker's deferred requests */
};

static inline struct nr_req_state *nr__req_state(struct nr_req *r)
{
    return (struct nr_req_state *)r;
}

/* Sends a finished response: status, Content-Type, body (NULL for none). Adds the headers
 * every answer carries (and Connection: close while the server stops). Does nothing but warn
 * when r was answered before. Frees r when its answer was deferred. The body is consumed. */
void nr__req_reply(struct nr_req *r, int status, const char *content_type, struct evbuffer *body);
/* Called once r is answered; frees r when the dispatcher has returned (a deferred answer). */
void nr__req_answered(struct nr_req *r);
/* True while the worker stops: answers then carry Connection: close. */
bool nr__worker_draining(const struct nr_http_worker *w);

/* ---- the server (server.c) ---- */

/* Appends the request metrics (requests_total, request_duration_seconds) and the gate lookups
 * in Prometheus text format 0.0.4 to buf. */
int nr__metrics_write(struct nr_http_server *srv, struct nr_buf *buf);

#endif
