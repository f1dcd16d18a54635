// What a binary publishes as: the one rule that `wreg publish` (client/commands/publish.cpp)
// applies before it uploads and the registry (server/api/publish.cpp) applies before it records.
//
// Both read the bytes once with the component reader (wasm::read_component; each frames a broken
// file its own way: the client names the file, the server says "the body"), then ask
// release_of() what the reader's answer publishes as, given the identity the publisher claims:
// the URL's `ns:name@version` on the server; on the client --package, or for a component the
// name and version in [package] of wreg.toml.
//   - A core module is never published (wasm::core_module_error()).
//   - A WIT package names itself: a claim must agree with its name, and with its version when it
//     encodes one; a WIT package without a version takes the claimed one. Each foreign package
//     its types use at version V becomes the dependency `^V` (one without a version, `*`).
//   - A component is self-contained (no dependencies) and has no name of its own: it publishes
//     as the claimed identity.
// Metadata text (the wasm-metadata fields, producers, the component name) is stored without
// control characters: each is replaced by U+FFFD (without_controls() in common/text.h), except
// line feed and tab in the description, which may hold paragraphs and lists. The bytes of the
// binary are kept as uploaded; only what the registry records and serves as text is changed.
// Every refusal is kInvalidArgument with one line that says what to do; it does not name the
// file (the client puts the file name in front of it).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/api/package_document.h"
#include "common/api/release_document.h"
#include "common/package_ref.h"
#include "common/result.h"
#include "common/wasm/component_info.h"
#include "common/wasm/extern_name.h"

namespace wreg {

// The identity a publisher gives a binary, and who gives it, for messages: "the URL",
// "--package", "[package] of wreg.toml".
struct ClaimedIdentity {
  PackageVersion id;
  std::string source;
};

// Everything a release is, decided from the binary and the claim.
struct Release {
  PackageVersion id;
  api::ReleaseKind kind = api::ReleaseKind::kComponent;
  std::string description;  // the binary's wasm-metadata description; may be empty
  // WIT packages only: each foreign package the types use, as a requirement (self-references
  // are not dependencies).
  std::vector<api::Dependency> dependencies;
  // The interface names a component imports / exports (`wasi:http/incoming-handler@0.2.0`),
  // in binary order; plain names (`log`) are only in `details`.
  std::vector<wasm::InterfaceName> imports;
  std::vector<wasm::InterfaceName> exports;
  api::ReleaseDetails details;
};

// The identity and kind `info` publishes as under `claimed`, or why it publishes as nothing: the
// part of release_of() that a client fetching a release checks the bytes against (the release
// it asked for as the claim).
Result<std::pair<PackageVersion, api::ReleaseKind>> identity_of(
    const wasm::ComponentInfo& info, const std::optional<ClaimedIdentity>& claimed);

// What `info` publishes as under `claimed` (nullopt: nothing claimed; only `wreg publish` asks
// without a claim, so the messages for a missing identity say how to give one there).
Result<Release> release_of(const wasm::ComponentInfo& info,
                           const std::optional<ClaimedIdentity>& claimed);

}  // namespace wreg
