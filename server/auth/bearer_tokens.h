// Short-lived bearer tokens: what GET /v2/token (server/oci/credentials.h) trades a wreg token
// for, as Docker's token protocol expects. One names the wreg token it was issued for by id, the
// repositories and actions it grants, and when it expires; the server signs it with a key of
// its data dir, so it needs no storage, and checks the wreg token is still live at every request,
// so revoking a wreg token refuses its bearer tokens at once.
//
// Text, all lowercase hex after the prefix (an RFC 6750 b64token, safe in any header):
//   wregb1.<hex of the claims>.<hex of HMAC-SHA256(key, "wregb1.<hex of the claims>")>
// Claims, ASCII, fields separated by one space, numbers in decimal without leading zeros:
//   <token id> <issued at> <expires at>[ <ns>:<name>=<actions>]...
// where the times are Unix seconds, actions is `pull`, `push` or `push,pull`, at most kMaxGrants
// grants, and token id 0 is the anonymous caller (reads while they are open, nothing else). A
// new version of the format takes a new prefix (`wregb2.`); readers refuse prefixes they do not
// know.
//
// The key: 32 bytes from RAND_bytes in <data dir>/token-signing.key, mode 0600, made by the first
// server to start on the data dir and read by every later one. Losing it only ends the bearer
// tokens in flight (clients fetch new ones).
//
// Never log a bearer token or put one in an Error: it is a credential until it expires.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/package_name.h"
#include "common/result.h"

namespace wreg::auth {

inline constexpr std::string_view kBearerPrefix = "wregb1.";
// Longest bearer token text read; a longer one is refused before it is hashed.
inline constexpr std::size_t kMaxBearerTokenLength = 4096;
inline constexpr std::size_t kMaxGrants = 16;
inline constexpr std::int64_t kBearerLifetimeSeconds = 300;

// The HMAC key of a data dir's bearer tokens. Holds a secret: never log it.
class SigningKey {
 public:
  static constexpr std::size_t kBytes = 32;
  static constexpr std::string_view kFileName = "token-signing.key";

  // Reads <dir>/token-signing.key; when it is absent, makes one with RAND_bytes and writes it
  // atomically with mode 0600 (written to a temp file, fsynced, then linked into place, so two
  // servers starting at once agree on one key). kInvalidArgument when the file is not a regular
  // file of exactly 32 bytes or others may read it (saying how to fix it); kIo, kInternal
  // otherwise. The messages name the file.
  static Result<SigningKey> load_or_create(const std::filesystem::path& dir);

  explicit SigningKey(const std::array<std::uint8_t, kBytes>& bytes) : bytes_(bytes) {}
  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();

  // HMAC-SHA256 of `text` with this key.
  std::array<std::uint8_t, 32> sign(std::string_view text) const;

 private:
  std::array<std::uint8_t, kBytes> bytes_;
};

// What a bearer token lets its holder do in one repository.
struct Grant {
  PackageName package;
  bool pull = false;
  bool push = false;
  bool operator==(const Grant&) const = default;
};

struct BearerClaims {
  std::int64_t token_id = 0;  // 0: anonymous
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::vector<Grant> grants;  // at most kMaxGrants, each with pull or push
  bool operator==(const BearerClaims&) const = default;

  // The grant of `package`, or null.
  const Grant* grant_of(const PackageName& package) const;
};

// The token text for `claims`, signed with `key`. The caller keeps the claims in the grammar
// above (ids and times not negative, expires_at after issued_at, at most kMaxGrants grants with
// an action each, no package twice).
std::string issue_bearer_token(const BearerClaims& claims, const SigningKey& key);

// Whether `text` is meant as a bearer token (has the prefix), rather than a wreg token.
bool is_bearer_token(std::string_view text);

// The claims of a token issue_bearer_token() made with `key`, when it has not expired at `now`
// (Unix seconds). kUnauthenticated otherwise, with a one-line message saying what to do: one
// message for anything malformed, forged or signed with another key, another for an expired
// token. Reads at most kMaxBearerTokenLength characters of `text`, compares the signature in
// constant time before it parses the claims, and parses them strictly all the same.
Result<BearerClaims> verify_bearer_token(std::string_view text, const SigningKey& key,
                                         std::int64_t now);

}  // namespace wreg::auth
