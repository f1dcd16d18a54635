// TypeReader: the productions of Binary.md that can appear inside a type definition: component
// types (defined value types, functions, component, instance and resource types), core types
// (module types and the core/GC types of WebAssembly 3.0), extern types, names with their
// attributes, sorts and aliases.
//
// It reads every one of them completely, so that whatever it does not keep is skipped exactly,
// and it keeps what classification needs: the shape of each type, the exports of component
// and instance types, and every import and export declared at any depth (the names a WIT
// package's types refer to). Nesting of component and instance types is bounded by kMaxDepth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/wasm/byte_reader.h"
#include "common/wasm/component_info.h"
#include "common/wasm/limits.h"

namespace wreg::wasm {

// How deep components, component types and instance types may nest inside each other.
inline constexpr int kMaxDepth = 32;

// Binary.md `sort`: a core sort (`0x00 core:sort`) or a component sort.
struct Sort {
  bool core = false;
  std::uint8_t code = 0;

  static constexpr std::uint8_t kCoreModule = 0x11;
  static constexpr std::uint8_t kFunc = 0x01;
  static constexpr std::uint8_t kValue = 0x02;
  static constexpr std::uint8_t kType = 0x03;
  static constexpr std::uint8_t kComponent = 0x04;
  static constexpr std::uint8_t kInstance = 0x05;

  bool is_type() const { return !core && code == kType; }
  // The ExternKind of an import or export of this sort; nullopt for core sorts other than
  // module, which components cannot import or export.
  std::optional<ExternKind> extern_kind() const;
};

// Binary.md `nameattributes`: the name and the attributes that matter here.
struct ExternName {
  std::string name;
  std::string version_suffix;  // 🔗 versionsuffix attribute, or empty
  std::string implements;      // 🏷️ implements attribute, or empty
  std::size_t offset = 0;      // where the name starts, for messages
};

// An import or export declaration inside a component or instance type.
struct Declaration {
  ExternName name;
  ExternKind kind = ExternKind::kInstance;
  bool is_import = false;
};

// What a component-level type definition is, as far as classification needs.
struct TypeShape {
  enum class Kind { kValue, kFunc, kComponent, kInstance, kResource };
  Kind kind = Kind::kValue;
  std::vector<Declaration> exports;  // kComponent, kInstance: their own export declarations
  std::size_t import_count = 0;      // kComponent: its own import declarations
  // kFunc: WIT-like, `func(msg: string) -> u32`, when every type in it is a primitive; else
  // empty (naming the types behind indices needs the scope's index spaces).
  std::string signature;
};

class TypeReader {
 public:
  // Reads from `in`; appends every import and export declared at any depth to `declarations`,
  // and fails past kMaxTypeDeclarations of them in the whole binary (`budget`).
  TypeReader(ByteReader& in, std::vector<Declaration>& declarations, ReadBudget& budget)
      : in_(in), declarations_(declarations), budget_(budget) {}

  // Binary.md `type` (a `deftype`). `depth` counts the enclosing components and types.
  TypeShape read_type(int depth);
  // Binary.md `core:type`.
  void read_core_type(int depth);
  // Binary.md `nameattributes`.
  ExternName read_extern_name(std::string_view what);
  // Binary.md `externtype`; returns its sort as an ExternKind, and stores the type index it
  // names (func, component, instance) in `*type_index` when given.
  ExternKind read_extern_type(std::uint32_t* type_index = nullptr);
  // Binary.md `sort`.
  Sort read_sort();
  // Binary.md `alias`; returns the sort of what it aliases.
  Sort read_alias();
  // Binary.md `valtype`: the WIT name of a primitive type (`string`), or null for a type index.
  const char* read_value_type();
  // Binary.md `resultlist` (also the legacy named results: 0x01 then a vector of them): the
  // result's WIT text (empty for none) when it is primitive, else nullopt.
  std::optional<std::string> read_result_list();
  // Core `valtype`, including the reference types of WebAssembly 3.0.
  void read_core_value_type();
  // Binary.md `canon`, every built-in it lists with its immediates: the type index of a `lift`
  // (the one kind that defines a component function), else nullopt.
  std::optional<std::uint32_t> read_canon();

 private:
  void check_depth(int depth);
  void read_canon_options();
  void read_defined_value_type(std::uint8_t code);
  using LabelSet = std::unordered_set<std::string>;
  void refuse_repeated_label(LabelSet& seen, const std::string& label, std::size_t at);
  // `name: type, ...` when every type is primitive, else nullopt.
  std::optional<std::string> read_label_value_types(std::string_view what);
  void read_optional_value_type();
  TypeShape read_declarations(bool component, int depth);
  void read_core_module_type(int depth);
  void read_core_composite_type(std::uint8_t code);
  void read_core_sub_type_body();
  void read_core_heap_type();
  void read_core_storage_type();
  void read_core_extern_type();
  void read_limits();

  ByteReader& in_;
  std::vector<Declaration>& declarations_;
  ReadBudget& budget_;
};

}  // namespace wreg::wasm
