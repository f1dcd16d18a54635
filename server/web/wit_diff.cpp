#include "server/web/wit_diff.h"

#include <dtl/dtl.hpp>
#include <vector>

#include "common/text.h"
#include "server/web/wit_html.h"

namespace wreg::web {
namespace {

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  for (std::string_view line : split(text, '\n')) lines.emplace_back(line);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

void append_line(std::string& html, const char* css, char mark, const std::string& line) {
  html += "<span class=\"";
  html += css;
  html += "\">";
  html += mark;
  html += escape_visibly(line);
  html += "</span>";
}

}  // namespace

std::optional<std::string> wit_diff_html(std::string_view before, std::string_view after) {
  const std::vector<std::string> old_lines = lines_of(before);
  const std::vector<std::string> new_lines = lines_of(after);
  if (old_lines.size() > kMaxWitDiffLines || new_lines.size() > kMaxWitDiffLines) {
    return std::nullopt;
  }
  if (old_lines == new_lines) return std::string();
  dtl::Diff<std::string, std::vector<std::string>> diff(old_lines, new_lines);
  diff.compose();
  diff.composeUnifiedHunks();
  std::string html;
  for (const auto& hunk : diff.getUniHunks()) {
    html += "<span class=\"hunk\">@@ -" + std::to_string(hunk.a) + "," + std::to_string(hunk.b) +
            " +" + std::to_string(hunk.c) + "," + std::to_string(hunk.d) + " @@</span>";
    for (const auto& element : hunk.common[0]) append_line(html, "same", ' ', element.first);
    for (const auto& element : hunk.change) {
      switch (element.second.type) {
        case dtl::SES_ADD:
          append_line(html, "add", '+', element.first);
          break;
        case dtl::SES_DELETE:
          append_line(html, "del", '-', element.first);
          break;
        default:
          append_line(html, "same", ' ', element.first);
      }
    }
    for (const auto& element : hunk.common[1]) append_line(html, "same", ' ', element.first);
  }
  return html;
}

}  // namespace wreg::web
