// TransportOptions: the deadlines, retries and connection bound of the registry client's
// transport (transport.h), with their defaults. Includes nothing of Beast, so that
// client/registry_client.h can offer them as its own options.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "client/transport/proxy.h"

namespace wreg::client::transport {

inline constexpr std::size_t kStallBytes = 1024;

// One attempt of a request as `wreg --verbose` shows it. `url` is the registry URL and the path,
// never the query (an OCI registry may redirect to a URL whose query is a signature) nor any
// credential; headers, where tokens travel, are not part of it.
struct RequestRecord {
  std::string method;  // GET, PUT, ...
  std::string url;
  int status = 0;  // 0: no answer (`failure` says why)
  std::string failure;
  std::chrono::milliseconds elapsed{0};
};
// Called after each attempt, from the thread that made it: it must be thread-safe.
using RequestObserver = std::function<void(const RequestRecord&)>;

struct TransportOptions {
  std::filesystem::path ca_file;  // PEM certificates trusted besides the system store
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{60'000};  // per read or write step
  // An answer whose body brings fewer than kStallBytes in this long is given up (kTooSlow): a
  // registry dripping a byte at a time would otherwise hold a command for as long as it likes.
  std::chrono::milliseconds stall_timeout{30'000};
  int max_attempts = 3;
  std::chrono::milliseconds first_backoff{100};  // doubled after each failed attempt
  std::size_t max_connections = 4;
  // The proxy variables (proxy.h); all unset, the default, connects directly. wreg fills them
  // from its environment; wreg-server's mirrors and witness client leave them unset.
  ProxyEnvironment proxy;
  RequestObserver observe;  // unset: nothing is told
};

}  // namespace wreg::client::transport
