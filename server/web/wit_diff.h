// What changed in a package's WIT from one release to the next on its track, as a release page
// shows it: unified hunks of the two printed texts, line by line, with three lines of context
// (Debian's libdtl-dev computes them: Wu, Manber and Myers' O(NP) difference).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wreg::web {

// More lines than this on either side and the page says the WIT changed too much to show: the
// difference costs time and memory that grow with both sides.
inline constexpr std::size_t kMaxWitDiffLines = 4000;

// The hunks of `before` -> `after` as HTML, every line escaped (wit_html.h's escape_visibly) and
// wrapped in a span of class `hunk`, `add`, `del` or `same` (with no line feed between them:
// the stylesheet shows each span as a line). "" when the texts are equal;
// nullopt when either is longer than kMaxWitDiffLines lines.
std::optional<std::string> wit_diff_html(std::string_view before, std::string_view after);

}  // namespace wreg::web
