#!/usr/bin/env bash
# One PostgreSQL server for a whole ctest run: the fixture of the tests that run the integration
# and CLI suites against a wreg-server on PostgreSQL (tests/CMakeLists.txt, `postgres/` tests).
#   postgres_cluster.sh start STATE   makes a cluster in a new /tmp/wreg-pg-XXXXXX, starts it on
#                                     a Unix socket there (never TCP), creates the database
#                                     wreg_tests, and writes the socket folder to STATE
#   postgres_cluster.sh stop STATE    stops it and removes the folder
# As root, the server runs as `nobody` (PostgreSQL refuses root), which then owns the folder.
# Nothing outside the folder is touched. tests/support/postgres_server.h is the same for one test
# process; this is its shell twin for a server that outlives the command that started it.
set -euo pipefail
action=${1:?usage: postgres_cluster.sh start|stop STATE}
state=${2:?usage: postgres_cluster.sh start|stop STATE}

bindir=${WREG_POSTGRES_BINDIR:-}
if [[ -z $bindir ]]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if [[ ! -x $bindir/initdb ]]; then
  echo "postgres_cluster: no PostgreSQL server (initdb); run deploy/install-deps.sh --test" >&2
  exit 1
fi
as_server=()
if [[ $(id -u) == 0 ]]; then
  as_server=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

case $action in
  start)
    dir=$(mktemp -d /tmp/wreg-pg-XXXXXX)
    chmod 0755 "$dir"
    mkdir -m 0700 "$dir/data" "$dir/socket"
    [[ ${#as_server[@]} == 0 ]] || chown nobody:nogroup "$dir/data" "$dir/socket"
    "${as_server[@]}" "$bindir/initdb" -D "$dir/data" -U wreg --auth=trust --no-sync -E UTF8 \
      --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir/socket'
fsync = off
full_page_writes = off
max_connections = 300
dynamic_shared_memory_type = mmap
CONF
    "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 start \
      >/dev/null || { cat "$dir/data/server.log" >&2; exit 1; }
    "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/socket" -U wreg -d postgres \
      -c "CREATE DATABASE wreg_tests"
    echo "$dir/socket" >"$state"
    ;;
  stop)
    [[ -f $state ]] || exit 0
    dir=$(dirname "$(cat "$state")")
    case $dir in /tmp/wreg-pg-*) ;; *) echo "postgres_cluster: $state names $dir" >&2; exit 1 ;; esac
    "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
      "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    rm -rf "$dir" "$state"
    ;;
  *)
    echo "postgres_cluster: unknown action $action (start or stop)" >&2
    exit 2
    ;;
esac
