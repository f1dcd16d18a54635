// GET /api/v1/whoami.
#include <algorithm>

#include "common/api/answers.h"
#include "server/api/handlers.h"
#include "server/api/request_values.h"

namespace wreg::api {

http::Response get_whoami(const http::Request& request, ApiContext& context) {
  // Any valid token may read (server/auth/tokens.h), so this asks only "is it valid?".
  auto principal = authorize(request, context, auth::Action::kRead, "");
  if (!principal) return error_of(principal.error());
  Whoami answer{static_cast<std::uint64_t>(principal->token_id), principal->admin,
                std::move(principal->namespaces)};
  std::sort(answer.namespaces.begin(), answer.namespaces.end());
  http::Response response = http::json_response(200, to_json(answer));
  response.set("Cache-Control", "no-store");
  return response;
}

}  // namespace wreg::api
