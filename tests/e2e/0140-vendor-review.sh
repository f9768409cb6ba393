#!/usr/bin/env bash
# The same binary runs a company's pre-purchase vendor review (procedures/vendor-review.json):
# the business unit asks, the procurement security team runs the case, one evaluator, a review
# board of three, no scoping and no special review, decisions valid 365 days. It ends in a
# decision circulated to the business unit and a gate answer.
. "$(dirname "$0")/lib.sh"
export NETREVIEW_NOW=2026-03-02T09:00:00Z
ok init --crypto intl --procedure vendor-review
ok procedure show --json
expect_eq "$(jget .id)" vendor-review "procedure in force"
expect_eq "$(jget '[.phases[] | .id] | join(",")')" acceptance,evaluation,expert_review,decided,published,refused,withdrawn,closed "phases: no scoping, no special review"
expect_eq "$(jget '[.triggers[] | .id] | join(",")')" vendor_request,re_review "triggers"
expect_eq "$(jget .panel_size)/$(jget .max_tasks)" 3/1 "panel size and tasks per case"

# The company's registry: who plays which role of the procedure.
ok org add "Procurement Security" --kind office
ok org add "Steering Committee" --kind committee
ok org add "Review Board" --kind experts_committee
ok org add "Retail Banking" --kind operator --sector finance
ok org add "Cloudly" --kind provider
ok org add "Stormcloud" --kind provider
ok org competitor Cloudly Stormcloud
ok org add "Internal Test Team" --kind institution
ok org add "Contract Lab" --kind institution
add_user sec "Security Lead" "Procurement Security" office
add_user biz "Business Owner" "Retail Banking" operator
add_user cloudly "Cloudly Rep" Cloudly provider
add_user storm "Stormcloud Rep" Stormcloud provider
add_user tester "Tester" "Internal Test Team" institution
add_user contract "Lab Engineer" "Contract Lab" institution
for i in 1 2 3 4; do
  add_user "board$i" "Board Member $i" "Review Board" expert
  ok expert appoint "board$i" --from 2024-01-01
done
# The procedure's methods, not cn-2017's.
unchanged refused 7 "method online_monitoring is not a method of procedure vendor-review" \
  institution designate "Contract Lab" --methods online_monitoring --from 2024-01-01
ok institution designate "Internal Test Team" --methods security_questionnaire,lab_testing --from 2024-01-01
ok institution designate "Contract Lab" --methods lab_testing,on_site_inspection --from 2024-01-01
ok product add "Cloudly CRM" --provider Cloudly --kind service
ok product add-version "Cloudly CRM" 2026.1
ok product add "Cloudly Mail" --provider Cloudly --kind service
ok product add-version "Cloudly Mail" 5.0

# Only the procedure's triggers, raised by its roles; no procurement declaration, no scoping.
unchanged refused 7 "procedure vendor-review has no trigger state_requirement" \
  --as biz case open --trigger state_requirement --product "Cloudly CRM"
unchanged refused 7 "procedure vendor-review has no trigger procurement_declaration" \
  --as sec case open --trigger procurement_declaration --product "Cloudly CRM"
unchanged refused 4 "role provider may not raise vendor_request \(allowed: office, operator\)" \
  --as cloudly case open --trigger vendor_request --product "Cloudly CRM"

# Intake is 5 working days: Tue 3 ... Fri 6, Mon 9 Mar.
ok --as biz case open --trigger vendor_request --product "Cloudly CRM" --versions 2026.1 --detail "CRM for the branch network" --json
case=$(jget .id)
expect_eq "$(jget .phase)/$(jget .phase_due)" acceptance/2026-03-09 "a vendor request starts in acceptance"
unchanged refused 4 "role operator may not accept \(allowed: office\)" --as biz case accept "$case"
ok --as sec case accept "$case" --json
# Evaluation is 20 working days from Mon 2 Mar: 3-6 (4), 9-13 (9), 16-20 (14), 23-27 (19), Mon 30.
expect_eq "$(jget .phase)/$(jget .phase_due)" evaluation/2026-03-30 "evaluation deadline"
ok --as cloudly commitment sign "$case" --text "Cloudly declares no remote access to customer data and full cooperation."

# One evaluator per review: a second task is refused.
ok --as sec task assign "$case" --institution "Internal Test Team" --method security_questionnaire --json
task=$(jget .id)
unchanged refused 4 "procedure vendor-review allows 1 evaluation task per case; case NR-2026-0001 already has 1" \
  --as sec task assign "$case" --institution "Contract Lab" --method lab_testing
ok --as tester task report "$task" --text "Questionnaire and evidence review: remote support access is always on." --standards "ISO/IEC 27001:2022"
ok --as tester finding add "$case" --task "$task" --category control --severity low --title "Vendor support access always enabled"
ok --as sec case submit_to_experts "$case"

# A board of three: the first three appointed members; the fourth is not on it.
ok --as sec panel form "$case" --json
expect_eq "$(jget '[.members[] | select(.status == "member") | .login] | join(",")')" board1,board2,board3 "the review board"
expect_eq "$(jget .panel_size)" 3 "panel size"
unchanged refused 3 "no case $case" --as board4 score submit "$case" --dimension control --level low --reason "not on the board"
scores_file none low
for e in board1 board2; do
  ok --as "$e" score submit "$case" --file "$T/scores.json"
done
unchanged refused 4 "cannot decide: 2 of 3 panel members have scored every dimension \(all_scored\)" \
  --as sec case decide "$case" --outcome passed --rationale "not yet"
ok --as board3 score submit "$case" --file "$T/scores.json"
ok --as sec panel show "$case" --json
# Conditions start at low in this procedure.
expect_eq "$(jget .recommendation)" passed_with_conditions "recommendation with a low median"
unchanged refused 4 "the panel recommends passed_with_conditions; deciding passed needs a written justification" \
  --as sec case decide "$case" --outcome passed --rationale "fine"
ok --as sec case decide "$case" --outcome passed_with_conditions --rationale "Sound service; support access must be controlled." \
  --conditions "Contract clause: vendor support access only on our ticket, logged." \
  --visibility restricted --audience "org:Retail Banking" --json
expect_eq "$(jget .phase)" decided "phase after decide"
# Decisions are valid 365 days here.
expect_eq "$(jget .decision.valid_from)/$(jget .decision.valid_until)" 2026-03-02/2027-03-02 "validity"
ok --as sec case publish "$case" --json
expect_eq "$(jget .phase)" published "phase after publish"
decision=$(jget .decision.id)

# The gate: the business unit sees its conditions; a competitor does not see the decision.
gate_expect passed_with_conditions allowed_with_conditions --as biz gate check --product "Cloudly CRM" --version 2026.1
expect_eq "$(jget .conditions)" "Contract clause: vendor support access only on our ticket, logged." "conditions at the gate"
gate_expect not_reviewed allowed --as storm gate check --product "Cloudly CRM" --version 2026.1
gate_expect not_reviewed allowed --as biz gate check --product "Cloudly Mail" --version 5.0
ok --as sec decision export "$decision" --out "$T/decision.json"
ok decision verify "$T/decision.json" --key "$NETREVIEW_DB-data/keys/office.pub"

# The business unit may withdraw its own request, with a reason.
ok --as biz case open --trigger vendor_request --product "Cloudly Mail" --versions 5.0 --json
mail=$(jget .id)
unchanged refused 7 "withdraw needs a written reason" --as biz case withdraw "$mail"
ok --as biz case withdraw "$mail" --reason "The purchase was cancelled." --json
expect_eq "$(jget .phase)/$(jget .closed_reason)" "withdrawn/The purchase was cancelled." "a withdrawn request"
gate_expect not_reviewed allowed --as biz gate check --product "Cloudly Mail" --version 5.0
ok audit verify
echo ok
