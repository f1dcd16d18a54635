// format_error (common/wit/source_error.h): wasm-tools' layout of a message about WIT text, with
// everything from the file escaped.
#include "common/wit/source_error.h"

#include <gtest/gtest.h>

namespace wreg::wit {
namespace {

TEST(FormatErrorTest, LaysOutTheMessageLineAndCaretAsWasmTools) {
  EXPECT_EQ(format_error("expected ';', found '}'", "wit/world.wit", "world w {\n  export f\n  }\n",
                         {23, 24}),
            "expected ';', found '}'\n"
            "     --> wit/world.wit:3:3\n"
            "      |\n"
            "    3 |   }\n"
            "      |   ^");
}

TEST(FormatErrorTest, UnderlinesTheWholeSpan) {
  EXPECT_EQ(
      format_error("type `pollable` does not exist", "p.wit", "f: func() -> pollable;", {13, 21}),
      "type `pollable` does not exist\n"
      "     --> p.wit:1:14\n"
      "      |\n"
      "    1 | f: func() -> pollable;\n"
      "      |              ^-------");
}

TEST(FormatErrorTest, EscapesThePathTheLineAndTheMessage) {
  EXPECT_EQ(format_error("bad \x1b[2J", "a\nb.wit", "x \x1b]0;t\x07 y", {2, 3}),
            "bad \\x1b[2J\n"
            "     --> a\\x0ab.wit:1:3\n"
            "      |\n"
            "    1 | x \\x1b]0;t\\x07 y\n"
            "      |   ^---");
}

TEST(FormatErrorTest, UnderlinesAtMostToTheEndOfTheLine) {
  EXPECT_EQ(format_error("m", "f.wit", "ab\r\ncd\n", {1, 6}),
            "m\n"
            "     --> f.wit:1:2\n"
            "      |\n"
            "    1 | ab\n"
            "      |  ^");
}

TEST(FormatErrorTest, ColumnsCountCharacters) {
  EXPECT_EQ(format_error("m", "f.wit", "\xC3\xA9\xC3\xA9 xy", {5, 7}),
            "m\n"
            "     --> f.wit:1:4\n"
            "      |\n"
            "    1 | \xC3\xA9\xC3\xA9 xy\n"
            "      |    ^-");
}

TEST(FormatErrorTest, ASpanPastTheEndPointsAtTheEnd) {
  EXPECT_EQ(format_error("m", "f.wit", "a\n", {7, 9}),
            "m\n"
            "     --> f.wit:2:1\n"
            "      |\n"
            "    2 | \n"
            "      | ^");
}

TEST(FormatErrorTest, LineNumbersPastFourDigitsWidenTheirColumn) {
  const std::string text = std::string(12345, '\n') + "x";
  EXPECT_EQ(format_error("m", "f.wit", text, {12345, 12346}),
            "m\n"
            "     --> f.wit:12346:1\n"
            "      |\n"
            " 12346 | x\n"
            "      | ^");
}

TEST(FormatErrorTest, ALineOverFiveHundredBytesGivesTheLocationOnly) {
  const std::string text = "ok\n" + std::string(501, 'x');
  EXPECT_EQ(format_error("too long", "f.wit", text, {10, 11}), "f.wit:2:8: too long");
  EXPECT_EQ(format_error("m", "f.wit", "ok\n" + std::string(500, 'x'), {10, 11}).find('\n'), 1u);
}

}  // namespace
}  // namespace wreg::wit
