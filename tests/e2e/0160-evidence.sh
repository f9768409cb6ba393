#!/usr/bin/env bash
# R11: evidence is encrypted at rest and content-addressed; it comes back byte for byte; every
# read of confidential evidence is logged with its case as the purpose; only those on the case
# read it; an altered, truncated or swapped stored file is refused with exit 5 and no output
# file is left behind.
. "$(dirname "$0")/lib.sh"
export NETREVIEW_NOW=2026-03-02T09:00:00Z
setup_registry
ok --as ministry case open --trigger state_requirement --product "Acme Router" --versions 2.1.0 --json
case=$(jget .id)
ref=$(jget .ref)
ok --as office case accept "$case"
ok --as office task assign "$case" --institution "Lab One" --method lab_testing --json
task=$(jget .id)

# About 5 MB of random bytes with a marker at the start, the middle and the end.
marker=NETREVIEW-E2E-PLAINTEXT-MARKER-5d1c
{
  printf '%s\n' "$marker"
  head -c 2500000 /dev/urandom
  printf '%s\n' "$marker"
  head -c 2500000 /dev/urandom
  printf '%s\n' "$marker"
} >"$T/firmware.bin"
expect_eq "$(grep -c "$marker" "$T/firmware.bin")" 3 "markers in the plaintext"
sha=$(sha256sum "$T/firmware.bin" | cut -d' ' -f1)
size=$(stat -c %s "$T/firmware.bin")

ok --as lab1 evidence add "$case" "$T/firmware.bin" --task "$task" --description "router firmware image" --json
ev=$(jget .id)
expect_eq "$(jget .sha256)/$(jget .size)/$(jget .confidential)" "$sha/$size/true" "the stored evidence record"

# At rest: one file under <db>-data/evidence, addressed by the hash, holding no plaintext.
stored=$(find "$NETREVIEW_DB-data/evidence" -type f -name "$sha")
[ -f "$stored" ] || fail "no stored file named $sha under $NETREVIEW_DB-data/evidence"
expect_eq "$(grep -c "$marker" "$stored" || true)" 0 "markers in the stored file"
cmp -s "$stored" "$T/firmware.bin" && fail "the stored file is the plaintext"
[ "$(stat -c %s "$stored")" -ge "$size" ] || fail "the stored file is shorter than the plaintext"
cp "$stored" "$T/stored.orig"

# Back byte for byte, to a file of mode 0600 and to standard output; each read is logged with
# the case as its purpose.
reads() {
  ok --as office audit log --case "$case" --json
  jget '[.[] | select(.action == "evidence.read")] | length'
}
expect_eq "$(reads)" 0 "reads before any"
ok --as lab1 evidence get "$ev" --out "$T/firmware.back"
cmp "$T/firmware.bin" "$T/firmware.back" || fail "evidence did not come back byte for byte"
expect_eq "$(stat -c %a "$T/firmware.back")" 600 "mode of the output file"
ok --as office audit log --case "$case" --json
expect_eq "$(jget '[.[] | select(.action == "evidence.read")][-1] | "\(.actor) \(.case_id) \(.object)"')" \
  "lab1 $case evidence:$ev" "the audit entry of the read"
jget '[.[] | select(.action == "evidence.read")][-1].detail' | grep -q "purpose=case $ref" ||
  fail "the read is not logged with the case as its purpose: $(jget '[.[] | select(.action == "evidence.read")][-1].detail')"
set +e
"$NETREVIEW_BIN" --as office evidence get "$ev" >"$T/stdout.back" 2>"$T/err"
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "evidence get to stdout exited $rc: $(cat "$T/err")"
cmp "$T/firmware.bin" "$T/stdout.back" || fail "evidence to stdout differs"
expect_eq "$(reads)" 2 "reads after two gets"
ok audit verify

# Only those on the case read it: another provider and another institution do not learn that
# it exists; the case's own provider has no evidence.read role; the local administrator is no
# user. None of these is logged.
unchanged refused 3 "no evidence $ev" --as rival evidence get "$ev" --out "$T/leak"
unchanged refused 3 "no evidence $ev" --as lab2 evidence get "$ev" --out "$T/leak"
unchanged refused 4 "role provider may not evidence.read" --as vendor evidence get "$ev" --out "$T/leak"
unchanged refused 2 "pass --as USER" evidence get "$ev" --out "$T/leak"
[ ! -e "$T/leak" ] || fail "a refused read wrote its output file"
unchanged refused 3 "no case $case" --as rival evidence list "$case"

# One byte flipped in the middle of the stored file: exit 5, the output file removed.
flip_byte "$stored" 2500000
cmp -s "$stored" "$T/stored.orig" && fail "the byte was not flipped"
refused 5 "stored evidence $ev is not authentic" --as lab1 evidence get "$ev" --out "$T/tampered.back"
[ ! -e "$T/tampered.back" ] || fail "a failed read left its output file"
refused 5 "not authentic" --as office evidence get "$ev"
# The first byte of the file (its header) flipped.
cp "$T/stored.orig" "$stored"
flip_byte "$stored" 0
refused 5 "stored evidence $ev is not authentic: not a sealed file" --as lab1 evidence get "$ev" --out "$T/tampered.back"
[ ! -e "$T/tampered.back" ] || fail "a failed read left its output file"
# Cut short, and cut by one byte.
cp "$T/stored.orig" "$stored"
truncate -s 1000000 "$stored"
refused 5 "stored evidence $ev is not authentic" --as lab1 evidence get "$ev" --out "$T/tampered.back"
cp "$T/stored.orig" "$stored"
truncate -s $(($(stat -c %s "$T/stored.orig") - 1)) "$stored"
refused 5 "not authentic" --as lab1 evidence get "$ev" --out "$T/tampered.back"
[ ! -e "$T/tampered.back" ] || fail "a failed read left its output file"
# Another evidence's sealed file put in its place.
printf 'a short note\n' >"$T/note.txt"
ok --as lab1 evidence add "$case" "$T/note.txt" --task "$task" --json
note_sha=$(jget .sha256)
cp "$(find "$NETREVIEW_DB-data/evidence" -type f -name "$note_sha")" "$stored"
refused 5 "holds other content than recorded" --as lab1 evidence get "$ev" --out "$T/tampered.back"
[ ! -e "$T/tampered.back" ] || fail "a failed read left its output file"
# Removed.
rm -f "$stored"
refused 5 "the stored file of evidence $ev is missing" --as lab1 evidence get "$ev" --out "$T/tampered.back"

# Restored, it reads again.
cp "$T/stored.orig" "$stored"
ok --as lab1 evidence get "$ev" --out "$T/firmware.back2"
cmp "$T/firmware.bin" "$T/firmware.back2" || fail "restored evidence differs"
ok audit verify
echo ok
