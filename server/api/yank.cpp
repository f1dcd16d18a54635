// POST /api/v1/packages/{ns}/{name}/{version}/yank and .../unyank.
#include "common/api/answers.h"
#include "server/api/handlers.h"
#include "server/api/request_values.h"

namespace wreg::api {

http::Response set_yanked(const http::Request& request, ApiContext& context, bool yanked) {
  auto id = package_version_of(request);
  if (!id) return error_of(id.error());
  auto principal = authorize(request, context, auth::Action::kYank, id->name.space());
  if (!principal) return error_of(principal.error());
  auto revision = context.metadata.set_yanked(*id, yanked);
  std::optional<Error> unsigned_entry;
  if (revision) unsigned_entry = await_log(context);
  http::Response response = !revision ? error_of(revision.error())
                            : unsigned_entry
                                ? error_of(*unsigned_entry)
                                : http::json_response(200, to_json(YankState{*id, yanked}));
  response.log_token_id = principal->token_id;
  return response;
}

}  // namespace wreg::api
