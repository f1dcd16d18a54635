// The component binary reader: classifies a .wasm and reads what wreg records of it.
//
// Format: WebAssembly/component-model design/mvp/Binary.md (the binary), WIT.md "Package Format"
// (a WIT package is a component of types only). Every length in the input is checked before it
// is used; nesting depth, counts and name lengths are bounded; names must be valid UTF-8.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"
#include "common/wasm/component_info.h"

namespace wreg::wasm {

// Reads `bytes` (the whole file, typically memory-mapped; nested core modules are skipped by
// their size, never copied). kInvalidArgument with a one-line message naming what was expected
// and the byte offset, e.g. `not a WebAssembly binary: expected magic \0asm at offset 0`.
// A core module is not an error here: kind is kCoreModule and the caller decides.
// Pure and thread-safe.
Result<ComponentInfo> read_component(std::span<const std::uint8_t> bytes);

// The error for a core module offered where a component or a WIT package is needed (publish,
// the server's upload check): kInvalidArgument, one line that says how to make a component of
// it with `wasm-tools component new`. Callers prepend the file name when they have one.
Error core_module_error();

}  // namespace wreg::wasm
