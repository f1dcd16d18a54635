#include "common/hex.h"

namespace wreg {

void append_hex(std::string& out, std::uint8_t byte, HexCase letters) {
  const char* digits = letters == HexCase::kLower ? "0123456789abcdef" : "0123456789ABCDEF";
  out += digits[byte >> 4];
  out += digits[byte & 0xf];
}

std::string hex_encode(std::span<const std::uint8_t> bytes, HexCase letters) {
  std::string out;
  out.reserve(2 * bytes.size());
  for (const std::uint8_t byte : bytes) append_hex(out, byte, letters);
  return out;
}

std::string hex_encode(std::string_view bytes, HexCase letters) {
  return hex_encode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                    letters);
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      append_hex(out, byte, HexCase::kUpper);
    }
  }
  return out;
}

int hex_digit_value(char digit, HexInput accepted) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (accepted == HexInput::kEitherCase && digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

bool is_lower_hex(std::string_view text) {
  for (const char c : text) {
    if (hex_digit_value(c) < 0) return false;
  }
  return true;
}

std::optional<std::string> hex_decode(std::string_view text, HexInput accepted) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_digit_value(text[i], accepted);
    const int low = hex_digit_value(text[i + 1], accepted);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

}  // namespace wreg
