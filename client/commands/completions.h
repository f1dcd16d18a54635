// `wreg completions bash|zsh|fish`: a completion script made at run time from the CLI11 app's
// own command table (its subcommands, their subcommands and each one's options), so it lists
// exactly the commands and flags this wreg has. It completes subcommands, flags (a command's own
// and the global ones, which follow any command: usage.h), files after a flag that takes a path
// (-o/--output) and for a command whose argument is a file (`file`) or a folder (`dir`).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "client/commands/command.h"

namespace wreg::client {

enum class Shell { kBash, kZsh, kFish };

// "bash", "zsh" or "fish"; nullopt for anything else.
std::optional<Shell> shell_named(std::string_view name);

// The script for `shell`, from `app` (the top-level app, every command added). Only names made
// of letters, digits, '-' and '_' are written into it; help texts are quoted for the shell.
std::string completion_script(const CLI::App& app, Shell shell);

// Adds `completions SHELL`; `app` must outlive the action, which reads its table when it runs.
// An unknown shell is a usage error (exit 2) naming the three.
void add_completions_command(CLI::App& app, CommandAction& action);

}  // namespace wreg::client
