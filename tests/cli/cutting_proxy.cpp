#include "tests/cli/cutting_proxy.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace wreg::cli_test {
namespace {

constexpr int kPollMillis = 50;  // how soon a relay or the acceptor notices stopping_

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  return address;
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

constexpr std::string_view kEstablished = "HTTP/1.1 200 Connection established\r\n\r\n";
constexpr std::string_view kBadGateway =
    "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
constexpr std::string_view kNotConnect =
    "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

// A socket connected to 127.0.0.1 `port`, or -1.
int connect_upstream(int port) {
  int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto address = loopback(port);
  if (upstream < 0 ||
      ::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (upstream >= 0) ::close(upstream);
    return -1;
  }
  return upstream;
}

// Counts request lines in the client's bytes as they pass, across reads: every request line ends
// with the protocol version and a line break, and wreg's requests carry no body.
class RequestCounter {
 public:
  void add(const char* data, std::size_t size) {
    static constexpr std::string_view kEnd = " HTTP/1.1\r\n";
    tail_.append(data, size);
    for (auto at = tail_.find(kEnd); at != std::string::npos; at = tail_.find(kEnd)) {
      ++count_;
      tail_.erase(0, at + kEnd.size());
    }
    if (tail_.size() > kEnd.size()) tail_.erase(0, tail_.size() - kEnd.size());
  }
  std::size_t count() const { return count_; }

 private:
  std::string tail_;
  std::size_t count_ = 0;
};

}  // namespace

CuttingProxy::CuttingProxy(int upstream_port) : upstream_port_(upstream_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto address = loopback(0);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return;
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

CuttingProxy::~CuttingProxy() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::lock_guard lock(relays_mutex_);
  for (auto& relay : relays_) relay.join();
  if (listener_ >= 0) ::close(listener_);
}

void CuttingProxy::cut_next_connection_after(std::size_t bytes) {
  cut_next_ = std::max<std::size_t>(bytes, 1);
}

void CuttingProxy::accept_loop() {
  while (!stopping_) {
    pollfd waiting{listener_, POLLIN, 0};
    if (::poll(&waiting, 1, kPollMillis) <= 0) continue;
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++accepted_;
    if (connect_mode_) {
      std::lock_guard lock(relays_mutex_);
      relays_.emplace_back([this, client] { tunnel(client); });
      continue;
    }
    int upstream = connect_upstream(upstream_port_);
    if (upstream < 0) {
      ::close(client);
      continue;
    }
    // A pair, not a structured binding: clang 14 (CI's sanitizer build) cannot capture those.
    const auto counted = count_relay();
    std::lock_guard lock(relays_mutex_);
    relays_.emplace_back([this, client, upstream, counted] {
      relay(client, upstream, counted.first, counted.second);
    });
  }
}

std::pair<std::size_t, std::size_t> CuttingProxy::count_relay() {
  ++connections_;
  std::size_t cut_after = cut_next_.exchange(0);
  std::lock_guard counts(counts_mutex_);
  requests_before_first_answer_.push_back(0);
  return {cut_after, requests_before_first_answer_.size() - 1};
}

void CuttingProxy::refuse_connect(std::string answer) {
  std::lock_guard lock(counts_mutex_);
  refusal_ = std::move(answer);
  connect_mode_ = true;
}

std::vector<std::string> CuttingProxy::connect_heads() const {
  std::lock_guard lock(counts_mutex_);
  return connect_heads_;
}

void CuttingProxy::tunnel(int client) {
  // The head, read until its blank line; a client that sends more than 16 KiB without one, or
  // leaves, is dropped.
  std::string head;
  char buffer[4096];
  while (!stopping_ && head.find("\r\n\r\n") == std::string::npos && head.size() < 16 * 1024) {
    pollfd waiting{client, POLLIN, 0};
    if (::poll(&waiting, 1, kPollMillis) <= 0) continue;
    ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    head.append(buffer, static_cast<std::size_t>(got));
  }
  auto end = head.find("\r\n\r\n");
  if (end == std::string::npos) {
    ::close(client);
    return;
  }
  std::optional<std::string> refusal;
  {
    std::lock_guard lock(counts_mutex_);
    connect_heads_.push_back(head.substr(0, end + 4));
    refusal = refusal_;
  }
  if (!head.starts_with("CONNECT ")) {
    send_all(client, kNotConnect.data(), kNotConnect.size());
    ::close(client);
    return;
  }
  if (refusal && refusal->empty()) {
    // Silent: holds the connection until the client gives up or the proxy stops.
    while (!stopping_) {
      pollfd waiting{client, POLLIN, 0};
      if (::poll(&waiting, 1, kPollMillis) <= 0) continue;
      if (::recv(client, buffer, sizeof buffer, 0) <= 0) break;
    }
    ::close(client);
    return;
  }
  if (refusal) {
    send_all(client, refusal->data(), refusal->size());
    ::close(client);
    return;
  }
  int upstream = connect_upstream(upstream_port_);
  if (upstream < 0) {
    send_all(client, kBadGateway.data(), kBadGateway.size());
    ::close(client);
    return;
  }
  ++tunnels_;
  send_all(client, kEstablished.data(), kEstablished.size());
  // A client that sent bytes after its head (it should wait for the answer) has them passed on.
  if (head.size() > end + 4) send_all(upstream, head.data() + end + 4, head.size() - end - 4);
  auto [cut_after, index] = count_relay();
  relay(client, upstream, cut_after, index);
}

std::vector<std::size_t> CuttingProxy::requests_before_first_answer() const {
  std::lock_guard lock(counts_mutex_);
  return requests_before_first_answer_;
}

void CuttingProxy::relay(int client, int upstream, std::size_t cut_after, std::size_t index) {
  std::size_t answered = 0;
  RequestCounter requests;
  bool answer_seen = false;
  char buffer[16 * 1024];
  bool open = true;
  while (open && !stopping_) {
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (::poll(fds, 2, kPollMillis) <= 0) continue;
    for (int side = 0; side < 2 && open; ++side) {
      if (fds[side].revents == 0) continue;
      ssize_t got = ::recv(fds[side].fd, buffer, sizeof buffer, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        open = false;
        break;
      }
      std::size_t size = static_cast<std::size_t>(got);
      if (side == 0 && !answer_seen) {
        requests.add(buffer, size);
        std::lock_guard lock(counts_mutex_);
        requests_before_first_answer_[index] = requests.count();
      }
      if (side == 1) answer_seen = true;
      if (side == 1 && cut_after != 0 && answered + size >= cut_after) {
        send_all(client, buffer, cut_after - answered);
        ++cuts_;
        open = false;
        break;
      }
      if (side == 1) answered += size;
      if (!send_all(side == 0 ? upstream : client, buffer, size)) open = false;
    }
  }
  ::close(client);
  ::close(upstream);
}

}  // namespace wreg::cli_test
