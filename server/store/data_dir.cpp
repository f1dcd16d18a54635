#include "server/store/data_dir.h"

#include <system_error>

namespace wreg::store {

std::filesystem::path database_path(const std::filesystem::path& dir) { return dir / "wreg.db"; }

Result<DataDir> open_data_dir(const std::filesystem::path& dir, DataDirOptions options) {
  if (!options.sqlite.log) options.sqlite.log = stderr_log_sink();
  std::error_code ec;
  const bool present = std::filesystem::is_directory(dir, ec);
  if (!present && !options.create) {
    return fail(ErrorCode::kNotFound, "no wreg data directory at " + dir.string() +
                                          "; pass --data with the directory the server uses");
  }
  if (!present) {
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      options.sqlite.log("could not create the data directory " + dir.string() + ": " +
                         ec.message());
      return fail(ErrorCode::kIo,
                  "could not create the data directory " + dir.string() + ": " + ec.message());
    }
  }
  DataDir data;
  data.root = dir;
  auto blobs = FsBlobStore::open(dir, options.sqlite.log);
  if (!blobs) return std::move(blobs).error();
  data.blobs = std::move(*blobs);
  auto metadata = SqliteMetadataStore::open(database_path(dir), std::move(options.sqlite));
  if (!metadata) return std::move(metadata).error();
  data.metadata = std::move(*metadata);
  return data;
}

}  // namespace wreg::store
