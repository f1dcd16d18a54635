#include "client/terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

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

}  // namespace wreg::client
