// GET /metrics.
#include <openssl/crypto.h>

#include "server/api/handlers.h"
#include "server/api/process_metrics.h"
#include "server/api/request_values.h"
#include "server/mirror/mirror.h"

namespace wreg::api {

namespace {

void add_metric_count(std::string& out, const char* name, const char* type, const char* help,
                      std::uint64_t value) {
  http::append_metric(out, name, type, help, std::to_string(value));
}

// With a metrics token, /metrics needs exactly that bearer token, compared as SHA-256 digests in
// constant time (so neither the comparison nor the length says anything about the secret);
// without one, it is readable by whoever may read packages.
Result<void> check_metrics_access(const http::Request& request, const ApiContext& context) {
  if (!context.metrics_token_hash) return check_read_access(request, context);
  const std::string* header = request.header("authorization");
  auto presented = auth::bearer_token(header ? std::string_view(*header) : std::string_view());
  const Digest hash = auth::hash_token(presented ? *presented : std::string_view());
  const auto& expected = context.metrics_token_hash->bytes();
  if (!presented || CRYPTO_memcmp(hash.bytes().data(), expected.data(), expected.size()) != 0) {
    return fail(ErrorCode::kUnauthenticated,
                "/metrics needs the metrics token as a bearer token (the server's "
                "--metrics-token setting)");
  }
  return {};
}

}  // namespace

http::Response get_metrics(const http::Request& request, ApiContext& context) {
  if (auto allowed = check_metrics_access(request, context); !allowed) {
    return error_of(allowed.error());
  }
  std::string out = context.http_metrics.render();
  out += render_process_metrics();
  out +=
      "# HELP wreg_publishes_total Publish requests by outcome: created (201), unchanged (200, "
      "the same bytes again), refused (any error).\n# TYPE wreg_publishes_total counter\n";
  out += "wreg_publishes_total{outcome=\"created\"} " +
         std::to_string(context.counters.publishes_created.load()) + "\n";
  out += "wreg_publishes_total{outcome=\"unchanged\"} " +
         std::to_string(context.counters.publishes_unchanged.load()) + "\n";
  out += "wreg_publishes_total{outcome=\"refused\"} " +
         std::to_string(context.counters.publishes_refused.load()) + "\n";
  if (context.mirrors != nullptr) {
    const auto& mirrored = context.mirrors->counters();
    add_metric_count(out, "wreg_mirror_imports_total", "counter",
                     "Releases a mirror fetched from its upstream, verified and stored.",
                     mirrored.imports.load());
    add_metric_count(out, "wreg_mirror_conflicts_total", "counter",
                     "Held releases an upstream later showed with other bytes (kept, refused).",
                     mirrored.conflicts.load());
    add_metric_count(out, "wreg_mirror_upstream_failures_total", "counter",
                     "Upstream listings and imports that failed (unreachable, bad answers).",
                     mirrored.upstream_failures.load());
  }
  auto counts = context.metadata.counts();
  if (counts) {
    add_metric_count(out, "wreg_namespaces", "gauge", "Namespaces created.", counts->namespaces);
    add_metric_count(out, "wreg_packages", "gauge", "Packages with at least one release.",
                     counts->packages);
    add_metric_count(out, "wreg_releases", "gauge", "Releases, yanked ones included.",
                     counts->releases);
    add_metric_count(out, "wreg_blob_bytes", "gauge", "Bytes of the distinct blobs releases name.",
                     counts->blob_bytes);
  }
  http::Response response;
  response.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  response.body = std::move(out);
  if (!counts) response.log_detail = counts.error().message;
  return response;
}

}  // namespace wreg::api
