#include "server/admin/migrate.h"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include "common/digest.h"
#include "server/store/postgres_stores.h"
#include "server/store/sqlite_stores.h"
#include "server/store/try.h"

namespace wreg::admin {
namespace {

// One table as both schemas have it (schema/0001..0005 and schema/postgresql/0001): its
// columns, the one holding bytes (bound and compared as bytes, not text), and the identity column
// whose sequence PostgreSQL must move past the copied ids.
struct Table {
  std::string_view name;
  std::vector<std::string_view> columns;
  std::string_view bytes_column;     // "" when none
  std::string_view identity_column;  // "" when none
};

// In an order that satisfies the foreign keys.
const std::vector<Table>& tables() {
  static const std::vector<Table> kTables = {
      {"namespaces", {"id", "name", "created"}, "", "id"},
      {"tokens",
       {"id", "hash", "admin", "note", "created", "revoked", "expires", "last_used"},
       "hash",
       "id"},
      {"token_namespaces", {"token_id", "namespace_id"}, "", ""},
      {"packages",
       {"id", "namespace_id", "name", "description", "latest_version", "latest_kind", "revision",
        "created"},
       "",
       "id"},
      {"releases",
       {"id", "package_id", "version", "version_key", "digest", "size", "kind", "yanked",
        "published", "description", "details", "origin", "log_index"},
       "",
       "id"},
      {"dependencies", {"release_id", "position", "name", "requirement"}, "", ""},
      {"release_interfaces",
       {"release_id", "direction", "position", "interface", "version"},
       "",
       ""},
      {"oci_manifests",
       {"release_id", "digest", "media_type", "content", "config_digest", "config_size", "created"},
       "",
       ""},
      {"log_entries", {"idx", "entry"}, "", ""},
      {"log_checkpoints", {"size", "note", "created"}, "", ""},
      {"witnessed_logs", {"origin", "size", "note", "cosigned"}, "", ""},
  };
  return kTables;
}

std::string select_all(const Table& table) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    sql += (i == 0 ? "" : ", ") + std::string(table.columns[i]);
  }
  return sql + " FROM " + std::string(table.name);
}

std::string insert_row(const Table& table) {
  std::string sql = "INSERT INTO " + std::string(table.name) + " (";
  std::string values;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    sql += (i == 0 ? "" : ", ") + std::string(table.columns[i]);
    values += (i == 0 ? "$" : ", $") + std::to_string(i + 1);
  }
  return sql + ") VALUES (" + values + ")";
}

// A row's digest: each value as NULL or its length and bytes, so that no two rows collide by
// how their values split.
template <typename Query>
Digest row_digest(const Query& query, const Table& table) {
  std::string text;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const int column = static_cast<int>(i);
    if (query.is_null(column)) {
      text += "N;";
      continue;
    }
    std::string value;
    if (table.columns[i] == table.bytes_column) {
      const std::vector<std::uint8_t> bytes = query.blob(column);
      value.assign(bytes.begin(), bytes.end());
    } else {
      value = query.text(column);
    }
    text += std::to_string(value.size()) + ":" + value + ";";
  }
  return Digest::of(text);
}

// The sorted row digests of every table, on one engine's connection.
template <typename Engine>
Result<std::map<std::string_view, std::vector<Digest>>> all_digests(
    typename Engine::Connection& db) {
  std::map<std::string_view, std::vector<Digest>> out;
  for (const Table& table : tables()) {
    WREG_TRY(query, Engine::Query::make(db, select_all(table)));
    std::vector<Digest> digests;
    for (;;) {
      WREG_TRY(row, query->step("read a table to verify it"));
      if (!*row) break;
      digests.push_back(row_digest(*query, table));
    }
    std::sort(digests.begin(), digests.end());
    out.emplace(table.name, std::move(digests));
  }
  return out;
}

// Copies every row of `table` from the SQLite snapshot into the PostgreSQL transaction.
Result<void> copy_table(store::sqlite::Connection& from, store::pg::Connection& to,
                        const Table& table) {
  WREG_TRY(rows, store::sqlite::Query::make(from, select_all(table)));
  const std::string insert = insert_row(table);
  for (;;) {
    WREG_TRY(row, rows->step("read a table to copy it"));
    if (!*row) break;
    WREG_TRY(copy, store::pg::Query::make(to, insert));
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      const int column = static_cast<int>(i);
      if (rows->is_null(column)) {
        copy->bind_null(column + 1);
      } else if (table.columns[i] == table.bytes_column) {
        copy->bind_blob(column + 1, rows->blob(column));
      } else {
        copy->bind(column + 1, rows->text(column));
      }
    }
    WREG_CHECK(copy->run("copy a row"));
  }
  if (!table.identity_column.empty()) {
    // The copied ids were given explicitly: the next id PostgreSQL makes must follow them.
    const std::string column(table.identity_column);
    const std::string name(table.name);
    WREG_CHECK(to.exec("SELECT setval(pg_get_serial_sequence('" + name + "', '" + column +
                           "'), coalesce((SELECT max(" + column + ") FROM " + name +
                           "), 0) + 1, "
                           "false)",
                       "move an id sequence past the copied ids"));
  }
  return {};
}

}  // namespace

Result<MigrateReport> migrate_metadata(store::SqliteDatabase& from, store::PostgresDatabase& to) {
  auto source_lease = from.acquire();
  store::sqlite::Connection& source = *source_lease;
  // One snapshot of the source, even while its server publishes.
  WREG_TRY(snapshot, store::sqlite::Transaction::read(source));
  WREG_TRY(wanted, all_digests<store::SqliteEngine>(source));
  MigrateReport report;
  for (const Table& table : tables()) {
    report.rows.emplace_back(std::string(table.name), wanted->at(table.name).size());
  }

  auto target_lease = to.acquire_for_write();
  store::pg::Connection& target = *target_lease;
  // The write lock, so that no replica serving the target writes between the check and the copy.
  WREG_TRY(copying, store::pg::Transaction::write(target));
  WREG_TRY(held, all_digests<store::PostgresEngine>(target));
  if (*held == *wanted) {
    report.already_done = true;
    return report;
  }
  for (const Table& table : tables()) {
    if (const auto& rows = held->at(table.name); !rows.empty()) {
      return fail(ErrorCode::kAlreadyExists,
                  "the target database already holds " + std::to_string(rows.size()) + " rows of " +
                      std::string(table.name) +
                      " that are not the source's; migrate into an empty database");
    }
  }
  for (const Table& table : tables()) WREG_CHECK(copy_table(source, target, table));
  WREG_TRY(copied, all_digests<store::PostgresEngine>(target));
  for (const Table& table : tables()) {
    if (copied->at(table.name) != wanted->at(table.name)) {
      return fail(ErrorCode::kInternal,
                  "the copy of " + std::string(table.name) +
                      " does not read back as the source's rows; nothing was written");
    }
  }
  WREG_CHECK(copying->commit());
  return report;
}

}  // namespace wreg::admin
