// How wreg reports a command line it cannot parse: one line, like every other failure, with a
// "did you mean" for a misspelled subcommand or option (common/resolve/suggest.h), and exit
// status 2 (DESIGN.md). CLI11's own report is two lines with no suggestion; main() prints this
// instead.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "client/commands/command.h"

namespace wreg::client {

// Makes the global options of `app` (--registry, --quiet) work after the subcommand too
// (`wreg login --registry URL`, which messages suggest): an option a subcommand does not know
// falls through to `app`. Call before any subcommand is added; they inherit it.
void let_global_options_follow_commands(CLI::App& app);

// `error`, thrown by `app.parse()` and not a request for --help or --version, as the line to
// print after "error: ": what was wrong, a "did you mean" when a subcommand or option (of the
// chosen subcommand, or a global one) is close to what was typed, and where to read the usage.
// `app` is the top-level app, after the failed parse. Any text is made safe to print.
std::string usage_message(const CLI::App& app, const CLI::ParseError& error);

// Adds `help [COMMAND...]`: prints what `wreg --help` or `wreg COMMAND... --help` prints. An
// unknown command is a usage error (exit 2) with a "did you mean". `app` is the top-level app and
// must outlive the action.
void add_help_command(CLI::App& app, CommandAction& action);

}  // namespace wreg::client
