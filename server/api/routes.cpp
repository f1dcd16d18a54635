#include "server/api/api.h"
#include "server/api/handlers.h"

namespace wreg::api {

void add_routes(http::Router& router, ApiContext& context) {
  using http::Method;
  using http::Request;
  using http::Route;
  auto simple = [&context](auto handler) {
    Route route;
    route.handle = [&context, handler](const Request& request) {
      return handler(request, context);
    };
    return route;
  };

  router.add(Method::kGet, "/healthz", simple(get_health));
  router.add(Method::kGet, "/metrics", simple(get_metrics));
  router.add(Method::kGet, "/api/v1/whoami", simple(get_whoami));
  router.add(Method::kGet, "/api/v1/packages", simple(search_packages));
  router.add(Method::kGet, "/api/v1/packages/{ns}/{name}", simple(get_package));
  router.add(Method::kGet, "/api/v1/packages/{ns}/{name}/{version}", simple(get_release));
  router.add(Method::kGet, "/api/v1/packages/{ns}/{name}/{version}/wit", simple(get_wit));

  Route publish;
  publish.body = http::BodyKind::kStream;
  publish.open = [&context](const Request& request) { return open_publish(request, context); };
  router.add(Method::kPut, "/api/v1/packages/{ns}/{name}/{version}", std::move(publish));

  Route yank;
  yank.handle = [&context](const Request& request) { return set_yanked(request, context, true); };
  router.add(Method::kPost, "/api/v1/packages/{ns}/{name}/{version}/yank", std::move(yank));
  Route unyank;
  unyank.handle = [&context](const Request& request) {
    return set_yanked(request, context, false);
  };
  router.add(Method::kPost, "/api/v1/packages/{ns}/{name}/{version}/unyank", std::move(unyank));

  router.add(Method::kGet, "/api/v1/blobs/{digest}", simple(get_blob));
}

}  // namespace wreg::api
