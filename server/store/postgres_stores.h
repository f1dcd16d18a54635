// The PostgreSQL engine of sql_stores.h: PostgresMetadataStore and PostgresTokenStore on a
// PostgresDatabase.
//
// What is PostgreSQL's own here: `?q=` is matched with ILIKE on the package rows (no index of
// its own to keep in step), and every write to a package queues a notification to the other
// replicas (postgres_change_feed.h); the rest is sql_stores_impl.h's.
//
// Threading: safe to use from any number of threads (see postgres_database.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/store/metadata_sql.h"
#include "server/store/postgres_connection.h"
#include "server/store/postgres_database.h"
#include "server/store/sql_stores.h"

namespace wreg::store {

struct PostgresEngine {
  using Database = PostgresDatabase;
  using Connection = pg::Connection;
  using Query = pg::Query;
  using Transaction = pg::Transaction;

  // A case-insensitive substring of the name or the description, with ILIKE.
  static void text_condition(ComposedStatement& statement, std::string_view text);
  // Queues NOTIFY wreg_package_changed with the package's name, which PostgreSQL delivers to the
  // other replicas' change feeds when the transaction commits.
  static Result<void> package_written(Connection& db, std::int64_t package_id,
                                      const std::string& name, const std::string& description);
};

using PostgresMetadataStore = SqlMetadataStore<PostgresEngine>;
using PostgresTokenStore = SqlTokenStore<PostgresEngine>;
extern template class SqlMetadataStore<PostgresEngine>;
extern template class SqlTokenStore<PostgresEngine>;

}  // namespace wreg::store
