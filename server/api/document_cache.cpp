#include "server/api/document_cache.h"

namespace wreg::api {

DocumentCache::DocumentCache(store::MetadataStore& store, std::size_t max_bytes)
    : store_(store), max_bytes_(max_bytes) {
  store_.add_listener(*this);
}

DocumentCache::~DocumentCache() { store_.remove_listener(*this); }

std::optional<DocumentCache::Hit> DocumentCache::find_checked(const std::string& name) const {
  const std::uint64_t now = generation();
  std::lock_guard lock(mutex_);
  auto found = entries_.find(name);
  if (found == entries_.end() || found->second.checked != now) return std::nullopt;
  return Hit{found->second.body, found->second.etag};
}

std::shared_ptr<const std::string> DocumentCache::find(const std::string& name,
                                                       const std::string& etag,
                                                       std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(name);
  if (found == entries_.end() || found->second.etag != etag) return nullptr;
  // A later check may have been made already; the generation only goes forward.
  found->second.checked = std::max(found->second.checked, generation);
  return found->second.body;
}

void DocumentCache::put(const std::string& name, const std::string& etag,
                        std::shared_ptr<const std::string> body, std::uint64_t generation) {
  const std::size_t size = name.size() + etag.size() + body->size();
  if (size > max_bytes_) return;
  std::lock_guard lock(mutex_);
  auto found = entries_.find(name);
  if (found != entries_.end()) {
    bytes_ -= name.size() + found->second.etag.size() + found->second.body->size();
    entries_.erase(found);
  }
  if (bytes_ + size > max_bytes_) {
    entries_.clear();
    bytes_ = 0;
  }
  entries_.emplace(name, Entry{etag, std::move(body), generation});
  bytes_ += size;
}

}  // namespace wreg::api
