// TransportOptions: the deadlines, retries and connection bound of the registry client's
// transport (transport.h), with their defaults. Includes nothing of Beast, so that
// client/registry_client.h can offer them as its own options.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>

namespace wreg::client::transport {

struct TransportOptions {
  std::filesystem::path ca_file;  // PEM certificates trusted besides the system store
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{60'000};  // per read or write step
  int max_attempts = 3;
  std::chrono::milliseconds first_backoff{100};  // doubled after each failed attempt
  std::size_t max_connections = 4;
};

}  // namespace wreg::client::transport
