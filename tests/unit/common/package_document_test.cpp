#include "common/api/package_document.h"

#include <gtest/gtest.h>

namespace wreg::api {
namespace {

const char* kClocks = R"({
  "name": "wasi:clocks",
  "description": "WASI clocks",
  "future-field": {"ignored": true},
  "versions": [
    {"version": "0.2.8",
     "digest": "sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",
     "size": 590, "kind": "wit", "yanked": true, "published": "2026-11-26T01:02:03Z",
     "dependencies": [{"name": "wasi:io", "requirement": "^0.2.8"}]},
    {"version": "0.2.0",
     "digest": "sha256:252a8d741c7f0cae8cf3cd8c2baf545b8410b8d36443cf860c1aff160265aa75",
     "size": 590, "kind": "component"}
  ]
})";

TEST(PackageDocumentTest, ParsesTheWireForm) {
  auto document = parse_package_document(kClocks);
  ASSERT_TRUE(document.has_value()) << document.error().message;
  EXPECT_EQ(document->name.to_string(), "wasi:clocks");
  EXPECT_EQ(document->description, "WASI clocks");
  ASSERT_EQ(document->versions.size(), 2u);
  const auto& newest = document->versions[0];
  EXPECT_EQ(newest.version.to_string(), "0.2.8");
  EXPECT_EQ(newest.size, 590u);
  EXPECT_EQ(newest.kind, ReleaseKind::kWit);
  EXPECT_TRUE(newest.yanked);
  ASSERT_EQ(newest.dependencies.size(), 1u);
  EXPECT_EQ(newest.dependencies[0].name.to_string(), "wasi:io");
  EXPECT_EQ(newest.dependencies[0].requirement.to_string(), "^0.2.8");
  EXPECT_FALSE(document->versions[1].yanked);
  EXPECT_EQ(document->versions[1].kind, ReleaseKind::kComponent);
  EXPECT_TRUE(document->versions[1].dependencies.empty());
  EXPECT_EQ(document->find(*Version::parse("0.2.0")), &document->versions[1]);
  EXPECT_EQ(document->find(*Version::parse("0.2.1")), nullptr);
}

TEST(PackageDocumentTest, RoundTripsThroughJson) {
  auto document = *parse_package_document(kClocks);
  auto again = parse_package_document(to_json(document));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(to_json(*again), to_json(document));
  EXPECT_EQ(again->versions[0].published, "2026-11-26T01:02:03Z");
}

TEST(PackageDocumentTest, RefusesMalformedDocumentsNamingTheField) {
  struct Case {
    const char* json;
    const char* says;
  };
  for (auto [json, says] : std::initializer_list<Case>{
           {"", "not valid JSON"},
           {"[1,2]", "not a JSON object"},
           {R"({"versions": []})", "\"name\""},
           {R"({"name": "Wasi:io", "versions": []})", "uppercase"},
           {R"({"name": "wasi:io"})", "\"versions\""},
           {R"({"name": "wasi:io", "versions": [{"digest": "x"}]})", "\"version\""},
           {R"({"name": "wasi:io", "versions": [{"version": "01.0.0"}]})", "leading zero"},
           {R"({"name": "wasi:io", "versions": [{"version": "1.0.0", "digest": "sha256:zz",
                "size": 1, "kind": "wit"}]})",
            "invalid digest"},
           {R"({"name": "wasi:io", "versions": [{"version": "1.0.0",
                "digest": "sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",
                "size": -1, "kind": "wit"}]})",
            "\"size\""},
           {R"({"name": "wasi:io", "versions": [{"version": "1.0.0",
                "digest": "sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",
                "size": 1, "kind": "core"}]})",
            "unknown kind"},
           {R"({"name": "wasi:io", "versions": [{"version": "1.0.0",
                "digest": "sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",
                "size": 1, "kind": "wit", "published": "yesterday\n"}]})",
            "RFC 3339"},
           {R"({"name": "wasi:io", "versions": [{"version": "1.0.0",
                "digest": "sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",
                "size": 1, "kind": "wit", "published": "2026-11-26T01:02:03"}]})",
            "RFC 3339"},
           {R"({"name": "wasi:io", "description": ["x"], "versions": []})",
            "non-string \"description\""},
           {R"({"name": "wasi:io", "versions": [{"version": "1.0.0",
                "digest": "sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",
                "size": 1, "kind": "wit", "dependencies": [{"name": "wasi:clocks",
                "requirement": ">>1"}]}]})",
            "invalid version requirement"},
       }) {
    auto document = parse_package_document(json);
    ASSERT_FALSE(document.has_value()) << json;
    EXPECT_NE(document.error().message.find(says), std::string::npos)
        << json << " -> " << document.error().message;
  }
}

TEST(PackageDocumentTest, AcceptsEveryFormOfAnRfc3339Time) {
  for (const char* time : {"2026-11-26T01:02:03Z", "2026-11-26t01:02:03.123z",
                           "2026-11-26T01:02:03+01:00", "2026-11-26T01:02:03.5-05:30"}) {
    std::string json = std::string(R"({"name": "wasi:io", "versions": [{"version": "1.0.0",
        "digest": "sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",
        "size": 1, "kind": "wit", "published": ")") +
                       time + "\"}]}";
    auto document = parse_package_document(json);
    ASSERT_TRUE(document.has_value()) << time << ": " << document.error().message;
    EXPECT_EQ(document->versions[0].published, time);
  }
}

TEST(PackageDocumentTest, SerialisesHostileTextWithoutThrowing) {
  PackageDocument document{*PackageName::parse("demo:lib"), "bad \xff utf-8 \"quoted\"", {}};
  auto again = parse_package_document(to_json(document));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_NE(again->description.find("\"quoted\""), std::string::npos);
}

}  // namespace
}  // namespace wreg::api
