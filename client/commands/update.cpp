// `wreg update [ns:name]`: the project flow of client/project.h.
#include "client/commands/session.h"
#include "client/project.h"

namespace wreg::client {
namespace {

struct UpdateOptions {
  std::string name;  // empty: everything
  bool offline = false;
};

Result<void> run_update(const UpdateOptions& options, const GlobalOptions& global) {
  std::optional<PackageName> name;
  if (!options.name.empty()) {
    auto parsed = PackageName::parse(options.name);
    if (!parsed) return std::move(parsed).error();
    name = std::move(*parsed);
  }
  return run_project_command(global, options.offline,
                             [&](const ProjectPaths& paths, Fetcher& fetcher) {
                               return update_dependencies(paths, name, fetcher);
                             });
}

}  // namespace

void add_update_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<UpdateOptions>();
  auto* command =
      app.add_subcommand("update", "Re-resolve to the newest allowed versions (all, or one)");
  command->add_option("name", options->name, "ns:name to update (default: every package)");
  command->add_flag("--offline", options->offline, "Use only the cache");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_update(*options, global); };
  });
}

}  // namespace wreg::client
