// DocumentCache: package documents as served (the JSON text), each kept with the ETag it was
// built at, so that a GET whose package has not changed costs one indexed lookup of the ETag
// instead of reading every release and rendering JSON again.
//
// The ETag is the package's id and revision, and the store bumps the revision in the same
// transaction as every change of the document (publish, yank, unyank), so an entry whose ETag
// still matches the store's is the document the store would build now. Bounded by the bytes it
// holds: past the bound it starts over empty (documents are cheap to rebuild once).
//
// Checking the ETag still costs a read transaction per GET (a quarter of the server's CPU per
// document GET in bench/compare.sh), so an entry also remembers the generation at which its
// ETag was last found current, and find_checked() serves it without asking the store while no
// change happened since. The cache listens to the store (a store::ChangeListener): the store
// announces every publish, yank and unyank once it has returned, from its own publish() and
// set_yanked(), and each announcement moves the generation on. No handler has to remember
// anything, and a write that reaches the store by any path invalidates alike. The packages
// tables are written only by this server process (admin commands write namespaces and tokens,
// never packages), so a change the store does not announce cannot happen while it runs; one
// `wreg-server serve` per data directory is assumed, as everywhere else in the server. An engine
// shared by several servers announces the others' writes too (ChangeListener).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/store/metadata_store.h"

namespace wreg::api {

class DocumentCache final : private store::ChangeListener {
 public:
  // Listens to `store` until destroyed; `store` must outlive the cache.
  explicit DocumentCache(store::MetadataStore& store, std::size_t max_bytes = 16u << 20);
  ~DocumentCache();
  DocumentCache(const DocumentCache&) = delete;
  DocumentCache& operator=(const DocumentCache&) = delete;

  struct Hit {
    std::shared_ptr<const std::string> body;
    std::string etag;
  };

  // The generation now: read it before asking the store for an ETag, and pass it to find() and
  // put() with what the store said.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // The document of `name` and its ETag if its ETag was found current at the current generation
  // (no change since); nullopt otherwise.
  std::optional<Hit> find_checked(const std::string& name) const;
  // The document of `name` if it was stored with exactly this `etag`, which the store gave after
  // `generation` was read; null otherwise.
  std::shared_ptr<const std::string> find(const std::string& name, const std::string& etag,
                                          std::uint64_t generation);
  // Keeps `body` as the document of `name` at `etag` (replacing an older one), read from the
  // store after `generation` was read.
  void put(const std::string& name, const std::string& etag,
           std::shared_ptr<const std::string> body, std::uint64_t generation);

 private:
  // A package changed: every entry's ETag must be checked against the store again.
  void package_changed(const PackageName&) override {
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  void any_package_changed() override { generation_.fetch_add(1, std::memory_order_acq_rel); }

  struct Entry {
    std::string etag;
    std::shared_ptr<const std::string> body;
    std::uint64_t checked = 0;  // the generation at which `etag` was last the store's
  };
  store::MetadataStore& store_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t bytes_ = 0;
  // Starts at 1 so that no entry (checked = 0 until found current) counts as checked.
  std::atomic<std::uint64_t> generation_{1};
};

}  // namespace wreg::api
