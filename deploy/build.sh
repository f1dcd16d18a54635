#!/usr/bin/env bash
# Configures (once) and builds wreg into build/ with every core. Extra arguments go to CMake's
# configure step, e.g. deploy/build.sh -DWREG_SANITIZE=ON.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${WREG_BUILD_DIR:-$top/build}
if [[ ! -f $build/build.ninja || $# -gt 0 ]]; then
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
fi
cmake --build "$build" --parallel "$(nproc)"
