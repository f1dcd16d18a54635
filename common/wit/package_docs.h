// The `package-docs` custom section: the docs and the stability (`@since`, `@unstable`,
// `@deprecated`) of a WIT package's items, which the binary format has no place for. A version
// byte (0 or 1) then JSON, as wit-parser's `metadata.rs` writes it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "common/wit/model.h"

namespace wreg::wit {

// Puts what `section` says into `package` of `resolve`. kInvalidArgument, one line, when the
// section is not what wit-parser writes or names an item the package does not have.
Result<void> inject_package_docs(std::span<const std::uint8_t> section, std::uint32_t package,
                                 Resolve& resolve);

// The section's bytes for `package` of `resolve`, as wit-parser's PackageMetadata::extract and
// encode write them (version 1, then compact JSON in its field order).
std::vector<std::uint8_t> package_docs_section(const Resolve& resolve, std::uint32_t package);

}  // namespace wreg::wit
