#include "common/api/search_page.h"

#include <gtest/gtest.h>

namespace wreg::api {
namespace {

TEST(SearchPageTest, ReadsAPageAndWritesItBack) {
  const char* text =
      R"({"next_cursor":"c170696e3a7479706564","packages":[)"
      R"({"description":"An HTTP proxy","kind":"component","latest":"1.0.0","name":"pin:proxy"},)"
      R"({"description":"","kind":"wit","latest":"0.1.0-rc.1","name":"pin:typed"}]})";
  auto page = parse_search_page(text);
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->packages.size(), 2u);
  EXPECT_EQ(page->packages[0].name.to_string(), "pin:proxy");
  EXPECT_EQ(page->packages[0].description, "An HTTP proxy");
  EXPECT_EQ(page->packages[1].latest.to_string(), "0.1.0-rc.1");
  EXPECT_EQ(page->packages[1].kind, ReleaseKind::kWit);
  EXPECT_EQ(page->next_cursor, "c170696e3a7479706564");
  EXPECT_EQ(to_json(*page), text);
}

TEST(SearchPageTest, TheLastPageHasNoCursor) {
  for (const char* text : {R"({"packages":[],"next_cursor":null})", R"({"packages":[]})",
                           R"({"packages":[],"next_cursor":""})"}) {
    auto page = parse_search_page(text);
    ASSERT_TRUE(page.has_value()) << text << ": " << page.error().message;
    EXPECT_FALSE(page->next_cursor.has_value()) << text;
    EXPECT_EQ(to_json(*page), R"({"next_cursor":null,"packages":[]})");
  }
}

TEST(SearchPageTest, RefusesHostileListingsNamingTheField) {
  struct Case {
    const char* json;
    const char* says;
  };
  for (auto [json, says] : std::initializer_list<Case>{
           {"", "not valid JSON"},
           {"[]", "not a JSON object"},
           {R"({"next_cursor":null})", "no \"packages\" list"},
           {R"({"packages":{}})", "no \"packages\" list"},
           {R"({"packages":[7]})", "not an object"},
           {R"({"packages":[{"name":"wasi","latest":"1.0.0","kind":"wit"}]})", "wasi"},
           {R"({"packages":[{"name":"wasi:io","latest":"v1","kind":"wit"}]})", "\"latest\""},
           {R"({"packages":[{"name":"wasi:io","latest":"1.0.0","kind":"module"}]})",
            "unknown kind"},
           {R"({"packages":[{"name":"wasi:io","latest":"1.0.0","kind":"wit","description":1}]})",
            "non-string \"description\""},
           {R"({"packages":[],"next_cursor":"a b"})", "next_cursor"},
           {R"({"packages":[],"next_cursor":"a\nb"})", "next_cursor"},
           {R"({"packages":[],"next_cursor":7})", "non-string \"next_cursor\""},
       }) {
    auto page = parse_search_page(json);
    ASSERT_FALSE(page.has_value()) << json;
    EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(page.error().message.find(says), std::string::npos)
        << json << " -> " << page.error().message;
  }
  std::string long_cursor(SearchPage::kMaxCursorLength + 1, 'c');
  EXPECT_FALSE(parse_search_page(R"({"packages":[],"next_cursor":")" + long_cursor + "\"}"));
}

}  // namespace
}  // namespace wreg::api
