#include "common/wit/encoder.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "common/wit/package_docs.h"

namespace wreg::wit {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct EncodeFailure {
  std::string message;
};

[[noreturn]] void fail_encode(std::string message) { throw EncodeFailure{std::move(message)}; }

void put_u32(Bytes& out, std::uint64_t value) {
  do {
    std::uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(byte);
  } while (value != 0);
}

void put_s64(Bytes& out, std::int64_t value) {
  bool more = true;
  while (more) {
    std::uint8_t byte = value & 0x7f;
    value >>= 7;  // arithmetic shift
    more = !((value == 0 && (byte & 0x40) == 0) || (value == -1 && (byte & 0x40) != 0));
    if (more) byte |= 0x80;
    out.push_back(byte);
  }
}

void put_name(Bytes& out, std::string_view name) {
  put_u32(out, name.size());
  out.insert(out.end(), name.begin(), name.end());
}

void put_bytes(Bytes& out, const Bytes& bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void put_section(Bytes& out, std::uint8_t id, const Bytes& payload) {
  out.push_back(id);
  put_u32(out, payload.size());
  put_bytes(out, payload);
}

void put_custom_section(Bytes& out, std::string_view name, const Bytes& data) {
  Bytes payload;
  put_name(payload, name);
  put_bytes(payload, data);
  put_section(out, 0x00, payload);
}

std::uint8_t primitive_code(Type::Kind kind) {
  switch (kind) {
    case Type::Kind::kBool:
      return 0x7f;
    case Type::Kind::kS8:
      return 0x7e;
    case Type::Kind::kU8:
      return 0x7d;
    case Type::Kind::kS16:
      return 0x7c;
    case Type::Kind::kU16:
      return 0x7b;
    case Type::Kind::kS32:
      return 0x7a;
    case Type::Kind::kU32:
      return 0x79;
    case Type::Kind::kS64:
      return 0x78;
    case Type::Kind::kU64:
      return 0x77;
    case Type::Kind::kF32:
      return 0x76;
    case Type::Kind::kF64:
      return 0x75;
    case Type::Kind::kChar:
      return 0x74;
    case Type::Kind::kString:
      return 0x73;
    case Type::Kind::kErrorContext:
      return 0x64;
    case Type::Kind::kId:
      break;
  }
  return 0;
}

// Binary.md `valtype` as wasm-encoder writes it: a primitive's code, or the index as an s33.
struct ValType {
  bool primitive = true;
  std::uint8_t code = 0;
  std::uint32_t index = 0;

  void put(Bytes& out) const {
    if (primitive) {
      out.push_back(code);
    } else {
      put_s64(out, index);
    }
  }
};

// Binary.md `externname` with its attributes (only `implements` is ever written here).
struct ExternName {
  std::string name;
  std::string implements;

  void put(Bytes& out) const {
    out.push_back(implements.empty() ? 0x00 : 0x02);
    put_name(out, name);
    if (implements.empty()) return;
    put_u32(out, 1);
    out.push_back(0x00);
    put_name(out, implements);
  }
};

// Binary.md `externdesc` of the kinds written here.
struct TypeRef {
  enum class Kind : std::uint8_t { kFunc, kTypeEq, kSubResource, kComponent, kInstance };
  Kind kind = Kind::kFunc;
  std::uint32_t index = 0;

  void put(Bytes& out) const {
    switch (kind) {
      case Kind::kFunc:
        out.push_back(0x01);
        return put_u32(out, index);
      case Kind::kTypeEq:
        out.push_back(0x03);
        out.push_back(0x00);
        return put_u32(out, index);
      case Kind::kSubResource:
        out.push_back(0x03);
        out.push_back(0x01);
        return;
      case Kind::kComponent:
        out.push_back(0x04);
        return put_u32(out, index);
      case Kind::kInstance:
        out.push_back(0x05);
        return put_u32(out, index);
    }
  }
};

// The declarations of a component type or an instance type being written, with the index
// counters wasm-encoder's ComponentType and InstanceType keep.
class Declarations {
 public:
  explicit Declarations(bool component) : component_(component) {}

  std::uint32_t type_count() const { return types_; }

  // A type definition (`deftype` bytes); returns its index.
  std::uint32_t define(const Bytes& deftype) {
    begin(0x01);
    put_bytes(bytes_, deftype);
    return types_++;
  }
  void alias_instance_export(std::uint32_t instance, std::string_view name) {
    begin(0x02);
    bytes_.push_back(0x03);  // sort: type
    bytes_.push_back(0x00);  // target: export of an instance
    put_u32(bytes_, instance);
    put_name(bytes_, name);
    ++types_;
  }
  void alias_outer_type(std::uint32_t count, std::uint32_t index) {
    begin(0x02);
    bytes_.push_back(0x03);
    bytes_.push_back(0x02);  // target: outer
    put_u32(bytes_, count);
    put_u32(bytes_, index);
    ++types_;
  }
  void import_item(const ExternName& name, const TypeRef& ref) { add_extern(0x03, name, ref); }
  void export_item(const ExternName& name, const TypeRef& ref) { add_extern(0x04, name, ref); }

  // The whole type: 0x41 (component) or 0x42 (instance), then the declarations.
  Bytes type_bytes() const {
    Bytes out{static_cast<std::uint8_t>(component_ ? 0x41 : 0x42)};
    put_u32(out, count_);
    put_bytes(out, bytes_);
    return out;
  }

 private:
  void begin(std::uint8_t tag) {
    bytes_.push_back(tag);
    ++count_;
  }
  void add_extern(std::uint8_t tag, const ExternName& name, const TypeRef& ref) {
    begin(tag);
    name.put(bytes_);
    ref.put(bytes_);
    if (ref.kind == TypeRef::Kind::kTypeEq || ref.kind == TypeRef::Kind::kSubResource) ++types_;
  }

  bool component_;
  Bytes bytes_;
  std::uint32_t count_ = 0;
  std::uint32_t types_ = 0;
};

// wit-component's TypeEncodingMaps: what was already written in the current scope, by TypeDef
// and (for types without a name) by structure, and function types by signature.
struct TypeEncodingMaps {
  std::unordered_map<std::uint32_t, std::uint32_t> id_to_index;
  std::map<std::string, std::uint32_t> def_to_index;
  std::map<std::string, std::uint32_t> func_type_map;
};

// The encoder of one component type (a world, or an interface with the interfaces it uses),
// wit-component's InterfaceEncoder.
class InterfaceEncoder {
 public:
  explicit InterfaceEncoder(const Resolve& resolve) : resolve_(resolve) {}

  Declarations outer{true};
  std::optional<std::uint32_t> interface;
  bool import_types = false;

  std::uint32_t encode_instance(std::uint32_t id) {
    push_instance();
    const Interface& iface = resolve_.interfaces[id];
    std::unordered_map<std::uint32_t, std::size_t> type_order;
    for (const auto& [name, type] : iface.types) {
      encode_valtype(Type::of(type));
      type_order.emplace(type, type_order.size());
    }
    // Resource functions first, in the order of their resources, then the others.
    std::vector<const Function*> functions;
    for (const Function& function : iface.functions) functions.push_back(&function);
    auto rank = [&](const Function* function) {
      const auto found = type_order.find(function->resource);
      return found == type_order.end() ? type_order.size() : found->second;
    };
    std::stable_sort(functions.begin(), functions.end(),
                     [&](const Function* a, const Function* b) { return rank(a) < rank(b); });
    for (const Function* function : functions) {
      const std::uint32_t type = encode_func_type(*function);
      instance_->export_item(ExternName{function->name, {}}, TypeRef{TypeRef::Kind::kFunc, type});
    }
    return finish_instance(id);
  }

  // The types of a dependency of the interface being encoded, as one imported instance.
  std::uint32_t encode_dependency_instance(std::uint32_t id) {
    push_instance();
    for (const auto& [name, type] : resolve_.interfaces[id].types) encode_valtype(Type::of(type));
    return finish_instance(id);
  }

  std::uint32_t encode_func_type(const Function& function) {
    std::string key = function.is_async ? "async(" : "(";
    for (const Param& param : function.params) key += param.name + ":" + key_of(param.type) + ",";
    key += ")" + (function.result ? key_of(*function.result) : std::string("-"));
    if (auto found = maps_.func_type_map.find(key); found != maps_.func_type_map.end()) {
      return found->second;
    }
    std::vector<ValType> params;
    for (const Param& param : function.params) params.push_back(encode_valtype(param.type));
    std::optional<ValType> result;
    if (function.result) result = encode_valtype(*function.result);
    Bytes bytes{static_cast<std::uint8_t>(function.is_async ? 0x43 : 0x40)};
    put_u32(bytes, params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      put_name(bytes, function.params[i].name);
      params[i].put(bytes);
    }
    if (result) {
      bytes.push_back(0x00);
      result->put(bytes);
    } else {
      bytes.push_back(0x01);
      bytes.push_back(0x00);
    }
    const std::uint32_t index = define(bytes);
    maps_.func_type_map.emplace(std::move(key), index);
    return index;
  }

  ValType encode_valtype(const Type& type) {
    if (!type.is_id()) return ValType{true, primitive_code(type.kind), 0};
    const std::uint32_t id = type.id;
    if (auto index = lookup(id)) return ValType{false, 0, *index};
    const TypeDef& def = resolve_.types[id];
    if (auto imported = maybe_import_type(id)) {
      insert(id, *imported);
      return ValType{false, 0, *imported};
    }
    ValType encoded;
    Bytes bytes;
    auto define_here = [&](const Bytes& deftype) { encoded = ValType{false, 0, define(deftype)}; };
    auto put_optional = [&](Bytes& out, const std::optional<ValType>& value) {
      if (value) {
        out.push_back(0x01);
        value->put(out);
      } else {
        out.push_back(0x00);
      }
    };
    auto optional = [&](const std::optional<Type>& value) -> std::optional<ValType> {
      if (!value) return std::nullopt;
      return encode_valtype(*value);
    };
    switch (def.kind) {
      case TypeDef::Kind::kRecord: {
        std::vector<ValType> fields;
        for (const NamedItem& item : def.items) fields.push_back(encode_valtype(*item.type));
        bytes.push_back(0x72);
        put_u32(bytes, fields.size());
        for (std::size_t i = 0; i < fields.size(); ++i) {
          put_name(bytes, def.items[i].name);
          fields[i].put(bytes);
        }
        define_here(bytes);
        break;
      }
      case TypeDef::Kind::kTuple: {
        std::vector<ValType> elements;
        for (const Type& element : def.types) elements.push_back(encode_valtype(element));
        bytes.push_back(0x6f);
        put_u32(bytes, elements.size());
        for (const ValType& element : elements) element.put(bytes);
        define_here(bytes);
        break;
      }
      case TypeDef::Kind::kFlags:
      case TypeDef::Kind::kEnum:
        bytes.push_back(def.kind == TypeDef::Kind::kFlags ? 0x6e : 0x6d);
        put_u32(bytes, def.items.size());
        for (const NamedItem& item : def.items) put_name(bytes, item.name);
        define_here(bytes);
        break;
      case TypeDef::Kind::kVariant: {
        std::vector<std::optional<ValType>> cases;
        for (const NamedItem& item : def.items) cases.push_back(optional(item.type));
        bytes.push_back(0x71);
        put_u32(bytes, cases.size());
        for (std::size_t i = 0; i < cases.size(); ++i) {
          put_name(bytes, def.items[i].name);
          put_optional(bytes, cases[i]);
          bytes.push_back(0x00);
        }
        define_here(bytes);
        break;
      }
      case TypeDef::Kind::kOption: {
        const ValType payload = encode_valtype(*def.first);
        bytes.push_back(0x6b);
        payload.put(bytes);
        define_here(bytes);
        break;
      }
      case TypeDef::Kind::kResult: {
        const auto ok = optional(def.first);
        const auto err = optional(def.second);
        bytes.push_back(0x6a);
        put_optional(bytes, ok);
        put_optional(bytes, err);
        define_here(bytes);
        break;
      }
      case TypeDef::Kind::kList: {
        const ValType element = encode_valtype(*def.first);
        bytes.push_back(0x70);
        element.put(bytes);
        define_here(bytes);
        break;
      }
      case TypeDef::Kind::kFixedList: {
        const ValType element = encode_valtype(*def.first);
        bytes.push_back(0x67);
        element.put(bytes);
        put_u32(bytes, def.length);
        define_here(bytes);
        break;
      }
      case TypeDef::Kind::kMap: {
        const ValType key = encode_valtype(*def.first);
        const ValType value = encode_valtype(*def.second);
        bytes.push_back(0x63);
        key.put(bytes);
        value.put(bytes);
        define_here(bytes);
        break;
      }
      case TypeDef::Kind::kAlias:
        encoded = encode_valtype(*def.first);
        break;
      case TypeDef::Kind::kFuture:
      case TypeDef::Kind::kStream: {
        const auto payload = optional(def.first);
        bytes.push_back(def.kind == TypeDef::Kind::kFuture ? 0x65 : 0x66);
        put_optional(bytes, payload);
        define_here(bytes);
        break;
      }
      case TypeDef::Kind::kResource: {
        if (!def.name) fail_encode("a resource without a name");
        const std::uint32_t index = export_resource(*def.name);
        maps_.id_to_index[id] = index;
        return ValType{false, 0, index};
      }
      case TypeDef::Kind::kOwn:
      case TypeDef::Kind::kBorrow: {
        const ValType resource = encode_valtype(Type::of(def.resource));
        bytes.push_back(def.kind == TypeDef::Kind::kOwn ? 0x69 : 0x68);
        put_u32(bytes, resource.index);
        define_here(bytes);
        break;
      }
    }
    if (def.name) {
      std::uint32_t index = encoded.index;
      if (encoded.primitive) index = define(Bytes{encoded.code});
      encoded = ValType{false, 0, export_type(index, *def.name)};
    }
    if (!encoded.primitive) insert(id, encoded.index);
    return encoded;
  }

 private:
  std::optional<std::uint32_t> lookup(std::uint32_t id) const {
    if (auto found = maps_.id_to_index.find(id); found != maps_.id_to_index.end()) {
      return found->second;
    }
    const TypeDef& def = resolve_.types[id];
    if (!def.name) {
      if (auto found = maps_.def_to_index.find(structural_key(def));
          found != maps_.def_to_index.end()) {
        return found->second;
      }
    }
    return std::nullopt;
  }

  void insert(std::uint32_t id, std::uint32_t index) {
    maps_.id_to_index[id] = index;
    const TypeDef& def = resolve_.types[id];
    if (!def.name) maps_.def_to_index[structural_key(def)] = index;
  }

  std::optional<std::uint32_t> maybe_import_type(std::uint32_t id) {
    const TypeDef& def = resolve_.types[id];
    if (def.owner.kind != Owner::Kind::kInterface) return std::nullopt;
    if (interface && *interface == def.owner.id) return std::nullopt;
    return import_type(def.owner.id, id);
  }

  std::uint32_t import_type(std::uint32_t owner, std::uint32_t id) {
    const auto instance = import_map_.find(owner);
    if (instance == import_map_.end()) {
      fail_encode("a type of interface " + resolve_.id_of_interface(owner) +
                  " is used before that interface is imported");
    }
    auto [found, inserted] = outer_type_map_.try_emplace(id, outer.type_count());
    if (inserted) {
      outer.alias_instance_export(instance->second, resolve_.types[id].name.value_or(""));
    }
    if (!instance_) return found->second;
    const std::uint32_t index = instance_->type_count();
    instance_->alias_outer_type(1, found->second);
    return index;
  }

  std::uint32_t define(const Bytes& deftype) {
    return instance_ ? instance_->define(deftype) : outer.define(deftype);
  }

  std::uint32_t export_type(std::uint32_t index, const std::string& name) {
    Declarations& scope = instance_ ? *instance_ : outer;
    const std::uint32_t result = scope.type_count();
    if (!instance_ && import_types) {
      scope.import_item(ExternName{name, {}}, TypeRef{TypeRef::Kind::kTypeEq, index});
    } else {
      scope.export_item(ExternName{name, {}}, TypeRef{TypeRef::Kind::kTypeEq, index});
    }
    return result;
  }

  std::uint32_t export_resource(const std::string& name) {
    Declarations& scope = instance_ ? *instance_ : outer;
    if (!instance_ && import_types) {
      scope.import_item(ExternName{name, {}}, TypeRef{TypeRef::Kind::kSubResource, 0});
    } else {
      scope.export_item(ExternName{name, {}}, TypeRef{TypeRef::Kind::kSubResource, 0});
    }
    return scope.type_count() - 1;
  }

  void push_instance() {
    saved_maps_ = std::move(maps_);
    maps_ = {};
    instance_.emplace(false);
  }

  std::uint32_t finish_instance(std::uint32_t id) {
    maps_ = std::move(saved_maps_);
    const Bytes instance = instance_->type_bytes();
    instance_.reset();
    const std::uint32_t index = outer.define(instance);
    import_map_[id] = instances_++;
    return index;
  }

  const Resolve& resolve_;
  std::optional<Declarations> instance_;
  TypeEncodingMaps maps_;
  TypeEncodingMaps saved_maps_;
  std::unordered_map<std::uint32_t, std::uint32_t> import_map_;
  std::unordered_map<std::uint32_t, std::uint32_t> outer_type_map_;
  std::uint32_t instances_ = 0;
};

// wit-parser's name_world_key and implements_value for one world item.
ExternName world_item_name(const Resolve& resolve, const WorldItem& item) {
  if (item.keyed_by_interface) return ExternName{resolve.id_of_interface(item.id), {}};
  ExternName name{item.name, {}};
  if (item.kind == WorldItem::Kind::kInterface && resolve.interfaces[item.id].name) {
    name.implements = resolve.id_of_interface(item.id);
  }
  return name;
}

// wit-component's `encode_world`: the world as a component type.
Bytes world_type(const Resolve& resolve, std::uint32_t world_id) {
  InterfaceEncoder encoder(resolve);
  const World& world = resolve.worlds[world_id];
  for (const WorldItem& item : world.imports) {
    TypeRef ref;
    if (item.kind == WorldItem::Kind::kInterface) {
      encoder.interface = item.id;
      ref = TypeRef{TypeRef::Kind::kInstance, encoder.encode_instance(item.id)};
    } else if (item.kind == WorldItem::Kind::kFunction) {
      encoder.interface.reset();
      ref = TypeRef{TypeRef::Kind::kFunc, encoder.encode_func_type(item.function)};
    } else {
      encoder.interface.reset();
      encoder.import_types = true;
      encoder.encode_valtype(Type::of(item.id));
      encoder.import_types = false;
      continue;
    }
    encoder.outer.import_item(world_item_name(resolve, item), ref);
  }
  for (const WorldItem& item : world.exports) {
    TypeRef ref;
    if (item.kind == WorldItem::Kind::kInterface) {
      encoder.interface = item.id;
      ref = TypeRef{TypeRef::Kind::kInstance, encoder.encode_instance(item.id)};
    } else if (item.kind == WorldItem::Kind::kFunction) {
      encoder.interface.reset();
      ref = TypeRef{TypeRef::Kind::kFunc, encoder.encode_func_type(item.function)};
    } else {
      fail_encode("a world exports a type, which WIT cannot express");
    }
    encoder.outer.export_item(world_item_name(resolve, item), ref);
  }
  return encoder.outer.type_bytes();
}

// A component type exporting one component type (a world's), under the world's id.
Bytes world_wrapper(const Resolve& resolve, std::uint32_t world) {
  Declarations wrapper(true);
  wrapper.define(world_type(resolve, world));
  wrapper.export_item(ExternName{resolve.id_of_world(world), {}},
                      TypeRef{TypeRef::Kind::kComponent, 0});
  return wrapper.type_bytes();
}

Bytes producers_section() {
  Bytes data;
  put_u32(data, 1);
  put_name(data, "processed-by");
  put_u32(data, 1);
  put_name(data, "wreg");
  put_name(data, WREG_VERSION);
  Bytes out;
  put_custom_section(out, "producers", data);
  return out;
}

Bytes preamble() { return Bytes{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}; }

// A type section with one type, then an export section exporting it under `name`.
void put_exported_type(Bytes& out, std::uint32_t index, const Bytes& type, std::string_view name) {
  Bytes types;
  put_u32(types, 1);
  put_bytes(types, type);
  put_section(out, 0x07, types);
  Bytes exports;
  put_u32(exports, 1);
  ExternName{std::string(name), {}}.put(exports);
  exports.push_back(0x03);  // sort: type
  put_u32(exports, index);
  exports.push_back(0x00);  // no type ascription
  put_section(out, 0x0b, exports);
}

// The interfaces `id` uses, transitively and dependencies first, then `id` itself
// (wit-component's add_live_interfaces).
void add_live_interfaces(const Resolve& resolve, std::vector<std::uint32_t>& live, std::uint32_t id,
                         std::set<std::uint32_t>& visiting) {
  if (std::find(live.begin(), live.end(), id) != live.end()) return;
  if (!visiting.insert(id).second) fail_encode("interfaces that use each other's types");
  for (std::uint32_t dep : resolve.interface_direct_deps(id)) {
    add_live_interfaces(resolve, live, dep, visiting);
  }
  live.push_back(id);
}

Bytes interface_type(const Resolve& resolve, std::uint32_t id) {
  std::vector<std::uint32_t> live;
  std::set<std::uint32_t> visiting;
  add_live_interfaces(resolve, live, id, visiting);
  InterfaceEncoder encoder(resolve);
  for (std::uint32_t interface : live) {
    encoder.interface = interface;
    const ExternName name{resolve.id_of_interface(interface), {}};
    if (interface == id) {
      const std::uint32_t index = encoder.encode_instance(interface);
      encoder.outer.export_item(name, TypeRef{TypeRef::Kind::kInstance, index});
    } else {
      const std::uint32_t index = encoder.encode_dependency_instance(interface);
      encoder.outer.import_item(name, TypeRef{TypeRef::Kind::kInstance, index});
    }
  }
  return encoder.outer.type_bytes();
}

}  // namespace

Result<std::vector<std::uint8_t>> encode_world(const Resolve& resolve, std::uint32_t world) {
  try {
    Bytes out = preamble();
    put_custom_section(out, "wit-component-encoding", Bytes{0x04, 0x00});  // version 4, UTF-8
    put_exported_type(out, 0, world_wrapper(resolve, world), resolve.worlds[world].name);
    put_bytes(out, producers_section());
    return out;
  } catch (const EncodeFailure& failure) {
    return fail(ErrorCode::kInvalidArgument, "cannot encode this world: " + failure.message);
  }
}

Result<std::vector<std::uint8_t>> encode_package(const Resolve& resolve, std::uint32_t package) {
  try {
    Bytes out = preamble();
    std::uint32_t index = 0;
    for (const auto& [name, interface] : resolve.packages[package].interfaces) {
      put_exported_type(out, index, interface_type(resolve, interface), name);
      index += 2;  // the type, and the export's new name for it
    }
    for (const auto& [name, world] : resolve.packages[package].worlds) {
      put_exported_type(out, index, world_wrapper(resolve, world), name);
      index += 2;
    }
    put_custom_section(out, "package-docs", package_docs_section(resolve, package));
    put_bytes(out, producers_section());
    return out;
  } catch (const EncodeFailure& failure) {
    return fail(ErrorCode::kInvalidArgument, "cannot encode this package: " + failure.message);
  }
}

}  // namespace wreg::wit
