// `wreg outdated`: client/outdated.h for the project in the current folder.
#include "client/outdated.h"

#include <iostream>

#include "client/commands/session.h"

namespace wreg::client {
namespace {

struct OutdatedOptions {
  bool offline = false;
};

Result<void> run_outdated(const OutdatedOptions& options, const GlobalOptions& global) {
  auto session = open_session(global, options.offline);
  if (!session) return std::move(session).error();
  auto project = current_project();
  if (!project) return std::move(project).error();
  auto packages = find_outdated(*project, *(*session)->fetcher);
  (*session)->progress->finish();
  if (!packages) return std::move(packages).error();
  std::cout << render_outdated(*packages);
  return {};
}

}  // namespace

void add_outdated_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<OutdatedOptions>();
  auto* command = app.add_subcommand(
      "outdated", "Show locked packages with newer versions (allowed, and newest of all)");
  command->add_flag("--offline", options->offline, "Use only the cache");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_outdated(*options, global); };
  });
}

}  // namespace wreg::client
