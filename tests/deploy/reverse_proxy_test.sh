#!/usr/bin/env bash
# deploy/nginx-reverse-proxy.conf, as an operator would run it: Debian's nginx with that file in
# front of a real wreg-server, and the real wreg and curl talking TLS to nginx only. Checks that
# a publish larger than nginx's own buffers streams through, that the release is fetched and
# locked with its digest, that an upload past wreg-server's --max-body-size gets wreg-server's
# own 413 (not nginx's), and that plain HTTP is sent to HTTPS.
#
#   tests/deploy/reverse_proxy_test.sh WREG_SERVER WREG
#
# The file is changed only where a test must: the certificate (a self-signed one for
# 127.0.0.1), the ports (free ones on 127.0.0.1), and the log and temp paths (into a temp
# folder). Everything runs in that folder, and every process started is stopped by its pid.
set -euo pipefail
server=$(realpath "$1")
client=$(realpath "$2")
top=$(cd "$(dirname "$0")/../.." && pwd)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx ]] || { echo "reverse_proxy_test: no nginx; run deploy/install-deps.sh --test" >&2; exit 1; }
source "$top/bench/lib/payload.sh"

dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "reverse_proxy_test: $*" >&2
  for log in wreg-server.log error.log nginx.out; do
    [[ -s $dir/$log ]] && { echo "--- $log" >&2; tail -n 20 "$dir/$log" >&2; }
  done
  exit 1
}

# A port below the kernel's range for outgoing connections that nothing listens on now. Another
# process may still take it before nginx binds it: start_nginx then tries other ports.
free_port() {
  local low port
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  for _ in $(seq 50); do
    port=$((10000 + RANDOM % (low - 10000)))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  fail "found no free port on 127.0.0.1"
}

wait_for() {  # wait_for WHAT COMMAND...: until COMMAND succeeds, for 10 s
  local what=$1
  shift
  for _ in $(seq 100); do
    "$@" 2>/dev/null && return
    sleep 0.1
  done
  fail "$what did not come up"
}

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null

# wreg-server as the file expects it behind nginx, with a limit small enough to pass.
"$server" namespace create --data "$dir/data" demo >/dev/null 2>&1
token=$("$server" token create --data "$dir/data" --namespace demo 2>/dev/null)
"$server" serve --data "$dir/data" --listen 127.0.0.1:0 --port-file "$dir/wreg.port" \
  --max-body-size 40MiB --trusted-proxies 127.0.0.1 >"$dir/wreg-server.log" 2>&1 &
pids+=($!)
wait_for wreg-server test -s "$dir/wreg.port"
wreg_port=$(cat "$dir/wreg.port")

# nginx with the file, on two free ports; on other ones when another process took one first.
start_nginx() {
  local attempt pid
  mkdir -p "$dir/temp"
  for attempt in 1 2 3 4 5; do
    https_port=$(free_port)
    http_port=$(free_port)
    sed -e "s#/etc/letsencrypt/live/registry.example.com/fullchain.pem#$dir/cert.pem#" \
        -e "s#/etc/letsencrypt/live/registry.example.com/privkey.pem#$dir/key.pem#" \
        -e "s#listen 443 ssl#listen 127.0.0.1:$https_port ssl#" \
        -e "s#listen 80;#listen 127.0.0.1:$http_port;#" \
        -e "s#server 127.0.0.1:8080;#server 127.0.0.1:$wreg_port;#" \
        -e "s#/var/log/nginx/#$dir/#" \
        -e "s#^http {#http {\n    client_body_temp_path $dir/temp/body;\n    proxy_temp_path $dir/temp/proxy;\n    fastcgi_temp_path $dir/temp/fastcgi;\n    uwsgi_temp_path $dir/temp/uwsgi;\n    scgi_temp_path $dir/temp/scgi;#" \
        "$top/deploy/nginx-reverse-proxy.conf" >"$dir/nginx.conf"
    grep -q "listen 127.0.0.1:$https_port ssl" "$dir/nginx.conf" || fail "the file no longer has 'listen 443 ssl'"
    grep -q "server 127.0.0.1:$wreg_port;" "$dir/nginx.conf" || fail "the file no longer names 127.0.0.1:8080"
    "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g "pid $dir/nginx.pid; daemon off;" \
      2>"$dir/nginx.out" &
    pid=$!
    for _ in $(seq 100); do
      if curl -s -f -o /dev/null --cacert "$dir/cert.pem" "https://127.0.0.1:$https_port/healthz"; then
        pids+=("$pid")
        return
      fi
      kill -0 "$pid" 2>/dev/null || break  # it exited: a port was taken
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "reverse_proxy_test: nginx did not start on attempt $attempt: $(tail -n 1 "$dir/nginx.out")" >&2
  done
  fail "nginx did not come up"
}
start_nginx
https="https://127.0.0.1:$https_port"

# The client, in a HOME of its own, trusting the test's certificate.
export HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" XDG_CACHE_HOME="$dir/home/.cache"
mkdir -p "$XDG_CONFIG_HOME/wreg" "$dir/project"
printf 'registry = "%s"\nca_file = "%s"\n' "$https" "$dir/cert.pem" >"$XDG_CONFIG_HOME/wreg/config.toml"
"$client" login <<<"$token" >/dev/null 2>&1 || fail "wreg login through nginx failed"

# 30 MiB: far past nginx's buffers, within wreg-server's limit.
make_component $((30 << 20)) "$dir/big.wasm"
digest="sha256:$(sha256sum "$dir/big.wasm" | cut -d' ' -f1)"
"$client" publish --package demo:big@1.0.0 "$dir/big.wasm" >"$dir/publish.out" 2>&1 ||
  fail "a 30 MiB publish through nginx failed: $(cat "$dir/publish.out")"
(cd "$dir/project" && "$client" add demo:big@1.0.0 >"$dir/add.out" 2>&1) ||
  fail "wreg add through nginx failed: $(cat "$dir/add.out")"
grep -q "$digest" "$dir/project/wreg.lock" || fail "wreg.lock does not hold $digest"
fetched=$(curl -s -f --cacert "$dir/cert.pem" "$https/api/v1/blobs/$digest" | sha256sum | cut -d' ' -f1)
[[ sha256:$fetched == "$digest" ]] || fail "the blob fetched through nginx is not the one published"

# 50 MiB: wreg-server's own 413, explained by the client, through nginx.
make_component $((50 << 20)) "$dir/huge.wasm"
if "$client" publish --package demo:huge@1.0.0 "$dir/huge.wasm" >"$dir/huge.out" 2>&1; then
  fail "a publish past --max-body-size succeeded"
fi
grep -q "40 MiB\|41943040" "$dir/huge.out" ||
  fail "the refusal does not name wreg-server's limit: $(cat "$dir/huge.out")"
answer=$(curl -s --cacert "$dir/cert.pem" -X PUT -H "Authorization: Bearer $token" \
  -H "Content-Type: application/wasm" --data-binary "@$dir/huge.wasm" \
  -w '\n%{http_code} %{content_type}' "$https/api/v1/packages/demo/huge/1.0.0" || true)
[[ $(tail -n 1 <<<"$answer") == "413 application/json"* ]] ||
  fail "a body past the limit was answered '$(tail -n 1 <<<"$answer")', not wreg-server's JSON 413"

# Plain HTTP: sent to HTTPS, with the method kept.
redirect=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$http_port/api/v1/packages")
[[ $redirect == "308 https://127.0.0.1/api/v1/packages" ]] || fail "plain HTTP answered '$redirect'"

echo "reverse_proxy_test: deploy/nginx-reverse-proxy.conf passes a 30 MiB publish and its fetch, wreg-server's 413 and the HTTPS redirect"
