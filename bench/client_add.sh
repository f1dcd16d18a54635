#!/usr/bin/env bash
# Client benchmark (issue 6): `wreg add wasi:http@0.2.8` against a local wreg-server, with a cold
# cache (fresh $XDG_CACHE_HOME) and a warm one (same cache, fresh project folder). Prints the
# median and best wall time of RUNS runs each, the median CPU time (user + system), the requests
# the server answered per run (counted from its access log, one line per request), and the
# ratio to a reference measured in the same run (`wreg --version`, the cost of starting wreg).
#
#   bench/client_add.sh [BUILD_DIR] [RUNS]     # defaults: build, 10
#
# Targets on the reference machine: cold under 150 ms, warm under 30 ms. Not a timed test.
#
# Then the same add from OCI registries (issue 18), `[namespaces] wasi = "oci+http://…"`: from
# wreg-server's own /v2/, and, when Debian's docker-registry and skopeo are installed
# (deploy/install-deps.sh --test), from a docker-registry the packages are copied into with
# skopeo, and through a second wreg-server mirroring that docker-registry (`--upstream`): the
# first add, whose reads import from the upstream, and then the same add against the mirror,
# which must cost what the native add costs. Requests are counted for the first wreg-server only.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
runs=${2:-10}
wreg=$build/client/wreg
server=$build/server/wreg-server
fixtures=$root/tests/fixtures/packages
for binary in "$wreg" "$server"; do
  [[ -x $binary ]] || { echo "missing $binary: build the wreg and wreg-server targets" >&2; exit 1; }
done

# shellcheck source=bench/lib/wreg_server.sh
source "$root/bench/lib/wreg_server.sh"
# shellcheck source=bench/lib/timing.sh
source "$root/bench/lib/timing.sh"

serve_wasi_fixtures "$wreg"
export HOME=$work/home XDG_CONFIG_HOME=$work/config WREG_REGISTRY=$server_url

# run_once CACHE_DIR: one add in a fresh project; prints "wall_ms requests cpu_ms".
run_once() {
  local project before after times
  project=$(mktemp -d "$work/project.XXXXXX")
  before=$(wc -l <"$work/access.log")
  times=$(cd "$project" && XDG_CACHE_HOME=$1 timed "$wreg" --quiet add wasi:http@0.2.8)
  after=$(wc -l <"$work/access.log")
  [[ -f $project/wreg.lock ]] || { echo "$(basename "$0"): wreg add failed in $project" >&2; exit 1; }
  read -r wall cpu <<<"$times"
  echo "$wall $((after - before)) $cpu"
}

# summary LABEL: reads run_once lines; prints medians, the best wall time and the ratio of the
# median wall time to the reference below.
summary() {
  local lines
  lines=$(cat)
  local wall cpu best requests
  wall=$(awk '{ print $1 }' <<<"$lines" | median)
  cpu=$(awk '{ print $3 }' <<<"$lines" | median)
  best=$(awk '{ print $1 }' <<<"$lines" | sort -n | head -1)
  requests=$(head -1 <<<"$lines" | awk '{ print $2 }')
  awk -v l="$1" -v w="$wall" -v c="$cpu" -v b="$best" -v r="$requests" -v ref="$reference" \
    -v n="$runs" 'BEGIN { printf "%s median %.1f ms (%.1fx wreg --version), best %.1f ms, cpu %.1f ms, %d requests per run (%d runs)\n", l, w, w / ref, b, c, r, n }'
}

# The reference, measured in the same run: a process that does nothing but start (`wreg
# --version`), so the figures above can be read as "so many start-ups".
reference=$(for _ in $(seq "$runs"); do timed "$wreg" --version | awk '{ print $1 }'; done | median)

echo "wreg add wasi:http@0.2.8 against $WREG_REGISTRY (7 packages in the closure)"
echo "reference: wreg --version median $reference ms"
for i in $(seq "$runs"); do run_once "$work/cold-cache-$i"; done | summary "native cold cache:"
run_once "$work/warm-cache" >/dev/null
for _ in $(seq "$runs"); do run_once "$work/warm-cache"; done | summary "native warm cache:"

# cold_and_warm LABEL: the cold and warm rows above, for the registry the environment names.
cold_and_warm() {
  local key=$1
  for i in $(seq "$runs"); do run_once "$work/$key-cold-cache-$i"; done | summary "$key cold cache:"
  run_once "$work/$key-warm-cache" >/dev/null
  for _ in $(seq "$runs"); do run_once "$work/$key-warm-cache"; done | summary "$key warm cache:"
}

# The OCI rows: config.toml sends wasi to an OCI registry; WREG_REGISTRY would override it.
unset WREG_REGISTRY
mkdir -p "$XDG_CONFIG_HOME/wreg"
echo "[namespaces]" >"$XDG_CONFIG_HOME/wreg/config.toml"
echo "wasi = \"oci+http://127.0.0.1:$server_port\"" >>"$XDG_CONFIG_HOME/wreg/config.toml"
echo "from wreg-server's /v2/ (oci+http://127.0.0.1:$server_port):"
cold_and_warm oci-wreg

if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
  registry_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$work/registry"
  cat >"$work/registry/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry/storage
http:
  addr: 127.0.0.1:$registry_port
EOF
  docker-registry serve "$work/registry/config.yml" >>"$work/registry.log" 2>&1 &
  registry_pid=$!
  trap 'kill "$registry_pid" 2>/dev/null || true; stop_wreg_server; rm -rf "$work"' EXIT
  for _ in $(seq 200); do
    curl -fs "http://127.0.0.1:$registry_port/v2/" >/dev/null 2>&1 && break
    sleep 0.05
  done
  for file in "$fixtures"/wasi-*.wasm; do
    [[ $file == *.upstream.wasm ]] && continue
    base=$(basename "$file" .wasm)      # wasi-http@0.2.8
    name=${base%@*}; name=${name#wasi-}  # http
    version=${base#*@}                   # 0.2.8
    HOME=$work/skopeo-home skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false \
      "docker://127.0.0.1:$server_port/wasi/$name:$version" \
      "docker://127.0.0.1:$registry_port/webassembly/wasi/$name:$version" >/dev/null
  done
  echo "wasi = \"oci+http://127.0.0.1:$registry_port/webassembly/\"" >"$XDG_CONFIG_HOME/wreg/config.toml.new"
  { echo "[namespaces]"; cat "$XDG_CONFIG_HOME/wreg/config.toml.new"; } >"$XDG_CONFIG_HOME/wreg/config.toml"
  echo "from docker-registry (oci+http://127.0.0.1:$registry_port/webassembly/), requests not counted:"
  cold_and_warm oci-docker

  # A mirror of it: the first add imports (timed once, on a fresh mirror each run), then the
  # mirror's cold and warm adds against what it holds, as native.
  rm -f "$XDG_CONFIG_HOME/wreg/config.toml"
  mirror_pids=()
  trap 'kill "$registry_pid" "${mirror_pids[@]}" 2>/dev/null || true; stop_wreg_server; rm -rf "$work"' EXIT
  # start_mirror NAME: a wreg-server mirroring wasi from the docker-registry; sets mirror_port.
  start_mirror() {
    local port_file=$work/mirror-$1.port
    "$server" serve --data "$work/mirror-$1" --listen 127.0.0.1:0 --port-file "$port_file" \
      --no-access-log --upstream "wasi=oci+http://127.0.0.1:$registry_port/webassembly/" \
      >>"$work/mirror.log" 2>&1 &
    mirror_pids+=($!)
    for _ in $(seq 200); do [[ -s $port_file ]] && break; sleep 0.05; done
    mirror_port=$(cat "$port_file")
  }
  # The loop runs in a subshell (it feeds summary), whose mirror_pids the trap never sees: each
  # first-add mirror is stopped here, once timed.
  for i in $(seq "$runs"); do
    start_mirror "first-$i"
    WREG_REGISTRY=http://127.0.0.1:$mirror_port run_once "$work/mirror-first-cache-$i"
    kill "${mirror_pids[-1]}" 2>/dev/null || true
  done | summary "mirror first add (imports):"
  start_mirror held
  export WREG_REGISTRY=http://127.0.0.1:$mirror_port
  run_once "$work/mirror-prime-cache" >/dev/null
  echo "through the mirror (http://127.0.0.1:$mirror_port) once it holds them:"
  cold_and_warm mirror
else
  echo "docker-registry or skopeo not installed: no docker-registry rows (deploy/install-deps.sh --test)"
fi
