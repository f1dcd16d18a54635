#include "server/store/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace wreg::store {

std::filesystem::path database_path(const std::filesystem::path& dir) { return dir / "wreg.db"; }

Result<DataDir> open_data_dir(const std::filesystem::path& dir, DataDirOptions options) {
  if (!options.sqlite.log) options.sqlite.log = stderr_log_sink();
  std::error_code ec;
  const bool present = std::filesystem::is_directory(dir, ec);
  if (!present && options.missing == MissingDir::kRefuse) {
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
  auto uploads = UploadSessions::open(dir, options.sqlite.log);
  if (!uploads) return std::move(uploads).error();
  data.uploads = std::move(*uploads);
  auto database = SqliteDatabase::open(database_path(dir), std::move(options.sqlite));
  if (!database) return std::move(database).error();
  data.database = std::move(*database);
  data.metadata = std::make_unique<SqliteMetadataStore>(*data.database);
  data.tokens = std::make_unique<SqliteTokenStore>(*data.database);
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
