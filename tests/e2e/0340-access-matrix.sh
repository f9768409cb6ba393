#!/usr/bin/env bash
# The access matrix (issue 3): for every route of the server, every role of the demo data set and
# the public, with a case of the caller's own and a case of another's, the status the API must
# answer, all from one table, tests/e2e/access-matrix.tsv:
#
#   METHOD  PATTERN  ROLE  WHICH  STATUS
#
# WHICH is "own" or "other" for the routes that name a case or something of a case ({case},
# {task}, {evidence}, {upload}, {decision}), "-" for the others. The script first checks that the
# table has a row for every route the server serves (read from GET /api/v1/openapi.json, which
# tests/unit/test_openapi.c keeps equal to the router's table), every role and every WHICH, and
# no row for a route that does not exist: a new route without its rules fails here, naming the
# route. Then it makes every call and prints every answer that differs from the table.
#
# How the parameters are filled (everything from the demo data, through the CLI as the office):
# - {case} "own": a case the role takes part in, by the relations of the demo data (an institution
#   holds a task on it, an expert sits on its panel, the provider's product, the operator's
#   declaration, the department's sector, the raiser's organisation; the office and the committee
#   take part in every case), the first in the order evaluation, expert_review, special_review,
#   decided, published, acceptance, scoping. "other": the first case in the same order the role
#   has no relation to; for the office and the committee, who see every case, a case that does
#   not exist. The phases the table was written for are checked first (the demo data changed if
#   they differ).
# - {task}, {evidence}, {decision}: one of the own case (a fresh task of lab1's institution on
#   lab1's case, so that its report can be signed), or of the other case; without one, a
#   public decision for own and an id that does not exist for other.
# - {upload}: uploads started before the run by the office, lab1 and vendor1 on their own cases
#   (one without bytes for PUT, one with every byte for complete); a role that cannot upload
#   uses the office's (only the uploader may use an upload). Other: the office's upload on the
#   case the others do not see.
# - POST /cases/{case}/sboms names an SBOM that lab1 added before the run as evidence of its fresh
#   task, for the roles whose own case that is, and otherwise the first evidence of the role's
#   own case, with the role's own task; POST /analyze/sbom sends an SBOM of tests/data/sbom.
# - POST /cases/{case}/traffic names a capture and a declaration (tests/tools/gen_pcap.py) that
#   lab1 added before the run as evidence of its fresh task, with the role's own task.
# - {transition}: withdraw (the office's and the committee's, from any open phase).
# - Bodies are valid requests (the table says who may make them), so a 2xx of a state-changing
#   route is a real change. Order must not matter: after every such success the server is
#   stopped and the database and data directory are put back as they were before the run (a
#   snapshot taken after every role signed in, so the sessions survive), then started again.
#
# R11: for every row "other" of a signed-in role, the same request with an id that does not
# exist must answer the same status, error code and message (with the id replaced): a case, task,
# evidence, upload or decision the caller may not see is indistinguishable from none.
. "$(dirname "$0")/lib.sh"

TSV="$NR_SOURCE_DIR/tests/e2e/access-matrix.tsv"
ROLES=(office committee expert1 lab1 protect-finance finance-dept bank-ops vendor1 association state public)
PASSWORD=password1
NONE_ID=999999
NONE_UPLOAD=0000000000000000000000000000000000000000000000000000000000000000
[ -f "$TSV" ] || fail "no table $TSV"

ok init --procedure cn-2017
ok demo --password "$PASSWORD"

# ---- fixtures the bodies of the table need (as the local administrator and the office) ----
ok org add "Matrix Laboratory" --kind institution
NETREVIEW_PASSWORD=$PASSWORD ok user add matrix-expert --name "Matrix Expert" \
  --org "Network Security Review Experts Committee" --role expert </dev/null
ok token create --user bank-ops --name "access matrix" --scopes gate
ok token list --json
TOKEN_ID=$(jget '.[0].id')

# ---- relations: who takes part in which case ----
ok --as office case list --limit 1000 --json
cp "$T/out" "$T/cases.json"
declare -A PHASE
while read -r id phase; do PHASE[$id]=$phase; done < <(jq -r '.[] | "\(.id) \(.phase)"' "$T/cases.json")
for id in "${!PHASE[@]}"; do
  ok --as office case show "$id" --json
  cp "$T/out" "$T/case-$id.json"
done
declare -A ORG_ID ORG_NAME SECTOR KIND
for role in "${ROLES[@]}"; do
  [ "$role" = public ] && continue
  ok --as office user show "$role" --json
  ORG_ID[$role]=$(jget .org_id)
  ORG_NAME[$role]=$(jget .org)
  KIND[$role]=$(jget .role)
  ok --as office org show "${ORG_ID[$role]}" --json
  SECTOR[$role]=$(jget '.sector // ""')
done

# takes_part ROLE CASE: whether ROLE has a relation to CASE in the demo data.
takes_part() {
  local role=$1 id=$2 f="$T/case-$2.json"
  case ${KIND[$role]} in
  office | committee) return 0 ;;
  institution) jq -e --arg o "${ORG_NAME[$role]}" '[.tasks[]? | select(.institution == $o)] | length > 0' "$f" >/dev/null ;;
  expert) jq -e --arg l "$role" '[.panel.members[]? | select(.login == $l and .status == "member")] | length > 0' "$f" >/dev/null ;;
  protection_dept | sector_dept) jq -e --arg s "${SECTOR[$role]}" '.sector == $s' "$f" >/dev/null ;;
  operator) jq -e --argjson o "${ORG_ID[$role]}" '.operator_id == $o' "$f" >/dev/null ;;
  provider) jq -e --argjson o "${ORG_ID[$role]}" '.provider_id == $o' "$f" >/dev/null ;;
  *) jq -e --argjson o "${ORG_ID[$role]}" '.raised_by_org == $o' "$f" >/dev/null ;;
  esac
}

ORDER=(evaluation expert_review special_review decided published acceptance scoping)
# pick ROLE own|other: the first case by ORDER, then by id, that ROLE does / does not take part in.
pick() {
  local role=$1 which=$2 phase id
  for phase in "${ORDER[@]}"; do
    for id in $(printf '%s\n' "${!PHASE[@]}" | sort -n); do
      [ "${PHASE[$id]}" = "$phase" ] || continue
      if takes_part "$role" "$id"; then
        [ "$which" = own ] && { echo "$id"; return; }
      else
        [ "$which" = other ] && { echo "$id"; return; }
      fi
    done
  done
  echo "$NONE_ID"
}

declare -A OWN OTHER
for role in "${ROLES[@]}"; do
  if [ "$role" = public ]; then
    OWN[$role]=$(pick vendor1 own) # the public takes part in nothing: any case will do
    OTHER[$role]=$(pick vendor1 other)
    continue
  fi
  OWN[$role]=$(pick "$role" own)
  OTHER[$role]=$(pick "$role" other)
done

# The table was written for these phases of the cases picked; anything else means the demo data
# changed and the table must be read again.
expect_phase() {
  local role=$1 which=$2 want=$3 id
  [ "$which" = own ] && id=${OWN[$role]} || id=${OTHER[$role]}
  local got=${PHASE[$id]:-none}
  [ "$got" = "$want" ] || fail "the $which case of $role is $id in phase $got; access-matrix.tsv assumes $want"
}
expect_phase office own evaluation
expect_phase office other none
expect_phase committee own evaluation
expect_phase expert1 own expert_review
expect_phase expert1 other evaluation
expect_phase lab1 own evaluation
expect_phase lab1 other evaluation
expect_phase protect-finance own special_review
expect_phase protect-finance other evaluation
expect_phase finance-dept own special_review
expect_phase bank-ops own published
expect_phase bank-ops other evaluation
expect_phase vendor1 own evaluation
expect_phase vendor1 other evaluation
expect_phase association own expert_review
expect_phase association other evaluation
expect_phase state own evaluation
expect_phase state other expert_review
[ "${OWN[lab1]}" = "${OWN[office]}" ] || fail "lab1's case ${OWN[lab1]} is not the office's ${OWN[office]}: the table assumes one"

# A fresh task of lab1's institution on lab1's case: one it can report.
ok --as office task assign "${OWN[lab1]}" --institution "${ORG_NAME[lab1]}" --method on_site_inspection --json
FRESH_TASK=$(jget .id)
# An SBOM as evidence of lab1's task, not analysed yet: what POST /cases/{case}/sboms names.
ok --as lab1 evidence add "${OWN[lab1]}" "$NR_SOURCE_DIR/tests/data/sbom/cyclonedx-1.6-device.cdx.json" --task "$FRESH_TASK" --json
SBOM_EVIDENCE=$(jget .id)
ok --as office case show "${OWN[lab1]}" --json
cp "$T/out" "$T/case-${OWN[lab1]}.json"

# first_of CASE KEY: the id of the first tasks/evidence row of CASE, or NONE_ID.
first_of() {
  [ "$1" = "$NONE_ID" ] && { echo "$NONE_ID"; return; }
  jq -r --arg k "$2" --argjson n "$NONE_ID" '(.[$k] // []) | if length > 0 then .[0].id else $n end' "$T/case-$1.json"
}
declare -A OWN_TASK OTHER_TASK OWN_EVIDENCE OTHER_EVIDENCE OWN_DECISION OTHER_DECISION
PUBLIC_DECISION=$("$NETREVIEW_BIN" decision list --json | jq -r 'map(select(.status == "active")) | .[-1].id')
ok --as office decision list --json
INTERNAL_DECISION=$(jget 'map(select(.visibility == "internal")) | .[0].id')
for role in "${ROLES[@]}"; do
  own=${OWN[$role]} other=${OTHER[$role]}
  if [ "$own" = "${OWN[lab1]}" ]; then OWN_TASK[$role]=$FRESH_TASK; else OWN_TASK[$role]=$(first_of "$own" tasks); fi
  [ "${OWN_TASK[$role]}" != "$NONE_ID" ] || OWN_TASK[$role]=$FRESH_TASK
  OTHER_TASK[$role]=$(first_of "$other" tasks)
  OWN_EVIDENCE[$role]=$(first_of "$own" evidence)
  [ "${OWN_EVIDENCE[$role]}" != "$NONE_ID" ] || OWN_EVIDENCE[$role]=$(first_of "${OWN[lab1]}" evidence)
  OTHER_EVIDENCE[$role]=$(first_of "$other" evidence)
  OWN_DECISION[$role]=$(jq -r --arg p "$PUBLIC_DECISION" '.decision.id // $p' "$T/case-$own.json")
  case $role in office | committee) OTHER_DECISION[$role]=$NONE_ID ;; *) OTHER_DECISION[$role]=$INTERNAL_DECISION ;; esac
done

# A capture of the product and its declaration as evidence of lab1's fresh task, not analysed
# yet: what POST /cases/{case}/traffic names.
python3 "$NR_SOURCE_DIR/tests/tools/gen_pcap.py" scenario --out "$T/matrix.pcap"
python3 "$NR_SOURCE_DIR/tests/tools/gen_pcap.py" declaration --out "$T/matrix-declared.json"
ok --as lab1 evidence add "${OWN[lab1]}" "$T/matrix.pcap" --task "$FRESH_TASK" --json
TRAFFIC_CAPTURE=$(jget .id)
ok --as lab1 evidence add "${OWN[lab1]}" "$T/matrix-declared.json" --task "$FRESH_TASK" --json
TRAFFIC_DECLARED=$(jget .id)

# ---- the server, every role signed in, the uploads ----
DATA="$NETREVIEW_DB-data"
serve_start
for role in "${ROLES[@]}"; do
  [ "$role" = public ] || sign_in "$role" "$PASSWORD"
done
declare -A UP_FRESH UP_FULL
# upload ROLE CASE: starts an upload of 4 bytes as ROLE; prints its id.
upload() {
  as_user "$1"
  api_expect 201 POST "/api/v1/cases/$2/uploads" '{"filename":"matrix.txt","size":4}'
  bget .id
}
for role in office lab1 vendor1; do
  UP_FRESH[$role]=$(upload "$role" "${OWN[$role]}")
  UP_FULL[$role]=$(upload "$role" "${OWN[$role]}")
  as_user "$role"
  api_expect 200 PUT "/api/v1/uploads/${UP_FULL[$role]}?offset=0" 'abcd'
done
UP_OTHER=$(upload office "${OTHER[lab1]}")

# The state every call starts from.
serve_stop
cp "$NETREVIEW_DB" "$T/snapshot.db"
rm -rf "$T/snapshot-data"
cp -a "$DATA" "$T/snapshot-data"
restore() {
  serve_stop
  cp "$T/snapshot.db" "$NETREVIEW_DB"
  rm -f "$NETREVIEW_DB-wal" "$NETREVIEW_DB-shm"
  rm -rf "$DATA"
  cp -a "$T/snapshot-data" "$DATA"
  # Called in a condition: serve_start's first look at serve.out may come before the server
  # has created it (a failing sed under set -e); in a condition the loop simply looks again.
  serve_start || fail "serve_start failed"
}
serve_start || fail "serve_start failed"

# ---- the table covers every route, role and WHICH ----
api_expect 200 GET /api/v1/openapi.json
jq -r '.paths | to_entries[] | .key as $p | .value | keys[] | select(test("^(get|post|put|delete|patch)$")) | "\(ascii_upcase) \($p)"' \
  "$T/body" | sort >"$T/routes"
[ -s "$T/routes" ] || fail "GET /api/v1/openapi.json lists no route"
grep -v '^#' "$TSV" | awk -F'\t' 'NF' >"$T/rows"
awk -F'\t' 'NF != 5 { printf "line %d has %d columns, not 5: %s\n", NR, NF, $0 }' "$T/rows" >"$T/bad"
[ ! -s "$T/bad" ] || fail "malformed access-matrix.tsv: $(cat "$T/bad")"
# scoped PATTERN: whether the route names a case or something of a case.
scoped() { [[ $1 =~ \{(case|task|evidence|upload|decision)\} ]]; }
# The rows the routes need, one line each, against the rows the table has.
while read -r method pattern; do
  if scoped "$pattern"; then whiches=(own other); else whiches=(-); fi
  for role in "${ROLES[@]}"; do
    for which in "${whiches[@]}"; do printf '%s %s %s %s\n' "$method" "$pattern" "$role" "$which"; done
  done
done <"$T/routes" | sort >"$T/needed"
awk -F'\t' '{ print $1 " " $2 " " $3 " " $4 }' "$T/rows" | sort >"$T/have"
{
  comm -23 "$T/needed" <(sort -u "$T/have") | sed 's/^/no row for: /'
  comm -13 "$T/needed" <(sort -u "$T/have") | sed 's/^/a row for no route (or an unknown role or which): /'
  uniq -d "$T/have" | sed 's/^/more than one row for: /'
  awk -F'\t' '$5 !~ /^[1-5][0-9][0-9]$/ { print "not a status: " $0 }' "$T/rows"
} >"$T/coverage"
if [ -s "$T/coverage" ]; then
  sed 's/^/  /' "$T/coverage" >&2
  fail "access-matrix.tsv does not cover the server's routes ($(wc -l <"$T/coverage") problems above)"
fi

# ---- the calls ----
# fill PATTERN ROLE WHICH [none]: the path with its parameters (none: ids that do not exist).
fill() {
  local p=$1 role=$2 which=$3 none=${4:-} v login=$2 org=${ORG_ID[$2]:-1}
  [ "$role" != public ] || login=office
  if [ "$which" = other ]; then v=${OTHER[$role]}; else v=${OWN[$role]}; fi
  [ -z "$none" ] || v=$NONE_ID
  p=${p//\{case\}/$v}
  p=${p//\{transition\}/withdraw}
  p=${p//\{token\}/$TOKEN_ID}
  p=${p//\{login\}/$login}
  p=${p//\{product\}/1}
  [[ $p != */competitors ]] || org=${ORG_ID[vendor1]}
  p=${p//\{org\}/$org}
  if [ "$which" = other ]; then
    v=${OTHER_TASK[$role]}; [ -z "$none" ] || v=$NONE_ID; p=${p//\{task\}/$v}
    v=${OTHER_EVIDENCE[$role]}; [ -z "$none" ] || v=$NONE_ID; p=${p//\{evidence\}/$v}
    v=${OTHER_DECISION[$role]}; [ -z "$none" ] || v=$NONE_ID; p=${p//\{decision\}/$v}
    case $role in office | committee) v=$NONE_UPLOAD ;; *) v=$UP_OTHER ;; esac
    [ -z "$none" ] || v=$NONE_UPLOAD
    p=${p//\{upload\}/$v}
  else
    p=${p//\{task\}/${OWN_TASK[$role]}}
    p=${p//\{evidence\}/${OWN_EVIDENCE[$role]}}
    p=${p//\{decision\}/${OWN_DECISION[$role]}}
    local who=$role
    [ -n "${UP_FRESH[$role]:-}" ] || who=office
    if [[ $p == */complete ]]; then p=${p//\{upload\}/${UP_FULL[$who]}}; else p=${p//\{upload\}/${UP_FRESH[$who]}}; fi
  fi
  case $1 in
  /api/v1/gate) p="$p?product=BW%20Edge%20Router%207000&version=7.2.3" ;;
  /api/v1/gate/feed) p="$p?since=2020-01-01T00:00:00Z" ;;
  /api/v1/audit) p="$p?limit=5" ;;
  "/api/v1/uploads/{upload}") p="$p?offset=0" ;;
  esac
  echo "$p"
}

# sbom_body ROLE: the SBOM evidence of lab1's case for the roles whose own case it is, else the
# first evidence of the role's own case, with the role's own task.
sbom_body() {
  local e=${OWN_EVIDENCE[$1]}
  [ "${OWN[$1]}" != "${OWN[lab1]}" ] || e=$SBOM_EVIDENCE
  jq -cn --argjson e "$e" --argjson t "${OWN_TASK[$1]}" '{evidence_id: $e, task_id: $t}'
}

# traffic_body ROLE: lab1's capture and declaration, with the role's own task.
traffic_body() {
  jq -cn --argjson c "$TRAFFIC_CAPTURE" --argjson d "$TRAFFIC_DECLARED" --argjson t "${OWN_TASK[$1]}" \
    '{capture_evidence_id: $c, declared_evidence_id: $d, task_id: $t}'
}

# body METHOD PATTERN ROLE: a valid request body for the route, or nothing.
body() {
  local login=$3
  [ "$3" != public ] || login=office
  case "$1 $2" in
  "POST /api/v1/session") jq -cn --arg l "$login" --arg p "$PASSWORD" '{login: $l, password: $p}' ;;
  "POST /api/v1/tokens") echo '{"user":"bank-ops","name":"matrix","scopes":["gate"]}' ;;
  "POST /api/v1/orgs") echo '{"name":"Matrix Provider","kind":"provider"}' ;;
  "POST /api/v1/orgs/{org}/competitors") echo '{"competitor":"Halcyon Devices"}' ;;
  "POST /api/v1/users") jq -cn --arg p "$PASSWORD" '{login: "matrix-user", name: "Matrix User", org: "Brightwave Networks", role: "provider", password: $p}' ;;
  "POST /api/v1/products") echo '{"name":"Matrix Product","provider":"Brightwave Networks"}' ;;
  "POST /api/v1/products/{product}/versions") echo '{"version":"9.9.9"}' ;;
  "POST /api/v1/institutions") echo '{"org":"Matrix Laboratory","methods":["lab_testing"]}' ;;
  "POST /api/v1/experts") echo '{"login":"matrix-expert"}' ;;
  "POST /api/v1/affiliations") echo '{"expert":"expert2","org":"Tessera Software","relation":"consultant"}' ;;
  "POST /api/v1/complaints") echo '{"product":"BW Edge Router 7000","text":"the access matrix complains"}' ;;
  "POST /api/v1/declarations") echo '{"product":"Tessera Database Server","versions":"*"}' ;;
  "POST /api/v1/cases") echo '{"trigger":"state_requirement","product":"BW Core Switch 9400"}' ;;
  "POST /api/v1/cases/{case}/transitions/{transition}") echo '{"reason":"access matrix"}' ;;
  "POST /api/v1/cases/{case}/materials") echo '{"what":"access matrix materials"}' ;;
  "POST /api/v1/cases/{case}/extensions") echo '{"days":5,"reason":"access matrix"}' ;;
  "POST /api/v1/cases/{case}/commitment") echo '{"text":"We commit to the access matrix."}' ;;
  "POST /api/v1/cases/{case}/tasks") echo '{"institution":"Northgate Evaluation Centre","method":"background_investigation"}' ;;
  "POST /api/v1/tasks/{task}/report") echo '{"report":"access matrix report","standards":"ISO/IEC 18045:2022"}' ;;
  "POST /api/v1/cases/{case}/uploads") echo '{"filename":"matrix.txt","size":4}' ;;
  "PUT /api/v1/uploads/{upload}") echo 'abcd' ;;
  "POST /api/v1/cases/{case}/findings") echo '{"category":"other","severity":"low","title":"access matrix finding"}' ;;
  "POST /api/v1/cases/{case}/sboms") sbom_body "$3" ;;
  "POST /api/v1/analyze/sbom") cat "$NR_SOURCE_DIR/tests/data/sbom/cyclonedx-1.6-device.cdx.json" ;;
  "POST /api/v1/cases/{case}/traffic") traffic_body "$3" ;;
  "POST /api/v1/cases/{case}/panel/recusal") echo '{"reason":"access matrix"}' ;;
  "POST /api/v1/cases/{case}/scores") echo '{"dimension":"control","level":"low","reason":"access matrix"}' ;;
  POST* | PUT*) echo '{}' ;;
  esac
}

# call METHOD PATH BODY ROLE: one request as ROLE, like lib.sh's api but never writing the
# cookie jar: a sign-in or sign-out in the table must not replace the session of the role.
call() {
  local args=(-s -o "$T/body" -w '%{http_code}' -X "$1" -m 30)
  if [ "$4" != public ]; then
    args+=(-b "$T/jar-$4")
    [ "$1" = GET ] || args+=(-H "X-CSRF-Token: $(cat "$T/csrf-$4")")
  fi
  [ -z "$3" ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
  status=$(curl "${args[@]}" "$NR_URL$2") || status=000
}

# The last answer as "STATUS CODE MESSAGE", every id and reference in the message made #.
answer() {
  local code msg
  code=$(jq -r '.error.code // ""' "$T/body" 2>/dev/null || echo '(not JSON)')
  msg=$(jq -r '.error.message // ""' "$T/body" 2>/dev/null || true)
  echo "$status $code $(echo "$msg" | sed -E 's/[0-9a-f]{64}/#/g; s/NR-[0-9]{4}-[0-9]{4}/#/g; s/[0-9]+/#/g')"
}

mismatches=()
calls=0
restores=0
while IFS=$'\t' read -r method pattern role which want; do
  path=$(fill "$pattern" "$role" "$which")
  req=$(body "$method" "$pattern" "$role")
  call "$method" "$path" "$req" "$role"
  calls=$((calls + 1))
  got=$status
  if [ "$got" != "$want" ]; then
    mismatches+=("$method $pattern as $role ($which: $path): expected $want, got $got $(head -c 300 "$T/body" | tr '\n' ' ')")
  fi
  if [ "$which" = other ] && [ "$role" != public ]; then
    # R11: hidden answers like absent.
    hidden=$(answer)
    path0=$(fill "$pattern" "$role" "$which" none)
    call "$method" "$path0" "$req" "$role"
    calls=$((calls + 1))
    absent=$(answer)
    [ "$hidden" = "$absent" ] ||
      mismatches+=("R11 $method $pattern as $role: hidden ($path) answers '$hidden', absent ($path0) '$absent'")
    [[ $status == 2* ]] && [ "$method" != GET ] && { restore; restores=$((restores + 1)); }
    status=$got
  fi
  if [[ $got == 2* ]] && [ "$method" != GET ]; then
    restore
    restores=$((restores + 1))
  fi
done <"$T/rows"

echo "access matrix: $(wc -l <"$T/rows") rows, $calls calls, $restores restores of the snapshot"
if [ ${#mismatches[@]} -gt 0 ]; then
  printf '  %s\n' "${mismatches[@]}" >&2
  fail "${#mismatches[@]} answers differ from access-matrix.tsv"
fi

# Nothing of the run is left: the audit chain still verifies.
serve_stop
ok audit verify
