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

std::uint32_t Interface::type_named(std::string_view wanted) const {
  for (const auto& [type_name, id] : types) {
    if (type_name == wanted) return id;
  }
  return kNone;
}

const Function* Interface::function_named(std::string_view wanted) const {
  for (const Function& function : functions) {
    if (function.name == wanted) return &function;
  }
  return nullptr;
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
