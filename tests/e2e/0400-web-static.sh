#!/usr/bin/env bash
# 0400-web-static.sh - `netreview serve` serves the browser UI (docs/UI.md "Serving", issue 4):
# / is web/index.html with the Content-Security-Policy, nosniff and Referrer-Policy headers,
# Cache-Control: no-cache and an ETag (If-None-Match answers 304); modules as text/javascript,
# the stylesheet as text/css, strings as JSON; `..` (plain or percent-encoded), dot files,
# directories and symbolic links out of the web directory are refused with 404; a missing file
# outside /api/ answers an HTML 404, under /api/ the JSON 404; POST outside /api/ is not a file;
# --web-dir and NETREVIEW_WEB_DIR choose the directory, and a missing one leaves the API served.
. "$(dirname "$0")/lib.sh"

CSP="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
header() { tr -d '\r' <"$T/headers" | grep -i "^$1:" | head -n1 | cut -d' ' -f2-; }
# raw PATH [CURL ARGS]: GET PATH exactly as written (no normalisation of ../ by curl).
raw() {
  local path=$1
  shift
  : >"$T/body"
  status=$(curl -s --path-as-is -D "$T/headers" -o "$T/body" -w '%{http_code}' -m 10 "$@" "$NR_URL$path") || status=000
}
raw_expect() {
  local want=$1
  shift
  raw "$@"
  [ "$status" = "$want" ] || fail "GET $1 answered $status, expected $want: $(head -c 500 "$T/body")"
}

# A web directory of our own, with a secret beside it and links in and out of it.
W="$T/web"
mkdir -p "$W/lib" "$W/i18n/en" "$W/.git"
printf '<!doctype html><html lang="en"><head><script type="module" src="/app.js"></script></head><body><main id="main"></main></body></html>\n' >"$W/index.html"
printf 'import { h } from "./lib/dom.js";\n' >"$W/app.js"
printf 'export const h = 1;\n' >"$W/lib/dom.js"
printf 'body { margin: 0 }\n' >"$W/style.css"
printf '{"app.name": "netreview"}\n' >"$W/i18n/en/common.json"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >"$W/logo.svg"
printf 'secret\n' >"$W/.git/config"
printf 'top secret\n' >"$T/secret.txt"
ln -s "$T/secret.txt" "$W/leak.txt"
ln -s "$T" "$W/up"
ln -s lib/dom.js "$W/alias.js"
: >"$W/empty.txt"

setup_registry
serve_start --web-dir "$W"

# --- index.html with the security headers. ---
raw_expect 200 /
expect_eq "$(header Content-Type)" "text/html; charset=utf-8" "type of /"
expect_eq "$(header Content-Security-Policy)" "$CSP" "CSP of /"
expect_eq "$(header X-Content-Type-Options)" nosniff "nosniff of /"
expect_eq "$(header Referrer-Policy)" same-origin "Referrer-Policy of /"
expect_eq "$(header Cache-Control)" no-cache "Cache-Control of /"
etag=$(header ETag)
[ -n "$etag" ] || fail "/ has no ETag"
cmp -s "$T/body" "$W/index.html" || fail "/ is not web/index.html"
raw_expect 200 /index.html
cmp -s "$T/body" "$W/index.html" || fail "/index.html is not web/index.html"
raw_expect 304 / -H "If-None-Match: $etag"
[ ! -s "$T/body" ] || fail "a 304 has a body"
expect_eq "$(header ETag)" "$etag" "ETag of the 304"
raw_expect 200 / -H 'If-None-Match: "something-else"'
raw_expect 200 '/?lang=zh'

# --- Modules, stylesheet, strings, images: by extension. ---
raw_expect 200 /app.js
expect_eq "$(header Content-Type)" "text/javascript; charset=utf-8" "type of app.js"
expect_eq "$(header Cache-Control)" no-cache "Cache-Control of app.js"
[ -n "$(header ETag)" ] || fail "app.js has no ETag"
cmp -s "$T/body" "$W/app.js" || fail "app.js differs"
raw_expect 200 /lib/dom.js
expect_eq "$(header Content-Type)" "text/javascript; charset=utf-8" "type of lib/dom.js"
raw_expect 200 /style.css
expect_eq "$(header Content-Type)" "text/css; charset=utf-8" "type of style.css"
raw_expect 200 /i18n/en/common.json
expect_eq "$(header Content-Type)" "application/json; charset=utf-8" "type of common.json"
expect_eq "$(jq -r '."app.name"' "$T/body")" netreview "common.json"
raw_expect 200 /logo.svg
expect_eq "$(header Content-Type)" "image/svg+xml" "type of logo.svg"
expect_eq "$(header Content-Security-Policy)" "$CSP" "CSP of an SVG"
raw_expect 200 /empty.txt
[ ! -s "$T/body" ] || fail "empty.txt is not empty"
raw_expect 200 /alias.js           # a link that stays inside web/ is followed
cmp -s "$T/body" "$W/lib/dom.js" || fail "alias.js is not lib/dom.js"
raw_expect 200 /lib%2Fdom.js       # an encoded slash is a slash of the file's path
raw_expect 200 /app.js -I

# --- Refused: out of web/, dot files, directories. All 404, never the file. ---
for p in /../secret.txt /lib/../../secret.txt /%2e%2e/secret.txt /lib/%2E%2E/%2e%2e/secret.txt \
  /..%2fsecret.txt /leak.txt /up/secret.txt /.git/config /lib/ /lib /i18n/ /lib//dom.js \
  /./app.js /lib/./dom.js '/lib\dom.js' /no-such-file.js /no/such/dir.css; do
  raw_expect 404 "$p"
  grep -q secret "$T/body" && fail "GET $p leaked the secret"
  case "$(header Content-Type)" in text/html*) ;; *) fail "404 of $p is $(header Content-Type)" ;; esac
  expect_eq "$(header Content-Security-Policy)" "$CSP" "CSP of the 404 of $p"
  grep -q 'Not found' "$T/body" || fail "404 of $p does not say so: $(head -c 300 "$T/body")"
done

raw //app.js
[ "$status" != 200 ] || fail "GET //app.js answered 200"

# --- The API keeps its JSON answers. ---
api_error 404 not_found GET /api/v1/no-such-thing
expect_eq "$(header Content-Type)" application/json "type of an API 404"
api_error 404 not_found GET /api/no-such-thing
api_error 404 not_found GET /api
api_expect 200 GET /healthz
api_expect 200 GET /api/v1/procedure
api_error 404 not_found POST /index.html '{}'
api_error 404 not_found DELETE /app.js

# --- The directory comes from NETREVIEW_WEB_DIR too; a missing one leaves the API up. ---
serve_stop
NETREVIEW_WEB_DIR="$W/lib" serve_start
raw_expect 200 /dom.js
raw_expect 404 /app.js
serve_stop
serve_start --web-dir "$T/no-such-dir"
grep -q 'no web directory' "$T/serve.err" || fail "a missing web directory is not reported"
raw_expect 404 /
api_expect 200 GET /healthz
serve_stop

# --- By default: <home>/web, the UI of the source tree. ---
if [ -f "$NR_SOURCE_DIR/web/index.html" ]; then
  serve_start
  raw_expect 200 /
  cmp -s "$T/body" "$NR_SOURCE_DIR/web/index.html" || fail "/ is not the source tree's web/index.html"
  raw_expect 200 /app.js
  expect_eq "$(header Content-Type)" "text/javascript; charset=utf-8" "type of the real app.js"
  serve_stop
fi
echo "0400-web-static: ok"
