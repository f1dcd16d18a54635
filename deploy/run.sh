#!/usr/bin/env bash
# The README's first command: install what is missing, build, and start the server on its
# embedded default (SQLite and blob files under ./wreg-data, listening on 127.0.0.1:8080).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/deploy/install-deps.sh"
# Tests off: serving needs none of the test-only packages (GoogleTest), which are not installed.
"$top/deploy/build.sh" -DWREG_BUILD_TESTS=OFF
exec "${WREG_BUILD_DIR:-$top/build}/server/wreg-server" serve --data ./wreg-data --listen 127.0.0.1:8080
