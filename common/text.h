// Small text helpers: how outside text is shown (escaped() and its uses), and what the parsers'
// error messages share.
//
// Showing outside text. Text from a registry, a binary, a request or a file may hold anything
// its sender chose: ESC sequences that clear the screen, set the terminal's title or move the
// cursor; CR and backspace that overwrite what was printed; line breaks that forge a line of
// wreg's own output (`published evil:ok@9.9.9`); bidi controls that show bytes in another order
// than they are in (CVE-2021-42574, "Trojan Source"). Every printer and log line that shows such
// text goes through escaped(), which writes
//   - C0 controls (tab and line feed too) and DEL as \xNN, C1 controls (U+0080..U+009F; a
//     terminal may take U+009B for CSI) as \u{9B};
//   - a byte that is not part of well-formed UTF-8 as \xNN;
//   - the invisible characters that change how the rest of a line looks, as \u{202E}: the bidi
//     marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A..U+202E,
//     U+2066..U+2069), the line and paragraph separators (U+2028, U+2029, which some terminals
//     and viewers break lines at), and the zero-width and invisible characters no script needs
//     (U+200B, U+2060..U+2064, U+206A..U+206F, U+FEFF, U+FFF9..U+FFFB), which make two texts
//     that differ look the same.
// The other Unicode format characters are shown as they are: ZWNJ and ZWJ (U+200C, U+200D), which
// Persian, the Indic scripts and emoji sequences need, the soft hyphen, and script-specific ones
// (Arabic number signs, emoji tag sequences); none of them moves the cursor or reorders a line.
// A bidi mark is legitimate in right-to-left prose, so a registry stores it (common/release.h);
// wreg shows it escaped, because a terminal line mixes that prose with wreg's own columns.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wreg {

// What one place showing outside text needs beyond the rule above. The default is a terminal
// line: UTF-8 text kept, everything the rule names escaped, one line.
struct EscapeOptions {
  // In double quotes, with `"` and `\` written \" and \\ (a value inside a message).
  bool quote = false;
  // Every byte outside printable ASCII as \xNN, UTF-8 text too (log lines, quoted()).
  bool ascii = false;
  // More ASCII characters to write as \xNN (a space-separated log field: " \"\\").
  std::string_view also = {};
  // Line feeds kept: text our own code made of several lines (the resolver's explanation).
  bool line_breaks = false;
  // At most this many bytes of `text` are shown (never part of a character), then "...".
  std::size_t max_bytes = std::numeric_limits<std::size_t>::max();
};

// `text` safe to show on a terminal or in a log line (the rule above, with `options`). Any
// bytes are accepted.
std::string escaped(std::string_view text, const EscapeOptions& options = {});

// `text` in double quotes, ASCII only and cut to 80 bytes (escaped() with quote, ascii and
// max_bytes 80): safe to put a hostile input into a one-line message.
std::string quoted(std::string_view text);

// `text` as a registry stores it (common/release.h): every control character (C0, DEL, C1)
// replaced by U+FFFD, except line feed and tab when `prose` (a description's paragraphs and
// lists). Bytes that are not UTF-8 are kept; the reader refuses those on its own.
std::string without_controls(std::string_view text, bool prose = false);

// `text` with A-Z made a-z and every other byte kept: HTTP field names, host names, and kebab
// names, which the component model compares without regard to case.
std::string ascii_lowercase(std::string_view text);

// ASCII whitespace trimmed from both ends.
std::string_view trim(std::string_view text);

// The parts of `text` between `separator`s; empty parts kept ("a..b" -> "a", "", "b").
std::vector<std::string_view> split(std::string_view text, char separator);

// `text` as a decimal number of ASCII digits only (no sign, no spaces), into `out`; false when
// it is empty, holds anything else, or overflows.
bool parse_decimal(std::string_view text, std::uint64_t& out);

// One UTF-8 character of outside text: the code point that starts at `bytes[at]` (at < size)
// and its length in bytes (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF);
// {kNotUtf8, 1} when no well-formed character starts there.
inline constexpr std::uint32_t kNotUtf8 = 0xffffffff;
struct CodePoint {
  std::uint32_t value;
  std::size_t length;
};
CodePoint code_point_at(std::span<const std::uint8_t> bytes, std::size_t at);

// True when `bytes` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// past U+10FFFF). Used wherever outside text becomes a name: wasm names, request paths.
bool is_valid_utf8(std::span<const std::uint8_t> bytes);
inline bool is_valid_utf8(std::string_view text) {
  return is_valid_utf8(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace wreg
