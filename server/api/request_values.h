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
#include "common/wasm/extern_name.h"
#include "server/api/api.h"
#include "server/http/message.h"

namespace wreg::api {

// `{ns}` and `{name}` as a PackageName. kInvalidArgument with PackageName's own message.
Result<PackageName> package_name_of(const http::Request& request);
// `{ns}` alone, checked as a namespace label. kInvalidArgument with check_label's message.
Result<std::string> namespace_of(const http::Request& request);
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

// The longest search text a client may send, in bytes.
inline constexpr std::size_t kMaxSearchTextLength = 256;

// A search text parameter (`q`): empty when absent. kInvalidArgument when it is longer than
// kMaxSearchTextLength or holds a control character (a NUL would end an FTS5 query early).
Result<std::string> search_text_param(const http::Request& request, const std::string& name);

// An interface filter parameter (`exports`, `imports`): `ns:pkg/item` or `ns:pkg/item@version`
// as wasm::parse_interface_name reads it. nullopt when absent or empty; kInvalidArgument naming
// the parameter and the form to use otherwise.
Result<std::optional<wasm::InterfaceName>> interface_param(const http::Request& request,
                                                           const std::string& name);

// GET /api/v1/packages?q=&exports=&imports=&namespace=&limit=&cursor= as a SearchQuery whose text,
// filters and limit are checked; the cursor is passed on as sent, for the store to read.
// kInvalidArgument from the parameter readers above and number_param.
Result<store::SearchQuery> search_query_of(const http::Request& request);

// Whether an If-None-Match header value (a list of entity tags, or `*`) matches `etag`
// (quoted). Weak comparison, as RFC 9110 §13.1.2 asks for If-None-Match.
bool if_none_match(const std::string& header, const std::string& etag);

}  // namespace wreg::api
