// The project manifest, `wreg.toml` (DESIGN.md, "Client files"):
//
//   [package]                       # optional: what `wreg publish` publishes
//   name = "toolsku:analytics"
//   version = "0.1.0"
//   file = "analytics.wasm"
//
//   [dependencies]                  # package name -> requirement (Cargo's language)
//   "wasi:http" = "^0.2.8"
//
//   [wit]                           # optional
//   deps = "text"                   # how wit/deps/ holds dependencies: "binary" (the default)
//                                   # or "text" (as wkg writes them)
//
// The manifest is the user's file: `wreg add` edits it as text, changing only the line of the
// dependency it adds (or appending one), so comments, order and formatting survive.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/package_name.h"
#include "common/result.h"
#include "common/version.h"
#include "common/version_req.h"

namespace wreg {

struct ManifestDependency {
  PackageName name;
  VersionReq requirement;
};

struct ManifestPackage {
  std::optional<PackageName> name;
  std::optional<Version> version;
  std::optional<std::string> file;
};

// How `wreg fetch`/`add`/`update` write the locked packages into wit/deps/ (client/project.h):
// each as its binary, `<ns>-<name>-<version>.wasm`, or as WIT text,
// `<ns>-<name>-<version>/package.wit`. wit-parser reads either.
enum class DepsForm { kBinary, kText };

struct Manifest {
  std::optional<ManifestPackage> package;
  std::vector<ManifestDependency> dependencies;  // in file order
  DepsForm wit_deps = DepsForm::kBinary;         // [wit] deps

  const ManifestDependency* find(const PackageName& name) const;
};

// Parses wreg.toml text. kInvalidArgument names the line or key that is wrong, e.g.
// `wreg.toml: dependency "wasi:io": invalid version requirement ">>1": ...`, or
// `wreg.toml: [wit] deps must be "binary" or "text", not "both"`.
Result<Manifest> parse_manifest(std::string_view text);

// Returns `text` with the dependency `name` set to `requirement`: its existing line rewritten in
// place, or a new line appended to [dependencies] (the table is created at the end when
// missing). Everything else in the text is kept byte for byte. The result is re-parsed; an
// input that is not a valid manifest is refused.
Result<std::string> set_manifest_dependency(std::string_view text, const PackageName& name,
                                            const VersionReq& requirement);

// Returns `text` without the line of dependency `name`. kNotFound when it is not there.
Result<std::string> remove_manifest_dependency(std::string_view text, const PackageName& name);

}  // namespace wreg
