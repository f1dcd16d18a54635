// The WIT parser (common/wit/parser.h): every WIT source among the fixtures parses, the tree
// has the shapes the text describes, and mistakes are refused with wit-parser's message, laid
// out as wasm-tools lays it out (format_error), caret and all.
#include "common/wit/parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/fixtures.h"
#include "tests/unit/wit/wit_test_support.h"

namespace wreg::wit {
namespace {

using ast::TypeExpr;

// The parse of `text` as test.wit, or its error message.
Result<ast::File> parse(std::string text) { return parse_file("test.wit", std::move(text)); }

std::string error_of(std::string text) {
  auto file = parse(std::move(text));
  if (file.has_value()) return "(parsed)";
  return file.error().message;
}

// The message alone, without its location: the first line of error_of().
std::string message_of(std::string text) {
  const std::string error = error_of(std::move(text));
  return error.substr(0, error.find('\n'));
}

std::string text_of(const ast::File& file, ast::Span span) {
  return file.text.substr(span.start, span.end - span.start);
}

// Every WIT source of the fixtures: the WASI 0.2.8 files, our examples, and the source each
// binary package was encoded from (`*.source.wit`).
std::vector<std::string> wit_fixtures() {
  std::vector<std::string> names;
  const auto& root = testing::fixtures();
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "wit")) {
    if (entry.path().extension() == ".wit") {
      names.push_back(std::filesystem::relative(entry.path(), root).string());
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(root / "packages")) {
    if (entry.path().string().ends_with(".source.wit")) {
      names.push_back(std::filesystem::relative(entry.path(), root).string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& param) {
  return testing_support::test_name_of(param.param);
}

class ParseFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseFixture, ParsesWithItsItems) {
  auto file = parse_file(GetParam(), testing::fixture_bytes(GetParam()));
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_FALSE(file->decls.empty());
  // A package's source names it first; of a folder's files, one does (`world.wit`, mostly).
  if (GetParam().ends_with(".source.wit")) {
    EXPECT_TRUE(file->package.has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ParseFixture, ::testing::ValuesIn(wit_fixtures()), test_name);

TEST(ParseFixtureListTest, FindsEveryWitSource) {
  // 33 WASI files, 3 examples, 13 package sources: a fixture lost from the list fails here.
  EXPECT_EQ(wit_fixtures().size(), 49u);
}

// ---- Shapes --------------------------------------------------------------------------------

TEST(ParserTest, WasiIoStreamsHasItsUsesVariantAndResources) {
  auto file = parse_file("streams.wit", testing::fixture_bytes("wit/wasi-0.2.8/io/streams.wit"));
  ASSERT_TRUE(file.has_value()) << file.error().message;
  ASSERT_TRUE(file->package.has_value());
  EXPECT_EQ(file->package->space, "wasi");
  EXPECT_EQ(file->package->name, "io");
  EXPECT_EQ(file->package->version, "0.2.8");
  EXPECT_EQ(text_of(*file, file->package->span), "wasi:io@0.2.8");
  EXPECT_TRUE(file->package_docs.comments.empty());
  EXPECT_TRUE(file->nested.empty());

  ASSERT_EQ(file->decls.size(), 1u);
  ASSERT_EQ(file->decls[0].kind, ast::Decl::Kind::kInterface);
  const ast::Interface& streams = file->decls[0].interface;
  EXPECT_EQ(streams.name.name, "streams");
  EXPECT_EQ(text_of(*file, streams.name.span), "streams");
  EXPECT_EQ(streams.gate.kind, ast::Gate::Kind::kSince);
  EXPECT_EQ(streams.gate.version_or_feature, "0.2.0");
  EXPECT_EQ(text_of(*file, streams.gate.span), "@since(version = 0.2.0)");
  ASSERT_EQ(streams.docs.comments.size(), 5u);
  EXPECT_EQ(streams.docs.comments[0],
            "/// WASI I/O is an I/O abstraction API which is currently focused on providing");
  EXPECT_EQ(streams.docs.comments[2], "///");
  EXPECT_TRUE(text_of(*file, streams.span).starts_with("interface streams {"));
  EXPECT_TRUE(text_of(*file, streams.span).ends_with("}"));

  ASSERT_EQ(streams.items.size(), 5u);
  const ast::Use& use_error = streams.items[0].use;
  ASSERT_EQ(streams.items[0].kind, ast::InterfaceItem::Kind::kUse);
  EXPECT_FALSE(use_error.from.package.has_value());
  EXPECT_EQ(use_error.from.item.name, "error");
  ASSERT_EQ(use_error.names.size(), 1u);
  EXPECT_EQ(use_error.names[0].first.name, "error");
  EXPECT_FALSE(use_error.names[0].second.has_value());
  EXPECT_EQ(use_error.gate.kind, ast::Gate::Kind::kSince);
  EXPECT_EQ(text_of(*file, use_error.span), "use error.{error};");
  EXPECT_EQ(streams.items[1].use.from.item.name, "poll");

  ASSERT_EQ(streams.items[2].kind, ast::InterfaceItem::Kind::kType);
  const ast::TypeDef& stream_error = streams.items[2].type;
  EXPECT_EQ(stream_error.kind, ast::TypeDef::Kind::kVariant);
  EXPECT_EQ(stream_error.name.name, "stream-error");
  ASSERT_EQ(stream_error.cases.size(), 2u);
  EXPECT_EQ(stream_error.cases[0].name.name, "last-operation-failed");
  ASSERT_TRUE(stream_error.cases[0].type.has_value());
  EXPECT_EQ(stream_error.cases[0].type->kind, TypeExpr::Kind::kName);
  EXPECT_EQ(stream_error.cases[0].type->name.name, "error");
  EXPECT_EQ(stream_error.cases[0].docs.comments.size(), 6u);
  EXPECT_EQ(stream_error.cases[1].name.name, "closed");
  EXPECT_FALSE(stream_error.cases[1].type.has_value());

  const ast::TypeDef& input = streams.items[3].type;
  EXPECT_EQ(input.kind, ast::TypeDef::Kind::kResource);
  EXPECT_EQ(input.name.name, "input-stream");
  std::vector<std::string> methods;
  for (const auto& function : input.functions) {
    EXPECT_EQ(function.kind, ast::ResourceFunc::Kind::kMethod);
    EXPECT_EQ(function.gate.version_or_feature, "0.2.0");
    methods.push_back(function.name.name);
  }
  EXPECT_EQ(methods, (std::vector<std::string>{"read", "blocking-read", "skip", "blocking-skip",
                                               "subscribe"}));
  // read: func(len: u64) -> result<list<u8>, stream-error>
  const ast::Func& read = input.functions[0].func;
  EXPECT_FALSE(read.is_async);
  ASSERT_EQ(read.params.size(), 1u);
  EXPECT_EQ(read.params[0].name.name, "len");
  EXPECT_EQ(read.params[0].type.kind, TypeExpr::Kind::kU64);
  ASSERT_TRUE(read.result.has_value());
  EXPECT_EQ(read.result->kind, TypeExpr::Kind::kResult);
  EXPECT_TRUE(read.result->has_ok && read.result->has_err);
  ASSERT_EQ(read.result->args.size(), 2u);
  EXPECT_EQ(read.result->args[0].kind, TypeExpr::Kind::kList);
  EXPECT_EQ(read.result->args[0].args[0].kind, TypeExpr::Kind::kU8);
  EXPECT_EQ(read.result->args[1].name.name, "stream-error");
  EXPECT_EQ(text_of(*file, read.span), "func");

  const ast::TypeDef& output = streams.items[4].type;
  EXPECT_EQ(output.name.name, "output-stream");
  ASSERT_EQ(output.functions.size(), 10u);
  // write: func(contents: list<u8>) -> result<_, stream-error>
  const ast::Func& write = output.functions[1].func;
  EXPECT_FALSE(write.result->has_ok);
  EXPECT_TRUE(write.result->has_err);
  ASSERT_EQ(write.result->args.size(), 1u);
  // splice: func(src: borrow<input-stream>, len: u64) -> ...
  EXPECT_EQ(output.functions[8].name.name, "splice");
  const ast::Field& src = output.functions[8].func.params[0];
  EXPECT_EQ(src.type.kind, TypeExpr::Kind::kBorrow);
  EXPECT_EQ(src.type.name.name, "input-stream");
}

TEST(ParserTest, WasiHttpTypesKeepsUseAsDeprecatedUnstableAndConstructors) {
  auto file = parse_file("types.wit", testing::fixture_bytes("wit/wasi-0.2.8/http/types.wit"));
  ASSERT_TRUE(file.has_value()) << file.error().message;
  const ast::Interface& types = file->decls[0].interface;
  const ast::Use* io_error = nullptr;
  const ast::TypeDef* field_key = nullptr;
  const ast::TypeDef* fields = nullptr;
  const ast::TypeDef* response = nullptr;
  for (const auto& item : types.items) {
    if (item.kind == ast::InterfaceItem::Kind::kUse && item.use.from.item.name == "error") {
      io_error = &item.use;
    }
    if (item.kind != ast::InterfaceItem::Kind::kType) continue;
    if (item.type.name.name == "field-key") field_key = &item.type;
    if (item.type.name.name == "fields") fields = &item.type;
    if (item.type.name.name == "response-outparam") response = &item.type;
  }
  // use wasi:io/error@0.2.8.{error as io-error};
  ASSERT_NE(io_error, nullptr);
  ASSERT_TRUE(io_error->from.package.has_value());
  EXPECT_EQ(io_error->from.package->space, "wasi");
  EXPECT_EQ(io_error->from.package->name, "io");
  EXPECT_EQ(io_error->from.package->version, "0.2.8");
  EXPECT_EQ(text_of(*file, io_error->from.package->span), "wasi:io");
  EXPECT_EQ(text_of(*file, io_error->from.span), "wasi:io/error@0.2.8");
  ASSERT_EQ(io_error->names.size(), 1u);
  EXPECT_EQ(io_error->names[0].first.name, "error");
  ASSERT_TRUE(io_error->names[0].second.has_value());
  EXPECT_EQ(io_error->names[0].second->name, "io-error");

  // @since(version = 0.2.0) @deprecated(version = 0.2.2) type field-key = string;
  ASSERT_NE(field_key, nullptr);
  EXPECT_EQ(field_key->kind, ast::TypeDef::Kind::kAlias);
  EXPECT_EQ(field_key->gate.kind, ast::Gate::Kind::kSince);
  EXPECT_EQ(field_key->gate.version_or_feature, "0.2.0");
  EXPECT_EQ(field_key->gate.deprecated, "0.2.2");
  EXPECT_EQ(field_key->alias->kind, TypeExpr::Kind::kString);

  ASSERT_NE(fields, nullptr);
  EXPECT_EQ(fields->functions[0].kind, ast::ResourceFunc::Kind::kConstructor);
  EXPECT_EQ(fields->functions[0].name.name, "constructor");
  EXPECT_EQ(fields->functions[1].kind, ast::ResourceFunc::Kind::kStatic);
  EXPECT_EQ(fields->functions[1].name.name, "from-list");

  // @unstable(feature = informational-outbound-responses) on a method.
  ASSERT_NE(response, nullptr);
  auto unstable = std::find_if(
      response->functions.begin(), response->functions.end(),
      [](const ast::ResourceFunc& f) { return f.gate.kind == ast::Gate::Kind::kUnstable; });
  ASSERT_NE(unstable, response->functions.end());
  EXPECT_EQ(unstable->gate.version_or_feature, "informational-outbound-responses");
}

TEST(ParserTest, WasiCliImportsIncludesWorlds) {
  auto file = parse_file("imports.wit", testing::fixture_bytes("wit/wasi-0.2.8/cli/imports.wit"));
  ASSERT_TRUE(file.has_value()) << file.error().message;
  const ast::World& imports = file->decls[0].world;
  EXPECT_EQ(imports.name.name, "imports");
  std::vector<std::string> included;
  for (const auto& item : imports.items) {
    if (item.kind != ast::WorldItem::Kind::kInclude) continue;
    included.push_back(item.include.from.package->name + "/" + item.include.from.item.name + "@" +
                       item.include.from.package->version);
  }
  EXPECT_EQ(included, (std::vector<std::string>{"clocks/imports@0.2.8", "filesystem/imports@0.2.8",
                                                "sockets/imports@0.2.8", "random/imports@0.2.8",
                                                "io/imports@0.2.8"}));
}

TEST(ParserTest, PackageSourceKeepsItsNestedPackages) {
  auto file = parse_file(
      "s.wit", testing::fixture_bytes("packages/toolsku-stream-tools@0.1.0.wasm.source.wit"));
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->package->name, "stream-tools");
  ASSERT_EQ(file->nested.size(), 1u);
  EXPECT_EQ(file->nested[0].name.space, "wasi");
  EXPECT_EQ(file->nested[0].name.name, "io");
  EXPECT_EQ(file->nested[0].name.version, "0.2.8");
  EXPECT_TRUE(text_of(*file, file->nested[0].span).starts_with("package wasi:io@0.2.8 {"));
  EXPECT_EQ(file->nested[0].decls.size(), 4u);  // error, poll, streams, world imports
  // The world: import wasi:io/streams@0.2.8; export filter;
  const ast::World& world = file->decls[1].world;
  ASSERT_EQ(world.items.size(), 2u);
  EXPECT_EQ(world.items[0].kind, ast::WorldItem::Kind::kImport);
  EXPECT_EQ(world.items[0].extern_item.kind, ast::Extern::Kind::kPath);
  EXPECT_EQ(world.items[0].extern_item.path.package->name, "io");
  EXPECT_EQ(world.items[0].extern_item.path.item.name, "streams");
  EXPECT_EQ(text_of(*file, world.items[0].span), "import wasi:io/streams@0.2.8;");
  EXPECT_EQ(world.items[1].kind, ast::WorldItem::Kind::kExport);
  EXPECT_FALSE(world.items[1].extern_item.path.package.has_value());
  EXPECT_EQ(world.items[1].extern_item.path.item.name, "filter");
}

TEST(ParserTest, ReadsEveryKindOfItem) {
  auto file = parse(R"(// package docs
package demo:all@1.2.3-rc.1+build.5;

use wasi:io/poll@0.2.8 as p;

interface types {
  type bytes = list<u8>;
  type quad = list<u8, 4>;
  type dict = map<string, s32>;
  type pair = tuple<bool, char, f32, f64>;
  type later = future<option<u16>>;
  type ticks = stream<s64>;
  type done = future;
  type flow = stream;
  type oops = error-context;
  type fallible = result<_, string>;
  type anything = result;
  type maybe = result<u32>;
  flags perms { read, write, }
  enum color { red, green }
  record point { x: s8, y: s16 }
  resource blob {
    constructor(size: u32);
    make: static func() -> own<blob>;
    fetch: async func(at: borrow<blob>);
    %type: func();
  }
  resource handle;
}

world app {
  import log: func(msg: string);
  export run: async func() -> u32;
  import host: interface { now: func() -> u64; }
  import clock: wasi:clocks/wall-clock@0.2.8;
  import local: types;
  import types;
  export wasi:cli/run@0.2.8;
  use types.{point as pt, color};
  type id = u64;
  record r { a: id }
  include wasi:cli/imports@0.2.8 with { stdin as input, stdout as output }
  include base;
}
)");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->package_docs.comments, (std::vector<std::string>{"// package docs"}));
  EXPECT_EQ(file->package->version, "1.2.3-rc.1+build.5");
  ASSERT_EQ(file->decls.size(), 3u);

  const ast::TopLevelUse& use = file->decls[0].use;
  ASSERT_EQ(file->decls[0].kind, ast::Decl::Kind::kUse);
  EXPECT_EQ(use.item.package->name, "io");
  EXPECT_EQ(use.item.item.name, "poll");
  EXPECT_EQ(use.item.package->version, "0.2.8");
  EXPECT_EQ(use.as->name, "p");
  EXPECT_EQ(text_of(*file, use.span), "use wasi:io/poll@0.2.8 as p;");

  const auto& types = file->decls[1].interface.items;
  ASSERT_EQ(types.size(), 17u);
  auto alias = [&](std::size_t i) -> const TypeExpr& { return *types[i].type.alias; };
  EXPECT_EQ(alias(0).kind, TypeExpr::Kind::kList);
  EXPECT_EQ(text_of(*file, alias(0).span), "list");
  EXPECT_EQ(alias(1).kind, TypeExpr::Kind::kFixedList);
  EXPECT_EQ(alias(1).length, 4u);
  EXPECT_EQ(alias(2).kind, TypeExpr::Kind::kMap);
  EXPECT_EQ(alias(2).args[1].kind, TypeExpr::Kind::kS32);
  EXPECT_EQ(alias(3).kind, TypeExpr::Kind::kTuple);
  EXPECT_EQ(alias(3).args.size(), 4u);
  EXPECT_EQ(alias(4).kind, TypeExpr::Kind::kFuture);
  EXPECT_EQ(alias(4).args[0].kind, TypeExpr::Kind::kOption);
  EXPECT_EQ(alias(5).kind, TypeExpr::Kind::kStream);
  EXPECT_EQ(alias(6).args.size(), 0u);
  EXPECT_EQ(alias(7).args.size(), 0u);
  EXPECT_EQ(alias(8).kind, TypeExpr::Kind::kErrorContext);
  EXPECT_TRUE(!alias(9).has_ok && alias(9).has_err);
  EXPECT_TRUE(!alias(10).has_ok && !alias(10).has_err && alias(10).args.empty());
  EXPECT_TRUE(alias(11).has_ok && !alias(11).has_err);
  EXPECT_EQ(types[12].type.kind, ast::TypeDef::Kind::kFlags);
  EXPECT_EQ(types[12].type.cases.size(), 2u);
  EXPECT_EQ(types[13].type.kind, ast::TypeDef::Kind::kEnum);
  EXPECT_EQ(types[14].type.kind, ast::TypeDef::Kind::kRecord);
  EXPECT_EQ(types[14].type.fields[1].type.kind, TypeExpr::Kind::kS16);
  const auto& blob = types[15].type.functions;
  ASSERT_EQ(blob.size(), 4u);
  EXPECT_EQ(blob[0].kind, ast::ResourceFunc::Kind::kConstructor);
  EXPECT_EQ(blob[0].func.params[0].name.name, "size");
  EXPECT_EQ(blob[1].kind, ast::ResourceFunc::Kind::kStatic);
  EXPECT_EQ(blob[1].func.result->kind, TypeExpr::Kind::kOwn);
  EXPECT_EQ(text_of(*file, blob[1].func.result->span), "blob");
  EXPECT_EQ(blob[2].kind, ast::ResourceFunc::Kind::kMethod);
  EXPECT_TRUE(blob[2].func.is_async);
  EXPECT_EQ(blob[3].name.name, "type");
  EXPECT_EQ(text_of(*file, blob[3].name.span), "%type");
  EXPECT_TRUE(types[16].type.functions.empty());

  const auto& app = file->decls[2].world.items;
  ASSERT_EQ(app.size(), 12u);
  using Extern = ast::Extern::Kind;
  EXPECT_EQ(app[0].extern_item.kind, Extern::kFunc);
  EXPECT_EQ(app[0].extern_item.label.name, "log");
  EXPECT_EQ(app[1].kind, ast::WorldItem::Kind::kExport);
  EXPECT_TRUE(app[1].extern_item.func.is_async);
  EXPECT_EQ(app[2].extern_item.kind, Extern::kInterface);
  EXPECT_EQ(app[2].extern_item.items.size(), 1u);
  EXPECT_EQ(app[3].extern_item.kind, Extern::kNamedPath);
  EXPECT_EQ(app[3].extern_item.label.name, "clock");
  EXPECT_EQ(app[3].extern_item.path.package->name, "clocks");
  EXPECT_EQ(app[3].extern_item.path.item.name, "wall-clock");
  EXPECT_EQ(app[4].extern_item.kind, Extern::kNamedPath);
  EXPECT_EQ(app[4].extern_item.path.item.name, "types");
  EXPECT_EQ(app[5].extern_item.kind, Extern::kPath);
  EXPECT_EQ(app[6].extern_item.kind, Extern::kPath);
  EXPECT_EQ(app[6].extern_item.path.package->name, "cli");
  EXPECT_EQ(app[7].kind, ast::WorldItem::Kind::kUse);
  EXPECT_EQ(app[7].use.names[0].second->name, "pt");
  EXPECT_EQ(app[8].kind, ast::WorldItem::Kind::kType);
  EXPECT_EQ(app[9].type.kind, ast::TypeDef::Kind::kRecord);
  ASSERT_EQ(app[10].kind, ast::WorldItem::Kind::kInclude);
  ASSERT_EQ(app[10].include.with.size(), 2u);
  EXPECT_EQ(app[10].include.with[1].first.name, "stdout");
  EXPECT_EQ(app[10].include.with[1].second.name, "output");
  EXPECT_TRUE(app[11].include.with.empty());
}

TEST(ParserTest, KeepsEveryCommentBeforeAnItemAsWritten) {
  auto file = parse(
      "package a:b;\r\n"
      "/// doc\r\n"
      "// plain\n"
      "/** block */ /* another */\n"
      "interface i {}\n");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->decls[0].interface.docs.comments,
            (std::vector<std::string>{"/// doc", "// plain", "/** block */", "/* another */"}));
}

TEST(ParserTest, DocsBeforeANestedPackageAreItsOwn) {
  auto file = parse("/// outer\npackage a:b { interface i {} }\npackage c:d { world w {} }\n");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_FALSE(file->package.has_value());
  EXPECT_TRUE(file->package_docs.comments.empty());
  ASSERT_EQ(file->nested.size(), 2u);
  EXPECT_EQ(file->nested[0].docs.comments, (std::vector<std::string>{"/// outer"}));
  EXPECT_EQ(file->nested[1].name.name, "d");
  EXPECT_EQ(file->nested[1].decls[0].world.name.name, "w");
}

TEST(ParserTest, UnstableAndExternalIdGates) {
  auto file = parse(
      "package a:b;\n"
      "@unstable(feature = fancy) @deprecated(version = 0.3.0)\n"
      "interface i {\n"
      "  @external-id(\"x\\u{e9}\\41\") type t = u8;\n"
      "}\n");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  const ast::Gate& gate = file->decls[0].interface.gate;
  EXPECT_EQ(gate.kind, ast::Gate::Kind::kUnstable);
  EXPECT_EQ(gate.version_or_feature, "fancy");
  EXPECT_EQ(gate.deprecated, "0.3.0");
  EXPECT_FALSE(gate.external_id.has_value());
  const ast::Gate& type_gate = file->decls[0].interface.items[0].type.gate;
  EXPECT_EQ(type_gate.kind, ast::Gate::Kind::kNone);
  EXPECT_EQ(type_gate.external_id, std::optional<std::string>("x\xC3\xA9"
                                                              "A"));
}

TEST(ParserTest, IdentifierRules) {
  // Each word all lowercase or all uppercase; words after the first may start with a digit.
  EXPECT_EQ(error_of("package a:b;\ninterface is-XML-0-a1b {}\n"), "(parsed)");
  EXPECT_EQ(error_of("package a:b;\ninterface %interface {}\n"), "(parsed)");
  // `%` takes no digit after it (`%0a` is `%` and `0a`), so the first word of a name never
  // starts with a digit; wit-parser refuses the empty name `%`.
  EXPECT_EQ(error_of("package a:b;\ninterface %0a {}\n"),
            "identifiers must have characters between '-'s\n"
            "     --> test.wit:2:11\n"
            "      |\n"
            "    2 | interface %0a {}\n"
            "      |           ^");
  EXPECT_EQ(error_of("package a:b;\ninterface a--b {}\n"),
            "identifiers must have characters between '-'s\n"
            "     --> test.wit:2:11\n"
            "      |\n"
            "    2 | interface a--b {}\n"
            "      |           ^");
  EXPECT_EQ(error_of("package a:b;\ninterface _ab {}\n"),
            "invalid character in identifier '_'\n"
            "     --> test.wit:2:11\n"
            "      |\n"
            "    2 | interface _ab {}\n"
            "      |           ^");
  EXPECT_EQ(error_of("package a:b;\ninterface a_b {}\n"),
            "invalid character in identifier '_'\n"
            "     --> test.wit:2:11\n"
            "      |\n"
            "    2 | interface a_b {}\n"
            "      |           ^");
}

TEST(ParserTest, VersionsAreReadAsTheSemverCrateReadsThem) {
  // What jco 1.35.0 (wit-parser, the semver crate) answered for `package a:b@VERSION;`.
  const std::pair<std::string, std::string> cases[] = {
      {"1.0.0-rc.1+b.01", "(parsed)"},
      {"1.0.0-00a", "(parsed)"},
      {"1.0.0+", "(parsed)"},  // `+` with nothing after is not part of the version
      {"1.0.0-e.444444444444444444444444", "(parsed)"},  // a pre-release number is any digits
      {"01.0.0", "invalid leading zero in major version number"},
      {"1.0.00", "invalid leading zero in patch version number"},
      {"1.0.0-01", "invalid leading zero in pre-release identifier"},
      {"99999999999999999999.0.0", "value of major version number exceeds u64::MAX"},
      {"1.99999999999999999999.0", "value of minor version number exceeds u64::MAX"},
      {"1 .0.0", "unexpected character ' ' after major version number"},
      {"1.0.0-a_b", "unexpected character '_' after pre-release identifier"},
      {"1.0.0+x_y", "unexpected character '_' after build metadata"},
      {"1.0.0-\xC3\xA9", "empty identifier segment in pre-release identifier"},
      {"1.0.0-rc. 1", "empty identifier segment in pre-release identifier"},
      {"1.0.0- x", "empty identifier segment in pre-release identifier"},
      {"1.0.0-a..b", "expected '{', found '.'"},
  };
  for (const auto& [version, message] : cases) {
    EXPECT_EQ(message_of("package a:b@" + version + ";\nworld w {}\n"), message) << version;
  }
}

TEST(ParserTest, NamesCharactersAsWitParserDoes) {
  // Unicode identifier characters are read into a name and refused there; others stop the
  // lexer. A character Rust would not print is named by its code point. (jco 1.35.0's words.)
  const std::pair<std::string, std::string> cases[] = {
      {"interface caf\xC3\xA9 {}", "invalid character in identifier '\xC3\xA9'"},
      {"interface a\xDB\x9A {}", "invalid character in identifier '\\u{6da}'"},
      {"interface a\xE2\x80\x93"
       "b {}",
       "unexpected character '\xE2\x80\x93'"},
      {"interface a\xE2\x80\x8E {}", "unexpected character '\\u{200e}'"},
      {"interface \xEF\xBB\xBF {}", "unexpected character '\\u{feff}'"},
      {"interface \xC2\xBF {}", "unexpected character '\xC2\xBF'"},
  };
  for (const auto& [line, message] : cases) {
    EXPECT_EQ(message_of("package a:b;\n" + line + "\n"), message) << line;
  }
}

TEST(ParserTest, TypeNestingUpToTheLimitIsAccepted) {
  std::string text = "package a:b;\ninterface i {\n  type t = ";
  for (int i = 0; i < 99; ++i) text += "list<\n";
  text += "u8";
  for (int i = 0; i < 99; ++i) text += ">";
  text += ";\n}\n";
  EXPECT_EQ(error_of(text), "(parsed)");
}

// ---- Errors, as wasm-tools gives them ----------------------------------------------------------

struct ErrorCase {
  const char* name;
  std::string text;
  std::string message;
};

void PrintTo(const ErrorCase& error, std::ostream* out) { *out << error.name; }

class ParseError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseError, SaysWhatWasExpectedAndWhere) {
  EXPECT_EQ(error_of(GetParam().text), GetParam().message);
}

std::string nested_lists(int depth) {
  std::string text = "package a:b;\ninterface i {\n  type t = ";
  for (int i = 0; i < depth; ++i) text += "list<\n";
  return text + "u8";
}

std::string nested_packages(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "package a:b {\n";
  return text;
}

const ErrorCase kErrorCases[] = {
    {"MissingSemicolon", "package a:b;\n\ninterface i {\n  f: func()\n}\n",
     "expected ';', found '}'\n"
     "     --> test.wit:5:1\n"
     "      |\n"
     "    5 | }\n"
     "      | ^"},
    {"UnknownKeywordAtTopLevel", "package a:b;\ninterfce i {}\n",
     "expected `world`, `interface` or `use`, found an identifier\n"
     "     --> test.wit:2:1\n"
     "      |\n"
     "    2 | interfce i {}\n"
     "      | ^-------"},
    {"UnknownKeywordInInterface", "package a:b;\ninterface i {\n  typ x = u32;\n}\n",
     "expected ':', found an identifier\n"
     "     --> test.wit:3:7\n"
     "      |\n"
     "    3 |   typ x = u32;\n"
     "      |       ^"},
    {"KeywordWhereATypeGoes", "package a:b;\ninterface i {\n  f: func(a: interface);\n}\n",
     "expected a type, found keyword `interface`\n"
     "     --> test.wit:3:14\n"
     "      |\n"
     "    3 |   f: func(a: interface);\n"
     "      |              ^--------"},
    {"MixedCaseIdentifier", "package a:b;\ninterface Foo-bar {}\n",
     "invalid character in identifier 'o'\n"
     "     --> test.wit:2:11\n"
     "      |\n"
     "    2 | interface Foo-bar {}\n"
     "      |           ^"},
    {"UnterminatedComment", "package a:b;\n  /* never /* closed */\ninterface i {}\n",
     "unterminated block comment\n"
     "     --> test.wit:2:3\n"
     "      |\n"
     "    2 |   /* never /* closed */\n"
     "      |   ^"},
    {"ListAtEndOfFile", "package a:b;\ninterface i {\n  type x = list<u8",
     "expected '>', found eof\n"
     "     --> test.wit:3:19\n"
     "      |\n"
     "    3 |   type x = list<u8\n"
     "      |                   ^"},
    {"TypeNestedTooDeep", nested_lists(100),
     "type nesting too deep\n"
     "     --> test.wit:103:1\n"
     "      |\n"
     "  103 | u8\n"
     "      | ^-"},
    {"PackageNestedTooDeep", nested_packages(101),
     "package nesting too deep\n"
     "     --> test.wit:101:1\n"
     "      |\n"
     "  101 | package a:b {\n"
     "      | ^------"},
    {"EndOfFileInsideInterface", "package a:b;\ninterface i {\n",
     "expected `type`, `resource` or `func`, found eof\n"
     "     --> test.wit:3:1\n"
     "      |\n"
     "    3 | \n"
     "      | ^"},
    {"UseWithoutPeriod", "package a:b;\ninterface i {\n  use poll{pollable};\n}\n",
     "expected '.', found '{'\n"
     "     --> test.wit:3:11\n"
     "      |\n"
     "    3 |   use poll{pollable};\n"
     "      |           ^"},
    {"WorldItemOfTheWrongKind", "package a:b;\nworld w {\n  interface i {}\n}\n",
     "expected `import`, `export`, `include`, `use`, or type definition, found keyword "
     "`interface`\n"
     "     --> test.wit:3:3\n"
     "      |\n"
     "    3 |   interface i {}\n"
     "      |   ^--------"},
    {"ResourceItemOfTheWrongKind", "package a:b;\ninterface i {\n  resource r { 42 }\n}\n",
     "expected `constructor` or identifier, found an integer\n"
     "     --> test.wit:3:16\n"
     "      |\n"
     "    3 |   resource r { 42 }\n"
     "      |                ^-"},
    {"UnknownAttribute", "package a:b;\n@sine(version = 0.2.0)\ninterface i {}\n",
     "unknown attribute `sine`\n"
     "     --> test.wit:2:2\n"
     "      |\n"
     "    2 | @sine(version = 0.2.0)\n"
     "      |  ^---"},
    {"AttributeWithWrongKey", "package a:b;\n@since(feature = x)\ninterface i {}\n",
     "expected `version`, found `feature`\n"
     "     --> test.wit:2:8\n"
     "      |\n"
     "    2 | @since(feature = x)\n"
     "      |        ^------"},
    {"ShortVersion", "package a:b@1.0;\n",
     "expected '.', found ';'\n"
     "     --> test.wit:1:16\n"
     "      |\n"
     "    1 | package a:b@1.0;\n"
     "      |                ^"},
    {"HugeVersionNumber", "package a:b@99999999999999999999.0.0;\n",
     "value of major version number exceeds u64::MAX\n"
     "     --> test.wit:1:13\n"
     "      |\n"
     "    1 | package a:b@99999999999999999999.0.0;\n"
     "      |             ^-----------------------"},
    {"LeadingZeroInVersion", "package a:b@01.0.0;\n",
     "invalid leading zero in major version number\n"
     "     --> test.wit:1:13\n"
     "      |\n"
     "    1 | package a:b@01.0.0;\n"
     "      |             ^-----"},
    {"HugeFixedListLength", "package a:b;\ninterface i { type t = list<u8, 4294967296>; }\n",
     "invalid list size: number too large to fit in target type\n"
     "     --> test.wit:2:33\n"
     "      |\n"
     "    2 | interface i { type t = list<u8, 4294967296>; }\n"
     "      |                                 ^---------"},
    {"FixedListWithoutLength", "package a:b;\ninterface i { type t = list<u8, n>; }\n",
     "expected fixed-length, found an identifier\n"
     "     --> test.wit:2:33\n"
     "      |\n"
     "    2 | interface i { type t = list<u8, n>; }\n"
     "      |                                 ^"},
    {"UnexpectedCharacter", "package a:b;\ninterface i { $ }\n",
     "unexpected character '$'\n"
     "     --> test.wit:2:15\n"
     "      |\n"
     "    2 | interface i { $ }\n"
     "      |               ^"},
    {"CarriageReturnAlone", "package a:b;\rinterface i {}\n",
     "unexpected character '\\r'\n"
     "     --> test.wit:1:13\n"
     "      |\n"
     "    1 | package a:b;\\x0dinterface i {}\n"
     "      |             ^---"},
    {"NulByte", std::string("package a:b;\ninterface i {\0}\n", 28),
     "Control code '\\u{0}'\n"
     "     --> test.wit:2:14\n"
     "      |\n"
     "    2 | interface i {\\x00}\n"
     "      |              ^---"},
    {"BidiOverride", "package a:b;\n// \xE2\x80\xAE hidden\ninterface i {}\n",
     "Input contains bidirectional override codepoint \"\\u{202e}\"\n"
     "     --> test.wit:2:4\n"
     "      |\n"
     "    2 | // \\u{202E} hidden\n"
     "      |    ^-------"},
    {"InvalidUtf8", "package a:b;\ninterface \xFF {}\n",
     "invalid UTF-8: byte 0xff is not part of a UTF-8 character; save the file as UTF-8\n"
     "     --> test.wit:2:11\n"
     "      |\n"
     "    2 | interface \\xff {}\n"
     "      |           ^---"},
    {"NonAsciiIdentifier", "package a:b;\ninterface caf\xC3\xA9 {}\n",
     "invalid character in identifier '\xC3\xA9'\n"
     "     --> test.wit:2:11\n"
     "      |\n"
     "    2 | interface caf\xC3\xA9 {}\n"
     "      |           ^"},
    {"UnterminatedString", "package a:b;\n@external-id(\"abc",
     "unexpected end of file\n"
     "     --> test.wit:2:18\n"
     "      |\n"
     "    2 | @external-id(\"abc\n"
     "      |                  ^"},
    {"BadStringEscape", "package a:b;\n@external-id(\"a\\qb\") interface i {}\n",
     "invalid string escape 'q'\n"
     "     --> test.wit:2:17\n"
     "      |\n"
     "    2 | @external-id(\"a\\qb\") interface i {}\n"
     "      |                 ^"},
    {"SinceAndUnstable",
     "package a:b;\n@since(version = 1.0.0) @unstable(feature = f)\ninterface i {}\n",
     "cannot specify both @since and @unstable\n"
     "     --> test.wit:2:2\n"
     "      |\n"
     "    2 | @since(version = 1.0.0) @unstable(feature = f)\n"
     "      |  ^----"},
    {"SinceTwice",
     "package a:b;\ninterface i {\n  @since(version = 1.0.0) @since(version = 1.0.0) f: "
     "func();\n}\n",
     "cannot specify @since twice\n"
     "     --> test.wit:3:28\n"
     "      |\n"
     "    3 |   @since(version = 1.0.0) @since(version = 1.0.0) f: func();\n"
     "      |                            ^----"},
    {"DeprecatedAlone", "package a:b;\n@deprecated(version = 1.0.0)\nworld w {}\n",
     "cannot specify both @deprecated without @since or @unstable\n"
     "     --> test.wit:2:2\n"
     "      |\n"
     "    2 | @deprecated(version = 1.0.0)\n"
     "      |  ^---------"},
    {"GateOnTopLevelUse", "package a:b;\n@since(version = 1.0.0)\nuse c:d/e;\n",
     "attributes not allowed on top-level use\n"
     "     --> test.wit:3:1\n"
     "      |\n"
     "    3 | use c:d/e;\n"
     "      | ^--"},
    {"GateOnNestedPackage", "@since(version = 1.0.0)\npackage c:d {}\n",
     "cannot place attributes on nested packages\n"
     "     --> test.wit:2:1\n"
     "      |\n"
     "    2 | package c:d {}\n"
     "      | ^------"},
    {"PackageInsideNestedPackage", "package a:b {\n  package c:d {}\n}\n",
     "nested packages must be placed at the top-level\n"
     "     --> test.wit:2:11\n"
     "      |\n"
     "    2 |   package c:d {}\n"
     "      |           ^--"},
    {"SyntaxErrorBeforeGateError", "package a:b;\n@deprecated(version = 1.0.0)\nworld w {\n",
     "expected `import`, `export`, `include`, `use`, or type definition, found eof\n"
     "     --> test.wit:4:1\n"
     "      |\n"
     "    4 | \n"
     "      | ^"},
    {"CaretLinesUpUnderTabs", "package a:b;\ninterface i {\n\t\tf: func() -> ;\n}\n",
     "expected a type, found ';'\n"
     "     --> test.wit:3:16\n"
     "      |\n"
     "    3 | \t\tf: func() -> ;\n"
     "      | \t\t             ^"},
    {"LongLineGivesTheLocationOnly",
     "package a:b;\ninterface i { " + std::string(500, ' ') + "% }\n",
     "test.wit:2:515: identifiers must have characters between '-'s"},
};

INSTANTIATE_TEST_SUITE_P(Mistakes, ParseError, ::testing::ValuesIn(kErrorCases),
                         [](const auto& param) { return std::string(param.param.name); });

TEST(ParserTest, RefusesFilesOverSixteenMebibytes) {
  auto file = parse_file("big.wit", std::string(16 * 1024 * 1024 + 1, ' '));
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(file.error().message,
            "big.wit: 16777217 bytes is more than the 16 MiB a WIT file may have; split it into "
            "several files");
  EXPECT_EQ(error_of(std::string(16 * 1024 * 1024, ' ')), "(parsed)");
}

TEST(ParserTest, RefusesAFileWhoseTreeWouldPassSixtyFourMebibytes) {
  // `import a;` takes 10 bytes of text and a WorldItem of 1.5 KB.
  std::string text = "package a:b;\nworld w {\n";
  for (int i = 0; i < 50000; ++i) text += "import a;\n";
  text += "}\n";
  EXPECT_TRUE(error_of(text).starts_with(
      "this file's syntax tree would pass 64 MiB, more than wreg reads from one WIT file; split "
      "it into several files\n     --> test.wit:"))
      << error_of(text).substr(0, 300);
  text.resize(text.size() / 2);
  text += "}\n";
  EXPECT_EQ(error_of(text), "(parsed)");
}

TEST(ParserTest, ErrorsAreInvalidArgument) {
  auto file = parse("interface");
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace wreg::wit
