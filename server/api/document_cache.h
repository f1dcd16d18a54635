// DocumentCache: package documents as served (the JSON text), each kept with the ETag it was
// built at, so that a GET whose package has not changed costs one indexed lookup of the ETag
// instead of reading every release and rendering JSON again.
//
// The ETag is the package's id and revision, and the store bumps the revision in the same
// transaction as every change of the document (publish, yank, unyank), so an entry whose ETag
// still matches the store's is the document the store would build now. Bounded by the bytes it
// holds: past the bound it starts over empty (documents are cheap to rebuild once).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wreg::api {

class DocumentCache {
 public:
  explicit DocumentCache(std::size_t max_bytes = 16u << 20) : max_bytes_(max_bytes) {}

  // The document of `name` if it was stored with exactly this `etag`; null otherwise.
  std::shared_ptr<const std::string> find(const std::string& name, const std::string& etag) const;
  // Keeps `body` as the document of `name` at `etag` (replacing an older one).
  void put(const std::string& name, const std::string& etag,
           std::shared_ptr<const std::string> body);

 private:
  struct Entry {
    std::string etag;
    std::shared_ptr<const std::string> body;
  };
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t bytes_ = 0;
};

}  // namespace wreg::api
