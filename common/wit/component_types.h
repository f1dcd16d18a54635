// The types of a component as a validator sees them: every type definition, import, export and
// alias of Binary.md gets an identity, so that the WIT decoder can tell a new type from another
// name for one it has seen (a `use`), the way wasmparser's type arena lets wit-component tell.
//
// Identities follow wasmparser's: each definition is a new id; `(export "x" (type (eq T)))`
// makes a new id that is an alias of T (`peel()` gives T); `(sub resource)` makes a new
// resource; an outer alias or an alias of an instance's export gives the id already there.
// Only the component-level parts are kept: core types, modules and core instances are skipped
// by their size, and what a component computes (instantiations) is unknown (kUnknown).
//
// The binary must already have passed wasm::read_component(), which checks its structure and
// its limits; what this adds is the meaning of indices, each of which is checked here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/wasm/byte_reader.h"
#include "common/wit/model.h"

namespace wreg::wit::detail {

using TypeId = std::uint32_t;
inline constexpr TypeId kNoType = UINT32_MAX;

// A component value type: a primitive, or a defined type by id.
struct ValType {
  Type::Kind primitive = Type::Kind::kBool;
  TypeId id = kNoType;
  bool is_id() const { return id != kNoType; }
};

// What an import, export or alias names, with its type: Binary.md `externdesc`.
struct Entity {
  enum class Kind : std::uint8_t { kModule, kFunc, kValue, kType, kInstance, kComponent };
  Kind kind = Kind::kInstance;
  TypeId id = kNoType;          // kFunc, kInstance, kComponent: the type; kType: `created`
  TypeId referenced = kNoType;  // kType: the type it is bound to (`created` for a resource)
};

struct NamedEntity {
  std::string name;
  std::string implements;      // the 🏷️ implements attribute, or empty
  std::string version_suffix;  // the 🔗 versionsuffix attribute, or empty
  Entity entity;
};

struct TypeEntry {
  enum class Kind : std::uint8_t { kDefined, kResource, kFunc, kInstance, kComponent, kUnknown };
  Kind kind = Kind::kUnknown;
  TypeId alias_of = kNoType;  // this id is another name for alias_of (kind copied from it)

  // kDefined: the Binary.md defvaltype code (0 for a primitive) and its parts.
  std::uint8_t code = 0;
  Type::Kind primitive = Type::Kind::kBool;
  std::vector<std::pair<std::string, std::optional<ValType>>> labeled;  // record, variant,
                                                                        // flags, enum
  std::vector<ValType> elements;                                        // tuple
  std::optional<ValType> first;   // list, option, fixed list, result ok, map key, stream, future
  std::optional<ValType> second;  // result err, map value
  TypeId resource = kNoType;      // own, borrow
  std::uint32_t length = 0;       // fixed list

  // kFunc
  bool is_async = false;
  std::vector<std::pair<std::string, ValType>> params;
  std::optional<ValType> result;

  // kInstance (exports only), kComponent
  std::vector<NamedEntity> imports;
  std::vector<NamedEntity> exports;
};

// Defvaltype codes (Binary.md).
namespace code {
inline constexpr std::uint8_t kRecord = 0x72, kVariant = 0x71, kList = 0x70, kTuple = 0x6f,
                              kFlags = 0x6e, kEnum = 0x6d, kOption = 0x6b, kResult = 0x6a,
                              kOwn = 0x69, kBorrow = 0x68, kFixedList = 0x67, kStream = 0x66,
                              kFuture = 0x65, kMap = 0x63;
}

// The most scopes read at once: the component and the types nested in it (wasm::kMaxDepth).
inline constexpr std::size_t kMaxScopes = 34;

// The index spaces of one component or component/instance type being read.
struct Scope {
  std::vector<TypeId> types;
  std::vector<TypeId> funcs;       // function types; kNoType when unknown
  std::vector<TypeId> instances;   // instance types; kNoType when unknown
  std::vector<TypeId> components;  // component types; kNoType when unknown
};

class TypeSpace {
 public:
  const TypeEntry& operator[](TypeId id) const { return entries_[id]; }
  // `id` with every alias peeled off: the entry that holds the content.
  const TypeEntry& content(TypeId id) const;
  // One alias peeled off, or kNoType.
  TypeId peel(TypeId id) const { return entries_[id].alias_of; }

  // Binary.md `type` (a deftype), read in `scopes` (the innermost last); returns its new id.
  TypeId read_type(wasm::ByteReader& in, std::vector<Scope>& scopes);
  // Binary.md `externdesc` in the innermost scope, made an Entity (an `eq` bound makes the
  // alias here).
  Entity read_extern_desc(wasm::ByteReader& in, std::vector<Scope>& scopes);
  // Binary.md `alias` read in `scopes`: adds what it names to the innermost scope.
  void read_alias(wasm::ByteReader& in, std::vector<Scope>& scopes);
  // Adds `entity` to the index space of its kind in `scope`.
  static void push(Scope& scope, const Entity& entity);
  // A new id that stands for a type nobody can know here (the export of an instantiation).
  TypeId unknown();
  // A new id that is another name for `target` (kNoType: for an unknown type).
  TypeId alias_to(TypeId target);

 private:
  TypeId add(TypeEntry entry);
  TypeId read_declarations(wasm::ByteReader& in, std::vector<Scope>& scopes, bool component);
  void read_defined(wasm::ByteReader& in, std::uint8_t code, const Scope& scope, TypeEntry& out);
  ValType read_val_type(wasm::ByteReader& in, const Scope& scope);
  std::optional<ValType> read_optional_val_type(wasm::ByteReader& in, const Scope& scope);
  TypeId type_at(wasm::ByteReader& in, const Scope& scope, std::uint32_t index,
                 std::size_t at) const;

  std::vector<TypeEntry> entries_;
};

// Binary.md `nameattributes` as NamedEntity keeps them.
NamedEntity read_named(wasm::ByteReader& in, std::string_view what);

}  // namespace wreg::wit::detail
