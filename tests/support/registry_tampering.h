// Changes a registry's data behind its server's back, to show what the server, its admin
// commands or the client do when what is stored lies: a dishonest or broken registry, a bad
// restore, a hand edit of the database.
//
// Each function is named for what it simulates, and is the only place where a test spells that
// edit in terms of the data dir's layout (server/store/data_dir.h: `wreg.db`, `blobs/`) and the
// database's schema (schema/*.sql): a change of either breaks here, once, and not in every test
// that needs the lie. A new lie (a release's bytes and digest swapped, a log entry rewritten) is
// one more function here, taking the release or package it is about as a typed value; its SQL
// stays in registry_tampering.cpp.
//
// `data` is a registry's data dir. Its database may be open meanwhile, in a wreg-server or in a
// store of this process: each edit is one SQLite transaction, which their next read sees. A
// running server may go on serving a package document it has cached, though: stop it first when
// its readers must see the lie at once.
//
// An edit must change what it names: one that finds nothing to change is kNotFound, so that no
// test passes against an untouched registry. kIo with SQLite's message when the database cannot
// be opened or written. Not thread-safe against itself on one data dir.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/digest.h"
#include "common/package_ref.h"
#include "common/result.h"

namespace wreg::testing {

// Where the blob store keeps the blob `digest` in `data` (DESIGN.md: blobs/sha256/ab/abcdef...).
std::filesystem::path blob_file(const std::filesystem::path& data, const Digest& digest);

// A bad restore or a hand edit: `release`'s row holds `text`, which is no version, as its version.
Result<void> corrupt_release_version(const std::filesystem::path& data,
                                     const PackageVersion& release, const std::string& text);

// Likewise for the latest version a package's row keeps for listings and search.
Result<void> corrupt_latest_version(const std::filesystem::path& data, const PackageName& package,
                                    const std::string& text);

// A registry whose package document lists fewer bytes than the blob it sends: `release`'s row
// says it is `bytes` shorter than it is.
Result<void> understate_blob_size(const std::filesystem::path& data, const PackageVersion& release,
                                  std::uint64_t bytes);

// A registry that serves one release's bytes as another's: `release`'s row names the digest and
// size of `other`, so the document and the blob it sends agree with each other, not with what
// `release` is.
Result<void> serve_bytes_of(const std::filesystem::path& data, const PackageVersion& release,
                            const PackageVersion& other);

// A hostile registry's package document: `release` lists `count` dependencies `d0:p` ...
// `d<count - 1>:p`, each `^1.0.0`, that the registry does not have (a publish could not put them
// there: the reader refuses more than 100, and the names are never published).
Result<void> add_missing_dependencies(const std::filesystem::path& data,
                                      const PackageVersion& release, int count);

// A hand edit or a bad restore of an OCI manifest (schema/0002_oci.sql): `release`'s stored
// manifest holds `content`, with its recorded digest, media type and config left as they were.
Result<void> rewrite_manifest(const std::filesystem::path& data, const PackageVersion& release,
                              const std::string& content);

// A release deleted by hand with foreign keys off: `release`'s row is gone, and the rows that
// named it (its OCI manifest, its dependencies) stay behind.
Result<void> delete_release_leaving_its_rows(const std::filesystem::path& data,
                                             const PackageVersion& release);

// --- The transparency log (schema/0004_log.sql).

// A data dir from before the log existed: no entries, no checkpoints, no release with an index.
Result<void> forget_transparency_log(const std::filesystem::path& data);

// Entries lost (a database restored from before them, next to the checkpoints): every entry from
// index `keep` on is gone; the stored checkpoints stay.
Result<void> truncate_log_entries(const std::filesystem::path& data, std::uint64_t keep);

// An operator rewriting history and covering the tracks, so that the server starts and signs
// anew: every entry from `keep` on is gone, and every stored checkpoint larger than `keep`.
Result<void> rewrite_log_history(const std::filesystem::path& data, std::uint64_t keep);

// Entry `index` holds `text` instead.
Result<void> rewrite_log_entry(const std::filesystem::path& data, std::uint64_t index,
                               const std::string& text);

// Another program holding the database's write lock while the registry works (a backup tool, a
// `sqlite3` shell left in a transaction): BEGIN EXCLUSIVE on a connection of its own, held until
// release() or the destructor rolls it back. Readers of a WAL database go on reading; writers
// wait out their busy timeout and fail.
class DatabaseLock {
 public:
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;
  ~DatabaseLock();
  void release();

 private:
  friend Result<std::unique_ptr<DatabaseLock>> lock_database(const std::filesystem::path& data);
  explicit DatabaseLock(void* db) : db_(db) {}
  void* db_;  // sqlite3*, null once released
};

// The lock, held when this returns. kIo with SQLite's message when it cannot be taken.
Result<std::unique_ptr<DatabaseLock>> lock_database(const std::filesystem::path& data);

}  // namespace wreg::testing
