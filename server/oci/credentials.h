// Who an OCI request is, the way container clients say it (distribution-spec and Docker's token
// auth): `Authorization: Bearer <token>` or `Basic base64(user:token)` with any user name and a
// wreg token as the password. A refused request gets 401 with a Bearer challenge naming
// GET /v2/token as the realm, which trades those credentials for a short-lived bearer token
// (server/auth/bearer_tokens.h) granting the scope asked for, as far as the wreg token allows.
//
// A request may present a wreg token (checked by the same Authorizer as /api/v1,
// server/auth/tokens.h: a push needs a token scoped to the repository's namespace) or a bearer
// token: then its signature, its expiry, its grant for the repository and action, and that its
// wreg token is still live are checked at every request. Never log a token or put one in an
// Error.
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

// The request's principal when its token may do `action` in `name`'s namespace (and, for a
// bearer token, grants it on `name`'s repository: push for kPublish, pull for kRead); otherwise
// the response to send: 401 UNAUTHORIZED with a challenge whose scope is `name`'s repository, or
// 403 DENIED when the wreg token behind the credentials may not.
struct Authorized {
  std::optional<auth::Principal> principal;
  std::optional<http::Response> refused;
};
Authorized authorize(const http::Request& request, const OciContext& context, auth::Action action,
                     const PackageName& name);

// Nothing when reads are open or the request's token may read; otherwise the 401 to send. A
// bearer token must grant pull on the route's repository, when the route has one.
std::optional<http::Response> check_read(const http::Request& request, const OciContext& context);

// The API version check (GET /v2/) as container clients use it to learn how to log in: nothing
// (200) for a valid wreg or bearer token, an anonymous bearer token only while reads are open;
// otherwise the 401 with a challenge. A request without credentials always gets the 401, so that
// clients fetch a token before they push (skopeo and containers/image send credentials only
// after one).
std::optional<http::Response> check_login(const http::Request& request, const OciContext& context);

// `WWW-Authenticate: Bearer realm="<scheme>://<host>/v2/token",service="<host>"` plus
// `,scope="<scope>"` when a scope is given, with the scheme and host of --public-url when it is
// set; `Bearer realm="wreg"` when it is not and the request's Host is unusable.
std::string challenge(const http::Request& request, const OciContext& context,
                      std::string_view scope);

// The registry's HOST[:PORT] as clients reach it: --public-url's when set, otherwise the
// request's Host when is_plain_host(); nullopt when neither.
std::optional<std::string> registry_host(const http::Request& request, const OciContext& context);

// A Host header as RFC 9110 §7.2 allows it and as it may go into JSON or a header unescaped: a
// name or an address (IPv6 in brackets) and an optional port.
bool is_plain_host(std::string_view host);

}  // namespace wreg::oci
