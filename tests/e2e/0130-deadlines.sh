#!/usr/bin/env bash
# R13: phase deadlines in working days on calendars/cn.json, across the 2026 Spring Festival and
# National Day; a request for materials stops the clock and their arrival moves the deadline by
# the working days it stood still; an extension needs a reason; `case overdue` lists a case once
# its deadline has passed, and not while its clock is stopped.
#
# The expected dates are counted by hand from the State Council notice for 2026 (as typed into
# calendars/cn.json): Spring Festival off Sun 15 - Mon 23 Feb, worked Sat 14 Feb and Sat 28 Feb;
# Mid-Autumn off Fri 25 - Sun 27 Sep, National Day off Thu 1 - Wed 7 Oct, worked Sun 20 Sep and
# Sat 10 Oct. The day a clock starts never counts.
. "$(dirname "$0")/lib.sh"
export NETREVIEW_NOW=2026-02-10T09:00:00Z
setup_registry

# overdue_count CASE: how many times the case appears in `case overdue` now.
overdue_count() {
  ok --as office case overdue --json
  jget "[.[] | select(.id == $1)] | length"
}

# --- Spring Festival ---
# Opened Thu 12 Feb; acceptance is 10 working days: Fri 13, Sat 14 (worked), [15-23 off],
# Tue 24, Wed 25, Thu 26, Fri 27, Sat 28 (worked), Mon 2 Mar, Tue 3, Wed 4.
export NETREVIEW_NOW=2026-02-12T09:00:00Z
ok --as ministry case open --trigger state_requirement --product "Acme Router" --json
spring=$(jget .id)
expect_eq "$(jget .phase_due)" 2026-03-04 "acceptance due across the Spring Festival"
expect_eq "$(jget .clock)" running "clock of a new case"

# Fri 13 Feb: the office asks for materials; the clock stops.
export NETREVIEW_NOW=2026-02-13T10:00:00Z
unchanged refused 7 "say which materials are requested" --as office case request-materials "$spring"
unchanged refused 4 "role provider may not materials.request" --as vendor case request-materials "$spring" --what "nothing"
ok --as office case request-materials "$spring" --what "design documents of the management plane"
grep -q "clock paused" "$T/out" || fail "request-materials output: $(cat "$T/out")"
ok --as office case show "$spring"
grep -qE "^clock +paused" "$T/out" || fail "case show does not say the clock is paused: $(cat "$T/out")"
ok --as office case show "$spring" --json
expect_eq "$(jget .clock)/$(jget .paused_on)/$(jget .phase_due)" paused/2026-02-13/2026-03-04 "a paused case"

# Thu 5 Mar, past the old deadline: a paused case is not overdue.
export NETREVIEW_NOW=2026-03-05T10:00:00Z
expect_eq "$(overdue_count "$spring")" 0 "a paused case in the overdue list"
ok --as office case show "$spring" --json
expect_eq "$(jget .overdue)" false "a paused case is not overdue"
# The materials arrive the same day. The clock stood still for 10 working days after Fri 13 Feb:
# Sat 14, Tue 24, Wed 25, Thu 26, Fri 27, Sat 28, Mon 2, Tue 3, Wed 4, Thu 5 Mar. Ten working
# days after Wed 4 Mar: Thu 5, Fri 6, Mon 9 ... Fri 13, Mon 16, Tue 17, Wed 18.
ok --as vendor case receive-materials "$spring"
ok --as office case show "$spring" --json
expect_eq "$(jget .clock)/$(jget .paused_on)/$(jget .phase_due)" running/null/2026-03-18 "after the materials arrived"
expect_eq "$(jget '.material_requests[0].paused_days')" 10 "working days paused"
unchanged refused 4 "has no outstanding request for materials" --as vendor case receive-materials "$spring"

# Wed 18 Mar is the last day; Thu 19 Mar it is overdue, listed once.
export NETREVIEW_NOW=2026-03-18T17:00:00Z
expect_eq "$(overdue_count "$spring")" 0 "overdue on its last day"
export NETREVIEW_NOW=2026-03-19T09:00:00Z
expect_eq "$(overdue_count "$spring")" 1 "overdue the day after"
expect_eq "$(jget ".[] | select(.id == $spring) | .working_days_overdue")" 1 "working days overdue"
ok --as office case list --overdue --json
expect_eq "$(jget "[.[] | select(.id == $spring)] | length")" 1 "case list --overdue"
ok --as office case show "$spring" --json
expect_eq "$(jget .overdue)" true "the case says it is overdue"

# An extension needs a reason and the office's role; 5 working days after Wed 18 Mar: Thu 19,
# Fri 20, Mon 23, Tue 24, Wed 25.
unchanged refused 7 "an extension needs a reason \(--reason\)" --as office case extend "$spring" --days 5
unchanged refused 7 "an extension needs a reason \(--reason\)" --as office case extend "$spring" --days 5 --reason ""
unchanged refused 2 "extend needs --days N" --as office case extend "$spring" --days 0 --reason "nothing"
unchanged refused 4 "role provider may not deadline.extend" --as vendor case extend "$spring" --days 5 --reason "we are late"
ok --as office case extend "$spring" --days 5 --reason "The provider asked for a technical meeting."
ok --as office case show "$spring" --json
expect_eq "$(jget .phase_due)" 2026-03-25 "deadline after the extension"
expect_eq "$(jget '.extensions[0] | "\(.days) \(.old_due) \(.new_due) \(.reason)"')" \
  "5 2026-03-18 2026-03-25 The provider asked for a technical meeting." "the extension on the case"
expect_eq "$(overdue_count "$spring")" 0 "an extended case in the overdue list"
export NETREVIEW_NOW=2026-03-26T09:00:00Z
expect_eq "$(overdue_count "$spring")" 1 "overdue after the extension ran out"

# --- Mid-Autumn and National Day ---
# Opened Mon 21 Sep: Tue 22, Wed 23, Thu 24, [25-27 off], Mon 28, Tue 29, Wed 30, [1-7 Oct off],
# Thu 8, Fri 9, Sat 10 (worked), Mon 12 Oct.
export NETREVIEW_NOW=2026-09-21T09:00:00Z
ok --as ministry case open --trigger state_requirement --product "Acme Router" --versions 2.1.0 --json
autumn=$(jget .id)
expect_eq "$(jget .phase_due)" 2026-10-12 "acceptance due across National Day"
# Opened Mon 28 Sep: Tue 29, Wed 30, Thu 8, Fri 9, Sat 10, Mon 12 ... Fri 16 Oct.
export NETREVIEW_NOW=2026-09-28T09:00:00Z
ok --as assoc case open --trigger association_recommendation --product "Acme Router" --versions 2.0.0 --json
holiday=$(jget .id)
expect_eq "$(jget .phase_due)" 2026-10-16 "acceptance due opened just before National Day"
# Accepted Wed 30 Sep: evaluation is 30 working days: Thu 8, Fri 9, Sat 10 (1-3), 12-16 Oct
# (4-8), 19-23 (9-13), 26-30 (14-18), 2-6 Nov (19-23), 9-13 (24-28), Mon 16, Tue 17 Nov.
export NETREVIEW_NOW=2026-09-30T15:00:00Z
ok --as office case accept "$holiday" --json
expect_eq "$(jget .phase)/$(jget .phase_due)" evaluation/2026-11-17 "evaluation due across National Day"
# The National Day break is not overdue time.
export NETREVIEW_NOW=2026-10-12T18:00:00Z
expect_eq "$(overdue_count "$autumn")" 0 "on its last day"
export NETREVIEW_NOW=2026-10-13T09:00:00Z
expect_eq "$(overdue_count "$autumn")" 1 "the day after its deadline"
expect_eq "$(overdue_count "$holiday")" 0 "a case whose evaluation runs to 17 Nov"
expect_eq "$(overdue_count "$spring")" 1 "the spring case, still overdue"
ok audit verify
echo ok
