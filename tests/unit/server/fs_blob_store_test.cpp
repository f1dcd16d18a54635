#include "server/store/fs_blob_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/unit/server/blob_upload.h"

namespace wreg::store {
namespace {

namespace fs = std::filesystem;

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The real file system, except that the Nth append (counting from 1) and every call of one kind
// after a trigger can be made to fail, like LevelDB's ErrorEnv.
class FaultyFileSystem final : public FileSystem {
 public:
  int fail_append_number = 0;  // 0: never
  int fail_errno = ENOSPC;
  bool fail_link = false;
  bool fail_sync = false;

  SysError create_new(const fs::path& path, std::unique_ptr<WritableFile>& file) override {
    std::unique_ptr<WritableFile> real;
    if (SysError error = FileSystem::real().create_new(path, real)) return error;
    file = std::make_unique<File>(*this, std::move(real));
    return {};
  }
  SysError rename(const fs::path& from, const fs::path& to) override {
    return FileSystem::real().rename(from, to);
  }
  SysError link(const fs::path& from, const fs::path& to) override {
    if (fail_link) return SysError{EIO, "injected link failure"};
    return FileSystem::real().link(from, to);
  }
  SysError sync_dir(const fs::path& dir) override { return FileSystem::real().sync_dir(dir); }
  SysError touch(const fs::path& path) override { return FileSystem::real().touch(path); }
  SysError remove(const fs::path& path) override { return FileSystem::real().remove(path); }
  SysError create_dirs(const fs::path& dir) override { return FileSystem::real().create_dirs(dir); }

 private:
  class File final : public WritableFile {
   public:
    File(FaultyFileSystem& owner, std::unique_ptr<WritableFile> real)
        : owner_(owner), real_(std::move(real)) {}
    SysError append(std::span<const std::uint8_t> bytes) override {
      if (++owner_.appends_ == owner_.fail_append_number) {
        return SysError{owner_.fail_errno, "write /secret/data/dir: injected failure"};
      }
      return real_->append(bytes);
    }
    SysError sync() override {
      if (owner_.fail_sync) return SysError{EIO, "injected fsync failure"};
      return real_->sync();
    }
    SysError close() override { return real_->close(); }

   private:
    FaultyFileSystem& owner_;
    std::unique_ptr<WritableFile> real_;
  };

  std::atomic<int> appends_ = 0;
};

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { open(FileSystem::real()); }

  void open(FileSystem& fs) {
    auto store = FsBlobStore::open(
        dir_ / "blobs",
        [this](std::string_view line) {
          std::lock_guard lock(log_mutex_);
          log_.emplace_back(line);
        },
        fs);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  // Whether the blob is visible under its digest; any answer but kNotFound fails the test.
  bool stored(const Digest& digest) {
    auto file = store_->locate(digest);
    if (!file) {
      EXPECT_EQ(file.error().code, ErrorCode::kNotFound) << file.error().message;
    }
    return file.has_value();
  }

  // Where uploads in progress live (fs_blob_store.h).
  fs::path temp_dir() const { return dir_.path() / "blobs" / "tmp"; }
  Result<BlobInfo> put(std::string_view bytes, std::uint64_t limit) {
    return testing::upload(*store_, bytes, limit);
  }

  testing::TempDir dir_;
  std::unique_ptr<FsBlobStore> store_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(BlobStoreTest, UploadIsStoredUnderTheDigestPath) {
  auto info = put("hello", 100);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->digest, Digest::of(std::string_view("hello")));
  EXPECT_EQ(info->size, 5u);
  const std::string hex = info->digest.hex();
  EXPECT_EQ(files_under(dir_.path()),
            (std::vector<std::string>{"blobs/sha256/" + hex.substr(0, 2) + "/" + hex}));
  EXPECT_TRUE(stored(info->digest));
  EXPECT_EQ(store_->locate(info->digest)->path,
            dir_.path() / "blobs/sha256" / hex.substr(0, 2) / hex);
  EXPECT_EQ(*testing::read_blob(*store_, info->digest), "hello");
  EXPECT_EQ(store_->locate(info->digest)->size, 5u);
}

TEST_F(BlobStoreTest, WriterStreamsChunksAndValidatesBeforeCommit) {
  auto writer = store_->begin(1000);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->write(bytes_of("chunk one, ")));
  ASSERT_TRUE((*writer)->write(bytes_of("chunk two")));
  EXPECT_EQ((*writer)->size(), 20u);
  auto finished = (*writer)->finish();
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->digest, Digest::of(std::string_view("chunk one, chunk two")));
  EXPECT_FALSE(stored(finished->digest)) << "not visible before commit";
  auto back = (*writer)->read_back(1000);
  ASSERT_TRUE(back);
  EXPECT_EQ(std::string(back->bytes().begin(), back->bytes().end()), "chunk one, chunk two");
  auto committed = (*writer)->commit();
  ASSERT_TRUE(committed);
  EXPECT_TRUE(stored(finished->digest));
  EXPECT_TRUE(fs::is_empty(temp_dir()));
}

// Several MiB in uneven pieces: the file layer starts writeback and flushes (fdatasync on a
// helper thread) along the way; what is committed is still exactly the bytes, under their digest.
TEST_F(BlobStoreTest, LargeUploadFlushedAlongTheWayIsStoredWhole) {
  std::string bytes(9 * 1024 * 1024 + 777, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 >> 7);
  auto writer = store_->begin(bytes.size());
  ASSERT_TRUE(writer);
  for (std::size_t offset = 0; offset < bytes.size(); offset += 100'003) {
    const auto piece = std::string_view(bytes).substr(offset, 100'003);
    ASSERT_TRUE((*writer)->write(bytes_of(piece)));
  }
  auto committed = (*writer)->commit();
  ASSERT_TRUE(committed) << committed.error().message;
  EXPECT_EQ(committed->digest, Digest::of(std::string_view(bytes)));
  auto read = testing::read_blob(*store_, committed->digest);
  ASSERT_TRUE(read);
  EXPECT_TRUE(*read == bytes);
  EXPECT_TRUE(fs::is_empty(temp_dir()));
}

// Dropped while a flush may still be running: the helper is waited for, the temp file removed.
TEST_F(BlobStoreTest, AbandonedLargeUploadLeavesNothing) {
  {
    auto writer = store_->begin(64 * 1024 * 1024);
    ASSERT_TRUE(writer);
    const std::string piece(1024 * 1024, 'x');
    for (int i = 0; i < 9; ++i) ASSERT_TRUE((*writer)->write(bytes_of(piece)));
  }
  EXPECT_TRUE(files_under(dir_.path()).empty());
}

TEST_F(BlobStoreTest, AbandonedWriterLeavesNothing) {
  {
    auto writer = store_->begin(1000);
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->write(bytes_of("half an upload")));
  }
  EXPECT_TRUE(files_under(dir_.path()).empty());
}

TEST_F(BlobStoreTest, IdenticalBytesAreStoredOnce) {
  auto a = put("same", 100);
  auto b = put("same", 100);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->digest, b->digest);
  EXPECT_EQ(files_under(dir_.path()).size(), 1u);
}

TEST_F(BlobStoreTest, ConcurrentPutsOfSameBytesEndAsOneFile) {
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      if (!put("raced bytes", 100)) ++failures;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(files_under(dir_.path()).size(), 1u);
}

TEST_F(BlobStoreTest, PastTheLimitIsTooLargeAndLeavesNothing) {
  auto writer = store_->begin(10);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->write(bytes_of("0123456789")));
  auto over = (*writer)->write(bytes_of("x"));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(over.error().message.find("10 bytes"), std::string::npos);
  EXPECT_EQ((*writer)->commit().error().code, ErrorCode::kTooLarge) << "the writer stays failed";
  writer->reset();
  EXPECT_TRUE(files_under(dir_.path()).empty());
  EXPECT_EQ(put("eleven byte", 10).error().code, ErrorCode::kTooLarge);
}

TEST_F(BlobStoreTest, ThirdWriteFailingWithEnospcLeavesNothingVisible) {
  FaultyFileSystem faulty;
  faulty.fail_append_number = 3;
  open(faulty);
  auto writer = store_->begin(1 << 20);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->write(bytes_of("one ")));
  ASSERT_TRUE((*writer)->write(bytes_of("two ")));
  auto third = (*writer)->write(bytes_of("three"));
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, ErrorCode::kIo);
  EXPECT_NE(third.error().message.find("disk full"), std::string::npos) << third.error().message;
  EXPECT_EQ(third.error().message.find("/secret"), std::string::npos) << "no paths for clients";
  EXPECT_FALSE((*writer)->commit());
  writer->reset();
  EXPECT_TRUE(files_under(dir_.path()).empty());
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_.back().find("/secret/data/dir"), std::string::npos) << "detail goes to the log";
}

TEST_F(BlobStoreTest, FailedFsyncOrLinkLeavesNoBlob) {
  FaultyFileSystem faulty;
  open(faulty);
  faulty.fail_sync = true;
  EXPECT_EQ(put("synced?", 100).error().code, ErrorCode::kIo);
  faulty.fail_sync = false;
  faulty.fail_link = true;
  EXPECT_EQ(put("linked?", 100).error().code, ErrorCode::kIo);
  EXPECT_TRUE(files_under(dir_.path()).empty());
}

TEST_F(BlobStoreTest, ListFindsBlobsAndStraysAndRehashSeesCorruption) {
  auto a = put("aaa", 100);
  auto b = put("bbb", 100);
  ASSERT_TRUE(a && b);
  std::ofstream(dir_.path() / "blobs/sha256/zz") << "stray";
  auto listing = store_->list();
  ASSERT_TRUE(listing) << listing.error().message;
  ASSERT_EQ(listing->blobs.size(), 2u);
  EXPECT_TRUE(listing->blobs[0].digest < listing->blobs[1].digest);
  EXPECT_EQ(listing->strays, (std::vector<std::string>{"sha256/zz"}));

  const fs::path path = store_->locate(a->digest)->path;
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(path, std::ios::trunc) << "tampered";
  auto actual = store_->rehash(a->digest);
  ASSERT_TRUE(actual);
  EXPECT_EQ(*actual, Digest::of(std::string_view("tampered")));
  EXPECT_EQ(*store_->rehash(b->digest), b->digest);
}

TEST_F(BlobStoreTest, MissingBlobIsNotFound) {
  const Digest none = Digest::of(std::string_view("never stored"));
  EXPECT_FALSE(stored(none));
  EXPECT_EQ(store_->locate(none).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->rehash(none).error().code, ErrorCode::kNotFound);
}

// A blob GET serves whatever locate() finds: a directory under a digest's name, or a file where
// its shard directory should be, is no blob.
TEST_F(BlobStoreTest, WhatIsNotARegularFileUnderADigestIsNotFound) {
  const Digest as_directory = Digest::of(std::string_view("a directory"));
  const std::string hex = as_directory.hex();
  fs::create_directories(dir_.path() / "blobs/sha256" / hex.substr(0, 2) / hex);
  EXPECT_EQ(store_->locate(as_directory).error().code, ErrorCode::kNotFound);

  Digest under_a_file = Digest::of(std::string_view("x"));
  for (int i = 0; under_a_file.hex().substr(0, 2) == hex.substr(0, 2); ++i) {
    under_a_file = Digest::of(std::to_string(i));
  }
  std::ofstream(dir_.path() / "blobs/sha256" / under_a_file.hex().substr(0, 2)) << "not a shard";
  EXPECT_EQ(store_->locate(under_a_file).error().code, ErrorCode::kNotFound);
}

TEST_F(BlobStoreTest, RemoveOrphanDeletesOnlyOldUnreferencedBlobs) {
  auto info = put("orphan", 100);
  ASSERT_TRUE(info);
  const auto now = fs::file_time_type::clock::now();
  // Committed just now: younger than the cutoff, so it is put back.
  auto kept = store_->remove_orphan(info->digest, now - std::chrono::hours(1),
                                    [] { return Result<bool>(true); });
  ASSERT_TRUE(kept);
  EXPECT_FALSE(*kept);
  EXPECT_TRUE(stored(info->digest));

  fs::last_write_time(store_->locate(info->digest)->path, now - std::chrono::hours(2));
  // Old, but a release names it by now: put back.
  auto in_use = store_->remove_orphan(info->digest, now - std::chrono::hours(1),
                                      [] { return Result<bool>(false); });
  ASSERT_TRUE(in_use);
  EXPECT_FALSE(*in_use);
  EXPECT_TRUE(stored(info->digest));

  auto removed = store_->remove_orphan(info->digest, now - std::chrono::hours(1),
                                       [] { return Result<bool>(true); });
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(stored(info->digest));
  EXPECT_TRUE(fs::is_empty(temp_dir()));
}

TEST_F(BlobStoreTest, CommitOfExistingBlobRefreshesItsTime) {
  auto info = put("again", 100);
  ASSERT_TRUE(info);
  const fs::path path = store_->locate(info->digest)->path;
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(48);
  fs::last_write_time(path, old);
  ASSERT_TRUE(put("again", 100));
  EXPECT_GT(fs::last_write_time(path), old + std::chrono::hours(47));
}

TEST_F(BlobStoreTest, StaleTempFilesAreRemoved) {
  const fs::path stale = temp_dir() / "upload-stale";
  const fs::path fresh = temp_dir() / "upload-fresh";
  std::ofstream(stale) << "x";
  std::ofstream(fresh) << "y";
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(3));
  auto removed = store_->remove_stale_temp_files(std::chrono::hours(1));
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1u);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));
}

TEST_F(BlobStoreTest, ABlobSetAsideByAnInterruptedGcIsPutBackNotDeleted) {
  auto info = put("in use", 100);
  ASSERT_TRUE(info);
  const fs::path path = store_->locate(info->digest)->path;
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(48));
  // What remove_orphan's first step leaves when gc is killed right after it.
  const fs::path aside = temp_dir() / ("gc-" + info->digest.hex() + "-0123456789abcdef");
  fs::rename(path, aside);
  // Old as it is, it is no abandoned upload.
  auto removed = store_->remove_stale_temp_files(std::chrono::seconds(0));
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 0u);
  EXPECT_TRUE(fs::exists(aside));

  open(FileSystem::real());
  EXPECT_TRUE(stored(info->digest));
  EXPECT_EQ(store_->rehash(info->digest)->to_string(), info->digest.to_string());
  EXPECT_TRUE(fs::is_empty(temp_dir()));
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].find("put back blob " + info->digest.to_string()), std::string::npos);
}

}  // namespace
}  // namespace wreg::store
