#!/usr/bin/env bash
# Client benchmark (issue 6): `wreg add wasi:http@0.2.8` against a local wreg-server, with a cold
# cache (fresh $XDG_CACHE_HOME) and a warm one (same cache, fresh project folder). Prints the
# median and best wall time of RUNS runs each, and the requests the server answered per run
# (counted from its access log, one line per request).
#
#   bench/client_add.sh [BUILD_DIR] [RUNS]     # defaults: build, 10
#
# Targets on the reference machine: cold under 150 ms, warm under 30 ms. Not a timed test.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
runs=${2:-10}
wreg=$build/client/wreg
server=$build/server/wreg-server
fixtures=$root/tests/fixtures/packages
for binary in "$wreg" "$server"; do
  [[ -x $binary ]] || { echo "missing $binary: build the wreg and wreg-server targets" >&2; exit 1; }
done

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

data=$work/data
"$server" namespace create --data "$data" wasi >/dev/null 2>&1
token=$("$server" token create --data "$data" --namespace wasi 2>/dev/null)
"$server" serve --data "$data" --listen 127.0.0.1:0 --port-file "$work/port" 2>"$work/access.log" &
server_pid=$!
for _ in $(seq 300); do [[ -s $work/port ]] && break; sleep 0.05; done
[[ -s $work/port ]] || { echo "wreg-server did not start:" >&2; cat "$work/access.log" >&2; exit 1; }
port=$(cat "$work/port")

export HOME=$work/home XDG_CONFIG_HOME=$work/config WREG_REGISTRY=http://127.0.0.1:$port
for file in "$fixtures"/wasi-*.wasm; do
  WREG_TOKEN=$token XDG_CACHE_HOME=$work/publish-cache "$wreg" --quiet publish "$file" >/dev/null
done

# run_once CACHE_DIR: one add in a fresh project; prints "milliseconds requests".
run_once() {
  local project
  project=$(mktemp -d "$work/project.XXXXXX")
  local before after start end
  before=$(wc -l <"$work/access.log")
  start=$(date +%s%N)
  (cd "$project" && XDG_CACHE_HOME=$1 "$wreg" --quiet add wasi:http@0.2.8 >/dev/null)
  end=$(date +%s%N)
  after=$(wc -l <"$work/access.log")
  awk -v s="$start" -v e="$end" -v r=$((after - before)) 'BEGIN { printf "%.1f %d\n", (e - s) / 1e6, r }'
}

summary() {  # reads "ms requests" lines; prints median, best, requests of the first run
  sort -n | awk '{ t[NR] = $1; r[NR] = $2 } END {
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "median %.1f ms, best %.1f ms, %d requests per run (%d runs)\n", m, t[1], r[1], NR }'
}

echo "wreg add wasi:http@0.2.8 against $WREG_REGISTRY (7 packages in the closure)"
printf "cold cache: "
for i in $(seq "$runs"); do run_once "$work/cold-cache-$i"; done | summary
run_once "$work/warm-cache" >/dev/null
printf "warm cache: "
for _ in $(seq "$runs"); do run_once "$work/warm-cache"; done | summary
