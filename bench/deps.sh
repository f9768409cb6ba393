#!/usr/bin/env bash
# Installs what the benchmarks need beyond scripts/deps.sh: the peer they measure against
# (nginx) and the load generator (wrk). Kept apart so that building and testing never pull them.
# Idempotent: runs apt-get only when something is missing.
set -euo pipefail

pkgs=(nginx wrk curl jq sqlite3 python3)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bench deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends keeps nginx from pulling more than the server itself; the Debian
# package may try to start a system nginx on port 80: that one is not used and is left alone.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
