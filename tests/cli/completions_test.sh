#!/bin/bash
# `wreg completions bash|zsh|fish` (client/commands/completions.h): each script is valid for its
# shell (bash -n, zsh -n, fish --no-execute; zsh and fish are Debian packages that
# deploy/install-deps.sh --test installs, and a shell that is missing is a printed skip, never a
# silent one), and the bash script, sourced, completes what the command table holds. `wreg help`
# prints what --help prints.
# Usage: completions_test.sh path/to/wreg
set -euo pipefail
wreg=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

for shell in bash zsh fish; do
  "$wreg" completions "$shell" >"$tmp/wreg.$shell" || fail "wreg completions $shell exited $?"
  [[ -s $tmp/wreg.$shell ]] || fail "wreg completions $shell printed nothing"
done
bash -n "$tmp/wreg.bash" || fail "bash -n rejects the bash script"
if command -v zsh >/dev/null; then
  zsh -n "$tmp/wreg.zsh" || fail "zsh -n rejects the zsh script"
else
  echo "SKIP: zsh is not installed (deploy/install-deps.sh --test installs it)"
fi
if command -v fish >/dev/null; then
  fish --no-execute "$tmp/wreg.fish" || fail "fish --no-execute rejects the fish script"
  # Run it too: `complete` must accept every line.
  HOME=$tmp XDG_CONFIG_HOME=$tmp XDG_DATA_HOME=$tmp fish --no-config -c "source $tmp/wreg.fish" ||
    fail "fish cannot source the fish script"
  got=$(HOME=$tmp XDG_CONFIG_HOME=$tmp XDG_DATA_HOME=$tmp fish --no-config \
    -c "source $tmp/wreg.fish; complete -C 'wreg pu'" | cut -f1)
  [[ $got == publish ]] || fail "fish: wreg pu<TAB> gave '$got', not publish"
else
  echo "SKIP: fish is not installed (deploy/install-deps.sh --test installs it)"
fi

# Sourced into bash: what <TAB> offers for a command line (the words, the last one being
# completed), one word a line, sorted.
complete_line() {
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _wreg
    printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$tmp/wreg.bash" "$@"
}
got=$(complete_line wreg pu)
[[ $got == publish ]] || fail "bash: wreg pu<TAB> gave '$got', not publish"
got=$(complete_line wreg add --)
for flag in --help --registry --quiet --verbose; do
  grep -qx -- "$flag" <<<"$got" || fail "bash: wreg add --<TAB> lacks $flag: $got"
done
# Every long flag `wreg add --help` lists is offered, and nothing else.
want=$( ("$wreg" add --help; "$wreg" --help) | grep -o -- '--[a-z][a-z-]*' | grep -vx -- '--version' | sort -u)
got_long=$(grep -- '^--' <<<"$got" | sort -u)
[[ $got_long == "$want" ]] || fail "bash: wreg add --<TAB> offers '$got_long', --help lists '$want'"
got=$(complete_line wreg cache "")
[[ $got == $'clean\nsize' ]] || fail "bash: wreg cache <TAB> gave '$got', not clean and size"
got=$(complete_line wreg --registry http://x pu)
[[ $got == publish ]] || fail "bash: a flag's value is taken for a command: '$got'"
got=$(complete_line wreg -q pu)
[[ $got == publish ]] || fail "bash: a flag without a value skips the command after it: '$got'"
mkdir "$tmp/proj" && touch "$tmp/proj/lib.wasm" && mkdir "$tmp/proj/witdir"
got=$(cd "$tmp/proj" && complete_line wreg inspect l)
[[ $got == lib.wasm ]] || fail "bash: wreg inspect l<TAB> gave '$got', not lib.wasm"
got=$(cd "$tmp/proj" && complete_line wreg build "")
[[ $got == witdir ]] || fail "bash: wreg build <TAB> gave '$got', not the folder witdir"

# An unknown shell: one line naming the three, exit status 2.
set +e
"$wreg" completions powershell >"$tmp/out" 2>"$tmp/err"
status=$?
set -e
[[ $status == 2 ]] || fail "wreg completions powershell exited $status, not 2"
[[ $(wc -l <"$tmp/err") == 1 ]] || fail "wreg completions powershell: not one line: $(cat "$tmp/err")"
grep -q 'bash, zsh and fish' "$tmp/err" || fail "the error does not name the shells: $(cat "$tmp/err")"
[[ ! -s $tmp/out ]] || fail "wreg completions powershell printed a script"

# wreg help [COMMAND...] is --help.
cmp -s <("$wreg" help) <("$wreg" --help) || fail "wreg help differs from wreg --help"
cmp -s <("$wreg" help publish) <("$wreg" publish --help) ||
  fail "wreg help publish differs from wreg publish --help"
cmp -s <("$wreg" help cache clean) <("$wreg" cache clean --help) ||
  fail "wreg help cache clean differs from wreg cache clean --help"

if ((failures > 0)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all completion checks passed"
