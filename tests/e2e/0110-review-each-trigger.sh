#!/usr/bin/env bash
# R2: a whole review, to a decision, for each trigger other than complaints (0100 has those):
# state_requirement, association_recommendation, provider_application, procurement_declaration
# (scoped in and scoped out, R1) and re_review (R14). Each outcome reaches the gate (R9):
# passed -> prioritized, passed_with_conditions -> allowed_with_conditions with its conditions,
# failed -> prohibited; restricted and internal decisions are seen only by their audience (R7);
# an expired decision turns the gate to expired; a CII operator gets review_required.
. "$(dirname "$0")/lib.sh"
export NETREVIEW_NOW=2026-03-02T09:00:00Z
setup_registry
ok org add "Telecom Carrier" --kind operator --sector telecom --cii
add_user telco "Telco Buyer" "Telecom Carrier" operator
for p in "Acme Switch" "Acme Firewall" "Acme VPN" "Acme Phone" "Acme Camera" "Acme Modem"; do
  ok product add "$p" --provider "Acme Networks"
  ok product add-version "$p" 1.0
done

user_id() { ok user show "$1" --json && jget .id; }
org_id() { ok org show "$1" --json && jget .id; }

# raised CASE TRIGGER LOGIN ORG: the trigger and who raised it stay on the case (R2).
# Leaves the case view in $T/out.
raised() {
  local uid oid
  uid=$(user_id "$3")
  oid=$(org_id "$4")
  ok --as office case show "$1" --json
  expect_eq "$(jget .trigger)" "$2" "trigger of case $1"
  expect_eq "$(jget .raised_by_user)/$(jget .raised_by_org)" "$uid/$oid" "raised_by of case $1"
}

# --- state_requirement: the ministry requires a review; passed, public. ---
ok --as ministry case open --trigger state_requirement --product "Acme Router" --versions 2.1.0 --detail "used in government networks" --json
router=$(jget .id)
expect_eq "$(jget .phase)" acceptance "state_requirement starts in acceptance"
expect_eq "$(jget .trigger_detail)" "used in government networks" "trigger detail"
raised "$router" state_requirement ministry Ministry
to_experts "$router"
panel_scores "$router" low
expect_eq "$(jget .recommendation)" passed "recommendation for low scores"
ok --as office case decide "$router" --outcome passed --rationale "No finding above low." --versions 2.1.0 --visibility public --json
expect_eq "$(jget .phase)" decided "phase after decide"
# R7: until it is published, the decision is the office's own: the public register does not
# show it, and the gate tells everyone else that a review is in progress. (The command line has
# no public actor: without --as it acts as the local administrator, who reads everything. Rival
# Systems, a provider with no part in these cases, stands for the public below.)
ok --as rival decision list --json
expect_eq "$(jget length)" 0 "the register before publication"
gate_expect under_review allowed --as rival gate check --product "Acme Router" --version 2.1.0
ok --as office case publish "$router" --json
expect_eq "$(jget .phase)" published "phase after publish"
router_decision=$(jget .decision.id)
gate_expect passed prioritized --as rival gate check --product "Acme Router" --version 2.1.0
expect_eq "$(jget .decision_id)" "$router_decision" "gate names the decision"
gate_expect passed prioritized --as bank gate check --product "Acme Router" --version 2.1.0 --operator "First Bank"
gate_expect passed prioritized --as telco gate check --cpe "cpe:2.3:h:acme:router:2.1.0:*:*:*:*:*:*:*"
# A version the decision does not cover is not reviewed: for the CII bank, review_required.
gate_expect not_reviewed review_required --as bank gate check --product "Acme Router" --version 2.0.0

# --- association_recommendation: passed with conditions, which the gate shows. ---
ok --as assoc case open --trigger association_recommendation --product "Acme Switch" --json
switch=$(jget .id)
raised "$switch" association_recommendation assoc "Public Voice Association"
to_experts "$switch" lab2 "Lab Two" lab_testing
panel_scores "$switch" low medium
expect_eq "$(jget .recommendation)" passed_with_conditions "recommendation for a medium median"
unchanged refused 7 "outcome passed_with_conditions needs the conditions" \
  --as office case decide "$switch" --outcome passed_with_conditions --rationale "Remote management is exposed."
ok --as office case decide "$switch" --outcome passed_with_conditions --rationale "Remote management is exposed." \
  --conditions "Disable remote management before use." --valid-until 2026-12-31 --visibility public
ok --as office case publish "$switch" --json
switch_decision=$(jget .decision.id)
gate_expect passed_with_conditions allowed_with_conditions --as rival gate check --product "Acme Switch" --version 1.0
expect_eq "$(jget .conditions)" "Disable remote management before use." "conditions at the gate"
expect_eq "$(jget .valid_until)" 2026-12-31 "valid until at the gate"
gate_expect passed_with_conditions allowed_with_conditions --as bank gate check --product "Acme Switch" --version 1.0

# --- provider_application: the vendor applies for its own product; failed. ---
ok --as vendor case open --trigger provider_application --product "Acme Firewall" --versions 1.0 --json
firewall=$(jget .id)
raised "$firewall" provider_application vendor "Acme Networks"
to_experts "$firewall"
panel_scores "$firewall" low critical
expect_eq "$(jget .recommendation)" failed "recommendation for a critical median"
ok --as office case decide "$firewall" --outcome failed --rationale "Remote shut-down channel (R4 category 1)." --visibility public
ok --as office case publish "$firewall" --json
firewall_decision=$(jget .decision.id)
gate_expect failed prohibited --as rival gate check --product "Acme Firewall" --version 1.0
gate_expect failed prohibited --as bank gate check --product "Acme Firewall" --version 1.0
# The provider sees its own case and its outcome.
ok --as vendor case show "$firewall" --json
expect_eq "$(jget .decision.outcome)" failed "the provider sees its outcome"

# --- procurement_declaration (R1): scoped in, reviewed, circulated to the finance sector. ---
ok --as bank declaration file --product "Acme VPN" --versions 1.0 --purpose "branch VPN concentrators" --contract "FB-2026-017" --json
vpn=$(jget .case_id)
expect_eq "$(jget .phase)" scoping "a declaration starts in scoping"
expect_eq "$(jget .sector)" finance "the declaration's sector"
raised "$vpn" procurement_declaration bank "First Bank"
expect_eq "$(jget .operator_id)" "$(org_id "First Bank")" "operator on the case"
# Only the protection department decides the scope, and only with a reason.
unchanged refused 4 "scope_in" --as office case scope_in "$vpn" --reason "not ours to decide"
unchanged refused 7 "needs a written reason" --as protect case scope_in "$vpn"
ok --as protect case scope_in "$vpn" --reason "The VPN carries interbank settlement traffic." --json
expect_eq "$(jget .phase)" acceptance "phase after scope_in"
expect_eq "$(jget .scoping_result)" required "scoping result"
expect_eq "$(jget .scoping_reason)" "The VPN carries interbank settlement traffic." "scoping reason"
to_experts "$vpn"
panel_scores "$vpn" none
ok --as office case decide "$vpn" --outcome passed --rationale "Nothing found." --visibility restricted --audience sector:finance
ok --as office case publish "$vpn" --json
vpn_decision=$(jget .decision.id)
# R7: circulated within limits: the finance sector sees it, another sector's operator does not.
gate_expect passed prioritized --as bank gate check --product "Acme VPN" --version 1.0
gate_expect not_reviewed review_required --as telco gate check --product "Acme VPN" --version 1.0
gate_expect not_reviewed allowed --as rival gate check --product "Acme VPN" --version 1.0
ok --as bank decision show "$vpn_decision" --json
expect_eq "$(jget .audience)" sector:finance "audience"
refused 3 "no decision $vpn_decision" --as telco decision show "$vpn_decision"
ok --as telco decision list --json
expect_eq "$(jget "[.[] | select(.id == $vpn_decision)] | length")" 0 "the telecom operator's register"
# Naming the bank does not let another operator see what was circulated to the bank.
gate_expect not_reviewed review_required --as telco gate check --product "Acme VPN" --version 1.0 --operator "First Bank"

# A second declaration, scoped out: not_required, closed, the reason kept on the case.
ok --as bank declaration file --product "Acme Phone" --versions 1.0 --purpose "desk phones" --json
phone=$(jget .case_id)
ok --as protect case scope_out "$phone" --reason "Desk phones on an isolated voice network." --json
expect_eq "$(jget .phase)" not_required "phase after scope_out"
ok --as bank case show "$phone" --json
expect_eq "$(jget .closed)" true "a scoped-out case is closed"
expect_eq "$(jget .scoping_result)" not_required "scoping result"
expect_eq "$(jget .scoping_reason)" "Desk phones on an isolated voice network." "scoping reason"
expect_eq "$(jget '.phases[-1].reason')" "Desk phones on an isolated voice network." "reason in the phase history"
ok --as bank declaration list --json
expect_eq "$(jget "[.[] | select(.case_id == $phone)][0].case_phase")" not_required "declaration list"
unchanged refused 4 "needs phase scoping" --as protect case scope_in "$phone" --reason "second thoughts"

# --- an internal decision: the office's alone; nobody else sees it at the gate. ---
ok --as findept case open --trigger state_requirement --product "Acme Camera" --sector finance --json
camera=$(jget .id)
raised "$camera" state_requirement findept "Finance Department"
to_experts "$camera"
panel_scores "$camera" low
ok --as office case decide "$camera" --outcome passed --rationale "Kept internal." --visibility internal
ok --as office case publish "$camera" --json
camera_decision=$(jget .decision.id)
gate_expect passed prioritized --as office gate check --product "Acme Camera" --version 1.0
gate_expect not_reviewed allowed --as rival gate check --product "Acme Camera" --version 1.0
gate_expect not_reviewed review_required --as bank gate check --product "Acme Camera" --version 1.0
gate_expect not_reviewed review_required --as telco gate check --product "Acme Camera" --version 1.0
refused 3 "no decision $camera_decision" --as bank decision show "$camera_decision"
ok --as rival decision list --json
expect_eq "$(jget '[.[] | .id] | sort | map(tostring) | join(",")')" "$router_decision,$switch_decision,$firewall_decision" \
  "the register of an outsider: the three public decisions"

# --- re_review (R14): the office re-reviews the published router decision. ---
ok --as office case open --trigger re_review --of "$router" --product "Acme Router" --versions 2.1.0 --detail "a new CVE hits a component of the SBOM" --json
rerouter=$(jget .id)
expect_eq "$(jget .re_review_of)" "$router" "re_review_of"
raised "$rerouter" re_review office "Review Office"
# While the re-review runs, the old decision stays in force.
gate_expect passed prioritized --as rival gate check --product "Acme Router" --version 2.1.0
to_experts "$rerouter"
panel_scores "$rerouter" low high
ok --as office case decide "$rerouter" --outcome failed --rationale "The vulnerable component allows remote control." --versions 2.1.0 --visibility public
ok --as office decision show "$router_decision" --json
expect_eq "$(jget .status)" superseded "the old decision after the re-review's decision"
ok --as office case publish "$rerouter" --json
rerouter_decision=$(jget .decision.id)
gate_expect failed prohibited --as rival gate check --product "Acme Router" --version 2.1.0
expect_eq "$(jget .decision_id)" "$rerouter_decision" "the gate follows the new decision"
gate_expect failed prohibited --as bank gate check --product "Acme Router" --version 2.1.0
# The old case is closed by supersede, with a reason naming the new case.
unchanged refused 7 "supersede needs a written reason" --as office case supersede "$router"
ok --as office case show "$rerouter" --json
reref=$(jget .ref)
ok --as office case supersede "$router" --reason "Superseded by the re-review $reref." --json
expect_eq "$(jget .phase)" closed "the old case after supersede"
expect_eq "$(jget .closed_reason)" "Superseded by the re-review $reref." "closed reason"
gate_expect failed prohibited --as rival gate check --product "Acme Router" --version 2.1.0
expect_eq "$(jget .decision_id)" "$rerouter_decision" "the gate after supersede"

# --- expiry (R14): after valid_until the gate answers expired. ---
NETREVIEW_NOW=2026-12-31T23:00:00Z gate_expect passed_with_conditions allowed_with_conditions \
  --as rival gate check --product "Acme Switch" --version 1.0
NETREVIEW_NOW=2027-01-04T09:00:00Z gate_expect expired allowed --as rival gate check --product "Acme Switch" --version 1.0
expect_eq "$(jget .valid_until)" 2026-12-31 "valid until of the expired decision"
NETREVIEW_NOW=2027-01-04T09:00:00Z gate_expect expired review_required --as bank gate check --product "Acme Switch" --version 1.0
# R9: a CII operator and a product never reviewed.
gate_expect not_reviewed review_required --as bank gate check --product "Acme Modem" --version 1.0
gate_expect not_reviewed allowed --as rival gate check --product "Acme Modem" --version 1.0

ok audit verify
echo ok
