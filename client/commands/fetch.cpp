// `wreg fetch [--locked] [--offline]`: the project flow of client/project.h.
#include "client/commands/session.h"
#include "client/project.h"

namespace wreg::client {
namespace {

struct FetchOptions {
  bool locked = false;
  bool offline = false;
};

Result<void> run_fetch(const FetchOptions& options, const GlobalOptions& global) {
  return run_project_command(global, options.offline,
                             [&](const ProjectPaths& paths, Fetcher& fetcher) {
                               return fetch_dependencies(paths, options.locked, fetcher);
                             });
}

}  // namespace

void add_fetch_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<FetchOptions>();
  auto* command = app.add_subcommand("fetch", "Make wit/deps/ exactly what wreg.lock says");
  command->add_flag("--locked", options->locked, "Fail instead of changing wreg.lock");
  command->add_flag("--offline", options->offline, "Use only the cache");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_fetch(*options, global); };
  });
}

}  // namespace wreg::client
