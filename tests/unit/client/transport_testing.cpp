#include "tests/unit/client/transport_testing.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace wreg::client::testing {
namespace {

// A socket listening on 127.0.0.1 at a port the system chose, written to `port`; -1 when it
// cannot be made.
int listen_on_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

bool PeerConnection::read_requests(std::size_t count) {
  char buffer[4096];
  while (requests_ < count) {
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    const std::size_t searched_from = received_.size() < 3 ? 0 : received_.size() - 3;
    received_.append(buffer, static_cast<std::size_t>(n));
    for (auto at = received_.find("\r\n\r\n", searched_from); at != std::string::npos;
         at = received_.find("\r\n\r\n", at + 4)) {
      ++requests_;
    }
  }
  return true;
}

bool PeerConnection::read_until(std::string_view text) {
  char buffer[4096];
  while (received_.find(text) == std::string::npos) {
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    received_.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

void PeerConnection::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string http_answer(int status, std::string_view body, bool keep_alive) {
  return "HTTP/1.1 " + std::to_string(status) +
         " Status\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         (keep_alive ? "" : "Connection: close\r\n") + "\r\n" + std::string(body);
}

LocalPeer::LocalPeer(Script script) : script_(std::move(script)) {
  listener_ = listen_on_loopback(port_);
  if (listener_ >= 0) thread_ = std::thread([this] { accept_loop(); });
}

LocalPeer::~LocalPeer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (serving_ >= 0) ::shutdown(serving_, SHUT_RDWR);
  }
  // Wakes accept() (Linux answers it with EINVAL once the socket is shut down).
  if (listener_ >= 0) ::shutdown(listener_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  if (listener_ >= 0) ::close(listener_);
}

void LocalPeer::accept_loop() {
  for (;;) {
    int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      serving_ = fd;
    }
    ++accepted_;
    PeerConnection connection(fd);
    script_(connection);
    {
      std::lock_guard lock(mutex_);
      serving_ = -1;
    }
    ::close(fd);
  }
}

int unused_port() {
  int port = 0;
  int fd = listen_on_loopback(port);
  if (fd >= 0) ::close(fd);
  return port;
}

cli_test::Registry& real_server() {
  auto* registry = cli_test::shared_registry();
  if (registry == nullptr) throw std::runtime_error(cli_test::shared_registry_error());
  return *registry;
}

transport::ConnectionSettings settings_for(const std::string& url,
                                           std::atomic<std::uint64_t>* sent) {
  transport::ConnectionSettings settings;
  settings.registry = url;
  settings.endpoint = transport::endpoint_of(url);
  settings.io_timeout = std::chrono::milliseconds(20'000);
  settings.requests_sent = sent;
  return settings;
}

transport::Request get(const std::string& target) {
  transport::Request request;
  request.target = target;
  return request;
}

}  // namespace wreg::client::testing
