// GET /api/v1/packages?q=&exports=&imports=&limit=&cursor=.
#include <nlohmann/json.hpp>

#include "server/api/handlers.h"
#include "server/api/json_text.h"
#include "server/api/request_values.h"

namespace wreg::api {

http::Response search_packages(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  store::SearchQuery query;
  auto text_param = [&request](const char* name) {
    const std::string* value = request.query_param(name);
    return value ? *value : std::string();
  };
  query.text = text_param("q");
  query.exports = text_param("exports");
  query.imports = text_param("imports");
  query.cursor = text_param("cursor");
  auto limit = number_param(request, "limit", 1, store::SearchQuery::kMaxLimit);
  if (!limit) return error_of(limit.error());
  if (*limit) query.limit = static_cast<std::size_t>(**limit);

  auto page = context.metadata.search(query);
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
