// Tokens and scopes: who may publish where (DESIGN.md, "Auth").
//
// A token is 32 random bytes from OpenSSL's RAND_bytes, shown once as text:
//   wreg_<64 lowercase hex>
// Only its SHA-256 (over that whole text) is stored, in the TokenStore. To check a presented
// token, the server hashes it, looks the hash up by index and compares the stored hash in
// constant time; so the database never holds a usable secret, and a lookup time says nothing
// about any token's text.
//
// Scopes: `admin` may do everything; otherwise a token may publish, yank and unyank in the
// namespaces it lists. Reads need no token unless the server runs with reads closed, and then
// any valid token may read.
//
// Never log a token, put one in an Error, or keep one longer than a request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "common/result.h"
#include "server/store/metadata_store.h"

namespace wreg::auth {

inline constexpr std::string_view kTokenPrefix = "wreg_";

// A token as created: the secret is shown to the operator once, then forgotten.
struct NewToken {
  std::int64_t id = 0;
  std::string secret;  // wreg_<64 hex>
};

struct TokenScopes {
  bool admin = false;
  std::vector<std::string> namespaces;  // publish scope; each must exist
  std::string note;                     // free text for `token list`
};

// Makes a token with OpenSSL's CSPRNG and stores its hash. kInvalidArgument when the scope is
// empty (neither admin nor any namespace); kNotFound for a namespace that was not created;
// kInternal when the random generator fails.
Result<NewToken> create_token(store::TokenStore& tokens, const TokenScopes& scopes);

// The SHA-256 of a token's text: what the store keeps.
Digest hash_token(std::string_view secret);

// The token in an `Authorization` header value: `Bearer <token>`. kUnauthenticated "missing
// bearer token; ..." when the header is empty or not a bearer credential. The scheme is
// case-insensitive (RFC 9110 §11.1).
Result<std::string_view> bearer_token(std::string_view authorization);

enum class Action {
  kRead,     // GET/HEAD of packages and blobs when reads are closed
  kPublish,  // PUT a release into a namespace
  kYank,     // yank or unyank in a namespace
  kAdmin,    // anything else privileged
};

// Who a valid token belongs to.
struct Principal {
  std::int64_t token_id = 0;
  bool admin = false;
  std::vector<std::string> namespaces;
};

// Checks tokens against a TokenStore. Thread-safe (the store is); holds no secrets.
class Authorizer {
 public:
  // `tokens` must outlive the Authorizer.
  explicit Authorizer(store::TokenStore& tokens) : tokens_(tokens) {}

  // The principal of a presented token (the text after "Bearer "). kUnauthenticated when it is
  // empty, malformed, unknown or revoked (one message for all: "invalid or revoked token; ask
  // an admin for a new one with `wreg-server token create`"); the store's errors otherwise.
  Result<Principal> authenticate(std::string_view token) const;

  // The principal of the live token with id `token_id`, for a credential that names its token
  // by id (a bearer token, bearer_tokens.h): so revoking a token refuses its bearer tokens at
  // their next request. kUnauthenticated with authenticate()'s message when it is unknown or
  // revoked; the store's errors otherwise.
  Result<Principal> principal_of(std::int64_t token_id) const;

  // authenticate(), then checks `action` on namespace `ns` (ignored for kRead and kAdmin).
  // kUnauthenticated as above; kPermissionDenied "this token may not publish to namespace
  // \"demo\"; ask an admin for a token scoped to it" when the scope does not cover it.
  Result<Principal> authorize(std::string_view token, Action action, std::string_view ns) const;

 private:
  store::TokenStore& tokens_;
};

// Whether `principal` may do `action` in `ns` (no I/O). Exposed for tests and handlers that
// already authenticated.
bool allows(const Principal& principal, Action action, std::string_view ns);
// allows() as an Error: kPermissionDenied with Authorizer::authorize()'s message when it does not.
Result<void> check_allowed(const Principal& principal, Action action, std::string_view ns);

}  // namespace wreg::auth
