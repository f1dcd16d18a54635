// What the OCI integration tests share: the real server they run (OciServerTest), and what they
// read off the wire: digests of bytes, JSON bodies and OCI error bodies
// (`{"errors":[{"code":...,"message":...}]}`), computed independently of the server's code
// (OpenSSL for the digest, nlohmann_json for the bodies).
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline const std::filesystem::path kFixtures = WREG_TEST_FIXTURES;
inline constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";

// Sets `path` to the installed peer program `name` (an independent client or registry that
// `deploy/install-deps.sh --test` installs, under /usr/bin or /usr/local/bin). When it is
// missing the test is skipped, except under CI (CI set), which must never pass without it.
inline void find_peer(const std::string& name, std::string& path) {
  for (const char* folder : {"/usr/bin/", "/usr/local/bin/"}) {
    if (std::filesystem::exists(folder + name)) {
      path = folder + name;
      return;
    }
  }
  if (std::getenv("CI") != nullptr)
    FAIL() << name << " is missing; run deploy/install-deps.sh --test";
  GTEST_SKIP() << name << " is not installed (deploy/install-deps.sh --test)";
}

// The real wreg-server on 127.0.0.1 port 0 over a temp data dir. A test's SetUp creates its
// namespaces and tokens in the data dir, then start()s the server; TearDown stops it and expects
// a clean exit.
class OciServerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0) << server_->log();
    }
  }

  // `wreg-server namespace create` for each of `namespaces`.
  void create_namespaces(std::initializer_list<const char*> namespaces) {
    for (const char* ns : namespaces) {
      auto created = run_server_command({"namespace", "create", "--data", data(), ns});
      ASSERT_EQ(created.exit_status, 0) << created.err;
    }
  }

  // Starts the server on the data dir (again, after a stop), with `extra_args` for `serve`.
  void start(std::vector<std::string> extra_args = {}) {
    extra_args.insert(extra_args.begin(), {"--threads", "2"});
    server_ = std::make_unique<ServerProcess>(data(), std::move(extra_args));
    ASSERT_TRUE(server_->start()) << server_->log();
  }

  std::string data() const { return (dir_.path() / "data").string(); }

  // `wreg-server serve` on the data dir with `args` added must stop at start with one line on
  // stderr that holds `reason`.
  void expect_refused_at_start(const std::vector<std::string>& args, const std::string& reason) {
    std::vector<std::string> serve = {"serve", "--data", data(), "--listen", "127.0.0.1:0"};
    serve.insert(serve.end(), args.begin(), args.end());
    auto refused = run_server_command(serve);
    EXPECT_EQ(refused.exit_status, 1);
    EXPECT_NE(refused.err.find(reason), std::string::npos) << refused.err;
    EXPECT_EQ(refused.err.find('\n'), refused.err.size() - 1) << refused.err;
  }
  std::uint16_t port() const { return server_->port(); }

  // A native publish: PUT /api/v1/packages/<path> with `token`.
  HttpResponse publish_natively(const std::string& token, const std::string& path,
                                const std::string& bytes) {
    return request(port(), "PUT", "/api/v1/packages/" + path,
                   {{"Authorization", "Bearer " + token}}, bytes);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

// `sha256:<lowercase hex>` of `bytes`.
inline std::string sha256(const std::string& bytes) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), hash, &size, EVP_sha256(), nullptr), 1);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[hash[i] >> 4];
    out += kHex[hash[i] & 0xf];
  }
  return out;
}

// The body as JSON; discarded (not an exception) when it is not JSON.
inline nlohmann::json json_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
}

// The first OCI error's code and message; "" when the body is not an OCI error body.
inline std::string oci_error_field(const HttpResponse& response, const char* field) {
  nlohmann::json body = json_of(response);
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array() ||
      body["errors"].empty() || !body["errors"][0].is_object() ||
      !body["errors"][0].contains(field) || !body["errors"][0][field].is_string()) {
    return "";
  }
  return body["errors"][0][field];
}
inline std::string oci_code(const HttpResponse& response) {
  return oci_error_field(response, "code");
}
inline std::string oci_message(const HttpResponse& response) {
  return oci_error_field(response, "message");
}

}  // namespace wreg::testing
