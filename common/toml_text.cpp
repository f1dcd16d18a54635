#include "common/toml_text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "common/resolve/suggest.h"
#include "common/text.h"

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

std::string toml_error_text(std::string_view description) { return escaped(description); }

std::string unknown_key_hint(std::string_view key, std::span<const std::string_view> allowed) {
  std::string_view closest;
  std::size_t best = SIZE_MAX;
  std::string list;
  for (std::string_view shown : allowed) {
    std::string_view name = shown;
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
      name = name.substr(1, name.size() - 2);
    }
    // A key may be a shortened table name (`registry` for `registries`): the longer of the two
    // sets how many edits are a typo.
    const std::size_t bound = std::max(resolve::typo_bound(key), resolve::typo_bound(name));
    if (std::size_t distance = resolve::edit_distance(key, name);
        distance <= bound && distance < best) {
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
