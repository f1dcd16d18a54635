// The `package-docs` custom section: the docs and the stability (`@since`, `@unstable`,
// `@deprecated`) of a WIT package's items, which the binary format has no place for. A version
// byte (0 or 1) then JSON, as wit-parser's `metadata.rs` writes it.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"
#include "common/wit/model.h"

namespace wreg::wit {

// Puts what `section` says into `package` of `resolve`. kInvalidArgument, one line, when the
// section is not what wit-parser writes or names an item the package does not have.
Result<void> inject_package_docs(std::span<const std::uint8_t> section, std::uint32_t package,
                                 Resolve& resolve);

}  // namespace wreg::wit
