#include "common/text.h"

#include <charconv>
#include <cstdio>

#include "common/hex.h"

namespace wreg {

CodePoint code_point_at(std::span<const std::uint8_t> bytes, std::size_t at) {
  const std::uint8_t lead = bytes[at];
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  std::uint32_t code = 0;
  std::uint32_t min = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2, code = lead & 0x1f, min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, code = lead & 0x0f, min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, code = lead & 0x07, min = 0x10000;
  } else {
    return {kNotUtf8, 1};
  }
  if (bytes.size() - at < length) return {kNotUtf8, 1};
  for (std::size_t k = 1; k < length; ++k) {
    const std::uint8_t next = bytes[at + k];
    if ((next & 0xc0) != 0x80) return {kNotUtf8, 1};
    code = (code << 6) | (next & 0x3f);
  }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return {kNotUtf8, 1};
  return {code, length};
}

namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

bool is_control(std::uint32_t code) { return code < 0x20 || (code >= 0x7f && code <= 0x9f); }

// The invisible characters of the header's list, which change how the rest of a line looks.
bool is_hidden_format(std::uint32_t code) {
  return code == 0x061c || code == 0x200b || code == 0x200e || code == 0x200f ||
         (code >= 0x2028 && code <= 0x202e) || (code >= 0x2060 && code <= 0x2064) ||
         (code >= 0x2066 && code <= 0x206f) || code == 0xfeff || (code >= 0xfff9 && code <= 0xfffb);
}

void append_code_point_escape(std::string& out, std::uint32_t code) {
  char text[16];
  std::snprintf(text, sizeof text, "\\u{%X}", static_cast<unsigned>(code));
  out += text;
}

}  // namespace

std::string escaped(std::string_view text, const EscapeOptions& options) {
  const auto bytes = bytes_of(text);
  std::string out;
  out.reserve(text.size() + (options.quote ? 2 : 0));
  if (options.quote) out += '"';
  std::size_t at = 0;
  while (at < bytes.size()) {
    const CodePoint point =
        options.ascii || bytes[at] < 0x80 ? CodePoint{bytes[at], 1} : code_point_at(bytes, at);
    if (at + point.length > options.max_bytes) break;
    const std::uint32_t code = point.value;
    if (code == '\n' && options.line_breaks) {
      out += '\n';
    } else if (options.quote && (code == '"' || code == '\\')) {
      out += '\\';
      out += static_cast<char>(code);
    } else if (code == kNotUtf8 || code < 0x20 || code == 0x7f || (options.ascii && code >= 0x80) ||
               (code < 0x80 &&
                options.also.find(static_cast<char>(code)) != std::string_view::npos)) {
      out += "\\x";
      append_hex(out, bytes[at]);
    } else if (is_control(code) || is_hidden_format(code)) {
      append_code_point_escape(out, code);
    } else {
      out.append(text.substr(at, point.length));
    }
    at += point.length;
  }
  if (at < bytes.size()) out += "...";
  if (options.quote) out += '"';
  return out;
}

std::string quoted(std::string_view text) {
  return escaped(text, {.quote = true, .ascii = true, .max_bytes = 80});
}

std::string without_controls(std::string_view text, bool prose) {
  const auto bytes = bytes_of(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < bytes.size();) {
    const CodePoint point = code_point_at(bytes, at);
    if (is_control(point.value) && !(prose && (point.value == '\n' || point.value == '\t'))) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
    } else {
      out.append(text.substr(at, point.length));
    }
    at += point.length;
  }
  return out;
}

std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

bool is_valid_utf8(std::span<const std::uint8_t> bytes) {
  for (std::size_t at = 0; at < bytes.size();) {
    const CodePoint point = code_point_at(bytes, at);
    if (point.value == kNotUtf8) return false;
    at += point.length;
  }
  return true;
}

bool parse_decimal(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace wreg
