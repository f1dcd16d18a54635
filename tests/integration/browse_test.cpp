// The browse pages on the real wreg-server: what a person opening a link sees, that a package's
// text never becomes markup, the headers that keep the page to itself, and caching that follows
// every publish and yank.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/digest.h"
#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/support/fixtures.h"

namespace wreg::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

const std::string kHostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";

class BrowseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_server_command({"namespace", "create", "--data", data(), "demo"}).exit_status, 0);
    token_ = create_token(data(), {"--namespace", "demo"});
    ASSERT_FALSE(token_.empty());
    ASSERT_TRUE(server_.start()) << server_.log();
  }

  std::string data() const { return (dir_.path() / "data").string(); }

  int publish(const std::string& version, const std::string& bytes) {
    return request(server_.port(), "PUT", "/api/v1/packages/demo/analytics/" + version,
                   {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/wasm"}},
                   bytes)
        .status;
  }

  // Publishes tests/fixtures/packages/wasi-NAME@VERSION.wasm as wasi:NAME@VERSION (`id`), making
  // the namespace and its token on first use.
  int publish_wasi(const std::string& id) {
    if (wasi_token_.empty()) {
      EXPECT_EQ(run_server_command({"namespace", "create", "--data", data(), "wasi"}).exit_status,
                0);
      wasi_token_ = create_token(data(), {"--namespace", "wasi"});
    }
    const auto at = id.find('@');
    return request(
               server_.port(), "PUT",
               "/api/v1/packages/wasi/" + id.substr(0, at) + "/" + id.substr(at + 1),
               {{"Authorization", "Bearer " + wasi_token_}, {"Content-Type", "application/wasm"}},
               fixture_bytes("packages/wasi-" + id + ".wasm"))
        .status;
  }

  HttpResponse get(const std::string& path, const Headers& headers = {}) {
    return request(server_.port(), "GET", path, headers);
  }

  // A component whose description and homepage are hostile.
  static std::string hostile_component() {
    const std::string base = fixture_bytes("components/analytics-engine.wasm");
    return with_custom_section(with_custom_section(base, kHostile, "description"),
                               "javascript:alert(3)", "homepage");
  }

  TempDir dir_;
  std::string token_;
  std::string wasi_token_;
  ServerProcess server_{(dir_.path() / "data").string()};
};

// Whether `page` holds a script tag other than the layout's own one.
bool has_foreign_script(const std::string& page) {
  const std::string own = "<script src=\"/static/wreg.js\" defer></script>";
  std::string rest = page;
  if (auto at = rest.find(own); at != std::string::npos) rest.erase(at, own.size());
  return rest.find("<script") != std::string::npos;
}

void expect_page_headers(const HttpResponse& response) {
  EXPECT_EQ(response.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(response.header("content-security-policy"),
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
            "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
}

TEST_F(BrowseTest, APackagePageShowsWhatWasPublishedAndHowToAddIt) {
  ASSERT_EQ(publish("0.1.0", hostile_component()), 201);
  auto page = get("/packages/demo/analytics");
  ASSERT_EQ(page.status, 200) << page.body;
  expect_page_headers(page);
  EXPECT_NE(page.body.find("wreg add demo:analytics@0.1.0"), std::string::npos);
  EXPECT_NE(page.body.find("toolsku:analytics/data-processor@0.1.0"), std::string::npos);
  EXPECT_NE(page.body.find("<pre class=\"wit\" tabindex=\"0\">"), std::string::npos)
      << "the WIT is shown";
  EXPECT_NE(page.body.find("href=\"/packages/demo/analytics/0.1.0\""), std::string::npos);
  // The hostile description and homepage are text: no tag, no attribute, no script link.
  EXPECT_FALSE(has_foreign_script(page.body));
  EXPECT_EQ(page.body.find("<img"), std::string::npos);
  EXPECT_EQ(page.body.find("href=\"javascript:"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);

  // Every link of the page that stays on this server answers 200.
  for (const char* path : {"/packages/demo/analytics/0.1.0", "/static/wreg.css", "/static/wreg.js",
                           "/", "/api/v1/packages"}) {
    EXPECT_EQ(get(path).status, 200) << path;
  }
  auto release = get("/packages/demo/analytics/0.1.0");
  expect_page_headers(release);
  const std::string digest = Digest::of(hostile_component()).to_string();
  EXPECT_NE(release.body.find("href=\"/api/v1/blobs/" + digest + "\""), std::string::npos);
  EXPECT_EQ(get("/api/v1/blobs/" + digest).body, hostile_component());
}

TEST_F(BrowseTest, PagesAreCachedByETagAndFollowPublishesAndYanks) {
  const std::string base = fixture_bytes("components/analytics-engine.wasm");
  ASSERT_EQ(publish("0.1.0", base), 201);
  auto first = get("/packages/demo/analytics");
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(get("/packages/demo/analytics", {{"If-None-Match", etag}}).status, 304);

  ASSERT_EQ(publish("0.2.0", with_custom_section(base, "second")), 201);
  auto after_publish = get("/packages/demo/analytics", {{"If-None-Match", etag}});
  ASSERT_EQ(after_publish.status, 200) << "a publish changes the page";
  EXPECT_NE(after_publish.header("etag"), etag);
  EXPECT_NE(after_publish.body.find("wreg add demo:analytics@0.2.0"), std::string::npos);

  ASSERT_EQ(request(server_.port(), "POST", "/api/v1/packages/demo/analytics/0.2.0/yank",
                    {{"Authorization", "Bearer " + token_}})
                .status,
            200);
  auto after_yank = get("/packages/demo/analytics");
  EXPECT_NE(after_yank.body.find("<tr class=\"yanked\">"), std::string::npos);
  EXPECT_NE(after_yank.body.find("wreg add demo:analytics@0.1.0"), std::string::npos)
      << "the page leads with what `wreg add` would choose";
  auto yanked_release = get("/packages/demo/analytics/0.2.0");
  EXPECT_NE(yanked_release.body.find("<strong>Yanked.</strong>"), std::string::npos);
}

TEST_F(BrowseTest, WhatIsMissingOrMalformedIsAPageWithTheReason) {
  auto missing = get("/packages/demo/nothing");
  EXPECT_EQ(missing.status, 404);
  expect_page_headers(missing);
  EXPECT_NE(missing.body.find("<h1>Not found</h1>"), std::string::npos);
  auto bad_version = get("/packages/demo/analytics/not-a-version");
  EXPECT_EQ(bad_version.status, 400);
  expect_page_headers(bad_version);
  // A hostile search is shown back as text.
  auto search = get("/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_EQ(search.status, 200);
  EXPECT_FALSE(has_foreign_script(search.body));
  EXPECT_NE(search.body.find("No package matches."), std::string::npos);
}

TEST_F(BrowseTest, TheFrontPageSearchesByNameAndByInterface) {
  ASSERT_EQ(publish("0.1.0", fixture_bytes("components/analytics-engine.wasm")), 201);
  auto all = get("/");
  ASSERT_EQ(all.status, 200);
  EXPECT_NE(all.body.find("1 package, 1 release in 1 namespace"), std::string::npos);
  EXPECT_NE(all.body.find("href=\"/packages/demo/analytics\""), std::string::npos);
  auto exports = get("/?exports=toolsku%3Aanalytics%2Fdata-processor");
  EXPECT_NE(exports.body.find("href=\"/packages/demo/analytics\""), std::string::npos);
  auto imports = get("/?imports=toolsku%3Aanalytics%2Fdata-processor");
  EXPECT_NE(imports.body.find("No package matches."), std::string::npos);
  auto bad = get("/?exports=not%20an%20interface");
  EXPECT_EQ(bad.status, 400);
  expect_page_headers(bad);
}

TEST_F(BrowseTest, APackagePageSaysWhatUsesItAndANamespacePageListsItsPackages) {
  ASSERT_EQ(publish_wasi("io@0.2.8"), 201);
  auto alone = get("/packages/wasi/io");
  ASSERT_EQ(alone.status, 200);
  EXPECT_EQ(alone.body.find("Used by"), std::string::npos);

  // wasi:clocks depends on wasi:io: io's page follows, though io itself did not change.
  ASSERT_EQ(publish_wasi("clocks@0.2.8"), 201);
  auto used = get("/packages/wasi/io", {{"If-None-Match", alone.header("etag")}});
  ASSERT_EQ(used.status, 200) << "a new dependent changes the page";
  EXPECT_NE(used.body.find("<a href=\"/packages/wasi/clocks\">wasi:clocks</a>"), std::string::npos);
  EXPECT_NE(used.header("etag"), alone.header("etag"));
  EXPECT_EQ(get("/packages/wasi/io", {{"If-None-Match", used.header("etag")}}).status, 304);
  EXPECT_NE(used.body.find("href=\"/namespaces/wasi\""), std::string::npos);

  auto space = get("/namespaces/wasi");
  ASSERT_EQ(space.status, 200) << space.body;
  expect_page_headers(space);
  EXPECT_NE(space.body.find("href=\"/packages/wasi/clocks\""), std::string::npos);
  EXPECT_NE(space.body.find("href=\"/packages/wasi/io\""), std::string::npos);
  EXPECT_EQ(get("/namespaces/demo").body.find("/packages/wasi/"), std::string::npos);
  EXPECT_EQ(get("/namespaces/nowhere").status, 404);
  EXPECT_EQ(get("/namespaces/Not%20A%20Label").status, 400);
  EXPECT_EQ(get("/namespaces/wasi?cursor=c1zz").status, 400) << "a cursor that is not one";
  EXPECT_EQ(get("/namespaces/" + std::string(300, 'a')).status, 400);

  auto front = get("/");
  EXPECT_NE(front.body.find("Newest releases"), std::string::npos);
  const auto clocks = front.body.find("href=\"/packages/wasi/clocks/0.2.8\"");
  const auto io = front.body.find("href=\"/packages/wasi/io/0.2.8\"");
  ASSERT_NE(clocks, std::string::npos);
  ASSERT_NE(io, std::string::npos);
  EXPECT_LT(clocks, io) << "the newest first";

  // The JSON API takes the same namespace filter.
  auto listed = get("/api/v1/packages?namespace=wasi");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find("\"wasi:io\""), std::string::npos);
  EXPECT_EQ(get("/api/v1/packages?namespace=demo").body.find("wasi:io"), std::string::npos);
  EXPECT_EQ(get("/api/v1/packages?namespace=-bad").status, 400);
}

TEST_F(BrowseTest, AReleasePageShowsWhatChangedInTheWitSinceThePreviousReleaseOfItsTrack) {
  for (const char* id : {"io@0.2.0", "io@0.2.8", "io@0.3.0-rc.1"}) {
    ASSERT_EQ(publish_wasi(id), 201) << id;
  }
  auto first = get("/packages/wasi/io/0.2.0");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body.find("WIT changes"), std::string::npos) << "nothing before it";
  auto later = get("/packages/wasi/io/0.2.8");
  ASSERT_EQ(later.status, 200);
  EXPECT_NE(later.body.find("WIT changes since <a href=\"/packages/wasi/io/0.2.0\">0.2.0</a>"),
            std::string::npos);
  EXPECT_NE(later.body.find("<span class=\"del\">-package wasi:io@0.2.0;</span>"),
            std::string::npos);
  EXPECT_NE(later.body.find("<span class=\"add\">+package wasi:io@0.2.8;</span>"),
            std::string::npos);
  EXPECT_EQ(get("/packages/wasi/io/0.3.0-rc.1").body.find("WIT changes"), std::string::npos)
      << "0.3 is another track";

  // A release published later that falls between them changes what 0.2.8 is compared with.
  ASSERT_EQ(publish_wasi("io@0.2.3"), 201);
  auto between = get("/packages/wasi/io/0.2.8", {{"If-None-Match", later.header("etag")}});
  ASSERT_EQ(between.status, 200);
  EXPECT_NE(between.body.find("WIT changes since <a href=\"/packages/wasi/io/0.2.3\">0.2.3</a>"),
            std::string::npos);
}

TEST_F(BrowseTest, APrivateRegistryKeepsItsPagesClosedToo) {
  server_.stop();
  ServerProcess closed(data(), {"--private"});
  ASSERT_TRUE(closed.start()) << closed.log();
  for (const char* path : {"/", "/packages/demo/analytics", "/namespaces/demo"}) {
    auto page = request(closed.port(), "GET", path);
    EXPECT_EQ(page.status, 401) << path;
    EXPECT_EQ(page.header("www-authenticate"), "Bearer realm=\"wreg\"") << path;
  }
}

}  // namespace
}  // namespace wreg::testing
