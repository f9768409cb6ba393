#!/usr/bin/env bash
# 0300-serve-basics.sh - `netreview serve` itself (issue 3, items 1 and 7): it starts on a free
# port and says where, answers /healthz and /metrics (Prometheus text), answers unknown paths
# with a JSON 404 and known paths with another method with a JSON 405 and Allow, refuses a 2 MB
# JSON body (413), malformed JSON (400 with the position), nesting past the depth cap and
# duplicate query parameters (400), writes one JSON access log line per request, refuses a
# second server on the same address (exit 1) and a database that is not initialised (exit 3),
# and on SIGTERM lets a slow request in flight finish, exits 0, and leaves an audit chain that
# verifies.
. "$(dirname "$0")/lib.sh"

header() { tr -d '\r' <"$T/headers" | grep -i "^$1:" | head -n1 | cut -d' ' -f2-; }

setup_registry
serve_start
case "$NR_URL" in http://127.0.0.1:[0-9]*) ;; *) fail "printed address '$NR_URL'" ;; esac

# --- Health. ---
api_expect 200 GET /healthz
expect_eq "$(bget .status)" ok "healthz status"
expect_eq "$(header Content-Type)" application/json "healthz content type"
api_expect 200 HEAD /healthz
[ ! -s "$T/body" ] || fail "HEAD /healthz has a body"

# --- Errors are JSON, with the right status. ---
api_error 404 not_found GET /api/v1/no-such-thing
grep -q '/api/v1/no-such-thing' "$T/body" || fail "404 does not name the path: $(cat "$T/body")"
api_error 404 not_found GET /api/v1/cases/
api_error 405 method_not_allowed DELETE /api/v1/gate
expect_eq "$(header Allow)" "GET, HEAD" "Allow of /api/v1/gate"
api_error 405 method_not_allowed PUT /api/v1/cases
expect_eq "$(header Allow)" "GET, HEAD, POST" "Allow of /api/v1/cases"
api_error 401 unauthenticated GET /api/v1/cases
api_error 400 invalid GET '/api/v1/gate?product=a&product=b'
expect_eq "$(bget .error.field)" product "field of a duplicate query parameter"
api_error 400 invalid GET '/api/v1/gate?product=%ZZ'

# Bodies: nothing below is written.
before=$(db_snapshot)
head -c $((2 << 20)) /dev/zero | tr '\0' a | sed 's/^/{"product":"Acme Router","text":"/; s/$/"}/' >"$T/big.json"
api_error 413 too_big POST /api/v1/complaints "@$T/big.json"
api_error 400 malformed POST /api/v1/complaints '{"product": "Acme Router", "text": }'
grep -qE 'at line 1, column 36 \(byte 36\)' "$T/body" || fail "no position in: $(cat "$T/body")"
expect_eq "$(bget .error.field)" '$' "field of malformed JSON"
api_error 400 malformed POST /api/v1/complaints '{"product": "a", "product": "b", "text": "x"}'
grep -q duplicate "$T/body" || fail "duplicate key not named: $(cat "$T/body")"
deep=$(printf '{"a":%.0s' $(seq 1 20))1$(printf '}%.0s' $(seq 1 20))
api_error 400 malformed POST /api/v1/complaints "$deep"
expect_eq "$(bget .error.field)" '$.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a' "path of the too deep value"
api_error 400 invalid POST /api/v1/complaints '["Acme Router"]'
api_error 400 invalid POST /api/v1/complaints '{"product": "Acme Router", "text": "x", "colour": "red"}'
expect_eq "$(bget .error.field)" colour "field of an unknown member"
after=$(db_snapshot)
[ "$before" = "$after" ] || fail "a refused body changed the database"

# --- Metrics: Prometheus text format 0.0.4, counted per route pattern, method and status. ---
api_expect 200 GET /metrics
case "$(header Content-Type)" in "text/plain; version=0.0.4"*) ;; *) fail "metrics type $(header Content-Type)" ;; esac
m="$T/body"
grep -qx '# TYPE netreview_http_requests_total counter' "$m" || fail "no requests_total"
grep -qx 'netreview_http_requests_total{route="/healthz",method="GET",status="200"} [0-9]*' "$m" ||
  fail "healthz not counted"
grep -qx 'netreview_http_requests_total{route="/healthz",method="HEAD",status="200"} 1' "$m" ||
  fail "HEAD not counted"
grep -qx 'netreview_http_requests_total{route="/api/v1/gate",method="DELETE",status="405"} 1' "$m" ||
  grep -qx 'netreview_http_requests_total{route="(unmatched)",method="DELETE",status="405"} 1' "$m" ||
  fail "405 not counted"
grep -qx 'netreview_http_requests_total{route="/api/v1/complaints",method="POST",status="413"} 1' "$m" ||
  fail "413 not counted"
grep -qx '# TYPE netreview_http_request_duration_seconds histogram' "$m" || fail "no histogram"
grep -qx 'netreview_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} [0-9]*' "$m" ||
  fail "no +Inf bucket"
grep -qx 'netreview_cases{phase="scoping"} 0' "$m" || fail "cases by phase"
grep -qx 'netreview_cases_overdue 0' "$m" || fail "overdue count"
grep -qx 'netreview_gate_lookups_total{status="[a-z_]*"} [0-9]*' "$m" || fail "gate lookups"
# Every line is a comment or a sample, and every histogram is cumulative with _count = +Inf.
grep -v '^#' "$m" | grep -vE '^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? [0-9][0-9.e+-]*$' &&
  fail "lines that are not samples in /metrics"
awk '
  /^netreview_http_request_duration_seconds_bucket/ {
    match($0, /route="[^"]*"/); r = substr($0, RSTART, RLENGTH)
    if (r == last && $2 + 0 < prev + 0) { print "not cumulative: " $0; bad = 1 }
    last = r; prev = $2; if ($0 ~ /le="\+Inf"/) inf[r] = $2
  }
  /^netreview_http_request_duration_seconds_count/ {
    match($0, /route="[^"]*"/); r = substr($0, RSTART, RLENGTH)
    if (inf[r] != $2) { print "count differs from +Inf: " $0; bad = 1 }
  }
  END { exit bad }' "$m" || fail "histogram is inconsistent"

# A gate lookup is counted by its answer.
api_expect 200 GET '/api/v1/gate?product=Acme%20Router&version=2.0.0'
status_of_gate=$(bget .status)
api_expect 200 GET /metrics
grep -qx "netreview_gate_lookups_total{status=\"$status_of_gate\"} 1" "$T/body" ||
  fail "gate lookup ($status_of_gate) not counted"

# --- The access log: one JSON object per request. ---
jq -e -c 'select((.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and .client == "127.0.0.1"
    and (.status | type) == "number" and (.bytes | type) == "number"
    and (.duration_ms | type) == "number")' "$T/access.log" >/dev/null || fail "access log lines"
n_lines=$(wc -l <"$T/access.log")
n_json=$(jq -c . "$T/access.log" | wc -l)
expect_eq "$n_json" "$n_lines" "access log lines that are JSON"
jq -e -s 'map(select(.path == "/api/v1/no-such-thing" and .status == 404 and .route == null
    and .method == "GET")) | length == 1' "$T/access.log" >/dev/null || fail "404 not logged"
jq -e -s 'map(select(.path == "/healthz" and .route == "/healthz" and .status == 200
    and .user == null)) | length >= 1' "$T/access.log" >/dev/null || fail "healthz not logged"

# --- One server per address; an installation that is not there. ---
port=${NR_URL##*:}
nr serve --listen "127.0.0.1:$port" --workers 1
[ "$rc" -eq 1 ] || fail "a second server on the same port exited $rc: $(cat "$T/err")"
grep -q "cannot listen on 127.0.0.1:$port" "$T/err" || fail "message: $(cat "$T/err")"
nr serve --db "$T/none.db" --listen 127.0.0.1:0
[ "$rc" -eq 3 ] || fail "serve on a missing database exited $rc: $(cat "$T/err")"
nr serve --listen nowhere
[ "$rc" -eq 2 ] || fail "serve --listen nowhere exited $rc: $(cat "$T/err")"

# --- SIGTERM while a slow request is in flight. ---
# The client first makes one request on its connection (so the server holds it, not only the
# kernel's backlog), then sends the next one a header line at a time, and only then finishes.
cat >"$T/slow.py" <<'EOF'
import socket, sys, time
port, ready = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
first = b""
while b"\r\n\r\n" not in first or not first.endswith(b"}\n"):
    first += s.recv(65536)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")
open(ready, "w").close()
for i in range(15):
    time.sleep(0.2)
    s.sendall(b"X-Slow-%d: %d\r\n" % (i, i))
s.sendall(b"\r\n")
answer = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    answer += d
sys.stdout.write(answer.decode())
EOF
python3 "$T/slow.py" "$port" "$T/slow.ready" >"$T/slow.out" 2>"$T/slow.err" &
slow=$!
for i in $(seq 1 200); do [ -f "$T/slow.ready" ] && break; sleep 0.05; done
[ -f "$T/slow.ready" ] || fail "the slow client did not start: $(cat "$T/slow.err")"
serve_stop
wait "$slow" || fail "slow client: $(cat "$T/slow.err")"
head -n1 "$T/slow.out" | grep -q '^HTTP/1.1 200' || fail "slow request: $(cat "$T/slow.out")"
grep -qi '^Connection: close' "$T/slow.out" || fail "no Connection: close while stopping"
tail -n1 "$T/slow.out" | grep -q '"status":"ok"' || fail "slow request body: $(cat "$T/slow.out")"
curl -s -o /dev/null -m 2 "$NR_URL/healthz" && fail "the server still answers after SIGTERM"

ok audit verify
echo "0300-serve-basics: ok"
