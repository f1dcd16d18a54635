// Internal to server/http: the state shared by the listener and its sessions, and the functions
// that start a session. Includes Asio; only server/http/*.cpp include it.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/http/access_log.h"
#include "server/http/metrics.h"
#include "server/http/router.h"
#include "server/http/server.h"

namespace wreg::http {

// What every session may call on a graceful stop. Implemented by Session<Stream>.
class SessionHandle {
 public:
  virtual ~SessionHandle() = default;
  // Posts to the session's thread: closes it if it is in its TLS handshake or waits for a new
  // request, else makes the request in flight its last one. Thread-safe.
  virtual void stop() = 0;
};

// Shared by the listener and every session; lives as long as the Server.
struct ServerContext {
  ServerContext(const ServerOptions& server_options, const Router& server_router,
                AccessLog& access_log, HttpMetrics& http_metrics)
      : options(server_options), router(server_router), log(access_log), metrics(http_metrics) {}

  const ServerOptions options;
  const Router& router;
  AccessLog& log;
  HttpMetrics& metrics;
  std::atomic<bool> stopping{false};

  // Live sessions, so that a stop can reach the idle ones. A session adds itself when it starts
  // and removes itself in its destructor. Held weakly: the map never keeps a session alive.
  std::mutex sessions_mutex;
  std::unordered_map<SessionHandle*, std::weak_ptr<SessionHandle>> sessions;  // sessions_mutex

  void add(const std::shared_ptr<SessionHandle>& session);
  void remove(SessionHandle* session);
  // Calls stop() on every live session.
  void stop_sessions();
};

// Starts serving one accepted connection. `over_capacity` sessions answer their first request
// with 503 and close. `tls` null: plain HTTP.
void start_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
                   ServerContext& context, bool over_capacity);

// The two halves of start_session(), each in its own translation unit (session_plain.cpp,
// session_tls.cpp) because instantiating Session for both stream types in one took most of the
// server's compile time.
void start_plain_session(boost::asio::ip::tcp::socket socket, ServerContext& context,
                         bool over_capacity);
void start_tls_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                       ServerContext& context, bool over_capacity);

}  // namespace wreg::http
