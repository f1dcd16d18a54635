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
// Lifecycle: a token may have an expiry (`token create --expires 90d`); from that second on it is
// refused like a revoked one, with a message that says it expired. The Authorizer records when
// each token was last used (for `token list`) and warns in the server's log when a token in its
// last week is used. Both cost at most one small database write a minute per token and one log
// line a day per token, whatever the request rate: the Authorizer keeps what it last wrote and
// warned in memory. Several replicas each write at most that often; the store keeps the latest.
//
// Never log a token, put one in an Error, or keep one longer than a request.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
  // When the token stops being accepted; nullopt: never. Not checked against the clock here
  // (admin::parse_expiry() refuses a past time from an operator).
  std::optional<std::chrono::sys_seconds> expires = std::nullopt;
};

// Makes a token with OpenSSL's CSPRNG and stores its hash. kInvalidArgument when the scope is
// empty (neither admin nor any namespace); kNotFound for a namespace that was not created;
// kInternal when the random generator fails.
Result<NewToken> create_token(store::TokenStore& tokens, const TokenScopes& scopes);

// The SHA-256 of a token's text: what the store keeps.
Digest hash_token(std::string_view secret);

// The kUnauthenticated message for a token that expired at `expires`: "this token expired at
// 2027-01-15T08:00:00Z; ask an admin for a new one with `wreg-server token create`".
std::string expired_token_message(std::chrono::sys_seconds expires);

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
  // When the token expires (nullopt: never): a credential derived from it (a bearer token) must
  // not outlive it.
  std::optional<std::chrono::sys_seconds> expires = std::nullopt;
};

// A token in its last week is used: its warning names it and its expiry.
inline constexpr std::chrono::hours kExpiryWarningWindow{24 * 7};
// How often the Authorizer stores a token's last use, and warns of its expiry, at most.
inline constexpr std::chrono::seconds kLastUsedInterval{60};
inline constexpr std::chrono::hours kExpiryWarningInterval{24};

struct AuthorizerOptions {
  // The clock that decides expiry and the last-used times.
  std::function<std::chrono::system_clock::time_point()> now = &std::chrono::system_clock::now;
  // Where the expiry warnings and failures to record a use go (the server's log); null: nowhere.
  // Called without locks held, from request threads.
  std::function<void(std::string_view)> note;
};

// Checks tokens against a TokenStore. Thread-safe (the store is, and the use records are guarded
// by a mutex); holds no secrets.
class Authorizer {
 public:
  // `tokens` must outlive the Authorizer.
  explicit Authorizer(store::TokenStore& tokens, AuthorizerOptions options = {});

  // The principal of a presented token (the text after "Bearer "). kUnauthenticated when it is
  // empty, malformed, unknown or revoked (one message for all: "invalid or revoked token; ask
  // an admin for a new one with `wreg-server token create`"), or when it has expired ("this
  // token expired at <time>; ask an admin ..."); the store's errors otherwise. A token accepted
  // is a use (see the top of this file).
  Result<Principal> authenticate(std::string_view token) const;

  // The principal of the live token with id `token_id`, for a credential that names its token
  // by id (a bearer token, bearer_tokens.h): so revoking a token, or its expiry, refuses its
  // bearer tokens at their next request. kUnauthenticated with authenticate()'s messages when it
  // is unknown, revoked or expired; the store's errors otherwise. A use, as authenticate().
  Result<Principal> principal_of(std::int64_t token_id) const;

  // authenticate(), then checks `action` on namespace `ns` (ignored for kRead and kAdmin).
  // kUnauthenticated as above; kPermissionDenied "this token may not publish to namespace
  // \"demo\"; ask an admin for a token scoped to it" when the scope does not cover it.
  Result<Principal> authorize(std::string_view token, Action action, std::string_view ns) const;

 private:
  // The principal of a found token: kUnauthenticated when it has expired; else records the use.
  Result<Principal> accept(store::TokenRecord record) const;

  struct Use {
    std::optional<std::chrono::sys_seconds> recorded;  // the last use written to the store
    std::optional<std::chrono::sys_seconds> warned;    // the last expiry warning
  };

  store::TokenStore& tokens_;
  AuthorizerOptions options_;
  // unique_ptr: the Authorizer is used through const references, and its use records change.
  struct Uses {
    std::mutex mutex;
    std::unordered_map<std::int64_t, Use> by_token;  // guarded by mutex
  };
  std::unique_ptr<Uses> uses_ = std::make_unique<Uses>();
};

// Whether `principal` may do `action` in `ns` (no I/O). Exposed for tests and handlers that
// already authenticated.
bool allows(const Principal& principal, Action action, std::string_view ns);
// allows() as an Error: kPermissionDenied with Authorizer::authorize()'s message when it does not.
Result<void> check_allowed(const Principal& principal, Action action, std::string_view ns);

}  // namespace wreg::auth
