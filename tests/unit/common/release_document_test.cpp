#include "common/api/release_document.h"

#include <gtest/gtest.h>

#include "common/api/json_value.h"

namespace wreg::api {
namespace {

// As wreg-server sends it for a component with metadata (tests/integration/wire_bodies_test.cpp
// pins the real bytes), plus a field from the future.
const char* kProxy =
    R"js({"binary_kind":"component","component_name":"proxy","dependencies":[],)js"
    R"js("description":"An HTTP proxy","digest":)js"
    R"js("sha256:dba904c003ddfb707392a02caff0db25e667d0edda52c04714f0f17ba92f066a",)js"
    R"js("export_interfaces":["wasi:http/incoming-handler@0.2.8"],)js"
    R"js("exports":[{"kind":"instance","name":"wasi:http/incoming-handler@0.2.8"}],)js"
    R"js("future":{"x":1},"has_package_docs":true,)js"
    R"js("import_interfaces":["wasi:io/poll@0.2.8","wasi:cli/stdout"],)js"
    R"js("imports":[{"kind":"instance","name":"wasi:io/poll@0.2.8"},)js"
    R"js({"kind":"func","name":"log","type":"func(msg: string)"}],)js"
    R"js("interfaces":[],"kind":"component","metadata":{"authors":"Ada","description":"An HTTP proxy"},)js"
    R"js("name":"pin:proxy","producers":{"processed-by":[{"name":"wit-component","version":"0.259.0"}]},)js"
    R"js("published":"2026-11-26T01:02:03Z","referenced_packages":["wasi:http@0.2.8","local:demo"],)js"
    R"js("size":36546,"version":"1.0.0","worlds":[],"yanked":false})js";

TEST(ReleaseDocumentTest, ReadsEveryField) {
  auto document = parse_release_document(kProxy);
  ASSERT_TRUE(document.has_value()) << document.error().message;
  EXPECT_EQ(document->name.to_string(), "pin:proxy");
  EXPECT_EQ(document->description, "An HTTP proxy");
  EXPECT_EQ(document->summary.version.to_string(), "1.0.0");
  EXPECT_EQ(document->summary.size, 36546u);
  EXPECT_EQ(document->summary.kind, ReleaseKind::kComponent);
  EXPECT_EQ(document->summary.published, "2026-11-26T01:02:03Z");
  EXPECT_EQ(document->import_interfaces,
            (std::vector<std::string>{"wasi:io/poll@0.2.8", "wasi:cli/stdout"}));
  EXPECT_EQ(document->export_interfaces,
            (std::vector<std::string>{"wasi:http/incoming-handler@0.2.8"}));
  const ReleaseDetails& details = document->details;
  EXPECT_EQ(details.binary_kind, wasm::BinaryKind::kComponent);
  ASSERT_EQ(details.imports.size(), 2u);
  EXPECT_EQ(details.imports[1].name, "log");
  EXPECT_EQ(details.imports[1].kind, wasm::ExternKind::kFunc);
  EXPECT_EQ(details.imports[1].type, "func(msg: string)");
  EXPECT_EQ(details.imports[0].type, "");
  ASSERT_EQ(details.referenced_packages.size(), 2u);
  EXPECT_EQ(details.referenced_packages[1].to_string(), "local:demo");
  ASSERT_EQ(details.producers.at("processed-by").size(), 1u);
  EXPECT_EQ(details.producers.at("processed-by")[0].version, "0.259.0");
  EXPECT_EQ(details.metadata.authors, "Ada");
  EXPECT_FALSE(details.metadata.licenses.has_value());
  EXPECT_EQ(details.component_name, "proxy");
  EXPECT_TRUE(details.has_package_docs);
}

TEST(ReleaseDocumentTest, WritesWhatItReadWithoutTheUnknownField) {
  auto document = *parse_release_document(kProxy);
  std::string expected = kProxy;
  expected.erase(expected.find(R"("future":{"x":1},)"), std::string(R"("future":{"x":1},)").size());
  EXPECT_EQ(to_json(document), expected);
}

TEST(ReleaseDocumentTest, DetailsAreTheDocumentLessItsSummary) {
  auto document = *parse_release_document(kProxy);
  auto details = parse_release_details(to_json(document.details));
  ASSERT_TRUE(details.has_value()) << details.error().message;
  EXPECT_EQ(to_json(*details), to_json(document.details));
  auto value = json_value(document.details);
  EXPECT_FALSE(value.contains("version"));
  EXPECT_FALSE(value.contains("import_interfaces"));
  EXPECT_TRUE(value.contains("component_name"));
}

TEST(ReleaseDocumentTest, OptionalListsMayBeAbsent) {
  auto details = parse_release_details(R"({"binary_kind":"wit-package"})");
  ASSERT_TRUE(details.has_value()) << details.error().message;
  EXPECT_EQ(
      to_json(*details),
      R"({"binary_kind":"wit-package","exports":[],"has_package_docs":false,"imports":[],)"
      R"("interfaces":[],"metadata":{},"producers":{},"referenced_packages":[],"worlds":[]})");
}

TEST(ReleaseDocumentTest, RefusesHostileDocumentsNamingTheField) {
  // Each case replaces one piece of kProxy.
  struct Case {
    const char* from;
    const char* to;
    const char* says;
  };
  for (auto [from, to, says] : std::initializer_list<Case>{
           {R"("name":"pin:proxy")", R"("name":"pin:Proxy")", "uppercase"},
           {R"("name":"pin:proxy")", R"("name":7)", "no string field \"name\""},
           {R"("version":"1.0.0")", R"("version":"1.0")", "\"version\""},
           {R"("size":36546)", R"("size":-1)", "\"size\""},
           {R"("binary_kind":"component")", R"("binary_kind":"core-module")",
            "unknown binary_kind"},
           {R"("kind":"func")", R"("kind":"function")", "unknown kind \"function\""},
           {R"("kind":"func","name":"log")", R"("kind":"func","name":false)",
            "no string field \"name\""},
           {R"("import_interfaces":["wasi:io/poll@0.2.8")", R"("import_interfaces":["log")",
            "not an interface name"},
           {R"("export_interfaces":["wasi:http/incoming-handler@0.2.8"])",
            R"("export_interfaces":["wasi:http/Incoming@1"])", "invalid interface name"},
           {R"("import_interfaces":["wasi:io/poll@0.2.8")", R"("import_interfaces":[1)",
            "not a string"},
           {R"("worlds":[])", R"("worlds":["Not A Label"])", "not a kebab-case label"},
           {R"("referenced_packages":["wasi:http@0.2.8")", R"("referenced_packages":["wasi")",
            "referenced_packages"},
           {R"("processed-by":[)", R"("processed-by":[1,)", "not an object"},
           {R"("metadata":{"authors":"Ada")", R"("metadata":{"authors":["Ada"])",
            "non-string \"authors\""},
           {R"("has_package_docs":true)", R"("has_package_docs":"yes")", "non-boolean"},
           {R"("imports":[)", R"("imports":{"a":1},"x":[)", "\"imports\" is not a list"},
           {R"("yanked":false)", R"("yanked":0)", "non-boolean \"yanked\""},
       }) {
    std::string text = kProxy;
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, std::string(from).size(), to);
    auto document = parse_release_document(text);
    ASSERT_FALSE(document.has_value()) << to;
    EXPECT_EQ(document.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(document.error().message.find(says), std::string::npos)
        << to << " -> " << document.error().message;
    EXPECT_EQ(document.error().message.find('\n'), std::string::npos);
  }
  for (const char* junk : {"", "[]", "null", "{", "\"x\"", "{\"name\":\"a:b\"}"}) {
    EXPECT_FALSE(parse_release_document(junk).has_value()) << junk;
    EXPECT_FALSE(parse_release_details(junk).has_value()) << junk;
  }
}

TEST(ReleaseDocumentTest, WritesInvalidUtf8FromABinaryWithoutThrowing) {
  ReleaseDetails details;
  details.component_name = "bad \xff name";
  details.metadata.description = "bad \xfe text";
  auto again = parse_release_details(to_json(details));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(to_json(*again), to_json(details));
}

}  // namespace
}  // namespace wreg::api
