#!/usr/bin/env bash
# The README's first command: install what is missing, build, and start the server on its
# embedded default (SQLite and blob files under ./wreg-data, listening on 127.0.0.1:8080).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/deploy/install-deps.sh"
"$top/deploy/build.sh"
exec "$top/build/server/wreg-server" serve --data ./wreg-data --listen 127.0.0.1:8080
