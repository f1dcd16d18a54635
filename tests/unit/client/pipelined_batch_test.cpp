// Pipelined batches against the real wreg-server and, for a connection that does not answer
// everything, a scripted local peer (transport_testing.h).
#include "client/transport/pipelined_batch.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/unit/client/transport_testing.h"

namespace wreg::client::transport {
namespace {

using namespace client::testing;  // the shared helpers of transport_testing.h

ConnectionPool::Factory factory(const ConnectionSettings& settings) {
  return [&settings] { return std::make_unique<Connection>(settings); };
}

// More requests than one round holds: every answer comes, in the order asked, the same as each
// request gets alone; the rounds share one kept-alive connection.
TEST(PipelinedBatchTest, AnswersALongBatchInOrderOnOneConnection) {
  const std::string url = real_server().url();
  std::atomic<std::uint64_t> sent{0};
  auto settings = settings_for(url, &sent);
  ConnectionPool pool(4, factory(settings));
  std::vector<Request> requests;
  for (std::size_t i = 0; i < kPipelineDepth + 5; ++i) {
    requests.push_back(
        get(i % 7 == 3 ? "/healthz" : "/api/v1/packages/wasi/none" + std::to_string(i)));
  }
  auto batch = send_pipelined(pool, requests, 1 << 20);
  ASSERT_EQ(batch.answers.size(), requests.size());
  EXPECT_EQ(batch.unanswered, 0u);
  EXPECT_EQ(sent.load(), requests.size());
  EXPECT_EQ(pool.open(), 1u);
  EXPECT_EQ(pool.idle(), 1u);

  Connection alone(settings);
  ASSERT_EQ(alone.connect(), std::nullopt);
  std::set<std::string> bodies;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto outcome = alone.exchange(requests[i], 1 << 20);
    ASSERT_TRUE(std::holds_alternative<Answer>(outcome));
    const auto& expected = std::get<Answer>(outcome);
    EXPECT_EQ(batch.answers[i].status, expected.status) << i;
    EXPECT_EQ(batch.answers[i].body, expected.body) << i;
    bodies.insert(expected.body);
  }
  // Distinct answers, or the comparison above would not see the order.
  EXPECT_EQ(bodies.size(), requests.size() - 3 + 1);
}

// The peer answers two of three pipelined requests, then closes: the batch says one is left.
TEST(PipelinedBatchTest, AConnectionClosedPartWayLeavesTheRestUnanswered) {
  LocalPeer peer([](PeerConnection& c) {
    if (!c.read_requests(3)) return;
    c.write(http_answer(200, "a") + http_answer(304, ""));
  });
  ASSERT_NE(peer.port(), 0);
  std::atomic<std::uint64_t> sent{0};
  auto settings = settings_for(peer.url(), &sent);
  ConnectionPool pool(1, factory(settings));
  std::vector<Request> requests{get("/a"), get("/b"), get("/c")};
  auto batch = send_pipelined(pool, requests, 1024);
  ASSERT_EQ(batch.answers.size(), 2u);
  EXPECT_EQ(batch.answers[0].status, 200);
  EXPECT_EQ(batch.answers[0].body, "a");
  EXPECT_EQ(batch.answers[1].status, 304);
  EXPECT_EQ(batch.unanswered, 1u);
  EXPECT_EQ(sent.load(), 3u);
  EXPECT_EQ(pool.open(), 0u);  // that connection is not kept
}

// A 5xx is not kept as an answer: a retry may do better. Nothing after it is read.
TEST(PipelinedBatchTest, A5xxAnswerEndsTheBatch) {
  LocalPeer peer([](PeerConnection& c) {
    if (!c.read_requests(3)) return;
    c.write(http_answer(200, "a") + http_answer(503, "busy") + http_answer(200, "c"));
  });
  ASSERT_NE(peer.port(), 0);
  auto settings = settings_for(peer.url(), nullptr);
  ConnectionPool pool(1, factory(settings));
  std::vector<Request> requests{get("/a"), get("/b"), get("/c")};
  auto batch = send_pipelined(pool, requests, 1024);
  ASSERT_EQ(batch.answers.size(), 1u);
  EXPECT_EQ(batch.answers[0].body, "a");
  EXPECT_EQ(batch.unanswered, 2u);
  EXPECT_EQ(pool.open(), 0u);
}

// `Connection: close` on an answer: the server takes nothing more on that connection.
TEST(PipelinedBatchTest, AnAnswerThatClosesTheConnectionEndsTheBatch) {
  LocalPeer peer([](PeerConnection& c) {
    if (!c.read_requests(2)) return;
    c.write(http_answer(200, "a", false));
  });
  ASSERT_NE(peer.port(), 0);
  auto settings = settings_for(peer.url(), nullptr);
  ConnectionPool pool(1, factory(settings));
  std::vector<Request> requests{get("/a"), get("/b")};
  auto batch = send_pipelined(pool, requests, 1024);
  ASSERT_EQ(batch.answers.size(), 1u);
  EXPECT_EQ(batch.unanswered, 1u);
  EXPECT_EQ(pool.open(), 0u);
}

TEST(PipelinedBatchTest, AnUnreachableRegistryAnswersNothing) {
  const std::string url = "http://127.0.0.1:" + std::to_string(unused_port());
  std::atomic<std::uint64_t> sent{0};
  auto settings = settings_for(url, &sent);
  ConnectionPool pool(1, factory(settings));
  std::vector<Request> requests{get("/a"), get("/b")};
  auto batch = send_pipelined(pool, requests, 1024);
  EXPECT_TRUE(batch.answers.empty());
  EXPECT_EQ(batch.unanswered, 2u);
  EXPECT_EQ(sent.load(), 0u);
  EXPECT_EQ(pool.open(), 0u);
}

}  // namespace
}  // namespace wreg::client::transport
