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
// change happened since. The generation moves on changed(), which the handlers that change a
// package (publish, yank, unyank) call once the store has answered: the packages tables are
// written only by this server process (admin commands write namespaces and tokens, never
// packages), so a change the generation does not see cannot happen while it runs. One
// `wreg-server serve` per data directory is assumed, as everywhere else in the server.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace wreg::api {

class DocumentCache {
 public:
  explicit DocumentCache(std::size_t max_bytes = 16u << 20) : max_bytes_(max_bytes) {}

  struct Hit {
    std::shared_ptr<const std::string> body;
    std::string etag;
  };

  // The generation now: read it before asking the store for an ETag, and pass it to find() and
  // put() with what the store said.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // After a publish, yank or unyank (whether it succeeded or not): every entry's ETag must be
  // checked against the store again.
  void changed() { generation_.fetch_add(1, std::memory_order_acq_rel); }

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
  struct Entry {
    std::string etag;
    std::shared_ptr<const std::string> body;
    std::uint64_t checked = 0;  // the generation at which `etag` was last the store's
  };
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t bytes_ = 0;
  // Starts at 1 so that no entry (checked = 0 until found current) counts as checked.
  std::atomic<std::uint64_t> generation_{1};
};

}  // namespace wreg::api
