#include "client/terminal.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "client/config.h"

namespace wreg::client {

bool colour_wanted(const char* no_color, const char* clicolor_force, bool is_terminal) {
  if (no_color != nullptr && *no_color != '\0') return false;
  if (clicolor_force != nullptr && *clicolor_force != '\0' &&
      std::string_view(clicolor_force) != "0") {
    return true;
  }
  return is_terminal;
}

bool stderr_coloured() {
  static const bool coloured = colour_wanted(std::getenv("NO_COLOR"), std::getenv("CLICOLOR_FORCE"),
                                             ::isatty(STDERR_FILENO) == 1);
  return coloured;
}

std::string label(Label label, bool coloured) {
  std::string_view word;
  std::string_view colour;
  switch (label) {
    case Label::kError:
      word = "error:";
      colour = "\x1b[1;31m";
      break;
    case Label::kWarning:
      word = "warning:";
      colour = "\x1b[1;33m";
      break;
    case Label::kNote:
      word = "note:";
      colour = "\x1b[1;36m";
      break;
  }
  if (!coloured) return std::string(word) + " ";
  return std::string(colour) + std::string(word) + "\x1b[0m ";
}

std::string stderr_label(Label which) { return label(which, stderr_coloured()); }

bool stdout_hyperlinked() {
  static const bool linked = [] {
    const char* term = std::getenv("TERM");
    const bool dumb = term != nullptr && std::string_view(term) == "dumb";
    return colour_wanted(std::getenv("NO_COLOR"), std::getenv("CLICOLOR_FORCE"),
                         ::isatty(STDOUT_FILENO) == 1 && !dumb);
  }();
  return linked;
}

std::string hyperlink(const std::string& url, const std::string& text, bool linked) {
  const bool printable = !url.empty() && std::all_of(url.begin(), url.end(),
                                                     [](char c) { return c > ' ' && c < 0x7f; });
  if (!linked || !printable) return text;
  return "\x1b]8;;" + url + "\x1b\\" + text + "\x1b]8;;\x1b\\";
}

std::string package_page_link(const std::string& registry, const std::string& ns,
                              const std::string& name, const std::string& text) {
  if (protocol_of(registry) != RegistryProtocol::kWreg) return text;
  std::string base = registry;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return hyperlink(base + "/packages/" + ns + "/" + name, text, stdout_hyperlinked());
}

}  // namespace wreg::client
