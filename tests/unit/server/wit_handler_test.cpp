// GET /api/v1/packages/{ns}/{name}/{version}/wit (server/api/handlers.h, get_wit) on the real
// stores of a data dir: the text each release's bytes print, its ETag and 304, 404s, a binary the
// printer refuses (422), and that a release is printed once (wit_texts.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/fixtures.h"
#include "tests/unit/server/api_test.h"

namespace wreg::api {
namespace {

namespace fs = std::filesystem;
using http::Method;

class WitHandlerTest : public ApiTest {
 protected:
  // PUT of the fixture `file` as `target` (`/api/v1/packages/wasi/io/0.2.8`) with the admin token.
  void publish_fixture(const std::string& file, const std::string& target) {
    auto published = publish(target, testing::fixture_bytes(file), bearer(admin_token_));
    ASSERT_EQ(published.status, 201) << body_of(published);
  }

  http::Response get(const std::string& target, Headers headers = {}) {
    return get_wit(request(Method::kGet, target, std::move(headers)), context());
  }

  // Replaces the stored blob of `file`'s bytes behind the store's back (a damaged disk, a bad
  // restore).
  void overwrite_blob(const std::string& file, const std::string& bytes) {
    auto blob = context().blobs.locate(Digest::of(testing::fixture_bytes(file)));
    ASSERT_TRUE(blob) << blob.error().message;
    fs::permissions(blob->path, fs::perms::owner_write, fs::perm_options::add);
    std::ofstream(blob->path, std::ios::binary | std::ios::trunc) << bytes;
  }

  static std::string header(const http::Response& response, std::string_view name) {
    const std::string* value = response.find(name);
    return value ? *value : "(none)";
  }
};

TEST_F(WitHandlerTest, AWitPackageIsTheTextItsBinaryPrintsWithAnETag) {
  publish_fixture("packages/wasi-clocks@0.2.8.wasm", "/api/v1/packages/wasi/clocks/0.2.8");
  auto answer = get("/api/v1/packages/wasi/clocks/0.2.8/wit");
  ASSERT_EQ(answer.status, 200) << body_of(answer);
  EXPECT_EQ(body_of(answer), testing::fixture_bytes("packages/wasi-clocks@0.2.8.wasm.wit.txt"));
  EXPECT_EQ(header(answer, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(header(answer, "Cache-Control"), "no-cache");
  EXPECT_TRUE(header(answer, "ETag").starts_with("\"wit-")) << header(answer, "ETag");
}

TEST_F(WitHandlerTest, AComponentIsItsWorld) {
  publish_fixture("components/http-proxy.wasm", "/api/v1/packages/demo/proxy/1.0.0");
  auto answer = get("/api/v1/packages/demo/proxy/1.0.0/wit");
  ASSERT_EQ(answer.status, 200) << body_of(answer);
  EXPECT_EQ(body_of(answer), testing::fixture_bytes("components/http-proxy.wasm.wit.txt"));
}

TEST_F(WitHandlerTest, IfNoneMatchIsNotModifiedAndAYankChangesNothing) {
  publish_fixture("packages/wasi-io@0.2.8.wasm", "/api/v1/packages/wasi/io/0.2.8");
  publish_fixture("packages/wasi-io@0.2.3.wasm", "/api/v1/packages/wasi/io/0.2.3");
  auto first = get("/api/v1/packages/wasi/io/0.2.8/wit");
  ASSERT_EQ(first.status, 200) << body_of(first);
  const std::string etag = header(first, "ETag");

  auto revalidated = get("/api/v1/packages/wasi/io/0.2.8/wit", {{"if-none-match", etag}});
  EXPECT_EQ(revalidated.status, 304);
  EXPECT_EQ(revalidated.body_size(), 0u);
  EXPECT_EQ(header(revalidated, "ETag"), etag);
  EXPECT_EQ(header(revalidated, "Cache-Control"), "no-cache");
  EXPECT_EQ(get("/api/v1/packages/wasi/io/0.2.8/wit", {{"if-none-match", "W/" + etag}}).status,
            304);

  // The text is the bytes': a yank, which changes the release document, does not change it.
  auto yanked = set_yanked(
      request(Method::kPost, "/api/v1/packages/wasi/io/0.2.8/yank", bearer(admin_token_)),
      context(), true);
  ASSERT_EQ(yanked.status, 200) << body_of(yanked);
  EXPECT_EQ(get("/api/v1/packages/wasi/io/0.2.8/wit", {{"if-none-match", etag}}).status, 304);

  // Another release's text has another ETag (wasi:io 0.2.3 prints other text too).
  auto other = get("/api/v1/packages/wasi/io/0.2.3/wit", {{"if-none-match", etag}});
  ASSERT_EQ(other.status, 200) << body_of(other);
  EXPECT_NE(header(other, "ETag"), etag);
  EXPECT_EQ(body_of(other), testing::fixture_bytes("packages/wasi-io@0.2.3.wasm.wit.txt"));
}

TEST_F(WitHandlerTest, AMissingPackageOrVersionIsNotFound) {
  publish_fixture("packages/wasi-io@0.2.8.wasm", "/api/v1/packages/wasi/io/0.2.8");
  for (const char* target :
       {"/api/v1/packages/wasi/nope/0.2.8/wit", "/api/v1/packages/wasi/io/0.2.9/wit",
        "/api/v1/packages/nowhere/io/0.2.8/wit"}) {
    auto answer = get(target);
    EXPECT_EQ(answer.status, 404) << target << ": " << body_of(answer);
    EXPECT_EQ(error_body(answer).code, "not_found") << target;
    EXPECT_EQ(error_body(answer).message.find('\n'), std::string::npos);
  }
  // `If-None-Match: *` matches any existing representation only.
  EXPECT_EQ(get("/api/v1/packages/wasi/io/0.2.9/wit", {{"if-none-match", "*"}}).status, 404);
  EXPECT_EQ(get("/api/v1/packages/wasi/io/0.2.8/wit", {{"if-none-match", "*"}}).status, 304);
}

TEST_F(WitHandlerTest, ABadVersionIsABadRequest) {
  auto answer = get("/api/v1/packages/wasi/io/1.0/wit");
  EXPECT_EQ(answer.status, 400) << body_of(answer);
  EXPECT_EQ(error_body(answer).code, "invalid_argument");
}

TEST_F(WitHandlerTest, AReleaseIsPrintedOnceAndItsTextKept) {
  publish_fixture("packages/wasi-io@0.2.8.wasm", "/api/v1/packages/wasi/io/0.2.8");
  auto first = get("/api/v1/packages/wasi/io/0.2.8/wit");
  ASSERT_EQ(first.status, 200) << body_of(first);
  // The bytes are not read again: the text kept answers.
  overwrite_blob("packages/wasi-io@0.2.8.wasm", "not wasm");
  auto second = get("/api/v1/packages/wasi/io/0.2.8/wit");
  ASSERT_EQ(second.status, 200) << body_of(second);
  EXPECT_EQ(body_of(second), body_of(first));
  EXPECT_EQ(header(second, "ETag"), header(first, "ETag"));
}

TEST_F(WitHandlerTest, ABinaryThePrinterRefusesIsUnprocessableInOneLine) {
  publish_fixture("packages/wasi-io@0.2.8.wasm", "/api/v1/packages/wasi/io/0.2.8");
  overwrite_blob("packages/wasi-io@0.2.8.wasm", "not wasm");
  auto answer = get("/api/v1/packages/wasi/io/0.2.8/wit");
  ASSERT_EQ(answer.status, 422) << body_of(answer);
  const ErrorBody error = error_body(answer);
  EXPECT_EQ(error.code, "unprintable");
  EXPECT_TRUE(error.message.starts_with("wasi:io@0.2.8 cannot be shown as WIT: ")) << error.message;
  EXPECT_NE(error.message.find("/api/v1/blobs/sha256:"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
  EXPECT_EQ(get("/api/v1/packages/wasi/io/0.2.8/wit").status, 422);
}

TEST_F(WitHandlerTest, ABlobGoneFromDiskIsAServerErrorThatNamesNoPath) {
  publish_fixture("packages/wasi-io@0.2.8.wasm", "/api/v1/packages/wasi/io/0.2.8");
  auto blob =
      context().blobs.locate(Digest::of(testing::fixture_bytes("packages/wasi-io@0.2.8.wasm")));
  ASSERT_TRUE(blob);
  fs::remove(blob->path);
  auto answer = get("/api/v1/packages/wasi/io/0.2.8/wit");
  EXPECT_EQ(answer.status, 500) << body_of(answer);
  EXPECT_EQ(body_of(answer).find(dir_.path().string()), std::string::npos) << body_of(answer);
  EXPECT_NE(error_body(answer).message.find("wreg-server fsck"), std::string::npos);
  EXPECT_FALSE(answer.log_detail.empty());
  // Not kept: once the blob is back, the text is printed.
  std::ofstream(blob->path, std::ios::binary)
      << testing::fixture_bytes("packages/wasi-io@0.2.8.wasm");
  EXPECT_EQ(get("/api/v1/packages/wasi/io/0.2.8/wit").status, 200);
}

TEST_F(WitHandlerTest, PrivateReadsNeedAToken) {
  publish_fixture("packages/wasi-io@0.2.8.wasm", "/api/v1/packages/wasi/io/0.2.8");
  context().private_reads = true;
  EXPECT_EQ(get("/api/v1/packages/wasi/io/0.2.8/wit").status, 401);
  EXPECT_EQ(get("/api/v1/packages/wasi/io/0.2.8/wit", bearer(wasi_token_)).status, 200);
}

}  // namespace
}  // namespace wreg::api
