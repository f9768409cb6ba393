#!/usr/bin/env bash
# R14: a passed product stays under watch. A complaint about it, or a new version its decision
# does not cover, flags the case "re-review suggested"; the office opens the re-review.
. "$(dirname "$0")/lib.sh"
setup_registry

ok --as vendor case open --trigger provider_application --product "Acme Router" --versions "2.0.*" --json
case=$(jget .id)
ok --as office case accept "$case"
ok --as vendor commitment sign "$case" --text "We commit."
ok --as office task assign "$case" --institution "Lab One" --method lab_testing --json
task=$(jget .id)
ok --as lab1 task report "$task" --text "No findings of note." --standards "GB/T 22239-2019"
ok --as office case submit_to_experts "$case"
ok --as office panel form "$case"
for i in 1 2 3 4 5; do
  for d in control supply_chain user_data dependence other supplier; do
    ok --as "expert$i" score submit "$case" --dimension "$d" --level low --reason "clean report"
  done
done
ok --as office case decide "$case" --outcome passed --rationale "No significant risk." --visibility public
ok --as office case publish "$case"
ok gate check --product "Acme Router" --version 2.0.0 --json
expect_eq "$(jget .procurement)" prioritized "gate before watch"

ok --as office case show "$case" --json
expect_eq "$(jget .watch_reason)" null "no watch flag yet"

# A new version outside the decision's range flags the case.
ok product add-version "Acme Router" 3.0.0
ok --as office case show "$case" --json
expect_eq "$(jget .watch_reason)" "re-review suggested: new version 3.0.0 is not covered" "watch after a new version"
# A version inside the range does not.
sqlite3 "$NETREVIEW_DB" "UPDATE cases SET watch_reason = NULL WHERE id = $case"
ok product add-version "Acme Router" 2.0.5
ok --as office case show "$case" --json
expect_eq "$(jget .watch_reason)" null "a covered version raises no flag"

# A public complaint about the product flags it too.
ok complaint file --product "Acme Router" --version 2.0.0 --text "unexpected outbound traffic" --json
cid=$(jget .id)
ok --as office case show "$case" --json
expect_eq "$(jget .watch_reason)" "re-review suggested: complaint $cid filed" "watch after a complaint"
ok --as office audit log --case "$case" --json
[ "$(jq '[.[] | select(.action == "case.watch")] | length' "$T/out")" -eq 2 ] || fail "watch not audited"

# The office opens the re-review; the old decision stays in force until the new one.
ok --as office case open --trigger re_review --product "Acme Router" --versions "2.0.*" --of "$case" --json
expect_eq "$(jget .re_review_of)" "$case" "re-review link"
ok gate check --product "Acme Router" --version 2.0.0 --json
expect_eq "$(jget .status)" passed "gate during the re-review"
echo ok
