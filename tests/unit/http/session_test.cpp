// The session as a whole (server/http/session_impl.h), through the real Server on 127.0.0.1
// port 0 with routes of the test's own: pipelined requests (with bodies read into strings and
// streamed to a consumer) answered in order, HEAD, 204 and 304, pieces of files, a slow reader
// of large answers, and HTTP/1.0.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "server/http/access_log.h"
#include "server/http/metrics.h"
#include "server/http/router.h"
#include "server/http/server.h"
#include "tests/integration/http_client.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/http/patterned_bytes.h"

namespace wreg::http {
namespace {

using testing::Connection;
using testing::HttpResponse;
using testing::patterned_bytes;

// Collects a streamed body and answers with it, so that the test sees every byte arrived.
class CollectingConsumer : public BodyConsumer {
 public:
  Result<void> write(std::span<const std::uint8_t> chunk) override {
    received_.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return {};
  }
  Response finish(const Request& request) override {
    Response response = json_response(201, std::move(received_));
    response.set("X-Name", *request.param("name"));
    return response;
  }

 private:
  std::string received_;
};

class SessionTest : public ::testing::Test {
 protected:
  SessionTest()
      : big_(patterned_bytes(6 * 1024 * 1024 + 333, 1)),
        small_(patterned_bytes(1024 * 1024 + 5, 2)),
        big_file_(write_file("big", big_)),
        small_file_(write_file("small", small_)) {}

  void SetUp() override {
    Route echo;
    echo.handle = [](const Request& request) {
      Response response = json_response(200, *request.param("word"));
      response.set("X-Word", *request.param("word"));
      return response;
    };
    router_.add(Method::kGet, "/echo/{word}", echo);

    Route small;
    small.body = BodyKind::kSmall;
    small.body_limit = 1024;
    small.handle = [](const Request& request) { return json_response(200, request.body); };
    router_.add(Method::kPost, "/small", small);

    Route upload;
    upload.body = BodyKind::kStream;
    upload.open = [](const Request&) -> Route::Opened {
      return std::make_unique<CollectingConsumer>();
    };
    router_.add(Method::kPut, "/upload/{name}", upload);

    Route refusing;
    refusing.body = BodyKind::kStream;
    refusing.open = [](const Request&) -> Route::Opened {
      return error_response(403, "forbidden", "not here");
    };
    router_.add(Method::kPut, "/refused", refusing);

    Route text;
    text.handle = [this](const Request&) { return json_response(200, big_); };
    router_.add(Method::kGet, "/text", text);

    Route file;
    file.handle = [this](const Request& request) {
      const bool big = *request.param("which") == "big";
      Response response;
      response.set("Content-Type", "application/octet-stream");
      response.file =
          Response::File{big ? big_file_ : small_file_, 0, big ? big_.size() : small_.size()};
      return response;
    };
    router_.add(Method::kGet, "/file/{which}", file);

    Route piece;
    piece.handle = [this](const Request& request) {
      Response response;
      response.status = 206;
      response.file = Response::File{big_file_, std::stoull(*request.param("offset")),
                                     std::stoull(*request.param("length"))};
      return response;
    };
    router_.add(Method::kGet, "/piece/{offset}/{length}", piece);

    Route empty;
    empty.handle = [](const Request& request) {
      Response response;
      response.status = std::stoi(*request.param("status"));
      response.set("ETag", "\"e\"");
      response.body = "a body that must not be sent";
      return response;
    };
    router_.add(Method::kGet, "/empty/{status}", empty);

    Route broken;
    broken.handle = [](const Request&) {
      Response response = json_response(200, "{}");
      response.headers.emplace_back("X-Injected", "a\r\nSet-Cookie: stolen");
      return response;
    };
    router_.add(Method::kGet, "/broken", broken);

    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    auto server = Server::create(options, router_, log_, metrics_);
    ASSERT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
    thread_ = std::thread([this] { server_->run(); });
  }

  void TearDown() override {
    if (server_) server_->request_stop();
    if (thread_.joinable()) thread_.join();
  }

  std::uint16_t port() const { return server_->port(); }

  const std::string big_;    // past kSendfileLimit: goes out through the pread buffer
  const std::string small_;  // goes out by sendfile
  // The files the routes send, in a directory removed when the test ends.
  std::string write_file(const std::string& name, const std::string& bytes) {
    std::ofstream(directory_ / name, std::ios::binary) << bytes;
    return (directory_ / name).string();
  }
  testing::TempDir directory_;
  const std::string big_file_;
  const std::string small_file_;
  Router router_;
  std::ostringstream log_text_;
  AccessLog log_{log_text_};
  HttpMetrics metrics_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

std::string chunked(const std::string& bytes, std::size_t piece) {
  std::string out;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    const std::string part = bytes.substr(at, piece);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", part.size());
    out += size + part + "\r\n";
  }
  return out + "0\r\n\r\n";
}

TEST_F(SessionTest, PipelinedRequestsAreAnsweredInOrder) {
  const std::string sized = patterned_bytes(300 * 1024 + 1, 3);
  const std::string streamed = patterned_bytes(200 * 1024 + 7, 4);
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->send(
      "GET /echo/first HTTP/1.1\r\nHost: h\r\n\r\n"
      "PUT /upload/sized HTTP/1.1\r\nHost: h\r\nContent-Length: " +
      std::to_string(sized.size()) + "\r\n\r\n" + sized +
      "POST /small HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nsmall"
      "PUT /upload/chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
      chunked(streamed, 999) +
      "HEAD /file/small HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /piece/7/1000 HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /empty/304 HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /empty/204 HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /echo/last HTTP/1.1\r\nHost: h\r\n\r\n"));

  HttpResponse first = connection->read_response();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "first");
  HttpResponse upload = connection->read_response();
  EXPECT_EQ(upload.status, 201);
  EXPECT_EQ(upload.header("x-name"), "sized");
  EXPECT_TRUE(upload.body == sized) << "the sized upload differs: " << upload.body.size();
  HttpResponse small = connection->read_response();
  EXPECT_EQ(small.status, 200);
  EXPECT_EQ(small.body, "small");
  HttpResponse chunked_upload = connection->read_response();
  EXPECT_EQ(chunked_upload.status, 201);
  EXPECT_EQ(chunked_upload.header("x-name"), "chunked");
  EXPECT_TRUE(chunked_upload.body == streamed) << chunked_upload.body.size();
  HttpResponse head = connection->read_response(/*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(small_.size()));
  EXPECT_EQ(head.header("content-type"), "application/octet-stream");
  HttpResponse piece = connection->read_response();
  EXPECT_EQ(piece.status, 206);
  EXPECT_TRUE(piece.body == big_.substr(7, 1000));
  for (int status : {304, 204}) {
    HttpResponse empty = connection->read_response(/*head=*/true);
    EXPECT_EQ(empty.status, status);
    EXPECT_EQ(empty.header("etag"), "\"e\"");
    EXPECT_EQ(empty.headers.count("content-length"), 0u) << status;
  }
  // Had any of the bodies above been sent when it should not, this would read its bytes.
  HttpResponse last = connection->read_response();
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(last.body, "last");
}

// A client whose socket keeps filling up: answers larger than it takes at once go out piece by
// piece through the reactor, and every byte of each arrives, in order.
TEST_F(SessionTest, ASlowReaderGetsEveryByteOfLargeAnswersInOrder) {
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  connection->limit_receive_buffer(16 * 1024);
  ASSERT_TRUE(
      connection->send("GET /file/big HTTP/1.1\r\nHost: h\r\n\r\n"
                       "GET /text HTTP/1.1\r\nHost: h\r\n\r\n"
                       "GET /file/small HTTP/1.1\r\nHost: h\r\n\r\n"
                       "GET /piece/4194000/300000 HTTP/1.1\r\nHost: h\r\n\r\n"
                       "GET /echo/done HTTP/1.1\r\nHost: h\r\n\r\n"));
  HttpResponse big = connection->read_response();
  EXPECT_EQ(big.status, 200);
  EXPECT_TRUE(big.body == big_) << "the large file differs: " << big.body.size();
  HttpResponse text = connection->read_response();
  EXPECT_EQ(text.status, 200);
  EXPECT_TRUE(text.body == big_) << "the large text differs: " << text.body.size();
  HttpResponse small = connection->read_response();
  EXPECT_TRUE(small.body == small_) << "the small file differs: " << small.body.size();
  HttpResponse piece = connection->read_response();
  EXPECT_EQ(piece.status, 206);
  EXPECT_TRUE(piece.body == big_.substr(4194000, 300000)) << piece.body.size();
  EXPECT_EQ(connection->read_response().body, "done");
}

// A field that would break the head is never sent: the client gets a 500 instead, and the
// connection goes on.
TEST_F(SessionTest, AResponseFieldThatWouldBreakTheHeadBecomesA500) {
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(
      connection->send("GET /broken HTTP/1.1\r\nHost: h\r\n\r\n"
                       "GET /echo/after HTTP/1.1\r\nHost: h\r\n\r\n"));
  HttpResponse broken = connection->read_response();
  EXPECT_EQ(broken.status, 500);
  EXPECT_EQ(broken.headers.count("set-cookie"), 0u);
  EXPECT_EQ(broken.headers.count("x-injected"), 0u);
  EXPECT_EQ(connection->read_response().body, "after");
}

// Reads everything the server sends on a new connection after `request`, until it closes (or
// 10 s pass without a byte: a connection the server wrongly kept open).
std::string exchange(std::uint16_t port, const std::string& request) {
  auto connection = Connection::open(port, false, std::chrono::seconds(10));
  if (!connection || !connection->send(request)) return "";
  return connection->read_until_closed();
}

TEST_F(SessionTest, Http10IsAnsweredInKindAndClosedUnlessKeptAlive) {
  const std::string server = "Server: wreg/" WREG_VERSION "\r\n";
  EXPECT_EQ(exchange(port(), "GET /echo/old HTTP/1.0\r\n\r\n"),
            "HTTP/1.0 200 OK\r\n" + server +
                "Content-Type: application/json\r\nX-Word: old\r\nContent-Length: 3\r\n\r\nold");
  EXPECT_EQ(exchange(port(),
                     "GET /echo/kept HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                     "GET /echo/closed HTTP/1.0\r\n\r\n"),
            "HTTP/1.0 200 OK\r\n" + server +
                "Content-Type: application/json\r\nX-Word: kept\r\nConnection: keep-alive\r\n"
                "Content-Length: 4\r\n\r\nkept"
                "HTTP/1.0 200 OK\r\n" +
                server +
                "Content-Type: application/json\r\nX-Word: closed\r\nContent-Length: 6\r\n\r\n"
                "closed");
  EXPECT_EQ(exchange(port(), "GET /echo/last HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"),
            "HTTP/1.1 200 OK\r\n" + server +
                "Content-Type: application/json\r\nX-Word: last\r\nConnection: close\r\n"
                "Content-Length: 4\r\n\r\nlast");
}

// A body past the route's limit is refused with 413 and the connection closed, as it was not
// read; the consumer of a streamed route never sees the request.
TEST_F(SessionTest, ABodyPastItsLimitIsRefusedAndTheConnectionClosed) {
  const std::string answer =
      exchange(port(), "POST /small HTTP/1.1\r\nHost: h\r\nContent-Length: 1025\r\n\r\n" +
                           std::string(1025, 'x') + "GET /echo/never HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(answer.find("never"), std::string::npos);
}

// A streamed route that refuses a request before its body is read leaves that body in the
// socket: the answer says the connection closes, and what follows is never read as a request.
TEST_F(SessionTest, ARequestRefusedBeforeItsBodyClosesTheConnection) {
  const std::string answer =
      exchange(port(),
               "PUT /refused HTTP/1.1\r\nHost: h\r\nContent-Length: 40\r\n\r\n"
               "GET /echo/smuggled HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 403 Forbidden\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("smuggled"), std::string::npos) << answer;
  // With an empty body nothing is left unread, and the connection goes on.
  EXPECT_NE(exchange(port(),
                     "PUT /refused HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
                     "GET /echo/next HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
                .find("\r\n\r\nnext"),
            std::string::npos);
}

}  // namespace
}  // namespace wreg::http
