// The exact bytes of every /api/v1 body the real wreg-server sends, pinned: clients in the field
// read these, so a change of a key, its order, its spelling or a value's form must show up here
// first. Only the publish times (which the clock decides) are replaced, by {time}.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <regex>
#include <span>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/unit/wasm/wasm_builder.h"

namespace wreg::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using wasm::testing::Bytes;
using wasm::testing::with_custom_section;

// wasm::testing::typed_component(), whose imports have WIT signatures, as bytes to publish.
std::string typed_component() {
  auto bytes = wasm::testing::typed_component();
  return std::string(bytes.data().begin(), bytes.data().end());
}

// The body with every publish time replaced by {time}.
std::string pinned(const HttpResponse& response) {
  static const std::regex kPublished(R"("published":"[^"]*")");
  return std::regex_replace(response.body, kPublished, R"("published":"{time}")");
}

class WireBodiesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new SuiteServer();
    ASSERT_TRUE(server_->start({"wasi", "pin"})) << server_->error();
    token_ = create_token(server_->data_dir(), {"--namespace", "wasi", "--namespace", "pin"});
    ASSERT_FALSE(token_.empty());
  }

  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
  }

  static HttpResponse put(const std::string& target, const std::string& bytes,
                          const std::string& token = token_) {
    Headers headers{{"Content-Type", "application/wasm"}};
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return request(server_->port(), "PUT", target, headers, bytes);
  }
  static HttpResponse post(const std::string& target) {
    return request(server_->port(), "POST", target, {{"Authorization", "Bearer " + token_}});
  }
  static HttpResponse get(const std::string& target) {
    return request(server_->port(), "GET", target);
  }

  static SuiteServer* server_;
  static std::string token_;
};

SuiteServer* WireBodiesTest::server_ = nullptr;
std::string WireBodiesTest::token_;

TEST_F(WireBodiesTest, EveryEndpointSendsTheSameBytes) {
  // Everything is published here, in this order (twice for a retry); the cases below read it.
  std::vector<std::string> published;
  std::string proxy = fixture_bytes("components/http-proxy.wasm");
  proxy = with_custom_section(proxy, "description", "An HTTP proxy \"with\" quotes");
  proxy = with_custom_section(proxy, "authors", "Ada");
  proxy = with_custom_section(proxy, "component-name", std::string("\x00\x06\x05proxy", 8));
  proxy = with_custom_section(proxy, "package-docs", std::string("\x00{}", 3));
  for (auto [target, bytes] : std::initializer_list<std::pair<const char*, std::string>>{
           {"/api/v1/packages/wasi/io/0.2.8", fixture_bytes("packages/wasi-io@0.2.8.wasm")},
           {"/api/v1/packages/wasi/io/0.2.8", fixture_bytes("packages/wasi-io@0.2.8.wasm")},
           {"/api/v1/packages/wasi/clocks/0.2.8", fixture_bytes("packages/wasi-clocks@0.2.8.wasm")},
           {"/api/v1/packages/pin/proxy/1.0.0", proxy},
           {"/api/v1/packages/pin/typed/0.1.0-rc.1", typed_component()},
       }) {
    auto response = put(target, bytes);
    published.push_back(std::to_string(response.status) + " " + pinned(response));
  }
  EXPECT_EQ(
      published,
      (std::vector<std::string>{
          R"js(201 {"created":true,)js"
          R"js("digest":"sha256:e085d1459bfb2d1f3209b08cef444d379588fea65736e1bf22c49e991fc21525",)js"
          R"js("kind":"wit","log_index":0,"name":"wasi:io","size":1279,"version":"0.2.8"})js",
          R"js(200 {"created":false,)js"
          R"js("digest":"sha256:e085d1459bfb2d1f3209b08cef444d379588fea65736e1bf22c49e991fc21525",)js"
          R"js("kind":"wit","log_index":0,"name":"wasi:io","size":1279,"version":"0.2.8"})js",
          R"js(201 {"created":true,)js"
          R"js("digest":"sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",)js"
          R"js("kind":"wit","log_index":1,"name":"wasi:clocks","size":590,"version":"0.2.8"})js",
          R"js(201 {"created":true,)js"
          R"js("digest":"sha256:dba904c003ddfb707392a02caff0db25e667d0edda52c04714f0f17ba92f066a",)js"
          R"js("kind":"component","log_index":2,"name":"pin:proxy","size":36546,"version":"1.0.0"})js",
          R"js(201 {"created":true,)js"
          R"js("digest":"sha256:f20bba580816e225d86c2a5accf45fff5e28d6e8888a330f8be2f81d89c0083b",)js"
          R"js("kind":"component","log_index":3,"name":"pin:typed","size":68,"version":"0.1.0-rc.1"})js",
      }));
  auto answer = [](const HttpResponse& response) {
    return std::to_string(response.status) + " " + pinned(response);
  };
  struct Case {
    std::string what;
    std::function<HttpResponse()> request;
    std::string expected;
  };
  std::vector<Case> cases{
      {"health", [] { return get("/healthz"); }, R"js(200 {"status":"ok"})js"},
      {"document of a WIT package with dependencies",
       [] { return get("/api/v1/packages/wasi/clocks"); },
       R"js(200 {"description":"","name":"wasi:clocks",)js"
       R"js("versions":[{"dependencies":[{"name":"wasi:io","requirement":"^0.2.8"}],)js"
       R"js("digest":"sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",)js"
       R"js("kind":"wit","published":"{time}","size":590,"version":"0.2.8",)js"
       R"js("yanked":false}]})js"},
      {"document of a component with a description",
       [] { return get("/api/v1/packages/pin/proxy"); },
       R"js(200 {"description":"An HTTP proxy \"with\" quotes","name":"pin:proxy",)js"
       R"js("versions":[{"dependencies":[],)js"
       R"js("digest":"sha256:dba904c003ddfb707392a02caff0db25e667d0edda52c04714f0f17ba92f066a",)js"
       R"js("kind":"component","published":"{time}","size":36546,"version":"1.0.0",)js"
       R"js("yanked":false}]})js"},
      {"release of a WIT package", [] { return get("/api/v1/packages/wasi/io/0.2.8"); },
       R"js(200 {"binary_kind":"wit-package","dependencies":[],"description":"",)js"
       R"js("digest":"sha256:e085d1459bfb2d1f3209b08cef444d379588fea65736e1bf22c49e991fc21525",)js"
       R"js("export_interfaces":[],"exports":[],"has_package_docs":false,)js"
       R"js("import_interfaces":[],"imports":[],"interfaces":["error","poll","streams"],)js"
       R"js("kind":"wit","log_index":0,"metadata":{},"name":"wasi:io",)js"
       R"js("producers":{"processed-by":[{"name":"wit-component","version":"0.259.0"}]},)js"
       R"js("published":"{time}","referenced_packages":[],"size":1279,"version":"0.2.8",)js"
       R"js("worlds":["imports"],"yanked":false})js"},
      {"release of a WIT package with dependencies",
       [] { return get("/api/v1/packages/wasi/clocks/0.2.8"); },
       R"js(200 {"binary_kind":"wit-package","dependencies":[{"name":"wasi:io",)js"
       R"js("requirement":"^0.2.8"}],"description":"",)js"
       R"js("digest":"sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",)js"
       R"js("export_interfaces":[],"exports":[],"has_package_docs":false,)js"
       R"js("import_interfaces":[],"imports":[],"interfaces":["monotonic-clock",)js"
       R"js("wall-clock"],"kind":"wit","log_index":1,"metadata":{},"name":"wasi:clocks",)js"
       R"js("producers":{"processed-by":[{"name":"wit-component","version":"0.259.0"}]},)js"
       R"js("published":"{time}","referenced_packages":["wasi:io@0.2.8"],"size":590,)js"
       R"js("version":"0.2.8","worlds":["imports"],"yanked":false})js"},
      {"release of a component with metadata",
       [] { return get("/api/v1/packages/pin/proxy/1.0.0"); },
       R"js(200 {"binary_kind":"component","component_name":"proxy","dependencies":[],)js"
       R"js("description":"An HTTP proxy \"with\" quotes",)js"
       R"js("digest":"sha256:dba904c003ddfb707392a02caff0db25e667d0edda52c04714f0f17ba92f066a",)js"
       R"js("export_interfaces":["wasi:http/incoming-handler@0.2.8"],)js"
       R"js("exports":[{"kind":"instance","name":"wasi:http/incoming-handler@0.2.8"}],)js"
       R"js("has_package_docs":true,"import_interfaces":["wasi:io/poll@0.2.8",)js"
       R"js("wasi:clocks/monotonic-clock@0.2.8","wasi:clocks/wall-clock@0.2.8",)js"
       R"js("wasi:random/random@0.2.8","wasi:io/error@0.2.8","wasi:io/streams@0.2.8",)js"
       R"js("wasi:cli/stdout@0.2.8","wasi:cli/stderr@0.2.8","wasi:cli/stdin@0.2.8",)js"
       R"js("wasi:http/types@0.2.8","wasi:http/outgoing-handler@0.2.8"],)js"
       R"js("imports":[{"kind":"instance","name":"wasi:io/poll@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:clocks/monotonic-clock@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:clocks/wall-clock@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:random/random@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:io/error@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:io/streams@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:cli/stdout@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:cli/stderr@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:cli/stdin@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:http/types@0.2.8"},{"kind":"instance",)js"
       R"js("name":"wasi:http/outgoing-handler@0.2.8"}],"interfaces":[],)js"
       R"js("kind":"component","log_index":2,"metadata":{"authors":"Ada",)js"
       R"js("description":"An HTTP proxy \"with\" quotes"},"name":"pin:proxy",)js"
       R"js("producers":{"processed-by":[{"name":"wit-component","version":"0.259.0"}]},)js"
       R"js("published":"{time}","referenced_packages":["wasi:cli@0.2.8",)js"
       R"js("wasi:clocks@0.2.8","wasi:http@0.2.8","wasi:io@0.2.8","wasi:random@0.2.8"],)js"
       R"js("size":36546,"version":"1.0.0","worlds":[],"yanked":false})js"},
      {"release of a component with typed plain imports",
       [] { return get("/api/v1/packages/pin/typed/0.1.0-rc.1"); },
       R"js(200 {"binary_kind":"component","dependencies":[],"description":"",)js"
       R"js("digest":"sha256:f20bba580816e225d86c2a5accf45fff5e28d6e8888a330f8be2f81d89c0083b",)js"
       R"js("export_interfaces":[],"exports":[],"has_package_docs":false,)js"
       R"js("import_interfaces":[],"imports":[{"kind":"func","name":"log",)js"
       R"js("type":"func(msg: string)"},{"kind":"func","name":"pick",)js"
       R"js("type":"func(a: u32, b: bool) -> string"},{"kind":"func","name":"send"}],)js"
       R"js("interfaces":[],"kind":"component","log_index":3,"metadata":{},"name":"pin:typed",)js"
       R"js("producers":{},"published":"{time}","referenced_packages":[],"size":68,)js"
       R"js("version":"0.1.0-rc.1","worlds":[],"yanked":false})js"},
      {"first page", [] { return get("/api/v1/packages?limit=2"); },
       R"js(200 {"next_cursor":"c170696e3a7479706564",)js"
       R"js("packages":[{"description":"An HTTP proxy \"with\" quotes","kind":"component",)js"
       R"js("latest":"1.0.0","name":"pin:proxy"},{"description":"","kind":"component",)js"
       R"js("latest":"0.1.0-rc.1","name":"pin:typed"}]})js"},
      {"last page", [] { return get("/api/v1/packages?limit=2&cursor=c170696e3a7479706564"); },
       R"js(200 {"next_cursor":null,"packages":[{"description":"","kind":"wit",)js"
       R"js("latest":"0.2.8","name":"wasi:clocks"},{"description":"","kind":"wit",)js"
       R"js("latest":"0.2.8","name":"wasi:io"}]})js"},
      {"search by export",
       [] { return get("/api/v1/packages?exports=wasi:http/incoming-handler"); },
       R"js(200 {"next_cursor":null,)js"
       R"js("packages":[{"description":"An HTTP proxy \"with\" quotes","kind":"component",)js"
       R"js("latest":"1.0.0","name":"pin:proxy"}]})js"},
      {"search that finds nothing", [] { return get("/api/v1/packages?q=nothing-like-it"); },
       R"js(200 {"next_cursor":null,"packages":[]})js"},
      {"yank", [] { return post("/api/v1/packages/pin/proxy/1.0.0/yank"); },
       R"js(200 {"name":"pin:proxy","version":"1.0.0","yanked":true})js"},
      {"unyank", [] { return post("/api/v1/packages/pin/proxy/1.0.0/unyank"); },
       R"js(200 {"name":"pin:proxy","version":"1.0.0","yanked":false})js"},
      {"unknown package", [] { return get("/api/v1/packages/wasi/nope"); },
       R"js(404 {"error":{"code":"not_found",)js"
       R"js("message":"no package wasi:nope is published"}})js"},
      {"bad name", [] { return get("/api/v1/packages/Wasi/io"); },
       R"js(400 {"error":{"code":"invalid_argument",)js"
       R"js("message":"invalid package name \"Wasi:io\": namespace \"Wasi\" has an uppercase letter; labels are lowercase kebab-case (expected ns:name, e.g. wasi:io)"}})js"},
      {"bad limit", [] { return get("/api/v1/packages?limit=0"); },
       R"js(400 {"error":{"code":"invalid_argument",)js"
       R"js("message":"query parameter limit=\"0\" is not a whole number from 1 to 100"}})js"},
      {"publish without a token",
       [] { return put("/api/v1/packages/pin/other/1.0.0", typed_component(), ""); },
       R"js(401 {"error":{"code":"unauthenticated",)js"
       R"js("message":"missing bearer token; send `Authorization: Bearer <token>`"}})js"},
      {"other bytes for a version",
       [] {
         return put("/api/v1/packages/pin/typed/0.1.0-rc.1",
                    fixture_bytes("components/http-proxy.wasm"));
       },
       R"js(409 {"error":{"code":"conflict",)js"
       R"js("message":"pin:typed@0.1.0-rc.1 is already published with sha256:f20bba580816e225d86c2a5accf45fff5e28d6e8888a330f8be2f81d89c0083b; versions are immutable, publish a new version"}})js"},
      {"a WIT package under another name",
       [] {
         return put("/api/v1/packages/wasi/io/0.2.3", fixture_bytes("packages/wasi-io@0.2.8.wasm"));
       },
       R"js(400 {"error":{"code":"invalid_argument",)js"
       R"js("message":"this is the WIT package wasi:io@0.2.8, but the URL says wasi:io@0.2.3; publish it as wasi:io@0.2.8 or encode the WIT with `package wasi:io@0.2.3;`"}})js"},
      {"a core module",
       [] { return put("/api/v1/packages/pin/core/1.0.0", fixture_bytes("core/plain.core.wasm")); },
       R"js(400 {"error":{"code":"invalid_argument",)js"
       R"js("message":"this is a core WebAssembly module, not a component: make a component of it with `wasm-tools component new MODULE.wasm -o COMPONENT.wasm` (a module without WIT bindings needs `wasm-tools component embed` first)"}})js"},
      {"not wasm", [] { return put("/api/v1/packages/pin/junk/1.0.0", "junk"); },
       R"js(400 {"error":{"code":"invalid_argument",)js"
       R"js("message":"the body is not a valid WebAssembly component or WIT package: not a WebAssembly binary: expected magic \\0asm at offset 0"}})js"},
      {"unknown path", [] { return get("/api/v2/nothing"); },
       R"js(404 {"error":{"code":"not_found",)js"
       R"js("message":"no API route matches \"/api/v2/nothing\"; routes are under /api/v1 (packages, blobs), /log (the transparency log), /healthz and /metrics"}})js"},
      {"wrong method",
       [] { return request(server_->port(), "DELETE", "/api/v1/packages/wasi/io"); },
       R"js(405 {"error":{"code":"method_not_allowed",)js"
       R"js("message":"DELETE is not allowed on \"/api/v1/packages/wasi/io\"; use GET, HEAD"}})js"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(answer(c.request()), c.expected) << c.what;
  }
}

}  // namespace
}  // namespace wreg::testing
