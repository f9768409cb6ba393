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
unset NETREVIEW_DB
run_out="$T/run.out"
run_err="$T/run.err"
set +e
bash "$NR_SOURCE_DIR/scripts/run.sh" "$NETREVIEW_BIN" "$T/var/netreview.db" password1 >"$run_out" 2>"$run_err"
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "scripts/run.sh exited $rc: $(cat "$run_err")"
grep -q "netreview is ready on $T/var/netreview.db" "$run_out" || fail "run.sh did not say it is ready: $(head -c 2000 "$run_out")"
grep -q 'password "password1"' "$run_out" || fail "run.sh did not give the password"
grep -q '\$ netreview --as office case list' "$run_out" || fail "run.sh printed no tour"
# Every command of the tour succeeded: no error on standard error.
if grep -q "netreview:" "$run_err"; then fail "a tour command failed: $(cat "$run_err")"; fi
[ -f "$T/var/netreview.db" ] || fail "run.sh made no database"
set +e
bash "$NR_SOURCE_DIR/scripts/run.sh" "$NETREVIEW_BIN" "$T/var/netreview.db" password1 >"$run_out" 2>"$run_err"
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "scripts/run.sh on an existing database exited $rc: $(cat "$run_err")"
grep -q "netreview is ready" "$run_out" || fail "second run.sh did not say it is ready"
if grep -q "netreview:" "$run_err"; then fail "a tour command failed on the second run: $(cat "$run_err")"; fi
ok --db "$T/var/netreview.db" audit verify
echo ok
