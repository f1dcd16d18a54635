// The component binary reader: classifies a .wasm and reads what wreg records of it.
//
// Format: WebAssembly/component-model design/mvp/Binary.md (the binary), WIT.md "Package Format"
// (a WIT package is a component of types only). Every length in the input is checked before it
// is used; nesting depth, counts and name lengths are bounded; names must be valid UTF-8.
//
// How it works. The preamble says core module (version 1, layer 0) or component (version 0x0d,
// layer 1). A core module's sections are skipped by size, except its custom sections. A
// component's sections are walked one by one (reader.cpp): each is read completely, so that a
// malformed section is an error wherever it is, but only what classification needs is kept:
// the top-level imports and exports, the shape of each top-level type, every import and export
// declared inside a type (type_reader.h), and the custom sections (custom_sections.h). Nested
// components are read as strictly and then dropped; nested core modules are skipped by their
// size, never read, so reading a 12 MB component touches a few kilobytes of it.
//
// Classification follows the decoder in wit-component: a component with no imports and no
// sections but types, exports and custom sections, whose every export is a type of a
// component type wrapping exactly one export named `ns:pkg/item@version` (an instance for an
// interface, a component for a world), is a WIT package. Its package is the one those names
// share; its dependencies are every other package named by an import or export declared
// anywhere in its types. Anything else that reads correctly is a component.
//
// Errors come from a sticky-error cursor (byte_reader.h): the first failure stops the walk and
// is returned as one line naming what was expected and the byte offset in the file.
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
