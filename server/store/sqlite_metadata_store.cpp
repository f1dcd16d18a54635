#include "server/store/sqlite_metadata_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "common/hex.h"
#include "common/text.h"
#include "common/version_req.h"
#include "server/store/migrations.h"

namespace wreg::store {
namespace {

constexpr const char* kDatabaseFailed = "the registry's database failed; see the server log";

std::string rfc3339(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// `1.0.0+build.5` -> `1.0.0`: versions of equal precedence share a key.
std::string version_key(const Version& version) {
  std::string text = version.to_string();
  if (const auto plus = text.find('+'); plus != std::string::npos) text.resize(plus);
  return text;
}

const char* kind_text(api::ReleaseKind kind) {
  return kind == api::ReleaseKind::kWit ? "wit" : "component";
}

std::optional<api::ReleaseKind> parse_kind(std::string_view text) {
  if (text == "wit") return api::ReleaseKind::kWit;
  if (text == "component") return api::ReleaseKind::kComponent;
  return std::nullopt;
}

// Cursors are `c1` + hex of the last package name on the page: opaque to clients, and checked
// as a PackageName when they come back.
constexpr std::string_view kCursorPrefix = "c1";

std::string encode_cursor(const PackageName& last) {
  return std::string(kCursorPrefix) + hex_encode(last.to_string());
}

Result<std::string> decode_cursor(std::string_view cursor) {
  const Error invalid = fail(ErrorCode::kInvalidArgument,
                             "invalid cursor " + wreg::quoted(cursor) +
                                 "; pass the next_cursor of a previous page, or none to start");
  if (cursor.size() > 2 + 2 * PackageName::kMaxLength || !cursor.starts_with(kCursorPrefix)) {
    return invalid;
  }
  auto name = hex_decode(cursor.substr(kCursorPrefix.size()));
  if (!name || !PackageName::parse(*name)) return invalid;
  return *name;
}

}  // namespace

// --- Connections and statements -------------------------------------------------------------

// One sqlite3 handle and its prepared statements. Used by one thread at a time (the pool hands
// it out), so it needs no lock of its own.
class SqliteMetadataStore::Connection {
 public:
  Connection(sqlite3* db, const LogSink& log) : db_(db), log_(log) {}
  ~Connection() {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }

  // Logs the SQLite error of `rc` with `context` and returns a client-safe Error.
  Error error(int rc, std::string_view context) const {
    log_("sqlite: " + std::string(context) + ": " + sqlite3_errstr(rc) + " (" +
         sqlite3_errmsg(db_) + ")");
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

  // The prepared statement for `sql`, prepared on first use. `sql` is a constant of this file
  // (or composed only of such constants), never text from a request.
  Result<sqlite3_stmt*> prepare(const std::string& sql) {
    if (auto found = statements_.find(sql); found != statements_.end()) return found->second;
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) return error(rc, "prepare");
    statements_.emplace(sql, statement);
    return statement;
  }

  Result<void> exec(const char* sql, std::string_view context) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return error(rc, context);
    return {};
  }

 private:
  sqlite3* db_;
  const LogSink& log_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

namespace {

using Connection = SqliteMetadataStore::Connection;

// A prepared statement in use: values bound by position (1-based), rows stepped through, and
// reset for the next user when it goes out of scope.
class Query {
 public:
  static Result<Query> make(Connection& connection, const std::string& sql) {
    auto statement = connection.prepare(sql);
    if (!statement) return std::move(statement).error();
    return Query(connection, *statement);
  }
  ~Query() {
    if (statement_ != nullptr) {
      sqlite3_reset(statement_);
      sqlite3_clear_bindings(statement_);
    }
  }
  Query(Query&& other) noexcept
      : connection_(other.connection_), statement_(std::exchange(other.statement_, nullptr)) {}
  Query& operator=(Query&&) = delete;

  Query& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_, index, value));
    return *this;
  }
  Query& bind(int index, std::string_view text) {
    check(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Query& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Query& bind_blob(int index, std::span<const std::uint8_t> bytes) {
    check(sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }

  // true: a row is ready; false: done. Errors are logged with `context`.
  Result<bool> step(std::string_view context) {
    if (bind_rc_ != SQLITE_OK) return connection_.error(bind_rc_, context);
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return connection_.error(rc, context);
  }
  // Runs a statement that returns no rows.
  Result<void> run(std::string_view context) {
    auto stepped = step(context);
    if (!stepped) return std::move(stepped).error();
    return {};
  }

  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  std::string text(int column) const {
    const auto* data = sqlite3_column_text(statement_, column);
    const int size = sqlite3_column_bytes(statement_, column);
    return data == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
  }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::vector<std::uint8_t> blob(int column) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
    const int size = sqlite3_column_bytes(statement_, column);
    return data == nullptr ? std::vector<std::uint8_t>()
                           : std::vector<std::uint8_t>(data, data + size);
  }

 private:
  Query(Connection& connection, sqlite3_stmt* statement)
      : connection_(connection), statement_(statement) {}
  void check(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  Connection& connection_;
  sqlite3_stmt* statement_;
  int bind_rc_ = SQLITE_OK;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back unless committed.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& connection, bool write) {
    auto begun = connection.exec(write ? "BEGIN IMMEDIATE" : "BEGIN", "begin");
    if (!begun) return std::move(begun).error();
    return Transaction(connection);
  }
  ~Transaction() {
    if (connection_ != nullptr)
      sqlite3_exec(connection_->db(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(Transaction&& other) noexcept
      : connection_(std::exchange(other.connection_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;

  Result<void> commit() {
    Connection* connection = std::exchange(connection_, nullptr);
    // COMMIT refuses to run while a statement is mid-way through its rows (one that returned
    // the row we wanted and was not stepped to the end), so those are reset first.
    for (sqlite3_stmt* statement = sqlite3_next_stmt(connection->db(), nullptr);
         statement != nullptr; statement = sqlite3_next_stmt(connection->db(), statement)) {
      if (sqlite3_stmt_busy(statement)) sqlite3_reset(statement);
    }
    return connection->exec("COMMIT", "commit");
  }

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_;
};

// Unwraps a Result inside a function returning Result<...>.
#define WREG_TRY(var, expr) \
  auto var = (expr);        \
  if (!var) return std::move(var).error()

#define WREG_CHECK(expr)                     \
  do {                                       \
    if (auto checked_ = (expr); !checked_) { \
      return std::move(checked_).error();    \
    }                                        \
  } while (false)

Error corrupt_row(const LogSink& log, std::string_view what, std::string_view value) {
  log("database holds an invalid " + std::string(what) + ": " + wreg::quoted(value));
  return fail(ErrorCode::kCorrupt, "the registry's database holds an invalid " + std::string(what) +
                                       "; see the server log and run `wreg-server fsck`");
}

struct ReleaseRow {
  std::int64_t id = 0;
  api::ReleaseSummary summary;
  std::string description;
};

// The latest version, kind and description of a package from its releases (see
// PackageSummary::latest and NewRelease::description).
struct PackageHead {
  std::string latest;
  std::string kind;
  std::string description;
};

PackageHead head_of(std::vector<ReleaseRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const ReleaseRow& a, const ReleaseRow& b) {
    return a.summary.version > b.summary.version;
  });
  const ReleaseRow* latest = nullptr;
  for (const auto& row : rows) {
    if (!row.summary.yanked && !row.summary.version.is_prerelease()) {
      latest = &row;
      break;
    }
  }
  for (std::size_t i = 0; latest == nullptr && i < rows.size(); ++i) {
    if (!rows[i].summary.yanked) latest = &rows[i];
  }
  if (latest == nullptr && !rows.empty()) latest = &rows.front();
  PackageHead head;
  if (latest != nullptr) {
    head.latest = latest->summary.version.to_string();
    head.kind = kind_text(latest->summary.kind);
  }
  for (const auto& row : rows) {
    if (!row.description.empty()) {
      head.description = row.description;
      break;
    }
  }
  return head;
}

}  // namespace

// --- The pool -------------------------------------------------------------------------------

class SqliteMetadataStore::Lease {
 public:
  Lease(SqliteMetadataStore& store, Connection* connection)
      : store_(store), connection_(connection) {}
  ~Lease() {
    {
      std::lock_guard lock(store_.pool_mutex_);
      store_.idle_.push_back(connection_);
    }
    store_.pool_ready_.notify_one();
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  Connection& operator*() const { return *connection_; }

 private:
  SqliteMetadataStore& store_;
  Connection* connection_;
};

SqliteMetadataStore::Lease SqliteMetadataStore::acquire() {
  std::unique_lock lock(pool_mutex_);
  pool_ready_.wait(lock, [this] { return !idle_.empty(); });
  Connection* connection = idle_.back();
  idle_.pop_back();
  return Lease(*this, connection);
}

SqliteMetadataStore::SqliteMetadataStore(SqliteOptions options) : options_(std::move(options)) {
  if (!options_.log) options_.log = stderr_log_sink();
  if (!options_.now) options_.now = std::chrono::system_clock::now;
  options_.connections = std::max<std::size_t>(options_.connections, 1);
}

SqliteMetadataStore::~SqliteMetadataStore() {
  // Every lease has ended (they borrow from a live store), so all connections are idle.
  idle_.clear();
  all_.clear();
}

namespace {

Result<void> apply_migrations(Connection& connection, int& schema_version, const LogSink& log) {
  for (;;) {
    WREG_TRY(tx, Transaction::begin(connection, true));
    int current = 0;
    {
      WREG_TRY(query, Query::make(connection, "PRAGMA user_version"));
      WREG_TRY(row, query->step("read the schema version"));
      if (*row) current = static_cast<int>(query->integer(0));
    }
    WREG_TRY(pending, pending_migrations(current, embedded_migrations()));
    if (pending->empty()) {
      schema_version = current;
      return {};
    }
    const Migration& next = pending->front();
    WREG_CHECK(connection.exec(std::string(next.sql).c_str(), "apply migration"));
    WREG_CHECK(connection.exec(("PRAGMA user_version = " + std::to_string(next.version)).c_str(),
                               "set the schema version"));
    WREG_CHECK(tx->commit());
    log("applied schema migration " + std::string(next.name));
  }
}

}  // namespace

Result<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::open(
    const std::filesystem::path& file, SqliteOptions options) {
  std::unique_ptr<SqliteMetadataStore> store(new SqliteMetadataStore(std::move(options)));
  const LogSink& log = store->options_.log;
  for (std::size_t i = 0; i < store->options_.connections; ++i) {
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
    auto connection = std::make_unique<Connection>(db, log);
    sqlite3_busy_timeout(db, static_cast<int>(store->options_.busy_timeout.count()));
    sqlite3_extended_result_codes(db, 1);
    // The first statement on a file that is not a database fails here with SQLITE_NOTADB.
    WREG_CHECK(connection->exec("PRAGMA foreign_keys = ON", "enable foreign keys"));
    WREG_TRY(mode, Query::make(*connection, "PRAGMA journal_mode = WAL"));
    WREG_TRY(row, mode->step("enable WAL"));
    if (!*row || mode->text(0) != "wal") {
      log("sqlite: journal_mode is " + (*row ? mode->text(0) : std::string("unknown")) +
          ", not wal");
      return fail(ErrorCode::kIo,
                  "could not switch the registry's database to WAL mode; see "
                  "the server log");
    }
    if (i == 0 && sqlite3_db_readonly(db, "main") == 1) {
      // SQLite falls back to read-only when the file cannot be opened for writing: say so now,
      // not first at the next publish.
      log("sqlite: " + file.string() +
          " is read-only (file mode, immutable flag or a read-only mount): reads work, every "
          "publish, yank and token change will fail until it is writable and the server "
          "restarted");
    }
    if (i == 0) WREG_CHECK(apply_migrations(*connection, store->schema_version_, log));
    store->idle_.push_back(connection.get());
    store->all_.push_back(std::move(connection));
  }
  return store;
}

// --- Namespaces -----------------------------------------------------------------------------

Result<void> SqliteMetadataStore::create_namespace(const std::string& ns) {
  WREG_CHECK(check_label(ns, "namespace"));
  std::lock_guard write(write_mutex_);
  Lease lease = acquire();
  WREG_TRY(tx, Transaction::begin(*lease, true));
  WREG_TRY(existing, Query::make(*lease, "SELECT 1 FROM namespaces WHERE name = ?1"));
  existing->bind(1, ns);
  WREG_TRY(found, existing->step("look up a namespace"));
  if (*found)
    return fail(ErrorCode::kAlreadyExists, "namespace " + wreg::quoted(ns) + " already exists");
  WREG_TRY(query, Query::make(*lease, "INSERT INTO namespaces (name, created) VALUES (?1, ?2)"));
  query->bind(1, ns).bind(2, rfc3339(options_.now()));
  WREG_CHECK(query->run("create a namespace"));
  return tx->commit();
}

Result<bool> SqliteMetadataStore::namespace_exists(const std::string& ns) {
  Lease lease = acquire();
  WREG_TRY(query, Query::make(*lease, "SELECT 1 FROM namespaces WHERE name = ?1"));
  query->bind(1, ns);
  return query->step("look up a namespace");
}

Result<std::vector<std::string>> SqliteMetadataStore::list_namespaces() {
  Lease lease = acquire();
  WREG_TRY(query, Query::make(*lease, "SELECT name FROM namespaces ORDER BY name"));
  std::vector<std::string> names;
  for (;;) {
    WREG_TRY(row, query->step("list namespaces"));
    if (!*row) break;
    names.push_back(query->text(0));
  }
  return names;
}

// --- Releases -------------------------------------------------------------------------------

namespace {

// Reads every release of a package (without dependencies), in no particular order.
Result<std::vector<ReleaseRow>> load_releases(Connection& connection, std::int64_t package_id,
                                              const LogSink& log) {
  WREG_TRY(query, Query::make(connection,
                              "SELECT id, version, digest, size, kind, yanked, published, "
                              "description FROM releases WHERE package_id = ?1"));
  query->bind(1, package_id);
  std::vector<ReleaseRow> rows;
  for (;;) {
    WREG_TRY(row, query->step("read releases"));
    if (!*row) break;
    ReleaseRow release;
    release.id = query->integer(0);
    auto version = Version::parse(query->text(1));
    if (!version) return corrupt_row(log, "version", query->text(1));
    auto digest = Digest::parse(query->text(2));
    if (!digest) return corrupt_row(log, "digest", query->text(2));
    auto kind = parse_kind(query->text(4));
    if (!kind) return corrupt_row(log, "release kind", query->text(4));
    release.summary.version = std::move(*version);
    release.summary.digest = *digest;
    release.summary.size = static_cast<std::uint64_t>(query->integer(3));
    release.summary.kind = *kind;
    release.summary.yanked = query->integer(5) != 0;
    release.summary.published = query->text(6);
    release.description = query->text(7);
    rows.push_back(std::move(release));
  }
  return rows;
}

Result<std::vector<api::Dependency>> load_dependencies(Connection& connection,
                                                       std::int64_t release_id,
                                                       const LogSink& log) {
  WREG_TRY(query, Query::make(connection,
                              "SELECT name, requirement FROM dependencies WHERE release_id = ?1 "
                              "ORDER BY position"));
  query->bind(1, release_id);
  std::vector<api::Dependency> dependencies;
  for (;;) {
    WREG_TRY(row, query->step("read dependencies"));
    if (!*row) break;
    auto name = PackageName::parse(query->text(0));
    if (!name) return corrupt_row(log, "dependency name", query->text(0));
    auto requirement = VersionReq::parse(query->text(1));
    if (!requirement) return corrupt_row(log, "dependency requirement", query->text(1));
    dependencies.push_back(api::Dependency{std::move(*name), std::move(*requirement)});
  }
  return dependencies;
}

// Recomputes a package's latest version and description and bumps its revision, inside the
// caller's write transaction. Returns the new revision.
Result<std::int64_t> refresh_package(Connection& connection, std::int64_t package_id,
                                     const std::string& name, const LogSink& log) {
  WREG_TRY(rows, load_releases(connection, package_id, log));
  const PackageHead head = head_of(std::move(*rows));
  WREG_TRY(update, Query::make(connection,
                               "UPDATE packages SET latest_version = ?1, latest_kind = ?2, "
                               "description = ?3, revision = revision + 1 WHERE id = ?4 "
                               "RETURNING revision"));
  update->bind(1, head.latest).bind(2, head.kind).bind(3, head.description).bind(4, package_id);
  WREG_TRY(row, update->step("update a package"));
  if (!*row) return fail(ErrorCode::kInternal, "a package vanished inside its own transaction");
  const std::int64_t revision = update->integer(0);
  WREG_CHECK(update->step("update a package"));
  WREG_TRY(remove, Query::make(connection, "DELETE FROM package_text WHERE rowid = ?1"));
  remove->bind(1, package_id);
  WREG_CHECK(remove->run("update the search index"));
  WREG_TRY(insert, Query::make(connection,
                               "INSERT INTO package_text (rowid, name, description) "
                               "VALUES (?1, ?2, ?3)"));
  insert->bind(1, package_id).bind(2, name).bind(3, head.description);
  WREG_CHECK(insert->run("update the search index"));
  return revision;
}

std::string make_etag(std::int64_t package_id, std::int64_t revision) {
  return "\"p" + std::to_string(package_id) + "r" + std::to_string(revision) + "\"";
}

}  // namespace

Result<PublishOutcome> SqliteMetadataStore::publish(const NewRelease& release) {
  try {
    const auto details = nlohmann::json::parse(release.details_json);
    if (!details.is_object()) {
      return fail(ErrorCode::kInvalidArgument, "release details must be a JSON object");
    }
  } catch (const nlohmann::json::exception&) {
    return fail(ErrorCode::kInvalidArgument, "release details are not valid JSON");
  }
  const std::string name = release.id.name.to_string();
  const std::string version = release.id.version.to_string();
  const std::string key = version_key(release.id.version);
  const std::string digest = release.digest.to_string();

  std::lock_guard write(write_mutex_);
  Lease lease = acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::begin(db, true));

  WREG_TRY(ns, Query::make(db, "SELECT id FROM namespaces WHERE name = ?1"));
  ns->bind(1, release.id.name.space());
  WREG_TRY(ns_row, ns->step("look up a namespace"));
  if (!*ns_row) {
    return fail(ErrorCode::kNotFound,
                "namespace " + wreg::quoted(release.id.name.space()) +
                    " does not exist; an admin creates it with `wreg-server namespace create`");
  }
  const std::int64_t namespace_id = ns->integer(0);

  WREG_TRY(package, Query::make(db, "SELECT id, revision FROM packages WHERE name = ?1"));
  package->bind(1, name);
  WREG_TRY(package_row, package->step("look up a package"));
  std::int64_t package_id = *package_row ? package->integer(0) : 0;
  const std::int64_t old_revision = *package_row ? package->integer(1) : 0;

  if (package_id != 0) {
    WREG_TRY(existing, Query::make(db,
                                   "SELECT version, digest FROM releases "
                                   "WHERE package_id = ?1 AND version_key = ?2"));
    existing->bind(1, package_id).bind(2, key);
    WREG_TRY(existing_row, existing->step("look up a release"));
    if (*existing_row) {
      const std::string existing_version = existing->text(0);
      const std::string existing_digest = existing->text(1);
      if (existing_version != version) {
        return fail(ErrorCode::kConflict,
                    name + "@" + version + " has the same precedence as the published " + name +
                        "@" + existing_version +
                        "; versions that differ only in build metadata cannot coexist, publish a "
                        "new version");
      }
      if (existing_digest != digest) {
        return fail(ErrorCode::kConflict, name + "@" + version + " is already published with " +
                                              existing_digest +
                                              "; versions are immutable, publish a new version");
      }
      return PublishOutcome{PublishStatus::kAlreadyPresent, old_revision};
    }
  } else {
    WREG_TRY(insert, Query::make(db,
                                 "INSERT INTO packages (namespace_id, name, latest_version, "
                                 "latest_kind, created) VALUES (?1, ?2, ?3, ?4, ?5)"));
    insert->bind(1, namespace_id)
        .bind(2, name)
        .bind(3, version)
        .bind(4, kind_text(release.kind))
        .bind(5, rfc3339(options_.now()));
    WREG_CHECK(insert->run("create a package"));
    package_id = sqlite3_last_insert_rowid(db.db());
  }

  WREG_TRY(insert, Query::make(db,
                               "INSERT INTO releases (package_id, version, version_key, digest, "
                               "size, kind, published, description, details) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  insert->bind(1, package_id)
      .bind(2, version)
      .bind(3, key)
      .bind(4, digest)
      .bind(5, static_cast<std::int64_t>(release.size))
      .bind(6, kind_text(release.kind))
      .bind(7, rfc3339(options_.now()))
      .bind(8, release.description)
      .bind(9, release.details_json);
  WREG_CHECK(insert->run("insert a release"));
  const std::int64_t release_id = sqlite3_last_insert_rowid(db.db());

  for (std::size_t i = 0; i < release.dependencies.size(); ++i) {
    WREG_TRY(dep, Query::make(db,
                              "INSERT INTO dependencies (release_id, position, name, requirement) "
                              "VALUES (?1, ?2, ?3, ?4)"));
    dep->bind(1, release_id)
        .bind(2, static_cast<std::int64_t>(i))
        .bind(3, release.dependencies[i].name.to_string())
        .bind(4, release.dependencies[i].requirement.to_string());
    WREG_CHECK(dep->run("insert a dependency"));
  }

  std::int64_t position = 0;
  for (const auto& [direction, names] :
       {std::pair{"import", &release.imports}, std::pair{"export", &release.exports}}) {
    for (const wasm::InterfaceName& interface : *names) {
      WREG_TRY(row, Query::make(db,
                                "INSERT INTO release_interfaces (release_id, direction, interface, "
                                "version, position) VALUES (?1, ?2, ?3, ?4, ?5)"));
      row->bind(1, release_id)
          .bind(2, direction)
          .bind(3, interface.package.name.to_string() + "/" + interface.item)
          .bind(4, interface.package.version ? interface.package.version->to_string() : "")
          .bind(5, position++);
      WREG_CHECK(row->run("insert an interface"));
    }
  }

  WREG_TRY(revision, refresh_package(db, package_id, name, options_.log));
  WREG_CHECK(tx->commit());
  return PublishOutcome{PublishStatus::kCreated, *revision};
}

Result<PackageRecord> SqliteMetadataStore::package(const PackageName& name) {
  Lease lease = acquire();
  Connection& db = *lease;
  // One read transaction, so the document is one snapshot even while a publish commits.
  WREG_TRY(tx, Transaction::begin(db, false));
  WREG_TRY(package,
           Query::make(db, "SELECT id, description, revision FROM packages WHERE name = ?1"));
  package->bind(1, name.to_string());
  WREG_TRY(row, package->step("look up a package"));
  if (!*row) return fail(ErrorCode::kNotFound, "no package " + name.to_string() + " is published");
  PackageRecord record{api::PackageDocument{name, "", {}}, 0, ""};
  const std::int64_t package_id = package->integer(0);
  record.document.description = package->text(1);
  record.revision = package->integer(2);
  record.etag = make_etag(package_id, record.revision);

  WREG_TRY(rows, load_releases(db, package_id, options_.log));
  std::sort(rows->begin(), rows->end(), [](const ReleaseRow& a, const ReleaseRow& b) {
    return a.summary.version > b.summary.version;
  });
  // Every dependency of the package in one query (one per release made a 300-version document
  // three times slower), parsed once per distinct text: most releases repeat their neighbours'.
  std::unordered_map<std::int64_t, std::vector<api::Dependency>> dependencies;
  {
    WREG_TRY(query, Query::make(db,
                                "SELECT d.release_id, d.name, d.requirement FROM dependencies d "
                                "JOIN releases r ON r.id = d.release_id "
                                "WHERE r.package_id = ?1 ORDER BY d.release_id, d.position"));
    query->bind(1, package_id);
    std::unordered_map<std::string, api::Dependency> parsed;
    for (;;) {
      WREG_TRY(dep_row, query->step("read dependencies"));
      if (!*dep_row) break;
      const std::string dep_text = query->text(1);
      const std::string requirement = query->text(2);
      auto found = parsed.find(dep_text + '\n' + requirement);
      if (found == parsed.end()) {
        auto dep_name = PackageName::parse(dep_text);
        if (!dep_name) return corrupt_row(options_.log, "dependency name", dep_text);
        auto dep_requirement = VersionReq::parse(requirement);
        if (!dep_requirement) {
          return corrupt_row(options_.log, "dependency requirement", requirement);
        }
        found = parsed
                    .emplace(dep_text + '\n' + requirement,
                             api::Dependency{std::move(*dep_name), std::move(*dep_requirement)})
                    .first;
      }
      dependencies[query->integer(0)].push_back(found->second);
    }
  }
  record.document.versions.reserve(rows->size());
  for (ReleaseRow& release : *rows) {
    if (auto found = dependencies.find(release.id); found != dependencies.end()) {
      release.summary.dependencies = std::move(found->second);
    }
    record.document.versions.push_back(std::move(release.summary));
  }
  return record;
}

Result<std::string> SqliteMetadataStore::package_etag(const PackageName& name) {
  Lease lease = acquire();
  WREG_TRY(query, Query::make(*lease, "SELECT id, revision FROM packages WHERE name = ?1"));
  query->bind(1, name.to_string());
  WREG_TRY(row, query->step("look up a package"));
  if (!*row) return fail(ErrorCode::kNotFound, "no package " + name.to_string() + " is published");
  return make_etag(query->integer(0), query->integer(1));
}

Result<ReleaseRecord> SqliteMetadataStore::release(const PackageVersion& id) {
  const std::string not_found_message =
      "no release " + id.to_string() + " is published; see the package's versions";
  Lease lease = acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::begin(db, false));
  WREG_TRY(query, Query::make(db,
                              "SELECT r.id, r.version, r.digest, r.size, r.kind, r.yanked, "
                              "r.published, r.description, r.details FROM releases r "
                              "JOIN packages p ON p.id = r.package_id "
                              "WHERE p.name = ?1 AND r.version_key = ?2"));
  query->bind(1, id.name.to_string()).bind(2, version_key(id.version));
  WREG_TRY(row, query->step("look up a release"));
  if (!*row) return fail(ErrorCode::kNotFound, not_found_message);
  ReleaseRecord record{id.name, {}, "", {}, {}, ""};
  const std::int64_t release_id = query->integer(0);
  auto version = Version::parse(query->text(1));
  if (!version) return corrupt_row(options_.log, "version", query->text(1));
  if (!id.version.build().empty() && *version != id.version) {
    return fail(ErrorCode::kNotFound, not_found_message);
  }
  auto digest = Digest::parse(query->text(2));
  if (!digest) return corrupt_row(options_.log, "digest", query->text(2));
  auto kind = parse_kind(query->text(4));
  if (!kind) return corrupt_row(options_.log, "release kind", query->text(4));
  record.summary.version = std::move(*version);
  record.summary.digest = *digest;
  record.summary.size = static_cast<std::uint64_t>(query->integer(3));
  record.summary.kind = *kind;
  record.summary.yanked = query->integer(5) != 0;
  record.summary.published = query->text(6);
  record.description = query->text(7);
  record.details_json = query->text(8);

  WREG_TRY(deps, load_dependencies(db, release_id, options_.log));
  record.summary.dependencies = std::move(*deps);

  WREG_TRY(interfaces, Query::make(db,
                                   "SELECT direction, interface, version FROM release_interfaces "
                                   "WHERE release_id = ?1 ORDER BY direction, position"));
  interfaces->bind(1, release_id);
  for (;;) {
    WREG_TRY(next, interfaces->step("read interfaces"));
    if (!*next) break;
    std::string text = interfaces->text(1);
    if (const std::string v = interfaces->text(2); !v.empty()) text += "@" + v;
    (interfaces->text(0) == "import" ? record.imports : record.exports).push_back(std::move(text));
  }
  return record;
}

Result<std::int64_t> SqliteMetadataStore::set_yanked(const PackageVersion& id, bool yanked) {
  const std::string name = id.name.to_string();
  std::lock_guard write(write_mutex_);
  Lease lease = acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::begin(db, true));
  WREG_TRY(query, Query::make(db,
                              "SELECT r.id, r.version, r.yanked, p.id, p.revision FROM releases r "
                              "JOIN packages p ON p.id = r.package_id "
                              "WHERE p.name = ?1 AND r.version_key = ?2"));
  query->bind(1, name).bind(2, version_key(id.version));
  WREG_TRY(row, query->step("look up a release"));
  if (!*row || (!id.version.build().empty() && query->text(1) != id.version.to_string())) {
    return fail(ErrorCode::kNotFound, "no release " + id.to_string() + " is published");
  }
  const std::int64_t release_id = query->integer(0);
  const bool was_yanked = query->integer(2) != 0;
  const std::int64_t package_id = query->integer(3);
  const std::int64_t revision = query->integer(4);
  if (was_yanked == yanked) return revision;
  WREG_TRY(update, Query::make(db, "UPDATE releases SET yanked = ?1 WHERE id = ?2"));
  update->bind(1, std::int64_t{yanked ? 1 : 0}).bind(2, release_id);
  WREG_CHECK(update->run("yank a release"));
  WREG_TRY(new_revision, refresh_package(db, package_id, name, options_.log));
  WREG_CHECK(tx->commit());
  return *new_revision;
}

Result<SearchPage> SqliteMetadataStore::search(const SearchQuery& query) {
  const std::size_t limit = std::clamp<std::size_t>(query.limit, 1, SearchQuery::kMaxLimit);
  std::string after;
  if (!query.cursor.empty()) {
    WREG_TRY(decoded, decode_cursor(query.cursor));
    after = std::move(*decoded);
  }

  // The statement is composed from fixed fragments only; every value is a bound parameter.
  std::string sql =
      "SELECT p.name, p.latest_version, p.latest_kind, p.description FROM packages p "
      "WHERE p.name > ?1";
  std::string text_param;
  if (!query.text.empty()) {
    if (query.text.size() >= 3) {
      // FTS5 trigram: a quoted phrase matches that substring anywhere, case-insensitively.
      sql += " AND p.id IN (SELECT rowid FROM package_text WHERE package_text MATCH ?2)";
      text_param = "\"";
      for (const char c : query.text) {
        text_param += c;
        if (c == '"') text_param += '"';
      }
      text_param += "\"";
    } else {
      // Too short for a trigram: a scan, fine for one or two characters on one registry.
      sql += " AND (p.name LIKE ?2 ESCAPE '\\' OR p.description LIKE ?2 ESCAPE '\\')";
      text_param = "%";
      for (const char c : query.text) {
        if (c == '%' || c == '_' || c == '\\') text_param += '\\';
        text_param += c;
      }
      text_param += "%";
    }
  }
  struct InterfaceFilter {
    const char* direction;
    const std::optional<wasm::InterfaceName>& name;
    int param;
  };
  const InterfaceFilter filters[] = {{"export", query.exports, 3}, {"import", query.imports, 6}};
  for (const InterfaceFilter& filter : filters) {
    if (!filter.name) continue;
    const std::string p = std::to_string(filter.param);
    sql +=
        " AND p.id IN (SELECT r.package_id FROM release_interfaces i "
        "JOIN releases r ON r.id = i.release_id WHERE i.direction = ?" +
        p + " AND i.interface = ?" + std::to_string(filter.param + 1) +
        (!filter.name->package.version ? std::string()
                                       : " AND i.version = ?" + std::to_string(filter.param + 2)) +
        " AND r.yanked = 0)";
  }
  sql += " ORDER BY p.name LIMIT ?9";

  Lease lease = acquire();
  WREG_TRY(select, Query::make(*lease, sql));
  select->bind(1, after);
  if (!text_param.empty()) select->bind(2, text_param);
  for (const auto& filter : filters) {
    if (!filter.name) continue;
    select->bind(filter.param, filter.direction)
        .bind(filter.param + 1, filter.name->package.name.to_string() + "/" + filter.name->item);
    if (filter.name->package.version) {
      select->bind(filter.param + 2, filter.name->package.version->to_string());
    }
  }
  select->bind(9, static_cast<std::int64_t>(limit + 1));

  SearchPage page;
  for (;;) {
    WREG_TRY(row, select->step("search packages"));
    if (!*row) break;
    if (page.packages.size() == limit) {
      page.next_cursor = encode_cursor(page.packages.back().name);
      break;
    }
    auto name = PackageName::parse(select->text(0));
    if (!name) return corrupt_row(options_.log, "package name", select->text(0));
    auto latest = Version::parse(select->text(1));
    if (!latest) return corrupt_row(options_.log, "version", select->text(1));
    auto kind = parse_kind(select->text(2));
    if (!kind) return corrupt_row(options_.log, "release kind", select->text(2));
    page.packages.push_back(
        PackageSummary{std::move(*name), std::move(*latest), *kind, select->text(3)});
  }
  return page;
}

// --- Operations -----------------------------------------------------------------------------

Result<StoreCounts> SqliteMetadataStore::counts() {
  Lease lease = acquire();
  WREG_TRY(query, Query::make(*lease,
                              "SELECT (SELECT count(*) FROM namespaces), "
                              "(SELECT count(*) FROM packages), (SELECT count(*) FROM releases), "
                              "(SELECT coalesce(sum(size), 0) FROM "
                              "(SELECT max(size) AS size FROM releases GROUP BY digest))"));
  WREG_TRY(row, query->step("count"));
  if (!*row) return fail(ErrorCode::kInternal, "a count query returned no row");
  return StoreCounts{
      static_cast<std::uint64_t>(query->integer(0)), static_cast<std::uint64_t>(query->integer(1)),
      static_cast<std::uint64_t>(query->integer(2)), static_cast<std::uint64_t>(query->integer(3))};
}

Result<std::vector<ReferencedBlob>> SqliteMetadataStore::referenced_blobs() {
  Lease lease = acquire();
  WREG_TRY(query, Query::make(*lease,
                              "SELECT r.digest, r.size, p.name, r.version FROM releases r "
                              "JOIN packages p ON p.id = r.package_id ORDER BY r.digest"));
  std::vector<ReferencedBlob> blobs;
  for (;;) {
    WREG_TRY(row, query->step("list referenced blobs"));
    if (!*row) break;
    auto digest = Digest::parse(query->text(0));
    if (!digest) return corrupt_row(options_.log, "digest", query->text(0));
    if (!blobs.empty() && blobs.back().digest == *digest) continue;
    auto name = PackageName::parse(query->text(2));
    if (!name) return corrupt_row(options_.log, "package name", query->text(2));
    auto version = Version::parse(query->text(3));
    if (!version) return corrupt_row(options_.log, "version", query->text(3));
    blobs.push_back(ReferencedBlob{*digest, static_cast<std::uint64_t>(query->integer(1)),
                                   PackageVersion{std::move(*name), std::move(*version)}});
  }
  return blobs;
}

Result<bool> SqliteMetadataStore::is_referenced(const Digest& digest) {
  Lease lease = acquire();
  WREG_TRY(query, Query::make(*lease, "SELECT 1 FROM releases WHERE digest = ?1 LIMIT 1"));
  query->bind(1, digest.to_string());
  return query->step("look up a digest");
}

Result<void> SqliteMetadataStore::backup_to(const std::filesystem::path& target) {
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
    sqlite3_backup* backup = sqlite3_backup_init(destination, "main", (*lease).db(), "main");
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

Result<std::vector<std::string>> SqliteMetadataStore::check_integrity() {
  Lease lease = acquire();
  std::vector<std::string> problems;
  WREG_TRY(integrity, Query::make(*lease, "PRAGMA integrity_check"));
  for (;;) {
    WREG_TRY(row, integrity->step("check the database"));
    if (!*row) break;
    if (const std::string line = integrity->text(0); line != "ok") {
      problems.push_back("database: " + line);
    }
  }
  WREG_TRY(keys, Query::make(*lease, "PRAGMA foreign_key_check"));
  for (;;) {
    WREG_TRY(row, keys->step("check foreign keys"));
    if (!*row) break;
    problems.push_back("database: row " + keys->text(1) + " of table " + keys->text(0) +
                       " refers to a missing row of " + keys->text(2));
  }
  return problems;
}

// --- Tokens ---------------------------------------------------------------------------------

namespace {

Result<std::vector<std::string>> token_namespaces(Connection& db, std::int64_t token_id) {
  WREG_TRY(query, Query::make(db,
                              "SELECT n.name FROM token_namespaces t "
                              "JOIN namespaces n ON n.id = t.namespace_id "
                              "WHERE t.token_id = ?1 ORDER BY n.name"));
  query->bind(1, token_id);
  std::vector<std::string> names;
  for (;;) {
    WREG_TRY(row, query->step("read token scopes"));
    if (!*row) break;
    names.push_back(query->text(0));
  }
  return names;
}

}  // namespace

Result<std::int64_t> SqliteMetadataStore::add_token(const Digest& hash, bool admin,
                                                    const std::vector<std::string>& namespaces,
                                                    const std::string& note) {
  std::lock_guard write(write_mutex_);
  Lease lease = acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::begin(db, true));
  std::vector<std::int64_t> namespace_ids;
  for (const std::string& ns : namespaces) {
    WREG_TRY(query, Query::make(db, "SELECT id FROM namespaces WHERE name = ?1"));
    query->bind(1, ns);
    WREG_TRY(row, query->step("look up a namespace"));
    if (!*row) {
      return fail(ErrorCode::kNotFound,
                  "namespace " + wreg::quoted(ns) +
                      " does not exist; create it first with `wreg-server namespace create`");
    }
    namespace_ids.push_back(query->integer(0));
  }
  WREG_TRY(insert, Query::make(db,
                               "INSERT INTO tokens (hash, admin, note, created) "
                               "VALUES (?1, ?2, ?3, ?4)"));
  insert->bind_blob(1, hash.bytes())
      .bind(2, std::int64_t{admin ? 1 : 0})
      .bind(3, note)
      .bind(4, rfc3339(options_.now()));
  if (auto done = insert->run("insert a token"); !done) {
    if (sqlite3_extended_errcode(db.db()) == SQLITE_CONSTRAINT_UNIQUE) {
      return fail(ErrorCode::kAlreadyExists, "this token is already stored");
    }
    return std::move(done).error();
  }
  const std::int64_t token_id = sqlite3_last_insert_rowid(db.db());
  for (const std::int64_t namespace_id : namespace_ids) {
    WREG_TRY(scope, Query::make(db,
                                "INSERT OR IGNORE INTO token_namespaces (token_id, namespace_id) "
                                "VALUES (?1, ?2)"));
    scope->bind(1, token_id).bind(2, namespace_id);
    WREG_CHECK(scope->run("insert a token scope"));
  }
  WREG_CHECK(tx->commit());
  return token_id;
}

Result<std::optional<TokenRecord>> SqliteMetadataStore::find_token(const Digest& hash) {
  Lease lease = acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::begin(db, false));
  WREG_TRY(query, Query::make(db,
                              "SELECT id, hash, admin, note, created FROM tokens "
                              "WHERE hash = ?1 AND revoked IS NULL"));
  query->bind_blob(1, hash.bytes());
  WREG_TRY(row, query->step("look up a token"));
  if (!*row) return std::optional<TokenRecord>();
  // The index found the row; the comparison that decides is constant-time.
  if (!constant_time_equal(query->blob(1), hash.bytes())) return std::optional<TokenRecord>();
  TokenRecord record;
  record.id = query->integer(0);
  record.admin = query->integer(2) != 0;
  record.note = query->text(3);
  record.created = query->text(4);
  WREG_TRY(names, token_namespaces(db, record.id));
  record.namespaces = std::move(*names);
  return std::optional<TokenRecord>(std::move(record));
}

Result<std::vector<TokenRecord>> SqliteMetadataStore::list_tokens() {
  Lease lease = acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::begin(db, false));
  WREG_TRY(query,
           Query::make(db, "SELECT id, admin, note, created, revoked FROM tokens ORDER BY id"));
  std::vector<TokenRecord> records;
  for (;;) {
    WREG_TRY(row, query->step("list tokens"));
    if (!*row) break;
    TokenRecord record;
    record.id = query->integer(0);
    record.admin = query->integer(1) != 0;
    record.note = query->text(2);
    record.created = query->text(3);
    if (!query->is_null(4)) record.revoked = query->text(4);
    records.push_back(std::move(record));
  }
  for (TokenRecord& record : records) {
    WREG_TRY(names, token_namespaces(db, record.id));
    record.namespaces = std::move(*names);
  }
  return records;
}

Result<void> SqliteMetadataStore::revoke_token(std::int64_t id) {
  std::lock_guard write(write_mutex_);
  Lease lease = acquire();
  Connection& db = *lease;
  WREG_TRY(query,
           Query::make(db, "UPDATE tokens SET revoked = coalesce(revoked, ?1) WHERE id = ?2"));
  query->bind(1, rfc3339(options_.now())).bind(2, id);
  WREG_CHECK(query->run("revoke a token"));
  if (sqlite3_changes(db.db()) == 0) {
    return fail(ErrorCode::kNotFound, "no token has id " + std::to_string(id) +
                                          "; `wreg-server token list` shows the ids");
  }
  return {};
}

}  // namespace wreg::store
