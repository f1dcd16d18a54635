# Sourced, not run: a throwaway wreg-server on 127.0.0.1 for the benchmark and load scripts
# (bench/client_add.sh, tests/reliability/load/*.sh). Needs $server, the wreg-server binary.
# Sets `work`, a temp dir that is removed on exit after the server is stopped.
work=$(mktemp -d)
server_pid=""

stop_wreg_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_wreg_server; rm -rf "$work"' EXIT

# start_wreg_server LOG SERVE_ARGS...: starts `wreg-server serve SERVE_ARGS` on a free port with
# its standard error appended to LOG, waits until it listens (it writes the port file then), and
# sets server_pid, server_port and server_url. Exits with the log when it does not start.
start_wreg_server() {
  local log=$1 attempt
  shift
  rm -f "$work/port"
  "$server" serve "$@" --listen 127.0.0.1:0 --port-file "$work/port" 2>>"$log" &
  server_pid=$!
  for attempt in $(seq 400); do
    [[ -s $work/port ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [[ ! -s $work/port ]]; then
    echo "$(basename "$0"): wreg-server did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  server_port=$(cat "$work/port")
  server_url=http://127.0.0.1:$server_port
}

# serve_wasi_fixtures WREG: a wreg-server on a fresh data dir (its access log in
# $work/access.log) holding every wasi package of tests/fixtures/packages, published with the
# client WREG (its own cache and config, so nothing it learns is the timed clients'). Needs
# $root, the checkout.
serve_wasi_fixtures() {
  local client=$1 data=$work/data token file
  "$server" namespace create --data "$data" wasi >/dev/null 2>&1
  token=$("$server" token create --data "$data" --namespace wasi 2>/dev/null)
  start_wreg_server "$work/access.log" --data "$data"
  for file in "$root"/tests/fixtures/packages/wasi-*.wasm; do
    HOME=$work/publish-home WREG_REGISTRY=$server_url WREG_TOKEN=$token \
      XDG_CACHE_HOME=$work/publish-cache XDG_CONFIG_HOME=$work/publish-config \
      "$client" --quiet publish "$file" >/dev/null
  done
}
