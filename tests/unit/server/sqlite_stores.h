// The SQLite database at a path with both stores on it, for tests that need no blob store.
#pragma once

#include <filesystem>
#include <memory>

#include "server/store/sqlite_database.h"
#include "server/store/sqlite_stores.h"

namespace wreg::testing {

struct SqliteStores {
  std::unique_ptr<store::SqliteDatabase> database;
  std::unique_ptr<store::SqliteMetadataStore> metadata;  // on `database`
  std::unique_ptr<store::SqliteTokenStore> tokens;       // on `database`
};

// SqliteDatabase::open's errors.
inline Result<SqliteStores> open_sqlite_stores(const std::filesystem::path& file,
                                               store::SqliteOptions options = {}) {
  auto database = store::SqliteDatabase::open(file, std::move(options));
  if (!database) return std::move(database).error();
  SqliteStores stores;
  stores.database = std::move(*database);
  stores.metadata = std::make_unique<store::SqliteMetadataStore>(*stores.database);
  stores.tokens = std::make_unique<store::SqliteTokenStore>(*stores.database);
  return stores;
}

}  // namespace wreg::testing
