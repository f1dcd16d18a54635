// What wreg writes to a terminal and not to a pipe: colour on the labels of its messages
// (`error:` bold red, `warning:` bold yellow, `note:` bold cyan, as cargo does) and hyperlinks
// (OSC 8) from a package's name to its page in a wreg registry, and the one rule that decides
// when, for each stream:
//
//   NO_COLOR set and not empty        never colour (no-color.org; it beats CLICOLOR_FORCE)
//   CLICOLOR_FORCE set and not "0"    colour, even into a pipe or a file
//   otherwise                         only when the stream is a terminal (and for hyperlinks,
//                                     TERM is not "dumb")
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

// The rule above for hyperlinks on standard output in this process, read once. Thread-safe.
bool stdout_hyperlinked();

// `text` as an OSC 8 hyperlink to `url` when `linked` and the URL is printable ASCII without
// spaces (so that it cannot end the escape sequence early); `text` alone otherwise.
std::string hyperlink(const std::string& url, const std::string& text, bool linked);

// hyperlink(REGISTRY/packages/NS/NAME, text, stdout_hyperlinked()) for a wreg registry's
// package page; `text` alone for another kind of registry, which has no pages.
std::string package_page_link(const std::string& registry, const std::string& ns,
                              const std::string& name, const std::string& text);

}  // namespace wreg::client
