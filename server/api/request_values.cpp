#include "server/api/request_values.h"

#include <algorithm>
#include <charconv>

#include "common/text.h"

namespace wreg::api {

namespace {

const std::string& param_or_empty(const http::Request& request, std::string_view name) {
  static const std::string kEmpty;
  const std::string* value = request.param(name);
  return value ? *value : kEmpty;
}

std::string_view strip_weak(std::string_view tag) {
  if (tag.size() >= 2 && tag.substr(0, 2) == "W/") tag.remove_prefix(2);
  return tag;
}

}  // namespace

Result<PackageName> package_name_of(const http::Request& request) {
  return PackageName::parse(param_or_empty(request, "ns") + ":" + param_or_empty(request, "name"));
}

Result<std::string> namespace_of(const http::Request& request) {
  const std::string& ns = param_or_empty(request, "ns");
  if (auto valid = check_label(ns, "namespace"); !valid) return std::move(valid).error();
  return ns;
}

Result<PackageVersion> package_version_of(const http::Request& request) {
  auto name = package_name_of(request);
  if (!name) return std::move(name).error();
  auto version = Version::parse(param_or_empty(request, "version"));
  if (!version) return std::move(version).error();
  return PackageVersion{std::move(*name), std::move(*version)};
}

Result<Digest> digest_of(const http::Request& request) {
  return Digest::parse(param_or_empty(request, "digest"));
}

Result<auth::Principal> authorize(const http::Request& request, const ApiContext& context,
                                  auth::Action action, const std::string& ns) {
  const std::string* header = request.header("authorization");
  auto token = auth::bearer_token(header ? std::string_view(*header) : std::string_view());
  if (!token) return std::move(token).error();
  return context.authorizer.authorize(*token, action, ns);
}

Result<void> check_read_access(const http::Request& request, const ApiContext& context) {
  if (!context.private_reads) return {};
  auto principal = authorize(request, context, auth::Action::kRead, "");
  if (!principal) return std::move(principal).error();
  return {};
}

http::Response error_of(const Error& error) {
  http::Response response = http::error_response(error);
  if (error.code == ErrorCode::kUnauthenticated) {
    response.set("WWW-Authenticate", "Bearer realm=\"wreg\"");
  }
  return response;
}

Result<std::optional<std::uint64_t>> number_param(const http::Request& request,
                                                  const std::string& name, std::uint64_t min,
                                                  std::uint64_t max) {
  const std::string* text = request.query_param(name);
  if (!text) return std::optional<std::uint64_t>();
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return fail(ErrorCode::kInvalidArgument, "query parameter " + name + "=" + wreg::quoted(*text) +
                                                 " is not a whole number from " +
                                                 std::to_string(min) + " to " +
                                                 std::to_string(max));
  }
  return std::optional<std::uint64_t>(value);
}

Result<std::string> search_text_param(const http::Request& request, const std::string& name) {
  const std::string* text = request.query_param(name);
  if (!text) return std::string();
  if (text->size() > kMaxSearchTextLength) {
    return fail(ErrorCode::kInvalidArgument, "search text is longer than " +
                                                 std::to_string(kMaxSearchTextLength) +
                                                 " characters; search for a shorter part");
  }
  if (std::any_of(text->begin(), text->end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return fail(ErrorCode::kInvalidArgument, "search text " + wreg::quoted(*text) +
                                                 " has a control character; search for "
                                                 "printable text");
  }
  return *text;
}

Result<std::optional<wasm::InterfaceName>> interface_param(const http::Request& request,
                                                           const std::string& name) {
  const std::string* text = request.query_param(name);
  if (!text || text->empty()) return std::optional<wasm::InterfaceName>();
  auto parsed = wasm::parse_interface_name(*text, "");
  if (!parsed || !*parsed) {
    return fail(ErrorCode::kInvalidArgument,
                name + "=" + wreg::quoted(*text) +
                    " is not an interface name; write it as ns:package/interface, optionally "
                    "with @version, e.g. wasi:http/incoming-handler");
  }
  return std::move(*parsed);
}

Result<store::SearchQuery> search_query_of(const http::Request& request) {
  store::SearchQuery query;
  auto limit = number_param(request, "limit", 1, store::SearchQuery::kMaxLimit);
  if (!limit) return std::move(limit).error();
  if (*limit) query.limit = static_cast<std::size_t>(**limit);
  auto text = search_text_param(request, "q");
  if (!text) return std::move(text).error();
  query.text = std::move(*text);
  auto exports = interface_param(request, "exports");
  if (!exports) return std::move(exports).error();
  query.exports = std::move(*exports);
  auto imports = interface_param(request, "imports");
  if (!imports) return std::move(imports).error();
  query.imports = std::move(*imports);
  if (const std::string* ns = request.query_param("namespace"); ns && !ns->empty()) {
    if (auto valid = check_label(*ns, "namespace"); !valid) return std::move(valid).error();
    query.namespace_name = *ns;
  }
  if (const std::string* cursor = request.query_param("cursor")) query.cursor = *cursor;
  return query;
}

bool if_none_match(const std::string& header, const std::string& etag) {
  std::string_view rest = header;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view tag = trim(rest.substr(0, comma));
    if (tag == "*" || strip_weak(tag) == strip_weak(etag)) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace wreg::api
