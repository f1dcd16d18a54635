#!/usr/bin/env bash
# PostgreSQL against SQLite, and replicas behind nginx (issue 21), in one run on 127.0.0.1, so
# that the ratios hold on a shared machine whose absolute figures drift:
#
#   bench/postgres.sh [BUILD_DIR] [SECONDS] [ROUNDS] [GROWTH]
#
# BUILD_DIR (default build) holds server/wreg-server; SECONDS (5) is each wrk run, ROUNDS (3) how
# often the SQLite and PostgreSQL figures alternate, GROWTH ("1000 10000 100000", "" for none)
# the store sizes of the last table. It prints four tables:
#   1. package document GET, requests/s (wrk -t2 -c32): a server on SQLite and one on
#      PostgreSQL, alternated, and their ratio;
#   2. publish, median ms of 9 (4 KiB) and of 5 (20 MiB) with curl: the same two servers;
#   3. package document GET through nginx (round robin, keepalive) in front of 1, 2 and 3
#      replicas on one PostgreSQL database;
#   4. publish 4 KiB, median ms of 9, on PostgreSQL holding 1k, 10k and 100k releases (filled by
#      SQL into SQLite as bench/compare.sh does, then copied with `wreg-server migrate`).
# One PostgreSQL server (tests/support/postgres_cluster.sh) in a temp dir, on a Unix socket;
# every process is stopped and every file removed at the end. Needs wrk, nginx, curl, sqlite3
# and PostgreSQL's server (deploy/install-deps.sh --test --bench).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
duration=${2:-5}
rounds=${3:-3}
growth=${4-1000 10000 100000}
server=$build/server/wreg-server
[[ -x $server ]] || { echo "postgres.sh: no $server; build it first" >&2; exit 1; }
for tool in wrk nginx curl sqlite3; do
  command -v "$tool" >/dev/null || { echo "postgres.sh: $tool is missing; deploy/install-deps.sh --bench" >&2; exit 1; }
done
source "$here/lib/payload.sh"
source "$here/lib/median.sh"
source "$here/lib/grow_store.sh"

tmp=$(mktemp -d /tmp/wreg-pgbench.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$root/tests/support/postgres_cluster.sh" stop "$tmp/postgres.state" || true
  rm -rf "$tmp"
}
trap cleanup EXIT
log() { echo "postgres.sh: $*" >&2; }
die() { echo "postgres.sh: $*" >&2; exit 1; }

"$root/tests/support/postgres_cluster.sh" start "$tmp/postgres.state"
socket=$(cat "$tmp/postgres.state")
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
databases=0
# new_database: a new PostgreSQL database; sets $database to its URI.
new_database() {
  databases=$((databases + 1))
  "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$socket" -U wreg -d postgres \
    -c "CREATE DATABASE bench_$databases" >/dev/null
  database="postgresql://wreg@/bench_$databases?host=$socket"
}

# start NAME DATA [SERVE_ARGS...]: a wreg-server without access log; sets NAME_pid, NAME_url.
start() {
  local name=$1 data=$2
  shift 2
  rm -f "$tmp/$name.port"
  "$server" serve --data "$data" --listen 127.0.0.1:0 --port-file "$tmp/$name.port" \
    --no-access-log "$@" 2>>"$tmp/$name.log" &
  pids+=($!)
  eval "${name}_pid=$!"
  for _ in $(seq 400); do [[ -s $tmp/$name.port ]] && break; sleep 0.05; done
  [[ -s $tmp/$name.port ]] || die "$name did not start: $(cat "$tmp/$name.log")"
  eval "${name}_url=http://127.0.0.1:$(cat "$tmp/$name.port")"
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# publish_ms URL NAME VERSION FILE TOKEN: the status and milliseconds of one publish.
publish_ms() {
  curl -s -o "$tmp/publish.json" -w '%{http_code} %{time_total}\n' -m 300 -T "$4" \
    -H "Authorization: Bearer $5" -H 'Content-Type: application/wasm' \
    "$1/api/v1/packages/$2/$3" | awk '{ printf "%s %.1f\n", $1, $2 * 1000 }'
}

# rps URL: requests/s of a wrk run on URL; dies unless every answer was a 200.
rps() {
  local out
  out=$(wrk -t2 -c32 -d"${duration}s" "$1" 2>&1) || die "wrk failed on $1: $out"
  grep -q 'Non-2xx\|Socket errors' <<<"$out" && die "not only 200s from $1: $out"
  awk '/Requests\/sec/ { print $2 }' <<<"$out"
}

make_component 4096 "$tmp/doc.wasm"

# ---- 1 and 2: one server on SQLite, one on PostgreSQL ------------------------------------------
log "a server on SQLite and one on PostgreSQL"
new_database
for engine in sqlite postgres; do
  args=()
  [[ $engine == postgres ]] && args=(--database "$database")
  "$server" namespace create bench --data "$tmp/$engine" "${args[@]}" >/dev/null 2>&1
  token=$("$server" token create --data "$tmp/$engine" --namespace bench "${args[@]}" 2>/dev/null)
  eval "${engine}_token=$token"
  start "$engine" "$tmp/$engine" "${args[@]}"
  url_var=${engine}_url
  read -r code _ <<<"$(publish_ms "${!url_var}" bench/doc 1.0.0 "$tmp/doc.wasm" "$token")"
  [[ $code == 201 ]] || die "publish on $engine answered $code: $(cat "$tmp/publish.json")"
done
document_rows=()
for round in $(seq "$rounds"); do
  sqlite_rps=$(rps "$sqlite_url/api/v1/packages/bench/doc")
  postgres_rps=$(rps "$postgres_url/api/v1/packages/bench/doc")
  document_rows+=("| $round | $sqlite_rps | $postgres_rps | $(awk -v a="$postgres_rps" -v b="$sqlite_rps" 'BEGIN { printf "%.2f", a / b }') |")
done

publish_rows=()
for size in 4096 $((20 << 20)); do
  runs=9
  ((size > 4096)) && runs=5
  declare -A times=([sqlite]="" [postgres]="")
  for run in $(seq "$runs"); do
    for engine in sqlite postgres; do
      make_component "$size" "$tmp/publish.wasm"
      url_var=${engine}_url token_var=${engine}_token
      read -r code ms <<<"$(publish_ms "${!url_var}" "bench/p$size" "1.0.$run" "$tmp/publish.wasm" "${!token_var}")"
      [[ $code == 201 ]] || die "publish of $size bytes on $engine answered $code: $(cat "$tmp/publish.json")"
      times[$engine]+="$ms "
    done
  done
  sqlite_ms=$(tr ' ' '\n' <<<"${times[sqlite]}" | grep . | median)
  postgres_ms=$(tr ' ' '\n' <<<"${times[postgres]}" | grep . | median)
  label="4 KiB"
  ((size > 4096)) && label="20 MiB"
  publish_rows+=("| $label | $sqlite_ms | $postgres_ms | $(awk -v a="$postgres_ms" -v b="$sqlite_ms" 'BEGIN { printf "%.2f", a / b }') |")
done
stop "$sqlite_pid"
stop "$postgres_pid"

# ---- 3: 1, 2 and 3 replicas behind nginx ---------------------------------------------------
log "replicas behind nginx"
new_database
replica_args=(--database "$database" --blobs "$tmp/shared-blobs")
"$server" namespace create bench --data "$tmp/replica1" "${replica_args[@]}" >/dev/null 2>&1
token=$("$server" token create --data "$tmp/replica1" --namespace bench "${replica_args[@]}" 2>/dev/null)
start replica1 "$tmp/replica1" "${replica_args[@]}"
for n in 2 3; do
  mkdir -p "$tmp/replica$n"
  cp "$tmp/replica1"/token-signing.key "$tmp/replica1"/log-signing.key "$tmp/replica$n/"
  start "replica$n" "$tmp/replica$n" "${replica_args[@]}"
done
read -r code _ <<<"$(publish_ms "$replica1_url" bench/doc 1.0.0 "$tmp/doc.wasm" "$token")"
[[ $code == 201 ]] || die "publish on the replicas answered $code"
mkdir -p "$tmp/nginx"
replica_rows=()
for replicas in 1 2 3; do
  upstreams=""
  for n in $(seq "$replicas"); do
    url_var=replica${n}_url
    upstreams+="server ${!url_var#http://}; "
  done
  port=$((20000 + RANDOM % 30000))
  cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 2; daemon off; pid $tmp/nginx/nginx.pid; error_log $tmp/nginx/error.log error;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/b; proxy_temp_path $tmp/nginx/p; fastcgi_temp_path $tmp/nginx/f;
  uwsgi_temp_path $tmp/nginx/u; scgi_temp_path $tmp/nginx/s;
  upstream wreg { $upstreams keepalive 64; }
  server { listen 127.0.0.1:$port;
    location / { proxy_pass http://wreg; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
CONF
  nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
  nginx_pid=$!
  pids+=("$nginx_pid")
  for _ in $(seq 200); do curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/packages/bench/doc" && break; sleep 0.05; done
  row="| $replicas |"
  for round in $(seq "$rounds"); do row+=" $(rps "http://127.0.0.1:$port/api/v1/packages/bench/doc")"; done
  replica_rows+=("$row |")
  stop "$nginx_pid"
done
for n in 1 2 3; do pid_var=replica${n}_pid; stop "${!pid_var}"; done

# ---- 4: publish latency as the PostgreSQL store grows --------------------------------------
growth_rows=()
if [[ -n $growth ]]; then
  log "growth: $growth releases"
  data=$tmp/grow
  "$server" namespace create grow --data "$data" >/dev/null 2>&1
  token=$("$server" token create --data "$data" --namespace grow 2>/dev/null)
  start grow "$data"
  read -r code _ <<<"$(publish_ms "$grow_url" grow/p0 1.0.0 "$tmp/doc.wasm" "$token")"
  [[ $code == 201 ]] || die "seed publish answered $code"
  stop "$grow_pid"
  have=1 packages=1
  for target in $growth; do
    add_packages=$(((target - have) / 10))
    if ((add_packages > 0)); then
      grow_sqlite "$data/wreg.db" "$packages" "$add_packages"
      packages=$((packages + add_packages))
    fi
    start grow "$data"  # logs the seeded releases
    stop "$grow_pid"
    have=$(sqlite3 "$data/wreg.db" 'SELECT count(*) FROM releases')
    new_database
    copy_start=$(date +%s%N)
    "$server" migrate --from "sqlite:$data/wreg.db" --to "$database" >/dev/null
    copy_s=$(awk -v ns=$(($(date +%s%N) - copy_start)) 'BEGIN { printf "%.1f", ns / 1e9 }')
    start growpg "$data" --database "$database"
    times=""
    for run in 1 2 3 4 5 6 7 8 9; do
      make_component 4096 "$tmp/publish.wasm"
      read -r code ms <<<"$(publish_ms "$growpg_url" "grow/g$target" "1.0.$run" "$tmp/publish.wasm" "$token")"
      [[ $code == 201 ]] || die "publish at $have releases answered $code: $(cat "$tmp/publish.json")"
      times+="$ms "
    done
    stop "$growpg_pid"
    growth_rows+=("| $have | $(tr ' ' '\n' <<<"$times" | grep . | median) ($times) | $copy_s |")
  done
fi

echo "Machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F)"
echo
echo "| round | document GET req/s, SQLite | on PostgreSQL | PostgreSQL / SQLite |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${document_rows[@]}"
echo
echo "| publish | SQLite median ms | PostgreSQL median ms | PostgreSQL / SQLite |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${publish_rows[@]}"
echo
echo "| replicas behind nginx | document GET req/s, one figure per round |"
echo "| --- | --- |"
printf '%s\n' "${replica_rows[@]}"
if ((${#growth_rows[@]})); then
  echo
  echo "| releases on PostgreSQL | publish 4 KiB median ms (9 runs) | migrate s |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${growth_rows[@]}"
fi
