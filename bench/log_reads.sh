#!/usr/bin/env bash
# The transparency log's reads against the release document GET (issue 20), one wreg-server, in
# one run: wrk -t2 against GET /api/v1/packages/bench/c/1.0.0 (the reference), its
# .../proof?from=1 (an inclusion proof and a consistency proof against the newest checkpoint),
# /log/checkpoint and /log/tile/0/000.p/N, in turn, ROUNDS times. Prints requests/s of each and
# each one's ratio to the document's in that round.
#
#   bench/log_reads.sh [WREG_SERVER] [SECONDS] [CONNECTIONS] [ROUNDS] [RELEASES]
#
# Defaults: build/server/wreg-server, 5 s, 32 connections, 3 rounds, 100 releases in the log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
server=${1:-$here/../build/server/wreg-server}; dur=${2:-5}; conns=${3:-32}; rounds=${4:-3}
releases=${5:-100}
source "$here/lib/payload.sh"
t=$(mktemp -d /tmp/wreg-log-reads.XXXXXX)
pid=
trap '[[ -n $pid ]] && kill $pid 2>/dev/null; wait 2>/dev/null || true; rm -rf "$t"' EXIT
"$server" namespace create bench --data "$t/d" >/dev/null 2>&1
token=$("$server" token create --data "$t/d" --namespace bench 2>/dev/null)
"$server" serve --data "$t/d" --listen 127.0.0.1:0 --port-file "$t/port" --no-access-log 2>"$t/log" &
pid=$!
for _ in $(seq 200); do [[ -s $t/port ]] && break; sleep 0.05; done
url=http://127.0.0.1:$(cat "$t/port")
for i in $(seq 0 $((releases - 1))); do
  make_component 4096 "$t/c.wasm"
  code=$(curl -s -o /dev/null -w '%{http_code}' -T "$t/c.wasm" -H "Authorization: Bearer $token" \
    "$url/api/v1/packages/bench/c/1.0.$i")
  [[ $code == 201 ]] || { echo "log_reads.sh: publish answered $code" >&2; exit 1; }
done
targets=("$url/api/v1/packages/bench/c/1.0.0" "$url/api/v1/packages/bench/c/1.0.0/proof?from=1"
         "$url/log/checkpoint" "$url/log/tile/0/000.p/$((releases % 256))")
names=(document proof checkpoint tile)
for target in "${targets[@]}"; do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$target") == 200 ]] ||
    { echo "log_reads.sh: $target does not answer 200" >&2; exit 1; }
done
echo "requests/s: document, proof, checkpoint, tile (ratio to the document)"
for round in $(seq "$rounds"); do
  line="round $round:"
  reference=
  for i in "${!targets[@]}"; do
    rate=$(wrk -t2 -c"$conns" -d"${dur}s" "${targets[$i]}" | awk '/Requests\/sec/ { print $2 }')
    [[ -z $reference ]] && reference=$rate
    line+=" ${names[$i]} $rate ($(awk -v a="$rate" -v b="$reference" 'BEGIN { printf "%.2f", a / b }'))"
  done
  echo "$line"
done
