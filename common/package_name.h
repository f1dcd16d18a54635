// PackageName: `namespace:name`, the identity of a package in the registry.
//
// Each part is a WIT label in kebab case (WIT.md, "Package Names"): lowercase ASCII words of
// letters and digits joined by single `-`, each word starting with a letter. DESIGN.md narrows
// WIT's rule (which also allows all-uppercase words) to lowercase, so that one package has
// exactly one spelling.
#pragma once

#include <compare>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wreg {

class PackageName {
 public:
  // Longest accepted `ns:name`; anything longer is refused before it reaches a store or a path.
  static constexpr std::size_t kMaxLength = 128;

  // Parses `ns:name`. kInvalidArgument names the rule broken and the offending text, e.g.
  // `invalid package name "Wasi:io": "Wasi" has an uppercase letter; labels are lowercase`.
  static Result<PackageName> parse(std::string_view text);

  const std::string& space() const { return namespace_; }
  const std::string& name() const { return name_; }
  std::string to_string() const { return namespace_ + ':' + name_; }

  auto operator<=>(const PackageName&) const = default;

 private:
  PackageName(std::string space, std::string name)
      : namespace_(std::move(space)), name_(std::move(name)) {}

  std::string namespace_;
  std::string name_;
};

// Checks one kebab-case label (`math-tools`). On failure, the message says which rule the label
// broke; `what` names the label's role in it ("namespace", "name", "interface").
Result<void> check_label(std::string_view label, std::string_view what);

}  // namespace wreg

template <>
struct std::hash<wreg::PackageName> {
  std::size_t operator()(const wreg::PackageName& name) const noexcept {
    return std::hash<std::string>{}(name.to_string());
  }
};
