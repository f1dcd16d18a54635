// UploadSessions (server/store/upload_sessions.h) on real files in a temp dir: sessions are
// private to their owner, held by one writer at a time, all or nothing when cut back, and
// collected when abandoned; ids that could name another path are refused.
#include "server/store/upload_sessions.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace wreg::store {
namespace {

namespace fs = std::filesystem;

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

constexpr const char* kId = "0123456789abcdef0123456789abcdef";

class UploadSessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = UploadSessions::open(dir_.path(),
                                       [this](std::string_view line) { log_.emplace_back(line); });
    ASSERT_TRUE(opened) << opened.error().message;
    sessions_ = std::move(*opened);
  }

  std::string contents(const UploadSessions::Writer& writer) {
    std::string out;
    auto read = writer.read_all([&](std::span<const std::uint8_t> chunk) -> Result<void> {
      out.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
      return {};
    });
    EXPECT_TRUE(read) << read.error().message;
    return out;
  }

  testing::TempDir dir_;
  std::vector<std::string> log_;
  std::unique_ptr<UploadSessions> sessions_;
};

TEST_F(UploadSessionsTest, ASessionHoldsItsChunksInOrderForItsOwnerOnly) {
  ASSERT_TRUE(sessions_->create(kId, "ns/name"));
  EXPECT_EQ(sessions_->create(kId, "ns/name").error().code, ErrorCode::kAlreadyExists);
  {
    auto held = sessions_->hold(kId, "ns/name", 1 << 20);
    ASSERT_TRUE(held) << held.error().message;
    ASSERT_TRUE((*held)->append(bytes_of("first ")));
    ASSERT_TRUE((*held)->append(bytes_of("second")));
    ASSERT_TRUE((*held)->sync());
    EXPECT_EQ(contents(**held), "first second");
    // One writer at a time; the size is readable meanwhile.
    EXPECT_EQ(sessions_->hold(kId, "ns/name", 1 << 20).error().code, ErrorCode::kConflict);
    EXPECT_EQ(*sessions_->size(kId, "ns/name"), 12u);
  }
  EXPECT_EQ(sessions_->size(kId, "ns/other").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(sessions_->size(kId, "ns").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(sessions_->hold(kId, "other/name", 1 << 20).error().code, ErrorCode::kNotFound);
  auto again = sessions_->hold(kId, "ns/name", 1 << 20);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ((*again)->size(), 12u);
}

TEST_F(UploadSessionsTest, TheLimitAndACutBackKeepWholeChunks) {
  ASSERT_TRUE(sessions_->create(kId, "ns/name"));
  auto held = sessions_->hold(kId, "ns/name", 10);
  ASSERT_TRUE(held);
  ASSERT_TRUE((*held)->append(bytes_of("12345")));
  EXPECT_EQ((*held)->append(bytes_of("678901")).error().code, ErrorCode::kTooLarge);
  EXPECT_EQ((*held)->size(), 5u);
  ASSERT_TRUE((*held)->append(bytes_of("678")));
  ASSERT_TRUE((*held)->truncate(5));
  EXPECT_EQ(contents(**held), "12345");
  EXPECT_FALSE((*held)->truncate(6)) << "a cut back never grows a session";
}

TEST_F(UploadSessionsTest, IdsThatAreNotHexDigitsNameNoSession) {
  const std::vector<std::string> ids = {"",
                                        "..",
                                        "../x",
                                        "ABCDEF",
                                        "0123/4567",
                                        std::string(65, 'a'),
                                        std::string("ab\0cd", 5),
                                        ".new-abc"};
  for (const std::string& id : ids) {
    SCOPED_TRACE(id);
    EXPECT_EQ(sessions_->create(id, "ns/name").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(sessions_->size(id, "ns/name").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(sessions_->hold(id, "ns/name", 10).error().code, ErrorCode::kNotFound);
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "uploads"), fs::directory_iterator()), 0);
}

TEST_F(UploadSessionsTest, RemovedAndStaleSessionsAreGoneButAHeldOneStays) {
  ASSERT_TRUE(sessions_->create(kId, "ns/name"));
  const std::string other = "ffffffffffffffffffffffffffffffff";
  ASSERT_TRUE(sessions_->create(other, "ns/name"));
  fs::create_directory(dir_ / "uploads" / ".gone-abc");   // what a crash mid-removal leaves
  fs::create_directory(dir_ / "uploads" / "abcdef");      // a session a crash left without files
  fs::create_directory(dir_ / "uploads" / "lost+found");  // not wreg's: logged, kept
  {
    auto held = sessions_->hold(other, "ns/name", 10);
    ASSERT_TRUE(held);
    auto removed = sessions_->remove_stale(std::chrono::seconds(-1));
    ASSERT_TRUE(removed) << removed.error().message;
    EXPECT_EQ(*removed, 2u) << "the held session is in use";
    EXPECT_FALSE(fs::exists(dir_ / "uploads" / "abcdef"));
    EXPECT_TRUE(fs::exists(dir_ / "uploads" / "lost+found"));
    ASSERT_EQ(log_.size(), 1u);
    EXPECT_NE(log_[0].find("lost+found"), std::string::npos) << log_[0];
    EXPECT_EQ(sessions_->size(kId, "ns/name").error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(fs::exists(dir_ / "uploads" / ".gone-abc"));
    ASSERT_TRUE(sessions_->remove(std::move(*held)));
  }
  EXPECT_EQ(sessions_->size(other, "ns/name").error().code, ErrorCode::kNotFound);
  fs::remove(dir_ / "uploads" / "lost+found");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "uploads"), fs::directory_iterator()), 0);
  ASSERT_TRUE(sessions_->create(kId, "ns/name"));
  EXPECT_EQ(*sessions_->remove_stale(std::chrono::hours(1)), 0u) << "a fresh session stays";
}

}  // namespace
}  // namespace wreg::store
