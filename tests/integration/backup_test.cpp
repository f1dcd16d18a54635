// `wreg-server backup` of a registry that is serving and taking publishes: the backup is a data
// directory that fsck finds clean and a second server serves, with every release that was
// acknowledged before the backup began.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/support/test_database.h"

namespace wreg::testing {
namespace {

namespace fs = std::filesystem;

// Publishes demo:app@1.0.N (distinct bytes each) one after another until stopped, and keeps
// what the server acknowledged, in order.
class Publisher {
 public:
  Publisher(std::uint16_t port, std::string token, std::string component)
      : port_(port), token_(std::move(token)), component_(std::move(component)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Publisher() { stop(); }

  // Waits until at least `count` publishes were acknowledged; false if the publisher stopped
  // first (a refused publish, with the reason in error()).
  bool wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return acknowledged_.size() >= count || done_; });
    return acknowledged_.size() >= count;
  }
  // The acknowledged releases so far: version -> bytes.
  std::map<std::string, std::string> acknowledged() {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::string error() {
    std::lock_guard lock(mutex_);
    return error_;
  }

 private:
  void run() {
    for (int i = 0; !stopping_ && i < 10000; ++i) {
      const std::string version = "1.0." + std::to_string(i);
      const std::string bytes = with_custom_section(component_, "release " + version);
      auto response = request(
          port_, "PUT", "/api/v1/packages/demo/app/" + version,
          {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/wasm"}}, bytes);
      std::lock_guard lock(mutex_);
      if (response.status != 201) {
        error_ = "publish of " + version + ": " + std::to_string(response.status) + " " +
                 response.error + response.body;
        break;
      }
      acknowledged_[version] = bytes;
      changed_.notify_all();
    }
    std::lock_guard lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }

  std::uint16_t port_;
  std::string token_;
  std::string component_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::string> acknowledged_;  // guarded by mutex_
  std::string error_;                                // guarded by mutex_
  bool done_ = false;                                // guarded by mutex_
  std::thread thread_;
};

TEST(BackupTest, BackupTakenDuringPublishesServesEveryAcknowledgedRelease) {
  WREG_SQLITE_ONLY("backup copies SQLite registries (PostgresBackupTest)");
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ASSERT_EQ(
      run_server_command({"namespace", "create", "--data", data.string(), "demo"}).exit_status, 0);
  const std::string token = create_token(data, {"--namespace", "demo"});
  ASSERT_FALSE(token.empty());
  ServerProcess server(data);
  ASSERT_TRUE(server.start()) << server.log();

  const std::string component =
      file_bytes(fs::path(WREG_TEST_FIXTURES) / "components" / "analytics-engine.wasm");
  ASSERT_FALSE(component.empty());
  Publisher publisher(server.port(), token, component);
  ASSERT_TRUE(publisher.wait_for(20)) << publisher.error();

  const auto before = publisher.acknowledged();
  const fs::path backup = dir.path() / "backups" / "monday";
  fs::create_directories(backup.parent_path());
  auto made = run_server_command({"backup", "--data", data.string(), "--to", backup.string()});
  // Publishes went on during the backup, and a few more after it.
  ASSERT_TRUE(publisher.wait_for(before.size() + 5)) << publisher.error();
  publisher.stop();
  ASSERT_EQ(made.exit_status, 0) << made.err;
  EXPECT_EQ(made.err, "");
  EXPECT_NE(made.out.find("backed up "), std::string::npos) << made.out;
  EXPECT_TRUE(fs::exists(backup / "wreg.db"));
  // No partial folder is left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(backup.parent_path()), fs::directory_iterator()),
            1);

  auto checked = run_server_command({"fsck", "--data", backup.string()});
  EXPECT_EQ(checked.exit_status, 0) << checked.err;
  EXPECT_EQ(checked.err, "");
  EXPECT_NE(checked.out.find(": 0 problems, 0 orphans"), std::string::npos) << checked.out;

  server.stop();
  ServerProcess restored(backup);
  ASSERT_TRUE(restored.start()) << restored.log();
  auto document = request(restored.port(), "GET", "/api/v1/packages/demo/app");
  ASSERT_EQ(document.status, 200) << document.body;
  auto versions = nlohmann::json::parse(document.body)["versions"];
  std::map<std::string, std::string> digests;
  for (const auto& version : versions) {
    digests[version["version"].get<std::string>()] = version["digest"].get<std::string>();
  }
  for (const auto& [version, bytes] : before) {
    ASSERT_TRUE(digests.contains(version)) << "demo:app@" << version << " is missing";
    auto blob = request(restored.port(), "GET", "/api/v1/blobs/" + digests[version]);
    ASSERT_EQ(blob.status, 200) << version;
    EXPECT_EQ(blob.body, bytes) << version;
  }
  // Whatever else the backup holds (publishes recorded during it) is whole too.
  for (const auto& [version, digest] : digests) {
    EXPECT_EQ(request(restored.port(), "HEAD", "/api/v1/blobs/" + digest).status, 200) << version;
  }
}

TEST(BackupTest, BackupIntoAMissingFolderIsOneLineAndMakesNothing) {
  WREG_SQLITE_ONLY("backup copies SQLite registries (PostgresBackupTest)");
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ASSERT_EQ(
      run_server_command({"namespace", "create", "--data", data.string(), "demo"}).exit_status, 0);
  const fs::path target = dir.path() / "no" / "such" / "backup";
  auto made = run_server_command({"backup", "--data", data.string(), "--to", target.string()});
  EXPECT_EQ(made.exit_status, 1);
  EXPECT_EQ(made.err, "wreg-server: cannot back up to " + target.string() + ": the folder " +
                          target.parent_path().string() + " does not exist; create it first\n");
  EXPECT_FALSE(fs::exists(dir.path() / "no"));
}

// On PostgreSQL, backup says in one line what to do instead, and makes nothing.
TEST(PostgresBackupTest, BackupOfAPostgresRegistrySaysToUsePgDump) {
  if (!servers_use_postgres()) GTEST_SKIP() << "PostgreSQL only: the postgres/ run";
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ASSERT_EQ(
      run_server_command({"namespace", "create", "--data", data.string(), "demo"}).exit_status, 0);
  const fs::path target = dir.path() / "backup";
  auto made = run_server_command({"backup", "--data", data.string(), "--to", target.string()});
  EXPECT_EQ(made.exit_status, 1);
  EXPECT_EQ(made.err,
            "wreg-server: backup copies a registry whose database is SQLite; this one's is "
            "PostgreSQL: back it up with pg_dump, and copy the blob folder and the data "
            "directory's *.key files\n");
  EXPECT_FALSE(fs::exists(target));
}

}  // namespace
}  // namespace wreg::testing
