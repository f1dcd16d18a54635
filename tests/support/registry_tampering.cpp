#include "tests/support/registry_tampering.h"

#include <sqlite3.h>

#include <memory>
#include <variant>
#include <vector>

namespace wreg::testing {

namespace {

using Value = std::variant<std::string, std::int64_t>;

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

// The database of `data`, opened for writing, or kIo naming it.
Result<std::unique_ptr<sqlite3, CloseDatabase>> open_database(const std::filesystem::path& data) {
  const std::filesystem::path file = data / "wreg.db";
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, CloseDatabase> db(raw);
  if (opened != SQLITE_OK) {
    return fail(ErrorCode::kIo, "cannot open " + file.string() + ": " +
                                    (db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(opened)));
  }
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

// Runs the one statement `sql` with `values` bound to ?1, ?2, ... on the database of `data`.
// kNotFound naming `what` when it changed no row.
Result<void> edit(const std::filesystem::path& data, const std::string& what, const char* sql,
                  const std::vector<Value>& values) {
  const std::filesystem::path file = data / "wreg.db";
  auto opened = open_database(data);
  if (!opened) return std::move(opened).error();
  auto db = std::move(*opened);
  auto failed = [&](const std::string& step) {
    return fail(ErrorCode::kIo,
                "cannot " + step + " " + file.string() + ": " + sqlite3_errmsg(db.get()));
  };
  sqlite3_stmt* prepared = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql, -1, &prepared, nullptr) != SQLITE_OK) {
    return failed("prepare an edit of");
  }
  std::unique_ptr<sqlite3_stmt, FinalizeStatement> statement(prepared);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (const auto* text = std::get_if<std::string>(&values[i])) {
      sqlite3_bind_text(statement.get(), index, text->data(), static_cast<int>(text->size()),
                        SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_int64(statement.get(), index, std::get<std::int64_t>(values[i]));
    }
  }
  if (sqlite3_step(statement.get()) != SQLITE_DONE) return failed("edit");
  if (sqlite3_changes(db.get()) == 0) {
    return fail(ErrorCode::kNotFound,
                "nothing to tamper with: no " + what + " in " + file.string());
  }
  return {};
}

// The `WHERE` of one release's row, with its name as ?1 and its version as ?2.
constexpr const char* kReleaseRow =
    " WHERE package_id = (SELECT id FROM packages WHERE name = ?1) AND version = ?2";

}  // namespace

std::filesystem::path blob_file(const std::filesystem::path& data, const Digest& digest) {
  const std::string hex = digest.hex();
  return data / "blobs" / "sha256" / hex.substr(0, 2) / hex;
}

Result<void> corrupt_release_version(const std::filesystem::path& data,
                                     const PackageVersion& release, const std::string& text) {
  return edit(data, "release " + release.to_string(),
              (std::string("UPDATE releases SET version = ?3") + kReleaseRow).c_str(),
              {release.name.to_string(), release.version.to_string(), text});
}

Result<void> corrupt_latest_version(const std::filesystem::path& data, const PackageName& package,
                                    const std::string& text) {
  return edit(data, "package " + package.to_string(),
              "UPDATE packages SET latest_version = ?2 WHERE name = ?1",
              {package.to_string(), text});
}

Result<void> understate_blob_size(const std::filesystem::path& data, const PackageVersion& release,
                                  std::uint64_t bytes) {
  return edit(
      data, "release " + release.to_string(),
      (std::string("UPDATE releases SET size = size - ?3") + kReleaseRow).c_str(),
      {release.name.to_string(), release.version.to_string(), static_cast<std::int64_t>(bytes)});
}

Result<void> rewrite_manifest(const std::filesystem::path& data, const PackageVersion& release,
                              const std::string& content) {
  return edit(data, "OCI manifest of " + release.to_string(),
              (std::string("UPDATE oci_manifests SET content = ?3 WHERE release_id = (SELECT id "
                           "FROM releases") +
               kReleaseRow + ")")
                  .c_str(),
              {release.name.to_string(), release.version.to_string(), content});
}

Result<void> delete_release_leaving_its_rows(const std::filesystem::path& data,
                                             const PackageVersion& release) {
  // A connection of its own starts with foreign keys off (SQLite's default), so nothing cascades.
  return edit(data, "release " + release.to_string(),
              (std::string("DELETE FROM releases") + kReleaseRow).c_str(),
              {release.name.to_string(), release.version.to_string()});
}

Result<void> serve_bytes_of(const std::filesystem::path& data, const PackageVersion& release,
                            const PackageVersion& other) {
  // UPDATE ... FROM an empty `other` changes no row, so a missing `other` is kNotFound too.
  return edit(data, "release " + release.to_string() + " or " + other.to_string(),
              (std::string("UPDATE releases SET digest = other.digest, size = other.size FROM "
                           "(SELECT digest, size FROM releases WHERE package_id = (SELECT id FROM "
                           "packages WHERE name = ?3) AND version = ?4) AS other") +
               kReleaseRow)
                  .c_str(),
              {release.name.to_string(), release.version.to_string(), other.name.to_string(),
               other.version.to_string()});
}

Result<void> add_missing_dependencies(const std::filesystem::path& data,
                                      const PackageVersion& release, int count) {
  return edit(
      data, "release " + release.to_string(),
      "INSERT INTO dependencies (release_id, position, name, requirement) "
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?3) "
      "SELECT r.id, n.i, 'd' || n.i || ':p', '^1.0.0' FROM n, releases r "
      "WHERE r.package_id = (SELECT id FROM packages WHERE name = ?1) AND r.version = ?2",
      {release.name.to_string(), release.version.to_string(), static_cast<std::int64_t>(count)});
}

DatabaseLock::~DatabaseLock() { release(); }

void DatabaseLock::release() {
  if (db_ == nullptr) return;
  auto* db = static_cast<sqlite3*>(db_);
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  db_ = nullptr;
}

Result<std::unique_ptr<DatabaseLock>> lock_database(const std::filesystem::path& data) {
  auto db = open_database(data);
  if (!db) return std::move(db).error();
  if (sqlite3_exec(db->get(), "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail(ErrorCode::kIo,
                "cannot lock " + (data / "wreg.db").string() + ": " + sqlite3_errmsg(db->get()));
  }
  return std::unique_ptr<DatabaseLock>(new DatabaseLock(db->release()));
}

Result<void> forget_transparency_log(const std::filesystem::path& data) {
  if (auto done = edit(data, "log entry", "DELETE FROM log_entries", {}); !done) return done;
  if (auto done = edit(data, "logged release",
                       "UPDATE releases SET log_index = NULL WHERE log_index IS NOT NULL", {});
      !done) {
    return done;
  }
  // A log may not have signed a checkpoint yet; then there is none to forget.
  if (auto done = edit(data, "checkpoint", "DELETE FROM log_checkpoints", {});
      !done && done.error().code != ErrorCode::kNotFound) {
    return done;
  }
  return {};
}

Result<void> truncate_log_entries(const std::filesystem::path& data, std::uint64_t keep) {
  return edit(data, "log entry from index " + std::to_string(keep),
              "DELETE FROM log_entries WHERE idx >= ?1", {static_cast<std::int64_t>(keep)});
}

Result<void> rewrite_log_history(const std::filesystem::path& data, std::uint64_t keep) {
  if (auto done = truncate_log_entries(data, keep); !done) return done;
  if (auto done = edit(data, "release logged from index " + std::to_string(keep),
                       "UPDATE releases SET log_index = NULL WHERE log_index >= ?1",
                       {static_cast<std::int64_t>(keep)});
      !done && done.error().code != ErrorCode::kNotFound) {
    return done;
  }
  return edit(data, "checkpoint larger than " + std::to_string(keep),
              "DELETE FROM log_checkpoints WHERE size > ?1", {static_cast<std::int64_t>(keep)});
}

Result<void> rewrite_log_entry(const std::filesystem::path& data, std::uint64_t index,
                               const std::string& text) {
  return edit(data, "log entry " + std::to_string(index),
              "UPDATE log_entries SET entry = ?2 WHERE idx = ?1",
              {static_cast<std::int64_t>(index), text});
}

}  // namespace wreg::testing
