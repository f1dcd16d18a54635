// Which address the access log names: a forwarding header counts only from a trusted proxy, and
// whatever a header holds, the result is an address.
#include "server/http/client_address.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace wreg::http {
namespace {

std::vector<AddressRange> ranges(std::string_view list) {
  auto parsed = parse_address_ranges(list);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message;
  return parsed ? *parsed : std::vector<AddressRange>{};
}

Request with(std::map<std::string, std::string> headers) {
  Request request;
  request.headers = std::move(headers);
  return request;
}

TEST(AddressRangeTest, ReadsAddressesAndRangesOfBothFamilies) {
  auto loopback = *AddressRange::parse("127.0.0.0/8");
  EXPECT_TRUE(loopback.contains("127.0.0.1"));
  EXPECT_TRUE(loopback.contains("127.255.0.9"));
  EXPECT_TRUE(loopback.contains("::ffff:127.0.0.1")) << "a dual-stack listener's peer";
  EXPECT_FALSE(loopback.contains("128.0.0.1"));
  EXPECT_FALSE(loopback.contains("::1"));
  EXPECT_FALSE(loopback.contains("not an address"));

  auto one = *AddressRange::parse("10.1.2.3");
  EXPECT_TRUE(one.contains("10.1.2.3"));
  EXPECT_FALSE(one.contains("10.1.2.4"));

  auto v6 = *AddressRange::parse("fd00::/8");
  EXPECT_TRUE(v6.contains("fd12:3456::1"));
  EXPECT_FALSE(v6.contains("fe80::1"));
  EXPECT_TRUE(AddressRange::parse("::1")->contains("::1"));
  EXPECT_TRUE(AddressRange::parse("0.0.0.0/0")->contains("192.0.2.1"));
  EXPECT_TRUE(AddressRange::parse("10.0.0.0/12")->contains("10.15.255.255"));
  EXPECT_FALSE(AddressRange::parse("10.0.0.0/12")->contains("10.16.0.0"));
}

TEST(AddressRangeTest, RefusesWhatIsNotARangeNamingIt) {
  for (const char* bad : {"", "localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/8x",
                          "10.0.0.0/-1", "1.2.3", "10.0.0.0/8/8", "\x1b[2J"}) {
    auto parsed = AddressRange::parse(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_NE(parsed.error().message.find("trusted proxy"), std::string::npos);
    EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos);
  }
  EXPECT_FALSE(parse_address_ranges("127.0.0.1,nope").has_value());
  EXPECT_TRUE(parse_address_ranges("").has_value());
  EXPECT_EQ(parse_address_ranges(" 127.0.0.1 , ::1 ")->size(), 2u);
}

TEST(ClientAddressTest, AHeaderFromAnUntrustedPeerIsIgnored) {
  const auto request = with({{"x-forwarded-for", "203.0.113.7"}, {"forwarded", "for=1.2.3.4"}});
  EXPECT_EQ(client_address("127.0.0.1", request, {}), "127.0.0.1");
  EXPECT_EQ(client_address("192.0.2.9", request, ranges("127.0.0.1")), "192.0.2.9");
}

TEST(ClientAddressTest, ATrustedProxyNamesTheClient) {
  const auto trusted = ranges("127.0.0.1,10.0.0.0/8");
  EXPECT_EQ(client_address("127.0.0.1", with({{"x-forwarded-for", "203.0.113.7"}}), trusted),
            "203.0.113.7");
  // Walked from the last hop back past every trusted proxy: what the client itself wrote first
  // (the spoofed 6.6.6.6) is never believed.
  EXPECT_EQ(client_address("127.0.0.1",
                           with({{"x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.2"}}), trusted),
            "203.0.113.7");
  EXPECT_EQ(client_address("127.0.0.1", with({}), trusted), "127.0.0.1");
  // Forwarded wins over X-Forwarded-For, with its quoting, brackets and ports.
  EXPECT_EQ(client_address("127.0.0.1",
                           with({{"forwarded", "for=\"[2001:db8::7]:4711\";proto=https"},
                                 {"x-forwarded-for", "198.51.100.1"}}),
                           trusted),
            "2001:db8::7");
  EXPECT_EQ(client_address("127.0.0.1", with({{"forwarded", "For=198.51.100.2:80, for=10.0.0.3"}}),
                           trusted),
            "198.51.100.2");
}

TEST(ClientAddressTest, WhatIsNotAnAddressIsNeverLogged) {
  const auto trusted = ranges("127.0.0.1");
  const std::vector<std::string> hostile{
      "unknown", "_hidden", "\x1b[2J evil", "1.2.3.4\r\nforged line", "",
      ",,,",     "[::1",    "\"",           std::string(100'000, '1')};
  for (const std::string& text : hostile) {
    EXPECT_EQ(client_address("127.0.0.1", with({{"x-forwarded-for", text}}), trusted), "127.0.0.1")
        << text;
    EXPECT_EQ(client_address("127.0.0.1", with({{"forwarded", "for=" + text}}), trusted),
              "127.0.0.1")
        << text;
  }
  // An address with a scope is printed by the address parser, never copied from the header.
  const std::string scoped =
      client_address("127.0.0.1", with({{"x-forwarded-for", "fe80::1%\x1b[2J"}}), trusted);
  for (char c : scoped) EXPECT_GT(static_cast<unsigned char>(c), 0x20) << scoped;
}

}  // namespace
}  // namespace wreg::http
