#!/usr/bin/env bash
# deploy/Containerfile, deploy/compose.yaml and deploy/compose-nginx.conf.
#
#   tests/deploy/container_test.sh files WREG_SERVER WREG
#     Always runs; needs no container engine. The compose file as `docker-compose config` reads
#     it, and its structure; compose-nginx.conf is nginx-reverse-proxy.conf with only the compose
#     changes, and passes `nginx -t`; the Containerfile's instructions (two stages, a non-root
#     USER, VOLUME, HEALTHCHECK on /healthz, ...), that every path it COPYs is in the repository,
#     that its runtime packages exist in apt and bring every library the built wreg-server links,
#     and that every flag it and the compose file give wreg-server is one wreg-server knows.
#
#   tests/deploy/container_test.sh image WREG_SERVER WREG
#     Builds the image with podman and runs it: /healthz through the published port, the health
#     check, namespace and token create by `podman exec`, a publish and fetch by the real wreg, the
#     data owned by the image's user, a clean stop on SIGTERM. It needs a working podman and a
#     debian:12 image already in its storage (nothing is pulled), which CONTAINERS_STORAGE_CONF
#     names (never podman's default /var/lib/containers); CONTAINERS_CONF sets the rest as usual.
#     Otherwise it prints `SKIP container build: REASON` and exits 77. README.md, "Container",
#     says how it ran on the machine the project is tested on.
set -euo pipefail
mode=$1
server=$(realpath "$2")
client=$(realpath "$3")
top=$(cd "$(dirname "$0")/../.." && pwd)
containerfile=$top/deploy/Containerfile
dir=$(mktemp -d)
cleanup_steps=()
cleanup() {
  for step in "${cleanup_steps[@]}"; do eval "$step" >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "container_test: $*" >&2
  exit 1
}

# The Containerfile's instructions, one a line: continuations joined, comments dropped.
instructions() {
  sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$containerfile" |
    sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' | tr -s ' '
}
# The instructions of the last stage (from its FROM on).
final_stage() { instructions | awk '/^FROM /{stage=""} {stage=stage $0 "\n"} END{printf "%s", stage}'; }

# Every --flag of ARGS... is one that `wreg-server serve` knows.
check_serve_flags() {
  local where=$1 flag
  shift
  "$server" serve --help >"$dir/serve.help"
  for flag in $(printf '%s\n' "$@" | grep -o -- '--[a-z-]*' | sort -u); do
    grep -q -- "^ *$flag " "$dir/serve.help" || fail "$where gives wreg-server serve $flag, which it does not know"
  done
}

check_containerfile() {
  local all final from_lines user path package
  all=$(instructions)
  final=$(final_stage)
  from_lines=$(grep -c '^FROM ' <<<"$all")
  ((from_lines == 2)) || fail "the Containerfile has $from_lines stages; expected a build stage and the image"
  grep -q '^FROM debian:12 AS build$' <<<"$all" || fail "the build stage is not 'FROM debian:12 AS build'"
  grep -q '^FROM debian:12$' <<<"$final" || fail "the image is not built FROM debian:12"
  grep -q '^RUN /src/deploy/install-deps.sh$' <<<"$all" ||
    fail "the build stage does not install its dependencies with deploy/install-deps.sh"
  grep -q -- '-DCMAKE_BUILD_TYPE=Release' <<<"$all" || fail "the build stage does not build Release"
  grep -q -- '-DWREG_BUILD_TESTS=OFF' <<<"$all" || fail "the build stage builds the tests"
  grep -q -- 'g++\|cmake ' <<<"$(grep '^RUN apt-get' <<<"$final")" &&
    fail "the image installs build tools"
  user=$(grep '^USER ' <<<"$final" | tail -n 1 | cut -d' ' -f2)
  [[ -n $user && $user != root && $user != 0 && $user != 0:* ]] ||
    fail "the image runs as '${user:-root}'; it needs a non-root USER"
  grep -q -- "--uid [0-9][0-9]* .*$user\b" <<<"$final" || fail "the user $user has no fixed uid"
  grep -q '^VOLUME /var/lib/wreg$' <<<"$final" || fail "/var/lib/wreg is not a VOLUME"
  grep -q "install -d --owner $user .*/var/lib/wreg" <<<"$final" ||
    fail "/var/lib/wreg is not made owned by $user before it becomes a volume"
  grep -q '^EXPOSE 8080$' <<<"$final" || fail "the image does not EXPOSE 8080"
  grep -q '^STOPSIGNAL SIGTERM$' <<<"$final" || fail "the image's STOPSIGNAL is not SIGTERM"
  grep -q '^HEALTHCHECK .*CMD .*http://127.0.0.1:8080/healthz' <<<"$final" ||
    fail "the image has no HEALTHCHECK on http://127.0.0.1:8080/healthz"
  grep -q '^ENTRYPOINT \["wreg-server"\]$' <<<"$final" || fail "the ENTRYPOINT is not [\"wreg-server\"]"
  grep -q '^CMD \["serve", ' <<<"$final" || fail "the CMD does not serve"
  check_serve_flags "the Containerfile's CMD" "$(grep '^CMD ' <<<"$final")"

  # Every COPY from the context names a path in the repository, and none that the context
  # leaves out (.dockerignore).
  while read -r path; do
    [[ $path == . || -e $top/$path ]] || fail "the Containerfile copies $path, which is not in the repository"
  done < <(grep '^COPY ' <<<"$all" | grep -v -- '--from=' | awk '{for (i = 2; i < NF; ++i) print $i}')
  for path in .git 'build*' wreg-data '**/node_modules' deploy/certs; do
    grep -qxF "$path" "$top/.dockerignore" || fail ".dockerignore does not leave out $path"
  done

  # The runtime packages: each one apt knows, and together with what they depend on, every
  # library the real wreg-server links.
  local packages
  packages=$(grep '^RUN apt-get' <<<"$final" | grep -o 'install -y -qq --no-install-recommends [^>&]*' |
    cut -d' ' -f5-)
  [[ -n $packages ]] || fail "found no apt-get install in the image's stage"
  for package in $packages; do
    apt-cache show "$package" >/dev/null 2>&1 || fail "the image installs $package, which apt does not know"
  done
  # shellcheck disable=SC2086  # one argument per package
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances $packages 2>/dev/null | grep -v '^ ' | sed 's/:.*//' | sort -u >"$dir/closure"
  # dpkg knows a library by the path its package ships, /lib/... or /usr/lib/... (merged /usr):
  # both asked at once, each answer "package:arch: path".
  ldd "$server" | awk '$3 ~ /^\// {print $3}' >"$dir/libraries"
  # shellcheck disable=SC2046  # one argument per path
  dpkg -S $(sed -e 'p' -e 's#^/usr/#/#;t' -e 's#^#/usr#' "$dir/libraries") 2>/dev/null |
    sed 's/:[^:]*: / /' >"$dir/owners" || true
  while read -r library; do
    package=$(awk -v name="${library##*/}" '{n = split($2, p, "/")} p[n] == name {print $1; exit}' "$dir/owners")
    [[ -n $package ]] || fail "no Debian package holds $library, which wreg-server links"
    grep -qxF "$package" "$dir/closure" ||
      fail "wreg-server links $library from $package, which the image does not install"
  done <"$dir/libraries"
}

check_compose() {
  command -v docker-compose >/dev/null ||
    fail "no docker-compose to read deploy/compose.yaml; run deploy/install-deps.sh --test"
  # docker-compose resolves the file as the engine would (interpolation, relative paths), offline.
  (cd "$top/deploy" && env -u WREG_PUBLIC_URL -u WREG_CERTS -u WREG_SUBNET \
    docker-compose -f compose.yaml config) >"$dir/compose.yaml" 2>"$dir/compose.err" ||
    fail "docker-compose config refuses deploy/compose.yaml: $(cat "$dir/compose.err")"
  check_serve_flags "compose.yaml's wreg-server command" \
    "$(python3 -c 'import sys, yaml; print(" ".join(yaml.safe_load(open(sys.argv[1]))["services"]["wreg-server"]["command"]))' \
      "$dir/compose.yaml")"
  python3 - "$dir/compose.yaml" "$top" <<'EOF' || exit 1
import os, sys, yaml

compose = yaml.safe_load(open(sys.argv[1]))
top = sys.argv[2]
def check(ok, message):
    if not ok:
        sys.exit(f"container_test: compose.yaml: {message}")

services = compose.get("services", {})
check(set(services) == {"wreg-server", "nginx"}, f"services are {sorted(services)}, not wreg-server and nginx")
server, nginx = services["wreg-server"], services["nginx"]

build = server.get("build", {})
check(os.path.realpath(build.get("context", "")) == os.path.realpath(top),
      "wreg-server is not built from the top of the repository")
check(build.get("dockerfile") == "deploy/Containerfile", "wreg-server is not built from deploy/Containerfile")
check("ports" not in server, "wreg-server publishes ports; only nginx should")
check("user" not in server, "wreg-server overrides the image's non-root user")
check(any(v.startswith("wreg:/var/lib/wreg") for v in server.get("volumes", [])),
      "wreg-server's /var/lib/wreg is not the named volume wreg")
check("wreg" in compose.get("volumes", {}), "the volume wreg is not declared")
test = server.get("healthcheck", {}).get("test", [])
check(test[:1] == ["CMD"] and "http://127.0.0.1:8080/healthz" in test, "wreg-server has no health check on /healthz")
check(server.get("stop_grace_period"), "wreg-server has no stop_grace_period for requests in flight")

command = server.get("command", [])
def flag(name):
    check(name in command and command.index(name) + 1 < len(command), f"wreg-server is not started with {name}")
    return command[command.index(name) + 1]
check(command[:1] == ["serve"], "wreg-server's command does not serve")
check(flag("--listen").endswith(":8080"), "wreg-server does not listen on port 8080")
check(flag("--data").startswith("/var/lib/wreg/"), "wreg-server's data is not on its volume")
check(flag("--public-url").startswith("https://"), "wreg-server's --public-url is not https://")
subnets = [c["subnet"] for c in compose["networks"]["wreg"]["ipam"]["config"]]
check(flag("--trusted-proxies") in subnets, "wreg-server's --trusted-proxies is not the compose network nginx is on")
check(server.get("networks") == nginx.get("networks") == {"wreg": None}, "wreg-server and nginx are not both on the network wreg alone")

check(nginx.get("depends_on", {}).get("wreg-server", {}).get("condition") == "service_healthy",
      "nginx does not wait for a healthy wreg-server")
published = {p["target"] for p in nginx.get("ports", [])}
check(published == {80, 443}, f"nginx publishes {sorted(published)}, not 80 and 443")
mounts = {v.split(":")[1]: v.split(":")[0] for v in nginx.get("volumes", [])}
check(mounts.get("/etc/nginx/nginx.conf") == os.path.join(top, "deploy/compose-nginx.conf"),
      "nginx does not run deploy/compose-nginx.conf")
check("/etc/nginx/certs" in mounts, "nginx has no certificate folder at /etc/nginx/certs")
EOF
}

check_nginx_conf() {
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [[ -x $nginx ]] || fail "no nginx; run deploy/install-deps.sh --test"
  # Only the three compose changes, which the file's header lists.
  grep -v '^#' "$top/deploy/nginx-reverse-proxy.conf" |
    sed -e 's#server 127.0.0.1:8080;#server wreg-server:8080;#' \
        -e 's#/etc/letsencrypt/live/registry.example.com/#/etc/nginx/certs/#' \
        -e 's#access_log /var/log/nginx/wreg-access.log;#access_log /var/log/nginx/access.log;#' \
        >"$dir/expected.conf"
  grep -v '^#' "$top/deploy/compose-nginx.conf" >"$dir/actual.conf"
  diff -u "$dir/expected.conf" "$dir/actual.conf" >"$dir/conf.diff" ||
    fail "compose-nginx.conf differs from nginx-reverse-proxy.conf beyond the compose changes:
$(cat "$dir/conf.diff")"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=registry.example.com \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  mkdir -p "$dir/nginx"
  sed -e "s#/etc/nginx/certs/fullchain.pem#$dir/cert.pem#" -e "s#/etc/nginx/certs/privkey.pem#$dir/key.pem#" \
      -e "s#wreg-server:8080#127.0.0.1:8080#" -e "s#/var/log/nginx/access.log#$dir/nginx/access.log#" \
      "$top/deploy/compose-nginx.conf" >"$dir/nginx/nginx.conf"
  "$nginx" -t -q -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log" \
    -g "pid $dir/nginx/nginx.pid;" 2>"$dir/nginx.out" ||
    fail "compose-nginx.conf does not pass nginx -t: $(cat "$dir/nginx.out")"
}

skip() {
  echo "SKIP container build: $*"
  exit 77
}

wait_for() {  # wait_for WHAT SECONDS COMMAND...
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return
    sleep 0.1
  done
  fail "$what did not happen within ${seconds}s"
}

run_image() {
  command -v podman >/dev/null || skip "podman is not installed (apt-get install podman)"
  # podman's default storage is /var/lib/containers: a test keeps out of it unless told.
  [[ -n ${CONTAINERS_STORAGE_CONF:-} ]] ||
    skip "CONTAINERS_STORAGE_CONF is not set (the podman storage to use, with a debian:12 image in it)"
  podman info >"$dir/podman.info" 2>&1 || skip "podman does not work here: $(tail -n 1 "$dir/podman.info")"
  local base=docker.io/library/debian:12
  podman image exists "$base" ||
    skip "no $base image in podman's storage, and the test pulls nothing (README.md, \"Container\")"
  podman run --rm --pull=never "$base" true >"$dir/probe.out" 2>&1 ||
    skip "podman cannot run a container here: $(tail -n 1 "$dir/probe.out")"

  local image=localhost/wreg-server-test:$$ name=wreg-container-test-$$ volume=wreg-container-test-$$
  local started
  started=$(date +%s)
  podman build --pull=never --format docker --network host -f "$containerfile" -t "$image" "$top" \
    >"$dir/build.log" 2>&1 || fail "podman build failed: $(tail -n 20 "$dir/build.log")"
  cleanup_steps+=("podman rmi -f $image")
  echo "container_test: built the image in $(($(date +%s) - started))s, $(podman image inspect --format '{{.Size}}' "$image") bytes"
  [[ $(podman image inspect --format '{{.Config.User}}' "$image") == wreg ]] || fail "the image's user is not wreg"
  podman image inspect --format '{{.Config.Healthcheck}}' "$image" | grep -q /healthz ||
    fail "the built image has no health check"

  podman volume create "$volume" >/dev/null
  cleanup_steps+=("podman volume rm -f $volume")
  cleanup_steps=("podman rm -f -t 0 $name" "${cleanup_steps[@]}")
  podman run -d --name "$name" --pull=never -p 127.0.0.1::8080 -v "$volume:/var/lib/wreg" "$image" \
    >"$dir/run.out" 2>&1 || fail "podman run failed: $(cat "$dir/run.out")"
  local port url
  port=$(podman port "$name" 8080 | sed 's/.*://')
  url=http://127.0.0.1:$port
  wait_for "/healthz answering through the published port" 20 curl -fsS "$url/healthz"
  podman healthcheck run "$name" >"$dir/health.out" 2>&1 ||
    fail "the image's health check fails on a serving container: $(cat "$dir/health.out")"

  podman exec "$name" wreg-server namespace create --data /var/lib/wreg/data demo >/dev/null ||
    fail "namespace create by podman exec failed"
  local token
  token=$(podman exec "$name" wreg-server token create --data /var/lib/wreg/data --namespace demo) ||
    fail "token create by podman exec failed"
  [[ $(podman exec "$name" stat -c %U:%G /var/lib/wreg/data /var/lib/wreg/data/wreg.db | sort -u) == wreg:wreg ]] ||
    fail "the data directory is not owned by wreg"

  export HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" XDG_CACHE_HOME="$dir/home/.cache"
  mkdir -p "$XDG_CONFIG_HOME/wreg" "$dir/project"
  printf 'registry = "%s"\n' "$url" >"$XDG_CONFIG_HOME/wreg/config.toml"
  "$client" login <<<"$token" >/dev/null 2>&1 || fail "wreg login to the container failed"
  local component=$top/tests/fixtures/components/empty-component.wasm digest
  digest="sha256:$(sha256sum "$component" | cut -d' ' -f1)"
  "$client" publish --package demo:empty@1.0.0 "$component" >"$dir/publish.out" 2>&1 ||
    fail "wreg publish to the container failed: $(cat "$dir/publish.out")"
  (cd "$dir/project" && "$client" add demo:empty@1.0.0 >"$dir/add.out" 2>&1) ||
    fail "wreg add from the container failed: $(cat "$dir/add.out")"
  grep -q "$digest" "$dir/project/wreg.lock" || fail "wreg.lock does not hold $digest"

  # SIGTERM: the server says it finishes what is in flight and exits 0, well before the kill.
  started=$(date +%s)
  podman stop -t 20 "$name" >/dev/null
  (($(date +%s) - started < 10)) || fail "the container took $(($(date +%s) - started))s to stop on SIGTERM"
  [[ $(podman inspect --format '{{.State.ExitCode}}' "$name") == 0 ]] ||
    fail "wreg-server exited $(podman inspect --format '{{.State.ExitCode}}' "$name") on SIGTERM"
  podman logs "$name" 2>&1 | grep -q "finishing requests in flight" ||
    fail "wreg-server's log does not show a graceful stop"
  echo "container_test: the image serves /healthz, passes its health check, takes admin commands by podman exec, publishes and fetches with wreg, and stops cleanly on SIGTERM"
}

case $mode in
  files)
    check_containerfile
    check_compose
    check_nginx_conf
    echo "container_test: Containerfile, compose.yaml and compose-nginx.conf pass their checks"
    ;;
  image) run_image ;;
  *) fail "mode is files or image, not $mode" ;;
esac
