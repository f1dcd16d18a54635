#!/usr/bin/env bash
# Two wreg clients, A and B, timed against each other (A B A B ...) on a warm
# `wreg add wasi:http@0.2.8` against one local wreg-server (B's build's): a before/after figure of
# a client change that holds when the machine's speed drifts, which two runs of client_add.sh one
# after the other do not. Each client keeps its own cache and config dir (warmed first); each
# add is in a fresh project. Prints each one's median wall and CPU time over PAIRS runs, the
# median and mean of B - A and the median of B / A taken pair by pair, and the requests each add
# made.
#
#   bench/client_add_ab.sh A_WREG B_BUILD_DIR [PAIRS]     # default PAIRS 30
#
# e.g. the client before a change (built from `git archive`) against this tree's build:
#   bench/client_add_ab.sh /tmp/old/build/client/wreg build 30
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
wreg_a=$(realpath "$1")
build=$(cd "${2:-$root/build}" && pwd)
pairs=${3:-30}
wreg_b=$build/client/wreg
server=$build/server/wreg-server
for binary in "$wreg_a" "$wreg_b" "$server"; do
  [[ -x $binary ]] || { echo "missing $binary" >&2; exit 1; }
done

# shellcheck source=bench/lib/wreg_server.sh
source "$root/bench/lib/wreg_server.sh"
# shellcheck source=bench/lib/timing.sh
source "$root/bench/lib/timing.sh"

serve_wasi_fixtures "$wreg_b"
export HOME=$work/home WREG_REGISTRY=$server_url

# add_once WREG KEY: one add in a fresh project with KEY's cache and config; "wall cpu requests".
add_once() {
  local project before times
  project=$(mktemp -d "$work/project.XXXXXX")
  before=$(wc -l <"$work/access.log")
  times=$(cd "$project" && XDG_CACHE_HOME=$work/cache-$2 XDG_CONFIG_HOME=$work/config-$2 \
    timed "$1" --quiet add wasi:http@0.2.8)
  [[ -f $project/wreg.lock ]] || { echo "$(basename "$0"): $1 add failed in $project" >&2; exit 1; }
  echo "$times $(($(wc -l <"$work/access.log") - before))"
}

add_once "$wreg_a" a >/dev/null
add_once "$wreg_b" b >/dev/null
for _ in $(seq "$pairs"); do
  echo "$(add_once "$wreg_a" a) $(add_once "$wreg_b" b)"
done >"$work/pairs"

column() { awk -v c="$1" '{ print $c }' "$work/pairs" | median; }
echo "warm wreg add wasi:http@0.2.8, $pairs pairs, A = $wreg_a, B = $wreg_b"
echo "A: median $(column 1) ms wall, $(column 2) ms cpu, $(column 3) requests"
echo "B: median $(column 4) ms wall, $(column 5) ms cpu, $(column 6) requests"
# bash's `time` counts whole milliseconds, so a difference of one or two is read from the mean.
mean() { awk '{ s += $1 } END { printf "%.2f\n", s / NR }'; }
echo "B - A, pair by pair: median $(awk '{ print $4 - $1 }' "$work/pairs" | median) ms wall" \
  "(mean $(awk '{ print $4 - $1 }' "$work/pairs" | mean)), median" \
  "$(awk '{ print $5 - $2 }' "$work/pairs" | median) ms cpu (mean" \
  "$(awk '{ print $5 - $2 }' "$work/pairs" | mean))"
echo "B / A, pair by pair: median $(awk '{ printf "%.3f\n", $4 / $1 }' "$work/pairs" | median) wall"
