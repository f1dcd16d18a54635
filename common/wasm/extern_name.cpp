#include "common/wasm/extern_name.h"

#include <algorithm>

#include "common/text.h"

namespace wreg::wasm {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

Error invalid_name(std::string_view name, std::string_view why) {
  return fail(ErrorCode::kInvalidArgument,
              "invalid interface name " + quoted(name) + ": " + std::string(why) +
                  " (expected ns:package/item or ns:package/item@version)");
}

// Explainer.md `canonversion`: `N`, `0.N` or `0.0.N` (N without leading zeros), or `0.0.0`.
bool is_canon_version(std::string_view text) {
  auto is_number = [](std::string_view digits) {
    if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return false;
    for (char c : digits) {
      if (!is_digit(c)) return false;
    }
    return true;
  };
  if (text == "0.0.0") return true;
  if (text.starts_with("0.0.")) return is_number(text.substr(4)) && text.substr(4) != "0";
  if (text.starts_with("0.")) return is_number(text.substr(2)) && text.substr(2) != "0";
  return is_number(text) && text != "0";
}

Result<Version> parse_name_version(std::string_view name, std::string_view text,
                                   std::string_view suffix) {
  if (is_canon_version(text)) {
    std::string full(text);
    if (!suffix.empty()) {
      full += suffix;
    } else {
      for (auto dots = std::count(text.begin(), text.end(), '.'); dots < 2; ++dots) full += ".0";
    }
    auto version = Version::parse(full);
    if (!version) return invalid_name(name, version.error().message);
    return *version;
  }
  if (!suffix.empty()) {
    return invalid_name(name, "a versionsuffix attribute needs a canonical version such as @0.2");
  }
  auto version = Version::parse(text);
  if (!version) return invalid_name(name, version.error().message);
  return *version;
}

}  // namespace

std::string InterfaceName::to_string() const {
  std::string out = package.name.to_string() + "/" + item;
  if (package.version) out += "@" + package.version->to_string();
  return out;
}

bool is_label(std::string_view label) {
  if (label.empty()) return false;
  bool first_fragment = true;
  std::size_t start = 0;
  while (start <= label.size()) {
    std::size_t end = label.find('-', start);
    if (end == std::string_view::npos) end = label.size();
    std::string_view fragment = label.substr(start, end - start);
    if (fragment.empty()) return false;
    const bool lower = !is_upper(fragment.front());
    if (first_fragment && !is_lower(fragment.front()) && !is_upper(fragment.front())) return false;
    for (char c : fragment) {
      if (!is_digit(c) && (lower ? !is_lower(c) : !is_upper(c))) return false;
    }
    first_fragment = false;
    start = end + 1;
  }
  return true;
}

Result<std::optional<InterfaceName>> parse_interface_name(std::string_view name,
                                                          std::string_view version_suffix) {
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) return std::optional<InterfaceName>{};
  std::string_view rest = name;
  std::optional<Version> version;
  if (auto at = name.find('@'); at != std::string_view::npos) {
    auto parsed = parse_name_version(name, name.substr(at + 1), version_suffix);
    if (!parsed) return parsed.error();
    version = std::move(*parsed);
    rest = name.substr(0, at);
  } else if (!version_suffix.empty()) {
    return invalid_name(name, "a versionsuffix attribute needs a version in the name");
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return invalid_name(name, "missing '/' before the item");
  if (rest.find(':', colon + 1) != std::string_view::npos ||
      rest.find('/', slash + 1) != std::string_view::npos) {
    return std::optional<InterfaceName>{};  // 🪺 nested namespaces or projections
  }
  if (slash < colon) return invalid_name(name, "'/' before ':'");
  auto package = PackageName::parse(rest.substr(0, slash));
  if (!package) return invalid_name(name, package.error().message);
  std::string_view item = rest.substr(slash + 1);
  if (!is_label(item)) {
    return invalid_name(name, "item " + quoted(item) + " is not a kebab-case label");
  }
  return std::optional<InterfaceName>{
      InterfaceName{PackageId{std::move(*package), std::move(version)}, std::string(item)}};
}

}  // namespace wreg::wasm
