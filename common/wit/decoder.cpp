#include "common/wit/decoder.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "common/text.h"
#include "common/wasm/byte_reader.h"
#include "common/wasm/extern_name.h"
#include "common/wasm/reader.h"
#include "common/wasm/type_reader.h"
#include "common/wit/component_types.h"
#include "common/wit/package_docs.h"

namespace wreg::wit {
namespace {

using detail::Entity;
using detail::kNoType;
using detail::NamedEntity;
using detail::Scope;
using detail::TypeEntry;
using detail::TypeId;
using detail::TypeSpace;
using detail::ValType;

// What the decoder cannot go on from; caught in decode() and returned as its Error.
struct DecodeFailure {
  std::string message;
};

[[noreturn]] void fail_decode(std::string message) { throw DecodeFailure{std::move(message)}; }

// A component-level import or export, as wasmparser's ComponentInfo lists them.
struct TopLevelExtern {
  NamedEntity item;
  bool is_import = false;
};

// Binary.md's section ids that the walk below reads.
constexpr std::uint8_t kCustomSection = 0, kComponentSection = 4, kInstanceSection = 5,
                       kAliasSection = 6, kTypeSection = 7, kCanonSection = 8, kImportSection = 10,
                       kExportSection = 11;

// The top level of a component: its type index spaces, imports and exports, and the
// `package-docs` section, read the way wasmparser's validator reads them.
struct TopLevel {
  TypeSpace space;
  std::vector<TopLevelExtern> externs;
  std::optional<std::span<const std::uint8_t>> package_docs;
};

void read_top_level(std::span<const std::uint8_t> bytes, TopLevel& top) {
  wasm::ErrorSlot slot;
  wasm::ByteReader in(bytes, 0, slot);
  in.read_bytes(8, "the preamble");
  // Scopes are pushed while a reference to the top one is held: never reallocate
  // (read_declarations() refuses to nest deeper than this).
  std::vector<Scope> scopes;
  scopes.reserve(detail::kMaxScopes);
  scopes.emplace_back();
  std::vector<wasm::Declaration> ignored;
  wasm::ReadBudget budget;
  while (in.ok() && !in.at_end()) {
    const std::uint8_t id = in.read_u8("a section id");
    const std::uint32_t size = in.read_u32("section size");
    wasm::ByteReader section = in.sub_reader(size, "section");
    wasm::TypeReader types(section, ignored, budget);
    Scope& scope = scopes.back();
    switch (id) {
      case kCustomSection: {
        std::string name = section.read_name("custom section name");
        auto payload = section.read_bytes(section.remaining(), "custom section");
        if (name == "package-docs" && section.ok()) {
          if (top.package_docs) fail_decode("more than one package-docs section");
          top.package_docs = payload;
        }
        break;
      }
      case kTypeSection: {
        const std::uint32_t count = section.read_count("type count");
        for (std::uint32_t i = 0; i < count && section.ok(); ++i) {
          const TypeId type = top.space.read_type(section, scopes);
          if (section.ok()) scope.types.push_back(type);
        }
        break;
      }
      case kImportSection: {
        const std::uint32_t count = section.read_count("import count", 3);
        for (std::uint32_t i = 0; i < count && section.ok(); ++i) {
          NamedEntity item = detail::read_named(section, "import name");
          item.entity = top.space.read_extern_desc(section, scopes);
          if (!section.ok()) break;
          TypeSpace::push(scope, item.entity);
          top.externs.push_back({std::move(item), true});
        }
        break;
      }
      case kExportSection: {
        const std::uint32_t count = section.read_count("export count", 4);
        for (std::uint32_t i = 0; i < count && section.ok(); ++i) {
          NamedEntity item = detail::read_named(section, "export name");
          const wasm::Sort sort = types.read_sort();
          const std::size_t at = section.offset();
          const std::uint32_t index = section.read_u32("export index");
          const bool ascribed = section.read_u8("0x00 or 0x01 before an export's type") == 0x01;
          if (!section.ok()) break;
          if (ascribed) {
            item.entity = top.space.read_extern_desc(section, scopes);
          } else if (sort.core) {
            item.entity.kind = Entity::Kind::kModule;
          } else {
            auto pick = [&](const std::vector<TypeId>& space, std::string_view what) {
              if (index >= space.size()) {
                section.fail_at(
                    at, std::string(what) + " index " + std::to_string(index) + " is out of range");
                return kNoType;
              }
              return space[index];
            };
            switch (sort.code) {
              case wasm::Sort::kType:
                item.entity.kind = Entity::Kind::kType;
                item.entity.referenced = pick(scope.types, "type");
                break;
              case wasm::Sort::kFunc:
                item.entity.kind = Entity::Kind::kFunc;
                item.entity.id = pick(scope.funcs, "function");
                break;
              case wasm::Sort::kInstance:
                item.entity.kind = Entity::Kind::kInstance;
                item.entity.id = pick(scope.instances, "instance");
                break;
              case wasm::Sort::kComponent:
                item.entity.kind = Entity::Kind::kComponent;
                item.entity.id = pick(scope.components, "component");
                break;
              default:
                item.entity.kind = Entity::Kind::kValue;
            }
            if (!section.ok()) break;
          }
          if (item.entity.kind == Entity::Kind::kType && !ascribed) {
            // As in wasmparser, an exported type is a new name for the type it exports.
            item.entity.id = top.space.alias_to(item.entity.referenced);
          }
          TypeSpace::push(scope, item.entity);
          top.externs.push_back({std::move(item), false});
        }
        break;
      }
      case kAliasSection: {
        const std::uint32_t count = section.read_count("alias count");
        for (std::uint32_t i = 0; i < count && section.ok(); ++i) {
          top.space.read_alias(section, scopes);
        }
        break;
      }
      case kInstanceSection: {
        const std::uint32_t count = section.read_count("instance count");
        for (std::uint32_t i = 0; i < count && section.ok(); ++i) {
          const std::uint8_t form = section.read_u8("an instance");
          if (form == 0x00) section.read_u32("component index");
          const std::uint32_t args = section.read_count("instance argument count", 3);
          for (std::uint32_t j = 0; j < args && section.ok(); ++j) {
            if (form == 0x00) {
              section.read_name("instantiate argument name");
            } else {
              detail::read_named(section, "inline export name");
            }
            types.read_sort();
            section.read_u32("index");
          }
          // What an instantiation exports is computed, not declared: unknown here.
          scope.instances.push_back(kNoType);
        }
        break;
      }
      case kCanonSection: {
        const std::uint32_t count = section.read_count("canon count");
        for (std::uint32_t i = 0; i < count && section.ok(); ++i) {
          const std::size_t at = section.offset();
          if (auto lifted = types.read_canon()) {
            if (*lifted >= scope.types.size() ||
                top.space[scope.types[*lifted]].kind != TypeEntry::Kind::kFunc) {
              section.fail_at(at, "canon lift names type " + std::to_string(*lifted) +
                                      ", which is not a function type");
              break;
            }
            scope.funcs.push_back(scope.types[*lifted]);
          }
        }
        break;
      }
      case kComponentSection:
        section.read_bytes(section.remaining(), "component");
        scope.components.push_back(kNoType);
        break;
      default:  // core modules, core instances, core types, start, values: no WIT in them
        section.read_bytes(section.remaining(), "section");
    }
  }
  if (!in.ok()) fail_decode(std::move(slot).take().message);
}

// What an import or export name is, as wasmparser's ComponentNameKind tells them apart.
struct ComponentName {
  enum class Kind : std::uint8_t { kLabel, kConstructor, kMethod, kStatic, kInterface };
  Kind kind = Kind::kLabel;
  std::string resource;                   // kConstructor, kMethod, kStatic
  std::optional<wasm::InterfaceName> id;  // kInterface
};

ComponentName parse_component_name(std::string_view name, std::string_view version_suffix) {
  ComponentName parsed;
  auto resource_and_item = [&](std::string_view rest, ComponentName::Kind kind) {
    const std::size_t dot = rest.find('.');
    if (dot == std::string_view::npos || !wasm::is_label(rest.substr(0, dot)) ||
        !wasm::is_label(rest.substr(dot + 1))) {
      fail_decode("cannot read the function name `" + std::string(name) + "`");
    }
    parsed.kind = kind;
    parsed.resource = std::string(rest.substr(0, dot));
  };
  if (name.find(':') != std::string_view::npos) {
    auto id = wasm::parse_interface_name(name, version_suffix);
    if (!id) fail_decode(id.error().message);
    if (!*id) fail_decode("cannot read the interface name `" + std::string(name) + "`");
    parsed.kind = ComponentName::Kind::kInterface;
    parsed.id = std::move(**id);
  } else if (name.starts_with("[constructor]")) {
    parsed.kind = ComponentName::Kind::kConstructor;
    parsed.resource = std::string(name.substr(13));
    if (!wasm::is_label(parsed.resource)) {
      fail_decode("cannot read the constructor name `" + std::string(name) + "`");
    }
  } else if (name.starts_with("[method]")) {
    resource_and_item(name.substr(8), ComponentName::Kind::kMethod);
  } else if (name.starts_with("[static]")) {
    resource_and_item(name.substr(8), ComponentName::Kind::kStatic);
  } else if (!wasm::is_label(name)) {
    fail_decode("cannot extract an item name from `" + std::string(name) + "`");
  }
  return parsed;
}

PackageName package_name_of(const wasm::InterfaceName& id) {
  PackageName name;
  name.space = id.package.name.space();
  name.name = id.package.name.name();
  if (id.package.version) name.version = id.package.version->to_string();
  return name;
}

// Inserts `item` as wit-parser's IndexMap would: a key already there keeps its place.
void insert_world_item(std::vector<WorldItem>& items, WorldItem item) {
  for (WorldItem& existing : items) {
    if (existing.same_key(item)) {
      existing = std::move(item);
      return;
    }
  }
  items.push_back(std::move(item));
}

class WitPackageDecoder {
 public:
  explicit WitPackageDecoder(const TypeSpace& space) : space_(space) {}

  Resolve resolve;

  PackageName decode_interface(const NamedEntity& item, const std::vector<NamedEntity>& imports,
                               Package& package) {
    const ComponentName name = parse_component_name(item.name, item.version_suffix);
    if (name.kind != ComponentName::Kind::kInterface) {
      fail_decode("expected an interface name like ns:pkg/item, found `" + item.name + "`");
    }
    for (const NamedEntity& import : imports) register_import(import.name, import);
    register_interface(item.name, item, package);
    return package_name_of(*name.id);
  }

  PackageName decode_world(const NamedEntity& item, Package& package) {
    const TypeEntry& type = instance_or_component(item, TypeEntry::Kind::kComponent);
    const ComponentName name = parse_component_name(item.name, item.version_suffix);
    if (name.kind != ComponentName::Kind::kInterface) {
      fail_decode("expected a world name like ns:pkg/world, found `" + item.name + "`");
    }
    register_world(item.name, type, package);
    return package_name_of(*name.id);
  }

  void decode_component_import(const NamedEntity& item, std::uint32_t world) {
    const Owner owner{Owner::Kind::kWorld, world};
    WorldItem decoded;
    switch (item.entity.kind) {
      case Entity::Kind::kInstance:
        decoded = decode_world_instance(item, *component_package_);
        break;
      case Entity::Kind::kFunc:
        decoded.kind = WorldItem::Kind::kFunction;
        decoded.name = item.name;
        decoded.function = convert_function(item, owner);
        break;
      case Entity::Kind::kType:
        decoded.kind = WorldItem::Kind::kType;
        decoded.name = item.name;
        decoded.id = register_type_export(item, owner);
        break;
      default:
        return;  // modules, components and values are not part of a world
    }
    insert_world_item(resolve.worlds[world].imports, std::move(decoded));
  }

  void decode_component_export(const NamedEntity& item, std::uint32_t world) {
    WorldItem decoded;
    switch (item.entity.kind) {
      case Entity::Kind::kFunc:
        decoded.kind = WorldItem::Kind::kFunction;
        decoded.name = item.name;
        decoded.function = convert_function(item, Owner{Owner::Kind::kWorld, world});
        break;
      case Entity::Kind::kInstance:
        decoded = decode_world_instance(item, *component_package_);
        break;
      default:
        fail_decode("component export `" + item.name + "` is not a function or an instance");
    }
    insert_world_item(resolve.worlds[world].exports, std::move(decoded));
  }

  void set_component_package(Package* package) { component_package_ = package; }

  // Puts the foreign packages in, dependencies first, then `package`; returns its index.
  std::uint32_t finish(Package package) {
    std::vector<std::size_t> order;
    std::set<std::size_t> visiting;
    for (std::size_t i = 0; i < foreign_packages_.size(); ++i) visit_package(i, order, visiting);
    for (std::size_t index : order) insert_package(std::move(foreign_packages_[index]));
    return insert_package(std::move(package));
  }

 private:
  const TypeEntry& instance_or_component(const NamedEntity& item, TypeEntry::Kind kind) {
    if (item.entity.id == kNoType || space_.content(item.entity.id).kind != kind) {
      fail_decode("the type of `" + item.name + "` is not known here (it is computed by an " +
                  "instantiation), so it cannot be shown as WIT");
    }
    return space_.content(item.entity.id);
  }

  WorldItem decode_world_instance(const NamedEntity& item, Package& package) {
    WorldItem decoded;
    decoded.kind = WorldItem::Kind::kInterface;
    if (!item.implements.empty()) {
      decoded.name = item.name;
      decoded.id = register_import(item.implements, item);
      return decoded;
    }
    const ComponentName name = parse_component_name(item.name, item.version_suffix);
    if (name.kind == ComponentName::Kind::kInterface) {
      decoded.keyed_by_interface = true;
      decoded.id = register_import(item.name, item);
      return decoded;
    }
    auto [keyed_by_interface, id] = register_interface(item.name, item, package);
    decoded.keyed_by_interface = keyed_by_interface;
    if (!keyed_by_interface) decoded.name = item.name;
    decoded.id = id;
    return decoded;
  }

  std::uint32_t register_import(const std::string& name, const NamedEntity& item) {
    const auto local = named_interfaces_.find(name);
    const bool is_local = local != named_interfaces_.end();
    const std::uint32_t interface = is_local ? local->second : extract_dep_interface(name, item);
    if (item.entity.id == kNoType && !is_local) return interface;  // a component's export
    const TypeEntry& type = instance_or_component(item, TypeEntry::Kind::kInstance);
    const Owner owner{Owner::Kind::kInterface, interface};
    for (const NamedEntity& exported : type.exports) {
      if (exported.entity.kind == Entity::Kind::kType) {
        const std::uint32_t existing = resolve.interfaces[interface].type_named(exported.name);
        if (existing != kNone) {
          map_type(exported.entity.id, existing, exported.name);
          continue;
        }
        if (is_local) {
          fail_decode("instance type export `" + exported.name + "` is not defined in interface " +
                      name);
        }
        const std::uint32_t id = register_type_export(exported, owner);
        resolve.interfaces[interface].add_type(exported.name, id);
      } else if (exported.entity.kind == Entity::Kind::kFunc) {
        if (resolve.interfaces[interface].function_named(exported.name) != nullptr) continue;
        if (is_local) {
          fail_decode("instance function export `" + exported.name +
                      "` is not defined in interface " + name);
        }
        Function function = convert_function(exported, owner);
        resolve.interfaces[interface].add_function(std::move(function));
      } else {
        fail_decode("instance export `" + exported.name + "` of " + name + " is not a type");
      }
    }
    return interface;
  }

  std::uint32_t extract_dep_interface(const std::string& name, const NamedEntity& item) {
    const ComponentName parsed = parse_component_name(name, item.version_suffix);
    if (parsed.kind != ComponentName::Kind::kInterface) {
      fail_decode("expected an interface name like ns:pkg/item, found `" + name + "`");
    }
    const PackageName package_name = package_name_of(*parsed.id);
    const std::string key = package_name.to_string();
    auto [found, inserted] = foreign_package_index_.try_emplace(key, foreign_packages_.size());
    if (inserted) {
      Package package;
      package.name = package_name;
      foreign_packages_.push_back(std::move(package));
    }
    Package& package = foreign_packages_[found->second];
    std::uint32_t interface = kNone;
    for (const auto& [item_name, id] : package.interfaces) {
      if (item_name == parsed.id->item) interface = id;
    }
    if (interface == kNone) {
      Interface created;
      created.name = parsed.id->item;
      interface = static_cast<std::uint32_t>(resolve.interfaces.size());
      resolve.interfaces.push_back(std::move(created));
      package.interfaces.emplace_back(parsed.id->item, interface);
    }
    interface_package_[interface] = found->second;
    return interface;
  }

  // Returns whether the interface is keyed by itself (a named interface of the package) and
  // its index.
  std::pair<bool, std::uint32_t> register_interface(const std::string& name,
                                                    const NamedEntity& item, Package& package) {
    const TypeEntry& type = instance_or_component(item, TypeEntry::Kind::kInstance);
    if (named_interfaces_.contains(name)) return {true, register_import(name, item)};
    const ComponentName parsed = parse_component_name(name, item.version_suffix);
    if (parsed.kind != ComponentName::Kind::kInterface &&
        parsed.kind != ComponentName::Kind::kLabel) {
      fail_decode("cannot extract an interface name from `" + name + "`");
    }
    Interface interface;
    if (parsed.id) interface.name = parsed.id->item;
    const Owner owner{Owner::Kind::kInterface,
                      static_cast<std::uint32_t>(resolve.interfaces.size())};
    for (const NamedEntity& exported : type.exports) {
      if (exported.entity.kind == Entity::Kind::kType) {
        if (interface.type_named(exported.name) != kNone) {
          fail_decode("interface " + name + " exports type `" + exported.name + "` twice");
        }
        interface.add_type(exported.name, register_type_export(exported, owner));
      } else if (exported.entity.kind == Entity::Kind::kFunc) {
        if (!interface.add_function(convert_function(exported, owner))) {
          fail_decode("interface " + name + " exports function `" + exported.name + "` twice");
        }
      } else {
        fail_decode("instance export `" + exported.name + "` of " + name +
                    " is not a type or a function");
      }
    }
    const std::optional<std::string> interface_name = interface.name;
    resolve.interfaces.push_back(std::move(interface));
    const std::uint32_t id = owner.id;
    if (!interface_name) return {false, id};
    for (const auto& [existing, ignored] : package.interfaces) {
      if (existing == *interface_name) fail_decode("interface " + name + " is defined twice");
    }
    package.interfaces.emplace_back(*interface_name, id);
    named_interfaces_.emplace(name, id);
    return {true, id};
  }

  std::uint32_t find_alias(TypeId id) const {
    for (TypeId current = id; current != kNoType; current = space_.peel(current)) {
      if (auto found = type_map_.find(current); found != type_map_.end()) return found->second;
    }
    return kNone;
  }

  void map_type(TypeId wasm_type, std::uint32_t wit_type, const std::string& name) {
    if (!type_map_.emplace(wasm_type, wit_type).second) {
      fail_decode("cannot show this component as WIT: the type `" + name +
                  "` appears more than once (an imported instance exported again under a new "
                  "name, for example)");
    }
  }

  std::uint32_t register_type_export(const NamedEntity& item, Owner owner) {
    TypeDef def;
    const std::uint32_t previous = find_alias(item.entity.referenced);
    if (previous != kNone) {
      def.kind = TypeDef::Kind::kAlias;
      def.first = Type::of(previous);
    } else {
      const TypeEntry& referenced = space_.content(item.entity.referenced);
      if (referenced.kind == TypeEntry::Kind::kDefined) {
        def = convert_defined(referenced);
      } else if (referenced.kind == TypeEntry::Kind::kResource) {
        def.kind = TypeDef::Kind::kResource;
      } else {
        fail_decode("the type `" + item.name + "` is not a value type or a resource known here");
      }
    }
    def.name = item.name;
    def.owner = owner;
    const auto id = static_cast<std::uint32_t>(resolve.types.size());
    const bool is_resource = def.kind == TypeDef::Kind::kResource;
    resolve.types.push_back(std::move(def));
    if (is_resource && !resources_[{owner.kind, owner.id}].emplace(item.name, id).second) {
      fail_decode("resource `" + item.name + "` is defined twice");
    }
    map_type(item.entity.id, id, item.name);
    return id;
  }

  void register_world(const std::string& name, const TypeEntry& type, Package& package) {
    const ComponentName parsed = parse_component_name(name, {});
    World world;
    world.name = parsed.id->item;
    const Owner owner{Owner::Kind::kWorld, static_cast<std::uint32_t>(resolve.worlds.size())};
    for (const NamedEntity& import : type.imports) {
      WorldItem item;
      switch (import.entity.kind) {
        case Entity::Kind::kInstance:
          item = decode_world_instance(import, package);
          break;
        case Entity::Kind::kType:
          item.kind = WorldItem::Kind::kType;
          item.name = import.name;
          item.id = register_type_export(import, owner);
          break;
        case Entity::Kind::kFunc:
          item.kind = WorldItem::Kind::kFunction;
          item.name = import.name;
          item.function = convert_function(import, owner);
          break;
        default:
          fail_decode("world import `" + import.name + "` is not an instance, function or type");
      }
      insert_world_item(world.imports, std::move(item));
    }
    for (const NamedEntity& exported : type.exports) {
      WorldItem item;
      switch (exported.entity.kind) {
        case Entity::Kind::kInstance:
          item = decode_world_instance(exported, package);
          break;
        case Entity::Kind::kFunc:
          item.kind = WorldItem::Kind::kFunction;
          item.name = exported.name;
          item.function = convert_function(exported, owner);
          break;
        default:
          fail_decode("world export `" + exported.name + "` is not an instance or function");
      }
      insert_world_item(world.exports, std::move(item));
    }
    for (const auto& [existing, ignored] : package.worlds) {
      if (existing == world.name) fail_decode("world " + name + " is defined twice");
    }
    package.worlds.emplace_back(world.name, owner.id);
    resolve.worlds.push_back(std::move(world));
  }

  Function convert_function(const NamedEntity& item, Owner owner) {
    if (item.entity.id == kNoType ||
        space_.content(item.entity.id).kind != TypeEntry::Kind::kFunc) {
      fail_decode("the type of function `" + item.name + "` is not known here");
    }
    const TypeEntry& type = space_.content(item.entity.id);
    const ComponentName name = parse_component_name(item.name, item.version_suffix);
    Function function;
    function.name = item.name;
    function.is_async = type.is_async;
    auto resource = [&] {
      const auto& named = resources_[{owner.kind, owner.id}];
      const auto found = named.find(name.resource);
      if (found == named.end()) {
        fail_decode("function `" + item.name + "` belongs to resource `" + name.resource +
                    "`, which is not defined before it");
      }
      return found->second;
    };
    switch (name.kind) {
      case ComponentName::Kind::kLabel:
        function.kind = Function::Kind::kFreestanding;
        break;
      case ComponentName::Kind::kConstructor:
        function.kind = Function::Kind::kConstructor;
        function.resource = resource();
        break;
      case ComponentName::Kind::kMethod:
        function.kind = Function::Kind::kMethod;
        function.resource = resource();
        break;
      case ComponentName::Kind::kStatic:
        function.kind = Function::Kind::kStatic;
        function.resource = resource();
        break;
      case ComponentName::Kind::kInterface:
        fail_decode("function `" + item.name + "` has an interface name");
    }
    for (const auto& [param_name, param_type] : type.params) {
      function.params.push_back(Param{param_name, convert_val_type(param_type)});
    }
    if (type.result) function.result = convert_val_type(*type.result);
    return function;
  }

  Type convert_val_type(const ValType& type) {
    if (!type.is_id()) return Type{type.primitive, kNone};
    if (auto found = type_map_.find(type.id); found != type_map_.end()) {
      return Type::of(found->second);
    }
    // Anonymous types nest by recursion here, in the printer and in the encoder: bound it.
    if (nesting_ >= kMaxNesting) {
      fail_decode("types nested deeper than " + std::to_string(kMaxNesting) + " levels");
    }
    ++nesting_;
    struct Leave {
      int& nesting;
      ~Leave() { --nesting; }
    } leave{nesting_};
    TypeDef def = convert_defined(space_.content(type.id));
    switch (def.kind) {
      case TypeDef::Kind::kRecord:
      case TypeDef::Kind::kResource:
      case TypeDef::Kind::kFlags:
      case TypeDef::Kind::kVariant:
      case TypeDef::Kind::kEnum:
        fail_decode(
            "a record, variant, enum, flags or resource type without a name, which WIT "
            "cannot express");
      default:
        break;
    }
    const auto id = static_cast<std::uint32_t>(resolve.types.size());
    resolve.types.push_back(std::move(def));
    type_map_.emplace(type.id, id);
    return Type::of(id);
  }

  TypeDef convert_defined(const TypeEntry& entry) {
    TypeDef def;
    auto optional = [&](const std::optional<ValType>& type) -> std::optional<Type> {
      if (!type) return std::nullopt;
      return convert_val_type(*type);
    };
    switch (entry.code) {
      case 0:
        def.kind = TypeDef::Kind::kAlias;
        def.first = Type{entry.primitive, kNone};
        break;
      case detail::code::kRecord:
      case detail::code::kVariant:
      case detail::code::kFlags:
      case detail::code::kEnum:
        def.kind = entry.code == detail::code::kRecord    ? TypeDef::Kind::kRecord
                   : entry.code == detail::code::kVariant ? TypeDef::Kind::kVariant
                   : entry.code == detail::code::kFlags   ? TypeDef::Kind::kFlags
                                                          : TypeDef::Kind::kEnum;
        for (const auto& [label, type] : entry.labeled) {
          def.items.push_back(NamedItem{label, optional(type), {}});
        }
        break;
      case detail::code::kList:
        def.kind = TypeDef::Kind::kList;
        def.first = optional(entry.first);
        break;
      case detail::code::kFixedList:
        def.kind = TypeDef::Kind::kFixedList;
        def.first = optional(entry.first);
        def.length = entry.length;
        break;
      case detail::code::kMap:
        def.kind = TypeDef::Kind::kMap;
        def.first = optional(entry.first);
        def.second = optional(entry.second);
        break;
      case detail::code::kTuple:
        def.kind = TypeDef::Kind::kTuple;
        for (const ValType& element : entry.elements)
          def.types.push_back(convert_val_type(element));
        break;
      case detail::code::kOption:
        def.kind = TypeDef::Kind::kOption;
        def.first = optional(entry.first);
        break;
      case detail::code::kResult:
        def.kind = TypeDef::Kind::kResult;
        def.first = optional(entry.first);
        def.second = optional(entry.second);
        break;
      case detail::code::kOwn:
      case detail::code::kBorrow: {
        def.kind = entry.code == detail::code::kOwn ? TypeDef::Kind::kOwn : TypeDef::Kind::kBorrow;
        const auto found = type_map_.find(entry.resource);
        if (found == type_map_.end()) {
          fail_decode("a handle to a resource that has no name here, which WIT cannot express");
        }
        def.resource = found->second;
        break;
      }
      case detail::code::kFuture:
      case detail::code::kStream:
        def.kind =
            entry.code == detail::code::kFuture ? TypeDef::Kind::kFuture : TypeDef::Kind::kStream;
        def.first = optional(entry.first);
        break;
      default:
        fail_decode("a value type WIT cannot express");
    }
    return def;
  }

  void visit_package(std::size_t index, std::vector<std::size_t>& order,
                     std::set<std::size_t>& visiting) const {
    // A cycle between foreign packages cannot come from WIT; stop at it rather than recurse.
    if (std::find(order.begin(), order.end(), index) != order.end()) return;
    if (!visiting.insert(index).second) return;
    for (const auto& [ignored, interface] : foreign_packages_[index].interfaces) {
      for (std::uint32_t dep : resolve.interface_direct_deps(interface)) {
        const auto found = interface_package_.find(dep);
        if (found != interface_package_.end() && found->second != index) {
          visit_package(found->second, order, visiting);
        }
      }
    }
    order.push_back(index);
  }

  std::uint32_t insert_package(Package package) {
    std::uint32_t id = kNone;
    for (std::uint32_t i = 0; i < resolve.packages.size(); ++i) {
      if (resolve.packages[i].name == package.name) id = i;
    }
    if (id == kNone) {
      id = static_cast<std::uint32_t>(resolve.packages.size());
      Package empty;
      empty.name = package.name;
      empty.docs = package.docs;
      resolve.packages.push_back(std::move(empty));
    }
    // What `package` defines goes before what references to it made earlier (a world of the
    // package importing one of its interfaces that it never defines): the encoder writes a
    // package's interfaces in this order, and each must come after the ones it uses.
    auto& interfaces = resolve.packages[id].interfaces;
    const auto& defined = package.interfaces;
    for (auto at = defined.begin(); at != defined.end(); ++at) {
      const auto named = [&](const auto& entry) { return entry.first == at->first; };
      if (std::any_of(interfaces.begin(), interfaces.end(), named) ||
          std::any_of(defined.begin(), at, named)) {
        fail_decode("interface " + at->first + " is defined twice");
      }
      resolve.interfaces[at->second].package = id;
    }
    interfaces.insert(interfaces.begin(), defined.begin(), defined.end());
    for (auto& [name, world] : package.worlds) {
      resolve.packages[id].worlds.emplace_back(name, world);
      World& added = resolve.worlds[world];
      added.package = id;
      for (const auto* items : {&added.imports, &added.exports}) {
        for (const WorldItem& item : *items) {
          if (item.kind == WorldItem::Kind::kInterface && !item.keyed_by_interface &&
              !resolve.interfaces[item.id].name) {
            resolve.interfaces[item.id].package = id;
          }
        }
      }
    }
    return id;
  }

  static constexpr int kMaxNesting = 500;

  const TypeSpace& space_;
  int nesting_ = 0;
  Package* component_package_ = nullptr;
  std::vector<Package> foreign_packages_;
  std::map<std::string, std::size_t> foreign_package_index_;
  std::unordered_map<std::uint32_t, std::size_t> interface_package_;
  std::unordered_map<std::string, std::uint32_t> named_interfaces_;
  std::map<std::pair<Owner::Kind, std::uint32_t>, std::map<std::string, std::uint32_t>> resources_;
  std::unordered_map<TypeId, std::uint32_t> type_map_;
};

enum class Encoding { kComponent, kV1Package, kV2Package };

Encoding encoding_of(const TopLevel& top) {
  if (top.externs.empty()) return Encoding::kComponent;
  for (const TopLevelExtern& item : top.externs) {
    if (item.is_import || item.item.entity.kind != Entity::Kind::kType ||
        top.space.content(item.item.entity.id).kind != TypeEntry::Kind::kComponent) {
      return Encoding::kComponent;
    }
  }
  const std::string& first = top.externs.front().item.name;
  if (wasm::is_label(first)) return Encoding::kV2Package;
  if (first.ends_with("/wit") || first.find("/wit@") != std::string::npos) {
    return Encoding::kV1Package;
  }
  return Encoding::kComponent;
}

Decoded decode_package(const TopLevel& top) {
  WitPackageDecoder decoder(top.space);
  Package package;
  std::optional<PackageName> name;
  for (const TopLevelExtern& item : top.externs) {
    const TypeEntry& component = top.space.content(item.item.entity.id);
    if (component.exports.size() != 1) {
      fail_decode("expected a single export in the type of `" + item.item.name + "`, found " +
                  std::to_string(component.exports.size()));
    }
    const NamedEntity& inner = component.exports.front();
    PackageName item_package;
    if (inner.entity.kind == Entity::Kind::kComponent) {
      item_package = decoder.decode_world(inner, package);
    } else if (inner.entity.kind == Entity::Kind::kInstance) {
      item_package = decoder.decode_interface(inner, component.imports, package);
    } else {
      fail_decode("the export of `" + item.item.name + "` is not an interface or a world");
    }
    if (name && *name != item_package) {
      fail_decode("items of two packages in one WIT package: " + name->to_string() + " and " +
                  item_package.to_string());
    }
    name = item_package;
  }
  package.name = *name;
  Decoded decoded;
  decoded.is_package = true;
  decoded.package = decoder.finish(std::move(package));
  decoded.resolve = std::move(decoder.resolve);
  return decoded;
}

Decoded decode_component(const TopLevel& top) {
  WitPackageDecoder decoder(top.space);
  World root;
  root.name = "root";
  decoder.resolve.worlds.push_back(std::move(root));
  Package package;
  package.name = PackageName{"root", "component", ""};
  package.worlds.emplace_back("root", 0);
  decoder.set_component_package(&package);
  for (const TopLevelExtern& item : top.externs) {
    if (item.is_import) {
      decoder.decode_component_import(item.item, 0);
    } else {
      decoder.decode_component_export(item.item, 0);
    }
  }
  decoder.set_component_package(nullptr);
  Decoded decoded;
  decoded.package = decoder.finish(std::move(package));
  decoded.resolve = std::move(decoder.resolve);
  return decoded;
}

}  // namespace

Result<Decoded> decode(std::span<const std::uint8_t> bytes) {
  auto info = wasm::read_component(bytes);
  if (!info) return std::move(info).error();
  if (info->kind == wasm::BinaryKind::kCoreModule) return wasm::core_module_error();
  try {
    TopLevel top;
    read_top_level(bytes, top);
    Decoded decoded;
    switch (encoding_of(top)) {
      case Encoding::kV1Package:
        return fail(ErrorCode::kInvalidArgument,
                    "this WIT package is in the first binary encoding (exports named ns:pkg/wit), "
                    "which wreg does not print; encode it again with a current wasm-tools");
      case Encoding::kV2Package:
        decoded = decode_package(top);
        break;
      case Encoding::kComponent:
        decoded = decode_component(top);
        break;
    }
    if (top.package_docs) {
      if (auto injected = inject_package_docs(*top.package_docs, decoded.package, decoded.resolve);
          !injected) {
        return std::move(injected).error();
      }
    }
    return decoded;
  } catch (const DecodeFailure& failure) {
    // Names in the message come from the binary.
    return fail(ErrorCode::kInvalidArgument,
                "cannot show this binary as WIT: " + escaped(failure.message));
  }
}

}  // namespace wreg::wit
