#include "common/release.h"

#include "common/text.h"
#include "common/wasm/reader.h"

namespace wreg {
namespace {

Error refused(std::string message) { return fail(ErrorCode::kInvalidArgument, std::move(message)); }

// The identity of a WIT package: its own name, and its own version or the claimed one.
Result<PackageVersion> wit_identity(const wasm::ComponentInfo& info,
                                    const std::optional<ClaimedIdentity>& claimed) {
  if (!info.package) {
    return refused(
        "this WIT package does not name its package; encode it from WIT that starts with "
        "`package " +
        (claimed ? claimed->id.to_string() : std::string("ns:name@version")) + ";`");
  }
  const wasm::PackageId& own = *info.package;
  if (claimed) {
    const PackageVersion& said = claimed->id;
    if (said.name != own.name || (own.version && *own.version != said.version)) {
      const PackageVersion as{own.name, own.version ? *own.version : said.version};
      return refused("this is the WIT package " + own.to_string() + ", but " + claimed->source +
                     " says " + said.to_string() + "; publish it as " + as.to_string() +
                     " or encode the WIT with `package " + said.to_string() + ";`");
    }
    return said;
  }
  if (!own.version) {
    return refused("the WIT package " + own.to_string() +
                   " has no version; publish it with --package " + own.name.to_string() +
                   "@VERSION");
  }
  return PackageVersion{own.name, *own.version};
}

// The names of `externs` that are interface names.
std::vector<wasm::InterfaceName> interface_names(const std::vector<wasm::Extern>& externs) {
  std::vector<wasm::InterfaceName> names;
  for (const auto& item : externs) {
    auto name = wasm::parse_interface_name(item.name, "");
    if (name && *name) names.push_back(std::move(**name));
  }
  return names;
}

// The metadata text as stored (the header's rule): the description may hold paragraphs and
// lists, so its line feeds and tabs stay; no other field has a reason for any control.
wasm::Metadata stored_metadata(const wasm::Metadata& metadata) {
  auto stored = [](const std::optional<std::string>& text, bool prose = false) {
    return text ? std::optional(without_controls(*text, prose)) : std::nullopt;
  };
  return {stored(metadata.authors), stored(metadata.description, true), stored(metadata.licenses),
          stored(metadata.source),  stored(metadata.homepage),          stored(metadata.revision),
          stored(metadata.version)};
}

// What the binary says beyond its identity, as stored with the release.
api::ReleaseDetails release_details(const wasm::ComponentInfo& info) {
  api::ReleaseDetails details;
  details.binary_kind = info.kind;
  details.imports = info.imports;
  details.exports = info.exports;
  details.worlds = info.worlds;
  details.interfaces = info.interfaces;
  // A component names the packages it uses, a WIT package its dependencies (never both).
  details.referenced_packages = info.referenced_packages;
  details.referenced_packages.insert(details.referenced_packages.end(), info.dependencies.begin(),
                                     info.dependencies.end());
  for (const auto& [field, values] : info.producers) {
    auto& stored = details.producers[without_controls(field)];
    for (const auto& value : values) {
      stored.push_back({without_controls(value.name), without_controls(value.version)});
    }
  }
  details.metadata = stored_metadata(info.metadata);
  if (info.component_name) details.component_name = without_controls(*info.component_name);
  details.has_package_docs = info.has_package_docs;
  return details;
}

}  // namespace

Result<std::pair<PackageVersion, api::ReleaseKind>> identity_of(
    const wasm::ComponentInfo& info, const std::optional<ClaimedIdentity>& claimed) {
  switch (info.kind) {
    case wasm::BinaryKind::kCoreModule:
      return wasm::core_module_error();
    case wasm::BinaryKind::kWitPackage: {
      auto id = wit_identity(info, claimed);
      if (!id) return std::move(id).error();
      return std::pair{std::move(*id), api::ReleaseKind::kWit};
    }
    case wasm::BinaryKind::kComponent:
      if (!claimed) {
        return refused(
            "this is a component, not a WIT package: publish it with --package ns:name@version "
            "(or set name and version in [package] of wreg.toml)");
      }
      return std::pair{claimed->id, api::ReleaseKind::kComponent};
  }
  return fail(ErrorCode::kInternal, "unknown binary kind");
}

Result<Release> release_of(const wasm::ComponentInfo& info,
                           const std::optional<ClaimedIdentity>& claimed) {
  auto identity = identity_of(info, claimed);
  if (!identity) return std::move(identity).error();
  Release release{std::move(identity->first), identity->second, {}, {}, {}, {}, {}};
  if (release.kind == api::ReleaseKind::kWit) {
    for (const auto& dependency : info.dependencies) {
      if (dependency.name == release.id.name) continue;
      release.dependencies.push_back(api::Dependency{
          dependency.name,
          dependency.version ? VersionReq::caret(*dependency.version) : VersionReq()});
    }
  }
  release.imports = interface_names(info.imports);
  release.exports = interface_names(info.exports);
  release.details = release_details(info);
  release.description = release.details.metadata.description.value_or("");
  return release;
}

}  // namespace wreg
