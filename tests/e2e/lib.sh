# lib.sh - shared by the end-to-end tests: a fresh installation in a temp dir, the real binary,
# and assertions on exit codes, messages and JSON. Source it; it sets -euo pipefail.
set -euo pipefail

NETREVIEW_BIN=${NETREVIEW_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/netreview}
NR_SOURCE_DIR=${NR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export NETREVIEW_HOME="$NR_SOURCE_DIR"
export NETREVIEW_ARGON2_MEMORY_KIB=${NETREVIEW_ARGON2_MEMORY_KIB:-1024}
unset NETREVIEW_USER NETREVIEW_DATA

T=$(mktemp -d /tmp/nr-e2e-XXXXXX)
export NETREVIEW_DB="$T/review.db"
trap '[ -n "${NR_KEEP:-}" ] || rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# nr ARGS...: run the binary, keep stdout in $T/out, stderr in $T/err, exit code in $rc.
nr() {
  set +e
  "$NETREVIEW_BIN" "$@" >"$T/out" 2>"$T/err"
  rc=$?
  set -e
  return 0
}

# ok ARGS...: must succeed.
ok() {
  nr "$@"
  [ "$rc" -eq 0 ] || fail "netreview $* exited $rc: $(cat "$T/err")"
}

# refused CODE PATTERN ARGS...: must exit CODE with PATTERN in stderr.
refused() {
  local code=$1 pattern=$2
  shift 2
  nr "$@"
  [ "$rc" -eq "$code" ] || fail "netreview $* exited $rc, expected $code: $(cat "$T/err")"
  grep -qE -- "$pattern" "$T/err" || fail "netreview $*: message '$(cat "$T/err")' lacks '$pattern'"
}

# jget FILTER: jq on the last stdout.
jget() { jq -r "$1" "$T/out"; }

expect_eq() { [ "$1" = "$2" ] || fail "${3:-value}: got '$1', expected '$2'"; }

# A database fingerprint: every table's rows, to prove a refused command wrote nothing.
db_snapshot() {
  sqlite3 "$NETREVIEW_DB" "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name" |
    while read -r t; do echo "== $t"; sqlite3 "$NETREVIEW_DB" "SELECT * FROM \"$t\" ORDER BY 1"; done
}

# unchanged ARGS...: run and check the database is byte-for-byte the same in content.
unchanged() {
  local before after
  before=$(db_snapshot)
  "$@"
  after=$(db_snapshot)
  [ "$before" = "$after" ] || fail "database changed after: $*"
}

# The registry most tests start from: office, committee, one provider with a product, one CII
# operator, three institutions, experts, protection department.
# add_user LOGIN NAME ORG ROLE: a user whose password is "password-LOGIN".
add_user() {
  ok user add "$1" --name "$2" --org "$3" --role "$4" --password-stdin <<<"password-$1"
}

setup_registry() {
  local suite=${1:-intl} procedure=${2:-cn-2017}
  ok init --crypto "$suite" --procedure "$procedure"
  ok org add "Review Office" --kind office
  ok org add "Review Committee" --kind committee
  ok org add "Experts Committee" --kind experts_committee
  ok org add "Acme Networks" --kind provider --country CN
  ok org add "Rival Systems" --kind provider --country CN
  ok org competitor "Acme Networks" "Rival Systems"
  ok org add "First Bank" --kind operator --sector finance --cii
  ok org add "Finance Protection" --kind protection_dept --sector finance
  ok org add "Finance Department" --kind sector_dept --sector finance
  ok org add "Lab One" --kind institution
  ok org add "Lab Two" --kind institution
  ok org add "Public Voice Association" --kind association
  ok org add "Ministry" --kind state_dept
  add_user office "Office Clerk" "Review Office" office
  add_user committee "Chair" "Review Committee" committee
  add_user vendor "Vendor Rep" "Acme Networks" provider
  add_user rival "Rival Rep" "Rival Systems" provider
  add_user bank "Bank Buyer" "First Bank" operator
  add_user protect "Protector" "Finance Protection" protection_dept
  add_user findept "Finance Officer" "Finance Department" sector_dept
  add_user lab1 "Lab One Engineer" "Lab One" institution
  add_user lab2 "Lab Two Engineer" "Lab Two" institution
  add_user assoc "Association Rep" "Public Voice Association" association
  add_user ministry "Ministry Officer" "Ministry" state_dept
  ok institution designate "Lab One" --methods lab_testing,online_monitoring,on_site_inspection,background_investigation --from 2024-01-01 --until 2030-12-31
  ok institution designate "Lab Two" --methods lab_testing --from 2024-01-01 --until 2030-12-31
  for i in 1 2 3 4 5 6; do
    add_user "expert$i" "Expert $i" "Experts Committee" expert
    ok expert appoint "expert$i" --from 2024-01-01 --until 2030-12-31
  done
  ok product add "Acme Router" --provider "Acme Networks" --cpe "cpe:2.3:h:acme:router:*:*:*:*:*:*:*:*" --purl "pkg:generic/acme/router"
  ok product add-version "Acme Router" 2.0.0
  ok product add-version "Acme Router" 2.1.0
}

# --- Helpers for whole reviews (0110 and later). ---

# scores_file LEVEL [CONTROL_LEVEL]: a score --file document for every dimension of the
# procedure in force, each at LEVEL (control at CONTROL_LEVEL when given), in $T/scores.json.
scores_file() {
  local level=$1 control=${2:-$1}
  "$NETREVIEW_BIN" procedure show --json >"$T/procedure.json" || fail "procedure show"
  jq --arg l "$level" --arg c "$control" \
    '[.dimensions[] | {key: ., value: {level: (if . == "control" then $c else $l end),
       reason: "based on the evaluation report"}}] | from_entries' "$T/procedure.json" >"$T/scores.json"
}

# to_experts CASE [LAB_USER LAB METHOD]: an accepted case through evaluation to expert_review:
# the provider's commitment (user vendor), one task, its signed report, submit_to_experts.
to_experts() {
  local case=$1 labuser=${2:-lab1} lab=${3:-Lab One} method=${4:-lab_testing}
  ok --as office case accept "$case"
  ok --as vendor commitment sign "$case" --text "We commit to no backdoors and full cooperation."
  ok --as office task assign "$case" --institution "$lab" --method "$method" --json
  local task
  task=$(jget .id)
  ok --as "$labuser" task report "$task" --text "Evaluation report of case $case." --standards "GB/T 22239-2019"
  ok --as office case submit_to_experts "$case"
}

# panel_scores CASE LEVEL [CONTROL_LEVEL [EXPERTS]]: form the panel of EXPERTS (default
# expert1..expert5) and have each score every dimension; prints nothing, leaves the panel view.
panel_scores() {
  local case=$1 level=$2 control=${3:-$2} experts=${4:-expert1,expert2,expert3,expert4,expert5}
  ok --as office panel form "$case" --experts "$experts"
  scores_file "$level" "$control"
  local e
  for e in ${experts//,/ }; do
    ok --as "$e" score submit "$case" --file "$T/scores.json"
  done
  ok --as office panel show "$case" --json
}

# gate_expect STATUS PROCUREMENT ARGS...: run `netreview ARGS... --json` (a gate check) and
# compare the answer's status and procurement.
gate_expect() {
  local status=$1 procurement=$2
  shift 2
  ok "$@" --json
  expect_eq "$(jget .status)/$(jget .procurement)" "$status/$procurement" "netreview $*"
}

# flip_byte FILE OFFSET: change the byte at OFFSET in place (XOR 0x5a), as an attacker or a
# failing disk would.
flip_byte() {
  local b
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  [ -n "$b" ] || fail "flip_byte: $1 has no byte at offset $2"
  printf '%b' "\\$(printf '%03o' $(((b ^ 0x5a) & 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
