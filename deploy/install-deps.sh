#!/usr/bin/env bash
# Installs the Debian 12 packages wreg needs, and only those that are missing: silent and quick
# when everything is there. Runs as root, or elevates apt-get with sudo.
#   deploy/install-deps.sh          what building and running wreg-server needs
#   deploy/install-deps.sh --test   also what the test suite needs
#   deploy/install-deps.sh --bench  also the peers and load generator of bench/compare.sh and
#                                   the long load run (tests/reliability/load)
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libboost-dev libssl-dev libsqlite3-dev libpq-dev libsystemd-dev
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libkainjow-mustache-dev libdtl-dev
  openssl ca-certificates
  help2man  # the man pages, from the programs' own --help (deploy/make-manpage.sh)
)
if [[ ${1:-} == --test ]]; then
  packages+=(libgtest-dev libgmock-dev)
  packages+=(libyaml-dev)  # tests/unit/common/openapi_test.cpp reads schema/openapi.yaml
  packages+=(zsh fish)  # tests/cli/completions_test.sh: zsh -n, fish --no-execute on the scripts
  packages+=(clang libclang-rt-14-dev)  # CI's sanitizer build and the reader's fuzzer
  packages+=(skopeo)   # tests/integration/oci_skopeo_test.cpp: an independent OCI client
  packages+=(docker-registry)  # tests/integration/oci_conformance_test.cpp: the reference registry
  # tests/support/postgres_server.cpp and postgres_cluster.sh: real PostgreSQL servers for the
  # PostgreSQL store's tests and the `postgres/` run of the integration and CLI suites
  packages+=(postgresql)
  packages+=(nginx-light)  # tests/deploy/nginx_config_test.sh: nginx -t of deploy/replicas/
  # tests/deploy/container_test.sh: docker-compose reads deploy/compose.yaml (offline, no engine),
  # python3-yaml its structure
  packages+=(docker-compose python3-yaml)
  # tests/deploy/systemd_unit_test.sh: systemd-analyze on the unit, the server's system calls
  packages+=(systemd strace)
  # tests/deploy/debian_package_test.sh: cpack's DEB generator needs dpkg-shlibdeps and file
  packages+=(dpkg-dev file lintian)
  # tests/browser/browse.mjs: the browse pages in Debian's chromium (never a downloaded browser),
  # driven by playwright-core from npm (below), with a font for its screenshots. Node and npm
  # from Debian only when there are none: NodeSource's nodejs brings its own npm, and Debian's
  # npm package conflicts with it.
  packages+=(chromium fonts-dejavu-core)
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi
if [[ ${1:-} == --bench ]]; then
  packages+=(wrk)                           # load generator for both
  packages+=(python3 curl)                  # tests/reliability/load/run.sh: its verifier
  packages+=(docker-registry nginx-light)   # bench/compare.sh: the peers measured against
  packages+=(jq sqlite3)                    # bench/compare.sh: reads answers, seeds the store
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  as_root=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo (missing: ${missing[*]})" >&2; exit 1; }
    as_root=(sudo)
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The browser test's npm packages, exactly as its committed lock file says, as the user running
# this (not root): installed once, and again when the lock file changes (npm ci remakes
# node_modules, so it is then newer than the lock).
if [[ ${1:-} == --test ]]; then
  browser_tests=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/browser" && pwd)
  if [[ ! -d $browser_tests/node_modules || $browser_tests/package-lock.json -nt $browser_tests/node_modules ]]; then
    echo "install-deps: npm ci in tests/browser" >&2
    (cd "$browser_tests" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
