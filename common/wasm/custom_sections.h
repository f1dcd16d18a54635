// The custom sections wreg records of a binary (Binary.md `core:custom`): the `producers`
// section (WebAssembly/tool-conventions ProducersSection.md), the component's name from the
// `component-name` section (Binary.md, "Name Section"), whether `package-docs` is present, and
// the sections wasm-metadata writes (`authors`, `description`, `licenses`, `source`,
// `homepage`, `revision`, `version`, each the UTF-8 text alone).
//
// Custom sections never make a binary invalid (the name section's rule, applied to all of
// them): one whose contents are malformed is ignored. What does refuse a binary is a section
// past wreg's limits (limits.h: a metadata text, the producers' values), since the registry
// would otherwise store and serve it with every release document.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/result.h"
#include "common/wasm/component_info.h"

namespace wreg::wasm {

// Records what custom section `name` (its payload at `offset` in the file) says into `info`.
// Sections wreg does not record are ignored. kInvalidArgument past a limit of limits.h (the
// message without an offset: the caller knows where the section is).
Result<void> read_custom_section(std::string_view name, std::span<const std::uint8_t> payload,
                                 std::size_t offset, ComponentInfo& info);

}  // namespace wreg::wasm
