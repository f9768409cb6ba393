#!/usr/bin/env bash
# The whole review from a public complaint to a published `failed` decision; the gate then
# answers prohibited, the decision verifies offline, and the audit chain holds.
. "$(dirname "$0")/lib.sh"
setup_registry

# R2: the public files complaints without signing in.
ok complaint file --product "Acme Router" --version 2.1.0 --text "router phones home to an unknown host" --json
c1=$(jget .id)
ok complaint file --product "Acme Router" --text "remote shutdown observed" --json
c2=$(jget .id)

# The office groups them into a case.
ok --as office case open --trigger complaints --product "Acme Router" --versions ">=2.0 <3.0" --complaints "$c1,$c2" --json
case=$(jget .id)
expect_eq "$(jget .phase)" acceptance "phase after open"
ok --as office case accept "$case"

# R3: the provider's commitment, a task for a designated, unconflicted institution.
ok --as vendor commitment sign "$case" --text "We commit to no backdoors and full cooperation."
ok --as office task assign "$case" --institution "Lab One" --method online_monitoring --json
task=$(jget .id)
printf 'pcap-bytes-for-test' > "$T/capture.pcap"
ok --as lab1 evidence add "$case" "$T/capture.pcap" --task "$task" --json
ev=$(jget .id)
ok --as lab1 finding add "$case" --task "$task" --category control --severity critical --title "Undeclared remote-control channel" --evidence "$ev"
ok --as lab1 task report "$task" --text "Online monitoring found an undeclared C2 channel." --standards "GB/T 22239-2019"

ok --as office case submit_to_experts "$case"
ok --as office panel form "$case" --experts expert1,expert2,expert3,expert4,expert5
for i in 1 2 3 4 5; do
  for d in control supply_chain user_data dependence other supplier; do
    level=low
    [ "$d" = control ] && level=critical
    ok --as "expert$i" score submit "$case" --dimension "$d" --level "$level" --reason "based on the evaluation report"
  done
done
ok --as office panel show "$case" --json
expect_eq "$(jget .recommendation)" failed "recommendation"

ok --as office case decide "$case" --outcome failed --rationale "Undeclared remote control (R4 category 1)." --visibility public
ok --as office case publish "$case" --json
expect_eq "$(jget .phase)" published "phase after publish"
decision=$(jget .decision.id)

# R9: the gate.
ok --as bank gate check --product "Acme Router" --version 2.1.0 --operator "First Bank" --json
expect_eq "$(jget .status)" failed "gate status"
expect_eq "$(jget .procurement)" prohibited "gate procurement"
ok gate check --product "Acme Router" --version 2.1.0 --json
expect_eq "$(jget .procurement)" prohibited "anonymous gate procurement"

# R7: export and verify offline with only the file and the key.
ok --as office decision export "$decision" --out "$T/decision.json"
ok decision verify "$T/decision.json" --key "$NETREVIEW_DB-data/keys/office.pub"

# R11: the chain verifies, and the case history is there.
ok audit verify
ok --as office audit log --case "$case" --json
[ "$(jget 'length')" -gt 10 ] || fail "case history too short"
echo "ok"
