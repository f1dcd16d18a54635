#include "common/toml_text.h"

#include <cstdio>

#include "common/hex.h"

namespace wreg {

std::string toml_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string toml_error_text(std::string_view description) {
  std::string out;
  for (char c : description) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      append_hex(out, byte);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace wreg
