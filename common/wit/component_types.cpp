#include "common/wit/component_types.h"

#include "common/wasm/limits.h"
#include "common/wasm/type_reader.h"

namespace wreg::wit::detail {
namespace {

// Binary.md `primvaltype` codes, as WIT types.
std::optional<Type::Kind> primitive_of(std::uint8_t code) {
  switch (code) {
    case 0x7f:
      return Type::Kind::kBool;
    case 0x7e:
      return Type::Kind::kS8;
    case 0x7d:
      return Type::Kind::kU8;
    case 0x7c:
      return Type::Kind::kS16;
    case 0x7b:
      return Type::Kind::kU16;
    case 0x7a:
      return Type::Kind::kS32;
    case 0x79:
      return Type::Kind::kU32;
    case 0x78:
      return Type::Kind::kS64;
    case 0x77:
      return Type::Kind::kU64;
    case 0x76:
      return Type::Kind::kF32;
    case 0x75:
      return Type::Kind::kF64;
    case 0x74:
      return Type::Kind::kChar;
    case 0x73:
      return Type::Kind::kString;
    case 0x64:
      return Type::Kind::kErrorContext;
    default:
      return std::nullopt;
  }
}

// Skips a core type (Binary.md `core:type`), which no WIT item is made of.
void skip_core_type(wasm::ByteReader& in) {
  std::vector<wasm::Declaration> ignored;
  wasm::ReadBudget budget;
  wasm::TypeReader(in, ignored, budget).read_core_type(0);
}

}  // namespace

const TypeEntry& TypeSpace::content(TypeId id) const {
  // Aliases only ever point at older ids, so this ends.
  while (entries_[id].alias_of != kNoType) id = entries_[id].alias_of;
  return entries_[id];
}

TypeId TypeSpace::add(TypeEntry entry) {
  entries_.push_back(std::move(entry));
  return static_cast<TypeId>(entries_.size() - 1);
}

TypeId TypeSpace::alias_to(TypeId target) {
  if (target == kNoType) return unknown();
  TypeEntry entry;
  entry.kind = entries_[target].kind;
  entry.alias_of = target;
  return add(std::move(entry));
}

TypeId TypeSpace::unknown() { return add(TypeEntry{}); }

TypeId TypeSpace::type_at(wasm::ByteReader& in, const Scope& scope, std::uint32_t index,
                          std::size_t at) const {
  if (index >= scope.types.size()) {
    in.fail_at(at, "type index " + std::to_string(index) + " is out of range (" +
                       std::to_string(scope.types.size()) + " types defined)");
    return kNoType;
  }
  return scope.types[index];
}

ValType TypeSpace::read_val_type(wasm::ByteReader& in, const Scope& scope) {
  const std::size_t at = in.offset();
  const std::int64_t value = in.read_s33("value type");
  if (!in.ok()) return {};
  if (value < 0) {
    auto primitive =
        value >= -0x40 ? primitive_of(static_cast<std::uint8_t>(value + 0x80)) : std::nullopt;
    if (!primitive) in.fail_at(at, "expected a value type, found " + std::to_string(value));
    return ValType{primitive.value_or(Type::Kind::kBool), kNoType};
  }
  const TypeId id = type_at(in, scope, static_cast<std::uint32_t>(value), at);
  if (id != kNoType && entries_[id].kind != TypeEntry::Kind::kDefined) {
    in.fail_at(at, "type index " + std::to_string(value) + " is not a value type");
    return {};
  }
  return ValType{Type::Kind::kBool, id};
}

std::optional<ValType> TypeSpace::read_optional_val_type(wasm::ByteReader& in, const Scope& scope) {
  if (in.read_u8("0x00 or 0x01 before an optional type") == 0x01) {
    return read_val_type(in, scope);
  }
  return std::nullopt;
}

void TypeSpace::read_defined(wasm::ByteReader& in, std::uint8_t type_code, const Scope& scope,
                             TypeEntry& out) {
  out.kind = TypeEntry::Kind::kDefined;
  out.code = type_code;
  if (auto primitive = primitive_of(type_code)) {
    out.code = 0;
    out.primitive = *primitive;
    return;
  }
  switch (type_code) {
    case code::kRecord: {
      const std::uint32_t count = in.read_count("record field count", 2);
      for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
        std::string label = in.read_name("record field name");
        out.labeled.emplace_back(std::move(label), read_val_type(in, scope));
      }
      return;
    }
    case code::kVariant: {
      const std::uint32_t count = in.read_count("variant case count", 3);
      for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
        std::string label = in.read_name("variant case name");
        auto type = read_optional_val_type(in, scope);
        if (in.read_u8("0x00 after a variant case") == 0x01) in.read_u32("refined case index");
        out.labeled.emplace_back(std::move(label), type);
      }
      return;
    }
    case code::kList:
    case code::kOption:
      out.first = read_val_type(in, scope);
      return;
    case code::kFixedList:
      out.first = read_val_type(in, scope);
      out.length = in.read_u32("list length");
      return;
    case code::kTuple: {
      const std::uint32_t count = in.read_count("tuple element count");
      for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
        out.elements.push_back(read_val_type(in, scope));
      }
      return;
    }
    case code::kFlags:
    case code::kEnum: {
      const std::uint32_t count = in.read_count("label count");
      for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
        out.labeled.emplace_back(in.read_name("label"), std::nullopt);
      }
      return;
    }
    case code::kResult:
      out.first = read_optional_val_type(in, scope);
      out.second = read_optional_val_type(in, scope);
      return;
    case code::kOwn:
    case code::kBorrow: {
      const std::size_t at = in.offset();
      const std::uint32_t index = in.read_u32("resource type index");
      out.resource = type_at(in, scope, index, at);
      if (out.resource != kNoType && entries_[out.resource].kind != TypeEntry::Kind::kResource) {
        in.fail_at(at, "type index " + std::to_string(index) + " is not a resource");
      }
      return;
    }
    case code::kStream:
    case code::kFuture:
      out.first = read_optional_val_type(in, scope);
      return;
    case code::kMap:
      out.first = read_val_type(in, scope);
      out.second = read_val_type(in, scope);
      return;
    default:
      in.fail_at(in.offset() - 1, "expected a type definition, found " + wasm::hex_byte(type_code));
  }
}

TypeId TypeSpace::read_type(wasm::ByteReader& in, std::vector<Scope>& scopes) {
  const std::uint8_t type_code = in.read_u8("a type definition");
  if (!in.ok()) return kNoType;
  const Scope& scope = scopes.back();
  TypeEntry entry;
  switch (type_code) {
    case 0x40:
    case 0x43: {  // func, async func
      entry.kind = TypeEntry::Kind::kFunc;
      entry.is_async = type_code == 0x43;
      const std::uint32_t count = in.read_count("function parameter count", 2);
      for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
        std::string label = in.read_name("parameter name");
        entry.params.emplace_back(std::move(label), read_val_type(in, scope));
      }
      const std::uint8_t form = in.read_u8("a function result list");
      if (form == 0x00) {
        entry.result = read_val_type(in, scope);
      } else if (in.read_count("named result count") != 0 && in.ok()) {
        in.fail("named function results, which WIT cannot express");
      }
      return add(std::move(entry));
    }
    case 0x41:
      return read_declarations(in, scopes, /*component=*/true);
    case 0x42:
      return read_declarations(in, scopes, /*component=*/false);
    case 0x3f: {  // resource (rep i32) (dtor)?
      std::vector<wasm::Declaration> ignored;
      wasm::ReadBudget budget;
      wasm::TypeReader(in, ignored, budget).read_core_value_type();
      if (in.read_u8("0x00 or 0x01 before a resource destructor") == 0x01) {
        in.read_u32("destructor function index");
      }
      entry.kind = TypeEntry::Kind::kResource;
      return add(std::move(entry));
    }
    default:
      read_defined(in, type_code, scope, entry);
      return add(std::move(entry));
  }
}

TypeId TypeSpace::read_declarations(wasm::ByteReader& in, std::vector<Scope>& scopes,
                                    bool component) {
  if (scopes.size() >= kMaxScopes) {
    in.fail("component types nested deeper than " + std::to_string(wasm::kMaxDepth) + " levels");
    return kNoType;
  }
  TypeEntry entry;
  entry.kind = component ? TypeEntry::Kind::kComponent : TypeEntry::Kind::kInstance;
  scopes.emplace_back();
  const std::uint32_t count = in.read_count("type declaration count");
  for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
    const std::uint8_t tag = in.read_u8("a declaration");
    switch (tag) {
      case 0x00:
        skip_core_type(in);
        break;
      case 0x01: {
        const TypeId id = read_type(in, scopes);
        if (in.ok()) scopes.back().types.push_back(id);
        break;
      }
      case 0x02:
        read_alias(in, scopes);
        break;
      case 0x03:
      case 0x04: {
        NamedEntity named = read_named(in, tag == 0x03 ? "import name" : "export name");
        named.entity = read_extern_desc(in, scopes);
        if (!in.ok()) break;
        push(scopes.back(), named.entity);
        (tag == 0x03 ? entry.imports : entry.exports).push_back(std::move(named));
        break;
      }
      default:
        in.fail_at(in.offset() - 1, "expected a type declaration, found " + wasm::hex_byte(tag));
    }
  }
  scopes.pop_back();
  return add(std::move(entry));
}

Entity TypeSpace::read_extern_desc(wasm::ByteReader& in, std::vector<Scope>& scopes) {
  const Scope& scope = scopes.back();
  Entity entity;
  const std::size_t at = in.offset();
  const std::uint8_t sort = in.read_u8("an extern type");
  auto typed = [&](TypeEntry::Kind expected, std::string_view what) {
    const std::size_t index_at = in.offset();
    const std::uint32_t index = in.read_u32("type index");
    const TypeId id = type_at(in, scope, index, index_at);
    if (id != kNoType && entries_[id].kind != expected) {
      in.fail_at(index_at, "type index " + std::to_string(index) + " is not " + std::string(what));
      return kNoType;
    }
    return id;
  };
  switch (sort) {
    case 0x00:  // core module
      in.read_u8("0x11");
      in.read_u32("core type index");
      entity.kind = Entity::Kind::kModule;
      break;
    case 0x01:
      entity.kind = Entity::Kind::kFunc;
      entity.id = typed(TypeEntry::Kind::kFunc, "a function type");
      break;
    case 0x02:
      entity.kind = Entity::Kind::kValue;
      if (in.read_u8("a value bound") == 0x00) {
        in.read_u32("value index");
      } else {
        read_val_type(in, scope);
      }
      break;
    case 0x03: {
      entity.kind = Entity::Kind::kType;
      if (in.read_u8("a type bound") == 0x00) {  // eq
        const std::size_t index_at = in.offset();
        const std::uint32_t index = in.read_u32("type index");
        entity.referenced = type_at(in, scope, index, index_at);
        if (entity.referenced != kNoType) entity.id = alias_to(entity.referenced);
      } else {  // sub resource
        TypeEntry resource;
        resource.kind = TypeEntry::Kind::kResource;
        entity.id = entity.referenced = add(std::move(resource));
      }
      break;
    }
    case 0x04:
      entity.kind = Entity::Kind::kComponent;
      entity.id = typed(TypeEntry::Kind::kComponent, "a component type");
      break;
    case 0x05:
      entity.kind = Entity::Kind::kInstance;
      entity.id = typed(TypeEntry::Kind::kInstance, "an instance type");
      break;
    default:
      in.fail_at(at, "expected an extern type, found " + wasm::hex_byte(sort));
  }
  return entity;
}

void TypeSpace::push(Scope& scope, const Entity& entity) {
  switch (entity.kind) {
    case Entity::Kind::kFunc:
      scope.funcs.push_back(entity.id);
      break;
    case Entity::Kind::kType:
      scope.types.push_back(entity.id);
      break;
    case Entity::Kind::kInstance:
      scope.instances.push_back(entity.id);
      break;
    case Entity::Kind::kComponent:
      scope.components.push_back(entity.id);
      break;
    case Entity::Kind::kModule:
    case Entity::Kind::kValue:
      break;
  }
}

void TypeSpace::read_alias(wasm::ByteReader& in, std::vector<Scope>& scopes) {
  Scope& scope = scopes.back();
  const std::uint8_t sort = in.read_u8("a sort");
  const bool core = sort == 0x00;
  if (core) in.read_u8("a core sort");
  const std::size_t at = in.offset();
  const std::uint8_t target = in.read_u8("an alias target");
  if (!in.ok()) return;
  if (target == 0x00) {  // export of an instance
    const std::uint32_t index = in.read_u32("instance index");
    std::string name = in.read_name("alias export name");
    if (core || !in.ok()) return;
    if (index >= scope.instances.size()) {
      return in.fail_at(at, "instance index " + std::to_string(index) + " is out of range");
    }
    const TypeId instance = scope.instances[index];
    Entity entity{sort == 0x03   ? Entity::Kind::kType
                  : sort == 0x01 ? Entity::Kind::kFunc
                  : sort == 0x05 ? Entity::Kind::kInstance
                  : sort == 0x04 ? Entity::Kind::kComponent
                                 : Entity::Kind::kValue,
                  kNoType, kNoType};
    if (instance != kNoType && content(instance).kind == TypeEntry::Kind::kInstance) {
      bool found = false;
      for (const NamedEntity& exported : content(instance).exports) {
        if (exported.name != name) continue;
        if (exported.entity.kind != entity.kind) {
          return in.fail_at(at, "export `" + name + "` of instance " + std::to_string(index) +
                                    " is not of the kind its alias says");
        }
        entity = exported.entity;
        found = true;
        break;
      }
      if (!found) {
        return in.fail_at(
            at, "instance " + std::to_string(index) + " has no export named `" + name + "`");
      }
    } else if (entity.kind == Entity::Kind::kType) {
      entity.id = entity.referenced = unknown();
    }
    push(scope, entity);
  } else if (target == 0x01) {  // core export
    in.read_u32("core instance index");
    in.read_name("alias core export name");
  } else {  // outer
    const std::uint32_t count = in.read_u32("outer count");
    const std::uint32_t index = in.read_u32("outer index");
    if (core || !in.ok()) return;
    if (count >= scopes.size()) {
      return in.fail_at(at, "outer alias count " + std::to_string(count) + " is out of range");
    }
    const Scope& outer = scopes[scopes.size() - 1 - count];
    if (sort == 0x03) {
      const TypeId id = type_at(in, outer, index, at);
      if (id != kNoType) scope.types.push_back(id);
    } else if (sort == 0x04) {
      scope.components.push_back(index < outer.components.size() ? outer.components[index]
                                                                 : kNoType);
    }
  }
}

NamedEntity read_named(wasm::ByteReader& in, std::string_view what) {
  std::vector<wasm::Declaration> ignored;
  wasm::ReadBudget budget;
  wasm::ExternName name = wasm::TypeReader(in, ignored, budget).read_extern_name(what);
  NamedEntity named;
  named.name = std::move(name.name);
  named.implements = std::move(name.implements);
  named.version_suffix = std::move(name.version_suffix);
  return named;
}

}  // namespace wreg::wit::detail
