#!/usr/bin/env bash
# A whole review over HTTP, each step by the user of its role with a session: from public
# complaints to a published `failed` decision and the gate answering prohibited (0100 through
# the API). On the way: an evidence upload of 20 MB in 4 parts with a resume after a wrong
# offset, its download identical to the original, Range requests checked against dd, and the
# denied paths (wrong role 403, not visible 404, wrong phase 409), each with its JSON error code
# and an unchanged database.
. "$(dirname "$0")/lib.sh"
setup_registry
serve_start

# The database without the sessions' record of use (last_seen_at moves with every request).
snap() { db_snapshot | awk '/^== /{skip = ($2 == "sessions" || $2 == "api_tokens")} !skip'; }
# refused_unchanged STATUS CODE METHOD PATH [BODY]: the request is refused with STATUS and the
# error CODE, and the database is as it was.
refused_unchanged() {
  local before after
  before=$(snap)
  api_error "$@"
  after=$(snap)
  [ "$before" = "$after" ] || fail "$NR_CALLER: $3 $4 changed the database"
}
j() { jq -cn "$@"; }

for u in office committee vendor rival bank lab1 lab2 expert1 expert2 expert3 expert4 expert5; do
  sign_in "$u"
done

# R2: the public files complaints without signing in.
as_user public
api_expect 201 POST /api/v1/complaints "$(j '{product: "Acme Router", version: "2.1.0", text: "router phones home to an unknown host"}')"
c1=$(bget .id)
api_expect 201 POST /api/v1/complaints "$(j '{product: "Acme Router", text: "remote shutdown observed"}')"
c2=$(bget .id)
api_error 401 unauthenticated POST /api/v1/cases "$(j '{trigger: "complaints", product: "Acme Router"}')"

# The office groups them into a case.
as_user office
api_error 400 invalid POST /api/v1/cases "$(j '{trigger: "complaints", product: "Acme Router", colour: "red"}')"
api_expect 201 POST /api/v1/cases "$(j --argjson a "$c1" --argjson b "$c2" \
  '{trigger: "complaints", product: "Acme Router", versions: ">=2.0 <3.0", complaints: [$a, $b]}')"
case=$(bget .id)
ref=$(bget .ref)
expect_eq "$(bget .phase)" acceptance "phase after open"
grep -qi "^Location: /api/v1/cases/$case" "$T/headers" || fail "no Location for the new case"
api_expect 200 GET "/api/v1/cases/$ref"
expect_eq "$(bget .id)" "$case" "case by reference"

# Two more cases for the list: a state requirement and an association's recommendation.
sign_in ministry
api_expect 201 POST /api/v1/cases "$(j '{trigger: "state_requirement", product: "Acme Router", detail: "required by the ministry"}')"
sign_in assoc
api_expect 201 POST /api/v1/cases "$(j '{trigger: "association_recommendation", product: "Acme Router"}')"
as_user office
api_expect 200 GET '/api/v1/cases?limit=2'
expect_eq "$(bget '.items | length'),$(bget .limit),$(bget .offset),$(bget .next_offset)" "2,2,0,2" "first page"
api_expect 200 GET '/api/v1/cases?limit=2&offset=2'
expect_eq "$(bget '.items | length'),$(bget '.next_offset // "none"')" "1,none" "last page"
api_expect 200 GET '/api/v1/cases?trigger=complaints'
expect_eq "$(bget '[.items[].id] | join(",")')" "$case" "trigger filter"
api_expect 200 GET '/api/v1/cases?phase=acceptance&product=Acme%20Router&open=true&sector=none-such'
expect_eq "$(bget '.items | length')" 0 "sector filter"
api_expect 200 GET '/api/v1/cases?overdue=true'
expect_eq "$(bget '.items | length')" 0 "overdue filter"
api_error 400 invalid GET '/api/v1/cases?limit=0'
api_error 400 invalid GET '/api/v1/cases?overdue=maybe'
api_error 404 not_found GET '/api/v1/cases?product=No%20Such%20Product'
api_expect 200 GET /api/v1/cases/overdue
expect_eq "$(bget 'type')" array "overdue list"

# R11: a provider sees only its own products' cases; another provider gets 404 for this one,
# the same answer as for a case that does not exist, in reads and in writes.
as_user rival
api_expect 200 GET /api/v1/cases
expect_eq "$(bget '.items | length')" 0 "the rival's list"
refused_unchanged 404 not_found GET "/api/v1/cases/$case"
refused_unchanged 404 not_found GET "/api/v1/cases/999999"
refused_unchanged 404 not_found POST "/api/v1/cases/$case/transitions/accept"
refused_unchanged 404 not_found POST "/api/v1/cases/$case/commitment" "$(j '{text: "we promise"}')"
refused_unchanged 404 not_found GET "/api/v1/cases/$case/audit"

# Wrong role: the provider of the product sees the case but may not accept it.
as_user vendor
api_expect 200 GET "/api/v1/cases/$case"
refused_unchanged 403 forbidden POST "/api/v1/cases/$case/transitions/accept"
# Wrong phase: no evaluation task before the case is accepted.
as_user office
refused_unchanged 409 phase_forbidden POST "/api/v1/cases/$case/tasks" "$(j '{institution: "Lab One", method: "online_monitoring"}')"
# Malformed transitions change nothing either.
refused_unchanged 404 not_found POST "/api/v1/cases/$case/transitions/launch"
refused_unchanged 400 invalid POST "/api/v1/cases/$case/transitions/accept" "$(j '{outcome: "passed"}')"
refused_unchanged 400 invalid POST "/api/v1/cases/$case/transitions/accept" "$(j '{reason: 7}')"

api_expect 200 GET "/api/v1/cases/$case/options"
expect_eq "$(bget '[.[] | select(.allowed) | .transition] | index("accept") != null')" true "accept offered"
api_expect 200 POST "/api/v1/cases/$case/transitions/accept"
expect_eq "$(bget .phase)" evaluation "phase after accept"

# R13: materials stop the clock, their arrival restarts it; an extension needs days.
api_expect 200 POST "/api/v1/cases/$case/materials" "$(j '{what: "the firmware image of 2.1.0"}')"
expect_eq "$(bget .clock)" paused "clock while waiting"
api_expect 200 POST "/api/v1/cases/$case/materials/received"
expect_eq "$(bget .clock)" running "clock after the materials"
due_before=$(bget .phase_due)
refused_unchanged 400 invalid POST "/api/v1/cases/$case/extensions" "$(j '{reason: "more time"}')"
refused_unchanged 400 invalid POST "/api/v1/cases/$case/extensions" "$(j '{days: 0, reason: "more time"}')"
api_expect 200 POST "/api/v1/cases/$case/extensions" "$(j '{days: 5, reason: "the lab needs a second capture"}')"
[ "$(bget .phase_due)" \> "$due_before" ] || fail "the extension did not move the deadline"

# R3: the provider's commitment; a task for a designated, unconflicted institution.
as_user vendor
api_error 400 invalid POST "/api/v1/cases/$case/commitment" "$(j '{}')"
api_expect 201 POST "/api/v1/cases/$case/commitment" "$(j '{text: "We commit to no backdoors and full cooperation."}')"
[ "$(bget .signed_by)" = vendor ] || fail "commitment not signed by the vendor: $(cat "$T/body")"
as_user office
api_expect 201 POST "/api/v1/cases/$case/tasks" "$(j '{institution: "Lab One", method: "online_monitoring", standards: "GB/T 22239-2019", due_days: 20}')"
task=$(bget .id)
api_expect 200 GET "/api/v1/cases/$case/tasks"
expect_eq "$(bget 'length')" 1 "tasks"

# R11: evidence of 20 MB in four parts of 5 MB, straight to disk, resumable.
size=20000000
head -c "$size" /dev/urandom >"$T/capture.pcap"
split -b 5000000 -d -a 1 "$T/capture.pcap" "$T/part"
sha=$(sha256sum "$T/capture.pcap" | cut -d' ' -f1)

as_user committee # may see the case, may not add evidence
refused_unchanged 403 forbidden POST "/api/v1/cases/$case/uploads" "$(j --argjson s $size '{filename: "capture.pcap", size: $s}')"
as_user rival
refused_unchanged 404 not_found POST "/api/v1/cases/$case/uploads" "$(j --argjson s $size '{filename: "capture.pcap", size: $s}')"
as_user lab1
refused_unchanged 413 too_big POST "/api/v1/cases/$case/uploads" "$(j '{filename: "report.pdf", size: 104857600}')"
refused_unchanged 400 invalid POST "/api/v1/cases/$case/uploads" "$(j '{filename: "capture.pcap"}')"
refused_unchanged 400 invalid POST "/api/v1/cases/$case/uploads" "$(j --argjson s $size '{filename: "../capture.pcap", size: $s}')"
api_expect 201 POST "/api/v1/cases/$case/uploads" "$(j --argjson s $size --argjson t "$task" \
  '{filename: "capture.pcap", size: $s, task_id: $t, description: "48 h of traffic"}')"
up=$(bget .id)
expect_eq "$(bget .media_type),$(bget .received),$(bget .size)" "application/vnd.tcpdump.pcap,0,$size" "upload"
[ ${#up} -eq 64 ] || fail "upload token '$up' is not 64 hex digits"
[ "$(stat -c %a "$NETREVIEW_DB-data/uploads/$up")" = 600 ] || fail "the part file is not 0600"

api_expect 200 PUT "/api/v1/uploads/$up?offset=0" "@$T/part0"
expect_eq "$(bget .received)" 5000000 "after part 0"
api_expect 200 PUT "/api/v1/uploads/$up?offset=5000000" "@$T/part1"
expect_eq "$(bget .received)" 10000000 "after part 1"
# A part sent again, or one that skips ahead, is refused with where to resume.
api_error 409 precondition_failed PUT "/api/v1/uploads/$up?offset=5000000" "@$T/part1"
expect_eq "$(bget .error.expected_offset)" 10000000 "expected offset after a repeated part"
refused_unchanged 409 precondition_failed PUT "/api/v1/uploads/$up?offset=15000000" "@$T/part3"
resume=$(bget .error.expected_offset)
expect_eq "$resume" 10000000 "expected offset after a gap"
refused_unchanged 409 precondition_failed POST "/api/v1/uploads/$up/complete"
refused_unchanged 400 invalid PUT "/api/v1/uploads/$up" "@$T/part2"
# Nobody else can touch the upload, not even knowing its token.
as_user office
refused_unchanged 404 not_found PUT "/api/v1/uploads/$up?offset=$resume" "@$T/part2"
refused_unchanged 404 not_found POST "/api/v1/uploads/$up/complete"
as_user lab1
refused_unchanged 404 not_found PUT "/api/v1/uploads/$(printf '0%.0s' $(seq 64))?offset=0" "@$T/part2"
# Bytes the server lost (a crash, a restored disk) are asked for again, never filled with zeros.
truncate -s 7000000 "$NETREVIEW_DB-data/uploads/$up"
api_error 409 precondition_failed PUT "/api/v1/uploads/$up?offset=$resume" "@$T/part2"
expect_eq "$(bget .error.expected_offset)" 7000000 "expected offset after lost bytes"
dd if="$T/capture.pcap" iflag=skip_bytes,count_bytes skip=7000000 count=3000000 status=none >"$T/refill"
api_expect 200 PUT "/api/v1/uploads/$up?offset=7000000" "@$T/refill"
expect_eq "$(bget .received)" "$resume" "after sending the lost bytes again"
api_expect 200 PUT "/api/v1/uploads/$up?offset=$resume" "@$T/part2"
api_expect 200 PUT "/api/v1/uploads/$up?offset=15000000" "@$T/part3"
expect_eq "$(bget .received),$(bget .complete)" "$size,true" "all parts"
# Past the declared size: refused.
refused_unchanged 413 too_big PUT "/api/v1/uploads/$up?offset=$size" "@$T/part0"
api_expect 201 POST "/api/v1/uploads/$up/complete"
ev=$(bget .id)
expect_eq "$(bget .sha256),$(bget .size),$(bget .media_type)" "$sha,$size,application/vnd.tcpdump.pcap" "evidence"
[ -z "$(ls -A "$NETREVIEW_DB-data/uploads")" ] || fail "the plain part file stayed: $(ls -A "$NETREVIEW_DB-data/uploads")"
# Completing again answers the same evidence; no second one is made.
api_expect 200 POST "/api/v1/uploads/$up/complete"
expect_eq "$(bget .id)" "$ev" "completion repeated"
api_expect 200 GET "/api/v1/cases/$case/evidence"
expect_eq "$(bget 'length')" 1 "evidence list"
refused_unchanged 409 precondition_failed PUT "/api/v1/uploads/$up?offset=$size" "@$T/part0"

# Download: identical, every read audited (R11).
reads_before=$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM audit WHERE action = 'evidence.read'")
api_expect 200 GET "/api/v1/evidence/$ev"
cmp "$T/body" "$T/capture.pcap" || fail "the download differs from the upload"
grep -qi '^Content-Length: 20000000' "$T/headers" || fail "no Content-Length: $(cat "$T/headers")"
grep -qi '^Accept-Ranges: bytes' "$T/headers" || fail "no Accept-Ranges"
grep -qi '^Content-Type: application/vnd.tcpdump.pcap' "$T/headers" || fail "wrong Content-Type"
grep -qi '^Content-Disposition: attachment; filename="capture.pcap"' "$T/headers" || fail "no Content-Disposition"
reads_after=$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM audit WHERE action = 'evidence.read'")
expect_eq "$reads_after" "$((reads_before + 1))" "audited reads"

# ranged SPEC: GET with Range: bytes=SPEC as lab1; status in $status, body in $T/range.
ranged() {
  status=$(curl -s -o "$T/range" -D "$T/headers" -w '%{http_code}' -b "$T/jar-lab1" \
    -H "Range: bytes=$1" "$NR_URL/api/v1/evidence/$ev")
}
ranged 1000000-1999999
expect_eq "$status" 206 "range status"
grep -qi '^Content-Range: bytes 1000000-1999999/20000000' "$T/headers" || fail "Content-Range: $(cat "$T/headers")"
dd if="$T/capture.pcap" bs=1000 skip=1000 count=1000 status=none | cmp - "$T/range" || fail "range differs from dd"
ranged -4096
expect_eq "$status" 206 "suffix range status"
dd if="$T/capture.pcap" iflag=skip_bytes skip=$((size - 4096)) bs=4096 count=1 status=none |
  cmp - "$T/range" || fail "suffix range differs from dd"
ranged 19999000-
expect_eq "$status" 206 "open range status"
dd if="$T/capture.pcap" bs=1000 skip=19999 status=none | cmp - "$T/range" || fail "open range differs from dd"
ranged 20000000-
expect_eq "$status" 416 "unsatisfiable range"
grep -qi '^Content-Range: bytes \*/20000000' "$T/headers" || fail "416 without Content-Range"
ranged 0-10,20-30 # several ranges: the whole body
expect_eq "$status" 200 "several ranges"
cmp "$T/range" "$T/capture.pcap" || fail "several ranges: not the whole body"

# R11: the provider reads only what it supplied, another provider nothing of the case.
as_user vendor
refused_unchanged 403 forbidden GET "/api/v1/evidence/$ev"
as_user rival
refused_unchanged 404 not_found GET "/api/v1/evidence/$ev"
refused_unchanged 404 not_found GET "/api/v1/cases/$case/evidence"

# R4: a finding citing the evidence; the signed report (R10).
as_user lab1
refused_unchanged 400 invalid POST "/api/v1/cases/$case/findings" "$(j '{category: "control", severity: "critical", title: "x", evidence_ids: ["one"]}')"
api_expect 201 POST "/api/v1/cases/$case/findings" "$(j --argjson e "$ev" --argjson t "$task" \
  '{category: "control", severity: "critical", title: "Undeclared remote-control channel", detail: "Seen in the capture.", evidence_ids: [$e], task_id: $t}')"
expect_eq "$(bget .category),$(bget .severity)" "control,critical" "finding"
api_expect 200 GET "/api/v1/cases/$case/findings"
expect_eq "$(bget 'length')" 1 "findings"
as_user lab2 # holds no task on the case: it does not see it
refused_unchanged 404 not_found POST "/api/v1/tasks/$task/report" "$(j '{report: "not mine"}')"
as_user lab1
api_expect 200 POST "/api/v1/tasks/$task/report" "$(j '{report: "Online monitoring found an undeclared C2 channel.", standards: "GB/T 22239-2019"}')"
expect_eq "$(bget .status)" reported "report"

as_user office
api_expect 200 POST "/api/v1/cases/$case/transitions/submit_to_experts"
expect_eq "$(bget .phase)" expert_review "phase after submit_to_experts"
# Wrong phase: findings belong to the evaluation.
as_user lab1
refused_unchanged 409 phase_forbidden POST "/api/v1/cases/$case/findings" "$(j '{category: "control", severity: "low", title: "late"}')"

# R6: the panel and its sealed scores.
as_user office
api_expect 200 POST "/api/v1/cases/$case/panel" "$(j '{experts: ["expert1", "expert2", "expert3", "expert4", "expert5"]}')"
scores_file low critical
for i in 1 2 3 4 5; do
  as_user "expert$i"
  api_expect 200 POST "/api/v1/cases/$case/scores" "$(jq -c '{scores: .}' "$T/scores.json")"
done
as_user office
api_expect 200 GET "/api/v1/cases/$case/panel"
expect_eq "$(bget .recommendation)" failed "recommendation"

# R7: decide (only the office; and only decide takes a decision), publish.
decision='{outcome: "failed", rationale: "Undeclared remote control (R4 category 1).", visibility: "public"}'
as_user vendor
refused_unchanged 403 forbidden POST "/api/v1/cases/$case/transitions/decide" "$(j "$decision")"
as_user office
refused_unchanged 400 invalid POST "/api/v1/cases/$case/transitions/decide" "$(j '{outcome: "failed", rationale: "x", colour: "red"}')"
refused_unchanged 409 phase_forbidden POST "/api/v1/cases/$case/transitions/publish"
api_expect 200 POST "/api/v1/cases/$case/transitions/decide" "$(j "$decision")"
expect_eq "$(bget .phase),$(bget .decision.outcome)" "decided,failed" "after decide"
api_expect 200 POST "/api/v1/cases/$case/transitions/publish"
expect_eq "$(bget .phase)" published "phase after publish"
decision_id=$(bget .decision.id)

# R9: the gate answers prohibited at once, to the operator and to anyone.
as_user bank
api_expect 200 GET '/api/v1/gate?product=Acme%20Router&version=2.1.0&operator=First%20Bank'
expect_eq "$(bget .status)/$(bget .procurement)" failed/prohibited "gate for the bank"
as_user public
api_expect 200 GET '/api/v1/gate?product=Acme%20Router&version=2.1.0'
expect_eq "$(bget .procurement)" prohibited "anonymous gate"
api_expect 200 GET "/api/v1/decisions/$decision_id/export"
cp "$T/body" "$T/decision.json"
ok decision verify "$T/decision.json" --key "$NETREVIEW_DB-data/keys/office.pub"

# The case's history over HTTP (the office), refused to roles that may not read it.
as_user office
api_expect 200 GET "/api/v1/cases/$case/audit"
[ "$(bget 'length')" -gt 10 ] || fail "case history too short"
bget '[.[].action] | join(" ")' | grep -q 'evidence.read' || fail "no evidence.read in the history"
as_user vendor
refused_unchanged 403 forbidden GET "/api/v1/cases/$case/audit"

serve_stop
ok audit verify
echo "ok"
