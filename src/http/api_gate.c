/*
 * api_gate.c - the procurement gate over HTTP (interface: api.h): GET /api/v1/gate answers
 * whether a product and version may be procured (R9), with the same JSON as `netreview gate
 * check --json`; GET /api/v1/gate/feed lists the decision changes since a time, so that a
 * procurement system keeps a local copy of the gate.
 *
 * The gate answers from the server's in-memory index (gate_cache.c), never from a query per
 * request: every procurement system of every operator calls it (R9: fast and always up). It
 * answers the public (public decisions), a gate-scoped token and any session; what each caller
 * sees is the model's rule (gate.h): an operator's own view includes what was circulated to it.
 */
#include "api.h"
#include "server_int.h"

#include "netreview/gate.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_GATE_FEED_LIMIT     100
#define NR_GATE_FEED_LIMIT_MAX 1000
#define NR_GATE_ANSWER_MAX     (16 << 10) /* bytes of one answer, escapes included (gate.h) */

/* An answer that changes with every decision must not be kept by a cache on the way. */
static void gate_no_store(struct nr_req *r)
{
    evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Cache-Control", "no-store");
}

/* The answer as nr_req_json(r, 200, nr_gate_answer_json(ans)) sends it, byte for byte, but
 * written straight into the response: building and dumping a jansson object was a seventh of
 * the worker's time on this route (perf, bench/gate.sh), and the gate is the hottest route. */
static void gate_reply(struct nr_req *r, const struct nr_gate_answer *ans)
{
    struct evbuffer *body;
    struct nr_buf text;

    nr_buf_init(&text, NR_GATE_ANSWER_MAX);
    if (nr_gate_answer_write(ans, &text) != 0 || nr_buf_puts(&text, "\n") != 0 ||
        (body = evbuffer_new()) == NULL) {
        nr_buf_release(&text);
        nr_req_json(r, 200, nr_gate_answer_json(ans));
        return;
    }
    evbuffer_add(body, text.p, text.len);
    nr_buf_release(&text);
    nr__req_reply(r, 200, "application/json", body);
}

static bool gate_given(const char *s)
{
    return s != NULL && *s != '\0';
}

NR_HANDLER(api_gate_check)
{
    struct nr_http_server *srv = r->w->srv;
    struct nr_gate_cache *gc = nr_http_gate_cache(srv);
    struct nr_gate_query q;
    struct nr_gate_answer ans;
    struct nr_gate_index *idx;
    struct nr_err err;
    int rc;

    memset(&q, 0, sizeof(q));
    q.product = nr_req_query(r, "product");
    q.cpe = nr_req_query(r, "cpe");
    q.purl = nr_req_query(r, "purl");
    q.version = nr_req_query(r, "version");
    q.operator_org = nr_req_query(r, "operator");
    /* R9: one product, named one way (as `gate check` wants exactly one of its options). */
    if (gate_given(q.product) + gate_given(q.cpe) + gate_given(q.purl) != 1) {
        nr_req_fail(r, NR_EINVAL, "product",
                    "the gate needs exactly one of product (name or id), cpe and purl");
        return;
    }
    if (q.version && *q.version == '\0')
        q.version = NULL;
    if (q.operator_org && *q.operator_org == '\0')
        q.operator_org = NULL;
    nr_err_init(&err);
    idx = nr__gate_cache_get(gc, r->rv, &err);
    if (idx == NULL) {
        nr_req_error(r, err.code ? err.code : NR_EBUSY, &err);
        return;
    }
    rc = nr_gate_index_check(idx, &r->actor, &q, &ans, &err);
    nr__gate_index_put(gc, idx);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_http_count_gate_lookup(srv, ans.status);
    gate_no_store(r);
    gate_reply(r, &ans);
}

NR_HANDLER(api_gate_feed)
{
    const char *since = nr_req_query(r, "since"), *next;
    struct nr_err err;
    json_t *items = NULL, *body;
    int64_t limit = 0;
    size_t n;
    int rc;

    if (nr_req_query_int(r, "limit", 1, NR_GATE_FEED_LIMIT_MAX, NR_GATE_FEED_LIMIT, &limit) != 0)
        return;
    nr_err_init(&err);
    rc = nr_gate_feed(r->rv, &r->actor, since, (int)limit, &items, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    /* The next call asks from the last change seen (the model never splits one time). */
    n = json_array_size(items);
    next = n ? json_string_value(json_object_get(json_array_get(items, n - 1), "at")) : since;
    body = json_pack("{s:o, s:I, s:s, s:s}", "items", items, "limit", (json_int_t)limit, "since",
                     since, "next_since", next);
    if (body == NULL) {
        nr_req_fail(r, NR_EINVAL, "since", "since is not valid UTF-8");
        return;
    }
    gate_no_store(r);
    nr_req_json(r, 200, body);
}
