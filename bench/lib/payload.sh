# Sourced, not run: benchmark payloads (bench/compare.sh, bench/server_ab.sh).

# Unsigned LEB128 of $1, as raw bytes on stdout.
leb128() {
  local value=$1 byte
  while :; do
    byte=$((value & 0x7f))
    value=$((value >> 7))
    ((value)) && byte=$((byte | 0x80))
    printf "\\x$(printf '%02x' "$byte")"
    ((value)) || break
  done
}

# A valid component of about $1 bytes: the component preamble and one custom section of random
# bytes (so every call gives distinct bytes). The wreg reader accepts it; it exports nothing.
make_component() {
  local size=$1 out=$2 name="bench-padding"
  local payload=$((size - 8 - 1 - 4 - 1 - ${#name}))
  local content=$((1 + ${#name} + payload))
  {
    printf '\x00asm\x0d\x00\x01\x00\x00'
    leb128 "$content"
    leb128 "${#name}"
    printf '%s' "$name"
    head -c "$payload" /dev/urandom
  } >"$out"
}
