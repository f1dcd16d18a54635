// A release's WIT as the browse pages show it: cut into its top-level items (each interface,
// world and nested package), so that a page can fold each one, and highlighted.
//
// The HTML is escaped here rather than by a template, because the highlighting wraps tokens in
// spans: every byte of the WIT goes through html_escape(), and the only markup added is
// `<span class="...">` with a class from this file. A text the WIT lexer refuses (a bidi
// override in a doc comment, say) is shown without highlighting, with those characters made
// visible, so that it cannot reorder what the reader sees.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wreg::web {

struct WitBlock {
  std::string summary;  // `interface monotonic-clock`, as text; empty for what lies between items
  std::string html;     // the block's text, escaped and highlighted
};

std::vector<WitBlock> wit_blocks(std::string_view wit);

// Text from a binary as every page shows it: what reorders or hides text (bidi controls,
// zero-width characters, controls) written visibly as `\u{202E}`, as wreg's terminal output
// writes it (common/text.h), line breaks kept. Not yet escaped for HTML: a template does that.
std::string shown_text(std::string_view text);

// shown_text(), escaped for HTML: for the markup this file and wit_diff.h write themselves.
std::string escape_visibly(std::string_view text);

}  // namespace wreg::web
