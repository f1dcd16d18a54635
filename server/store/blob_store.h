// BlobStore: the published bytes, stored once per content hash.
//
// A blob is immutable and named by its digest (`sha256:<hex>`); identical bytes are stored once,
// whoever publishes them. A publish streams the request body into a BlobWriter, which hashes
// while it writes a temp file in the store's own file system, then `commit()` fsyncs the file,
// renames it to its digest and fsyncs the directory. Only after that does the handler record the
// release in the MetadataStore. A crash at any point leaves either no blob or a whole one, and a
// blob that no release names (an orphan) is harmless: `fsck` lists it, `gc` removes it after a
// grace period.
//
// FsBlobStore (fs_blob_store.h) keeps blobs as files `blobs/sha256/ab/abcdef...` under the data
// dir; an object-store engine could implement this interface later.
//
// Errors follow server/store/log_sink.h: messages are safe for clients, detail goes to the log.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/mapped_file.h"
#include "common/result.h"

namespace wreg::store {

struct BlobInfo {
  Digest digest;
  std::uint64_t size = 0;
};

// A stored blob's file, for serving it with a file body (HEAD, GET, Range). The path is
// internal: never put it in a response.
struct BlobFile {
  std::filesystem::path path;
  std::uint64_t size = 0;
};

// A blob as found on disk, for fsck and gc.
struct StoredBlob {
  Digest digest;
  std::uint64_t size = 0;
  std::filesystem::file_time_type modified;  // when it was committed (the rename keeps mtime)
};

// One upload in progress. Owned by the caller; not thread-safe (one writer per request, used
// from one thread). Destroying a writer that was not committed removes its temp file, so an
// aborted or refused upload leaves nothing behind.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;

  // Appends a chunk and hashes it. kTooLarge once the total passes the writer's limit (the
  // writer is then failed: later calls return the same error); kIo on a disk error, e.g.
  // "disk full while storing the upload; free space on the registry's data volume".
  virtual Result<void> write(std::span<const std::uint8_t> chunk) = 0;

  // Bytes written so far.
  virtual std::uint64_t size() const = 0;

  // Ends the stream: flushes and fsyncs the temp file and returns the digest and size of what
  // was written. The blob is not visible yet; `read_back()` may read it for validation.
  // Calling it again returns the same answer.
  virtual Result<BlobInfo> finish() = 0;

  // The finished bytes, mapped from the temp file (calls finish() first if needed), so that a
  // handler can validate a body with the wasm reader before making it visible, without holding
  // it on the heap. kTooLarge past `max_bytes`.
  virtual Result<MappedFile> read_back(std::uint64_t max_bytes) = 0;

  // Makes the blob visible under its digest: finish() if needed, rename into place, fsync the
  // directory. If a blob with that digest is already stored, the temp file is dropped and the
  // stored one kept (identical bytes are stored once). Calling it again returns the same answer.
  virtual Result<BlobInfo> commit() = 0;
};

// The content-addressed store. All methods are safe to call concurrently from many threads and
// from several processes on the same data dir (e.g. the server and `wreg-server gc`).
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Starts an upload of at most `limit` bytes. kIo when no temp file can be created.
  virtual Result<std::unique_ptr<BlobWriter>> begin(std::uint64_t limit) = 0;

  // The file holding a stored blob and its size, from one stat(2). kNotFound when it is not
  // stored.
  virtual Result<BlobFile> locate(const Digest& digest) = 0;

  // Re-reads a stored blob and returns the digest of its actual bytes (fsck compares it with
  // its name). kNotFound; kIo.
  virtual Result<Digest> rehash(const Digest& digest) = 0;

  // Every stored blob, sorted by digest. Files in the blob tree that are not named like a
  // digest are reported in `strays` (relative paths), not in the list.
  struct Listing {
    std::vector<StoredBlob> blobs;
    std::vector<std::string> strays;
  };
  virtual Result<Listing> list() = 0;

  // Deletes an orphaned blob for gc, safely against a concurrent publish of the same bytes
  // (whose commit() refreshes the blob's modification time): the file is first moved aside,
  // then deleted only if it was last committed before `older_than` and `unreferenced()` still
  // answers true; otherwise it is put back. Returns whether it was deleted. kNotFound; kIo; or
  // the error `unreferenced()` returned.
  virtual Result<bool> remove_orphan(const Digest& digest,
                                     std::filesystem::file_time_type older_than,
                                     const std::function<Result<bool>()>& unreferenced) = 0;

  // Removes upload temp files older than `grace` (uploads abandoned by a crash; never a blob
  // that gc set aside). Returns how many.
  virtual Result<std::size_t> remove_stale_temp_files(std::chrono::seconds grace) = 0;
};

}  // namespace wreg::store
