// Where a registry URL points: what a connection dials and what its requests carry.
#pragma once

#include <string>

namespace wreg::client::transport {

struct Endpoint {
  bool tls = false;         // https
  std::string host;         // a name or an IP address, without an IPv6 literal's brackets
  std::string port;         // as written, else 443 for https and 80 for http
  std::string host_header;  // the URL's authority (host[:port]), the Host header's value
  std::string prefix;       // the path before /api/v1, without a trailing slash; "" for none
};

// The endpoint of `url`, which must be what normalize_registry_url (client/config.h) returned:
// `http(s)://HOST[:PORT][/PREFIX]`, with HOST a name, an IPv4 address or a bracketed IPv6 one.
Endpoint endpoint_of(const std::string& url);

}  // namespace wreg::client::transport
