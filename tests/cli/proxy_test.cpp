// The real wreg through an HTTP proxy (tests/cli/cutting_proxy.h as a CONNECT proxy) to the real
// wreg-server over TLS: the registry is named registry.wreg.test, a name with no address, so
// only the proxy's tunnel reaches it, and the TLS inside the tunnel is checked against that name
// with ca_file.
#include <gtest/gtest.h>

#include "common/base64.h"
#include "tests/cli/cli_harness.h"
#include "tests/cli/cutting_proxy.h"

namespace wreg::cli_test {
namespace {

constexpr const char* kRegistryName = "registry.wreg.test";

class CliProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = (dir_.path() / "cert.pem").string();
    auto key = (dir_.path() / "key.pem").string();
    auto made = testing::run_command(
        "/usr/bin/openssl",
        {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert_, "-days",
         "1", "-subj", std::string("/CN=") + kRegistryName, "-addext",
         std::string("subjectAltName=DNS:") + kRegistryName});
    ASSERT_EQ(made.exit_status, 0) << made.err;
    registry_ = std::make_unique<Registry>(
        std::vector<std::string>{"--tls-cert", cert_, "--tls-key", key}, "https");
    ASSERT_TRUE(registry_->start() && registry_->ensure_namespace("wasi")) << registry_->error();
    proxy_ = std::make_unique<CuttingProxy>(registry_->port());
    ASSERT_NE(proxy_->port(), 0);
    url_ = std::string("https://") + kRegistryName + ":" + std::to_string(registry_->port());
    user_ = std::make_unique<User>(url_);
    write_bytes(user_->config_dir() / "wreg" / "config.toml", "ca_file = \"" + cert_ + "\"\n");
  }

  std::string proxy_url(const std::string& credentials = "") const {
    return "http://" + credentials + "127.0.0.1:" + std::to_string(proxy_->port());
  }

  CommandResult wreg(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& variables,
                     bool with_token = false) const {
    return user_->wreg(args, user_->home(),
                       with_token ? std::optional<std::string>(registry_->token()) : std::nullopt,
                       "", variables);
  }

  TempDir dir_;
  std::string cert_;
  std::string url_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<CuttingProxy> proxy_;
  std::unique_ptr<User> user_;
};

TEST_F(CliProxyTest, EveryRequestGoesThroughTheTunnelWithTheProxysCredentials) {
  proxy_->serve_connect();
  const std::map<std::string, std::string> variables{{"HTTPS_PROXY", proxy_url("wreg:s%40cret@")}};
  auto published = wreg({"publish", (testing::fixtures() / "packages/wasi-io@0.2.8.wasm").string()},
                        variables, true);
  ASSERT_EQ(published.exit_status, 0) << describe(published);
  auto info = wreg({"info", "wasi:io"}, variables);
  ASSERT_EQ(info.exit_status, 0) << describe(info);
  EXPECT_NE(info.out.find("0.2.8"), std::string::npos) << info.out;

  const std::string target = std::string(kRegistryName) + ":" + std::to_string(registry_->port());
  const std::string head = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target +
                           "\r\nProxy-Authorization: Basic " +
                           base64_encode(std::string_view("wreg:s@cret")) + "\r\n\r\n";
  auto heads = proxy_->connect_heads();
  ASSERT_GE(heads.size(), 2u);  // one wreg run, one tunnel at least
  for (const auto& seen : heads) EXPECT_EQ(seen, head);
  EXPECT_EQ(proxy_->tunnels(), heads.size());
  EXPECT_EQ(proxy_->accepted(), heads.size());  // nothing went around the proxy

  // NO_PROXY sends it direct, where the name has no address; the error does not name the proxy.
  auto direct =
      wreg({"info", "wasi:io"}, {{"HTTPS_PROXY", proxy_url()}, {"NO_PROXY", ".wreg.test"}});
  EXPECT_EQ(direct.exit_status, 1) << describe(direct);
  EXPECT_EQ(direct.err, "error: cannot reach registry " + url_ + ": host not found\n");
  EXPECT_EQ(proxy_->accepted(), heads.size());
}

TEST_F(CliProxyTest, AProxyThatWantsAPasswordIsOneLine) {
  proxy_->refuse_connect(
      "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n"
      "Content-Length: 0\r\n\r\n");
  auto refused = wreg({"info", "wasi:io"}, {{"https_proxy", proxy_url()}});
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_EQ(refused.err, "error: cannot reach registry " + url_ + " through proxy " + proxy_url() +
                             ": the proxy answered CONNECT " + kRegistryName + ":" +
                             std::to_string(registry_->port()) +
                             " with HTTP 407 (Proxy Authentication Required); the proxy wants a "
                             "user and password: set https_proxy to "
                             "http://USER:PASSWORD@HOST:PORT\n");

  auto wrong = wreg({"info", "wasi:io"}, {{"https_proxy", proxy_url("me:hunter2@")}});
  EXPECT_EQ(wrong.exit_status, 1) << describe(wrong);
  EXPECT_NE(wrong.err.find("it did not take the user and password in https_proxy"),
            std::string::npos)
      << wrong.err;
  EXPECT_EQ(wrong.err.find("hunter2"), std::string::npos) << wrong.err;
  EXPECT_EQ(proxy_->tunnels(), 0u);
}

TEST_F(CliProxyTest, AProxyThatNeverAnswersTimesOutInOneLine) {
  proxy_->refuse_connect("");
  auto started = std::chrono::steady_clock::now();
  auto silent = wreg({"info", "wasi:io"}, {{"HTTPS_PROXY", proxy_url()}});
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(silent.exit_status, 1) << describe(silent);
  EXPECT_EQ(silent.err, "error: cannot reach registry " + url_ + " through proxy " + proxy_url() +
                            ": the proxy did not answer CONNECT within 10000 ms; check that "
                            "HTTPS_PROXY names an HTTP proxy\n");
  EXPECT_LT(took, std::chrono::seconds(20));  // once, not once per attempt
}

TEST_F(CliProxyTest, AnHttpsProxyIsRefusedClearly) {
  auto refused = wreg({"info", "wasi:io"}, {{"HTTPS_PROXY", "https://u:hunter2@proxy:443"}});
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_EQ(
      refused.err,
      "error: HTTPS_PROXY=\"https://***@proxy:443\" is an https:// proxy, which wreg does not "
      "support (it talks to a proxy in plain HTTP and to the registry in TLS through the "
      "tunnel); use the proxy's http:// address; set it to http://[USER:PASSWORD@]HOST:PORT "
      "or unset it\n");
}

}  // namespace
}  // namespace wreg::cli_test
