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

std::string PackageName::to_string() const {
  std::string text = space + ":" + name;
  if (!version.empty()) text += "@" + version;
  return text;
}

}  // namespace wreg::wit
