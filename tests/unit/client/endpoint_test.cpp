#include "client/transport/endpoint.h"

#include <gtest/gtest.h>

namespace wreg::client::transport {
namespace {

TEST(EndpointTest, SplitsANormalizedUrl) {
  struct Case {
    const char* url;
    bool tls;
    const char* host;
    const char* port;
    const char* host_header;
    const char* prefix;
  };
  const Case cases[] = {
      {"http://127.0.0.1:8080", false, "127.0.0.1", "8080", "127.0.0.1:8080", ""},
      {"http://localhost", false, "localhost", "80", "localhost", ""},
      {"https://registry.example.com", true, "registry.example.com", "443", "registry.example.com",
       ""},
      {"https://registry.example.com:8443/wreg", true, "registry.example.com", "8443",
       "registry.example.com:8443", "/wreg"},
      {"http://[::1]:9000/a/b", false, "::1", "9000", "[::1]:9000", "/a/b"},
      {"https://[2001:db8::1]", true, "2001:db8::1", "443", "[2001:db8::1]", ""},
  };
  for (const auto& c : cases) {
    auto endpoint = endpoint_of(c.url);
    EXPECT_EQ(endpoint.tls, c.tls) << c.url;
    EXPECT_EQ(endpoint.host, c.host) << c.url;
    EXPECT_EQ(endpoint.port, c.port) << c.url;
    EXPECT_EQ(endpoint.host_header, c.host_header) << c.url;
    EXPECT_EQ(endpoint.prefix, c.prefix) << c.url;
  }
}

}  // namespace
}  // namespace wreg::client::transport
