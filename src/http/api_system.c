/*
 * api_system.c - the routes about the server itself: /healthz, /metrics, the OpenAPI document
 * and the procedure in force (interface: api.h).
 *
 * /metrics answers loopback clients (a Prometheus on the same machine) and the office, signed in
 * or with an API token. Behind a TLS proxy (NETREVIEW_TLS=1) every client comes from loopback,
 * so there it answers the office only.
 */
#include "api.h"
#include "server_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_OPENAPI_MAX  (8 << 20)
#define NR_METRICS_MAX  (16 << 20)
#define NR_OVERDUE_PAGE 1000

NR_HANDLER(api_healthz)
{
    struct nr_err err;
    int64_t one = 0;

    nr_err_init(&err);
    /* Alive means able to answer from the database, not only to accept connections. */
    if (nr_store_query_int(r->rv->st, &err, &one, "SELECT 1", "") != 0 || one != 1) {
        nr_req_fail(r, NR_EBUSY, NULL, "the database does not answer");
        return;
    }
    nr_req_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static bool nr_client_loopback(const char *client)
{
    return strncmp(client, "127.", 4) == 0 || strcmp(client, "::1") == 0 ||
           strncmp(client, "::ffff:127.", 11) == 0;
}

/* netreview_cases{phase} for every phase of the procedure (0 included, so that a phase that
 * empties shows 0 rather than vanishing), then phases the procedure no longer has. */
static int nr_metrics_cases(struct nr_review *rv, struct nr_buf *b, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *counts = json_object(), *v;
    const char *phase;
    int rc;

    rc = nr_store_prepare(rv->st, "SELECT phase, COUNT(*) FROM cases GROUP BY phase", &s, err);
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW)
        json_object_set_new(counts, nr_stmt_text(s, 0) ? nr_stmt_text(s, 0) : "",
                            json_integer(nr_stmt_int(s, 1)));
    if (rc < 0)
        goto out;
    rc = 0;
    nr_buf_puts(b, "# HELP netreview_cases Cases by the phase they are in.\n"
                   "# TYPE netreview_cases gauge\n");
    for (size_t i = 0; i < rv->proc.nphases; i++) {
        json_int_t n = json_integer_value(json_object_get(counts, rv->proc.phases[i].id));
        nr_buf_printf(b, "netreview_cases{phase=\"%s\"} %lld\n", rv->proc.phases[i].id,
                      (long long)n);
        json_object_del(counts, rv->proc.phases[i].id);
    }
    json_object_foreach(counts, phase, v)
    {
        if (strchr(phase, '"') || strchr(phase, '\\') || strchr(phase, '\n'))
            continue;
        nr_buf_printf(b, "netreview_cases{phase=\"%s\"} %lld\n", phase,
                      (long long)json_integer_value(v));
    }
out:
    nr_stmt_free(s);
    json_decref(counts);
    return rc;
}

/* R13: open cases past their phase deadline, counted the way `case overdue` lists them. */
static int nr_metrics_overdue(struct nr_review *rv, struct nr_buf *b, struct nr_err *err)
{
    struct nr_case_filter f;
    struct nr_actor admin;
    size_t total = 0;
    int rc;

    nr_actor_local_admin(&admin);
    memset(&f, 0, sizeof(f));
    f.overdue_only = true;
    f.limit = NR_OVERDUE_PAGE;
    for (;;) {
        json_t *rows = NULL;
        size_t n;
        rc = nr_case_list(rv, &admin, &f, &rows, err);
        if (rc)
            return rc;
        n = json_array_size(rows);
        json_decref(rows);
        total += n;
        if (n < NR_OVERDUE_PAGE)
            break;
        f.offset += NR_OVERDUE_PAGE;
    }
    nr_buf_printf(b,
                  "# HELP netreview_cases_overdue Open cases past their phase deadline (R13).\n"
                  "# TYPE netreview_cases_overdue gauge\n"
                  "netreview_cases_overdue %zu\n",
                  total);
    return 0;
}

NR_HANDLER(api_metrics)
{
    struct nr_err err;
    struct nr_buf b;
    struct evbuffer *out;
    int rc;

    bool office = r->via != NR_AUTH_NONE && r->actor.role == NR_ROLE_OFFICE;
    if (!office && (nr_http_behind_tls(r->w->srv) || !nr_client_loopback(r->client))) {
        if (r->via == NR_AUTH_NONE)
            nr_req_fail(r, NR_EAUTH, NULL,
                        "metrics answer loopback clients and the office: sign in as the office");
        else
            nr_req_fail(r, NR_EFORBIDDEN, NULL, "metrics are for the office");
        return;
    }
    nr_err_init(&err);
    nr_buf_init(&b, NR_METRICS_MAX);
    rc = nr__metrics_write(r->w->srv, &b);
    if (rc == 0)
        rc = nr_metrics_cases(r->rv, &b, &err);
    if (rc == 0)
        rc = nr_metrics_overdue(r->rv, &b, &err);
    if (rc == 0 && b.p == NULL)
        rc = NR_ETOOBIG;
    if (rc) {
        nr_buf_release(&b);
        nr_req_error(r, rc, &err);
        return;
    }
    out = evbuffer_new();
    evbuffer_add(out, b.p, b.len);
    nr_buf_release(&b);
    nr__req_reply(r, 200, "text/plain; version=0.0.4; charset=utf-8", out);
}

NR_HANDLER(api_openapi)
{
    struct nr_err err;
    char *path, *text = NULL;
    size_t len = 0;
    struct evbuffer *out;
    int rc;

    nr_err_init(&err);
    path = nr_asprintf("%s/docs/openapi.json", r->rv->home);
    rc = nr_file_read(path, NR_OPENAPI_MAX, &text, &len, &err);
    if (rc) {
        fprintf(stderr, "netreview serve: %s: %s\n", path, err.msg);
        nr_free(path);
        nr_req_fail(r, NR_EIO, NULL,
                    "the OpenAPI document is not installed: docs/openapi.json is missing from "
                    "the installation's home (NETREVIEW_HOME)");
        return;
    }
    nr_free(path);
    out = evbuffer_new();
    evbuffer_add(out, text, len);
    nr_free(text);
    nr__req_reply(r, 200, "application/json", out);
}

NR_HANDLER(api_procedure)
{
    nr_req_json(r, 200, nr_procedure_json(&r->rv->proc, false));
}
