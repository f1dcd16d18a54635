#include "server/store/postgres_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <utility>

#include "server/store/try.h"

namespace wreg::store::pg {
namespace {

// Whether a failure with this SQLSTATE (or none: the connection's own failure) means the server
// is gone or not accepting work now, so that the same request may succeed later.
bool means_unreachable(std::string_view sqlstate) {
  return sqlstate.starts_with("08")  // connection exception
         || sqlstate == "57P01"      // admin_shutdown
         || sqlstate == "57P02"      // crash_shutdown
         || sqlstate == "57P03"      // cannot_connect_now (starting up, recovering)
         || sqlstate == "53300"      // too_many_connections
         || sqlstate == "40001"      // serialization_failure
         || sqlstate == "40P01";     // deadlock_detected
}

Result<pg_conn*> connect(const std::string& conninfo, const LogSink& log) {
  pg_conn* connection = PQconnectdb(conninfo.c_str());
  if (connection == nullptr) {
    log("postgresql: cannot allocate a connection");
    return fail(ErrorCode::kUnavailable, kDatabaseUnreachable);
  }
  if (PQstatus(connection) != CONNECTION_OK) {
    // libpq's message names the host or socket and the reason; it never holds the password.
    log("postgresql: cannot connect: " + one_line(PQerrorMessage(connection)));
    PQfinish(connection);
    return fail(ErrorCode::kUnavailable, kDatabaseUnreachable);
  }
  if (PQsetClientEncoding(connection, "UTF8") != 0) {
    log("postgresql: cannot set the client encoding to UTF8: " +
        one_line(PQerrorMessage(connection)));
    PQfinish(connection);
    return fail(ErrorCode::kIo, kDatabaseFailed);
  }
  ignore_notices(connection);
  return connection;
}

bool succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

std::string one_line(std::string_view message) {
  std::string line;
  for (const char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

void ignore_notices(pg_conn* connection) {
  PQsetNoticeReceiver(
      connection, [](void* /*arg*/, const PGresult* /*notice*/) {}, nullptr);
}

void ResultDeleter::operator()(pg_result* result) const { PQclear(result); }

// --- Connection --------------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::open(const std::string& conninfo,
                                                     const LogSink& log) {
  WREG_TRY(connection, connect(conninfo, log));
  return std::unique_ptr<Connection>(new Connection(*connection, conninfo, log));
}

Connection::~Connection() { PQfinish(connection_); }

bool Connection::broken() {
  if (PQstatus(connection_) != CONNECTION_OK) return true;
  // An idle session has nothing to read unless the server ended it (a FATAL, then the end of the
  // stream): read that now, so the caller gets a new connection instead of a failed statement.
  // The FATAL and the end of the stream may need a read each.
  for (int reads = 0; reads < 4 && PQstatus(connection_) == CONNECTION_OK; ++reads) {
    pollfd readable{PQsocket(connection_), POLLIN, 0};
    if (::poll(&readable, 1, 0) <= 0) break;
    if (PQconsumeInput(connection_) == 0) return true;
  }
  return PQstatus(connection_) != CONNECTION_OK;
}

Result<void> Connection::reconnect() {
  WREG_TRY(connection, connect(conninfo_, log_));
  PQfinish(std::exchange(connection_, *connection));
  statements_.clear();
  log_("postgresql: connected again");
  return {};
}

Error Connection::error(const pg_result* result, std::string_view context) {
  const char* sqlstate = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  last_sqlstate_ = sqlstate == nullptr ? "" : sqlstate;
  const char* message =
      result == nullptr ? PQerrorMessage(connection_) : PQresultErrorMessage(result);
  if (message == nullptr || *message == '\0') message = PQerrorMessage(connection_);
  log_("postgresql: " + std::string(context) + ": " + one_line(message) +
       (last_sqlstate_.empty() ? "" : " (SQLSTATE " + last_sqlstate_ + ")"));
  if (broken() || means_unreachable(last_sqlstate_)) {
    return fail(ErrorCode::kUnavailable, kDatabaseUnreachable);
  }
  return fail(ErrorCode::kIo, kDatabaseFailed);
}

Result<const std::string*> Connection::prepare(std::string_view sql) {
  if (auto found = statements_.find(sql); found != statements_.end()) return &found->second;
  std::string name = "wreg_" + std::to_string(statements_.size() + 1);
  ResultHandle prepared(PQprepare(connection_, name.c_str(), std::string(sql).c_str(), 0, nullptr));
  if (!succeeded(prepared.get())) return error(prepared.get(), "prepare a statement");
  auto [inserted, _] = statements_.emplace(std::string(sql), std::move(name));
  return &inserted->second;
}

Result<void> Connection::exec(const std::string& sql, std::string_view context) {
  WREG_CHECK(exec_for_result(sql, context));
  return {};
}

Result<ResultHandle> Connection::exec_for_result(const std::string& sql, std::string_view context) {
  ResultHandle result(PQexec(connection_, sql.c_str()));
  if (!succeeded(result.get())) return error(result.get(), context);
  return result;
}

// --- Query -------------------------------------------------------------------------------------

Result<Query> Query::make(Connection& connection, std::string_view sql) {
  WREG_TRY(name, connection.prepare(sql));
  return Query(connection, *name);
}

Result<Query> Query::make(Connection& connection, const ComposedStatement& statement) {
  WREG_TRY(query, make(connection, statement.sql()));
  bind_values(*query, statement);
  return std::move(*query);
}

Query& Query::set(int index, std::string value, bool binary, bool null) {
  const auto slot = static_cast<std::size_t>(index - 1);
  if (values_.size() <= slot) {
    values_.resize(slot + 1);
    formats_.resize(slot + 1, 0);
    bound_.resize(slot + 1, false);
    null_.resize(slot + 1, false);
  }
  values_[slot] = std::move(value);
  formats_[slot] = binary ? 1 : 0;
  bound_[slot] = true;
  null_[slot] = null;
  return *this;
}

Query& Query::bind_null(int index) { return set(index, "", false, true); }

Query& Query::bind(int index, std::int64_t value) {
  return set(index, std::to_string(value), false);
}

Query& Query::bind(int index, std::string_view text) {
  return set(index, std::string(text), false);
}

Query& Query::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  return set(index, std::string(bytes.begin(), bytes.end()), true);
}

Result<void> Query::execute(std::string_view context) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (!bound_[i]) {
      connection_->log()("postgresql: " + std::string(context) + ": value $" +
                         std::to_string(i + 1) + " was not bound");
      return fail(ErrorCode::kInternal, kDatabaseFailed);
    }
    values.push_back(null_[i] ? nullptr : values_[i].c_str());
    lengths.push_back(static_cast<int>(values_[i].size()));
  }
  result_.reset(PQexecPrepared(connection_->handle(), name_->c_str(),
                               static_cast<int>(values.size()), values.data(), lengths.data(),
                               formats_.data(), 0));
  if (!succeeded(result_.get())) {
    Error failure = connection_->error(result_.get(), context);
    result_.reset();
    return failure;
  }
  rows_ = PQntuples(result_.get());
  row_ = -1;
  return {};
}

Result<bool> Query::step(std::string_view context) {
  if (!result_) WREG_CHECK(execute(context));
  if (row_ < rows_) ++row_;
  return row_ < rows_;
}

Result<void> Query::run(std::string_view context) { return execute(context); }

Result<void> Query::run_for_row(std::string_view context) {
  WREG_TRY(row, step(context));
  if (!*row) {
    connection_->log()("postgresql: " + std::string(context) + ": the statement returned no row");
    return fail(ErrorCode::kInternal, kDatabaseFailed);
  }
  return {};
}

Result<std::vector<std::string>> Query::first_column_texts(std::string_view context) {
  std::vector<std::string> texts;
  for (;;) {
    WREG_TRY(row, step(context));
    if (!*row) break;
    texts.push_back(text(0));
  }
  return texts;
}

std::int64_t Query::integer(int column) const {
  const char* value = PQgetvalue(result_.get(), row_, column);
  const char* end = value + PQgetlength(result_.get(), row_, column);
  std::int64_t number = 0;
  std::from_chars(value, end, number);
  return number;
}

std::string Query::text(int column) const {
  return std::string(PQgetvalue(result_.get(), row_, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
}

bool Query::is_null(int column) const { return PQgetisnull(result_.get(), row_, column) != 0; }

std::vector<std::uint8_t> Query::blob(int column) const {
  // bytea in text format: `\x` and hex, which PQunescapeBytea reads.
  std::size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &length);
  if (bytes == nullptr) return {};
  std::vector<std::uint8_t> out(bytes, bytes + length);
  PQfreemem(bytes);
  return out;
}

// --- Transaction -------------------------------------------------------------------------------

Result<Transaction> Transaction::read(Connection& connection) {
  WREG_CHECK(connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                             "begin a read transaction"));
  return Transaction(connection);
}

Result<Transaction> Transaction::write(Connection& connection) {
  WREG_CHECK(connection.exec("BEGIN", "begin a write transaction"));
  Transaction transaction(connection);
  WREG_CHECK(connection.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLockKey) + ")",
                             "take the write lock"));
  return transaction;
}

Transaction::~Transaction() {
  if (connection_ == nullptr || connection_->broken()) return;
  ResultHandle rolled_back(PQexec(connection_->handle(), "ROLLBACK"));
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Result<void> Transaction::commit() {
  Connection* connection = std::exchange(connection_, nullptr);
  WREG_TRY(result, connection->exec_for_result("COMMIT", "commit"));
  // COMMIT of a transaction that failed earlier answers ROLLBACK, not an error.
  if (std::string_view(PQcmdStatus(result->get())) != "COMMIT") {
    connection->log()("postgresql: commit: the transaction was rolled back");
    return fail(ErrorCode::kIo, kDatabaseFailed);
  }
  return {};
}

}  // namespace wreg::store::pg
