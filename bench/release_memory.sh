#!/usr/bin/env bash
# What the largest release costs the registry and its readers (issue 16, item 2): memory and CPU
# of wreg-server for a publish at the limits and for the 12 MB greeter-js.wasm, for concurrent
# GETs of the largest release document with /healthz's latency meanwhile, and `wreg info`'s
# peak memory on that release.
#
#   bench/release_memory.sh WREG_SERVER WREG [NAME_BYTES] [GETS]
#
# NAME_BYTES (default 10000) is the length of each of the 1,000 import names of the component at
# the limits (bench/limits_component.cpp, compiled here into a temp dir), which sets its size:
# 10000 makes an 11 MB component, about the size of the issue's million-import one. GETS
# (default 8) is the number of concurrent GETs of its release document.
#
# RSS is read from /proc/PID/status: VmRSS now, VmHWM the peak since the last reset (writing 5
# to /proc/PID/clear_refs resets it, Linux 4.0+), so each step reports before, peak and after.
# "after" is read once the step's requests are answered and again 2 s later. CPU is utime +
# stime from /proc/PID/stat. wreg info's peak is its Maximum resident set size (/usr/bin/time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
[[ $# -ge 2 ]] || { sed -n '2,17p' "$0"; exit 2; }
server=$(realpath "$1")
wreg=$(realpath "$2")
name_bytes=${3:-10000}
gets=${4:-8}
source "$here/lib/wreg_server.sh"
source "$here/lib/median.sh"

"${CXX:-c++}" -std=c++20 -O2 -I"$top" "$here/limits_component.cpp" -o "$work/limits_component"
"$work/limits_component" "$name_bytes" "$work/limits.wasm"
greeter=$top/tests/fixtures/components/greeter-js.wasm

"$server" namespace create bench --data "$work/data" >/dev/null
token=$("$server" token create --data "$work/data" --namespace bench)
start_wreg_server "$work/server.log" --data "$work/data" --no-access-log

mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
status_kib() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$server_pid/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
reset_peak() { echo 5 >"/proc/$server_pid/clear_refs"; }
ticks_per_second=$(getconf CLK_TCK)

# step LABEL COMMAND...: runs COMMAND and prints the server's RSS before, its peak during, and
# after (at once and 2 s later), and the server's CPU time.
step() {
  local label=$1
  shift
  local before cpu0 cpu1 peak after later
  before=$(status_kib VmRSS)
  reset_peak
  cpu0=$(cpu_ticks)
  "$@"
  cpu1=$(cpu_ticks)
  peak=$(status_kib VmHWM)
  after=$(status_kib VmRSS)
  sleep 2
  later=$(status_kib VmRSS)
  printf '%s: RSS before %s, peak %s, after %s (2 s later %s); server CPU %s s\n' "$label" \
    "$(mib "$before")" "$(mib "$peak")" "$(mib "$after")" "$(mib "$later")" \
    "$(awk -v t=$((cpu1 - cpu0)) -v h="$ticks_per_second" 'BEGIN { printf "%.2f", t / h }')"
}

publish() { # NAME FILE
  local code
  code=$(curl -s -o "$work/answer" -w '%{http_code}' -T "$2" -H "Authorization: Bearer $token" \
    "$server_url/api/v1/packages/bench/$1/1.0.0")
  [[ $code == 201 ]] || { echo "publish of $2 answered $code: $(cat "$work/answer")" >&2; exit 1; }
}

# GETS concurrent GETs of the release document while /healthz is asked one after the other;
# prints the document's size and /healthz's latency (median, max) over the GETs' duration.
concurrent_gets() {
  local path=$server_url/api/v1/packages/bench/limits/1.0.0 pids=() i
  for ((i = 0; i < gets; i++)); do
    curl -sf -o "$work/doc$i" "$path" &
    pids+=($!)
  done
  : >"$work/healthz"
  while kill -0 "${pids[@]}" 2>/dev/null; do
    curl -sf -o /dev/null -w '%{time_total}\n' "$server_url/healthz" >>"$work/healthz"
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  cmp -s "$work/doc0" "$work/doc$((gets - 1))" || { echo "the GETs got different documents" >&2; exit 1; }
  printf '  %d GETs of a %s document; /healthz meanwhile: %d answers, median %s ms, max %s ms\n' \
    "$gets" "$(mib $(($(stat -c %s "$work/doc0") / 1024)))" "$(wc -l <"$work/healthz")" \
    "$(awk '{ print $1 * 1000 }' "$work/healthz" | median)" \
    "$(awk 'BEGIN { m = 0 } { if ($1 > m) m = $1 } END { print m * 1000 }' "$work/healthz")"
}

echo "wreg-server $server, component at the limits: $(stat -c %s "$work/limits.wasm") bytes" \
  "($name_bytes-byte import names), greeter-js.wasm: $(stat -c %s "$greeter") bytes"
for _ in 1 2 3; do curl -sf -o /dev/null "$server_url/healthz"; done
step "(a) publish at the limits" publish limits "$work/limits.wasm"
step "(b) publish greeter-js.wasm" publish greeter "$greeter"
step "(c) $gets concurrent GETs of the release at the limits" concurrent_gets
step "(d) the same again" concurrent_gets

config=$work/config
mkdir -p "$config/wreg"
printf 'registry = "%s"\n' "$server_url" >"$config/wreg/config.toml"
XDG_CONFIG_HOME=$config XDG_CACHE_HOME=$work/cache /usr/bin/time -f '%M' -o "$work/info_rss" \
  "$wreg" info bench:limits >/dev/null
echo "(e) wreg info bench:limits: peak RSS $(mib "$(cat "$work/info_rss")")"
