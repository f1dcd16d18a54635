// escaped(), quoted() and without_controls() (common/text.h): how outside text is shown on a
// terminal or in a log line, and how a registry stores metadata text.
#include "common/text.h"

#include <gtest/gtest.h>

#include <string>

namespace wreg {
namespace {

// True when `text` has no byte a terminal takes as a control: C0 (line feed too), DEL, and no
// C1 control encoded in UTF-8 (U+0080..U+009F is C2 80..C2 9F).
bool printable_line(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f) return false;
    if (byte == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) return false;
    }
  }
  return true;
}

TEST(TextTest, EscapedShowsTerminalControlsAsEscapesOnOneLine) {
  const std::string hostile =
      "ok\x1b[2J\x1b]0;TITLE\x07\rover\bwrite\npublished evil:ok@9.9.9\t\x7f";
  const std::string shown = escaped(hostile);
  EXPECT_EQ(
      shown,
      "ok\\x1b[2J\\x1b]0;TITLE\\x07\\x0dover\\x08write\\x0apublished evil:ok@9.9.9\\x09\\x7f");
  EXPECT_TRUE(printable_line(shown));
}

TEST(TextTest, EscapedKeepsUtf8TextAndEscapesC1BidiAndBrokenBytes) {
  EXPECT_EQ(escaped("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"),
            "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
  EXPECT_EQ(escaped("a\xc2\x9b"
                    "2Jb"),
            "a\\u{9B}2Jb");                             // C1 CSI
  EXPECT_EQ(escaped("x\xe2\x80\xaey"), "x\\u{202E}y");  // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(escaped("x\xe2\x80\xa8y"), "x\\u{2028}y");  // LINE SEPARATOR
  EXPECT_EQ(escaped("\xe2\x80\x8d"), "\xe2\x80\x8d");   // ZWJ stays
  EXPECT_EQ(escaped("a\xff\xc3"), "a\\xff\\xc3");       // not UTF-8
  EXPECT_EQ(escaped("\xe2\x80"), "\\xe2\\x80");         // cut short
}

TEST(TextTest, EscapedOptions) {
  EXPECT_EQ(escaped("one\ntwo\x1b", {.line_breaks = true}), "one\ntwo\\x1b");
  EXPECT_EQ(escaped("a \"b\"\\", {.ascii = true, .also = " \"\\"}), "a\\x20\\x22b\\x22\\x5c");
  EXPECT_EQ(escaped("caf\xc3\xa9", {.ascii = true}), "caf\\xc3\\xa9");
  // Never a part of a character: the cut falls before é, not inside it.
  EXPECT_EQ(escaped("caf\xc3\xa9", {.max_bytes = 4}), "caf...");
  EXPECT_EQ(wreg::quoted("say \"hi\"\n"), "\"say \\\"hi\\\"\\x0a\"");
  EXPECT_EQ(wreg::quoted(std::string(100, 'x')), "\"" + std::string(80, 'x') + "...\"");
}

TEST(TextTest, WithoutControlsReplacesEachControlAndKeepsProseBreaks) {
  const std::string replacement = "\xef\xbf\xbd";
  EXPECT_EQ(without_controls("a\x1b[2Jb\x07\r\b"),
            "a" + replacement + "[2Jb" + replacement + replacement + replacement);
  EXPECT_EQ(without_controls("one\ntwo\tthree"),
            "one" + replacement + "two" + replacement + "three");
  EXPECT_EQ(without_controls("one\ntwo\tthree\x1b", true), "one\ntwo\tthree" + replacement);
  EXPECT_EQ(without_controls("a\xc2\x9b"
                             "b"),
            "a" + replacement + "b");
  EXPECT_EQ(without_controls("caf\xc3\xa9 \xe2\x80\xae"), "caf\xc3\xa9 \xe2\x80\xae");
}

}  // namespace
}  // namespace wreg
