#include "server/store/sqlite_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <system_error>

#include "server/store/migrations.h"
#include "server/store/try.h"

namespace wreg::store {
namespace {

// Applies the pending migrations one by one, each in its own transaction with its user_version.
Result<void> apply_migrations(sqlite::Connection& connection, int& schema_version,
                              const LogSink& log) {
  for (;;) {
    WREG_TRY(tx, sqlite::Transaction::write(connection));
    int current = 0;
    {
      WREG_TRY(query, sqlite::Query::make(connection, "PRAGMA user_version"));
      WREG_TRY(row, query->step("read the schema version"));
      if (*row) current = static_cast<int>(query->integer(0));
    }
    WREG_TRY(pending, pending_migrations(current, embedded_migrations()));
    if (pending->empty()) {
      schema_version = current;
      return {};
    }
    const Migration& next = pending->front();
    WREG_CHECK(connection.exec(std::string(next.sql), "apply migration"));
    WREG_CHECK(connection.exec("PRAGMA user_version = " + std::to_string(next.version),
                               "set the schema version"));
    WREG_CHECK(tx->commit());
    log("applied schema migration " + std::string(next.name));
  }
}

}  // namespace

SqliteDatabase::SqliteDatabase(SqliteOptions options) : options_(std::move(options)) {
  if (!options_.log) options_.log = stderr_log_sink();
  if (!options_.now) options_.now = std::chrono::system_clock::now;
  options_.connections = std::max<std::size_t>(options_.connections, 1);
}

SqliteDatabase::~SqliteDatabase() = default;

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::filesystem::path& file,
                                                             SqliteOptions options) {
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase(std::move(options)));
  const LogSink& log = database->options_.log;
  for (std::size_t i = 0; i < database->options_.connections; ++i) {
    WREG_TRY(connection, sqlite::Connection::open(file, database->options_.busy_timeout, log));
    if (i == 0 && (*connection)->read_only()) {
      // SQLite falls back to read-only when the file cannot be opened for writing: say so now,
      // not first at the next publish.
      log("sqlite: " + file.string() +
          " is read-only (file mode, immutable flag or a read-only mount): reads work, every "
          "publish, yank and token change will fail until it is writable and the server "
          "restarted");
    }
    if (i == 0) WREG_CHECK(apply_migrations(**connection, database->schema_version_, log));
    database->pool_.add(std::move(*connection));
  }
  return database;
}

// --- Backup and integrity --------------------------------------------------------------------

Result<void> SqliteDatabase::backup_to(const std::filesystem::path& target) {
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) {
    return fail(ErrorCode::kAlreadyExists,
                "the backup target already exists; choose a new file name");
  }
  sqlite3* destination = nullptr;
  int rc = sqlite3_open_v2(target.c_str(), &destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           nullptr);
  if (rc != SQLITE_OK) {
    options_.log("sqlite: open backup target " + target.string() + ": " + sqlite3_errstr(rc));
    sqlite3_close_v2(destination);
    return fail(ErrorCode::kIo, "could not create the backup file; see the server log");
  }
  {
    Lease lease = acquire();
    sqlite3_backup* backup = sqlite3_backup_init(destination, "main", lease->handle(), "main");
    if (backup == nullptr) {
      rc = sqlite3_errcode(destination);
    } else {
      // Copy in steps so that writers are held up only briefly; a write between steps restarts
      // the copy from this connection's view, which the API handles.
      do {
        rc = sqlite3_backup_step(backup, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
      } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
      sqlite3_backup_finish(backup);
    }
  }
  if (rc == SQLITE_DONE) rc = sqlite3_errcode(destination);
  const bool ok = rc == SQLITE_OK;
  if (!ok) {
    options_.log("sqlite: backup to " + target.string() + ": " + sqlite3_errstr(rc) + " (" +
                 sqlite3_errmsg(destination) + ")");
  }
  sqlite3_close_v2(destination);
  if (!ok) {
    std::filesystem::remove(target, ec);
    return fail(ErrorCode::kIo, (rc & 0xff) == SQLITE_FULL
                                    ? "disk full while writing the backup; free space and retry"
                                    : "the backup failed; see the server log");
  }
  return {};
}

Result<std::vector<std::string>> SqliteDatabase::check_integrity() {
  Lease lease = acquire();
  std::vector<std::string> problems;
  WREG_TRY(integrity, sqlite::Query::make(*lease, "PRAGMA integrity_check"));
  for (;;) {
    WREG_TRY(row, integrity->step("check the database"));
    if (!*row) break;
    if (const std::string line = integrity->text(0); line != "ok") {
      problems.push_back("database: " + line);
    }
  }
  WREG_TRY(keys, sqlite::Query::make(*lease, "PRAGMA foreign_key_check"));
  for (;;) {
    WREG_TRY(row, keys->step("check foreign keys"));
    if (!*row) break;
    problems.push_back("database: row " + keys->text(1) + " of table " + keys->text(0) +
                       " refers to a missing row of " + keys->text(2));
  }
  return problems;
}

}  // namespace wreg::store
