// `wreg yank ns:name@version`, `wreg unyank ns:name@version`
#include <iostream>

#include "client/commands/session.h"

namespace wreg::client {
namespace {

// What the command does to the release.
enum class Change { kYank, kUnyank };

struct YankOptions {
  std::string id;
  Change change = Change::kYank;
};

Result<void> run_yank(const YankOptions& options, const GlobalOptions& global) {
  auto id = PackageVersion::parse(options.id);
  if (!id) return std::move(id).error();
  auto session = open_session(global);
  if (!session) return std::move(session).error();
  auto client = writing_client(**session, id->name);
  if (!client) return std::move(client).error();
  const bool yank = options.change == Change::kYank;
  auto done = (*client)->set_yanked(*id, yank);
  if (!done) return std::move(done).error();
  std::cout << (yank ? "yanked " : "unyanked ") << id->to_string() << "\n";
  return {};
}

void add_one(CLI::App& app, const char* name, const char* help, Change change,
             const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<YankOptions>();
  options->change = change;
  auto* command = app.add_subcommand(name, help);
  command->add_option("release", options->id, "ns:name@version")->required();
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_yank(*options, global); };
  });
}

}  // namespace

void add_yank_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  add_one(app, "yank", "Keep new resolutions from choosing a release (locks keep it)",
          Change::kYank, global, action);
  add_one(app, "unyank", "Undo a yank", Change::kUnyank, global, action);
}

}  // namespace wreg::client
