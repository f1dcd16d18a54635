// Hexadecimal digits: the one place wreg turns bytes into hex and back (digests, tokens, search
// cursors, temp file names, percent escapes, escaped control characters in messages).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wreg {

// Lowercase is wreg's own spelling (a digest is a file name and a database key, so it has one);
// uppercase is what RFC 3986 recommends for percent escapes.
enum class HexCase { kLower, kUpper };

// Appends the two hex digits of `byte`.
void append_hex(std::string& out, std::uint8_t byte, HexCase letters = HexCase::kLower);

// Two hex digits per byte, in order.
std::string hex_encode(std::span<const std::uint8_t> bytes, HexCase letters = HexCase::kLower);
std::string hex_encode(std::string_view bytes, HexCase letters = HexCase::kLower);

// `text` with %XX escapes for everything but unreserved characters (RFC 3986), for a path segment
// or a query value.
std::string percent_encode(std::string_view text);

// Which hex digits a reader takes: wreg's own lowercase spelling only, or either case (what
// other programs send, e.g. percent escapes).
enum class HexInput { kLowercaseOnly, kEitherCase };

// The value (0-15) of one hex digit, or -1 when `digit` is not one.
int hex_digit_value(char digit, HexInput accepted = HexInput::kLowercaseOnly);

// Whether every character of `text` is a lowercase hex digit (wreg's own spelling: digests,
// shard folders, upload ids). True for "".
bool is_lower_hex(std::string_view text);

// The bytes that `text` spells, two digits each. nullopt for an odd length or a character that
// is not an accepted digit.
std::optional<std::string> hex_decode(std::string_view text,
                                      HexInput accepted = HexInput::kLowercaseOnly);

}  // namespace wreg
