#include "server/auth/bearer_tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "common/digest.h"
#include "common/hex.h"
#include "common/text.h"
#include "server/store/secret_file.h"
#include "server/store/try.h"

namespace wreg::auth {

namespace {

constexpr const char* kNotIssuedHere =
    "this bearer token was not issued by this registry or is damaged; fetch a new one from "
    "GET /v2/token with any user name and a wreg token as the password";
constexpr const char* kExpired =
    "this bearer token has expired; fetch a new one from GET /v2/token (container clients do "
    "when they log in again)";

// Decimal without leading zeros, up to the largest int64.
std::optional<std::int64_t> read_number(std::string_view text) {
  std::uint64_t value = 0;
  if ((text.size() > 1 && text.front() == '0') || !parse_decimal(text, value) ||
      value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(value);
}

std::optional<Grant> read_grant(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos) return std::nullopt;
  auto package = PackageName::parse(text.substr(0, equals));
  if (!package) return std::nullopt;
  const std::string_view actions = text.substr(equals + 1);
  Grant grant{std::move(*package)};
  if (actions == "pull") {
    grant.pull = true;
  } else if (actions == "push") {
    grant.push = true;
  } else if (actions == "push,pull") {
    grant.pull = grant.push = true;
  } else {
    return std::nullopt;
  }
  return grant;
}

std::optional<BearerClaims> read_claims(std::string_view text) {
  const std::vector<std::string_view> fields = split(text, ' ');
  if (fields.size() < 3 || fields.size() > 3 + kMaxGrants) return std::nullopt;
  auto id = read_number(fields[0]);
  auto issued = read_number(fields[1]);
  auto expires = read_number(fields[2]);
  if (!id || !issued || !expires || *expires <= *issued) return std::nullopt;
  BearerClaims claims{*id, *issued, *expires, {}};
  for (std::size_t i = 3; i < fields.size(); ++i) {
    auto grant = read_grant(fields[i]);
    if (!grant || claims.grant_of(grant->package)) return std::nullopt;
    claims.grants.push_back(std::move(*grant));
  }
  return claims;
}

}  // namespace

SigningKey::~SigningKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Result<SigningKey> SigningKey::load_or_create(const std::filesystem::path& dir) {
  static constexpr std::string_view kWhat = "the token signing key";
  const std::filesystem::path path = dir / kFileName;
  // Twice at most: a key made here, or by a server starting at the same moment, is read back.
  for (int attempt = 0; attempt < 2; ++attempt) {
    WREG_TRY(stored, store::read_secret_file(path, kWhat, kBytes + 1));
    if (*stored) {
      std::string& bytes = **stored;
      if (bytes.size() != kBytes) {
        OPENSSL_cleanse(bytes.data(), bytes.size());
        return fail(ErrorCode::kInvalidArgument,
                    "the token signing key " + wreg::quoted(path.string()) + " is not a file of " +
                        std::to_string(kBytes) +
                        " bytes; remove it and start the server again to make a new one (bearer "
                        "tokens in flight end)");
      }
      std::array<std::uint8_t, kBytes> key_bytes{};
      std::memcpy(key_bytes.data(), bytes.data(), kBytes);
      OPENSSL_cleanse(bytes.data(), bytes.size());
      SigningKey key(key_bytes);
      OPENSSL_cleanse(key_bytes.data(), key_bytes.size());
      return key;
    }
    std::string fresh(kBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.data()), static_cast<int>(kBytes)) != 1) {
      return fail(ErrorCode::kInternal,
                  "the system random generator failed; no token signing key was made");
    }
    auto created = store::create_secret_file(path, kWhat, fresh);
    OPENSSL_cleanse(fresh.data(), fresh.size());
    if (!created) return std::move(created).error();
  }
  return fail(ErrorCode::kIo, "the token signing key " + wreg::quoted(path.string()) +
                                  " was made but cannot be read back");
}

std::array<std::uint8_t, 32> SigningKey::sign(std::string_view text) const {
  std::array<std::uint8_t, 32> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), bytes_.data(), static_cast<int>(bytes_.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac.data(), &size);
  return mac;
}

const Grant* BearerClaims::grant_of(const PackageName& package) const {
  auto found = std::find_if(grants.begin(), grants.end(),
                            [&package](const Grant& grant) { return grant.package == package; });
  return found == grants.end() ? nullptr : &*found;
}

std::string issue_bearer_token(const BearerClaims& claims, const SigningKey& key) {
  std::string text = std::to_string(claims.token_id) + " " + std::to_string(claims.issued_at) +
                     " " + std::to_string(claims.expires_at);
  for (const Grant& grant : claims.grants) {
    text += " " + grant.package.to_string() + "=" +
            (grant.push && grant.pull ? "push,pull"
             : grant.push             ? "push"
                                      : "pull");
  }
  std::string token = std::string(kBearerPrefix) + hex_encode(text);
  const auto mac = key.sign(token);
  return token + "." + hex_encode(mac);
}

bool is_bearer_token(std::string_view text) { return text.starts_with(kBearerPrefix); }

Result<BearerClaims> verify_bearer_token(std::string_view text, const SigningKey& key,
                                         std::int64_t now) {
  const Error forged = fail(ErrorCode::kUnauthenticated, kNotIssuedHere);
  if (text.size() > kMaxBearerTokenLength || !is_bearer_token(text)) return forged;
  const auto dot = text.rfind('.');
  if (dot < kBearerPrefix.size()) return forged;
  const std::string_view signed_part = text.substr(0, dot);
  auto mac = hex_decode(text.substr(dot + 1));
  if (!mac || mac->size() != 32) return forged;
  const auto expected = key.sign(signed_part);
  if (CRYPTO_memcmp(expected.data(), mac->data(), expected.size()) != 0) return forged;
  auto claims_text = hex_decode(signed_part.substr(kBearerPrefix.size()));
  if (!claims_text) return forged;
  auto claims = read_claims(*claims_text);
  if (!claims) return forged;
  if (now >= claims->expires_at) return fail(ErrorCode::kUnauthenticated, kExpired);
  return std::move(*claims);
}

}  // namespace wreg::auth
