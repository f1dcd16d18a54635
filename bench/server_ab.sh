#!/usr/bin/env bash
# Before/after of server changes on the publish and blob rows of compare.sh (issue 8), several
# wreg-server binaries in one run, interleaved so that the shared machine's drift hits all alike:
#
#   bench/server_ab.sh publish ROUNDS SERVER...          20 MiB publishes, one per server a round
#                                                        (PUBLISH_BYTES=N for another size)
#   bench/server_ab.sh blob ROUNDS SIZE_MIB SERVER...    wrk -t2 -c16 -d3s on one blob, and nginx
#
# Each SERVER is a wreg-server binary (or a wrapper script), started on 127.0.0.1 with a temp
# data dir of its own. publish: each round makes distinct bytes, writes them back (`sync`,
# untimed), and publishes them to every server in turn; round 0 is a warm-up, not counted. Prints
# per server the median curl time_total and the median of each Server-Timing step (`log`, the
# wait for the transparency log's checkpoint, only from servers that keep one). blob: every
# server holds the same SIZE_MIB component and nginx (tuned as in compare.sh) serves it as a
# static file; each round runs wrk against every server and then nginx and prints the MB/s and
# each server's ratio to nginx. Build an old binary from a `git archive` of the old commit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2,14p' "$0"; exit 2; }
[[ $# -ge 3 ]] || usage
mode=$1 rounds=$2
shift 2
case $mode in
  publish) ;;
  blob) size_mib=$1; shift ;;
  *) usage ;;
esac
[[ $# -ge 1 ]] || usage
source "$here/lib/payload.sh"
source "$here/lib/median.sh"

t=$(mktemp -d /tmp/wreg-server-ab.XXXXXX)
chmod 755 "$t"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$t"' EXIT

urls=() tokens=()
for binary in "$@"; do
  i=${#urls[@]}
  "$binary" namespace create bench --data "$t/d$i" >/dev/null 2>&1
  tokens+=("$("$binary" token create --data "$t/d$i" --namespace bench 2>/dev/null)")
  "$binary" serve --data "$t/d$i" --listen 127.0.0.1:0 --port-file "$t/port$i" --no-access-log \
    2>"$t/log$i" &
  pids+=($!)
  for _ in $(seq 200); do [[ -s $t/port$i ]] && break; sleep 0.05; done
  [[ -s $t/port$i ]] || { echo "server_ab.sh: $binary did not start: $(cat "$t/log$i")" >&2; exit 1; }
  urls+=("http://127.0.0.1:$(cat "$t/port$i")")
done

# publish I NAME VERSION FILE: prints "HTTP_STATUS SECONDS SERVER_TIMING" for server I.
publish() {
  local result
  result=$(curl -s -o /dev/null -D "$t/headers" -w '%{http_code} %{time_total}' -m 60 -T "$4" \
    -H "Authorization: Bearer ${tokens[$1]}" -H 'Content-Type: application/wasm' \
    "${urls[$1]}/api/v1/packages/bench/$2/$3")
  echo "$result $(tr -d '\r' <"$t/headers" | awk 'tolower($1) == "server-timing:" { $1 = ""; print }')"
}

if [[ $mode == publish ]]; then
  for round in $(seq 0 "$rounds"); do
    make_component "${PUBLISH_BYTES:-$((20 << 20))}" "$t/p.wasm"
    sync
    for i in "${!urls[@]}"; do
      read -r code seconds timing <<<"$(publish "$i" p "1.0.$round" "$t/p.wasm")"
      [[ $code == 201 ]] || { echo "server_ab.sh: server $i answered $code" >&2; exit 1; }
      ((round > 0)) && echo "$i $seconds $timing" >>"$t/results"
    done
  done
  for i in "${!urls[@]}"; do
    line="$(awk -v s="$i" '$1 == s { print $2 * 1000 }' "$t/results" | median) ms"
    for step in receive sync lookup validate install commit log; do
      line+=", $step $(awk -v s="$i" '$1 == s' "$t/results" | { grep -o "$step;dur=[0-9.]*" || true; } |
        cut -d= -f2 | median)"
    done
    echo "server $i ($(basename "${@:i+1:1}")): time_total median $line ($rounds publishes)"
  done
  exit 0
fi

make_component $((size_mib << 20)) "$t/blob.wasm"
digest="sha256:$(sha256sum "$t/blob.wasm" | cut -d' ' -f1)"
targets=()
for i in "${!urls[@]}"; do
  read -r code _ <<<"$(publish "$i" blob 1.0.0 "$t/blob.wasm")"
  [[ $code == 201 ]] || { echo "server_ab.sh: server $i answered $code" >&2; exit 1; }
  targets+=("${urls[$i]}/api/v1/blobs/$digest")
done
mkdir -p "$t/www" "$t/tmp"
cp "$t/blob.wasm" "$t/www/blob.wasm"
chmod 644 "$t/www/blob.wasm"
port=$((20000 + RANDOM % 30000))
cat >"$t/nginx.conf" <<EOF
worker_processes 2; daemon off; pid $t/nginx.pid; error_log $t/nginx.log error;
events { worker_connections 4096; }
http { access_log off; sendfile off; output_buffers 2 256k; open_file_cache max=100; keepalive_requests 1000000;
 client_body_temp_path $t/tmp/b; proxy_temp_path $t/tmp/p; fastcgi_temp_path $t/tmp/f; uwsgi_temp_path $t/tmp/u; scgi_temp_path $t/tmp/s;
 server { listen 127.0.0.1:$port; root $t/www; } }
EOF
nginx -p "$t" -c "$t/nginx.conf" -e "$t/nginx.log" &
pids+=($!)
targets+=("http://127.0.0.1:$port/blob.wasm")
for _ in $(seq 200); do curl -sf -o /dev/null "${targets[-1]}" && break; sleep 0.05; done
for target in "${targets[@]}"; do
  [[ $(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$target") == "200 $(stat -c %s "$t/blob.wasm")" ]] ||
    { echo "server_ab.sh: $target does not serve the blob whole" >&2; exit 1; }
done
echo "MB/s per round: servers in order, then nginx; then each server's ratio to nginx"
for round in $(seq "$rounds"); do
  rates=()
  for target in "${targets[@]}"; do
    out=$(wrk -t2 -c16 -d3s "$target")
    grep -q 'Non-2xx' <<<"$out" && { echo "server_ab.sh: non-2xx answers from $target" >&2; exit 1; }
    rates+=("$(awk '/Transfer\/sec/ { v = $2; if (v ~ /GB/) { sub(/GB/, "", v); v *= 1024 } else sub(/MB/, "", v); printf "%.0f", v }' <<<"$out")")
  done
  ratios=""
  for rate in "${rates[@]::${#rates[@]}-1}"; do
    ratios+=" $(awk -v a="$rate" -v b="${rates[-1]}" 'BEGIN { printf "%.2f", a / b }')"
  done
  echo "round $round: ${rates[*]} |$ratios"
done
