#include "tests/support/postgres_server.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/fixtures.h"

namespace wreg::testing {
namespace {

// Whether `pid` names a process, a zombie too.
bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// The server's processes: the postmaster, and those pg_stat_activity lists (the checkpointer,
// the WAL writer and the other auxiliary processes, and the backends) but the query's own.
std::vector<pid_t> server_processes(PostgresServer& server, const std::string& url) {
  std::vector<pid_t> processes{server.pid()};
  std::istringstream pids(
      server.psql(url, "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()"));
  for (pid_t pid = 0; pids >> pid;) processes.push_back(pid);
  return processes;
}

TEST(PostgresServerTest, PsqlRunsAQueryAndPrintsItsRows) {
  PostgresServer& server = shared_postgres_server();
  std::string url = server.create_database();
  EXPECT_EQ(server.psql(url, "SELECT 6 * 7"), "42");
  EXPECT_EQ(server.psql(url, "SELECT n, n * n FROM generate_series(1, 3) AS n"), "1|1\n2|4\n3|9");
}

TEST(PostgresServerTest, CreatedDatabasesAreDistinct) {
  PostgresServer& server = shared_postgres_server();
  std::string first = server.create_database();
  std::string second = server.create_database();
  EXPECT_NE(first, second);
  std::string first_name = server.psql(first, "SELECT current_database()");
  std::string second_name = server.psql(second, "SELECT current_database()");
  EXPECT_EQ(first_name.rfind("wreg_", 0), 0u) << first_name;
  EXPECT_EQ(second_name.rfind("wreg_", 0), 0u) << second_name;
  EXPECT_NE(first_name, second_name);

  server.psql(first, "CREATE TABLE only_in_first (n integer)");
  EXPECT_EQ(server.psql(first, "SELECT to_regclass('only_in_first') IS NOT NULL"), "t");
  EXPECT_EQ(server.psql(second, "SELECT to_regclass('only_in_first') IS NULL"), "t");
}

TEST(PostgresServerTest, FailingSqlFailsTheTest) {
  PostgresServer& server = shared_postgres_server();
  std::string url = server.create_database();
  std::string out = "unset";
  EXPECT_NONFATAL_FAILURE(out = server.psql(url, "SELECT 1; SELECT * FROM no_such_table"),
                          "relation \"no_such_table\" does not exist");
  EXPECT_EQ(out, "");
}

// A death test's child is a fork of the test process: its exit runs the shared server's
// destructor, which must leave the parent's server and folder alone.
TEST(PostgresServerTest, ExitOfAForkedChildLeavesTheSharedServerRunning) {
  PostgresServer& server = shared_postgres_server();
  std::string url = server.create_database();
  EXPECT_EXIT(std::exit(0), ::testing::ExitedWithCode(0), "");
  EXPECT_EQ(server.psql(url, "SELECT 1"), "1");
}

TEST(PostgresServerTest, RestartKeepsTheDataAtTheSameUrl) {
  PostgresServer server;
  std::string url = server.create_database();
  server.psql(url, "CREATE TABLE kept (n integer); INSERT INTO kept VALUES (7)");
  pid_t first_postmaster = server.pid();

  server.stop();
  EXPECT_EQ(server.pid(), -1);
  EXPECT_FALSE(process_exists(first_postmaster));
  EXPECT_NONFATAL_FAILURE(server.psql(url, "SELECT 1"), "psql failed");

  server.start();
  EXPECT_NE(server.pid(), -1);
  EXPECT_EQ(server.psql(url, "SELECT n FROM kept"), "7");
}

TEST(PostgresServerTest, KillHardKeepsCommittedRowsAndStartRecovers) {
  PostgresServer server;
  std::string url = server.create_database();
  server.psql(url, "CREATE TABLE kept (n integer)");
  server.psql(url, "INSERT INTO kept SELECT generate_series(1, 1000)");
  std::vector<pid_t> processes = server_processes(server, url);

  server.kill_hard();
  EXPECT_EQ(server.pid(), -1);
  for (pid_t pid : processes) EXPECT_FALSE(process_exists(pid)) << "process " << pid;

  server.start();
  EXPECT_EQ(server.psql(url, "SELECT count(*) FROM kept"), "1000");
  EXPECT_NE(file_bytes(server.log_file()).find("automatic recovery in progress"),
            std::string::npos);
}

TEST(PostgresServerTest, DestructorLeavesNoProcessAndNoFolder) {
  std::vector<pid_t> processes;
  std::filesystem::path dir;
  {
    PostgresServer server;
    processes = server_processes(server, server.url("postgres"));
    dir = server.log_file().parent_path();
    ASSERT_TRUE(std::filesystem::exists(dir));
  }
  ASSERT_GT(processes.size(), 1u);
  for (pid_t pid : processes) EXPECT_FALSE(process_exists(pid)) << "process " << pid;
  const char* keep = std::getenv("WREG_KEEP_TEMP");
  if (keep == nullptr || *keep == '\0' || std::string_view(keep) == "0") {
    EXPECT_FALSE(std::filesystem::exists(dir));
  }
}

TEST(PostgresServerTest, DestructorAfterKillHardLeavesNoProcess) {
  std::vector<pid_t> processes;
  {
    PostgresServer server;
    processes = server_processes(server, server.url("postgres"));
    server.kill_hard();
  }
  for (pid_t pid : processes) EXPECT_FALSE(process_exists(pid)) << "process " << pid;
}

}  // namespace
}  // namespace wreg::testing
