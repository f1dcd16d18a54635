// Who an OCI request is, the way container clients say it (distribution-spec and Docker's token
// auth): `Authorization: Bearer <token>` or `Basic base64(user:token)` with any user name and a
// wreg token as the password. A refused request gets 401 with a Bearer challenge naming
// GET /v2/token as the realm, which trades Basic credentials for a bearer token.
//
// Tokens are checked by the same Authorizer as /api/v1 (server/auth/tokens.h): a push needs a
// token scoped to the repository's namespace. Never log a token or put one in an Error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/package_name.h"
#include "common/result.h"
#include "server/auth/tokens.h"
#include "server/http/message.h"
#include "server/oci/oci.h"

namespace wreg::oci {

// The token in an Authorization header value: after `Bearer `, or the password of `Basic
// base64(user:password)`. kUnauthenticated naming what to send when the header is absent, of
// another scheme, or not valid base64 of `user:password`.
Result<std::string> presented_token(std::string_view authorization);

// The request's principal when its token may do `action` in `name`'s namespace; otherwise the
// response to send: 401 UNAUTHORIZED with a challenge whose scope is `name`'s repository, or 403
// DENIED.
struct Authorized {
  std::optional<auth::Principal> principal;
  std::optional<http::Response> refused;
};
Authorized authorize(const http::Request& request, const OciContext& context, auth::Action action,
                     const PackageName& name);

// Nothing when reads are open or the request's token is valid; otherwise the 401 to send.
std::optional<http::Response> check_read(const http::Request& request, const OciContext& context);

// The bearer token GET /v2/token hands out without credentials: it opens reads while they are
// open, and nothing else.
inline constexpr std::string_view kAnonymousToken = "anonymous";

// The API version check (GET /v2/) as container clients use it to learn how to log in: nothing
// (200) for a valid token, or for the anonymous token while reads are open; otherwise the 401
// with a challenge. A request without credentials always gets the 401, so that clients fetch a
// token before they push (skopeo and containers/image send credentials only after one).
std::optional<http::Response> check_login(const http::Request& request, const OciContext& context);

// `WWW-Authenticate: Bearer realm="<scheme>://<host>/v2/token",service="<host>"` plus
// `,scope="<scope>"` when a scope is given; `Bearer realm="wreg"` when the request's Host is
// unusable.
std::string challenge(const http::Request& request, const OciContext& context,
                      std::string_view scope);

// A Host header as RFC 9110 §7.2 allows it and as it may go into JSON or a header unescaped: a
// name or an address (IPv6 in brackets) and an optional port.
bool is_plain_host(std::string_view host);

}  // namespace wreg::oci
