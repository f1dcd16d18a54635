// What wreg writes to a terminal and not to a pipe: colour on the labels of its messages
// (`error:` bold red, `warning:` bold yellow, `note:` bold cyan, as cargo does), and the one rule
// that decides when:
//
//   NO_COLOR set and not empty        never colour (no-color.org; it beats CLICOLOR_FORCE)
//   CLICOLOR_FORCE set and not "0"    colour, even into a pipe or a file
//   otherwise                         colour only when standard error is a terminal
//
// Only the labels are coloured; the text after them is printed as it was (escaped() where it
// came from a registry or a file, so that it cannot bring escape codes of its own).
#pragma once

#include <string>

namespace wreg::client {

// The rule above, from the two variables (null when unset) and whether the stream is a terminal.
bool colour_wanted(const char* no_color, const char* clicolor_force, bool is_terminal);

// The rule for standard error in this process, read once. Thread-safe.
bool stderr_coloured();

enum class Label { kError, kWarning, kNote };

// "error: ", "warning: " or "note: ", coloured when `coloured`.
std::string label(Label label, bool coloured);

// label(label, stderr_coloured()): what to write to standard error before a message.
std::string stderr_label(Label label);

}  // namespace wreg::client
