#!/usr/bin/env bash
# Supply chain, an SBOM analysed on its own (issue 5): the SBOMs of tests/data/sbom (CycloneDX
# 1.4, 1.5 with nested components and VEX, 1.6, SPDX 2.3) matched against the advisories of
# tests/data/osv and four more real ones written here (minimist, qs, golang.org/x/net and the GHSA
# twin of Django's PYSEC record): the findings with their severities, categories, fixed versions
# and alias groups counted once; VEX suppression; unknown provenance and suppliers; the --json
# shape and the text form. Without a case nothing is written. A malformed SBOM exits 7 with the
# file and the JSON path, and changes nothing.
. "$(dirname "$0")/lib.sh"
SBOM="$NR_SOURCE_DIR/tests/data/sbom"
NPM="$SBOM/cyclonedx-1.4-npm.cdx.json"
NESTED="$SBOM/cyclonedx-1.5-nested-vex.cdx.json"
DEVICE="$SBOM/cyclonedx-1.6-device.cdx.json"
SPDX="$SBOM/spdx-2.3-debian.spdx.json"

ok init --crypto intl
ok analyze --help
grep -q "sbom FILE" "$T/out" && grep -q "traffic" "$T/out" || fail "analyze --help lists sbom and traffic: $(cat "$T/out")"

# No advisories yet: components read, nothing to match.
ok analyze sbom "$NESTED" --json
expect_eq "$(jget '[.advisories, (.findings | length), .summary.components, .sbom.format, .sbom.spec_version] | @tsv')" \
  "$(printf '0\t0\t11\tcyclonedx\t1.5')" "before any import"

ok osv import "$NR_SOURCE_DIR/tests/data/osv"
# Four more advisories, as the GitHub Advisory Database publishes them (trimmed to what matters).
mkdir -p "$T/osv"
cat >"$T/osv/GHSA-xvch-5gv4-984h.json" <<'EOF'
{"schema_version": "1.4.0", "id": "GHSA-xvch-5gv4-984h", "modified": "2024-03-01T00:00:00Z",
 "published": "2022-03-18T00:01:09Z", "aliases": ["CVE-2021-44906"],
 "summary": "Prototype Pollution in minimist",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected": [{"package": {"ecosystem": "npm", "name": "minimist", "purl": "pkg:npm/minimist"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.2.4"}]},
              {"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.6"}]}]}],
 "database_specific": {"cwe_ids": ["CWE-1321"], "severity": "CRITICAL"}}
EOF
cat >"$T/osv/GHSA-hrpp-h998-j3pp.json" <<'EOF'
{"schema_version": "1.4.0", "id": "GHSA-hrpp-h998-j3pp", "modified": "2024-01-12T00:00:00Z",
 "published": "2022-11-26T21:30:29Z", "aliases": ["CVE-2022-24999"],
 "summary": "qs vulnerable to Prototype Pollution",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
 "affected": [{"package": {"ecosystem": "npm", "name": "qs", "purl": "pkg:npm/qs"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "6.7.0"}, {"fixed": "6.7.3"}]},
              {"type": "SEMVER", "events": [{"introduced": "6.8.0"}, {"fixed": "6.8.3"}]}]}],
 "database_specific": {"cwe_ids": ["CWE-1321"], "severity": "HIGH"}}
EOF
cat >"$T/osv/GHSA-2wrh-6pvc-2jm9.json" <<'EOF'
{"schema_version": "1.4.0", "id": "GHSA-2wrh-6pvc-2jm9", "modified": "2023-11-07T00:00:00Z",
 "published": "2023-08-02T20:26:49Z", "aliases": ["CVE-2023-3978"],
 "summary": "Improper rendering of text nodes in golang.org/x/net/html",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}],
 "affected": [{"package": {"ecosystem": "Go", "name": "golang.org/x/net"},
   "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.13.0"}]}]}],
 "database_specific": {"cwe_ids": ["CWE-79"], "severity": "MODERATE"}}
EOF
cat >"$T/osv/GHSA-p64x-8rxx-wf6q.json" <<'EOF'
{"schema_version": "1.4.0", "id": "GHSA-p64x-8rxx-wf6q", "modified": "2024-02-01T00:00:00Z",
 "published": "2022-07-05T00:00:25Z", "aliases": ["CVE-2022-34265"],
 "summary": "SQL Injection in Django",
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected": [{"package": {"ecosystem": "PyPI", "name": "django", "purl": "pkg:pypi/django"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "3.2"}, {"fixed": "3.2.14"}]},
              {"type": "ECOSYSTEM", "events": [{"introduced": "4.0"}, {"fixed": "4.0.6"}]}]}],
 "database_specific": {"cwe_ids": ["CWE-89"], "severity": "CRITICAL"}}
EOF
ok osv import "$T/osv" --json
expect_eq "$(jget .added)" 4 "extra advisories"

# ---- CycloneDX 1.4 from npm ----
unchanged ok analyze sbom "$NPM" --json
expect_eq "$(jget '.advisories')" 10 "advisories in the index (11 stored, one withdrawn)"
expect_eq "$(jget '.summary | [.components, .vulnerable_components, .vulnerabilities, .suppressed] | @tsv')" \
  "$(printf '7\t2\t2\t0')" "npm summary"
# minimist 1.2.5 is in [1.0.0, 1.2.6): 9.8 is critical; qs 6.7.0 in [6.7.0, 6.7.3): 7.5 is high;
# lodash 4.17.20 is past the fix 4.17.12; axios's advisory is withdrawn.
expect_eq "$(jget '[.findings[] | [.severity, .component.name, .component.version, .advisories[0], .fixed, .category, (.cvss_score | tostring)] | join(" ")] | join("; ")')" \
  "critical minimist 1.2.5 GHSA-xvch-5gv4-984h 1.2.6 supply_chain 9.8; high qs 6.7.0 GHSA-hrpp-h998-j3pp 6.7.3 supply_chain 7.5" \
  "npm findings, critical first"
expect_eq "$(jget '.findings[0].advisories | index("CVE-2021-44906") != null')" true "the CVE alias is named"
expect_eq "$(jget '.summary.by_severity | [.critical, .high, .medium, .low] | @tsv')" "$(printf '1\t1\t0\t0')" "npm by severity"
# internal-utils has no version, purl, hash nor supplier: unknown provenance, and matches nothing.
expect_eq "$(jget '[.provenance[] | select(.name == "internal-utils") | .missing | join(",")] | .[0]')" \
  "supplier,version,hash,identifier" "provenance of internal-utils"
expect_eq "$(jget '.summary | [.no_version, .no_identifier] | @tsv')" "$(printf '1\t1')" "npm counts of missing data"

# ---- CycloneDX 1.5: nested components, VEX ----
ok analyze sbom "$NESTED" --json
cp "$T/out" "$T/nested.json"
expect_eq "$(jget 'keys | join(",")')" "advisories,countries,findings,provenance,sbom,seconds,summary,suppliers" "report keys"
expect_eq "$(jget '.findings[0] | keys | join(",")')" \
  "advisories,category,component,cvss_score,cvss_vector,detail,fixed,severity,suppressed,title,vex" "finding keys"
expect_eq "$(jget '.findings[0].component | keys | join(",")')" "cpe,group,name,path,purl,ref,version" "component keys"
expect_eq "$(jget '.sbom | [.subject, .subject_version, .components] | @tsv')" "$(printf 'edge-gateway\t3.1.0\t11')" "nested subject"
# log4j-core 2.14.1, nested two levels down, is in [2.13.0, 2.15.0): critical, and remote code
# execution makes it a control finding. Its VEX statement says exploitable: not suppressed.
expect_eq "$(jget '.findings[] | select(.component.name == "log4j-core") | [.category, .severity, .fixed, .component.path, .suppressed, .vex.state] | @tsv')" \
  "$(printf 'control\tcritical\t2.15.0\tcomponents[0].components[0]\tfalse\texploitable')" "log4j-core"
# Django 3.2.0 (3.2 in PEP 440) is hit by PYSEC-2022-190 and GHSA-p64x-8rxx-wf6q, one
# vulnerability (CVE-2022-34265) under two ids: one finding naming both, at the higher severity.
expect_eq "$(jget '[.findings[] | select(.component.name == "Django")] | length')" 1 "Django counted once"
expect_eq "$(jget '.findings[] | select(.component.name == "Django") | [(.advisories | index("PYSEC-2022-190") != null), (.advisories | index("GHSA-p64x-8rxx-wf6q") != null), .severity, .fixed] | @tsv')" \
  "$(printf 'true\ttrue\tcritical\t3.2.14')" "Django's alias group"
# golang.org/x/net v0.7.0 is hit by GHSA-2wrh-6pvc-2jm9 (fixed 0.13.0) but the SBOM says
# not_affected, code_not_present: kept in the report, suppressed, with the statement. GO-2023-1571
# was fixed in 0.7.0 itself: no finding.
expect_eq "$(jget '.findings[] | select(.component.name == "golang.org/x/net") | [.advisories[0], .severity, .suppressed, .vex.state, .vex.justification] | @tsv')" \
  "$(printf 'GHSA-2wrh-6pvc-2jm9\tmedium\ttrue\tnot_affected\tcode_not_present')" "x/net suppressed by VEX"
expect_eq "$(jget '[.findings[] | select(.advisories | index("GO-2023-1571"))] | length')" 0 "GO-2023-1571 is fixed in v0.7.0"
expect_eq "$(jget '.summary | [.vulnerable_components, .vulnerabilities, .suppressed, .by_severity.critical] | @tsv')" \
  "$(printf '2\t2\t1\t2')" "nested summary: suppressed findings are not counted as vulnerable"
expect_eq "$(jget '[.findings[].severity] | join(",")')" "critical,critical,medium" "findings sorted by severity"
# Provenance: the vendor blob has nothing; suppliers with their shares.
expect_eq "$(jget '[.provenance[] | select(.name == "libvendor_dsp.so") | .missing | join(",")] | .[0]')" \
  "supplier,version,hash,identifier" "provenance of the vendor blob"
expect_eq "$(jget '.suppliers[] | select(.supplier == "Quillon Networks") | [.components, .share] | @tsv')" \
  "$(printf '2\t0.1818')" "Quillon's share"
expect_eq "$(jget '.suppliers[0].supplier')" "(none)" "components without a supplier counted first (6 of 11)"

# The text form for a person.
ok analyze sbom "$NESTED"
grep -qE '^critical +log4j-core +2\.14\.1 +GHSA-jfh8-c2jp-5v3q' "$T/out" || fail "text form lacks log4j-core: $(cat "$T/out")"
grep -q "1 suppressed by VEX" "$T/out" || fail "text form lacks the VEX count: $(cat "$T/out")"
grep -q "unknown provenance: 8 of 11 components" "$T/out" || fail "text form lacks provenance: $(cat "$T/out")"

# ---- CycloneDX 1.6: the same x/net without VEX is a medium finding ----
ok analyze sbom "$DEVICE" --json
expect_eq "$(jget '[.findings[] | [.component.name, .severity, .suppressed, (.cvss_score | tostring)] | join(" ")] | join("; ")')" \
  "golang.org/x/net medium false 6.1" "device findings"
expect_eq "$(jget '.countries[] | select(.country == "DE") | .components')" 1 "country from the manufacturer's address"

# ---- SPDX 2.3 from a Debian image ----
ok analyze sbom "$SPDX" --json
expect_eq "$(jget '.sbom | [.format, .spec_version] | @tsv')" "$(printf 'spdx\tSPDX-2.3')" "SPDX format"
# openssl 1.1.1n-0+deb11u3 sorts before the fix 1.1.1n-0+deb11u5 in dpkg's order; Debian's
# "unimportant" is low. The binary package libssl1.1 meets the advisory of its source package
# openssl through syft's upstream qualifier (vercmp.h).
expect_eq "$(jget '.findings[] | select(.advisories[0] == "DSA-5417-1") | [.component.name, .severity, .fixed] | @tsv')" \
  "$(printf 'libssl1.1\tlow\t1.1.1n-0+deb11u5\nopenssl\tlow\t1.1.1n-0+deb11u5')" "Debian openssl"
expect_eq "$(jget '[.findings[] | select(.component.name == "golang.org/x/net")] | length')" 1 "x/net in the SPDX image"
expect_eq "$(jget '.suppliers[0] | [.supplier, .components] | @tsv')" "$(printf 'Debian\t4')" "SPDX supplier without its Organization: prefix"

# Nothing was written by any analysis without a case.
expect_eq "$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM sboms") $(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM findings")" "0 0" "no SBOM or finding stored"

# ---- malformed SBOMs: exit 7, the file and the JSON path, nothing changed ----
jq '.components[1].version = 12' "$NPM" >"$T/bad-type.json"
unchanged refused 7 'bad-type\.json: components\[1\]\.version: ' analyze sbom "$T/bad-type.json"
jq '.components[0].components[1].purl = ["pkg:maven/x/y@1"]' "$NESTED" >"$T/bad-nested.json"
unchanged refused 7 'components\[0\]\.components\[1\]\.purl' analyze sbom "$T/bad-nested.json"
jq '.packages[2].externalRefs[0].referenceLocator = {}' "$SPDX" >"$T/bad-spdx.json"
unchanged refused 7 'packages\[2\]\.externalRefs\[0\]\.referenceLocator' analyze sbom "$T/bad-spdx.json"
head -c 2000 "$NESTED" >"$T/truncated.json"
unchanged refused 7 'truncated\.json: .*byte' analyze sbom "$T/truncated.json"
echo '{"bomFormat": "NotABom", "components": []}' >"$T/neither.json"
unchanged refused 7 'neither\.json' analyze sbom "$T/neither.json"
# With --json the error is JSON, its field the path.
unchanged refused 7 'malformed' analyze sbom "$T/bad-type.json" --json
expect_eq "$(jq -r '.error | [.code, .field] | @tsv' "$T/err")" "$(printf 'malformed\tcomponents[1].version')" "JSON error"
refused 6 'absent\.json' analyze sbom "$T/absent.json"
refused 2 'needs FILE' analyze sbom
refused 2 'give --case too' analyze sbom "$NPM" --task 1
refused 2 'is not something analyze reads' analyze firmware x.bin
echo "0510 ok"
