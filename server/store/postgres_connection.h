// The thin layer over libpq that the PostgreSQL stores are written on: a connection with its
// prepared statements, a statement in use (Query) and a transaction, with the same interface as
// sqlite_connection.h's, so that sql_stores_impl.h runs on either.
//
// Statements are metadata_sql.h's texts, whose `$1`, `$2`, ... are PostgreSQL's own placeholders.
// Each is prepared once per connection (under a generated name) and run with its values sent
// apart from the text, in text format (bytes in binary format); rows come back as text and are
// read with integer(), text() and blob(). A thin wrapper of our own rather than libpqxx: the
// stores need a dozen calls, the interface must match sqlite_connection.h's, and errors must
// become client-safe Results rather than exceptions.
//
// Errors follow log_sink.h: the PostgreSQL detail goes to the log, the message returned is for
// clients. A connection that is gone (PostgreSQL restarted, the network cut) makes kUnavailable
// "the registry's database is unreachable ...", which clients see as a 503; PostgresDatabase
// re-opens it for the next caller. This file's .cpp is the only one that includes libpq-fe.h.
//
// Threading: a Connection and its Queries are used by one thread at a time (PostgresDatabase's
// pool hands a connection to one caller at a time).
#pragma once

#include <cstdint>
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

struct pg_conn;
struct pg_result;

namespace wreg::store::pg {

// The message of a database failure whose cause only the log can tell.
inline constexpr const char* kDatabaseFailed = "the registry's database failed; see the server log";
// The message of a database that cannot be reached: a 503 that a client may retry.
inline constexpr const char* kDatabaseUnreachable =
    "the registry's database is unreachable; try again shortly (the server log says why)";

// PostgreSQL's messages end with a newline and may span lines: one line for the log.
std::string one_line(std::string_view message);

// Stops libpq from printing the server's notices and warnings to stderr (a NOTICE from CREATE
// ... IF NOT EXISTS, the FATAL a server sends its sessions when it shuts down): they are not
// failures, and failures are logged where they surface.
void ignore_notices(pg_conn* connection);

struct ResultDeleter {
  void operator()(pg_result* result) const;
};
using ResultHandle = std::unique_ptr<pg_result, ResultDeleter>;

class Connection {
 public:
  // Connects with libpq's connection string or URI `conninfo` (passwords from PGPASSFILE or the
  // environment, never from here). kUnavailable when the server cannot be reached or refuses
  // us; the detail is logged. `log` must outlive the connection.
  static Result<std::unique_ptr<Connection>> open(const std::string& conninfo, const LogSink& log);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const LogSink& log() const { return log_; }

  // Whether the connection is gone (the server restarted or the network broke). Looks at the
  // socket without a round trip: a server that ended the session (a restart) has said so on it.
  bool broken();
  // Connects again after broken(); prepared statements are prepared again on use.
  Result<void> reconnect();

  // Logs the failure of `result` (null: the connection's own error) with `context` and returns
  // a client-safe Error: kUnavailable when the connection is gone or the server is shutting
  // down or starting, kIo otherwise. Remembers its SQLSTATE for unique_violated().
  Error error(const pg_result* result, std::string_view context);

  // The name of the prepared statement for `sql`, prepared on first use and kept for the
  // connection's life. `sql` is a constant of metadata_sql.h or composed only of such fragments.
  Result<const std::string*> prepare(std::string_view sql);

  // Runs statements that take no values and return no rows (BEGIN, a migration script).
  Result<void> exec(const std::string& sql, std::string_view context);
  // Runs one statement without values and returns its result (SELECT pg_advisory_lock(...)).
  Result<ResultHandle> exec_for_result(const std::string& sql, std::string_view context);

  // Whether the last failed statement broke a UNIQUE constraint.
  bool unique_violated() const { return last_sqlstate_ == "23505"; }

  pg_conn* handle() const { return connection_; }

 private:
  Connection(pg_conn* connection, std::string conninfo, const LogSink& log)
      : connection_(connection), conninfo_(std::move(conninfo)), log_(log) {}

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  pg_conn* connection_;
  std::string conninfo_;
  const LogSink& log_;
  std::unordered_map<std::string, std::string, TextHash, std::equal_to<>> statements_;
  std::string last_sqlstate_;
};

// A prepared statement in use: values bound by number (`$n` is bound with index n), run on the
// first step(), rows read from its result. Columns count from 0.
class Query {
 public:
  static Result<Query> make(Connection& connection, std::string_view sql);
  // A composed statement with its values bound.
  static Result<Query> make(Connection& connection, const ComposedStatement& statement);
  Query(Query&& other) noexcept = default;
  Query& operator=(Query&&) = delete;

  Query& bind(int index, std::int64_t value);
  Query& bind(int index, std::string_view text);
  Query& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Query& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Query& bind_null(int index);

  // true: a row is ready; false: done. Errors are logged with `context`.
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
  Query(Connection& connection, const std::string* name) : connection_(&connection), name_(name) {}
  Query& set(int index, std::string value, bool binary, bool null = false);
  Result<void> execute(std::string_view context);

  Connection* connection_;
  const std::string* name_;  // owned by the connection
  std::vector<std::string> values_;
  std::vector<int> formats_;  // 0 text, 1 binary
  std::vector<bool> bound_;
  std::vector<bool> null_;
  ResultHandle result_;
  int row_ = -1;  // the current row; -1 before the first step()
  int rows_ = 0;
};

// A transaction on one connection: rolled back when it goes out of scope uncommitted.
class Transaction {
 public:
  // A read-only snapshot: the statements that follow read one state of the database, even
  // while others commit (REPEATABLE READ).
  static Result<Transaction> read(Connection& connection);
  // A write transaction. It first takes the registry's write lock (an advisory lock held to its
  // end), so that writes on every replica run one at a time, as SQLite's do on one file: the
  // transparency log is one sequence, and each write reads what the previous one committed.
  static Result<Transaction> write(Connection& connection);
  ~Transaction();
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;

  Result<void> commit();

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_;
};

// The advisory lock keys wreg takes (pg_advisory_lock's 64-bit key space is the database's).
inline constexpr std::int64_t kWriteLockKey = 0x7772656757524954;    // "wregWRIT"
inline constexpr std::int64_t kMigrateLockKey = 0x777265674D494752;  // "wregMIGR"

}  // namespace wreg::store::pg
