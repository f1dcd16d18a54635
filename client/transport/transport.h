// Transport: how the registry client's requests reach one registry (client/registry_client.h
// is what they say).
//
// It puts the pieces of this folder together: connections (connection.h) to the registry's
// endpoint, plain or TLS, directly or through a proxy's CONNECT tunnel (proxy.h), taken from a
// pool of at most max_connections (connection_pool.h), a request sent on one and, when an
// attempt fails, tried again as the retry policy says (retry_policy.h); or a batch of GETs
// pipelined on one connection (pipelined_batch.h).
//
// Thread-safe: any method may be called from many threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "client/transport/connection.h"
#include "client/transport/connection_pool.h"
#include "client/transport/message.h"
#include "client/transport/options.h"
#include "client/transport/pipelined_batch.h"
#include "common/result.h"

namespace wreg::client::transport {

class Transport {
 public:
  // `registry` must be a normalized URL (client/config.h). kIo if TLS cannot be set up;
  // kInvalidArgument if the proxy variable that applies to it is not a proxy URL (proxy.h).
  // Opens no connection yet.
  static Result<std::unique_ptr<Transport>> create(const std::string& registry,
                                                   TransportOptions options);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Sends `request` on a pooled connection, with the retries of retry_policy.h. The answer of
  // the last attempt: anything but a 5xx, or a 5xx when every attempt got one or the last did.
  // The error of the last attempt when it got no answer (kUnavailable: `cannot reach registry
  // URL: ...`; kTooLarge past `limit` body bytes; kIo when TLS cannot be set up).
  Result<Answer> send(const Request& request, std::uint64_t limit, const Progress& upload = {},
                      const Progress& download = {});

  // send_pipelined() of pipelined_batch.h on this transport's pool; no retries.
  BatchAnswers send_batch(std::span<const Request> requests, std::uint64_t limit);

  // Requests written so far, every attempt counted.
  std::uint64_t requests_sent() const { return requests_sent_.load(); }

 private:
  explicit Transport(TransportOptions options);
  // One attempt of send(): connects the connection if need be, then the exchange.
  std::variant<Answer, Failure> attempt(Connection& connection, const Request& request,
                                        std::uint64_t limit, const Progress& upload,
                                        const Progress& download);

  const TransportOptions options_;
  std::atomic<std::uint64_t> requests_sent_{0};
  ConnectionSettings settings_;  // set up by create(), then only read
  ConnectionPool pool_;
};

}  // namespace wreg::client::transport
