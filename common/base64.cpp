#include "common/base64.h"

#include <array>

namespace wreg {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of each letter, -1 for every other byte.
constexpr std::array<std::int8_t, 256> kValues = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return values;
}();

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = std::uint32_t{bytes[i]} << 16 | std::uint32_t{bytes[i + 1]} << 8 |
                                std::uint32_t{bytes[i + 2]};
    out += kAlphabet[group >> 18];
    out += kAlphabet[group >> 12 & 63];
    out += kAlphabet[group >> 6 & 63];
    out += kAlphabet[group & 63];
  }
  const std::size_t left = bytes.size() - i;
  if (left == 0) return out;
  std::uint32_t group = std::uint32_t{bytes[i]} << 16;
  if (left == 2) group |= std::uint32_t{bytes[i + 1]} << 8;
  out += kAlphabet[group >> 18];
  out += kAlphabet[group >> 12 & 63];
  out += left == 2 ? kAlphabet[group >> 6 & 63] : '=';
  out += '=';
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return base64_encode(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t group = 0;
  const std::size_t letters = text.size() - padding;
  for (std::size_t i = 0; i < letters; ++i) {
    const int value = kValues[static_cast<unsigned char>(text[i])];
    if (value < 0) return std::nullopt;  // '=' before the end too
    group = group << 6 | static_cast<std::uint32_t>(value);
    if (i % 4 == 3) {
      out += static_cast<char>(group >> 16);
      out += static_cast<char>(group >> 8 & 0xff);
      out += static_cast<char>(group & 0xff);
      group = 0;
    }
  }
  // RFC 4648 section 3.5: the bits after the last byte are zero in the one canonical spelling.
  if (padding == 1) {
    if ((group & 0x3) != 0) return std::nullopt;
    out += static_cast<char>(group >> 10);
    out += static_cast<char>(group >> 2 & 0xff);
  } else if (padding == 2) {
    if ((group & 0xf) != 0) return std::nullopt;
    out += static_cast<char>(group >> 4);
  }
  return out;
}

}  // namespace wreg
