#include "client/transport/endpoint.h"

#include <string_view>

namespace wreg::client::transport {

Endpoint endpoint_of(const std::string& url) {
  Endpoint endpoint;
  endpoint.tls = url.starts_with("https://");
  std::string_view rest = std::string_view(url).substr(endpoint.tls ? 8 : 7);
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) endpoint.prefix = std::string(rest.substr(slash));
  endpoint.host_header = std::string(authority);
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  endpoint.host = std::string(host);
  endpoint.port = port.empty() ? (endpoint.tls ? "443" : "80") : std::string(port);
  return endpoint;
}

}  // namespace wreg::client::transport
