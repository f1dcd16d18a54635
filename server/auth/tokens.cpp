#include "server/auth/tokens.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "common/hex.h"
#include "common/package_name.h"
#include "common/text.h"
#include "server/store/metadata_rows.h"

namespace wreg::auth {
namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr const char* kInvalidToken =
    "invalid or revoked token; ask an admin for a new one with `wreg-server token create`";

bool is_well_formed(std::string_view token) {
  if (token.size() != kTokenPrefix.size() + 2 * kSecretBytes || !token.starts_with(kTokenPrefix)) {
    return false;
  }
  return std::all_of(token.begin() + kTokenPrefix.size(), token.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

// `left` as the warning says it: "in 3 days", "in 5 hours", "in 12 minutes".
std::string time_left(std::chrono::seconds left) {
  using namespace std::chrono;
  auto say = [](std::int64_t count, const char* unit) {
    return "in " + std::to_string(count) + " " + unit + (count == 1 ? "" : "s");
  };
  if (left >= days(1)) return say(duration_cast<days>(left).count(), "day");
  if (left >= hours(1)) return say(duration_cast<hours>(left).count(), "hour");
  return say(std::max<std::int64_t>(1, duration_cast<minutes>(left).count()), "minute");
}

const char* verb(Action action) {
  switch (action) {
    case Action::kPublish:
      return "publish to";
    case Action::kYank:
      return "yank in";
    case Action::kRead:
      return "read";
    case Action::kAdmin:
      break;
  }
  return "administer";
}

}  // namespace

Digest hash_token(std::string_view secret) { return Digest::of(secret); }

std::string expired_token_message(std::chrono::sys_seconds expires) {
  return "this token expired at " + store::rfc3339(expires) +
         "; ask an admin for a new one with `wreg-server token create`";
}

Result<NewToken> create_token(store::TokenStore& tokens, const TokenScopes& scopes) {
  if (!scopes.admin && scopes.namespaces.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "a token needs a scope; pass --namespace NS (repeatable) or --admin");
  }
  for (const std::string& ns : scopes.namespaces) {
    if (auto valid = check_label(ns, "namespace"); !valid) return std::move(valid).error();
  }
  std::array<unsigned char, kSecretBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return fail(ErrorCode::kInternal, "the system random generator failed; no token was made");
  }
  NewToken token;
  token.secret.reserve(kTokenPrefix.size() + 2 * kSecretBytes);
  token.secret = kTokenPrefix;
  for (const unsigned char b : bytes) append_hex(token.secret, b);
  std::fill(bytes.begin(), bytes.end(), 0);
  auto id = tokens.add_token(hash_token(token.secret), scopes.admin, scopes.namespaces, scopes.note,
                             scopes.expires);
  if (!id) return std::move(id).error();
  token.id = *id;
  return token;
}

Result<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  const Error missing = fail(ErrorCode::kUnauthenticated,
                             "missing bearer token; send `Authorization: Bearer <token>`");
  if (authorization.size() <= kScheme.size() + 1 ||
      !iequals(authorization.substr(0, kScheme.size()), kScheme) ||
      authorization[kScheme.size()] != ' ') {
    return missing;
  }
  std::string_view token = authorization.substr(kScheme.size() + 1);
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  if (token.empty()) return missing;
  return token;
}

bool allows(const Principal& principal, Action action, std::string_view ns) {
  if (principal.admin) return true;
  switch (action) {
    case Action::kRead:
      return true;
    case Action::kAdmin:
      return false;
    case Action::kPublish:
    case Action::kYank:
      return std::find(principal.namespaces.begin(), principal.namespaces.end(), ns) !=
             principal.namespaces.end();
  }
  return false;
}

Authorizer::Authorizer(store::TokenStore& tokens, AuthorizerOptions options)
    : tokens_(tokens), options_(std::move(options)) {}

Result<Principal> Authorizer::authenticate(std::string_view token) const {
  // A malformed token is refused before any lookup; the message is the same as for an unknown
  // one, so it tells nothing about which tokens exist.
  if (!is_well_formed(token)) return fail(ErrorCode::kUnauthenticated, kInvalidToken);
  auto record = tokens_.find_token(hash_token(token));
  if (!record) return std::move(record).error();
  if (!*record) return fail(ErrorCode::kUnauthenticated, kInvalidToken);
  return accept(std::move(**record));
}

Result<Principal> Authorizer::accept(store::TokenRecord record) const {
  using namespace std::chrono;
  const sys_seconds now = floor<seconds>(options_.now());
  if (record.expires && now >= *record.expires) {
    return fail(ErrorCode::kUnauthenticated, expired_token_message(*record.expires));
  }
  bool write = false;
  bool warn = false;
  {
    std::lock_guard lock(uses_->mutex);
    Use& use = uses_->by_token[record.id];
    if (!use.recorded || now - *use.recorded >= kLastUsedInterval) {
      use.recorded = now;
      write = true;
    }
    if (record.expires && *record.expires - now <= kExpiryWarningWindow &&
        (!use.warned || now - *use.warned >= kExpiryWarningInterval)) {
      use.warned = now;
      warn = true;
    }
  }
  // A failed write costs the caller nothing: the token is valid; the next write is a minute on.
  if (write) {
    if (auto recorded = tokens_.record_token_use(record.id, now); !recorded && options_.note) {
      options_.note("could not record the use of token " + std::to_string(record.id) + ": " +
                    recorded.error().message);
    }
  }
  if (warn && options_.note) {
    options_.note("token " + std::to_string(record.id) + " expires at " +
                  store::rfc3339(*record.expires) + ", " + time_left(*record.expires - now) +
                  ", and is still in use; give its holder a new one "
                  "(`wreg-server token create`) before then");
  }
  return Principal{record.id, record.admin, std::move(record.namespaces), record.expires};
}

Result<void> check_allowed(const Principal& principal, Action action, std::string_view ns) {
  if (allows(principal, action, ns)) return {};
  if (action == Action::kAdmin) {
    return fail(ErrorCode::kPermissionDenied,
                "this token is not an admin token; ask an admin for one");
  }
  return fail(ErrorCode::kPermissionDenied, std::string("this token may not ") + verb(action) +
                                                " namespace " + wreg::quoted(ns) +
                                                "; ask an admin for a token scoped to it");
}

Result<Principal> Authorizer::principal_of(std::int64_t token_id) const {
  auto record = tokens_.find_live_token(token_id);
  if (!record) return std::move(record).error();
  if (!*record) return fail(ErrorCode::kUnauthenticated, kInvalidToken);
  return accept(std::move(**record));
}

Result<Principal> Authorizer::authorize(std::string_view token, Action action,
                                        std::string_view ns) const {
  auto principal = authenticate(token);
  if (!principal) return principal;
  if (auto allowed = check_allowed(*principal, action, ns); !allowed) {
    return std::move(allowed).error();
  }
  return principal;
}

}  // namespace wreg::auth
