// The HTTP(S) server: accepts connections and feeds requests through the Router.
//
// How it works (server/http/*.cpp hold the Beast parts; this header stays free of Beast so that
// main.cpp and the handlers compile quickly):
//   - Each of the `threads` threads runs an io_context of its own, and the listener hands the
//     connections to them in turn: a connection's steps all run on one thread, and connections
//     on different threads run in parallel. A socket is watched only by the thread that serves
//     it, so the data arriving for one connection wakes no other thread.
//   - A session reads the request header first (bounded by `max_header_bytes` and
//     `header_timeout`), asks the router for the route, then reads the body the way the route
//     says: into a string for JSON routes, or chunk by chunk into the route's BodyConsumer for a
//     publish. Every read of the body restarts `body_idle_timeout`, so a client that stops
//     sending is dropped while a slow but steady upload is not.
//   - A session is three units, each with one job: Session (session_impl.h) is the connection's
//     state machine (handshake, wait, route, keep-alive or close, the access log and metrics);
//     RequestReader (request_reader.h) reads headers and bodies, by the rules of
//     request_header.h; ResponseWriter (response_writer.h) sends the answers, their head from
//     response_head.h and their bytes through ResponseOutput and FileSender.
//   - Handlers run on the connection's thread and may block on the store (a publish's fsyncs,
//     a few ms): meanwhile the other connections of that thread wait, those of the other
//     threads do not.
//   - request_stop() (called on SIGINT/SIGTERM) closes the listening socket, closes idle
//     connections, lets requests in flight finish and then closes their connections; run()
//     returns once every connection is gone.
//   - reload_tls() (called on SIGHUP: `systemctl reload`) reads the certificate and key files
//     again, for a renewed certificate. New connections get the new one; open connections keep
//     theirs and are not dropped. A file that cannot be used is logged and the old pair kept.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "server/http/client_address.h"
#include "server/http/router.h"

namespace boost::asio {
class io_context;
}

namespace wreg::http {

class AccessLog;
class HttpMetrics;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;                   // 0: the OS picks a free port (see Server::port())
  unsigned threads = 0;                        // 0: the number of cores
  std::optional<std::string> tls_cert;         // PEM certificate chain; with tls_key, serve HTTPS
  std::optional<std::string> tls_key;          // PEM private key
  std::uint64_t max_header_bytes = 16 * 1024;  // beyond: 431
  std::uint64_t max_body_bytes = 100 * 1024 * 1024;      // beyond: 413 (streamed routes)
  std::chrono::milliseconds header_timeout{10'000};      // whole header must arrive within this
  std::chrono::milliseconds body_idle_timeout{30'000};   // longest pause while reading a body
  std::chrono::milliseconds keep_alive_timeout{60'000};  // idle time between requests
  std::size_t max_connections = 1024;                    // beyond: 503 and close
  // Peers whose Forwarded / X-Forwarded-For the access log believes (client_address.h).
  std::vector<AddressRange> trusted_proxies;
};

class Server {
 public:
  // Binds and listens (so that port() is known when this returns), loads the TLS certificate
  // and key when given. kInvalidArgument for a bad address or unreadable certificate or key
  // (the message names the file); kUnavailable when the address is in use.
  // `router`, `log` and `metrics` must outlive the server.
  static Result<std::unique_ptr<Server>> create(const ServerOptions& options, const Router& router,
                                                AccessLog& log, HttpMetrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port the server listens on.
  std::uint16_t port() const;
  bool tls() const;

  // Runs the io_context on the configured threads until request_stop() and every connection
  // has closed. SIGINT and SIGTERM call request_stop(), SIGHUP reload_tls(). Blocks the calling
  // thread.
  void run();

  // Starts the TLS reload described above; logs what happened. Thread-safe.
  void reload_tls();

  // Starts the graceful stop described above. Thread-safe; may be called more than once.
  void request_stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  static Result<std::unique_ptr<Server>> create_or_throw(const ServerOptions& options,
                                                         const Router& router, AccessLog& log,
                                                         HttpMetrics& metrics);
  void run_thread(boost::asio::io_context& io);
  void wait_for_signal();
  std::unique_ptr<Impl> impl_;
};

}  // namespace wreg::http
