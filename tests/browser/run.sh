#!/usr/bin/env bash
# Runs the browser tests (tests/browser/*.test.mjs) with node's test runner: playwright-core
# driving Debian's chromium against the real `netreview serve` on a fresh demo installation.
# Installs what is missing first: chromium (and node/npm) from Debian, playwright-core with
# `npm ci` from package-lock.json (node_modules is never committed).
#   NETREVIEW_BIN   the binary under test (default <repo>/build/netreview)
#   NR_BROWSER_TESTS  test files to run instead of every *.test.mjs (space-separated)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
apt_install() {
  echo "browser tests: installing $*"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "$@"
}

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

# playwright-core at the version of package-lock.json; npm ci only when it is missing or stale.
want="$(node -p "require('./package-lock.json').packages['node_modules/playwright-core'].version")"
have="$(node -p "try { require('./node_modules/playwright-core/package.json').version } catch { '' }" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
  # one install at a time (ctest may run this for two builds at once)
  exec 9>"$here/.npm-ci.lock"
  flock 9
  have="$(node -p "try { require('./node_modules/playwright-core/package.json').version } catch { '' }" 2>/dev/null || true)"
  if [ "$want" != "$have" ]; then
    echo "browser tests: npm ci (playwright-core $want)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  flock -u 9
fi

export NETREVIEW_BIN="${NETREVIEW_BIN:-$root/build/netreview}"
[ -x "$NETREVIEW_BIN" ] || { echo "browser tests: no binary at $NETREVIEW_BIN (build first)" >&2; exit 2; }

if [ -n "${NR_BROWSER_TESTS:-}" ]; then
  # shellcheck disable=SC2206
  tests=($NR_BROWSER_TESTS)
else
  tests=("$here"/*.test.mjs)
fi
jobs="${NR_BROWSER_JOBS:-2}"
exec node --test --test-concurrency="$jobs" "${tests[@]}"
