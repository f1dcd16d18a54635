#include "common/toml_text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "common/hex.h"
#include "common/text.h"

namespace wreg {
namespace {

// Levenshtein distance. A stand-in for the shared suggestion helper (common/resolve/suggest.h)
// that is on its way; unknown_key_hint() is its only caller.
std::size_t key_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

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

std::string unknown_key_hint(std::string_view key, std::span<const std::string_view> allowed) {
  std::string_view closest;
  std::size_t best = SIZE_MAX;
  std::string list;
  for (std::string_view shown : allowed) {
    std::string_view name = shown;
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
      name = name.substr(1, name.size() - 2);
    }
    // Close means a slip of the keyboard: edits of at most a third of the longer name's
    // letters, and at least 2.
    const std::size_t limit = std::max<std::size_t>(2, std::max(key.size(), name.size()) / 3);
    if (std::size_t distance = key_distance(key, name); distance <= limit && distance < best) {
      best = distance;
      closest = shown;
    }
    list += (list.empty() ? "" : ", ") + std::string(shown);
  }
  std::string hint;
  if (!closest.empty()) hint = "; did you mean " + quoted(closest) + "?";
  return hint + " (allowed: " + list + ")";
}

}  // namespace wreg
