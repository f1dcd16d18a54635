// What travels through the registry client's HTTP transport (client/transport/): a request, the
// answer to it, and why an attempt got none. The transport's other headers build on these.
//
// The method is Beast's verb enum, whose header is small; nothing else of Beast or Asio is
// included by a transport header (only connection.cpp includes them).
#pragma once

#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace wreg::client::transport {

// Called as bytes move: (bytes so far, total or 0 when unknown). From the calling thread.
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// One HTTP/1.1 request. The connection adds Host, keep-alive and, for a PUT or POST, the body's
// Content-Length; everything else is in `headers`, sent in this order.
struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;  // path and query under the registry URL, e.g. /api/v1/packages/wasi/io
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent for PUT and POST only
};

struct Answer {
  int status = 0;
  std::string etag;  // as sent, quotes included
  std::string body;
  bool keep_alive = false;  // the server will take another request on this connection
  // Every field but ETag (OCI registries answer with Link, Location, WWW-Authenticate...), in
  // the order sent, names in lower case.
  std::vector<std::pair<std::string, std::string>> fields;

  // The first field named `name` (lower case), or "" when there is none.
  std::string field(std::string_view name) const {
    for (const auto& [key, value] : fields) {
      if (key == name) return value;
    }
    return {};
  }
};

// Why an attempt got no answer. Whether another attempt may help is the retry policy's call
// (retry_policy.h), from `kind` and from whether the connection had answered before.
struct Failure {
  enum class Kind {
    kUnreachable,  // the lookup or the connect failed or timed out
    kTlsRefused,   // the TLS handshake failed, e.g. a certificate that does not verify
    kSetup,        // the connection could not be set up (the TLS server name)
    kBroken,       // the connection failed or closed during the exchange: reset, timeout, EOF
    kTooLarge,     // the answer is longer than the caller's limit
    kTooSlow,      // the answer's body stalled (TransportOptions::stall_timeout)
  };
  Kind kind = Kind::kUnreachable;
  Error error;                // the one line for the user
  bool before_answer = true;  // kBroken: nothing of the answer had arrived
};

}  // namespace wreg::client::transport
