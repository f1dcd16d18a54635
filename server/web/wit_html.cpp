#include "server/web/wit_html.h"

#include <kainjow/mustache.hpp>

#include "common/text.h"
#include "common/wit/lexer.h"

namespace wreg::web {
namespace {

using wit::Token;

// The class of a token's span: a keyword, a built-in type, a comment (docs too), a string, or
// nullptr for names and punctuation, which stay plain. Gates (`@since`) are found in
// highlighted(), as an `@` and the name after it.
const char* token_class(Token token) {
  switch (token) {
    case Token::kComment:
      return "wc";
    case Token::kStringLiteral:
      return "ws";
    case Token::kU8:
    case Token::kU16:
    case Token::kU32:
    case Token::kU64:
    case Token::kS8:
    case Token::kS16:
    case Token::kS32:
    case Token::kS64:
    case Token::kF32:
    case Token::kF64:
    case Token::kChar:
    case Token::kBool:
    case Token::kString:
    case Token::kOption:
    case Token::kResult:
    case Token::kFuture:
    case Token::kStream:
    case Token::kErrorContext:
    case Token::kList:
    case Token::kMap:
    case Token::kTuple:
    case Token::kOwn:
    case Token::kBorrow:
      return "wt";
    case Token::kUse:
    case Token::kType:
    case Token::kFunc:
    case Token::kRecord:
    case Token::kResource:
    case Token::kFlags:
    case Token::kVariant:
    case Token::kEnum:
    case Token::kAs:
    case Token::kFrom:
    case Token::kStatic:
    case Token::kInterface:
    case Token::kImport:
    case Token::kExport:
    case Token::kWorld:
    case Token::kPackage:
    case Token::kConstructor:
    case Token::kAsync:
    case Token::kInclude:
    case Token::kWith:
      return "wk";
    default:
      return nullptr;
  }
}

// `text` escaped and highlighted token by token. Where the lexer stops (a text it refuses), the
// rest is escaped without highlighting.
std::string highlighted(std::string_view text) {
  if (wit::check_text(text)) return escape_visibly(text);
  wit::Lexer lexer(text);
  wit::Lexed token;
  wit::LexError error;
  std::string html;
  std::uint32_t shown = 0;
  while (lexer.next_raw(token, error) && token.token != Token::kEof) {
    if (token.span.start > shown)
      html += escape_visibly(text.substr(shown, token.span.start - shown));
    const char* css = token_class(token.token);
    if (token.token == Token::kAt) {
      // `@since(...)`, `@unstable(...)`: one span. An `@` before a version stays plain.
      wit::Lexer ahead = lexer;
      wit::Lexed name;
      if (ahead.next_raw(name, error) && name.token == Token::kId) {
        token.span.end = name.span.end;
        lexer = ahead;
        css = "wa";
      }
    }
    const std::string_view piece = text.substr(token.span.start, token.span.end - token.span.start);
    if (css) {
      html += "<span class=\"";
      html += css;
      html += "\">";
      html += escape_visibly(piece);
      html += "</span>";
    } else {
      html += escape_visibly(piece);
    }
    shown = token.span.end;
  }
  if (shown < text.size()) html += escape_visibly(text.substr(shown));
  return html;
}

bool starts_item(std::string_view line) {
  return !line.empty() && line.front() != ' ' && line.front() != '/' && line.back() == '{';
}

// A line that belongs to the item after it: its docs and its gates (`@since(...)`).
bool leads_item(std::string_view line) { return line.starts_with("///") || line.starts_with("@"); }

}  // namespace

std::string shown_text(std::string_view text) {
  EscapeOptions options;
  options.line_breaks = true;
  return escaped(text, options);
}

std::string escape_visibly(std::string_view text) {
  return kainjow::mustache::html_escape<std::string>(shown_text(text));
}

std::vector<WitBlock> wit_blocks(std::string_view wit) {
  // The printer writes each top-level item from column 0 to a `}` alone on its line, with what
  // is inside indented, so the items are found by their lines.
  std::vector<std::string_view> lines = split(wit, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  struct Range {
    std::string summary;
    std::size_t first = 0;
    std::size_t last = 0;  // past the end
  };
  std::vector<Range> ranges;
  auto loose_until = [&](std::size_t end) {
    const std::size_t start = ranges.empty() ? 0 : ranges.back().last;
    if (end > start) ranges.push_back({"", start, end});
  };
  for (std::size_t at = 0; at < lines.size(); ++at) {
    if (!starts_item(lines[at])) continue;
    std::size_t first = at;
    const std::size_t floor = ranges.empty() ? 0 : ranges.back().last;
    while (first > floor && leads_item(lines[first - 1])) --first;
    std::size_t end = at + 1;
    while (end < lines.size() && lines[end] != "}") ++end;
    if (end == lines.size()) break;  // not closed: left to the loose text after the last item
    loose_until(first);
    std::string_view head = lines[at];
    head.remove_suffix(1);
    ranges.push_back({std::string(trim(head)), first, end + 1});
    at = end;
  }
  loose_until(lines.size());

  std::vector<WitBlock> blocks;
  for (Range& range : ranges) {
    // The blank lines between items are the page's spacing, not the block's.
    while (range.first < range.last && trim(lines[range.first]).empty()) ++range.first;
    while (range.last > range.first && trim(lines[range.last - 1]).empty()) --range.last;
    std::string text;
    for (std::size_t at = range.first; at < range.last; ++at) {
      text.append(lines[at]);
      text += '\n';
    }
    if (text.empty()) continue;
    blocks.push_back({shown_text(range.summary), highlighted(text)});
  }
  return blocks;
}

}  // namespace wreg::web
