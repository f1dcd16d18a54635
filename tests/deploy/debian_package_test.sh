#!/usr/bin/env bash
# debian_package_test.sh BUILD_DIR: makes the .deb packages (deploy/CMakeLists.txt) into a temp
# folder, and checks them as Debian would:
#   1. lintian finds nothing, not even a warning;
#   2. the control fields: the shared libraries' packages (dpkg-shlibdeps) and adduser, the
#      conffile, the maintainer scripts;
#   3. dpkg unpacks both into a temp root (its own --instdir and --admindir, so the machine's
#      packages are untouched), the files land where Debian looks for them, and the unit is
#      deploy/wreg-server.service as it is;
#   4. the unpacked wreg-server serves HTTPS and the unpacked wreg (linked on the shared libssl3)
#      publishes to it and reads the package back.
# The maintainer scripts (the `wreg` user, enabling the unit) are not run: they would change this
# machine's users and units.
set -euo pipefail
build=$(realpath "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
fail() {
  echo "debian_package_test: $*" >&2
  exit 1
}
for tool in cpack lintian dpkg dpkg-deb; do
  command -v "$tool" >/dev/null || fail "no $tool; run deploy/install-deps.sh --test"
done

dir=$(mktemp -d)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

cpack --config "$build/CPackConfig.cmake" -B "$dir/packages" >"$dir/cpack.out" 2>&1 ||
  fail "cpack failed: $(tail -n 5 "$dir/cpack.out")"
version=$(sed -n 's/^project(wreg VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
client_deb=$dir/packages/wreg_${version}_amd64.deb
server_deb=$dir/packages/wreg-server_${version}_amd64.deb
[[ -f $client_deb && -f $server_deb ]] || fail "cpack made $(ls "$dir/packages" | tr '\n' ' ')"

# 1. lintian exits non-zero on errors; --fail-on makes a warning count too.
lintian --fail-on error,warning --tag-display-limit 0 "$client_deb" "$server_deb" \
  >"$dir/lintian.out" 2>&1 || fail "lintian: $(grep -v 'root privileges' "$dir/lintian.out")"

# 2.
depends=$(dpkg-deb --field "$server_deb" Depends)
for needed in adduser libc6 libpq5 libsqlite3-0 libssl3 libsystemd0 libstdc++6; do
  [[ ", $depends," == *", $needed"[\ ,]* ]] || fail "wreg-server does not depend on $needed: $depends"
done
[[ $(dpkg-deb --field "$client_deb" Depends) == *libssl3* ]] ||
  fail "wreg does not depend on libssl3 (is OpenSSL linked into it?)"
[[ $(dpkg-deb --info "$server_deb" conffiles) == /etc/wreg/wreg-server.toml ]] ||
  fail "the conffiles are not /etc/wreg/wreg-server.toml"
for script in postinst prerm postrm; do
  dpkg-deb --info "$server_deb" "$script" >"$dir/$script"
  sh -n "$dir/$script" || fail "the $script script is not valid sh"
done
grep -q 'adduser --system --group --home /var/lib/wreg' "$dir/postinst" ||
  fail "postinst does not make the wreg system user"
grep -q 'deb-systemd-helper enable wreg-server.service' "$dir/postinst" ||
  fail "postinst does not enable the unit"
! grep -q 'deb-systemd-invoke start' "$dir/postinst" || fail "postinst starts the server on install"

# 3. dpkg with a database of its own in the temp folder: a real unpack, nothing of the machine's.
root=$dir/root admin=$dir/dpkg
mkdir -p "$root" "$admin/info" "$admin/updates"
touch "$admin/status" "$admin/available"
dpkg_here() { dpkg --instdir="$root" --admindir="$admin" --force-not-root --force-depends "$@"; }
dpkg_here --unpack "$client_deb" "$server_deb" >"$dir/dpkg.out" 2>&1 ||
  fail "dpkg --unpack failed: $(tail -n 5 "$dir/dpkg.out")"
for file in usr/bin/wreg usr/bin/wreg-server usr/share/man/man1/wreg.1.gz \
  usr/share/man/man1/wreg-server.1.gz lib/systemd/system/wreg-server.service \
  usr/share/doc/wreg/copyright usr/share/doc/wreg-server/copyright \
  usr/share/bash-completion/completions/wreg usr/share/zsh/vendor-completions/_wreg \
  usr/share/fish/vendor_completions.d/wreg.fish; do
  [[ -f $root/$file ]] || fail "the packages do not install /$file"
done
dpkg_here --listfiles wreg-server | grep -qx /usr/bin/wreg-server ||
  fail "dpkg does not list /usr/bin/wreg-server as wreg-server's"
cmp -s "$root/lib/systemd/system/wreg-server.service" "$top/deploy/wreg-server.service" ||
  fail "the packaged unit differs from deploy/wreg-server.service"
# A conffile waits beside its place until dpkg configures the package (which runs postinst).
cmp -s "$root/etc/wreg/wreg-server.toml.dpkg-new" "$top/deploy/wreg-server.toml" ||
  fail "the packaged configuration differs from deploy/wreg-server.toml"
# The man pages hold every command's help.
for command in publish add tree; do
  zcat "$root/usr/share/man/man1/wreg.1.gz" | grep -q "^\.SS \"wreg $command\"" ||
    fail "wreg(1) has no section for wreg $command"
done
zcat "$root/usr/share/man/man1/wreg-server.1.gz" | grep -q '^\.SS "wreg-server token create"' ||
  fail "wreg-server(1) has no section for wreg-server token create"

bash -n "$root/usr/share/bash-completion/completions/wreg" ||
  fail "the packaged bash completion is not valid bash"

# 4.
server=$root/usr/bin/wreg-server client=$root/usr/bin/wreg
[[ $("$server" --version) == "wreg-server $version" ]] || fail "wreg-server --version: $("$server" --version 2>&1)"
[[ $("$client" --version) == "wreg $version" ]] || fail "wreg --version: $("$client" --version 2>&1)"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
"$server" namespace create --data "$dir/data" wasi >/dev/null 2>&1
token=$("$server" token create --data "$dir/data" --namespace wasi 2>/dev/null)
"$server" serve --data "$dir/data" --listen 127.0.0.1:0 --port-file "$dir/wreg.port" \
  --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem" >"$dir/wreg-server.log" 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -s $dir/wreg.port ]] && break; sleep 0.1; done
[[ -s $dir/wreg.port ]] || fail "the packaged wreg-server did not start: $(tail -n 5 "$dir/wreg-server.log")"
export HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/.config" XDG_CACHE_HOME="$dir/home/.cache"
mkdir -p "$XDG_CONFIG_HOME/wreg"
printf 'registry = "https://127.0.0.1:%s"\nca_file = "%s"\n' "$(cat "$dir/wreg.port")" \
  "$dir/cert.pem" >"$XDG_CONFIG_HOME/wreg/config.toml"
"$client" login <<<"$token" >/dev/null 2>&1 || fail "the packaged wreg could not log in"
"$client" publish "$top/tests/fixtures/packages/wasi-random@0.2.8.wasm" >"$dir/publish.out" 2>&1 ||
  fail "the packaged wreg could not publish: $(cat "$dir/publish.out")"
"$client" info wasi:random >"$dir/info.out" 2>&1 || fail "wreg info failed: $(cat "$dir/info.out")"
grep -q "0.2.8" "$dir/info.out" || fail "wreg info does not show 0.2.8: $(cat "$dir/info.out")"

echo "debian_package_test: wreg and wreg-server $version pass lintian, unpack with dpkg, and the" \
  "unpacked programs publish and read over HTTPS"
