#!/usr/bin/env bash
# OSV data through the real binary: a directory and a zip imported, listed, imported again
# without change, the audit entry; a malformed record named with its file while the others land;
# refusals (role, not OSV data, every record malformed) with their exit codes.
. "$(dirname "$0")/lib.sh"

DATA="$NR_SOURCE_DIR/tests/data/osv"
ok init --crypto intl

ok osv --help
grep -q "osv import PATH" "$T/out" || fail "osv --help lacks the import usage"

# A directory (with a subdirectory: go/).
ok osv import "$DATA" --json
expect_eq "$(jget '[.files, .added, .updated, .unchanged, .withdrawn, .rejected] | @tsv')" \
  "$(printf '7\t7\t0\t0\t1\t0')" "first import counts"
expect_eq "$(jget '.errors | length')" 0 "errors of a clean import"

ok osv list --json
expect_eq "$(jget 'length')" 7 "advisories listed"
expect_eq "$(jget '.[0].id')" GHSA-jfh8-c2jp-5v3q "newest modified first"
expect_eq "$(jget '.[0].cvss_score')" 10 "log4j score"
expect_eq "$(jget '.[0].rce')" true "log4j is remote code execution"
ok osv list --q CVE-2021-44228 --json
expect_eq "$(jget '[.[].id] | join(",")')" GHSA-jfh8-c2jp-5v3q "lookup by alias"
ok osv list --q PyPI/Django --json
expect_eq "$(jget '.[0].id')/$(jget '.[0].severity')" PYSEC-2022-190/medium "lookup by package key"
ok osv list --q cpe:acme:router --json
expect_eq "$(jget '.[0].id')/$(jget '.[0].auth_bypass')" NRV-2024-0001/true "lookup by CPE key"
ok osv list --q GHSA-4w2v-q235-vp99 --json
expect_eq "$(jget '.[0].withdrawn')" 2022-01-10T19:11:46Z "withdrawn advisory marked"
ok osv list --limit 2
grep -q "GHSA-jfh8-c2jp-5v3q" "$T/out" || fail "text list lacks the newest advisory: $(cat "$T/out")"
[ "$(grep -c . "$T/out")" -eq 3 ] || fail "text list with --limit 2: $(cat "$T/out")"
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT ranges FROM advisory_packages WHERE pkg_key = 'npm/lodash'")" \
  "SEMVER i0 f4.17.12" "stored ranges"
last=$(sqlite3 "$NETREVIEW_DB" "SELECT value FROM settings WHERE key = 'osv.last_import'")
[ -n "$last" ] || fail "osv.last_import not set"

# Again: nothing changes, and the text form says so.
ok osv import "$DATA"
grep -q "7 records, 0 added, 0 updated, 7 unchanged" "$T/out" || fail "re-import: $(cat "$T/out")"
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM advisories")" 7 "advisories after re-import"
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT value FROM settings WHERE key = 'osv.last_import'")" \
  "$last" "osv.last_import after an import that changed nothing"

# R11: one audit entry per import, with the counts; the chain still verifies.
ok audit log --json
expect_eq "$(jget '[.[] | select(.action == "osv.import")] | length')" 2 "osv.import audit entries"
expect_eq "$(jget '[.[] | select(.action == "osv.import")][0].detail')" \
  "files=7 added=7 updated=0 unchanged=0 withdrawn=1 rejected=0" "audit detail"
ok audit verify

# A zip (as OSV's all.zip is) with one malformed record: named with its file, the rest lands.
mkdir -p "$T/feed"
cp "$DATA"/*.json "$T/feed/"
printf '{"id": "BROKEN-1", "modified": ' >"$T/feed/BROKEN-1.json"
printf '{"id":"BROKEN-2","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm"}}]}' \
  >"$T/feed/BROKEN-2.json"
(cd "$T/feed" && python3 -m zipfile -c "$T/all.zip" ./*.json)
ok --db "$T/zip.db" init --crypto intl
ok --db "$T/zip.db" osv import "$T/all.zip"
grep -q "8 records, 6 added, 0 updated, 0 unchanged, 1 withdrawn, 2 rejected" "$T/out" ||
  fail "zip import: $(cat "$T/out")"
grep -q "rejected BROKEN-1.json: malformed JSON" "$T/err" || fail "zip import stderr: $(cat "$T/err")"
grep -q "rejected BROKEN-2.json: affected\[0\].package.name: missing" "$T/err" ||
  fail "zip import stderr: $(cat "$T/err")"
ok --db "$T/zip.db" osv import "$T/all.zip" --json
expect_eq "$(jget '.errors[0].file'):$(jget '.errors[1].field')" \
  "BROKEN-1.json:affected[0].package.name" "errors in JSON"
expect_eq "$(jget '.unchanged')" 6 "zip re-import"
expect_eq "$(sqlite3 "$T/zip.db" "SELECT COUNT(*) FROM advisories")" 6 "advisories from the zip"

# Every record malformed: exit 7. Not OSV data: exit 7, nothing written. Wrong role: exit 4.
mkdir -p "$T/bad"
cp "$T/feed/BROKEN-1.json" "$T/feed/BROKEN-2.json" "$T/bad/"
refused 7 "no record of .* could be read" osv import "$T/bad"
grep -q "rejected BROKEN-1.json" "$T/err" || fail "all-bad import stderr: $(cat "$T/err")"
echo "hello" >"$T/notes.txt"
refused 7 "is not a directory, a .zip or a .json file" osv import "$T/notes.txt"
refused 6 "cannot read" osv import "$T/absent"
ok org add "Lab One" --kind institution
add_user lab1 "Lab One Engineer" "Lab One" institution
refused 4 "may not import" --as lab1 osv import "$DATA"
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM advisories")" 7 "advisories after refusals"
refused 2 "osv import takes the path" osv import
refused 2 "unknown osv command" osv frobnicate
refused 2 "--limit takes a number" osv list --limit 0
echo "0500 ok"
