/*
 * token.c - sessions, API tokens and failed sign-ins in the store (interface: token.h): random
 * secrets of which only a SHA-256 is kept, their lookup on every request of the HTTP server, the
 * office's management of API tokens, and the per-login and per-address record of failed
 * sign-ins that throttles password guessing.
 *
 * The lookups run on every request, so they are one indexed query each (token_hash is UNIQUE)
 * plus the actor's load, and they write only when a minute has passed since the last recorded
 * use: a busy procurement system calling the gate with its token costs one write a minute, not
 * one per call.
 */
#include "netreview/token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define TOK_NAME_MAX     200
#define TOK_CLIENT_MAX   63
#define TOK_LOGIN_MAX    63
#define TOK_HASH_STR     (2 * NR_HASH_LEN + 1)
#define TOK_PRUNE_EVERY  64              /* rows between two prunings */
#define TOK_SESSION_KEEP (7 * 24 * 3600) /* ended sessions stay this long, then go */

static const char *const tok_scope_names[] = {"gate", "read", "write"};

/* Messages of NR_EAUTH: one per kind of secret, whatever the reason (token.h). */
#define TOK_BAD_TOKEN   "the API token is not valid (unknown, revoked or expired)"
#define TOK_BAD_SESSION "the session has ended; sign in again"

/* ---- secrets ---- */

/* 32 random bytes as base64url without padding (43 characters). */
static int tok_secret(char out[NR_SECRET_STR])
{
    uint8_t raw[32];
    char *b64 = NULL;
    size_t i, n = 0;
    int rc;

    rc = nr_random(raw, sizeof(raw));
    if (rc)
        return rc;
    nr_base64_encode(raw, sizeof(raw), &b64);
    for (i = 0; b64[i] && b64[i] != '=' && n < NR_SECRET_LEN; i++)
        out[n++] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
    out[n] = '\0';
    memset(raw, 0, sizeof(raw));
    memset(b64, 0, strlen(b64));
    nr_free(b64);
    return n == NR_SECRET_LEN ? 0 : NR_ECRYPTO;
}

/* Whether s is exactly a secret: 43 characters of the base64url alphabet. Anything else is
 * refused before it reaches a query. */
static bool tok_is_secret(const char *s)
{
    size_t i;
    for (i = 0; i < NR_SECRET_LEN; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return s[i] == '\0';
}

/* The stored form of a secret: lower-case hex SHA-256 of its text. */
static int tok_hash(const char *s, char out[TOK_HASH_STR])
{
    struct nr_hash_ctx *h = NULL;
    uint8_t d[NR_HASH_LEN];
    int rc = nr_hash_ctx_new_sha256(&h);

    if (rc == 0)
        rc = nr_hash_ctx_update(h, s, strlen(s));
    if (rc == 0)
        rc = nr_hash_ctx_final(h, d);
    nr_hash_ctx_free(h);
    if (rc == 0)
        nr_hex(d, NR_HASH_LEN, out);
    return rc;
}

/* ---- small helpers ---- */

static bool tok_officer(const struct nr_actor *a)
{
    return a->local_admin || a->role == NR_ROLE_OFFICE || a->role == NR_ROLE_COMMITTEE;
}

static int tok_check_officer(const struct nr_actor *a, const char *what, struct nr_err *err)
{
    if (tok_officer(a))
        return 0;
    return nr_err_set(err, NR_EFORBIDDEN, NULL, "role %s may not %s", nr_role_name(a->role), what);
}

static int tok_finish(struct nr_review *rv, int rc, struct nr_err *err)
{
    if (rc) {
        nr_store_rollback(rv->st);
        return rc;
    }
    return nr_store_commit(rv->st, err);
}

static void tok_time(time_t t, char out[NR_TIME_STR])
{
    nr_time_fmt(t, out);
}

/* Seconds from a stored timestamp to now; a malformed one counts as long ago. */
static int64_t tok_age(const char *at, time_t now)
{
    time_t t;
    if (at == NULL || nr_time_parse(at, &t) != 0)
        return INT64_MAX / 2;
    return (int64_t)now - (int64_t)t;
}

/* A free-text field: valid UTF-8 (jansson refuses anything else), no control characters. */
static int tok_text(const char *field, const char *s, size_t max, struct nr_err *err)
{
    json_t *j;
    size_t n;

    if (s == NULL || *s == '\0')
        return nr_err_set(err, NR_EINVAL, field, "%s is required", field);
    n = strlen(s);
    if (n > max)
        return nr_err_set(err, NR_ETOOBIG, field, "%s is longer than %zu bytes", field, max);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return nr_err_set(err, NR_EINVAL, field, "%s contains a control character", field);
    j = json_string(s);
    if (j == NULL)
        return nr_err_set(err, NR_EINVAL, field, "%s is not valid UTF-8 text", field);
    json_decref(j);
    return 0;
}

/* ---- scopes ---- */

int nr_token_scopes_parse(const char *s, unsigned *out, struct nr_err *err)
{
    unsigned set = 0;
    const char *p = s;

    *out = 0;
    if (s == NULL || *s == '\0')
        return nr_err_set(err, NR_EINVAL, "scopes", "scopes are required: gate, read, write");
    while (*p) {
        size_t n = strcspn(p, ",");
        size_t i;
        for (i = 0; i < NR_ARRAY_LEN(tok_scope_names); i++)
            if (strlen(tok_scope_names[i]) == n && strncmp(p, tok_scope_names[i], n) == 0)
                break;
        if (i == NR_ARRAY_LEN(tok_scope_names))
            return nr_err_set(err, NR_EINVAL, "scopes",
                              "unknown scope \"%.*s\" (gate, read or write)",
                              (int)(n > 32 ? 32 : n), p);
        if (set & (1u << i))
            return nr_err_set(err, NR_EINVAL, "scopes", "scope %s is given twice",
                              tok_scope_names[i]);
        set |= 1u << i;
        p += n;
        if (*p == ',') {
            p++;
            if (*p == '\0')
                return nr_err_set(err, NR_EINVAL, "scopes", "scopes end with a comma");
        }
    }
    *out = set;
    return 0;
}

void nr_token_scopes_fmt(unsigned scopes, char out[NR_TOKEN_SCOPES_STR])
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < NR_ARRAY_LEN(tok_scope_names); i++) {
        if (!(scopes & (1u << i)))
            continue;
        n += (size_t)snprintf(out + n, NR_TOKEN_SCOPES_STR - n, "%s%s", n ? "," : "",
                              tok_scope_names[i]);
    }
}

/* ---- API tokens ---- */

int nr_token_create(struct nr_review *rv, const struct nr_actor *a, const struct nr_token_spec *s,
                    int64_t *id, char **secret, struct nr_err *err)
{
    char token[NR_TOKEN_STR], hash[TOK_HASH_STR], prefix[NR_TOKEN_SHOWN + 1];
    char now[NR_TIME_STR], expires[NR_TIME_STR], scopes[NR_TOKEN_SCOPES_STR], object[48];
    char *detail = NULL;
    int64_t user_id = 0, new_id = 0;
    time_t t_now = nr_time_now(), t_exp = 0;
    int rc;

    *secret = NULL;
    if (id)
        *id = 0;
    rc = tok_check_officer(a, "create API tokens", err);
    if (rc)
        return rc;
    rc = tok_text("name", s->name, TOK_NAME_MAX, err);
    if (rc)
        return rc;
    if (s->user == NULL || *s->user == '\0')
        return nr_err_set(err, NR_EINVAL, "user", "user is required");
    if (s->scopes == 0 || (s->scopes & ~NR_TOKEN_ALL))
        return nr_err_set(err, NR_EINVAL, "scopes", "scopes must be a set of gate, read, write");
    if (s->expires && *s->expires) {
        if (nr_time_parse(s->expires, &t_exp) != 0)
            return nr_err_set(err, NR_EINVAL, "expires",
                              "expires must be a date (YYYY-MM-DD) or a time "
                              "(YYYY-MM-DDTHH:MM:SSZ)");
        if (t_exp <= t_now)
            return nr_err_set(err, NR_EINVAL, "expires", "expires %s is not in the future",
                              s->expires);
        tok_time(t_exp, expires);
    }
    nr_token_scopes_fmt(s->scopes, scopes);
    memcpy(token, NR_TOKEN_PREFIX, 3);
    rc = tok_secret(token + 3);
    if (rc == 0)
        rc = tok_hash(token, hash);
    if (rc)
        return nr_err_set(err, rc, NULL, "could not make a random token");
    snprintf(prefix, sizeof(prefix), "%.*s", NR_TOKEN_SHOWN, token);
    tok_time(t_now, now);

    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out;
    rc = nr_store_query_int(rv->st, err, &user_id,
                            "SELECT id FROM users WHERE login = ? AND disabled = 0", "t", s->user);
    if (rc == NR_ENOTFOUND)
        rc = nr_err_set(err, NR_ENOTFOUND, "user", "no user %s", s->user);
    if (rc == 0)
        rc = nr_store_query_int(rv->st, err, &new_id,
                                "INSERT INTO api_tokens (token_hash, prefix, name, user_id, "
                                "scopes, created_by, created_at, expires_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                "tttitntt", hash, prefix, s->name, user_id, scopes, now,
                                t_exp ? expires : NULL);
    /* The creator is NULL for the local administrator, who has no user row. */
    if (rc == 0 && a->user_id)
        rc = nr_store_exec(rv->st, err, "UPDATE api_tokens SET created_by = ? WHERE id = ?", "ii",
                           a->user_id, new_id);
    if (rc == 0) {
        /* R11: the audit entry names the token, never its secret. */
        snprintf(object, sizeof(object), "token:%lld", (long long)new_id);
        detail = nr_asprintf("user=%s name=%s scopes=%s expires=%s prefix=%s", s->user, s->name,
                             scopes, t_exp ? expires : "-", prefix);
        rc = nr_audit_append(rv, a, "token.create", 0, object, detail, err);
    }
    rc = tok_finish(rv, rc, err);
    if (rc == 0) {
        *secret = nr_strdup(token);
        if (id)
            *id = new_id;
    }
out:
    nr_free(detail);
    memset(token, 0, sizeof(token));
    return rc;
}

static int tok_rows(struct nr_review *rv, int64_t id, json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    char now[NR_TIME_STR];
    json_t *rows = json_array();
    int rc;

    tok_time(nr_time_now(), now);
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT t.id, t.prefix, t.name, u.login AS user, t.scopes, "
        "COALESCE(c.login, 'local-admin') AS created_by, t.created_at, t.expires_at, "
        "t.last_used_at, t.revoked_at, "
        "CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked' "
        "WHEN t.expires_at IS NOT NULL AND t.expires_at <= ? THEN 'expired' "
        "ELSE 'active' END AS state "
        "FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "LEFT JOIN users c ON c.id = t.created_by "
        "WHERE (? = 0 OR t.id = ?) ORDER BY t.id DESC",
        "tii", now, id, id);
    if (rc == 0)
        rc = nr_stmt_rows_json(s, "itttttttttt", rows, err);
    nr_stmt_free(s);
    if (rc) {
        json_decref(rows);
        *out = NULL;
        return rc;
    }
    *out = rows;
    return 0;
}

int nr_token_list(struct nr_review *rv, const struct nr_actor *a, json_t **out, struct nr_err *err)
{
    int rc;

    *out = NULL;
    rc = tok_check_officer(a, "list API tokens", err);
    if (rc)
        return rc;
    return tok_rows(rv, 0, out, err);
}

int nr_token_show(struct nr_review *rv, const struct nr_actor *a, int64_t id, json_t **out,
                  struct nr_err *err)
{
    json_t *rows = NULL;
    int rc;

    *out = NULL;
    rc = tok_check_officer(a, "read API tokens", err);
    if (rc)
        return rc;
    if (id <= 0)
        return nr_err_set(err, NR_ENOTFOUND, "token", "no token %lld", (long long)id);
    rc = tok_rows(rv, id, &rows, err);
    if (rc)
        return rc;
    if (json_array_size(rows) == 0) {
        json_decref(rows);
        return nr_err_set(err, NR_ENOTFOUND, "token", "no token %lld", (long long)id);
    }
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return 0;
}

int nr_token_revoke(struct nr_review *rv, const struct nr_actor *a, int64_t id, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    char now[NR_TIME_STR], object[48], *detail = NULL;
    int rc;

    rc = tok_check_officer(a, "revoke API tokens", err);
    if (rc)
        return rc;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT t.revoked_at, t.prefix, u.login FROM api_tokens t "
                               "JOIN users u ON u.id = t.user_id WHERE t.id = ?",
                               "i", id);
    if (rc == 0) {
        rc = nr_stmt_step(s, err);
        if (rc == NR_STORE_DONE)
            rc = nr_err_set(err, NR_ENOTFOUND, "token", "no token %lld", (long long)id);
        else if (rc == NR_STORE_ROW && !nr_stmt_is_null(s, 0))
            rc = nr_err_set(err, NR_EPRECOND, "token", "token %lld was already revoked at %s",
                            (long long)id, nr_stmt_text(s, 0));
        else if (rc == NR_STORE_ROW)
            rc = 0;
        if (rc == 0)
            detail = nr_asprintf("user=%s prefix=%s", nr_stmt_text(s, 2), nr_stmt_text(s, 1));
    }
    nr_stmt_free(s);
    if (rc == 0) {
        tok_time(nr_time_now(), now);
        rc = nr_store_exec(rv->st, err, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", "ti",
                           now, id);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "token:%lld", (long long)id);
        rc = nr_audit_append(rv, a, "token.revoke", 0, object, detail, err);
    }
    rc = tok_finish(rv, rc, err);
    nr_free(detail);
    return rc;
}

int nr_token_authenticate(struct nr_review *rv, const char *token, struct nr_actor *a,
                          unsigned *scopes, int64_t *id, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    char hash[TOK_HASH_STR], login[TOK_LOGIN_MAX + 1] = "", now_s[NR_TIME_STR];
    time_t now = nr_time_now(), exp;
    int64_t tid = 0;
    bool touch = false;
    unsigned set = 0;
    int rc;

    *scopes = 0;
    *id = 0;
    if (token == NULL || strncmp(token, NR_TOKEN_PREFIX, 3) != 0 || !tok_is_secret(token + 3))
        return nr_err_set(err, NR_EAUTH, "Authorization", TOK_BAD_TOKEN);
    rc = tok_hash(token, hash);
    if (rc)
        return nr_err_set(err, rc, NULL, "could not hash the token");
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT t.id, t.token_hash, t.scopes, t.expires_at, "
                               "t.last_used_at, u.login FROM api_tokens t "
                               "JOIN users u ON u.id = t.user_id "
                               "WHERE t.token_hash = ? AND t.revoked_at IS NULL "
                               "AND u.disabled = 0",
                               "t", hash);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc < 0)
        goto out;
    if (rc == NR_STORE_DONE) {
        rc = NR_EAUTH;
        goto out;
    }
    rc = NR_EAUTH;
    if (nr_stmt_text(s, 1) == NULL || strlen(nr_stmt_text(s, 1)) != TOK_HASH_STR - 1 ||
        !nr_ct_equal(nr_stmt_text(s, 1), hash, TOK_HASH_STR - 1))
        goto out;
    if (!nr_stmt_is_null(s, 3) && (nr_time_parse(nr_stmt_text(s, 3), &exp) != 0 || exp <= now))
        goto out;
    if (nr_token_scopes_parse(nr_stmt_text(s, 2), &set, NULL) != 0)
        goto out;
    tid = nr_stmt_int(s, 0);
    touch = tok_age(nr_stmt_text(s, 4), now) >= NR_SESSION_TOUCH;
    snprintf(login, sizeof(login), "%s", nr_stmt_text(s, 5) ? nr_stmt_text(s, 5) : "");
    nr_stmt_free(s);
    s = NULL;
    if (nr_actor_load(rv, login, a, NULL) != 0)
        goto out;
    if (touch) {
        /* The record of use is a convenience for the office: a failure to write it (the
         * database busy with a long write) must not refuse a request that is otherwise good. */
        tok_time(now, now_s);
        nr_store_exec(rv->st, NULL, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", "ti",
                      now_s, tid);
    }
    *scopes = set;
    *id = tid;
    rc = 0;
out:
    nr_stmt_free(s);
    if (rc == NR_EAUTH)
        rc = nr_err_set(err, NR_EAUTH, "Authorization", TOK_BAD_TOKEN);
    if (rc)
        memset(a, 0, sizeof(*a));
    return rc;
}

/* ---- sessions ---- */

int nr_session_create(struct nr_review *rv, const struct nr_actor *a, const char *client,
                      struct nr_session *out, struct nr_err *err)
{
    char hash[TOK_HASH_STR], now[NR_TIME_STR], old[NR_TIME_STR], object[48],
        addr[TOK_CLIENT_MAX + 1];
    char *detail = NULL;
    time_t t_now = nr_time_now();
    int64_t id = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (a->user_id <= 0 || a->local_admin)
        return nr_err_set(err, NR_EINVAL, NULL, "only a user of the review can sign in");
    rc = tok_secret(out->token);
    if (rc == 0)
        rc = tok_secret(out->csrf);
    if (rc == 0)
        rc = tok_hash(out->token, hash);
    if (rc) {
        memset(out, 0, sizeof(*out));
        return nr_err_set(err, rc, NULL, "could not make a random session token");
    }
    snprintf(addr, sizeof(addr), "%s", client && *client ? client : "-");
    tok_time(t_now, now);
    tok_time(t_now + NR_SESSION_TTL, out->expires_at);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out;
    rc =
        nr_store_query_int(rv->st, err, &id,
                           "INSERT INTO sessions (token_hash, csrf, user_id, created_at, "
                           "expires_at, last_seen_at, client) VALUES (?, ?, ?, ?, ?, ?, ?) "
                           "RETURNING id",
                           "ttitttt", hash, out->csrf, a->user_id, now, out->expires_at, now, addr);
    /* The password was right: the login's earlier failures (and this attempt, recorded up front
     * by nr_login_attempt) no longer count against it. */
    if (rc == 0)
        rc =
            nr_store_exec(rv->st, err, "DELETE FROM login_failures WHERE login = ?", "t", a->login);
    if (rc == 0 && id % TOK_PRUNE_EVERY == 0) {
        tok_time(t_now - TOK_SESSION_KEEP, old);
        rc = nr_store_exec(rv->st, err,
                           "DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?", "tt", old,
                           old);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "session:%lld", (long long)id);
        detail = nr_asprintf("client=%s expires=%s", addr, out->expires_at);
        rc = nr_audit_append(rv, a, "session.create", 0, object, detail, err);
    }
    rc = tok_finish(rv, rc, err);
out:
    nr_free(detail);
    if (rc)
        memset(out, 0, sizeof(*out));
    else
        out->id = id;
    return rc;
}

int nr_session_lookup(struct nr_review *rv, const char *token, struct nr_actor *a,
                      struct nr_session *out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    char hash[TOK_HASH_STR], login[TOK_LOGIN_MAX + 1] = "", now_s[NR_TIME_STR];
    time_t now = nr_time_now(), exp;
    bool touch;
    int rc;

    memset(out, 0, sizeof(*out));
    if (token == NULL || !tok_is_secret(token))
        return nr_err_set(err, NR_EAUTH, "session", TOK_BAD_SESSION);
    rc = tok_hash(token, hash);
    if (rc)
        return nr_err_set(err, rc, NULL, "could not hash the session token");
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT s.id, s.token_hash, s.csrf, s.expires_at, "
                               "s.last_seen_at, u.login FROM sessions s "
                               "JOIN users u ON u.id = s.user_id "
                               "WHERE s.token_hash = ? AND s.revoked_at IS NULL "
                               "AND u.disabled = 0",
                               "t", hash);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc < 0)
        goto out;
    if (rc == NR_STORE_DONE) {
        rc = NR_EAUTH;
        goto out;
    }
    rc = NR_EAUTH;
    if (nr_stmt_text(s, 1) == NULL || strlen(nr_stmt_text(s, 1)) != TOK_HASH_STR - 1 ||
        !nr_ct_equal(nr_stmt_text(s, 1), hash, TOK_HASH_STR - 1))
        goto out;
    /* Absolute lifetime, then idleness: a stolen cookie is worth half a day at most, and an
     * abandoned browser two hours. */
    if (nr_stmt_text(s, 3) == NULL || nr_time_parse(nr_stmt_text(s, 3), &exp) != 0 || exp <= now)
        goto out;
    if (tok_age(nr_stmt_text(s, 4), now) >= NR_SESSION_IDLE)
        goto out;
    if (nr_stmt_text(s, 2) == NULL || strlen(nr_stmt_text(s, 2)) != NR_SECRET_LEN)
        goto out;
    out->id = nr_stmt_int(s, 0);
    memcpy(out->csrf, nr_stmt_text(s, 2), NR_SECRET_STR);
    snprintf(out->expires_at, sizeof(out->expires_at), "%s", nr_stmt_text(s, 3));
    touch = tok_age(nr_stmt_text(s, 4), now) >= NR_SESSION_TOUCH;
    snprintf(login, sizeof(login), "%s", nr_stmt_text(s, 5) ? nr_stmt_text(s, 5) : "");
    nr_stmt_free(s);
    s = NULL;
    if (nr_actor_load(rv, login, a, NULL) != 0)
        goto out;
    if (touch) {
        /* At most one write a minute per session: the idle limit needs no finer clock. A failure
         * to write it only makes the session look idle a minute early. */
        tok_time(now, now_s);
        nr_store_exec(rv->st, NULL, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", "ti",
                      now_s, out->id);
    }
    rc = 0;
out:
    nr_stmt_free(s);
    if (rc == NR_EAUTH)
        rc = nr_err_set(err, NR_EAUTH, "session", TOK_BAD_SESSION);
    if (rc) {
        memset(out, 0, sizeof(*out));
        memset(a, 0, sizeof(*a));
    }
    return rc;
}

int nr_session_get(struct nr_review *rv, int64_t id, struct nr_session *out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT csrf, expires_at FROM sessions WHERE id = ?", "i", id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        out->id = id;
        snprintf(out->csrf, sizeof(out->csrf), "%s", nr_stmt_text(s, 0) ? nr_stmt_text(s, 0) : "");
        snprintf(out->expires_at, sizeof(out->expires_at), "%s",
                 nr_stmt_text(s, 1) ? nr_stmt_text(s, 1) : "");
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "session", "no session %lld", (long long)id);
    }
    nr_stmt_free(s);
    return rc;
}

int nr_session_revoke(struct nr_review *rv, const struct nr_actor *a, int64_t id,
                      struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    char now[NR_TIME_STR], object[48];
    int rc;

    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT user_id, revoked_at FROM sessions WHERE id = ?", "i", id);
    if (rc == 0) {
        rc = nr_stmt_step(s, err);
        /* Another user's session is answered like one that does not exist. */
        if (rc == NR_STORE_DONE ||
            (rc == NR_STORE_ROW && !a->local_admin && nr_stmt_int(s, 0) != a->user_id))
            rc = nr_err_set(err, NR_ENOTFOUND, "session", "no session %lld", (long long)id);
        else if (rc == NR_STORE_ROW && !nr_stmt_is_null(s, 1))
            rc = nr_err_set(err, NR_EPRECOND, "session", "session %lld has already ended",
                            (long long)id);
        else if (rc == NR_STORE_ROW)
            rc = 0;
    }
    nr_stmt_free(s);
    if (rc == 0) {
        tok_time(nr_time_now(), now);
        rc = nr_store_exec(rv->st, err, "UPDATE sessions SET revoked_at = ? WHERE id = ?", "ti",
                           now, id);
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "session:%lld", (long long)id);
        rc = nr_audit_append(rv, a, "session.revoke", 0, object, NULL, err);
    }
    return tok_finish(rv, rc, err);
}

int nr_session_user_json(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                         struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    *out = NULL;
    if (a->user_id <= 0) {
        *out = json_pack("{s:s,s:n,s:s,s:n,s:n}", "login", a->login, "name", "role",
                         nr_role_name(a->role), "org", "sector");
        return 0;
    }
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT u.login, u.name, u.role, o.name AS org, o.sector "
                               "FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?",
                               "i", a->user_id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        *out = nr_stmt_row_json(s, "ttttt");
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "user", "no user %s", a->login);
    }
    nr_stmt_free(s);
    return rc;
}

/* ---- failed sign-ins ---- */

/* Seconds until the NR_LOGIN_MAX_FAILURES-th most recent failure of `sql`'s key leaves the
 * window: from then on fewer than the limit count. */
static int tok_retry_after(struct nr_review *rv, const char *sql, const char *key,
                           const char *since, time_t now, struct nr_err *err, int *out)
{
    char *at = NULL;
    time_t t;
    int rc;

    *out = 0;
    rc = nr_store_query_text(rv->st, err, &at, sql, "tti", key, since,
                             (int64_t)(NR_LOGIN_MAX_FAILURES - 1));
    if (rc == NR_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    if (at && nr_time_parse(at, &t) == 0)
        *out = (int)((int64_t)t + NR_LOGIN_WINDOW - (int64_t)now);
    else
        *out = NR_LOGIN_WINDOW;
    if (*out < 1)
        *out = 1;
    nr_free(at);
    return 0;
}

int nr_login_attempt(struct nr_review *rv, const char *login, const char *client,
                     struct nr_login_throttle *t, struct nr_err *err)
{
    char now_s[NR_TIME_STR], since[NR_TIME_STR], old[NR_TIME_STR];
    char who[TOK_LOGIN_MAX + 1], addr[TOK_CLIENT_MAX + 1];
    time_t now = nr_time_now();
    int64_t by_login = 0, by_client = 0, id = 0;
    int rc, r1 = 0, r2 = 0;

    memset(t, 0, sizeof(*t));
    /* Keys are capped so that a long made-up login cannot bloat the table; two logins that
     * share the first 63 bytes share a count, which errs on the safe side. */
    snprintf(who, sizeof(who), "%s", login ? login : "");
    snprintf(addr, sizeof(addr), "%s", client && *client ? client : "-");
    tok_time(now, now_s);
    tok_time(now - NR_LOGIN_WINDOW, since);
    /* One transaction (the store's BEGIN takes the write lock at once), so that attempts made
     * in parallel on several workers are counted one after another. */
    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    rc = nr_store_query_int(rv->st, err, &by_login,
                            "SELECT COUNT(*) FROM login_failures WHERE login = ? AND at > ?", "tt",
                            who, since);
    if (rc == 0)
        rc = nr_store_query_int(rv->st, err, &by_client,
                                "SELECT COUNT(*) FROM login_failures WHERE client = ? AND at > ?",
                                "tt", addr, since);
    if (rc == 0 && (by_login >= NR_LOGIN_MAX_FAILURES || by_client >= NR_LOGIN_MAX_FAILURES)) {
        if (by_login >= NR_LOGIN_MAX_FAILURES)
            rc = tok_retry_after(rv,
                                 "SELECT at FROM login_failures WHERE login = ? AND at > ? "
                                 "ORDER BY at DESC LIMIT 1 OFFSET ?",
                                 who, since, now, err, &r1);
        if (rc == 0 && by_client >= NR_LOGIN_MAX_FAILURES)
            rc = tok_retry_after(rv,
                                 "SELECT at FROM login_failures WHERE client = ? AND at > ? "
                                 "ORDER BY at DESC LIMIT 1 OFFSET ?",
                                 addr, since, now, err, &r2);
        nr_store_rollback(rv->st);
        if (rc)
            return rc;
        t->failures = (int)(by_login > by_client ? by_login : by_client);
        t->retry_after = r1 > r2 ? r1 : r2;
        return 0;
    }
    if (rc == 0)
        rc = nr_store_query_int(rv->st, err, &id,
                                "INSERT INTO login_failures (login, client, at) VALUES (?, ?, ?) "
                                "RETURNING id",
                                "ttt", who, addr, now_s);
    if (rc == 0 && id % TOK_PRUNE_EVERY == 0) {
        tok_time(now - NR_LOGIN_FAILURE_KEEP, old);
        rc = nr_store_exec(rv->st, err, "DELETE FROM login_failures WHERE at < ?", "t", old);
    }
    rc = tok_finish(rv, rc, err);
    if (rc)
        return rc;
    t->failures = (int)(by_login > by_client ? by_login : by_client) + 1;
    return 0;
}
