// Which database the wreg-server processes of a test run on: SQLite in their data dir (the
// default), or PostgreSQL, so that the integration and CLI suites run unchanged on both engines.
//
// ctest runs each of those suites twice: as they are, and as `postgres/...` with
// WREG_TEST_POSTGRES naming the file in which tests/support/postgres_cluster.sh wrote the socket
// folder of the run's one PostgreSQL server (tests/CMakeLists.txt). Run by hand,
// WREG_TEST_DATABASE=postgresql does the same with a server of the test process's own
// (postgres_server.h). Each data dir a test's servers use gets a schema of its own in that
// server's database, so the tests of a run never see each other's rows.
//
// ServerProcess and run_command() pass every wreg-server command the --database of its --data
// dir through with_test_database(), so no test spells it out.
#pragma once

#include <string>
#include <vector>

namespace wreg::testing {

// Whether this process's servers run on PostgreSQL.
bool servers_use_postgres();

// `args` of a wreg-server command, with `--database URL` added when the servers run on
// PostgreSQL and `args` name a --data dir but no --database: that data dir's schema, made on
// first use.
std::vector<std::string> with_test_database(std::vector<std::string> args);

// A new, empty PostgreSQL database for the tests that are about PostgreSQL whichever run they are
// in (several replicas on one database): a schema of its own on the run's server, or on this
// process's own server when the run has none. Its libpq URI.
std::string new_postgres_database();

}  // namespace wreg::testing
