#include "common/wasm/limits.h"

namespace wreg::wasm {

std::string past_limit(std::string_view what, std::size_t limit) {
  return std::string(what) + " is past wreg's limit of " + std::to_string(limit) +
         " (README.md, \"Limits\")";
}

}  // namespace wreg::wasm
