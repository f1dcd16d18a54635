// The thin layer over SQLite's C API that the SQLite stores are written on: a connection with its
// prepared statements, a statement in use (Query), and a transaction.
//
// Statements are the texts of metadata_sql.h (or composed from its fragments), whose values are
// numbered `$1`, `$2`, ... in the order they first appear, so that the same text runs on
// PostgreSQL. SQLite reads `$1` as a named parameter; numbered in that order, `$n` gets the index
// n, which prepare() checks once per statement and bind() relies on. Every value is bound, never
// spliced into the text.
//
// Errors follow log_sink.h: the SQLite detail goes to the log, the message returned is for
// clients. This file and sqlite_database.cpp are the only ones that include sqlite3.h.
//
// Threading: a Connection and its Queries are used by one thread at a time (SqliteDatabase's
// pool hands a connection to one caller at a time); they hold no lock of their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "server/store/log_sink.h"
#include "server/store/metadata_sql.h"

struct sqlite3;
struct sqlite3_stmt;

namespace wreg::store::sqlite {

// The message of a database failure whose cause only the log can tell.
inline constexpr const char* kDatabaseFailed = "the registry's database failed; see the server log";

// One sqlite3 handle and its prepared statements.
class Connection {
 public:
  // Opens (creating it if needed) the database `file` with foreign keys on, in WAL mode, with
  // `busy_timeout` for another process's lock. kCorrupt when it is not a database; kIo when it
  // cannot be opened or put in WAL mode. `log` must outlive the connection.
  static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& file,
                                                  std::chrono::milliseconds busy_timeout,
                                                  const LogSink& log);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }
  const LogSink& log() const { return log_; }

  // Logs the SQLite error of `rc` with `context` and returns a client-safe Error: kUnavailable
  // when busy or read-only, kIo when the disk is full or on any other failure, kCorrupt for a
  // damaged file.
  Error error(int rc, std::string_view context) const;

  // The prepared statement for `sql`, prepared on first use and kept for the connection's life.
  // `sql` is a constant of metadata_sql.h or composed only of such fragments, never text from a
  // request. kInternal when its `$n` are not numbered in order of first use.
  Result<sqlite3_stmt*> prepare(std::string_view sql);

  // Runs statements that take no values and return no rows (BEGIN, a migration script).
  Result<void> exec(const std::string& sql, std::string_view context);

  // Whether SQLite opened the file read-only (file mode, immutable flag, a read-only mount).
  bool read_only() const;

  // Whether the last failed statement broke a UNIQUE constraint.
  bool unique_violated() const;

 private:
  Connection(sqlite3* db, const LogSink& log) : db_(db), log_(log) {}

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  sqlite3* db_;
  const LogSink& log_;
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> statements_;
};

// A prepared statement in use: values bound by number (`$n` is bound with index n), rows stepped
// through, and reset for the next user when it goes out of scope. Columns count from 0.
class Query {
 public:
  static Result<Query> make(Connection& connection, std::string_view sql);
  // A composed statement with its values bound.
  static Result<Query> make(Connection& connection, const ComposedStatement& statement);
  ~Query();
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;

  Query& bind(int index, std::int64_t value);
  Query& bind(int index, std::string_view text);
  Query& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Query& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Query& bind_null(int index);

  // true: a row is ready; false: done. Errors (a failed bind included) are logged with `context`.
  Result<bool> step(std::string_view context);
  // Runs a statement that returns no rows.
  Result<void> run(std::string_view context);
  // Runs a statement that returns one row (`INSERT ... RETURNING id`); kInternal when it
  // returns none.
  Result<void> run_for_row(std::string_view context);

  // Steps through every remaining row and returns its first column as text.
  Result<std::vector<std::string>> first_column_texts(std::string_view context);

  std::int64_t integer(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;
  std::vector<std::uint8_t> blob(int column) const;

 private:
  Query(Connection& connection, sqlite3_stmt* statement)
      : connection_(connection), statement_(statement) {}
  void check(int rc);

  Connection& connection_;
  sqlite3_stmt* statement_;
  int bind_rc_ = 0;  // SQLITE_OK, or the first failed bind's code
};

// A transaction on one connection: rolled back when it goes out of scope uncommitted.
class Transaction {
 public:
  // BEGIN: the statements that follow read one snapshot, even while a write commits.
  static Result<Transaction> read(Connection& connection);
  // BEGIN IMMEDIATE: takes the write lock at once, so the transaction never deadlocks on a lock
  // upgrade; another process's lock is waited for up to the busy timeout.
  static Result<Transaction> write(Connection& connection);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;

  Result<void> commit();

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_;
};

}  // namespace wreg::store::sqlite
