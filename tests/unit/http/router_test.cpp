// The router's path and query checks: the first line of defence against hostile paths.
#include "server/http/router.h"

#include <gtest/gtest.h>

#include "common/text.h"
#include "server/http/status_table.h"

namespace wreg::http {
namespace {

Router make_router() {
  Router router;
  Route ok;
  ok.handle = [](const Request&) { return json_response(200, "{}"); };
  router.add(Method::kGet, "/api/v1/packages/{ns}/{name}", ok);
  router.add(Method::kPut, "/api/v1/packages/{ns}/{name}/{version}", ok);
  router.add(Method::kGet, "/api/v1/packages/{ns}/{name}/{version}", ok);
  router.add(Method::kGet, "/api/v1/packages", ok);
  return router;
}

// The status the router answers for `target` (200 when it matches a route).
int status_of(const Router& router, Method method, const std::string& target) {
  Request request;
  request.method = method;
  request.target = target;
  auto matched = router.match(request);
  if (auto* response = std::get_if<Response>(&matched)) return response->status;
  return 200;
}

TEST(RouterTest, MatchesPlaceholdersAndDecodesThem) {
  Router router = make_router();
  Request request;
  request.method = Method::kGet;
  request.target = "/api/v1/packages/wasi/io/0.2.0-rc%2B1?q=a+b&limit=5";
  auto matched = router.match(request);
  ASSERT_TRUE(std::holds_alternative<Router::Match>(matched));
  EXPECT_EQ(std::get<Router::Match>(matched).pattern, "/api/v1/packages/{ns}/{name}/{version}");
  EXPECT_EQ(request.params.at("ns"), "wasi");
  EXPECT_EQ(request.params.at("version"), "0.2.0-rc+1");
  EXPECT_EQ(request.query.at("q"), "a b");
  EXPECT_EQ(request.query.at("limit"), "5");
}

TEST(RouterTest, TheRootIsARouteOfItsOwn) {
  Router router = make_router();
  EXPECT_EQ(status_of(router, Method::kGet, "/"), 404) << "no route for it yet";
  Route ok;
  ok.handle = [](const Request&) { return json_response(200, "{}"); };
  router.add(Method::kGet, "/", ok);
  EXPECT_EQ(status_of(router, Method::kGet, "/"), 200);
  EXPECT_EQ(status_of(router, Method::kGet, "/?q=a"), 200);
  EXPECT_EQ(status_of(router, Method::kGet, "/api"), 404);
  EXPECT_EQ(status_of(router, Method::kGet, "/api/v1/packages"), 200);
}

TEST(RouterTest, HeadIsAnsweredByGetRoutes) {
  EXPECT_EQ(status_of(make_router(), Method::kHead, "/api/v1/packages/wasi/io"), 200);
}

TEST(RouterTest, RefusesTraversalAndMalformedSegmentsWith400) {
  Router router = make_router();
  const char* hostile[] = {
      "/api/v1/packages/../io",
      "/api/v1/packages/./io",
      "/api/v1/packages/%2e%2e/io",
      "/api/v1/packages/%2E%2e/io",
      "/api/v1/packages/wasi/..",
      "/api/v1/packages/wasi%2fio/x",
      "/api/v1/packages/wasi%5cio/x",
      "/api/v1/packages/wasi%00/io",
      "/api/v1/packages/wasi%0a/io",
      "/api/v1/packages/%ff/io",
      "/api/v1/packages/%c0%ae/io",
      "/api/v1/packages/%ed%a0%80/io",
      "/api/v1/packages/%f4%90%80%80/io",
      "/api/v1/packages/%e2%82/io",
      "/api/v1/packages/%zz/io",
      "/api/v1/packages/%2/io",
      "/api/v1//packages",
      "api/v1/packages",
      "/api/v1/packages?q=%ff",
      "/api/v1/packages?q=%00",
  };
  for (const char* target : hostile) {
    EXPECT_EQ(status_of(router, Method::kGet, target), 400) << target;
  }
  EXPECT_EQ(status_of(router, Method::kGet, "/api/v1/packages/" + std::string(256, 'a') + "/io"),
            400);
  EXPECT_EQ(status_of(router, Method::kGet, "/api/v1/packages/" + std::string(255, 'a') + "/io"),
            200);
  std::string deep;
  for (int i = 0; i < 20; ++i) deep += "/a";
  EXPECT_EQ(status_of(router, Method::kGet, deep), 400);
}

TEST(RouterTest, AcceptsValidUtf8) {
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));  // overlong '/'
  EXPECT_EQ(status_of(make_router(), Method::kGet, "/api/v1/packages?q=caf%C3%A9"), 200);
}

TEST(RouterTest, UnknownPathIs404AndOtherMethodIs405WithAllow) {
  Router router = make_router();
  EXPECT_EQ(status_of(router, Method::kGet, "/nope"), 404);
  Request request;
  request.method = Method::kDelete;
  request.target = "/api/v1/packages/wasi/io/1.0.0";
  auto matched = router.match(request);
  ASSERT_TRUE(std::holds_alternative<Response>(matched));
  const Response& response = std::get<Response>(matched);
  EXPECT_EQ(response.status, 405);
  ASSERT_NE(response.find("Allow"), nullptr);
  EXPECT_EQ(*response.find("Allow"), "GET, HEAD, PUT");
}

TEST(RouterTest, AnAreaWithItsOwnErrorBodyWordsItsRefusalsAndKeepsAllow) {
  Router router = make_router();
  router.add(Method::kGet, "/v2/{ns}/{name}/tags/list", Route{});
  router.word_refusals("v2", [](int status, std::string_view code, std::string_view message) {
    return json_response(status, "own " + std::string(code) + ": " + std::string(message));
  });
  Request request;
  request.method = Method::kDelete;
  request.target = "/v2/wasi/io/tags/list";
  auto matched = router.match(request);
  ASSERT_TRUE(std::holds_alternative<Response>(matched));
  const Response& refused = std::get<Response>(matched);
  EXPECT_EQ(refused.status, 405);
  EXPECT_TRUE(refused.body.starts_with("own method_not_allowed: ")) << refused.body;
  ASSERT_NE(refused.find("Allow"), nullptr);
  EXPECT_EQ(*refused.find("Allow"), "GET, HEAD");

  request.target = "/api/v1/packages/wasi/io/1.0.0";
  matched = router.match(request);
  EXPECT_FALSE(std::get<Response>(matched).body.starts_with("own ")) << "other paths keep theirs";
  request.method = Method::kGet;
  request.target = "/v2/nothing";
  matched = router.match(request);
  EXPECT_EQ(std::get<Response>(matched).status, 404);
  EXPECT_TRUE(std::get<Response>(matched).body.starts_with("own not_found: "));
}

TEST(StatusTableTest, EveryErrorCodeHasOneStatus) {
  EXPECT_EQ(http_status(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(http_status(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(http_status(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(http_status(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status(ErrorCode::kConflict), 409);
  EXPECT_EQ(http_status(ErrorCode::kAlreadyExists), 409);
  EXPECT_EQ(http_status(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(http_status(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(http_status(ErrorCode::kIo), 500);
  EXPECT_EQ(http_status(ErrorCode::kInternal), 500);
}

TEST(StatusTableTest, InternalErrorsKeepTheirDetailOutOfTheBody) {
  Response response = error_response(Error{ErrorCode::kInternal, "/var/lib/wreg/wreg.db: boom"});
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("/var/lib"), std::string::npos);
  EXPECT_EQ(response.log_detail, "/var/lib/wreg/wreg.db: boom");
  Response invalid_utf8 = error_response(Error{ErrorCode::kInvalidArgument, "bad \xff name"});
  EXPECT_EQ(invalid_utf8.status, 400);
  EXPECT_NE(invalid_utf8.body.find("bad"), std::string::npos);
}

}  // namespace
}  // namespace wreg::http
