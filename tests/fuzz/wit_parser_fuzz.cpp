// libFuzzer target for the WIT parser (common/wit/parser.h): .wit files come from anyone who
// publishes or shares a WIT folder. Besides the sanitizers' checks (no crash, no unbounded
// recursion), it holds the parser to its contract on every input:
//   - a refusal is wasm-tools' layout (a message, then `--> fuzz.wit:LINE:COL`, the line and a
//     caret) or, for a line over 500 bytes, `fuzz.wit:LINE:COL: message`; and it is safe to
//     print: UTF-8 with no control character but line feed and tab, and no bidi override;
//   - a tree's names and spans agree with the text: each name is the text its span covers
//     (after a `%`), so the resolver's messages point at the right place;
//   - the same text gives the same answer twice.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/text.h"
#include "common/wit/parser.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace ast = wreg::wit::ast;

bool within(const ast::File& file, ast::Span span) {
  return span.start <= span.end && span.end <= file.text.size();
}

bool names_its_span(const ast::File& file, const ast::Id& id) {
  if (!within(file, id.span) || id.name.empty()) return false;
  std::string_view written(file.text.data() + id.span.start, id.span.end - id.span.start);
  if (written.starts_with('%')) written.remove_prefix(1);
  return written == id.name;
}

void check_type(const ast::File& file, const ast::TypeExpr& type) {
  WREG_FUZZ_CHECK(within(file, type.span));
  using Kind = ast::TypeExpr::Kind;
  if (type.kind == Kind::kName || type.kind == Kind::kOwn || type.kind == Kind::kBorrow) {
    WREG_FUZZ_CHECK(names_its_span(file, type.name));
  }
  for (const auto& argument : type.args) check_type(file, argument);
}

void check_func(const ast::File& file, const ast::Func& func) {
  WREG_FUZZ_CHECK(within(file, func.span));
  for (const auto& param : func.params) {
    WREG_FUZZ_CHECK(names_its_span(file, param.name));
    check_type(file, param.type);
  }
  if (func.result) check_type(file, *func.result);
}

void check_typedef(const ast::File& file, const ast::TypeDef& type) {
  WREG_FUZZ_CHECK(names_its_span(file, type.name));
  for (const auto& field : type.fields) {
    WREG_FUZZ_CHECK(names_its_span(file, field.name));
    check_type(file, field.type);
  }
  for (const auto& item : type.cases) {
    WREG_FUZZ_CHECK(names_its_span(file, item.name));
    if (item.type) check_type(file, *item.type);
  }
  for (const auto& function : type.functions) {
    if (function.kind != ast::ResourceFunc::Kind::kConstructor) {
      WREG_FUZZ_CHECK(names_its_span(file, function.name));
    }
    check_func(file, function.func);
  }
  if (type.alias) check_type(file, *type.alias);
}

void check_use(const ast::File& file, const ast::Use& use) {
  WREG_FUZZ_CHECK(within(file, use.span) && names_its_span(file, use.from.item));
  for (const auto& [name, as] : use.names) {
    WREG_FUZZ_CHECK(names_its_span(file, name));
    if (as) WREG_FUZZ_CHECK(names_its_span(file, *as));
  }
}

void check_interface_items(const ast::File& file, const std::vector<ast::InterfaceItem>& items) {
  for (const auto& item : items) {
    switch (item.kind) {
      case ast::InterfaceItem::Kind::kType:
        check_typedef(file, item.type);
        break;
      case ast::InterfaceItem::Kind::kUse:
        check_use(file, item.use);
        break;
      case ast::InterfaceItem::Kind::kFunc:
        WREG_FUZZ_CHECK(names_its_span(file, item.func.name));
        check_func(file, item.func.func);
        break;
    }
  }
}

void check_decls(const ast::File& file, const std::vector<ast::Decl>& decls) {
  for (const auto& decl : decls) {
    switch (decl.kind) {
      case ast::Decl::Kind::kInterface:
        WREG_FUZZ_CHECK(names_its_span(file, decl.interface.name));
        check_interface_items(file, decl.interface.items);
        break;
      case ast::Decl::Kind::kWorld:
        WREG_FUZZ_CHECK(names_its_span(file, decl.world.name));
        for (const auto& item : decl.world.items) {
          WREG_FUZZ_CHECK(within(file, item.span));
          if (item.kind == ast::WorldItem::Kind::kType) check_typedef(file, item.type);
          if (item.kind == ast::WorldItem::Kind::kUse) check_use(file, item.use);
          if (item.kind == ast::WorldItem::Kind::kImport ||
              item.kind == ast::WorldItem::Kind::kExport) {
            check_interface_items(file, item.extern_item.items);
          }
        }
        break;
      case ast::Decl::Kind::kUse:
        WREG_FUZZ_CHECK(names_its_span(file, decl.use.item.item));
        break;
    }
  }
}

// Printable as it is: UTF-8, no control character but line feed and tab, no bidi override.
bool safe_to_show(std::string_view message) {
  if (!wreg::is_valid_utf8(message)) return false;
  for (std::size_t at = 0; at < message.size(); ++at) {
    const auto c = static_cast<unsigned char>(message[at]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
    // U+202A..U+202E, U+2066..U+2069 (E2 80 AA..AE, E2 81 A6..A9) and C1 controls (C2 80..9F).
    if (c == 0xe2 && at + 2 < message.size()) {
      const auto b = static_cast<unsigned char>(message[at + 1]);
      const auto d = static_cast<unsigned char>(message[at + 2]);
      if ((b == 0x80 && d >= 0xaa && d <= 0xae) || (b == 0x81 && d >= 0xa6 && d <= 0xa9)) {
        return false;
      }
    }
    if (c == 0xc2 && at + 1 < message.size()) {
      const auto b = static_cast<unsigned char>(message[at + 1]);
      if (b >= 0x80 && b <= 0x9f) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(wreg::fuzz::as_text(data, size));
  auto file = wreg::wit::parse_file("fuzz.wit", text);
  auto again = wreg::wit::parse_file("fuzz.wit", text);
  WREG_FUZZ_CHECK(file.has_value() == again.has_value());
  if (!file) {
    const std::string& message = file.error().message;
    WREG_FUZZ_CHECK(message == again.error().message);
    WREG_FUZZ_CHECK(safe_to_show(message));
    const auto first_break = message.find('\n');
    if (first_break == std::string::npos) {
      WREG_FUZZ_CHECK(message.starts_with("fuzz.wit:"));  // a line over 500 bytes
    } else {
      WREG_FUZZ_CHECK(first_break > 0);
      WREG_FUZZ_CHECK(message.compare(first_break, 19, "\n     --> fuzz.wit:") == 0);
      WREG_FUZZ_CHECK(message.find("\n      | ") != std::string::npos);
      WREG_FUZZ_CHECK(message.find('^') != std::string::npos);
    }
    return 0;
  }
  WREG_FUZZ_CHECK(file->text == text);
  if (file->package) WREG_FUZZ_CHECK(within(*file, file->package->span));
  check_decls(*file, file->decls);
  for (const auto& nested : file->nested) {
    WREG_FUZZ_CHECK(within(*file, nested.span));
    check_decls(*file, nested.decls);
  }
  return 0;
}
