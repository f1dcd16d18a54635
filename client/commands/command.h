// How main() and the commands meet (STYLE.md: flags -> Options -> one library call -> print).
// Each command has an `add_<name>_command(CLI::App&, ..., CommandAction&)` that adds its
// subcommand and flags to the app; when CLI11 picks that subcommand, its callback stores the
// run in `action`. main() calls the action after parsing, prints a failure as one line
// `error: <message>` and maps its ErrorCode to the exit status.
#pragma once

#include <functional>

#include "common/result.h"

namespace wreg::client {

// The command chosen on the command line, ready to run. It prints its own output; a failure is
// returned, never printed, so that main() reports every failure the same way.
using CommandAction = std::function<Result<void>()>;

}  // namespace wreg::client
