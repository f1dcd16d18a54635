// GET /api/v1/packages?q=&exports=&imports=&limit=&cursor=.
#include <nlohmann/json.hpp>

#include "server/api/handlers.h"
#include "server/api/json_text.h"
#include "server/api/request_values.h"

namespace wreg::api {

http::Response search_packages(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto query = search_query_of(request);
  if (!query) return error_of(query.error());
  auto page = context.metadata.search(*query);
  if (!page) return error_of(page.error());
  auto packages = nlohmann::json::array();
  for (const auto& summary : page->packages) {
    packages.push_back({{"name", summary.name.to_string()},
                        {"latest", summary.latest.to_string()},
                        {"kind", to_string(summary.kind)},
                        {"description", summary.description}});
  }
  nlohmann::json body{{"packages", std::move(packages)}};
  body["next_cursor"] =
      page->next_cursor.empty() ? nlohmann::json() : nlohmann::json(page->next_cursor);
  return http::json_response(200, dump(body));
}

}  // namespace wreg::api
