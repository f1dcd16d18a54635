#include "server/store/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "server/store/postgres_stores.h"
#include "server/store/sqlite_stores.h"
#include "server/store/try.h"

namespace wreg::store {

std::filesystem::path database_path(const std::filesystem::path& dir) { return dir / "wreg.db"; }

Result<DataDir> open_data_dir(const StoreLocation& location, DataDirOptions options) {
  if (!options.log) options.log = stderr_log_sink();
  const std::filesystem::path& dir = location.data;
  WREG_TRY(url, database_url_of(location));
  std::error_code ec;
  const bool present = std::filesystem::is_directory(dir, ec);
  if (!present && options.missing == MissingDir::kRefuse) {
    return fail(ErrorCode::kNotFound, "no wreg data directory at " + dir.string() +
                                          "; pass --data with the directory the server uses");
  }
  if (!present) {
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      options.log("could not create the data directory " + dir.string() + ": " + ec.message());
      return fail(ErrorCode::kIo,
                  "could not create the data directory " + dir.string() + ": " + ec.message());
    }
  }
  DataDir data;
  data.root = dir;
  WREG_TRY(blobs,
           FsBlobStore::open(location.blobs.empty() ? dir / "blobs" : location.blobs, options.log));
  data.blobs = std::move(*blobs);
  WREG_TRY(uploads, UploadSessions::open(dir, options.log));
  data.uploads = std::move(*uploads);
  if (url->engine == DatabaseUrl::Engine::kPostgres) {
    WREG_TRY(database, PostgresDatabase::open(
                           url->conninfo, PostgresOptions{options.connections, {}, options.log}));
    data.postgres = std::move(*database);
    data.metadata = std::make_unique<PostgresMetadataStore>(*data.postgres);
    data.tokens = std::make_unique<PostgresTokenStore>(*data.postgres);
    if (options.follow_other_replicas) {
      ChangeFeedOptions feed;
      feed.log = options.log;
      WREG_TRY(started, PostgresChangeFeed::start(url->conninfo, *data.metadata, feed));
      data.feed = std::move(*started);
    }
    return data;
  }
  SqliteOptions sqlite;
  sqlite.connections = options.connections;
  sqlite.log = options.log;
  WREG_TRY(database, SqliteDatabase::open(url->sqlite_file, std::move(sqlite)));
  data.sqlite = std::move(*database);
  data.metadata = std::make_unique<SqliteMetadataStore>(*data.sqlite);
  data.tokens = std::make_unique<SqliteTokenStore>(*data.sqlite);
  return data;
}

Result<ServeLock> ServeLock::acquire(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "serve.lock";
  // flock(2) needs no write access, so a lock file left read-only still serves.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600));
  if (fd.get() < 0 && errno == EROFS) {
    // Nothing can be written on a read-only file system, and that is all the lock guards.
    return ServeLock(FileDescriptor());
  }
  if (fd.get() < 0) {
    return fail(ErrorCode::kIo, "cannot open " + path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return fail(ErrorCode::kUnavailable,
                  "another wreg-server is serving " + dir.string() +
                      "; stop it first, or give this one its own --data directory");
    }
    return fail(ErrorCode::kIo, "cannot lock " + path.string() + ": " + std::strerror(errno));
  }
  return ServeLock(std::move(fd));
}

}  // namespace wreg::store
