#!/usr/bin/env bash
# Token check timing (issue 7, tests/RELIABILITY.md "Hostile requests and authorization"): does
# the time to refuse a token depend on how much of it matches a real one? It should not: the
# server hashes the presented token and looks the hash up (server/auth/tokens.h). This measures
# it, one connection at a time so that nothing queues, and prints the median and p99 latency of
# each kind of token; the tests check the structure, this only reports figures.
#
#   tests/reliability/load/token_timing.sh [SECONDS_PER_RUN]     # default 5; each kind runs 3 times
#
# Environment: WREG_BUILD_DIR (default build/). Needs wrk (deploy/install-deps.sh --bench).
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
here=$root/tests/reliability/load
seconds=${1:-5}
build=${WREG_BUILD_DIR:-$root/build}
server=$build/server/wreg-server
[[ -x $server ]] || { echo "token_timing.sh: no $server; build wreg-server (or set WREG_BUILD_DIR)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "token_timing.sh: wrk is missing; run deploy/install-deps.sh --bench" >&2; exit 1; }

# shellcheck source=bench/lib/wreg_server.sh
source "$root/bench/lib/wreg_server.sh"

data=$work/data
"$server" namespace create --data "$data" load >/dev/null
token=$("$server" token create --data "$data" --namespace load 2>/dev/null)
start_wreg_server "$work/server.log" --data "$data" --no-access-log
url=$server_url

last=${token: -1}
other=$([[ $last == 0 ]] && echo 1 || echo 0)
first=${token:5:1}
far_char=$([[ $first == 0 ]] && echo 1 || echo 0)
declare -A kinds=(
  [valid]=$token                                           # 404: passes the check
  [near-miss]=${token%?}$other                             # 401: all but the last character
  [far-miss]=wreg_$(printf '%064d' 0 | tr 0 "$far_char")   # 401: wrong from the first character
  [malformed]=${token:0:20}                                # 401: refused before any lookup
)
order=(valid near-miss far-miss malformed)
declare -A p50s p99s counts
echo "token check timing: $seconds s per run, 1 connection, 3 rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2 3; do
  for kind in "${order[@]}"; do
    read -r requests p50 p99 _ < <(WREG_TIMING_TOKEN=${kinds[$kind]} \
      WREG_TIMING_PATH=/api/v1/packages/load/absent/1.0.0/yank \
      wrk -t 1 -c 1 -d "${seconds}s" -s "$here/token.lua" "$url" | tail -1)
    p50s[$kind]+="$p50 "
    p99s[$kind]+="$p99 "
    counts[$kind]=$((${counts[$kind]:-0} + requests))
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | sed -n 2p; }
printf '%-10s %10s %14s %14s\n' kind requests "p50 us (med)" "p99 us (med)"
for kind in "${order[@]}"; do
  printf '%-10s %10d %14s %14s\n' "$kind" "${counts[$kind]}" "$(median <<<"${p50s[$kind]}")" \
    "$(median <<<"${p99s[$kind]}")"
done
near=$(median <<<"${p50s[near-miss]}")
far=$(median <<<"${p50s[far-miss]}")
echo "near-miss / far-miss median p50: $(awk -v a="$near" -v b="$far" 'BEGIN {printf "%.3f", a / b}')"
