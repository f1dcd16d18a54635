// The WIT encoder: a Resolve to the binary WIT formats, following wit-component's encoder
// (`encoding/wit.rs`, `encoding/types.rs`, `metadata.rs`) step by step, so that the bytes are
// the ones it writes: the same type definitions, in the same order, deduplicated the same way.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "common/wit/model.h"

namespace wreg::wit {

// One world, as `wasm-tools component embed` writes it into a `component-type` custom section
// (and `wkg`/registries store for a package made from one world): a component of types that
// exports the world's component type under the world's name, with the
// `wit-component-encoding` section first and a `producers` section naming wreg last.
Result<std::vector<std::uint8_t>> encode_world(const Resolve& resolve, std::uint32_t world);

// A whole package in WIT.md's package format, as `wasm-tools component wit --wasm` writes it:
// one exported component type per interface and per world, then `package-docs` (the docs and
// stability the binary format has no place for) and `producers`.
Result<std::vector<std::uint8_t>> encode_package(const Resolve& resolve, std::uint32_t package);

}  // namespace wreg::wit
