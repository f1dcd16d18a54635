#!/usr/bin/env bash
# The README's second command: install what is missing, build, and run every test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/deploy/install-deps.sh" --test
"$top/deploy/build.sh" -DWREG_BUILD_TESTS=ON -DWREG_WERROR=ON
cd "${WREG_BUILD_DIR:-$top/build}"
ctest --output-on-failure --parallel "$(nproc)" --timeout 600
