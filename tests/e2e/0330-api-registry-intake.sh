#!/usr/bin/env bash
# Over HTTP: the registry set up by office and committee users (R5, R6, R10), complaints from
# the public with the per-address limit (R2), procurement declarations (R1), the panel and its
# sealed scores (R6), the decisions register as the public and as the office with the signed
# export verified offline (R7), and the audit log verified (R11). Only the first office and
# committee users come from the command line, as the local administrator, who does not exist
# over HTTP. Every refusal checks its status, its JSON error code and that nothing changed.
. "$(dirname "$0")/lib.sh"
export NETREVIEW_NOW=2026-03-02T09:00:00Z

ok init --crypto intl --procedure cn-2017
ok org add "Review Office" --kind office
ok org add "Review Committee" --kind committee
add_user office "Office Clerk" "Review Office" office
add_user committee "Chair" "Review Committee" committee
serve_start

# The database without the sessions table: a signed-in request may note when its session was
# last seen, which is not a change a refusal made.
snap() { db_snapshot | awk '/^== /{skip = ($2 == "sessions")} !skip'; }
# refuse STATUS CODE METHOD PATH [BODY]: the answer is STATUS with the error CODE, and the
# database is the same after as before.
refuse() {
  local before after
  before=$(snap)
  api_error "$@"
  after=$(snap)
  [ "$before" = "$after" ] || fail "$NR_CALLER: $3 $4 was refused but changed the database"
}
# created PATH BODY: a 201; the new object's answer stays in $T/body.
created() { api_expect 201 POST "$@"; }
# same_as_cli JQ ARGS...: the body of the last answer (after JQ) is the JSON `netreview ARGS
# --json` prints.
same_as_cli() {
  local filter=$1
  shift
  ok "$@" --json
  expect_eq "$(jq -S "$filter" "$T/body")" "$(jq -S . "$T/out")" "HTTP and CLI JSON of $*"
}
# user LOGIN NAME ORG ROLE: created over HTTP by the current caller, password "password-LOGIN".
user() {
  created /api/v1/users "$(jq -cn --arg l "$1" --arg n "$2" --arg o "$3" --arg r "$4" \
    '{login: $l, name: $n, org: $o, role: $r, password: ("password-" + $l)}')"
}

# --- The registry, by the office (R5) ---
sign_in office
created /api/v1/orgs '{"name": "Experts Committee", "kind": "experts_committee"}'
created /api/v1/orgs '{"name": "Acme Networks", "kind": "provider", "country": "CN"}'
acme=$(bget .id)
grep -qi "^Location: /api/v1/orgs/$acme" "$T/headers" || fail "no Location for the new org"
created /api/v1/orgs '{"name": "Rival Systems", "kind": "provider", "country": "CN"}'
created /api/v1/orgs '{"name": "First Bank", "kind": "operator", "sector": "finance", "cii": true}'
created /api/v1/orgs '{"name": "Corner Shop", "kind": "operator", "sector": "retail"}'
created /api/v1/orgs '{"name": "Finance Protection", "kind": "protection_dept", "sector": "finance"}'
created /api/v1/orgs '{"name": "Finance Department", "kind": "sector_dept", "sector": "finance"}'
created /api/v1/orgs '{"name": "Lab One", "kind": "institution"}'
created /api/v1/orgs/Acme%20Networks/competitors '{"competitor": "Rival Systems"}'
expect_eq "$(bget .org_id)" "$acme" "competitor org_id"

refuse 409 exists POST /api/v1/orgs '{"name": "Acme Networks", "kind": "provider"}'
refuse 409 exists POST /api/v1/orgs/Rival%20Systems/competitors '{"competitor": "Acme Networks"}'
refuse 400 invalid POST /api/v1/orgs '{"name": "Odd", "kind": "provider", "website": "x"}'
refuse 400 invalid POST /api/v1/orgs '{"name": "Odd", "kind": "provider", "cii": "yes"}'
refuse 400 invalid POST /api/v1/orgs '{"kind": "provider"}'
refuse 400 invalid POST /api/v1/orgs '{"name": "Odd", "kind": "vendor"}'
refuse 404 not_found POST /api/v1/orgs/Nobody/competitors '{"competitor": "Acme Networks"}'
refuse 400 invalid POST /api/v1/orgs/Acme%20Networks/competitors '{"competitor": "Nobody"}'

user vendor "Vendor Rep" "Acme Networks" provider
grep -qi "^Location: /api/v1/users/vendor" "$T/headers" || fail "no Location for the new user"
# The password goes in and never comes out.
! grep -q "password-vendor" "$T/body" || fail "the answer echoes the password"
user rival "Rival Rep" "Rival Systems" provider
user bank "Bank Buyer" "First Bank" operator
user shop "Shop Owner" "Corner Shop" operator
user protect "Protector" "Finance Protection" protection_dept
user findept "Finance Officer" "Finance Department" sector_dept
user lab1 "Lab One Engineer" "Lab One" institution
for i in 1 2 3 4 5 6 7; do user "expert$i" "Expert $i" "Experts Committee" expert; done
api_expect 200 GET /api/v1/users/vendor
expect_eq "$(bget .has_password)/$(bget 'has("password")')/$(bget 'has("password_hash")')" \
  "true/false/false" "a user shows that it has a password, not the password"
! grep -q "password-vendor" "$T/body" || fail "the user shows the password"
same_as_cli . user show vendor
api_error 404 not_found GET /api/v1/users/nobody
# The office keeps the registry but makes no committee members; a role fits its organisation.
refuse 403 forbidden POST /api/v1/users \
  '{"login": "chair2", "name": "Chair 2", "org": "Review Committee", "role": "committee", "password": "password-chair2"}'
refuse 400 invalid POST /api/v1/users \
  '{"login": "odd", "name": "Odd", "org": "Acme Networks", "role": "operator", "password": "password-odd"}'
refuse 409 exists POST /api/v1/users \
  '{"login": "vendor", "name": "Again", "org": "Acme Networks", "role": "provider", "password": "password-vendor"}'
refuse 400 invalid POST /api/v1/users \
  '{"login": "short", "name": "Short", "org": "Acme Networks", "role": "provider", "password": "short"}'
refuse 400 invalid POST /api/v1/users \
  '{"login": "typed", "name": "Typed", "org": "Acme Networks", "role": "provider", "password": 12345678}'

created /api/v1/products '{"name": "Acme Router", "provider": "Acme Networks", "cpe": "cpe:2.3:h:acme:router:*:*:*:*:*:*:*:*", "purl": "pkg:generic/acme/router"}'
router_id=$(bget .id)
created /api/v1/products/Acme%20Router/versions '{"version": "2.0.0"}'
created "/api/v1/products/$router_id/versions" '{"version": "2.1.0", "purl": "pkg:generic/acme/router@2.1.0"}'
expect_eq "$(bget .product_id)/$(bget .version)" "$router_id/2.1.0" "version added"
refuse 409 exists POST /api/v1/products/Acme%20Router/versions '{"version": "2.1.0"}'
refuse 404 not_found POST /api/v1/products/No%20Such/versions '{"version": "1.0"}'
api_expect 200 GET "/api/v1/products/$router_id"
expect_eq "$(bget '[.versions[].version] | join(",")')" "2.0.0,2.1.0" "versions of the router"
same_as_cli . product show "Acme Router"

created /api/v1/institutions '{"org": "Lab One", "methods": ["lab_testing", "online_monitoring", "on_site_inspection", "background_investigation"], "from": "2024-01-01", "until": "2030-12-31"}'
refuse 400 invalid POST /api/v1/institutions '{"org": "Lab One", "methods": [7]}'
refuse 400 invalid POST /api/v1/institutions '{"org": "Lab One"}'
refuse 409 exists POST /api/v1/institutions '{"org": "Lab One", "methods": "lab_testing"}'
# R5: experts are appointed by the committee alone.
refuse 403 forbidden POST /api/v1/experts '{"login": "expert1", "from": "2024-01-01"}'

# A provider adds products of its own, and nothing else of the registry.
sign_in vendor
created /api/v1/products '{"name": "Acme Switch", "provider": "Acme Networks"}'
created /api/v1/products/Acme%20Switch/versions '{"version": "1.0"}'
refuse 403 forbidden POST /api/v1/products '{"name": "Rival Box", "provider": "Rival Systems"}'
refuse 403 forbidden POST /api/v1/orgs '{"name": "Shell Company", "kind": "provider"}'
refuse 403 forbidden POST /api/v1/users \
  '{"login": "helper", "name": "Helper", "org": "Acme Networks", "role": "provider", "password": "password-helper"}'
# The public reads none of the registry.
as_user public
refuse 401 unauthenticated GET /api/v1/orgs
refuse 401 unauthenticated POST /api/v1/orgs '{"name": "Anon", "kind": "provider"}'

# --- The experts committee, by the committee (R6, R10) ---
sign_in committee
for i in 1 2 3 4 5 6 7; do
  created /api/v1/experts "{\"login\": \"expert$i\", \"field\": \"network security\", \"from\": \"2024-01-01\", \"until\": \"2030-12-31\"}"
done
refuse 409 exists POST /api/v1/experts '{"login": "expert1"}'
# expert6 consults for the provider's competitor: a conflict on every Acme case.
created /api/v1/affiliations '{"expert": "expert6", "org": "Rival Systems", "relation": "consultant"}'
expect_eq "$(bget .holder_kind)/$(bget .holder)/$(bget .relation)" "expert/expert6/consultant" "affiliation"
refuse 400 invalid POST /api/v1/affiliations '{"expert": "expert1", "institution": "Lab One", "org": "Acme Networks", "relation": "employee"}'
refuse 400 invalid POST /api/v1/affiliations '{"org": "Acme Networks", "relation": "employee"}'
refuse 400 invalid POST /api/v1/affiliations '{"expert": "expert1", "org": "Acme Networks", "relation": "friend"}'

# The lists are the command line's JSON, filtered as its options filter.
sign_in office
api_expect 200 GET /api/v1/orgs
same_as_cli . org list
api_expect 200 "GET" "/api/v1/orgs?kind=provider"
expect_eq "$(bget '[.[].name] | join(",")')" "Acme Networks,Rival Systems" "providers"
expect_eq "$(bget '.[0].competitors | join(",")')" "Rival Systems" "competitors of Acme"
api_expect 200 GET "/api/v1/users?role=expert"
expect_eq "$(bget length)" 7 "experts among the users"
api_expect 200 GET "/api/v1/users?org=First%20Bank"
expect_eq "$(bget '[.[].login] | join(",")')" bank "users of First Bank"
api_error 404 not_found GET "/api/v1/users?org=Nobody"
api_expect 200 GET "/api/v1/products?provider=Acme%20Networks"
expect_eq "$(bget '[.[].name] | join(",")')" "Acme Router,Acme Switch" "products of Acme"
api_expect 200 GET /api/v1/institutions
same_as_cli . institution list
api_expect 200 GET /api/v1/experts
same_as_cli . expert list
expect_eq "$(bget '[.[] | select(.in_force)] | length')" 7 "experts in force"
api_expect 200 GET "/api/v1/affiliations?expert=expert6"
expect_eq "$(bget '.[0].org')/$(bget length)" "Rival Systems/1" "affiliations of expert6"
same_as_cli . affiliation list --expert expert6
api_error 400 invalid GET "/api/v1/affiliations?expert=expert6&institution=Lab%20One"

# --- Complaints from the public, limited per address (R2) ---
as_user public
refuse 400 invalid POST /api/v1/complaints '{"product": "Acme Router"}'
refuse 400 invalid POST /api/v1/complaints '{"product": "Acme Router", "text": "x", "email": "a@b"}'
refuse 401 unauthenticated GET /api/v1/complaints
for i in 1 2 3 4 5; do
  created /api/v1/complaints "{\"product\": \"Acme Router\", \"version\": \"2.1.0\", \"text\": \"the router phones home ($i)\", \"contact\": \"reader$i@example.org\"}"
  expect_eq "$(bget .filed_by)" public "filed by"
  eval "complaint$i=$(bget .id)"
done
refuse 429 too_many POST /api/v1/complaints '{"product": "Acme Router", "text": "one more"}'
retry=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/Ip' "$T/headers" | tr -d '\r')
[ -n "$retry" ] && [ "$retry" -ge 1 ] && [ "$retry" -le 3600 ] || fail "Retry-After '$retry'"
# The limit is the address's, whoever signs in from it.
as_user vendor
refuse 429 too_many POST /api/v1/complaints '{"product": "Acme Router", "text": "from the vendor"}'
# The office reads them all, with the address they came from; a user reads their own (none).
as_user office
api_expect 200 GET /api/v1/complaints
expect_eq "$(bget length)" 5 "complaints the office reads"
expect_eq "$(bget '[.[].source_addr] | unique | join(",")')" 127.0.0.1 "source addresses"
same_as_cli . --as office complaint list
as_user vendor
api_expect 200 GET /api/v1/complaints
expect_eq "$(bget length)" 0 "complaints the vendor reads"

# --- Procurement declarations (R1) ---
sign_in bank
created /api/v1/declarations '{"product": "Acme Router", "versions": "2.1.0", "purpose": "core routers", "contract_ref": "FB-2026-17"}'
expect_eq "$(bget .phase)/$(bget .sector)" scoping/finance "an ordinary declaration"
case_a=$(bget .case_id)
ref_a=$(bget .ref)
created /api/v1/declarations '{"product": "Acme Router", "versions": "2.1.0", "national_security": true}'
expect_eq "$(bget .phase)" acceptance "a national-security declaration skips scoping"
refuse 400 invalid POST /api/v1/declarations '{"product": "Acme Router", "versions": "2.1.0", "national_security": "yes"}'
refuse 400 invalid POST /api/v1/declarations '{"product": "Acme Router"}'
refuse 400 invalid POST /api/v1/declarations '{"product": "Acme Router", "versions": "2.1.0", "contract": "x"}'
refuse 404 not_found POST /api/v1/declarations '{"product": "No Such Router", "versions": "*"}'
api_expect 200 GET /api/v1/declarations
expect_eq "$(bget length)" 2 "the bank's declarations"
same_as_cli . --as bank declaration list
sign_in shop
refuse 403 forbidden POST /api/v1/declarations '{"product": "Acme Router", "versions": "2.1.0"}'
as_user vendor
refuse 403 forbidden POST /api/v1/declarations '{"product": "Acme Router", "versions": "2.1.0"}'
refuse 403 forbidden GET /api/v1/declarations
sign_in protect
api_expect 200 GET /api/v1/declarations
expect_eq "$(bget length)" 2 "the finance sector's declarations"

# The case goes through scoping and evaluation on the command line (0320 does it over HTTP).
ok --as protect case scope_in "$case_a" --reason "Core routers of the payment network."
to_experts "$case_a"

# --- The panel and its sealed scores (R6) ---
sign_in vendor
refuse 403 forbidden POST "/api/v1/cases/$case_a/panel" '{}'
sign_in rival
refuse 404 not_found GET "/api/v1/cases/$case_a/panel"
refuse 404 not_found POST "/api/v1/cases/$case_a/panel" '{}'
as_user committee
api_expect 200 GET "/api/v1/affiliations?case=$ref_a&expert=expert6"
expect_eq "$(bget .conflicted)" true "expert6 is conflicted on the case"
echo "$(bget .reason)" | grep -q "Rival Systems" || fail "conflict reason: $(bget .reason)"
api_expect 200 GET "/api/v1/affiliations?case=$case_a&expert=expert1"
expect_eq "$(bget .conflicted)" false "expert1 is not conflicted"
as_user vendor
refuse 403 forbidden GET "/api/v1/affiliations?case=$case_a&expert=expert1"
as_user office
refuse 400 invalid POST "/api/v1/cases/$case_a/panel" '{"experts": "expert1,expert2", "size": 5}'
refuse 400 invalid POST "/api/v1/cases/$case_a/panel" '{"experts": [1, 2]}'
# R6: with expert6 left out for its conflict, four experts are too few.
refuse 409 precondition_failed POST "/api/v1/cases/$case_a/panel" \
  '{"experts": ["expert1", "expert2", "expert3", "expert4", "expert6"]}'
api_expect 200 POST "/api/v1/cases/$case_a/panel" \
  '{"experts": ["expert1", "expert2", "expert3", "expert4", "expert5"]}'
expect_eq "$(bget .members_active)" 5 "members after forming"
same_as_cli . --as office panel show "$case_a"

sign_in expert5
refuse 400 invalid POST "/api/v1/cases/$ref_a/panel/recusal" '{}'
api_expect 200 POST "/api/v1/cases/$ref_a/panel/recusal" '{"reason": "I reviewed this router for a client last year."}'
as_user office
api_expect 200 POST "/api/v1/cases/$case_a/panel" '{"experts": ["expert6", "expert7"]}'
expect_eq "$(bget .members_active)" 5 "the recused seat is filled"
expect_eq "$(bget '[.members[] | select(.login == "expert6")][0].status')" excluded "expert6"
expect_eq "$(bget '[.members[] | select(.login == "expert5")][0].status')" recused "expert5"
expect_eq "$(bget '[.members[] | select(.login == "expert5")][0].reason')" \
  "I reviewed this router for a client last year." "the recusal's reason is kept"

scores_file low
sheet=$(jq -c '{scores: .}' "$T/scores.json")
ndims=$(jq 'length' "$T/scores.json")
sign_in expert1
refuse 400 invalid POST "/api/v1/cases/$case_a/scores" '{"dimension": "control", "level": "low"}'
refuse 400 invalid POST "/api/v1/cases/$case_a/scores" \
  "$(jq -c '. + {dimension: "control", level: "low", reason: "both"}' <<<"$sheet")"
refuse 400 invalid POST "/api/v1/cases/$case_a/scores" \
  '{"dimension": "control", "level": "catastrophic", "reason": "no such level"}'
refuse 400 malformed POST "/api/v1/cases/$case_a/scores" '{"scores": {"control": {"level": "low"}}}'
expect_eq "$(bget .error.field)" scores.control "field of a malformed sheet"
# A sheet is stored whole or not at all.
refuse 400 invalid POST "/api/v1/cases/$case_a/scores" \
  "$(jq -c '.scores.control.level = "catastrophic"' <<<"$sheet")"
api_expect 200 POST "/api/v1/cases/$case_a/scores" "$sheet"
expect_eq "$(bget .sealed)" true "sealed until all are in"
expect_eq "$(bget '[.members[] | select(.login == "expert1")][0].scores | length')" "$ndims" \
  "expert1 sees its own scores"
sign_in expert2
api_expect 200 POST "/api/v1/cases/$case_a/scores" \
  '{"dimension": "control", "level": "low", "reason": "no remote control channel found"}'
# R6: an expert sees no one else's scores before all are in.
expect_eq "$(bget '[.members[] | select(.login == "expert1")][0].scores // [] | length')" 0 \
  "expert2 sees expert1's scores"
expect_eq "$(bget '[.members[] | select(.login == "expert2")][0].scores | length')" 1 \
  "expert2 sees its own score"
api_expect 200 POST "/api/v1/cases/$case_a/scores" "$sheet"
# R11: an expert left out of the panel does not sit on the case: it is not there for them.
sign_in expert6
refuse 404 not_found POST "/api/v1/cases/$case_a/scores" "$sheet"
as_user office
refuse 403 forbidden POST "/api/v1/cases/$case_a/scores" "$sheet"
api_expect 200 GET "/api/v1/cases/$case_a/panel"
expect_eq "$(bget .sealed)/$(bget .recommendation)" "true/null" "the office before all are in"
expect_eq "$(bget '[.members[].scores // [] | length] | add')" 0 "scores the office sees before all are in"
for e in expert3 expert4 expert7; do
  sign_in "$e"
  api_expect 200 POST "/api/v1/cases/$case_a/scores" "$sheet"
done
as_user office
api_expect 200 GET "/api/v1/cases/$case_a/panel"
expect_eq "$(bget .sealed)/$(bget .recommendation)" "false/passed" "the panel once all are in"
sign_in expert1
refuse 409 precondition_failed POST "/api/v1/cases/$case_a/scores" \
  '{"dimension": "control", "level": "high", "reason": "second thoughts"}'

# --- Decisions: the register as the public, an audience and the office (R7) ---
# Three cases decided on the command line: public, restricted to First Bank, internal.
ok --as office case decide "$case_a" --outcome passed --rationale "No finding above low." --versions 2.1.0 --visibility public
ok --as office case publish "$case_a" --json
dec_a=$(jget .decision.id)
ok --as office case open --trigger complaints --product "Acme Router" --versions ">=2.0 <3.0" --complaints "$complaint1,$complaint2" --json
case_b=$(jget .id)
to_experts "$case_b"
panel_scores "$case_b" low critical
ok --as office case decide "$case_b" --outcome failed --rationale "An undeclared remote-control channel." --visibility restricted --audience "org:First Bank"
ok --as office case publish "$case_b" --json
dec_b=$(jget .decision.id)
ok --as findept case open --trigger state_requirement --product "Acme Switch" --sector finance --json
case_c=$(jget .id)
to_experts "$case_c"
panel_scores "$case_c" low
ok --as office case decide "$case_c" --outcome passed --rationale "Kept internal." --visibility internal
ok --as office case publish "$case_c" --json
dec_c=$(jget .decision.id)

ids() { bget '[.items[].id] | sort | map(tostring) | join(",")'; }
as_user public
api_expect 200 GET /api/v1/decisions
expect_eq "$(ids)" "$dec_a" "the public register"
api_expect 200 GET /api/v1/decisions/$dec_a
same_as_cli . --as public decision show "$dec_a"
refuse 404 not_found GET "/api/v1/decisions/$dec_b"
refuse 404 not_found GET "/api/v1/decisions/$dec_c"
refuse 404 not_found GET "/api/v1/decisions/$dec_c/export"
refuse 404 not_found GET /api/v1/decisions/99999
refuse 400 invalid GET /api/v1/decisions/abc
as_user rival
api_expect 200 GET /api/v1/decisions
expect_eq "$(ids)" "$dec_a" "the register of a provider with no part in these cases"
as_user bank
api_expect 200 GET /api/v1/decisions
expect_eq "$(ids)" "$(printf '%s\n' "$dec_a" "$dec_b" | sort | paste -sd,)" "the register of the audience"
as_user office
api_expect 200 GET /api/v1/decisions
expect_eq "$(ids)" "$(printf '%s\n' "$dec_a" "$dec_b" "$dec_c" | sort | paste -sd,)" "the office's register"
ok --as office decision list --json
expect_eq "$(bget '.items | length')" "$(jget length)" "the CLI's list"
api_expect 200 GET "/api/v1/decisions/$dec_c"
expect_eq "$(bget .visibility)" internal "an internal decision, to the office"
# Filters and pages.
api_expect 200 GET "/api/v1/decisions?outcome=failed"
expect_eq "$(ids)" "$dec_b" "failed decisions"
api_expect 200 GET "/api/v1/decisions?product=Acme%20Switch"
expect_eq "$(ids)" "$dec_c" "decisions on the switch"
api_expect 200 GET "/api/v1/decisions?product=No%20Such%20Thing"
expect_eq "$(bget '.items | length')" 0 "decisions on an unknown product"
api_expect 200 GET "/api/v1/decisions?sector=finance"
expect_eq "$(ids)" "$(printf '%s\n' "$dec_a" "$dec_c" | sort | paste -sd,)" "decisions of the finance sector"
api_expect 200 GET "/api/v1/decisions?provider=Acme%20Networks&outcome=passed"
expect_eq "$(ids)" "$(printf '%s\n' "$dec_a" "$dec_c" | sort | paste -sd,)" "passed decisions on Acme's products"
api_expect 200 GET "/api/v1/decisions?provider=Rival%20Systems"
expect_eq "$(bget '.items | length')" 0 "decisions on Rival's products"
api_expect 200 GET "/api/v1/decisions?limit=2"
expect_eq "$(bget '.items | length')/$(bget .next_offset)" 2/2 "first page"
api_expect 200 GET "/api/v1/decisions?limit=2&offset=2"
expect_eq "$(bget '.items | length')/$(bget .next_offset)" 1/null "last page"
api_error 400 invalid GET "/api/v1/decisions?limit=0"
api_error 400 invalid GET "/api/v1/decisions?offset=-1"
as_user public
api_expect 200 GET "/api/v1/decisions?sector=finance"
expect_eq "$(ids)" "$dec_a" "the public's decisions of the finance sector"

# The signed document, exported by anyone who may see the decision, verifies offline with the
# office's public key fetched from the server (R7).
as_user public
api_expect 200 GET "/api/v1/decisions/$dec_a/export"
grep -qi '^Content-Type: application/json' "$T/headers" || fail "export content type"
grep -qi "^Content-Disposition: attachment; filename=\"decision-$dec_a.json\"" "$T/headers" ||
  fail "export disposition: $(cat "$T/headers")"
cp "$T/body" "$T/decision-a.json"
api_expect 200 GET /api/v1/decisions/key
grep -qi '^Content-Type: text/plain' "$T/headers" || fail "key content type"
cp "$T/body" "$T/office.pub"
cmp -s "$T/office.pub" "$NETREVIEW_DB-data/keys/office.pub" || fail "the served key is not the office's"
(unset NETREVIEW_DB; ok decision verify "$T/decision-a.json" --key "$T/office.pub")
ok --as office decision export "$dec_a" --out "$T/decision-a-cli.json"
cmp -s "$T/decision-a.json" "$T/decision-a-cli.json" || fail "HTTP and CLI exports differ"
# A byte changed in the payload breaks the signature.
sed 's/No finding above low/No finding above none/' "$T/decision-a.json" >"$T/forged.json"
refused 5 "does not verify" decision verify "$T/forged.json" --key "$T/office.pub"
status=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -H 'Accept: application/json' "$NR_URL/api/v1/decisions/key")
expect_eq "$status" 200 "key as JSON"
ok decision key --json
expect_eq "$(jq -S . "$T/body")" "$(jq -S . "$T/out")" "key JSON over HTTP and CLI"
status=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -H 'Accept: application/x-pem-file' "$NR_URL/api/v1/decisions/key")
expect_eq "$status" 200 "key as PEM file"
grep -qi '^Content-Type: application/x-pem-file' "$T/headers" || fail "PEM content type"
as_user bank
api_expect 200 GET "/api/v1/decisions/$dec_b/export"
cp "$T/body" "$T/decision-b.json"
ok decision verify "$T/decision-b.json" --key "$T/office.pub"

# --- The audit log (R11) ---
as_user vendor
refuse 403 forbidden GET /api/v1/audit/verify
refuse 403 forbidden GET /api/v1/audit
as_user rival
refuse 404 not_found GET "/api/v1/audit?case=$case_a"
sign_in findept
api_expect 200 GET "/api/v1/audit?case=$case_c"
[ "$(bget length)" -gt 5 ] || fail "the sector department's view of its case's history"
as_user office
api_expect 200 GET /api/v1/audit/verify
entries=$(sqlite3 "$NETREVIEW_DB" "SELECT COUNT(*) FROM audit")
expect_eq "$(bget .ok)/$(bget .entries)/$(bget .first_bad_entry)" "true/$entries/null" "audit verify"
ok audit verify --json
expect_eq "$(jq -S . "$T/body")" "$(jq -S . "$T/out")" "audit verify over HTTP and CLI"
api_expect 200 GET "/api/v1/audit?case=$ref_a&limit=3"
expect_eq "$(bget length)/$(bget '[.[].case_id] | unique | join(",")')" "3/$case_a" "three entries of case A"
api_expect 200 GET "/api/v1/audit?case=$case_a"
same_as_cli . --as office audit log --case "$case_a"
api_error 400 invalid GET "/api/v1/audit?limit=0"
api_error 404 not_found GET "/api/v1/audit?case=NR-1999-0001"
# Someone with the database file rewrites history: the chain names the entry.
bad=$(sqlite3 "$NETREVIEW_DB" "SELECT id FROM audit WHERE action = 'complaint.file' ORDER BY id LIMIT 1")
sqlite3 "$NETREVIEW_DB" "UPDATE audit SET detail = 'product_name=nothing' WHERE id = $bad"
api_expect 200 GET /api/v1/audit/verify
expect_eq "$(bget .ok)/$(bget .first_bad_entry)" "false/$bad" "audit verify after tampering"

serve_stop
echo ok
