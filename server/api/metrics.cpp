// GET /metrics.
#include "server/api/handlers.h"

namespace wreg::api {

namespace {

void add_metric(std::string& out, const char* name, const char* type, const char* help,
                std::uint64_t value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
         name + " " + std::to_string(value) + "\n";
}

}  // namespace

http::Response get_metrics(const http::Request&, ApiContext& context) {
  std::string out = context.http_metrics.render();
  out +=
      "# HELP wreg_publishes_total Publish requests by outcome: created (201), unchanged (200, "
      "the same bytes again), refused (any error).\n# TYPE wreg_publishes_total counter\n";
  out += "wreg_publishes_total{outcome=\"created\"} " +
         std::to_string(context.counters.publishes_created.load()) + "\n";
  out += "wreg_publishes_total{outcome=\"unchanged\"} " +
         std::to_string(context.counters.publishes_unchanged.load()) + "\n";
  out += "wreg_publishes_total{outcome=\"refused\"} " +
         std::to_string(context.counters.publishes_refused.load()) + "\n";
  auto counts = context.metadata.counts();
  if (counts) {
    add_metric(out, "wreg_namespaces", "gauge", "Namespaces created.", counts->namespaces);
    add_metric(out, "wreg_packages", "gauge", "Packages with at least one release.",
               counts->packages);
    add_metric(out, "wreg_releases", "gauge", "Releases, yanked ones included.", counts->releases);
    add_metric(out, "wreg_blob_bytes", "gauge", "Bytes of the distinct blobs releases name.",
               counts->blob_bytes);
  }
  http::Response response;
  response.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  response.body = std::move(out);
  if (!counts) response.log_detail = counts.error().message;
  return response;
}

}  // namespace wreg::api
