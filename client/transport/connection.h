// Connection: one HTTP/1.1 connection to a registry, plain TCP or TLS, kept alive across
// requests.
//
// TLS verifies the server's certificate chain against the system store (OpenSSL's default paths,
// so SSL_CERT_FILE and SSL_CERT_DIR work) plus a `ca_file` when given, and the host name or IP
// address against the certificate; there is no switch to turn that off. A failed verification
// names OpenSSL's reason and how to trust a private CA.
//
// Each connection owns an I/O context and runs its own steps to completion on the calling
// thread: an asynchronous operation is started with a deadline on the stream, then the context
// is run until it finishes. That gives synchronous code with Beast's per-operation timeouts
// (connect_timeout for the connect and the handshake, io_timeout for every read or write step),
// and lets several threads each use a connection of their own at once.
//
// connection.cpp is the only client file that includes Beast, Asio and OpenSSL's TLS; this
// header keeps them out (STYLE.md, "Module boundaries"). Not thread-safe: one thread at a time
// (the pool, connection_pool.h, hands a connection to one caller).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "client/transport/endpoint.h"
#include "client/transport/message.h"
#include "client/transport/proxy.h"
#include "common/result.h"

namespace wreg::client::transport {

// OpenSSL's client context for one registry: trusted certificates and protocol versions.
class TlsContext;

// A context that trusts the system store plus `ca_file` (PEM) when non-empty, TLS 1.2 or later.
// Reads OpenSSL's configuration first when defer_openssl_config() put that off. kIo when the
// context cannot be made, naming `ca_file`.
Result<std::shared_ptr<TlsContext>> make_tls_context(const std::filesystem::path& ca_file);

// See defer_openssl_config() in client/registry_client.h, which calls this.
void defer_openssl_config();

struct ConnectionSettings {
  std::string registry;  // the registry URL, for messages
  Endpoint endpoint;
  std::shared_ptr<TlsContext> tls;  // for https; null for http
  // Set: every connection is a CONNECT tunnel through this proxy to the endpoint (proxy.h).
  std::optional<Proxy> proxy;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{60'000};     // per read or write step
  std::chrono::milliseconds stall_timeout{30'000};  // TransportOptions::stall_timeout
  // Counts every request written (every attempt), when set; shared by all connections.
  std::atomic<std::uint64_t>* requests_sent = nullptr;
};

class Connection {
 public:
  // Opens nothing yet. `settings` must outlive the connection.
  explicit Connection(const ConnectionSettings& settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const;
  // Whether an answer has come over this connection already: a kept-alive connection, which the
  // server may have closed since (then the next request fails before any answer arrives).
  bool reused() const;

  // Looks the host up (an IP address needs no lookup), connects and, for https, does the TLS
  // handshake. With a proxy, it connects to the proxy instead and asks it for a tunnel to the
  // registry's host and port (CONNECT, with Proxy-Authorization when the proxy URL has a user),
  // reading at most 8 KiB of its answer within connect_timeout; the handshake then runs inside
  // the tunnel, against the registry's name. A failure is kUnreachable (`cannot reach registry
  // URL: connection refused`, `... through proxy http://HOST:PORT: ...`, a proxy that closes
  // or answers 5xx), kTlsRefused (with OpenSSL's reason and, for a certificate, how to trust a
  // private CA) or kSetup (a proxy that refuses the tunnel with a 4xx, does not answer within
  // connect_timeout, or does not speak HTTP, saying what to do); the connection is not usable
  // afterwards.
  std::optional<Failure> connect();

  // Writes `request`, then reads its answer: at most `limit` body bytes, else kTooLarge (told
  // by the Content-Length before the body is read, when the server sends one). `upload` hears
  // of the body bytes written, `download` of those read. Needs connect() first. When the send
  // fails part-way, an answer the server sent before closing (a refusal of a large upload, made
  // before reading its body) is read and returned, with keep_alive false; only without one is
  // the send's failure returned.
  std::variant<Answer, Failure> exchange(const Request& request, std::uint64_t limit,
                                         const Progress& upload = {},
                                         const Progress& download = {});

  // For pipelining: writes every request of `requests` (bodiless) in one write, so that the
  // server reads them together; then read_answer() reads their answers in order.
  std::optional<Failure> write_all(std::span<const Request> requests);
  // Reads the next answer, as exchange() does.
  std::variant<Answer, Failure> read_answer(std::uint64_t limit, const Progress& download = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wreg::client::transport
