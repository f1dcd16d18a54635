// Cache: what the client downloaded before, under $XDG_CACHE_HOME/wreg/ (DESIGN.md).
//
//   blobs/sha256/ab/abcdef...               the exact bytes of a release, named by digest
//   documents/<registry key>/<ns>/<name>.json   a package document, with its ETag
//
// Blobs are content-addressed and re-hashed on every read: a cached file whose bytes no longer
// match its name is deleted and reported as absent, so a damaged cache costs a download, never a
// wrong file. A document file is `<etag>\n<json>`; a client revalidates it with If-None-Match.
// The registry key is the first 16 hex digits of the SHA-256 of the registry URL, so two
// registries never share a document.
//
// Writes go through temp file + rename (client/file_io.h). Safe to use from many threads and
// processes: the worst a race does is write the same bytes twice.
//
// `wreg cache size` and `wreg cache clean` (usage(), clean()) walk the cache with the *at()
// calls: a symbolic link is counted and removed as a link, never followed, so nothing outside
// the cache folder is read or removed. clean() may run beside other wreg processes: a reader that
// loses a file finds it absent (a download, or a document asked for again), and a writer that
// loses the folder it was about to rename into fails a cache write, which costs only that write.
// Another process's temp file (`.<name>.tmp-<pid>-<n>`) is left alone unless it is an hour old
// (a write killed half-way).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/digest.h"
#include "common/package_name.h"
#include "common/result.h"

namespace wreg::client {

// What the cache holds: its files (blobs, documents and the rest) and their sizes in bytes.
struct CacheUsage {
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
};

struct CachedDocument {
  std::string etag;
  std::string json;
};

class Cache {
 public:
  explicit Cache(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }

  // The cached bytes of `digest`, verified; nullopt when absent or damaged (then removed).
  std::optional<std::string> blob(const Digest& digest) const;
  // Stores `bytes`, which the caller has verified to hash to `digest`. kIo on a disk error.
  Result<void> store_blob(const Digest& digest, const std::string& bytes) const;
  std::filesystem::path blob_path(const Digest& digest) const;

  std::optional<CachedDocument> document(const std::string& registry,
                                         const PackageName& name) const;
  Result<void> store_document(const std::string& registry, const PackageName& name,
                              const CachedDocument& document) const;

  // What the cache holds now (a missing cache folder holds nothing). kIo naming the folder
  // that cannot be read.
  Result<CacheUsage> usage() const;
  // Removes every entry (and the folders emptied, but not the cache folder itself) and returns
  // what it removed. kIo naming the first file or folder that could not be removed; what was
  // removed before it stays removed.
  Result<CacheUsage> clean() const;

 private:
  std::filesystem::path document_path(const std::string& registry, const PackageName& name) const;

  std::filesystem::path root_;
};

}  // namespace wreg::client
