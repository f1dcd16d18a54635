// The response that sends a stored blob's bytes, shared by GET/HEAD /api/v1/blobs/{digest} and
// the OCI blob route (server/oci), so that both answer ETag, If-None-Match and Range the same
// way and send the file with the session's file body.
#pragma once

#include <string_view>

#include "common/digest.h"
#include "server/http/message.h"
#include "server/store/blob_store.h"

namespace wreg::api {

// `blob` (the stored file of `digest`) as the response to `request`: ETag = the quoted digest,
// immutable caching, `Accept-Ranges: bytes`, `Content-Type: content_type`; 304 when
// If-None-Match matches; one `Range` gives 206 with Content-Range, or 416 with
// `Content-Range: bytes */size` when it lies past the end; a multi-range or another unit is
// ignored (200 with everything, as RFC 9110 allows).
http::Response blob_response(const http::Request& request, const Digest& digest,
                             const store::BlobFile& blob, std::string_view content_type);

}  // namespace wreg::api
