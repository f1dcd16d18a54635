// SqliteDatabase: one SQLite file, open, migrated, and shared by the SQLite stores
// (SqliteMetadataStore, SqliteTokenStore) through a pool of connections.
//
// The database runs in WAL mode with foreign keys on and a busy timeout (sqlite_connection.h);
// every statement is prepared once per connection. The schema is schema/NNNN_*.sql, embedded in
// the binary and applied by open() (migrations.h). What only SQLite has lives here too: the
// online backup and the integrity check that fsck runs.
//
// Threading: safe to use from any number of threads. A call borrows a connection from the pool
// (connection_pool.h) for its duration, so reads run in parallel. Write transactions are
// serialized by the pool's write mutex and start with BEGIN IMMEDIATE, so they never deadlock on a
// lock upgrade; another process on the same file (an admin command while the server runs) is
// waited for up to the busy timeout.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "server/store/connection_pool.h"
#include "server/store/log_sink.h"
#include "server/store/sqlite_connection.h"

namespace wreg::store {

struct SqliteOptions {
  std::size_t connections = 4;                   // pool size, at least 1
  std::chrono::milliseconds busy_timeout{5000};  // waiting for another process's lock
  // The clock for `published` and `created` times (injected by tests).
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
  LogSink log;  // stderr_log_sink() when empty
};

class SqliteDatabase {
 public:
  // Opens or creates the database at `file` and applies pending migrations.
  // kCorrupt when the file is not a database or was migrated by a newer wreg-server;
  // kIo when it cannot be opened or written.
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::filesystem::path& file,
                                                      SqliteOptions options = {});
  // Every lease must have ended.
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // The schema version the database is at (PRAGMA user_version) after open().
  int schema_version() const { return schema_version_; }

  // The options given to open(), with the log and the clock filled in.
  const SqliteOptions& options() const { return options_; }
  const LogSink& log() const { return options_.log; }

  // Writes a consistent copy of the database to `target` with SQLite's online backup API while
  // the database stays usable. `target` must not exist. kAlreadyExists; kIo.
  Result<void> backup_to(const std::filesystem::path& target);

  // Runs SQLite's PRAGMA integrity_check and foreign_key_check (for fsck). Returns one line per
  // problem found, empty when the database is sound. The lines are for the operator.
  Result<std::vector<std::string>> check_integrity();

  using Lease = ConnectionPool<sqlite::Connection>::Lease;
  using WriteLease = ConnectionPool<sqlite::Connection>::WriteLease;

  // Borrows a connection for reading (blocks while all are busy).
  Lease acquire() { return pool_.acquire(); }
  // Takes the write mutex, then borrows a connection: for every transaction that writes.
  WriteLease acquire_for_write() { return pool_.acquire_for_write(); }

 private:
  explicit SqliteDatabase(SqliteOptions options);

  SqliteOptions options_;
  int schema_version_ = 0;

  ConnectionPool<sqlite::Connection> pool_;
};

}  // namespace wreg::store
