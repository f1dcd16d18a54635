// A small HTTP/1.1 client for the integration tests: plain POSIX sockets (and OpenSSL for
// HTTPS), so that tests can also send what no real client library would (raw targets, huge
// headers, bodies that stop half way).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wreg::testing {

struct HttpResponse {
  int status = 0;  // 0: the connection closed or failed before a status line arrived
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string error;  // what failed, when status is 0

  std::string header(const std::string& lowercase_name) const;
};

// One connection to 127.0.0.1:port. Every read and write is bounded by `timeout`.
class Connection {
 public:
  // Connects; with `tls`, does a TLS handshake first (the server's certificate is not verified:
  // tests use a self-signed one, and check the TLS version instead).
  // `only_tls_version` (e.g. TLS1_1_VERSION) offers just that version, with OpenSSL's
  // security level lowered so that the client itself does not refuse it: for testing that the
  // server refuses old versions.
  static std::unique_ptr<Connection> open(
      std::uint16_t port, bool tls = false,
      std::chrono::milliseconds timeout = std::chrono::seconds(30), int only_tls_version = 0);
  ~Connection();

  bool send(const std::string& bytes);
  // Reads one response (status line, headers, Content-Length body; no body for HEAD/304/204).
  // A `100 Continue` is skipped unless `interim` is true.
  HttpResponse read_response(bool head = false, bool interim = false);
  // Everything the server sends from here on, until it closes the connection (or a read fails,
  // or `timeout` passes without a byte).
  std::string read_until_closed();
  // True when the server closed the connection (read returns 0 or an error) within `wait`.
  bool closed_by_peer(std::chrono::milliseconds wait);
  // Half-closes a plain connection: the server sees the end of the stream, and the answer can
  // still be read. For requests whose body stops short of what the header promised.
  bool shutdown_write();
  // Caps the kernel's receive buffer at about `bytes` (no autotuning): a client that reads
  // slowly, or not at all, fills up after a few KiB of answers instead of megabytes.
  void limit_receive_buffer(int bytes);
  // The negotiated TLS version ("TLSv1.3"), empty for plain connections.
  std::string tls_version() const;
  // The common name of the server's certificate, empty for plain connections.
  std::string peer_common_name() const;

 private:
  Connection() = default;
  long read_some(char* buffer, std::size_t size);

  int fd_ = -1;
  void* ssl_ = nullptr;          // SSL*
  void* ssl_context_ = nullptr;  // SSL_CTX*
  std::string pending_;          // bytes read past the previous response
};

// One request on a new connection, with `Connection: close`. `headers` are sent as given.
HttpResponse request(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers = {},
                     const std::string& body = {}, bool tls = false);

}  // namespace wreg::testing
