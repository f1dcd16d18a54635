#include "client/transport/transport.h"

#include <chrono>
#include <thread>

#include "client/transport/endpoint.h"
#include "client/transport/retry_policy.h"

namespace wreg::client::transport {
namespace {

using Clock = std::chrono::steady_clock;

// The registry URL and the request's path, without the query or any user:password@.
std::string shown_url(const std::string& registry, const std::string& target) {
  std::string base = registry;
  if (auto scheme = base.find("://"); scheme != std::string::npos) {
    auto start = scheme + 3;
    auto end = base.find('/', start);
    auto at = base.rfind('@', end == std::string::npos ? base.size() : end);
    if (at != std::string::npos && at >= start) base.erase(start, at + 1 - start);
  }
  std::string path = target.substr(0, target.find_first_of("?#"));
  if (path.size() < target.size()) path += "?...";
  return base + path;
}

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace

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
    const auto start = Clock::now();
    auto outcome = attempt(*connection, request, limit, upload, download);
    auto* answer = std::get_if<Answer>(&outcome);
    if (options_.observe) {
      RequestRecord record{std::string(boost::beast::http::to_string(request.method)),
                           shown_url(settings_.registry, request.target),
                           0,
                           {},
                           since(start)};
      if (answer != nullptr) {
        record.status = answer->status;
      } else {
        record.failure = std::get<Failure>(outcome).error.message;
      }
      options_.observe(record);
    }
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
  if (!options_.observe) return send_pipelined(pool_, requests, limit);
  const auto start = Clock::now();
  BatchAnswers answers = send_pipelined(pool_, requests, limit);
  const auto elapsed = since(start);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    RequestRecord record{std::string(boost::beast::http::to_string(requests[i].method)),
                         shown_url(settings_.registry, requests[i].target),
                         0,
                         {},
                         elapsed};
    if (i < answers.answers.size()) {
      record.status = answers.answers[i].status;
    } else {
      record.failure = "no answer (pipelined)";
    }
    options_.observe(record);
  }
  return answers;
}

}  // namespace wreg::client::transport
