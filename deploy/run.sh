#!/usr/bin/env bash
# The README's first command: install what is missing, build, and start the server on its
# embedded default (SQLite and blob files under ./wreg-data, listening on 127.0.0.1:8080).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/deploy/install-deps.sh"
# Tests off: serving needs none of the test-only packages (GoogleTest), which are not installed.
"$top/deploy/build.sh" -DWREG_BUILD_TESTS=OFF
build=${WREG_BUILD_DIR:-$top/build}
# Nobody can publish to a new registry: say how to make a namespace and a token for it, with
# paths that work when pasted into another shell (README.md, "Your first publish").
q() { printf '%q' "$1"; }
server=$(q "$build/server/wreg-server") client=$(q "$build/client/wreg") data=$(q "$PWD/wreg-data")
cat >&2 <<EOF
Starting wreg-server on http://127.0.0.1:8080 with its data in $data.
To publish, make a namespace and a token for it in another shell (README.md, "Your first publish"):
  $server namespace create --data $data NS
  $server token create --data $data --namespace NS | $client login
  $client publish FILE.wasm

EOF
exec "$build/server/wreg-server" serve --data ./wreg-data --listen 127.0.0.1:8080
