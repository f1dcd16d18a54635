// Proxies (client/transport/proxy.h): the variables read, proxy URLs parsed, no_proxy matched;
// then the transport through a real CONNECT proxy (tests/cli/cutting_proxy.h) to the real
// wreg-server, and through scripted proxies that refuse, babble, flood or stay silent.
#include "client/transport/proxy.h"

#include <gtest/gtest.h>

#include <map>

#include "client/transport/transport.h"
#include "common/base64.h"
#include "tests/cli/cutting_proxy.h"
#include "tests/unit/client/transport_testing.h"

namespace wreg::client::transport {
namespace {

using namespace client::testing;  // the shared helpers of transport_testing.h

ProxyEnvironment environment(const std::map<std::string, std::string>& variables) {
  return ProxyEnvironment::read([&](const char* name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  });
}

TEST(ProxyEnvironmentTest, LowerCaseWinsAndEmptyCountsAsUnset) {
  auto env = environment({{"https_proxy", "http://lower:1"},
                          {"HTTPS_PROXY", "http://upper:1"},
                          {"http_proxy", ""},
                          {"HTTP_PROXY", "http://upper:2"},
                          {"NO_PROXY", "example.com"}});
  ASSERT_TRUE(env.https_proxy.has_value());
  EXPECT_EQ(env.https_proxy->name, "https_proxy");
  EXPECT_EQ(env.https_proxy->value, "http://lower:1");
  ASSERT_TRUE(env.http_proxy.has_value());
  EXPECT_EQ(env.http_proxy->name, "HTTP_PROXY");
  EXPECT_EQ(env.http_proxy->value, "http://upper:2");
  EXPECT_FALSE(env.all_proxy.has_value());
  ASSERT_TRUE(env.no_proxy.has_value());
  EXPECT_EQ(env.no_proxy->name, "NO_PROXY");
}

TEST(ProxyUrlTest, ReadsHostPortAndCredentials) {
  struct Case {
    const char* value;
    const char* host;
    const char* port;
    const char* url;
    const char* credentials;  // decoded user:password, "" for none
  };
  const Case cases[] = {
      {"http://proxy.example.com:3128", "proxy.example.com", "3128",
       "http://proxy.example.com:3128", ""},
      {"http://proxy.example.com:3128/", "proxy.example.com", "3128",
       "http://proxy.example.com:3128", ""},
      {"HTTP://Proxy:8080", "Proxy", "8080", "http://Proxy:8080", ""},
      {"proxy:3128", "proxy", "3128", "http://proxy:3128", ""},
      {"http://proxy", "proxy", "1080", "http://proxy:1080", ""},
      {"  http://10.0.0.1:3128  ", "10.0.0.1", "3128", "http://10.0.0.1:3128", ""},
      {"http://[fd00::1]:3128", "fd00::1", "3128", "http://[fd00::1]:3128", ""},
      {"http://user:pass@proxy:3128", "proxy", "3128", "http://proxy:3128", "user:pass"},
      {"http://user@proxy:3128", "proxy", "3128", "http://proxy:3128", "user:"},
      {"http://us%40er:p%3Aa%2Fss@proxy:3128", "proxy", "3128", "http://proxy:3128",
       "us@er:p:a/ss"},
      {"http://a@b:c@proxy:3128", "proxy", "3128", "http://proxy:3128", "a@b:c"},
  };
  for (const auto& c : cases) {
    auto proxy = parse_proxy_url(c.value, "HTTPS_PROXY");
    ASSERT_TRUE(proxy.has_value()) << c.value << ": " << proxy.error().message;
    EXPECT_EQ(proxy->host, c.host) << c.value;
    EXPECT_EQ(proxy->port, c.port) << c.value;
    EXPECT_EQ(proxy->url, c.url) << c.value;
    EXPECT_EQ(proxy->variable, "HTTPS_PROXY");
    EXPECT_EQ(proxy->authorization, std::string(c.credentials).empty()
                                        ? ""
                                        : "Basic " + base64_encode(std::string_view(c.credentials)))
        << c.value;
  }
}

TEST(ProxyUrlTest, RefusesWhatItCannotUseWithoutShowingThePassword) {
  struct Case {
    const char* value;
    const char* message;
  };
  const Case cases[] = {
      {"https://user:secret@proxy:3128",
       "https_proxy=\"https://***@proxy:3128\" is an https:// proxy, which wreg does not support "
       "(it talks to a proxy in plain HTTP and to the registry in TLS through the tunnel); use the "
       "proxy's http:// address; set it to http://[USER:PASSWORD@]HOST:PORT or unset it"},
      {"socks5h://proxy:1080",
       "https_proxy=\"socks5h://proxy:1080\" is a SOCKS proxy, which wreg does not support; set it "
       "to http://[USER:PASSWORD@]HOST:PORT or unset it"},
      {"ftp://proxy",
       "https_proxy=\"ftp://proxy\" is not an http:// proxy URL; set it to "
       "http://[USER:PASSWORD@]HOST:PORT or unset it"},
      {"http://u:secret@proxy:99999",
       "https_proxy=\"http://***@proxy:99999\" has a port that is not a number from 1 to 65535; "
       "set it to http://[USER:PASSWORD@]HOST:PORT or unset it"},
      {"http://proxy:",
       "https_proxy=\"http://proxy:\" has a port that is not a number from 1 to "
       "65535; set it to http://[USER:PASSWORD@]HOST:PORT or unset it"},
      {"http://u:secret@proxy:3128/path",
       "https_proxy=\"http://***@proxy:3128/path\" has a path, query or fragment, which a proxy "
       "URL has none of; set it to http://[USER:PASSWORD@]HOST:PORT or unset it"},
      {"http://u:se%zzcret@proxy:3128",
       "https_proxy=\"http://***@proxy:3128\" has a user or password with a bad %-escape; set it "
       "to http://[USER:PASSWORD@]HOST:PORT or unset it"},
      {"http://:3128",
       "https_proxy=\"http://:3128\" has no host, or a host name wreg cannot read; "
       "set it to http://[USER:PASSWORD@]HOST:PORT or unset it"},
      {"http://[fd00::1:3128",
       "https_proxy=\"http://[fd00::1:3128\" has an IPv6 address without "
       "its ']'; set it to http://[USER:PASSWORD@]HOST:PORT or unset it"},
      {"http://pro\nxy:1",
       "https_proxy=\"http://pro\\x0axy:1\" has no host, or a host name wreg "
       "cannot read; set it to http://[USER:PASSWORD@]HOST:PORT or unset it"},
  };
  for (const auto& c : cases) {
    auto proxy = parse_proxy_url(c.value, "https_proxy");
    ASSERT_FALSE(proxy.has_value()) << c.value;
    EXPECT_EQ(proxy.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(proxy.error().message, c.message);
    EXPECT_EQ(proxy.error().message.find("secret"), std::string::npos);
  }
}

TEST(NoProxyTest, MatchesNamesDomainsAddressesAndPorts) {
  struct Case {
    const char* no_proxy;
    const char* host;
    const char* port;
    bool direct;
  };
  const Case cases[] = {
      {"*", "anything.example", "443", true},
      {"example.com", "example.com", "443", true},
      {"example.com", "registry.example.com", "443", true},
      {".example.com", "registry.example.com", "443", true},
      {".example.com", "example.com", "443", true},
      {"example.com", "badexample.com", "443", false},
      {"example.com", "example.com.evil.net", "443", false},
      {"EXAMPLE.com.", "Registry.Example.COM.", "443", true},
      {"other.org, example.com", "example.com", "443", true},
      {"other.org example.com", "example.com", "443", true},
      {"other.org,,  ,example.com", "example.com", "443", true},
      {"other.org", "example.com", "443", false},
      {"", "example.com", "443", false},
      {"*.example.com", "registry.example.com", "443", false},  // no wildcards but a lone *
      {"example.com:8443", "example.com", "8443", true},
      {"example.com:8443", "example.com", "443", false},
      {"10.1.2.3", "10.1.2.3", "443", true},
      {"10.1.2.3", "10.1.2.4", "443", false},
      {"10.0.0.0/8", "10.200.3.4", "443", true},
      {"10.0.0.0/8", "11.0.0.1", "443", false},
      {"192.168.1.0/24:8080", "192.168.1.77", "8080", true},
      {"192.168.1.0/24:8080", "192.168.1.77", "443", false},
      {"0.0.1", "10.0.0.1", "443", false},  // an address is not a name's suffix
      {"::ffff:10.0.0.1", "10.0.0.1", "443", false},
      {"fd00::1", "fd00::1", "443", true},
      {"fd00::1", "fd00:0:0::1", "443", true},
      {"[fd00::1]:8443", "fd00::1", "8443", true},
      {"[fd00::1]:8443", "fd00::1", "443", false},
      {"fd00::/8", "fd12:3456::1", "443", true},
      {"fd00::/8", "fe80::1", "443", false},
      {"10.0.0.0/33", "10.0.0.1", "443", false},  // an unreadable entry matches nothing
      {"10.0.0.0/8", "registry.example.com", "443", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(no_proxy_matches(c.no_proxy, c.host, c.port), c.direct)
        << "no_proxy=" << c.no_proxy << " host=" << c.host << " port=" << c.port;
  }
}

TEST(NoProxyTest, LoopbackIsNeverProxied) {
  for (const char* host : {"localhost", "LOCALHOST.", "wreg.localhost", "127.0.0.1", "127.9.8.7",
                           "::1", "0:0:0:0:0:0:0:1"}) {
    EXPECT_TRUE(is_loopback(host)) << host;
  }
  for (const char* host : {"localhost.example.com", "128.0.0.1", "::2", "10.0.0.1"}) {
    EXPECT_FALSE(is_loopback(host)) << host;
  }
  auto env = environment({{"all_proxy", "http://proxy:3128"}});
  for (const char* url : {"http://127.0.0.1:8080", "https://localhost:8443", "http://[::1]:80"}) {
    auto proxy = proxy_for(env, endpoint_of(url));
    ASSERT_TRUE(proxy.has_value()) << proxy.error().message;
    EXPECT_FALSE(proxy->has_value()) << url;
  }
}

TEST(ProxyForTest, PicksTheSchemesVariableThenAllProxyUnlessNoProxySaysDirect) {
  auto env = environment({{"https_proxy", "http://tls-proxy:1"},
                          {"http_proxy", "http://plain-proxy:2"},
                          {"no_proxy", ".internal.example"}});
  auto https = proxy_for(env, endpoint_of("https://registry.example.com"));
  ASSERT_TRUE(https.has_value() && https->has_value());
  EXPECT_EQ((*https)->url, "http://tls-proxy:1");
  auto http = proxy_for(env, endpoint_of("http://registry.example.com:8080"));
  ASSERT_TRUE(http.has_value() && http->has_value());
  EXPECT_EQ((*http)->url, "http://plain-proxy:2");
  auto direct = proxy_for(env, endpoint_of("https://wreg.internal.example"));
  ASSERT_TRUE(direct.has_value());
  EXPECT_FALSE(direct->has_value());

  auto all = environment({{"ALL_PROXY", "http://all:3"}, {"HTTPS_PROXY", "http://tls:4"}});
  auto plain = proxy_for(all, endpoint_of("http://registry.example.com"));
  ASSERT_TRUE(plain.has_value() && plain->has_value());
  EXPECT_EQ((*plain)->url, "http://all:3");
  EXPECT_EQ((*plain)->variable, "ALL_PROXY");

  auto none = proxy_for(environment({}), endpoint_of("https://registry.example.com"));
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());

  // A bad variable is an error only for the registries it applies to.
  auto bad = environment({{"https_proxy", "socks5://proxy"}});
  EXPECT_FALSE(proxy_for(bad, endpoint_of("https://registry.example.com")).has_value());
  EXPECT_TRUE(proxy_for(bad, endpoint_of("http://registry.example.com")).has_value());
}

// The registry is named by a host that has no address: only a proxy can reach it, and the
// CuttingProxy sends every tunnel to the real server.
constexpr const char* kUnresolvable = "registry.wreg.test";

std::string unresolvable_url(int port) {
  return std::string("http://") + kUnresolvable + ":" + std::to_string(port);
}

std::unique_ptr<Transport> proxied(
    const std::string& registry, const std::string& proxy,
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(10)) {
  TransportOptions options;
  options.max_attempts = 1;
  options.connect_timeout = connect_timeout;
  options.proxy = environment({{"http_proxy", proxy}});
  auto made = Transport::create(registry, options);
  EXPECT_TRUE(made.has_value()) << made.error().message;
  return made ? std::move(*made) : nullptr;
}

TEST(ProxyTransportTest, RequestsGoThroughOneTunnelWithTheProxysCredentials) {
  auto& server = real_server();
  cli_test::CuttingProxy proxy(server.port());
  ASSERT_NE(proxy.port(), 0);
  proxy.serve_connect();
  const std::string registry = unresolvable_url(server.port());
  auto transport =
      proxied(registry, "http://wreg%40ci:p%3Ass@127.0.0.1:" + std::to_string(proxy.port()));
  ASSERT_NE(transport, nullptr);
  for (int i = 0; i < 3; ++i) {
    auto health = transport->send(get("/healthz"), 1024);
    ASSERT_TRUE(health.has_value()) << health.error().message;
    EXPECT_EQ(health->status, 200);
  }
  // Pipelined through the tunnel as on a direct connection.
  std::vector<Request> batch(4, get("/healthz"));
  auto answers = transport->send_batch(batch, 1024);
  EXPECT_EQ(answers.answers.size(), 4u);
  EXPECT_EQ(answers.unanswered, 0u);
  EXPECT_EQ(proxy.tunnels(), 1u);  // kept alive: one tunnel for every request
  auto heads = proxy.connect_heads();
  ASSERT_EQ(heads.size(), 1u);
  const std::string target = std::string(kUnresolvable) + ":" + std::to_string(server.port());
  EXPECT_EQ(heads[0], "CONNECT " + target + " HTTP/1.1\r\nHost: " + target +
                          "\r\nProxy-Authorization: Basic " +
                          base64_encode(std::string_view("wreg@ci:p:ss")) + "\r\n\r\n");

  // Without the proxy, the name does not resolve.
  TransportOptions direct_options;
  direct_options.max_attempts = 1;
  auto direct = Transport::create(registry, direct_options);
  ASSERT_TRUE(direct.has_value());
  EXPECT_FALSE((*direct)->send(get("/healthz"), 1024).has_value());
}

TEST(ProxyTransportTest, NoProxyGoesDirect) {
  auto& server = real_server();
  cli_test::CuttingProxy proxy(server.port());
  ASSERT_NE(proxy.port(), 0);
  proxy.serve_connect();
  TransportOptions options;
  options.proxy = environment({{"http_proxy", "http://127.0.0.1:" + std::to_string(proxy.port())},
                               {"no_proxy", "127.0.0.0/8"}});
  // Loopback is direct anyway; no_proxy is checked on a name that is not loopback below.
  auto made = Transport::create(server.url(), options);
  ASSERT_TRUE(made.has_value());
  auto health = (*made)->send(get("/healthz"), 1024);
  ASSERT_TRUE(health.has_value()) << health.error().message;
  EXPECT_EQ(proxy.accepted(), 0u);

  options.proxy = environment({{"http_proxy", "http://127.0.0.1:" + std::to_string(proxy.port())},
                               {"no_proxy", "wreg.test"}});
  auto bypassing = Transport::create(unresolvable_url(server.port()), options);
  ASSERT_TRUE(bypassing.has_value());
  EXPECT_FALSE((*bypassing)->send(get("/healthz"), 1024).has_value());  // direct: no address
  EXPECT_EQ(proxy.accepted(), 0u);
}

// A scripted proxy: reads the CONNECT head, then writes `answer` (or nothing) and closes.
struct ScriptedProxy {
  explicit ScriptedProxy(std::string answer, bool silent = false)
      : peer([this, answer, silent](PeerConnection& c) {
          if (!c.read_until("\r\n\r\n")) return;
          head = c.received();
          if (silent) {
            c.read_until("the client gives up");  // returns when the client closes
            return;
          }
          c.write(answer);
        }) {}
  std::string url() const { return "http://user:secret@127.0.0.1:" + std::to_string(peer.port()); }
  std::string shown() const { return "http://127.0.0.1:" + std::to_string(peer.port()); }

  std::string head;
  LocalPeer peer;
};

TEST(ProxyTransportTest, ARefusedOrBrokenTunnelIsOneLineNamingTheProxy) {
  const std::string registry = unresolvable_url(4430);
  const std::string start = "cannot reach registry " + registry + " through proxy ";
  const std::string target = std::string(kUnresolvable) + ":4430";
  struct Case {
    std::string answer;
    std::string message;  // after `start` and the proxy's URL
  };
  const std::string huge = "HTTP/1.1 200 OK\r\nX-Filler: " + std::string(64 * 1024, 'a');
  const Case cases[] = {
      {"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n"
       "Content-Length: 0\r\n\r\n",
       ": the proxy answered CONNECT " + target +
           " with HTTP 407 (Proxy Authentication Required); it did not take the user and password "
           "in http_proxy: check them (%-escape any @ : / in them)"},
      {"HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\n\r\nnope!",
       ": the proxy answered CONNECT " + target +
           " with HTTP 403 (Forbidden); the proxy does not allow a tunnel to that host and port: "
           "ask its administrator, or add the host to NO_PROXY if it can be reached directly"},
      {"HTTP/1.1 502 Upstream Said No\r\n\r\n",  // our own reason text, not the proxy's
       ": the proxy answered CONNECT " + target +
           " with HTTP 502 (Bad Gateway); the proxy could not reach the registry: check its URL, "
           "or try again later"},
      {"SSH-2.0-OpenSSH_9.2\r\n\r\n",
       ": the proxy's answer to CONNECT is not HTTP; check that http_proxy names an HTTP proxy"},
      {huge,
       ": the proxy's answer to CONNECT is over 8 KiB; check that http_proxy names an HTTP "
       "proxy"},
      {"",
       ": the proxy closed the connection without answering CONNECT; check that http_proxy "
       "names an HTTP proxy"},
      {"HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
       ": the proxy sent bytes after its answer to CONNECT; check that http_proxy names an HTTP "
       "proxy"},
  };
  for (const auto& c : cases) {
    ScriptedProxy proxy(c.answer);
    ASSERT_NE(proxy.peer.port(), 0);
    auto transport = proxied(registry, proxy.url());
    ASSERT_NE(transport, nullptr);
    auto outcome = transport->send(get("/healthz"), 1024);
    ASSERT_FALSE(outcome.has_value()) << c.message;
    EXPECT_EQ(outcome.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(outcome.error().message, start + proxy.shown() + c.message);
    EXPECT_TRUE(proxy.head.starts_with("CONNECT " + target + " HTTP/1.1\r\n")) << proxy.head;
  }
}

TEST(ProxyTransportTest, AProxyThatNeverAnswersTimesOut) {
  ScriptedProxy proxy("", /*silent=*/true);
  ASSERT_NE(proxy.peer.port(), 0);
  const std::string registry = unresolvable_url(4430);
  auto transport = proxied(registry, proxy.url(), std::chrono::milliseconds(300));
  ASSERT_NE(transport, nullptr);
  auto started = std::chrono::steady_clock::now();
  auto outcome = transport->send(get("/healthz"), 1024);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().message, "cannot reach registry " + registry + " through proxy " +
                                         proxy.shown() +
                                         ": the proxy did not answer CONNECT within 300 ms; check "
                                         "that http_proxy names an HTTP proxy");
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(ProxyTransportTest, AProxyThatIsNotThereIsNamed) {
  const std::string registry = unresolvable_url(4430);
  auto transport = proxied(registry, "http://u:secret@127.0.0.1:" + std::to_string(unused_port()));
  ASSERT_NE(transport, nullptr);
  auto outcome = transport->send(get("/healthz"), 1024);
  ASSERT_FALSE(outcome.has_value());
  EXPECT_TRUE(outcome.error().message.starts_with("cannot reach registry " + registry +
                                                  " through proxy http://127.0.0.1:"))
      << outcome.error().message;
  EXPECT_TRUE(outcome.error().message.ends_with(": connection refused")) << outcome.error().message;
  EXPECT_EQ(outcome.error().message.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace wreg::client::transport
