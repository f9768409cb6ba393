#!/usr/bin/env bash
# R11: an edited, removed or reordered audit row makes `audit verify` exit 5 and name the entry.
. "$(dirname "$0")/lib.sh"
setup_registry
ok audit verify --json
expect_eq "$(jget .ok)" true "chain intact"
n=$(jget .entries)
[ "$n" -gt 20 ] || fail "expected many audit entries, got $n"

cp "$NETREVIEW_DB" "$T/pristine.db"
restore() { cp "$T/pristine.db" "$NETREVIEW_DB"; rm -f "$NETREVIEW_DB-wal" "$NETREVIEW_DB-shm"; }

# Altered detail of entry 7.
sqlite3 "$NETREVIEW_DB" "UPDATE audit SET detail = 'nothing to see' WHERE id = 7"
refused 5 "entry 7" audit verify
restore
# Altered actor of entry 3 (the hash is recomputed by nobody).
sqlite3 "$NETREVIEW_DB" "UPDATE audit SET actor = 'someone-else' WHERE id = 3"
refused 5 "entry 3" audit verify
restore
# A removed entry: the chain breaks at the next one.
sqlite3 "$NETREVIEW_DB" "DELETE FROM audit WHERE id = 10"
refused 5 "entry 11" audit verify
restore
# Two entries swapped.
sqlite3 "$NETREVIEW_DB" "UPDATE audit SET id = -1 WHERE id = 5; UPDATE audit SET id = 5 WHERE id = 6; UPDATE audit SET id = 6 WHERE id = -1"
refused 5 "entry 5" audit verify
restore
# The last entries cut off.
last=$(sqlite3 "$NETREVIEW_DB" "SELECT MAX(id) FROM audit")
sqlite3 "$NETREVIEW_DB" "DELETE FROM audit WHERE id >= $((last - 1))"
refused 5 "removed" audit verify
restore
ok audit verify
echo ok
