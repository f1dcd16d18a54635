#include "server/store/sqlite_connection.h"

#include <sqlite3.h>

#include <string>
#include <utility>
#include <variant>

#include "server/store/try.h"

namespace wreg::store::sqlite {

// --- Connection ------------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& file,
                                                     std::chrono::milliseconds busy_timeout,
                                                     const LogSink& log) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      file.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  if (rc != SQLITE_OK) {
    log("sqlite: open " + file.string() + ": " + sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return fail(ErrorCode::kIo, "could not open the registry's database; see the server log");
  }
  std::unique_ptr<Connection> connection(new Connection(db, log));
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  sqlite3_extended_result_codes(db, 1);
  // The first statement on a file that is not a database fails here with SQLITE_NOTADB.
  WREG_CHECK(connection->exec("PRAGMA foreign_keys = ON", "enable foreign keys"));
  WREG_TRY(mode, Query::make(*connection, "PRAGMA journal_mode = WAL"));
  WREG_TRY(row, mode->step("enable WAL"));
  if (!*row || mode->text(0) != "wal") {
    log("sqlite: journal_mode is " + (*row ? mode->text(0) : std::string("unknown")) + ", not wal");
    return fail(ErrorCode::kIo,
                "could not switch the registry's database to WAL mode; see the server log");
  }
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

Error Connection::error(int rc, std::string_view context) const {
  log_("sqlite: " + std::string(context) + ": " + sqlite3_errstr(rc) + " (" + sqlite3_errmsg(db_) +
       ")");
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return fail(ErrorCode::kUnavailable, "the registry's database is busy; retry shortly");
    case SQLITE_READONLY:
      return fail(ErrorCode::kUnavailable,
                  "the registry's database is read-only, so nothing can be published or "
                  "changed now; reads still work, and writes return once an operator makes "
                  "it writable and restarts the server");
    case SQLITE_FULL:
      return fail(ErrorCode::kIo,
                  "disk full: the registry's database cannot grow; free space on its volume");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return fail(ErrorCode::kCorrupt,
                  "the registry's database is damaged; see the server log and restore a backup");
    default:
      return fail(ErrorCode::kIo, kDatabaseFailed);
  }
}

Result<sqlite3_stmt*> Connection::prepare(std::string_view sql) {
  if (auto found = statements_.find(sql); found != statements_.end()) return found->second;
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) return error(rc, "prepare");
  const int count = sqlite3_bind_parameter_count(statement);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(statement, i);
    if (name == nullptr || name != "$" + std::to_string(i)) {
      sqlite3_finalize(statement);
      log_("sqlite: parameter " + std::to_string(i) + " of a statement is not $" +
           std::to_string(i) + " (number them in order of first use): " + std::string(sql));
      return fail(ErrorCode::kInternal, kDatabaseFailed);
    }
  }
  statements_.emplace(std::string(sql), statement);
  return statement;
}

Result<void> Connection::exec(const std::string& sql, std::string_view context) {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(rc, context);
  return {};
}

bool Connection::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

bool Connection::unique_violated() const {
  return sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE;
}

// --- Query -----------------------------------------------------------------------------------

Result<Query> Query::make(Connection& connection, std::string_view sql) {
  auto statement = connection.prepare(sql);
  if (!statement) return std::move(statement).error();
  return Query(connection, *statement);
}

Result<Query> Query::make(Connection& connection, const ComposedStatement& statement) {
  WREG_TRY(query, make(connection, statement.sql()));
  bind_values(*query, statement);
  return query;
}

Query::~Query() {
  if (statement_ != nullptr) {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
}

Query::Query(Query&& other) noexcept
    : connection_(other.connection_),
      statement_(std::exchange(other.statement_, nullptr)),
      bind_rc_(other.bind_rc_) {}

void Query::check(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Query& Query::bind(int index, std::int64_t value) {
  check(sqlite3_bind_int64(statement_, index, value));
  return *this;
}

Query& Query::bind_null(int index) {
  check(sqlite3_bind_null(statement_, index));
  return *this;
}

Query& Query::bind(int index, std::string_view text) {
  check(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT));
  return *this;
}

Query& Query::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  check(sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()),
                          SQLITE_TRANSIENT));
  return *this;
}

Result<bool> Query::step(std::string_view context) {
  if (bind_rc_ != SQLITE_OK) return connection_.error(bind_rc_, context);
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_.error(rc, context);
}

Result<void> Query::run(std::string_view context) {
  WREG_CHECK(step(context));
  return {};
}

Result<void> Query::run_for_row(std::string_view context) {
  WREG_TRY(row, step(context));
  if (!*row) {
    connection_.log()("sqlite: " + std::string(context) + ": the statement returned no row");
    return fail(ErrorCode::kInternal, kDatabaseFailed);
  }
  return {};
}

Result<std::vector<std::string>> Query::first_column_texts(std::string_view context) {
  std::vector<std::string> texts;
  for (;;) {
    WREG_TRY(row, step(context));
    if (!*row) return texts;
    texts.push_back(text(0));
  }
}

std::int64_t Query::integer(int column) const { return sqlite3_column_int64(statement_, column); }

std::string Query::text(int column) const {
  const auto* data = sqlite3_column_text(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);
  return data == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

bool Query::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::vector<std::uint8_t> Query::blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
  const int size = sqlite3_column_bytes(statement_, column);
  return data == nullptr ? std::vector<std::uint8_t>()
                         : std::vector<std::uint8_t>(data, data + size);
}

// --- Transaction -----------------------------------------------------------------------------

Result<Transaction> Transaction::read(Connection& connection) {
  WREG_CHECK(connection.exec("BEGIN", "begin"));
  return Transaction(connection);
}

Result<Transaction> Transaction::write(Connection& connection) {
  WREG_CHECK(connection.exec("BEGIN IMMEDIATE", "begin"));
  return Transaction(connection);
}

Transaction::~Transaction() {
  if (connection_ != nullptr) {
    sqlite3_exec(connection_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Result<void> Transaction::commit() {
  Connection* connection = std::exchange(connection_, nullptr);
  // COMMIT refuses to run while a statement is mid-way through its rows (one that returned the
  // row we wanted and was not stepped to the end), so those are reset first.
  for (sqlite3_stmt* statement = sqlite3_next_stmt(connection->handle(), nullptr);
       statement != nullptr; statement = sqlite3_next_stmt(connection->handle(), statement)) {
    if (sqlite3_stmt_busy(statement)) sqlite3_reset(statement);
  }
  return connection->exec("COMMIT", "commit");
}

}  // namespace wreg::store::sqlite
