#include "server/store/store_location.h"

#include <string_view>

#include "server/store/data_dir.h"

namespace wreg::store {

Result<DatabaseUrl> database_url_of(const StoreLocation& location) {
  const std::string_view text = location.database;
  if (text.empty()) {
    return DatabaseUrl{DatabaseUrl::Engine::kSqlite, database_path(location.data), ""};
  }
  if (text.starts_with("sqlite:") && text.size() > 7) {
    return DatabaseUrl{DatabaseUrl::Engine::kSqlite, std::filesystem::path(text.substr(7)), ""};
  }
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
    return DatabaseUrl{DatabaseUrl::Engine::kPostgres, {}, std::string(text)};
  }
  return fail(ErrorCode::kInvalidArgument,
              "--database must be sqlite:PATH or a PostgreSQL URI postgresql://USER@HOST:PORT/DB "
              "(its password in PGPASSFILE or PGPASSWORD, not in the URI)");
}

}  // namespace wreg::store
