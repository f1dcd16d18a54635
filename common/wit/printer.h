// The WIT printer: one package of a Resolve as WIT text, laid out exactly as wit-component's
// WitPrinter lays it out (two-space indents, blank lines between items, `use` statements
// grouped, resource functions inside their resource, keywords escaped with `%`).
#pragma once

#include <cstdint>

#include "common/result.h"
#include "common/wit/model.h"

namespace wreg::wit {

// `package` of `resolve` as the text of its `package.wit`. kInvalidArgument when the model
// holds what WIT cannot write (a record without a name).
Result<std::string> print_package(const Resolve& resolve, std::uint32_t package);

}  // namespace wreg::wit
