#!/usr/bin/env bash
# The README's second command: install what is missing, build, and run every test.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/deploy/install-deps.sh" --test
# CMake's RelWithDebInfo flags, which deploy/run.sh builds with; CI builds this tree at -O1 without
# debug information instead, which halves its compile time (the sanitizer tree below is -O1 too),
# to keep the whole CI run well under its 45 minutes on two cores.
# CI also leaves the fuzz targets' corpus replays to the sanitizer tree, which builds them anyway.
optimisation="-O2 -g -DNDEBUG"
fuzz_replay=ON
if [[ ${CI:-} == true ]]; then
  optimisation="-O1 -DNDEBUG"
  fuzz_replay=OFF
fi
"$top/deploy/build.sh" -DWREG_BUILD_TESTS=ON -DWREG_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$optimisation" -DWREG_FUZZ_REPLAY=$fuzz_replay
cd "${WREG_BUILD_DIR:-$top/build}"
# CI runs the suite again in the sanitizer tree below, on the same sources; so that the whole run
# stays within its 45 minutes, this tree then runs only what that one leaves out: the `postgres/`
# runs of the integration and CLI suites and the deploy checks (packages, unit, container files).
only_here=()
if [[ ${CI:-} == true ]]; then
  only_here=(--tests-regex '^(postgres/|deploy_)')
fi
ctest --output-on-failure --parallel "$(nproc)" --timeout 600 "${only_here[@]}"
echo "test.sh: build and tests done at ${SECONDS}s"

# CI only (issue 7): the whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer,
# then every libFuzzer target for a bounded time. One clang tree holds both: the test binaries,
# wreg and wreg-server (which the integration tests start) and the fuzz targets all link the same
# sanitized, coverage-instrumented libraries, so nothing is built twice. Whatever ctest holds
# runs; a sanitizer report from any process, including the servers the tests start and stop,
# fails the run (the reports are collected in one folder and checked at the end).
if [[ ${CI:-} == true ]]; then
  sanitize=$top/build-sanitize
  # -O1 with line tables only compiles this tree markedly faster than -O2 -g and still gives
  # sanitizer reports file:line stacks; asserts stay on (no NDEBUG), which a checking build wants.
  cmake -S "$top" -B "$sanitize" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_CXX_COMPILER=clang++ -DWREG_BUILD_TESTS=ON -DWREG_SANITIZE=ON -DWREG_FUZZ=ON \
    >/dev/null
  cmake --build "$sanitize" --parallel "$(nproc)"
  echo "test.sh: sanitizer build done at ${SECONDS}s"

  reports=$sanitize/sanitizer-reports
  rm -rf "$reports" && mkdir -p "$reports"
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$reports/asan"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
  status=0  # the fuzzers run even when a test failed; the run fails at the end
  (cd "$sanitize" && ctest --output-on-failure --parallel "$(nproc)" --timeout 900) || status=$?
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitizer reports (ASan/UBSan) from the test run:" >&2
    for report in "$reports"/*; do
      echo "== $report" >&2
      cat "$report" >&2
    done
    status=1
  fi
  if [[ $status == 0 ]]; then
    echo "test.sh: sanitized ctest run passed with no sanitizer reports at ${SECONDS}s"
  fi
  unset ASAN_OPTIONS UBSAN_OPTIONS

  # Each target for WREG_FUZZ_SECONDS (the reader for WREG_FUZZ_READER_SECONDS), one per core.
  # Longer runs: tests/fuzz/run.sh SECONDS [target...] (tests/RELIABILITY.md).
  seconds=${WREG_FUZZ_SECONDS:-15}
  WREG_FUZZ_BUILD_DIR=$sanitize WREG_FUZZ_NO_BUILD=1 "$top/tests/fuzz/run.sh" "$seconds" \
    "wasm_reader:${WREG_FUZZ_READER_SECONDS:-45}" all || status=1
  echo "test.sh: fuzzing done at ${SECONDS}s"
  exit "$status"
fi
