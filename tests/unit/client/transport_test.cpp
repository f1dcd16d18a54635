// Transport: a request's retries end to end, against a scripted local peer (transport_testing.h).
#include "client/transport/transport.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "tests/unit/client/transport_testing.h"

namespace wreg::client::transport {
namespace {

using namespace client::testing;  // the shared helpers of transport_testing.h

std::unique_ptr<Transport> transport_for(const std::string& url, int max_attempts) {
  TransportOptions options;
  options.max_attempts = max_attempts;
  options.first_backoff = std::chrono::milliseconds(1);
  options.io_timeout = std::chrono::milliseconds(20'000);
  auto made = Transport::create(url, options);
  EXPECT_TRUE(made.has_value()) << made.error().message;
  return made ? std::move(*made) : nullptr;
}

// The server closed the kept-alive connection while it was idle: the next request goes again at
// once on a new connection, even when only one attempt is allowed.
TEST(TransportTest, AStaleKeptAliveConnectionIsRetriedOnANewOne) {
  std::size_t connections = 0;
  LocalPeer peer([&](PeerConnection& c) {
    if (++connections == 1) {
      if (!c.read_requests(1)) return;
      c.write(http_answer(200, "first"));
      c.read_requests(2);  // and close without answering
    } else if (c.read_requests(1)) {
      c.write(http_answer(200, "second"));
    }
  });
  ASSERT_NE(peer.port(), 0);
  auto transport = transport_for(peer.url(), 1);
  ASSERT_NE(transport, nullptr);
  auto first = transport->send(get("/a"), 1024);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->body, "first");
  auto second = transport->send(get("/b"), 1024);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->body, "second");
  EXPECT_EQ(transport->requests_sent(), 3u);
  EXPECT_EQ(peer.accepted(), 2u);
}

// --verbose (TransportOptions::observe): every attempt is told, with its method, the URL
// without the query (which may carry a signature) and its status; the Authorization header,
// where a token travels, never.
TEST(TransportTest, TheObserverIsToldEachAttemptWithoutQueryOrHeaders) {
  LocalPeer peer([](PeerConnection& c) {
    for (std::size_t n = 1; c.read_requests(n); ++n) {
      c.write(http_answer(n == 1 ? 503 : 200, "ok"));
    }
  });
  ASSERT_NE(peer.port(), 0);
  std::mutex mutex;
  std::vector<RequestRecord> records;
  TransportOptions options;
  options.max_attempts = 2;
  options.first_backoff = std::chrono::milliseconds(1);
  options.observe = [&](const RequestRecord& record) {
    std::lock_guard lock(mutex);
    records.push_back(record);
  };
  auto transport = Transport::create(peer.url(), options);
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  Request request = get("/v2/blobs/x?X-Signature=secret");
  request.headers.emplace_back("Authorization", "Bearer secret-token");
  auto answer = (*transport)->send(request, 1024);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].method, "GET");
  EXPECT_EQ(records[0].url, peer.url() + "/v2/blobs/x?...");
  EXPECT_EQ(records[0].status, 503);
  EXPECT_EQ(records[1].status, 200);
  for (const auto& record : records) {
    EXPECT_EQ(record.url.find("secret"), std::string::npos) << record.url;
    EXPECT_GE(record.elapsed.count(), 0);
  }
  records.clear();
  std::vector<Request> batch{get("/a"), get("/b")};
  (*transport)->send_batch(batch, 1024);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].url, peer.url() + "/b");
}

TEST(TransportTest, A5xxIsAskedAgainUntilTheAttemptsRunOut) {
  LocalPeer peer([](PeerConnection& c) {
    for (std::size_t n = 1; c.read_requests(n); ++n) c.write(http_answer(503, "busy"));
  });
  ASSERT_NE(peer.port(), 0);
  auto transport = transport_for(peer.url(), 3);
  ASSERT_NE(transport, nullptr);
  auto answer = transport->send(get("/a"), 1024);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  EXPECT_EQ(answer->status, 503);  // the last attempt's answer, for the caller to describe
  EXPECT_EQ(answer->body, "busy");
  EXPECT_EQ(transport->requests_sent(), 3u);
}

TEST(TransportTest, A5xxFollowedByAnAnswerGivesTheAnswer) {
  LocalPeer peer([](PeerConnection& c) {
    if (!c.read_requests(1)) return;
    c.write(http_answer(502, ""));
    if (!c.read_requests(2)) return;
    c.write(http_answer(404, "none"));
  });
  ASSERT_NE(peer.port(), 0);
  auto transport = transport_for(peer.url(), 3);
  ASSERT_NE(transport, nullptr);
  auto answer = transport->send(get("/a"), 1024);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  EXPECT_EQ(answer->status, 404);
  EXPECT_EQ(transport->requests_sent(), 2u);
}

TEST(TransportTest, AnAnswerPastTheLimitIsNotAskedAgain) {
  LocalPeer peer([](PeerConnection& c) {
    for (std::size_t n = 1; c.read_requests(n); ++n) c.write(http_answer(200, "0123456789"));
  });
  ASSERT_NE(peer.port(), 0);
  auto transport = transport_for(peer.url(), 3);
  ASSERT_NE(transport, nullptr);
  auto answer = transport->send(get("/a"), 4);
  ASSERT_FALSE(answer.has_value());
  EXPECT_EQ(answer.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(answer.error().message, "registry " + peer.url() + " sent an answer past 4 bytes");
  EXPECT_EQ(transport->requests_sent(), 1u);
}

}  // namespace
}  // namespace wreg::client::transport
