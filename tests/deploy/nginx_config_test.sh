#!/usr/bin/env bash
# Checks deploy/replicas/nginx.conf and compose-nginx.conf with nginx's own `nginx -t`, as an
# operator would, in a temp prefix: the certificate paths point at a self-signed pair made here,
# the compose service names at 127.0.0.1, and the pid and error log into the temp folder.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx ]] || { echo "nginx_config_test: no nginx; run deploy/install-deps.sh --test" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=registry.example.com \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
for conf in nginx.conf compose-nginx.conf; do
  sed -e "s#/etc/letsencrypt/live/registry.example.com/fullchain.pem#$dir/cert.pem#" \
      -e "s#/etc/letsencrypt/live/registry.example.com/privkey.pem#$dir/key.pem#" \
      -e "s#replica-\([12]\):8080#127.0.0.1:808\1#" \
      "$top/deploy/replicas/$conf" >"$dir/$conf"
  if ! "$nginx" -t -q -p "$dir" -c "$dir/$conf" -e "$dir/error.log" -g "pid $dir/nginx.pid;" \
      2>"$dir/out"; then
    echo "nginx_config_test: deploy/replicas/$conf does not pass nginx -t:" >&2
    cat "$dir/out" >&2
    exit 1
  fi
done
echo "nginx_config_test: deploy/replicas/nginx.conf and compose-nginx.conf pass nginx -t"
