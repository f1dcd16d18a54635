// `wreg tree [-i ns:name]`: client/lock_graph.h, from wreg.lock and the locked bytes at hand.
#include <iostream>

#include "client/commands/session.h"
#include "client/lock_graph.h"

namespace wreg::client {
namespace {

struct TreeOptions {
  std::string invert;  // --invert ns:name; empty: the whole tree
};

Result<void> run_tree(const TreeOptions& options, const GlobalOptions& global) {
  std::optional<PackageName> invert;
  if (!options.invert.empty()) {
    auto parsed = PackageName::parse(options.invert);
    if (!parsed) return fail(ErrorCode::kInvalidArgument, "--invert: " + parsed.error().message);
    invert = std::move(*parsed);
  }
  // Offline: the cache is the only other place the locked bytes are read from.
  auto session = open_session(global, true);
  if (!session) return std::move(session).error();
  auto project = current_project();
  if (!project) return std::move(project).error();
  auto graph = read_lock_graph(*project, *(*session)->fetcher);
  (*session)->progress->finish();
  if (!graph) return std::move(graph).error();
  if (!invert) {
    std::cout << render_tree(*graph);
    return {};
  }
  auto text = render_inverted_tree(*graph, *invert);
  if (!text) return std::move(text).error();
  std::cout << *text;
  return {};
}

}  // namespace

void add_tree_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<TreeOptions>();
  auto* command =
      app.add_subcommand("tree", "Show the locked dependency graph (wreg.lock) as a tree");
  command->add_option("-i,--invert", options->invert, "Show what needs ns:name, up to the project")
      ->type_name("NS:NAME");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_tree(*options, global); };
  });
}

}  // namespace wreg::client
