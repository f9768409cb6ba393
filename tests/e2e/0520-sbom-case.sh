#!/usr/bin/env bash
# Supply chain on a case (issue 5, R3, R4, R11): the institution attaches SBOMs to its task, from
# the command line (`analyze sbom --case --task`) and through the API (the SBOM uploaded in parts
# as evidence, then POST /cases/{case}/sboms); the findings land on the case with source "sbom",
# citing the evidence; the case lists its SBOMs. The other roles are refused (a role that may not
# add evidence 403/exit 4, a case one does not take part in 404/exit 3, another institution's
# task), and a refusal, or a malformed SBOM, leaves the database and the evidence store as they
# were. POST /analyze/sbom analyses a body for any signed-in user; GET /advisories lists.
. "$(dirname "$0")/lib.sh"
SBOM="$NR_SOURCE_DIR/tests/data/sbom"
NESTED="$SBOM/cyclonedx-1.5-nested-vex.cdx.json"
SPDX="$SBOM/spdx-2.3-debian.spdx.json"
setup_registry
ok osv import "$NR_SOURCE_DIR/tests/data/osv"

ok --as vendor case open --trigger provider_application --product "Acme Router" --versions "2.1.*" --json
case=$(jget .id)
ok --as office case accept "$case"
ok --as vendor commitment sign "$case" --text "We commit to disclose every component."
ok --as office task assign "$case" --institution "Lab One" --method lab_testing --json
task=$(jget .id)
ok --as office task assign "$case" --institution "Lab Two" --method lab_testing --json
task2=$(jget .id)

# The store's state beside the database: evidence files.
files() { { find "$NETREVIEW_DB-data/evidence" -type f 2>/dev/null || true; } | sort; }
# untouched ARGS...: unchanged, and no evidence file added or removed.
untouched() {
  local before
  before=$(files)
  unchanged "$@"
  [ "$before" = "$(files)" ] || fail "the evidence store changed after: $*"
}

# ---- refusals from the command line: nothing left ----
untouched refused 4 "^netreview: role provider may not" --as vendor analyze sbom "$NESTED" --case "$case"
untouched refused 4 "^netreview: role committee may not evidence.add" --as committee analyze sbom "$NESTED" --case "$case"
untouched refused 3 "no case" --as rival analyze sbom "$NESTED" --case "$case"
untouched refused 3 "no case" --as expert1 analyze sbom "$NESTED" --case "$case"
untouched refused 4 "belongs to another institution" --as lab1 analyze sbom "$NESTED" --case "$case" --task "$task2"
jq '.components[0].components[0].version = 2.14' "$NESTED" >"$T/bad.json"
untouched refused 7 'bad\.json: components\[0\]\.components\[0\]\.version' --as lab1 analyze sbom "$T/bad.json" --case "$case" --task "$task"
refused 2 "pass --as" analyze sbom "$NESTED" --case "$case"

# ---- the institution attaches from the command line ----
ok --as lab1 analyze sbom "$NESTED" --case "$case" --task "$task" --json
cp "$T/out" "$T/attach1.json"
ev1=$(jget .evidence_id)
sbom1=$(jget .sbom_id)
[ "$ev1" -gt 0 ] && [ "$sbom1" -gt 0 ] || fail "attach answered no evidence or SBOM id: $(head -c 500 "$T/out")"
expect_eq "$(jget '.findings | map(select(.suppressed | not)) | length')" 2 "findings in the report"
nf=$(jget '.finding_ids | length')
# The two vulnerabilities (log4j-core, Django), and one finding on unknown provenance (8 of 11).
expect_eq "$nf" 3 "findings recorded"
ok --as lab1 finding list "$case" --json
expect_eq "$(jget '[.[] | select(.source == "sbom")] | length')" "$nf" "sbom findings on the case"
expect_eq "$(jget '[.[] | select(.source == "sbom") | .evidence_ids == "'"$ev1"'"] | all')" true "findings cite the SBOM"
expect_eq "$(jget '[.[] | select(.source == "sbom") | .task_id == '"$task"'] | all')" true "findings on the task"
expect_eq "$(jget '.[] | select(.title | test("log4j-core")) | [.category, .severity, .created_by] | @tsv')" \
  "$(printf 'control\tcritical\tlab1')" "log4j-core: remote code execution is a control finding"
expect_eq "$(jget '.[] | select(.title | test("Django")) | [.category, .severity] | @tsv')" \
  "$(printf 'supply_chain\tmedium')" "Django"
expect_eq "$(jget '[.[] | select(.category == "supply_chain" and (.title | test("provenance")))] | length')" 1 "unknown provenance"
ok --as lab1 evidence list "$case" --json
expect_eq "$(jget '.[] | select(.id == '"$ev1"') | [.filename, .task_id, .added_by] | @tsv')" \
  "$(printf 'cyclonedx-1.5-nested-vex.cdx.json\t%s\tlab1' "$task")" "the SBOM is evidence of the task"
ok --as office audit log --case "$case" --json
[ "$(jget '[.[] | select(.action == "evidence.add")] | length')" -ge 1 ] || fail "evidence.add not audited"

# ---- through the API (without the periodic watch, which would write while we compare) ----
serve_start --watch-interval 0
snap() { db_snapshot | awk '/^== /{skip = ($2 == "sessions" || $2 == "api_tokens")} !skip'; }
refused_untouched() {
  local before files0
  before=$(snap)
  files0=$(files)
  api_error "$@"
  [ "$before" = "$(snap)" ] || fail "$NR_CALLER: $3 $4 changed the database"
  [ "$files0" = "$(files)" ] || fail "$NR_CALLER: $3 $4 changed the evidence store"
}
j() { jq -cn "$@"; }
for u in office committee vendor rival lab1 lab2 expert1; do sign_in "$u"; done

# The SBOM goes up in two parts, as any evidence does.
size=$(stat -c %s "$SPDX")
head -c 4000 "$SPDX" >"$T/part0"
tail -c +4001 "$SPDX" >"$T/part1"
as_user lab1
api_expect 201 POST "/api/v1/cases/$case/uploads" "$(j --argjson s "$size" --argjson t "$task" \
  '{filename: "debian-image.spdx.json", size: $s, task_id: $t, description: "SBOM of the router image"}')"
up=$(bget .id)
api_expect 200 PUT "/api/v1/uploads/$up?offset=0" "@$T/part0"
api_expect 200 PUT "/api/v1/uploads/$up?offset=4000" "@$T/part1"
api_expect 201 POST "/api/v1/uploads/$up/complete"
ev2=$(bget .id)
# A text file uploaded the same way: evidence, but not an SBOM.
echo "lab notes, not an SBOM" >"$T/notes.json"
api_expect 201 POST "/api/v1/cases/$case/uploads" "$(j --argjson t "$task" '{filename: "notes.json", size: 23, task_id: $t}')"
up=$(bget .id)
api_expect 200 PUT "/api/v1/uploads/$up?offset=0" "@$T/notes.json"
api_expect 201 POST "/api/v1/uploads/$up/complete"
ev3=$(bget .id)

body=$(j --argjson e "$ev2" --argjson t "$task" '{evidence_id: $e, task_id: $t}')
# Refused, and nothing left: roles, visibility, another institution's task, bad bodies.
as_user vendor
refused_untouched 403 forbidden POST "/api/v1/cases/$case/sboms" "$body"
as_user committee
refused_untouched 403 forbidden POST "/api/v1/cases/$case/sboms" "$body"
as_user rival
refused_untouched 404 not_found POST "/api/v1/cases/$case/sboms" "$body"
as_user lab2 # takes part through its own task, but names lab1's
refused_untouched 403 forbidden POST "/api/v1/cases/$case/sboms" "$body"
expect_eq "$(bget .error.message)" "task $task belongs to another institution" "another institution's task"
as_user public
refused_untouched 401 unauthenticated POST "/api/v1/cases/$case/sboms" "$body"
as_user lab1
refused_untouched 403 forbidden POST "/api/v1/cases/$case/sboms" "$(j --argjson e "$ev2" --argjson t "$task2" '{evidence_id: $e, task_id: $t}')"
refused_untouched 400 invalid POST "/api/v1/cases/$case/sboms" "$(j --argjson t "$task" '{task_id: $t}')"
refused_untouched 400 invalid POST "/api/v1/cases/$case/sboms" "$(j --argjson e "$ev2" '{evidence_id: $e, sbom: true}')"
refused_untouched 404 not_found POST "/api/v1/cases/$case/sboms" "$(j --argjson t "$task" '{evidence_id: 999999, task_id: $t}')"
refused_untouched 409 exists POST "/api/v1/cases/$case/sboms" "$(j --argjson e "$ev1" --argjson t "$task" '{evidence_id: $e, task_id: $t}')"
# Evidence that is not an SBOM: 400 naming what is wrong; no SBOM and no finding (the read of
# the evidence is audited, as every read is: R11).
sboms_before=$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM sboms; SELECT COUNT(*) FROM findings" | tr '\n' ' ')
api_error 400 malformed POST "/api/v1/cases/$case/sboms" "$(j --argjson e "$ev3" --argjson t "$task" '{evidence_id: $e, task_id: $t}')"
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM sboms; SELECT COUNT(*) FROM findings" | tr '\n' ' ')" \
  "$sboms_before" "SBOMs and findings after a malformed SBOM"

# The institution's request succeeds.
api_expect 201 POST "/api/v1/cases/$case/sboms" "$body"
expect_eq "$(bget '[.evidence_id, .sbom.format, .summary.vulnerable_components] | @tsv')" \
  "$(printf '%s\tspdx\t2' "$ev2")" "attached through the API"
# openssl and libssl1.1, whose source package (syft's upstream qualifier) is openssl.
expect_eq "$(bget '[.findings[] | [.component.name, .severity, .advisories[0]] | @tsv] | join(" ")')" \
  "$(printf 'libssl1.1\tlow\tDSA-5417-1 openssl\tlow\tDSA-5417-1')" "the Debian findings"
sbom2=$(bget .sbom_id)
nf2=$(bget '.finding_ids | length')
api_expect 200 GET "/api/v1/cases/$case/sboms"
expect_eq "$(bget '[.[] | [.id, .evidence_id, .format, .components, .created_by] | map(tostring) | join(" ")] | join("; ")')" \
  "$sbom1 $ev1 cyclonedx 11 lab1; $sbom2 $ev2 spdx 8 lab1" "the case's SBOMs"
api_expect 200 GET "/api/v1/cases/$case/findings"
expect_eq "$(bget '[.[] | select(.source == "sbom")] | length')" "$((nf + nf2))" "sbom findings after both"
# The office may attach without a task; who may not see the case gets 404 for the list too.
as_user office
api_expect 200 GET "/api/v1/cases/$case/sboms"
expect_eq "$(bget length)" 2 "the office sees both"
as_user rival
api_error 404 not_found GET "/api/v1/cases/$case/sboms"

# ---- an SBOM on its own, for any signed-in user ----
as_user vendor
before=$(snap)
api_expect 200 POST /api/v1/analyze/sbom "@$NESTED"
expect_eq "$(bget '[.sbom.subject, .summary.vulnerable_components, .findings[0].component.name] | @tsv')" \
  "$(printf 'edge-gateway\t2\tlog4j-core')" "analyze through the API"
api_error 400 malformed POST /api/v1/analyze/sbom "@$T/bad.json"
expect_eq "$(bget .error.field)" "components[0].components[0].version" "the JSON path of the error"
api_error 400 invalid POST /api/v1/analyze/sbom
[ "$before" = "$(snap)" ] || fail "analysing without a case changed the database"
as_user public
api_error 401 unauthenticated POST /api/v1/analyze/sbom "@$NESTED"

# ---- advisories ----
as_user expert1
api_expect 200 GET "/api/v1/advisories?q=CVE-2021-44228"
expect_eq "$(bget '[.[].id] | join(",")')" GHSA-jfh8-c2jp-5v3q "advisory by alias"
api_expect 200 GET "/api/v1/advisories?limit=2"
expect_eq "$(bget length)" 2 "advisories limited"
api_error 400 invalid GET "/api/v1/advisories?limit=0"
as_user public
api_error 401 unauthenticated GET /api/v1/advisories
serve_stop
ok audit verify
echo "0520 ok"
