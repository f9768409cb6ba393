/*
 * test_server.c - unit tests of the server core (src/http/server.c, req.c; interfaces http.h,
 * http_int.h, server_int.h): route matching with {name} parameters, 404 against 405 and the
 * Allow list, percent-decoding and its refusals, query strings, JSON bodies with their depth and
 * string caps, the mapping of error codes to statuses, the nr_req_* readers on a request made
 * by hand, and a real server on a free port that answers and stops on nr_http_stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixture.h"
#include "http/server_int.h"
#include "netreview/http.h"

#include "netreview/banned.h"

/* ---- statuses ---- */

static void test_status_of(void **state)
{
    (void)state;
    assert_int_equal(nr_http_status_of(0), 200);
    assert_int_equal(nr_http_status_of(NR_ENOTFOUND), 404);
    assert_int_equal(nr_http_status_of(NR_EFORBIDDEN), 403);
    assert_int_equal(nr_http_status_of(NR_EPHASE), 409);
    assert_int_equal(nr_http_status_of(NR_EPRECOND), 409);
    assert_int_equal(nr_http_status_of(NR_ECONFLICT), 409);
    assert_int_equal(nr_http_status_of(NR_EEXISTS), 409);
    assert_int_equal(nr_http_status_of(NR_EINVAL), 400);
    assert_int_equal(nr_http_status_of(NR_EPARSE), 400);
    assert_int_equal(nr_http_status_of(NR_ETOOBIG), 413);
    assert_int_equal(nr_http_status_of(NR_EAUTH), 401);
    assert_int_equal(nr_http_status_of(NR_EBUSY), 503);
    assert_int_equal(nr_http_status_of(NR_EDB), 500);
    assert_int_equal(nr_http_status_of(NR_EIO), 500);
    assert_int_equal(nr_http_status_of(NR_ETAMPERED), 500);
    assert_int_equal(nr_http_status_of(-2 /* -ENOENT */), 500);
}

/* ---- routes ---- */

/* The pattern with every {name} replaced by "7". */
static void sample_path(const char *pattern, char *out, size_t size)
{
    size_t j = 0;
    for (const char *p = pattern; *p && j + 2 < size; p++) {
        if (*p == '{') {
            while (*p && *p != '}')
                p++;
            out[j++] = '7';
        } else {
            out[j++] = *p;
        }
    }
    out[j] = '\0';
}

static void test_every_route_matches_itself(void **state)
{
    (void)state;
    for (size_t i = 0; i < nr__nroutes; i++) {
        struct nr_route_match m;
        struct nr_arena ar;
        struct nr_err err;
        char path[256];
        int rc;

        nr_arena_init(&ar);
        nr_err_init(&err);
        sample_path(nr__routes[i].pattern, path, sizeof(path));
        rc = nr__route_match(path, nr__routes[i].method, &ar, &m, &err);
        if (rc != 0)
            fail_msg("%s %s: %d", nr__method_name(nr__routes[i].method), path, rc);
        /* A literal route may take the path of a {name} one ("overdue" is no case), never the
         * other way round; either way the method and the shape agree. */
        assert_int_equal(m.route->method, nr__routes[i].method);
        if (m.route != &nr__routes[i]) {
            int params_here = 0, params_there = 0;
            for (const char *p = nr__routes[i].pattern; *p; p++)
                params_here += *p == '{';
            for (const char *p = m.route->pattern; *p; p++)
                params_there += *p == '{';
            assert_true(params_there < params_here);
        }
        assert_string_equal(m.path, path);
        for (int k = 0; k < m.nparams; k++)
            assert_string_equal(m.params[k], "7");
        nr_arena_release(&ar);
    }
}

static const struct nr_route *match(const char *path, int method, struct nr_route_match *m,
                                    struct nr_arena *ar, int *rc)
{
    struct nr_err err;
    nr_err_init(&err);
    *rc = nr__route_match(path, method, ar, m, &err);
    return m->route;
}

static void test_route_literal_beats_parameter(void **state)
{
    struct nr_route_match m;
    struct nr_arena ar;
    int rc;

    (void)state;
    nr_arena_init(&ar);
    assert_non_null(match("/api/v1/cases/overdue", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_string_equal(m.route->pattern, "/api/v1/cases/overdue");
    assert_int_equal(m.nparams, 0);
    assert_non_null(match("/api/v1/decisions/key", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_string_equal(m.route->pattern, "/api/v1/decisions/key");
    assert_non_null(match("/api/v1/cases/NR-2026-0001", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_string_equal(m.route->pattern, "/api/v1/cases/{case}");
    assert_int_equal(m.nparams, 1);
    assert_string_equal(m.params[0], "NR-2026-0001");
    assert_non_null(match("/api/v1/cases/12/transitions/accept", EVHTTP_REQ_POST, &m, &ar, &rc));
    assert_int_equal(m.nparams, 2);
    assert_string_equal(m.params[0], "12");
    assert_string_equal(m.params[1], "accept");
    nr_arena_release(&ar);
}

static void test_route_404_405(void **state)
{
    struct nr_route_match m;
    struct nr_arena ar;
    char allow[96];
    int rc;

    (void)state;
    nr_arena_init(&ar);
    assert_null(match("/api/v1/nothing", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_int_equal(rc, NR_ENOTFOUND);
    assert_int_equal(m.allow, 0);
    /* A trailing slash or an empty segment is another path. */
    assert_null(match("/api/v1/cases/", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_int_equal(rc, NR_ENOTFOUND);
    assert_null(match("/api/v1//tasks", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_int_equal(rc, NR_ENOTFOUND);
    assert_null(match("/api/v1/gate", EVHTTP_REQ_DELETE, &m, &ar, &rc));
    assert_int_equal(rc, NR_ENOTFOUND);
    assert_int_equal(m.allow, EVHTTP_REQ_GET);
    nr__route_allow_header(m.allow, allow, sizeof(allow));
    assert_string_equal(allow, "GET, HEAD");
    assert_null(match("/api/v1/session", EVHTTP_REQ_PUT, &m, &ar, &rc));
    nr__route_allow_header(m.allow, allow, sizeof(allow));
    assert_string_equal(allow, "GET, HEAD, POST, DELETE");
    /* HEAD answers where GET does. */
    assert_non_null(match("/healthz", EVHTTP_REQ_HEAD, &m, &ar, &rc));
    assert_string_equal(m.route->pattern, "/healthz");
    nr_arena_release(&ar);
}

static void test_route_decoding(void **state)
{
    static const char *const refused[] = {
        "api/v1/cases",                       /* not absolute */
        "/api/v1/cases/%zz",                  /* not hex */
        "/api/v1/cases/%4",                   /* cut short */
        "/api/v1/cases/a%00b",                /* NUL */
        "/api/v1/cases/a%0Ab",                /* line feed: would split a log line */
        "/api/v1/cases/%C3%28",               /* invalid UTF-8 */
        "/api/v1/cases/%ED%A0%80",            /* a surrogate */
        "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", /* 17 segments */
    };
    struct nr_route_match m;
    struct nr_arena ar;
    int rc;

    (void)state;
    nr_arena_init(&ar);
    /* An encoded slash stays in its segment. */
    assert_non_null(match("/api/v1/users/a%2Fb", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_string_equal(m.params[0], "a/b");
    assert_non_null(match("/api/v1/products/Acme%20Router", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_string_equal(m.params[0], "Acme Router");
    assert_string_equal(m.path, "/api/v1/products/Acme Router");
    /* '+' is a plus in a path. */
    assert_non_null(match("/api/v1/products/a+b", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_string_equal(m.params[0], "a+b");
    assert_non_null(match("/api/v1/cases/%e6%a1%88", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_string_equal(m.params[0], "\xe6\xa1\x88");
    /* Literal segments match once decoded. */
    assert_non_null(match("/api/v1/c%61ses", EVHTTP_REQ_GET, &m, &ar, &rc));
    assert_string_equal(m.route->pattern, "/api/v1/cases");
    for (size_t i = 0; i < NR_ARRAY_LEN(refused); i++) {
        assert_null(match(refused[i], EVHTTP_REQ_GET, &m, &ar, &rc));
        if (rc != NR_EINVAL)
            fail_msg("%s: %d", refused[i], rc);
    }
    nr_arena_release(&ar);
}

static void test_route_param_name(void **state)
{
    char name[32];
    (void)state;
    for (size_t i = 0; i < nr__nroutes; i++) {
        if (strcmp(nr__routes[i].pattern, "/api/v1/cases/{case}/transitions/{transition}") != 0)
            continue;
        nr__route_param_name(&nr__routes[i], 0, name, sizeof(name));
        assert_string_equal(name, "case");
        nr__route_param_name(&nr__routes[i], 1, name, sizeof(name));
        assert_string_equal(name, "transition");
        nr__route_param_name(&nr__routes[i], 2, name, sizeof(name));
        assert_string_equal(name, "");
        return;
    }
    fail_msg("no transition route");
}

/* ---- query strings ---- */

static void query_init(struct evkeyvalq *q)
{
    q->tqh_first = NULL;
    q->tqh_last = &q->tqh_first;
}

static int query(const char *s, struct evkeyvalq *q, struct nr_err *err)
{
    query_init(q);
    nr_err_init(err);
    return nr__query_parse(s, q, err);
}

static void test_query(void **state)
{
    static const char *const refused[] = {
        "a=1&a=2", "=1",       "a=%zz", "a=%00",
        "a=x%0Dy", "a=%C3%28", "%FF=1", "a=1&A=2" /* names compare as headers do: case-blind */,
    };
    struct evkeyvalq q;
    struct nr_err err;
    char many[1024];
    size_t len = 0;

    (void)state;
    assert_int_equal(query(NULL, &q, &err), 0);
    assert_null(q.tqh_first);
    assert_int_equal(query("product=Acme+Router&version=2.0%2B1&&overdue", &q, &err), 0);
    assert_string_equal(evhttp_find_header(&q, "product"), "Acme Router");
    assert_string_equal(evhttp_find_header(&q, "version"), "2.0+1");
    assert_string_equal(evhttp_find_header(&q, "overdue"), "");
    assert_null(evhttp_find_header(&q, "missing"));
    evhttp_clear_headers(&q);
    for (size_t i = 0; i < NR_ARRAY_LEN(refused); i++) {
        if (query(refused[i], &q, &err) != NR_EINVAL)
            fail_msg("query %s accepted", refused[i]);
        evhttp_clear_headers(&q);
    }
    assert_int_equal(query("a=1&a=2", &q, &err), NR_EINVAL);
    assert_string_equal(err.field, "a");
    evhttp_clear_headers(&q);
    for (int i = 0; i <= NR_HTTP_QUERY_PARAMS; i++)
        len += (size_t)snprintf(many + len, sizeof(many) - len, "%sp%d=1", i ? "&" : "", i);
    assert_int_equal(query(many, &q, &err), NR_EINVAL);
    evhttp_clear_headers(&q);
}

/* ---- JSON bodies ---- */

static int body(const char *text, json_t **out, struct nr_err *err)
{
    nr_err_init(err);
    return nr__json_body_parse(text, strlen(text), out, err);
}

static char *nested(int depth)
{
    struct nr_buf b;
    nr_buf_init(&b, 1 << 20);
    for (int i = 0; i < depth; i++)
        nr_buf_puts(&b, i % 2 ? "{\"b\":" : "{\"a\":[");
    nr_buf_puts(&b, "1");
    for (int i = depth - 1; i >= 0; i--)
        nr_buf_puts(&b, i % 2 ? "}" : "]}");
    return nr_buf_steal(&b);
}

static void test_json_body(void **state)
{
    struct nr_err err;
    json_t *doc = NULL;
    char *text;

    (void)state;
    assert_int_equal(body("{\"login\":\"office\",\"n\":[1,2,{\"x\":null}]}", &doc, &err), 0);
    assert_true(json_is_object(doc));
    json_decref(doc);

    assert_int_equal(body("{\"a\":1,}", &doc, &err), NR_EPARSE);
    assert_null(doc);
    assert_string_equal(err.field, "$");
    assert_non_null(strstr(err.msg, "line 1, column 8 (byte 8)"));
    assert_int_equal(body("{\"a\":1,\"a\":2}", &doc, &err), NR_EPARSE);
    assert_non_null(strstr(err.msg, "duplicate"));
    assert_int_equal(body("[1]", &doc, &err), NR_EINVAL);
    assert_int_equal(body("\"x\"", &doc, &err), NR_EPARSE);
    assert_int_equal(body("{} {}", &doc, &err), NR_EPARSE);
    assert_int_equal(body("{\"a\":\"\\u0000\"}", &doc, &err), NR_EPARSE);

    /* Depth: each object is a level, each array too; the one past the cap is named. */
    text = nested(8); /* 8 objects and 4 arrays: 12 levels */
    assert_int_equal(body(text, &doc, &err), 0);
    json_decref(doc);
    nr_free(text);
    {
        struct nr_buf b;
        nr_buf_init(&b, 1 << 20);
        for (int i = 0; i < NR_HTTP_JSON_DEPTH; i++)
            nr_buf_puts(&b, "{\"a\":");
        nr_buf_puts(&b, "1");
        for (int i = 0; i < NR_HTTP_JSON_DEPTH; i++)
            nr_buf_puts(&b, "}");
        assert_int_equal(body(b.p, &doc, &err), 0);
        json_decref(doc);
        nr_buf_reset(&b);
        for (int i = 0; i < NR_HTTP_JSON_DEPTH; i++)
            nr_buf_puts(&b, "{\"a\":");
        nr_buf_puts(&b, "[1]");
        for (int i = 0; i < NR_HTTP_JSON_DEPTH; i++)
            nr_buf_puts(&b, "}");
        assert_int_equal(body(b.p, &doc, &err), NR_EPARSE);
        assert_null(doc);
        assert_string_equal(err.field, "$.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a");
        nr_buf_release(&b);
    }
    text = nested(2000);
    assert_int_equal(body(text, &doc, &err), NR_EPARSE);
    nr_free(text);

    /* Strings and keys: at most NR_HTTP_STRING_MAX bytes, wherever they are. */
    {
        struct nr_buf b;
        char *s = nr_malloc(NR_HTTP_STRING_MAX + 2);
        memset(s, 'x', NR_HTTP_STRING_MAX + 1);
        s[NR_HTTP_STRING_MAX] = '\0';
        nr_buf_init(&b, 1 << 20);
        nr_buf_printf(&b, "{\"a\":[0,{\"b\":\"%s\"}]}", s);
        assert_int_equal(body(b.p, &doc, &err), 0);
        json_decref(doc);
        s[NR_HTTP_STRING_MAX] = 'x';
        s[NR_HTTP_STRING_MAX + 1] = '\0';
        nr_buf_reset(&b);
        nr_buf_printf(&b, "{\"a\":[0,{\"b\":\"%s\"}]}", s);
        assert_int_equal(body(b.p, &doc, &err), NR_EINVAL);
        assert_string_equal(err.field, "$.a[1].b");
        nr_buf_reset(&b);
        nr_buf_printf(&b, "{\"%s\":1}", s);
        assert_int_equal(body(b.p, &doc, &err), NR_EINVAL);
        nr_buf_release(&b);
        nr_free(s);
    }
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(nr__utf8_valid("", 0));
    assert_true(nr__utf8_valid("abc", 3));
    assert_true(nr__utf8_valid("\xc3\xa9", 2));
    assert_true(nr__utf8_valid("\xf0\x9f\x98\x80", 4));
    assert_false(nr__utf8_valid("\xc3", 1));
    assert_false(nr__utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(nr__utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
    assert_false(nr__utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(nr__utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    assert_false(nr__utf8_valid("\xff", 1));
}

/* ---- the readers, on a request made by hand (no connection: answers only set the status) ---- */

struct fake {
    struct nr_req_state s;
};

static struct nr_req *fake_req(struct fake *f, const char *json, const char *q)
{
    struct nr_err err;
    memset(f, 0, sizeof(*f));
    nr_arena_init(&f->s.r.ar);
    query_init(&f->s.r.query);
    f->s.in_dispatch = true;
    f->s.route_index = -1;
    nr_err_init(&err);
    if (json)
        assert_int_equal(nr__json_body_parse(json, strlen(json), &f->s.r.body, &err), 0);
    if (q)
        assert_int_equal(nr__query_parse(q, &f->s.r.query, &err), 0);
    return &f->s.r;
}

static void fake_release(struct fake *f)
{
    json_decref(f->s.r.body);
    evhttp_clear_headers(&f->s.r.query);
    nr_arena_release(&f->s.r.ar);
}

static void test_readers(void **state)
{
    static const char *const allowed[] = {"title", "days", "public", "note", NULL};
    struct fake f;
    struct nr_req *r;
    bool bad = false;
    int64_t n;

    (void)state;
    r = fake_req(&f, "{\"title\":\"t\",\"days\":5,\"public\":true,\"note\":null}", "limit=20");
    assert_int_equal(nr_req_fields(r, allowed), 0);
    assert_string_equal(nr_req_str(r, "title", 10, true, &bad), "t");
    assert_null(nr_req_str(r, "note", 10, true, &bad)); /* null is absent: required */
    assert_true(bad);
    assert_int_equal(r->status, 400);
    fake_release(&f);

    r = fake_req(&f, "{\"title\":\"t\",\"days\":5,\"public\":true}", "limit=20&offset=x");
    bad = false;
    assert_int_equal(nr_req_int(r, "days", 1, 10, 0, &bad), 5);
    assert_true(nr_req_bool(r, "public", false, &bad));
    assert_false(nr_req_bool(r, "absent", false, &bad));
    assert_int_equal(nr_req_int(r, "absent", 1, 10, 3, &bad), 3);
    assert_null(nr_req_str(r, "absent", 10, false, &bad));
    assert_false(bad);
    assert_int_equal(nr_req_query_int(r, "limit", 1, 100, 50, &n), 0);
    assert_int_equal(n, 20);
    assert_int_equal(nr_req_query_int(r, "page", 1, 100, 50, &n), 0);
    assert_int_equal(n, 50);
    assert_int_equal(r->status, 0);
    assert_int_equal(nr_req_query_int(r, "offset", 0, 100, 0, &n), -1);
    assert_int_equal(r->status, 400);
    /* One answer per request: the first stays. */
    nr_req_fail(r, NR_EFORBIDDEN, NULL, "second");
    assert_int_equal(r->status, 400);
    fake_release(&f);

    r = fake_req(&f, "{\"title\":\"t\",\"colour\":1}", NULL);
    assert_int_equal(nr_req_fields(r, allowed), -1);
    assert_int_equal(r->status, 400);
    fake_release(&f);

    r = fake_req(&f, "{\"title\":7}", NULL);
    bad = false;
    assert_null(nr_req_str(r, "title", 10, false, &bad));
    assert_true(bad);
    fake_release(&f);

    r = fake_req(&f, "{\"title\":\"longer than ten\"}", NULL);
    bad = false;
    assert_null(nr_req_str(r, "title", 10, false, &bad));
    assert_true(bad);
    fake_release(&f);

    r = fake_req(&f, "{\"days\":11,\"public\":\"yes\"}", NULL);
    bad = false;
    assert_int_equal(nr_req_int(r, "days", 1, 10, 0, &bad), 0);
    assert_true(bad);
    fake_release(&f);
    r = fake_req(&f, "{\"days\":1.5}", NULL);
    bad = false;
    nr_req_int(r, "days", 1, 10, 0, &bad);
    assert_true(bad);
    fake_release(&f);
    r = fake_req(&f, "{\"public\":\"yes\"}", NULL);
    bad = false;
    nr_req_bool(r, "public", false, &bad);
    assert_true(bad);
    fake_release(&f);

    /* No body counts as {}. */
    r = fake_req(&f, NULL, NULL);
    assert_int_equal(nr_req_fields(r, allowed), 0);
    fake_release(&f);

    /* Path ids. */
    r = fake_req(&f, NULL, NULL);
    r->params[0] = "12";
    r->params[1] = "-3";
    r->params[2] = "x";
    r->nparams = 3;
    assert_int_equal(nr_req_param_id(r, 0, &n), 0);
    assert_int_equal(n, 12);
    assert_int_equal(r->status, 0);
    assert_int_equal(nr_req_param_id(r, 1, &n), -1);
    assert_int_equal(r->status, 400);
    fake_release(&f);
    r = fake_req(&f, NULL, NULL);
    r->params[0] = "99999999999999999999";
    r->nparams = 1;
    assert_int_equal(nr_req_param_id(r, 0, &n), -1);
    assert_null(nr_req_param(r, 1));
    fake_release(&f);
}

/* ---- a real server ---- */

struct served {
    struct nr_fixture fx;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char address[128];
    int rc;
    bool ready, done;
};

static void on_ready(const char *address, void *arg)
{
    struct served *s = arg;
    pthread_mutex_lock(&s->mu);
    snprintf(s->address, sizeof(s->address), "%s", address);
    s->ready = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static void *serve_main(void *arg)
{
    struct served *s = arg;
    struct nr_http_config cfg;
    struct nr_err err;

    memset(&cfg, 0, sizeof(cfg));
    cfg.review = s->fx.cfg;
    cfg.listen = "127.0.0.1:0";
    cfg.workers = 2;
    cfg.on_ready = on_ready;
    cfg.on_ready_arg = s;
    nr_err_init(&err);
    s->rc = nr_http_serve(&cfg, &err);
    if (s->rc)
        fprintf(stderr, "serve: %s\n", err.msg);
    pthread_mutex_lock(&s->mu);
    s->done = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* One request on its own connection; the whole answer into out. */
static void http(const struct served *s, const char *request, char *out, size_t size)
{
    struct sockaddr_in sin;
    const char *colon = strrchr(s->address, ':');
    size_t len = 0;
    ssize_t n;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0 && colon != NULL);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)strtol(colon + 1, NULL, 10));
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    assert_int_equal(write(fd, request, strlen(request)), (ssize_t)strlen(request));
    while (len + 1 < size && (n = read(fd, out + len, size - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fd);
}

static void test_serve_and_stop(void **state)
{
    struct served *s = nr_calloc(1, sizeof(*s));
    char answer[8192];

    (void)state;
    nr_fixture_open(&s->fx, "cn-2017");
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    assert_int_equal(pthread_create(&s->thread, NULL, serve_main, s), 0);
    pthread_mutex_lock(&s->mu);
    while (!s->ready && !s->done)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    assert_true(s->ready);
    assert_non_null(strstr(s->address, "127.0.0.1:"));

    http(s, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", answer,
         sizeof(answer));
    assert_non_null(strstr(answer, "HTTP/1.1 200"));
    assert_non_null(strstr(answer, "{\"status\":\"ok\"}"));
    http(s, "GET /api/nowhere HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", answer,
         sizeof(answer));
    assert_non_null(strstr(answer, "HTTP/1.1 404"));
    assert_non_null(strstr(answer, "\"code\":\"not_found\""));
    /* Outside /api/ a GET is a file of the browser UI (static.c): missing, an HTML 404. */
    http(s, "GET /nowhere HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", answer,
         sizeof(answer));
    assert_non_null(strstr(answer, "HTTP/1.1 404"));
    assert_non_null(strstr(answer, "Content-Type: text/html"));
    assert_non_null(strstr(answer, "Content-Security-Policy: default-src 'self'"));
    http(s, "PATCH /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", answer,
         sizeof(answer));
    assert_non_null(strstr(answer, "HTTP/1.1 405"));
    assert_non_null(strstr(answer, "Allow: GET, HEAD"));
    http(s,
         "POST /api/v1/session HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: "
         "8\r\n\r\n{\"a\":1,}",
         answer, sizeof(answer));
    assert_non_null(strstr(answer, "HTTP/1.1 400"));
    assert_non_null(strstr(answer, "\"code\":\"malformed\""));
    http(s, "GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", answer,
         sizeof(answer));
    assert_non_null(strstr(answer, "HTTP/1.1 200"));
    assert_non_null(strstr(answer,
                           "netreview_http_requests_total{route=\"/healthz\",method=\"GET\","
                           "status=\"200\"} 1\n"));

    nr_http_stop();
    assert_int_equal(pthread_join(s->thread, NULL), 0);
    assert_true(s->done);
    assert_int_equal(s->rc, 0);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    nr_fixture_close(&s->fx);
    nr_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_of),
        cmocka_unit_test(test_every_route_matches_itself),
        cmocka_unit_test(test_route_literal_beats_parameter),
        cmocka_unit_test(test_route_404_405),
        cmocka_unit_test(test_route_decoding),
        cmocka_unit_test(test_route_param_name),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_json_body),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_readers),
        cmocka_unit_test(test_serve_and_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
