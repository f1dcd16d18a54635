#include "client/cache.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "client/file_io.h"
#include "tests/support/temp_dir.h"

namespace wreg::client {
namespace {

class CacheTest : public ::testing::Test {
 protected:
  testing::TempDir root_;
};

TEST_F(CacheTest, StoresBlobUnderItsDigest) {
  Cache cache(root_.path());
  std::string bytes = "\0asm component bytes";
  auto digest = Digest::of(std::string_view(bytes));
  ASSERT_TRUE(cache.store_blob(digest, bytes).has_value());
  auto hex = digest.hex();
  EXPECT_TRUE(std::filesystem::exists(root_ / "blobs" / "sha256" / hex.substr(0, 2) / hex));
  auto read = cache.blob(digest);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, bytes);
}

TEST_F(CacheTest, DamagedBlobIsDroppedNotReturned) {
  Cache cache(root_.path());
  std::string bytes = "original";
  auto digest = Digest::of(std::string_view(bytes));
  ASSERT_TRUE(cache.store_blob(digest, bytes).has_value());
  ASSERT_TRUE(write_file_atomically(cache.blob_path(digest), "tampered").has_value());
  EXPECT_FALSE(cache.blob(digest).has_value());
  EXPECT_FALSE(std::filesystem::exists(cache.blob_path(digest)));
}

TEST_F(CacheTest, MissingBlobIsAbsent) {
  Cache cache(root_.path());
  EXPECT_FALSE(cache.blob(Digest::of(std::string_view("never stored"))).has_value());
}

TEST_F(CacheTest, DocumentsAreKeptPerRegistry) {
  Cache cache(root_.path());
  auto name = *PackageName::parse("wasi:io");
  ASSERT_TRUE(cache.store_document("http://a", name, {"\"1-1\"", "{\"a\":1}"}).has_value());
  ASSERT_TRUE(cache.store_document("http://b", name, {"\"2-2\"", "{\"b\":2}"}).has_value());
  auto a = cache.document("http://a", name);
  auto b = cache.document("http://b", name);
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(a->etag, "\"1-1\"");
  EXPECT_EQ(a->json, "{\"a\":1}");
  EXPECT_EQ(b->etag, "\"2-2\"");
  EXPECT_FALSE(cache.document("http://c", name).has_value());
}

TEST(FileIoTest, AtomicWriteReplacesAndLeavesNoTempFiles) {
  testing::TempDir dir;
  auto path = dir / "nested" / "wreg.lock";
  ASSERT_TRUE(write_file_atomically(path, "old").has_value());
  ASSERT_TRUE(write_file_atomically(path, "new").has_value());
  EXPECT_EQ(*read_file(path), "new");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator(path.parent_path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
  auto missing = read_file(dir / "absent");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace wreg::client
