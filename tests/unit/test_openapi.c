/*
 * test_openapi.c - keeps docs/openapi.json true to the router's table (src/http/routes.c,
 * interface http_int.h): the document is OpenAPI 3; every route is documented with its method
 * and its summary; every documented path and method is a route; public routes (NR_ROUTE_PUBLIC)
 * say `security: []` and the others name a scheme; each operation's x-token-scope is the scope a
 * token needs; path parameters are declared; request bodies refuse unknown fields
 * (additionalProperties: false) and raw routes take application/octet-stream; non-public routes
 * document 401, and every error response is the error object. A route added to the table
 * without its documentation fails here, and so does documentation left behind by a route that
 * went.
 */
#include "http/http_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/banned.h"

static json_t *DOC;
/* The self-test of the check expects problems: it counts them without printing them. */
static bool QUIET;

static const char *method_name(int m)
{
    switch (m) {
    case EVHTTP_REQ_GET:
        return "get";
    case EVHTTP_REQ_POST:
        return "post";
    case EVHTTP_REQ_PUT:
        return "put";
    case EVHTTP_REQ_DELETE:
        return "delete";
    case EVHTTP_REQ_PATCH:
        return "patch";
    case EVHTTP_REQ_HEAD:
        return "head";
    case EVHTTP_REQ_OPTIONS:
        return "options";
    default:
        return NULL;
    }
}

static const char *scope_name(unsigned s)
{
    switch (s) {
    case NR_SCOPE_GATE:
        return "gate";
    case NR_SCOPE_READ:
        return "read";
    case NR_SCOPE_WRITE:
        return "write";
    default:
        return NULL;
    }
}

/* A string member, "" when absent: comparisons need no NULL checks. */
static const char *jstr(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

/* Follows a local "$ref": "#/components/..." (one level is all the document uses). */
static json_t *deref(json_t *v)
{
    const char *ref = json_string_value(json_object_get(v, "$ref"));
    char buf[256], *seg, *save = NULL;
    json_t *cur = DOC;

    if (ref == NULL)
        return v;
    if (strncmp(ref, "#/", 2) != 0 || strlen(ref) >= sizeof(buf))
        return NULL;
    snprintf(buf, sizeof(buf), "%s", ref + 2);
    for (seg = strtok_r(buf, "/", &save); seg && cur; seg = strtok_r(NULL, "/", &save))
        cur = json_object_get(cur, seg);
    return cur;
}

/* Problems are printed and counted, so that one run names every undocumented route at once. */
static int problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int problem(const char *fmt, ...)
{
    va_list ap;
    if (QUIET)
        return 1;
    va_start(ap, fmt);
    fputs("openapi: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static bool documented_param(json_t *op, const char *name)
{
    json_t *p;
    size_t i;

    json_array_foreach(json_object_get(op, "parameters"), i, p)
    {
        json_t *d = deref(p);
        if (d && json_is_string(json_object_get(d, "in")) &&
            strcmp(json_string_value(json_object_get(d, "in")), "path") == 0 &&
            json_is_true(json_object_get(d, "required")) && strcmp(jstr(d, "name"), name) == 0)
            return true;
    }
    return false;
}

/* Checks one route against its operation; returns the number of problems. */
static int check_route(const struct nr_route *rt)
{
    const char *m = method_name(rt->method), *scope;
    json_t *path, *op, *sec, *resp, *body, *v;
    const char *key, *p;
    int n = 0;

    if (m == NULL)
        return problem("%s: method %d has no OpenAPI name", rt->pattern, rt->method);
    path = json_object_get(json_object_get(DOC, "paths"), rt->pattern);
    op = path ? json_object_get(path, m) : NULL;
    if (op == NULL)
        return problem("%s %s is a route but is not documented", m, rt->pattern);

    if (strcmp(jstr(op, "summary"), rt->summary) != 0)
        n += problem("%s %s: summary \"%s\" is not the route's \"%s\"", m, rt->pattern,
                     jstr(op, "summary"), rt->summary);

    /* Who may call it: the public exactly when the route says so. */
    sec = json_object_get(op, "security");
    if (rt->flags & NR_ROUTE_PUBLIC) {
        if (!json_is_array(sec) || json_array_size(sec) != 0)
            n += problem("%s %s is public: it needs \"security\": []", m, rt->pattern);
    } else {
        if (sec == NULL)
            sec = json_object_get(DOC, "security");
        if (!json_is_array(sec) || json_array_size(sec) == 0)
            n += problem("%s %s needs sign-in: its security must name a scheme", m, rt->pattern);
        resp = json_object_get(op, "responses");
        if (json_object_get(resp, "401") == NULL)
            n += problem("%s %s needs sign-in: it must document 401", m, rt->pattern);
    }
    scope = scope_name(rt->scope);
    if (scope == NULL || strcmp(jstr(op, "x-token-scope"), scope) != 0)
        n += problem("%s %s: x-token-scope must be \"%s\"", m, rt->pattern, scope ? scope : "?");

    /* Every {name} of the pattern is a required path parameter. */
    for (p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
        char name[64];
        const char *end = strchr(p, '}');
        if (end == NULL || (size_t)(end - p - 1) >= sizeof(name))
            return n + problem("%s: malformed pattern", rt->pattern);
        memcpy(name, p + 1, (size_t)(end - p - 1));
        name[end - p - 1] = '\0';
        if (!documented_param(op, name))
            n += problem("%s %s: path parameter {%s} is not documented", m, rt->pattern, name);
    }

    /* Bodies: raw parts are bytes; JSON bodies refuse unknown fields like the handlers do. */
    body = json_object_get(json_object_get(op, "requestBody"), "content");
    if (rt->flags & NR_ROUTE_RAW) {
        if (json_object_get(body, "application/octet-stream") == NULL)
            n +=
                problem("%s %s takes raw bytes: document application/octet-stream", m, rt->pattern);
    } else if (body) {
        json_t *schema =
            deref(json_object_get(json_object_get(body, "application/json"), "schema"));
        if (schema == NULL)
            n += problem("%s %s: request body without an application/json schema", m, rt->pattern);
        else if (!json_is_false(json_object_get(schema, "additionalProperties")))
            n +=
                problem("%s %s: request body must say additionalProperties: false", m, rt->pattern);
    }
    if (rt->method == EVHTTP_REQ_GET && body)
        n += problem("%s %s: a GET takes no body", m, rt->pattern);

    /* A success, and errors that are the error object. */
    resp = json_object_get(op, "responses");
    if (json_object_get(resp, "200") == NULL && json_object_get(resp, "201") == NULL &&
        json_object_get(resp, "204") == NULL)
        n += problem("%s %s: no success response", m, rt->pattern);
    json_object_foreach(resp, key, v)
    {
        json_t *r = deref(v), *schema;
        if (r == NULL) {
            n += problem("%s %s: response %s: dangling $ref", m, rt->pattern, key);
            continue;
        }
        if (key[0] != '4' && key[0] != '5')
            continue;
        schema = json_object_get(json_object_get(json_object_get(r, "content"), "application/json"),
                                 "schema");
        if (strcmp(jstr(schema, "$ref"), "#/components/schemas/Error") != 0)
            n += problem("%s %s: response %s is not the error object", m, rt->pattern, key);
    }
    return n;
}

/* Every documented operation is a route of the table. */
static int check_documented(const struct nr_route *routes, size_t nroutes)
{
    static const char *const methods[] = {"get",   "post", "put",     "delete",
                                          "patch", "head", "options", "trace"};
    const char *pattern;
    json_t *path;
    int n = 0;

    json_object_foreach(json_object_get(DOC, "paths"), pattern, path)
    {
        for (size_t k = 0; k < NR_ARRAY_LEN(methods); k++) {
            bool found = false;
            if (json_object_get(path, methods[k]) == NULL)
                continue;
            for (size_t i = 0; i < nroutes && !found; i++)
                found = strcmp(routes[i].pattern, pattern) == 0 &&
                        method_name(routes[i].method) != NULL &&
                        strcmp(method_name(routes[i].method), methods[k]) == 0;
            if (!found)
                n += problem("%s %s is documented but is not a route", methods[k], pattern);
        }
    }
    return n;
}

static int check_table(const struct nr_route *routes, size_t nroutes)
{
    int n = 0;
    for (size_t i = 0; i < nroutes; i++)
        n += check_route(&routes[i]);
    return n + check_documented(routes, nroutes);
}

static int group_setup(void **state)
{
    const char *home = getenv("NR_SOURCE_DIR");
    char path[1024];
    json_error_t jerr;

    (void)state;
    snprintf(path, sizeof(path), "%s/docs/openapi.json", home && *home ? home : NR_SOURCE_DIR);
    DOC = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (DOC == NULL) {
        fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    json_decref(DOC);
    return 0;
}

static void test_is_openapi3(void **state)
{
    const char *v = json_string_value(json_object_get(DOC, "openapi"));

    (void)state;
    assert_non_null(v);
    assert_true(strncmp(v, "3.", 2) == 0);
    assert_non_null(json_string_value(json_object_get(json_object_get(DOC, "info"), "title")));
    assert_true(json_is_object(json_object_get(DOC, "paths")));
    /* The three ways in: cookie, its CSRF header, and bearer tokens. */
    json_t *sch = json_object_get(json_object_get(DOC, "components"), "securitySchemes");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(sch, "cookieAuth"), "name")),
        "nr_session");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(sch, "csrfToken"), "name")),
        "X-CSRF-Token");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(sch, "bearerAuth"), "scheme")), "bearer");
}

static void test_every_route_documented(void **state)
{
    (void)state;
    assert_true(nr__nroutes > 0);
    assert_int_equal(check_table(nr__routes, nr__nroutes), 0);
}

/* The check itself: a route the document does not know, or one the table lost, is reported. */
static void test_new_route_fails(void **state)
{
    struct nr_route *routes = calloc(nr__nroutes + 1, sizeof(*routes));

    (void)state;
    assert_non_null(routes);
    QUIET = true;
    memcpy(routes, nr__routes, nr__nroutes * sizeof(*routes));
    routes[nr__nroutes] = routes[0];
    routes[nr__nroutes].pattern = "/api/v1/undocumented/{thing}";
    routes[nr__nroutes].summary = "a route nobody documented";
    assert_int_equal(check_table(routes, nr__nroutes + 1), 1);
    /* Another method on a documented path is another route. */
    routes[nr__nroutes] = routes[0];
    routes[nr__nroutes].method = EVHTTP_REQ_PATCH;
    assert_int_equal(check_table(routes, nr__nroutes + 1), 1);
    /* A route removed from the table leaves its documentation behind. */
    assert_true(check_table(routes + 1, nr__nroutes - 1) >= 1);
    /* A public route turned private (or the reverse) no longer matches its security. */
    routes[nr__nroutes] = routes[0];
    routes[0].flags ^= NR_ROUTE_PUBLIC;
    assert_true(check_table(routes, nr__nroutes) >= 1);
    QUIET = false;
    free(routes);
}

/* The routes that carry no JSON body are few and known: a stray body is a mistake. */
static void test_raw_and_public(void **state)
{
    size_t npublic = 0, nraw = 0;

    (void)state;
    for (size_t i = 0; i < nr__nroutes; i++) {
        npublic += (nr__routes[i].flags & NR_ROUTE_PUBLIC) != 0;
        nraw += (nr__routes[i].flags & NR_ROUTE_RAW) != 0;
    }
    /* The gate and the register answer the public; most routes do not. */
    assert_true(npublic >= 2 && npublic < nr__nroutes);
    assert_true(nraw >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_openapi3),
        cmocka_unit_test(test_every_route_documented),
        cmocka_unit_test(test_new_route_fails),
        cmocka_unit_test(test_raw_and_public),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
