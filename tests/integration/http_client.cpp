#include "tests/integration/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace wreg::testing {

namespace {

std::string lowercase(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string HttpResponse::header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? std::string() : it->second;
}

std::unique_ptr<Connection> Connection::open(std::uint16_t port, bool tls,
                                             std::chrono::milliseconds timeout,
                                             int only_tls_version) {
  std::unique_ptr<Connection> connection(new Connection());
  connection->fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connection->fd_ < 0) return nullptr;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(connection->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(connection->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(connection->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(connection->fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return nullptr;
  }
  if (tls) {
    SSL_CTX* context = SSL_CTX_new(TLS_client_method());
    connection->ssl_context_ = context;
    if (only_tls_version != 0) {
      SSL_CTX_set_security_level(context, 0);
      SSL_CTX_set_min_proto_version(context, only_tls_version);
      SSL_CTX_set_max_proto_version(context, only_tls_version);
    }
    SSL* ssl = SSL_new(context);
    connection->ssl_ = ssl;
    SSL_set_fd(ssl, connection->fd_);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) != 1) return nullptr;
  }
  return connection;
}

Connection::~Connection() {
  if (ssl_) {
    SSL_shutdown(static_cast<SSL*>(ssl_));
    SSL_free(static_cast<SSL*>(ssl_));
  }
  if (ssl_context_) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_context_));
  if (fd_ >= 0) ::close(fd_);
}

std::string Connection::tls_version() const {
  return ssl_ ? SSL_get_version(static_cast<SSL*>(ssl_)) : "";
}

std::string Connection::peer_common_name() const {
  if (!ssl_) return "";
  X509* certificate = SSL_get0_peer_certificate(static_cast<SSL*>(ssl_));
  if (!certificate) return "";
  char name[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, name,
                                sizeof name) < 0) {
    return "";
  }
  return name;
}

bool Connection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    long n = 0;
    if (ssl_) {
      n = SSL_write(static_cast<SSL*>(ssl_), bytes.data() + sent,
                    static_cast<int>(std::min<std::size_t>(bytes.size() - sent, 1 << 20)));
    } else {
      n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    }
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool Connection::shutdown_write() { return ::shutdown(fd_, SHUT_WR) == 0; }

void Connection::limit_receive_buffer(int bytes) {
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

long Connection::read_some(char* buffer, std::size_t size) {
  if (ssl_) return SSL_read(static_cast<SSL*>(ssl_), buffer, static_cast<int>(size));
  return ::recv(fd_, buffer, size, 0);
}

HttpResponse Connection::read_response(bool head, bool interim) {
  HttpResponse response;
  char buffer[65536];
  std::size_t header_end = std::string::npos;
  while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    long n = read_some(buffer, sizeof buffer);
    if (n <= 0) {
      response.error = "connection closed before a whole response header arrived";
      return response;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
  std::string header = pending_.substr(0, header_end);
  pending_.erase(0, header_end + 4);

  std::size_t line_end = header.find("\r\n");
  std::string status_line = header.substr(0, line_end);
  if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) {
    response.error = "bad status line: " + status_line;
    return response;
  }
  response.status = std::stoi(status_line.substr(9, 3));
  std::size_t position = line_end == std::string::npos ? header.size() : line_end + 2;
  while (position < header.size()) {
    std::size_t end = header.find("\r\n", position);
    if (end == std::string::npos) end = header.size();
    std::string line = header.substr(position, end - position);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      response.headers[lowercase(line.substr(0, colon))] = value;
    }
    position = end + 2;
  }
  if (response.status == 100) return interim ? response : read_response(head);

  bool no_body = head || response.status == 304 || response.status == 204;
  if (no_body) return response;
  auto length_text = response.header("content-length");
  if (length_text.empty()) {
    // Until the server closes (it always sends Content-Length; this is a fallback).
    while (true) {
      long n = read_some(buffer, sizeof buffer);
      if (n <= 0) break;
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
    response.body = std::move(pending_);
    pending_.clear();
    return response;
  }
  std::size_t length = std::stoull(length_text);
  while (pending_.size() < length) {
    long n = read_some(buffer, sizeof buffer);
    if (n <= 0) {
      response.error = "connection closed in the middle of the body";
      break;
    }
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
  response.body = pending_.substr(0, std::min(length, pending_.size()));
  pending_.erase(0, response.body.size());
  return response;
}

std::string Connection::read_until_closed() {
  std::string received = std::move(pending_);
  pending_.clear();
  char buffer[65536];
  for (long n; (n = read_some(buffer, sizeof buffer)) > 0;) {
    received.append(buffer, static_cast<std::size_t>(n));
  }
  return received;
}

bool Connection::closed_by_peer(std::chrono::milliseconds wait) {
  pollfd descriptor{fd_, POLLIN, 0};
  if (::poll(&descriptor, 1, static_cast<int>(wait.count())) <= 0) return false;
  char byte;
  long n = read_some(&byte, 1);
  return n <= 0;
}

HttpResponse request(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, bool tls) {
  auto connection = Connection::open(port, tls);
  if (!connection) {
    HttpResponse failed;
    failed.error = "cannot connect";
    return failed;
  }
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    text += name + ": " + value + "\r\n";
    if (lowercase(name) == "content-length") has_length = true;
  }
  if (!has_length && (!body.empty() || method == "PUT" || method == "POST")) {
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "Connection: close\r\n\r\n";
  text += body;
  if (!connection->send(text)) {
    // The server may answer and close before the whole body is sent (413, 401): read it anyway.
  }
  return connection->read_response(method == "HEAD");
}

}  // namespace wreg::testing
