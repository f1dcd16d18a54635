#include "server/http/listener.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "common/text.h"

namespace wreg::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
constexpr std::size_t kRefusalMargin = 64;
}

Listener::Listener(net::io_context& io, std::vector<net::io_context*> connection_contexts,
                   net::ssl::context* tls, ServerContext& context)
    : connection_contexts_(std::move(connection_contexts)),
      acceptor_(io),
      retry_(io),
      tls_(tls),
      context_(context) {}

Result<std::shared_ptr<Listener>> Listener::open(net::io_context& io,
                                                 std::vector<net::io_context*> connection_contexts,
                                                 const tcp::endpoint& endpoint,
                                                 net::ssl::context* tls, ServerContext& context) {
  std::shared_ptr<Listener> listener(
      new Listener(io, std::move(connection_contexts), tls, context));
  boost::system::error_code ec;
  auto& acceptor = listener->acceptor_;
  std::string where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (ec == net::error::address_in_use) {
    return fail(ErrorCode::kUnavailable,
                where + " is already in use; stop the other server or pick another --listen");
  }
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot listen on " + where + ": " + ec.message() +
                    "; give --listen HOST:PORT with an address of this machine");
  }
  listener->port_ = acceptor.local_endpoint(ec).port();
  return listener;
}

void Listener::start() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_.cancel();
  });
}

void Listener::do_accept() {
  if (!acceptor_.is_open()) return;
  net::io_context& next = *connection_contexts_[next_context_];
  next_context_ = (next_context_ + 1) % connection_contexts_.size();
  acceptor_.async_accept(
      next.get_executor(),
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    context_.log.note("accepting a connection failed: " + ec.message() + "; retrying");
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  auto open =
      static_cast<std::size_t>(std::max<std::int64_t>(context_.metrics.open_connections(), 0));
  if (open >= context_.options.max_connections + kRefusalMargin) {
    context_.metrics.connection_refused();
    boost::system::error_code ignored;
    socket.close(ignored);
  } else {
    // A response goes out as a header write and a body write; with Nagle's algorithm the body
    // waits for the client's delayed ACK of the header (40 ms on Linux) on a kept-alive
    // connection. Found by tests/reliability/load: every blob GET took 40-50 ms.
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    start_session(std::move(socket), tls_, context_, open >= context_.options.max_connections);
  }
  do_accept();
}

}  // namespace wreg::http
