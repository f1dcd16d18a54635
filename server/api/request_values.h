// Turning request path and query values into domain types, and checking tokens: the checks
// every handler makes before it calls a store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/digest.h"
#include "common/package_name.h"
#include "common/package_ref.h"
#include "common/result.h"
#include "server/api/api.h"
#include "server/http/message.h"

namespace wreg::api {

// `{ns}` and `{name}` as a PackageName. kInvalidArgument with PackageName's own message.
Result<PackageName> package_name_of(const http::Request& request);
// `{ns}`, `{name}` and `{version}`. kInvalidArgument with the name's or the version's message.
Result<PackageVersion> package_version_of(const http::Request& request);
// `{digest}` as `sha256:<64 lowercase hex>`. kInvalidArgument otherwise.
Result<Digest> digest_of(const http::Request& request);

// The token's principal when the request carries `Authorization: Bearer <token>` and the token
// may do `action` in `ns`. kUnauthenticated (no token, a bad one) or kPermissionDenied.
Result<auth::Principal> authorize(const http::Request& request, const ApiContext& context,
                                  auth::Action action, const std::string& ns);

// Nothing when reads are open; with --private, authorize() for kRead.
Result<void> check_read_access(const http::Request& request, const ApiContext& context);

// An error response, with `WWW-Authenticate: Bearer` on a 401 (RFC 6750 §3).
http::Response error_of(const Error& error);

// A query parameter as a number in [min, max]; nullopt when absent. kInvalidArgument naming the
// parameter otherwise.
Result<std::optional<std::uint64_t>> number_param(const http::Request& request,
                                                  const std::string& name, std::uint64_t min,
                                                  std::uint64_t max);

// Whether an If-None-Match header value (a list of entity tags, or `*`) matches `etag`
// (quoted). Weak comparison, as RFC 9110 §13.1.2 asks for If-None-Match.
bool if_none_match(const std::string& header, const std::string& etag);

}  // namespace wreg::api
