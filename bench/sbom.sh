#!/usr/bin/env bash
# bench/sbom.sh - the supply-chain engine (issue 5) on a national portfolio, against the floor of
# jansson parsing the same files. In one run:
#   1. bench/gen_sbom.py makes the data (or reuses DATA): 1,000 CycloneDX SBOMs with 1,000,000
#      components over npm, PyPI, Maven, Debian and Go packages, a zip of 200,000 OSV advisories
#      over the same packages, one 10,000-component SBOM, one ~50 MB SBOM, and truth.json (what a
#      correct matcher finds);
#   2. a new installation gets the portfolio as passed, published products with their SBOMs
#      attached (`netreview demo portfolio`, through the real procedure; setup, not measured);
#   3. measures, each RUNS times (median quoted), with /usr/bin/time -v for wall time and peak
#      memory:
#      - the OSV import of the zip (`netreview osv import`), each run on a copy of the
#        installation as the portfolio left it;
#      - the single-SBOM analysis of the 10,000-component SBOM (`netreview analyze sbom --json`:
#        a whole process, which builds the advisory index from the store first), and the same
#        through a running server (POST /api/v1/analyze/sbom, the index already built);
#      - the whole-portfolio re-match (`netreview watch`): the first watch after the import
#        (every match new, every case flagged), each run on a copy of the imported
#        installation, then the steady state (a watch with nothing new);
#      - the peak memory of reading the ~50 MB SBOM (`netreview analyze sbom`);
#      - jansson alone (bench/jparse.c: json_load_file of each file) on the same files: the
#        10,000-component SBOM, the 1,000 portfolio SBOMs, the 50 MB SBOM; and the ratios.
#   4. checks the engine's answers against truth.json, prints everything and writes it to
#      bench/results/sbom-<date>.txt.
#
# usage: bench/sbom.sh [path/to/netreview]
# environment: RUNS (3), DATA (a directory made by an earlier run, reused: generation takes a
#              few minutes), KEEP=1 (keep the temporary directory), RESULTS (directory),
#              SBOMS, COMPONENTS, ADVISORIES (passed to gen_sbom.py; defaults as above)
# Targets (issue 5): the 10,000-component SBOM under 0.5 s, the portfolio re-matched under 10 s,
# at most 3x the parse floor.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
BIN=$(realpath "${1:-${NETREVIEW_BIN:-$root/build/netreview}}")
RUNS=${RUNS:-3}
RESULTS=${RESULTS:-$here/results}
SBOMS=${SBOMS:-1000}
COMPONENTS=${COMPONENTS:-1000000}
ADVISORIES=${ADVISORIES:-200000}
PASSWORD=bench-password

[ -x "$BIN" ] || { echo "bench: $BIN is not built (make build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
for tool in cc pkg-config python3 curl jq; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done

T=$(mktemp -d /tmp/nr-bench-sbom-XXXXXX)
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
spid=""
cleanup() {
  # Only the server this script started, by its process id.
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
log() { printf 'bench: %s\n' "$*" >&2; }

# ---- the floor: jansson alone ----
cc -O2 -o "$T/jparse" "$here/jparse.c" $(pkg-config --cflags --libs jansson)

# ---- the data ----
DATA=${DATA:-$T/data}
if [ ! -f "$DATA/truth.json" ]; then
  log "generating the data into $DATA (a few minutes)"
  python3 "$here/gen_sbom.py" "$DATA" --sboms "$SBOMS" --components "$COMPONENTS" \
    --advisories "$ADVISORIES"
fi
ls "$DATA"/portfolio/*.json >"$T/portfolio.list"

# ---- the installation ----
export NETREVIEW_HOME="$root" NETREVIEW_ARGON2_MEMORY_KIB=1024
export NETREVIEW_DATA="$T/data-dir"
unset NETREVIEW_USER NETREVIEW_NOW
DB0="$T/empty.db"
NETREVIEW_DB=$DB0 "$BIN" init --crypto intl --procedure cn-2017 >/dev/null

# timed NAME CMD...: runs CMD under /usr/bin/time -v, stdout to $T/NAME.out; appends
# "wall_seconds max_rss_kib" to $T/NAME.times.
timed() {
  local name=$1
  shift
  /usr/bin/time -v -o "$T/$name.time" "$@" >"$T/$name.out" 2>"$T/$name.err" ||
    { cat "$T/$name.err" >&2; echo "bench: $name failed" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
                for (i = 1; i <= n; i++) s = s * 60 + t[i]; w = s }
              /Maximum resident set size/ { m = $2 }
              END { printf "%.3f %d\n", w, m }' "$T/$name.time" >>"$T/$name.times"
}

# ---- 1. the OSV import of the history, each run into a copy of the new installation ----
for run in $(seq "$RUNS"); do
  cp "$DB0" "$T/import.db"
  log "import run $run"
  NETREVIEW_DB="$T/import.db" timed import "$BIN" osv import "$DATA/osv.zip" --json
done
DB="$T/review.db"
mv "$T/import.db" "$DB"

# ---- the portfolio: passed products, reviewed against that history ----
log "loading the portfolio: $(wc -l <"$T/portfolio.list") SBOMs through the procedure"
portfolio_start=$(date +%s)
NETREVIEW_DB=$DB "$BIN" demo portfolio --sboms "$DATA/portfolio" --password "$PASSWORD" \
  --json >"$T/portfolio.json"
portfolio_s=$(($(date +%s) - portfolio_start))
sqlite3 "$DB" "SELECT COUNT(*) FROM sbom_matches" >"$T/attach-matches.txt"

# ---- 2. one SBOM of 10,000 components ----
for run in $(seq "$RUNS"); do
  NETREVIEW_DB=$DB timed analyze "$BIN" analyze sbom "$DATA/big.cdx.json" --json
  timed jparse_big "$T/jparse" "$DATA/big.cdx.json"
done
cp "$T/analyze.out" "$T/big-report.json"

# The same through the server, whose index is built once for every request.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NETREVIEW_DB=$DB "$BIN" serve --listen "127.0.0.1:$port" --workers 1 --watch-interval 0 \
  >"$T/serve.log" 2>&1 &
spid=$!
for _ in $(seq 200); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
curl -fs -c "$T/jar" -o "$T/session.json" -H 'Content-Type: application/json' \
  -d "{\"login\":\"portfolio-office\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$port/api/v1/session"
csrf=$(jq -r .csrf "$T/session.json")
api_analyze() {
  curl -fs -b "$T/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/octet-stream' \
    --data-binary @"$DATA/big.cdx.json" -o "$T/api-report.json" -w '%{time_total}\n' \
    "http://127.0.0.1:$port/api/v1/analyze/sbom"
}
api_analyze >/dev/null # builds the index
for run in $(seq "$RUNS"); do api_analyze >>"$T/api.times"; done
kill "$spid" && wait "$spid" 2>/dev/null || true
spid=""

# ---- 3. a new batch of advisories, and the whole portfolio re-matched ----
NETREVIEW_DB=$DB timed import_new "$BIN" osv import "$DATA/osv-new.zip" --json
for run in $(seq "$RUNS"); do
  cp "$DB" "$T/watch.db"
  log "first watch run $run"
  NETREVIEW_DB="$T/watch.db" timed watch_first "$BIN" watch --json
done
cp "$T/watch_first.out" "$T/watch-first.json"
for run in $(seq "$RUNS"); do
  NETREVIEW_DB="$T/watch.db" timed watch_again "$BIN" watch --json
done
cp "$T/watch_again.out" "$T/watch-again.json"
for run in $(seq "$RUNS"); do timed jparse_portfolio "$T/jparse" -l "$T/portfolio.list"; done

# ---- 4. the ~50 MB SBOM: on the installation without advisories, so that the peak is the
# reader's and the report's, not the advisory index's; once more with them for its answers ----
for run in $(seq "$RUNS"); do
  NETREVIEW_DB=$DB0 timed huge "$BIN" analyze sbom "$DATA/huge.cdx.json" --json
  timed jparse_huge "$T/jparse" "$DATA/huge.cdx.json"
done
NETREVIEW_DB=$T/watch.db timed huge_matched "$BIN" analyze sbom "$DATA/huge.cdx.json" --json
cp "$T/huge_matched.out" "$T/huge-report.json"

# ---- the figures ----
mkdir -p "$RESULTS"
out="$RESULTS/sbom-$(date -u +%Y-%m-%d).txt"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit with local changes"
python3 - "$T" "$DATA" "$out" "$RUNS" "$portfolio_s" "$load_at_start" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$commit" <<'EOF'
import json, os, statistics, sys
T, DATA, out, runs, portfolio_s, load0, load1, commit = sys.argv[1:9]
med = statistics.median

def times(name):
    rows = [l.split() for l in open(os.path.join(T, name + ".times"))]
    return [float(r[0]) for r in rows], [int(r[1]) for r in rows]

def inproc(name):
    # jparse's own line: "files N bytes B seconds S" (the last run's)
    return float(open(os.path.join(T, name + ".out")).read().split()[5])

def jl(name):
    return json.load(open(os.path.join(T, name)))

truth = json.load(open(os.path.join(DATA, "truth.json")))
portfolio = jl("portfolio.json")
imp_w, imp_m = times("import")
new_w, new_m = times("import_new")
imp, imp_new = jl("import.out"), jl("import_new.out")
an_w, an_m = times("analyze")
jb_w, jb_m = times("jparse_big")
api = [float(x) for x in open(os.path.join(T, "api.times")).read().split()]
big = jl("big-report.json")
wf_w, wf_m = times("watch_first")
wa_w, wa_m = times("watch_again")
jp_w, jp_m = times("jparse_portfolio")
first, again = jl("watch-first.json"), jl("watch-again.json")
hu_w, hu_m = times("huge")
hm_w, hm_m = times("huge_matched")
jh_w, jh_m = times("jparse_huge")
huge = jl("huge-report.json")
attach_matches = int(open(os.path.join(T, "attach-matches.txt")).read())
mb = lambda kib: kib / 1024.0
size = lambda p: os.path.getsize(os.path.join(DATA, p)) / 1e6
portfolio_mb = sum(os.path.getsize(l.strip()) for l in open(os.path.join(T, "portfolio.list"))) / 1e6
huge_mib = size("huge.cdx.json") / 1.048576


def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "?"


s, bt, ft = big["summary"], truth["big"], truth["portfolio"]
fs, gs = first["stats"], again["stats"]
lines = [
    "supply-chain benchmark (bench/sbom.sh), %s, commit %s" % (
        os.popen("date -u +%Y-%m-%dT%H:%MZ").read().strip(), commit),
    "machine: %d CPUs, %s; load average %s at start, %s at the end" % (
        os.cpu_count(), cpu(), load0, load1),
    "medians of %s runs; wall time and peak resident memory from /usr/bin/time -v" % runs,
    "",
    "data: %d SBOMs, %d components (%.0f MB of CycloneDX JSON); %d OSV advisories (%.0f MB zip)"
    % (truth["sboms"], ft["components"], portfolio_mb, imp.get("files", 0), size("osv.zip")),
    "      and a later batch of %d; big.cdx.json %d components (%.1f MB); huge.cdx.json %d"
    % (imp_new.get("files", 0), bt["components"], size("big.cdx.json"), truth["huge"]["components"]),
    "      components (%.1f MB)" % size("huge.cdx.json"),
    "setup: `demo portfolio` passed %d products through the procedure in %d s (not a target)"
    % (portfolio.get("products", 0), int(portfolio_s)),
    "",
    "OSV import of %d advisories:        %7.2f s   peak %6.0f MB   (%s added, %s rejected)"
    % (imp.get("files", 0), med(imp_w), mb(med(imp_m)), imp.get("added"), imp.get("rejected")),
    "OSV import of the later %d:           %7.2f s   peak %6.0f MB   (one run)"
    % (imp_new.get("files", 0), new_w[0], mb(new_m[0])),
    "analyze sbom, %d components:" % bt["components"],
    "  whole process (index from store):  %7.3f s   peak %6.0f MB" % (med(an_w), mb(med(an_m))),
    "  the report's own analysis time:    %7.3f s" % big.get("seconds", 0),
    "  through the server (index built):  %7.3f s   (POST /api/v1/analyze/sbom, curl time_total)"
    % med(api),
    "  jansson json_load_file alone:      %7.3f s   peak %6.0f MB   (in-process %.3f s)"
    % (med(jb_w), mb(med(jb_m)), inproc("jparse_big")),
    "  ratio to the floor: process %.1fx, server %.1fx"
    % (med(an_w) / med(jb_w), med(api) / med(jb_w)),
    "watch, whole portfolio (%d SBOMs, %d components):"
    % (fs.get("sboms", 0), fs.get("components", 0)),
    "  first after the later batch:       %7.2f s   peak %6.0f MB   (%d matches, %d new, %d cases flagged)"
    % (med(wf_w), mb(med(wf_m)), fs.get("matches", 0), fs.get("new_matches", 0),
       fs.get("flagged", 0)),
    "  again, nothing new:                %7.2f s   peak %6.0f MB   (index %.2f s, match %.2f s)"
    % (med(wa_w), mb(med(wa_m)), gs.get("index_seconds", 0), gs.get("match_seconds", 0)),
    "  jansson parsing the %d files:    %7.2f s   peak %6.0f MB   (in-process %.2f s)"
    % (truth["sboms"], med(jp_w), mb(med(jp_m)), inproc("jparse_portfolio")),
    "  ratio to the floor: first %.2fx, again %.2fx"
    % (med(wf_w) / med(jp_w), med(wa_w) / med(jp_w)),
    "reading the ~50 MB SBOM (%.1f MB, %d components):"
    % (size("huge.cdx.json"), truth["huge"]["components"]),
    "  analyze sbom, no advisories:       %7.2f s   peak %6.0f MB (%.1fx the file)"
    % (med(hu_w), mb(med(hu_m)), mb(med(hu_m)) / huge_mib),
    "  analyze sbom, every advisory:      %7.2f s   peak %6.0f MB (one run)"
    % (hm_w[0], mb(hm_m[0])),
    "  jansson alone:                     %7.2f s   peak %6.0f MB (%.1fx the file)"
    % (med(jh_w), mb(med(jh_m)), mb(med(jh_m)) / huge_mib),
    "",
    "answers against truth.json (what the generator knows it put in):",
    "  big: %s vulnerable components (truth %d), %d findings (truth %d), %s suppressed by VEX (truth %d)"
    % (s.get("vulnerable_components"), bt["vulnerable_components"], len(big["findings"]),
       bt["matches"], s.get("suppressed"), bt.get("suppressed", 0)),
    "  portfolio at attach: %d matches recorded (truth %d component-advisory pairs)"
    % (attach_matches, ft["advisory_matches"]),
    "  first watch: %s new matches (truth %d), %s cases flagged (truth %d)"
    % (fs.get("new_matches"), ft["new_advisory_matches"], fs.get("flagged"), ft["flagged"]),
    "  huge, every advisory: %s vulnerable components (truth %d)"
    % (huge["summary"].get("vulnerable_components"), truth["huge"]["vulnerable_components_all"]),
]
text = "\n".join(lines) + "\n"
sys.stdout.write(text)
open(out, "w").write(text)
print("bench: written to %s" % out, file=sys.stderr)
EOF
