// GET /api/v1/packages?q=&exports=&imports=&limit=&cursor=.
#include "common/api/search_page.h"
#include "server/api/handlers.h"
#include "server/api/request_values.h"

namespace wreg::api {

http::Response search_packages(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto query = search_query_of(request);
  if (!query) return error_of(query.error());
  auto page = context.metadata.search(*query);
  if (!page) return error_of(page.error());
  api::SearchPage out;
  out.packages.reserve(page->packages.size());
  for (auto& summary : page->packages) {
    out.packages.push_back({std::move(summary.name), std::move(summary.latest), summary.kind,
                            std::move(summary.description)});
  }
  if (!page->next_cursor.empty()) out.next_cursor = std::move(page->next_cursor);
  return http::json_response(200, to_json(out));
}

}  // namespace wreg::api
