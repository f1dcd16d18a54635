#include "client/commands/usage.h"

#include <iostream>
#include <memory>
#include <vector>

#include "common/resolve/suggest.h"
#include "common/text.h"

namespace wreg::client {
namespace {

// The subcommand the command line chose, or null.
const CLI::App* chosen_command(const CLI::App& app) {
  const auto chosen = app.get_subcommands();
  return chosen.empty() ? nullptr : chosen.front();
}

// `wreg` or `wreg info`, as typed to run it.
std::string command_line_of(const CLI::App& app, const CLI::App* command) {
  return command == nullptr ? app.get_name() : app.get_name() + " " + command->get_name();
}

// Every long and short option name of `app`, spelled as typed (`--limit`, `-q`).
void add_option_names(const CLI::App& app, std::vector<std::string>& names) {
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    for (const auto& name : option->get_snames()) names.push_back("-" + name);
  }
}

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  auto suggestion = resolve::suggest(word, candidates);
  return suggestion.empty() ? "" : "; " + suggestion;
}

// What to say about arguments nothing took: the first one, with a suggestion.
std::string unexpected(const CLI::App& app, const CLI::App* command,
                       const std::vector<std::string>& extras) {
  const std::string& word = extras.front();
  std::string where = command == nullptr ? "" : " for `" + command_line_of(app, command) + "`";
  std::vector<std::string> candidates;
  if (word.starts_with('-')) {
    // An option is the chosen command's or a global one (usage.h: they fall through).
    std::string name = word.substr(0, word.find('='));
    if (command != nullptr) add_option_names(*command, candidates);
    add_option_names(app, candidates);
    return "unknown option " + escaped(name) + where + suggestion(name, candidates);
  }
  if (command == nullptr) {
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      candidates.push_back(sub->get_name());
    return "unknown command " + escaped(word) + suggestion(word, candidates);
  }
  return "unexpected argument " + escaped(word) + where;
}

}  // namespace

void let_global_options_follow_commands(CLI::App& app) { app.fallthrough(); }

void add_help_command(CLI::App& app, CommandAction& action) {
  auto words = std::make_shared<std::vector<std::string>>();
  auto* command = app.add_subcommand("help", "Print the help of wreg or of a command");
  command->add_option("command", *words, "The command (and subcommand), e.g. `cache clean`");
  command->callback([words, &app, &action] {
    // As CLI11 prints --help: the formatter, given the command line that leads to the command.
    const CLI::App* target = &app;
    std::string line = app.get_name();
    for (const auto& word : *words) {
      const CLI::App* found = nullptr;
      std::vector<std::string> candidates;
      for (const CLI::App* sub : target->get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name() == word) found = sub;
        candidates.push_back(sub->get_name());
      }
      if (found == nullptr) {
        throw CLI::ValidationError("unknown command " + escaped(word) +
                                   (target == &app ? "" : " for `" + line + "`") +
                                   suggestion(word, candidates));
      }
      target = found;
      line += " " + word;
    }
    action = [target, line]() -> Result<void> {
      std::cout << target->get_formatter()->make_help(target, line, CLI::AppFormatMode::Normal);
      return {};
    };
  });
}

std::string usage_message(const CLI::App& app, const CLI::ParseError& error) {
  const CLI::App* command = chosen_command(app);
  std::string message;
  const std::vector<std::string> extras = app.remaining(true);
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr && !extras.empty()) {
    message = unexpected(app, command, extras);
  } else {
    // CLI11's own words ("refs is required", "--limit: 0 is out of range ..."), on one line.
    message = escaped(error.what());
  }
  return message + " (see `" + command_line_of(app, command) + " --help`)";
}

}  // namespace wreg::client
