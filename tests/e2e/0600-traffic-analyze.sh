#!/usr/bin/env bash
# Online monitoring (R3, issue 6): `netreview analyze traffic` on captures that
# tests/tools/gen_pcap.py writes with known patterns. Each pattern gives its finding, with the
# right category and the packet number the generator recorded for it (its manifest); --json has
# the documented shape; pcap, pcapng, Linux cooked capture and raw IP give the same findings; a
# truncated file reports the packet where it ends with the results read before it (exit 7); a
# file that is not a capture, and a malformed declaration, are refused with a clear message and
# exit 7.
. "$(dirname "$0")/lib.sh"

GEN="python3 $NR_SOURCE_DIR/tests/tools/gen_pcap.py"
$GEN declaration --out "$T/declared.json"
$GEN scenario --out "$T/s.pcap" --manifest "$T/m.json"
$GEN scenario --out "$T/s.pcapng" --format pcapng
M="$T/m.json"
mget() { jq -r "$1" "$M"; }

# ---- the findings of every pattern, with their packets ----
ok analyze traffic "$T/s.pcap" --declared "$T/declared.json" --json
cp "$T/out" "$T/r.json"
n=$(mget '.findings | length')
for i in $(seq 0 $((n - 1))); do
  rule=$(mget ".findings[$i].rule")
  dest=$(mget ".findings[$i].destination")
  cat=$(mget ".findings[$i].category")
  pkt=$(mget ".findings[$i].packet")
  got=$(jq -c --arg r "$rule" --arg d "$dest" '[.findings[] | select(.rule == $r and .destination == $d)] | first' "$T/r.json")
  [ "$got" != null ] || fail "no $rule finding for $dest: $(jq -c '[.findings[] | [.rule, .destination]]' "$T/r.json")"
  expect_eq "$(jq -r .category <<<"$got")" "$cat" "category of $rule $dest"
  jq -e --argjson p "$pkt" '.packets | index($p) != null' <<<"$got" >/dev/null ||
    fail "$rule $dest cites packets $(jq -c .packets <<<"$got"), not packet $pkt where the pattern starts"
  jq -e '(.flows | length) > 0 and (.flows | length) == (.packets | length) and (.filter | length) > 0' <<<"$got" >/dev/null ||
    fail "$rule $dest: flows, packets and filter go together: $got"
done
sev=$(jq -r '.findings[] | select(.rule == "undeclared_data" and .destination == "collector.tracker.example.net") | .severity' "$T/r.json")
expect_eq "$sev" high "severity of the 2 MB upload"
# Credentials that nDPI recognises (FTP USER/PASS to the remote host, Telnet login to the device)
# and HTTP Basic that the engine decodes itself, each at the packet that carried them.
ftp=$(jq -r '.findings[] | select(.rule == "clear_text_credentials" and .destination == "198.51.100.40") | .packets[0]' "$T/r.json")
[ "$ftp" = "$(mget .tags.ftp_user)" ] || [ "$ftp" = "$(mget .tags.ftp_pass)" ] ||
  fail "FTP credentials cite packet '$ftp', not the USER or PASS packet"
telnet=$(jq -r '.findings[] | select(.rule == "clear_text_credentials" and .destination == "tcp/2323") | .packets[0]' "$T/r.json")
[ -n "$telnet" ] && [ "$telnet" -gt "$(mget .tags.inbound)" ] || fail "no Telnet credentials after packet $(mget .tags.inbound)"
# The declared traffic gives nothing: not the updates (over VLAN 100 and IPv6), not NTP with its
# fragments, not the declared resolver, not the declared administration port.
for d in fw.updates.example.com v6.updates.example.com 203.0.113.5 192.0.2.53; do
  expect_eq "$(jq -r --arg d "$d" '.destinations[] | select(.destination == $d) | .declared' "$T/r.json")" true "$d declared"
  expect_eq "$(jq --arg d "$d" '[.findings[] | select(.destination == $d)] | length' "$T/r.json")" 0 "findings for declared $d"
done
expect_eq "$(jq -r '.listening[] | select(.port == "tcp/8443") | .declared' "$T/r.json")" true "tcp/8443 declared"
# The refused probe of port 23 is no listening service.
expect_eq "$(jq '[.listening[] | select(.port == "tcp/23")] | length' "$T/r.json")" 0 "a refused probe"
# The name a destination goes by is the one asked for, through the CNAME.
jq -e '.destinations[] | select(.destination == "collector.tracker.example.net") | .addresses == ["198.51.100.50"]' "$T/r.json" >/dev/null ||
  fail "the upload is not tied to collector.tracker.example.net at 198.51.100.50"

# ---- the --json shape ----
jq -e '
  (.source == "s.pcap") and
  (.capture | (.format == "pcap") and (.link_type == "EN10MB") and
     ([.packets, .bytes, .ip, .ipv6, .non_ip, .truncated, .malformed, .fragments, .vlan_tagged,
       .dropped, .flows, .evicted, .active, .peak_flows] | all(type == "number")) and
     (.first_seen | test("^2026-03-02T09:")) and (.overflow | type == "object")) and
  (.conversations | [.ip, .tcp, .udp, .other] | all(type == "number")) and
  (.ip_conversations | length > 0) and
  (.device == ["192.168.1.10", "fd00::10"]) and (.device_source == "inferred") and
  (.declared == {product: "Acme Router", version: "2.1.0", endpoints: 4, listening: 1, resolvers: 1}) and
  (.destinations | all(has("destination") and has("direction") and has("declared") and
     has("addresses") and has("ports") and has("protocols") and has("bytes_out") and
     has("bytes_in") and has("packets_out") and has("first_packet") and has("flow_ids"))) and
  (.listening | length == 2) and
  (.protocols | all(has("protocol") and has("flows") and has("packets") and has("bytes"))) and
  (.findings | all(.category as $c | ["control", "user_data", "other"] | index($c) != null)) and
  (.findings | all(.severity as $s | ["info", "low", "medium", "high", "critical"] | index($s) != null)) and
  (.summary.findings == (.findings | length)) and
  (.error == null) and (.ndpi | test("^4\\.2")) and (.seconds | type == "number")' "$T/r.json" >/dev/null ||
  fail "the report's shape: $(jq -c 'del(.destinations, .findings, .protocols, .ip_conversations)' "$T/r.json")"
# Undeclared destinations first, then by bytes.
jq -e '[.destinations[] | .declared] | . == (sort_by(if . then 1 else 0 end))' "$T/r.json" >/dev/null ||
  fail "undeclared destinations are not first: $(jq -c '[.destinations[] | [.destination, .declared]]' "$T/r.json")"
# Counts the generator knows.
expect_eq "$(jq .capture.packets "$T/r.json")" "$(mget .packets)" "packets"
expect_eq "$(jq .capture.bytes "$T/r.json")" "$(mget .bytes)" "bytes"
expect_eq "$(jq .capture.non_ip "$T/r.json")" "$(mget .non_ip)" "not IP (ARP)"
expect_eq "$(jq .capture.fragments "$T/r.json")" 3 "IP fragments"
[ "$(jq .capture.vlan_tagged "$T/r.json")" -gt 0 ] || fail "no VLAN-tagged packet counted"
[ "$(jq .capture.ipv6 "$T/r.json")" -gt 0 ] || fail "no IPv6 packet counted"

# ---- the text a person reads: undeclared first, the findings with their tshark filters ----
ok analyze traffic "$T/s.pcap" --declared "$T/declared.json"
grep -q '^Undeclared destinations (7)' "$T/out" || fail "no undeclared section: $(head -20 "$T/out")"
[ "$(grep -n 'collector.tracker.example.net' "$T/out" | head -1 | cut -d: -f1)" -lt \
  "$(grep -n 'telemetry.example.com' "$T/out" | head -1 | cut -d: -f1)" ] || fail "undeclared destinations are not listed first"
grep -q "tshark -r s.pcap -Y 'frame.number in {$(mget .tags.http_basic)}'" "$T/out" || fail "the Basic credentials finding has no tshark check"
grep -q '^Findings (16)' "$T/out" || fail "findings count in the text: $(grep Findings "$T/out")"

# ---- pcap and pcapng: the same report ----
norm() { jq -S 'del(.source, .seconds, .capture.format)' "$1"; }
ok analyze traffic "$T/s.pcapng" --declared "$T/declared.json" --json
cp "$T/out" "$T/r-ng.json"
expect_eq "$(jq -r .capture.format "$T/r-ng.json")" pcapng "format of the pcapng"
diff <(norm "$T/r.json") <(norm "$T/r-ng.json") >"$T/diff" || fail "pcap and pcapng reports differ: $(head -40 "$T/diff")"

# ---- Linux cooked capture and raw IP: the same findings, at their own packet numbers ----
for link in sll raw; do
  $GEN scenario --out "$T/$link.pcap" --link "$link" --manifest "$T/$link.json"
  ok analyze traffic "$T/$link.pcap" --declared "$T/declared.json" --json
  diff <(jq -c '[.findings[] | [.rule, .destination, .category, .severity]]' "$T/r.json") \
    <(jq -c '[.findings[] | [.rule, .destination, .category, .severity]]' "$T/out") >/dev/null ||
    fail "$link: other findings than Ethernet"
  want=$(jq -r .tags.exfil "$T/$link.json")
  got=$(jq -r '.findings[] | select(.rule == "undeclared_data" and .destination == "collector.tracker.example.net") | .packets[0]' "$T/out")
  expect_eq "$got" "$want" "$link: packet of the upload"
  expect_eq "$(jq .capture.packets "$T/out")" "$(jq .packets "$T/$link.json")" "$link: packets"
done
expect_eq "$(jq -r .capture.link_type "$T/out")" RAW "link type of raw IP"

# ---- without a declaration: context, and only credentials and remote access ----
ok analyze traffic "$T/s.pcap" --json
jq -e '(.declared == null) and (.summary.undeclared == null) and
       ([.findings[].rule] | unique == ["clear_text_credentials", "remote_access"]) and
       ([.destinations[] | .declared] | all(. == null))' "$T/out" >/dev/null ||
  fail "without a declaration: $(jq -c '[.findings[].rule]' "$T/out")"
ok analyze traffic "$T/s.pcap"
grep -q '^declaration: none' "$T/out" || fail "the text does not say there is no declaration"

# ---- the device given by hand ----
ok analyze traffic "$T/s.pcap" --declared "$T/declared.json" --device 192.168.1.10,fd00::10 --json
expect_eq "$(jget .device_source)" given "device source"
refused 7 'not-an-address is not an IPv4 or IPv6 address' analyze traffic "$T/s.pcap" --device not-an-address

# ---- a truncated file: the packet where it ends, and what was read before ----
$GEN scenario --out "$T/cut.pcap" --manifest "$T/cut.json" --truncate
at=$(jq .truncated_at "$T/cut.json")
nr analyze traffic "$T/cut.pcap" --declared "$T/declared.json" --json
expect_eq "$rc" 7 "exit code of a truncated capture"
grep -q "packet $at: truncated dump file" "$T/err" || fail "the error does not name packet $at: $(cat "$T/err")"
expect_eq "$(jget .error.packet)" "$at" "error.packet"
expect_eq "$(jget .capture.packets)" "$(jq .complete_packets "$T/cut.json")" "packets read before the cut"
[ "$(jget '.destinations | length')" -gt 3 ] || fail "no partial results: $(jget .destinations)"
jq -e '.findings[] | select(.rule == "undeclared_data" and .destination == "collector.tracker.example.net")' "$T/out" >/dev/null ||
  fail "the partial report lost the upload read before the cut"
nr analyze traffic "$T/cut.pcap"
expect_eq "$rc" 7 "exit code of a truncated capture (text)"
grep -q "^error: the capture ends at packet $at" "$T/out" || fail "the text report does not end with the cut"

# ---- not a capture; a malformed declaration; a missing file ----
printf 'Subject: not a capture\n\nhello\n' >"$T/mail.txt"
refused 7 'mail.txt is not a capture netreview reads \(pcap or pcapng\)' analyze traffic "$T/mail.txt"
[ ! -s "$T/out" ] || fail "a non-capture printed a report: $(head -5 "$T/out")"
cp "$T/declared.json" "$T/bad.json"
jq '.endpoints[2].ports = [80, "x"]' "$T/declared.json" >"$T/bad.json"
refused 7 'bad.json: \$\.endpoints\[2\]\.ports\[1\] must be a port number' analyze traffic "$T/s.pcap" --declared "$T/bad.json"
jq '.endpoints[0] += {"user-data": true}' "$T/declared.json" >"$T/bad.json"
refused 7 'unknown member "user-data"' analyze traffic "$T/s.pcap" --declared "$T/bad.json"
nr analyze traffic "$T/s.pcap" --declared "$T/bad.json" --json
jq -e '.error.field == "$.endpoints[0]" and .error.code == "malformed"' "$T/err" >/dev/null || fail "JSON error: $(cat "$T/err")"
refused 6 'No such file' analyze traffic "$T/none.pcap"
refused 2 'needs a capture FILE' analyze traffic
refused 2 '--task goes with --case' analyze traffic "$T/s.pcap" --task 1
echo "0600: $(mget .packets) packets, $n findings checked, 4 formats"
