// GET /.well-known/wasm-pkg/registry.json, GET /v2/ and GET /v2/_catalog; --public-url.
#include <algorithm>

#include "common/text.h"
#include "server/api/request_values.h"
#include "server/oci/credentials.h"
#include "server/oci/handlers.h"
#include "server/oci/responses.h"

namespace wreg::oci {

namespace {

constexpr std::size_t kDefaultCatalogPage = 100;
constexpr std::size_t kMaxCatalogPage = 1000;

// A DNS name or IPv4 address (letters, digits, `-` and `.`), or an IPv6 address in brackets.
bool is_url_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
             c == ':' || c == '.';
    });
  }
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') {
    return false;
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

}  // namespace

Result<PublicUrl> parse_public_url(std::string_view text) {
  auto bad = [&text](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument,
                "the public URL " + wreg::quoted(text) + " " + std::string(why) +
                    "; write http(s)://HOST[:PORT], e.g. https://registry.example.com or "
                    "http://10.0.0.5:8080");
  };
  PublicUrl url;
  std::string_view rest;
  if (text.starts_with("https://")) {
    url.scheme = "https";
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    url.scheme = "http";
    rest = text.substr(7);
  } else {
    return bad("does not start with http:// or https://");
  }
  if (rest.ends_with("/")) rest.remove_suffix(1);
  if (rest.find_first_of("/?#") != std::string_view::npos) {
    return bad("has a path, a query or a fragment; clients add /v2/ to the bare host");
  }
  if (rest.find('@') != std::string_view::npos) return bad("has user info");
  std::string_view host = rest;
  const auto bracket = rest.rfind(']');
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = rest.substr(0, colon);
    const std::string_view port = rest.substr(colon + 1);
    std::uint64_t value = 0;
    if (!parse_decimal(port, value) || value == 0 || value > 65535) {
      return bad("has a port that is not a number from 1 to 65535");
    }
  }
  if (!is_url_host(host)) return bad("has no valid host name or address");
  url.host = std::string(rest);
  return url;
}

Result<std::string> parse_namespace_prefix(std::string_view text) {
  constexpr std::size_t kMaxBytes = 64;
  constexpr std::size_t kMaxSegments = 4;
  auto bad = [&text](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument,
                "the OCI namespace prefix " + wreg::quoted(text) + " " + std::string(why) +
                    "; write path segments of a-z, 0-9 and -, each ending in /, e.g. wasm/ "
                    "(repositories are then <prefix><ns>/<name>), or nothing for none");
  };
  if (text.empty()) return std::string();
  if (text.size() > kMaxBytes) return bad("is longer than 64 bytes");
  if (!text.ends_with("/")) return bad("does not end in /");
  const std::vector<std::string_view> segments = split(text.substr(0, text.size() - 1), '/');
  if (segments.size() > kMaxSegments) return bad("has more than 4 segments");
  for (const std::string_view segment : segments) {
    if (segment.empty()) return bad("has an empty segment");
    for (const char c : segment) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return bad("has a character other than a-z, 0-9, - and /");
      }
    }
  }
  return std::string(text);
}

http::Response get_discovery(const http::Request& request, OciContext& context) {
  auto host = registry_host(request, context);
  if (!host) {
    return http::error_response(
        400, "invalid_argument",
        "the request's Host header is not a host name or address with an optional port; send "
        "the registry's HOST[:PORT] as Host");
  }
  http::Response response =
      http::json_response(200, "{\"preferredProtocol\":\"oci\",\"oci\":{\"registry\":\"" + *host +
                                   "\",\"namespacePrefix\":\"" + context.namespace_prefix +
                                   "\"},\"wreg\":{\"api\":\"/api/v1\"}}");
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
  // The store's names are `ns:name`; a repository is `<namespace prefix>ns/name`.
  std::string after;
  if (const std::string* last = request.query_param("last")) {
    after = std::string_view(*last).starts_with(context.namespace_prefix)
                ? last->substr(context.namespace_prefix.size())
                : *last;
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
      last_shown = context.repository((*names)[i]);
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
