#include "client/transport/proxy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "common/base64.h"
#include "common/text.h"

namespace wreg::client::transport {
namespace {

constexpr std::string_view kDefaultProxyPort = "1080";  // curl's

std::optional<ProxyVariable> first_set(
    const std::function<std::optional<std::string>(const char*)>& lookup, const char* lower,
    const char* upper) {
  for (const char* name : {lower, upper}) {
    auto value = lookup(name);
    if (value && !value->empty()) return ProxyVariable{name, std::move(*value)};
  }
  return std::nullopt;
}

// `value` with the user and password of a `USER:PASSWORD@` replaced by `***`, quoted: what an
// error may show of a proxy variable.
std::string masked(std::string_view value) {
  std::string shown(value);
  auto scheme = shown.find("://");
  std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  std::size_t end = shown.find_first_of("/?#", start);
  if (end == std::string::npos) end = shown.size();
  if (auto at = shown.rfind('@', end == 0 ? 0 : end - 1); at != std::string::npos && at >= start) {
    shown.replace(start, at - start, "***");
  }
  return quoted(shown);
}

std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  if (!std::all_of(port.begin(), port.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return false;
  }
  int number = std::stoi(std::string(port));
  return number >= 1 && number <= 65535;
}

bool valid_host_name(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

// An IPv4 or IPv6 address in network order: 4 or 16 bytes used.
struct Address {
  int family = 0;  // AF_INET, AF_INET6, 0 for not an address
  std::array<std::uint8_t, 16> bytes{};
  std::size_t size() const { return family == AF_INET ? 4 : 16; }
};

Address address_of(std::string_view text) {
  Address address;
  std::string copy(text);
  if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) {
    address.family = AF_INET;
  } else if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) {
    address.family = AF_INET6;
  }
  return address;
}

// Whether the first `bits` bits of `a` and `b` (same family) agree.
bool same_prefix(const Address& a, const Address& b, std::size_t bits) {
  for (std::size_t i = 0; i < a.size() && bits > 0; ++i) {
    std::size_t take = std::min<std::size_t>(bits, 8);
    auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((a.bytes[i] & mask) != (b.bytes[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

std::string without_trailing_dot(std::string text) {
  if (text.ends_with('.')) text.pop_back();
  return text;
}

// Whether one no_proxy entry (trimmed, not empty) matches.
bool entry_matches(std::string_view entry, const std::string& host, const Address& host_address,
                   std::string_view port) {
  if (entry == "*") return true;
  std::string_view name = entry;
  std::string_view entry_port;
  if (entry.starts_with('[')) {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return false;
    name = entry.substr(1, close - 1);
    std::string_view rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return false;
      entry_port = rest.substr(1);
    }
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    auto colon = entry.find(':');
    name = entry.substr(0, colon);
    entry_port = entry.substr(colon + 1);
  }
  if (!entry_port.empty() && entry_port != port) return false;

  std::string_view prefix_bits;
  if (auto slash = name.find('/'); slash != std::string_view::npos) {
    prefix_bits = name.substr(slash + 1);
    name = name.substr(0, slash);
  }
  Address entry_address = address_of(name);
  if (entry_address.family != 0 || !prefix_bits.empty()) {
    if (entry_address.family == 0 || entry_address.family != host_address.family) return false;
    std::size_t bits = entry_address.size() * 8;
    if (!prefix_bits.empty()) {
      if (prefix_bits.size() > 3 ||
          !std::all_of(prefix_bits.begin(), prefix_bits.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        return false;
      }
      bits = static_cast<std::size_t>(std::stoi(std::string(prefix_bits)));
      if (bits > entry_address.size() * 8) return false;
    }
    return same_prefix(entry_address, host_address, bits);
  }
  if (host_address.family != 0) return false;  // an address is matched by addresses only
  while (name.starts_with('.')) name.remove_prefix(1);
  std::string domain = without_trailing_dot(ascii_lowercase(name));
  if (domain.empty()) return false;
  return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                            host[host.size() - domain.size() - 1] == '.');
}

}  // namespace

ProxyEnvironment ProxyEnvironment::read(
    const std::function<std::optional<std::string>(const char* name)>& lookup) {
  ProxyEnvironment environment;
  environment.https_proxy = first_set(lookup, "https_proxy", "HTTPS_PROXY");
  environment.http_proxy = first_set(lookup, "http_proxy", "HTTP_PROXY");
  environment.all_proxy = first_set(lookup, "all_proxy", "ALL_PROXY");
  environment.no_proxy = first_set(lookup, "no_proxy", "NO_PROXY");
  return environment;
}

Result<Proxy> parse_proxy_url(std::string_view value, std::string_view variable) {
  auto refuse = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument, std::string(variable) + "=" + masked(value) + " " +
                                                 why +
                                                 "; set it to http://[USER:PASSWORD@]HOST:PORT"
                                                 " or unset it");
  };
  std::string_view rest = trim(value);
  if (auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    std::string scheme = ascii_lowercase(rest.substr(0, scheme_end));
    if (scheme == "https") {
      return refuse(
          "is an https:// proxy, which wreg does not support (it talks to a proxy in plain HTTP "
          "and to the registry in TLS through the tunnel); use the proxy's http:// address");
    }
    if (scheme.starts_with("socks")) return refuse("is a SOCKS proxy, which wreg does not support");
    if (scheme != "http") return refuse("is not an http:// proxy URL");
    rest.remove_prefix(scheme_end + 3);
  }
  std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  if (authority_end != std::string_view::npos && rest.substr(authority_end) != "/") {
    return refuse("has a path, query or fragment, which a proxy URL has none of");
  }
  Proxy proxy;
  proxy.variable = std::string(variable);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    auto user = percent_decoded(userinfo.substr(0, colon));
    auto password = percent_decoded(colon == std::string_view::npos ? std::string_view()
                                                                    : userinfo.substr(colon + 1));
    if (!user || !password) return refuse("has a user or password with a bad %-escape");
    proxy.authorization = "Basic " + base64_encode(*user + ":" + *password);
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return refuse("has an IPv6 address without its ']'");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return refuse("has text after its ']'");
    if (!after.empty()) port = after.substr(1);
    if (address_of(host).family != AF_INET6) return refuse("has a bad IPv6 address");
  } else {
    if (auto colon = authority.find(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (!valid_host_name(host)) return refuse("has no host, or a host name wreg cannot read");
  }
  if (authority.ends_with(':') || (!port.empty() && !valid_port(port))) {
    return refuse("has a port that is not a number from 1 to 65535");
  }
  proxy.host = std::string(host);
  proxy.port = port.empty() ? std::string(kDefaultProxyPort) : std::string(port);
  const bool ipv6 = proxy.host.find(':') != std::string::npos;
  proxy.url = "http://" + (ipv6 ? "[" + proxy.host + "]" : proxy.host) + ":" + proxy.port;
  return proxy;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::string_view port) {
  std::string name = without_trailing_dot(ascii_lowercase(host));
  if (name.starts_with('[') && name.ends_with(']')) name = name.substr(1, name.size() - 2);
  const Address address = address_of(name);
  std::size_t start = 0;
  while (start <= no_proxy.size()) {
    std::size_t end = no_proxy.find_first_of(", \t", start);
    if (end == std::string_view::npos) end = no_proxy.size();
    std::string_view entry = trim(no_proxy.substr(start, end - start));
    if (!entry.empty() && entry_matches(entry, name, address, port)) return true;
    start = end + 1;
  }
  return false;
}

bool is_loopback(std::string_view host) {
  std::string name = without_trailing_dot(ascii_lowercase(host));
  if (name == "localhost" || name.ends_with(".localhost")) return true;
  Address address = address_of(name);
  if (address.family == AF_INET) return address.bytes[0] == 127;
  if (address.family == AF_INET6) {
    static constexpr std::array<std::uint8_t, 16> kLoopback6{0, 0, 0, 0, 0, 0, 0, 0,
                                                             0, 0, 0, 0, 0, 0, 0, 1};
    return address.bytes == kLoopback6;
  }
  return false;
}

Result<std::optional<Proxy>> proxy_for(const ProxyEnvironment& environment,
                                       const Endpoint& endpoint) {
  if (is_loopback(endpoint.host)) return std::optional<Proxy>();
  if (environment.no_proxy &&
      no_proxy_matches(environment.no_proxy->value, endpoint.host, endpoint.port)) {
    return std::optional<Proxy>();
  }
  const auto& own = endpoint.tls ? environment.https_proxy : environment.http_proxy;
  const auto& chosen = own ? own : environment.all_proxy;
  if (!chosen) return std::optional<Proxy>();
  auto proxy = parse_proxy_url(chosen->value, chosen->name);
  if (!proxy) return std::move(proxy).error();
  return std::optional<Proxy>(std::move(*proxy));
}

}  // namespace wreg::client::transport
