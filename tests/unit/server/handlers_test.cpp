// The API handlers (server/api/handlers.h) called as the session calls them, on the real stores
// of a data dir, without a network: publish, yank and unyank, search and the package document.
// What goes over a socket (framing, limits, the access log) is the integration tests' part.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/api/package_document.h"
#include "common/api/search_page.h"
#include "tests/support/fixtures.h"
#include "tests/unit/server/api_test.h"
#include "tests/unit/wasm/wasm_builder.h"

namespace wreg::api {
namespace {

using http::Method;

constexpr const char* kComponent = "components/http-proxy.wasm";
constexpr const char* kCoreModule = "core/plain.core.wasm";

class HandlersTest : public ApiTest {
 protected:
  // The component fixture as release `tag`'s own bytes (another digest for each tag).
  static std::string component(std::string_view tag) {
    return wasm::testing::with_custom_section(testing::fixture_bytes(kComponent), "wreg-test", tag);
  }

  static std::string package_path(std::string_view package) {
    std::string path = "/api/v1/packages/";
    for (char c : package) path += c == ':' ? '/' : c;
    return path;
  }

  // PUT of `bytes` as `package`@`version` ("demo:app", "1.0.0") with the demo token.
  http::Response put(std::string_view package, std::string_view version, const std::string& bytes) {
    return publish(package_path(package) + "/" + std::string(version), bytes, bearer(demo_token_));
  }

  http::Response get(const std::string& target, Headers headers = {}) {
    http::Request get = request(Method::kGet, target, std::move(headers));
    if (target.find('?') != std::string::npos) return search_packages(get, context());
    return get_package(get, context());
  }

  http::Response yank(std::string_view release, const std::string& token, bool yanked = true) {
    const std::string target = package_path(release.substr(0, release.find('@'))) + "/" +
                               std::string(release.substr(release.find('@') + 1)) +
                               (yanked ? "/yank" : "/unyank");
    return set_yanked(request(Method::kPost, target, bearer(token)), context(), yanked);
  }

  // What the store records for `release`, or its error.
  Result<store::ReleaseRecord> stored(std::string_view release) {
    return context().metadata.release(*PackageVersion::parse(release));
  }

  // Whether the store records `release`, and whether the blob store holds `bytes`.
  bool records(std::string_view release) { return stored(release).has_value(); }
  bool holds_blob(const std::string& bytes) {
    return context().blobs.locate(Digest::of(bytes)).has_value();
  }

  void expect_error(const http::Response& response, int status, std::string_view code) {
    EXPECT_EQ(response.status, status) << body_of(response);
    EXPECT_EQ(error_body(response).code, code) << body_of(response);
  }
};

// --- publish ----------------------------------------------------------------------------------

TEST_F(HandlersTest, PublishStoresTheBlobAndTheReleaseAndTheSameBytesAgainAreUnchanged) {
  const std::string bytes = component("one");
  auto created = put("demo:app", "1.0.0", bytes);
  ASSERT_EQ(created.status, 201) << body_of(created);
  auto published = parse_published(body_of(created));
  ASSERT_TRUE(published) << published.error().message;
  EXPECT_EQ(published->id.to_string(), "demo:app@1.0.0");
  EXPECT_EQ(published->digest, Digest::of(bytes));
  EXPECT_EQ(published->size, bytes.size());
  EXPECT_EQ(published->kind, ReleaseKind::kComponent);
  EXPECT_TRUE(published->created);
  ASSERT_NE(created.find("Location"), nullptr);
  EXPECT_EQ(*created.find("Location"), "/api/v1/packages/demo/app/1.0.0");

  auto record = stored("demo:app@1.0.0");
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->summary.digest, Digest::of(bytes));
  EXPECT_EQ(record->summary.size, bytes.size());
  auto blob = context().blobs.locate(Digest::of(bytes));
  ASSERT_TRUE(blob) << blob.error().message;
  EXPECT_EQ(testing::file_bytes(blob->path), bytes);
  EXPECT_EQ(counters_.publishes_created.load(), 1u);

  auto again = put("demo:app", "1.0.0", bytes);
  ASSERT_EQ(again.status, 200) << body_of(again);
  auto unchanged = parse_published(body_of(again));
  ASSERT_TRUE(unchanged) << unchanged.error().message;
  EXPECT_FALSE(unchanged->created);
  EXPECT_EQ(unchanged->digest, Digest::of(bytes));
  EXPECT_EQ(counters_.publishes_unchanged.load(), 1u);
}

TEST_F(HandlersTest, PublishWithoutAGoodTokenIsRefusedAndStoresNothing) {
  const std::string bytes = component("one");
  const std::string target = "/api/v1/packages/demo/app/1.0.0";
  expect_error(publish(target, bytes), 401, "unauthenticated");
  expect_error(publish(target, bytes, bearer("wreg_not-a-token-we-made")), 401, "unauthenticated");
  expect_error(publish(target, bytes, {{"authorization", "Basic " + demo_token_}}), 401,
               "unauthenticated");
  EXPECT_FALSE(records("demo:app@1.0.0"));
  EXPECT_FALSE(holds_blob(bytes));
  EXPECT_EQ(counters_.publishes_refused.load(), 3u);
}

TEST_F(HandlersTest, PublishIntoAnotherNamespaceIsForbidden) {
  const std::string bytes = component("one");
  auto refused = publish("/api/v1/packages/demo/app/1.0.0", bytes, bearer(wasi_token_));
  expect_error(refused, 403, "permission_denied");
  EXPECT_FALSE(records("demo:app@1.0.0"));

  auto nowhere = publish("/api/v1/packages/nowhere/app/1.0.0", bytes, bearer(admin_token_));
  expect_error(nowhere, 404, "not_found");
  EXPECT_NE(error_body(nowhere).message.find("namespace create nowhere"), std::string::npos)
      << body_of(nowhere);
}

TEST_F(HandlersTest, PublishOfACoreModuleIsRefusedAndStoresNothing) {
  const std::string module = testing::fixture_bytes(kCoreModule);
  auto refused = put("demo:app", "1.0.0", module);
  expect_error(refused, 400, "invalid_argument");
  EXPECT_NE(error_body(refused).message.find("this is a core WebAssembly module, not a component"),
            std::string::npos)
      << body_of(refused);
  EXPECT_FALSE(records("demo:app@1.0.0"));
  EXPECT_FALSE(holds_blob(module));
}

TEST_F(HandlersTest, PublishOfOtherBytesAsAPublishedVersionIsAConflict) {
  const std::string first = component("first");
  const std::string second = component("second");
  ASSERT_EQ(put("demo:app", "1.0.0", first).status, 201);
  auto refused = put("demo:app", "1.0.0", second);
  expect_error(refused, 409, "conflict");
  EXPECT_NE(error_body(refused).message.find(Digest::of(first).to_string()), std::string::npos)
      << body_of(refused);
  auto record = stored("demo:app@1.0.0");
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->summary.digest, Digest::of(first));
  EXPECT_FALSE(holds_blob(second));
}

TEST_F(HandlersTest, PublishWhoseBodyIsNotTheDigestItsHeaderNamesIsRefused) {
  const std::string bytes = component("one");
  Headers headers = bearer(demo_token_);
  headers["digest-sha256"] = Digest::of(component("other")).to_string();
  expect_error(publish("/api/v1/packages/demo/app/1.0.0", bytes, headers), 400, "invalid_argument");
  EXPECT_FALSE(records("demo:app@1.0.0"));

  headers["digest-sha256"] = Digest::of(bytes).to_string();
  EXPECT_EQ(publish("/api/v1/packages/demo/app/1.0.0", bytes, headers).status, 201);
}

// --- yank and unyank --------------------------------------------------------------------------

TEST_F(HandlersTest, YankAndUnyankChangeWhatTheDocumentSays) {
  ASSERT_EQ(put("demo:app", "1.0.0", component("one")).status, 201);
  auto yanked_in_document = [this] {
    auto document = parse_package_document(body_of(get("/api/v1/packages/demo/app")));
    EXPECT_TRUE(document) << document.error().message;
    return document && document->versions.size() == 1 && document->versions[0].yanked;
  };

  auto yanked = yank("demo:app@1.0.0", demo_token_);
  ASSERT_EQ(yanked.status, 200) << body_of(yanked);
  auto state = parse_yank_state(body_of(yanked));
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->id.to_string(), "demo:app@1.0.0");
  EXPECT_TRUE(state->yanked);
  EXPECT_TRUE(yanked_in_document());

  auto unyanked = yank("demo:app@1.0.0", demo_token_, false);
  ASSERT_EQ(unyanked.status, 200) << body_of(unyanked);
  state = parse_yank_state(body_of(unyanked));
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_FALSE(state->yanked);
  EXPECT_FALSE(yanked_in_document());
}

TEST_F(HandlersTest, YankNeedsTheNamespacesTokenAndAPublishedVersion) {
  ASSERT_EQ(put("demo:app", "1.0.0", component("one")).status, 201);
  expect_error(yank("demo:app@1.0.0", wasi_token_), 403, "permission_denied");
  expect_error(yank("demo:app@1.0.0", "wreg_not-a-token-we-made"), 401, "unauthenticated");
  expect_error(yank("demo:app@2.0.0", demo_token_), 404, "not_found");
  auto record = stored("demo:app@1.0.0");
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_FALSE(record->summary.yanked);
}

// --- search -----------------------------------------------------------------------------------

TEST_F(HandlersTest, SearchPagesThroughEveryPackageOnce) {
  const std::vector<std::string> names = {"demo:a", "demo:b", "demo:c", "demo:d", "demo:e"};
  for (const auto& name : names) ASSERT_EQ(put(name, "1.0.0", component(name)).status, 201);

  std::vector<std::string> seen;
  std::vector<std::size_t> page_sizes;
  std::string target = "/api/v1/packages?limit=2";
  for (int pages = 0; pages < 10; ++pages) {
    auto response = get(target);
    ASSERT_EQ(response.status, 200) << body_of(response);
    auto page = parse_search_page(body_of(response));
    ASSERT_TRUE(page) << page.error().message;
    page_sizes.push_back(page->packages.size());
    for (const auto& summary : page->packages) seen.push_back(summary.name.to_string());
    if (!page->next_cursor) break;
    target = "/api/v1/packages?limit=2&cursor=" + *page->next_cursor;
  }
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{2, 2, 1}));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            std::set<std::string>(names.begin(), names.end()));
  EXPECT_EQ(seen.size(), names.size()) << "a package listed twice";
}

TEST_F(HandlersTest, SearchRefusesBadParameters) {
  ASSERT_EQ(put("demo:a", "1.0.0", component("a")).status, 201);
  for (const char* target :
       {"/api/v1/packages?limit=0", "/api/v1/packages?limit=101", "/api/v1/packages?limit=two",
        "/api/v1/packages?cursor=not-ours", "/api/v1/packages?exports=not%20an%20interface"}) {
    SCOPED_TRACE(target);
    expect_error(get(target), 400, "invalid_argument");
  }
}

// --- the package document ---------------------------------------------------------------------

TEST_F(HandlersTest, DocumentHasAnETagThatRevalidatesUntilThePackageChanges) {
  const std::string bytes = component("one");
  ASSERT_EQ(put("demo:app", "1.0.0", bytes).status, 201);
  auto first = get("/api/v1/packages/demo/app");
  ASSERT_EQ(first.status, 200) << body_of(first);
  auto document = parse_package_document(body_of(first));
  ASSERT_TRUE(document) << document.error().message;
  EXPECT_EQ(document->name.to_string(), "demo:app");
  ASSERT_EQ(document->versions.size(), 1u);
  EXPECT_EQ(document->versions[0].digest, Digest::of(bytes));
  ASSERT_NE(first.find("ETag"), nullptr);
  const std::string etag = *first.find("ETag");

  auto revalidated = get("/api/v1/packages/demo/app", {{"if-none-match", etag}});
  EXPECT_EQ(revalidated.status, 304);
  EXPECT_EQ(revalidated.body_size(), 0u);
  ASSERT_NE(revalidated.find("ETag"), nullptr);
  EXPECT_EQ(*revalidated.find("ETag"), etag);

  ASSERT_EQ(put("demo:app", "1.1.0", component("two")).status, 201);
  auto changed = get("/api/v1/packages/demo/app", {{"if-none-match", etag}});
  ASSERT_EQ(changed.status, 200) << body_of(changed);
  ASSERT_NE(changed.find("ETag"), nullptr);
  EXPECT_NE(*changed.find("ETag"), etag);
  document = parse_package_document(body_of(changed));
  ASSERT_TRUE(document) << document.error().message;
  EXPECT_EQ(document->versions.size(), 2u);
}

TEST_F(HandlersTest, DocumentOfAnUnknownPackageIsNotFound) {
  expect_error(get("/api/v1/packages/demo/app"), 404, "not_found");
  ASSERT_EQ(put("demo:app", "1.0.0", component("one")).status, 201);
  expect_error(get("/api/v1/packages/demo/other"), 404, "not_found");
  expect_error(get("/api/v1/packages/wasi/app"), 404, "not_found");
}

}  // namespace
}  // namespace wreg::api
