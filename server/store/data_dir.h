// DataDir: the registry's data directory, opened as its stores.
//
//   <dir>/wreg.db (+ -wal, -shm)   SqliteDatabase: namespaces, packages, releases, tokens (unless
//                                  --database names PostgreSQL: PostgresDatabase)
//   <dir>/blobs/                   FsBlobStore: the published bytes (fs_blob_store.h)
//   <dir>/uploads/                 UploadSessions: OCI uploads in progress (upload_sessions.h)
//   <dir>/*.key                    the signing keys (server/auth, server/tlog)
//
// The database and the blobs may live elsewhere (StoreLocation): several replicas share one
// PostgreSQL database (postgres_database.h) and one blob folder on a shared file system, each
// with a data directory of its own for the rest.
//
// `wreg-server serve` and every admin command open a data dir through this one function, so
// they agree on the layout. The blob files are immutable: `backup --to` copies the database
// with SQLite's online backup, then the blobs it names (server/admin/backup.h).
#pragma once

#include <filesystem>
#include <memory>
#include <utility>

#include "common/file_descriptor.h"
#include "server/store/fs_blob_store.h"
#include "server/store/postgres_change_feed.h"
#include "server/store/postgres_database.h"
#include "server/store/sqlite_database.h"
#include "server/store/store_location.h"
#include "server/store/upload_sessions.h"

namespace wreg::store {

// The stores of one data dir. `metadata` and `tokens` are on `sqlite` or `postgres` (the one
// that is set), which outlives them (members are destroyed in reverse order).
struct DataDir {
  std::filesystem::path root;
  std::unique_ptr<SqliteDatabase> sqlite;      // a SQLite registry: backup_to(), check_integrity()
  std::unique_ptr<PostgresDatabase> postgres;  // a PostgreSQL registry
  std::unique_ptr<MetadataStore> metadata;
  std::unique_ptr<TokenStore> tokens;
  std::unique_ptr<FsBlobStore> blobs;
  std::unique_ptr<UploadSessions> uploads;
  // On PostgreSQL when DataDirOptions::follow_other_replicas: tells `metadata`'s listeners of the
  // other replicas' writes. Declared after `metadata`, so it stops first.
  std::unique_ptr<PostgresChangeFeed> feed;
};

// What open_data_dir() does when the directory is missing.
enum class MissingDir {
  kCreate,  // serve, namespace create, mirror sync
  kRefuse,  // admin commands that only inspect or change what is there (fsck, gc, backup, token)
};

struct DataDirOptions {
  MissingDir missing = MissingDir::kCreate;
  std::size_t connections = 4;  // the database's pool
  LogSink log;                  // every store's; stderr_log_sink() when empty
  // On PostgreSQL, start a PostgresChangeFeed: `serve`, whose document cache must hear of what
  // other replicas write; not the admin commands.
  bool follow_other_replicas = false;
};

// Opens the stores at `location`. kNotFound "no wreg data directory at <dir>; ..." when the data
// dir is missing and `missing` is kRefuse (the path is the operator's own argument, so it may
// appear here); kInvalidArgument for a --database that is neither form; otherwise the stores'
// errors.
Result<DataDir> open_data_dir(const StoreLocation& location, DataDirOptions options = {});

// The database file inside `dir`.
std::filesystem::path database_path(const std::filesystem::path& dir);

// Held by `wreg-server serve` while it runs, so that one server at a time serves a data
// directory: its document cache and its start-up cleanup of abandoned uploads rely on that. An
// flock(2) on <dir>/serve.lock, which the kernel drops when the process ends however it ends.
// Admin commands (fsck, gc, token, namespace, backup) do not take it.
class ServeLock {
 public:
  // kUnavailable "another wreg-server is serving <dir>; ..." when one holds it; kIo otherwise.
  static Result<ServeLock> acquire(const std::filesystem::path& dir);

 private:
  explicit ServeLock(FileDescriptor fd) : fd_(std::move(fd)) {}
  FileDescriptor fd_;
};

}  // namespace wreg::store
