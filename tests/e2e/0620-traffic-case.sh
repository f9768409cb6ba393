#!/usr/bin/env bash
# Online monitoring on a case (R3, R4, R11; issue 6 "done when"): an institution attaches a
# capture and the provider's declaration to its task from the CLI, and through the API for
# evidence it uploaded in parts; the findings are on the case (source "traffic", citing the
# evidence and the packets), the analysis is listed, the reads and the analysis are audited. Other
# roles are refused and a refusal leaves nothing: no row, no stored file, no temporary plaintext.
. "$(dirname "$0")/lib.sh"
export NETREVIEW_NOW=2026-03-02T09:00:00Z
setup_registry
GEN="python3 $NR_SOURCE_DIR/tests/tools/gen_pcap.py"
$GEN declaration --out "$T/declared.json"
$GEN scenario --out "$T/capture.pcap" --manifest "$T/m.json"
$GEN scenario --out "$T/capture.pcapng" --format pcapng
$GEN scenario --out "$T/cut.pcap" --truncate
DATA="$NETREVIEW_DB-data"

ok --as ministry case open --trigger state_requirement --product "Acme Router" --versions 2.1.0 --json
case=$(jget .id)
ok --as office case accept "$case"
ok --as office task assign "$case" --institution "Lab One" --method online_monitoring --json
task=$(jget .id)

# Stored evidence files (sealed) and temporary plaintext left anywhere under the data directory.
files() { { find "$DATA/evidence" -type f 2>/dev/null || true; } | sort; }
# unchanged_files ARGS...: like unchanged, and no file appears or goes under the data directory.
unchanged_files() {
  local before
  before=$(files)
  unchanged "$@"
  [ "$before" = "$(files)" ] || fail "files changed under $DATA/evidence after: $*"
}

# ---- refusals first: nothing is written, nothing is stored ----
unchanged_files refused 4 'role provider may not' --as vendor analyze traffic "$T/capture.pcap" --declared "$T/declared.json" --case "$case"
unchanged_files refused 4 'role committee may not' --as committee analyze traffic "$T/capture.pcap" --case "$case"
unchanged_files refused 3 "no case $case" --as lab2 analyze traffic "$T/capture.pcap" --case "$case"
unchanged_files refused 3 "no case $case" --as rival analyze traffic "$T/capture.pcap" --case "$case"
unchanged_files refused 2 'pass --as USER' analyze traffic "$T/capture.pcap" --case "$case"
# lab2 holds no task here; lab1's task on another case is no task of this one.
unchanged_files refused 7 "is not a task of case" --as office analyze traffic "$T/capture.pcap" --case "$case" --task 999
# A cut capture and a malformed declaration are refused whole.
unchanged_files refused 7 'packet [0-9]+: truncated dump file' --as lab1 analyze traffic "$T/cut.pcap" --declared "$T/declared.json" --case "$case" --task "$task"
jq '.resolvers = ["resolver.example.com"]' "$T/declared.json" >"$T/bad.json"
unchanged_files refused 7 '\$\.resolvers\[0\] must be an IPv4 or IPv6 address' --as lab1 analyze traffic "$T/capture.pcap" --declared "$T/bad.json" --case "$case" --task "$task"

# ---- the institution attaches the capture and the declaration from the CLI ----
ok --as lab1 analyze traffic "$T/capture.pcap" --declared "$T/declared.json" --case "$case" --task "$task" --json
cp "$T/out" "$T/r1.json"
cap=$(jget .capture_evidence_id)
decl=$(jget .declared_evidence_id)
analysis=$(jget .analysis_id)
nf=$(jget '.findings | length')
[ "$nf" -ge 10 ] || fail "only $nf findings"
expect_eq "$(jget '.finding_ids | length')" "$nf" "findings recorded"
ok --as lab1 evidence list "$case" --json
expect_eq "$(jget "[.[] | select(.id == $cap) | .media_type, .task_id] | join(\",\")")" "application/vnd.tcpdump.pcap,$task" "the capture evidence"
expect_eq "$(jget "[.[] | select(.id == $decl) | .media_type, .filename] | join(\",\")")" "application/json,declared.json" "the declaration evidence"
ok --as office finding list "$case" --json
expect_eq "$(jget '[.[] | select(.source == "traffic")] | length')" "$nf" "traffic findings on the case"
expect_eq "$(jget "[.[] | select(.source == \"traffic\" and .evidence_ids == \"$cap,$decl\" and .task_id == $task)] | length")" "$nf" "findings citing both evidence"
# The upload's finding, with its category, severity and the packet of the generator's manifest.
exfil=$(jq .tags.exfil "$T/m.json")
jget '.[] | select(.title | startswith("2.0 MB sent to collector.tracker.example.net"))' >"$T/f.json"
expect_eq "$(jq -r '"\(.category) \(.severity)"' "$T/f.json")" "user_data high" "the exfiltration finding"
jq -r .detail "$T/f.json" | grep -q "Capture: evidence $cap (capture.pcap), packets $exfil\." || fail "the finding does not cite packet $exfil: $(jq -r .detail "$T/f.json")"
jq -r .detail "$T/f.json" | grep -q "tshark -r capture.pcap -Y '(ip.addr==198.51.100.50) && tcp.port==443'" || fail "no tshark check in $(jq -r .detail "$T/f.json")"
expect_eq "$(jget '[.[] | select(.source == "traffic" and .category == "control")] | length')" \
  "$(jq '[.findings[] | select(.category == "control")] | length' "$T/r1.json")" "control findings"
# Audited with its evidence and counts.
ok --as office audit log --case "$case" --json
jget ".[] | select(.action == \"traffic.analyze\") | .detail" | grep -Eq "capture=evidence:$cap declared=evidence:$decl packets=$(jq .packets "$T/m.json") flows=[0-9]+ findings=$nf" ||
  fail "no traffic.analyze audit entry: $(jget '[.[] | select(.action == "traffic.analyze")]')"
expect_eq "$(jget "[.[] | select(.action == \"finding.add\")] | length")" "$nf" "finding.add entries"
ok audit verify

# ---- the office, without a declaration: context only; the same capture stored once ----
ok --as office analyze traffic "$T/capture.pcapng" --case "$case"
grep -q "^recorded on case $case: analysis [0-9]*, capture evidence [0-9]*, [0-9]* findings" "$T/out" || fail "no summary line: $(tail -3 "$T/out")"

# ---- through the API: evidence uploaded in parts, then analysed ----
serve_start
for u in lab1 lab2 vendor committee office expert1; do sign_in "$u"; done
upload() { # upload FILE NAME: prints the evidence id (as lab1, on the task)
  local size
  size=$(stat -c %s "$1")
  as_user lab1
  api_expect 201 POST "/api/v1/cases/$case/uploads" "$(jq -cn --arg n "$2" --argjson s "$size" --argjson t "$task" '{filename: $n, size: $s, task_id: $t}')"
  local up
  up=$(bget .id)
  api_expect 200 PUT "/api/v1/uploads/$up?offset=0" "@$1"
  api_expect 201 POST "/api/v1/uploads/$up/complete"
  bget .id
}
cp "$T/capture.pcapng" "$T/api.pcapng"
ev_cap=$(upload "$T/api.pcapng" lab-capture.pcapng)
ev_decl=$(upload "$T/declared.json" provider-declaration.json)
ev_bad=$(upload "$T/bad.json" provider-declaration-draft.json)

# snap: the database without sessions' last use.
snap() { db_snapshot | awk '/^== /{skip = ($2 == "sessions" || $2 == "api_tokens")} !skip'; }
refused_unchanged() {
  local before after bfiles
  before=$(snap)
  bfiles=$(files)
  api_error "$@"
  after=$(snap)
  [ "$before" = "$after" ] || fail "$NR_CALLER: $3 $4 changed the database"
  [ "$bfiles" = "$(files)" ] || fail "$NR_CALLER: $3 $4 left files"
}
body=$(jq -cn --argjson c "$ev_cap" --argjson d "$ev_decl" --argjson t "$task" '{capture_evidence_id: $c, declared_evidence_id: $d, task_id: $t}')
as_user vendor
refused_unchanged 403 forbidden POST "/api/v1/cases/$case/traffic" "$body"
as_user committee
refused_unchanged 403 forbidden POST "/api/v1/cases/$case/traffic" "$body"
as_user lab2
refused_unchanged 404 not_found POST "/api/v1/cases/$case/traffic" "$body"
refused_unchanged 404 not_found GET "/api/v1/cases/$case/traffic"
as_user public
refused_unchanged 401 unauthenticated POST "/api/v1/cases/$case/traffic" "$body"
as_user lab1
refused_unchanged 400 invalid POST "/api/v1/cases/$case/traffic" "$(jq -cn --argjson t "$task" '{task_id: $t}')"
refused_unchanged 400 invalid POST "/api/v1/cases/$case/traffic" "$(jq -c '. + {colour: "red"}' <<<"$body")"
refused_unchanged 400 invalid POST "/api/v1/cases/$case/traffic" "$(jq -c '.capture_evidence_id = 999999' <<<"$body")"
expect_eq "$(bget .error.field)" capture_evidence_id "field of an evidence of no case"
# The declaration given as the capture: not a capture, nothing recorded (its read is audited).
reads=$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM audit WHERE action = 'traffic.analyze'")
api_error 400 malformed POST "/api/v1/cases/$case/traffic" "$(jq -c --argjson d "$ev_decl" '.capture_evidence_id = $d | del(.declared_evidence_id)' <<<"$body")"
bget .error.message | grep -q "evidence $ev_decl is not a capture netreview reads" || fail "message: $(bget .error.message)"
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM audit WHERE action = 'traffic.analyze'")" "$reads" "analyses after a failure"
# The capture given as the declaration: past the declaration's cap. A malformed declaration:
# its JSON path, the evidence named.
api_error 413 too_big POST "/api/v1/cases/$case/traffic" "$(jq -c --argjson c "$ev_cap" '.declared_evidence_id = $c' <<<"$body")"
expect_eq "$(bget .error.field)" declared_evidence_id "field of an oversized declaration"
api_error 400 malformed POST "/api/v1/cases/$case/traffic" "$(jq -c --argjson d "$ev_bad" '.declared_evidence_id = $d' <<<"$body")"
expect_eq "$(bget .error.field)" '$.resolvers[0]' "field of a malformed declaration"
bget .error.message | grep -q "^evidence $ev_bad: \$\.resolvers\[0\] must be an IPv4 or IPv6 address" || fail "message: $(bget .error.message)"

api_expect 201 POST "/api/v1/cases/$case/traffic" "$body"
cp "$T/body" "$T/r2.json"
expect_eq "$(bget .capture_evidence_id),$(bget .declared_evidence_id),$(bget .source)" "$ev_cap,$ev_decl,lab-capture.pcapng" "the API analysis"
expect_eq "$(bget '.finding_ids | length')" "$nf" "API findings"
diff <(jq -c '[.findings[] | [.rule, .destination, .packets]]' "$T/r1.json") <(jq -c '[.findings[] | [.rule, .destination, .packets]]' "$T/r2.json") >/dev/null ||
  fail "the API's findings differ from the CLI's on the same capture"
[ -z "$(find "$DATA/evidence/tmp" -type f 2>/dev/null)" ] || fail "plaintext left behind: $(find "$DATA/evidence/tmp" -type f)"
# R11: the institution sees the analyses of its own work, not the office's.
api_expect 200 GET "/api/v1/cases/$case/traffic"
expect_eq "$(bget 'length')" 2 "analyses the institution sees"
expect_eq "$(bget "[.[].id] | index($analysis)")" 0 "the CLI's analysis first"
jq -e --argjson c "$ev_cap" '.[1] | (.capture_evidence_id == $c) and (.findings > 0) and (.summary.capture.packets > 0) and (.created_by == "lab1")' "$T/body" >/dev/null ||
  fail "the API analysis row: $(jq -c '.[1] | del(.summary)' "$T/body")"
as_user office
api_expect 200 GET "/api/v1/cases/$case/traffic"
expect_eq "$(bget 'length')" 3 "the office sees every analysis"
# R11: the analyses are shown to whoever may see their capture, as the evidence list shows it:
# not to the provider (the laboratory's capture is confidential to it), nor to an expert who is
# not on the case's panel (to whom the case does not exist).
as_user vendor
api_expect 200 GET "/api/v1/cases/$case/traffic"
expect_eq "$(bget 'length')" 0 "analyses the provider sees"
as_user expert1
api_error 404 not_found GET "/api/v1/cases/$case/traffic"
as_user office
sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM audit WHERE action = 'evidence.read' AND object IN ('evidence:$ev_cap', 'evidence:$ev_decl')" >"$T/n"
[ "$(cat "$T/n")" -ge 2 ] || fail "the decrypted reads are not audited"
serve_stop
ok audit verify
echo "0620: $nf findings from the CLI and the API, refusals left nothing"
