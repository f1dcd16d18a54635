// The release document: GET /api/v1/packages/{ns}/{name}/{version} (DESIGN.md, "Wire API").
//
// One release in full: the summary the package document lists for it, the package's name and
// the release's description, the interface names search matches it by, and the details read from
// the binary at publish (ReleaseDetails). One flat JSON object (schema/openapi.yaml, `Release`):
//   {"name": "wasi:io", "description": "", "version": "0.2.8", "digest": "sha256:...",
//    "size": 1279, "kind": "wit", "yanked": false, "published": "2026-11-26T01:02:03Z",
//    "dependencies": [], "import_interfaces": [], "export_interfaces": [],
//    "binary_kind": "wit-package", "imports": [], "exports": [], "worlds": ["imports"],
//    "interfaces": ["error", "poll", "streams"], "referenced_packages": [],
//    "producers": {"processed-by": [{"name": "wit-component", "version": "0.259.0"}]},
//    "metadata": {}, "has_package_docs": false, "log_index": 7}
// Keys are written sorted; optional values (an extern's `type`, `component_name`, the metadata
// fields) only when present. Unknown fields are ignored when reading.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/api/package_document.h"
#include "common/result.h"
#include "common/wasm/component_info.h"
#include "common/wasm/extern_name.h"

namespace wreg::api {

// What the binary says beyond its identity, as the server stores it with the release (the
// `details_json` of store::NewRelease is to_json() of this) and returns it on GET.
struct ReleaseDetails {
  wasm::BinaryKind binary_kind = wasm::BinaryKind::kComponent;  // never kCoreModule
  // A component's top-level imports and exports, in binary order.
  std::vector<wasm::Extern> imports;
  std::vector<wasm::Extern> exports;
  // A WIT package's worlds and interfaces (sorted labels).
  std::vector<std::string> worlds;
  std::vector<std::string> interfaces;
  // The packages the binary's names refer to: a component's referenced packages, or a WIT
  // package's dependencies.
  std::vector<wasm::PackageId> referenced_packages;
  std::map<std::string, std::vector<wasm::ProducerValue>> producers;
  wasm::Metadata metadata;
  std::optional<std::string> component_name;
  bool has_package_docs = false;
};

struct ReleaseDocument {
  PackageName name;
  std::string description;
  ReleaseSummary summary;
  // The interface names the release imports / exports, which search matches
  // (`wasi:http/incoming-handler@0.2.0`): each one checked with wasm::parse_interface_name()
  // when read, and kept as the text it is, which the server has from its store.
  std::vector<std::string> import_interfaces;
  std::vector<std::string> export_interfaces;
  ReleaseDetails details;
  // The index of its publish entry in the registry's transparency log (GET .../proof proves
  // it); absent from a registry without one.
  std::optional<std::uint64_t> log_index;
};

// Parse the wire JSON. kInvalidArgument naming the field that is missing or malformed: names,
// versions, digests, requirements, interface names and labels are checked as if typed by a user.
Result<ReleaseDetails> parse_release_details(std::string_view json);
Result<ReleaseDocument> parse_release_document(std::string_view json);
std::string to_json(const ReleaseDetails& details);
std::string to_json(const ReleaseDocument& document);

}  // namespace wreg::api
