#include "server/store/sqlite_stores.h"

#include "server/store/sql_stores_impl.h"

namespace wreg::store {

void SqliteEngine::text_condition(ComposedStatement& statement, std::string_view text) {
  if (text.size() >= 3) {
    // A quoted phrase matches that substring anywhere; a quote inside is doubled.
    std::string phrase = "\"";
    for (const char c : text) {
      phrase += c;
      if (c == '"') phrase += '"';
    }
    phrase += "\"";
    statement += " AND p.id IN (SELECT rowid FROM package_text WHERE package_text MATCH ";
    statement += statement.add(std::move(phrase));
    statement += ")";
    return;
  }
  const std::string value = statement.add(substring_pattern(text));
  statement += " AND (p.name LIKE " + value + " ESCAPE '\\' OR p.description LIKE " + value +
               " ESCAPE '\\')";
}

Result<void> SqliteEngine::package_written(Connection& db, std::int64_t package_id,
                                           const std::string& name,
                                           const std::string& description) {
  WREG_TRY(remove, Query::make(db, "DELETE FROM package_text WHERE rowid = $1"));
  remove->bind(1, package_id);
  WREG_CHECK(remove->run("update the search index"));
  WREG_TRY(
      insert,
      Query::make(db, "INSERT INTO package_text (rowid, name, description) VALUES ($1, $2, $3)"));
  insert->bind(1, package_id).bind(2, name).bind(3, description);
  return insert->run("update the search index");
}

template class SqlMetadataStore<SqliteEngine>;
template class SqlTokenStore<SqliteEngine>;

}  // namespace wreg::store
