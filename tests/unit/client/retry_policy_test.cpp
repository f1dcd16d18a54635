#include "client/transport/retry_policy.h"

#include <gtest/gtest.h>

#include <vector>

namespace wreg::client::transport {
namespace {

using std::chrono::milliseconds;
using Kind = Failure::Kind;

Failure failure(Kind kind, bool before_answer = true) {
  return Failure{kind, fail(ErrorCode::kUnavailable, "x"), before_answer};
}

// The waits a policy answers for `count` failures of `kind` in a row, until it gives up.
std::vector<long> waits(RetryPolicy policy, Kind kind, bool reused = false) {
  std::vector<long> out;
  for (int i = 0; i < 10; ++i) {
    auto wait = policy.after_failure(failure(kind), reused);
    if (!wait) break;
    out.push_back(static_cast<long>(wait->count()));
  }
  return out;
}

TEST(RetryPolicyTest, PassingFailuresAreRetriedWithDoublingBackoffUpToMaxAttempts) {
  EXPECT_EQ(waits(RetryPolicy(3, milliseconds(100)), Kind::kUnreachable),
            (std::vector<long>{100, 200}));
  EXPECT_EQ(waits(RetryPolicy(4, milliseconds(5)), Kind::kBroken), (std::vector<long>{5, 10, 20}));
  EXPECT_TRUE(waits(RetryPolicy(1, milliseconds(100)), Kind::kUnreachable).empty());
  EXPECT_TRUE(waits(RetryPolicy(0, milliseconds(100)), Kind::kUnreachable).empty());
}

TEST(RetryPolicyTest, WhatARetryCannotChangeIsFinal) {
  for (Kind kind : {Kind::kTlsRefused, Kind::kSetup, Kind::kTooLarge}) {
    RetryPolicy policy(3, milliseconds(100));
    EXPECT_EQ(policy.after_failure(failure(kind), false), std::nullopt);
    EXPECT_EQ(policy.after_failure(failure(kind), true), std::nullopt);
    EXPECT_FALSE(RetryPolicy::retryable(failure(kind)));
  }
  EXPECT_TRUE(RetryPolicy::retryable(failure(Kind::kUnreachable)));
  EXPECT_TRUE(RetryPolicy::retryable(failure(Kind::kBroken)));
}

TEST(RetryPolicyTest, AnswersBelow500AreKeptAnd5xxAreAskedAgain) {
  for (int status : {200, 201, 304, 400, 404, 409, 413, 499}) {
    RetryPolicy policy(3, milliseconds(100));
    EXPECT_EQ(policy.after_answer(status), std::nullopt) << status;
    EXPECT_FALSE(RetryPolicy::retryable(status));
  }
  RetryPolicy policy(3, milliseconds(100));
  EXPECT_EQ(policy.after_answer(503), milliseconds(100));
  EXPECT_EQ(policy.after_answer(500), milliseconds(200));
  EXPECT_EQ(policy.after_answer(502), std::nullopt);  // the third attempt was the last
}

TEST(RetryPolicyTest, FailuresAndAnswersShareTheAttempts) {
  RetryPolicy policy(3, milliseconds(10));
  EXPECT_EQ(policy.after_failure(failure(Kind::kUnreachable), false), milliseconds(10));
  EXPECT_EQ(policy.after_answer(503), milliseconds(20));
  EXPECT_EQ(policy.after_failure(failure(Kind::kBroken, false), true), std::nullopt);
}

// A kept-alive connection the server closed while it was idle fails before any of the answer:
// tried again at once, without counting, but only once.
TEST(RetryPolicyTest, AStaleKeptAliveConnectionIsForgivenOnce) {
  RetryPolicy policy(2, milliseconds(100));
  EXPECT_EQ(policy.after_failure(failure(Kind::kBroken), true), milliseconds(0));
  EXPECT_EQ(policy.after_failure(failure(Kind::kBroken), true), milliseconds(100));
  EXPECT_EQ(policy.after_failure(failure(Kind::kBroken), true), std::nullopt);

  // Even with a single attempt allowed.
  EXPECT_EQ(waits(RetryPolicy(1, milliseconds(100)), Kind::kBroken, true), (std::vector<long>{0}));
}

TEST(RetryPolicyTest, OnlyAStaleConnectionIsForgiven) {
  // A new connection, or one that failed after part of the answer came, counts.
  RetryPolicy fresh(2, milliseconds(100));
  EXPECT_EQ(fresh.after_failure(failure(Kind::kBroken), false), milliseconds(100));
  RetryPolicy part_way(2, milliseconds(100));
  EXPECT_EQ(part_way.after_failure(failure(Kind::kBroken, false), true), milliseconds(100));
  RetryPolicy unreachable(2, milliseconds(100));
  EXPECT_EQ(unreachable.after_failure(failure(Kind::kUnreachable), true), milliseconds(100));
}

}  // namespace
}  // namespace wreg::client::transport
