#include "server/store/metadata_sql.h"

#include "server/store/metadata_rows.h"

namespace wreg::store {

std::string ComposedStatement::add(Value value) {
  values_.push_back(std::move(value));
  return "$" + std::to_string(values_.size());
}

std::string substring_pattern(std::string_view text) {
  std::string pattern = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += "%";
  return pattern;
}

ComposedStatement search_statement(const SearchQuery& query, std::string_view after,
                                   const TextCondition& text_condition) {
  ComposedStatement statement(
      "SELECT p.name, p.latest_version, p.latest_kind, p.description FROM packages p "
      "WHERE p.name > ");
  statement += statement.add(std::string(after));
  if (!query.text.empty()) text_condition(statement, query.text);
  if (!query.namespace_name.empty()) {
    statement += " AND p.namespace_id = (SELECT id FROM namespaces WHERE name = ";
    statement += statement.add(query.namespace_name);
    statement += ")";
  }
  for (const auto& [direction, name] :
       {std::pair{kExport, &query.exports}, std::pair{kImport, &query.imports}}) {
    if (!*name) continue;
    statement +=
        " AND p.id IN (SELECT r.package_id FROM release_interfaces i "
        "JOIN releases r ON r.id = i.release_id WHERE i.direction = ";
    statement += statement.add(std::string(direction));
    statement += " AND i.interface = ";
    statement += statement.add(interface_column(**name));
    if ((*name)->package.version) {
      statement += " AND i.version = ";
      statement += statement.add(version_column(**name));
    }
    statement += " AND r.yanked = 0)";
  }
  statement += " ORDER BY p.name LIMIT ";
  statement += statement.add(static_cast<std::int64_t>(page_limit(query) + 1));
  return statement;
}

}  // namespace wreg::store
