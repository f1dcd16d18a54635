// A TCP relay between wreg and a real wreg-server that can break one connection part-way
// through an answer: what a flaky network or a proxy with a short idle limit does to a client.
// It listens on 127.0.0.1 port 0 and relays every connection to the upstream port byte for byte,
// until told to cut: then the next connection it accepts is closed (both ways) once that many
// bytes have come back from upstream. A connection the upstream refuses is closed at once.
// It also counts, per connection, the requests the client had sent before the first byte of an
// answer came back: more than one means the client pipelined them.
//
// It can also be an HTTP proxy that tunnels (serve_connect()): then each connection must start
// with `CONNECT HOST:PORT HTTP/1.1` and a head of at most 16 KiB, which it keeps for the test to
// read, answers `200 Connection established` and relays the rest, to the upstream port whatever
// HOST:PORT says (every name is this machine, so a test can use a name that has no address), or,
// told to refuse, answers every CONNECT with given bytes, or with nothing at all.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace wreg::cli_test {

class CuttingProxy {
 public:
  explicit CuttingProxy(int upstream_port);
  ~CuttingProxy();
  CuttingProxy(const CuttingProxy&) = delete;
  CuttingProxy& operator=(const CuttingProxy&) = delete;

  // 0 when the listening socket could not be made.
  int port() const { return port_; }
  // Connections accepted from now on go to `port`: another server behind the same URL (a
  // registry restored from a backup, or one that shows some users another log).
  void retarget(int upstream_port) { upstream_port_ = upstream_port; }
  // The next connection accepted is closed after `bytes` bytes of answers.
  void cut_next_connection_after(std::size_t bytes);
  // From now on, a connection is a CONNECT tunnel (see the header comment).
  void serve_connect() { connect_mode_ = true; }
  // From now on, every CONNECT is answered with `answer` (raw bytes, e.g. a whole 407 answer),
  // and the connection closed; with "", it is never answered and stays open until the client
  // leaves or the proxy stops. serve_connect() is implied.
  void refuse_connect(std::string answer);
  // Tunnels opened (CONNECTs answered 200), and every CONNECT head received, in order.
  std::size_t tunnels() const { return tunnels_; }
  std::vector<std::string> connect_heads() const;
  // Connections accepted, and of those relayed (the upstream took them).
  std::size_t accepted() const { return accepted_; }
  std::size_t connections() const { return connections_; }
  std::size_t cuts() const { return cuts_; }
  // For each relayed connection, in the order they were accepted: how many requests (request
  // lines) the client had sent before the first byte of an answer came back on it.
  std::vector<std::size_t> requests_before_first_answer() const;

 private:
  void accept_loop();
  // Counts a relayed connection: its cut (0 for none) and its index in the counts.
  std::pair<std::size_t, std::size_t> count_relay();
  void relay(int client, int upstream, std::size_t cut_after, std::size_t index);
  // Serves one connection as a CONNECT proxy, relaying it on the same thread.
  void tunnel(int client);

  std::atomic<int> upstream_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> cut_next_{0};  // 0: relay in full
  std::atomic<std::size_t> accepted_{0};
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> cuts_{0};
  std::atomic<bool> connect_mode_{false};
  std::atomic<std::size_t> tunnels_{0};
  std::thread acceptor_;
  std::mutex relays_mutex_;
  std::vector<std::thread> relays_;  // guarded by relays_mutex_
  mutable std::mutex counts_mutex_;
  std::vector<std::size_t> requests_before_first_answer_;  // guarded by counts_mutex_
  std::optional<std::string> refusal_;                     // guarded by counts_mutex_
  std::vector<std::string> connect_heads_;                 // guarded by counts_mutex_
};

}  // namespace wreg::cli_test
