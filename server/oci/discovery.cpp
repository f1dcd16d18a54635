// GET /.well-known/wasm-pkg/registry.json, GET /v2/ and GET /v2/_catalog.
#include "server/api/request_values.h"
#include "server/oci/credentials.h"
#include "server/oci/handlers.h"
#include "server/oci/responses.h"

namespace wreg::oci {

namespace {

constexpr std::size_t kDefaultCatalogPage = 100;
constexpr std::size_t kMaxCatalogPage = 1000;

}  // namespace

http::Response get_discovery(const http::Request& request, OciContext&) {
  const std::string* host = request.header("host");
  if (!host || !is_plain_host(*host)) {
    return http::error_response(
        400, "invalid_argument",
        "the request's Host header is not a host name or address with an optional port; send "
        "the registry's HOST[:PORT] as Host");
  }
  http::Response response =
      http::json_response(200, "{\"preferredProtocol\":\"oci\",\"oci\":{\"registry\":\"" + *host +
                                   "\",\"namespacePrefix\":\"\"},\"wreg\":{\"api\":\"/api/v1\"}}");
  response.set("Cache-Control", "public, max-age=300");
  return response;
}

http::Response get_base(const http::Request& request, OciContext& context) {
  if (auto refused = check_login(request, context)) return std::move(*refused);
  http::Response response = http::json_response(200, "{}");
  mark_registry_response(response);
  return response;
}

http::Response get_catalog(const http::Request& request, OciContext& context) {
  if (auto refused = check_read(request, context)) return std::move(*refused);
  auto n = api::number_param(request, "n", 0, kMaxCatalogPage);
  if (!n) return error_response(Code::kUnsupported, n.error().message, 400);
  const std::size_t limit = n->value_or(kDefaultCatalogPage);
  // The store's names are `ns:name`; a repository is `ns/name`.
  std::string after;
  if (const std::string* last = request.query_param("last")) {
    after = *last;
    if (auto slash = after.find('/'); slash != std::string::npos) after[slash] = ':';
  }
  std::string body = "{\"repositories\":[";
  std::string last_shown;
  bool more = false;
  if (limit > 0) {
    auto names = context.api.metadata.package_names(after, limit + 1);
    if (!names) return error_of(names.error(), kNameCodes);
    more = names->size() > limit;
    for (std::size_t i = 0; i < names->size() && i < limit; ++i) {
      last_shown = repository_of((*names)[i]);
      body += (i == 0 ? "\"" : ",\"") + last_shown + "\"";
    }
  }
  body += "]}";
  http::Response response = http::json_response(200, std::move(body));
  mark_registry_response(response);
  if (more) response.set("Link", next_link("/v2/_catalog", limit, last_shown));
  return response;
}

}  // namespace wreg::oci
