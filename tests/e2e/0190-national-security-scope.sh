#!/usr/bin/env bash
# R1: a CII operator's declaration goes to scoping, where the protection department of its sector
# decides; a declaration for a national-security system is always in scope and skips scoping.
. "$(dirname "$0")/lib.sh"
setup_registry

ok --as bank declaration file --product "Acme Router" --versions "2.1.0" --purpose "branch routers" --json
expect_eq "$(jget .phase)" scoping "an ordinary declaration"
ok --as bank declaration file --product "Acme Router" --versions "2.1.0" --national-security --json
expect_eq "$(jget .phase)" acceptance "a national-security declaration"
case=$(jget .case_id)
ok --as office case show "$case" --json
expect_eq "$(jget .trigger)" national_security_procurement "trigger"
expect_eq "$(jget .scoping_result)" required "scoping result"
jget .scoping_reason | grep -q "always in scope" || fail "scoping reason: $(jget .scoping_reason)"
ok --as bank declaration list --json
expect_eq "$(jq '[.[] | select(.national_security == true)] | length' "$T/out")" 1 "flag on the declaration"
# The protection department has nothing to scope on it.
unchanged refused 4 "needs phase scoping" --as protect case scope_in "$case" --reason "x"
echo ok
