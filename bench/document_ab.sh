#!/usr/bin/env bash
# Before/after of a server change on the package document GET (issue 8), in one run:
#
#   bench/document_ab.sh OLD_WREG_SERVER NEW_WREG_SERVER [SECONDS] [CONNECTIONS] [ROUNDS]
#
# Starts both binaries on 127.0.0.1 (each with its own temp data dir and one published 4 KiB
# component) and nginx serving the same document as a static file (tuned as in compare.sh),
# then runs wrk -t2 against old, new and nginx in turn, ROUNDS times (defaults 5 s, 32
# connections, 3 rounds). Per run: requests/s and the server's CPU time per request (utime +
# stime from /proc, all nginx workers together), which drifts less than requests/s on a loaded
# machine; per round the two ratios to nginx. Build the old binary from a `git archive` of the
# old commit in a directory of its own.
set -euo pipefail
[[ $# -ge 2 ]] || { sed -n '2,12p' "$0"; exit 2; }
old=$1; new=$2; dur=${3:-5}; conns=${4:-32}; rounds=${5:-3}
t=$(mktemp -d /tmp/wreg-ab.XXXXXX); chmod 755 $t
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$t"' EXIT
mkdir -p $t/www $t/tmp
{ printf '\x00asm\x0d\x00\x01\x00\x00'; printf '\x80\x20'; printf '\x0dbench-padding'; head -c 4082 /dev/urandom; } > $t/c.wasm
start() { # name binary
  local n=$1 b=$2
  "$b" namespace create bench --data $t/$n >/dev/null 2>&1
  local tok=$("$b" token create --data $t/$n --namespace bench 2>/dev/null)
  "$b" serve --data $t/$n --listen 127.0.0.1:0 --port-file $t/$n.port --no-access-log 2>$t/$n.log &
  pids+=($!); eval "${n}_pid=$!"
  while [[ ! -s $t/$n.port ]]; do sleep 0.05; done
  eval "${n}_url=http://127.0.0.1:$(cat $t/$n.port)"
  curl -s -o /dev/null -T $t/c.wasm -H "Authorization: Bearer $tok" http://127.0.0.1:$(cat $t/$n.port)/api/v1/packages/bench/c1m/1.0.0
}
start old "$old"; start new "$new"
curl -sf $new_url/api/v1/packages/bench/c1m > $t/www/doc.json
port=$((20000 + RANDOM % 30000))
cat > $t/nginx.conf <<EOC
worker_processes 2; daemon off; pid $t/nginx.pid; error_log $t/nerr.log error;
events { worker_connections 4096; }
http { access_log off; sendfile off; output_buffers 2 256k; open_file_cache max=100; keepalive_requests 1000000;
 client_body_temp_path $t/tmp/b; proxy_temp_path $t/tmp/p; fastcgi_temp_path $t/tmp/f; uwsgi_temp_path $t/tmp/u; scgi_temp_path $t/tmp/s;
 types { application/json json; } server { listen 127.0.0.1:$port; root $t/www; } }
EOC
nginx -p $t -c $t/nginx.conf -e $t/nerr.log & np=$!; pids+=($np)
for ((i = 0; i < 200; i++)); do curl -sf -o /dev/null http://127.0.0.1:$port/doc.json && break; sleep 0.05; done
nw=$(pgrep -P $np | tr '\n' ' ')
cpu() { local x=0; for p in "$@"; do x=$((x + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $x; }
one() { # label url pids...
  local label=$1 url=$2; shift 2
  local c0=$(cpu "$@") out; out=$(wrk -t2 -c$conns -d${dur}s $url); local c1=$(cpu "$@")
  grep -q "Non-2xx" <<<"$out" && { echo "non-2xx for $label"; exit 1; }
  local r=$(awk '/requests in/ {print $1}' <<<"$out") rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  printf '%s %s rps %s us/req; ' $label $rps $(awk -v c=$((c1-c0)) -v r=$r 'BEGIN{printf "%.1f", c*10000/r}')
  eval "${label}_rps=$rps"
}
for i in $(seq $rounds); do
  one old $old_url/api/v1/packages/bench/c1m $old_pid
  one new $new_url/api/v1/packages/bench/c1m $new_pid
  one nginx http://127.0.0.1:$port/doc.json $nw
  echo "| old/nginx $(awk -v a=$old_rps -v b=$nginx_rps 'BEGIN{printf "%.2f", a/b}') new/nginx $(awk -v a=$new_rps -v b=$nginx_rps 'BEGIN{printf "%.2f", a/b}') load $(cut -d' ' -f1 /proc/loadavg)"
done
