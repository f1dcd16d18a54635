// The Fetcher against the real wreg-server (127.0.0.1, port 0, a temp data dir; started and
// given packages by the real `wreg publish`, as the CLI tests do: tests/cli/cli_harness.h), with
// a cache of its own in a temp dir; and pick_release(), which needs no registry.
#include "client/fetcher.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/cli/cli_harness.h"

namespace wreg::client {
namespace {

api::ReleaseSummary release(const char* version, bool yanked = false) {
  api::ReleaseSummary summary;
  summary.version = *Version::parse(version);
  summary.digest = Digest::of(std::string_view(version));
  summary.yanked = yanked;
  return summary;
}

api::PackageDocument document(std::vector<api::ReleaseSummary> versions) {
  return api::PackageDocument{*PackageName::parse("demo:lib"), "", std::move(versions)};
}

std::string picked(const api::PackageDocument& doc, const char* requirement) {
  std::optional<VersionReq> req;
  if (requirement) req = *VersionReq::parse(requirement);
  const auto* found = pick_release(doc, req);
  return found ? found->version.to_string() : "none";
}

TEST(PickReleaseTest, NewestStableNotYankedWithoutRequirement) {
  auto doc =
      document({release("2.0.0-rc.1"), release("1.5.0", true), release("1.4.1"), release("1.0.0")});
  EXPECT_EQ(picked(doc, nullptr), "1.4.1");
  EXPECT_EQ(picked(doc, "^1.0"), "1.4.1");
  EXPECT_EQ(picked(doc, "^2.0"), "none");
  EXPECT_EQ(picked(doc, "=2.0.0-rc.1"), "2.0.0-rc.1");
  EXPECT_EQ(picked(doc, "=1.5.0"), "1.5.0");  // exact names a yanked version on purpose
}

TEST(PickReleaseTest, OnlyPrereleasesFallBackToNewestPrerelease) {
  auto doc = document({release("0.3.0-rc.2"), release("0.3.0-rc.1")});
  EXPECT_EQ(picked(doc, nullptr), "0.3.0-rc.2");
}

// A registry with wasi:io 0.2.0 and wasi:clocks 0.2.0 (which needs wasi:io), and a user's
// config and cache of their own.
class FetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = cli_test::shared_registry();
    ASSERT_NE(registry_, nullptr) << cli_test::shared_registry_error();
    ASSERT_NO_FATAL_FAILURE(publish(*registry_));
    url_ = registry_->url();
  }

  static void publish(cli_test::Registry& registry) {
    for (const char* file : {"wasi-io@0.2.0.wasm", "wasi-clocks@0.2.0.wasm"}) {
      auto published = registry.setup_once({"publish", fixture(file).string()});
      ASSERT_EQ(published.exit_status, 0) << cli_test::describe(published);
    }
  }

  static std::filesystem::path fixture(const std::string& file) {
    return cli_test::fixtures() / "packages" / file;
  }
  static std::string bytes_of(const std::string& file) {
    return cli_test::read_bytes(fixture(file));
  }

  // A Fetcher for this user, as a command would make it.
  std::unique_ptr<Fetcher> fetcher(bool offline = false) {
    Environment env{home_.path() / "config", home_.path() / "cache", url_, std::nullopt, {}, {}};
    auto config = Config::load(env, std::nullopt);
    EXPECT_TRUE(config.has_value()) << config.error().message;
    config_ = std::make_unique<Config>(std::move(*config));
    FetcherOptions options;
    options.offline = offline;
    return std::make_unique<Fetcher>(*config_, cache_, options, nullptr);
  }

  // What the user asks for to get wasi:io 0.2.0's bytes.
  BlobRequest io_blob() const {
    const std::string bytes = bytes_of("wasi-io@0.2.0.wasm");
    return BlobRequest{url_, Digest::of(std::string_view(bytes)), {io_, v020_}, bytes.size()};
  }

  const PackageName io_ = *PackageName::parse("wasi:io");
  const PackageName clocks_ = *PackageName::parse("wasi:clocks");
  const Version v020_ = *Version::parse("0.2.0");
  cli_test::Registry* registry_ = nullptr;
  std::string url_;
  cli_test::TempDir home_;
  Cache cache_{home_.path() / "cache"};
  std::unique_ptr<Config> config_;
};

TEST_F(FetcherTest, AColdFetchDownloadsDocumentsAndVerifiedBlobsAndCachesThem) {
  auto cold = fetcher();
  auto documents = cold->documents({io_, clocks_});
  ASSERT_TRUE(documents[0].has_value()) << documents[0].error().message;
  ASSERT_TRUE(documents[1].has_value()) << documents[1].error().message;
  EXPECT_EQ(documents[0]->name, io_);
  EXPECT_EQ(documents[1]->name, clocks_);
  const auto* io = documents[0]->find(v020_);
  ASSERT_NE(io, nullptr);
  EXPECT_EQ(io->digest, io_blob().digest);
  EXPECT_EQ(io->size, io_blob().size);
  const auto* clocks = documents[1]->find(v020_);
  ASSERT_NE(clocks, nullptr);
  ASSERT_EQ(clocks->dependencies.size(), 1u);
  EXPECT_EQ(clocks->dependencies[0].name, io_);
  EXPECT_EQ(cold->requests_made(), 2u);
  EXPECT_EQ(cold->listed_size(io_, v020_), io_blob().size);
  auto cached = cache_.document(url_, io_);
  ASSERT_TRUE(cached.has_value());
  EXPECT_FALSE(cached->etag.empty());

  auto blob = cold->blob(io_blob());
  ASSERT_TRUE(blob.has_value()) << blob.error().message;
  EXPECT_EQ(*blob, bytes_of("wasi-io@0.2.0.wasm"));
  EXPECT_EQ(cold->requests_made(), 3u);
  EXPECT_EQ(cache_.blob(io_blob().digest), bytes_of("wasi-io@0.2.0.wasm"));
}

// The cached copies are changed under the registry's ETags: what the warm fetcher returns can
// only be them if the registry answered 304 to If-None-Match.
TEST_F(FetcherTest, AWarmFetchRevalidatesCachedDocumentsByTheirEtags) {
  ASSERT_TRUE(fetcher()->documents({io_, clocks_})[1].has_value());
  ASSERT_TRUE(fetcher()->blob(io_blob()).has_value());
  for (const auto& name : {io_, clocks_}) {
    auto cached = cache_.document(url_, name);
    ASSERT_TRUE(cached.has_value());
    auto document = api::parse_package_document(cached->json);
    ASSERT_TRUE(document.has_value()) << document.error().message;
    document->description = "as cached";
    ASSERT_TRUE(cache_.store_document(url_, name, {cached->etag, api::to_json(*document)}));
  }

  auto warm = fetcher();  // several documents: one pipelined batch
  auto documents = warm->documents({io_, clocks_});
  ASSERT_TRUE(documents[0].has_value()) << documents[0].error().message;
  ASSERT_TRUE(documents[1].has_value()) << documents[1].error().message;
  EXPECT_EQ(documents[0]->description, "as cached");
  EXPECT_EQ(documents[1]->description, "as cached");
  EXPECT_EQ(warm->requests_made(), 2u);

  auto single = fetcher();  // one document: a request of its own
  auto io = single->document(io_);
  ASSERT_TRUE(io.has_value()) << io.error().message;
  EXPECT_EQ(io->description, "as cached");
  EXPECT_EQ(single->requests_made(), 1u);

  // A cached blob is re-hashed, not asked for.
  auto blob = single->blob(io_blob());
  ASSERT_TRUE(blob.has_value()) << blob.error().message;
  EXPECT_EQ(single->requests_made(), 1u);
}

TEST_F(FetcherTest, AMissingPackageIsNotFoundWithTheClosestNames) {
  auto fresh = fetcher();
  auto typo = fresh->document(*PackageName::parse("wasi:iox"));
  ASSERT_FALSE(typo.has_value());
  EXPECT_EQ(typo.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(typo.error().message,
            "the registry " + url_ + " has no package wasi:iox; did you mean wasi:io?");

  auto unknown = fresh->document(*PackageName::parse("toolsku:nothing-like-it"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message, "the registry " + url_ +
                                         " has no package toolsku:nothing-like-it; check the "
                                         "name with `wreg search`");
}

// The registry's stored copy of wasi:io is damaged on its disk (one byte flipped); the server
// does not re-hash what it sends, so the fetcher gets other bytes than the digest names.
TEST_F(FetcherTest, BytesThatDoNotMatchTheirDigestAreRefusedAndNotCached) {
  cli_test::Registry own;  // damaged, so not the shared one
  ASSERT_TRUE(own.start() && own.ensure_namespace("wasi")) << own.error();
  ASSERT_NO_FATAL_FAILURE(publish(own));
  url_ = own.url();
  const BlobRequest request = io_blob();
  std::filesystem::path stored;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(own.data_dir())) {
    if (entry.path().filename() == request.digest.hex()) stored = entry.path();
  }
  ASSERT_FALSE(stored.empty()) << "no file named " << request.digest.hex() << " in the data dir";
  std::string damaged = cli_test::read_bytes(stored);
  damaged[damaged.size() / 2] ^= 0x20;
  std::filesystem::permissions(stored, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  cli_test::write_bytes(stored, damaged);

  auto blob = fetcher()->blob(request);
  ASSERT_FALSE(blob.has_value());
  EXPECT_EQ(blob.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(blob.error().message, "registry " + url_ + " sent " +
                                      Digest::of(std::string_view(damaged)).to_string() +
                                      " for wasi:io@0.2.0, which should be " +
                                      request.digest.to_string() + "; nothing was written");
  EXPECT_EQ(cache_.blob(request.digest), std::nullopt);
  EXPECT_FALSE(std::filesystem::exists(cache_.blob_path(request.digest)));
}

// Offline, with the registry up: the cache answers, and what it lacks is an error, not a request.
TEST_F(FetcherTest, OfflineOnlyTheCacheAnswers) {
  auto online = fetcher();
  ASSERT_TRUE(online->document(io_).has_value());
  ASSERT_TRUE(online->blob(io_blob()).has_value());

  auto offline = fetcher(true);
  auto documents = offline->documents({io_, clocks_});
  ASSERT_TRUE(documents[0].has_value()) << documents[0].error().message;
  EXPECT_EQ(documents[0]->name, io_);
  ASSERT_FALSE(documents[1].has_value());
  EXPECT_EQ(documents[1].error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(documents[1].error().message,
            "wasi:clocks is not in the cache, and --offline forbids asking the registry; run once "
            "without --offline");
  auto blob = offline->blob(io_blob());
  ASSERT_TRUE(blob.has_value()) << blob.error().message;
  EXPECT_EQ(*blob, bytes_of("wasi-io@0.2.0.wasm"));

  const std::string clocks = bytes_of("wasi-clocks@0.2.0.wasm");
  const Digest clocks_digest = Digest::of(std::string_view(clocks));
  auto missing = offline->blob({url_, clocks_digest, {clocks_, v020_}, clocks.size()});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(missing.error().message, "wasi:clocks@0.2.0 (" + clocks_digest.to_string() +
                                         ") is not in the cache, and --offline forbids "
                                         "downloading it; run once without --offline");
  EXPECT_EQ(offline->requests_made(), 0u);
}

}  // namespace
}  // namespace wreg::client
