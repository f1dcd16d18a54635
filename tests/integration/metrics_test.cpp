// Who may read GET /metrics, and the process metrics it carries, on the real wreg-server.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {
namespace {

namespace fs = std::filesystem;

const std::string kMetricsToken = "prometheus-scrape-secret-0123456789";

// A data dir with namespace `demo` and a publish token for it.
class MetricsAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_server_command({"namespace", "create", "--data", data(), "demo"}).exit_status, 0);
    token_ = create_token(data(), {"--namespace", "demo"});
    ASSERT_FALSE(token_.empty());
  }

  std::string data() const { return (dir_.path() / "data").string(); }

  static int status_of(const ServerProcess& server, const std::string& token = "") {
    if (token.empty()) return request(server.port(), "GET", "/metrics").status;
    return request(server.port(), "GET", "/metrics", {{"Authorization", "Bearer " + token}}).status;
  }

  TempDir dir_;
  std::string token_;
};

TEST_F(MetricsAccessTest, OpenRegistryKeepsMetricsOpen) {
  ServerProcess server(data());
  ASSERT_TRUE(server.start()) << server.log();
  EXPECT_EQ(status_of(server), 200);
}

// The reported defect: with reads closed, /metrics still answered anyone.
TEST_F(MetricsAccessTest, PrivateRegistryClosesMetricsLikeReads) {
  ServerProcess server(data(), {"--private"});
  ASSERT_TRUE(server.start()) << server.log();
  auto refused = request(server.port(), "GET", "/metrics");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.header("www-authenticate"), "Bearer realm=\"wreg\"");
  EXPECT_EQ(refused.body.find("wreg_http_requests_total"), std::string::npos);
  EXPECT_EQ(status_of(server, "wreg_" + std::string(64, '0')), 401);
  EXPECT_EQ(status_of(server, token_), 200);
}

// Prometheus gets a secret of its own, from the settings file (which `ps` does not show); it is
// the only key to /metrics then, whether reads are open or not.
TEST_F(MetricsAccessTest, MetricsTokenIsTheOnlyKeyToMetrics) {
  const fs::path config = dir_.path() / "wreg-server.toml";
  for (const bool private_reads : {true, false}) {
    std::ofstream(config) << "private = " << (private_reads ? "true" : "false")
                          << "\nmetrics-token = \"" << kMetricsToken << "\"\n";
    ServerProcess server(data(), {"--config", config.string()});
    ASSERT_TRUE(server.start()) << server.log();
    EXPECT_EQ(status_of(server), 401) << private_reads;
    EXPECT_EQ(status_of(server, token_), 401) << private_reads;
    EXPECT_EQ(status_of(server, kMetricsToken + "x"), 401) << private_reads;
    EXPECT_EQ(status_of(server, kMetricsToken.substr(1)), 401) << private_reads;
    EXPECT_EQ(status_of(server, kMetricsToken), 200) << private_reads;
    // The package API keeps its own rule.
    EXPECT_EQ(request(server.port(), "GET", "/api/v1/packages").status, private_reads ? 401 : 200);
    EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
  }
  // The flag works too.
  ServerProcess flagged(data(), {"--metrics-token", kMetricsToken});
  ASSERT_TRUE(flagged.start()) << flagged.log();
  EXPECT_EQ(status_of(flagged), 401);
  EXPECT_EQ(status_of(flagged, kMetricsToken), 200);
}

TEST_F(MetricsAccessTest, AWeakMetricsTokenStopsTheServerInOneLine) {
  auto started = run_server_command(
      {"serve", "--data", data(), "--listen", "127.0.0.1:0", "--metrics-token", "short"});
  EXPECT_EQ(started.exit_status, 1);
  EXPECT_EQ(started.err,
            "wreg-server: the metrics token must be 16 to 1024 visible ASCII characters without "
            "spaces; make one with `openssl rand -hex 32`\n");
}

// The value of the sample `name` (a line `name value`), or -1.
double sample(const std::string& text, const std::string& name) {
  auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

TEST_F(MetricsAccessTest, ProcessMetricsDescribeTheServerProcess) {
  ServerProcess server(data());
  ASSERT_TRUE(server.start()) << server.log();
  auto metrics = request(server.port(), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string& text = metrics.body;
  EXPECT_GE(sample(text, "process_cpu_seconds_total"), 0) << text;
  EXPECT_GT(sample(text, "process_resident_memory_bytes"), 1 << 20) << text;
  EXPECT_GT(sample(text, "process_virtual_memory_bytes"), 1 << 20) << text;
  // The listener, the database and the connection in hand at least.
  EXPECT_GE(sample(text, "process_open_fds"), 4) << text;
  EXPECT_GT(sample(text, "process_max_fds"), 0) << text;
  const double started = sample(text, "process_start_time_seconds");
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(started, now - 600) << text;
  EXPECT_LT(started, now + 5) << text;
  auto version = run_server_command({"--version"});  // "wreg-server 0.1.0"
  ASSERT_EQ(version.exit_status, 0);
  const std::string number = version.out.substr(version.out.find(' ') + 1,
                                                version.out.find('\n') - version.out.find(' ') - 1);
  EXPECT_NE(text.find("\nwreg_build_info{version=\"" + number + "\"} 1\n"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace wreg::testing
