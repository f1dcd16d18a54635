// What every registry command shares: the global flags, and a Session that turns them into a
// Config, a Cache, a progress bar and a Fetcher. Commands follow client/commands/command.h:
// flags -> Options -> one library call -> print.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "client/cache.h"
#include "client/commands/command.h"
#include "client/config.h"
#include "client/fetcher.h"
#include "client/log_verifier.h"
#include "client/progress.h"
#include "client/project.h"
#include "client/wit_folder.h"
#include "common/result.h"

namespace wreg::client {

struct GlobalOptions {
  std::optional<std::string> registry;  // --registry URL
  bool quiet = false;                   // --quiet: no progress bar, no `note:` lines
  // --verbose: each HTTP request (method, URL without query, status, milliseconds) and each look
  // in the download cache on standard error, and no progress bar. Refused with --quiet.
  bool verbose = false;
};

// Adds --registry, --quiet and --verbose to `app` (the top-level app; they apply to every
// command).
void add_global_options(CLI::App& app, GlobalOptions& global);

struct Session {
  Environment env;
  Config config;
  Cache cache;
  std::unique_ptr<Progress> progress;
  std::unique_ptr<Fetcher> fetcher;
  std::unique_ptr<LogVerifier> log_verifier;  // set on `fetcher`
};

// Reads the environment and the config files. kInvalidArgument for a bad config or URL.
Result<std::unique_ptr<Session>> open_session(const GlobalOptions& global, bool offline = false);

// The client for the registry that holds `name`, for a request that writes (publish, yank).
// kUnauthenticated, saying how to log in, when there is no token for that registry.
Result<RegistryClient*> writing_client(Session& session, const PackageName& name);

// Each registers one subcommand (see the header comment).
void add_publish_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_build_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_add_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_fetch_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_update_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_remove_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_get_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_info_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_search_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_yank_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_login_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_log_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_init_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_tree_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_outdated_command(CLI::App& app, const GlobalOptions& global, CommandAction& action);
void add_cache_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action);

// The project in the current folder. kIo when the folder cannot be read (removed under us).
Result<ProjectPaths> current_project();

// Opens a session (offline or not), runs `run(paths of the current folder, fetcher)` and returns
// its SyncReport, the progress bar finished.
Result<SyncReport> run_in_project(
    const GlobalOptions& global, bool offline,
    const std::function<Result<SyncReport>(const ProjectPaths&, Fetcher&)>& run);

// run_in_project(), then prints the SyncReport: manifest edits, lock changes and repairs on
// standard output, warnings on standard error.
Result<void> run_project_command(
    const GlobalOptions& global, bool offline,
    const std::function<Result<SyncReport>(const ProjectPaths&, Fetcher&)>& run);

// read_wit_folder() for `wreg build` and `wreg publish DIR`: when the folder's WIT names packages
// its deps/ lacks, and it is the project's wit/ (in the current folder, with or without
// wreg.toml), fetches them first (fetch_wit_dependencies()), prints `fetched ns:name VERSION` for
// each package it brought, and reads the folder again. For another folder that lacks some, refuses
// (kInvalidArgument) saying to build in the project or to put them in its deps/. Offline or with
// the registry out of reach, reads the folder as it is: the build then names what is missing.
Result<WitSources> read_wit_folder_fetching(const std::filesystem::path& folder,
                                            const GlobalOptions& global, bool offline);

// Parses a `ns:name[@REQ]` argument; the error names the argument.
Result<PackageRef> parse_ref_argument(const std::string& text);

}  // namespace wreg::client
