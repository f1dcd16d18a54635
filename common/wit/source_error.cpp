#include "common/wit/source_error.h"

#include <algorithm>
#include <string>

#include "common/text.h"

namespace wreg::wit {
namespace {

// wit-parser's highlight_err prints the line alone when it is longer than this.
constexpr std::size_t kMaxSnippet = 500;

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

// `text` (part of one line of the file) as it is shown: escaped, but with its tabs kept, since a
// tab is harmless on a terminal and indents many files; the caret line repeats them to line up.
std::string shown(std::string_view text) {
  std::string out;
  bool first = true;
  for (std::string_view piece : split(text, '\t')) {
    if (!first) out += '\t';
    first = false;
    out += escaped(piece);
  }
  return out;
}

// Blanks as wide as shown(text): a space for each character shown, a tab for each tab.
std::string blank_like(std::string_view text) {
  std::string out;
  for (char c : shown(text)) {
    if (c == '\t') {
      out += '\t';
    } else if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) {
      out += ' ';
    }
  }
  return out;
}

}  // namespace

std::string format_error(std::string_view message, std::string_view path, std::string_view text,
                         ast::Span span) {
  const std::size_t start = std::min<std::size_t>(span.start, text.size());
  const std::size_t end = std::clamp<std::size_t>(span.end, start, text.size());
  const std::size_t line_start = start == 0 ? 0 : text.rfind('\n', start - 1) + 1;
  const std::size_t line_number =
      1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + line_start, '\n'));
  std::size_t line_end = text.find('\n', start);
  if (line_end == std::string_view::npos) line_end = text.size();
  std::string_view line = text.substr(line_start, line_end - line_start);
  if (line.ends_with('\r')) line.remove_suffix(1);
  const std::string_view before = text.substr(line_start, start - line_start);
  const std::string column = std::to_string(code_points(before) + 1);
  const std::string shown_message = escaped(message, {.line_breaks = true});
  const std::string location = escaped(path) + ":" + std::to_string(line_number) + ":" + column;
  if (line.size() > kMaxSnippet) return location + ": " + shown_message;

  std::string number = std::to_string(line_number);
  if (number.size() < 4) number.insert(0, 4 - number.size(), ' ');
  const std::size_t underlined_end = std::min(end, line_start + line.size());
  const std::string_view underlined =
      start < underlined_end ? text.substr(start, underlined_end - start) : std::string_view();
  const std::size_t width = code_points(shown(underlined));

  std::string out = shown_message;
  out += "\n     --> " + location;
  out += "\n      |\n ";
  out += number + " | " + shown(line);
  out += "\n      | " + blank_like(before) + "^";
  if (width > 1) out.append(width - 1, '-');
  return out;
}

Error source_error(std::string_view message, std::string_view path, std::string_view text,
                   ast::Span span) {
  Error error{ErrorCode::kInvalidArgument, format_error(message, path, text, span)};
  error.several_lines = true;
  return error;
}

}  // namespace wreg::wit
