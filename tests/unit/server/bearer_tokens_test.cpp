// The bearer tokens GET /v2/token issues (server/auth/bearer_tokens.h): their text round-trips,
// and anything else (truncated, garbage, another key, a flipped bit, expired, malformed claims
// under a valid signature, huge) is refused with kUnauthenticated; the signing key file is made
// once, mode 0600, and refused when damaged or readable by others.
#include "server/auth/bearer_tokens.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "common/hex.h"
#include "tests/support/temp_dir.h"

namespace wreg::auth {
namespace {

SigningKey key_of(std::uint8_t fill) {
  std::array<std::uint8_t, SigningKey::kBytes> bytes{};
  bytes.fill(fill);
  return SigningKey(bytes);
}

PackageName package(const char* text) { return *PackageName::parse(text); }

BearerClaims sample() {
  return BearerClaims{
      7,
      1000,
      1300,
      {Grant{package("toolsku:analytics"), true, true}, Grant{package("demo:lib"), true, false}}};
}

// A token whose claims text is `claims` as given, signed with `key`: what only a holder of the
// key could make, to show the parser is strict even behind a valid signature.
std::string signed_text(std::string_view claims, const SigningKey& key) {
  std::string token = std::string(kBearerPrefix) + hex_encode(claims);
  return token + "." + hex_encode(key.sign(token));
}

TEST(BearerTokenTest, IssuedTokenVerifiesToItsClaimsUntilItExpires) {
  const SigningKey key = key_of(1);
  const std::string token = issue_bearer_token(sample(), key);
  EXPECT_TRUE(is_bearer_token(token));
  auto claims = verify_bearer_token(token, key, 1299);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(*claims, sample());
  ASSERT_NE(claims->grant_of(package("demo:lib")), nullptr);
  EXPECT_FALSE(claims->grant_of(package("demo:lib"))->push);
  EXPECT_EQ(claims->grant_of(package("demo:other")), nullptr);

  auto expired = verify_bearer_token(token, key, 1300);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  EXPECT_EQ(expired.error().message.find(token), std::string::npos) << "no token in a message";
}

TEST(BearerTokenTest, AnonymousTokenWithoutGrantsRoundTrips) {
  const SigningKey key = key_of(1);
  const BearerClaims anonymous{0, 5, 305, {}};
  auto claims = verify_bearer_token(issue_bearer_token(anonymous, key), key, 10);
  ASSERT_TRUE(claims);
  EXPECT_EQ(*claims, anonymous);
}

TEST(BearerTokenTest, EveryTruncationAndEveryFlippedCharacterIsRefused) {
  const SigningKey key = key_of(1);
  const std::string token = issue_bearer_token(sample(), key);
  for (std::size_t size = 0; size < token.size(); ++size) {
    auto refused = verify_bearer_token(token.substr(0, size), key, 1000);
    ASSERT_FALSE(refused) << size;
    EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  }
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = changed[i] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(verify_bearer_token(changed, key, 1000)) << i;
  }
}

TEST(BearerTokenTest, AnotherKeysTokenAndGarbageAreRefused) {
  const SigningKey key = key_of(1);
  EXPECT_FALSE(verify_bearer_token(issue_bearer_token(sample(), key_of(2)), key, 1000));
  for (const std::string& garbage :
       {std::string(), std::string("wregb1."), std::string("wregb1.."), std::string("wregb1.zz.zz"),
        std::string("wregb2.") + hex_encode(std::string_view("7 1000 1300")) + "." +
            std::string(64, '0'),
        std::string("wreg_") + std::string(64, '0'), std::string("wregb1.\0\n", 9),
        std::string(kMaxBearerTokenLength + 1, 'a'),
        std::string(kBearerPrefix) + std::string(1 << 20, '0') + "." + std::string(64, '0')}) {
    auto refused = verify_bearer_token(garbage, key, 1000);
    ASSERT_FALSE(refused) << garbage.substr(0, 40);
    EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  }
  // Uppercase hex spells the same bytes, but is not the token that was issued.
  std::string token = issue_bearer_token(sample(), key);
  for (char& c : token) c = (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c;
  EXPECT_FALSE(verify_bearer_token("wregb1." + token.substr(7), key, 1000));
}

TEST(BearerTokenTest, MalformedClaimsAreRefusedEvenWhenSigned) {
  const SigningKey key = key_of(1);
  ASSERT_TRUE(verify_bearer_token(signed_text("7 1000 1300 demo:lib=pull", key), key, 1000));
  std::string too_many = "7 1000 1300";
  for (std::size_t i = 0; i <= kMaxGrants; ++i)
    too_many += " demo:p" + std::to_string(i) + "a=pull";
  for (const std::string& claims :
       {std::string(""), std::string("7 1000"), std::string("07 1000 1300"),
        std::string("7 1000 1000"), std::string("7 1300 1000"), std::string("-7 1000 1300"),
        std::string("7  1000 1300"), std::string("7 1000 1300 "), std::string("7 1000 +1300"),
        std::string("7 1000 99999999999999999999"), std::string("7 1000 1300 demo:lib"),
        std::string("7 1000 1300 demo:lib="), std::string("7 1000 1300 demo:lib=pull,push"),
        std::string("7 1000 1300 demo:lib=delete"), std::string("7 1000 1300 Demo:lib=pull"),
        std::string("7 1000 1300 demo/lib=pull"), std::string("7 1000 1300 demo:lib=pull\n"),
        std::string("7 1000 1300 demo:lib=pull demo:lib=push"), too_many}) {
    auto refused = verify_bearer_token(signed_text(claims, key), key, 1000);
    ASSERT_FALSE(refused) << claims;
    EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated) << claims;
  }
}

TEST(SigningKeyTest, IsMadeOnceWithMode0600AndReadAgain) {
  wreg::testing::TempDir dir;
  auto made = SigningKey::load_or_create(dir.path());
  ASSERT_TRUE(made) << made.error().message;
  struct stat info {};
  ASSERT_EQ(::stat((dir.path() / SigningKey::kFileName).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(info.st_size, static_cast<off_t>(SigningKey::kBytes));
  auto again = SigningKey::load_or_create(dir.path());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->sign("text"), made->sign("text")) << "the same key on the next start";
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++files;
  }
  EXPECT_EQ(files, 1u) << "no temp file left";
}

TEST(SigningKeyTest, DamagedOrExposedKeyFileIsRefusedWithWhatToDo) {
  wreg::testing::TempDir dir;
  const auto path = dir.path() / SigningKey::kFileName;
  { std::ofstream(path) << "short"; }
  ::chmod(path.c_str(), 0600);
  auto damaged = SigningKey::load_or_create(dir.path());
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().message.find("remove it"), std::string::npos)
      << damaged.error().message;

  { std::ofstream(path, std::ios::trunc) << std::string(SigningKey::kBytes, 'k'); }
  ::chmod(path.c_str(), 0644);
  auto exposed = SigningKey::load_or_create(dir.path());
  ASSERT_FALSE(exposed);
  EXPECT_NE(exposed.error().message.find("chmod 600"), std::string::npos)
      << exposed.error().message;
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(SigningKey::load_or_create(dir.path()));
}

}  // namespace
}  // namespace wreg::auth
