#include "common/api/answers.h"

#include <gtest/gtest.h>

namespace wreg::api {
namespace {

constexpr const char* kDigest =
    "sha256:e085d1459bfb2d1f3209b08cef444d379588fea65736e1bf22c49e991fc21525";

TEST(AnswersTest, PublishedRoundTrips) {
  std::string text = std::string(R"({"created":true,"digest":")") + kDigest +
                     R"(","kind":"wit","name":"wasi:io","size":1279,"version":"0.2.8"})";
  auto published = parse_published(text);
  ASSERT_TRUE(published.has_value()) << published.error().message;
  EXPECT_EQ(published->id.to_string(), "wasi:io@0.2.8");
  EXPECT_EQ(published->digest.to_string(), kDigest);
  EXPECT_EQ(published->size, 1279u);
  EXPECT_EQ(published->kind, ReleaseKind::kWit);
  EXPECT_TRUE(published->created);
  EXPECT_EQ(to_json(*published), text);
}

TEST(AnswersTest, YankStateRoundTrips) {
  const char* text = R"({"name":"pin:proxy","version":"1.0.0+build.5","yanked":true})";
  auto state = parse_yank_state(text);
  ASSERT_TRUE(state.has_value()) << state.error().message;
  EXPECT_EQ(state->id.to_string(), "pin:proxy@1.0.0+build.5");
  EXPECT_TRUE(state->yanked);
  EXPECT_EQ(to_json(*state), text);
}

TEST(AnswersTest, ErrorBodyRoundTripsAndKeepsHostileTextWritable) {
  const char* text =
      R"({"error":{"code":"not_found","message":"no package wasi:nope is published"}})";
  auto error = parse_error_body(text);
  ASSERT_TRUE(error.has_value()) << error.error().message;
  EXPECT_EQ(error->code, "not_found");
  EXPECT_EQ(error->message, "no package wasi:nope is published");
  EXPECT_EQ(to_json(*error), text);
  auto hostile = parse_error_body(to_json(ErrorBody{"invalid_argument", "bad \xff \"byte\""}));
  ASSERT_TRUE(hostile.has_value()) << hostile.error().message;
  EXPECT_NE(hostile->message.find("\"byte\""), std::string::npos);
}

TEST(AnswersTest, HealthIsOk) {
  EXPECT_EQ(to_json(Health{}), R"({"status":"ok"})");
  ASSERT_TRUE(parse_health(R"({"status":"ok","uptime":3})").has_value());
  EXPECT_FALSE(parse_health(R"({"status":"meh"})").has_value());
}

TEST(AnswersTest, WhoamiRoundTripsAndRefusesHostileAnswers) {
  const Whoami whoami{7, false, {"alpha", "beta"}};
  const std::string json = to_json(whoami);
  EXPECT_EQ(json, R"({"admin":false,"namespaces":["alpha","beta"],"token_id":7})");
  auto parsed = parse_whoami(json);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->token_id, 7u);
  EXPECT_FALSE(parsed->admin);
  EXPECT_EQ(parsed->namespaces, whoami.namespaces);
  for (auto [text, says] : std::initializer_list<std::pair<const char*, const char*>>{
           {"[]", "not a JSON object"},
           {R"({"admin":true,"namespaces":[]})", "\"token_id\""},
           {R"({"token_id":-1,"admin":true,"namespaces":[]})", "\"token_id\""},
           {R"({"token_id":1,"admin":"yes","namespaces":[]})", "\"admin\""},
           {R"({"token_id":1,"admin":false,"namespaces":[1]})", "\"namespaces\""},
           {"{\"token_id\":1,\"admin\":false,\"namespaces\":[\"a\\u001b[2J\"]}",
            "not a valid namespace name"},
           {R"({"token_id":1,"admin":false,"namespaces":["a:b"]})", "not a valid namespace name"},
       }) {
    auto refused = parse_whoami(text);
    ASSERT_FALSE(refused.has_value()) << text;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(refused.error().message.find(says), std::string::npos)
        << text << " -> " << refused.error().message;
    EXPECT_EQ(refused.error().message.find('\x1b'), std::string::npos);
  }
}

TEST(AnswersTest, RefuseHostileAnswersNamingTheField) {
  struct Case {
    Result<void> (*parse)(std::string_view);
    const char* json;
    const char* says;
  };
  auto published = [](std::string_view text) -> Result<void> {
    auto parsed = parse_published(text);
    if (!parsed) return parsed.error();
    return {};
  };
  auto yank = [](std::string_view text) -> Result<void> {
    auto parsed = parse_yank_state(text);
    if (!parsed) return parsed.error();
    return {};
  };
  auto error = [](std::string_view text) -> Result<void> {
    auto parsed = parse_error_body(text);
    if (!parsed) return parsed.error();
    return {};
  };
  for (
      auto [parse, json, says] : std::initializer_list<Case>{
          {published, "", "not valid JSON"},
          {published, R"({"name":"wasi:io","version":"0.2.8"})", "\"digest\""},
          {published,
           R"({"name":"wasi:io","version":"0.2.8","digest":"sha256:00","size":1,"kind":"wit","created":true})",
           "invalid digest"},
          {published,
           R"({"name":"wasi:io","version":"0.2.8","digest":"sha256:e085d1459bfb2d1f3209b08cef444d379588fea65736e1bf22c49e991fc21525","size":1,"kind":"wit","created":"yes"})",
           "no boolean \"created\""},
          {yank, R"({"name":"wasi:io","version":"0.2","yanked":true})", "\"version\""},
          {yank, R"({"name":"wasi:io","version":"0.2.8"})", "no boolean \"yanked\""},
          {error, R"({"error":"gone"})", "no \"error\" object"},
          {error, R"({"error":{"code":"Not Found","message":"x"}})", "\"code\""},
          {error, R"({"error":{"code":"not_found"}})", "\"message\""},
      }) {
    auto parsed = parse(json);
    ASSERT_FALSE(parsed.has_value()) << json;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find(says), std::string::npos)
        << json << " -> " << parsed.error().message;
  }
}

}  // namespace
}  // namespace wreg::api
