// The names of component imports and exports (Explainer.md, "Import and Export Definitions"):
// an `externname` is a plain name (`log`, `[method]file.read`) or an interface name
// (`wasi:io/streams@0.2.8`), which names a package and an item (an interface or a world) in it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/wasm/component_info.h"

namespace wreg::wasm {

// A fully qualified interface name, split: `wasi:io/streams@0.2.8` is package `wasi:io@0.2.8`,
// item `streams`.
struct InterfaceName {
  PackageId package;
  std::string item;

  // `ns:pkg/item` or `ns:pkg/item@version`: the name again, with the version in full
  // (`wasi:http/types@0.2` reads back as `wasi:http/types@0.2.0`).
  std::string to_string() const;
  bool operator==(const InterfaceName&) const = default;
};

// Reads `name` as an interface name. nullopt for a plain name (no ':'), and for the nested
// namespaces and projections of 🪺 (`a:b:c/d/e`), which a PackageId cannot hold.
// `version_suffix` is the 🔗 `versionsuffix` attribute of the import or export (may be empty):
// a name with a canonical version (`@0.2`) has the full version canonversion + suffix
// (`0.2` + `.6` = 0.2.6); a canonical version without a suffix stands for the lowest version
// it covers (`@0.2` is 0.2.0, `@1` is 1.0.0).
// kInvalidArgument, naming the rule broken, when `name` has a ':' but is not a valid
// interface name.
Result<std::optional<InterfaceName>> parse_interface_name(std::string_view name,
                                                          std::string_view version_suffix);

// True when `label` is a WIT label: `-`-separated fragments, each all lowercase or all
// uppercase letters and digits, the first starting with a letter.
bool is_label(std::string_view label);

}  // namespace wreg::wasm
