#!/usr/bin/env bash
# Measures the component reader: throughput (MB/s of file read) and peak memory (RSS) reading a
# component, by default the 12 MB greeter-js.wasm. Not a test: numbers depend on the machine.
#   bench/wasm_reader.sh [FILE] [SECONDS]
# It compiles bench/wasm_reader.cpp with the reader's sources at -O2 into a temp dir (no CMake
# build needed), then runs it. For comparison it also prints the peak RSS of `cat FILE`, a
# program that reads every byte once through a small buffer.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
file=${1:-$top/tests/fixtures/components/greeter-js.wasm}
seconds=${2:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

sources=("$top"/common/wasm/*.cpp "$top"/common/mapped_file.cpp "$top"/common/package_name.cpp
         "$top"/common/version.cpp "$top"/common/text.cpp "$top"/common/result.cpp)
"${CXX:-c++}" -std=c++20 -O2 -DNDEBUG -I"$top" "$top/bench/wasm_reader.cpp" "${sources[@]}" \
  -o "$out/wasm_reader"

"$out/wasm_reader" "$file" "$seconds"
if command -v /usr/bin/time >/dev/null; then
  /usr/bin/time -f "cat peak RSS: %M KiB (for comparison)" cat "$file" >/dev/null
fi
