#include "common/oci/manifest.h"
#include "server/oci/handlers.h"
#include "server/oci/oci.h"
#include "server/oci/responses.h"

namespace wreg::oci {

void add_routes(http::Router& router, OciContext& context) {
  using http::Method;
  auto simple = [&context](auto handler) {
    http::Route route;
    route.handle = [&context, handler](const http::Request& request) {
      return handler(request, context);
    };
    return route;
  };
  router.add(Method::kGet, "/.well-known/wasm-pkg/registry.json", simple(get_discovery));
  router.add(Method::kGet, "/v2", simple(get_base));
  router.add(Method::kGet, "/v2/_catalog", simple(get_catalog));
  // Every repository route, under the namespace prefix's literal segments when there is one.
  const std::string repository = "/v2/" + context.namespace_prefix + "{ns}/{name}/";
  router.add(Method::kGet, repository + "blobs/{digest}", simple(get_blob));
  router.add(Method::kGet, repository + "manifests/{reference}", simple(get_manifest));
  router.add(Method::kGet, repository + "tags/list", simple(get_tags));
  router.add(Method::kGet, repository + "referrers/{digest}", simple(get_referrers));
  router.add(Method::kGet, "/v2/token", simple(get_token));

  auto streamed = [&context](auto opener) {
    http::Route route;
    route.body = http::BodyKind::kStream;
    route.open = [&context, opener](const http::Request& request) {
      return opener(request, context);
    };
    return route;
  };
  router.add(Method::kPost, repository + "blobs/uploads", streamed(open_upload_start));
  router.add(Method::kPatch, repository + "blobs/uploads/{id}", streamed(open_upload_chunk));
  router.add(Method::kPut, repository + "blobs/uploads/{id}", streamed(open_upload_finish));
  router.add(Method::kGet, repository + "blobs/uploads/{id}", simple(get_upload));
  router.add(Method::kDelete, repository + "blobs/uploads/{id}", simple(cancel_upload));
  http::Route manifest = simple(put_manifest);
  manifest.body = http::BodyKind::kSmall;
  manifest.body_limit = kMaxManifestBytes;
  router.add(Method::kPut, repository + "manifests/{reference}", std::move(manifest));

  // A method /v2 does not take is OCI's UNSUPPORTED, in OCI's error body, as container clients
  // read it; other refusals keep the native body (the spec has no code for a path it lacks).
  router.word_refusals("v2", [](int status, std::string_view code, std::string_view message) {
    if (status == 405) return error_response(Code::kUnsupported, message);
    return http::error_response(status, code, message);
  });
}

}  // namespace wreg::oci
