/*
 * token.h - the store side of signing in: browser sessions (cookie + CSRF token), API tokens for
 * machines (scoped, created and revoked by the office), and the record of failed sign-ins that
 * throttles password guessing. The HTTP server (src/http/auth.c, api_session.c) and the CLI
 * (`netreview token`) both go through it; neither writes these tables itself.
 *
 * Contract:
 * - Secrets are random (32 bytes from the CSPRNG, base64url without padding: 43 characters).
 *   A session token is the bare 43 characters; an API token is "nr_" followed by them. Only the
 *   lower-case hex SHA-256 of a secret is stored; a secret is handed to the caller once, when it
 *   is made, and can never be read back. Lookups hash the presented value and compare hashes in
 *   constant time.
 * - Sessions last NR_SESSION_TTL (12 hours) from sign-in at most, and end earlier after
 *   NR_SESSION_IDLE (2 hours) without a request, or when revoked (sign-out). The CSRF token of a
 *   session is stored as it is: the browser reads it back with GET /api/v1/session.
 * - API tokens act as their user (role, organisation, need-to-know), further limited to their
 *   scopes; they end at expires_at when one is set, or when revoked. The office and the
 *   committee (and the local administrator) create, list and revoke them, for a user of any
 *   role; each creation and revocation is an audit entry (R11) that never holds the secret.
 * - Sign-in and sign-out are audit entries too. A failed sign-in is not: it is a row of
 *   login_failures, kept a day.
 * - Every write is one store transaction with its audit entry; on failure nothing remains.
 * - Lookups that fail because the secret is unknown, revoked or expired, or its user disabled,
 *   return NR_EAUTH, always with the same message for one kind of secret, so that the answer does
 *   not tell which.
 */
#ifndef NETREVIEW_TOKEN_H
#define NETREVIEW_TOKEN_H

#include "netreview/review.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define NR_SECRET_LEN   43 /* base64url of 32 random bytes */
#define NR_SECRET_STR   (NR_SECRET_LEN + 1)
#define NR_TOKEN_PREFIX "nr_"
#define NR_TOKEN_LEN    (3 + NR_SECRET_LEN)
#define NR_TOKEN_STR    (NR_TOKEN_LEN + 1)
/* What lists show of a token: "nr_" and its first 8 characters. */
#define NR_TOKEN_SHOWN 11

/* Sessions (seconds). */
#define NR_SESSION_TTL   (12 * 3600) /* absolute, from sign-in: the cookie's Max-Age */
#define NR_SESSION_IDLE  (2 * 3600)  /* without a request */
#define NR_SESSION_TOUCH 60          /* last_seen_at is written at most this often */

/* Throttling of failed sign-ins, per login and per client address. */
#define NR_LOGIN_WINDOW       (15 * 60) /* failures older than this no longer count */
#define NR_LOGIN_MAX_FAILURES 5         /* with this many in the window, sign-in is refused */
#define NR_LOGIN_FAILURE_KEEP (24 * 3600)

/* Scopes of an API token (a set). The HTTP layer's NR_SCOPE_* have the same values. */
#define NR_TOKEN_GATE       0x1u /* the gate routes only */
#define NR_TOKEN_READ       0x2u /* every GET (the gate included) */
#define NR_TOKEN_WRITE      0x4u /* every state-changing request */
#define NR_TOKEN_ALL        (NR_TOKEN_GATE | NR_TOKEN_READ | NR_TOKEN_WRITE)
#define NR_TOKEN_SCOPES_STR 17 /* "gate,read,write" and the NUL */

/* Parses a comma list of "gate", "read", "write" (each at most once, at least one) into *out.
 * 0, or NR_EINVAL with the offending word in err. */
int nr_token_scopes_parse(const char *s, unsigned *out, struct nr_err *err);
/* The canonical text of a set: the names in the order gate, read, write, comma separated. */
void nr_token_scopes_fmt(unsigned scopes, char out[NR_TOKEN_SCOPES_STR]);

/* ---- API tokens ---- */

struct nr_token_spec {
    const char *user;    /* login of the user the token acts as */
    const char *name;    /* what it is for: "procurement system of First Bank" */
    unsigned scopes;     /* NR_TOKEN_*, not empty */
    const char *expires; /* NULL for none; "YYYY-MM-DD" (midnight UTC) or a full timestamp, in
                          * the future */
};

/* Creates a token. *secret (malloc'd, the caller frees and should wipe it) is the only copy of
 * the token there will ever be; *id its number. NR_EFORBIDDEN unless the actor is the office,
 * the committee or the local administrator; NR_ENOTFOUND for an unknown or disabled user;
 * NR_EINVAL for a bad name, scope set or expiry. On failure *secret is NULL. */
int nr_token_create(struct nr_review *rv, const struct nr_actor *a, const struct nr_token_spec *s,
                    int64_t *id, char **secret, struct nr_err *err);
/* Every token, newest first: id, prefix, name, user, scopes, created_by, created_at,
 * expires_at, last_used_at, revoked_at, state ("active", "expired" or "revoked"). Never a hash
 * or a secret. The office, the committee and the local administrator only (NR_EFORBIDDEN). */
int nr_token_list(struct nr_review *rv, const struct nr_actor *a, json_t **out, struct nr_err *err);
/* Revokes a token: it stops working at once. NR_ENOTFOUND (no such token), NR_EPRECOND (already
 * revoked), NR_EFORBIDDEN as for nr_token_create. The row stays, for the record. */
int nr_token_revoke(struct nr_review *rv, const struct nr_actor *a, int64_t id, struct nr_err *err);
/* The token's row as nr_token_list shows it. NR_ENOTFOUND, NR_EFORBIDDEN. */
int nr_token_show(struct nr_review *rv, const struct nr_actor *a, int64_t id, json_t **out,
                  struct nr_err *err);
/* Checks a presented token ("nr_..."): fills the actor it acts as, its scopes and its id, and
 * records its use (last_used_at, at most once a minute). NR_EAUTH when it is malformed, unknown,
 * revoked or expired, or its user disabled. Safe to call on every request: the malformed are
 * refused before any query. */
int nr_token_authenticate(struct nr_review *rv, const char *token, struct nr_actor *a,
                          unsigned *scopes, int64_t *id, struct nr_err *err);

/* ---- sessions ---- */

struct nr_session {
    int64_t id;
    char token[NR_SECRET_STR]; /* the cookie's value: only nr_session_create fills it */
    char csrf[NR_SECRET_STR];
    char expires_at[NR_TIME_STR];
};

/* Opens a session for an actor that has just proved its password (a user, not the public or
 * the local administrator: NR_EINVAL), from client (the peer address, may be NULL). Forgets the
 * login's failed sign-ins. Audited as "session.create". */
int nr_session_create(struct nr_review *rv, const struct nr_actor *a, const char *client,
                      struct nr_session *out, struct nr_err *err);
/* Checks a presented session token (the cookie's value): fills the actor and the session (id,
 * csrf, expires_at; not the token), and records the request (last_seen_at, at most once every
 * NR_SESSION_TOUCH seconds, so that a request is not a write). NR_EAUTH when it is malformed,
 * unknown, revoked, past NR_SESSION_TTL or idle past NR_SESSION_IDLE, or its user disabled. */
int nr_session_lookup(struct nr_review *rv, const char *token, struct nr_actor *a,
                      struct nr_session *out, struct nr_err *err);
/* The session id's csrf and expires_at (its token field stays empty). NR_ENOTFOUND. */
int nr_session_get(struct nr_review *rv, int64_t id, struct nr_session *out, struct nr_err *err);
/* Ends a session (sign-out): only its own user may, or the local administrator. NR_ENOTFOUND
 * for an unknown session or another user's; NR_EPRECOND when it has already ended. Audited as
 * "session.revoke". */
int nr_session_revoke(struct nr_review *rv, const struct nr_actor *a, int64_t id,
                      struct nr_err *err);
/* Who is signed in, for the API: {"login", "name", "role", "org", "sector"}. */
int nr_session_user_json(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                         struct nr_err *err);

/* ---- failed sign-ins ---- */

struct nr_login_throttle {
    int failures;    /* recent failures of the login or the address, whichever has more,
                      * counting this attempt */
    int retry_after; /* > 0: refused; seconds until the oldest counted failure leaves the
                      * window */
};

/* Called before a password is checked, so that a flood of guesses costs no argon2: counts the
 * failures of login and of client within NR_LOGIN_WINDOW. When either has reached
 * NR_LOGIN_MAX_FAILURES it sets t->retry_after and records nothing. Otherwise it records the
 * attempt as a failure at once (parallel guesses thus count against each other before any of
 * them is checked; nr_session_create forgets it when the password was right) and sets
 * t->failures. Prunes failures older than NR_LOGIN_FAILURE_KEEP now and then. One transaction. */
int nr_login_attempt(struct nr_review *rv, const char *login, const char *client,
                     struct nr_login_throttle *t, struct nr_err *err);

#endif
