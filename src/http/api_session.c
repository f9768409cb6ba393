/*
 * api_session.c - signing in and out, and the office's API tokens, over HTTP (interface: api.h;
 * the store side is token.h): POST/GET/DELETE /api/v1/session, GET/POST /api/v1/tokens and
 * DELETE /api/v1/tokens/{token}, with the same JSON as `netreview token ... --json`.
 *
 * Password guessing is throttled per login and per client address (token.h, nr_login_attempt):
 * with NR_LOGIN_MAX_FAILURES failures in NR_LOGIN_WINDOW a sign-in is refused with 429 and
 * Retry-After before any password is hashed, so a flood costs no argon2; and each failed
 * attempt is answered later the more failures there were. The delay is a timer on the worker's
 * event base that sends the 401 when it fires: the worker goes on serving other requests
 * meanwhile (evhttp keeps the request until it is answered, and frees it safely when the client
 * has gone by then).
 */
#include "api.h"
#include "netreview/token.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define SESSION_LOGIN_MAX    63   /* the longest login a user can have */
#define SESSION_PASSWORD_MAX 1024 /* the longest password a user can have */
#define SESSION_DELAY_MS     250  /* after the first failure; doubles with each further one */
#define SESSION_DELAY_MAX_MS 4000
#define TOKEN_FIELD_MAX      1000 /* user, name, expires: the model checks the exact limits */

/* ---- responses ---- */

static void session_no_store(struct nr_req *r)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
    /* Secrets (session, CSRF and API tokens) must not stay in a cache on the way. */
    evhttp_remove_header(h, "Cache-Control");
    evhttp_add_header(h, "Cache-Control", "no-store");
}

/* Sets the session cookie, or clears it when token is NULL. */
static void session_cookie(struct nr_req *r, const char *token)
{
    char cookie[160];
    bool secure = nr_http_behind_tls(r->w->srv);

    snprintf(cookie, sizeof(cookie),
             "nr_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s", token ? token : "",
             token ? NR_SESSION_TTL : 0, secure ? "; Secure" : "");
    evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie", cookie);
    memset(cookie, 0, sizeof(cookie));
}

static void session_too_many(struct nr_req *r, int retry_after)
{
    char secs[24], msg[160];
    json_t *body;

    snprintf(secs, sizeof(secs), "%d", retry_after);
    snprintf(msg, sizeof(msg),
             "too many failed sign-ins for this user or from this address; try again in %d "
             "seconds",
             retry_after);
    body = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "too_many", "message", msg, "field",
                     "login");
    evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Retry-After", secs);
    nr_req_json(r, 429, body);
}

/* A failed sign-in answered later. */
struct session_delay {
    struct nr_req *r;
    struct event *ev;
    struct nr_err err;
};

static void session_delay_fire(evutil_socket_t fd, short what, void *arg)
{
    struct session_delay *d = arg;
    struct nr_req *r = d->r;

    (void)fd;
    (void)what;
    event_free(d->ev);
    nr_req_error(r, NR_EAUTH, &d->err);
    nr_free(d);
}

static void session_refuse_later(struct nr_req *r, int failures, const struct nr_err *err)
{
    struct session_delay *d = nr_calloc(1, sizeof(*d));
    long ms = SESSION_DELAY_MS;
    struct timeval tv;

    for (int i = 1; i < failures && ms < SESSION_DELAY_MAX_MS; i++)
        ms *= 2;
    if (ms > SESSION_DELAY_MAX_MS)
        ms = SESSION_DELAY_MAX_MS;
    d->r = r;
    d->err = *err;
    d->ev = evtimer_new(r->w->base, session_delay_fire, d);
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    /* Without a timer the answer goes now: a refusal is never lost. */
    if (d->ev == NULL || evtimer_add(d->ev, &tv) != 0) {
        if (d->ev)
            event_free(d->ev);
        nr_req_error(r, NR_EAUTH, err);
        nr_free(d);
    }
}

/* ---- sessions ---- */

NR_HANDLER(api_session_create)
{
    static const char *const fields[] = {"login", "password", NULL};
    struct nr_login_throttle t;
    struct nr_session sess;
    struct nr_actor who;
    struct nr_err err;
    const char *login, *password;
    json_t *user = NULL;
    bool bad = false;
    int rc;

    if (nr_req_fields(r, fields) != 0)
        return;
    login = nr_req_str(r, "login", SESSION_LOGIN_MAX, true, &bad);
    if (bad)
        return;
    password = nr_req_str(r, "password", SESSION_PASSWORD_MAX, true, &bad);
    if (bad)
        return;
    if (login == NULL || *login == '\0') {
        nr_req_fail(r, NR_EINVAL, "login", "login is required");
        return;
    }
    if (password == NULL || *password == '\0') {
        nr_req_fail(r, NR_EINVAL, "password", "password is required");
        return;
    }
    nr_err_init(&err);
    /* Throttle first: the count is a query, the password check an argon2 of 64 MiB. */
    rc = nr_login_attempt(r->rv, login, r->client, &t, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    if (t.retry_after > 0) {
        session_too_many(r, t.retry_after);
        return;
    }
    rc = nr_actor_authenticate(r->rv, login, password, &who, &err);
    if (rc == NR_EAUTH) {
        session_refuse_later(r, t.failures, &err);
        return;
    }
    if (rc == 0)
        rc = nr_session_create(r->rv, &who, r->client, &sess, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    rc = nr_session_user_json(r->rv, &who, &user, &err);
    if (rc) {
        memset(&sess, 0, sizeof(sess));
        nr_req_error(r, rc, &err);
        return;
    }
    session_no_store(r);
    session_cookie(r, sess.token);
    nr_req_json(
        r, 200,
        json_pack("{s:o,s:s,s:s}", "user", user, "csrf", sess.csrf, "expires_at", sess.expires_at));
    memset(&sess, 0, sizeof(sess));
}

NR_HANDLER(api_session_show)
{
    struct nr_session sess;
    struct nr_err err;
    json_t *user = NULL, *body;
    int rc;

    nr_err_init(&err);
    rc = nr_session_user_json(r->rv, &r->actor, &user, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    if (r->via == NR_AUTH_SESSION) {
        rc = nr_session_get(r->rv, r->session_id, &sess, &err);
        if (rc) {
            json_decref(user);
            nr_req_error(r, rc, &err);
            return;
        }
        body = json_pack("{s:o,s:s,s:s,s:s}", "user", user, "via", "session", "csrf", sess.csrf,
                         "expires_at", sess.expires_at);
        memset(&sess, 0, sizeof(sess));
    } else {
        char scopes[NR_TOKEN_SCOPES_STR];
        nr_token_scopes_fmt(r->scopes, scopes);
        body = json_pack("{s:o,s:s,s:I,s:s}", "user", user, "via", "token", "token_id",
                         (json_int_t)r->token_id, "scopes", scopes);
    }
    session_no_store(r);
    nr_req_json(r, 200, body);
}

NR_HANDLER(api_session_delete)
{
    struct nr_err err;
    int rc;

    if (r->via != NR_AUTH_SESSION) {
        nr_req_fail(r, NR_EPRECOND, "Authorization",
                    "sign-out ends a browser session; an API token is revoked by the office "
                    "(DELETE /api/v1/tokens/{token})");
        return;
    }
    nr_err_init(&err);
    rc = nr_session_revoke(r->rv, &r->actor, r->session_id, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    session_cookie(r, NULL);
    nr_req_json(r, 200, json_pack("{s:b}", "signed_out", 1));
}

/* ---- API tokens (the office) ---- */

/* The scopes member as the CLI takes it ("gate,read") or as a JSON array (["gate", "read"]),
 * into buf as a comma list for nr_token_scopes_parse. Sends a 400 and returns -1 otherwise. */
static int token_scopes(struct nr_req *r, char *buf, size_t size)
{
    json_t *v = r->body ? json_object_get(r->body, "scopes") : NULL, *item;
    size_t i, n = 0;

    buf[0] = '\0';
    if (json_is_string(v)) {
        if (json_string_length(v) >= size)
            goto bad;
        memcpy(buf, json_string_value(v), json_string_length(v) + 1);
        return 0;
    }
    if (!json_is_array(v) || json_array_size(v) == 0)
        goto bad;
    json_array_foreach(v, i, item)
    {
        const char *s = json_string_value(item);
        size_t len = s ? json_string_length(item) : 0;
        if (s == NULL || len == 0 || n + len + 2 > size || memchr(s, ',', len))
            goto bad;
        if (n)
            buf[n++] = ',';
        memcpy(buf + n, s, len);
        n += len;
        buf[n] = '\0';
    }
    return 0;
bad:
    nr_req_fail(
        r, NR_EINVAL, "scopes",
        "scopes must be a list of gate, read, write (\"gate,read\" or [\"gate\", \"read\"])");
    return -1;
}

NR_HANDLER(api_token_list)
{
    struct nr_err err;
    json_t *rows = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_token_list(r->rv, &r->actor, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}

NR_HANDLER(api_token_create)
{
    static const char *const fields[] = {"user", "name", "scopes", "expires", NULL};
    struct nr_token_spec spec = {0};
    char scopes[64], *secret = NULL;
    json_t *row = NULL;
    struct nr_err err;
    int64_t id = 0;
    bool bad = false;
    int rc;

    if (nr_req_fields(r, fields) != 0)
        return;
    spec.user = nr_req_str(r, "user", TOKEN_FIELD_MAX, true, &bad);
    if (!bad)
        spec.name = nr_req_str(r, "name", TOKEN_FIELD_MAX, true, &bad);
    if (!bad)
        spec.expires = nr_req_str(r, "expires", TOKEN_FIELD_MAX, false, &bad);
    if (bad || token_scopes(r, scopes, sizeof(scopes)) != 0)
        return;
    nr_err_init(&err);
    rc = nr_token_scopes_parse(scopes, &spec.scopes, &err);
    if (rc == 0)
        rc = nr_token_create(r->rv, &r->actor, &spec, &id, &secret, &err);
    if (rc == 0)
        rc = nr_token_show(r->rv, &r->actor, id, &row, &err);
    if (rc) {
        if (secret)
            memset(secret, 0, strlen(secret));
        nr_free(secret);
        nr_req_error(r, rc, &err);
        return;
    }
    /* The only time the token is shown: the store keeps its hash. */
    json_object_set_new(row, "token", json_string(secret));
    memset(secret, 0, strlen(secret));
    nr_free(secret);
    session_no_store(r);
    nr_req_json(r, 201, row);
}

NR_HANDLER(api_token_revoke)
{
    struct nr_err err;
    json_t *row = NULL;
    int64_t id;
    int rc;

    if (nr_req_param_id(r, 0, &id) != 0)
        return;
    nr_err_init(&err);
    rc = nr_token_revoke(r->rv, &r->actor, id, &err);
    if (rc == 0)
        rc = nr_token_show(r->rv, &r->actor, id, &row, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, row);
}
