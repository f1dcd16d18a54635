// ResponseOutput (server/http/response_output.h): a response's head and in-memory body reach a
// slow reader whole and in order through short writes, from an owned or a shared body; a client
// that went away is a failure, not a signal.
#include "server/http/response_output.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/http/patterned_bytes.h"
#include "tests/unit/http/socket_pair.h"

namespace wreg::http {
namespace {

using testing::patterned_bytes;
using testing::SocketPair;

// Sends `output` to the end over `pair` the way the session does, with a reader that takes at
// most `read_step` bytes each time the socket is full. Returns what arrived.
std::string send_to_slow_reader(ResponseOutput& output, SocketPair& pair, std::size_t read_step,
                                int* blocked = nullptr) {
  std::string received;
  for (;;) {
    const auto progress = output.send_some(pair.sender.get(), 0);
    if (progress == ResponseOutput::Progress::kDone) break;
    EXPECT_EQ(progress, ResponseOutput::Progress::kBlocked);
    if (progress != ResponseOutput::Progress::kBlocked) break;
    if (blocked) ++*blocked;
    if (pair.read_some(received, read_step) == 0) {
      ADD_FAILURE() << "blocked with nothing to read";
      break;
    }
  }
  return received + pair.read_all();
}

TEST(ResponseOutputTest, HeadAndOwnedBodyReachASlowReaderInOrder) {
  SocketPair pair;
  ASSERT_TRUE(pair.open());
  ResponseOutput output;
  const std::string head = "HTTP/1.1 200 OK\r\n" + patterned_bytes(3000, 1) + "\r\n\r\n";
  const std::string body = patterned_bytes(2 * 1024 * 1024 + 3, 2);
  output.new_head() = head;
  output.set_body(body);
  int blocked = 0;
  const std::string received = send_to_slow_reader(output, pair, 3000, &blocked);
  EXPECT_GT(blocked, 10) << "the socket never filled: no short write was tested";
  EXPECT_EQ(received.size(), head.size() + body.size());
  EXPECT_TRUE(received == head + body) << "the bytes differ";
  EXPECT_TRUE(output.done());
}

TEST(ResponseOutputTest, ASharedBodyIsSentFromWhereItLives) {
  SocketPair pair;
  ASSERT_TRUE(pair.open());
  ResponseOutput output;
  auto shared = std::make_shared<const std::string>(patterned_bytes(300000, 3));
  output.new_head() = "HTTP/1.1 200 OK\r\n\r\n";
  output.set_body(shared);
  EXPECT_EQ(output.unsent()[1].data(), shared->data()) << "the body was copied";
  const std::string received = send_to_slow_reader(output, pair, 10000);
  EXPECT_TRUE(received == "HTTP/1.1 200 OK\r\n\r\n" + *shared);
  output.release();
  EXPECT_EQ(shared.use_count(), 1) << "the shared body is still held after it went out";
}

// A head alone (HEAD, 304) and then, on the same connection, the next response: nothing of the
// first is sent twice or left out.
TEST(ResponseOutputTest, ResponsesFollowEachOtherOnOneOutput) {
  SocketPair pair;
  ASSERT_TRUE(pair.open());
  ResponseOutput output;
  std::string expected;
  for (int i = 0; i < 3; ++i) {
    const std::string head = "HTTP/1.1 304 Not Modified\r\nX-I: " + std::to_string(i) + "\r\n\r\n";
    output.new_head() = head;
    expected += head;
    EXPECT_EQ(send_to_slow_reader(output, pair, 100000), head);
    output.release();

    const std::string body =
        patterned_bytes(50000 + static_cast<std::size_t>(i), static_cast<unsigned>(i));
    output.new_head() = "HTTP/1.1 200 OK\r\n\r\n";
    output.set_body(body);
    EXPECT_TRUE(send_to_slow_reader(output, pair, 4000) == "HTTP/1.1 200 OK\r\n\r\n" + body) << i;
    output.release();
  }
}

TEST(ResponseOutputTest, UnsentIsWhatIsLeftAfterAPartialWrite) {
  ResponseOutput output;
  output.new_head() = "HEAD";
  output.set_body(std::string("BODY"));
  output.sent(2);
  auto unsent = output.unsent();
  EXPECT_EQ(std::string(unsent[0].data(), unsent[0].size()), "AD");
  EXPECT_EQ(std::string(unsent[1].data(), unsent[1].size()), "BODY");
  output.sent(3);
  unsent = output.unsent();
  EXPECT_TRUE(unsent[0].empty());
  EXPECT_EQ(std::string(unsent[1].data(), unsent[1].size()), "ODY");
  EXPECT_FALSE(output.done());
  output.sent(3);
  EXPECT_TRUE(output.done());
}

TEST(ResponseOutputTest, AClientThatWentAwayIsAFailure) {
  SocketPair pair;
  ASSERT_TRUE(pair.open());
  pair.receiver.reset();
  ResponseOutput output;
  output.new_head() = "HTTP/1.1 200 OK\r\n\r\n";
  output.set_body(std::string(1000, 'x'));
  // MSG_NOSIGNAL: EPIPE, not SIGPIPE, which would end this test's process.
  EXPECT_EQ(output.send_some(pair.sender.get(), 0), ResponseOutput::Progress::kFailed);
}

TEST(ResponseOutputTest, TheBodyIsLetGoOnceItWentOut) {
  SocketPair pair;
  ASSERT_TRUE(pair.open(1 << 20));
  ResponseOutput output;
  output.new_head() = "H";
  output.set_body(std::string(kKeptBodyCapacity + 1, 'b'));
  EXPECT_EQ(send_to_slow_reader(output, pair, 1 << 20).size(), kKeptBodyCapacity + 2);
  output.release();
  output.new_head() = "H";
  EXPECT_EQ(output.unsent()[1].size(), 0u) << "the body of the last response is still there";
}

}  // namespace
}  // namespace wreg::http
