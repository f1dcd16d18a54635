#!/usr/bin/env bash
# Runs the libFuzzer targets: tests/fuzz/run.sh SECONDS [target[:SECONDS]...|all]
#
# Each target runs for SECONDS, or for the seconds after its name (all targets when none are
# named), $WREG_FUZZ_JOBS at a time (default: the number of cores), from a working corpus in $BUILD/fuzz-corpus/<target> that is
# seeded from tests/fuzz/corpus/<target> and regressions/<target> and kept between runs, with
# the target's dictionary. It builds what it runs in $WREG_FUZZ_BUILD_DIR (default build-fuzz,
# configured with clang, -DWREG_FUZZ=ON -DWREG_SANITIZE=ON when missing) unless
# WREG_FUZZ_NO_BUILD=1. A crash leaves its input in $BUILD/fuzz-artifacts/<target>/, the run
# fails, and the line to add it as a regression test is printed. Exits non-zero if any failed.
#
#   tests/fuzz/run.sh 30                 # every target for 30 s (what CI does, shorter)
#   tests/fuzz/run.sh 3600 manifest      # one target for an hour
#   tests/fuzz/run.sh 20 wasm_reader:60 version   # the reader for 60 s, version for 20 s
#   tests/fuzz/run.sh 20 wasm_reader:60 all       # the reader for 60 s, every other for 20 s
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
fuzz=$top/tests/fuzz
all_targets=()
for source in "$fuzz"/*_fuzz.cpp; do
  name=${source##*/}
  all_targets+=("${name%_fuzz.cpp}")
done
if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: tests/fuzz/run.sh SECONDS [target...]; targets: ${all_targets[*]}" >&2
  exit 2
fi
seconds=$1
shift
# `all` (or no target) stands for every target not named otherwise.
[[ $# -gt 0 ]] || set -- all
targets=()
for spec in "$@"; do
  [[ $spec == all ]] && continue
  targets+=("$spec")
done
for spec in "$@"; do
  [[ $spec == all ]] || continue
  for target in "${all_targets[@]}"; do
    named=false
    for given in "${targets[@]}"; do [[ ${given%%:*} == "$target" ]] && named=true; done
    $named || targets+=("$target")
  done
done
for spec in "${targets[@]}"; do
  target=${spec%%:*}
  if [[ $spec == *:* && ! ${spec#*:} =~ ^[0-9]+$ ]]; then
    echo "run.sh: \"$spec\": write target:SECONDS, e.g. manifest:60" >&2
    exit 2
  fi
  if [[ ! -f $fuzz/${target}_fuzz.cpp ]]; then
    echo "run.sh: no fuzz target \"$target\"; targets: ${all_targets[*]}" >&2
    exit 2
  fi
done

build=${WREG_FUZZ_BUILD_DIR:-$top/build-fuzz}
if [[ ${WREG_FUZZ_NO_BUILD:-} != 1 ]]; then
  if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DWREG_FUZZ=ON -DWREG_SANITIZE=ON -DWREG_BUILD_TESTS=ON >/dev/null
  fi
  binaries=()
  for spec in "${targets[@]}"; do binaries+=("wreg_${spec%%:*}_fuzz"); done
  cmake --build "$build" --parallel "$(nproc)" --target "${binaries[@]}"
fi

dict_of() {
  case $1 in
    wasm_reader | release | wit_text) echo wasm.dict ;;
    lockfile | manifest) echo toml.dict ;;
    package_document | release_document | search_page | answers) echo json.dict ;;
    router) echo http.dict ;;
    wit_parser | wit_roundtrip) echo wit.dict ;;
    tlog_note | tlog_entry) echo tlog.dict ;;
    *) echo semver.dict ;;
  esac
}

# Wasm inputs are large; the others are short texts.
max_len_of() {
  if [[ $1 == wasm_reader || $1 == release || $1 == wit_text ]]; then echo 65536; else echo 4096; fi
}

run_one() {
  local target=${1%%:*} seconds=$seconds
  [[ $1 == *:* ]] && seconds=${1#*:}
  local corpus=$build/fuzz-corpus/$target artifacts=$build/fuzz-artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  local seeds=("$fuzz/corpus/$target" "$fuzz/regressions/$target")
  if [[ $target == wasm_reader || $target == release || $target == wit_text ]]; then
    seeds+=("$top/tests/fixtures/packages" "$top/tests/fixtures/core" "$top/tests/fixtures/bad"
            "$top/tests/fixtures/components")
  fi
  if [[ $target == wit_parser ]]; then seeds+=("$top/tests/fixtures/wit"); fi
  if [[ $target == wit_roundtrip ]]; then
    seeds+=("$fuzz/corpus/wit_parser" "$top/tests/fixtures/wit" "$top/tests/fixtures/packages")
  fi
  for seed in "${seeds[@]}"; do
    [[ -d $seed ]] && find "$seed" -type f -size -1000k -exec cp {} "$corpus" \;
  done
  local log=$build/fuzz-artifacts/$target.log
  if ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    "$build/tests/fuzz/wreg_${target}_fuzz" "$corpus" -max_total_time="$seconds" \
      -max_len="$(max_len_of "$target")" -dict="$fuzz/$(dict_of "$target")" \
      -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    local runs
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    echo "fuzz $target: ${runs:-?} runs in ${seconds}s, corpus $(ls "$corpus" | wc -l) inputs, no failure"
  else
    tail -n 40 "$log"
    echo "fuzz $target: FAILED; the input is in $artifacts/ (log: $log)." \
      "Keep it as a regression test: cp $artifacts/<file> tests/fuzz/regressions/$target/"
    return 1
  fi
}

export -f run_one dict_of max_len_of
export build fuzz top seconds
printf '%s\n' "${targets[@]}" |
  xargs -P "${WREG_FUZZ_JOBS:-$(nproc)}" -I{} bash -c 'run_one {}'
