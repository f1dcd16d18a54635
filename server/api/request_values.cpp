#include "server/api/request_values.h"

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
