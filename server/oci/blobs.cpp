// GET/HEAD /v2/{ns}/{name}/blobs/{digest}.
#include "server/api/blob_response.h"
#include "server/api/request_values.h"
#include "server/oci/credentials.h"
#include "server/oci/handlers.h"
#include "server/oci/responses.h"

namespace wreg::oci {

http::Response get_blob(const http::Request& request, OciContext& context) {
  const ErrorCodes codes{Code::kBlobUnknown, Code::kNameInvalid};
  if (auto refused = check_read(request, context)) return std::move(*refused);
  auto name = api::package_name_of(request);
  if (!name) return error_of(name.error(), codes);
  const std::string* text = request.param("digest");
  auto digest = parse_digest(text ? *text : std::string());
  if (!digest) return error_of(digest.error(), {Code::kBlobUnknown, Code::kDigestInvalid});
  auto blob = context.api.blobs.locate(*digest);
  if (!blob) {
    if (blob.error().code == ErrorCode::kNotFound) {
      return error_response(Code::kBlobUnknown, "no blob " + digest->to_string() +
                                                    " is stored here; take digests "
                                                    "from the repository's manifests");
    }
    return error_of(blob.error(), codes);
  }
  http::Response response = api::blob_response(request, *digest, *blob, "application/octet-stream");
  mark_registry_response(response);
  if (response.status < 300) response.set("Docker-Content-Digest", digest->to_string());
  return response;
}

}  // namespace wreg::oci
