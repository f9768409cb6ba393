#!/usr/bin/env bash
# R14 for the supply chain (issue 5): a passed, published product whose evaluation attached an
# SBOM stays under watch. An OSV import that adds an advisory for one of its components makes
# `netreview watch` flag the case with the reason (advisory, severity, component, version); the
# office's case view and the gate feed (rereview_suggested, with the reason) show it; a second
# watch flags nothing; only the office and the local administrator may run it. The server's
# periodic job does the same by itself after an import (--watch-interval 1), logging one JSON
# line, and does not run again until the next import.
. "$(dirname "$0")/lib.sh"
NPM="$NR_SOURCE_DIR/tests/data/sbom/cyclonedx-1.4-npm.cdx.json"
setup_registry
ok osv import "$NR_SOURCE_DIR/tests/data/osv"

# A product passed with its SBOM: minimist 1.2.5 and qs 6.7.0 are in it, with no advisory yet.
ok --as vendor case open --trigger provider_application --product "Acme Router" --versions "2.0.*" --json
case=$(jget .id)
ref=$(jget .ref)
ok --as office case accept "$case"
ok --as vendor commitment sign "$case" --text "We commit to disclose every component."
ok --as office task assign "$case" --institution "Lab One" --method lab_testing --json
task=$(jget .id)
ok --as lab1 analyze sbom "$NPM" --case "$case" --task "$task" --json
expect_eq "$(jget '.summary.vulnerable_components')" 0 "no known vulnerability when passed"
ok --as lab1 task report "$task" --text "SBOM analysed: no known vulnerability." --standards "GB/T 22239-2019"
ok --as office case submit_to_experts "$case"
panel_scores "$case" low
ok --as office case decide "$case" --outcome passed --rationale "No significant risk." --visibility public
ok --as office case publish "$case"

# Nothing new: nothing flagged.
ok watch --json
expect_eq "$(jget '.stats | [.sboms, .components, .new_matches, .flagged] | @tsv')" "$(printf '1\t7\t0\t0')" "watch before a new advisory"
ok --as office case show "$case" --json
expect_eq "$(jget .watch_reason)" null "no flag yet"

# A new advisory for minimist < 1.2.6 (the real GHSA-xvch-5gv4-984h, trimmed).
mkdir -p "$T/new1" "$T/new2"
cat >"$T/new1/GHSA-xvch-5gv4-984h.json" <<'EOF'
{"schema_version": "1.4.0", "id": "GHSA-xvch-5gv4-984h", "modified": "2024-03-01T00:00:00Z",
 "published": "2022-03-18T00:01:09Z", "aliases": ["CVE-2021-44906"],
 "summary": "Prototype Pollution in minimist",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected": [{"package": {"ecosystem": "npm", "name": "minimist", "purl": "pkg:npm/minimist"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.2.4"}]},
              {"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.6"}]}]}]}
EOF
cat >"$T/new2/GHSA-hrpp-h998-j3pp.json" <<'EOF'
{"schema_version": "1.4.0", "id": "GHSA-hrpp-h998-j3pp", "modified": "2024-01-12T00:00:00Z",
 "published": "2022-11-26T21:30:29Z", "aliases": ["CVE-2022-24999"],
 "summary": "qs vulnerable to Prototype Pollution",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
 "affected": [{"package": {"ecosystem": "npm", "name": "qs", "purl": "pkg:npm/qs"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "6.7.0"}, {"fixed": "6.7.3"}]}]}]}
EOF
sleep 1 # the last watch and the import fall in different seconds
ok osv import "$T/new1"

# Only the office and the local administrator run the watch.
unchanged refused 4 "only the office and the local administrator run the watch" --as lab1 watch
unchanged refused 4 "only the office" --as vendor watch

reason1="re-review suggested: GHSA-xvch-5gv4-984h (critical) affects minimist 1.2.5"
ok --as office watch --json
expect_eq "$(jget '.stats | [.sboms, .new_matches, .flagged] | @tsv')" "$(printf '1\t1\t1')" "the watch after the import"
expect_eq "$(jget '.flagged | map([.ref, .watch_reason] | join(": ")) | join("; ")')" "$ref: $reason1" "the case flagged"
ok --as office case show "$case" --json
expect_eq "$(jget .watch_reason)" "$reason1" "the office's case view"
flag_at=$(jget .watch_at)
[ "$flag_at" != null ] || fail "watch_at not set"
ok --as office audit log --case "$case" --json
expect_eq "$(jget '[.[] | select(.action == "case.watch")][-1].detail')" "$reason1" "audited"
# The decision stays in force until a re-review decides otherwise.
gate_expect passed prioritized gate check --product "Acme Router" --version 2.0.0

# Again: nothing new, nothing flagged, the text form says so.
ok --as office watch
grep -q "0 new; 0 cases flagged" "$T/out" || fail "second watch: $(cat "$T/out")"
ok --as office audit log --case "$case" --json
expect_eq "$(jget '[.[] | select(.action == "case.watch")] | length')" 1 "one flag only"

# ---- the server: the gate feed, the API's watch, the periodic job ----
serve_start --watch-interval 1
as_user public
api_expect 200 GET "/api/v1/gate/feed?since=2020-01-01T00:00:00Z"
expect_eq "$(bget '[.items[] | select(.change == "rereview_suggested")] | map([.case_ref, .reason] | join(": ")) | join("; ")')" \
  "$ref: $reason1" "the gate feed says why"
sign_in lab1
api_error 403 forbidden POST /api/v1/watch
sign_in office
api_expect 200 POST /api/v1/watch
expect_eq "$(bget '.stats | [.new_matches, .flagged] | @tsv')" "$(printf '0\t0')" "the API's watch, nothing new"

# The periodic job: an import while the server runs is matched within a second or two.
sleep 1
lines() { grep -c '"event":"watch"' "$T/serve.err" || true; }
before=$(lines)
ok osv import "$T/new2"
reason2="re-review suggested: GHSA-hrpp-h998-j3pp (high) affects qs 6.7.0"
for _ in $(seq 100); do
  [ "$(lines)" -gt "$before" ] && break
  sleep 0.1
done
[ "$(lines)" -gt "$before" ] || fail "the server did not watch after the import: $(cat "$T/serve.err")"
grep '"event":"watch"' "$T/serve.err" | tail -n1 >"$T/line.json"
expect_eq "$(jq -r '[.new_matches, .flagged, .sboms] | @tsv' "$T/line.json")" "$(printf '1\t1\t1')" "the server's watch log line"
ok --as office case show "$case" --json
expect_eq "$(jget .watch_reason)" "$reason2" "flagged by the server"
as_user public
api_expect 200 GET "/api/v1/gate/feed?since=2020-01-01T00:00:00Z"
expect_eq "$(bget '[.items[] | select(.change == "rereview_suggested")] | map(.reason) | join("; ")')" "$reason2" "the feed shows the latest flag"
# No new import: the job does not run again.
n=$(lines)
sleep 2.5
expect_eq "$(lines)" "$n" "watch runs without an import"
serve_stop
ok audit verify

# ---- `demo portfolio`: passed products with their SBOMs, through the real procedure ----
export NETREVIEW_DB="$T/portfolio.db"
ok init --crypto intl --procedure cn-2017
ok osv import "$NR_SOURCE_DIR/tests/data/osv"
mkdir -p "$T/sboms"
cp "$NR_SOURCE_DIR"/tests/data/sbom/*.json "$T/sboms/"
# One malformed SBOM among them: refused with its file and path, nothing left.
jq '.components[2].purl = 7' "$NPM" >"$T/sboms/zz-bad.cdx.json"
unchanged refused 7 'zz-bad\.cdx\.json: components\[2\]\.purl' demo portfolio --sboms "$T/sboms" --password portfolio-pw
rm "$T/sboms/zz-bad.cdx.json"
refused 2 "needs --sboms" demo portfolio
ok demo portfolio --sboms "$T/sboms" --password portfolio-pw --json
expect_eq "$(jget '[.products, .components] | @tsv')" "$(printf '4\t32')" "the portfolio's products and components"
ok --as portfolio-office case list --json
expect_eq "$(jget '[.[] | .phase] | unique | join(",")')" published "every case published"
expect_eq "$(jget '[.[] | .title] | sort | join(", ")')" \
  "BW Edge Router 7000 7.2.3, debian-11 *, edge-gateway 3.1.0, shop-frontend 2.3.0" "named by the SBOMs' subjects"
ok decision list --json
expect_eq "$(jget '[.[] | .outcome] | unique | join(",")')" passed "public passed decisions"
pcase=$(sqlite3 "$NETREVIEW_DB" "SELECT c.id FROM cases c JOIN products p ON p.id = c.product_id WHERE p.name = 'edge-gateway'")
ok --as portfolio-lab finding list "$pcase" --json
expect_eq "$(jget '[.[] | select(.source == "sbom" and (.title | test("log4j-core")))] | length')" 1 "the attach recorded findings"
ok watch --json
expect_eq "$(jget '.stats | [.sboms, .components, .new_matches, .flagged] | @tsv')" "$(printf '4\t32\t0\t0')" "the portfolio under watch"
ok osv import "$T/new1"
ok watch --json
expect_eq "$(jget '[.flagged[] | .title] | join(",")')" "shop-frontend 2.3.0" "the new advisory flags the npm product only"
ok audit verify
echo "0530 ok"
