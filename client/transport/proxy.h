// Proxies: which HTTP proxy, if any, a registry's connections go through, read from the
// variables curl reads.
//
// Variables: https_proxy for an https:// registry, http_proxy for an http:// one, all_proxy for
// either when its own is unset, and no_proxy for the hosts reached directly. Each is read in
// lower case first and, when that is unset or empty, in upper case (HTTPS_PROXY...), as curl
// does (curl ignores upper-case HTTP_PROXY; wreg, like most tools, takes it).
//
// A proxy is `http://[USER[:PASSWORD]@]HOST[:PORT][/]`, or the same without `http://`; the port
// is 1080 when not written (curl's default). USER and PASSWORD are percent-decoded and sent as
// `Proxy-Authorization: Basic`; messages name the proxy by `http://HOST:PORT` only, never with
// them. An https:// proxy (TLS to the proxy itself) and SOCKS proxies are refused with a message
// saying so, so that ca_file never has to apply to a proxy.
//
// Every connection through a proxy is a CONNECT tunnel to the registry's host and port, for
// https:// and http:// registries alike (connection.h): one path, TLS to the registry inside the
// tunnel with the registry's name for SNI and verification, and pipelining and keep-alive that
// work as they do on a direct connection because the proxy relays bytes it does not read.
//
// no_proxy is a list separated by commas or spaces; an entry is `*` (every host), a host name or
// domain (`example.com` and `.example.com` both match example.com and every name under it), an IP
// address or a CIDR range (`10.0.0.0/8`, `fd00::/8`), each optionally with `:PORT` (IPv6 as
// `[::1]:8080`), which then matches that port only. Names are matched case-insensitively and
// without a trailing dot; an IP address is matched only by address entries.
//
// Loopback hosts (localhost, NAME.localhost, 127.0.0.0/8, ::1) are never proxied, whatever the
// variables say: a proxy's loopback is not ours, and wreg's default registry is
// http://127.0.0.1:8080. (curl proxies them unless no_proxy lists them; Go's net/http does not.)
//
// Pure code: no sockets, no process environment (ProxyEnvironment::read takes a lookup).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "client/transport/endpoint.h"
#include "common/result.h"

namespace wreg::client::transport {

// One variable as found: the name it was set under (`https_proxy` or `HTTPS_PROXY`) and its value.
struct ProxyVariable {
  std::string name;
  std::string value;
};

// The proxy variables of a process (see the header comment); all unset: no proxy.
struct ProxyEnvironment {
  std::optional<ProxyVariable> https_proxy;
  std::optional<ProxyVariable> http_proxy;
  std::optional<ProxyVariable> all_proxy;
  std::optional<ProxyVariable> no_proxy;

  // Reads the variables through `lookup`, which gives a variable's value or nullopt when it is
  // unset; an empty value counts as unset.
  static ProxyEnvironment read(
      const std::function<std::optional<std::string>(const char* name)>& lookup);
};

// A proxy to dial: where it is, what to tell it, and how messages name it.
struct Proxy {
  std::string host;           // a name or an IP address, without an IPv6 literal's brackets
  std::string port;           // as written, else 1080
  std::string authorization;  // `Basic BASE64(user:password)`, or "" without credentials
  std::string url;            // `http://HOST:PORT`, without credentials: for messages
  std::string variable;       // the variable it came from (`HTTPS_PROXY`), for messages
};

// Parses the value of `variable` (see the header comment). kInvalidArgument names the variable,
// shows the value with any credentials masked, and says what to write instead.
Result<Proxy> parse_proxy_url(std::string_view value, std::string_view variable);

// Whether the no_proxy list `no_proxy` says `host` (a name or an IP address without brackets) on
// `port` is reached directly. Entries it cannot read match nothing.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::string_view port);

// localhost, a name under .localhost, an address in 127.0.0.0/8, or ::1.
bool is_loopback(std::string_view host);

// The proxy that connections to `endpoint` go through, or nullopt to connect directly: none for
// loopback or a host no_proxy lists, else the variable for the endpoint's scheme, else all_proxy.
// kInvalidArgument when that variable's value is not a proxy wreg can use.
Result<std::optional<Proxy>> proxy_for(const ProxyEnvironment& environment,
                                       const Endpoint& endpoint);

}  // namespace wreg::client::transport
