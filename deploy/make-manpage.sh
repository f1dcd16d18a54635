#!/usr/bin/env bash
# make-manpage.sh PROGRAM SECTION SUMMARY OUT
# Writes PROGRAM's man page to OUT (gzipped) from the program's own help, so that the page says
# what the program says: help2man reads `PROGRAM --help` and `--version`, and a COMMANDS section
# holds `PROGRAM COMMAND --help` for every subcommand (and their own subcommands).
set -euo pipefail
program=$1 section=$2 summary=$3 out=$4
name=$(basename "$program")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

subcommands() {  # the names in the "Subcommands:" block of `"$@" --help`
  "$@" --help | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z0-9-]*\)\( .*\)\?$/\1/p'
}
# roff takes a line starting with . or ' as a request, and \ as an escape.
as_roff_text() { sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/'; }
describe() {  # describe COMMAND...: a subsection with the command's help, then its subcommands'
  echo ".SS \"$name $*\""
  echo ".nf"
  "$program" "$@" --help | as_roff_text
  echo ".fi"
  local sub
  for sub in $(subcommands "$program" "$@"); do describe "$@" "$sub"; done
}
{
  echo "[COMMANDS]"
  for command in $(subcommands "$program"); do describe "$command"; done
} >"$dir/commands.h2m"

help2man --no-info --no-discard-stderr --section="$section" --name="$summary" \
  --include="$dir/commands.h2m" --output="$dir/$name.$section" "$program"
gzip -9n <"$dir/$name.$section" >"$out.tmp"
mv "$out.tmp" "$out"
