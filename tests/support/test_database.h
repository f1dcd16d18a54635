// Which database the wreg-server processes of a test run on: SQLite in their data dir (the
// default), or PostgreSQL, so that the integration and CLI suites run unchanged on both engines;
// and where the tests about PostgreSQL itself get a database.
//
// ctest starts one PostgreSQL server for its run (tests/support/postgres_cluster.sh, the fixture
// `wreg_postgres`, which writes the server's socket folder to a state file). Its environment
// says who uses it:
//   WREG_TEST_POSTGRES=STATE          the tests about PostgreSQL make their databases there
//   WREG_TEST_SERVER_DATABASE=STATE   and the wreg-server processes run on it too: the
//                                     `postgres/...` run of the integration and CLI suites
// Run by hand without them, the PostgreSQL tests start a server of the test process's own
// (postgres_server.h), and WREG_TEST_DATABASE=postgresql runs the servers on it.
//
// Each database is a schema of its own in the server's database `wreg_tests` (or `postgres`), so
// the tests of a run never see each other's rows. ServerProcess and run_command() pass every
// wreg-server command the --database of its --data dir through with_test_database(), so no test
// spells it out.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace wreg::testing {

// Whether this process's servers run on PostgreSQL.
bool servers_use_postgres();

// Skips the running test in the postgres/ run, saying why: for the tests of what only a SQLite
// registry has (its file edited behind the server's back, `backup`, the README's commands).
#define WREG_SQLITE_ONLY(why) \
  if (::wreg::testing::servers_use_postgres()) GTEST_SKIP() << "SQLite only: " << (why)

// `args` of a wreg-server command, with `--database URL` added when the servers run on
// PostgreSQL and `args` name a --data dir but no --database: that data dir's schema, made on
// first use.
std::vector<std::string> with_test_database(std::vector<std::string> args);

// What the database of the registry in `data` holds, as one who can read it sees it: on SQLite
// the bytes of wreg.db and its WAL; on PostgreSQL (servers_use_postgres()) the text of every row
// of every table in that data dir's schema, a bytea as \x and lowercase hex. For the tests of
// what the registry never stores (a token's text).
std::string stored_database(const std::filesystem::path& data);

// A new, empty PostgreSQL database for the tests that are about PostgreSQL whichever run they are
// in (several replicas on one database): a schema of its own on the run's server, or on this
// process's own server when the run has none. Its libpq URI.
std::string new_postgres_database();

}  // namespace wreg::testing
