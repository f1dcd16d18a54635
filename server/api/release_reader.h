// What published bytes are as a release: the one reading both publish routes use, PUT
// /api/v1/packages/... (publish.cpp) and a manifest PUT over OCI (server/oci), so that a binary
// is accepted or refused the same way, with the same message, whichever way it arrives.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/package_ref.h"
#include "common/release.h"
#include "common/result.h"
#include "server/store/blob_store.h"
#include "server/store/metadata_store.h"

namespace wreg::api {

// `bytes` read with the wasm reader, then release_of() under `id`, claimed by `claimed_by`
// ("the URL", "the tag"). kInvalidArgument "<what> is not a valid WebAssembly component or WIT
// package: <the reader's message>", or release_of()'s message (a core module, an encoded name
// or version that contradicts the claim).
Result<Release> read_release(std::span<const std::uint8_t> bytes, const PackageVersion& id,
                             std::string_view what, std::string_view claimed_by);

// The release as the store records it, its bytes being the committed `blob`.
store::NewRelease new_release(const Release& release, const store::BlobInfo& blob);

}  // namespace wreg::api
