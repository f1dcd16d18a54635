// `wreg-server migrate`: a registry on SQLite, with releases, a yank, tokens and its
// transparency log, moved into PostgreSQL and served from there as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/support/fixtures.h"
#include "tests/support/test_database.h"

namespace wreg::testing {
namespace {

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WREG_SQLITE_ONLY("starts from a SQLite registry by design");
    ASSERT_EQ(
        run_server_command({"namespace", "create", "--data", data().string(), "demo"}).exit_status,
        0);
    token_ = create_token(data(), {"--namespace", "demo"});
    ASSERT_FALSE(token_.empty());
  }

  std::filesystem::path data() const { return dir_ / "data"; }
  std::string sqlite_url() const { return "sqlite:" + (data() / "wreg.db").string(); }

  HttpResponse publish(ServerProcess& server, const std::string& version, const std::string& tag) {
    return request(server.port(), "PUT", "/api/v1/packages/demo/app/" + version,
                   {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/wasm"}},
                   with_custom_section(fixture_bytes("components/analytics-engine.wasm"), tag));
  }

  TempDir dir_;
  std::string token_;
};

TEST_F(MigrateTest, ARegistryMovesWithEveryRowAndIsServedAsItWas) {
  std::string document;
  std::string checkpoint;
  {
    ServerProcess sqlite_server(data());
    ASSERT_TRUE(sqlite_server.start()) << sqlite_server.log();
    ASSERT_EQ(publish(sqlite_server, "1.0.0", "one").status, 201);
    ASSERT_EQ(publish(sqlite_server, "1.1.0", "two").status, 201);
    ASSERT_EQ(request(sqlite_server.port(), "POST", "/api/v1/packages/demo/app/1.0.0/yank",
                      {{"Authorization", "Bearer " + token_}})
                  .status,
              200);
    document = request(sqlite_server.port(), "GET", "/api/v1/packages/demo/app").body;
    checkpoint = request(sqlite_server.port(), "GET", "/log/checkpoint").body;
    ASSERT_EQ(sqlite_server.stop(), 0);
  }

  const std::string postgres = new_postgres_database();
  auto moved = run_server_command({"migrate", "--from", sqlite_url(), "--to", postgres});
  ASSERT_EQ(moved.exit_status, 0) << moved.err;
  EXPECT_EQ(moved.out.rfind("copied 1 namespaces, 1 tokens, 1 token_namespaces, 1 packages, "
                            "2 releases, 0 dependencies, ",
                            0),
            0u)
      << moved.out;
  EXPECT_NE(moved.out.find("3 log_entries"), std::string::npos) << moved.out;
  EXPECT_EQ(count_lines(moved.out), 1u);

  // Twice is safe: nothing is written, and it says so.
  auto again = run_server_command({"migrate", "--from", sqlite_url(), "--to", postgres});
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_NE(again.out.find("already holds this registry"), std::string::npos) << again.out;

  // The same data dir (its keys and blobs) on the copy: the same document and log, the same
  // token, and new rows after the copied ones.
  ServerProcess postgres_server(data(), {"--database", postgres});
  ASSERT_TRUE(postgres_server.start()) << postgres_server.log();
  EXPECT_EQ(request(postgres_server.port(), "GET", "/api/v1/packages/demo/app").body, document);
  EXPECT_EQ(request(postgres_server.port(), "GET", "/log/checkpoint").body, checkpoint);
  auto published = publish(postgres_server, "1.2.0", "three");
  EXPECT_EQ(published.status, 201) << published.body;
  EXPECT_EQ(request(postgres_server.port(), "GET", "/api/v1/packages/demo/app/1.1.0/proof").status,
            200);
  auto check = run_server_command({"fsck", "--data", data().string(), "--database", postgres});
  EXPECT_EQ(check.exit_status, 0) << check.out << check.err;
  EXPECT_EQ(postgres_server.stop(), 0) << postgres_server.log();

  // Now the copy has rows the source has not: a third run refuses rather than merge.
  auto refused = run_server_command({"migrate", "--from", sqlite_url(), "--to", postgres});
  EXPECT_EQ(refused.exit_status, 1);
  EXPECT_EQ(count_lines(refused.err), 1u) << refused.err;
  EXPECT_NE(refused.err.find("migrate into an empty database"), std::string::npos) << refused.err;
}

TEST_F(MigrateTest, WrongEndsAreOneLineAndChangeNothing) {
  const std::string postgres = new_postgres_database();
  for (const auto& [args, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--from", postgres, "--to", postgres}, "--from must be the SQLite database"},
           {{"--from", sqlite_url(), "--to", sqlite_url()}, "--to must be the PostgreSQL"},
           {{"--from", "sqlite:" + (dir_ / "nothing.db").string(), "--to", postgres},
            "no SQLite database at"},
       }) {
    std::vector<std::string> command{"migrate"};
    command.insert(command.end(), args.begin(), args.end());
    auto refused = run_server_command(command);
    EXPECT_EQ(refused.exit_status, 1) << refused.out;
    EXPECT_EQ(count_lines(refused.err), 1u) << refused.err;
    EXPECT_NE(refused.err.find(expected), std::string::npos) << refused.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "nothing.db"));
}

}  // namespace
}  // namespace wreg::testing
