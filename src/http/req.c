/*
 * req.c - reading a request and answering it: the nr_req_* helpers every handler uses and the
 * mapping of error codes to HTTP statuses (interface: http_int.h), and the pure parts of request
 * handling that the dispatcher, the fuzzer and the tests share: route matching with {name}
 * parameters, query strings, and JSON bodies with their depth and length caps (server_int.h).
 *
 * Every answer is JSON, errors included: {"error":{"code","message","field"}}. A request gets
 * exactly one answer; the helpers that check input answer 400 themselves and tell the caller to
 * stop, so a handler reads `if (bad) return;` and never answers twice.
 */
#include "server_int.h"

#include <errno.h>
#include <pthread.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

/* ---- statuses ---- */

int nr_http_status_of(int code)
{
    switch (code) {
    case 0:
        return 200;
    case NR_ENOTFOUND:
        return 404;
    case NR_EFORBIDDEN:
        return 403;
    case NR_EPHASE:
    case NR_EPRECOND:
    case NR_ECONFLICT:
    case NR_EEXISTS:
        return 409;
    case NR_EINVAL:
    case NR_EPARSE:
        return 400;
    case NR_ETOOBIG:
        return 413;
    case NR_EAUTH:
        return 401;
    case NR_EBUSY:
        return 503;
    default:
        return 500;
    }
}

/* ---- answering ---- */

static void nr_header_default(struct evkeyvalq *h, const char *key, const char *value)
{
    if (evhttp_find_header(h, key) == NULL)
        evhttp_add_header(h, key, value);
}

void nr__req_reply(struct nr_req *r, int status, const char *content_type, struct evbuffer *body)
{
    struct nr_req_state *s = nr__req_state(r);
    size_t len = body ? evbuffer_get_length(body) : 0;

    if (s->answered) {
        /* A handler bug, not the client's: keep the first answer and say so in the log. */
        fprintf(stderr, "netreview serve: %s answered twice (second status %d ignored)\n",
                r->path ? r->path : "?", status);
        if (body)
            evbuffer_free(body);
        return;
    }
    s->answered = true;
    r->status = status;
    s->bytes = len;
    if (r->ev) {
        struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
        struct evhttp_connection *evcon = evhttp_request_get_connection(r->ev);
        struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
        size_t before = bev ? evbuffer_get_length(bufferevent_get_output(bev)) : 0;

        if (content_type) {
            evhttp_remove_header(h, "Content-Type");
            evhttp_add_header(h, "Content-Type", content_type);
        }
        nr_header_default(h, "X-Content-Type-Options", "nosniff");
        /* Answers carry confidential case data (R11): no cache keeps them unless the handler
         * says otherwise. */
        nr_header_default(h, "Cache-Control", "no-store");
        if (status == 503)
            nr_header_default(h, "Retry-After", "1");
        if (nr__worker_draining(r->w))
            nr_header_default(h, "Connection", "close");
        evhttp_send_reply(r->ev, status, NULL, body);
        /* The request may be gone now (a client that left while the answer was deferred);
         * the connection's output buffer, read before, tells how much was queued. */
        if (bev)
            s->bytes = evbuffer_get_length(bufferevent_get_output(bev)) - before;
    }
    if (body)
        evbuffer_free(body);
    nr__req_answered(r);
}

static int nr_dump_to_evbuffer(const char *buffer, size_t size, void *data)
{
    return evbuffer_add((struct evbuffer *)data, buffer, size);
}

void nr_req_json(struct nr_req *r, int status, json_t *body)
{
    struct evbuffer *buf = evbuffer_new();

    if (buf == NULL) {
        fprintf(stderr, "netreview serve: out of memory for an answer\n");
        abort();
    }
    if (body == NULL ||
        json_dump_callback(body, nr_dump_to_evbuffer, buf, JSON_COMPACT | JSON_ENCODE_ANY) != 0) {
        /* A handler that built no JSON (a jansson pack that failed on bad UTF-8): still one
         * JSON answer. */
        evbuffer_drain(buf, evbuffer_get_length(buf));
        evbuffer_add_printf(buf, "{\"error\":{\"code\":\"internal\",\"message\":\"the answer "
                                 "could not be encoded\",\"field\":null}}");
        status = 500;
    }
    evbuffer_add(buf, "\n", 1);
    json_decref(body);
    nr__req_reply(r, status, "application/json", buf);
}

/* The error body of every failure. */
static void nr_req_send_error(struct nr_req *r, int status, const char *code, const char *message,
                              const char *field)
{
    json_t *e = json_object(), *inner = json_object(), *m, *f;

    /* A message or field that is not UTF-8 (a file name from the model, say) must not lose the
     * error. */
    m = json_string(message);
    f = field && *field ? json_string(field) : NULL;
    json_object_set_new(inner, "code", json_string(code));
    json_object_set_new(inner, "message", m ? m : json_string("(unprintable)"));
    json_object_set_new(inner, "field", f ? f : json_null());
    json_object_set_new(e, "error", inner);
    nr_req_json(r, status, e);
}

void nr_req_error(struct nr_req *r, int code, const struct nr_err *err)
{
    int status = nr_http_status_of(code);
    const char *msg = err && err->code && err->msg[0] ? err->msg : nr_strerror(code);
    const char *field = err && err->code ? err->field : NULL;

    if (status == 500) {
        /* Internal detail (database text, file paths) stays in the server's log. */
        fprintf(stderr, "netreview serve: %s: %s (%s)\n", r->path ? r->path : "?", msg,
                nr_err_name(code));
        nr_req_send_error(r, status, nr_err_name(code), nr_strerror(code), NULL);
        return;
    }
    nr_req_send_error(r, status, nr_err_name(code), msg, field);
}

void nr_req_fail(struct nr_req *r, int code, const char *field, const char *fmt, ...)
{
    char msg[NR_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    nr_req_send_error(r, nr_http_status_of(code), nr_err_name(code), msg, field);
}

/* ---- reading ---- */

const char *nr_req_query(struct nr_req *r, const char *key)
{
    return evhttp_find_header(&r->query, key);
}

/* Strict decimal: optional '-', digits, nothing else. */
static int nr_parse_int64(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
        return NR_EINVAL;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s)
        return NR_EINVAL;
    *out = v;
    return 0;
}

int nr_req_query_int(struct nr_req *r, const char *key, int64_t min, int64_t max, int64_t dflt,
                     int64_t *out)
{
    const char *v = nr_req_query(r, key);
    int64_t n;

    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (nr_parse_int64(v, &n) != 0 || n < min || n > max) {
        nr_req_fail(r, NR_EINVAL, key, "query parameter %s must be an integer from %lld to %lld",
                    key, (long long)min, (long long)max);
        return -1;
    }
    *out = n;
    return 0;
}

const char *nr_req_param(struct nr_req *r, int i)
{
    return i >= 0 && i < r->nparams ? r->params[i] : NULL;
}

int nr_req_param_id(struct nr_req *r, int i, int64_t *id)
{
    const char *v = nr_req_param(r, i);
    char name[64];
    int64_t n;

    if (v == NULL || *v == '-' || nr_parse_int64(v, &n) != 0 || n <= 0) {
        nr__route_param_name(r->route, i, name, sizeof(name));
        nr_req_fail(r, NR_EINVAL, name, "%s must be a positive integer id, not \"%.64s\"", name,
                    v ? v : "");
        return -1;
    }
    *id = n;
    return 0;
}

int nr_req_param_case(struct nr_req *r, int i, int64_t *case_id)
{
    const char *v = nr_req_param(r, i);
    struct nr_err err;
    int rc;

    nr_err_init(&err);
    /* R11: resolved with the caller's eyes; a case it may not see is "no case", as an absent
     * one. */
    rc = v ? nr_case_resolve(r->rv, &r->actor, v, case_id, &err)
           : nr_err_set(&err, NR_ENOTFOUND, "case", "no case given");
    if (rc) {
        nr_req_error(r, rc, &err);
        return -1;
    }
    return 0;
}

int nr_req_fields(struct nr_req *r, const char *const *allowed)
{
    const char *key;
    json_t *v;

    if (r->body == NULL)
        return 0;
    json_object_foreach(r->body, key, v)
    {
        bool known = false;
        for (const char *const *a = allowed; a && *a && !known; a++)
            known = strcmp(*a, key) == 0;
        if (!known) {
            nr_req_fail(r, NR_EINVAL, key, "unknown field \"%.100s\"", key);
            return -1;
        }
    }
    return 0;
}

/* The member key of the body, NULL when absent or null (an optional field left empty). */
static json_t *nr_req_member(struct nr_req *r, const char *key)
{
    json_t *v = r->body ? json_object_get(r->body, key) : NULL;
    return v && !json_is_null(v) ? v : NULL;
}

const char *nr_req_str(struct nr_req *r, const char *key, size_t max, bool required, bool *bad)
{
    json_t *v = nr_req_member(r, key);

    if (v == NULL) {
        if (required) {
            nr_req_fail(r, NR_EINVAL, key, "%s is required", key);
            *bad = true;
        }
        return NULL;
    }
    if (!json_is_string(v)) {
        nr_req_fail(r, NR_EINVAL, key, "%s must be a string", key);
        *bad = true;
        return NULL;
    }
    if (json_string_length(v) > max) {
        nr_req_fail(r, NR_EINVAL, key, "%s is longer than %zu bytes", key, max);
        *bad = true;
        return NULL;
    }
    if (required && json_string_length(v) == 0) {
        nr_req_fail(r, NR_EINVAL, key, "%s is required", key);
        *bad = true;
        return NULL;
    }
    return json_string_value(v);
}

int64_t nr_req_int(struct nr_req *r, const char *key, int64_t min, int64_t max, int64_t dflt,
                   bool *bad)
{
    json_t *v = nr_req_member(r, key);
    int64_t n;

    if (v == NULL)
        return dflt;
    if (!json_is_integer(v)) {
        nr_req_fail(r, NR_EINVAL, key, "%s must be an integer", key);
        *bad = true;
        return dflt;
    }
    n = json_integer_value(v);
    if (n < min || n > max) {
        nr_req_fail(r, NR_EINVAL, key, "%s must be from %lld to %lld", key, (long long)min,
                    (long long)max);
        *bad = true;
        return dflt;
    }
    return n;
}

bool nr_req_bool(struct nr_req *r, const char *key, bool dflt, bool *bad)
{
    json_t *v = nr_req_member(r, key);

    if (v == NULL)
        return dflt;
    if (!json_is_boolean(v)) {
        nr_req_fail(r, NR_EINVAL, key, "%s must be true or false", key);
        *bad = true;
        return dflt;
    }
    return json_is_true(v);
}

const char *nr_req_header(struct nr_req *r, const char *name)
{
    return r->ev ? evhttp_find_header(evhttp_request_get_input_headers(r->ev), name) : NULL;
}

/* ---- pure parsing: UTF-8 and percent-encoding ---- */

bool nr__utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;

    while (p < end) {
        unsigned c = *p;
        size_t n;
        uint32_t cp;

        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

static int nr_hexdigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into out (n + 1 bytes). '+' becomes a space when plus is set (query strings).
 * Refuses bad escapes, NUL, CR and LF (they would split a header or a log line), and invalid
 * UTF-8. */
static int nr_pct_decode(const char *s, size_t n, bool plus, char *out, size_t *outlen)
{
    size_t j = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return NR_EINVAL;
            hi = nr_hexdigit(s[i + 1]);
            lo = nr_hexdigit(s[i + 2]);
            if (hi < 0 || lo < 0)
                return NR_EINVAL;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        if (c == '\0' || c == '\r' || c == '\n')
            return NR_EINVAL;
        out[j++] = c;
    }
    out[j] = '\0';
    *outlen = j;
    return nr__utf8_valid(out, j) ? 0 : NR_EINVAL;
}

/* ---- pure parsing: routes ---- */

const char *nr__method_name(int method)
{
    switch (method) {
    case EVHTTP_REQ_GET:
        return "GET";
    case EVHTTP_REQ_HEAD:
        return "HEAD";
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_PUT:
        return "PUT";
    case EVHTTP_REQ_DELETE:
        return "DELETE";
    case EVHTTP_REQ_PATCH:
        return "PATCH";
    case EVHTTP_REQ_OPTIONS:
        return "OPTIONS";
    case EVHTTP_REQ_TRACE:
        return "TRACE";
    case EVHTTP_REQ_CONNECT:
        return "CONNECT";
    default:
        return "OTHER";
    }
}

void nr__route_allow_header(unsigned allow, char *buf, size_t size)
{
    static const int order[] = {EVHTTP_REQ_GET,    EVHTTP_REQ_HEAD,  EVHTTP_REQ_POST,
                                EVHTTP_REQ_PUT,    EVHTTP_REQ_PATCH, EVHTTP_REQ_DELETE,
                                EVHTTP_REQ_OPTIONS};
    size_t len = 0;

    if (size == 0)
        return;
    buf[0] = '\0';
    /* A GET route answers HEAD too. */
    if (allow & EVHTTP_REQ_GET)
        allow |= EVHTTP_REQ_HEAD;
    for (size_t i = 0; i < NR_ARRAY_LEN(order); i++) {
        int n;
        if (!(allow & (unsigned)order[i]))
            continue;
        n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", nr__method_name(order[i]));
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
}

void nr__route_param_name(const struct nr_route *route, int i, char *buf, size_t size)
{
    const char *p = route ? route->pattern : NULL;
    int k = 0;

    if (size == 0)
        return;
    buf[0] = '\0';
    while (p && (p = strchr(p, '{')) != NULL) {
        const char *close = strchr(p, '}');
        if (close == NULL)
            return;
        if (k++ == i) {
            snprintf(buf, size, "%.*s", (int)(close - p - 1), p + 1);
            return;
        }
        p = close + 1;
    }
}

/* The route table split once into segments, so that matching a request compares lengths and
 * bytes and never walks a pattern. */
struct nr_pattern_seg {
    const char *text;
    size_t len;
    bool param;
};

struct nr_pattern {
    struct nr_pattern_seg seg[NR_HTTP_PATH_SEGMENTS];
    size_t nseg;
    int literals;
    bool usable; /* false for a pattern past the caps: it never matches */
};

static struct nr_pattern *nr_patterns;
static pthread_once_t nr_patterns_once = PTHREAD_ONCE_INIT;

static void nr_patterns_compile(void)
{
    nr_patterns = nr_calloc(nr__nroutes ? nr__nroutes : 1, sizeof(*nr_patterns));
    for (size_t i = 0; i < nr__nroutes; i++) {
        struct nr_pattern *c = &nr_patterns[i];
        const char *p = nr__routes[i].pattern;
        int params = 0;

        c->usable = p[0] == '/';
        while (c->usable && *p == '/') {
            const char *start = ++p;
            size_t len;
            while (*p && *p != '/')
                p++;
            len = (size_t)(p - start);
            if (c->nseg >= NR_HTTP_PATH_SEGMENTS) {
                c->usable = false;
                break;
            }
            c->seg[c->nseg].text = start;
            c->seg[c->nseg].len = len;
            c->seg[c->nseg].param = len >= 2 && start[0] == '{' && start[len - 1] == '}';
            if (c->seg[c->nseg].param)
                params++;
            else
                c->literals++;
            c->nseg++;
        }
        if (params > NR_HTTP_PATH_PARAMS)
            c->usable = false;
    }
}

static bool nr_pattern_match(const struct nr_pattern *c, char *const *segs, const size_t *lens,
                             size_t nseg)
{
    if (!c->usable || c->nseg != nseg)
        return false;
    for (size_t k = 0; k < nseg; k++) {
        if (c->seg[k].param
                ? lens[k] == 0
                : lens[k] != c->seg[k].len || memcmp(segs[k], c->seg[k].text, lens[k]) != 0)
            return false;
    }
    return true;
}

int nr__route_match(const char *raw_path, int method, struct nr_arena *ar, struct nr_route_match *m,
                    struct nr_err *err)
{
    char *segs[NR_HTTP_PATH_SEGMENTS];
    size_t lens[NR_HTTP_PATH_SEGMENTS];
    size_t nseg = 0, rawlen;
    const char *p;
    char *path, *w;
    int best = -1, best_literals = -1;

    pthread_once(&nr_patterns_once, nr_patterns_compile);
    memset(m, 0, sizeof(*m));
    m->index = -1;
    if (raw_path == NULL || raw_path[0] != '/')
        return nr_err_set(err, NR_EINVAL, "path", "the path must start with /");
    rawlen = strlen(raw_path);
    path = nr_arena_alloc(ar, rawlen + 1);
    w = path;
    p = raw_path;
    /* Each segment is decoded on its own, so that %2F stays inside its segment. */
    while (*p == '/') {
        const char *start = ++p;
        while (*p && *p != '/')
            p++;
        if (nseg >= NR_HTTP_PATH_SEGMENTS)
            return nr_err_set(err, NR_EINVAL, "path", "the path has more than %d segments",
                              NR_HTTP_PATH_SEGMENTS);
        segs[nseg] = nr_arena_alloc(ar, (size_t)(p - start) + 1);
        if (nr_pct_decode(start, (size_t)(p - start), false, segs[nseg], &lens[nseg]) != 0)
            return nr_err_set(err, NR_EINVAL, "path",
                              "the path has malformed percent-encoding, a control character "
                              "or invalid UTF-8");
        *w++ = '/';
        memcpy(w, segs[nseg], lens[nseg]);
        w += lens[nseg];
        nseg++;
    }
    *w = '\0';
    m->path = path;
    for (size_t i = 0; i < nr__nroutes; i++) {
        const struct nr_route *rt = &nr__routes[i];
        if (!nr_pattern_match(&nr_patterns[i], segs, lens, nseg))
            continue;
        m->allow |= (unsigned)rt->method;
        if (rt->method == method || (method == EVHTTP_REQ_HEAD && rt->method == EVHTTP_REQ_GET)) {
            /* The most literal pattern wins: /cases/overdue before /cases/{case}. */
            if (nr_patterns[i].literals > best_literals) {
                best = (int)i;
                best_literals = nr_patterns[i].literals;
            }
        }
    }
    if (best < 0)
        return NR_ENOTFOUND;
    m->route = &nr__routes[best];
    m->index = best;
    for (size_t k = 0; k < nseg; k++)
        if (nr_patterns[best].seg[k].param)
            m->params[m->nparams++] = segs[k];
    return 0;
}

/* ---- pure parsing: query strings ---- */

int nr__query_parse(const char *query, struct evkeyvalq *out, struct nr_err *err)
{
    const char *p = query;
    int count = 0, rc = 0;
    char *key = NULL, *value = NULL;

    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p), klen, vlen, outlen;
        const char *eq = memchr(p, '=', len);

        if (len > 0) {
            klen = eq ? (size_t)(eq - p) : len;
            vlen = eq ? len - klen - 1 : 0;
            key = nr_malloc(klen + 1);
            value = nr_malloc(vlen + 1);
            if (nr_pct_decode(p, klen, true, key, &outlen) != 0 || outlen == 0) {
                rc = nr_err_set(err, NR_EINVAL, "query",
                                "a query parameter has an empty or malformed name");
                goto out;
            }
            if (nr_pct_decode(eq ? eq + 1 : p + len, vlen, true, value, &outlen) != 0) {
                rc = nr_err_set(err, NR_EINVAL, key,
                                "query parameter %.100s has malformed percent-encoding, a "
                                "control character or invalid UTF-8",
                                key);
                goto out;
            }
            if (++count > NR_HTTP_QUERY_PARAMS) {
                rc = nr_err_set(err, NR_EINVAL, "query", "more than %d query parameters",
                                NR_HTTP_QUERY_PARAMS);
                goto out;
            }
            /* One value per name: which of two would count is a guess no one should rely on. */
            if (evhttp_find_header(out, key) != NULL) {
                rc = nr_err_set(err, NR_EINVAL, key, "query parameter %.100s is given twice", key);
                goto out;
            }
            if (evhttp_add_header(out, key, value) != 0) {
                rc = nr_err_set(err, NR_EINVAL, key, "query parameter %.100s is malformed", key);
                goto out;
            }
            nr_free(key);
            nr_free(value);
            key = value = NULL;
        }
        p = amp ? amp + 1 : NULL;
    }
out:
    nr_free(key);
    nr_free(value);
    return rc;
}

/* ---- pure parsing: JSON bodies ---- */

/* Appends a path step to path (always NUL-terminated, truncated with "..." when full). */
static size_t nr_path_push(char *path, size_t len, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static size_t nr_path_push(char *path, size_t len, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (len >= size - 1)
        return len;
    va_start(ap, fmt);
    n = vsnprintf(path + len, size - len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return len;
    if ((size_t)n >= size - len) {
        if (size >= 4)
            memcpy(path + size - 4, "...", 4);
        return size - 1;
    }
    return len + (size_t)n;
}

static int nr_caps_walk(const json_t *v, int depth, int depth_max, size_t string_max, char *path,
                        size_t plen, size_t psize, struct nr_err *err)
{
    int rc = 0;

    switch (json_typeof(v)) {
    case JSON_STRING:
        if (json_string_length(v) > string_max)
            return nr_err_set(err, NR_EINVAL, path, "a string at %s is longer than %zu bytes", path,
                              string_max);
        return 0;
    case JSON_OBJECT: {
        const char *key;
        json_t *m;
        if (depth > depth_max)
            return nr_err_set(err, NR_EPARSE, path, "JSON nested deeper than %d levels at %s",
                              depth_max, path);
        json_object_foreach((json_t *)v, key, m)
        {
            size_t n = nr_path_push(path, plen, psize, ".%s", key);
            if (strlen(key) > string_max)
                rc = nr_err_set(err, NR_EINVAL, path, "a key at %s is longer than %zu bytes", path,
                                string_max);
            else
                rc = nr_caps_walk(m, depth + 1, depth_max, string_max, path, n, psize, err);
            if (rc)
                return rc;
            path[plen] = '\0';
        }
        return 0;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *m;
        if (depth > depth_max)
            return nr_err_set(err, NR_EPARSE, path, "JSON nested deeper than %d levels at %s",
                              depth_max, path);
        json_array_foreach((json_t *)v, i, m)
        {
            size_t n = nr_path_push(path, plen, psize, "[%zu]", i);
            rc = nr_caps_walk(m, depth + 1, depth_max, string_max, path, n, psize, err);
            if (rc)
                return rc;
            path[plen] = '\0';
        }
        return 0;
    }
    default:
        return 0;
    }
}

int nr__json_check_caps(const json_t *v, int depth_max, size_t string_max, struct nr_err *err)
{
    char path[NR_ERR_FIELD_MAX] = "$";
    return nr_caps_walk(v, 1, depth_max, string_max, path, 1, sizeof(path), err);
}

int nr__json_body_parse(const char *buf, size_t len, json_t **out, struct nr_err *err)
{
    json_error_t jerr;
    json_t *doc;
    int rc;

    *out = NULL;
    doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL)
        return nr_err_set(err, NR_EPARSE, "$",
                          "the request body is not valid JSON: %s at line %d, column %d (byte "
                          "%d)",
                          jerr.text, jerr.line, jerr.column, jerr.position);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return nr_err_set(err, NR_EINVAL, "$", "the request body must be a JSON object");
    }
    rc = nr__json_check_caps(doc, NR_HTTP_JSON_DEPTH, NR_HTTP_STRING_MAX, err);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return 0;
}
