#include "client/commands/completions.h"

#include <algorithm>
#include <iostream>
#include <vector>

namespace wreg::client {
namespace {

// What a command's free argument is, for the shell to complete.
enum class ArgumentKind { kNone, kFile, kFolder };

struct OptionSpec {
  std::vector<std::string> spellings;  // --output, -o
  std::string help;
  bool takes_value = false;
  bool takes_path = false;  // its value is a file (-o/--output)
};

// One command (or the top level, whose `path` is empty) as the scripts need it.
struct CommandSpec {
  std::vector<std::string> path;  // {"cache", "clean"}
  std::string help;
  std::vector<OptionSpec> options;  // its own, then the global ones
  std::vector<std::string> subcommands;
  ArgumentKind argument = ArgumentKind::kNone;
};

bool is_plain_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

std::vector<OptionSpec> options_of(const CLI::App& app) {
  std::vector<OptionSpec> options;
  for (const CLI::Option* option : app.get_options()) {
    if (option->nonpositional() == false) continue;
    OptionSpec spec;
    for (const auto& name : option->get_lnames()) {
      if (is_plain_name(name)) spec.spellings.push_back("--" + name);
    }
    for (const auto& name : option->get_snames()) {
      if (is_plain_name(name)) spec.spellings.push_back("-" + name);
    }
    if (spec.spellings.empty()) continue;
    spec.help = option->get_description();
    spec.takes_value = option->get_expected_max() > 0;
    spec.takes_path = spec.takes_value && option->check_lname("output");
    options.push_back(std::move(spec));
  }
  return options;
}

ArgumentKind argument_of(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->nonpositional()) continue;
    std::string name = option->get_name();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name == "file") return ArgumentKind::kFile;
    if (name == "dir") return ArgumentKind::kFolder;
  }
  return ArgumentKind::kNone;
}

std::vector<const CLI::App*> subcommands_of(const CLI::App& app) {
  std::vector<const CLI::App*> subs;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (is_plain_name(sub->get_name())) subs.push_back(sub);
  }
  return subs;
}

void collect(const CLI::App& app, std::vector<std::string> path,
             const std::vector<OptionSpec>& globals, std::vector<CommandSpec>& out) {
  CommandSpec spec;
  spec.path = path;
  spec.help = app.get_description();
  spec.options = options_of(app);
  if (!path.empty()) spec.options.insert(spec.options.end(), globals.begin(), globals.end());
  spec.argument = argument_of(app);
  const auto subs = subcommands_of(app);
  for (const CLI::App* sub : subs) spec.subcommands.push_back(sub->get_name());
  out.push_back(std::move(spec));
  for (const CLI::App* sub : subs) {
    auto sub_path = path;
    sub_path.push_back(sub->get_name());
    collect(*sub, sub_path, globals, out);
  }
}

// The table, the top level first. The global options are the top level's but --help and
// --version, which only the top level has.
std::vector<CommandSpec> command_table(const CLI::App& app) {
  std::vector<OptionSpec> globals;
  for (auto& option : options_of(app)) {
    if (std::find(option.spellings.begin(), option.spellings.end(), "--version") !=
            option.spellings.end() ||
        std::find(option.spellings.begin(), option.spellings.end(), "--help") !=
            option.spellings.end()) {
      continue;
    }
    globals.push_back(std::move(option));
  }
  std::vector<CommandSpec> table;
  collect(app, {}, globals, table);
  return table;
}

std::string joined(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
  return text;
}

// `text` inside single quotes for bash, zsh and fish; one line.
std::string single_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else if (c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20) {
      quoted += ' ';
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::vector<std::string> spellings(const std::vector<OptionSpec>& options, bool value_only,
                                   bool path_only) {
  std::vector<std::string> words;
  for (const auto& option : options) {
    if (value_only && !option.takes_value) continue;
    if (path_only && !option.takes_path) continue;
    words.insert(words.end(), option.spellings.begin(), option.spellings.end());
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

// Every option spelling over the table, value-taking or path-taking.
std::vector<std::string> all_spellings(const std::vector<CommandSpec>& table, bool path_only) {
  std::vector<OptionSpec> options;
  for (const auto& command : table) {
    options.insert(options.end(), command.options.begin(), command.options.end());
  }
  return spellings(options, true, path_only);
}

const char* kind_letter(ArgumentKind kind) {
  switch (kind) {
    case ArgumentKind::kFile:
      return "f";
    case ArgumentKind::kFolder:
      return "d";
    case ArgumentKind::kNone:
      break;
  }
  return "";
}

// The part bash and zsh share: finds the command and subcommand typed so far in `cmd` and `sub`
// (skipping flags and the values of flags that take one), then sets opts, subs and kind for it.
// `first` is the index of the first word after `wreg`, `current` that of the word completed.
std::string shared_body(const std::vector<CommandSpec>& table, const std::string& word_at,
                        const std::string& first, const std::string& current) {
  std::string out;
  out += "  local cmd='' sub='' i w opts='' subs='' kind=''\n";
  out += "  for ((i = " + first + "; i < " + current + "; i++)); do\n";
  out += "    w=" + word_at + "\n";
  out += "    case \"$w\" in\n";
  const auto valued = all_spellings(table, false);
  if (!valued.empty()) out += "      " + joined(valued, "|") + ") ((i++)) ;;\n";
  out += "      -*) ;;\n";
  out += "      *)\n";
  out += "        if [[ -z $cmd ]]; then cmd=$w\n";
  out += "        elif [[ -z $sub ]]; then\n";
  out += "          case \"$cmd $w\" in\n";
  std::vector<std::string> pairs;
  for (const auto& command : table) {
    if (command.path.size() == 2) pairs.push_back("'" + joined(command.path, " ") + "'");
  }
  if (!pairs.empty()) out += "            " + joined(pairs, "|") + ") sub=$w ;;\n";
  out += "          esac\n";
  out += "        fi ;;\n";
  out += "    esac\n";
  out += "  done\n";
  out += "  case \"$cmd/$sub\" in\n";
  for (const auto& command : table) {
    std::string key = command.path.empty() ? "/" : command.path[0] + "/";
    if (command.path.size() == 2) key += command.path[1];
    if (command.path.size() > 2) continue;
    out += "    '" + key + "') opts='" + joined(spellings(command.options, false, false), " ") +
           "'; subs='" + joined(command.subcommands, " ") + "'; kind='" +
           kind_letter(command.argument) + "' ;;\n";
  }
  out += "  esac\n";
  return out;
}

std::string bash_script(const std::vector<CommandSpec>& table) {
  std::string out = "# bash completion for wreg (made by `wreg completions bash`)\n";
  out += "_wreg() {\n";
  out += "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n";
  out += "  COMPREPLY=()\n";
  out += shared_body(table, "${COMP_WORDS[i]}", "1", "COMP_CWORD");
  out += "  case \"$prev\" in\n";
  const auto paths = all_spellings(table, true);
  if (!paths.empty()) {
    out += "    " + joined(paths, "|") + ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
  }
  const auto valued = all_spellings(table, false);
  if (!valued.empty()) out += "    " + joined(valued, "|") + ") return ;;\n";
  out += "  esac\n";
  out += "  if [[ $cur == -* ]]; then\n";
  out += "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n";
  out += "  elif [[ -n $subs ]]; then\n";
  out += "    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n";
  out += "  elif [[ $kind == f ]]; then\n";
  out += "    COMPREPLY=($(compgen -f -- \"$cur\"))\n";
  out += "  elif [[ $kind == d ]]; then\n";
  out += "    COMPREPLY=($(compgen -d -- \"$cur\"))\n";
  out += "  fi\n";
  out += "}\n";
  out += "complete -o filenames -F _wreg wreg\n";
  return out;
}

std::string zsh_script(const std::vector<CommandSpec>& table) {
  std::string out = "#compdef wreg\n# zsh completion for wreg (made by `wreg completions zsh`)\n";
  out += "_wreg() {\n";
  out += "  local cur=${words[CURRENT]} prev=${words[CURRENT-1]}\n";
  out += shared_body(table, "${words[i]}", "2", "CURRENT");
  out += "  case \"$prev\" in\n";
  const auto paths = all_spellings(table, true);
  if (!paths.empty()) out += "    " + joined(paths, "|") + ") _files; return ;;\n";
  const auto valued = all_spellings(table, false);
  if (!valued.empty()) out += "    " + joined(valued, "|") + ") return 1 ;;\n";
  out += "  esac\n";
  out += "  if [[ $cur == -* ]]; then\n";
  out += "    compadd -- ${=opts}\n";
  out += "  elif [[ -n $subs ]]; then\n";
  out += "    compadd -- ${=subs}\n";
  out += "  elif [[ $kind == f ]]; then\n";
  out += "    _files\n";
  out += "  elif [[ $kind == d ]]; then\n";
  out += "    _files -/\n";
  out += "  fi\n";
  out += "}\n";
  out += "if [[ ${funcstack[1]} == _wreg ]]; then _wreg \"$@\"; else compdef _wreg wreg; fi\n";
  return out;
}

std::string fish_script(const std::vector<CommandSpec>& table) {
  std::string out = "# fish completion for wreg (made by `wreg completions fish`)\n";
  out += "complete -c wreg -f\n";
  std::vector<std::string> top;
  for (const auto& command : table) {
    if (command.path.size() == 1) top.push_back(command.path[0]);
  }
  for (const auto& command : table) {
    std::string condition;
    if (command.path.empty()) {
      condition = "__fish_use_subcommand";
    } else if (command.path.size() == 1) {
      condition = "__fish_seen_subcommand_from " + command.path[0];
      if (!command.subcommands.empty()) {
        condition += "; and not __fish_seen_subcommand_from " + joined(command.subcommands, " ");
      }
    } else if (command.path.size() == 2) {
      condition = "__fish_seen_subcommand_from " + command.path[0] +
                  "; and __fish_seen_subcommand_from " + command.path[1];
    } else {
      continue;
    }
    const std::string prefix = "complete -c wreg -n " + single_quoted(condition);
    for (const auto& option : command.options) {
      out += prefix;
      for (const auto& spelling : option.spellings) {
        out +=
            spelling.starts_with("--") ? " -l " + spelling.substr(2) : " -s " + spelling.substr(1);
      }
      if (option.takes_path) {
        out += " -r -F";
      } else if (option.takes_value) {
        out += " -r";
      }
      if (!option.help.empty()) out += " -d " + single_quoted(option.help);
      out += "\n";
    }
  }
  // Subcommands with their help, under their parent.
  for (const auto& command : table) {
    if (command.path.empty()) continue;
    std::string condition;
    if (command.path.size() == 1) {
      condition = "__fish_use_subcommand";
    } else if (command.path.size() == 2) {
      std::vector<std::string> siblings;
      for (const auto& other : table) {
        if (other.path.size() == 2 && other.path[0] == command.path[0]) {
          siblings.push_back(other.path[1]);
        }
      }
      condition = "__fish_seen_subcommand_from " + command.path[0] +
                  "; and not __fish_seen_subcommand_from " + joined(siblings, " ");
    } else {
      continue;
    }
    out += "complete -c wreg -n " + single_quoted(condition) + " -a " + command.path.back();
    if (!command.help.empty()) out += " -d " + single_quoted(command.help);
    out += "\n";
  }
  for (const auto& command : table) {
    if (command.path.size() != 1 || command.argument == ArgumentKind::kNone) continue;
    out +=
        "complete -c wreg -n " + single_quoted("__fish_seen_subcommand_from " + command.path[0]) +
        (command.argument == ArgumentKind::kFile ? " -F" : " -a '(__fish_complete_directories)'") +
        "\n";
  }
  return out;
}

}  // namespace

std::optional<Shell> shell_named(std::string_view name) {
  if (name == "bash") return Shell::kBash;
  if (name == "zsh") return Shell::kZsh;
  if (name == "fish") return Shell::kFish;
  return std::nullopt;
}

std::string completion_script(const CLI::App& app, Shell shell) {
  const auto table = command_table(app);
  switch (shell) {
    case Shell::kBash:
      return bash_script(table);
    case Shell::kZsh:
      return zsh_script(table);
    case Shell::kFish:
      return fish_script(table);
  }
  return {};
}

void add_completions_command(CLI::App& app, CommandAction& action) {
  auto shell = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "completions", "Print a completion script for bash, zsh or fish to standard output");
  command->add_option("shell", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::Validator(
          [](std::string& name) -> std::string {
            if (shell_named(name)) return {};
            return "unknown shell " + name + "; wreg completes bash, zsh and fish";
          },
          "SHELL"));
  command->callback([shell, &app, &action] {
    action = [shell, &app]() -> Result<void> {
      std::cout << completion_script(app, *shell_named(*shell));
      return {};
    };
  });
}

}  // namespace wreg::client
