#include "common/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace wreg {
namespace {

Result<int> half(int n) {
  if (n % 2 != 0) return fail(ErrorCode::kInvalidArgument, std::to_string(n) + " is odd");
  return n / 2;
}

TEST(ResultTest, HoldsAValueOrAnError) {
  auto ok = half(4);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 2);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "3 is odd");
}

TEST(ResultTest, MovesOutMoveOnlyValues) {
  Result<std::unique_ptr<int>> owned(std::make_unique<int>(7));
  std::unique_ptr<int> taken = std::move(owned).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
}

TEST(ResultTest, VoidResultCarriesOnlyFailure) {
  Result<void> ok;
  EXPECT_TRUE(ok.has_value());
  Result<void> bad = fail(ErrorCode::kIo, "disk full");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "disk full");
}

TEST(ResultTest, CodesHaveStableWireNames) {
  EXPECT_STREQ(error_code_name(ErrorCode::kInvalidArgument), "invalid_argument");
  EXPECT_STREQ(error_code_name(ErrorCode::kNotFound), "not_found");
  EXPECT_STREQ(error_code_name(ErrorCode::kConflict), "conflict");
  EXPECT_STREQ(error_code_name(ErrorCode::kTooLarge), "too_large");
}

}  // namespace
}  // namespace wreg
