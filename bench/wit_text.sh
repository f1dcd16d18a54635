#!/usr/bin/env bash
# WIT text both ways: printing a binary WIT package and building it from its source, for the
# WASI 0.2.8 packages and ours among the fixtures.
#   bench/wit_text.sh [BUILD_DIR] [RUNS]
# 1. In process (bench/wit_text.cpp, compiled here at -O2): median microseconds to print and to
#    build each package, beside the reader's time for the same bytes in the same run.
# 2. Whole processes: median wall time of `wreg inspect FILE --wit` and `wreg build DIR --world W`
#    against `wreg inspect FILE` (the reference: the same process without WIT text), and, when
#    JCO_DIR names a folder where `npm install @bytecodealliance/jco@1.35.0` was run (the real
#    tool; never needed by the build or the tests), node running jco's unpackWit and
#    componentEmbed on the same inputs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
runs=${2:-20}
wreg=$build/client/wreg
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fixtures=$top/tests/fixtures/packages

"${CXX:-c++}" -std=c++20 -O2 -DNDEBUG -I"$top" "$top/bench/wit_text.cpp" \
  "$build/common/libwreg_common.a" -lcrypto -o "$out/wit_text"

args=()
for wasm in "$fixtures"/wasi-*@0.2.8.wasm "$fixtures"/toolsku-*.wasm; do
  source=$wasm.source.wit
  case $wasm in
    *wasi-http*) world=proxy ;;
    *toolsku-analytics*) world=analytics-engine ;;
    *toolsku-stream-tools*) world=stream-filter ;;
    *) world=imports ;;
  esac
  args+=("$wasm=$source:$world")
done
echo "== in process, median of $runs runs (microseconds)"
"$out/wit_text" "$runs" "${args[@]}"

# Median wall milliseconds of a command over $runs runs.
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

echo "== whole processes, median of $runs runs (milliseconds)"
printf '%-30s %10s %10s %10s %10s %10s\n' package inspect inspect-wit build-w jco-print jco-embed
for pair in "${args[@]}"; do
  wasm=${pair%%=*}
  rest=${pair#*=}
  source=${rest%:*}
  world=${rest##*:}
  mkdir -p "$out/wit"
  rm -f "$out/wit"/*.wit
  cp "$source" "$out/wit/package.wit"
  inspect=$(median_ms "$wreg" inspect "$wasm")
  inspect_wit=$(median_ms "$wreg" inspect "$wasm" --wit)
  build_w=$(median_ms "$wreg" build "$out/wit" --world "$world" -o "$out/built.wasm")
  jco_print=- jco_embed=-
  if [[ -n ${JCO_DIR:-} ]]; then
    cat > "$out/print.mjs" <<JS
const { unpackWit } = await import('$JCO_DIR/node_modules/@bytecodealliance/jco-transpile/dist/index.js');
const fs = await import('node:fs');
await unpackWit(undefined, fs.readFileSync('$wasm'));
JS
    cat > "$out/embed.mjs" <<JS
const tools = await import('$JCO_DIR/node_modules/@bytecodealliance/jco-transpile/dist/wasm-tools.js');
const fs = await import('node:fs');
await tools.componentEmbed({ dummy: true, witSource: fs.readFileSync('$source', 'utf8'), world: '$world' });
JS
    jco_print=$(median_ms node "$out/print.mjs")
    jco_embed=$(median_ms node "$out/embed.mjs")
  fi
  printf '%-30s %10s %10s %10s %10s %10s\n' "${wasm##*/}" "$inspect" "$inspect_wit" "$build_w" \
    "$jco_print" "$jco_embed"
done
