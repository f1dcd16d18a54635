// DataDir: the registry's data directory, opened as its two stores.
//
//   <dir>/wreg.db (+ -wal, -shm)   SqliteDatabase: namespaces, packages, releases, tokens
//   <dir>/blobs/                   FsBlobStore: the published bytes (fs_blob_store.h)
//   <dir>/uploads/                 UploadSessions: OCI uploads in progress (upload_sessions.h)
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
#include "server/store/sqlite_database.h"
#include "server/store/sqlite_metadata_store.h"
#include "server/store/sqlite_token_store.h"
#include "server/store/upload_sessions.h"

namespace wreg::store {

// The stores of one data dir. `metadata` and `tokens` are on `database`, which outlives them
// (members are destroyed in reverse order).
struct DataDir {
  std::filesystem::path root;
  std::unique_ptr<SqliteDatabase> database;  // also: backup_to(), check_integrity()
  std::unique_ptr<SqliteMetadataStore> metadata;
  std::unique_ptr<SqliteTokenStore> tokens;
  std::unique_ptr<FsBlobStore> blobs;
  std::unique_ptr<UploadSessions> uploads;
};

// What open_data_dir() does when the directory is missing.
enum class MissingDir {
  kCreate,  // serve, namespace create, mirror sync
  kRefuse,  // admin commands that only inspect or change what is there (fsck, gc, backup, token)
};

struct DataDirOptions {
  MissingDir missing = MissingDir::kCreate;
  SqliteOptions sqlite;  // its `log` is used for the blob store too
};

// Opens `dir`. kNotFound "no wreg data directory at <dir>; ..." when it is missing and
// `missing` is kRefuse (the path is the operator's own argument, so it may appear here);
// otherwise the stores' errors.
Result<DataDir> open_data_dir(const std::filesystem::path& dir, DataDirOptions options = {});

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
