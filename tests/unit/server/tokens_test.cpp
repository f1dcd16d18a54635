#include "server/auth/tokens.h"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <iterator>
#include <set>

#include "tests/support/temp_dir.h"
#include "tests/unit/server/sqlite_stores.h"

namespace wreg::auth {
namespace {

class TokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.log = [this](std::string_view line) { log_.emplace_back(line); };
    auto opened = testing::open_sqlite_stores(dir_ / "wreg.db", options);
    ASSERT_TRUE(opened) << opened.error().message;
    stores_ = std::move(*opened);
    store_ = stores_.tokens.get();
    ASSERT_TRUE(stores_.metadata->create_namespace("demo"));
    ASSERT_TRUE(stores_.metadata->create_namespace("other"));
  }

  testing::TempDir dir_;
  testing::SqliteStores stores_;
  store::SqliteTokenStore* store_ = nullptr;
  std::vector<std::string> log_;
};

TEST_F(TokensTest, TokenIsPrefixedHexOf32RandomBytesAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto token = create_token(*store_, TokenScopes{false, {"demo"}, ""});
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_TRUE(token->secret.starts_with("wreg_"));
    EXPECT_EQ(token->secret.size(), 5u + 64u);
    EXPECT_TRUE(seen.insert(token->secret).second);
  }
}

TEST_F(TokensTest, OnlyTheHashIsStored) {
  auto token = create_token(*store_, TokenScopes{true, {}, ""});
  ASSERT_TRUE(token);
  stores_ = {};  // closing checkpoints the WAL into wreg.db
  std::ifstream in(dir_ / "wreg.db", std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), {});
  const Digest hash = hash_token(token->secret);
  EXPECT_NE(content.find(std::string(hash.bytes().begin(), hash.bytes().end())), std::string::npos)
      << "the hash is stored";
  // The secret itself appears nowhere in the database.
  EXPECT_EQ(content.find(token->secret.substr(5)), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "wreg.db-wal"));
}

TEST_F(TokensTest, ScopesDecidePublishAndYank) {
  Authorizer authorizer(*store_);
  auto publisher = create_token(*store_, TokenScopes{false, {"demo"}, ""});
  auto admin = create_token(*store_, TokenScopes{true, {}, ""});
  ASSERT_TRUE(publisher && admin);

  EXPECT_TRUE(authorizer.authorize(publisher->secret, Action::kPublish, "demo"));
  EXPECT_TRUE(authorizer.authorize(publisher->secret, Action::kYank, "demo"));
  EXPECT_TRUE(authorizer.authorize(publisher->secret, Action::kRead, ""));
  auto denied = authorizer.authorize(publisher->secret, Action::kPublish, "other");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(denied.error().message.find("\"other\""), std::string::npos);
  EXPECT_EQ(denied.error().message.find(publisher->secret), std::string::npos);
  EXPECT_EQ(authorizer.authorize(publisher->secret, Action::kAdmin, "").error().code,
            ErrorCode::kPermissionDenied);

  EXPECT_TRUE(authorizer.authorize(admin->secret, Action::kPublish, "other"));
  EXPECT_TRUE(authorizer.authorize(admin->secret, Action::kAdmin, ""));
}

TEST_F(TokensTest, UnknownMalformedAndEmptyTokensAreUnauthenticated) {
  Authorizer authorizer(*store_);
  auto token = create_token(*store_, TokenScopes{false, {"demo"}, ""});
  ASSERT_TRUE(token);
  std::string flipped = token->secret;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  for (const std::string& bad :
       {std::string(), std::string("wreg_"), std::string("Bearer x"), flipped, token->secret + "0",
        std::string("wreg_") + std::string(64, 'G')}) {
    auto result = authorizer.authenticate(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
  }
}

// The store's side of tokens (scopes, listing, revoking) is in the conformance suite
// (metadata_store_conformance.cpp); these are the rules auth adds on top.
TEST_F(TokensTest, RevokedTokenIsUnauthenticated) {
  Authorizer authorizer(*store_);
  auto token = create_token(*store_, TokenScopes{false, {"demo", "other"}, "ci"});
  ASSERT_TRUE(token);
  ASSERT_TRUE(authorizer.authenticate(token->secret));
  ASSERT_TRUE(store_->revoke_token(token->id));
  EXPECT_EQ(authorizer.authenticate(token->secret).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(TokensTest, ScopeMustBeGivenAndNameValidNamespaces) {
  EXPECT_EQ(create_token(*store_, {}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(create_token(*store_, TokenScopes{false, {"Not Valid"}, ""}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(store_->list_tokens()->empty()) << "nothing stored for a refused token";
}

TEST_F(TokensTest, LogNeverHoldsATokenSecret) {
  Authorizer authorizer(*store_);
  auto token = create_token(*store_, TokenScopes{false, {"demo"}, ""});
  ASSERT_TRUE(token);
  (void)authorizer.authorize(token->secret, Action::kPublish, "other");
  for (const std::string& line : log_) {
    EXPECT_EQ(line.find(token->secret.substr(5)), std::string::npos) << line;
  }
}

TEST(BearerTokenTest, ParsesTheAuthorizationHeader) {
  EXPECT_EQ(*bearer_token("Bearer wreg_abc"), "wreg_abc");
  EXPECT_EQ(*bearer_token("bearer   wreg_abc  "), "wreg_abc");
  for (const char* bad : {"", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearerwreg_abc"}) {
    auto result = bearer_token(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
  }
}

TEST(DigestCompareTest, ConstantTimeEqualityIsExact) {
  const Digest a = hash_token("wreg_a");
  const Digest b = hash_token("wreg_b");
  EXPECT_TRUE(a == hash_token("wreg_a"));
  EXPECT_FALSE(a == b);
  std::array<std::uint8_t, 32> last_differs = a.bytes();
  last_differs[31] ^= 1;
  EXPECT_FALSE(constant_time_equal(a.bytes(), last_differs));
  EXPECT_FALSE(constant_time_equal(a.bytes(), std::span(last_differs).first(31)));
}

TEST(AllowsTest, ScopeTable) {
  const Principal publisher{1, false, {"demo"}};
  const Principal admin{2, true, {}};
  struct Case {
    const Principal* who;
    Action action;
    const char* ns;
    bool allowed;
  };
  const Case cases[] = {
      {&publisher, Action::kRead, "anything", true},
      {&publisher, Action::kPublish, "demo", true},
      {&publisher, Action::kPublish, "demox", false},
      {&publisher, Action::kYank, "other", false},
      {&publisher, Action::kAdmin, "", false},
      {&admin, Action::kPublish, "other", true},
      {&admin, Action::kAdmin, "", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(allows(*c.who, c.action, c.ns), c.allowed)
        << c.ns << " " << static_cast<int>(c.action);
  }
}

}  // namespace
}  // namespace wreg::auth
