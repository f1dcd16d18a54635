#include "tests/support/test_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>

#include "tests/support/fixtures.h"
#include "tests/support/postgres_server.h"

namespace wreg::testing {
namespace {

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "test database: " << message << "\n";
  std::abort();
}

// Where the schemas are made: the socket folder of the server and its database.
struct SchemaHome {
  std::filesystem::path socket_dir;
  std::string database;
};
SchemaHome schema_home() {
  const char* state = std::getenv("WREG_TEST_SERVER_DATABASE");
  if (state == nullptr || *state == '\0') state = std::getenv("WREG_TEST_POSTGRES");
  if (state != nullptr && *state) {
    std::string socket = file_bytes(state);
    while (!socket.empty() && (socket.back() == '\n' || socket.back() == ' ')) socket.pop_back();
    if (socket.empty()) {
      fail(std::string("the PostgreSQL state file ") + state +
           ", which holds no socket folder; did the postgres_cluster fixture run?");
    }
    return {socket, "wreg_tests"};
  }
  return {shared_postgres_server().socket_dir(), "postgres"};
}

// A new schema in the server's database; the URI that makes it the connection's search path.
// With schemas_mutex() held.
std::string new_schema_url_locked() {
  static int made = 0;
  const SchemaHome home = schema_home();
  const std::string base = postgres_url(home.socket_dir, home.database);
  const std::string schema = "t" + std::to_string(::getpid()) + "_" + std::to_string(++made);
  PGconn* connection = PQconnectdb(base.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(connection);
    PQfinish(connection);
    fail("cannot connect to " + base + ": " + message);
  }
  PGresult* created = PQexec(connection, ("CREATE SCHEMA " + schema).c_str());
  const bool ok = PQresultStatus(created) == PGRES_COMMAND_OK;
  const std::string message = PQerrorMessage(connection);
  PQclear(created);
  PQfinish(connection);
  if (!ok) fail("cannot create schema " + schema + ": " + message);
  return postgres_url(home.socket_dir, home.database, "-c search_path=" + schema);
}

std::mutex& schemas_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

std::string new_postgres_database() {
  std::lock_guard lock(schemas_mutex());
  return new_schema_url_locked();
}

namespace {

// The database of the registry in `data` on PostgreSQL, made on first use.
std::string postgres_url_of_data_dir(const std::filesystem::path& data) {
  static std::map<std::filesystem::path, std::string> urls;
  const std::filesystem::path key =
      std::filesystem::weakly_canonical(std::filesystem::absolute(data));
  std::lock_guard lock(schemas_mutex());
  auto found = urls.find(key);
  if (found == urls.end()) found = urls.emplace(key, new_schema_url_locked()).first;
  return found->second;
}

// Every row of every table in the search path's first schema of `url`, as text, one per line.
std::string postgres_rows(const std::string& url) {
  PGconn* connection = PQconnectdb(url.c_str());
  std::string rows;
  auto query = [&](const std::string& sql) {
    PGresult* result = PQexec(connection, sql.c_str());
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      const std::string message = PQerrorMessage(connection);
      PQclear(result);
      PQfinish(connection);
      fail("reading the tables of " + url + ": " + message);
    }
    return result;
  };
  if (PQstatus(connection) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(connection);
    PQfinish(connection);
    fail("cannot connect to " + url + ": " + message);
  }
  PGresult* tables = query(
      "SELECT quote_ident(table_name) FROM information_schema.tables "
      "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
  for (int table = 0; table < PQntuples(tables); ++table) {
    PGresult* table_rows =
        query("SELECT t::text FROM " + std::string(PQgetvalue(tables, table, 0)) + " t");
    for (int row = 0; row < PQntuples(table_rows); ++row) {
      rows += PQgetvalue(table_rows, row, 0);
      rows += '\n';
    }
    PQclear(table_rows);
  }
  PQclear(tables);
  PQfinish(connection);
  return rows;
}

}  // namespace

std::string stored_database(const std::filesystem::path& data) {
  if (servers_use_postgres()) return postgres_rows(postgres_url_of_data_dir(data));
  std::string bytes;
  for (const char* name : {"wreg.db", "wreg.db-wal"}) {
    if (std::filesystem::exists(data / name)) bytes += file_bytes(data / name);
  }
  return bytes;
}

bool servers_use_postgres() {
  const char* state = std::getenv("WREG_TEST_SERVER_DATABASE");
  const char* database = std::getenv("WREG_TEST_DATABASE");
  return (state != nullptr && *state) ||
         (database != nullptr && std::string(database) == "postgresql");
}

std::vector<std::string> with_test_database(std::vector<std::string> args) {
  if (!servers_use_postgres()) return args;
  const std::string* data = nullptr;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--database") return args;
    if (args[i] == "--data") data = &args[i + 1];
  }
  if (data == nullptr) return args;
  const std::string url = postgres_url_of_data_dir(*data);
  args.push_back("--database");
  args.push_back(url);
  return args;
}

}  // namespace wreg::testing
