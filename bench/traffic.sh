#!/usr/bin/env bash
# bench/traffic.sh - the online-monitoring engine (issue 6) against real peers on the same
# capture: tests/tools/gen_pcap.py writes 1,000,000 packets (about 1 GB: DNS lookups followed by
# TLS downloads over 200 concurrent flows), then, in one run, alternating, RUNS times each:
#   tcpdump -r FILE -w /dev/null                     the floor: reading the file through libpcap
#   ndpiReader -i FILE                               nDPI's own reader (libndpi-bin)
#   tshark -r FILE -q -z conv,ip                     Wireshark's conversations
#   netreview analyze traffic FILE --json            flows, nDPI, DNS/TLS/HTTP, the report
# Prints each run, the medians of elapsed and CPU (user + system) seconds, peak memory
# (/usr/bin/time -v's maximum resident set size) and the ratios; writes the same to
# bench/results/traffic-<date>.txt.
#
# usage: bench/traffic.sh [path/to/netreview]
# environment: PACKETS (1000000), RUNS (3), CAPTURE (an existing file to use instead of
#              generating one), RESULTS (directory)
# Targets (issue 6): netreview <= 2x tcpdump, >= 5x faster than ndpiReader, >= 10x faster than
# tshark, < 100 MB of memory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
BIN=$(realpath "${1:-${NETREVIEW_BIN:-$root/build/netreview}}")
PACKETS=${PACKETS:-1000000}
RUNS=${RUNS:-3}
RESULTS=${RESULTS:-$here/results}
[ -x "$BIN" ] || { echo "bench: $BIN is not built (make build)" >&2; exit 1; }

# The peers, when missing (Debian packages; idempotent).
need=()
command -v tcpdump >/dev/null || need+=(tcpdump)
command -v ndpiReader >/dev/null || need+=(libndpi-bin)
command -v tshark >/dev/null || need+=(tshark)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

T=$(mktemp -d /tmp/nr-bench-traffic-XXXXXX)
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$T"' EXIT
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

FILE=${CAPTURE:-}
if [ -z "$FILE" ]; then
  FILE="$T/bench.pcap"
  echo "bench: writing $PACKETS packets to $FILE"
  python3 "$root/tests/tools/gen_pcap.py" bench --out "$FILE" --packets "$PACKETS"
fi
size=$(stat -c %s "$FILE")
# Every tool reads the file from the page cache, not the disk.
cat "$FILE" >/dev/null

# The engine reads all of it (tests/e2e/0610 checks its counts against tshark's).
"$BIN" analyze traffic "$FILE" --json >"$T/report.json"
got=$(jq .capture.packets "$T/report.json")
echo "bench: netreview read $got packets, $(jq .capture.flows "$T/report.json") flows"
[ -n "${CAPTURE:-}" ] || [ "$got" = "$PACKETS" ] || { echo "bench: netreview read $got of $PACKETS packets" >&2; exit 1; }

declare -A ELAPSED CPU MEM
TOOLS=(tcpdump ndpiReader tshark netreview)
run() { # TOOL: one timed run; appends "elapsed cpu maxrss_kb" to $T/TOOL
  local tool=$1 cmd
  case $tool in
  tcpdump) cmd=(tcpdump -r "$FILE" -w /dev/null) ;;
  ndpiReader) cmd=(ndpiReader -i "$FILE") ;;
  tshark) cmd=(tshark -r "$FILE" -q -z conv,ip) ;;
  netreview) cmd=("$BIN" analyze traffic "$FILE" --json) ;;
  esac
  /usr/bin/time -f '%e %U %S %M' -o "$T/time" "${cmd[@]}" >/dev/null 2>"$T/stderr" || {
    echo "bench: $tool failed: $(tail -3 "$T/stderr")" >&2
    exit 1
  }
  awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }' "$T/time" >>"$T/$tool"
  printf '  %-10s run: %s s elapsed, %s s CPU, %s MB\n' "$tool" $(tail -1 "$T/$tool" | awk '{ printf "%s %s %.1f", $1, $2, $3 / 1024 }')
}
for i in $(seq 1 "$RUNS"); do
  echo "bench: round $i of $RUNS"
  for tool in "${TOOLS[@]}"; do run "$tool"; done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for tool in "${TOOLS[@]}"; do
  ELAPSED[$tool]=$(awk '{ print $1 }' "$T/$tool" | median)
  CPU[$tool]=$(awk '{ print $2 }' "$T/$tool" | median)
  MEM[$tool]=$(awk '{ print $3 }' "$T/$tool" | sort -n | tail -1)
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mark() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=" ? v <= t : v >= t); print ok ? "meets" : "MISSES" }'; }

date=$(date -u +%Y-%m-%d)
mkdir -p "$RESULTS"
out="$RESULTS/traffic-$date.txt"
{
  echo "netreview traffic benchmark, $date ($(nproc) CPUs, load average at start $load_at_start)"
  echo "capture: $PACKETS packets, $size bytes ($(jq .capture.flows "$T/report.json") flows); medians of $RUNS runs"
  echo "versions: $(tcpdump --version 2>&1 | head -1); ndpiReader $(ndpiReader -h 2>&1 | sed -n 's/.*nDPI v\?\([0-9.]*\).*/\1/p' | head -1); $(tshark -v 2>/dev/null | head -1); netreview (nDPI $(jq -r .ndpi "$T/report.json"))"
  echo
  printf '%-11s %10s %10s %10s\n' tool elapsed_s cpu_s peak_MB
  for tool in "${TOOLS[@]}"; do
    printf '%-11s %10s %10s %10.1f\n' "$tool" "${ELAPSED[$tool]}" "${CPU[$tool]}" "$(awk -v k="${MEM[$tool]}" 'BEGIN { print k / 1024 }')"
  done
  echo
  e_tcp=$(ratio "${ELAPSED[netreview]}" "${ELAPSED[tcpdump]}")
  c_tcp=$(ratio "${CPU[netreview]}" "${CPU[tcpdump]}")
  e_ndpi=$(ratio "${ELAPSED[ndpiReader]}" "${ELAPSED[netreview]}")
  c_ndpi=$(ratio "${CPU[ndpiReader]}" "${CPU[netreview]}")
  e_tsh=$(ratio "${ELAPSED[tshark]}" "${ELAPSED[netreview]}")
  c_tsh=$(ratio "${CPU[tshark]}" "${CPU[netreview]}")
  mem=$(awk -v k="${MEM[netreview]}" 'BEGIN { printf "%.1f", k / 1024 }')
  echo "netreview / tcpdump:     ${e_tcp}x elapsed, ${c_tcp}x CPU   (target <= 2: $(mark "$e_tcp" "<=" 2) elapsed, $(mark "$c_tcp" "<=" 2) CPU)"
  echo "ndpiReader / netreview:  ${e_ndpi}x elapsed, ${c_ndpi}x CPU   (target >= 5: $(mark "$e_ndpi" ">=" 5) elapsed, $(mark "$c_ndpi" ">=" 5) CPU)"
  echo "tshark / netreview:      ${e_tsh}x elapsed, ${c_tsh}x CPU   (target >= 10: $(mark "$e_tsh" ">=" 10) elapsed, $(mark "$c_tsh" ">=" 10) CPU)"
  echo "netreview peak memory:   $mem MB (target < 100: $(mark "$mem" "<=" 100))"
  echo
  echo "runs (elapsed s, CPU s, peak KB):"
  for tool in "${TOOLS[@]}"; do echo "  $tool: $(tr '\n' ';' <"$T/$tool")"; done
} | tee "$out"
echo "bench: written to $out"
