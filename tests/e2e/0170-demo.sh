#!/usr/bin/env bash
# `netreview demo` on a new cn-2017 installation: a case in every phase of the procedure,
# decisions of every outcome, an audit chain that verifies; a second demo, a short password and
# another procedure are refused without writing. Then `make run`'s script on a temporary path:
# init, demo and the tour of the command line, every command of which succeeds.
. "$(dirname "$0")/lib.sh"

# Refusals first, each on a database of its own, nothing written.
export NETREVIEW_DB="$T/short.db"
ok init
unchanged refused 7 "password is shorter than 8 characters" demo --password short
ok demo --password password1
export NETREVIEW_DB="$T/vendor.db"
ok init --procedure vendor-review
unchanged refused 4 "the demo data follows procedure cn-2017.*initialise the demo database with --procedure cn-2017" demo --password password1
export NETREVIEW_DB="$T/used.db"
ok init
ok org add "Review Office" --kind office
unchanged refused 4 "the database already holds data; demo fills only a new one" demo --password password1

export NETREVIEW_DB="$T/review.db"
ok init
ok demo --password password1
grep -q "every demo user's password: password1" "$T/out" || fail "demo output lacks the password: $(cat "$T/out")"
unchanged refused 4 "the database already holds data; demo fills only a new one" demo --password password1

# Every phase of the procedure holds at least one case.
ok procedure show --json
phases=$(jget '[.phases[].id] | sort | join(",")')
ok --as office case list --limit 1000 --json
expect_eq "$(jget '[.[].phase] | unique | join(",")')" "$phases" "phases holding a demo case"
ncases=$(jget length)
# Every trigger of R2 started one.
expect_eq "$(jget '[.[].trigger] | unique | map(select(. == "state_requirement" or . == "association_recommendation" or . == "complaints" or . == "provider_application" or . == "procurement_declaration" or . == "re_review")) | join(",")')" \
  association_recommendation,complaints,procurement_declaration,provider_application,re_review,state_requirement "triggers of the demo cases"

# Decisions of every outcome, and each visibility.
ok --as office decision list --json
expect_eq "$(jget '[.[].outcome] | unique | join(",")')" failed,passed,passed_with_conditions "decision outcomes"
expect_eq "$(jget '[.[].visibility] | unique | join(",")')" internal,public,restricted "decision visibilities"

# The demo was made through the review's own operations: its history verifies, and each case
# has one.
ok audit verify --json
expect_eq "$(jget .ok)" true "audit chain of the demo"
[ "$(jget .entries)" -gt "$ncases" ] || fail "audit log too short for $ncases cases: $(jget .entries)"
ok --as office audit log --case 1 --json
[ "$(jget length)" -ge 1 ] || fail "case 1 has no history"

# `make run`: scripts/run.sh BIN DB PASSWORD on a new path, then again on the existing database.
# It ends by serving in the foreground; run it in the background on a free port, wait until it
# listens, ask it for /healthz and stop it with SIGTERM, as Ctrl-C would.
unset NETREVIEW_DB
run_make_run() {
  local url="" i code
  NETREVIEW_LISTEN=127.0.0.1:0 bash "$NR_SOURCE_DIR/scripts/run.sh" "$NETREVIEW_BIN" \
    "$T/var/netreview.db" password1 >"$T/run.out" 2>"$T/run.err" &
  local pid=$!
  for i in $(seq 1 600); do
    url=$(sed -n 's/^netreview listening on \(http:[^ ]*\)$/\1/p' "$T/run.out" 2>/dev/null | head -n1)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || fail "scripts/run.sh exited early: $(cat "$T/run.err")"
    sleep 0.05
  done
  [ -n "$url" ] || { kill "$pid"; fail "scripts/run.sh never listened: $(cat "$T/run.err")"; }
  curl -sf -o /dev/null -m 5 "$url/healthz" || { kill "$pid"; fail "make run: /healthz does not answer"; }
  kill -TERM "$pid"
  set +e
  wait "$pid"
  code=$?
  set -e
  [ "$code" -eq 0 ] || fail "scripts/run.sh exited $code after SIGTERM: $(cat "$T/run.err")"
  grep -q "netreview serves $T/var/netreview.db" "$T/run.out" || fail "run.sh did not say what it serves: $(head -c 2000 "$T/run.out")"
  grep -q 'the password is "password1"' "$T/run.out" || fail "run.sh did not give the password"
  grep -q "/api/v1/session" "$T/run.out" || fail "run.sh did not say how to sign in"
}
run_make_run
[ -f "$T/var/netreview.db" ] || fail "run.sh made no database"
run_make_run
ok --db "$T/var/netreview.db" audit verify
echo ok
