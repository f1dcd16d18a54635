#include "common/hex.h"

#include <gtest/gtest.h>

namespace wreg {
namespace {

TEST(HexTest, EncodesEveryByteAsTwoDigitsInOrder) {
  EXPECT_EQ(hex_encode(std::string_view("\x00\x0f\xa5\xff", 4)), "000fa5ff");
  EXPECT_EQ(hex_encode(std::string_view("\xab", 1), HexCase::kUpper), "AB");
  EXPECT_EQ(hex_encode(std::string_view()), "");
}

TEST(HexTest, DecodeUndoesEncodeForEveryByte) {
  std::string all;
  for (int byte = 0; byte < 256; ++byte) all += static_cast<char>(byte);
  EXPECT_EQ(hex_decode(hex_encode(all)), all);
  EXPECT_EQ(hex_decode(hex_encode(all, HexCase::kUpper), HexInput::kEitherCase), all);
}

TEST(HexTest, DecodeRefusesOddLengthsAndForeignDigits) {
  EXPECT_EQ(hex_decode("abc"), std::nullopt);
  EXPECT_EQ(hex_decode("0g"), std::nullopt);
  EXPECT_EQ(hex_decode("AB"), std::nullopt);  // wreg's own spelling is lowercase
  EXPECT_EQ(hex_decode("AB", HexInput::kEitherCase), std::string("\xab"));
  EXPECT_EQ(hex_decode(" 0"), std::nullopt);
}

TEST(HexTest, DigitValues) {
  EXPECT_EQ(hex_digit_value('0'), 0);
  EXPECT_EQ(hex_digit_value('f'), 15);
  EXPECT_EQ(hex_digit_value('F'), -1);
  EXPECT_EQ(hex_digit_value('F', HexInput::kEitherCase), 15);
  EXPECT_EQ(hex_digit_value('g', HexInput::kEitherCase), -1);
}

}  // namespace
TEST(PercentEncodeTest, KeepsUnreservedEscapesTheRest) {
  EXPECT_EQ(percent_encode("wasi:http/incoming-handler@0.2.0"),
            "wasi%3Ahttp%2Fincoming-handler%400.2.0");
  EXPECT_EQ(percent_encode("1.0.0+build.5"), "1.0.0%2Bbuild.5");
  EXPECT_EQ(percent_encode("a b~_"), "a%20b~_");
  EXPECT_EQ(percent_encode("\xc3\xa9<\"&"), "%C3%A9%3C%22%26");
}

}  // namespace wreg
