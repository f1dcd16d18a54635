// A release page's WIT changes (server/web/wit_diff.h): unified hunks, escaped, and bounded.
#include "server/web/wit_diff.h"

#include <gtest/gtest.h>

#include <string>

namespace wreg::web {
namespace {

TEST(WitDiffTest, TheSameTextHasNoHunks) {
  EXPECT_EQ(wit_diff_html("a\nb\n", "a\nb\n"), std::string());
}

TEST(WitDiffTest, ChangedLinesAreMarkedWithTheirContextAndPlace) {
  const std::string before = "package a:b@0.1.0;\n\ninterface x {\n  f: func();\n}\n";
  const std::string after =
      "package a:b@0.1.1;\n\ninterface x {\n  f: func();\n  g: func() -> u32;\n}\n";
  auto html = wit_diff_html(before, after);
  ASSERT_TRUE(html);
  EXPECT_EQ(*html,
            "<span class=\"hunk\">@@ -1,5 +1,6 @@</span>"
            "<span class=\"del\">-package a:b@0.1.0;</span>"
            "<span class=\"add\">+package a:b@0.1.1;</span>"
            "<span class=\"same\"> </span>"
            "<span class=\"same\"> interface x {</span>"
            "<span class=\"same\">   f: func();</span>"
            "<span class=\"add\">+  g: func() -&gt; u32;</span>"
            "<span class=\"same\"> }</span>");
}

TEST(WitDiffTest, EveryLineIsEscaped) {
  auto html = wit_diff_html("/// a\n", "/// <script>alert(1)</script> \xE2\x80\xAE\n");
  ASSERT_TRUE(html);
  EXPECT_EQ(html->find("<script"), std::string::npos) << *html;
  EXPECT_EQ(html->find("\xE2\x80\xAE"), std::string::npos) << *html;
  EXPECT_NE(html->find("&lt;script&gt;alert(1)&lt;/script&gt; \\u{202E}"), std::string::npos)
      << *html;
}

TEST(WitDiffTest, TextsTooLongToCompareAreRefused) {
  std::string longer;
  for (std::size_t line = 0; line <= kMaxWitDiffLines; ++line) longer += "x\n";
  EXPECT_FALSE(wit_diff_html("x\n", longer));
  EXPECT_FALSE(wit_diff_html(longer, "x\n"));
  EXPECT_TRUE(wit_diff_html(longer.substr(2), "x\n"));
}

}  // namespace
}  // namespace wreg::web
