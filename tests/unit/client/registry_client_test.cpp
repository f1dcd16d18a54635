#include "client/registry_client.h"

#include <gtest/gtest.h>

#include "tests/unit/client/transport_testing.h"

namespace wreg::client {
namespace {

using testing::unused_port;

TEST(RegistryClientTest, UnreachableRegistryIsOneClearLine) {
  std::string url = "http://127.0.0.1:" + std::to_string(unused_port());
  RegistryClientOptions options;
  options.registry = url;
  options.max_attempts = 2;
  options.first_backoff = std::chrono::milliseconds(1);
  auto client = RegistryClient::create(options);
  ASSERT_TRUE(client.has_value()) << client.error().message;
  auto answer = (*client)->get_package_document(*PackageName::parse("wasi:io"), "");
  ASSERT_FALSE(answer.has_value());
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(answer.error().message, "cannot reach registry " + url + ": connection refused");
  EXPECT_EQ((*client)->requests_made(), 0u);  // nothing was sent
}

TEST(RegistryClientTest, RefusesBadUrl) {
  RegistryClientOptions options;
  options.registry = "ftp://example.com";
  auto client = RegistryClient::create(options);
  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace wreg::client
