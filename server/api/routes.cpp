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
  router.add(Method::kGet, "/api/v1/packages/{ns}/{name}/{version}/proof",
             simple(get_release_proof));

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

  router.add(Method::kGet, "/", simple(get_home_page));
  router.add(Method::kGet, "/namespaces/{ns}", simple(get_namespace_page));
  router.add(Method::kGet, "/packages/{ns}/{name}", simple(get_package_page));
  router.add(Method::kGet, "/packages/{ns}/{name}/{version}", simple(get_release_page));
  router.add(Method::kGet, "/static/wreg.css", simple(get_stylesheet));
  router.add(Method::kGet, "/static/wreg.js", simple(get_script));
  router.add(Method::kGet, "/static/favicon.svg", simple(get_favicon));

  router.add(Method::kGet, "/log/checkpoint", simple(get_checkpoint));
  router.add(Method::kGet, "/log/key", simple(get_log_key));
  router.add(Method::kGet, "/log/consistency", simple(get_consistency));
  Route witness = simple(add_witnessed_checkpoint);
  witness.body = http::BodyKind::kSmall;
  router.add(Method::kPost, "/witness/add-checkpoint", std::move(witness));
  // A tile path has 2 to 9 segments after /log/tile: the level (or `entries`), the index in up
  // to 7 groups of 3 digits, and `<last group>.p` with the width of a partial tile.
  std::string tile_pattern = "/log/tile/{level}";
  for (int segment = 1; segment <= 8; ++segment) {
    tile_pattern += "/{s" + std::to_string(segment) + "}";
    router.add(Method::kGet, tile_pattern, simple(get_tile));
  }
}

}  // namespace wreg::api
