// Pipelined batches: bodiless GETs written back to back on one connection before any answer is
// read, the answers then read in order (HTTP/1.1 pipelining), so that n requests cost one round
// trip instead of n. The registry client revalidates a command's cached package documents this
// way.
//
// A batch stops at the first request its connection does not answer: the connection could not
// be opened, failed or closed part-way, or the answer was a 5xx (kept out: a retry may do
// better). It says how many requests that left unanswered; the caller asks those again, one by
// one and with retries. A batch makes no retries of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "client/transport/connection_pool.h"
#include "client/transport/message.h"

namespace wreg::client::transport {

// The most requests written on a connection before their answers are read: what is written
// before any answer is read must fit in the socket buffers, or a large batch would leave client
// and server both waiting to write. Longer batches go out this many at a time, each round on a
// connection from the pool.
inline constexpr std::size_t kPipelineDepth = 16;

struct BatchAnswers {
  std::vector<Answer> answers;  // answers[i] answers requests[i], for the first answers.size()
  std::size_t unanswered = 0;   // the requests after those, which got no answer
};

// Sends `requests` (GETs or HEADs, without bodies) on connections from `pool`, kPipelineDepth
// at a time, reading answers of at most `limit` body bytes. A connection that answered all of
// its round and may be kept alive goes back to the pool; any other is closed.
BatchAnswers send_pipelined(ConnectionPool& pool, std::span<const Request> requests,
                            std::uint64_t limit);

}  // namespace wreg::client::transport
