// wreg: the command-line client. main() only wires things together: it builds the command
// table, parses, runs the chosen command, and maps a failure to one line on stderr and an exit
// status. Every command lives in the client library (client/commands/).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "client/commands/command.h"
#include "client/commands/completions.h"
#include "client/commands/inspect.h"
#include "client/commands/session.h"
#include "client/commands/usage.h"
#include "client/registry_client.h"
#include "client/terminal.h"
#include "common/result.h"
#include "common/text.h"

namespace {

// DESIGN.md: 0 success, 1 a failure the user can act on, 2 bad usage (CLI11's parse errors).
// Every ErrorCode is listed so that a new one needs a decision here.
int exit_status(wreg::ErrorCode code) {
  switch (code) {
    case wreg::ErrorCode::kInvalidArgument:
    case wreg::ErrorCode::kNotFound:
    case wreg::ErrorCode::kAlreadyExists:
    case wreg::ErrorCode::kConflict:
    case wreg::ErrorCode::kUnauthenticated:
    case wreg::ErrorCode::kPermissionDenied:
    case wreg::ErrorCode::kTooLarge:
    case wreg::ErrorCode::kUnavailable:
    case wreg::ErrorCode::kIo:
    case wreg::ErrorCode::kCorrupt:
    case wreg::ErrorCode::kUnsolvable:
    case wreg::ErrorCode::kInternal:
      return 1;
  }
  return 1;
}

// A failure as the user sees it. The message may quote what a registry or a file said, so it is
// shown escaped (common/text.h); a message is one line, and only the resolver's explanation
// (kUnsolvable) and a WIT source error (Error::several_lines: the location, the line and a caret,
// escaped where the text came from the file) are several, every one of them made by wreg.
void print_error(const wreg::Error& error) {
  const bool lines = error.code == wreg::ErrorCode::kUnsolvable || error.several_lines;
  std::cerr << wreg::client::stderr_label(wreg::client::Label::kError)
            << wreg::escaped(error.message, {.line_breaks = lines}) << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  wreg::client::defer_openssl_config();
  CLI::App app{"wreg: publish, add and lock WebAssembly components and WIT packages", "wreg"};
  app.set_version_flag("--version", std::string("wreg ") + WREG_VERSION);
  app.require_subcommand(0, 1);
  wreg::client::let_global_options_follow_commands(app);

  // The command table: one line per command (client/commands/command.h).
  wreg::client::CommandAction action;
  wreg::client::add_inspect_command(app, action);
  wreg::client::GlobalOptions global;  // --registry, --quiet: for the registry commands below
  wreg::client::add_global_options(app, global);
  wreg::client::add_build_command(app, global, action);
  wreg::client::add_publish_command(app, global, action);
  wreg::client::add_add_command(app, global, action);
  wreg::client::add_fetch_command(app, global, action);
  wreg::client::add_update_command(app, global, action);
  wreg::client::add_remove_command(app, global, action);
  wreg::client::add_get_command(app, global, action);
  wreg::client::add_info_command(app, global, action);
  wreg::client::add_search_command(app, global, action);
  wreg::client::add_yank_commands(app, global, action);
  wreg::client::add_login_commands(app, global, action);
  wreg::client::add_log_commands(app, global, action);
  wreg::client::add_init_command(app, global, action);
  wreg::client::add_tree_command(app, global, action);
  wreg::client::add_outdated_command(app, global, action);
  wreg::client::add_cache_commands(app, global, action);
  wreg::client::add_completions_command(app, action);
  wreg::client::add_help_command(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << wreg::client::stderr_label(wreg::client::Label::kError)
              << wreg::client::usage_message(app, e) << '\n';
    return 2;
  }
  if (!action) {
    std::cout << app.help();
    return 0;
  }
  try {
    wreg::Result<void> result = action();
    if (result) return 0;
    print_error(result.error());
    return exit_status(result.error().code);
  } catch (const std::exception& e) {  // the last catch (STYLE.md): a bug, reported as one line
    print_error(wreg::fail(wreg::ErrorCode::kInternal, std::string("internal error: ") + e.what()));
    return 1;
  }
}
