#include "client/transport/transport.h"

#include <thread>

#include "client/transport/endpoint.h"
#include "client/transport/retry_policy.h"

namespace wreg::client::transport {

Transport::Transport(TransportOptions options)
    : options_(std::move(options)),
      pool_(options_.max_connections, [this] { return std::make_unique<Connection>(settings_); }) {}

Transport::~Transport() = default;

Result<std::unique_ptr<Transport>> Transport::create(const std::string& registry,
                                                     TransportOptions options) {
  auto transport = std::unique_ptr<Transport>(new Transport(std::move(options)));
  ConnectionSettings& settings = transport->settings_;
  settings.registry = registry;
  settings.endpoint = endpoint_of(registry);
  settings.connect_timeout = transport->options_.connect_timeout;
  settings.io_timeout = transport->options_.io_timeout;
  settings.stall_timeout = transport->options_.stall_timeout;
  settings.requests_sent = &transport->requests_sent_;
  auto proxy = proxy_for(transport->options_.proxy, settings.endpoint);
  if (!proxy) return std::move(proxy).error();
  settings.proxy = std::move(*proxy);
  if (settings.endpoint.tls) {
    auto tls = make_tls_context(transport->options_.ca_file);
    if (!tls) return std::move(tls).error();
    settings.tls = std::move(*tls);
  }
  return transport;
}

std::variant<Answer, Failure> Transport::attempt(Connection& connection, const Request& request,
                                                 std::uint64_t limit, const Progress& upload,
                                                 const Progress& download) {
  if (!connection.connected()) {
    if (auto failed = connection.connect()) return std::move(*failed);
  }
  return connection.exchange(request, limit, upload, download);
}

Result<Answer> Transport::send(const Request& request, std::uint64_t limit, const Progress& upload,
                               const Progress& download) {
  RetryPolicy retries(options_.max_attempts, options_.first_backoff);
  for (;;) {
    auto connection = pool_.acquire();
    const bool reused = connection->reused();
    auto outcome = attempt(*connection, request, limit, upload, download);
    auto* answer = std::get_if<Answer>(&outcome);
    pool_.release(std::move(connection), answer != nullptr && answer->keep_alive
                                             ? ConnectionPool::Reuse::kKeep
                                             : ConnectionPool::Reuse::kClose);
    std::optional<std::chrono::milliseconds> wait;
    if (answer != nullptr) {
      wait = retries.after_answer(answer->status);
      if (!wait) return std::move(*answer);
    } else {
      auto& failure = std::get<Failure>(outcome);
      wait = retries.after_failure(failure, reused);
      if (!wait) return std::move(failure.error);
    }
    if (wait->count() > 0) std::this_thread::sleep_for(*wait);
  }
}

BatchAnswers Transport::send_batch(std::span<const Request> requests, std::uint64_t limit) {
  return send_pipelined(pool_, requests, limit);
}

}  // namespace wreg::client::transport
