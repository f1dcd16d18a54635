// `wreg remove ns:name`: the project flow of client/project.h.
#include "client/commands/session.h"
#include "client/project.h"

namespace wreg::client {
namespace {

struct RemoveOptions {
  std::string name;
  bool offline = false;
};

Result<void> run_remove(const RemoveOptions& options, const GlobalOptions& global) {
  auto name = PackageName::parse(options.name);
  if (!name) return std::move(name).error();
  return run_project_command(global, options.offline,
                             [&](const ProjectPaths& paths, Fetcher& fetcher) {
                               return remove_dependency(paths, *name, fetcher);
                             });
}

}  // namespace

void add_remove_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<RemoveOptions>();
  auto* command = app.add_subcommand("remove", "Remove a dependency from wreg.toml and wit/deps/");
  command->add_option("name", options->name, "ns:name")->required();
  command->add_flag("--offline", options->offline, "Use only the cache");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_remove(*options, global); };
  });
}

}  // namespace wreg::client
