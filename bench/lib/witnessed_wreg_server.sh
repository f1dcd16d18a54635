#!/usr/bin/env bash
# A wreg-server whose log a second wreg-server witnesses, for bench/server_ab.sh (a SERVER it
# runs like the binary): `serve --data D ...` first starts a witness of D's log on a free port
# (its data in D.witness) and then the registry with `--witness` naming it; any other command
# goes to the binary as it is. The binary is $WREG_SERVER, else this checkout's build.
#
#   bench/server_ab.sh publish 30 build/server/wreg-server bench/lib/witnessed_wreg_server.sh
set -euo pipefail

real=${WREG_SERVER:-$(cd "$(dirname "$0")/../.." && pwd)/build/server/wreg-server}
[[ ${1:-} == serve ]] || exec "$real" "$@"

data=""
args=("$@")
for ((i = 0; i < ${#args[@]} - 1; ++i)); do
  [[ ${args[i]} == --data ]] && data=${args[i + 1]}
done
[[ -n $data ]] || { echo "witnessed_wreg_server.sh: serve needs --data" >&2; exit 2; }
witness_data=$data.witness
log_key=$("$real" log init --data "$data" 2>/dev/null || "$real" log key --data "$data")
witness_key=$("$real" log witness-key --data "$witness_data")
"$real" serve --data "$witness_data" --listen 127.0.0.1:0 --port-file "$witness_data/port" \
  --no-access-log --witness-for "$log_key" 2>>"$witness_data/log" &
witness_pid=$!
trap 'kill "$witness_pid" "${registry_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 200); do [[ -s $witness_data/port ]] && break; sleep 0.05; done
[[ -s $witness_data/port ]] || { echo "the witness did not start: $(cat "$witness_data/log")" >&2; exit 1; }
"$real" "$@" --witness "http://127.0.0.1:$(cat "$witness_data/port")/witness=$witness_key" &
registry_pid=$!
wait "$registry_pid"
