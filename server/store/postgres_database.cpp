#include "server/store/postgres_database.h"

#include <algorithm>
#include <string>

#include "server/store/migrations.h"
#include "server/store/try.h"

namespace wreg::store {
namespace {

using pg::Connection;
using pg::Query;

// Applies the pending migrations one by one, each in its own transaction with its version row,
// holding the migration lock throughout so that another replica waits and then finds nothing to
// do.
Result<void> apply_migrations(Connection& connection, int& schema_version, const LogSink& log) {
  const std::string key = std::to_string(pg::kMigrateLockKey);
  WREG_CHECK(connection.exec("SELECT pg_advisory_lock(" + key + ")", "take the migration lock"));
  auto migrate = [&]() -> Result<void> {
    WREG_CHECK(connection.exec("CREATE TABLE IF NOT EXISTS wreg_schema (version BIGINT NOT NULL)",
                               "create the schema version table"));
    for (;;) {
      WREG_CHECK(connection.exec("BEGIN", "begin a migration"));
      int current = 0;
      {
        WREG_TRY(query, Query::make(connection, "SELECT max(version) FROM wreg_schema"));
        WREG_TRY(row, query->step("read the schema version"));
        if (*row && !query->is_null(0)) current = static_cast<int>(query->integer(0));
      }
      auto pending = pending_migrations(current, embedded_postgres_migrations());
      if (!pending || pending->empty()) {
        WREG_CHECK(connection.exec("ROLLBACK", "end a migration"));
        if (!pending) return std::move(pending).error();
        schema_version = current;
        return {};
      }
      const Migration& next = pending->front();
      if (auto applied = connection.exec(std::string(next.sql), "apply migration"); !applied) {
        (void)connection.exec("ROLLBACK", "end a migration");
        return std::move(applied).error();
      }
      WREG_CHECK(connection.exec("DELETE FROM wreg_schema", "set the schema version"));
      WREG_CHECK(connection.exec(
          "INSERT INTO wreg_schema (version) VALUES (" + std::to_string(next.version) + ")",
          "set the schema version"));
      WREG_CHECK(connection.exec("COMMIT", "commit a migration"));
      log("applied schema migration postgresql/" + std::string(next.name));
    }
  };
  Result<void> migrated = migrate();
  (void)connection.exec("SELECT pg_advisory_unlock(" + key + ")", "release the migration lock");
  return migrated;
}

}  // namespace

PostgresDatabase::PostgresDatabase(PostgresOptions options) : options_(std::move(options)) {
  if (!options_.log) options_.log = stderr_log_sink();
  if (!options_.now) options_.now = std::chrono::system_clock::now;
  options_.connections = std::max<std::size_t>(options_.connections, 1);
}

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::open(const std::string& conninfo,
                                                                 PostgresOptions options) {
  std::unique_ptr<PostgresDatabase> database(new PostgresDatabase(std::move(options)));
  const LogSink& log = database->options_.log;
  for (std::size_t i = 0; i < database->options_.connections; ++i) {
    WREG_TRY(connection, Connection::open(conninfo, log));
    if (i == 0) WREG_CHECK(apply_migrations(**connection, database->schema_version_, log));
    database->pool_.add(std::move(*connection));
  }
  return database;
}

void PostgresDatabase::repair(Connection& connection) {
  // A failure here leaves it broken: the caller's statements then fail with kUnavailable, and
  // the next caller tries again.
  if (connection.broken()) (void)connection.reconnect();
}

PostgresDatabase::Lease PostgresDatabase::acquire() {
  Lease lease = pool_.acquire();
  repair(*lease);
  return lease;
}

PostgresDatabase::WriteLease PostgresDatabase::acquire_for_write() {
  WriteLease lease = pool_.acquire_for_write();
  repair(*lease);
  return lease;
}

}  // namespace wreg::store
