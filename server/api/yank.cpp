// POST /api/v1/packages/{ns}/{name}/{version}/yank and .../unyank.
#include <nlohmann/json.hpp>

#include "server/api/handlers.h"
#include "server/api/json_text.h"
#include "server/api/request_values.h"

namespace wreg::api {

http::Response set_yanked(const http::Request& request, ApiContext& context, bool yanked) {
  auto id = package_version_of(request);
  if (!id) return error_of(id.error());
  auto principal = authorize(request, context, auth::Action::kYank, id->name.space());
  if (!principal) return error_of(principal.error());
  auto revision = context.metadata.set_yanked(*id, yanked);
  if (!revision) return error_of(revision.error());
  nlohmann::json body{
      {"name", id->name.to_string()}, {"version", id->version.to_string()}, {"yanked", yanked}};
  return http::json_response(200, dump(body));
}

}  // namespace wreg::api
