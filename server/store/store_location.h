// StoreLocation: where a registry's stores are, as `serve` and the admin commands are told with
// --data, --database and --blobs (or the settings file's `data`, `database`, `blobs`).
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "common/result.h"

namespace wreg::store {

// Where a registry's stores are: `serve`'s and the admin commands' --data, --database and
// --blobs.
struct StoreLocation {
  StoreLocation() = default;
  // Everything in `data_dir`, the default layout. Not explicit: a data dir alone is a location.
  StoreLocation(std::filesystem::path data_dir) : data(std::move(data_dir)) {}
  StoreLocation(std::filesystem::path data_dir, std::string database_url,
                std::filesystem::path blob_dir)
      : data(std::move(data_dir)), database(std::move(database_url)), blobs(std::move(blob_dir)) {}

  std::filesystem::path data;  // keys, uploads in progress, serve.lock; by default the rest too
  // `sqlite:PATH` or a libpq URI `postgresql://...` (`postgres://` too); empty:
  // sqlite:DATA/wreg.db.
  std::string database;
  std::filesystem::path blobs;  // the folder of the blobs; empty: DATA/blobs
};

// What a --database value names.
struct DatabaseUrl {
  enum class Engine { kSqlite, kPostgres };
  Engine engine = Engine::kSqlite;
  std::filesystem::path sqlite_file;  // kSqlite
  std::string conninfo;               // kPostgres: passed to libpq as given
};
// The database of `location`. kInvalidArgument naming the two forms for anything else.
Result<DatabaseUrl> database_url_of(const StoreLocation& location);

}  // namespace wreg::store
