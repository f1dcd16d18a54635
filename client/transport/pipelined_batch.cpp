#include "client/transport/pipelined_batch.h"

#include <algorithm>

#include "client/transport/retry_policy.h"

namespace wreg::client::transport {
namespace {

// One round on one connection: appends the answers that came, in order; returns whether all of
// `round` was answered.
bool send_round(ConnectionPool& pool, std::span<const Request> round, std::uint64_t limit,
                std::vector<Answer>& answers) {
  auto connection = pool.acquire();
  if (!connection->connected() && connection->connect()) {
    pool.release(std::move(connection), ConnectionPool::Reuse::kClose);
    return false;
  }
  std::size_t answered = 0;
  bool keep_alive = !connection->write_all(round);
  while (answered < round.size() && keep_alive) {
    auto outcome = connection->read_answer(limit);
    auto* answer = std::get_if<Answer>(&outcome);
    if (answer == nullptr || RetryPolicy::retryable(answer->status)) {
      keep_alive = false;
      break;
    }
    keep_alive = answer->keep_alive;
    answers.push_back(std::move(*answer));
    ++answered;
  }
  const bool complete = answered == round.size();
  pool.release(std::move(connection), keep_alive && complete ? ConnectionPool::Reuse::kKeep
                                                             : ConnectionPool::Reuse::kClose);
  return complete;
}

}  // namespace

BatchAnswers send_pipelined(ConnectionPool& pool, std::span<const Request> requests,
                            std::uint64_t limit) {
  BatchAnswers batch;
  for (std::size_t start = 0; start < requests.size(); start += kPipelineDepth) {
    const std::size_t size = std::min(kPipelineDepth, requests.size() - start);
    if (!send_round(pool, requests.subspan(start, size), limit, batch.answers)) break;
  }
  batch.unanswered = requests.size() - batch.answers.size();
  return batch;
}

}  // namespace wreg::client::transport
