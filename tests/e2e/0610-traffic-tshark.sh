#!/usr/bin/env bash
# The engine's counts agree with tshark's on the same files (issue 6: findings a person can check
# against tshark). For the scenario in pcap, pcapng and Linux cooked capture, and for a slice of
# the benchmark capture: frames and bytes against `tshark -q -z io,stat,0`; the IPv4 and IPv6
# conversations (address pairs), their frames and bytes against `-z conv,ip` / `-z conv,ipv6`
# (exact bytes from `-T fields -e frame.len` too, since the conv tables round them to kB); the
# TCP conversations against `-z conv,tcp`, in number and, per destination and listening port of
# the report, in connections and frames.
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null || fail "tshark is needed (Debian package tshark)"
GEN="python3 $NR_SOURCE_DIR/tests/tools/gen_pcap.py"
$GEN scenario --out "$T/eth.pcap"
$GEN scenario --out "$T/eth.pcapng" --format pcapng
$GEN scenario --out "$T/sll.pcap" --link sll
$GEN bench --out "$T/bench.pcap" --packets 30000 --many-clients

# tshark TABLE FILE: the lines of a -z conv table (between its header and its closing rule).
conv() {
  tshark -r "$2" -q -z "conv,$1" 2>/dev/null |
    awk '/^=+$/ { if (body) exit } /<->/ { body = 1; print }'
}

check() {
  local f=$1 name
  name=$(basename "$f")
  ok analyze traffic "$f" --json
  cp "$T/out" "$T/r.json"

  # Frames and bytes of the whole file, IP or not.
  read -r total bytes < <(tshark -r "$f" -q -z io,stat,0 2>/dev/null |
    awk -F'|' '/<>/ { gsub(/ /, "", $3); gsub(/ /, "", $4); print $3, $4 }')
  expect_eq "$(jq .capture.packets "$T/r.json")" "$total" "$name: frames (io,stat)"
  expect_eq "$(jq .capture.bytes "$T/r.json")" "$bytes" "$name: bytes (io,stat)"

  # Address pairs: count, frames, and bytes (rounded in the table, exact from the fields).
  for v in ip ipv6; do
    conv "$v" "$f" >"$T/conv-$v"
    if [ "$v" = ip ]; then sel='select(.a | contains("."))'; else sel='select(.a | contains(":"))'; fi
    expect_eq "$(jq "[.ip_conversations[] | $sel] | length" "$T/r.json")" "$(wc -l <"$T/conv-$v" | tr -d ' ')" "$name: conv,$v conversations"
    jq -r ".ip_conversations[] | $sel | \"\\(.a) \\(.b) \\(.packets) \\(.bytes)\"" "$T/r.json" >"$T/ours-$v"
    # Each of tshark's rows: the same frames, and bytes that print as tshark printed them.
    awk 'function key(a, b) { return a < b ? a " " b : b " " a }
         FNR == NR { p[key($1, $2)] = $3; by[key($1, $2)] = $4; next }
         { k = key($1, $3); m = $12 == "bytes" ? 1 : $12 == "kB" ? 1000 : $12 == "MB" ? 1000000 : $12 == "GB" ? 1000000000 : 0
           if (!(k in p)) { print "missing " k; next }
           if (p[k] != $10) print k ": frames " p[k] " vs tshark " $10
           if (m == 1) bad = by[k] != $11; else bad = m == 0 || by[k] < $11 * m || by[k] >= ($11 + 1) * m
           if (bad) print k ": bytes " by[k] " vs tshark " $11 " " $12 }' \
      "$T/ours-$v" "$T/conv-$v" >"$T/bad-$v"
    [ ! -s "$T/bad-$v" ] || fail "$name: conv,$v differs: $(head -5 "$T/bad-$v")"
  done
  tshark -r "$f" -T fields -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e frame.len -Y 'ip or ipv6' 2>/dev/null |
    awk -F'\t' '{ a = $1 != "" ? $1 : $3; b = $1 != "" ? $2 : $4; sub(/,.*/, "", a); sub(/,.*/, "", b)
                  k = a < b ? a " " b : b " " a; n[k] += $5 } END { for (k in n) print k, n[k] }' | sort >"$T/exact"
  jq -r '.ip_conversations[] | "\(.a) \(.b) \(.bytes)"' "$T/r.json" |
    awk '{ k = $1 < $2 ? $1 " " $2 : $2 " " $1; print k, $3 }' | sort >"$T/ours"
  diff "$T/exact" "$T/ours" >"$T/diff" || fail "$name: bytes per address pair differ from tshark's frame lengths: $(head "$T/diff")"

  # TCP conversations: as many as the report's TCP flows ...
  conv tcp "$f" >"$T/conv-tcp"
  expect_eq "$(jq .conversations.tcp "$T/r.json")" "$(wc -l <"$T/conv-tcp" | tr -d ' ')" "$name: conv,tcp conversations"
  # ... and per destination with one address and one TCP port, and per listening port, the same
  # connections and frames.
  awk '{ print $1, $3, $10 }' "$T/conv-tcp" >"$T/tcp-ends"
  jq -r '.destinations[] | select((.addresses | length) == 1 and (.ports | length) == 1 and (.ports[0] | startswith("tcp/")))
         | "\(.addresses[0]) \(.ports[0] | ltrimstr("tcp/")) \(.flows) \(.packets_out + .packets_in)"' "$T/r.json" >"$T/dests"
  jq -r '.listening[] | select(.port | startswith("tcp/")) | .port as $p | .connections as $c
         | "\($p | ltrimstr("tcp/")) \($c)"' "$T/r.json" >"$T/listen"
  awk 'FNR == NR { n[$1] = n[$1] + 1; fr[$1] += $3; n[$2] = n[$2] + 1; fr[$2] += $3; next }
       { e = $1 ":" $2; if ((n[e] + 0) != $3 || (fr[e] + 0) != $4) print e ": report " $3 " connections " $4 " frames, tshark " n[e] + 0 " and " fr[e] + 0 }' \
    "$T/tcp-ends" "$T/dests" >"$T/bad-tcp"
  [ ! -s "$T/bad-tcp" ] || fail "$name: TCP conversations differ: $(head -5 "$T/bad-tcp")"
  checked=$(wc -l <"$T/dests" | tr -d ' ')
  [ "$checked" -gt 0 ] || fail "$name: no TCP destination was compared"
  while read -r port conns; do
    dev=$(jq -r '.device[0]' "$T/r.json")
    n=$(awk -v e="$dev:$port" '$2 == e { n++ } END { print n + 0 }' "$T/tcp-ends")
    expect_eq "$n" "$conns" "$name: connections to the device's port $port"
  done <"$T/listen"
  echo "$name: $total frames and $(wc -l <"$T/conv-ip" | tr -d ' ') IPv4 / $(wc -l <"$T/conv-ipv6" | tr -d ' ') IPv6 / $(wc -l <"$T/conv-tcp" | tr -d ' ') TCP conversations agree with tshark; $checked destinations compared"
}

for f in eth.pcap eth.pcapng sll.pcap bench.pcap; do check "$T/$f"; done
