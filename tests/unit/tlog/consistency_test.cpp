// parse_consistency_body (common/tlog/consistency.h): GET /log/consistency's body, the body of a
// witness's add-checkpoint, read strictly and written back byte for byte.
#include "common/tlog/consistency.h"

#include <gtest/gtest.h>

#include "common/base64.h"

namespace wreg::tlog {
namespace {

const std::string kHash = base64_encode(std::string(32, 'h'));
const std::string kNote = "log.example\n3\n" + base64_encode(std::string(32, 'r')) +
                          "\n\n\xE2\x80\x94 log.example AAAAAAAA\n";

TEST(ConsistencyBodyTest, ReadsTheProofAndTheCheckpointAndWritesThemBack) {
  const std::string text = "old 1\n" + kHash + "\n" + kHash + "\n\n" + kNote;
  auto body = parse_consistency_body(text);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->old_size, 1u);
  ASSERT_EQ(body->proof.size(), 2u);
  EXPECT_EQ(body->proof[0], Hash{[] {
              Hash h{};
              h.fill('h');
              return h;
            }()});
  EXPECT_EQ(body->checkpoint, kNote);
  EXPECT_EQ(body->text(), text);
}

TEST(ConsistencyBodyTest, ToAGivenSizeItHasNoCheckpoint) {
  auto body = parse_consistency_body("old 0\n");
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->old_size, 0u);
  EXPECT_TRUE(body->proof.empty());
  EXPECT_TRUE(body->checkpoint.empty());
  EXPECT_EQ(body->text(), "old 0\n");
}

TEST(ConsistencyBodyTest, HostileBodiesAreRefusedInOneLine) {
  std::string sixty_four = "old 5\n";
  for (int i = 0; i < 64; ++i) sixty_four += kHash + "\n";
  for (const std::string& text : std::vector<std::string>{
           "", "old\n", "old 01\n", "old -1\n", "old 1", "new 1\n", "old 18446744073709551616\n",
           "old 1\n" + kHash, "old 1\n" + kHash.substr(1) + "\n",
           "old 1\n" + base64_encode(std::string(31, 'h')) + "\n", "old 1\n\n",
           "old 1\r\n" + kHash + "\n", sixty_four, "old 1\n" + std::string(70000, 'a')}) {
    auto refused = parse_consistency_body(text);
    ASSERT_FALSE(refused) << text.substr(0, 80);
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(refused.error().message.find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace wreg::tlog
