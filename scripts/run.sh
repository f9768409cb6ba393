#!/usr/bin/env bash
# `make run`: migrate (or create) the database, load the demo data set when it is new, then
# start the product on its embedded default (SQLite, demo data, the cn-2017 procedure).
# Until the HTTP server exists, "start" means a guided tour of the command line on the demo data.
set -euo pipefail
bin=${1:?binary}; db=${2:?database}; password=${3:-demo-password}
mkdir -p "$(dirname "$db")"
export NETREVIEW_DB="$db"

if [ ! -f "$db" ]; then
  "$bin" init --crypto "${NETREVIEW_CRYPTO:-intl}" --procedure "${NETREVIEW_PROCEDURE:-cn-2017}"
  "$bin" demo --password "$password"
else
  "$bin" migrate
fi

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "netreview $*"; "$bin" "$@" || true; }

cat <<EOF

netreview is ready on $db (data in ${db}-data, procedure cn-2017).
Every demo user has the password "$password". A tour of the command line:
EOF
run --as office case list
run --as office case overdue
run --as office case show 1
run --as office decision list
run --as bank-ops gate check --product "Halcyon Smart Meter Controller" --version 1.9.0
run --as office audit verify
cat <<EOF

More: netreview --help, netreview case --help. Export a decision and verify it offline:
  $bin --as office decision export ID --out d.json
  $bin decision verify d.json --key ${db}-data/keys/office.pub
EOF
