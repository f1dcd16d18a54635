// The API's side of the mirrors (server/api/api.h): what a read and a publish of a mirrored
// namespace do.
#include "server/api/api.h"
#include "server/mirror/mirror.h"

namespace wreg::api {

std::string refresh_mirrored(ApiContext& context, const PackageName& name) {
  if (context.mirrors == nullptr) return {};
  return context.mirrors->refresh(name);
}

std::optional<Error> mirror_unavailable(ApiContext& context, const PackageName& name,
                                        const std::string& upstream_line) {
  if (context.mirrors == nullptr || upstream_line.empty()) return std::nullopt;
  const std::string* upstream = context.mirrors->upstream_of(name.space());
  if (upstream == nullptr) return std::nullopt;
  return fail(ErrorCode::kUnavailable,
              name.to_string() + " is not held by this mirror of " + *upstream +
                  ", and the upstream cannot give it now: " + upstream_line);
}

std::optional<Error> refuse_mirrored_publish(ApiContext& context, const std::string& space) {
  if (context.mirrors == nullptr) return std::nullopt;
  const std::string* upstream = context.mirrors->upstream_of(space);
  if (upstream == nullptr) return std::nullopt;
  return fail(ErrorCode::kPermissionDenied,
              "namespace " + space + " mirrors " + *upstream +
                  ": its packages come from there, and nobody publishes into it here");
}

}  // namespace wreg::api
