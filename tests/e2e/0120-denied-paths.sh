#!/usr/bin/env bash
# The refusals of a review: wrong role, wrong phase, missing prerequisite, conflict of interest
# (R6, R10), an institution outside its designation (R5), an override without justification
# (R7), the local administrator and the public on case work (R11). Every refusal exits with its
# code, says why, and writes nothing.
. "$(dirname "$0")/lib.sh"
export NETREVIEW_NOW=2026-03-02T09:00:00Z
setup_registry

# R5: a designation that has ended, and one limited to laboratory testing.
ok org add "Lab Three" --kind institution
ok org add "Lab Four" --kind institution
unchanged refused 7 "designated until 2023-12-31 is before its start 2024-01-01" \
  institution designate "Lab Three" --methods lab_testing --from 2024-01-01 --until 2023-12-31
ok institution designate "Lab Three" --methods lab_testing,online_monitoring --from 2024-01-01 --until 2025-12-31
ok institution designate "Lab Four" --methods lab_testing --from 2024-01-01
# R6, R10: Lab Two works for the provider; expert2 for its competitor; expert3 used to work for
# the provider.
ok affiliation add --institution "Lab Two" --org "Acme Networks" --relation contractor
ok affiliation add --expert expert2 --org "Rival Systems" --relation consultant
ok affiliation add --expert expert3 --org "Acme Networks" --relation former_employee

# The local administrator and the public take no part in case work: there is no user to act
# for, nothing is opened, nothing listed.
unchanged refused 2 "acts for a user of the review; pass --as USER" case open --trigger state_requirement --product "Acme Router"
unchanged refused 2 "acts for a user of the review; pass --as USER" declaration file --product "Acme Router" --versions 2.1.0
unchanged refused 2 "acts for a user of the review; pass --as USER" case list
unchanged refused 2 "acts for a user of the review; pass --as USER" case overdue
ok --as public case list --json
expect_eq "$(jget length)" 0 "cases the public sees"
# A provider may apply only for its own products.
unchanged refused 4 "a provider may apply only for its own products" \
  --as rival case open --trigger provider_application --product "Acme Router" --versions 2.1.0
# A trigger is raised only by its roles.
unchanged refused 4 "role operator may not raise provider_application \(allowed: provider\)" --as bank case open --trigger provider_application --product "Acme Router"

# R1: only an operator registered as CII declares a procurement, by whichever command: a case
# with a declaration's trigger cannot be opened around the declaration's check.
ok org add "Corner Shop" --kind operator --sector retail
add_user shop "Shop Owner" "Corner Shop" operator
unchanged refused 4 "Corner Shop is not registered as a CII operator; only CII operators declare procurements" \
  --as shop declaration file --product "Acme Router" --versions 2.1.0
unchanged refused 4 "an operator raises a case by declaring the procurement \(netreview declaration file\)" \
  --as shop case open --trigger procurement_declaration --product "Acme Router" --versions 2.1.0
unchanged refused 4 "an operator raises a case by declaring the procurement \(netreview declaration file\)" \
  --as shop case open --trigger national_security_procurement --product "Acme Router" --versions 2.1.0
# Nor does a CII operator: its case comes with its declaration.
unchanged refused 4 "an operator raises a case by declaring the procurement \(netreview declaration file\)" \
  --as bank case open --trigger procurement_declaration --product "Acme Router" --versions 2.1.0

ok --as bank declaration file --product "Acme Router" --versions 2.1.0 --purpose "core routers" --json
case=$(jget .case_id)
ok --as protect case scope_in "$case" --reason "Core routers of the payment network."

# --- acceptance ---
unchanged refused 2 "pass --as USER" case accept "$case"
unchanged refused 2 "pass --as USER" case show "$case"
unchanged refused 4 "role provider may not accept \(allowed: office, sector_dept\)" --as vendor case accept "$case"
unchanged refused 4 "role operator may not accept" --as bank case accept "$case"
unchanged refused 4 "is in phase acceptance; task.assign needs phase evaluation" \
  --as office task assign "$case" --institution "Lab One" --method lab_testing
unchanged refused 4 "is in phase acceptance; submit_to_experts needs phase evaluation" --as office case submit_to_experts "$case"
# R11: a provider that is not on the case does not learn that it exists.
unchanged refused 3 "no case $case" --as rival case show "$case"
unchanged refused 3 "no case $case" --as rival case accept "$case"
ok --as office case accept "$case"

# --- evaluation ---
unchanged refused 4 "is in phase evaluation; decide needs phase expert_review or special_review" \
  --as office case decide "$case" --outcome passed --rationale "too early"
unchanged refused 4 "is in phase evaluation; publish needs phase decided" --as office case publish "$case"
# R3: the provider's signed commitment comes first, then a task, then its signed report.
unchanged refused 4 "cannot submit_to_experts: the provider has not signed its security commitment \(commitment_signed\)" \
  --as office case submit_to_experts "$case"
unchanged refused 4 "role operator may not commitment.sign" --as bank commitment sign "$case" --text "not ours"
ok --as vendor commitment sign "$case" --text "We commit to no backdoors and full cooperation."
unchanged refused 4 "already holds a signed commitment" --as vendor commitment sign "$case" --text "again"
unchanged refused 4 "cannot submit_to_experts: .*\(task_assigned\)" --as office case submit_to_experts "$case"
# R10: an institution affiliated with the provider is never assigned.
unchanged refused 4 "Lab Two has a conflict of interest on case NR-2026-0001: contractor of Acme Networks \(the provider\)" \
  --as office task assign "$case" --institution "Lab Two" --method lab_testing
ok --as office affiliation check --institution "Lab Two" --case "$case" --json
expect_eq "$(jget .conflicted)" true "Lab Two conflicted"
expect_eq "$(jget .reason)" "contractor of Acme Networks (the provider)" "conflict reason"
# R5: outside the designation's methods, or after its end.
unchanged refused 4 "Lab Four is not designated for online_monitoring \(its scope: lab_testing\)" \
  --as office task assign "$case" --institution "Lab Four" --method online_monitoring
unchanged refused 4 "the designation of Lab Three is not in force on 2026-03-02 \(designated 2024-01-01 to 2025-12-31\)" \
  --as office task assign "$case" --institution "Lab Three" --method lab_testing
unchanged refused 7 "procedure cn-2017 has no evaluation method security_questionnaire" \
  --as office task assign "$case" --institution "Lab One" --method security_questionnaire
# An institution sees only the cases it is assigned to (R11).
unchanged refused 3 "no case $case" --as lab1 task assign "$case" --institution "Lab One" --method lab_testing
ok --as office task assign "$case" --institution "Lab One" --method lab_testing --json
task=$(jget .id)
unchanged refused 4 "role institution may not task.assign" --as lab1 task assign "$case" --institution "Lab One" --method lab_testing
unchanged refused 4 "cannot submit_to_experts: 0 of 1 evaluation tasks have a signed report \(all_tasks_reported\)" \
  --as office case submit_to_experts "$case"
# Another institution cannot see, let alone sign, Lab One's task.
unchanged refused 3 "no task $task" --as lab2 task report "$task" --text "not my task"
ok --as lab1 task report "$task" --text "Laboratory testing: nothing above low." --standards "GB/T 22239-2019"
# R13: while materials are pending the case does not move on.
ok --as office case request-materials "$case" --what "source code of the update client"
unchanged refused 4 "cannot submit_to_experts: 1 requested materials have not arrived \(no_pending_materials\)" \
  --as office case submit_to_experts "$case"
ok --as vendor case receive-materials "$case"

# R6: two of the six experts are conflicted: a panel of five cannot be formed, and nothing of
# the attempt is kept.
unchanged refused 4 "panel needs 5 unconflicted experts; only 4 are available \(2 excluded: expert2: consultant of Rival Systems \(a competitor of the provider\); expert3: former employee of Acme Networks \(the provider\)\)" \
  --as office panel form "$case"
unchanged refused 3 "has no panel yet" --as office panel show "$case"
add_user expert7 "Expert 7" "Experts Committee" expert
ok expert appoint expert7 --from 2024-01-01 --until 2030-12-31
ok --as office panel form "$case" --experts expert1,expert2,expert3,expert4,expert5,expert6,expert7 --json
expect_eq "$(jget '[.members[] | select(.status == "member") | .login] | join(",")')" \
  expert1,expert4,expert5,expert6,expert7 "panel members"
expect_eq "$(jget '.members[] | select(.login == "expert2") | .status + ": " + .reason')" \
  "excluded: consultant of Rival Systems (a competitor of the provider)" "expert2 excluded with the reason"
expect_eq "$(jget '.members[] | select(.login == "expert3") | .status + ": " + .reason')" \
  "excluded: former employee of Acme Networks (the provider)" "expert3 excluded with the reason"
# A panel member cannot score before the case reaches the experts.
unchanged refused 4 "is in phase evaluation; score.submit needs phase expert_review or special_review" \
  --as expert1 score submit "$case" --dimension control --level low --reason "too early"
ok --as office case submit_to_experts "$case"

# --- expert_review ---
# An expert not on the panel (or excluded from it) does not see the case: not found.
unchanged refused 3 "no case $case" --as expert2 score submit "$case" --dimension control --level low --reason "excluded"
unchanged refused 3 "no case $case" --as expert3 panel recuse "$case" --reason "not on it"
unchanged refused 3 "no case $case" --as expert3 case show "$case"
unchanged refused 4 "role institution may not decide \(allowed: office, sector_dept\)" \
  --as lab1 case decide "$case" --outcome passed --rationale "not ours"
unchanged refused 4 "role provider may not decide" --as vendor case decide "$case" --outcome passed --rationale "ours"
unchanged refused 4 "is in phase expert_review; publish needs phase decided" --as office case publish "$case"
# Every member scores control high: the panel recommends failed.
scores_file low high
for e in expert1 expert4 expert5 expert6; do
  ok --as "$e" score submit "$case" --file "$T/scores.json"
done
unchanged refused 4 "cannot decide: 4 of 5 panel members have scored every dimension \(all_scored\)" \
  --as office case decide "$case" --outcome failed --rationale "not yet"
ok --as expert7 score submit "$case" --file "$T/scores.json"
ok --as office panel show "$case" --json
expect_eq "$(jget .recommendation)" failed "recommendation"
unchanged refused 4 "scores are sealed and complete" --as expert1 score submit "$case" --dimension control --level none --reason "changed my mind"
# R7: overriding the panel needs a written justification.
unchanged refused 4 "the panel recommends failed; deciding passed needs a written justification" \
  --as office case decide "$case" --outcome passed --rationale "The provider fixed the finding."
ok --as office case decide "$case" --outcome passed --rationale "The provider fixed the finding." \
  --justification "Lab One verified the fix in 2.1.1 after the panel scored." --json
expect_eq "$(jget .decision.outcome)/$(jget .decision.recommendation)" passed/failed "outcome against the recommendation"
expect_eq "$(jget .decision.justification)" "Lab One verified the fix in 2.1.1 after the panel scored." "justification"

# --- decided ---
unchanged refused 4 "role operator may not publish \(allowed: office\)" --as bank case publish "$case"
unchanged refused 4 "role protection_dept may not publish" --as protect case publish "$case"
unchanged refused 4 "is in phase decided; decide needs phase expert_review or special_review" \
  --as office case decide "$case" --outcome failed --rationale "again"
ok --as office case publish "$case"
unchanged refused 4 "is in phase published; publish needs phase decided" --as office case publish "$case"
ok audit verify
echo ok
