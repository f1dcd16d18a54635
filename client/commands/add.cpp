// `wreg add REF...`: the project flow of client/project.h.
#include "client/commands/session.h"
#include "client/project.h"

namespace wreg::client {
namespace {

struct AddOptions {
  std::vector<std::string> refs;
  bool offline = false;
};

Result<void> run_add(const AddOptions& options, const GlobalOptions& global) {
  std::vector<PackageRef> refs;
  for (const auto& text : options.refs) {
    auto ref = parse_ref_argument(text);
    if (!ref) return std::move(ref).error();
    refs.push_back(std::move(*ref));
  }
  return run_project_command(global, options.offline,
                             [&](const ProjectPaths& paths, Fetcher& fetcher) {
                               return add_dependencies(paths, refs, fetcher);
                             });
}

}  // namespace

void add_add_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<AddOptions>();
  auto* command = app.add_subcommand(
      "add", "Add or change dependencies in wreg.toml, then lock and fetch them into wit/deps/");
  command->add_option("refs", options->refs, "ns:name or ns:name@REQ (1.2.3 means ^1.2.3)")
      ->required();
  command->add_flag("--offline", options->offline, "Use only the cache");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_add(*options, global); };
  });
}

}  // namespace wreg::client
