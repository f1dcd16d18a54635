#!/usr/bin/env bash
# Load run (issue 7, tests/RELIABILITY.md "Load"): the real wreg-server on 127.0.0.1 with a temp
# data dir, driven by wrk with mixed.lua at CONNECTIONS concurrent connections for SECONDS:
# ~90% reads (package documents and blobs), ~10% publishes of distinct valid components.
#
#   tests/reliability/load/run.sh [SECONDS] [CONNECTIONS]     # defaults: 60, 64
#
# Environment: WREG_BUILD_DIR (default build/), WREG_LOAD_THREADS (wrk threads, default 2),
# WREG_SERVER_THREADS (default: the server's own default, one per core).
# Needs wrk and python3 (deploy/install-deps.sh --bench). Not part of the test suite: it is a
# long run. Prints the figures; exit status 1 on any 5xx, socket error, lost or wrong release,
# or an fsck that is not clean.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
here=$root/tests/reliability/load
seconds=${1:-60}
connections=${2:-64}
build=${WREG_BUILD_DIR:-$root/build}
server=$build/server/wreg-server
[[ -x $server ]] || { echo "run.sh: no $server; build the wreg-server target (or set WREG_BUILD_DIR)" >&2; exit 1; }
for tool in wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing; run deploy/install-deps.sh --bench" >&2; exit 1; }
done

# shellcheck source=bench/lib/wreg_server.sh
source "$root/bench/lib/wreg_server.sh"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

data=$work/data
"$server" namespace create --data "$data" load >/dev/null
"$server" namespace create --data "$data" wasi >/dev/null
token=$("$server" token create --data "$data" --namespace load --namespace wasi 2>/dev/null)
server_args=(--data "$data" --no-access-log --max-connections $((connections * 4)))
[[ -n ${WREG_SERVER_THREADS:-} ]] && server_args+=(--threads "$WREG_SERVER_THREADS")
start_wreg_server "$work/server.log" "${server_args[@]}"
port=$server_port
url=$server_url

# What the reads aim at: every fixture WIT package and component, published before the run.
fixtures=$root/tests/fixtures
: >"$work/targets"
publish_seed() {  # id file
  local ns=${1%%:*} rest=${1#*:}
  local name=${rest%%@*} version=${rest#*@}
  local answer
  answer=$(curl -sS -X PUT -H "Authorization: Bearer $token" --data-binary "@$2" \
    "$url/api/v1/packages/$ns/$name/$version")
  local digest
  digest=$(sed -n 's/.*"digest":"\([^"]*\)".*/\1/p' <<<"$answer")
  [[ -n $digest ]] || { echo "run.sh: seeding $1 failed: $answer" >&2; exit 1; }
  echo "package /api/v1/packages/$ns/$name" >>"$work/targets"
  echo "blob /api/v1/blobs/$digest" >>"$work/targets"
}
for file in "$fixtures"/packages/wasi-*.wasm; do
  id=$(basename "$file" .wasm)  # wasi-io@0.2.8
  # Skip the fixture whose file name is not its version (wasi-http@0.2.0.upstream).
  [[ ${id#*@} =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9a-z.-]+)?$ ]] || continue
  publish_seed "wasi:${id#wasi-}" "$file"
done
for file in "$fixtures"/components/{analytics-engine,http-proxy,stream-filter}.wasm; do
  publish_seed "load:$(basename "$file" .wasm)@1.0.0" "$file"
done
base=$fixtures/components/analytics-engine.wasm

rss_start=$(rss_kib "$server_pid")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%FT%TZ)
mkdir -p "$work/out"
# RSS ten times during the run, to tell a plateau from a leak.
(
  step=$(( seconds >= 10 ? seconds / 10 : 1 ))
  for ((t = step; t <= seconds; t += step)); do
    sleep "$step"
    echo "${t}s:$(rss_kib "$server_pid" 2>/dev/null || echo gone)" >>"$work/rss.txt"
  done
) &
sampler_pid=$!
WREG_LOAD_TOKEN=$token WREG_LOAD_COMPONENT=$base WREG_LOAD_TARGETS=$work/targets \
  WREG_LOAD_OUT=$work/out \
  wrk -t "${WREG_LOAD_THREADS:-2}" -c "$connections" -d "${seconds}s" --timeout 10s \
  -s "$here/mixed.lua" "$url" >"$work/wrk.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
wait "$sampler_pid" || true
rss_end=$(rss_kib "$server_pid")
rss_peak=$(hwm_kib "$server_pid")

status=0
verify=$(python3 "$here/verify.py" "$port" "$base" "$work/out/created.txt") || status=1
# Memory once the run is over and the connections are gone.
rss_idle=$(rss_kib "$server_pid")
kill -TERM "$server_pid"
wait "$server_pid" || { echo "run.sh: wreg-server did not stop cleanly" >&2; status=1; }
server_pid=""
fsck=$("$server" fsck --data "$data" 2>&1) || status=1

server_errors=$(awk '$1 >= 500 {n += $2} END {print n + 0}' "$work/out/statuses.txt")
socket_errors=$(awk '/^socket_errors/ {print $3 + $5 + $7 + $9}' "$work/out/summary.txt")
((server_errors == 0)) || status=1
((socket_errors == 0)) || status=1

echo "load run: $seconds s, $connections connections, wrk threads ${WREG_LOAD_THREADS:-2}, started $started"
echo "machine: $(nproc) cores; load average before $load_before, after $load_after"
cat "$work/out/summary.txt"
echo "statuses: $(sort -n "$work/out/statuses.txt" | awk '{printf "%s:%s ", $1, $2}')"
echo "5xx: $server_errors"
echo "server RSS: start ${rss_start} KiB, end ${rss_end} KiB, after the run ${rss_idle} KiB, peak ${rss_peak} KiB"
echo "server RSS during the run (KiB): $(tr '\n' ' ' <"$work/rss.txt")"
echo "$verify"
echo "fsck: $fsck"
exit $status
