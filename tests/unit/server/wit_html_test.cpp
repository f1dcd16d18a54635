// The WIT on the browse pages (server/web/wit_html.h): cut into its items, highlighted, and
// escaped whatever a package's docs hold.
#include "server/web/wit_html.h"

#include <gtest/gtest.h>

#include <string>

namespace wreg::web {
namespace {

const std::string kClocks =
    "package wasi:clocks@0.2.8;\n"
    "\n"
    "/// Time that only goes forward.\n"
    "@since(version = 0.2.0)\n"
    "interface monotonic-clock {\n"
    "  use wasi:io/poll@0.2.8.{pollable};\n"
    "\n"
    "  type instant = u64;\n"
    "\n"
    "  now: func() -> instant;\n"
    "}\n"
    "\n"
    "world imports {\n"
    "  import monotonic-clock;\n"
    "}\n";

TEST(WitHtmlTest, EachTopLevelItemIsABlockWithItsDocsAndGates) {
  const auto blocks = wit_blocks(kClocks);
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].summary, "");
  EXPECT_NE(blocks[0].html.find("wasi:clocks@0.2.8;"), std::string::npos) << blocks[0].html;
  EXPECT_EQ(blocks[1].summary, "interface monotonic-clock");
  EXPECT_NE(blocks[1].html.find("<span class=\"wc\">/// Time that only goes forward.\n</span>"),
            std::string::npos)
      << blocks[1].html;
  EXPECT_NE(blocks[1].html.find("<span class=\"wa\">@since</span>(version = 0.2.0)"),
            std::string::npos)
      << blocks[1].html;
  EXPECT_EQ(blocks[2].summary, "world imports");
  EXPECT_TRUE(blocks[2].html.ends_with("}\n"));
}

TEST(WitHtmlTest, KeywordsAndTypesAreMarkedAndNamesAreNot) {
  const auto blocks = wit_blocks(kClocks);
  ASSERT_EQ(blocks.size(), 3u);
  const std::string& html = blocks[1].html;
  EXPECT_NE(html.find("<span class=\"wk\">interface</span> monotonic-clock {"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<span class=\"wk\">type</span> instant = <span class=\"wt\">u64</span>;"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("now: <span class=\"wk\">func</span>() -&gt; instant;"), std::string::npos)
      << html;
}

TEST(WitHtmlTest, EveryTextIsEscapedAndNothingIsLost) {
  const std::string hostile =
      "interface x {\n"
      "  /// <script>alert(1)</script> & \"quotes\" 'too'\n"
      "  f: func();\n"
      "}\n";
  const auto blocks = wit_blocks(hostile);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].html.find("<script"), std::string::npos);
  EXPECT_NE(blocks[0].html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; "
                                "&apos;too&apos;"),
            std::string::npos)
      << blocks[0].html;
}

TEST(WitHtmlTest, TextTheLexerRefusesIsShownPlainWithReorderingCharactersVisible) {
  // U+202E RIGHT-TO-LEFT OVERRIDE in a doc comment: the lexer refuses it (Trojan Source).
  const std::string trojan =
      "interface x {\n"
      "  /// access \xE2\x80\xAE } denied\n"
      "  f: func();\n"
      "}\n";
  const auto blocks = wit_blocks(trojan);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].html.find("\xE2\x80\xAE"), std::string::npos) << "never shown raw";
  EXPECT_NE(blocks[0].html.find("\\u{202E}"), std::string::npos) << blocks[0].html;
  EXPECT_EQ(blocks[0].html.find("<span"), std::string::npos) << "not highlighted";
}

TEST(WitHtmlTest, AnItemThatIsNeverClosedStaysInTheText) {
  const auto blocks = wit_blocks("package a:b;\ninterface x {\n  f: func();\n");
  std::string all;
  for (const auto& block : blocks) {
    EXPECT_EQ(block.summary, "");
    all += block.html;
  }
  EXPECT_NE(all.find("f: <span class=\"wk\">func</span>();"), std::string::npos) << all;
}

TEST(WitHtmlTest, EscapeVisiblyKeepsLinesAndShowsInvisibleCharacters) {
  EXPECT_EQ(escape_visibly("a<b>\n\xE2\x80\x8B"), "a&lt;b&gt;\n\\u{200B}");
}

}  // namespace
}  // namespace wreg::web
