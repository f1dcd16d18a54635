#!/usr/bin/env bash
# Side by side (issue 8): wreg-server against Debian's docker-registry (the OCI distribution
# registry wkg publishes to) and nginx serving the same bytes as static files, on 127.0.0.1
# only, in one run, so that the ratios hold on a shared machine whose absolute figures drift.
#
#   bench/compare.sh [--build DIR] [--duration SECONDS] [--growth "1000 10000 100000"]
#                    [--no-growth] [--blob-rounds N] [--with-others] [--no-postgres]
#                    [--results FILE]
#
# --blob-rounds N (default 3): blob GETs are measured as N interleaved rounds of wreg and nginx.
# --with-others also runs bench/client_add.sh (when DIR has the wreg client) and
# bench/wasm_reader.sh and puts their output in RESULTS.md; otherwise RESULTS.md points to them.
# When PostgreSQL's server is installed (deploy/install-deps.sh --test), bench/postgres.sh runs
# too, with the same --duration and --growth, and its tables (PostgreSQL against SQLite, 1-3
# replicas behind nginx, publish as the PostgreSQL store grows) are a section of RESULTS.md;
# --no-postgres leaves them out.
# Needs wrk, nginx and docker-registry (deploy/install-deps.sh --bench), curl, jq and sqlite3.
# Every row is checked to have had only 2xx answers; a row that did not fails the run. The
# table goes to stdout and, with the machine, date, load average and command, to
# bench/RESULTS.md (or --results FILE). Everything runs in a temp dir that is removed at the end;
# every process it starts is stopped by its pid.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build="$root/build-perf"
duration=5
growth_sizes="1000 10000 100000"
results="$here/RESULTS.md"
with_others=0
with_postgres=1
blob_rounds=3
command_line="bench/compare.sh $*"
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --growth) growth_sizes=$2; shift 2 ;;
    --no-growth) growth_sizes=""; shift ;;
    --with-others) with_others=1; shift ;;
    --no-postgres) with_postgres=0; shift ;;
    --results) results=$2; shift 2 ;;
    --blob-rounds) blob_rounds=$2; shift 2 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $1; see --help" >&2; exit 2 ;;
  esac
done

[[ $blob_rounds =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --blob-rounds takes a number of rounds, 1 or more, not '$blob_rounds'" >&2; exit 2; }
server="$build/server/wreg-server"
[[ -x $server ]] || { echo "compare.sh: no $server; build it: ninja -C $build wreg-server" >&2; exit 1; }
floor="$build/bench/wreg-publish-floor"
[[ -x $floor ]] || { echo "compare.sh: no $floor; build it: ninja -C $build wreg-publish-floor" >&2; exit 1; }
for tool in wrk nginx docker-registry curl jq sqlite3 sha256sum; do
  command -v "$tool" >/dev/null || {
    echo "compare.sh: $tool is missing; run deploy/install-deps.sh --bench (and apt-get install curl jq sqlite3)" >&2
    exit 1
  }
done

tmp=$(mktemp -d /tmp/wreg-bench.XXXXXX)
chmod 755 "$tmp"  # nginx's workers read the static files as another user
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "compare.sh: $*" >&2; }
die() { log "$*"; exit 1; }
now_ns() { date +%s%N; }

# A free port for the peers that cannot take port 0 (nothing answers a connect on it).
free_port() {
  local port
  for port in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

# Waits (up to 20 s) until `curl URL` answers with status $2.
wait_http() {
  local url=$1 want=$2 i
  for ((i = 0; i < 200; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -m 1 "$url" || true) == "$want" ]] && return 0
    sleep 0.1
  done
  die "$url did not answer $want within 20 s"
}

# make_component SIZE FILE: a valid component of random bytes (bench/lib/payload.sh).
source "$here/lib/payload.sh"

# ---- wrk ------------------------------------------------------------------------------------
cat >"$tmp/summary.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    summary.bytes, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
EOF

# run_wrk CONNECTIONS URL [HEADER]: sets wrk_rps, wrk_mbps, wrk_p50_ms, wrk_p99_ms. Fails the run
# on any non-2xx answer or socket error (the URL was checked for a 200 first).
run_wrk() {
  local connections=$1 url=$2 header=${3:-}
  local args=(-t2 -c"$connections" -d"${duration}s" --timeout 10s -s "$tmp/summary.lua")
  [[ -n $header ]] && args+=(-H "$header")
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 ${header:+-H "$header"} "$url")
  [[ $code == 200 ]] || die "$url answered $code before the load, not 200"
  local out line
  out=$(timeout $((duration + 30)) wrk "${args[@]}" "$url" 2>&1) || die "wrk failed on $url: $out"
  line=$(grep '^WRK ' <<<"$out") || die "wrk printed no summary for $url: $out"
  local requests dur bytes p50 p99 bad_status socket_errors
  read -r _ requests dur bytes p50 p99 bad_status socket_errors <<<"$line"
  if grep -q 'Non-2xx or 3xx' <<<"$out" || ((bad_status > 0 || socket_errors > 0)); then
    die "$url under $connections connections: not only 2xx answers ($bad_status bad statuses, $socket_errors socket errors): $out"
  fi
  wrk_rps=$(awk -v r="$requests" -v d="$dur" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
  wrk_mbps=$(awk -v b="$bytes" -v d="$dur" 'BEGIN { printf "%.0f", b / (d / 1e6) / 1e6 }')
  wrk_p50_ms=$(awk -v v="$p50" 'BEGIN { printf "%.2f", v / 1000 }')
  wrk_p99_ms=$(awk -v v="$p99" 'BEGIN { printf "%.2f", v / 1000 }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
rss_mib() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
hwm_mib() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
source "$here/lib/median.sh"
source "$here/lib/grow_store.sh"

# ---- wreg-server ----------------------------------------------------------------------------
# start_wreg DATA_DIR: sets wreg_pid and wreg_url.
start_wreg() {
  local data=$1
  rm -f "$tmp/wreg.port"
  "$server" serve --data "$data" --listen 127.0.0.1:0 --port-file "$tmp/wreg.port" \
    --no-access-log 2>>"$tmp/wreg.log" &
  wreg_pid=$!
  pids+=("$wreg_pid")
  local i
  for ((i = 0; i < 200; i++)); do
    [[ -s $tmp/wreg.port ]] && break
    kill -0 "$wreg_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -s $tmp/wreg.port ]] || die "wreg-server did not start; see its log: $(tail -3 "$tmp/wreg.log")"
  wreg_url="http://127.0.0.1:$(cat "$tmp/wreg.port")"
  wait_http "$wreg_url/healthz" 200
}
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Publish and push times are curl's own `time_total` (from the connect to the answer's last byte),
# summed over a push's requests: what the server and the transfer take, without curl's process
# start, which on this loaded machine alone took 20-75 ms per curl (a push runs five).
# curl_ms OUTPUT ARGS...: runs curl -s -o OUTPUT ARGS and prints "HTTP_STATUS MILLISECONDS".
curl_ms() {
  local output=$1
  shift
  curl -s -o "$output" -w '%{http_code} %{time_total}' "$@" |
    awk '{ printf "%s %.1f", $1, $2 * 1000 }'
}

# wall_ms START_NS: milliseconds since START_NS.
wall_ms() { awk -v ns=$(($(now_ns) - $1)) 'BEGIN { printf "%.1f", ns / 1e6 }'; }

# wreg_publish NS/NAME VERSION FILE: prints "HTTP_STATUS MILLISECONDS WALL_MILLISECONDS" (the
# wall clock includes curl's process start).
# The publish's Server-Timing header (its steps) is left in $tmp/publish.headers.
wreg_publish() {
  local name=$1 version=$2 file=$3 start result
  start=$(now_ns)
  result=$(curl_ms "$tmp/publish.json" -m 120 -T "$file" -D "$tmp/publish.headers" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/wasm' \
    "$wreg_url/api/v1/packages/$name/$version")
  echo "$result $(wall_ms "$start")"
}

# "receive=40.1 sync=4.2 ..." from the last publish's Server-Timing header.
publish_steps() {
  tr -d '\r' <"$tmp/publish.headers" | awk 'tolower($1) == "server-timing:" {
    $1 = ""; n = split($0, parts, ",")
    for (i = 1; i <= n; i++) { gsub(/ /, "", parts[i]); sub(/;dur=/, "=", parts[i]); printf "%s ", parts[i] }
  }'
}

# steps_median STEP LINES...: the median of STEP=value over the lines ("-" when absent).
steps_median() {
  local step=$1
  shift
  printf '%s\n' "$@" | tr ' ' '\n' | awk -F= -v s="$step" '$1 == s { print $2 }' | median
}

# ---- docker-registry ------------------------------------------------------------------------
start_oci() {
  local port
  port=$(free_port)
  mkdir -p "$tmp/oci/storage"
  cat >"$tmp/oci/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/oci/storage
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$port
EOF
  docker-registry serve "$tmp/oci/config.yml" >>"$tmp/oci.log" 2>&1 &
  oci_pid=$!
  pids+=("$oci_pid")
  oci_url="http://127.0.0.1:$port"
  wait_http "$oci_url/v2/" 200
}

# The same OCI push goes to docker-registry and to wreg-server's /v2 (which needs a token):
# oci_target URL [AUTH_HEADER] sets where oci_blob and oci_push send it.
oci_target() {
  push_url=$1
  push_auth=()
  [[ -n ${2:-} ]] && push_auth=(-H "$2")
  return 0
}

# oci_blob REPO FILE DIGEST: one monolithic blob upload (POST, then PUT with the digest); adds
# curl's time_total of both to oci_ms.
oci_blob() {
  local repo=$1 file=$2 digest=$3 location code ms
  location=$(curl -s -m 60 -o /dev/null -D - -w 'TIME %{time_total}\n' -X POST "${push_auth[@]}" \
    "$push_url/v2/$repo/blobs/uploads/" | tr -d '\r')
  oci_ms=$(awk -v a="$oci_ms" -v b="$(awk '$1 == "TIME" { print $2 }' <<<"$location")" \
    'BEGIN { printf "%.1f", a + b * 1000 }')
  location=$(awk 'tolower($1) == "location:" { print $2 }' <<<"$location")
  [[ -n $location ]] || die "$push_url gave no upload location for $repo"
  [[ $location == http* ]] || location="$push_url$location"
  [[ $location == *\?* ]] && location+="&" || location+="?"
  read -r code ms <<<"$(curl_ms /dev/null -m 120 -X PUT -T "$file" "${push_auth[@]}" \
    -H 'Content-Type: application/octet-stream' "${location}digest=$digest")"
  [[ $code == 201 ]] || die "$push_url answered $code to a blob upload to $repo"
  oci_ms=$(awk -v a="$oci_ms" -v b="$ms" 'BEGIN { printf "%.1f", a + b }')
}

# oci_push REPO TAG FILE DIGEST: a Wasm OCI artifact (config application/vnd.wasm.config.v0+json,
# one application/wasm layer) to oci_target's registry; prints the milliseconds it took and the
# wall-clock milliseconds. DIGEST is the layer's, computed by the caller before the clock starts
# (wreg's publish gets it the same way).
oci_push() {
  local repo=$1 tag=$2 file=$3 digest=$4 size config_digest config_size code ms start
  size=$(stat -c %s "$file")
  # As wkg writes it (rust-oci-wasm's WasmConfig, whose `created` is required).
  printf '{"created":"2026-01-02T03:04:05Z","architecture":"wasm","os":"wasip2","layerDigests":["%s"]}' \
    "$digest" >"$tmp/oci/config.json"
  config_digest="sha256:$(sha256sum "$tmp/oci/config.json" | cut -d' ' -f1)"
  config_size=$(stat -c %s "$tmp/oci/config.json")
  cat >"$tmp/oci/manifest.json" <<EOF
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/wasm","config":{"mediaType":"application/vnd.wasm.config.v0+json","digest":"$config_digest","size":$config_size},"layers":[{"mediaType":"application/wasm","digest":"$digest","size":$size}]}
EOF
  oci_ms=0
  start=$(now_ns)
  oci_blob "$repo" "$file" "$digest"
  oci_blob "$repo" "$tmp/oci/config.json" "$config_digest"
  read -r code ms <<<"$(curl_ms "$tmp/oci/answer" -m 60 -X PUT --data-binary @"$tmp/oci/manifest.json" \
    "${push_auth[@]}" -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    "$push_url/v2/$repo/manifests/$tag")"
  [[ $code == 201 ]] || die "$push_url answered $code to the manifest of $repo:$tag: $(head -c 300 "$tmp/oci/answer")"
  echo "$(awk -v a="$oci_ms" -v b="$ms" 'BEGIN { printf "%.1f", a + b }') $(wall_ms "$start")"
}

# ---- nginx ----------------------------------------------------------------------------------
start_nginx() {
  local port
  port=$(free_port)
  mkdir -p "$tmp/nginx/www" "$tmp/nginx/temp"
  cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log error;
events { worker_connections 4096; }
http {
  access_log off;
  # The issue's tuning for this machine's loopback: 1.5-2x the small-file rate and 1.4x the
  # 20 MiB throughput of sendfile on + tcp_nopush.
  sendfile off;
  output_buffers 2 256k;
  open_file_cache max=100;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx/temp/body;
  proxy_temp_path $tmp/nginx/temp/proxy;
  fastcgi_temp_path $tmp/nginx/temp/fastcgi;
  uwsgi_temp_path $tmp/nginx/temp/uwsgi;
  scgi_temp_path $tmp/nginx/temp/scgi;
  types { application/json json; application/wasm wasm; }
  server {
    listen 127.0.0.1:$port;
    root $tmp/nginx/www;
  }
}
EOF
  nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
  nginx_pid=$!
  pids+=("$nginx_pid")
  nginx_url="http://127.0.0.1:$port"
}

# ---- the run --------------------------------------------------------------------------------
rows=()  # markdown table rows
row() { rows+=("| $* |"); printf '%s\n' "| $* |" >&2; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

log "payloads: 1 MiB and 20 MiB components"
make_component $((1 << 20)) "$tmp/c1m.wasm"
make_component $((20 << 20)) "$tmp/c20m.wasm"

log "starting wreg-server, docker-registry and nginx"
"$server" namespace create bench --data "$tmp/wreg" >/dev/null 2>&1
token=$("$server" token create --data "$tmp/wreg" --namespace bench 2>/dev/null)
start_wreg "$tmp/wreg"
start_oci
start_nginx

for payload in c1m c20m; do
  read -r code _ <<<"$(wreg_publish "bench/$payload" 1.0.0 "$tmp/$payload.wasm")"
  [[ $code == 201 ]] || die "wreg-server answered $code to the publish of $payload: $(cat "$tmp/publish.json")"
  digest="sha256:$(sha256sum "$tmp/$payload.wasm" | cut -d' ' -f1)"
  declare "digest_$payload=$digest"
  oci_target "$oci_url"
  oci_push "$payload" 1.0.0 "$tmp/$payload.wasm" "$digest" >/dev/null
  cp "$tmp/$payload.wasm" "$tmp/nginx/www/$payload.wasm"
done
curl -s -f -m 10 "$wreg_url/api/v1/packages/bench/c1m" >"$tmp/nginx/www/doc.json"
wait_http "$nginx_url/doc.json" 200
doc_bytes=$(stat -c %s "$tmp/nginx/www/doc.json")
manifest_bytes=$(curl -s -m 10 -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "$oci_url/v2/c1m/manifests/1.0.0" | wc -c)

accept='Accept: application/vnd.oci.image.manifest.v1+json'
row "**small metadata GET** | wreg package document ($doc_bytes B) | OCI manifest by tag ($manifest_bytes B) | nginx same document | wreg/OCI | wreg/nginx"
row "--- | --- | --- | --- | --- | ---"
for connections in 32 128; do
  run_wrk "$connections" "$wreg_url/api/v1/packages/bench/c1m"
  w_rps=$wrk_rps w_p50=$wrk_p50_ms w_p99=$wrk_p99_ms
  run_wrk "$connections" "$oci_url/v2/c1m/manifests/1.0.0" "$accept"
  o_rps=$wrk_rps o_p50=$wrk_p50_ms o_p99=$wrk_p99_ms
  run_wrk "$connections" "$nginx_url/doc.json"
  n_rps=$wrk_rps n_p50=$wrk_p50_ms n_p99=$wrk_p99_ms
  row "req/s, $connections conn | $w_rps | $o_rps | $n_rps | $(ratio "$w_rps" "$o_rps")x | $(ratio "$w_rps" "$n_rps")"
  row "p50 / p99 ms, $connections conn | $w_p50 / $w_p99 | $o_p50 / $o_p99 | $n_p50 / $n_p99 | | "
done
# The package's browse page against its JSON document on the same server, interleaved (page,
# document, page, document): the page is rendered once per change and cached like the document,
# and is meant to keep at least half the document's rate.
page_bytes=$(curl -s -f -m 10 "$wreg_url/packages/bench/c1m" | wc -c)
row "**browse page GET** (32 conn) | wreg package page ($page_bytes B) | wreg package document | | page/document | "
for round in 1 2; do
  run_wrk 32 "$wreg_url/packages/bench/c1m"
  p_rps=$wrk_rps p_p50=$wrk_p50_ms p_p99=$wrk_p99_ms
  run_wrk 32 "$wreg_url/api/v1/packages/bench/c1m"
  d_rps=$wrk_rps d_p50=$wrk_p50_ms d_p99=$wrk_p99_ms
  row "req/s, round $round | $p_rps | $d_rps | | **$(ratio "$p_rps" "$d_rps")** | "
  row "p50 / p99 ms, round $round | $p_p50 / $p_p99 | $d_p50 / $d_p99 | | | "
done
# The same OCI request to both registries: wreg's /v2 serves the manifest of the release
# published natively above (made on the first ask, then stored), docker-registry the one pushed
# to it.
row "**OCI manifest GET by tag** | wreg /v2 | OCI registry | | wreg/OCI | "
for connections in 32 128; do
  run_wrk "$connections" "$wreg_url/v2/bench/c1m/manifests/1.0.0" "$accept"
  w_rps=$wrk_rps w_p50=$wrk_p50_ms w_p99=$wrk_p99_ms
  run_wrk "$connections" "$oci_url/v2/c1m/manifests/1.0.0" "$accept"
  o_rps=$wrk_rps o_p50=$wrk_p50_ms o_p99=$wrk_p99_ms
  row "req/s, $connections conn | $w_rps | $o_rps | | **$(ratio "$w_rps" "$o_rps")x** | "
  row "p50 / p99 ms, $connections conn | $w_p50 / $w_p99 | $o_p50 / $o_p99 | | | "
done

# Blob rows: wreg and nginx in interleaved rounds (wreg, nginx, wreg, nginx, ...) with the same
# wrk settings, so that a swing of this shared machine's speed between two wrk runs (nginx alone
# gave 350-1,450 MB/s for 20 MiB in runs minutes apart) hits both alike; each round's ratio is
# shown, and the row's ratio is the median of the per-round ratios. The OCI registry is far
# behind either and measured once.
row "**blob GET** (16 conn; $blob_rounds interleaved rounds wreg, nginx) | wreg | OCI registry | nginx | wreg/OCI | wreg/nginx"
for payload in c1m c20m; do
  digest_var="digest_$payload"
  run_wrk 16 "$oci_url/v2/$payload/blobs/${!digest_var}"
  o=$wrk_mbps
  w_all=() n_all=() r_all=() v_all=() vr_all=()
  for ((round = 1; round <= blob_rounds; round++)); do
    run_wrk 16 "$wreg_url/api/v1/blobs/${!digest_var}"
    w=$wrk_mbps
    run_wrk 16 "$nginx_url/$payload.wasm"
    n=$wrk_mbps
    # The same bytes through wreg's OCI route, against the same nginx run.
    run_wrk 16 "$wreg_url/v2/bench/$payload/blobs/${!digest_var}"
    v=$wrk_mbps
    w_all+=("$w") n_all+=("$n") r_all+=("$(ratio "$w" "$n")")
    v_all+=("$v") vr_all+=("$(ratio "$v" "$n")")
    row "${payload#c} MB/s, round $round | $w (/v2: $v) | | $n | | $(ratio "$w" "$n") (/v2: $(ratio "$v" "$n"))"
  done
  w=$(printf '%s\n' "${w_all[@]}" | median)
  n=$(printf '%s\n' "${n_all[@]}" | median)
  v=$(printf '%s\n' "${v_all[@]}" | median)
  row "**${payload#c} MB/s**, medians (of the per-round ratios for wreg/nginx) | $w (/v2: $v) | $o | $n | $(ratio "$w" "$o")x | **$(printf '%s\n' "${r_all[@]}" | median2)** (/v2: **$(printf '%s\n' "${vr_all[@]}" | median2)**)"
done

log "publish 20 MiB x5 (distinct bytes) against an OCI push and the floor"
wreg_times=() oci_times=() floor_times=() wreg_walls=() oci_walls=() wreg_steps=() floor_steps=()
wreg_oci_times=()
mkdir -p "$tmp/floor"
for run in 1 2 3 4 5; do
  make_component $((20 << 20)) "$tmp/p.wasm"
  digest="sha256:$(sha256sum "$tmp/p.wasm" | cut -d' ' -f1)"
  # The new payload's 20 MiB are still dirty in the page cache: written back now, untimed, they
  # do not land in whichever publish comes first (wreg's sync step read 5-10 ms longer right
  # after the payload was written than one publish later).
  sync
  read -r code ms wall <<<"$(wreg_publish bench/publish 1.0.$run "$tmp/p.wasm")"
  [[ $code == 201 ]] || die "wreg-server answered $code to publish run $run: $(cat "$tmp/publish.json")"
  wreg_times+=("$ms") wreg_walls+=("$wall") wreg_steps+=("$(publish_steps)")
  oci_target "$oci_url"
  read -r ms wall <<<"$(oci_push publish "1.0.$run" "$tmp/p.wasm" "$digest")"
  [[ -n $ms ]] || die "the OCI push to docker-registry failed (above)"
  oci_times+=("$ms") oci_walls+=("$wall")
  # Other bytes of the same size pushed to wreg's /v2 the way wkg and oras push (the first are
  # stored already, and a push of stored bytes would skip their upload).
  make_component $((20 << 20)) "$tmp/q.wasm"
  sync
  oci_target "$wreg_url" "Authorization: Bearer $token"
  read -r ms wall <<<"$(oci_push bench/ocipush "1.0.$run" "$tmp/q.wasm" \
    "sha256:$(sha256sum "$tmp/q.wasm" | cut -d' ' -f1)")"
  [[ -n $ms ]] || die "the OCI push to wreg-server failed (above)"
  wreg_oci_times+=("$ms")
  # The floor: the same bytes made durable on the same file system by the least work
  # (bench/publish_floor.cpp), right after wreg's publish of them.
  floor_line=$("$floor" "$tmp/floor" "$tmp/p.wasm" 1 | awk '$1 == "FLOOR"')
  floor_times+=("$(awk '{ print $2 }' <<<"$floor_line")")
  floor_steps+=("$(cut -d' ' -f3- <<<"$floor_line")")
  rm -f "$tmp/floor/"*-0
done
w_pub=$(printf '%s\n' "${wreg_times[@]}" | median)
o_pub=$(printf '%s\n' "${oci_times[@]}" | median)
f_pub=$(printf '%s\n' "${floor_times[@]}" | median)
row "**publish 20 MiB**, median of 5 | wreg (one PUT) | OCI push (2 uploads + manifest) | floor (hash, write, fsync, rename, dir fsync, SQLite commit) | wreg/OCI | wreg/floor"
row "ms (curl time_total) | $w_pub (${wreg_times[*]}) | $o_pub (${oci_times[*]}) | $f_pub (${floor_times[*]}) | $(ratio "$w_pub" "$o_pub") | $(ratio "$w_pub" "$f_pub")"
v_pub=$(printf '%s\n' "${wreg_oci_times[@]}" | median)
row "OCI push to wreg's /v2 instead, ms | $v_pub (${wreg_oci_times[*]}) | $o_pub | | **$(ratio "$v_pub" "$o_pub")** | "
w_wall=$(printf '%s\n' "${wreg_walls[@]}" | median)
o_wall=$(printf '%s\n' "${oci_walls[@]}" | median)
row "ms wall clock, with curl's process starts (1 / 5) | $w_wall (${wreg_walls[*]}) | $o_wall (${oci_walls[*]}) | | $(ratio "$w_wall" "$o_wall") | "
# Where each one's time went (medians of the 5 runs): wreg's steps from its Server-Timing header,
# the floor's from its own output. wreg's receive includes the transfer and hashing and writing
# as the bytes arrive; the floor's write is hashing and writing from memory.
w_steps="" f_steps=""
for step in receive sync lookup validate install commit; do
  w_steps+="$step $(steps_median "$step" "${wreg_steps[@]}"), "
done
for step in write fsync install commit; do
  f_steps+="$step $(steps_median "$step" "${floor_steps[@]}"), "
done
row "steps, ms (medians) | ${w_steps%, } | | ${f_steps%, } | | "

nginx_rss=0
for pid in $(pgrep -P "$nginx_pid") "$nginx_pid"; do
  nginx_rss=$(awk -v a="$nginx_rss" -v b="$(rss_mib "$pid")" 'BEGIN { printf "%.1f", a + b }')
done
w_rss=$(rss_mib "$wreg_pid") o_rss=$(rss_mib "$oci_pid")
row "**RSS after the load** MiB (peak) | $w_rss ($(hwm_mib "$wreg_pid")) | $o_rss ($(hwm_mib "$oci_pid")) | $nginx_rss (master + workers) | $(ratio "$w_rss" "$o_rss") | "
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
stop_pid "$oci_pid"
stop_pid "$nginx_pid"
stop_pid "$wreg_pid"

# ---- growth ---------------------------------------------------------------------------------
# The store is filled fast by SQL into a copy the real server made: the server publishes one real
# release (grow:p0@1.0.0), stops, and grow_sqlite (lib/grow_store.sh) adds packages grow:p1..
# with 10 releases each. Then the server starts on it again and is measured.
growth_rows=()
if [[ -n $growth_sizes ]]; then
  log "growth: $growth_sizes releases"
  data="$tmp/grow"
  "$server" namespace create grow --data "$data" >/dev/null 2>&1
  token=$("$server" token create --data "$data" --namespace grow 2>/dev/null)
  start_wreg "$data"
  make_component 4096 "$tmp/small.wasm"
  code=$(curl -s -o "$tmp/publish.json" -w '%{http_code}' -m 60 -T "$tmp/small.wasm" \
    -H "Authorization: Bearer $token" "$wreg_url/api/v1/packages/grow/p0/1.0.0")
  [[ $code == 201 ]] || die "seed publish answered $code: $(cat "$tmp/publish.json")"
  stop_pid "$wreg_pid"
  db="$data/wreg.db"
  [[ -f $db ]] || db=$(find "$data" -maxdepth 1 -name '*.db' | head -1)
  [[ -f $db ]] || die "no SQLite database in $data"
  have=1 packages=1
  growth_rows+=("| releases in store | package document p50 / p99 ms (8 conn) | publish 4 KiB median ms (9) | list page p50 ms | search q=p12 p50 ms (entries) | search q=grow:p0 p50 ms (entries) | fill time s |")
  growth_rows+=("| --- | --- | --- | --- | --- | --- | --- |")
  for target in $growth_sizes; do
    fill_start=$(now_ns)
    add_packages=$(((target - have) / 10))
    if ((add_packages > 0)); then
      grow_sqlite "$db" "$packages" "$add_packages"
      packages=$((packages + add_packages))
      have=$(sqlite3 "$db" 'SELECT count(*) FROM releases')
    fi
    fill_s=$(awk -v ns=$(($(now_ns) - fill_start)) 'BEGIN { printf "%.1f", ns / 1e9 }')
    start_wreg "$data"
    saved=$duration
    duration=3
    run_wrk 8 "$wreg_url/api/v1/packages/grow/p1"
    doc="$wrk_p50_ms / $wrk_p99_ms"
    run_wrk 8 "$wreg_url/api/v1/packages?limit=20"
    list_p50=$wrk_p50_ms
    # q=p12 matches more packages as the store grows (p12, p120.., p1200..: 1, 11, 111 at 1k,
    # 10k, 100k releases), so its page fills up (1, 11, 20 entries); q=grow:p0 matches the one
    # real package at every size, which is the store's growth alone.
    run_wrk 8 "$wreg_url/api/v1/packages?q=p12"
    search_p50="$wrk_p50_ms ($(curl -s -m 10 "$wreg_url/api/v1/packages?q=p12" | jq '.packages | length'))"
    run_wrk 8 "$wreg_url/api/v1/packages?q=grow:p0"
    search_one_p50="$wrk_p50_ms ($(curl -s -m 10 "$wreg_url/api/v1/packages?q=grow:p0" | jq '.packages | length'))"
    duration=$saved
    times=()
    # 9 runs: a single fsync on this shared disk now and then takes 100+ ms.
    for run in 1 2 3 4 5 6 7 8 9; do
      make_component 4096 "$tmp/small.wasm"
      read -r code ms _ <<<"$(wreg_publish "grow/g$target" "1.0.$run" "$tmp/small.wasm")"
      [[ $code == 201 ]] || die "publish at $target releases answered $code: $(cat "$tmp/publish.json")"
      times+=("$ms")
    done
    have=$((have + 9))
    stop_pid "$wreg_pid"
    growth_rows+=("| $have | $doc | $(printf '%s\n' "${times[@]}" | median) (${times[*]}) | $list_p50 | $search_p50 | $search_one_p50 | $fill_s |")
    printf '%s\n' "${growth_rows[-1]}" >&2
  done
fi

postgres_tables=""
if ((with_postgres)); then
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    log "bench/postgres.sh $build $duration 3 \"$growth_sizes\""
    # Not under `|| true`: a postgres.sh that fails (a non-2xx answer, a server that did not
    # start) fails this run as any other row would.
    postgres_tables=$("$here/postgres.sh" "$build" "$duration" 3 "$growth_sizes")
  else
    log "no PostgreSQL server installed (deploy/install-deps.sh --test): its section is left out"
  fi
fi

others=""
if ((with_others)); then
  if [[ -x $build/client/wreg ]]; then
    log "bench/client_add.sh $build 5"
    others+=$'### bench/client_add.sh '"$build"$' 5\n\n```\n'"$(timeout 300 "$here/client_add.sh" "$build" 5 2>&1 | tail -15)"$'\n```\n\n'
  fi
  log "bench/wasm_reader.sh"
  others+=$'### bench/wasm_reader.sh\n\n```\n'"$(timeout 300 "$here/wasm_reader.sh" 2>&1 | tail -15)"$'\n```\n'
fi

# ---- RESULTS.md -----------------------------------------------------------------------------
{
  echo "# Side-by-side results (bench/compare.sh)"
  echo
  echo "Regenerated by \`$command_line\`; do not edit by hand (notes go in bench/README.md)."
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
  echo "- load average before / after: $load_before / $load_after (shared machine: rely on the ratios)"
  echo "- peers: $(docker-registry --version 2>/dev/null | head -1), nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), wrk -t2 -d${duration}s"
  echo "- wreg-server: $server ($(grep -m1 CMAKE_BUILD_TYPE: "$build/CMakeCache.txt" 2>/dev/null | cut -d= -f2)), --no-access-log, default threads (one per core); git $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  echo
  printf '%s\n' "${rows[@]}"
  if ((${#growth_rows[@]})); then
    echo
    echo "## Growth"
    echo
    echo "The store is filled by SQL into a copy the real server made (one real publish of"
    echo "grow:p0, then packages grow:p1.. with 10 releases each cloned from it, and their search"
    echo "rows); the server is restarted on it and measured. Document: grow:p1 (10 releases)."
    echo
    printf '%s\n' "${growth_rows[@]}"
  fi
  if [[ -n $postgres_tables ]]; then
    echo
    echo "## PostgreSQL and replicas"
    echo
    echo "By \`bench/postgres.sh $build $duration 3 \"$growth_sizes\"\` in this run (its header says what"
    echo "each table measures): a server on SQLite and one on PostgreSQL alternated, replicas on"
    echo "one PostgreSQL database behind nginx, and publish as the PostgreSQL store grows."
    echo
    printf '%s\n' "$postgres_tables"
  fi
  echo
  echo "## The client, resolver and reader"
  echo
  echo "Measured by their own scripts: \`bench/client_add.sh\` (\`wreg add wasi:http@0.2.8\`"
  echo "cold and warm), \`wreg-resolver-bench\` and \`bench/wasm_reader.sh\`; see bench/README.md"
  echo "for their commands and figures (\`--with-others\` runs the client and reader ones here)."
  if [[ -n $others ]]; then
    echo
    printf '%s' "$others"
  fi
} >"$tmp/RESULTS.md"
cp "$tmp/RESULTS.md" "$results"
cat "$tmp/RESULTS.md"
