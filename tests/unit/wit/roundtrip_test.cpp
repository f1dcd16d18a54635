// WIT text, built and printed again: a package written the way the printer lays WIT out comes
// back byte for byte, through the binary (the full package format, docs and gates in its
// package-docs section). The text holds every kind of item the decoder and the printer know.
#include <gtest/gtest.h>

#include <string>

#include "common/wit/build.h"
#include "common/wit/parser.h"
#include "common/wit/wit_text.h"

namespace wreg::wit {
namespace {

constexpr const char* kEverything = R"(package toolsku:everything@1.2.3;

interface base {
  resource blob {
    constructor(size: u64);
    read: func(len: u32) -> list<u8>;
    merge: static func(a: borrow<blob>, b: borrow<blob>) -> blob;
  }

  type size = u64;
}

/// Every kind of type.
@since(version = 1.0.0)
interface types {
  use base.{blob, size as length};

  /// A point.
  record point {
    /// Across.
    x: s32,
    y: s32,
  }

  variant shape {
    circle(f64),
    empty,
  }

  @since(version = 1.1.0)
  enum color {
    red,
    green,
  }

  flags access {
    read,
    write,
  }

  type pair = tuple<u8, string>;

  type maybe = option<point>;

  type outcome = result<_, string>;

  type bytes = list<u8, 4>;

  type table = map<string, u32>;

  type chunks = stream<u8>;

  type done = future;

  type handle = own<blob>;

  type problem = error-context;

  @since(version = 1.0.0)
  @deprecated(version = 1.1.0)
  describe: func(p: point) -> string;

  @unstable(feature = fancy)
  sparkle: func();

  run: async func(s: chunks) -> result<u32, string>;

  %type: func() -> color;
}

world everything {
  import base;
  import types;
  import log: func(msg: string);

  export run: func() -> result;
}
)";

Result<WitText> build_and_print(const std::string& text, const ResolveOptions& options) {
  auto file = parse_file("everything.wit", text);
  if (!file) return std::move(file).error();
  auto built = build({{&*file}}, BuildOptions{"", options});
  if (!built) return std::move(built).error();
  return wit_text(built->bytes);
}

TEST(RoundTrip, gives_back_the_text_it_was_built_from) {
  auto printed = build_and_print(kEverything, ResolveOptions{{}, true});
  ASSERT_TRUE(printed) << printed.error().message;
  EXPECT_EQ(printed->files.front().text, kEverything);
}

TEST(RoundTrip, leaves_out_unstable_items_whose_feature_is_not_enabled) {
  auto printed = build_and_print(kEverything, {});
  ASSERT_TRUE(printed) << printed.error().message;
  std::string expected = kEverything;
  const std::string sparkle = "  @unstable(feature = fancy)\n  sparkle: func();\n\n";
  expected.erase(expected.find(sparkle), sparkle.size());
  EXPECT_EQ(printed->files.front().text, expected);
}

// The binary format names each field, case, flag and parameter once (without regard to case), so
// a repeat is refused at its place in the source rather than built into a package nothing can
// read back.
struct RepeatedName {
  const char* body;
  const char* message;
  const char* repeat;  // the source text the caret must point at
};

class RefusesARepeatedName : public testing::TestWithParam<RepeatedName> {};

TEST_P(RefusesARepeatedName, at_the_second_definition) {
  const std::string text = std::string("package a:b;\ninterface i {\n") + GetParam().body + "\n}\n";
  auto printed = build_and_print(text, {});
  ASSERT_FALSE(printed);
  const std::string& message = printed.error().message;
  EXPECT_EQ(message.substr(0, message.find('\n')), GetParam().message);
  // The last two lines are `    N | source` and `      |   ^--`: the caret's column in the second
  // is the repeat's column in the first.
  const std::size_t caret_line_start = message.rfind('\n') + 1;
  const std::size_t source_line_start = message.rfind('\n', caret_line_start - 2) + 1;
  const std::size_t column = message.find('^', caret_line_start) - caret_line_start;
  EXPECT_EQ(message.substr(source_line_start + column, std::string(GetParam().repeat).size()),
            GetParam().repeat)
      << message;
}

INSTANTIATE_TEST_SUITE_P(
    WitBuild, RefusesARepeatedName,
    testing::Values(RepeatedName{"  variant v { /// one\n x, /// two\n x, }",
                                 "case `x` is defined more than once", "x, }"},
                    RepeatedName{"  record r { a: u8, b: u8, A: u8 }",
                                 "field `A` is defined more than once", "A: u8"},
                    RepeatedName{"  enum e { red, green, red }",
                                 "case `red` is defined more than once", "red }"},
                    RepeatedName{"  flags f { read, write, READ }",
                                 "flag `READ` is defined more than once", "READ }"},
                    RepeatedName{"  f: func(a: u8, A: u8);", "param `A` is defined more than once",
                                 "A: u8)"}));

}  // namespace
}  // namespace wreg::wit
