#!/usr/bin/env bash
# R7 and the two suites: an installation on the Chinese national suite (SM2, SM3, SM4) runs a
# review to a published decision; the exported decision verifies offline with the office's key
# (exit 0), not with another installation's key (exit 5), not once edited (exit 5), and a
# malformed document or key is exit 7. The same checks on the international suite (0100 only
# checks the right key).
. "$(dirname "$0")/lib.sh"
export NETREVIEW_NOW=2026-03-02T09:00:00Z

# published_decision: a short review of Acme Router 2.1.0 in the installation at NETREVIEW_DB,
# exported to $T/<suite>.json; prints nothing.
published_decision() {
  local suite=$1 case decision
  ok --as ministry case open --trigger state_requirement --product "Acme Router" --versions 2.1.0 --json
  case=$(jget .id)
  to_experts "$case"
  panel_scores "$case" low
  ok --as office case decide "$case" --outcome passed --rationale "No finding above low." --versions 2.1.0 --visibility public
  ok --as office case publish "$case" --json
  decision=$(jget .decision.id)
  ok --as office decision export "$decision" --out "$T/$suite.json"
}

# verify_checks SUITE DOC KEY OTHER_KEY: the offline verification of one exported decision.
verify_checks() {
  local suite=$1 doc=$2 key=$3 other=$4 kid
  ok decision verify "$doc" --key "$key"
  grep -q "the signature verifies" "$T/out" || fail "$suite: verify output: $(cat "$T/out")"
  expect_eq "$(jq -r '.signature.suite + " " + .payload.suite + " " + .payload.outcome' "$doc")" "$suite $suite passed" "$suite document"
  kid=$(jq -r .signature.key_id "$doc")
  # The office key of another installation of the same suite.
  refused 5 "the document was signed by key $kid; the key given is" decision verify "$doc" --key "$other"
  # Pretending to be signed by that key does not help: the signature itself fails.
  jq --arg k "$(jq -r .signature.key_id "$T/other-$suite.json")" '.signature.key_id = $k' "$doc" >"$T/forged.json"
  refused 5 "the signature does not verify" decision verify "$T/forged.json" --key "$other"
  # The outcome edited in the readable payload only, and in both payload forms.
  jq '.payload.outcome = "failed"' "$doc" >"$T/tampered.json"
  refused 5 "the document was altered" decision verify "$T/tampered.json" --key "$key"
  jq '.payload.outcome = "failed" | .payload_canonical |= sub("\"outcome\":\"passed\""; "\"outcome\":\"failed\"")' "$doc" >"$T/tampered.json"
  refused 5 "the signature does not verify with key $kid" decision verify "$T/tampered.json" --key "$key"
  jq '.payload.valid_until = "2099-12-31" | .payload_canonical |= sub("2029-03-01"; "2099-12-31")' "$doc" >"$T/tampered.json"
  refused 5 "the signature does not verify" decision verify "$T/tampered.json" --key "$key"
  jq '.signature.value = "AAAA"' "$doc" >"$T/tampered.json"
  refused 5 "the signature does not verify" decision verify "$T/tampered.json" --key "$key"
  # Malformed: cut short, not JSON, no signature, a key that is not PEM.
  head -c 300 "$doc" >"$T/malformed.json"
  refused 7 "not JSON" decision verify "$T/malformed.json" --key "$key"
  printf 'not a decision\n' >"$T/malformed.json"
  refused 7 "not JSON" decision verify "$T/malformed.json" --key "$key"
  jq 'del(.signature)' "$doc" >"$T/malformed.json"
  refused 7 '\$\.signature' decision verify "$T/malformed.json" --key "$key"
  printf 'garbage\n' >"$T/bad.pem"
  refused 7 "not a usable public key" decision verify "$doc" --key "$T/bad.pem"
  refused 2 "needs the office's public key" decision verify "$doc"
}

# Two other installations, one per suite, whose office keys must not verify our decisions.
ok --db "$T/other-sm.db" init --crypto sm
ok --db "$T/other-intl.db" init --crypto intl
for s in sm intl; do
  ok --db "$T/other-$s.db" decision key --json
  jq -n --arg k "$(jget .key_id)" '{signature: {key_id: $k}}' >"$T/other-$s.json"
done

# --- the national suite ---
setup_registry sm
ok decision key --json
expect_eq "$(jget .suite)/$(jget .algorithm)" sm/SM2-SM3 "office key of an sm installation"
ok decision key --out "$T/sm-office.pem"
cmp -s "$T/sm-office.pem" "$NETREVIEW_DB-data/keys/office.pub" || fail "decision key differs from keys/office.pub"
# SM4 at rest: evidence goes in and comes back.
ok --as ministry case open --trigger state_requirement --product "Acme Router" --versions 2.0.0 --json
ok --as office case accept "$(jget .id)"
printf 'sm4 evidence round trip\n' >"$T/note.txt"
ok --as office evidence add 1 "$T/note.txt" --json
ok --as office evidence get "$(jget .id)" --out "$T/note.back"
cmp -s "$T/note.txt" "$T/note.back" || fail "sm evidence did not come back"
published_decision sm
expect_eq "$(jq -r .signature.algorithm "$T/sm.json")" SM2-SM3 "sm signature algorithm"
verify_checks sm "$T/sm.json" "$NETREVIEW_DB-data/keys/office.pub" "$T/other-sm.db-data/keys/office.pub"
sm_key="$NETREVIEW_DB-data/keys/office.pub"
ok audit verify

# --- the international suite ---
export NETREVIEW_DB="$T/intl.db"
setup_registry intl
published_decision intl
expect_eq "$(jq -r .signature.algorithm "$T/intl.json")" Ed25519 "intl signature algorithm"
verify_checks intl "$T/intl.json" "$NETREVIEW_DB-data/keys/office.pub" "$T/other-intl.db-data/keys/office.pub"
ok audit verify

# Across suites: a key of the other suite does not verify, and says why.
refused 5 "signed in suite sm; the key given is for suite intl" decision verify "$T/sm.json" --key "$NETREVIEW_DB-data/keys/office.pub"
refused 5 "signed in suite intl; the key given is for suite sm" decision verify "$T/intl.json" --key "$sm_key"
# A document that claims the other suite's algorithm.
jq '.signature.suite = "intl"' "$T/sm.json" >"$T/malformed.json"
refused 7 "algorithm SM2-SM3 is not the intl suite's Ed25519" decision verify "$T/malformed.json" --key "$sm_key"
echo ok
