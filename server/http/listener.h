// Internal to server/http: accepts connections and starts a session for each.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <vector>

#include "server/http/session.h"

namespace wreg::http {

// Owns the listening socket. Each accepted socket goes to the next of the connection contexts in
// turn (one per server thread, so that a connection stays on one thread). Past the connection
// cap a session still starts, to answer 503, up to a small margin beyond which connections are
// closed at once. Accept errors (e.g. out of file descriptors) are logged and retried after a
// pause.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens on `io`, and starts connections on `connection_contexts` (not empty).
  // kInvalidArgument for a bad address; kUnavailable when it is in use.
  static Result<std::shared_ptr<Listener>> open(
      boost::asio::io_context& io, std::vector<boost::asio::io_context*> connection_contexts,
      const boost::asio::ip::tcp::endpoint& endpoint, boost::asio::ssl::context* tls,
      ServerContext& context);

  std::uint16_t port() const { return port_; }
  void start();
  // The TLS context of the connections accepted from now on. Call it on the listener's
  // io_context's thread; the context must outlive every session started with it.
  void use_tls(boost::asio::ssl::context* tls) { tls_ = tls; }
  // Closes the listening socket (on its io_context's thread). Thread-safe.
  void stop();

 private:
  Listener(boost::asio::io_context& io, std::vector<boost::asio::io_context*> connection_contexts,
           boost::asio::ssl::context* tls, ServerContext& context);
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  std::vector<boost::asio::io_context*> connection_contexts_;
  std::size_t next_context_ = 0;  // the context of the next connection, round-robin
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  boost::asio::ssl::context* tls_;
  ServerContext& context_;
  std::uint16_t port_ = 0;
};

}  // namespace wreg::http
