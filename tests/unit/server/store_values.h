// Values the store tests write often, spelled briefly: pv("demo:app@1.0.0"),
// component("demo:app@1.0.0", "its bytes"), iface("wasi:io/streams@0.2.0").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/store/metadata_store.h"

namespace wreg::testing {

inline PackageVersion pv(std::string_view text) { return *PackageVersion::parse(text); }
inline PackageName pn(std::string_view text) { return *PackageName::parse(text); }
inline wasm::InterfaceName iface(std::string_view text) {
  return **wasm::parse_interface_name(text, "");
}

// A component release of `id` whose bytes are `bytes` (only their digest and size are stored).
inline store::NewRelease component(std::string_view id, std::string_view bytes) {
  return store::NewRelease{
      pv(id), Digest::of(bytes), bytes.size(), api::ReleaseKind::kComponent, "", {}, {}, {}, "{}",
      ""};
}

// The versions of a package document, in its order.
inline std::vector<std::string> versions(const api::PackageDocument& document) {
  std::vector<std::string> out;
  for (const auto& release : document.versions) out.push_back(release.version.to_string());
  return out;
}

}  // namespace wreg::testing
