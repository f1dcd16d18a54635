// The parser follows wit-parser's recursive descent (crates/wit-parser/src/ast.rs) function for
// function, so that it accepts what wit-parser accepts, refuses what it refuses, and says so
// with its words at the same token. Where a function here mirrors one there, it is named for it.
//
// Errors: the first one ends the parse. It is kept in `failure_` and every step after it fails
// at once, so a function that returns false need not say why. A few checks that wit-parser
// makes only when it resolves the package (feature gates that contradict each other,
// attributes on a top-level `use`, a package inside a nested package) are kept in `deferred_`
// and reported when the text has no syntax error, as wit-parser would report them.
#include "common/wit/parser.h"

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "common/text.h"
#include "common/wit/lexer.h"
#include "common/wit/source_error.h"

namespace wreg::wit {
namespace {

constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;
// ast.rs MAX_TYPE_DEPTH: `list<list<...>>` nested this deep is refused.
constexpr int kMaxTypeDepth = 100;
// ast.rs MAX_ITEM_DEPTH: `package a:b { package c:d { ... } }` nested this deep is refused.
constexpr int kMaxPackageDepth = 100;
// A node of the tree is up to 150 times the size of its text (`import a;` is a 1.5 KB
// WorldItem), so a hostile 16 MiB file could ask for gigabytes. The largest WASI file needs
// about 2 MB; past this, the file is refused.
constexpr std::size_t kMaxTreeBytes = 64 * 1024 * 1024;

// One `@name(...)` before an item (ast.rs Attribute).
struct Attribute {
  enum class Kind : std::uint8_t { kSince, kUnstable, kDeprecated, kExternalId };
  Kind kind = Kind::kSince;
  ast::Span name;  // `since`: where wit-parser's messages about it point
  ast::Span span;  // from `@` to `)`
  std::string value;
};

bool is_id(Token token) { return token == Token::kId || token == Token::kExplicitId; }

// Why `text` is not a version, in the words of the semver crate that wit-parser reads versions
// with (its parse.rs and error.rs); nullopt when it is one.
std::optional<std::string> semver_error(std::string_view text) {
  enum Position { kMajor, kMinor, kPatch, kPre, kBuild };
  static constexpr const char* kNames[] = {"major version number", "minor version number",
                                           "patch version number", "pre-release identifier",
                                           "build metadata"};
  auto quoted_char = [&](std::string_view rest) {
    const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size());
    return rest.front() == '\0' ? std::string("'\\0'") : debug_char(code_point_at(bytes, 0).value);
  };
  auto unexpected = [&](std::string_view rest, Position at, const char* where) {
    if (rest.empty()) return "unexpected end of input while parsing " + std::string(kNames[at]);
    return "unexpected character " + quoted_char(rest) + where + kNames[at];
  };
  if (text.empty()) return "empty string, expected a semver version";
  std::string_view rest = text;
  for (Position at : {kMajor, kMinor, kPatch}) {
    std::size_t length = 0;
    std::uint64_t value = 0;
    for (; length < rest.size() && rest[length] >= '0' && rest[length] <= '9'; ++length) {
      if (value == 0 && length > 0) return "invalid leading zero in " + std::string(kNames[at]);
      const auto digit = static_cast<std::uint64_t>(rest[length] - '0');
      if (value > (UINT64_MAX - digit) / 10) {
        return "value of " + std::string(kNames[at]) + " exceeds u64::MAX";
      }
      value = value * 10 + digit;
    }
    if (length == 0) return unexpected(rest, at, " while parsing ");
    rest.remove_prefix(length);
    if (at == kPatch) break;
    if (!rest.starts_with('.')) return unexpected(rest, at, " after ");
    rest.remove_prefix(1);
  }
  Position at = kPatch;
  // parse.rs identifier(): dot-separated runs of [0-9A-Za-z-].
  for (auto [prefix, position] : {std::pair{'-', kPre}, std::pair{'+', kBuild}}) {
    if (!rest.starts_with(prefix)) continue;
    rest.remove_prefix(1);
    at = position;
    std::size_t taken = 0;
    while (true) {
      std::size_t segment = 0;
      bool has_nondigit = false;
      for (; taken + segment < rest.size(); ++segment) {
        const char c = rest[taken + segment];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') {
          has_nondigit = true;
        } else if (c < '0' || c > '9') {
          break;
        }
      }
      const bool dot = taken + segment < rest.size() && rest[taken + segment] == '.';
      if (segment == 0) {
        return "empty identifier segment in " + std::string(kNames[at]);
      }
      if (at == kPre && segment > 1 && !has_nondigit && rest[taken] == '0') {
        return "invalid leading zero in " + std::string(kNames[at]);
      }
      taken += segment + (dot ? 1 : 0);
      if (!dot) break;
    }
    rest.remove_prefix(taken);
  }
  if (!rest.empty()) return unexpected(rest, at, " after ");
  return std::nullopt;
}

// The character of `text` at `at`, for a message about it: wit-parser points at one byte, but a
// caret under half a character would underline its escape wrongly. Empty at the end.
ast::Span character_at(std::string_view text, std::uint32_t at) {
  if (at >= text.size()) return {at, at};
  const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  return {at, at + static_cast<std::uint32_t>(code_point_at(bytes, at).length)};
}

class Parser {
 public:
  struct Failure {
    ast::Span span;
    std::string message;
  };

  explicit Parser(std::string_view text) : text_(text), lexer_(text) {}

  // ast.rs PackageFile::parse, then the checks kept for the end.
  bool parse(ast::File& file) {
    if (!parse_package_file(file)) return false;
    if (deferred_) {
      failure_ = std::move(deferred_);
      return false;
    }
    return true;
  }

  const Failure& failure() const { return *failure_; }

 private:
  // ---- Errors --------------------------------------------------------------------------------

  bool fail(ast::Span span, std::string message) {
    if (!failure_) failure_ = Failure{span, std::move(message)};
    return false;
  }
  // A lexer error points at one character, as wit-parser's do.
  bool fail_lex(const LexError& error) {
    return fail(character_at(text_, error.at), error.message);
  }
  // ast.rs err_expected: the whole offending token is underlined.
  bool fail_expected(std::string_view expected, const Lexed& found) {
    return fail(found.span, "expected " + std::string(expected) + ", found " +
                                std::string(describe(found.token)));
  }
  void defer(ast::Span span, std::string message) {
    if (!deferred_) deferred_ = Failure{span, std::move(message)};
  }

  // A new last element of `list`, its size charged to the tree (kMaxTreeBytes); null, with
  // the failure set, past that.
  template <typename T>
  T* add(std::vector<T>& list) {
    tree_bytes_ += sizeof(T);
    if (tree_bytes_ > kMaxTreeBytes) {
      fail({here(), here()},
           "this file's syntax tree would pass 64 MiB, more than wreg reads "
           "from one WIT file; split it into several files");
      return nullptr;
    }
    return &list.emplace_back();
  }

  // ---- Tokens --------------------------------------------------------------------------------

  std::string_view text_of(ast::Span span) const {
    return text_.substr(span.start, span.end - span.start);
  }

  bool next_from(Lexer& lexer, Lexed& out) {
    if (failure_) return false;
    LexError error;
    if (!lexer.next(out, error)) return fail_lex(error);
    return true;
  }
  bool next(Lexed& out) { return next_from(lexer_, out); }
  bool peek(Lexed& out) {
    Lexer ahead = lexer_;
    return next_from(ahead, out);
  }
  // lex.rs Tokenizer::eat: takes the next token when it is `token`. false when it is not, and
  // on an error (failure_ then says which).
  bool eat(Token token, ast::Span* span = nullptr) {
    Lexer ahead = lexer_;
    Lexed found;
    if (!next_from(ahead, found) || found.token != token) return false;
    lexer_ = ahead;
    if (span != nullptr) *span = found.span;
    return true;
  }
  // lex.rs Tokenizer::expect: "expected ';', found '}'", at the first byte of what was found.
  bool expect(Token token, ast::Span* span = nullptr) {
    Lexed found;
    if (!next(found)) return false;
    if (found.token != token) {
      return fail(character_at(text_, found.span.start),
                  "expected " + std::string(describe(token)) + ", found " +
                      std::string(describe(found.token)));
    }
    if (span != nullptr) *span = found.span;
    return true;
  }
  bool ok() const { return !failure_; }
  // Where the text read so far ends: an item's span runs to here once its last token is taken.
  std::uint32_t here() const { return lexer_.position(); }

  // The name an identifier token stands for, once it is checked (lex.rs parse_id and
  // parse_explicit_id). nullopt when it is not a WIT identifier.
  std::optional<std::string_view> identifier(const Lexed& token, LexError& error) const {
    std::string_view word = text_of(token.span);
    if (token.token == Token::kExplicitId) word.remove_prefix(1);
    if (!validate_id(word, token.span.start, error)) return std::nullopt;
    return word;
  }

  // ast.rs parse_id.
  bool parse_id(ast::Id& out) {
    Lexed token;
    if (!next(token)) return false;
    if (!is_id(token.token)) return fail_expected("an identifier or string", token);
    LexError error;
    auto name = identifier(token, error);
    if (!name) return fail_lex(error);
    out = {std::string(*name), token.span};
    return true;
  }

  // ast.rs eat_id: `version` in `@since(version = ...)`.
  bool eat_id(std::string_view expected) {
    ast::Id id;
    if (!parse_id(id)) return false;
    if (id.name != expected) {
      return fail(id.span, "expected `" + std::string(expected) + "`, found `" + id.name + "`");
    }
    return true;
  }

  // ast.rs parse_docs: the comments before the next token, each as written (a line comment
  // without its line ending). Every comment counts: WIT.md since component-model#281.
  bool parse_docs(ast::Docs& docs) {
    if (failure_) return false;
    Lexer ahead = lexer_;
    while (true) {
      Lexed token;
      LexError error;
      if (!ahead.next_raw(token, error)) return fail_lex(error);
      if (token.token == Token::kComment) {
        std::string_view comment = text_of(token.span);
        if (comment.starts_with("//")) {
          if (comment.ends_with('\n')) comment.remove_suffix(1);
          if (comment.ends_with('\r')) comment.remove_suffix(1);
        }
        docs.comments.emplace_back(comment);
      } else if (token.token != Token::kWhitespace) {
        return true;
      }
      lexer_ = ahead;
    }
  }

  // ast.rs parse_list: `start` item, item, ... `end`, a trailing comma allowed.
  template <typename ParseItem>
  bool parse_list(Token start, Token end, ParseItem&& parse_item) {
    return expect(start) && parse_list_trailer(end, parse_item);
  }

  // ast.rs parse_list_trailer. `parse_item` takes the item's docs.
  template <typename ParseItem>
  bool parse_list_trailer(Token end, ParseItem&& parse_item) {
    while (true) {
      ast::Docs docs;
      if (!parse_docs(docs)) return false;
      if (eat(end)) return true;
      if (!ok() || !parse_item(std::move(docs))) return false;
      if (!eat(Token::kComma)) return ok() && expect(end);
    }
  }

  // ---- Versions and names --------------------------------------------------------------------

  // ast.rs parse_version: three integers and dots, then what may follow `-` and `+`, read as
  // SemVer. The text of the span is the version as written.
  bool parse_version(std::string& out, ast::Span& span) {
    ast::Span first;
    ast::Span last;
    if (!expect(Token::kInteger, &first) || !expect(Token::kPeriod) || !expect(Token::kInteger) ||
        !expect(Token::kPeriod) || !expect(Token::kInteger, &last)) {
      return false;
    }
    span = {first.start, last.end};
    if (!eat_version_ids(Token::kMinus, span) || !eat_version_ids(Token::kPlus, span)) {
      return false;
    }
    const std::string_view written = text_of(span);
    if (auto error = semver_error(written)) return fail(span, std::move(*error));
    out = std::string(written);
    return true;
  }

  // ast.rs parse_version's eat_ids: after `prefix`, identifiers, integers and `-` joined by
  // `.`; a `.` followed by anything else is WIT's (`use a:b/c@1.0.0-rc.{x}`), not SemVer's.
  bool eat_version_ids(Token prefix, ast::Span& span) {
    if (!eat(prefix)) return ok();
    auto is_part = [](Token token) {
      return token == Token::kId || token == Token::kInteger || token == Token::kMinus;
    };
    while (true) {
      Lexer ahead = lexer_;
      Lexed token;
      if (!next_from(ahead, token)) return false;
      if (token.token == Token::kPeriod && !next_from(ahead, token)) return false;
      if (!is_part(token.token)) return true;
      span.end = token.span.end;
      lexer_ = ahead;
    }
  }

  // ast.rs parse_opt_version.
  bool parse_optional_version(std::string& out) {
    if (!eat(Token::kAt)) return ok();
    ast::Span span;
    return parse_version(out, span);
  }

  // ast.rs PackageName::parse: `ns:name@1.0.0`.
  bool parse_package_name(ast::PackageName& out) {
    ast::Id space;
    ast::Id name;
    if (!parse_id(space) || !expect(Token::kColon) || !parse_id(name)) return false;
    if (!parse_optional_version(out.version)) return false;
    out.space = std::move(space.name);
    out.name = std::move(name.name);
    out.span = {space.span.start, here()};
    return true;
  }

  // ast.rs UsePath::parse: `poll`, or `wasi:io/poll@0.2.8`.
  bool parse_use_path(ast::UsePath& out) {
    ast::Id first;
    if (!parse_id(first)) return false;
    if (eat(Token::kColon)) {
      ast::PackageName package;
      ast::Id name;
      if (!parse_id(name) || !expect(Token::kSlash) || !parse_id(out.item)) return false;
      if (!parse_optional_version(package.version)) return false;
      package.space = std::move(first.name);
      package.name = std::move(name.name);
      package.span = {first.span.start, name.span.end};
      out.package = std::move(package);
    } else {
      if (!ok()) return false;
      out.item = std::move(first);
    }
    out.span = {first.span.start, here()};
    return true;
  }

  // ---- Attributes ----------------------------------------------------------------------------

  // ast.rs Attribute::parse_list.
  bool parse_attributes(std::vector<Attribute>& out) {
    ast::Span at;
    while (eat(Token::kAt, &at)) {
      ast::Id id;
      if (!parse_id(id)) return false;
      Attribute attribute;
      attribute.name = id.span;
      if (id.name == "since" || id.name == "deprecated") {
        attribute.kind =
            id.name == "since" ? Attribute::Kind::kSince : Attribute::Kind::kDeprecated;
        ast::Span version;
        if (!expect(Token::kLeftParen) || !eat_id("version") || !expect(Token::kEquals) ||
            !parse_version(attribute.value, version) || !expect(Token::kRightParen)) {
          return false;
        }
      } else if (id.name == "unstable") {
        attribute.kind = Attribute::Kind::kUnstable;
        ast::Id feature;
        if (!expect(Token::kLeftParen) || !eat_id("feature") || !expect(Token::kEquals) ||
            !parse_id(feature) || !expect(Token::kRightParen)) {
          return false;
        }
        attribute.value = std::move(feature.name);
      } else if (id.name == "external-id") {
        attribute.kind = Attribute::Kind::kExternalId;
        ast::Span literal;
        if (!expect(Token::kLeftParen) || !expect(Token::kStringLiteral, &literal)) return false;
        LexError error;
        if (!decode_string(text_of(literal), literal.start, attribute.value, error)) {
          return fail_lex(error);
        }
        if (!expect(Token::kRightParen)) return false;
      } else {
        return fail(id.span, "unknown attribute `" + id.name + "`");
      }
      attribute.span = {at.start, here()};
      Attribute* added = add(out);
      if (added == nullptr) return false;
      *added = std::move(attribute);
    }
    return ok();
  }

  // The gate of an item from its attributes, refused as wit-parser's resolver (resolve.rs
  // stability, external_id) refuses them.
  ast::Gate gate_of(const std::vector<Attribute>& attributes) {
    ast::Gate gate;
    if (attributes.empty()) return gate;
    gate.span = {attributes.front().span.start, attributes.back().span.end};
    const Attribute* since = nullptr;
    const Attribute* unstable = nullptr;
    const Attribute* deprecated = nullptr;
    const Attribute* external_id = nullptr;
    for (const Attribute& attribute : attributes) {
      const Attribute** seen = nullptr;
      const char* twice = nullptr;
      switch (attribute.kind) {
        case Attribute::Kind::kSince:
          seen = &since, twice = "cannot specify @since twice";
          break;
        case Attribute::Kind::kUnstable:
          seen = &unstable, twice = "cannot specify @unstable twice";
          break;
        case Attribute::Kind::kDeprecated:
          seen = &deprecated, twice = "cannot specify @deprecated twice";
          break;
        case Attribute::Kind::kExternalId:
          seen = &external_id, twice = "cannot specify @external-id twice";
          break;
      }
      if (*seen != nullptr) {
        defer(attribute.name, twice);
        return gate;
      }
      *seen = &attribute;
    }
    if (since != nullptr && unstable != nullptr) {
      defer(since->name, "cannot specify both @since and @unstable");
    } else if (since != nullptr) {
      gate.kind = ast::Gate::Kind::kSince;
      gate.version_or_feature = since->value;
    } else if (unstable != nullptr) {
      gate.kind = ast::Gate::Kind::kUnstable;
      gate.version_or_feature = unstable->value;
    } else if (deprecated != nullptr) {
      defer(deprecated->name, "cannot specify both @deprecated without @since or @unstable");
    }
    if (deprecated != nullptr) gate.deprecated = deprecated->value;
    if (external_id != nullptr) gate.external_id = external_id->value;
    return gate;
  }

  // ---- Types ---------------------------------------------------------------------------------

  // ast.rs Type::parse_at_depth.
  bool parse_type(ast::TypeExpr& out, int depth) {
    using Kind = ast::TypeExpr::Kind;
    Lexed token;
    if (!next(token)) return false;
    if (depth >= kMaxTypeDepth) return fail(token.span, "type nesting too deep");
    out.span = token.span;
    auto argument = [&]() {
      ast::TypeExpr* added = add(out.args);
      return added != nullptr && parse_type(*added, depth + 1);
    };
    switch (token.token) {
      case Token::kBool:
        out.kind = Kind::kBool;
        return true;
      case Token::kU8:
        out.kind = Kind::kU8;
        return true;
      case Token::kU16:
        out.kind = Kind::kU16;
        return true;
      case Token::kU32:
        out.kind = Kind::kU32;
        return true;
      case Token::kU64:
        out.kind = Kind::kU64;
        return true;
      case Token::kS8:
        out.kind = Kind::kS8;
        return true;
      case Token::kS16:
        out.kind = Kind::kS16;
        return true;
      case Token::kS32:
        out.kind = Kind::kS32;
        return true;
      case Token::kS64:
        out.kind = Kind::kS64;
        return true;
      case Token::kF32:
        out.kind = Kind::kF32;
        return true;
      case Token::kF64:
        out.kind = Kind::kF64;
        return true;
      case Token::kChar:
        out.kind = Kind::kChar;
        return true;
      case Token::kString:
        out.kind = Kind::kString;
        return true;
      case Token::kErrorContext:
        out.kind = Kind::kErrorContext;
        return true;
      case Token::kTuple:
        out.kind = Kind::kTuple;
        return parse_list(Token::kLessThan, Token::kGreaterThan,
                          [&](ast::Docs) { return argument(); });
      case Token::kList: {
        out.kind = Kind::kList;
        if (!expect(Token::kLessThan) || !argument()) return false;
        if (eat(Token::kComma)) {
          Lexed size;
          if (!next(size)) return false;
          if (size.token != Token::kInteger) return fail_expected("fixed-length", size);
          std::uint64_t length = 0;
          if (!parse_decimal(text_of(size.span), length) || length > 0xffffffffu) {
            return fail(size.span, "invalid list size: number too large to fit in target type");
          }
          out.kind = Kind::kFixedList;
          out.length = static_cast<std::uint32_t>(length);
        }
        return ok() && expect(Token::kGreaterThan);
      }
      case Token::kMap:
        out.kind = Kind::kMap;
        return expect(Token::kLessThan) && argument() && expect(Token::kComma) && argument() &&
               expect(Token::kGreaterThan);
      case Token::kOption:
        out.kind = Kind::kOption;
        return expect(Token::kLessThan) && argument() && expect(Token::kGreaterThan);
      case Token::kResult:
        out.kind = Kind::kResult;
        if (!eat(Token::kLessThan)) return ok();
        if (eat(Token::kUnderscore)) {
          out.has_err = true;
          return expect(Token::kComma) && argument() && expect(Token::kGreaterThan);
        }
        out.has_ok = true;
        if (!ok() || !argument()) return false;
        if (eat(Token::kComma)) {
          out.has_err = true;
          if (!argument()) return false;
        }
        return ok() && expect(Token::kGreaterThan);
      case Token::kFuture:
      case Token::kStream:
        out.kind = token.token == Token::kFuture ? Kind::kFuture : Kind::kStream;
        if (!eat(Token::kLessThan)) return ok();
        return argument() && expect(Token::kGreaterThan);
      case Token::kOwn:
      case Token::kBorrow:
        // wit-parser points at the resource's name for a handle.
        out.kind = token.token == Token::kOwn ? Kind::kOwn : Kind::kBorrow;
        if (!expect(Token::kLessThan) || !parse_id(out.name) || !expect(Token::kGreaterThan)) {
          return false;
        }
        out.span = out.name.span;
        return true;
      case Token::kId:
      case Token::kExplicitId: {
        LexError error;
        auto name = identifier(token, error);
        if (!name) return fail_lex(error);
        out.kind = Kind::kName;
        out.name = {std::string(*name), token.span};
        return true;
      }
      default:
        return fail_expected("a type", token);
    }
  }

  // ---- Functions -----------------------------------------------------------------------------

  // `name: type` parameters up to `)`, the `(` already taken.
  bool parse_params(std::vector<ast::Field>& params) {
    return parse_list_trailer(Token::kRightParen, [&](ast::Docs) {
      ast::Field* param = add(params);
      return param != nullptr && parse_id(param->name) && expect(Token::kColon) &&
             parse_type(param->type, 0);
    });
  }

  // `-> type`, when there.
  bool parse_optional_result(std::optional<ast::TypeExpr>& result) {
    if (!eat(Token::kRArrow)) return ok();
    return parse_type(result.emplace(), 0);
  }

  // ast.rs Func::parse: `async? func(params) -> result`.
  bool parse_func(ast::Func& out) {
    out.is_async = eat(Token::kAsync);
    return ok() && expect(Token::kFunc, &out.span) && expect(Token::kLeftParen) &&
           parse_params(out.params) && parse_optional_result(out.result);
  }

  // ast.rs NamedFunc::parse: `name: func(...);`.
  bool parse_named_func(ast::Docs docs, ast::Gate gate, ast::NamedFunc& out) {
    out.docs = std::move(docs);
    out.gate = std::move(gate);
    return parse_id(out.name) && expect(Token::kColon) && parse_func(out.func) &&
           expect(Token::kSemicolon);
  }

  // ast.rs ResourceFunc::parse.
  bool parse_resource_func(ast::Docs docs, ast::Gate gate, ast::ResourceFunc& out) {
    using Kind = ast::ResourceFunc::Kind;
    out.docs = std::move(docs);
    out.gate = std::move(gate);
    Lexed token;
    if (!peek(token)) return false;
    if (token.token == Token::kConstructor) {
      out.kind = Kind::kConstructor;
      if (!expect(Token::kConstructor, &out.func.span)) return false;
      out.name = {"constructor", out.func.span};
      return expect(Token::kLeftParen) && parse_params(out.func.params) &&
             parse_optional_result(out.func.result) && expect(Token::kSemicolon);
    }
    if (!is_id(token.token)) return fail_expected("`constructor` or identifier", token);
    if (!parse_id(out.name) || !expect(Token::kColon)) return false;
    out.kind = eat(Token::kStatic) ? Kind::kStatic : Kind::kMethod;
    return ok() && parse_func(out.func) && expect(Token::kSemicolon);
  }

  // ---- Type definitions ----------------------------------------------------------------------

  // ast.rs TypeDef::parse and its parse_flags, parse_resource, parse_record, parse_variant and
  // parse_enum, chosen by the keyword ahead (the callers know it is one of them).
  bool parse_typedef(ast::Docs docs, ast::Gate gate, Token keyword, ast::TypeDef& out) {
    using Kind = ast::TypeDef::Kind;
    out.docs = std::move(docs);
    out.gate = std::move(gate);
    if (!expect(keyword) || !parse_id(out.name)) return false;
    auto named_case = [&](ast::Docs case_docs) {
      ast::Case* item = add(out.cases);
      if (item == nullptr) return false;
      item->docs = std::move(case_docs);
      return parse_id(item->name);
    };
    switch (keyword) {
      case Token::kType:
        out.kind = Kind::kAlias;
        return expect(Token::kEquals) && parse_type(out.alias.emplace(), 0) &&
               expect(Token::kSemicolon);
      case Token::kFlags:
        out.kind = Kind::kFlags;
        return parse_list(Token::kLeftBrace, Token::kRightBrace, named_case);
      case Token::kEnum:
        out.kind = Kind::kEnum;
        return parse_list(Token::kLeftBrace, Token::kRightBrace, named_case);
      case Token::kVariant:
        out.kind = Kind::kVariant;
        return parse_list(Token::kLeftBrace, Token::kRightBrace, [&](ast::Docs case_docs) {
          if (!named_case(std::move(case_docs))) return false;
          if (!eat(Token::kLeftParen)) return ok();
          return parse_type(out.cases.back().type.emplace(), 0) && expect(Token::kRightParen);
        });
      case Token::kRecord:
        out.kind = Kind::kRecord;
        return parse_list(Token::kLeftBrace, Token::kRightBrace, [&](ast::Docs field_docs) {
          ast::Field* field = add(out.fields);
          if (field == nullptr) return false;
          field->docs = std::move(field_docs);
          return parse_id(field->name) && expect(Token::kColon) && parse_type(field->type, 0);
        });
      case Token::kResource:
        out.kind = Kind::kResource;
        if (!eat(Token::kLeftBrace)) return ok() && expect(Token::kSemicolon);
        while (!eat(Token::kRightBrace)) {
          ast::Docs func_docs;
          std::vector<Attribute> attributes;
          if (!ok() || !parse_docs(func_docs) || !parse_attributes(attributes)) return false;
          ast::ResourceFunc* function = add(out.functions);
          if (function == nullptr ||
              !parse_resource_func(std::move(func_docs), gate_of(attributes), *function)) {
            return false;
          }
        }
        return ok();
      default:
        return false;
    }
  }

  static bool is_typedef_keyword(Token token) {
    return token == Token::kType || token == Token::kFlags || token == Token::kEnum ||
           token == Token::kVariant || token == Token::kResource || token == Token::kRecord;
  }

  // ---- Interfaces ----------------------------------------------------------------------------

  // ast.rs Use::parse: `use path.{a, b as c};`.
  bool parse_use(ast::Gate gate, ast::Use& out) {
    out.gate = std::move(gate);
    ast::Span keyword;
    if (!expect(Token::kUse, &keyword) || !parse_use_path(out.from) || !expect(Token::kPeriod) ||
        !expect(Token::kLeftBrace)) {
      return false;
    }
    while (!eat(Token::kRightBrace)) {
      auto* added = add(out.names);
      if (added == nullptr) return false;
      auto& [name, as] = *added;
      if (!ok() || !parse_id(name)) return false;
      if (eat(Token::kAs) && !parse_id(as.emplace())) return false;
      if (!eat(Token::kComma)) {
        if (!ok() || !expect(Token::kRightBrace)) return false;
        break;
      }
    }
    if (!ok() || !expect(Token::kSemicolon)) return false;
    out.span = {keyword.start, here()};
    return true;
  }

  // ast.rs InterfaceItem::parse.
  bool parse_interface_item(ast::Docs docs, const std::vector<Attribute>& attributes,
                            ast::InterfaceItem& out) {
    using Kind = ast::InterfaceItem::Kind;
    Lexed token;
    if (!peek(token)) return false;
    if (is_typedef_keyword(token.token)) {
      out.kind = Kind::kType;
      return parse_typedef(std::move(docs), gate_of(attributes), token.token, out.type);
    }
    if (is_id(token.token)) {
      out.kind = Kind::kFunc;
      return parse_named_func(std::move(docs), gate_of(attributes), out.func);
    }
    if (token.token == Token::kUse) {
      out.kind = Kind::kUse;
      return parse_use(gate_of(attributes), out.use);
    }
    return fail_expected("`type`, `resource` or `func`", token);
  }

  // ast.rs Interface::parse_items: `{ items }`.
  bool parse_interface_items(std::vector<ast::InterfaceItem>& items) {
    if (!expect(Token::kLeftBrace)) return false;
    while (true) {
      ast::Docs docs;
      std::vector<Attribute> attributes;
      if (!parse_docs(docs)) return false;
      if (eat(Token::kRightBrace)) return true;
      if (!ok() || !parse_attributes(attributes)) return false;
      ast::InterfaceItem* item = add(items);
      if (item == nullptr || !parse_interface_item(std::move(docs), attributes, *item)) {
        return false;
      }
    }
  }

  // ast.rs Interface::parse.
  bool parse_interface(ast::Docs docs, const std::vector<Attribute>& attributes,
                       ast::Interface& out) {
    out.docs = std::move(docs);
    out.gate = gate_of(attributes);
    ast::Span keyword;
    if (!expect(Token::kInterface, &keyword) || !parse_id(out.name) ||
        !parse_interface_items(out.items)) {
      return false;
    }
    out.span = {keyword.start, here()};
    return true;
  }

  // ---- Worlds --------------------------------------------------------------------------------

  // True when the next tokens are an identifier and `/`: the colon just read was part of
  // `ns:pkg/iface`, not a label's (ast.rs ExternKind::parse's is_qualified_path). Never fails.
  bool qualified_path_ahead() const {
    Lexer ahead = lexer_;
    Lexed token;
    LexError error;
    if (!ahead.next(token, error) || !is_id(token.token) || !identifier(token, error)) {
      return false;
    }
    return ahead.next(token, error) && token.token == Token::kSlash;
  }

  // ast.rs ExternKind::parse: what follows `import` or `export`.
  bool parse_extern(ast::Extern& out) {
    using Kind = ast::Extern::Kind;
    const Lexer start = lexer_;
    ast::Id label;
    if (!parse_id(label)) return false;
    if (eat(Token::kColon)) {
      Lexed token;
      if (!peek(token)) return false;
      if (token.token == Token::kFunc || token.token == Token::kAsync) {
        out.kind = Kind::kFunc;
        out.label = std::move(label);
        return parse_func(out.func) && expect(Token::kSemicolon);
      }
      if (eat(Token::kInterface)) {
        out.kind = Kind::kInterface;
        out.label = std::move(label);
        return parse_interface_items(out.items);
      }
      if (!ok()) return false;
      if (!qualified_path_ahead()) {
        out.kind = Kind::kNamedPath;
        out.label = std::move(label);
        return parse_use_path(out.path) && expect(Token::kSemicolon);
      }
    }
    if (!ok()) return false;
    lexer_ = start;
    out.kind = Kind::kPath;
    return parse_use_path(out.path) && expect(Token::kSemicolon);
  }

  // ast.rs Include::parse: `include path;` or `include path with { a as b }`.
  bool parse_include(ast::Gate gate, ast::Include& out) {
    out.gate = std::move(gate);
    ast::Span keyword;
    if (!expect(Token::kInclude, &keyword) || !parse_use_path(out.from)) return false;
    if (eat(Token::kWith)) {
      if (!parse_list(Token::kLeftBrace, Token::kRightBrace, [&](ast::Docs) {
            auto* added = add(out.with);
            return added != nullptr && parse_id(added->first) && expect(Token::kAs) &&
                   parse_id(added->second);
          })) {
        return false;
      }
    } else if (!ok() || !expect(Token::kSemicolon)) {
      return false;
    }
    out.span = {keyword.start, here()};
    return true;
  }

  // ast.rs WorldItem::parse.
  bool parse_world_item(ast::Docs docs, const std::vector<Attribute>& attributes,
                        ast::WorldItem& out) {
    using Kind = ast::WorldItem::Kind;
    Lexed token;
    if (!peek(token)) return false;
    if (token.token == Token::kImport || token.token == Token::kExport) {
      out.kind = token.token == Token::kImport ? Kind::kImport : Kind::kExport;
      out.docs = std::move(docs);
      out.gate = gate_of(attributes);
      if (!expect(token.token) || !parse_extern(out.extern_item)) return false;
    } else if (token.token == Token::kUse) {
      out.kind = Kind::kUse;
      if (!parse_use(gate_of(attributes), out.use)) return false;
    } else if (is_typedef_keyword(token.token)) {
      out.kind = Kind::kType;
      if (!parse_typedef(std::move(docs), gate_of(attributes), token.token, out.type)) {
        return false;
      }
    } else if (token.token == Token::kInclude) {
      out.kind = Kind::kInclude;
      if (!parse_include(gate_of(attributes), out.include)) return false;
    } else {
      return fail_expected("`import`, `export`, `include`, `use`, or type definition", token);
    }
    out.span = {token.span.start, here()};
    return true;
  }

  // ast.rs World::parse.
  bool parse_world(ast::Docs docs, const std::vector<Attribute>& attributes, ast::World& out) {
    out.docs = std::move(docs);
    out.gate = gate_of(attributes);
    ast::Span keyword;
    if (!expect(Token::kWorld, &keyword) || !parse_id(out.name) || !expect(Token::kLeftBrace)) {
      return false;
    }
    while (true) {
      ast::Docs item_docs;
      std::vector<Attribute> item_attributes;
      if (!parse_docs(item_docs)) return false;
      if (eat(Token::kRightBrace)) break;
      if (!ok() || !parse_attributes(item_attributes)) return false;
      ast::WorldItem* item = add(out.items);
      if (item == nullptr || !parse_world_item(std::move(item_docs), item_attributes, *item)) {
        return false;
      }
    }
    if (!ok()) return false;
    out.span = {keyword.start, here()};
    return true;
  }

  // ---- Packages ------------------------------------------------------------------------------

  // ast.rs ToplevelUse::parse: `use wasi:io/poll@0.2.8 as p;`.
  bool parse_top_level_use(const std::vector<Attribute>& attributes, ast::TopLevelUse& out) {
    ast::Span keyword;
    if (!expect(Token::kUse, &keyword) || !parse_use_path(out.item)) return false;
    if (eat(Token::kAs) && !parse_id(out.as.emplace())) return false;
    if (!ok() || !expect(Token::kSemicolon)) return false;
    out.span = {keyword.start, here()};
    // resolve.rs refuses them when it resolves the package.
    if (!attributes.empty()) defer(keyword, "attributes not allowed on top-level use");
    return true;
  }

  // ast.rs PackageFile::parse_nested: `package ns:name@1.0.0 { ... }`. A nested package is
  // allowed only at the top of a file (depth 0); deeper ones are read, then refused (as
  // wit-parser's resolver does) and left out of `nested`.
  bool parse_nested_package(ast::Docs docs, const std::vector<Attribute>& attributes, int depth,
                            std::vector<ast::NestedPackage>& nested) {
    ast::Span keyword;
    if (!expect(Token::kPackage, &keyword)) return false;
    if (!attributes.empty()) return fail(keyword, "cannot place attributes on nested packages");
    if (depth >= kMaxPackageDepth) return fail(keyword, "package nesting too deep");
    ast::NestedPackage package;
    package.docs = std::move(docs);
    if (!parse_package_name(package.name) || !expect(Token::kLeftBrace)) return false;
    if (depth > 0) defer(package.name.span, "nested packages must be placed at the top-level");
    std::vector<ast::NestedPackage> inner;
    if (!parse_decls(/*until_brace=*/true, depth + 1, package.decls, inner)) return false;
    package.span = {keyword.start, here()};
    if (depth == 0) {
      ast::NestedPackage* added = add(nested);
      if (added == nullptr) return false;
      *added = std::move(package);
    }
    return true;
  }

  // ast.rs AstItem::parse.
  bool parse_decl(ast::Docs docs, int depth, std::vector<ast::Decl>& decls,
                  std::vector<ast::NestedPackage>& nested) {
    using Kind = ast::Decl::Kind;
    std::vector<Attribute> attributes;
    if (!parse_attributes(attributes)) return false;
    Lexed token;
    if (!peek(token)) return false;
    switch (token.token) {
      case Token::kInterface: {
        ast::Decl* decl = add(decls);
        if (decl == nullptr) return false;
        decl->kind = Kind::kInterface;
        return parse_interface(std::move(docs), attributes, decl->interface);
      }
      case Token::kWorld: {
        ast::Decl* decl = add(decls);
        if (decl == nullptr) return false;
        decl->kind = Kind::kWorld;
        return parse_world(std::move(docs), attributes, decl->world);
      }
      case Token::kUse: {
        ast::Decl* decl = add(decls);
        if (decl == nullptr) return false;
        decl->kind = Kind::kUse;
        return parse_top_level_use(attributes, decl->use);
      }
      case Token::kPackage:
        return parse_nested_package(std::move(docs), attributes, depth, nested);
      default:
        return fail_expected("`world`, `interface` or `use`", token);
    }
  }

  // ast.rs DeclList::parse_until: items to the end of the text, or to `}`.
  bool parse_decls(bool until_brace, int depth, std::vector<ast::Decl>& decls,
                   std::vector<ast::NestedPackage>& nested) {
    while (true) {
      ast::Docs docs;
      if (!parse_docs(docs)) return false;
      if (until_brace) {
        if (eat(Token::kRightBrace)) return true;
        if (!ok()) return false;
      } else {
        Lexed token;
        if (!peek(token)) return false;
        if (token.token == Token::kEof) return true;
      }
      if (!parse_decl(std::move(docs), depth, decls, nested)) return false;
    }
  }

  // ast.rs PackageFile::parse: `package ns:name;` when the file starts with one (its docs are
  // the package's), then the items. `package ns:name { ... }` is an item instead.
  bool parse_package_file(ast::File& file) {
    const Lexer start = lexer_;
    ast::Docs docs;
    if (!parse_docs(docs)) return false;
    if (eat(Token::kPackage)) {
      ast::PackageName name;
      if (!parse_package_name(name)) return false;
      if (eat(Token::kSemicolon)) {
        file.package = std::move(name);
        file.package_docs = std::move(docs);
      } else {
        if (!ok()) return false;
        lexer_ = start;
      }
    } else {
      if (!ok()) return false;
      lexer_ = start;
    }
    return parse_decls(/*until_brace=*/false, 0, file.decls, file.nested);
  }

  std::string_view text_;
  Lexer lexer_;
  std::optional<Failure> failure_;
  std::optional<Failure> deferred_;
  std::size_t tree_bytes_ = 0;  // what add() has charged
};

}  // namespace

Result<ast::File> parse_file(std::string path, std::string text) {
  if (text.size() > kMaxFileBytes) {
    return fail(ErrorCode::kTooLarge,
                escaped(path) + ": " + std::to_string(text.size()) +
                    " bytes is more than the 16 MiB a WIT file may have; split it into several "
                    "files");
  }
  ast::File file;
  file.path = std::move(path);
  file.text = std::move(text);
  if (auto error = check_text(file.text)) {
    return source_error(error->message, file.path, file.text, character_at(file.text, error->at));
  }
  Parser parser(file.text);
  if (!parser.parse(file)) {
    const auto& failure = parser.failure();
    return source_error(failure.message, file.path, file.text, failure.span);
  }
  return file;
}

}  // namespace wreg::wit
