/*
 * test_token.c - unit tests of src/model/token.c (interface: token.h): API tokens made, used,
 * expired and revoked, who may manage them and what the store and the audit log keep of them
 * (never the secret); sessions with their absolute and idle limits and the once-a-minute record
 * of use; the throttling of failed sign-ins per login and per address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"
#include "netreview/review.h"
#include "netreview/token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define TODAY "2026-03-02T09:00:00Z"

struct ctx {
    struct nr_fixture fx;
    struct nr_review *rv;
    struct nr_actor *admin;
    struct nr_actor office, chair, bank;
    time_t t0;
};

static void set_now(struct ctx *c, int64_t offset)
{
    char s[NR_TIME_STR];
    nr_time_fmt(c->t0 + (time_t)offset, s);
    setenv("NETREVIEW_NOW", s, 1);
}

static void add_user(struct ctx *c, const char *login, const char *org, const char *role)
{
    struct nr_user_spec u = {login, "A Person", org, role, "correct horse battery"};
    struct nr_err err;
    int rc;

    nr_err_init(&err);
    rc = nr_user_add(c->rv, c->admin, &u, NULL, &err);
    if (rc)
        fprintf(stderr, "add_user %s: %s\n", login, err.msg);
    assert_int_equal(rc, 0);
}

static int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof(*c));
    struct nr_org_spec orgs[] = {
        {"Review Office", "office", NULL, "CN", false},
        {"Review Committee", "committee", NULL, "CN", false},
        {"State Bank", "operator", "finance", "CN", true},
    };

    setenv("NETREVIEW_NOW", TODAY, 1);
    nr_fixture_open(&c->fx, "cn-2017");
    c->rv = &c->fx.rv;
    c->admin = &c->fx.admin;
    nr_time_parse(TODAY, &c->t0);
    for (size_t i = 0; i < NR_ARRAY_LEN(orgs); i++)
        if (nr_org_add(c->rv, c->admin, &orgs[i], NULL, NULL) != 0)
            return -1;
    add_user(c, "clerk", "Review Office", "office");
    add_user(c, "chair", "Review Committee", "committee");
    add_user(c, "bank", "State Bank", "operator");
    assert_int_equal(nr_actor_load(c->rv, "clerk", &c->office, NULL), 0);
    assert_int_equal(nr_actor_load(c->rv, "chair", &c->chair, NULL), 0);
    assert_int_equal(nr_actor_load(c->rv, "bank", &c->bank, NULL), 0);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    nr_fixture_close(&c->fx);
    free(c);
    setenv("NETREVIEW_NOW", TODAY, 1);
    return 0;
}

static int64_t count(struct ctx *c, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(nr_store_query_int(c->rv->st, NULL, &n, sql, ""), 0);
    return n;
}

static char *query_text(struct ctx *c, const char *sql, int64_t id)
{
    char *s = NULL;
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &s, sql, "i", id), 0);
    return s;
}

static void assert_last_audit(struct ctx *c, const char *want)
{
    char *s = NULL;
    assert_int_equal(nr_store_query_text(c->rv->st, NULL, &s,
                                         "SELECT action || ' ' || object FROM audit ORDER BY id "
                                         "DESC LIMIT 1",
                                         ""),
                     0);
    assert_string_equal(s, want);
    nr_free(s);
}

static bool is_b64url(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_'))
            return false;
    }
    return s[n] == '\0';
}

/* Creates a token as the office and returns its secret (caller frees). */
static char *make_token(struct ctx *c, const char *user, unsigned scopes, const char *expires,
                        int64_t *id)
{
    struct nr_token_spec s = {user, "procurement system", scopes, expires};
    struct nr_err err;
    char *secret = NULL;
    int rc;

    nr_err_init(&err);
    rc = nr_token_create(c->rv, &c->office, &s, id, &secret, &err);
    if (rc)
        fprintf(stderr, "make_token: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_non_null(secret);
    return secret;
}

/* ---- scopes ---- */

static void test_scopes(void **state)
{
    char text[NR_TOKEN_SCOPES_STR];
    unsigned s = 0;
    struct nr_err err;
    static const char *const bad[] = {"",      "admin",       "gate,gate", "gate,",
                                      ",gate", "gate,,read",  "Gate",      "gate read",
                                      "read,", "write,write", NULL};
    (void)state;

    assert_int_equal(nr_token_scopes_parse("gate", &s, NULL), 0);
    assert_int_equal(s, NR_TOKEN_GATE);
    assert_int_equal(nr_token_scopes_parse("write,read,gate", &s, NULL), 0);
    assert_int_equal(s, NR_TOKEN_ALL);
    nr_token_scopes_fmt(s, text);
    assert_string_equal(text, "gate,read,write");
    assert_int_equal(nr_token_scopes_parse("write,read", &s, NULL), 0);
    nr_token_scopes_fmt(s, text);
    assert_string_equal(text, "read,write");
    for (int i = 0; bad[i]; i++) {
        nr_err_init(&err);
        assert_int_equal(nr_token_scopes_parse(bad[i], &s, &err), NR_EINVAL);
        assert_string_equal(err.field, "scopes");
        assert_int_equal(s, 0);
    }
    assert_int_equal(nr_token_scopes_parse(NULL, &s, NULL), NR_EINVAL);
}

/* ---- API tokens ---- */

static void test_token_create_and_use(void **state)
{
    struct ctx *c = *state;
    struct nr_actor a;
    struct nr_err err;
    unsigned scopes = 0;
    int64_t id = 0, used = 0;
    char *secret, *s;
    struct nr_stmt *st = NULL;

    secret = make_token(c, "bank", NR_TOKEN_GATE, NULL, &id);
    assert_true(id > 0);
    assert_int_equal(strlen(secret), NR_TOKEN_LEN);
    assert_memory_equal(secret, "nr_", 3);
    assert_true(is_b64url(secret + 3, NR_SECRET_LEN));
    assert_last_audit(c, "token.create token:1");

    /* Only a hash is kept: the secret is in no column of the token and no audit entry. */
    assert_int_equal(nr_store_prepare_bind(c->rv->st, NULL, &st,
                                           "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ? "
                                           "OR instr(token_hash || prefix || name, ?) > 0",
                                           "tt", secret, secret + 3),
                     0);
    assert_int_equal(nr_stmt_step(st, NULL), NR_STORE_ROW);
    assert_int_equal(nr_stmt_int(st, 0), 0);
    nr_stmt_free(st);
    assert_int_equal(nr_store_prepare_bind(c->rv->st, NULL, &st,
                                           "SELECT COUNT(*) FROM audit WHERE "
                                           "instr(COALESCE(detail, '') || object, ?) > 0",
                                           "t", secret + 3 + 8),
                     0);
    assert_int_equal(nr_stmt_step(st, NULL), NR_STORE_ROW);
    assert_int_equal(nr_stmt_int(st, 0), 0);
    nr_stmt_free(st);
    s = query_text(c, "SELECT token_hash FROM api_tokens WHERE id = ?", id);
    assert_int_equal(strlen(s), 64);
    nr_free(s);
    s = query_text(c, "SELECT prefix FROM api_tokens WHERE id = ?", id);
    assert_int_equal(strlen(s), NR_TOKEN_SHOWN);
    assert_memory_equal(s, secret, NR_TOKEN_SHOWN);
    nr_free(s);

    nr_err_init(&err);
    assert_int_equal(nr_token_authenticate(c->rv, secret, &a, &scopes, &used, &err), 0);
    assert_string_equal(a.login, "bank");
    assert_int_equal(a.role, NR_ROLE_OPERATOR);
    assert_int_equal(a.user_id, c->bank.user_id);
    assert_int_equal(scopes, NR_TOKEN_GATE);
    assert_int_equal(used, id);
    s = query_text(c, "SELECT last_used_at FROM api_tokens WHERE id = ?", id);
    assert_string_equal(s, TODAY);
    nr_free(s);

    /* Wrong, truncated, extended and malformed tokens fail alike. */
    {
        char other[NR_TOKEN_STR + 2];
        const char *tries[6];
        snprintf(other, sizeof(other), "%s", secret);
        other[10] = other[10] == 'A' ? 'B' : 'A';
        tries[0] = other;
        tries[1] = "nr_short";
        tries[2] = "";
        tries[3] = "xx_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        tries[4] = "nr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+";
        tries[5] = NULL;
        for (int i = 0; i < 6; i++) {
            nr_err_init(&err);
            assert_int_equal(nr_token_authenticate(c->rv, tries[i], &a, &scopes, &used, &err),
                             NR_EAUTH);
            assert_string_equal(err.field, "Authorization");
            assert_int_equal(scopes, 0);
            assert_int_equal(used, 0);
        }
        snprintf(other, sizeof(other), "%sA", secret);
        assert_int_equal(nr_token_authenticate(c->rv, other, &a, &scopes, &used, NULL), NR_EAUTH);
    }
    nr_free(secret);
}

static void test_token_create_refused(void **state)
{
    struct ctx *c = *state;
    struct nr_err err;
    char *secret = (char *)"x";
    int64_t id = 7, audits = count(c, "SELECT COUNT(*) FROM audit");
    struct {
        const struct nr_actor *who;
        struct nr_token_spec spec;
        int rc;
        const char *field;
    } cases[] = {
        {&c->bank, {"bank", "mine", NR_TOKEN_READ, NULL}, NR_EFORBIDDEN, ""},
        {&c->office, {"nobody", "x", NR_TOKEN_READ, NULL}, NR_ENOTFOUND, "user"},
        {&c->office, {NULL, "x", NR_TOKEN_READ, NULL}, NR_EINVAL, "user"},
        {&c->office, {"bank", "", NR_TOKEN_READ, NULL}, NR_EINVAL, "name"},
        {&c->office, {"bank", "line\nbreak", NR_TOKEN_READ, NULL}, NR_EINVAL, "name"},
        {&c->office, {"bank", "bad \xff utf8", NR_TOKEN_READ, NULL}, NR_EINVAL, "name"},
        {&c->office, {"bank", "x", 0, NULL}, NR_EINVAL, "scopes"},
        {&c->office, {"bank", "x", 0x8, NULL}, NR_EINVAL, "scopes"},
        {&c->office, {"bank", "x", NR_TOKEN_READ, "2026-03-01"}, NR_EINVAL, "expires"},
        {&c->office, {"bank", "x", NR_TOKEN_READ, TODAY}, NR_EINVAL, "expires"},
        {&c->office, {"bank", "x", NR_TOKEN_READ, "next week"}, NR_EINVAL, "expires"},
    };

    for (size_t i = 0; i < NR_ARRAY_LEN(cases); i++) {
        nr_err_init(&err);
        assert_int_equal(nr_token_create(c->rv, cases[i].who, &cases[i].spec, &id, &secret, &err),
                         cases[i].rc);
        assert_string_equal(err.field, cases[i].field);
        assert_null(secret);
        assert_int_equal(id, 0);
    }
    assert_int_equal(count(c, "SELECT COUNT(*) FROM api_tokens"), 0);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM audit"), audits);
}

static void test_token_managers(void **state)
{
    struct ctx *c = *state;
    struct nr_token_spec s = {"clerk", "the office's script", NR_TOKEN_READ | NR_TOKEN_WRITE,
                              "2027-01-01"};
    json_t *rows = NULL, *row;
    char *secret = NULL;
    int64_t id = 0;

    /* The committee and the local administrator may, like the office. */
    assert_int_equal(nr_token_create(c->rv, &c->chair, &s, &id, &secret, NULL), 0);
    nr_free(secret);
    assert_int_equal(nr_token_create(c->rv, c->admin, &s, &id, &secret, NULL), 0);
    nr_free(secret);
    assert_int_equal(nr_token_list(c->rv, &c->bank, &rows, NULL), NR_EFORBIDDEN);
    assert_null(rows);
    assert_int_equal(nr_token_list(c->rv, &c->office, &rows, NULL), 0);
    assert_int_equal(json_array_size(rows), 2);
    row = json_array_get(rows, 0); /* newest first */
    assert_int_equal(json_integer_value(json_object_get(row, "id")), id);
    assert_string_equal(json_string_value(json_object_get(row, "created_by")), "local-admin");
    assert_string_equal(json_string_value(json_object_get(row, "user")), "clerk");
    assert_string_equal(json_string_value(json_object_get(row, "scopes")), "read,write");
    assert_string_equal(json_string_value(json_object_get(row, "expires_at")),
                        "2027-01-01T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(row, "state")), "active");
    assert_true(json_is_null(json_object_get(row, "last_used_at")));
    assert_null(json_object_get(row, "token_hash"));
    assert_null(json_object_get(row, "token"));
    row = json_array_get(rows, 1);
    assert_string_equal(json_string_value(json_object_get(row, "created_by")), "chair");
    json_decref(rows);
    assert_int_equal(nr_token_show(c->rv, &c->office, id, &row, NULL), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "id")), id);
    json_decref(row);
    assert_int_equal(nr_token_show(c->rv, &c->office, 99, &row, NULL), NR_ENOTFOUND);
    assert_int_equal(nr_token_show(c->rv, &c->bank, id, &row, NULL), NR_EFORBIDDEN);
}

static void test_token_expiry(void **state)
{
    struct ctx *c = *state;
    struct nr_actor a;
    unsigned scopes;
    int64_t id, used;
    json_t *rows = NULL;
    char *secret = make_token(c, "bank", NR_TOKEN_GATE | NR_TOKEN_READ, "2026-03-03", &id);

    /* A date means its midnight (UTC): the token works until the second before. */
    setenv("NETREVIEW_NOW", "2026-03-02T23:59:59Z", 1);
    assert_int_equal(nr_token_authenticate(c->rv, secret, &a, &scopes, &used, NULL), 0);
    setenv("NETREVIEW_NOW", "2026-03-03T00:00:00Z", 1);
    assert_int_equal(nr_token_authenticate(c->rv, secret, &a, &scopes, &used, NULL), NR_EAUTH);
    assert_int_equal(nr_token_list(c->rv, &c->office, &rows, NULL), 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "state")),
                        "expired");
    json_decref(rows);
    nr_free(secret);
}

static void test_token_revoke(void **state)
{
    struct ctx *c = *state;
    struct nr_actor a;
    struct nr_err err;
    unsigned scopes;
    int64_t id, used, audits;
    json_t *row = NULL;
    char *secret = make_token(c, "bank", NR_TOKEN_GATE, NULL, &id);

    assert_int_equal(nr_token_authenticate(c->rv, secret, &a, &scopes, &used, NULL), 0);
    audits = count(c, "SELECT COUNT(*) FROM audit");
    assert_int_equal(nr_token_revoke(c->rv, &c->bank, id, NULL), NR_EFORBIDDEN);
    nr_err_init(&err);
    assert_int_equal(nr_token_revoke(c->rv, &c->office, 999, &err), NR_ENOTFOUND);
    assert_string_equal(err.field, "token");
    assert_int_equal(count(c, "SELECT COUNT(*) FROM audit"), audits);

    assert_int_equal(nr_token_revoke(c->rv, &c->office, id, NULL), 0);
    assert_last_audit(c, "token.revoke token:1");
    assert_int_equal(nr_token_authenticate(c->rv, secret, &a, &scopes, &used, NULL), NR_EAUTH);
    nr_err_init(&err);
    assert_int_equal(nr_token_revoke(c->rv, &c->chair, id, &err), NR_EPRECOND);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM audit"), audits + 1);
    assert_int_equal(nr_token_show(c->rv, &c->office, id, &row, NULL), 0);
    assert_string_equal(json_string_value(json_object_get(row, "state")), "revoked");
    assert_string_equal(json_string_value(json_object_get(row, "revoked_at")), TODAY);
    json_decref(row);
    nr_free(secret);
}

static void test_token_use_recorded_once_a_minute(void **state)
{
    struct ctx *c = *state;
    struct nr_actor a;
    unsigned scopes;
    int64_t id, used;
    char *secret = make_token(c, "bank", NR_TOKEN_GATE, NULL, &id), *s;

    assert_int_equal(nr_token_authenticate(c->rv, secret, &a, &scopes, &used, NULL), 0);
    set_now(c, 59);
    assert_int_equal(nr_token_authenticate(c->rv, secret, &a, &scopes, &used, NULL), 0);
    s = query_text(c, "SELECT last_used_at FROM api_tokens WHERE id = ?", id);
    assert_string_equal(s, TODAY);
    nr_free(s);
    set_now(c, 60);
    assert_int_equal(nr_token_authenticate(c->rv, secret, &a, &scopes, &used, NULL), 0);
    s = query_text(c, "SELECT last_used_at FROM api_tokens WHERE id = ?", id);
    assert_string_equal(s, "2026-03-02T09:01:00Z");
    nr_free(s);
    nr_free(secret);
}

static void test_token_disabled_user(void **state)
{
    struct ctx *c = *state;
    struct nr_actor a;
    unsigned scopes;
    int64_t id, used;
    char *secret = make_token(c, "bank", NR_TOKEN_READ, NULL, &id);

    assert_int_equal(
        nr_store_exec(c->rv->st, NULL, "UPDATE users SET disabled = 1 WHERE login = 'bank'", ""),
        0);
    assert_int_equal(nr_token_authenticate(c->rv, secret, &a, &scopes, &used, NULL), NR_EAUTH);
    nr_free(secret);
}

/* ---- sessions ---- */

static void test_session_create_and_lookup(void **state)
{
    struct ctx *c = *state;
    struct nr_session s, got;
    struct nr_actor a, pub;
    struct nr_err err;
    char *text;
    json_t *user = NULL;

    nr_err_init(&err);
    assert_int_equal(nr_session_create(c->rv, &c->bank, "192.0.2.7", &s, &err), 0);
    assert_true(s.id > 0);
    assert_true(is_b64url(s.token, NR_SECRET_LEN));
    assert_true(is_b64url(s.csrf, NR_SECRET_LEN));
    assert_string_not_equal(s.token, s.csrf);
    assert_string_equal(s.expires_at, "2026-03-02T21:00:00Z");
    assert_last_audit(c, "session.create session:1");
    text = query_text(c, "SELECT token_hash FROM sessions WHERE id = ?", s.id);
    assert_int_equal(strlen(text), 64);
    assert_string_not_equal(text, s.token);
    nr_free(text);
    text = query_text(c, "SELECT client FROM sessions WHERE id = ?", s.id);
    assert_string_equal(text, "192.0.2.7");
    nr_free(text);

    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), 0);
    assert_string_equal(a.login, "bank");
    assert_int_equal(got.id, s.id);
    assert_string_equal(got.csrf, s.csrf);
    assert_string_equal(got.token, "");
    assert_int_equal(nr_session_get(c->rv, s.id, &got, NULL), 0);
    assert_string_equal(got.csrf, s.csrf);
    assert_string_equal(got.expires_at, s.expires_at);

    /* The csrf value is not a session token, nor is anything malformed. */
    nr_err_init(&err);
    assert_int_equal(nr_session_lookup(c->rv, s.csrf, &a, &got, &err), NR_EAUTH);
    assert_string_equal(err.field, "session");
    assert_int_equal(got.id, 0);
    assert_int_equal(nr_session_lookup(c->rv, "abc", &a, &got, NULL), NR_EAUTH);
    assert_int_equal(nr_session_lookup(c->rv, NULL, &a, &got, NULL), NR_EAUTH);

    /* Only users sign in. */
    nr_actor_public(&pub);
    assert_int_equal(nr_session_create(c->rv, &pub, NULL, &got, NULL), NR_EINVAL);
    assert_int_equal(nr_session_create(c->rv, c->admin, NULL, &got, NULL), NR_EINVAL);

    assert_int_equal(nr_session_user_json(c->rv, &c->bank, &user, NULL), 0);
    assert_string_equal(json_string_value(json_object_get(user, "login")), "bank");
    assert_string_equal(json_string_value(json_object_get(user, "name")), "A Person");
    assert_string_equal(json_string_value(json_object_get(user, "role")), "operator");
    assert_string_equal(json_string_value(json_object_get(user, "org")), "State Bank");
    assert_string_equal(json_string_value(json_object_get(user, "sector")), "finance");
    assert_int_equal(json_object_size(user), 5);
    json_decref(user);
}

static void test_session_idle(void **state)
{
    struct ctx *c = *state;
    struct nr_session s, got;
    struct nr_actor a;

    assert_int_equal(nr_session_create(c->rv, &c->bank, NULL, &s, NULL), 0);
    /* Each request within two hours keeps it alive... */
    set_now(c, 2 * 3600 - 1);
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), 0);
    set_now(c, 4 * 3600 - 2);
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), 0);
    /* ...two hours without one ends it. */
    set_now(c, 6 * 3600 - 1);
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), NR_EAUTH);
}

static void test_session_absolute(void **state)
{
    struct ctx *c = *state;
    struct nr_session s, got;
    struct nr_actor a;

    assert_int_equal(nr_session_create(c->rv, &c->bank, NULL, &s, NULL), 0);
    for (int h = 1; h < 12; h++) {
        set_now(c, h * 3600);
        assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), 0);
    }
    set_now(c, 12 * 3600 - 1);
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), 0);
    set_now(c, 12 * 3600);
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), NR_EAUTH);
}

static void test_session_seen_once_a_minute(void **state)
{
    struct ctx *c = *state;
    struct nr_session s, got;
    struct nr_actor a;
    char *text;

    assert_int_equal(nr_session_create(c->rv, &c->bank, NULL, &s, NULL), 0);
    set_now(c, 59);
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), 0);
    text = query_text(c, "SELECT last_seen_at FROM sessions WHERE id = ?", s.id);
    assert_string_equal(text, TODAY);
    nr_free(text);
    set_now(c, 61);
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), 0);
    text = query_text(c, "SELECT last_seen_at FROM sessions WHERE id = ?", s.id);
    assert_string_equal(text, "2026-03-02T09:01:01Z");
    nr_free(text);
}

static void test_session_revoke(void **state)
{
    struct ctx *c = *state;
    struct nr_session s, got;
    struct nr_actor a;

    assert_int_equal(nr_session_create(c->rv, &c->bank, NULL, &s, NULL), 0);
    /* Another user's session is not theirs to end, nor to know of. */
    assert_int_equal(nr_session_revoke(c->rv, &c->office, s.id, NULL), NR_ENOTFOUND);
    assert_int_equal(nr_session_revoke(c->rv, &c->bank, 999, NULL), NR_ENOTFOUND);
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), 0);
    assert_int_equal(nr_session_revoke(c->rv, &c->bank, s.id, NULL), 0);
    assert_last_audit(c, "session.revoke session:1");
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), NR_EAUTH);
    assert_int_equal(nr_session_revoke(c->rv, &c->bank, s.id, NULL), NR_EPRECOND);
}

static void test_session_disabled_user(void **state)
{
    struct ctx *c = *state;
    struct nr_session s, got;
    struct nr_actor a;

    assert_int_equal(nr_session_create(c->rv, &c->bank, NULL, &s, NULL), 0);
    assert_int_equal(
        nr_store_exec(c->rv->st, NULL, "UPDATE users SET disabled = 1 WHERE login = 'bank'", ""),
        0);
    assert_int_equal(nr_session_lookup(c->rv, s.token, &a, &got, NULL), NR_EAUTH);
}

/* ---- failed sign-ins ---- */

static void test_login_throttle(void **state)
{
    struct ctx *c = *state;
    struct nr_login_throttle t;
    struct nr_session s;

    for (int i = 1; i <= NR_LOGIN_MAX_FAILURES; i++) {
        assert_int_equal(nr_login_attempt(c->rv, "bank", "198.51.100.1", &t, NULL), 0);
        assert_int_equal(t.retry_after, 0);
        assert_int_equal(t.failures, i);
    }
    /* The sixth within the window is refused before any password check, and not recorded. */
    assert_int_equal(nr_login_attempt(c->rv, "bank", "198.51.100.1", &t, NULL), 0);
    assert_int_equal(t.retry_after, NR_LOGIN_WINDOW);
    assert_int_equal(t.failures, NR_LOGIN_MAX_FAILURES);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM login_failures"), NR_LOGIN_MAX_FAILURES);
    /* Per login from elsewhere, and per address for another login. */
    assert_int_equal(nr_login_attempt(c->rv, "bank", "203.0.113.9", &t, NULL), 0);
    assert_true(t.retry_after > 0);
    assert_int_equal(nr_login_attempt(c->rv, "clerk", "198.51.100.1", &t, NULL), 0);
    assert_true(t.retry_after > 0);
    assert_int_equal(nr_login_attempt(c->rv, "clerk", "203.0.113.9", &t, NULL), 0);
    assert_int_equal(t.retry_after, 0);
    assert_int_equal(t.failures, 1);
    /* Past the window the count starts again. */
    set_now(c, NR_LOGIN_WINDOW + 1);
    assert_int_equal(nr_login_attempt(c->rv, "bank", "198.51.100.1", &t, NULL), 0);
    assert_int_equal(t.retry_after, 0);
    assert_int_equal(t.failures, 1);
    /* A successful sign-in forgets the login's failures, not the others'. */
    assert_int_equal(nr_session_create(c->rv, &c->bank, "198.51.100.1", &s, NULL), 0);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM login_failures WHERE login = 'bank'"), 0);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM login_failures WHERE login = 'clerk'"), 1);
}

static void test_login_retry_after(void **state)
{
    struct ctx *c = *state;
    struct nr_login_throttle t;

    /* Failures a minute apart: the oldest of the five leaves the window first. */
    for (int i = 0; i < NR_LOGIN_MAX_FAILURES; i++) {
        set_now(c, i * 60);
        assert_int_equal(nr_login_attempt(c->rv, "bank", NULL, &t, NULL), 0);
        assert_int_equal(t.retry_after, 0);
    }
    set_now(c, 300);
    assert_int_equal(nr_login_attempt(c->rv, "bank", NULL, &t, NULL), 0);
    assert_int_equal(t.retry_after, NR_LOGIN_WINDOW - 300);
    set_now(c, NR_LOGIN_WINDOW);
    assert_int_equal(nr_login_attempt(c->rv, "bank", NULL, &t, NULL), 0);
    assert_int_equal(t.retry_after, 0);
}

static void test_login_prune(void **state)
{
    struct ctx *c = *state;
    struct nr_login_throttle t;

    /* 63 failures two days old; the 64th row triggers the pruning. */
    for (int i = 0; i < 63; i++)
        assert_int_equal(nr_store_exec(c->rv->st, NULL,
                                       "INSERT INTO login_failures (login, client, at) "
                                       "VALUES ('old', 'x', '2026-02-28T09:00:00Z')",
                                       ""),
                         0);
    assert_int_equal(nr_login_attempt(c->rv, "bank", "198.51.100.1", &t, NULL), 0);
    assert_int_equal(count(c, "SELECT COUNT(*) FROM login_failures"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scopes),
        cmocka_unit_test_setup_teardown(test_token_create_and_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_create_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_managers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_use_recorded_once_a_minute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_disabled_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_create_and_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_idle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_absolute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_seen_once_a_minute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_disabled_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_throttle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_retry_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_prune, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
