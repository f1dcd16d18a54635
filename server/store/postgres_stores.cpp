#include "server/store/postgres_stores.h"

#include "server/store/postgres_change_feed.h"
#include "server/store/sql_stores_impl.h"

namespace wreg::store {

void PostgresEngine::text_condition(ComposedStatement& statement, std::string_view text) {
  const std::string value = statement.add(substring_pattern(text));
  statement += " AND (p.name ILIKE " + value + " ESCAPE '\\' OR p.description ILIKE " + value +
               " ESCAPE '\\')";
}

Result<void> PostgresEngine::package_written(Connection& db, std::int64_t /*package_id*/,
                                             const std::string& name,
                                             const std::string& /*description*/) {
  WREG_TRY(notify, Query::make(db, "SELECT pg_notify($1, $2)"));
  notify->bind(1, kPackageChangedChannel).bind(2, name);
  return notify->run("tell the other replicas");
}

template class SqlMetadataStore<PostgresEngine>;
template class SqlTokenStore<PostgresEngine>;

}  // namespace wreg::store
