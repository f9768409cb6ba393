#!/usr/bin/env bash
# Concurrency (issue 3): 16 clients at once, each with its own session, add findings and upload
# small evidence (start, one part, complete) to the cases where their role may, over the API of a
# server with 4 workers on the demo data. Afterwards every write is there, with the content that
# was sent (counted and hashed through the CLI as the office), no request answered anything but
# the success it should (in particular no 5xx: a busy database is the server's to wait for, not
# the client's), and the audit chain verifies.
. "$(dirname "$0")/lib.sh"

PASSWORD=password1
ROUNDS=${NR_CONCURRENCY_ROUNDS:-8}

ok init --procedure cn-2017
ok demo --password "$PASSWORD"

# Who writes where: the cases in evaluation, and on each the users whose role and relation allow
# findings (office, an institution holding a task) and evidence (those and the case's provider).
ok --as office case list --phase evaluation --json
CASE_A=$(jget '.[0].id')
CASE_B=$(jget '.[1].id')
[ -n "$CASE_A" ] && [ "$CASE_B" != null ] || fail "the demo data has fewer than two cases in evaluation"
# tasks_of CASE: the institutions' logins (labN) holding a task on CASE.
ok --as office user list --json
cp "$T/out" "$T/users.json"
labs_of() {
  ok --as office case show "$1" --json
  jq -r '[.tasks[].institution] | unique[]' "$T/out" | while read -r inst; do
    jq -r --arg o "$inst" '.[] | select(.role == "institution" and .org == $o) | .login' "$T/users.json"
  done
}
provider_of() {
  ok --as office case show "$1" --json
  local pid
  pid=$(jget .provider_id)
  jq -r --argjson p "$pid" '[.[] | select(.role == "provider" and .org_id == $p)][0].login' "$T/users.json"
}
mapfile -t LABS_A < <(labs_of "$CASE_A")
mapfile -t LABS_B < <(labs_of "$CASE_B")
VENDOR_A=$(provider_of "$CASE_A")
VENDOR_B=$(provider_of "$CASE_B")
[ ${#LABS_A[@]} -ge 2 ] && [ ${#LABS_B[@]} -ge 1 ] || fail "the evaluation cases lack institutions"

# CLIENTS: "login case findings(0|1)", 16 of them.
CLIENTS=(
  "office $CASE_A 1" "office $CASE_A 1" "office $CASE_B 1" "office $CASE_B 1"
  "${LABS_A[0]} $CASE_A 1" "${LABS_A[0]} $CASE_A 1" "${LABS_A[1]} $CASE_A 1" "${LABS_A[1]} $CASE_A 1"
  "${LABS_B[0]} $CASE_B 1" "${LABS_B[0]} $CASE_B 1" "${LABS_A[-1]} $CASE_A 1"
  "$VENDOR_A $CASE_A 0" "$VENDOR_A $CASE_A 0" "$VENDOR_A $CASE_A 0"
  "$VENDOR_B $CASE_B 0" "$VENDOR_B $CASE_B 0"
)
[ ${#CLIENTS[@]} -eq 16 ] || fail "${#CLIENTS[@]} clients, not 16"

# count CASE: findings and evidence of CASE, as the office sees them.
count() {
  ok --as office finding list "$1" --json
  local f
  f=$(jget length)
  ok --as office evidence list "$1" --json
  echo "$f $(jget length)"
}
read -r FINDINGS_A0 EVIDENCE_A0 < <(count "$CASE_A")
read -r FINDINGS_B0 EVIDENCE_B0 < <(count "$CASE_B")

NR_WORKERS=4 serve_start || fail "serve_start failed"

# client N LOGIN CASE FINDINGS: signs in (a session of its own), then ROUNDS times adds a finding
# (when FINDINGS is 1) and uploads a file of its own; every answer is logged as
# "STATUS WANT WHAT" in $T/client-N.log, the files' SHA-256 in $T/client-N.sha.
client() {
  local n=$1 login=$2 case=$3 findings=$4 jar="$T/client-$1.jar" log="$T/client-$1.log"
  local csrf st up file i body
  : >"$log"
  : >"$T/client-$n.sha"
  st=$(curl -s -o "$T/client-$n.body" -w '%{http_code}' -c "$jar" -H 'Content-Type: application/json' \
    --data-binary "$(jq -cn --arg l "$login" --arg p "$PASSWORD" '{login: $l, password: $p}')" \
    "$NR_URL/api/v1/session") || st=000
  echo "$st 200 sign-in" >>"$log"
  [ "$st" = 200 ] || return 0
  csrf=$(jq -r .csrf "$T/client-$n.body")
  req() { # METHOD PATH BODY-ARGS...: the status; the body in $T/client-N.body
    local method=$1 path=$2
    shift 2
    curl -s -o "$T/client-$n.body" -w '%{http_code}' -b "$jar" -H "X-CSRF-Token: $csrf" \
      -X "$method" -m 60 "$@" "$NR_URL$path" || echo 000
  }
  for i in $(seq 1 "$ROUNDS"); do
    if [ "$findings" = 1 ]; then
      body=$(jq -cn --arg t "client $n finding $i" '{category: "other", severity: "low", title: $t}')
      st=$(req POST "/api/v1/cases/$case/findings" -H 'Content-Type: application/json' --data-binary "$body")
      echo "$st 201 finding $i $(head -c 200 "$T/client-$n.body")" >>"$log"
    fi
    file="$T/client-$n-$i.txt"
    printf 'evidence of client %d, round %d, login %s, case %s\n%s\n' "$n" "$i" "$login" "$case" \
      "$(head -c 24 /dev/urandom | base64)" >"$file"
    body=$(jq -cn --arg f "client-$n-$i.txt" --argjson s "$(stat -c %s "$file")" '{filename: $f, size: $s}')
    st=$(req POST "/api/v1/cases/$case/uploads" -H 'Content-Type: application/json' --data-binary "$body")
    echo "$st 201 upload-start $i $(head -c 200 "$T/client-$n.body")" >>"$log"
    [ "$st" = 201 ] || continue
    up=$(jq -r .id "$T/client-$n.body")
    st=$(req PUT "/api/v1/uploads/$up?offset=0" -H 'Content-Type: application/octet-stream' --data-binary "@$file")
    echo "$st 200 upload-part $i $(head -c 200 "$T/client-$n.body")" >>"$log"
    st=$(req POST "/api/v1/uploads/$up/complete")
    echo "$st 201 upload-complete $i $(head -c 200 "$T/client-$n.body")" >>"$log"
    [ "$st" = 201 ] && sha256sum "$file" | cut -d' ' -f1 >>"$T/client-$n.sha"
  done
}

pids=()
for n in "${!CLIENTS[@]}"; do
  # shellcheck disable=SC2086
  client "$n" ${CLIENTS[$n]} &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "client process $p failed"; done

# Every answer was the success it should be; above all, none was a 5xx.
cat "$T"/client-*.log >"$T/all.log"
total=$(wc -l <"$T/all.log")
awk '$1 != $2' "$T/all.log" >"$T/wrong.log"
if [ -s "$T/wrong.log" ]; then
  head -40 "$T/wrong.log" >&2
  fail "$(wc -l <"$T/wrong.log") of $total requests answered other than expected ($(awk '$1 ~ /^5/' "$T/wrong.log" | wc -l) with a 5xx)"
fi
want_findings=$(grep -c ' finding ' "$T/all.log" || true)
want_uploads=$(grep -c ' upload-complete ' "$T/all.log" || true)
expect_eq "$want_uploads" $((16 * ROUNDS)) "completed uploads"

serve_stop

# Every write is there: the counts, and each file's hash among the case's evidence.
fa=0 fb=0 ea=0 eb=0
for n in "${!CLIENTS[@]}"; do
  read -r _ case findings <<<"${CLIENTS[$n]}"
  if [ "$case" = "$CASE_A" ]; then
    fa=$((fa + findings * ROUNDS)) ea=$((ea + ROUNDS))
  else
    fb=$((fb + findings * ROUNDS)) eb=$((eb + ROUNDS))
  fi
done
expect_eq $((fa + fb)) "$want_findings" "findings sent"
read -r FINDINGS_A1 EVIDENCE_A1 < <(count "$CASE_A")
read -r FINDINGS_B1 EVIDENCE_B1 < <(count "$CASE_B")
expect_eq "$((FINDINGS_A1 - FINDINGS_A0))/$((FINDINGS_B1 - FINDINGS_B0))" "$fa/$fb" "new findings on cases $CASE_A/$CASE_B"
expect_eq "$((EVIDENCE_A1 - EVIDENCE_A0))/$((EVIDENCE_B1 - EVIDENCE_B0))" "$ea/$eb" "new evidence on cases $CASE_A/$CASE_B"
{
  ok --as office evidence list "$CASE_A" --json
  jget '.[].sha256'
  ok --as office evidence list "$CASE_B" --json
  jget '.[].sha256'
} | sort >"$T/stored.sha"
cat "$T"/client-*.sha | sort >"$T/sent.sha"
missing=$(comm -23 "$T/sent.sha" "$T/stored.sha" | wc -l)
expect_eq "$missing" 0 "uploaded files missing from the evidence"
# Each finding title once: none lost, none doubled.
{
  ok --as office finding list "$CASE_A" --json
  jget '.[].title'
  ok --as office finding list "$CASE_B" --json
  jget '.[].title'
} | grep '^client ' | sort | uniq -d >"$T/doubled"
[ ! -s "$T/doubled" ] || fail "findings recorded twice: $(cat "$T/doubled")"
# No plaintext part file is left behind.
left=$(find "$NETREVIEW_DB-data/uploads" -type f 2>/dev/null | wc -l)
expect_eq "$left" 0 "part files left in uploads/"

ok audit verify
echo "concurrency: 16 clients, $total requests, $want_findings findings, $want_uploads uploads"
