#!/usr/bin/env bash
# Installs every Debian package that the build, the tests and the demo need. Idempotent: runs
# apt-get update once, and only when something is missing.
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config clang clang-format
  libsqlite3-dev sqlite3 libjansson-dev libargon2-dev libssl-dev openssl libcmocka-dev
  libevent-dev libpcap-dev libndpi-dev libarchive-dev uthash-dev curl jq python3 tshark tcpdump
  chromium nodejs
)
# The browser tests (tests/browser/run.sh) drive chromium with playwright-core, which run.sh
# installs with `npm ci`. npm is not listed: the nodejs package installed here bundles it (and
# conflicts with Debian's npm package); run.sh installs npm only where the command is missing.

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
