/*
 * api_registry_int.h - small helpers that the handlers of api_registry.c, api_intake.c,
 * api_panel.c and api_decisions.c share (private to src/http/; defined in api_registry.c). They sit
 * on top of the nr_req_* helpers of http_int.h and, like them, send the error response themselves:
 * a caller that gets -1 returns at once.
 */
#ifndef NETREVIEW_API_REGISTRY_INT_H
#define NETREVIEW_API_REGISTRY_INT_H

#include "http_int.h"

/* Caps on the text members of request bodies. The model checks the exact limits of each field
 * with its own messages; these only keep absurd input out before it gets there. */
#define NR_API_LINE_MAX 4096               /* names, logins, identifiers, dates */
#define NR_API_TEXT_MAX NR_HTTP_STRING_MAX /* reasons, texts, purposes */
#define NR_API_LIST_MAX 256                /* entries of a list member (experts, methods) */

/* One string member of a JSON body: key, cap in bytes, required, where the value goes (NULL
 * when absent). A table of them ends with a NULL key. */
struct nr__req_field {
    const char *key;
    size_t max;
    bool required;
    const char **out;
};

/* Reads every member of the table; on the first bad one (not a string, longer than its cap,
 * missing while required) the 400 naming it is sent and -1 returned. */
int nr__req_strs(struct nr_req *r, const struct nr__req_field *fields);

/* A body member that is an array of strings (or, for what the CLI takes as one, a comma list)
 * as a comma list in the request's arena: *out NULL when absent. Entries must be non-empty and
 * free of commas, at most NR_API_LIST_MAX of them, each at most NR_API_LINE_MAX bytes; anything
 * else sends a 400 naming the member and returns -1. */
int nr__req_list(struct nr_req *r, const char *key, const char **out);

/* Sends a body that is not JSON (a signed document, a PEM key) with its content type and, when
 * disposition is not NULL, a Content-Disposition header. */
void nr__req_send(struct nr_req *r, int status, const char *content_type, const char *disposition,
                  const char *body, size_t len);

/* 201 Created with body (stolen) and, when location is not NULL, a Location header. */
void nr__req_created(struct nr_req *r, json_t *body, const char *location);

/* Keeps the rows whose member key equals value, compared as text or as a decimal integer.
 * Takes the reference to rows and returns a new array. */
json_t *nr__rows_filter(json_t *rows, const char *key, const char *value);

#endif
