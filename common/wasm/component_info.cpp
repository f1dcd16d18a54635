#include "common/wasm/component_info.h"

namespace wreg::wasm {

std::string PackageId::to_string() const {
  std::string out = name.to_string();
  if (version) out += "@" + version->to_string();
  return out;
}

const char* to_string(BinaryKind kind) {
  switch (kind) {
    case BinaryKind::kWitPackage:
      return "wit-package";
    case BinaryKind::kComponent:
      return "component";
    case BinaryKind::kCoreModule:
      return "core-module";
  }
  return "unknown";
}

const char* to_string(ExternKind kind) {
  switch (kind) {
    case ExternKind::kModule:
      return "module";
    case ExternKind::kFunc:
      return "func";
    case ExternKind::kValue:
      return "value";
    case ExternKind::kType:
      return "type";
    case ExternKind::kComponent:
      return "component";
    case ExternKind::kInstance:
      return "instance";
  }
  return "unknown";
}

}  // namespace wreg::wasm
