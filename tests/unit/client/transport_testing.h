// What the tests of the registry client's transport (client/transport/) share: the real
// wreg-server this test process shares (tests/cli/cli_harness.h), and LocalPeer, a real TCP peer
// on 127.0.0.1 (port 0) that plays an HTTP server from a script, for what the real server does
// not do on demand: answer part of a pipelined batch, close a kept-alive connection while it is
// idle, answer 5xx, send too much.
//
// A peer's script runs on the peer's own thread, once for each connection it accepts, one
// connection at a time; the connection is closed when the script returns.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "client/transport/connection.h"
#include "tests/cli/cli_harness.h"

namespace wreg::client::testing {

class PeerConnection {
 public:
  explicit PeerConnection(int fd) : fd_(fd) {}
  // Reads until `count` requests in all have arrived on this connection (each counted at the
  // blank line that ends its head; requests here carry no body). False when the client closed
  // the connection first.
  bool read_requests(std::size_t count);
  // Reads until what has arrived contains `text`; false when the client closed first.
  bool read_until(std::string_view text);
  // Writes all of `bytes`.
  void write(std::string_view bytes);
  // What has arrived so far.
  const std::string& received() const { return received_; }

 private:
  int fd_;
  std::string received_;
  std::size_t requests_ = 0;
};

// An HTTP/1.1 answer with a Content-Length, and `Connection: close` unless `keep_alive`.
std::string http_answer(int status, std::string_view body, bool keep_alive = true);

class LocalPeer {
 public:
  using Script = std::function<void(PeerConnection&)>;
  // Listens at once; port() is 0 when it cannot.
  explicit LocalPeer(Script script);
  // Stops accepting, closes the connection being served (a script waiting for requests then
  // sees the client gone) and waits for the script to end.
  ~LocalPeer();
  LocalPeer(const LocalPeer&) = delete;
  LocalPeer& operator=(const LocalPeer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Connections accepted so far.
  std::size_t accepted() const { return accepted_.load(); }

 private:
  void accept_loop();

  Script script_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<std::size_t> accepted_{0};
  std::mutex mutex_;
  int serving_ = -1;       // guarded by mutex_: the connection the script is on
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on: bound, then closed.
int unused_port();

// The real wreg-server this test process shares; throws (failing the test) when it cannot start.
cli_test::Registry& real_server();

// Settings for a connection to `url` (a normalized registry URL), with a 20 s deadline per read
// or write, counting requests in `sent` when it is not null.
transport::ConnectionSettings settings_for(const std::string& url,
                                           std::atomic<std::uint64_t>* sent = nullptr);

// GET `target`, with no header of its own.
transport::Request get(const std::string& target);

}  // namespace wreg::client::testing
