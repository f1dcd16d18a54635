#include "client/transport/retry_policy.h"

#include <algorithm>

namespace wreg::client::transport {

RetryPolicy::RetryPolicy(int max_attempts, std::chrono::milliseconds first_backoff)
    : max_attempts_(std::max(1, max_attempts)), backoff_(first_backoff) {}

bool RetryPolicy::retryable(const Failure& failure) {
  switch (failure.kind) {
    case Failure::Kind::kUnreachable:
    case Failure::Kind::kBroken:
      return true;
    case Failure::Kind::kTlsRefused:
    case Failure::Kind::kSetup:
    case Failure::Kind::kTooLarge:
    case Failure::Kind::kTooSlow:
      return false;
  }
  return false;
}

bool RetryPolicy::retryable(int status) { return status >= 500; }

std::optional<std::chrono::milliseconds> RetryPolicy::after_failure(const Failure& failure,
                                                                    bool reused) {
  if (!retryable(failure)) return std::nullopt;
  const bool stale = reused && failure.kind == Failure::Kind::kBroken && failure.before_answer;
  if (stale && !stale_connection_forgiven_) {
    stale_connection_forgiven_ = true;
    return std::chrono::milliseconds(0);
  }
  return next_attempt();
}

std::optional<std::chrono::milliseconds> RetryPolicy::after_answer(int status) {
  if (!retryable(status)) return std::nullopt;
  return next_attempt();
}

std::optional<std::chrono::milliseconds> RetryPolicy::next_attempt() {
  if (++failed_attempts_ >= max_attempts_) return std::nullopt;
  auto wait = backoff_;
  backoff_ *= 2;
  return wait;
}

}  // namespace wreg::client::transport
