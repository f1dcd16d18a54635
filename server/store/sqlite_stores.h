// The SQLite engine of sql_stores.h: SqliteMetadataStore and SqliteTokenStore on a
// SqliteDatabase.
//
// What is SQLite's own here is the FTS5 trigram index behind `?q=` (the package_text table, kept
// in step with packages in the same transaction); the rest is sql_stores_impl.h's.
//
// Threading: safe to use from any number of threads (see sqlite_database.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/store/metadata_sql.h"
#include "server/store/sql_stores.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_database.h"

namespace wreg::store {

struct SqliteEngine {
  using Database = SqliteDatabase;
  using Connection = sqlite::Connection;
  using Query = sqlite::Query;
  using Transaction = sqlite::Transaction;

  // FTS5 with the trigram tokenizer finds a substring of three or more characters through its
  // index; shorter text is a scan with LIKE, fine for one or two characters on one registry.
  // Both are case-insensitive for ASCII.
  static void text_condition(ComposedStatement& statement, std::string_view text);
  // Keeps the FTS5 index of `?q=` in step with the package row.
  static Result<void> package_written(Connection& db, std::int64_t package_id,
                                      const std::string& name, const std::string& description);
};

using SqliteMetadataStore = SqlMetadataStore<SqliteEngine>;
using SqliteTokenStore = SqlTokenStore<SqliteEngine>;
extern template class SqlMetadataStore<SqliteEngine>;
extern template class SqlTokenStore<SqliteEngine>;

}  // namespace wreg::store
