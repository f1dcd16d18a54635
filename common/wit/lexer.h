// The WIT lexer: the tokens of WIT text as wit-parser's tokenizer (crates/wit-parser/src/ast/
// lex.rs) reads them, for the parser (parser.h).
//
// The lexer works on demand: next() reads one token from where it stands, and a Lexer is a
// small value (the text and an offset), so the parser looks ahead by copying it. A text that is
// not a token is therefore reported only when the parser reaches it, as wit-parser does.
//
// What it reads:
//   - whitespace is space, tab and line feed (a CR LF pair counts as a line feed; a CR alone is
//     an unexpected character); `//` comments run to the end of the line, `/* */` comments nest;
//   - identifiers and keywords are runs of Unicode identifier characters (XID_Continue), `_`
//     and `-` that start with an XID_Start character or `_`; `%name` is an identifier written
//     with a `%` so that it may be a keyword; whether a name is well formed (kebab-case, ASCII)
//     is validate_id()'s business, when the parser takes it;
//   - integers are runs of ASCII digits; strings are `"..."` with \t \n \r \" \' \\, \u{hex}
//     and two-hex-digit byte escapes.
// The Unicode classes come from unicode_tables.inc (made by unicode_tables.py).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/wit/ast.h"

namespace wreg::wit {

enum class Token : std::uint8_t {
  kEof,  // the end of the text
  kWhitespace,
  kComment,

  kEquals,
  kComma,
  kColon,
  kPeriod,
  kSemicolon,
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLessThan,
  kGreaterThan,
  kRArrow,
  kStar,
  kAt,
  kSlash,
  kPlus,
  kMinus,
  kStringLiteral,

  kUse,
  kType,
  kFunc,
  kU8,
  kU16,
  kU32,
  kU64,
  kS8,
  kS16,
  kS32,
  kS64,
  kF32,
  kF64,
  kChar,
  kRecord,
  kResource,
  kOwn,
  kBorrow,
  kFlags,
  kVariant,
  kEnum,
  kBool,
  kString,
  kOption,
  kResult,
  kFuture,
  kStream,
  kErrorContext,
  kList,
  kMap,
  kUnderscore,
  kAs,
  kFrom,
  kStatic,
  kInterface,
  kTuple,
  kImport,
  kExport,
  kWorld,
  kPackage,
  kConstructor,
  kAsync,
  kInclude,
  kWith,

  kId,          // `input-stream`
  kExplicitId,  // `%type`
  kInteger,     // `42`
};

// How a message names a token, in wit-parser's words: "';'", "keyword `use`", "an identifier",
// "eof".
std::string_view describe(Token token);

struct Lexed {
  Token token = Token::kEof;
  ast::Span span;
};

// Text that is not a token, or not WIT text at all. The message is wit-parser's
// ("unterminated block comment", "unexpected character '$'"); `at` is the byte it is about.
struct LexError {
  std::uint32_t at = 0;
  std::string message;
};

// Checks the whole text before any token is read, as wit-parser does: UTF-8 (wit-parser takes
// a Rust string, so it never sees bytes that are not), and none of the code points it refuses
// anywhere in a file, comments included: control characters other than tab, line feed and
// carriage return; the bidirectional overrides and isolates (CVE-2021-42574); and eight
// characters Unicode deprecates. nullopt when the text is fine.
std::optional<LexError> check_text(std::string_view text);

class Lexer {
 public:
  // `text` must outlive the Lexer and have passed check_text(). A byte order mark at the start
  // is skipped.
  explicit Lexer(std::string_view text);

  // The next token, whitespace and comments skipped; kEof (an empty span at the end) when none
  // is left. false, with `error` set, when the text there is not a token; the Lexer has then
  // moved to an unspecified place.
  bool next(Lexed& out, LexError& error);

  // Likewise, whitespace and comments included.
  bool next_raw(Lexed& out, LexError& error);

  // The offset the next token is read from.
  std::uint32_t position() const { return position_; }

 private:
  // Moves past the characters that continue an identifier.
  void skip_keylike();

  std::string_view text_;
  std::uint32_t position_ = 0;
};

// The value of the string literal token `literal` (quotes included): its escapes decoded.
// false with `error` set when an escape is malformed, a character is not allowed in a string,
// or the decoded bytes are not UTF-8 (`\ff`). The lexer checks every string it reads with it.
bool decode_string(std::string_view literal, std::uint32_t start, std::string& out,
                   LexError& error);

// Checks that `id` (a `%` already removed) is a WIT identifier: words joined by single `-`, each
// all lowercase or all uppercase ASCII letters and digits, the first starting with a letter
// (`is-XML`, `a0-000-3d4a`). Refused with wit-parser's message, at `start`: "identifiers must
// have characters between '-'s" or "invalid character in identifier 'X'".
bool validate_id(std::string_view id, std::uint32_t start, LexError& error);

// A code point as Rust's `{:?}` writes a char: `'a'`, `'\n'`, `'\u{0}'`.
std::string debug_char(std::uint32_t code_point);

}  // namespace wreg::wit
