// The document cache must never serve a document older than the store's, however a write reached
// the store: these tests write through the store directly, as no handler would tell the cache.
#include "server/api/document_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/api/release_document.h"
#include "tests/unit/server/api_test.h"
#include "tests/unit/server/store_values.h"

namespace wreg::api {
namespace {

using testing::pv;

// A component whose bytes are its name.
store::NewRelease component(std::string_view id) { return testing::component(id, id); }

class DocumentCacheTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(data_.metadata->publish(component("demo:app@1.0.0")));
  }

  // GET /api/v1/packages/demo/app through the handler, as the router would call it.
  nlohmann::json get_document() {
    http::Request request;
    request.params = {{"ns", "demo"}, {"name", "app"}};
    http::Response response = get_package(request, *context_);
    EXPECT_EQ(response.status, 200) << response.body;
    return nlohmann::json::parse(response.shared_body ? *response.shared_body : response.body);
  }

  // GET /api/v1/packages/demo/lib/1.0.0 through the handler.
  nlohmann::json get_release_document() {
    http::Request request;
    request.params = {{"ns", "demo"}, {"name", "lib"}, {"version", "1.0.0"}};
    http::Response response = get_release(request, *context_);
    EXPECT_EQ(response.status, 200) << response.body;
    return nlohmann::json::parse(response.shared_body ? *response.shared_body : response.body);
  }

  // The package's cached document when the cache would serve it without asking the store.
  std::optional<DocumentCache::Hit> served_unchecked() {
    return context_->documents.find_checked("demo:app");
  }
};

TEST_F(DocumentCacheTest, APublishThroughTheStoreIsServedAtOnce) {
  EXPECT_EQ(get_document()["versions"].size(), 1u);
  get_document();
  ASSERT_TRUE(served_unchecked()) << "the second GET was answered from the cache";

  ASSERT_TRUE(data_.metadata->publish(component("demo:app@1.1.0")));
  EXPECT_FALSE(served_unchecked());
  const auto document = get_document();
  ASSERT_EQ(document["versions"].size(), 2u);
  EXPECT_EQ(document["versions"][0]["version"], "1.1.0");
}

TEST_F(DocumentCacheTest, AYankAndAnUnyankThroughTheStoreAreServedAtOnce) {
  get_document();
  get_document();
  ASSERT_TRUE(served_unchecked());

  ASSERT_TRUE(data_.metadata->set_yanked(pv("demo:app@1.0.0"), true));
  EXPECT_FALSE(served_unchecked());
  EXPECT_EQ(get_document()["versions"][0]["yanked"], true);
  get_document();
  ASSERT_TRUE(served_unchecked());

  ASSERT_TRUE(data_.metadata->set_yanked(pv("demo:app@1.0.0"), false));
  EXPECT_FALSE(served_unchecked());
  EXPECT_EQ(get_document()["versions"][0]["yanked"], false);
}

TEST_F(DocumentCacheTest, AReleaseYankedThroughTheStoreIsServedYankedAtOnce) {
  auto release = component("demo:lib@1.0.0");
  release.details_json = to_json(ReleaseDetails{});
  ASSERT_TRUE(data_.metadata->publish(release));
  EXPECT_EQ(get_release_document()["yanked"], false);
  get_release_document();
  ASSERT_TRUE(context_->release_documents.find_checked("demo:lib@1.0.0"))
      << "the second GET was answered from the cache";

  ASSERT_TRUE(data_.metadata->set_yanked(pv("demo:lib@1.0.0"), true));
  EXPECT_FALSE(context_->release_documents.find_checked("demo:lib@1.0.0"));
  EXPECT_EQ(get_release_document()["yanked"], true);
  ASSERT_TRUE(data_.metadata->set_yanked(pv("demo:lib@1.0.0"), false));
  EXPECT_EQ(get_release_document()["yanked"], false);
}

// A failed write is announced too: a commit that reported failure may still have happened, so
// the cache asks the store again rather than trust what it holds.
TEST_F(DocumentCacheTest, EvenAFailedWriteMakesTheCacheAskTheStoreAgain) {
  get_document();
  get_document();
  ASSERT_TRUE(served_unchecked());
  auto conflict = component("demo:app@1.0.0");
  conflict.digest = Digest::of(std::string_view("other bytes"));
  ASSERT_FALSE(data_.metadata->publish(conflict));
  EXPECT_FALSE(served_unchecked());
  EXPECT_EQ(get_document()["versions"].size(), 1u);
}

}  // namespace
}  // namespace wreg::api
