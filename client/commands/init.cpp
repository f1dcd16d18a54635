// `wreg init [--name ns:name]`: client/project_init.h in the current folder.
#include <iostream>

#include "client/commands/session.h"
#include "client/project_init.h"
#include "client/terminal.h"
#include "common/text.h"

namespace wreg::client {
namespace {

struct InitOptions {
  std::string name;  // --name; empty: guessed
};

Result<void> run_init(const InitOptions& options) {
  std::optional<PackageName> name;
  if (!options.name.empty()) {
    auto parsed = PackageName::parse(options.name);
    if (!parsed) {
      return fail(ErrorCode::kInvalidArgument, "--name: " + parsed.error().message);
    }
    name = std::move(*parsed);
  }
  auto project = current_project();
  if (!project) return std::move(project).error();
  auto report = init_project(project->root, name);
  if (!report) return std::move(report).error();
  for (const auto& note : report->notes) {
    std::cerr << stderr_label(Label::kNote) << escaped(note) << "\n";
  }
  std::cout << "created wreg.toml";
  if (report->package.name) {
    std::cout << " for " << report->package.name->to_string() << " "
              << report->package.version->to_string();
  }
  std::cout << "\n";
  return {};
}

}  // namespace

void add_init_command(CLI::App& app, const GlobalOptions&, CommandAction& action) {
  auto options = std::make_shared<InitOptions>();
  auto* command =
      app.add_subcommand("init", "Start wreg.toml here, its [package] guessed from the folder");
  command->add_option("--name", options->name, "ns:name of the package (default: guessed)")
      ->type_name("NS:NAME");
  command->callback([options, &action] { action = [options] { return run_init(*options); }; });
}

}  // namespace wreg::client
