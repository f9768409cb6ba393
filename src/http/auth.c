/*
 * auth.c - who is calling: the bearer token, the session cookie with its CSRF token, or the
 * public (interface: nr_http_authenticate of http_int.h). The secrets themselves are checked by
 * the model (token.h): this file reads the headers, applies the route's rules (public or not,
 * the token scope it needs, CSRF on state-changing requests) and refuses with the right status.
 *
 * Order: an Authorization header wins over a cookie (a machine's explicit credential; and a
 * browser cannot be made to send one cross-site without CORS, which the server does not allow).
 * A session cookie that no longer works is ignored on public routes, so that a browser holding a
 * stale cookie can still read the register or sign in again, and answers 401 elsewhere.
 */
#include "http_int.h"
#include "netreview/token.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "netreview/banned.h"

/* The model's scope bits are the HTTP layer's. */
_Static_assert(NR_SCOPE_GATE == NR_TOKEN_GATE && NR_SCOPE_READ == NR_TOKEN_READ &&
                   NR_SCOPE_WRITE == NR_TOKEN_WRITE,
               "token scopes of token.h and http_int.h differ");

#define AUTH_COOKIE "nr_session"

/* An error whose code is not an NR_E code of core.h ("csrf", "scope"). */
static void auth_refuse(struct nr_req *r, int status, const char *code, const char *field,
                        const char *message)
{
    json_t *body =
        json_pack("{s:{s:s,s:s,s:s?}}", "error", "code", code, "message", message, "field", field);
    if (status == 401)
        evhttp_add_header(evhttp_request_get_output_headers(r->ev), "WWW-Authenticate",
                          "Bearer realm=\"netreview\"");
    nr_req_json(r, status, body);
}

/* The value of the session cookie in a Cookie header ("a=1; nr_session=...; b=2") as a
 * NUL-terminated copy in out, or false when there is none that fits. */
static bool auth_cookie(const char *header, char *out, size_t outlen)
{
    const char *p = header;
    const size_t nlen = sizeof(AUTH_COOKIE) - 1;

    while (p && *p) {
        size_t n;
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        n = strcspn(p, ";");
        if (n > nlen && strncmp(p, AUTH_COOKIE, nlen) == 0 && p[nlen] == '=') {
            const char *v = p + nlen + 1;
            size_t vlen = n - nlen - 1;
            while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            if (vlen + 1 > outlen)
                return false;
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            return true;
        }
        p += n;
    }
    return false;
}

static bool auth_safe_method(struct nr_req *r)
{
    enum evhttp_cmd_type m = evhttp_request_get_command(r->ev);
    return m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD || m == EVHTTP_REQ_OPTIONS;
}

static int auth_bearer(struct nr_req *r, const char *header)
{
    struct nr_err err;
    unsigned scopes = 0, have;
    int rc;

    nr_err_init(&err);
    if (strncasecmp(header, "Bearer ", 7) != 0) {
        auth_refuse(r, 401, "unauthenticated", "Authorization",
                    "the Authorization header must be \"Bearer nr_...\" with an API token");
        return -1;
    }
    header += 7;
    while (*header == ' ')
        header++;
    rc = nr_token_authenticate(r->rv, header, &r->actor, &scopes, &r->token_id, &err);
    if (rc == NR_EAUTH) {
        nr_actor_public(&r->actor);
        auth_refuse(r, 401, "unauthenticated", "Authorization", err.msg);
        return -1;
    }
    if (rc) {
        nr_actor_public(&r->actor);
        nr_req_error(r, rc, &err);
        return -1;
    }
    r->via = NR_AUTH_TOKEN;
    r->scopes = scopes;
    /* Reading includes the gate (it is a GET); the gate scope alone opens the gate routes and
     * nothing else, since every other route needs read or write. */
    have = scopes & NR_SCOPE_READ ? scopes | NR_SCOPE_GATE : scopes;
    if ((r->route->scope & have) != r->route->scope) {
        char scope[NR_TOKEN_SCOPES_STR], msg[128];
        nr_token_scopes_fmt(r->route->scope, scope);
        snprintf(msg, sizeof(msg), "this API token lacks the %s scope this request needs", scope);
        auth_refuse(r, 403, "scope", "Authorization", msg);
        return -1;
    }
    return 0;
}

int nr_http_authenticate(struct nr_req *r)
{
    const char *authz = nr_req_header(r, "Authorization");
    const char *cookie = nr_req_header(r, "Cookie");
    char value[NR_SECRET_STR + 1];
    struct nr_session sess;
    struct nr_err err;
    int rc;

    nr_actor_public(&r->actor);
    r->via = NR_AUTH_NONE;
    /* The public carries no scope: scopes limit what a credential can do, and it has none. */
    r->scopes = 0;
    r->session_id = 0;
    r->token_id = 0;

    if (authz)
        return auth_bearer(r, authz);

    if (cookie && auth_cookie(cookie, value, sizeof(value))) {
        nr_err_init(&err);
        rc = nr_session_lookup(r->rv, value, &r->actor, &sess, &err);
        if (rc == 0) {
            r->via = NR_AUTH_SESSION;
            r->scopes = NR_SCOPE_ALL;
            r->session_id = sess.id;
            /* A cookie goes with every request the browser makes, whoever's page asks for it;
             * the CSRF token is only in the pages of this origin. SameSite=Strict already stops
             * most cross-site requests: this is the second lock. */
            if (!auth_safe_method(r) && !(r->route->flags & NR_ROUTE_NOCSRF)) {
                const char *given = nr_req_header(r, "X-CSRF-Token");
                if (given == NULL || strlen(given) != strlen(sess.csrf) ||
                    !nr_ct_equal(given, sess.csrf, strlen(sess.csrf))) {
                    auth_refuse(r, 403, "csrf", "X-CSRF-Token",
                                given ? "the X-CSRF-Token header does not match this session"
                                      : "a request that changes something needs the X-CSRF-Token "
                                        "header of the session (GET /api/v1/session)");
                    memset(&sess, 0, sizeof(sess));
                    return -1;
                }
            }
            memset(&sess, 0, sizeof(sess));
            return 0;
        }
        nr_actor_public(&r->actor);
        if (rc != NR_EAUTH) {
            nr_req_error(r, rc, &err);
            return -1;
        }
        if (!(r->route->flags & NR_ROUTE_PUBLIC)) {
            auth_refuse(r, 401, "unauthenticated", "session", err.msg);
            return -1;
        }
        return 0;
    }

    if (!(r->route->flags & NR_ROUTE_PUBLIC)) {
        auth_refuse(r, 401, "unauthenticated", NULL,
                    "sign in first (POST /api/v1/session) or send an API token "
                    "(Authorization: Bearer nr_...)");
        return -1;
    }
    return 0;
}
