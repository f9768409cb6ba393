/*
 * fuzz_http_request.c - libFuzzer target for the server's request parsing (src/http/req.c,
 * interface server_int.h), without a socket: route matching with {name} parameters, the query
 * string and the JSON body with its caps. Any bytes give an answer or a refusal, never a crash,
 * and what is accepted keeps the promises of the caps.
 *
 * Input: "METHOD TARGET\n" then the body; TARGET is the path with an optional "?query".
 */
#include "http/server_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int fuzz_method(const char *s, size_t n)
{
    static const struct {
        const char *name;
        int method;
    } methods[] = {{"GET", EVHTTP_REQ_GET},        {"HEAD", EVHTTP_REQ_HEAD},
                   {"POST", EVHTTP_REQ_POST},      {"PUT", EVHTTP_REQ_PUT},
                   {"DELETE", EVHTTP_REQ_DELETE},  {"PATCH", EVHTTP_REQ_PATCH},
                   {"OPTIONS", EVHTTP_REQ_OPTIONS}};
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (strlen(methods[i].name) == n && memcmp(methods[i].name, s, n) == 0)
            return methods[i].method;
    return EVHTTP_REQ_TRACE;
}

static void fuzz_route(const char *target, int method)
{
    struct nr_route_match m;
    struct nr_arena ar;
    struct nr_err err;
    char allow[96], name[64];
    int rc;

    nr_arena_init(&ar);
    nr_err_init(&err);
    rc = nr__route_match(target, method, &ar, &m, &err);
    if (rc == 0) {
        /* A route was found: for this method, with every parameter a non-empty UTF-8 text. */
        if (m.route == NULL || m.index < 0 || (size_t)m.index >= nr__nroutes ||
            m.route != &nr__routes[m.index] || m.nparams < 0 || m.nparams > NR_HTTP_PATH_PARAMS)
            abort();
        if (m.route->method != method &&
            !(method == EVHTTP_REQ_HEAD && m.route->method == EVHTTP_REQ_GET))
            abort();
        for (int i = 0; i < m.nparams; i++) {
            if (m.params[i] == NULL || m.params[i][0] == '\0' ||
                !nr__utf8_valid(m.params[i], strlen(m.params[i])))
                abort();
            nr__route_param_name(m.route, i, name, sizeof(name));
            if (name[0] == '\0')
                abort();
        }
    } else if (rc == NR_ENOTFOUND) {
        if (m.route != NULL)
            abort();
        nr__route_allow_header(m.allow, allow, sizeof(allow));
        if (m.allow != 0 && allow[0] == '\0')
            abort();
    } else if (rc != NR_EINVAL || m.route != NULL) {
        abort();
    }
    nr_arena_release(&ar);
}

static void fuzz_query(const char *query)
{
    struct evkeyvalq q;
    struct nr_err err;
    int rc, n = 0;

    q.tqh_first = NULL;
    q.tqh_last = &q.tqh_first;
    nr_err_init(&err);
    rc = nr__query_parse(query, &q, &err);
    if (rc != 0 && rc != NR_EINVAL)
        abort();
    if (rc == 0) {
        for (struct evkeyval *kv = q.tqh_first; kv; kv = kv->next.tqe_next) {
            n++;
            if (kv->key[0] == '\0' || !nr__utf8_valid(kv->value, strlen(kv->value)) ||
                strchr(kv->value, '\n') || strchr(kv->value, '\r'))
                abort();
        }
        if (n > NR_HTTP_QUERY_PARAMS)
            abort();
    }
    evhttp_clear_headers(&q);
}

static void fuzz_body(const char *body, size_t len)
{
    struct nr_err err;
    json_t *doc = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr__json_body_parse(body, len, &doc, &err);
    if ((rc == 0) != (doc != NULL) || (rc != 0 && rc != NR_EPARSE && rc != NR_EINVAL))
        abort();
    if (rc == 0) {
        nr_err_init(&err);
        if (!json_is_object(doc) ||
            nr__json_check_caps(doc, NR_HTTP_JSON_DEPTH, NR_HTTP_STRING_MAX, &err) != 0)
            abort();
    } else if (err.field[0] != '$') {
        abort(); /* every refusal names where in the body */
    }
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data, *nl = memchr(text, '\n', size), *sp, *q;
    size_t line = nl ? (size_t)(nl - text) : size;
    char *target;
    int method;

    sp = memchr(text, ' ', line);
    if (sp == NULL)
        return 0;
    method = fuzz_method(text, (size_t)(sp - text));
    /* The request line as evhttp hands it over: no NUL inside. */
    target = malloc(line - (size_t)(sp - text));
    memcpy(target, sp + 1, line - (size_t)(sp - text) - 1);
    target[line - (size_t)(sp - text) - 1] = '\0';
    q = strchr(target, '?');
    if (q)
        target[q - target] = '\0';
    fuzz_route(target, method);
    fuzz_query(q ? q + 1 : NULL);
    if (nl)
        fuzz_body(nl + 1, size - line - 1);
    free(target);
    return 0;
}
