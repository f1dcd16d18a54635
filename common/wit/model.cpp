#include "common/wit/model.h"

namespace wreg::wit {

std::string Function::item_name() const {
  switch (kind) {
    case Kind::kFreestanding:
      return name;
    case Kind::kConstructor:
      return "constructor";
    case Kind::kMethod:
    case Kind::kStatic:
      return name.substr(name.find('.') + 1);
  }
  return name;
}

bool Interface::add_type(std::string type_name, std::uint32_t type) {
  if (!type_index_.emplace(type_name, type).second) return false;
  types.emplace_back(std::move(type_name), type);
  return true;
}

bool Interface::add_function(Function function) {
  if (!function_index_.emplace(function.name, functions.size()).second) return false;
  functions.push_back(std::move(function));
  return true;
}

std::uint32_t Interface::type_named(std::string_view wanted) const {
  const auto found = type_index_.find(std::string(wanted));
  return found == type_index_.end() ? kNone : found->second;
}

Function* Interface::function_named(std::string_view wanted) {
  const auto found = function_index_.find(std::string(wanted));
  return found == function_index_.end() ? nullptr : &functions[found->second];
}

const Function* Interface::function_named(std::string_view wanted) const {
  const auto found = function_index_.find(std::string(wanted));
  return found == function_index_.end() ? nullptr : &functions[found->second];
}

bool WorldItem::same_key(const WorldItem& other) const {
  if (keyed_by_interface != other.keyed_by_interface) return false;
  return keyed_by_interface ? id == other.id : name == other.name;
}

std::uint32_t Resolve::interface_used_by(std::uint32_t type) const {
  const TypeDef& def = types[type];
  if (def.kind != TypeDef::Kind::kAlias || !def.first || !def.first->is_id()) return kNone;
  const TypeDef& other = types[def.first->id];
  if (other.owner == def.owner || other.owner.kind != Owner::Kind::kInterface) return kNone;
  return other.owner.id;
}

std::vector<std::uint32_t> Resolve::interface_direct_deps(std::uint32_t interface) const {
  std::vector<std::uint32_t> deps;
  for (const auto& [name, type] : interfaces[interface].types) {
    if (const std::uint32_t used = interface_used_by(type); used != kNone) deps.push_back(used);
  }
  return deps;
}

namespace {

std::string qualified(const PackageName& package, const std::string& item) {
  std::string id = package.space + ":" + package.name + "/" + item;
  if (!package.version.empty()) id += "@" + package.version;
  return id;
}

}  // namespace

std::string Resolve::id_of_interface(std::uint32_t interface) const {
  const Interface& iface = interfaces[interface];
  return qualified(packages[iface.package].name, iface.name.value_or(""));
}

std::string Resolve::id_of_world(std::uint32_t world) const {
  return qualified(packages[worlds[world].package].name, worlds[world].name);
}

std::string key_of(const Type& type) {
  return type.is_id() ? "#" + std::to_string(type.id) : std::to_string(static_cast<int>(type.kind));
}

std::string structural_key(const TypeDef& def) {
  auto optional = [](const std::optional<Type>& type) {
    return type ? key_of(*type) : std::string("-");
  };
  std::string key = std::to_string(static_cast<int>(def.kind)) + "(";
  for (const NamedItem& item : def.items) key += item.name + ":" + optional(item.type) + ",";
  for (const Type& type : def.types) key += key_of(type) + ",";
  return key + optional(def.first) + "," + optional(def.second) + "," +
         std::to_string(def.resource) + "," + std::to_string(def.length) + ")";
}

std::string PackageName::to_string() const {
  std::string text = space + ":" + name;
  if (!version.empty()) text += "@" + version;
  return text;
}

}  // namespace wreg::wit
