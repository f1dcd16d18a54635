// FsBlobStore: the BlobStore on a local file system.
//
// Layout of the blob folder, `blobs/` in the data dir unless --blobs names another
// (DESIGN.md, "Storage"):
//   blobs/sha256/ab/abcdef...   one file per blob, named by its 64 hex digits
//   blobs/tmp/upload-<random>   uploads in progress (same file system, so rename is atomic)
//   blobs/tmp/gc-<hex>-<random> a blob gc has set aside while it decides; put back at open
// Several replicas may share the folder (on NFS or the like): the write below relies only on
// what such file systems give, an atomic link or rename within one file system and fsync, and
// each writer's temp file has a name of its own.
// A write goes: temp file (O_EXCL) -> append while hashing -> fsync -> close -> link(2) or
// rename(2) to the digest path -> fsync of the shard directory. Linking refuses to overwrite, so
// a blob already stored is never replaced, and identical bytes stored concurrently end as one
// file; a commit that finds its blob already there refreshes its modification time instead, so
// that gc (which moves a blob aside before deleting it, see remove_orphan) never deletes bytes a
// publish is about to record. Everything that can fail goes through the FileSystem seam
// (file_system.h).
#pragma once

#include <filesystem>
#include <memory>

#include "server/store/blob_store.h"
#include "server/store/file_system.h"
#include "server/store/log_sink.h"

namespace wreg::store {

class FsBlobStore final : public BlobStore {
 public:
  // Opens (creating if needed) the blob tree in `blob_dir` (`<data>/blobs` by default). `fs`
  // must outlive the store. kIo when the directories cannot be created.
  static Result<std::unique_ptr<FsBlobStore>> open(const std::filesystem::path& blob_dir,
                                                   LogSink log,
                                                   FileSystem& fs = FileSystem::real());

  Result<std::unique_ptr<BlobWriter>> begin(std::uint64_t limit) override;
  Result<BlobFile> locate(const Digest& digest) override;
  Result<Digest> rehash(const Digest& digest) override;
  Result<Listing> list() override;
  Result<bool> remove_orphan(const Digest& digest, std::filesystem::file_time_type older_than,
                             const std::function<Result<bool>()>& unreferenced) override;
  Result<std::size_t> remove_stale_temp_files(std::chrono::seconds grace) override;

  // `sha256/ab/abcdef...` in the blob folder, whether or not it exists.
  std::filesystem::path blob_path(const Digest& digest) const;

 private:
  FsBlobStore(std::filesystem::path root, LogSink log, FileSystem& fs);
  friend class FsBlobWriter;

  // Puts back under their digests the blobs an interrupted gc left set aside (remove_orphan).
  // Failures are logged: the blob stays in blobs/tmp/ and fsck reports it missing.
  void put_back_set_aside_blobs();
  // Moves a finished, synced temp file to its digest path (see the header comment).
  Result<void> install(const std::filesystem::path& temp, const Digest& digest);
  // Logs `detail` and returns kIo with a client-safe message for `action`.
  Error io_error(const SysError& error, const char* action) const;

  std::filesystem::path blobs_dir_;  // <blobs>/sha256
  std::filesystem::path temp_dir_;   // <blobs>/tmp
  LogSink log_;
  FileSystem& fs_;
};

}  // namespace wreg::store
