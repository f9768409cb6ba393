#!/usr/bin/env bash
# `make run`: migrate (or create) the database, load the demo data set when it is new, then
# start the product on its embedded default (SQLite, demo data, the cn-2017 procedure):
# `netreview serve` in the foreground on NETREVIEW_LISTEN (default 127.0.0.1:8080) until Ctrl-C,
# after saying how to sign in.
set -euo pipefail
bin=${1:?binary}; db=${2:?database}; password=${3:-demo-password}
listen=${NETREVIEW_LISTEN:-127.0.0.1:8080}
mkdir -p "$(dirname "$db")"
export NETREVIEW_DB="$db"

# The engines on the demo data: the OSV records of the tests as advisories, and on the case in
# evaluation the institution's SBOM and a capture of the product with its provider's declaration
# (tests/tools/gen_pcap.py), each analysed into findings, as lab1 would from the case page.
demo_engines() {
  local dir case task
  dir="$(dirname "$db")/demo-engines"
  mkdir -p "$dir"
  "$bin" osv import tests/data/osv >/dev/null
  case=$("$bin" --as lab1 case list --json | jq -r '[.[] | select(.phase == "evaluation")][0].id // empty')
  [ -n "$case" ] || return 0
  task=$("$bin" --as lab1 task list "$case" --json | jq -r '.[0].id // empty')
  [ -n "$task" ] || return 0
  python3 tests/tools/gen_pcap.py scenario --out "$dir/edge-gateway.pcapng" --format pcapng >/dev/null
  python3 tests/tools/gen_pcap.py declaration --out "$dir/declared-endpoints.json" >/dev/null
  "$bin" --as lab1 analyze sbom tests/data/sbom/cyclonedx-1.5-nested-vex.cdx.json \
    --case "$case" --task "$task" >/dev/null
  "$bin" --as lab1 analyze traffic "$dir/edge-gateway.pcapng" --declared "$dir/declared-endpoints.json" \
    --case "$case" --task "$task" >/dev/null
}

if [ ! -f "$db" ]; then
  "$bin" init --crypto "${NETREVIEW_CRYPTO:-intl}" --procedure "${NETREVIEW_PROCEDURE:-cn-2017}"
  "$bin" demo --password "$password"
  demo_engines || echo "run: the engines' demo data could not be loaded; the review data is there" >&2
else
  "$bin" migrate
fi

case $listen in
  :*) url="http://127.0.0.1$listen" ;;
  0.0.0.0:*) url="http://127.0.0.1:${listen##*:}" ;;
  *) url="http://$listen" ;;
esac
log="$(dirname "$db")/access.log"
users=$("$bin" user list --json |
  jq -r 'group_by(.role)[] | (.[0].role + ":") as $r |
    "  \($r)\(" " * ([18 - ($r | length), 1] | max)) \(map(.login) | join(", "))"')

cat <<EOF

netreview serves $db (data in ${db}-data) on $url
Sign in as any demo user, one per role; the password is "$password" (the one given when the
demo data was loaded):
$users

  curl -c jar.txt -H 'Content-Type: application/json' \\
       -d '{"login":"office","password":"$password"}' $url/api/v1/session
  curl -b jar.txt '$url/api/v1/cases?limit=5'     # writes also need -H "X-CSRF-Token: <csrf>"
  curl '$url/api/v1/gate?product=Halcyon%20Smart%20Meter%20Controller&version=1.9.0'

The command line works on the same database meanwhile (netreview --help for the rest):
  export NETREVIEW_DB=$db
  $bin --as office case list
Access log: $log. Stop with Ctrl-C.

EOF
exec "$bin" serve --listen "$listen" --access-log "$log"
