#include "server/api/request_values.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace wreg::api {
namespace {

http::Request request_with(std::map<std::string, std::string> query) {
  http::Request request;
  request.query = std::move(query);
  return request;
}

TEST(SearchQueryOfTest, ReadsEveryParameterIntoTypedValues) {
  auto query = search_query_of(request_with({{"q", "http"},
                                             {"exports", "wasi:http/incoming-handler@0.2"},
                                             {"imports", "wasi:io/streams"},
                                             {"limit", "7"},
                                             {"cursor", "c1opaque"}}));
  ASSERT_TRUE(query) << query.error().message;
  EXPECT_EQ(query->text, "http");
  ASSERT_TRUE(query->exports);
  EXPECT_EQ(query->exports->to_string(), "wasi:http/incoming-handler@0.2.0");
  ASSERT_TRUE(query->imports);
  EXPECT_EQ(query->imports->to_string(), "wasi:io/streams");
  EXPECT_FALSE(query->imports->package.version);
  EXPECT_EQ(query->limit, 7u);
  EXPECT_EQ(query->cursor, "c1opaque") << "the cursor is the store's to read";
}

TEST(SearchQueryOfTest, AbsentOrEmptyParametersMeanAny) {
  for (const auto& parameters : {std::map<std::string, std::string>{},
                                 {{"q", ""}, {"exports", ""}, {"imports", ""}, {"cursor", ""}}}) {
    auto query = search_query_of(request_with(parameters));
    ASSERT_TRUE(query) << query.error().message;
    EXPECT_EQ(query->text, "");
    EXPECT_FALSE(query->exports);
    EXPECT_FALSE(query->imports);
    EXPECT_EQ(query->limit, store::SearchQuery::kDefaultLimit);
    EXPECT_EQ(query->cursor, "");
  }
}

// The messages clients see, whole: each names the parameter and says what to send instead.
TEST(SearchQueryOfTest, RefusesBadParametersWithTheirMessages) {
  struct Case {
    std::map<std::string, std::string> parameters;
    std::string message;
  };
  const Case cases[] = {
      {{{"q", std::string(257, 'a')}},
       "search text is longer than 256 characters; search for a shorter part"},
      {{{"q", std::string("ab\0cd", 5)}},
       "search text \"ab\\x00cd\" has a control character; search for printable text"},
      {{{"q", "line\nbreak"}},
       "search text \"line\\x0abreak\" has a control character; search for printable text"},
      {{{"q", "del\x7f"}},
       "search text \"del\\x7f\" has a control character; search for printable text"},
      {{{"exports", "not an interface"}},
       "exports=\"not an interface\" is not an interface name; write it as "
       "ns:package/interface, optionally with @version, e.g. wasi:http/incoming-handler"},
      {{{"imports", "wasi:http"}},
       "imports=\"wasi:http\" is not an interface name; write it as ns:package/interface, "
       "optionally with @version, e.g. wasi:http/incoming-handler"},
      {{{"imports", "wasi:http/handler@x"}},
       "imports=\"wasi:http/handler@x\" is not an interface name; write it as "
       "ns:package/interface, optionally with @version, e.g. wasi:http/incoming-handler"},
      {{{"exports", "a:b:c/d"}},
       "exports=\"a:b:c/d\" is not an interface name; write it as ns:package/interface, "
       "optionally with @version, e.g. wasi:http/incoming-handler"},
      {{{"limit", "101"}}, "query parameter limit=\"101\" is not a whole number from 1 to 100"},
      {{{"limit", "0"}}, "query parameter limit=\"0\" is not a whole number from 1 to 100"},
  };
  for (const Case& c : cases) {
    auto query = search_query_of(request_with(c.parameters));
    ASSERT_FALSE(query) << c.message;
    EXPECT_EQ(query.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(query.error().message, c.message);
  }
}

TEST(SearchQueryOfTest, TextOfTheLongestLengthAndAnyPrintableBytesIsKept) {
  const std::string longest(kMaxSearchTextLength, 'a');
  EXPECT_EQ(*search_text_param(request_with({{"q", longest}}), "q"), longest);
  const std::string printable = "\"quotes\" % _ \\ NEAR( *** caf\xc3\xa9";
  EXPECT_EQ(*search_text_param(request_with({{"q", printable}}), "q"), printable);
}

}  // namespace
}  // namespace wreg::api
