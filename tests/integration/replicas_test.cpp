// Several wreg-server replicas on one PostgreSQL database and one blob folder, each with a data
// dir of its own holding copies of the same keys (deploy/README.md): they behave as one registry.
// A publish on one is served by the others, racing publishes of one version make one release,
// a yank on one is seen on all, and the transparency log is one log whichever replica is asked.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/support/fixtures.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_database.h"

namespace wreg::testing {
namespace {

using Json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Each replica's data dir gets these keys from the first one's: a bearer token or a checkpoint
// signed by one replica must verify on every other.
constexpr const char* kSharedKeys[] = {"token-signing.key", "log-signing.key"};

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (servers_use_postgres()) {
      // This suite runs on PostgreSQL in the SQLite run already.
      GTEST_SKIP() << "already run on PostgreSQL in the run without the postgres/ prefix";
    }
    database_ = new_postgres_database();
    ASSERT_EQ(admin({"namespace", "create", "--data", data_dir(0).string(), "demo"}).exit_status,
              0);
    auto token = admin({"token", "create", "--data", data_dir(0).string(), "--namespace", "demo"});
    ASSERT_EQ(token.exit_status, 0) << token.err;
    token_ = token.out.substr(0, token.out.find('\n'));
    for (int i = 0; i < 3; ++i) {
      replicas_.push_back(std::make_unique<ServerProcess>(
          data_dir(i),
          std::vector<std::string>{"--database", database_, "--blobs", (dir_ / "blobs").string()}));
      if (i > 0) {
        std::filesystem::create_directories(data_dir(i));
        for (const char* key : kSharedKeys) {
          std::filesystem::copy_file(data_dir(0) / key, data_dir(i) / key);
        }
      }
      ASSERT_TRUE(replicas_.back()->start()) << replicas_.back()->log();
    }
  }

  // An admin command on replica 0's data dir and the shared database and blobs.
  CommandResult admin(std::vector<std::string> args) {
    args.insert(args.end(), {"--database", database_, "--blobs", (dir_ / "blobs").string()});
    return run_server_command(args);
  }

  std::filesystem::path data_dir(int replica) const {
    return dir_ / ("replica-" + std::to_string(replica));
  }
  std::uint16_t port(int replica) const { return replicas_[replica]->port(); }

  HttpResponse publish(int replica, const std::string& version, const std::string& bytes) {
    return request(port(replica), "PUT", "/api/v1/packages/demo/app/" + version,
                   {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/wasm"}},
                   bytes);
  }
  HttpResponse get(int replica, const std::string& target, const Headers& headers = {}) {
    return request(port(replica), "GET", target, headers);
  }
  // The versions replica `replica` lists for demo:app, newest first; empty on a 404.
  std::vector<std::string> versions_on(int replica) {
    auto response = get(replica, "/api/v1/packages/demo/app");
    std::vector<std::string> out;
    if (response.status != 200) return out;
    const Json document = Json::parse(response.body);
    for (const auto& version : document["versions"]) {
      out.push_back(version["version"].get<std::string>() +
                    (version.value("yanked", false) ? " (yanked)" : ""));
    }
    return out;
  }
  // Waits (bounded) until replica `replica` lists `expected`; what it listed last.
  std::vector<std::string> await_versions(int replica, const std::vector<std::string>& expected) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    std::vector<std::string> listed = versions_on(replica);
    while (listed != expected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      listed = versions_on(replica);
    }
    return listed;
  }

  std::string component(const std::string& tag) {
    return with_custom_section(fixture_bytes("components/analytics-engine.wasm"), tag);
  }

  TempDir dir_;
  std::string database_;
  std::string token_;
  std::vector<std::unique_ptr<ServerProcess>> replicas_;
};

TEST_F(ReplicasTest, APublishOnOneIsServedByTheOthers) {
  // Each replica has the package's 404 and then its document cached before the next publish.
  EXPECT_EQ(get(1, "/api/v1/packages/demo/app").status, 404);
  ASSERT_EQ(publish(0, "1.0.0", component("one")).status, 201);
  EXPECT_EQ(await_versions(1, {"1.0.0"}), std::vector<std::string>{"1.0.0"});
  EXPECT_EQ(await_versions(2, {"1.0.0"}), std::vector<std::string>{"1.0.0"});

  const auto published = std::chrono::steady_clock::now();
  ASSERT_EQ(publish(2, "1.1.0", component("two")).status, 201);
  EXPECT_EQ(await_versions(1, {"1.1.0", "1.0.0"}), (std::vector<std::string>{"1.1.0", "1.0.0"}));
  const auto seen = std::chrono::steady_clock::now() - published;
  // The bound the change feed promises even if its notification were lost (ChangeFeedOptions).
  EXPECT_LT(seen, std::chrono::seconds(2));

  // The bytes went to the shared blob folder: every replica serves them.
  const std::string bytes = component("two");
  auto document = Json::parse(get(1, "/api/v1/packages/demo/app").body);
  const std::string digest = document["versions"][0]["digest"];
  auto blob = get(1, "/api/v1/blobs/" + digest);
  EXPECT_EQ(blob.status, 200);
  EXPECT_EQ(blob.body, bytes);
}

TEST_F(ReplicasTest, AYankOnOneIsSeenOnAll) {
  ASSERT_EQ(publish(0, "1.0.0", component("one")).status, 201);
  ASSERT_EQ(await_versions(2, {"1.0.0"}), std::vector<std::string>{"1.0.0"});
  auto yanked = request(port(1), "POST", "/api/v1/packages/demo/app/1.0.0/yank",
                        {{"Authorization", "Bearer " + token_}});
  ASSERT_EQ(yanked.status, 200) << yanked.body;
  for (int replica : {0, 2}) {
    EXPECT_EQ(await_versions(replica, {"1.0.0 (yanked)"}),
              std::vector<std::string>{"1.0.0 (yanked)"});
  }
}

// 16 clients publish one version at once, spread over the three replicas: one 201, and the
// others 200 (the same bytes) or 409 (other bytes); nothing else, and one release stored.
TEST_F(ReplicasTest, RacingPublishesOfOneVersionMakeOneRelease) {
  for (const bool same_bytes : {true, false}) {
    SCOPED_TRACE(same_bytes ? "same bytes" : "other bytes");
    const std::string version = same_bytes ? "2.0.0" : "3.0.0";
    std::atomic<int> created{0}, present{0}, conflict{0}, other{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 16; ++i) {
      clients.emplace_back([&, i] {
        auto response =
            publish(i % 3, version, component(same_bytes ? "raced" : "raced-" + std::to_string(i)));
        if (response.status == 201) {
          ++created;
        } else if (response.status == 200) {
          ++present;
        } else if (response.status == 409) {
          ++conflict;
        } else {
          ++other;
        }
      });
    }
    for (std::thread& client : clients) client.join();
    EXPECT_EQ(created, 1);
    EXPECT_EQ(other, 0);
    EXPECT_EQ(same_bytes ? present.load() : conflict.load(), 15);
  }
  auto check = admin({"fsck", "--data", data_dir(0).string()});
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
}

// SIGKILL to one replica in the middle of publishes on both: every publish either replica
// acknowledged is served by the survivor, the killed one starts again on the same database and
// serves them too, and fsck finds nothing wrong (an upload cut short leaves at most an orphan
// blob, which gc removes).
TEST_F(ReplicasTest, AReplicaKilledInTheMiddleOfPublishesLosesNothingAcknowledged) {
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::vector<std::thread> clients;
  for (int client = 0; client < 4; ++client) {
    clients.emplace_back([&, client] {
      for (int n = 0; !stop; ++n) {
        const std::string version = "4." + std::to_string(client) + "." + std::to_string(n);
        auto response = publish(client % 2, version, component(version));
        if (response.status == 201 || response.status == 200) {
          std::lock_guard lock(mutex);
          acknowledged.push_back(version);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  replicas_[1]->kill_hard();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  stop = true;
  for (std::thread& client : clients) client.join();
  ASSERT_GT(acknowledged.size(), 4u);

  ASSERT_TRUE(replicas_[1]->start()) << replicas_[1]->log();
  for (int replica : {0, 1}) {
    for (const std::string& version : acknowledged) {
      EXPECT_EQ(get(replica, "/api/v1/packages/demo/app/" + version).status, 200)
          << "replica " << replica << " lost " << version;
    }
  }
  auto check = admin({"fsck", "--data", data_dir(0).string()});
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
}

// A release published on one replica is proven by any other from the same log: the proof and
// the checkpoint verify with the one key, whichever replica signed.
TEST_F(ReplicasTest, EveryReplicaProvesEveryRelease) {
  ASSERT_EQ(publish(0, "1.0.0", component("one")).status, 201);
  ASSERT_EQ(publish(1, "1.0.1", component("two")).status, 201);
  for (int replica = 0; replica < 3; ++replica) {
    for (const char* version : {"1.0.0", "1.0.1"}) {
      auto proof = get(replica, std::string("/api/v1/packages/demo/app/") + version + "/proof");
      EXPECT_EQ(proof.status, 200) << "replica " << replica << " " << version << ": " << proof.body;
    }
    auto key = get(replica, "/log/key");
    EXPECT_EQ(key.body, get(0, "/log/key").body);
  }
}

// PostgreSQL restarted under a serving replica: while it is down, requests fail cleanly (503
// saying why, /healthz too); once it is back, the replica recovers without a restart.
TEST(DatabaseRestartTest, RequestsFailCleanlyWhileItIsDownAndRecover) {
  if (servers_use_postgres()) GTEST_SKIP() << "run once, with a PostgreSQL server of its own";
  PostgresServer postgres;  // this test stops it: not the one other tests share
  const std::string database = postgres.create_database();
  TempDir dir;
  const std::string data = (dir / "data").string();
  ASSERT_EQ(
      run_server_command({"namespace", "create", "--data", data, "--database", database, "demo"})
          .exit_status,
      0);
  auto token = run_server_command(
      {"token", "create", "--data", data, "--database", database, "--namespace", "demo"});
  ASSERT_EQ(token.exit_status, 0) << token.err;
  const std::string bearer = "Bearer " + token.out.substr(0, token.out.find('\n'));
  ServerProcess server(dir / "data", {"--database", database});
  ASSERT_TRUE(server.start()) << server.log();
  const std::string bytes = fixture_bytes("components/analytics-engine.wasm");
  auto publish = [&](const std::string& version, const std::string& body) {
    return request(server.port(), "PUT", "/api/v1/packages/demo/app/" + version,
                   {{"Authorization", bearer}, {"Content-Type", "application/wasm"}}, body);
  };
  ASSERT_EQ(publish("1.0.0", bytes).status, 201);

  postgres.stop();
  auto health = request(server.port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 503);
  EXPECT_NE(health.body.find("unreachable"), std::string::npos) << health.body;
  auto refused = publish("1.0.1", with_custom_section(bytes, "two"));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("database is unreachable"), std::string::npos) << refused.body;

  postgres.start();
  // Each pooled connection sees that its session ended, and connects again when next lent.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline &&
         (status = request(server.port(), "GET", "/healthz").status) != 200) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
  int published = 0;
  for (int attempt = 0; attempt < 8 && published != 201; ++attempt) {
    published = publish("1.0.1", with_custom_section(bytes, "two")).status;
  }
  EXPECT_EQ(published, 201);
  auto document = request(server.port(), "GET", "/api/v1/packages/demo/app");
  EXPECT_EQ(document.status, 200);
  EXPECT_NE(document.body.find("1.0.1"), std::string::npos);
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace wreg::testing
