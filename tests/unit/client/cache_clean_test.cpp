// Cache::usage() and Cache::clean(): `wreg cache size` and `wreg cache clean`.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "client/cache.h"
#include "client/file_io.h"
#include "tests/support/temp_dir.h"

namespace wreg::client {
namespace {

namespace fs = std::filesystem;

class CacheCleanTest : public ::testing::Test {
 protected:
  // Two blobs (5 and 7 bytes) and a document (11 bytes).
  void fill() {
    ASSERT_TRUE(cache_.store_blob(Digest::of(std::string_view("first")), "first"));
    ASSERT_TRUE(cache_.store_blob(Digest::of(std::string_view("seventh")), "seventh"));
    ASSERT_TRUE(cache_.store_document("http://registry.test", *PackageName::parse("wasi:io"),
                                      CachedDocument{"\"e\"", "{\"a\":1}"}));
  }
  testing::TempDir dir_;
  fs::path root_ = dir_ / "cache";
  Cache cache_{root_};
};

TEST_F(CacheCleanTest, AMissingCacheIsEmpty) {
  auto usage = cache_.usage();
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->entries, 0u);
  EXPECT_EQ(usage->bytes, 0u);
  auto freed = cache_.clean();
  ASSERT_TRUE(freed.has_value());
  EXPECT_EQ(freed->entries, 0u);
}

TEST_F(CacheCleanTest, SizeCountsEveryFile) {
  fill();
  auto usage = cache_.usage();
  ASSERT_TRUE(usage.has_value()) << usage.error().message;
  EXPECT_EQ(usage->entries, 3u);
  EXPECT_EQ(usage->bytes, 5u + 7u + 11u);  // a document is `<etag>\n<json>`
}

TEST_F(CacheCleanTest, CleanRemovesEverythingButTheCacheFolder) {
  fill();
  auto freed = cache_.clean();
  ASSERT_TRUE(freed.has_value()) << freed.error().message;
  EXPECT_EQ(freed->entries, 3u);
  EXPECT_EQ(freed->bytes, 23u);
  EXPECT_TRUE(fs::is_directory(root_));
  EXPECT_TRUE(fs::is_empty(root_));
  EXPECT_FALSE(cache_.blob(Digest::of(std::string_view("first"))).has_value());
  EXPECT_EQ(cache_.usage()->entries, 0u);
}

TEST_F(CacheCleanTest, LinksAreRemovedNeverFollowed) {
  fill();
  fs::create_directories(dir_ / "outside" / "deeper");
  ASSERT_TRUE(write_file_atomically(dir_ / "outside" / "precious", "keep me"));
  ASSERT_TRUE(write_file_atomically(dir_ / "outside" / "deeper" / "also", "keep me too"));
  fs::create_directory_symlink(dir_ / "outside", root_ / "blobs" / "to-folder");
  fs::create_symlink(dir_ / "outside" / "precious", root_ / "to-file");
  auto usage = cache_.usage();
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->entries, 5u);  // the three files and the two links themselves

  auto freed = cache_.clean();
  ASSERT_TRUE(freed.has_value()) << freed.error().message;
  EXPECT_EQ(freed->entries, 5u);
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_ / "to-file")));
  EXPECT_EQ(*read_file(dir_ / "outside" / "precious"), "keep me");
  EXPECT_EQ(*read_file(dir_ / "outside" / "deeper" / "also"), "keep me too");
}

TEST_F(CacheCleanTest, ALinkedCacheFolderIsCleanedWhereItLies) {
  // ~/.cache/wreg may be a link to another disk: the cache folder itself is followed.
  fill();
  fs::rename(root_, dir_ / "real");
  fs::create_directory_symlink(dir_ / "real", root_);
  auto freed = cache_.clean();
  ASSERT_TRUE(freed.has_value());
  EXPECT_EQ(freed->entries, 3u);
  EXPECT_TRUE(fs::is_symlink(root_));
  EXPECT_TRUE(fs::is_empty(dir_ / "real"));
}

TEST_F(CacheCleanTest, AnotherWritersTempFileIsLeftUnlessStale) {
  fill();
  auto folder = root_ / "blobs" / "sha256";
  ASSERT_TRUE(write_file_atomically(folder / "x" / ".abc.tmp-123-0", "in flight"));
  ASSERT_TRUE(write_file_atomically(folder / "y" / ".abc.tmp-456-0", "killed"));
  fs::last_write_time(folder / "y" / ".abc.tmp-456-0",
                      fs::file_time_type::clock::now() - std::chrono::hours(2));
  auto freed = cache_.clean();
  ASSERT_TRUE(freed.has_value());
  EXPECT_EQ(freed->entries, 4u);
  EXPECT_TRUE(fs::exists(folder / "x" / ".abc.tmp-123-0"));
  EXPECT_FALSE(fs::exists(folder / "y"));
}

TEST_F(CacheCleanTest, CleanBesideAWriterLeavesOnlyWholeBlobs) {
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      std::string bytes = "blob " + std::to_string(i % 50);
      (void)cache_.store_blob(Digest::of(std::string_view(bytes)), bytes);
    }
  });
  for (int round = 0; round < 50; ++round) {
    auto freed = cache_.clean();
    ASSERT_TRUE(freed.has_value()) << freed.error().message;
  }
  stop = true;
  writer.join();
  for (int i = 0; i < 50; ++i) {
    std::string bytes = "blob " + std::to_string(i);
    auto read = cache_.blob(Digest::of(std::string_view(bytes)));
    if (read) {
      EXPECT_EQ(*read, bytes);
    }
  }
}

}  // namespace
}  // namespace wreg::client
