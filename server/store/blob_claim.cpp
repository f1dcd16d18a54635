#include "server/store/blob_claim.h"

namespace wreg::store {

Result<BlobClaim> BlobClaim::take(MetadataStore& store, const Digest& digest) {
  auto id = store.claim_blob(digest);
  if (!id) return std::move(id).error();
  return BlobClaim(store, *id);
}

BlobClaim::~BlobClaim() {
  if (id_) (void)store_->release_blob_claim(*id_);
}

}  // namespace wreg::store
