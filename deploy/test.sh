#!/usr/bin/env bash
# The README's second command: install what is missing, build, and run every test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/deploy/install-deps.sh" --test
"$top/deploy/build.sh" -DWREG_BUILD_TESTS=ON -DWREG_WERROR=ON
cd "${WREG_BUILD_DIR:-$top/build}"
ctest --output-on-failure --parallel "$(nproc)" --timeout 600

# CI only (issue 3): the component reader's unit tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, then its libFuzzer target for a bounded time with the fixtures as
# seed corpus. A separate clang build of only those two targets keeps this to a few minutes.
if [[ ${CI:-} == true ]]; then
  sanitize=$top/build-sanitize
  cmake -S "$top" -B "$sanitize" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DWREG_SANITIZE=ON -DWREG_FUZZ=ON >/dev/null
  cmake --build "$sanitize" --parallel "$(nproc)" --target wreg_wasm_tests wreg_wasm_reader_fuzz
  "$sanitize/tests/wreg_wasm_tests" --gtest_brief=1
  corpus=$(mktemp -d)
  find "$top/tests/fixtures" -name '*.wasm' -size -1000k -exec cp {} "$corpus" \;
  "$sanitize/tests/fuzz/wreg_wasm_reader_fuzz" "$corpus" \
    -max_total_time="${WREG_FUZZ_SECONDS:-60}" -max_len=65536 -print_final_stats=1 \
    -dict="$top/tests/fuzz/wasm.dict" -artifact_prefix="$sanitize/fuzz-"
  rm -rf "$corpus"
fi
