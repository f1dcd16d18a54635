// BlobClaim: how a publish keeps gc, on this server or any replica, from deleting the blob it is
// installing before the release that names it is committed.
//
// A publish makes its blob visible (BlobWriter::commit) and only then records the release
// (blob_store.h). Between the two, the blob is an orphan to anyone who looks: `wreg-server gc`
// with a short grace period, run on another replica that shares the blob folder, could delete it
// and leave a release without its bytes. So the publish first claims the digest in the database
// (MetadataStore::claim_blob), then installs the blob and records the release, and lets the
// claim go, in the release's own transaction; gc's last check before it deletes (is_referenced)
// counts live claims, and it moves a blob aside before that check, so a claim taken after the check
// finds the blob gone and installs it anew. The database orders the two, not the clocks of the
// servers.
//
// A claim a crash left behind stops counting after MetadataStore::kBlobClaimLifetime.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "common/digest.h"
#include "common/result.h"
#include "server/store/metadata_store.h"

namespace wreg::store {

class BlobClaim {
 public:
  // Claims `digest` in `store`, which must outlive the claim. The store's errors.
  static Result<BlobClaim> take(MetadataStore& store, const Digest& digest);
  // Lets the claim go (a failure to is logged by the store and harmless: the claim expires).
  ~BlobClaim();
  BlobClaim(BlobClaim&& other) noexcept
      : store_(other.store_), id_(std::exchange(other.id_, std::nullopt)) {}
  BlobClaim& operator=(BlobClaim&&) = delete;

  // For MetadataStore::publish(), which lets the claim go with a new release.
  std::int64_t id() const { return *id_; }
  // The claim is gone already (a publish answered kCreated): the destructor leaves it.
  void settled() { id_.reset(); }

 private:
  BlobClaim(MetadataStore& store, std::int64_t id) : store_(&store), id_(id) {}

  MetadataStore* store_;
  std::optional<std::int64_t> id_;
};

}  // namespace wreg::store
