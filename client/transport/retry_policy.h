// RetryPolicy: whether, and after how long, one request is tried again.
//
// Every request the registry client makes is idempotent (GET, HEAD, PUT of immutable bytes,
// yank/unyank setting a flag), so any attempt that may have failed for a passing reason is
// retried: a connection refused, reset, timed out or closed before the answer, and a 5xx answer.
// What a retry cannot change is final: a TLS handshake that failed (a certificate that does not
// verify stays so), a connection that cannot be set up, an answer past the caller's limit, and
// every answer below 500.
//
// Attempts wait first_backoff, then twice that, and so on, up to max_attempts in all. One
// failure costs no attempt and no wait: a kept-alive connection that fails before any of the
// answer arrives, because the server closed it while it was idle; that happens once, then such a
// failure counts like any other.
//
// One RetryPolicy per request: it counts that request's attempts. Pure (no clock, no sleep): the
// caller waits. Not thread-safe.
#pragma once

#include <chrono>
#include <optional>

#include "client/transport/message.h"

namespace wreg::client::transport {

class RetryPolicy {
 public:
  // `max_attempts` below 1 is taken as 1.
  RetryPolicy(int max_attempts, std::chrono::milliseconds first_backoff);

  // Whether another attempt may help with `failure` at all.
  static bool retryable(const Failure& failure);
  // Whether another attempt may help with an answer of `status`.
  static bool retryable(int status);

  // After an attempt that got no answer: how long to wait before the next attempt, or nullopt
  // to give up with that failure. `reused`: the attempt went out on a connection that had
  // answered before (Connection::reused()).
  std::optional<std::chrono::milliseconds> after_failure(const Failure& failure, bool reused);
  // After an answer of `status`: how long to wait before asking again, or nullopt to keep it.
  std::optional<std::chrono::milliseconds> after_answer(int status);

 private:
  // Counts a failed attempt: the wait before the next, or nullopt when none is left.
  std::optional<std::chrono::milliseconds> next_attempt();

  int max_attempts_;
  std::chrono::milliseconds backoff_;
  int failed_attempts_ = 0;
  bool stale_connection_forgiven_ = false;
};

}  // namespace wreg::client::transport
