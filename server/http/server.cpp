#include "server/http/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <exception>
#include <thread>
#include <vector>

#include "common/text.h"
#include "server/http/listener.h"
#include "server/http/tls.h"

namespace wreg::http {

namespace net = boost::asio;

struct Server::Impl {
  Impl(const ServerOptions& options, const Router& router, AccessLog& log, HttpMetrics& metrics)
      : context(options, router, log, metrics), signals(io, SIGINT, SIGTERM) {}

  net::io_context io;
  ServerContext context;
  std::unique_ptr<net::ssl::context> tls;
  std::shared_ptr<Listener> listener;
  net::signal_set signals;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::create(const ServerOptions& options, const Router& router,
                                               AccessLog& log, HttpMetrics& metrics) {
  // Asio reports resource failures while setting up (signal handlers, contexts) by throwing.
  try {
    return create_or_throw(options, router, log, metrics);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("cannot start the HTTP server: ") + e.what());
  }
}

Result<std::unique_ptr<Server>> Server::create_or_throw(const ServerOptions& options,
                                                        const Router& router, AccessLog& log,
                                                        HttpMetrics& metrics) {
  // A write to a connection the client has closed raises SIGPIPE unless it passes MSG_NOSIGNAL,
  // and the default action kills the whole server: sendfile(2), which once sent blobs, has no
  // such flag and did (exit status 141 after a wrk run on a 1 MiB blob). Ignored, any such call
  // fails with EPIPE and only that response is abandoned.
  std::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>(options, router, log, metrics);
  if (options.tls_cert.has_value() != options.tls_key.has_value()) {
    return fail(ErrorCode::kInvalidArgument,
                "HTTPS needs both --tls-cert and --tls-key; give both, or neither for HTTP");
  }
  if (options.tls_cert) {
    auto tls = make_tls_context(*options.tls_cert, *options.tls_key);
    if (!tls) return std::move(tls).error();
    impl->tls = std::move(*tls);
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot listen on " + wreg::quoted(options.host) +
                    ": not an IP address; give --listen like 127.0.0.1:8080 or [::1]:8080");
  }
  auto listener = Listener::open(impl->io, net::ip::tcp::endpoint(address, options.port),
                                 impl->tls.get(), impl->context);
  if (!listener) return std::move(listener).error();
  impl->listener = std::move(*listener);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->listener->port(); }
bool Server::tls() const { return impl_->tls != nullptr; }

void Server::request_stop() {
  auto* impl = impl_.get();
  net::post(impl->io, [impl] {
    if (impl->context.stopping.exchange(true)) return;
    impl->context.log.note("stopping: no new connections; finishing requests in flight");
    boost::system::error_code ignored;
    impl->signals.cancel(ignored);
    impl->listener->stop();
    impl->context.stop_sessions();
  });
}

void Server::run() {
  impl_->signals.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) request_stop();
  });
  impl_->listener->start();
  unsigned threads = impl_->context.options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> workers;
  workers.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([this] { run_thread(); });
  run_thread();
  for (auto& worker : workers) worker.join();
}

void Server::run_thread() {
  // A handler that throws (out of memory, a bug) costs its connection, not the server.
  for (;;) {
    try {
      impl_->io.run();
      return;
    } catch (const std::exception& e) {
      impl_->context.log.note(std::string("unexpected failure in a connection: ") + e.what());
    }
  }
}

}  // namespace wreg::http
