// The WIT decoder: a component binary to a Resolve, following wit-component's decoder
// (wit-parser `decoding.rs`) step by step, so that what it makes prints as the real one prints.
//
// A WIT package (a component whose every export is a component type wrapping one interface or
// world) becomes its package plus the foreign packages it refers to, as much of each as it
// carries. Any other component becomes package `root:component` with world `root`, made of its
// top-level imports and exports. Docs and stability come from the `package-docs` section.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"
#include "common/wit/model.h"

namespace wreg::wit {

struct Decoded {
  Resolve resolve;
  std::uint32_t package = kNone;  // the package the binary defines (root:component for one)
  bool is_package = false;        // a WIT package; false for a component
};

// Decodes a whole .wasm file. kInvalidArgument, one line, when it is not a valid component,
// is a core module, or holds something WIT cannot express.
Result<Decoded> decode(std::span<const std::uint8_t> bytes);

}  // namespace wreg::wit
