#!/usr/bin/env bash
# `wreg build` against wit-component's own test expectations, by hand (not part of the test run:
# it needs a checkout of bytecodealliance/wasm-tools and the real tool, neither of which CI has).
#   tests/oracle/wit_component_interfaces.sh WASM_TOOLS_DIR JCO_DIR [BUILD_DIR]
# For each case of WASM_TOOLS_DIR/crates/wit-component/tests/interfaces/ (a .wit file or a
# folder with its deps/, and the .wat the encoder must write for it), it builds the package with
# `wreg build`, turns the .wat into bytes with jco's `parse` (wasm-tools parse; JCO_DIR is where
# `npm install @bytecodealliance/jco@1.35.0` was run), and compares every section but producers.
set -euo pipefail
cases=$1/crates/wit-component/tests/interfaces
jco=$2
wreg=${3:-$(cd "$(dirname "$0")/../.." && pwd)/build}/client/wreg
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat > "$out/parse.mjs" <<JS
const tools = await import('$jco/node_modules/@bytecodealliance/jco-transpile/dist/wasm-tools.js');
const fs = await import('node:fs');
fs.writeFileSync(process.argv[3], await tools.parse(fs.readFileSync(process.argv[2], 'utf8')));
JS
identical=0 total=0
for wat in "$cases"/*.wat; do
  name=$(basename "$wat" .wat)
  node "$out/parse.mjs" "$wat" "$out/$name.expected.wasm" 2>/dev/null || {
    echo "$name: skipped (the .wat does not parse)"
    continue
  }
  total=$((total + 1))
  source=$cases/$name
  if [[ ! -d $source ]]; then
    mkdir -p "$out/src-$name"
    cp "$cases/$name.wit" "$out/src-$name/"
    source=$out/src-$name
  fi
  if ! "$wreg" build "$source" -o "$out/$name.wasm" >"$out/$name.log" 2>&1; then
    echo "$name: build failed: $(head -1 "$out/$name.log")"
    continue
  fi
  if python3 - "$out/$name.wasm" "$out/$name.expected.wasm" <<'PY'
import sys
def sections(path):
    data, out, at = open(path, 'rb').read(), [], 8
    while at < len(data):
        sid, at = data[at], at + 1
        size = shift = 0
        while True:
            byte, at = data[at], at + 1
            size |= (byte & 0x7f) << shift
            shift += 7
            if byte < 0x80:
                break
        body = data[at:at + size]
        at += size
        if sid == 0 and body[1:1 + body[0]] == b'producers':
            continue
        out.append((sid, body))
    return out
sys.exit(0 if sections(sys.argv[1]) == sections(sys.argv[2]) else 1)
PY
  then
    identical=$((identical + 1))
    echo "$name: identical"
  else
    echo "$name: DIFFERENT"
  fi
done
echo "$identical of $total identical (every section but producers)"
