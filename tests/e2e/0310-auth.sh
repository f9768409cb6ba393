#!/usr/bin/env bash
# 0310-auth.sh - signing in over HTTP (issue 3, item 4): the session cookie and what is stored of
# it, CSRF on state-changing requests, sign-out, API tokens (created and revoked by the office,
# over HTTP and from the CLI, stored hashed, scoped, audited without their secret), and the
# throttling of failed sign-ins (429 with Retry-After, the worker not blocked meanwhile).
. "$(dirname "$0")/lib.sh"

setup_registry
# One worker: a delayed answer must not hold up the only event loop there is.
NR_WORKERS=1 serve_start

GATE_Q='/api/v1/gate?product=Acme%20Router&version=2.0.0'
cookie_of() { awk '$6 == "nr_session" { print $7 }' "$T/jar-$1"; }
header() { tr -d '\r' <"$T/headers" | grep -i "^$1:" | head -n1 | cut -d' ' -f2-; }
# same CMD...: like unchanged, but the record of use of sessions and tokens (last_seen_at,
# last_used_at: written at most once a minute, whenever a request falls due) may move.
snapshot_but_use() {
  sqlite3 "$NETREVIEW_DB" "SELECT name FROM sqlite_master WHERE type = 'table' AND
      name NOT IN ('sessions', 'api_tokens') ORDER BY name" |
    while read -r t; do echo "== $t"; sqlite3 "$NETREVIEW_DB" "SELECT * FROM \"$t\" ORDER BY 1"; done
  sqlite3 "$NETREVIEW_DB" "SELECT id, token_hash, revoked_at FROM sessions ORDER BY 1;
      SELECT id, token_hash, scopes, revoked_at FROM api_tokens ORDER BY 1"
}
same() {
  local before after
  before=$(snapshot_but_use)
  "$@"
  after=$(snapshot_but_use)
  [ "$before" = "$after" ] || fail "database changed after: $*"
}

# --- The public: public routes answer, the others want a sign-in. ---
as_user public
api_expect 200 GET /api/v1/decisions
api_expect 200 GET "$GATE_Q"
api_error 401 unauthenticated GET /api/v1/cases
[ -n "$(header WWW-Authenticate)" ] || fail "401 without WWW-Authenticate"
api_error 401 unauthenticated GET /api/v1/session
api_error 401 unauthenticated GET /api/v1/tokens

# --- Sign in: the cookie, what the body says, what the store keeps. ---
sign_in bank
set_cookie=$(header Set-Cookie)
for attr in HttpOnly SameSite=Strict Path=/ Max-Age=43200; do
  grep -q "; $attr" <<<"$set_cookie" || fail "Set-Cookie lacks $attr: $set_cookie"
done
! grep -q Secure <<<"$set_cookie" || fail "Secure without TLS: $set_cookie"
expect_eq "$(header Cache-Control)" no-store "Cache-Control of the sign-in"
expect_eq "$(bget .user.login)/$(bget .user.role)/$(bget .user.org)/$(bget .user.sector)" \
  "bank/operator/First Bank/finance" "signed-in user"
csrf=$(cat "$T/csrf-bank")
expect_eq "${#csrf}" 43 "length of the CSRF token"
value=$(cookie_of bank)
expect_eq "${#value}" 43 "length of the session token"
# Only the SHA-256 of the session token is stored.
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT token_hash FROM sessions ORDER BY id DESC LIMIT 1")" \
  "$(printf %s "$value" | sha256sum | cut -d' ' -f1)" "stored session hash"
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM sessions WHERE token_hash = '$value'")" 0 \
  "session token stored in clear"
api_expect 200 GET /api/v1/session
expect_eq "$(bget .user.login)/$(bget .via)/$(bget .csrf)" "bank/session/$csrf" "GET /api/v1/session"
api_expect 200 GET /api/v1/cases

# --- CSRF: a state-changing request with the cookie needs the session's X-CSRF-Token. ---
complaint='{"product":"Acme Router","version":"2.0.0","text":"it phones home"}'
csrf_try() { # csrf_try EXPECTED_STATUS [HEADER]: POST a complaint with bank's cookie
  local args=(-s -o "$T/body" -w '%{http_code}' -b "$T/jar-bank" -H 'Content-Type: application/json'
    -X POST --data-binary "$complaint")
  [ $# -lt 2 ] || args+=(-H "$2")
  status=$(curl "${args[@]}" "$NR_URL/api/v1/complaints")
  [ "$status" = "$1" ] || fail "complaint with cookie and '${2:-}' answered $status: $(cat "$T/body")"
}
same csrf_try 403
expect_eq "$(bget .error.code)" csrf "no X-CSRF-Token"
same csrf_try 403 "X-CSRF-Token: x$csrf"
expect_eq "$(bget .error.code)" csrf "wrong X-CSRF-Token"
same csrf_try 403 "X-CSRF-Token: $(tr 'A-Za-z' 'N-ZA-Mn-za-m' <"$T/csrf-bank")"
csrf_try 201 "X-CSRF-Token: $csrf"
# The check comes before the role: an operator may not add organisations either way.
api_error 403 forbidden POST /api/v1/orgs '{"name":"Bank Two","kind":"operator"}'

# --- Sign-out ends the session; the old cookie no longer works. ---
cp "$T/jar-bank" "$T/jar-stale"
status=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/jar-bank" -X DELETE "$NR_URL/api/v1/session")
expect_eq "$status/$(bget .error.code)" 403/csrf "sign-out without CSRF"
api_expect 200 DELETE /api/v1/session
grep -q "Max-Age=0" <<<"$(header Set-Cookie)" || fail "sign-out does not clear the cookie"
cp "$T/jar-stale" "$T/jar-bank"
api_error 401 unauthenticated GET /api/v1/cases
# A stale cookie does not keep anyone from what the public may read.
api_expect 200 GET /api/v1/decisions
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT action FROM audit WHERE action LIKE 'session.%' ORDER BY id" | tr '\n' ' ')" \
  "session.create session.revoke " "audit of sign-in and sign-out"

# --- API tokens: the office creates them, for any user; only once shown, stored hashed. ---
sign_in bank
api_error 403 forbidden POST /api/v1/tokens '{"user":"bank","name":"mine","scopes":"read"}'
api_error 403 forbidden GET /api/v1/tokens
sign_in office
same api_error 400 invalid POST /api/v1/tokens '{"user":"bank","name":"x","scopes":"root"}'
same api_error 400 invalid POST /api/v1/tokens '{"user":"bank","name":"x","scopes":"gate","admin":true}'
same api_error 404 not_found POST /api/v1/tokens '{"user":"nobody","name":"x","scopes":"gate"}'
api_expect 201 POST /api/v1/tokens '{"user":"bank","name":"First Bank procurement","scopes":["gate"]}'
gate_token=$(bget .token)
gate_id=$(bget .id)
expect_eq "$(bget .scopes)/$(bget .user)/$(bget .state)" gate/bank/active "created gate token"
[[ "$gate_token" =~ ^nr_[A-Za-z0-9_-]{43}$ ]] || fail "token format: $gate_token"
expect_eq "$(bget .prefix)" "${gate_token:0:11}" "token prefix"
api_expect 201 POST /api/v1/tokens '{"user":"bank","name":"bank reader","scopes":"read"}'
read_token=$(bget .token)
api_expect 201 POST /api/v1/tokens '{"user":"office","name":"office script","scopes":"read,write","expires":"2099-01-01"}'
rw_token=$(bget .token)
api_expect 200 GET /api/v1/tokens
expect_eq "$(bget 'length')" 3 "tokens listed"
expect_eq "$(bget '[.[] | .token, .token_hash] | map(select(. != null)) | length')" 0 "secrets in the list"
for t in "$gate_token" "$read_token" "$rw_token"; do
  expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '$t'")" 0 "token in clear"
  expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '$(printf %s "$t" | sha256sum | cut -d' ' -f1)'")" 1 "token hash"
  expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM audit WHERE instr(COALESCE(detail,'') || COALESCE(object,''), '${t:11}') > 0")" 0 "token in the audit log"
done
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM audit WHERE action = 'token.create'")" 3 "token.create entries"

# --- Scopes: a gate token opens the gate routes and nothing else. ---
as_user public
NR_TOKEN=$gate_token api_expect 200 GET "$GATE_Q"
NR_TOKEN=$gate_token api_error 403 scope GET /api/v1/cases
NR_TOKEN=$gate_token api_error 403 scope GET /api/v1/decisions
NR_TOKEN=$gate_token api_error 403 scope GET /api/v1/session
NR_TOKEN=$gate_token same api_error 403 scope POST /api/v1/complaints "$complaint"
# Reading includes the gate; writing needs the write scope (and no CSRF: there is no cookie).
NR_TOKEN=$read_token api_expect 200 GET "$GATE_Q"
NR_TOKEN=$read_token api_expect 200 GET /api/v1/cases
NR_TOKEN=$read_token api_expect 200 GET /api/v1/session
expect_eq "$(bget .user.login)/$(bget .via)/$(bget .scopes)" bank/token/read "GET /api/v1/session with a token"
NR_TOKEN=$read_token same api_error 403 scope POST /api/v1/complaints "$complaint"
NR_TOKEN=$rw_token api_expect 201 POST /api/v1/orgs '{"name":"Second Bank","kind":"operator","sector":"finance"}'
NR_TOKEN=$rw_token api_error 409 precondition_failed DELETE /api/v1/session
# A token acts as its user: the bank's reader may not list tokens.
NR_TOKEN=$read_token api_error 403 forbidden GET /api/v1/tokens
# Unknown, malformed and other schemes: 401, even on a public route.
NR_TOKEN=nr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA api_error 401 unauthenticated GET "$GATE_Q"
NR_TOKEN=garbage api_error 401 unauthenticated GET "$GATE_Q"
status=$(curl -s -o "$T/body" -w '%{http_code}' -u bank:password-bank "$NR_URL$GATE_Q")
expect_eq "$status/$(bget .error.code)" 401/unauthenticated "Basic authorization"
api_expect 200 GET /api/v1/decisions

# --- Revocation, over HTTP and from the CLI: the token stops working at once. ---
as_user office
api_expect 200 DELETE "/api/v1/tokens/$gate_id"
expect_eq "$(bget .state)" revoked "revoked token"
api_error 409 precondition_failed DELETE "/api/v1/tokens/$gate_id"
api_error 404 not_found DELETE /api/v1/tokens/9999
as_user public
NR_TOKEN=$gate_token api_error 401 unauthenticated GET "$GATE_Q"
ok token create --user bank --name "from the CLI" --scopes gate
cli_token=$(cat "$T/out")
NR_TOKEN=$cli_token api_expect 200 GET "$GATE_Q"
ok token list --json
cli_id=$(jget '[.[] | select(.name == "from the CLI")][0].id')
refused 4 "may not revoke" --as bank token revoke "$cli_id"
ok --as office token revoke "$cli_id"
NR_TOKEN=$cli_token api_error 401 unauthenticated GET "$GATE_Q"
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM audit WHERE action = 'token.revoke'")" 2 "token.revoke entries"

# --- Throttling: five failures in 15 minutes, then 429 before any password is checked. ---
# (Last: from here on this address may not sign in for 15 minutes.)
as_user public
for i in 1 2 3 4; do
  api_error 401 unauthenticated POST /api/v1/session '{"login":"lab1","password":"wrong password"}'
done
# The fifth failure is answered after a delay; meanwhile the only worker serves others.
( api POST /api/v1/session '{"login":"lab1","password":"wrong password"}'; echo "$status" >"$T/fifth" ) &
fifth=$!
sleep 0.3
curl -sf -o /dev/null -m 2 "$NR_URL/healthz" || fail "the worker was blocked by a delayed sign-in refusal"
[ ! -s "$T/fifth" ] || fail "the fifth failed sign-in was answered before /healthz: no delay"
wait "$fifth"
expect_eq "$(cat "$T/fifth")" 401 "fifth failed sign-in"
api_error 429 too_many POST /api/v1/session '{"login":"lab1","password":"password-lab1"}'
retry=$(header Retry-After)
[[ "$retry" =~ ^[0-9]+$ ]] && [ "$retry" -ge 1 ] && [ "$retry" -le 900 ] || fail "Retry-After: '$retry'"
# Per address too: another user from this address is refused as well.
api_error 429 too_many POST /api/v1/session '{"login":"lab2","password":"password-lab2"}'
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM login_failures WHERE login = 'lab1'")" 5 "failures recorded"
# Sessions and tokens made before still work.
NR_TOKEN=$read_token api_expect 200 GET /api/v1/cases
as_user office
api_expect 200 GET /api/v1/tokens

serve_stop
ok audit verify
