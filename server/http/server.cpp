#include "server/http/server.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <exception>
#include <optional>
#include <thread>
#include <vector>

#include "common/text.h"
#include "server/http/listener.h"
#include "server/http/service_manager.h"
#include "server/http/tls.h"

namespace wreg::http {

namespace net = boost::asio;

namespace {

unsigned thread_count(const ServerOptions& options) {
  return options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

struct Server::Impl {
  using WorkGuard = net::executor_work_guard<net::io_context::executor_type>;

  Impl(const ServerOptions& options, const Router& router, AccessLog& log, HttpMetrics& metrics)
      : context(options, router, log, metrics) {
    const unsigned threads = thread_count(options);
    for (unsigned i = 0; i < threads; ++i) {
      // One thread each: Asio then runs the context without handing work between threads.
      contexts.push_back(std::make_unique<net::io_context>(1));
      if (i > 0) idle_until_stop.emplace_back(contexts.back()->get_executor());
    }
    signals.emplace(*contexts[0], SIGINT, SIGTERM);
    signals->add(SIGHUP);
  }

  net::io_context& main() { return *contexts[0]; }

  // One io_context per thread, each connection on one of them (the listener takes turns). With
  // one context run by every thread, each piece of an upload that arrived woke the thread not
  // reading it (its epoll_wait returned the socket's edge, for nothing: 150 wake-ups per 20 MiB
  // publish, with their futex calls); now a socket is watched only by the thread that reads it.
  // The first context also runs the listener and the signal handler.
  std::vector<std::unique_ptr<net::io_context>> contexts;
  // Keeps the contexts after the first running while they have no connection, until the stop.
  std::vector<WorkGuard> idle_until_stop;
  ServerContext context;
  std::unique_ptr<net::ssl::context> tls;
  // Contexts a reload replaced. A session made before the reload goes on with the context it
  // began with, and a reload is rare (a certificate's renewal), so they are kept until the end.
  std::vector<std::unique_ptr<net::ssl::context>> replaced_tls;
  std::shared_ptr<Listener> listener;
  std::optional<net::signal_set> signals;
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
    impl->context.log.note("TLS certificate: " + describe_certificate(*impl->tls));
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot listen on " + wreg::quoted(options.host) +
                    ": not an IP address; give --listen like 127.0.0.1:8080 or [::1]:8080");
  }
  std::vector<net::io_context*> connection_contexts;
  for (const auto& io : impl->contexts) connection_contexts.push_back(io.get());
  auto listener =
      Listener::open(impl->main(), std::move(connection_contexts),
                     net::ip::tcp::endpoint(address, options.port), impl->tls.get(), impl->context);
  if (!listener) return std::move(listener).error();
  impl->listener = std::move(*listener);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->listener->port(); }
bool Server::tls() const { return impl_->tls != nullptr; }

void Server::request_stop() {
  auto* impl = impl_.get();
  net::post(impl->main(), [impl] {
    if (impl->context.stopping.exchange(true)) return;
    impl->context.log.note("stopping: no new connections; finishing requests in flight");
    service_manager::stopping();
    boost::system::error_code ignored;
    impl->signals->cancel(ignored);
    impl->listener->stop();
    impl->context.stop_sessions();
    // Each context's run() now returns once its last connection is gone.
    for (auto& guard : impl->idle_until_stop) guard.reset();
  });
}

void Server::reload_tls() {
  auto* impl = impl_.get();
  net::post(impl->main(), [impl] {
    if (impl->context.stopping) return;
    const ServerOptions& options = impl->context.options;
    if (!impl->tls) {
      impl->context.log.note("reload: nothing to reload, the server speaks plain HTTP");
      return;
    }
    service_manager::reloading();
    auto tls = make_tls_context(*options.tls_cert, *options.tls_key);
    if (tls) {
      impl->context.log.note("reload: new connections get the TLS certificate " +
                             describe_certificate(**tls));
      impl->replaced_tls.push_back(std::move(impl->tls));
      impl->tls = std::move(*tls);
      // The listener accepts on this thread too, so no connection sees half of the change.
      impl->listener->use_tls(impl->tls.get());
    } else {
      impl->context.log.note("reload failed, still serving the certificate loaded before: " +
                             tls.error().message);
    }
    service_manager::ready("serving");
  });
}

void Server::wait_for_signal() {
  impl_->signals->async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      reload_tls();
      wait_for_signal();
    } else {
      request_stop();
    }
  });
}

void Server::run() {
  wait_for_signal();
  impl_->listener->start();
  std::vector<std::thread> workers;
  workers.reserve(impl_->contexts.size() - 1);
  for (std::size_t i = 1; i < impl_->contexts.size(); ++i) {
    workers.emplace_back([this, i] { run_thread(*impl_->contexts[i]); });
  }
  run_thread(impl_->main());
  for (auto& worker : workers) worker.join();
}

void Server::run_thread(boost::asio::io_context& io) {
  // A handler that throws (out of memory, a bug) costs its connection, not the server.
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      impl_->context.log.note(std::string("unexpected failure in a connection: ") + e.what());
    }
  }
}

}  // namespace wreg::http
