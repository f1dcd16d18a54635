#include "common/wit/lexer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <span>

#include "common/text.h"

namespace wreg::wit {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string hex_lower(std::uint32_t value) {
  char out[16];
  std::snprintf(out, sizeof out, "%x", static_cast<unsigned>(value));
  return out;
}

std::string utf8_of(std::uint32_t code) {
  std::string out;
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xc0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xe0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  }
  return out;
}

// One character of the text as wit-parser's CrlfFold iterator gives it: CR LF reads as one
// line feed. A byte that is not UTF-8 (only in text that skipped check_text) reads as itself,
// one byte long, and is never mistaken for ASCII.
struct Char {
  std::uint32_t code;
  std::uint32_t length;
};

Char char_at(std::string_view text, std::uint32_t at) {
  const auto c = static_cast<unsigned char>(text[at]);
  if (c == '\r' && at + 1 < text.size() && text[at + 1] == '\n') return {'\n', 2};
  if (c < 0x80) return {c, 1};
  const CodePoint point = code_point_at(bytes_of(text), at);
  if (point.value == kNotUtf8) return {0x110000u + c, 1};
  return {point.value, static_cast<std::uint32_t>(point.length)};
}

bool is_ascii_letter(std::uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(std::uint32_t c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(std::uint32_t c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
std::uint32_t hex_value(std::uint32_t c) {
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return c - '0';
}

struct CodeRange {
  std::uint32_t first;
  std::uint32_t last;
};

#include "common/wit/unicode_tables.inc"

bool in_table(std::span<const CodeRange> table, std::uint32_t c) {
  auto after =
      std::upper_bound(table.begin(), table.end(), c,
                       [](std::uint32_t code, const CodeRange& r) { return code < r.first; });
  return after != table.begin() && c <= (after - 1)->last;
}

// lex.rs is_keylike_start / is_keylike_continue: Unicode's identifier characters, `_` and `-`
// (a `-` never starts a token: it is read as `-` or `->` first).
bool is_keylike_start(std::uint32_t c) {
  return is_ascii_letter(c) || c == '_' || (c >= 0x80 && in_table(kXidStart, c));
}
bool is_keylike_continue(std::uint32_t c) {
  if (c >= 0x80) return in_table(kXidContinue, c);
  return is_ascii_letter(c) || is_digit(c) || c == '_' || c == '-';
}

// lex.rs: the keywords, sorted for a binary search.
constexpr std::array<std::pair<std::string_view, Token>, 44> kKeywords = {{
    {"_", Token::kUnderscore},
    {"as", Token::kAs},
    {"async", Token::kAsync},
    {"bool", Token::kBool},
    {"borrow", Token::kBorrow},
    {"char", Token::kChar},
    {"constructor", Token::kConstructor},
    {"enum", Token::kEnum},
    {"error-context", Token::kErrorContext},
    {"export", Token::kExport},
    {"f32", Token::kF32},
    {"f64", Token::kF64},
    {"flags", Token::kFlags},
    {"from", Token::kFrom},
    {"func", Token::kFunc},
    {"future", Token::kFuture},
    {"import", Token::kImport},
    {"include", Token::kInclude},
    {"interface", Token::kInterface},
    {"list", Token::kList},
    {"map", Token::kMap},
    {"option", Token::kOption},
    {"own", Token::kOwn},
    {"package", Token::kPackage},
    {"record", Token::kRecord},
    {"resource", Token::kResource},
    {"result", Token::kResult},
    {"s16", Token::kS16},
    {"s32", Token::kS32},
    {"s64", Token::kS64},
    {"s8", Token::kS8},
    {"static", Token::kStatic},
    {"stream", Token::kStream},
    {"string", Token::kString},
    {"tuple", Token::kTuple},
    {"type", Token::kType},
    {"u16", Token::kU16},
    {"u32", Token::kU32},
    {"u64", Token::kU64},
    {"u8", Token::kU8},
    {"use", Token::kUse},
    {"variant", Token::kVariant},
    {"with", Token::kWith},
    {"world", Token::kWorld},
}};

static_assert(std::is_sorted(kKeywords.begin(), kKeywords.end()));

Token keyword_or_id(std::string_view word) {
  auto found =
      std::lower_bound(kKeywords.begin(), kKeywords.end(), word,
                       [](const auto& entry, std::string_view w) { return entry.first < w; });
  if (found != kKeywords.end() && found->first == word) return found->second;
  return Token::kId;
}

// Rust's Utf8Error as Display writes it, for the bytes a string's escapes made.
std::string utf8_error_text(const std::string& bytes) {
  const auto span = bytes_of(bytes);
  std::size_t at = 0;
  while (at < span.size()) {
    const CodePoint point = code_point_at(span, at);
    if (point.value == kNotUtf8) break;
    at += point.length;
  }
  const std::uint8_t lead = span[at];
  const std::size_t wanted = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 1;
  bool truncated = wanted > 1 && span.size() - at < wanted;
  for (std::size_t k = at + 1; truncated && k < span.size(); ++k) {
    if ((span[k] & 0xc0) != 0x80) truncated = false;
  }
  if (truncated) return "incomplete utf-8 byte sequence from index " + std::to_string(at);
  return "invalid utf-8 sequence of 1 bytes from index " + std::to_string(at);
}

// Reads the string literal whose opening quote is text[open], as lex.rs expect_string_literal
// does. `base` is added to offsets in errors. Sets `end` just past the closing quote, and
// `value` (when given) to the decoded bytes.
bool scan_string(std::string_view text, std::uint32_t open, std::uint32_t base, std::uint32_t& end,
                 std::string* value, LexError& error) {
  const auto size = static_cast<std::uint32_t>(text.size());
  std::uint32_t at = open + 1;
  std::string bytes;
  // The next character, or false with "unexpected end of file" at the end.
  auto take = [&](Char& c, std::uint32_t& where) {
    if (at >= size) {
      error = {base + size, "unexpected end of file"};
      return false;
    }
    c = char_at(text, at);
    where = at;
    at += c.length;
    return true;
  };
  auto take_hex_digit = [&](std::uint32_t& digit, std::uint32_t& where) {
    Char c;
    if (!take(c, where)) return false;
    if (!is_hex_digit(c.code)) {
      error = {base + where, "invalid hex digit " + debug_char(c.code)};
      return false;
    }
    digit = hex_value(c.code);
    return true;
  };
  while (true) {
    Char c;
    std::uint32_t where = 0;
    if (!take(c, where)) return false;
    if (c.code == '"') break;
    if (c.code == '\\') {
      Char escape;
      std::uint32_t escape_at = 0;
      if (!take(escape, escape_at)) return false;
      switch (escape.code) {
        case '"':
        case '\'':
        case '\\':
          bytes += static_cast<char>(escape.code);
          break;
        case 't':
          bytes += '\t';
          break;
        case 'n':
          bytes += '\n';
          break;
        case 'r':
          bytes += '\r';
          break;
        case 'u': {
          Char brace;
          std::uint32_t brace_at = 0;
          if (!take(brace, brace_at)) return false;
          if (brace.code != '{') {
            error = {base + brace_at, "expected character '{'"};
            return false;
          }
          std::uint32_t first_at = 0;
          std::uint32_t number = 0;
          if (!take_hex_digit(number, first_at)) return false;
          bool last_underscore = false;
          while (true) {
            if (at < size && text[at] == '_') {
              last_underscore = true;
              ++at;
              continue;
            }
            if (at >= size) {
              error = {base + size, "unexpected end of file"};
              return false;
            }
            const Char next = char_at(text, at);
            if (!is_hex_digit(next.code)) break;
            last_underscore = false;
            if (number > (0xffffffffu - hex_value(next.code)) / 16) {
              error = {base + at, "number is too big to fit in a u32"};
              return false;
            }
            number = number * 16 + hex_value(next.code);
            at += next.length;
          }
          if (last_underscore) {
            error = {base + first_at, "trailing underscore in number"};
            return false;
          }
          if (number > 0x10ffff || (number >= 0xd800 && number <= 0xdfff)) {
            error = {base + escape_at, "invalid unicode value 0x" + hex_lower(number)};
            return false;
          }
          bytes += utf8_of(number);
          if (!take(brace, brace_at)) return false;
          if (brace.code != '}') {
            error = {base + brace_at, "expected character '}'"};
            return false;
          }
          break;
        }
        default:
          if (is_hex_digit(escape.code)) {
            std::uint32_t low = 0;
            std::uint32_t low_at = 0;
            if (!take_hex_digit(low, low_at)) return false;
            bytes += static_cast<char>(hex_value(escape.code) * 16 + low);
            break;
          }
          error = {base + escape_at, "invalid string escape " + debug_char(escape.code)};
          return false;
      }
      continue;
    }
    if (c.code < 0x20 || c.code == 0x7f) {
      error = {base + where, "invalid string character " + debug_char(c.code)};
      return false;
    }
    bytes.append(text.substr(where, c.length));
  }
  if (!is_valid_utf8(bytes)) {
    error = {base + open, "invalid UTF-8: " + utf8_error_text(bytes)};
    return false;
  }
  end = at;
  if (value != nullptr) *value = std::move(bytes);
  return true;
}

}  // namespace

std::string_view describe(Token token) {
  switch (token) {
    case Token::kEof:
      return "eof";
    case Token::kWhitespace:
      return "whitespace";
    case Token::kComment:
      return "a comment";
    case Token::kEquals:
      return "'='";
    case Token::kComma:
      return "','";
    case Token::kColon:
      return "':'";
    case Token::kPeriod:
      return "'.'";
    case Token::kSemicolon:
      return "';'";
    case Token::kLeftParen:
      return "'('";
    case Token::kRightParen:
      return "')'";
    case Token::kLeftBrace:
      return "'{'";
    case Token::kRightBrace:
      return "'}'";
    case Token::kLessThan:
      return "'<'";
    case Token::kGreaterThan:
      return "'>'";
    case Token::kRArrow:
      return "`->`";
    case Token::kStar:
      return "`*`";
    case Token::kAt:
      return "`@`";
    case Token::kSlash:
      return "`/`";
    case Token::kPlus:
      return "`+`";
    case Token::kMinus:
      return "`-`";
    case Token::kStringLiteral:
      return "a string literal";
    case Token::kUse:
      return "keyword `use`";
    case Token::kType:
      return "keyword `type`";
    case Token::kFunc:
      return "keyword `func`";
    case Token::kU8:
      return "keyword `u8`";
    case Token::kU16:
      return "keyword `u16`";
    case Token::kU32:
      return "keyword `u32`";
    case Token::kU64:
      return "keyword `u64`";
    case Token::kS8:
      return "keyword `s8`";
    case Token::kS16:
      return "keyword `s16`";
    case Token::kS32:
      return "keyword `s32`";
    case Token::kS64:
      return "keyword `s64`";
    case Token::kF32:
      return "keyword `f32`";
    case Token::kF64:
      return "keyword `f64`";
    case Token::kChar:
      return "keyword `char`";
    case Token::kRecord:
      return "keyword `record`";
    case Token::kResource:
      return "keyword `resource`";
    case Token::kOwn:
      return "keyword `own`";
    case Token::kBorrow:
      return "keyword `borrow`";
    case Token::kFlags:
      return "keyword `flags`";
    case Token::kVariant:
      return "keyword `variant`";
    case Token::kEnum:
      return "keyword `enum`";
    case Token::kBool:
      return "keyword `bool`";
    case Token::kString:
      return "keyword `string`";
    case Token::kOption:
      return "keyword `option`";
    case Token::kResult:
      return "keyword `result`";
    case Token::kFuture:
      return "keyword `future`";
    case Token::kStream:
      return "keyword `stream`";
    case Token::kErrorContext:
      return "keyword `error-context`";
    case Token::kList:
      return "keyword `list`";
    case Token::kMap:
      return "keyword `map`";
    case Token::kUnderscore:
      return "keyword `_`";
    case Token::kAs:
      return "keyword `as`";
    case Token::kFrom:
      return "keyword `from`";
    case Token::kStatic:
      return "keyword `static`";
    case Token::kInterface:
      return "keyword `interface`";
    case Token::kTuple:
      return "keyword `tuple`";
    case Token::kImport:
      return "keyword `import`";
    case Token::kExport:
      return "keyword `export`";
    case Token::kWorld:
      return "keyword `world`";
    case Token::kPackage:
      return "keyword `package`";
    case Token::kConstructor:
      return "keyword `constructor`";
    case Token::kAsync:
      return "keyword `async`";
    case Token::kInclude:
      return "keyword `include`";
    case Token::kWith:
      return "keyword `with`";
    case Token::kId:
      return "an identifier";
    case Token::kExplicitId:
      return "an '%' identifier";
    case Token::kInteger:
      return "an integer";
  }
  return "a token";
}

std::string debug_char(std::uint32_t code) {
  switch (code) {
    case 0:
      return "'\\0'";
    case '\t':
      return "'\\t'";
    case '\n':
      return "'\\n'";
    case '\r':
      return "'\\r'";
    case '\'':
      return "'\\''";
    case '\\':
      return "'\\\\'";
    default:
      break;
  }
  if (code < 0x20 || code == 0x7f || code > 0x10ffff ||
      (code >= 0x80 && in_table(kDebugEscaped, code))) {
    return "'\\u{" + hex_lower(code) + "}'";
  }
  return "'" + utf8_of(code) + "'";
}

std::optional<LexError> check_text(std::string_view text) {
  const auto bytes = bytes_of(text);
  for (std::size_t at = 0; at < bytes.size();) {
    const std::uint8_t byte = bytes[at];
    if (byte >= 0x20 && byte < 0x7f) {  // most of a file
      ++at;
      continue;
    }
    const CodePoint point = code_point_at(bytes, at);
    const auto where = static_cast<std::uint32_t>(at);
    const std::uint32_t c = point.value;
    if (c == kNotUtf8) {
      return LexError{where, "invalid UTF-8: byte 0x" + hex_lower(byte / 16) +
                                 hex_lower(byte % 16) +
                                 " is not part of a UTF-8 character; save the file as UTF-8"};
    }
    at += point.length;
    if (c == '\n' || c == '\r' || c == '\t') continue;
    // CVE-2021-42574: bidirectional overrides can make code read other than it runs.
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      return LexError{
          where, "Input contains bidirectional override codepoint \"\\u{" + hex_lower(c) + "}\""};
    }
    // Deprecated or discouraged (Unicode 13.0.0, 7.1 Latin, 9.2 Arabic, 13.4 Tibetan, 16.4 Khmer).
    if (c == 0x149 || c == 0x673 || c == 0xf77 || c == 0xf79 || c == 0x17a3 || c == 0x17a4 ||
        c == 0x17b4 || c == 0x17b5) {
      return LexError{where, "Codepoint \"\\u{" + hex_lower(c) + "}\" is discouraged by Unicode"};
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return LexError{where, "Control code '\\u{" + hex_lower(c) + "}'"};
    }
  }
  return std::nullopt;
}

Lexer::Lexer(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) position_ = 3;
}

bool Lexer::next(Lexed& out, LexError& error) {
  while (true) {
    if (!next_raw(out, error)) return false;
    if (out.token != Token::kWhitespace && out.token != Token::kComment) return true;
  }
}

bool Lexer::next_raw(Lexed& out, LexError& error) {
  const auto size = static_cast<std::uint32_t>(text_.size());
  const std::uint32_t start = position_;
  if (start >= size) {
    out = {Token::kEof, {size, size}};
    return true;
  }
  auto peek = [&]() -> std::uint32_t {
    return position_ < size ? char_at(text_, position_).code : 0xffffffffu;
  };
  auto eat = [&](std::uint32_t wanted) {
    if (position_ >= size) return false;
    const Char c = char_at(text_, position_);
    if (c.code != wanted) return false;
    position_ += c.length;
    return true;
  };
  const Char first = char_at(text_, position_);
  position_ += first.length;
  Token token = Token::kEof;
  switch (first.code) {
    case '\n':
    case '\t':
    case ' ':
      while (position_ < size) {
        const char c = text_[position_];
        if (c == ' ' || c == '\t' || c == '\n') {
          ++position_;
        } else if (c == '\r' && position_ + 1 < size && text_[position_ + 1] == '\n') {
          position_ += 2;
        } else {
          break;
        }
      }
      token = Token::kWhitespace;
      break;
    case '/':
      // Comments are scanned as bytes: no byte of a multi-byte UTF-8 character is ASCII.
      if (eat('/')) {
        const auto line_end = text_.find('\n', position_);
        position_ =
            line_end == std::string_view::npos ? size : static_cast<std::uint32_t>(line_end + 1);
        token = Token::kComment;
      } else if (eat('*')) {
        std::uint64_t depth = 1;
        while (depth > 0) {
          const auto mark = text_.find_first_of("/*", position_);
          if (mark == std::string_view::npos) {
            error = {start, "unterminated block comment"};
            return false;
          }
          position_ = static_cast<std::uint32_t>(mark + 1);
          if (text_[mark] == '/' && eat('*')) {
            ++depth;
          } else if (text_[mark] == '*' && eat('/')) {
            --depth;
          }
        }
        token = Token::kComment;
      } else {
        token = Token::kSlash;
      }
      break;
    case '=':
      token = Token::kEquals;
      break;
    case ',':
      token = Token::kComma;
      break;
    case ':':
      token = Token::kColon;
      break;
    case '.':
      token = Token::kPeriod;
      break;
    case ';':
      token = Token::kSemicolon;
      break;
    case '(':
      token = Token::kLeftParen;
      break;
    case ')':
      token = Token::kRightParen;
      break;
    case '{':
      token = Token::kLeftBrace;
      break;
    case '}':
      token = Token::kRightBrace;
      break;
    case '<':
      token = Token::kLessThan;
      break;
    case '>':
      token = Token::kGreaterThan;
      break;
    case '*':
      token = Token::kStar;
      break;
    case '@':
      token = Token::kAt;
      break;
    case '+':
      token = Token::kPlus;
      break;
    case '-':
      token = eat('>') ? Token::kRArrow : Token::kMinus;
      break;
    case '%':
      if (is_keylike_start(peek()) || peek() == '-') skip_keylike();
      token = Token::kExplicitId;
      break;
    case '"': {
      std::uint32_t end = 0;
      if (!scan_string(text_, start, 0, end, nullptr, error)) return false;
      position_ = end;
      token = Token::kStringLiteral;
      break;
    }
    default:
      if (is_keylike_start(first.code)) {
        skip_keylike();
        token = keyword_or_id(text_.substr(start, position_ - start));
      } else if (is_digit(first.code)) {
        while (position_ < size && is_digit(peek())) ++position_;
        token = Token::kInteger;
      } else {
        error = {start, "unexpected character " + debug_char(first.code)};
        return false;
      }
  }
  out = {token, {start, position_}};
  return true;
}

void Lexer::skip_keylike() {
  while (position_ < text_.size()) {
    const Char c = char_at(text_, position_);
    if (!is_keylike_continue(c.code)) return;
    position_ += c.length;
  }
}

bool decode_string(std::string_view literal, std::uint32_t start, std::string& out,
                   LexError& error) {
  std::uint32_t end = 0;
  if (literal.empty() || literal.front() != '"') {
    error = {start, "expected character '\"'"};
    return false;
  }
  return scan_string(literal, 0, start, end, &out, error);
}

bool validate_id(std::string_view id, std::uint32_t start, LexError& error) {
  const std::string empty_part = "identifiers must have characters between '-'s";
  if (id.empty()) {
    error = {start, empty_part};
    return false;
  }
  bool first_part = true;
  for (std::string_view part : split(id, '-')) {
    if (part.empty()) {
      error = {start, empty_part};
      return false;
    }
    const Char lead = char_at(part, 0);
    if (first_part && !is_ascii_letter(lead.code)) {
      error = {start, "invalid character in identifier " + debug_char(lead.code)};
      return false;
    }
    first_part = false;
    // Each part is all lowercase or all uppercase; digits go with either.
    int upper = -1;
    for (std::uint32_t at = 0; at < part.size();) {
      const Char c = char_at(part, at);
      at += c.length;
      if (is_digit(c.code)) continue;
      const int is_upper = c.code >= 'A' && c.code <= 'Z';
      if (!is_ascii_letter(c.code) || (upper != -1 && upper != is_upper)) {
        error = {start, "invalid character in identifier " + debug_char(c.code)};
        return false;
      }
      upper = is_upper;
    }
  }
  return true;
}

}  // namespace wreg::wit
