// What a .wasm binary is, as the component reader finds it (common/wasm/reader.h).
//
// These plain values are the reader's whole answer: the server stores them with a release, the
// client prints them for `wreg inspect`, and the resolver takes a WIT package's dependencies.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/package_name.h"
#include "common/version.h"

namespace wreg::wasm {

enum class BinaryKind {
  kWitPackage,  // a component of types only, in WIT.md's package format
  kComponent,   // any other component
  kCoreModule,  // a core module (layer 0): never publishable, but recognised to say so
};

// Binary.md's `sort` of an import or export.
enum class ExternKind { kModule, kFunc, kValue, kType, kComponent, kInstance };

// A package as named in a fully qualified WIT name (`wasi:io/streams@0.2.8`). The version is
// optional in WIT (`package local:demo;`).
struct PackageId {
  PackageName name;
  std::optional<Version> version;

  std::string to_string() const;  // `wasi:io@0.2.8` or `local:demo`
  auto operator<=>(const PackageId&) const = default;
  bool operator==(const PackageId&) const = default;
};

struct Extern {
  std::string name;  // as encoded: `wasi:io/poll@0.2.8`, or a plain name like `log`
  ExternKind kind = ExternKind::kInstance;
  // For a function, its WIT-like signature when known (`func(msg: string)`); else empty.
  std::string type;
};

// The fields wasm-metadata writes as custom sections, when present.
struct Metadata {
  std::optional<std::string> authors;
  std::optional<std::string> description;
  std::optional<std::string> licenses;
  std::optional<std::string> source;
  std::optional<std::string> homepage;
  std::optional<std::string> revision;
  std::optional<std::string> version;
};

struct ProducerValue {
  std::string name;
  std::string version;
};

struct ComponentInfo {
  BinaryKind kind = BinaryKind::kComponent;

  // kWitPackage only: the package it defines, its worlds and interfaces (sorted), and the
  // foreign packages its types refer to (deduplicated, sorted).
  std::optional<PackageId> package;
  std::vector<std::string> worlds;
  std::vector<std::string> interfaces;
  std::vector<PackageId> dependencies;

  // kComponent: its top-level imports and exports in binary order, and the packages they name
  // (deduplicated, sorted).
  std::vector<Extern> imports;
  std::vector<Extern> exports;
  std::vector<PackageId> referenced_packages;

  // Custom sections, for any kind.
  std::map<std::string, std::vector<ProducerValue>> producers;  // field -> values, as encoded
  std::optional<std::string> component_name;                    // from the `name` section
  bool has_package_docs = false;
  Metadata metadata;
};

const char* to_string(BinaryKind kind);  // "wit-package", "component", "core-module"
const char* to_string(
    ExternKind kind);  // "module", "func", "value", "type", "component", "instance"

}  // namespace wreg::wasm
