// The WIT model the decoder builds and the printer prints: packages, interfaces, worlds, types
// and functions, in wit-parser's shape (a `Resolve`), so that the decoder and the printer can
// follow wit-component's own decisions step by step.
//
// Items live in arenas and refer to each other by index. Every map that WIT orders (an
// interface's types and functions, a package's interfaces and worlds, a world's imports and
// exports) is a vector in insertion order, as wit-parser's IndexMap keeps it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace wreg::wit {

inline constexpr std::uint32_t kNone = UINT32_MAX;

// A value type: a primitive, or a TypeDef by index.
struct Type {
  enum class Kind : std::uint8_t {
    kBool,
    kU8,
    kU16,
    kU32,
    kU64,
    kS8,
    kS16,
    kS32,
    kS64,
    kF32,
    kF64,
    kChar,
    kString,
    kErrorContext,
    kId,
  };
  Kind kind = Kind::kBool;
  std::uint32_t id = kNone;  // kId: the TypeDef

  static Type of(std::uint32_t type_def) { return Type{Kind::kId, type_def}; }
  bool is_id() const { return kind == Kind::kId; }
  bool operator==(const Type&) const = default;
};

// `@since(version = V)`, `@unstable(feature = F)`, each optionally `@deprecated(version = V)`.
struct Stability {
  enum class Kind : std::uint8_t { kUnknown, kStable, kUnstable };
  Kind kind = Kind::kUnknown;
  std::string since_or_feature;
  std::string deprecated;  // empty when not deprecated
  bool operator==(const Stability&) const = default;
};

struct Docs {
  std::optional<std::string> contents;
};

// Who a TypeDef belongs to.
struct Owner {
  enum class Kind : std::uint8_t { kNobody, kInterface, kWorld };
  Kind kind = Kind::kNobody;
  std::uint32_t id = kNone;
  bool operator==(const Owner&) const = default;
};

// A record field, a variant case (type optional), a flag or an enum case (no type).
struct NamedItem {
  std::string name;
  std::optional<Type> type;
  Docs docs;
};

struct TypeDef {
  enum class Kind : std::uint8_t {
    kRecord,
    kResource,
    kOwn,
    kBorrow,
    kFlags,
    kTuple,
    kVariant,
    kEnum,
    kOption,
    kResult,
    kList,
    kMap,
    kFixedList,
    kFuture,
    kStream,
    kAlias,  // kAlias: `type a = b`, or a `use`
  };
  std::optional<std::string> name;
  Kind kind = Kind::kAlias;
  std::vector<NamedItem> items;  // kRecord, kVariant, kFlags, kEnum
  std::vector<Type> types;       // kTuple
  // kOption, kList, kFixedList, kAlias: first; kMap: key and value; kResult: ok and err;
  // kFuture, kStream: the payload, when there is one.
  std::optional<Type> first;
  std::optional<Type> second;
  std::uint32_t resource = kNone;  // kOwn, kBorrow: the resource TypeDef
  std::uint32_t length = 0;        // kFixedList
  Owner owner;
  Docs docs;
  Stability stability;
};

struct Param {
  std::string name;
  Type type;
};

struct Function {
  enum class Kind : std::uint8_t { kFreestanding, kMethod, kStatic, kConstructor };
  Kind kind = Kind::kFreestanding;
  bool is_async = false;
  std::uint32_t resource = kNone;  // kMethod, kStatic, kConstructor
  std::string name;                // as encoded: `[method]file.read`, `[constructor]file`, `log`
  std::vector<Param> params;
  std::optional<Type> result;
  Docs docs;
  Stability stability;

  // The name WIT shows: `read` for `[method]file.read`, `file` for `[constructor]file`.
  std::string item_name() const;
};

struct Interface {
  std::optional<std::string> name;  // none for `import x: interface { ... }` in a world
  std::vector<std::pair<std::string, std::uint32_t>> types;  // name -> TypeDef; add_type()
  std::vector<Function> functions;                           // add_function()
  std::uint32_t package = kNone;
  Docs docs;
  Stability stability;

  // Appends, keeping the index by name (an interface may hold tens of thousands of items, so
  // lookups must not scan). False, and nothing added, when the name is there already.
  bool add_type(std::string name, std::uint32_t type);
  bool add_function(Function function);
  std::uint32_t type_named(std::string_view name) const;  // kNone when absent
  Function* function_named(std::string_view name);        // null when absent
  const Function* function_named(std::string_view name) const;

 private:
  std::unordered_map<std::string, std::uint32_t> type_index_;    // name -> TypeDef
  std::unordered_map<std::string, std::size_t> function_index_;  // name -> position
};

// A world's import or export: an interface (named by its id, or by a plain name), a function
// or (imports only) a type.
struct WorldItem {
  enum class Kind : std::uint8_t { kInterface, kFunction, kType };
  Kind kind = Kind::kInterface;
  // Keyed by the interface itself (`import wasi:io/poll@0.2.8;`) rather than by a plain name.
  bool keyed_by_interface = false;
  std::string name;          // the plain name, when not keyed by the interface
  std::uint32_t id = kNone;  // kInterface: the Interface; kType: the TypeDef
  Function function;         // kFunction
  Docs docs;                 // kInterface: the statement's own docs
  Stability stability;       // kInterface: the statement's own stability

  bool same_key(const WorldItem& other) const;
};

struct World {
  std::string name;
  std::vector<WorldItem> imports;
  std::vector<WorldItem> exports;
  std::uint32_t package = kNone;
  Docs docs;
  Stability stability;
};

struct PackageName {
  std::string space;
  std::string name;
  std::string version;  // empty when the package has none

  std::string to_string() const;  // `wasi:io@0.2.8`
  bool operator==(const PackageName&) const = default;
};

struct Package {
  PackageName name;
  std::vector<std::pair<std::string, std::uint32_t>> interfaces;  // name -> Interface
  std::vector<std::pair<std::string, std::uint32_t>> worlds;      // name -> World
  Docs docs;
};

struct Resolve {
  std::vector<TypeDef> types;
  std::vector<Interface> interfaces;
  std::vector<World> worlds;
  std::vector<Package> packages;  // dependencies first, in topological order

  // The interface `type` is a `use` of (an alias of a type another interface owns), or kNone
  // (wit-parser's type_interface_dep).
  std::uint32_t interface_used_by(std::uint32_t type) const;
  // The interfaces whose types `interface` uses, in the order of its types, repeats kept
  // (wit-parser's interface_direct_deps).
  std::vector<std::uint32_t> interface_direct_deps(std::uint32_t interface) const;
  // `ns:pkg/item@version`: how a named interface or a world is named outside its package.
  std::string id_of_interface(std::uint32_t interface) const;
  std::string id_of_world(std::uint32_t world) const;
};

// A key equal for two types exactly when their kinds and parts are equal, as Rust's derived
// Eq compares wit-parser's Type and TypeDefKind: shares anonymous types (the resolver) and
// deduplicates them (the encoder).
std::string key_of(const Type& type);
std::string structural_key(const TypeDef& def);

}  // namespace wreg::wit
