// SqliteMetadataStore: the MetadataStore and TokenStore in one SQLite file.
//
// This header and its .cpp are the only files that include sqlite3.h. The database runs in WAL
// mode with foreign keys on and a busy timeout; every statement is prepared once per connection
// and takes its values as bound parameters. The schema is schema/NNNN_*.sql, embedded in the
// binary and applied by open() (migrations.h).
//
// Threading: an instance is safe to use from any number of threads. It keeps a small pool of
// connections; each call borrows one for its duration (blocking while all are busy), so reads
// run in parallel. Write transactions are serialized by an in-process mutex and start with
// BEGIN IMMEDIATE, so they never deadlock on a lock upgrade; another process on the same file
// (an admin command while the server runs) is waited for up to the busy timeout.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/store/log_sink.h"
#include "server/store/metadata_store.h"

namespace wreg::store {

struct SqliteOptions {
  std::size_t connections = 4;                   // pool size, at least 1
  std::chrono::milliseconds busy_timeout{5000};  // waiting for another process's lock
  // The clock for `published` and `created` times (injected by tests).
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
  LogSink log;  // stderr_log_sink() when empty
};

class SqliteMetadataStore final : public MetadataStore, public TokenStore {
 public:
  // Opens or creates the database at `file` and applies pending migrations.
  // kCorrupt when the file is not a database or was migrated by a newer wreg-server;
  // kIo when it cannot be opened or written.
  static Result<std::unique_ptr<SqliteMetadataStore>> open(const std::filesystem::path& file,
                                                           SqliteOptions options = {});
  ~SqliteMetadataStore() override;

  // The schema version the database is at (PRAGMA user_version) after open().
  int schema_version() const { return schema_version_; }

  // Writes a consistent copy of the database to `target` with SQLite's online backup API while
  // the store stays usable. `target` must not exist. kAlreadyExists; kIo.
  Result<void> backup_to(const std::filesystem::path& target);

  // Runs SQLite's PRAGMA integrity_check and foreign_key_check (for fsck). Returns one line per
  // problem found, empty when the database is sound. The lines are for the operator.
  Result<std::vector<std::string>> check_integrity();

  // MetadataStore
  Result<void> create_namespace(const std::string& ns) override;
  Result<bool> namespace_exists(const std::string& ns) override;
  Result<std::vector<std::string>> list_namespaces() override;
  Result<PublishOutcome> publish(const NewRelease& release) override;
  Result<PackageRecord> package(const PackageName& name) override;
  Result<std::string> package_etag(const PackageName& name) override;
  Result<ReleaseRecord> release(const PackageVersion& id) override;
  Result<std::int64_t> set_yanked(const PackageVersion& id, bool yanked) override;
  Result<SearchPage> search(const SearchQuery& query) override;
  Result<StoreCounts> counts() override;
  Result<std::vector<ReferencedBlob>> referenced_blobs() override;
  Result<bool> is_referenced(const Digest& digest) override;

  // TokenStore
  Result<std::int64_t> add_token(const Digest& hash, bool admin,
                                 const std::vector<std::string>& namespaces,
                                 const std::string& note) override;
  Result<std::optional<TokenRecord>> find_token(const Digest& hash) override;
  Result<std::vector<TokenRecord>> list_tokens() override;
  Result<void> revoke_token(std::int64_t id) override;

  class Connection;  // one sqlite3* with its prepared statements (defined in the .cpp)

 private:
  explicit SqliteMetadataStore(SqliteOptions options);

  // Borrows a connection for the lifetime of the lease.
  class Lease;
  Lease acquire();

  SqliteOptions options_;
  int schema_version_ = 0;

  std::mutex pool_mutex_;                         // guards idle_
  std::condition_variable pool_ready_;            // signalled when a connection is returned
  std::vector<Connection*> idle_;                 // guarded by pool_mutex_
  std::vector<std::unique_ptr<Connection>> all_;  // owned; fixed after open()
  std::mutex write_mutex_;                        // held for every write transaction
};

}  // namespace wreg::store
