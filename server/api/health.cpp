// GET /healthz.
#include "common/api/answers.h"
#include "server/api/handlers.h"

namespace wreg::api {

http::Response get_health(const http::Request&, ApiContext& context) {
  // A cheap query proves the database answers; a load balancer takes 503 as "not ready", and an
  // operator reads why (the store's messages are safe to show: store/log_sink.h).
  if (auto probe = context.metadata.namespace_exists("wreg"); !probe) {
    http::Response response = http::error_response(
        503, "unavailable", "the metadata store does not answer: " + probe.error().message);
    response.log_detail = probe.error().message;
    return response;
  }
  static const std::string kOk = to_json(Health{});
  http::Response response = http::json_response(200, kOk);
  response.set("Cache-Control", "no-store");
  return response;
}

}  // namespace wreg::api
