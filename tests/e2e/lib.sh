# lib.sh - shared by the end-to-end tests: a fresh installation in a temp dir, the real binary,
# and assertions on exit codes, messages and JSON. Source it; it sets -euo pipefail.
set -euo pipefail

NETREVIEW_BIN=${NETREVIEW_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/netreview}
NR_SOURCE_DIR=${NR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export NETREVIEW_HOME="$NR_SOURCE_DIR"
export NETREVIEW_ARGON2_MEMORY_KIB=${NETREVIEW_ARGON2_MEMORY_KIB:-1024}
unset NETREVIEW_USER NETREVIEW_DATA

T=$(mktemp -d /tmp/nr-e2e-XXXXXX)
export NETREVIEW_DB="$T/review.db"
trap '[ -n "${NR_KEEP:-}" ] || rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# nr ARGS...: run the binary, keep stdout in $T/out, stderr in $T/err, exit code in $rc.
nr() {
  set +e
  "$NETREVIEW_BIN" "$@" >"$T/out" 2>"$T/err"
  rc=$?
  set -e
  return 0
}

# ok ARGS...: must succeed.
ok() {
  nr "$@"
  [ "$rc" -eq 0 ] || fail "netreview $* exited $rc: $(cat "$T/err")"
}

# refused CODE PATTERN ARGS...: must exit CODE with PATTERN in stderr.
refused() {
  local code=$1 pattern=$2
  shift 2
  nr "$@"
  [ "$rc" -eq "$code" ] || fail "netreview $* exited $rc, expected $code: $(cat "$T/err")"
  grep -qE -- "$pattern" "$T/err" || fail "netreview $*: message '$(cat "$T/err")' lacks '$pattern'"
}

# jget FILTER: jq on the last stdout.
jget() { jq -r "$1" "$T/out"; }

expect_eq() { [ "$1" = "$2" ] || fail "${3:-value}: got '$1', expected '$2'"; }

# A database fingerprint: every table's rows, to prove a refused command wrote nothing.
db_snapshot() {
  sqlite3 "$NETREVIEW_DB" "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name" |
    while read -r t; do echo "== $t"; sqlite3 "$NETREVIEW_DB" "SELECT * FROM \"$t\" ORDER BY 1"; done
}

# unchanged ARGS...: run and check the database is byte-for-byte the same in content.
unchanged() {
  local before after
  before=$(db_snapshot)
  "$@"
  after=$(db_snapshot)
  [ "$before" = "$after" ] || fail "database changed after: $*"
}

# The registry most tests start from: office, committee, one provider with a product, one CII
# operator, three institutions, experts, protection department.
# add_user LOGIN NAME ORG ROLE: a user whose password is "password-LOGIN".
add_user() {
  ok user add "$1" --name "$2" --org "$3" --role "$4" --password-stdin <<<"password-$1"
}

setup_registry() {
  local suite=${1:-intl} procedure=${2:-cn-2017}
  ok init --crypto "$suite" --procedure "$procedure"
  ok org add "Review Office" --kind office
  ok org add "Review Committee" --kind committee
  ok org add "Experts Committee" --kind experts_committee
  ok org add "Acme Networks" --kind provider --country CN
  ok org add "Rival Systems" --kind provider --country CN
  ok org competitor "Acme Networks" "Rival Systems"
  ok org add "First Bank" --kind operator --sector finance --cii
  ok org add "Finance Protection" --kind protection_dept --sector finance
  ok org add "Finance Department" --kind sector_dept --sector finance
  ok org add "Lab One" --kind institution
  ok org add "Lab Two" --kind institution
  ok org add "Public Voice Association" --kind association
  ok org add "Ministry" --kind state_dept
  add_user office "Office Clerk" "Review Office" office
  add_user committee "Chair" "Review Committee" committee
  add_user vendor "Vendor Rep" "Acme Networks" provider
  add_user rival "Rival Rep" "Rival Systems" provider
  add_user bank "Bank Buyer" "First Bank" operator
  add_user protect "Protector" "Finance Protection" protection_dept
  add_user findept "Finance Officer" "Finance Department" sector_dept
  add_user lab1 "Lab One Engineer" "Lab One" institution
  add_user lab2 "Lab Two Engineer" "Lab Two" institution
  add_user assoc "Association Rep" "Public Voice Association" association
  add_user ministry "Ministry Officer" "Ministry" state_dept
  ok institution designate "Lab One" --methods lab_testing,online_monitoring,on_site_inspection,background_investigation --from 2024-01-01 --until 2030-12-31
  ok institution designate "Lab Two" --methods lab_testing --from 2024-01-01 --until 2030-12-31
  for i in 1 2 3 4 5 6; do
    add_user "expert$i" "Expert $i" "Experts Committee" expert
    ok expert appoint "expert$i" --from 2024-01-01 --until 2030-12-31
  done
  ok product add "Acme Router" --provider "Acme Networks" --cpe "cpe:2.3:h:acme:router:*:*:*:*:*:*:*:*" --purl "pkg:generic/acme/router"
  ok product add-version "Acme Router" 2.0.0
  ok product add-version "Acme Router" 2.1.0
}

# --- Helpers for whole reviews (0110 and later). ---

# scores_file LEVEL [CONTROL_LEVEL]: a score --file document for every dimension of the
# procedure in force, each at LEVEL (control at CONTROL_LEVEL when given), in $T/scores.json.
scores_file() {
  local level=$1 control=${2:-$1}
  "$NETREVIEW_BIN" procedure show --json >"$T/procedure.json" || fail "procedure show"
  jq --arg l "$level" --arg c "$control" \
    '[.dimensions[] | {key: ., value: {level: (if . == "control" then $c else $l end),
       reason: "based on the evaluation report"}}] | from_entries' "$T/procedure.json" >"$T/scores.json"
}

# to_experts CASE [LAB_USER LAB METHOD]: an accepted case through evaluation to expert_review:
# the provider's commitment (user vendor), one task, its signed report, submit_to_experts.
to_experts() {
  local case=$1 labuser=${2:-lab1} lab=${3:-Lab One} method=${4:-lab_testing}
  ok --as office case accept "$case"
  ok --as vendor commitment sign "$case" --text "We commit to no backdoors and full cooperation."
  ok --as office task assign "$case" --institution "$lab" --method "$method" --json
  local task
  task=$(jget .id)
  ok --as "$labuser" task report "$task" --text "Evaluation report of case $case." --standards "GB/T 22239-2019"
  ok --as office case submit_to_experts "$case"
}

# panel_scores CASE LEVEL [CONTROL_LEVEL [EXPERTS]]: form the panel of EXPERTS (default
# expert1..expert5) and have each score every dimension; prints nothing, leaves the panel view.
panel_scores() {
  local case=$1 level=$2 control=${3:-$2} experts=${4:-expert1,expert2,expert3,expert4,expert5}
  ok --as office panel form "$case" --experts "$experts"
  scores_file "$level" "$control"
  local e
  for e in ${experts//,/ }; do
    ok --as "$e" score submit "$case" --file "$T/scores.json"
  done
  ok --as office panel show "$case" --json
}

# gate_expect STATUS PROCUREMENT ARGS...: run `netreview ARGS... --json` (a gate check) and
# compare the answer's status and procurement.
gate_expect() {
  local status=$1 procurement=$2
  shift 2
  ok "$@" --json
  expect_eq "$(jget .status)/$(jget .procurement)" "$status/$procurement" "netreview $*"
}

# flip_byte FILE OFFSET: change the byte at OFFSET in place (XOR 0x5a), as an attacker or a
# failing disk would.
flip_byte() {
  local b
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  [ -n "$b" ] || fail "flip_byte: $1 has no byte at offset $2"
  printf '%b' "\\$(printf '%03o' $(((b ^ 0x5a) & 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# --- The HTTP server (0300 and later). ---
# serve_start [ARGS...]      start `netreview serve` on $NETREVIEW_DB, on a free loopback port
#                            (it binds port 0 and prints the address it got), ARGS passed on
#                            (e.g. --workers 4); waits until /healthz answers. Sets $NR_URL
#                            (http://127.0.0.1:PORT) and $NR_SERVE_PID; the server's output goes
#                            to $T/serve.out and $T/serve.err, its access log to $T/access.log.
#                            Workers: $NR_WORKERS (default 2).
# serve_stop                 SIGTERM, wait, and fail unless the server exited 0.
# sign_in LOGIN [PASSWORD]   POST /api/v1/session (password default "password-LOGIN", as
#                            add_user sets it); keeps the cookie in $T/jar-LOGIN and the CSRF
#                            token, and makes LOGIN the current caller of api.
# as_user LOGIN|public       switch the caller of api to a user signed in before, or to the public
#                            (no cookie, no token).
# NR_TOKEN=nr_... api ...    with a bearer token instead of the cookie (set NR_TOKEN, as_user public).
# api METHOD PATH [BODY]     one request as the current caller: BODY is JSON text, or @FILE to send
#                            a file as it is; status code in $status, body in $T/body, response
#                            headers in $T/headers. PATH starts with / (e.g. /api/v1/cases?limit=5).
# api_expect STATUS METHOD PATH [BODY]   api, and fail unless the status is STATUS.
# api_error STATUS CODE METHOD PATH [BODY]  api, and fail unless the status is STATUS and the body
#                            is {"error":{"code":CODE,...}}.
# bget FILTER                jq -r FILTER on the last response body.
NR_URL=
NR_SERVE_PID=
NR_CALLER=public
status=

serve_start() {
  local i
  rm -f "$T/serve.out" "$T/serve.err"
  "$NETREVIEW_BIN" serve --listen 127.0.0.1:0 --workers "${NR_WORKERS:-2}" \
    --access-log "$T/access.log" "$@" >"$T/serve.out" 2>"$T/serve.err" &
  NR_SERVE_PID=$!
  for i in $(seq 1 200); do
    NR_URL=$(sed -n 's/^netreview listening on \(http:[^ ]*\)$/\1/p' "$T/serve.out" 2>/dev/null | head -n1)
    [ -n "$NR_URL" ] && break
    kill -0 "$NR_SERVE_PID" 2>/dev/null || fail "netreview serve exited: $(cat "$T/serve.err")"
    sleep 0.05
  done
  [ -n "$NR_URL" ] || fail "netreview serve did not print its address: $(cat "$T/serve.err")"
  for i in $(seq 1 100); do
    curl -s -o /dev/null -m 2 "$NR_URL/healthz" && break
    sleep 0.05
  done
  curl -sf -o /dev/null -m 5 "$NR_URL/healthz" || fail "$NR_URL/healthz does not answer"
  # Stop the server with the test, whatever happens (the EXIT trap of lib.sh removes $T).
  trap 'nr_serve_kill; [ -n "${NR_KEEP:-}" ] || rm -rf "$T"' EXIT
}

nr_serve_kill() {
  if [ -n "$NR_SERVE_PID" ] && kill -0 "$NR_SERVE_PID" 2>/dev/null; then
    kill -TERM "$NR_SERVE_PID" 2>/dev/null || true
    wait "$NR_SERVE_PID" 2>/dev/null || true
  fi
  NR_SERVE_PID=
}

serve_stop() {
  local code
  [ -n "$NR_SERVE_PID" ] || fail "serve_stop: no server running"
  kill -TERM "$NR_SERVE_PID"
  set +e
  wait "$NR_SERVE_PID"
  code=$?
  set -e
  NR_SERVE_PID=
  [ "$code" -eq 0 ] || fail "netreview serve exited $code after SIGTERM: $(cat "$T/serve.err")"
}

api() {
  local method=$1 path=$2 args
  shift 2
  args=(-s -D "$T/headers" -w '%{http_code}' -m "${NR_API_TIMEOUT:-30}")
  if [ "$method" = HEAD ]; then
    args+=(-I -o /dev/null)
    : >"$T/body"
  else
    args+=(-o "$T/body" -X "$method")
  fi
  if [ "$NR_CALLER" != public ]; then
    args+=(-b "$T/jar-$NR_CALLER" -c "$T/jar-$NR_CALLER")
    [ "$method" = GET ] || [ "$method" = HEAD ] ||
      args+=(-H "X-CSRF-Token: $(cat "$T/csrf-$NR_CALLER")")
  fi
  [ -z "${NR_TOKEN:-}" ] || args+=(-H "Authorization: Bearer $NR_TOKEN")
  [ $# -eq 0 ] || args+=(-H 'Content-Type: application/json' --data-binary "$1")
  status=$(curl "${args[@]}" "$NR_URL$path") || status=000
}

api_expect() {
  local want=$1
  shift
  api "$@"
  [ "$status" = "$want" ] || fail "$NR_CALLER: $1 $2 answered $status, expected $want: $(head -c 2000 "$T/body")"
}

api_error() {
  local want=$1 code=$2 got
  shift 2
  api_expect "$want" "$@"
  got=$(jq -r '.error.code' "$T/body" 2>/dev/null || echo "(not JSON)")
  [ "$got" = "$code" ] || fail "$NR_CALLER: $1 $2: error code '$got', expected '$code': $(head -c 2000 "$T/body")"
}

bget() { jq -r "$1" "$T/body"; }

sign_in() {
  local login=$1 password=${2:-password-$1}
  NR_CALLER=public
  rm -f "$T/jar-$login"
  status=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -m 30 -c "$T/jar-$login" \
    -H 'Content-Type: application/json' -X POST "$NR_URL/api/v1/session" \
    --data-binary "$(jq -cn --arg l "$login" --arg p "$password" '{login: $l, password: $p}')") ||
    status=000
  [ "$status" = 200 ] || fail "sign-in of $login answered $status: $(cat "$T/body")"
  jq -r '.csrf' "$T/body" >"$T/csrf-$login"
  NR_CALLER=$login
}

as_user() {
  if [ "$1" != public ] && [ ! -f "$T/jar-$1" ]; then fail "as_user $1: not signed in"; fi
  NR_CALLER=$1
}
