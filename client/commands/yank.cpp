// `wreg yank ns:name@version`, `wreg unyank ns:name@version`
#include <iostream>

#include "client/commands/session.h"

namespace wreg::client {
namespace {

struct YankOptions {
  std::string id;
  bool yanked = true;
};

Result<void> run_yank(const YankOptions& options, const GlobalOptions& global) {
  auto id = PackageVersion::parse(options.id);
  if (!id) return std::move(id).error();
  auto session = open_session(global);
  if (!session) return std::move(session).error();
  auto client = writing_client(**session, id->name);
  if (!client) return std::move(client).error();
  auto done = (*client)->set_yanked(*id, options.yanked);
  if (!done) return done;
  std::cout << (options.yanked ? "yanked " : "unyanked ") << id->to_string() << "\n";
  return {};
}

void add_one(CLI::App& app, const char* name, const char* help, bool yanked,
             const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<YankOptions>();
  options->yanked = yanked;
  auto* command = app.add_subcommand(name, help);
  command->add_option("release", options->id, "ns:name@version")->required();
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_yank(*options, global); };
  });
}

}  // namespace

void add_yank_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  add_one(app, "yank", "Keep new resolutions from choosing a release (locks keep it)", true, global,
          action);
  add_one(app, "unyank", "Undo a yank", false, global, action);
}

}  // namespace wreg::client
