// Connection against the real wreg-server (127.0.0.1, port 0, a temp data dir) and, for what a
// real server does not do on demand, a scripted local peer (transport_testing.h).
#include "client/transport/connection.h"

#include <gtest/gtest.h>

#include "tests/unit/client/transport_testing.h"

namespace wreg::client::transport {
namespace {

using namespace client::testing;  // the shared helpers of transport_testing.h

TEST(ConnectionTest, ExchangesRequestsOnOneKeptAliveConnection) {
  auto settings = settings_for(real_server().url());
  std::atomic<std::uint64_t> sent{0};
  settings.requests_sent = &sent;
  Connection connection(settings);
  EXPECT_FALSE(connection.connected());
  ASSERT_EQ(connection.connect(), std::nullopt);
  EXPECT_TRUE(connection.connected());
  EXPECT_FALSE(connection.reused());

  auto health = connection.exchange(get("/healthz"), 1024);
  ASSERT_TRUE(std::holds_alternative<Answer>(health)) << std::get<Failure>(health).error.message;
  EXPECT_EQ(std::get<Answer>(health).status, 200);
  EXPECT_EQ(std::get<Answer>(health).body, "{\"status\":\"ok\"}");
  EXPECT_TRUE(std::get<Answer>(health).keep_alive);
  EXPECT_TRUE(connection.reused());

  auto missing = connection.exchange(get("/api/v1/packages/wasi/none"), 1024);
  ASSERT_TRUE(std::holds_alternative<Answer>(missing));
  EXPECT_EQ(std::get<Answer>(missing).status, 404);
  EXPECT_EQ(sent.load(), 2u);
}

TEST(ConnectionTest, AnAnswerPastTheLimitIsTooLarge) {
  auto settings = settings_for(real_server().url());
  Connection connection(settings);
  ASSERT_EQ(connection.connect(), std::nullopt);
  auto outcome = connection.exchange(get("/healthz"), 5);
  ASSERT_TRUE(std::holds_alternative<Failure>(outcome));
  const auto& failure = std::get<Failure>(outcome);
  EXPECT_EQ(failure.kind, Failure::Kind::kTooLarge);
  EXPECT_EQ(failure.error.code, ErrorCode::kTooLarge);
  EXPECT_EQ(failure.error.message,
            "registry " + real_server().url() + " sent an answer past 5 bytes");
}

TEST(ConnectionPeerTest, ARefusedConnectionIsUnreachableInOneLine) {
  const std::string url = "http://127.0.0.1:" + std::to_string(unused_port());
  auto settings = settings_for(url);
  Connection connection(settings);
  auto failure = connection.connect();
  ASSERT_NE(failure, std::nullopt);
  EXPECT_EQ(failure->kind, Failure::Kind::kUnreachable);
  EXPECT_EQ(failure->error.code, ErrorCode::kUnavailable);
  EXPECT_EQ(failure->error.message, "cannot reach registry " + url + ": connection refused");
  EXPECT_FALSE(connection.connected());
}

// The server closes a kept-alive connection after reading the next request without answering
// it: the exchange fails before any of the answer, on a connection that was reused.
TEST(ConnectionPeerTest, AKeptAliveConnectionClosedBeforeTheAnswerFailsBeforeTheAnswer) {
  LocalPeer peer([](PeerConnection& c) {
    if (!c.read_requests(1)) return;
    c.write(http_answer(200, "one"));
    c.read_requests(2);
  });
  ASSERT_NE(peer.port(), 0);
  auto settings = settings_for(peer.url());
  Connection connection(settings);
  ASSERT_EQ(connection.connect(), std::nullopt);
  auto first = connection.exchange(get("/a"), 1024);
  ASSERT_TRUE(std::holds_alternative<Answer>(first));
  EXPECT_EQ(std::get<Answer>(first).body, "one");
  EXPECT_TRUE(connection.reused());

  auto second = connection.exchange(get("/b"), 1024);
  ASSERT_TRUE(std::holds_alternative<Failure>(second));
  const auto& failure = std::get<Failure>(second);
  EXPECT_EQ(failure.kind, Failure::Kind::kBroken);
  EXPECT_TRUE(failure.before_answer);
  EXPECT_EQ(failure.error.message, "cannot reach registry " + peer.url() +
                                       ": the connection was closed before the answer");
}

TEST(ConnectionPeerTest, AConnectionClosedPartWayThroughTheBodyFailsAfterTheAnswerBegan) {
  LocalPeer peer([](PeerConnection& c) {
    if (!c.read_requests(1)) return;
    c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
  });
  ASSERT_NE(peer.port(), 0);
  auto settings = settings_for(peer.url());
  Connection connection(settings);
  ASSERT_EQ(connection.connect(), std::nullopt);
  auto outcome = connection.exchange(get("/a"), 1024);
  ASSERT_TRUE(std::holds_alternative<Failure>(outcome));
  EXPECT_EQ(std::get<Failure>(outcome).kind, Failure::Kind::kBroken);
  EXPECT_FALSE(std::get<Failure>(outcome).before_answer);
}

TEST(ConnectionPeerTest, SendsTheHeadersAndTheBodyAndReportsUploadProgress) {
  std::string received;
  LocalPeer peer([&](PeerConnection& c) {
    if (!c.read_requests(1) || !c.read_until("bytes")) return;
    received = c.received();
    c.write(http_answer(201, ""));
  });
  ASSERT_NE(peer.port(), 0);
  auto settings = settings_for(peer.url() + "/prefix");
  Connection connection(settings);
  ASSERT_EQ(connection.connect(), std::nullopt);
  Request put{
      boost::beast::http::verb::put, "/api/v1/x", {{"Digest-Sha256", "sha256:00"}}, "bytes"};
  std::uint64_t last_done = 0;
  std::uint64_t last_total = 0;
  auto outcome = connection.exchange(put, 1024, [&](std::uint64_t done, std::uint64_t total) {
    last_done = done;
    last_total = total;
  });
  ASSERT_TRUE(std::holds_alternative<Answer>(outcome));
  EXPECT_EQ(std::get<Answer>(outcome).status, 201);
  EXPECT_EQ(last_done, 5u);
  EXPECT_EQ(last_total, 5u);
  EXPECT_EQ(received,
            "PUT /prefix/api/v1/x HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(peer.port()) +
                "\r\nDigest-Sha256: sha256:00\r\nContent-Length: 5\r\n\r\nbytes");
}

}  // namespace
}  // namespace wreg::client::transport
