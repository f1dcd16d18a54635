// PostgresDatabase: one PostgreSQL database, migrated, and shared by the PostgreSQL stores
// (postgres_stores.h) through a pool of connections. Several wreg-server replicas may share it.
//
// The schema is schema/postgresql/NNNN_*.sql, embedded in the binary and applied by open()
// (migrations.h) under an advisory lock, so that replicas starting together migrate once; the
// version applied is the row of wreg_schema.
//
// Threading: safe to use from any number of threads. A call borrows a connection from the pool
// (connection_pool.h) for its duration. Write transactions are serialized in this process by the
// pool's write mutex and across replicas by an advisory lock (pg::Transaction::write). A
// connection found broken (PostgreSQL restarted) is connected again when next lent, so the
// server recovers without a restart; while PostgreSQL is down, calls fail with kUnavailable.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "server/store/connection_pool.h"
#include "server/store/log_sink.h"
#include "server/store/postgres_connection.h"

namespace wreg::store {

struct PostgresOptions {
  std::size_t connections = 4;  // pool size, at least 1
  // The clock for `published` and `created` times (injected by tests).
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
  LogSink log;  // stderr_log_sink() when empty
};

class PostgresDatabase {
 public:
  using Lease = ConnectionPool<pg::Connection>::Lease;
  using WriteLease = ConnectionPool<pg::Connection>::WriteLease;

  // Connects to `conninfo` (a libpq URI or connection string) and applies pending migrations.
  // kUnavailable when PostgreSQL cannot be reached; kCorrupt when the database was migrated by a
  // newer wreg-server; kIo otherwise. Details go to the log, never the password.
  static Result<std::unique_ptr<PostgresDatabase>> open(const std::string& conninfo,
                                                        PostgresOptions options = {});
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  // The schema version the database is at after open().
  int schema_version() const { return schema_version_; }

  const PostgresOptions& options() const { return options_; }
  const LogSink& log() const { return options_.log; }

  // Borrows a connection for reading (blocks while all are busy), connected again first if it
  // was found broken.
  Lease acquire();
  // Takes the write mutex, then borrows a connection: for every transaction that writes.
  WriteLease acquire_for_write();

 private:
  explicit PostgresDatabase(PostgresOptions options);
  void repair(pg::Connection& connection);

  PostgresOptions options_;
  int schema_version_ = 0;
  ConnectionPool<pg::Connection> pool_;
};

}  // namespace wreg::store
