#!/usr/bin/env bash
# bench/gate.sh - the procurement gate (R9) against a real peer: wrk on loopback against
# `netreview serve` answering GET /api/v1/gate on the demo data (a rotating mix of products and
# versions, named by product name, CPE and package URL, some with an operator), and against nginx
# serving the exact JSON of one gate answer as a static file, with the same worker count. Several
# runs each, alternating, medians of the rates and of the p99 latencies; prints both rates, the
# ratio and the p99s, and writes them to bench/results/gate-<date>.txt.
#
# usage: bench/gate.sh [path/to/netreview]
# environment: WORKERS (default: the number of CPUs, both servers' own default), RUNS (5),
#              DURATION (10s), CONNECTIONS (64), THREADS (wrk threads, 2), RESULTS (directory)
# Target (issue 3): ratio >= 0.8 (then 1.0), netreview p99 < 2 ms.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
BIN=$(realpath "${1:-${NETREVIEW_BIN:-$root/build/netreview}}")
WORKERS=${WORKERS:-$(nproc)}
RUNS=${RUNS:-5}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
RESULTS=${RESULTS:-$here/results}

"$here/deps.sh"
[ -x "$BIN" ] || { echo "bench: $BIN is not built (make build)" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

T=$(mktemp -d /tmp/nr-bench-XXXXXX)
# The machine is shared (builds, tests): say how busy it was.
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
spid="" npid=""
cleanup() {
  # Only the two servers this script started, by their process ids.
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
  [ -n "$npid" ] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null || true
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() { # URL: until it answers 200, at most 20 s
  for _ in $(seq 200); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "bench: $1 does not answer" >&2
  return 1
}

# ---- the demo installation and the server ----
export NETREVIEW_HOME="$root" NETREVIEW_DB="$T/review.db" NETREVIEW_ARGON2_MEMORY_KIB=1024
unset NETREVIEW_DATA NETREVIEW_USER NETREVIEW_NOW
"$BIN" init --crypto intl --procedure cn-2017 >/dev/null
"$BIN" demo --password demo-password >/dev/null

nport=$(free_port)
"$BIN" serve --listen "127.0.0.1:$nport" --workers "$WORKERS" >"$T/serve.log" 2>&1 &
spid=$!
wait_http "http://127.0.0.1:$nport/healthz"

# ---- the mix: every product version by name, CPE and package URL; some for an operator ----
python3 - "$T/review.db" "http://127.0.0.1:$nport" "$T" <<'EOF'
import json, sqlite3, sys, urllib.parse, urllib.request
db, base, out = sys.argv[1], sys.argv[2], sys.argv[3]
con = sqlite3.connect(db)
q = urllib.parse.quote
paths = []
rows = con.execute("SELECT p.name, v.version, v.cpe, v.purl FROM products p "
                   "JOIN product_versions v ON v.product_id = p.id ORDER BY v.id").fetchall()
for i, (name, version, cpe, purl) in enumerate(rows):
    paths.append("/api/v1/gate?product=%s&version=%s" % (q(name, safe=""), q(version, safe="")))
    if cpe:
        paths.append("/api/v1/gate?cpe=%s" % q(cpe, safe=""))
    if purl:
        paths.append("/api/v1/gate?purl=%s" % q(purl, safe=""))
    if i % 4 == 0:
        paths.append("/api/v1/gate?product=%s&version=%s&operator=%s" % (
            q(name, safe=""), q(version, safe=""), q("Lakeside Commercial Bank", safe="")))
paths.append("/api/v1/gate?product=%s&version=1.0" % q("Not A Registered Product", safe=""))
bodies, statuses = [], {}
for p in paths:
    with urllib.request.urlopen(base + p) as r:
        if r.status != 200:
            sys.exit("bench: %s answered %d" % (p, r.status))
        body = r.read()
        bodies.append(body)
        s = json.loads(body)["status"]
        statuses[s] = statuses.get(s, 0) + 1
# nginx serves one real answer: the one of median length, so both send the same bytes.
static = sorted(bodies, key=len)[len(bodies) // 2]
open(out + "/gate.json", "wb").write(static)
with open(out + "/mix.lua", "w") as f:
    f.write("local paths = {\n")
    for p in paths:
        f.write("  %s,\n" % json.dumps(p))
    f.write("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
            "  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n")
with open(out + "/mix.txt", "w") as f:
    f.write("%d paths, answers: %s; nginx file %d bytes (answers %d..%d bytes)\n" % (
        len(paths), ", ".join("%s %d" % kv for kv in sorted(statuses.items())), len(static),
        min(map(len, bodies)), max(map(len, bodies))))
EOF

# ---- nginx, same worker count, the same JSON as a static file ----
gport=$(free_port)
mkdir -p "$T/www" "$T/nginx-tmp"
mv "$T/gate.json" "$T/www/gate.json"
# nginx's workers run as another user when started by root: they must reach the file (and
# only that: the data directory keeps its own modes).
chmod 711 "$T"
chmod 755 "$T/www"
chmod 644 "$T/www/gate.json"
cat >"$T/nginx.conf" <<EOF
worker_processes $WORKERS;
daemon off;
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  types { application/json json; }
  default_type application/json;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $T/nginx-tmp/body;
  proxy_temp_path $T/nginx-tmp/proxy;
  fastcgi_temp_path $T/nginx-tmp/fastcgi;
  uwsgi_temp_path $T/nginx-tmp/uwsgi;
  scgi_temp_path $T/nginx-tmp/scgi;
  server {
    listen 127.0.0.1:$gport;
    root $T/www;
    location / { }
  }
}
EOF
"$NGINX" -e "$T/nginx-error.log" -p "$T" -c "$T/nginx.conf" &
npid=$!
wait_http "http://127.0.0.1:$gport/gate.json"
printf 'local p = "/gate.json"\nrequest = function()\n  return wrk.format("GET", p)\nend\n' \
  >"$T/static.lua"

# ---- the runs ----
bench() { # NAME URL SCRIPT RUN
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$3" "$2" >"$T/$1-$4.txt"
}
echo "gate benchmark: $WORKERS worker(s), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $RUNS runs each"
echo "mix: $(cat "$T/mix.txt")"
# Warm both up (page cache, connections, the gate index) before measuring.
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$T/static.lua" "http://127.0.0.1:$gport" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$T/mix.lua" "http://127.0.0.1:$nport" >/dev/null
for run in $(seq "$RUNS"); do
  bench nginx "http://127.0.0.1:$gport" "$T/static.lua" "$run"
  bench netreview "http://127.0.0.1:$nport" "$T/mix.lua" "$run"
  printf '  run %d done\n' "$run"
done

mkdir -p "$RESULTS"
out="$RESULTS/gate-$(date -u +%Y-%m-%d).txt"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit with local changes"
python3 - "$T" "$RUNS" "$out" "$WORKERS" "$THREADS" "$CONNECTIONS" "$DURATION" \
  "$load_at_start" "$(cut -d' ' -f1-3 /proc/loadavg)" "$commit" <<'EOF'
import os, re, statistics, subprocess, sys
T, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
workers, threads, conns, duration, load0, load1, commit = sys.argv[4:11]

def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

def parse(path):
    text = open(path).read()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    p99 = ms(m.group(1), m.group(2))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errs = re.search(r"Socket errors: (.*)", text)
    return rate, p99, int(bad.group(1)) if bad else 0, errs.group(1) if errs else ""

res = {n: [parse("%s/%s-%d.txt" % (T, n, r)) for r in range(1, runs + 1)]
       for n in ("nginx", "netreview")}
med = {n: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v))
       for n, v in res.items()}
ratio = med["netreview"][0] / med["nginx"][0]

def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "?"

def version(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
        return (r.stdout + r.stderr).strip().splitlines()[0]
    except Exception:
        return "?"

lines = [
    "gate benchmark (bench/gate.sh), %s" % subprocess.run(
        ["date", "-u", "+%Y-%m-%dT%H:%M:%SZ"], capture_output=True, text=True).stdout.strip(),
    "machine: %d CPUs, %s; %s; %s" % (os.cpu_count(), cpu(), version(["nginx", "-v"]),
                                      version(["wrk", "-v"])),
    "netreview %s; load average at start %s, at end %s" % (commit, load0, load1),
    "load: wrk -t%s -c%s -d%s --latency on loopback, %d runs each (alternating), medians; "
    "%s worker(s) each" % (threads, conns, duration, runs, workers),
    "mix: " + open(T + "/mix.txt").read().strip(),
    "",
    "%-42s %12s %10s" % ("", "requests/s", "p99"),
    "%-42s %12.0f %7.2f ms" % ("nginx, the same JSON as a static file", *med["nginx"]),
    "%-42s %12.0f %7.2f ms" % ("netreview GET /api/v1/gate (the mix)", *med["netreview"]),
    "ratio netreview/nginx: %.2f (target >= 0.8, then 1.0); netreview p99 %.2f ms (target < 2 ms)"
    % (ratio, med["netreview"][1]),
    "",
    "runs (requests/s, p99 ms, non-2xx, socket errors):",
]
for n, v in res.items():
    for i, (rate, p99, bad, errs) in enumerate(v, 1):
        lines.append(("  %-9s %d: %10.0f %7.2f %d %s" % (n, i, rate, p99, bad, errs)).rstrip())
text = "\n".join(lines) + "\n"
sys.stdout.write("\n" + text)
open(out, "w").write(text)
print("written to %s" % os.path.relpath(out))
bad = sum(x[2] for v in res.values() for x in v)
if bad:
    sys.exit("bench: %d responses were not 2xx" % bad)
EOF
