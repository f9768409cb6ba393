#!/usr/bin/env bash
# Set-up paths: init, migrate, a second init refused, malformed procedures refused at start with
# the file and the JSON path, an unwritable database refused without writing.
. "$(dirname "$0")/lib.sh"

ok --help
grep -q "Exit codes" "$T/out" || fail "--help lacks exit codes"
refused 2 "no database given" --db "" case list
ok init --crypto intl
ok migrate --json
expect_eq "$(jget .applied)" 0 "migrations applied on a fresh database"
expect_eq "$(jget .schema_version)" "$(jget .latest)" "schema version"
refused 4 "already initialised" init
refused 2 "unknown crypto suite" --db "$T/other.db" init --crypto rot13
[ ! -e "$T/other.db" ] || fail "a refused init created a database"

# A malformed procedure: named file, JSON path, what is wrong; nothing created.
jq '.transitions[0].roles[0] = "offce"' "$NR_SOURCE_DIR/procedures/cn-2017.json" > "$T/bad.json"
refused 7 'bad.json: \$\.transitions\[0\]\.roles\[0\]' --db "$T/bad.db" init --procedure "$T/bad.json"
[ ! -e "$T/bad.db" ] || fail "a malformed procedure created a database"
refused 7 'bad.json' procedure check "$T/bad.json"
ok procedure check "$NR_SOURCE_DIR/procedures/vendor-review.json"

# A procedure edited after init is refused at the next start.
cp "$NR_SOURCE_DIR/procedures/cn-2017.json" "$T/proc.json"
ok --db "$T/p.db" init --procedure "$T/proc.json"
ok --db "$T/p.db" procedure show --json
expect_eq "$(jget .id)" cn-2017 "procedure id"
printf '{"id": "cn-2017", ' > "$T/proc.json"
refused 7 "proc.json" --db "$T/p.db" org list

# An unwritable database: clear message, nothing written. Root ignores file modes, so the
# command runs as nobody when the test runs as root.
ok org add "Review Office" --kind office
chmod 0755 "$T"
chmod -R a+rX "$T"
chmod 0444 "$NETREVIEW_DB"
before=$(db_snapshot)
if [ "$(id -u)" -eq 0 ]; then
  set +e
  setpriv --reuid=65534 --regid=65534 --clear-groups "$NETREVIEW_BIN" org add Other --kind office >"$T/out" 2>"$T/err"
  rc=$?
  set -e
else
  nr org add Other --kind office
fi
[ "$rc" -eq 6 ] || fail "unwritable database: exit $rc: $(cat "$T/err")"
grep -q "not writable" "$T/err" || fail "unwritable database message: $(cat "$T/err")"
[ "$before" = "$(db_snapshot)" ] || fail "an unwritable database was changed"
chmod 0644 "$NETREVIEW_DB"
# A database that does not exist is not created by an ordinary command.
refused 3 "does not exist" --db "$T/missing/dir/x.db" org list
echo ok
