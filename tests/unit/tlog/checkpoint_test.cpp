#include "common/tlog/checkpoint.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/text.h"
#include "tests/unit/tlog/refusals.h"

namespace wreg::tlog {
namespace {

// tlog-checkpoint.md's example.
const std::string kExample =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const std::string kRoot = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

TEST(CheckpointTest, ReadsTheSpecExampleAndWritesItBack) {
  auto checkpoint = parse_checkpoint(kExample);
  ASSERT_TRUE(checkpoint.has_value()) << checkpoint.error().message;
  EXPECT_EQ(checkpoint->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(checkpoint->size, 20852163u);
  EXPECT_EQ(base64_encode(std::span<const std::uint8_t>(checkpoint->root)), kRoot);
  EXPECT_TRUE(checkpoint->extensions.empty());
  EXPECT_EQ(checkpoint->text(), kExample);
}

TEST(CheckpointTest, ExtensionLinesAndTheEmptyTree) {
  const std::string text = kExample + "ext one\nx\n";
  auto checkpoint = parse_checkpoint(text);
  ASSERT_TRUE(checkpoint.has_value());
  EXPECT_EQ(checkpoint->extensions, (std::vector<std::string>{"ext one", "x"}));
  EXPECT_EQ(checkpoint->text(), text);

  Checkpoint empty{"log.example", 0, empty_root(), {}};
  EXPECT_EQ(empty.text(), "log.example\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
  auto again = parse_checkpoint(empty.text());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, empty);

  Checkpoint largest{"log.example", (std::uint64_t{1} << 63) - 1, empty_root(), {}};
  auto read = parse_checkpoint(largest.text());
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->size, (std::uint64_t{1} << 63) - 1);
}

TEST(CheckpointTest, HostileCheckpointsAreRefusedInOneLine) {
  const std::string origin = "log.example\n";
  const std::string root = kRoot + "\n";
  const Refusals cases = {
      {"", "does not end in a newline"},
      {"log.example\n5\n" + kRoot, "does not end in a newline"},
      {"log.example\n5\n", "fewer than three lines"},
      {"log.example\n", "fewer than three lines"},
      {"\n5\n" + root, "origin line is empty"},
      {origin + "\n" + root, "tree size \"\""},
      {origin + "05\n" + root, "tree size \"05\""},
      {origin + "00\n" + root, "tree size \"00\""},
      {origin + "+1\n" + root, "tree size \"+1\""},
      {origin + "-1\n" + root, "tree size \"-1\""},
      {origin + " 1\n" + root, "tree size \" 1\""},
      {origin + "1 \n" + root, "tree size \"1 \""},
      {origin + "0x10\n" + root, "tree size \"0x10\""},
      {origin + "9223372036854775808\n" + root, "below 2^63"},   // 2^63
      {origin + "18446744073709551616\n" + root, "below 2^63"},  // 2^64
      {origin + "1e3\n" + root, "tree size"},
      {origin + "1\n" + base64_encode(std::string(31, 'r')) + "\n", "32 bytes"},
      {origin + "1\n" + base64_encode(std::string(33, 'r')) + "\n", "32 bytes"},
      {origin + "1\n" + kRoot.substr(0, 43) + "\n", "canonical base64"},
      {origin + "1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", "canonical base64"},
      {origin + "1\n\n", "root hash"},
      {origin + "1\n" + root + "\n", "extension line 1 is empty"},
      {origin + "1\n" + root + "ext\n\n", "extension line 2 is empty"},
      {origin + "1\n" + root + "\next\n", "extension line 1 is empty"},
      {"log.example\r\n1\n" + root, "control character"},
      {"log\texample\n1\n" + root, "control character"},
      {std::string("log\0example\n1\n", 14) + root, "control character"},
      {"log\xff"
       "example\n1\n" +
           root,
       "not UTF-8"},
  };
  expect_refused(parse_checkpoint, cases);
}

}  // namespace
}  // namespace wreg::tlog
