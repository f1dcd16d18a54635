#!/usr/bin/env bash
# Checks deploy/wreg-server.service as systemd reads it, and that the server lives within its
# sandbox:
#   1. `systemd-analyze verify` finds nothing wrong (ExecStart pointed at the built binary);
#   2. `systemd-analyze security` rates it "OK" or better (exposure at most 1.9 of 10);
#   3. the unit is Type=notify and reloads with SIGHUP, which the server implements
#      (tests/integration/service_test.cpp);
#   4. the real wreg-server, serving HTTPS through a publish, a fetch, a reload and a stop under
#      strace, makes no system call that the unit's SystemCallFilter refuses, opens no socket of a
#      family RestrictAddressFamilies leaves out, and maps no memory both writable and executable
#      (MemoryDenyWriteExecute).
# systemd does not run here as the service manager, so the sandbox itself is not entered: 4 is
# how we know the server tolerates it.
set -euo pipefail
server=$(realpath "$1")
client=$(realpath "$2")
top=$(cd "$(dirname "$0")/../.." && pwd)
unit=$top/deploy/wreg-server.service
fail() {
  echo "systemd_unit_test: $*" >&2
  exit 1
}
command -v systemd-analyze >/dev/null || fail "no systemd-analyze; run deploy/install-deps.sh --test"
command -v strace >/dev/null || fail "no strace; run deploy/install-deps.sh --test"

dir=$(mktemp -d)
pid=
cleanup() {
  if [[ -n $pid ]]; then
    # strace, stopped, would let the server it traces go on: stop the server first.
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

# 1 and 2. verify checks that ExecStart's program exists, so it runs on a copy naming the build's.
grep -q '^ExecStart=/usr/bin/wreg-server ' "$unit" || fail "ExecStart no longer runs /usr/bin/wreg-server"
sed "s#^ExecStart=/usr/bin/wreg-server #ExecStart=$server #" "$unit" >"$dir/wreg-server.service"
systemd-analyze verify --man=no "$dir/wreg-server.service" >"$dir/verify.out" 2>&1 ||
  fail "systemd-analyze verify refuses the unit: $(cat "$dir/verify.out")"
systemd-analyze security --offline=true --threshold=19 "$dir/wreg-server.service" \
  >"$dir/security.out" 2>&1 ||
  fail "systemd-analyze security rates the unit worse than OK: $(tail -n 1 "$dir/security.out")"
score=$(grep -o 'Overall exposure level for wreg-server.service: [0-9.]* [A-Z]*' "$dir/security.out") ||
  fail "systemd-analyze security printed no overall exposure: $(cat "$dir/security.out")"

# 3.
grep -qx 'Type=notify' "$unit" || fail "the unit is not Type=notify"
grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit" || fail "the unit does not reload with SIGHUP"

# 4. The system calls the filter allows: @system-service, less @privileged.
unit_value() { sed -n "s/^$1=//p" "$unit"; }
[[ $(unit_value SystemCallFilter) == $'@system-service\n~@privileged' ]] ||
  fail "SystemCallFilter changed; update this test's reading of it"
[[ $(unit_value RestrictAddressFamilies) == 'AF_INET AF_INET6 AF_UNIX' ]] ||
  fail "RestrictAddressFamilies changed; update this test's reading of it"
syscall_set() {  # the system calls of a systemd set, its nested sets expanded
  systemd-analyze syscall-filter "$1" | sed -n 's/^ *\([@a-z_0-9-]\+\).*/\1/p' | while read -r name; do
    if [[ $name == @* ]]; then [[ $name != "$1" ]] && syscall_set "$name"; else echo "$name"; fi
  done
}
syscall_set @system-service | sort -u >"$dir/allowed"
syscall_set @privileged | sort -u >"$dir/privileged"
comm -23 "$dir/allowed" "$dir/privileged" >"$dir/permitted"
[[ $(wc -l <"$dir/permitted") -gt 100 ]] || fail "could not read the system call sets from systemd-analyze"

# The unit runs the server as the `wreg` user; as root here, it runs as nobody (SQLite, for one,
# hands the files it makes to root's uid with fchown only when it runs as root).
srv=$dir/srv
mkdir "$srv"
as_service_user=()
if [[ $EUID == 0 ]]; then
  chmod 711 "$dir"
  chown nobody:nogroup "$srv"
  as_service_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
run_as_service_user() { "${as_service_user[@]}" "$@"; }
run_as_service_user openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$srv/key.pem" -out "$srv/cert.pem" 2>/dev/null
run_as_service_user "$server" namespace create --data "$srv/data" wasi >/dev/null 2>&1
token=$(run_as_service_user "$server" token create --data "$srv/data" --namespace wasi 2>/dev/null)
# The server's own start-up is traced too: it is where setrlimit and the like happen.
"${as_service_user[@]}" strace -f -qq -o "$srv/trace" "$server" serve --data "$srv/data" \
  --listen 127.0.0.1:0 --port-file "$srv/wreg.port" --tls-cert "$srv/cert.pem" \
  --tls-key "$srv/key.pem" >"$dir/wreg-server.log" 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -s $srv/wreg.port ]] && break; sleep 0.1; done
[[ -s $srv/wreg.port ]] || fail "wreg-server did not start under strace: $(tail -n 5 "$dir/wreg-server.log")"
registry="https://127.0.0.1:$(cat "$srv/wreg.port")"
server_pid=$(pgrep -P "$pid" -x wreg-server) || fail "found no wreg-server under strace: $(ps -o pid,ppid,comm --ppid "$pid")"

export HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" XDG_CACHE_HOME="$dir/home/.cache"
mkdir -p "$XDG_CONFIG_HOME/wreg" "$dir/project"
printf 'registry = "%s"\nca_file = "%s"\n' "$registry" "$srv/cert.pem" >"$XDG_CONFIG_HOME/wreg/config.toml"
"$client" login <<<"$token" >/dev/null 2>&1 || fail "wreg login failed"
"$client" publish "$top/tests/fixtures/packages/wasi-random@0.2.8.wasm" \
  >"$dir/publish.out" 2>&1 || fail "publish failed: $(cat "$dir/publish.out")"
(cd "$dir/project" && "$client" add wasi:random@0.2.8 >"$dir/add.out" 2>&1) ||
  fail "wreg add failed: $(cat "$dir/add.out")"
curl -s -f -o /dev/null --cacert "$srv/cert.pem" "$registry/packages/wasi/random" ||
  fail "the package page did not answer"
curl -s -f -o /dev/null --cacert "$srv/cert.pem" "$registry/metrics" || fail "/metrics did not answer"
kill -HUP "$server_pid"
for _ in $(seq 100); do grep -q "reload: new connections" "$dir/wreg-server.log" && break; sleep 0.1; done
grep -q "reload: new connections" "$dir/wreg-server.log" || fail "the reload was not logged"
kill -TERM "$server_pid"
wait "$pid" || fail "wreg-server did not stop cleanly: $(tail -n 5 "$dir/wreg-server.log")"
pid=

# strace -f lines: "PID name(args) = result", or "PID <... name resumed>" for the second half.
sed -n 's/^[0-9]\+ \+\([a-z_0-9]\+\)(.*/\1/p' "$srv/trace" | sort -u >"$dir/used"
[[ $(wc -l <"$dir/used") -gt 20 ]] || fail "strace recorded too few system calls to judge: $(head -n 3 "$srv/trace")"
refused=$(comm -23 "$dir/used" "$dir/permitted" | paste -sd " ")
[[ -z $refused ]] || fail "wreg-server makes system calls the unit's SystemCallFilter refuses: $refused"
families=$(sed -n 's/^[0-9]\+ \+socket(\(AF_[A-Z0-9]\+\).*/\1/p' "$srv/trace" | sort -u | paste -sd ' ')
for family in $families; do
  [[ $family == AF_INET || $family == AF_INET6 || $family == AF_UNIX ]] ||
    fail "wreg-server opens an $family socket, which RestrictAddressFamilies refuses"
done
if grep -E '^[0-9]+ +(mmap|mprotect|pkey_mprotect)\(.*PROT_WRITE\|PROT_EXEC|PROT_EXEC\|PROT_WRITE' \
  "$srv/trace" >"$dir/wx"; then
  fail "wreg-server maps memory writable and executable, which MemoryDenyWriteExecute refuses: $(head -n 1 "$dir/wx")"
fi

echo "systemd_unit_test: deploy/wreg-server.service verifies, rates '${score#*: }', and the server's" \
  "$(wc -l <"$dir/used") system calls and socket families ($families) are within its sandbox"
