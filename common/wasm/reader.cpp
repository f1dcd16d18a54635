#include "common/wasm/reader.h"

#include <algorithm>
#include <array>
#include <memory>
#include <set>

#include "common/text.h"
#include "common/wasm/byte_reader.h"
#include "common/wasm/custom_sections.h"
#include "common/wasm/extern_name.h"
#include "common/wasm/limits.h"
#include "common/wasm/type_reader.h"

namespace wreg::wasm {
namespace {

// Binary.md "Component Definitions": section ids.
enum SectionId : std::uint8_t {
  kCustom = 0,
  kCoreModule = 1,
  kCoreInstance = 2,
  kCoreType = 3,
  kComponent = 4,
  kInstance = 5,
  kAlias = 6,
  kType = 7,
  kCanon = 8,
  kStart = 9,
  kImport = 10,
  kExport = 11,
  kValue = 12,
};

const char* section_name(std::uint8_t id) {
  static constexpr std::array<const char*, 13> kNames = {
      "custom", "core module", "core instance", "core type", "component", "instance", "alias",
      "type",   "canon",       "start",         "import",    "export",    "value"};
  return id < kNames.size() ? kNames[id] : "unknown";
}

constexpr std::array<std::uint8_t, 4> kMagic = {0x00, 0x61, 0x73, 0x6d};

enum class Preamble { kCoreModule, kComponent };

// Binary.md: preamble ::= magic version layer. A core module's 4-byte version 1 reads as
// version 1, layer 0; a component is version 0x0d, layer 1.
std::optional<Preamble> read_preamble(ByteReader& in, std::string_view what) {
  const std::size_t start = in.offset();
  if (in.remaining() < kMagic.size() ||
      !std::equal(kMagic.begin(), kMagic.end(), in.read_bytes(kMagic.size(), "magic").begin())) {
    in.fail_at(start, "not " + std::string(what) + ": expected magic \\0asm");
    return std::nullopt;
  }
  const std::size_t version_at = in.offset();
  if (in.remaining() < 4) {
    in.fail("truncated preamble: expected 4 bytes of version and layer after the magic, found " +
            std::to_string(in.remaining()));
    return std::nullopt;
  }
  auto version_layer = in.read_bytes(4, "version and layer");
  if (!in.ok()) return std::nullopt;
  const unsigned version = version_layer[0] | (version_layer[1] << 8);
  const unsigned layer = version_layer[2] | (version_layer[3] << 8);
  if (layer == 0) {
    if (version != 1) {
      in.fail_at(version_at,
                 "unsupported core module version " + std::to_string(version) + ": expected 1");
      return std::nullopt;
    }
    return Preamble::kCoreModule;
  }
  if (layer != 1) {
    in.fail_at(version_at + 2, "unknown layer " + std::to_string(layer) +
                                   ": expected 0 (core module) or 1 (component)");
    return std::nullopt;
  }
  if (version != 0x0d) {
    in.fail_at(version_at, "unsupported component binary version " + std::to_string(version) +
                               ": expected 13 (0x0d)");
    return std::nullopt;
  }
  return Preamble::kComponent;
}

// An export of the component being walked, kept for classification.
struct ExportEntry {
  ExternName name;
  Sort sort;
  std::uint32_t index = 0;
  std::shared_ptr<const TypeShape> type;  // sort type: what the index refers to, if known
};

// Walks the sections of one component (top-level or nested). For the top level it keeps what
// ComponentInfo needs; a nested component is read as strictly, then dropped.
class ComponentWalker {
 public:
  ComponentWalker(ByteReader& in, int depth, ComponentInfo* info, ReadBudget& budget)
      : in_(in), depth_(depth), info_(info), budget_(budget) {}

  void walk();

  // Everything but custom, type and export sections, and imports: what a WIT package lacks.
  bool only_types() const { return only_types_; }
  const std::vector<ExportEntry>& exports() const { return exports_; }
  const std::vector<ExternName>& import_names() const { return import_names_; }
  const std::vector<Declaration>& declarations() const { return declarations_; }

 private:
  void read_section(std::uint8_t id, ByteReader& section);
  void read_core_instance(ByteReader& in);
  void read_instance(ByteReader& in);
  void read_import(ByteReader& in);
  void read_export(ByteReader& in);
  void read_nested_component(ByteReader& section);
  // Adds an entry to the type index space; fails `in` past kMaxTypes in the whole binary.
  void push_type(ByteReader& in, std::shared_ptr<const TypeShape> shape) {
    if (++budget_.types > kMaxTypes) return in.fail(past_limit("the number of types", kMaxTypes));
    types_.push_back(std::move(shape));
  }
  // A function's signature when `kind` is func and `type_index` names a known function type.
  std::string signature(ExternKind kind, std::uint32_t type_index) const {
    if (kind != ExternKind::kFunc || type_index >= types_.size() || !types_[type_index]) return {};
    return types_[type_index]->signature;
  }

  ByteReader& in_;
  int depth_;
  ComponentInfo* info_;  // null for a nested component
  ReadBudget& budget_;
  std::vector<Declaration> declarations_;
  // The type index space, as far as it is known: one entry per type index, null for types
  // that are not defined here (imported, aliased).
  std::vector<std::shared_ptr<const TypeShape>> types_;
  std::vector<ExportEntry> exports_;
  std::vector<ExternName> import_names_;
  bool only_types_ = true;
};

void ComponentWalker::walk() {
  while (in_.ok() && !in_.at_end()) {
    const std::size_t start = in_.offset();
    const std::uint8_t id = in_.read_u8("a section id");
    const std::uint32_t size = in_.read_u32("section size");
    if (!in_.ok()) return;
    if (id > kValue) {
      in_.fail_at(start, "expected a section id (0 to 12), found " + std::to_string(id));
      return;
    }
    if (size > in_.remaining()) {
      in_.fail_at(start, std::string(section_name(id)) + " section claims " + std::to_string(size) +
                             " bytes but only " + std::to_string(in_.remaining()) + " are left");
      return;
    }
    ByteReader section = in_.sub_reader(size, "section");
    read_section(id, section);
    section.expect_end(std::string(section_name(id)) + " section starting at offset " +
                       std::to_string(start));
  }
}

void ComponentWalker::read_section(std::uint8_t id, ByteReader& section) {
  if (id != kCustom && id != kType && id != kExport) only_types_ = false;
  TypeReader types(section, declarations_, budget_);
  switch (id) {
    case kCustom: {
      std::string name = section.read_name("custom section name");
      const std::size_t payload_at = section.offset();
      auto payload = section.read_bytes(section.remaining(), "custom section");
      if (section.ok() && info_ != nullptr) {
        if (auto read = read_custom_section(name, payload, payload_at, *info_); !read) {
          section.fail_at(payload_at, std::move(read).error().message);
        }
      }
      return;
    }
    case kCoreModule: {
      // Skipped by its size: only its preamble is checked, its body never read.
      const std::size_t at = section.offset();
      auto preamble = read_preamble(section, "a nested core module");
      if (preamble == Preamble::kComponent) {
        section.fail_at(at, "expected a core module in a core module section, found a component");
      }
      section.read_bytes(section.remaining(), "core module");
      return;
    }
    case kCoreInstance: {
      const std::uint32_t count = section.read_count("core instance count");
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) read_core_instance(section);
      return;
    }
    case kCoreType: {
      const std::uint32_t count = section.read_count("core type count");
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) types.read_core_type(depth_);
      return;
    }
    case kComponent:
      read_nested_component(section);
      return;
    case kInstance: {
      const std::uint32_t count = section.read_count("instance count");
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) read_instance(section);
      return;
    }
    case kAlias: {
      const std::uint32_t count = section.read_count("alias count");
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) {
        if (types.read_alias().is_type()) push_type(section, nullptr);
      }
      return;
    }
    case kType: {
      const std::uint32_t count = section.read_count("type count");
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) {
        push_type(section, std::make_shared<const TypeShape>(types.read_type(depth_)));
      }
      return;
    }
    case kCanon: {
      const std::uint32_t count = section.read_count("canon count");
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) types.read_canon();
      return;
    }
    case kStart: {
      section.read_u32("start function index");
      const std::uint32_t count = section.read_count("start argument count");
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) section.read_u32("value index");
      section.read_u32("start result count");
      return;
    }
    case kImport: {
      const std::size_t at = section.offset();
      const std::uint32_t count = section.read_count("import count", 3);
      if (import_names_.size() + count > kMaxImports) {
        return section.fail_at(
            at, past_limit("a component's number of imports (" +
                               std::to_string(import_names_.size() + count) + ")",
                           kMaxImports));
      }
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) read_import(section);
      return;
    }
    case kExport: {
      const std::size_t at = section.offset();
      const std::uint32_t count = section.read_count("export count", 4);
      if (exports_.size() + count > kMaxExports) {
        return section.fail_at(
            at, past_limit("a component's number of exports (" +
                               std::to_string(exports_.size() + count) + ")",
                           kMaxExports));
      }
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) read_export(section);
      return;
    }
    case kValue: {
      const std::uint32_t count = section.read_count("value count", 2);
      for (std::uint32_t i = 0; i < count && section.ok(); ++i) {
        types.read_value_type();
        const std::uint32_t size = section.read_u32("value size");
        section.read_bytes(size, "value");
      }
      return;
    }
    default:
      return;
  }
}

// Binary.md `core:instance`.
void ComponentWalker::read_core_instance(ByteReader& in) {
  const std::size_t start = in.offset();
  const std::uint8_t form = in.read_u8("a core instance");
  if (form == 0x00) {  // instantiate m with args
    in.read_u32("module index");
    const std::uint32_t count = in.read_count("instantiate argument count", 3);
    for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
      in.read_name("instantiate argument name");
      const std::size_t at = in.offset();
      const std::uint8_t sort = in.read_u8("0x12 (instance)");
      if (in.ok() && sort != 0x12) {
        in.fail_at(
            at, "expected 0x12 (instance) in a core instantiate argument, found " + hex_byte(sort));
      }
      in.read_u32("core instance index");
    }
  } else if (form == 0x01) {  // inline exports
    const std::uint32_t count = in.read_count("core inline export count", 3);
    for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
      in.read_name("core export name");
      in.read_u8("a core sort");
      in.read_u32("core index");
    }
  } else if (in.ok()) {
    in.fail_at(start, "expected a core instance (0x00 instantiate, 0x01 exports), found " +
                          hex_byte(form));
  }
}

// Binary.md `instance`.
void ComponentWalker::read_instance(ByteReader& in) {
  TypeReader types(in, declarations_, budget_);
  const std::size_t start = in.offset();
  const std::uint8_t form = in.read_u8("an instance");
  if (form == 0x00) {  // instantiate c with args
    in.read_u32("component index");
    const std::uint32_t count = in.read_count("instantiate argument count", 3);
    for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
      in.read_name("instantiate argument name");
      types.read_sort();
      in.read_u32("index");
    }
  } else if (form == 0x01) {  // inline exports
    const std::uint32_t count = in.read_count("inline export count", 3);
    for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
      types.read_extern_name("inline export name");
      types.read_sort();
      in.read_u32("index");
    }
  } else if (in.ok()) {
    in.fail_at(start,
               "expected an instance (0x00 instantiate, 0x01 exports), found " + hex_byte(form));
  }
}

// Binary.md `import`.
void ComponentWalker::read_import(ByteReader& in) {
  TypeReader types(in, declarations_, budget_);
  ExternName name = types.read_extern_name("import name");
  std::uint32_t type_index = 0;
  const ExternKind kind = types.read_extern_type(&type_index);
  if (!in.ok()) return;
  only_types_ = false;
  if (kind == ExternKind::kType) push_type(in, nullptr);
  if (info_ != nullptr)
    info_->imports.push_back(Extern{name.name, kind, signature(kind, type_index)});
  import_names_.push_back(std::move(name));
}

// Binary.md `export`: a name, what it exports, and an optional type ascription.
void ComponentWalker::read_export(ByteReader& in) {
  TypeReader types(in, declarations_, budget_);
  ExportEntry entry;
  entry.name = types.read_extern_name("export name");
  const std::size_t sort_at = in.offset();
  entry.sort = types.read_sort();
  const std::size_t index_at = in.offset();
  entry.index = in.read_u32("export index");
  const std::size_t ascription_at = in.offset();
  const std::uint8_t ascribed = in.read_u8("0x00 or 0x01 before an export's type");
  std::string ascribed_signature;
  if (ascribed == 0x01) {
    std::uint32_t type_index = 0;
    const ExternKind kind = types.read_extern_type(&type_index);
    ascribed_signature = signature(kind, type_index);
  } else if (ascribed != 0x00 && in.ok()) {
    in.fail_at(ascription_at,
               "expected 0x00 or 0x01 before an export's type, found " + hex_byte(ascribed));
  }
  if (!in.ok()) return;
  const std::optional<ExternKind> kind = entry.sort.extern_kind();
  if (!kind) {
    in.fail_at(sort_at,
               "expected an exportable sort (core module, func, value, type, component "
               "or instance), found core sort " +
                   hex_byte(entry.sort.code));
    return;
  }
  if (entry.sort.is_type()) {
    if (entry.index >= types_.size()) {
      in.fail_at(index_at, "export " + quoted(entry.name.name) + " names type " +
                               std::to_string(entry.index) + " but only " +
                               std::to_string(types_.size()) + " types are defined");
      return;
    }
    entry.type = types_[entry.index];
    push_type(in, entry.type);  // Binary.md: every export introduces a new index
  }
  if (info_ != nullptr) {
    info_->exports.push_back(Extern{entry.name.name, *kind, std::move(ascribed_signature)});
  }
  exports_.push_back(std::move(entry));
}

// Binary.md: section 4 holds a whole component, preamble included.
void ComponentWalker::read_nested_component(ByteReader& section) {
  const std::size_t start = section.offset();
  if (depth_ + 1 > kMaxDepth) {
    section.fail("components nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return;
  }
  auto preamble = read_preamble(section, "a nested component");
  if (!section.ok()) return;
  if (preamble != Preamble::kComponent) {
    section.fail_at(start, "expected a component in a component section, found a core module");
    return;
  }
  ComponentWalker nested(section, depth_ + 1, nullptr, budget_);
  nested.walk();
}

Error with_offset(Error error, std::size_t offset) {
  error.message += " at offset " + std::to_string(offset);
  return error;
}

// The packages an import or export name refers to: its own interface name, and the one its
// 🏷️ implements attribute names.
Result<void> add_packages(const ExternName& name, std::set<PackageId>& out,
                          std::set<std::string>* root_items = nullptr,
                          const PackageId* root = nullptr) {
  const std::pair<std::string_view, std::string_view> names[] = {{name.name, name.version_suffix},
                                                                 {name.implements, {}}};
  for (const auto& [text, suffix] : names) {
    if (text.empty()) continue;
    auto parsed = parse_interface_name(text, suffix);
    if (!parsed) return with_offset(std::move(parsed).error(), name.offset);
    if (!*parsed) continue;
    if (root != nullptr && (*parsed)->package == *root) {
      if (root_items != nullptr) root_items->insert((*parsed)->item);
    } else {
      out.insert((*parsed)->package);
    }
  }
  return {};
}

// WIT.md "Package Format": a component of types only whose exports are all component types,
// each wrapping exactly one export with an interface name: an instance for an interface, a
// component for a world. The package is the one those names share; its dependencies are the
// other packages named anywhere in its types. False when the component is not in that form;
// an Error when it is, but its names are invalid or belong to two packages.
Result<bool> read_wit_package(const ComponentWalker& walker, ComponentInfo& info) {
  if (!walker.only_types() || walker.exports().empty()) return false;
  for (const ExportEntry& entry : walker.exports()) {
    if (!entry.type || entry.type->kind != TypeShape::Kind::kComponent ||
        entry.type->exports.size() != 1) {
      return false;
    }
    const Declaration& inner = entry.type->exports.front();
    if ((inner.kind != ExternKind::kInstance && inner.kind != ExternKind::kComponent) ||
        inner.name.name.find(':') == std::string::npos) {
      return false;
    }
  }
  std::optional<PackageId> root;
  std::set<std::string> worlds;
  std::set<std::string> interfaces;
  for (const ExportEntry& entry : walker.exports()) {
    const Declaration& inner = entry.type->exports.front();
    auto parsed = parse_interface_name(inner.name.name, inner.name.version_suffix);
    if (!parsed) return with_offset(std::move(parsed).error(), inner.name.offset);
    if (!*parsed) return false;  // 🪺 nested names: not a package wreg can hold
    InterfaceName& name = **parsed;
    if (root && *root != name.package) {
      return fail(ErrorCode::kInvalidArgument,
                  "invalid WIT package: it defines items of two packages, " + root->to_string() +
                      " and " + name.package.to_string() + " at offset " +
                      std::to_string(inner.name.offset));
    }
    root = name.package;
    (inner.kind == ExternKind::kInstance ? interfaces : worlds).insert(name.item);
  }
  std::set<PackageId> dependencies;
  std::set<std::string> root_interfaces;
  for (const Declaration& declaration : walker.declarations()) {
    auto added = add_packages(
        declaration.name, dependencies,
        declaration.kind == ExternKind::kInstance ? &root_interfaces : nullptr, &*root);
    if (!added) return std::move(added).error();
  }
  interfaces.insert(root_interfaces.begin(), root_interfaces.end());
  if (dependencies.size() > kMaxDependencies) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid WIT package: " +
                    past_limit("its number of dependencies (" +
                                   std::to_string(dependencies.size()) + " packages)",
                               kMaxDependencies));
  }
  if (worlds.size() + interfaces.size() > kMaxPackageItems) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid WIT package: " +
                    past_limit("its number of worlds and interfaces", kMaxPackageItems));
  }
  info.kind = BinaryKind::kWitPackage;
  info.package = std::move(root);
  info.worlds.assign(worlds.begin(), worlds.end());
  info.interfaces.assign(interfaces.begin(), interfaces.end());
  info.dependencies.assign(dependencies.begin(), dependencies.end());
  info.imports.clear();  // the type exports that wrap the package's items, not a component's
  info.exports.clear();
  return true;
}

Error prefixed(std::string_view prefix, Error error) {
  error.message.insert(0, prefix);
  return error;
}

// A core module's sections, for its custom sections only: everything else is skipped by size.
void read_core_module_sections(ByteReader& in, ComponentInfo& info) {
  while (in.ok() && !in.at_end()) {
    const std::size_t start = in.offset();
    const std::uint8_t id = in.read_u8("a section id");
    const std::uint32_t size = in.read_u32("section size");
    if (in.ok() && size > in.remaining()) {
      in.fail_at(start, "section " + std::to_string(id) + " claims " + std::to_string(size) +
                            " bytes but only " + std::to_string(in.remaining()) + " are left");
    }
    ByteReader section = in.sub_reader(size, "section");
    if (id != 0 || !in.ok()) continue;
    std::string name = section.read_name("custom section name");
    const std::size_t payload_at = section.offset();
    auto payload = section.read_bytes(section.remaining(), "custom section");
    if (!in.ok()) continue;
    if (auto read = read_custom_section(name, payload, payload_at, info); !read) {
      section.fail_at(payload_at, std::move(read).error().message);
    }
  }
}

}  // namespace

Result<ComponentInfo> read_component(std::span<const std::uint8_t> bytes) {
  ErrorSlot slot;
  ByteReader in(bytes, 0, slot);
  ComponentInfo info;
  if (bytes.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "not a WebAssembly binary: the file is empty, expected magic \\0asm at offset 0");
  }
  const auto preamble = read_preamble(in, "a WebAssembly binary");
  if (!preamble) return std::move(slot).take();
  if (*preamble == Preamble::kCoreModule) {
    info.kind = BinaryKind::kCoreModule;
    read_core_module_sections(in, info);
    if (!in.ok()) return prefixed("invalid core module: ", std::move(slot).take());
    return info;
  }
  ReadBudget budget;
  ComponentWalker walker(in, 0, &info, budget);
  walker.walk();
  if (!in.ok()) return prefixed("invalid component: ", std::move(slot).take());
  auto is_package = read_wit_package(walker, info);
  if (!is_package) return std::move(is_package).error();
  if (*is_package) return info;
  info.kind = BinaryKind::kComponent;
  std::set<PackageId> referenced;
  for (const ExternName& name : walker.import_names()) {
    if (auto added = add_packages(name, referenced); !added) {
      return prefixed("invalid component: ", std::move(added).error());
    }
  }
  for (const ExportEntry& entry : walker.exports()) {
    if (auto added = add_packages(entry.name, referenced); !added) {
      return prefixed("invalid component: ", std::move(added).error());
    }
  }
  info.referenced_packages.assign(referenced.begin(), referenced.end());
  return info;
}

Error core_module_error() {
  return fail(ErrorCode::kInvalidArgument,
              "this is a core WebAssembly module, not a component: make a component of it with "
              "`wasm-tools component new MODULE.wasm -o COMPONENT.wasm` (a module without "
              "WIT bindings needs `wasm-tools component embed` first)");
}

}  // namespace wreg::wasm
