// Small text helpers shared by the parsers' error messages.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wreg {

// `text` in double quotes, with control characters, quotes, backslashes and non-ASCII bytes
// escaped, and cut to 80 characters: safe to put a hostile input into a one-line message.
std::string quoted(std::string_view text);

// ASCII whitespace trimmed from both ends.
std::string_view trim(std::string_view text);

// The parts of `text` between `separator`s; empty parts kept ("a..b" -> "a", "", "b").
std::vector<std::string_view> split(std::string_view text, char separator);

// True when `bytes` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// past U+10FFFF). Used wherever outside text becomes a name: wasm names, request paths.
bool is_valid_utf8(std::span<const std::uint8_t> bytes);
inline bool is_valid_utf8(std::string_view text) {
  return is_valid_utf8(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace wreg
