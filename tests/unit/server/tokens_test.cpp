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

// A TokenStore that counts the last-use writes it passes on.
class CountingTokenStore final : public store::TokenStore {
 public:
  explicit CountingTokenStore(store::TokenStore& inner) : inner_(inner) {}
  Result<std::int64_t> add_token(const Digest& hash, bool admin,
                                 const std::vector<std::string>& namespaces,
                                 const std::string& note,
                                 std::optional<std::chrono::sys_seconds> expires) override {
    return inner_.add_token(hash, admin, namespaces, note, expires);
  }
  Result<std::optional<store::TokenRecord>> find_token(const Digest& hash) override {
    return inner_.find_token(hash);
  }
  Result<std::optional<store::TokenRecord>> find_live_token(std::int64_t id) override {
    return inner_.find_live_token(id);
  }
  Result<std::vector<store::TokenRecord>> list_tokens() override { return inner_.list_tokens(); }
  Result<void> revoke_token(std::int64_t id) override { return inner_.revoke_token(id); }
  Result<void> record_token_use(std::int64_t id, std::chrono::sys_seconds when) override {
    ++writes;
    return inner_.record_token_use(id, when);
  }
  int writes = 0;

 private:
  store::TokenStore& inner_;
};

// An Authorizer on a clock the test moves, collecting what it notes.
class TokenLifecycleTest : public TokensTest {
 protected:
  static constexpr std::chrono::sys_seconds kStart{std::chrono::seconds(1'800'000'000)};

  AuthorizerOptions options() {
    AuthorizerOptions options;
    options.now = [this] { return std::chrono::system_clock::time_point(now_); };
    options.note = [this](std::string_view line) { notes_.emplace_back(line); };
    return options;
  }
  std::optional<std::chrono::sys_seconds> last_used(std::int64_t id) {
    const std::vector<store::TokenRecord> records = store_->list_tokens().value();
    for (const store::TokenRecord& record : records) {
      if (record.id == id) return record.last_used;
    }
    return std::nullopt;
  }

  std::chrono::sys_seconds now_ = kStart;
  std::vector<std::string> notes_;
};

TEST_F(TokenLifecycleTest, AnExpiredTokenIsRefusedSayingItExpiredAndWhatToDo) {
  using namespace std::chrono;
  const sys_seconds expires = kStart + hours(1);
  auto token = create_token(*store_, TokenScopes{false, {"demo"}, "", expires});
  ASSERT_TRUE(token) << token.error().message;
  Authorizer authorizer(*store_, options());

  now_ = expires - seconds(1);
  auto principal = authorizer.authenticate(token->secret);
  ASSERT_TRUE(principal) << principal.error().message;
  EXPECT_EQ(principal->expires, expires) << "a bearer token bought with it is capped by this";
  ASSERT_TRUE(authorizer.principal_of(token->id));

  now_ = expires;
  for (auto refused : {authorizer.authenticate(token->secret), authorizer.principal_of(token->id),
                       authorizer.authorize(token->secret, Action::kPublish, "demo")}) {
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(refused.error().message,
              "this token expired at 2027-01-15T09:00:00Z; ask an admin for a new one with "
              "`wreg-server token create`");
  }
  // Revoked beats expired: nothing says a revoked token once existed.
  ASSERT_TRUE(store_->revoke_token(token->id));
  EXPECT_EQ(authorizer.authenticate(token->secret).error().message.find("expired"),
            std::string::npos);
}

TEST_F(TokenLifecycleTest, ATokenWithoutExpiryNeverExpires) {
  auto token = create_token(*store_, TokenScopes{true, {}, ""});
  ASSERT_TRUE(token);
  Authorizer authorizer(*store_, options());
  now_ = kStart + std::chrono::years(200);
  auto principal = authorizer.authenticate(token->secret);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->expires, std::nullopt);
  EXPECT_TRUE(notes_.empty()) << notes_.front();
}

TEST_F(TokenLifecycleTest, TheLastUseIsWrittenAtMostOnceAMinutePerToken) {
  using namespace std::chrono;
  CountingTokenStore counting(*store_);
  auto one = create_token(counting, TokenScopes{false, {"demo"}, ""});
  auto two = create_token(counting, TokenScopes{false, {"other"}, ""});
  ASSERT_TRUE(one && two);
  Authorizer authorizer(counting, options());
  EXPECT_EQ(last_used(one->id), std::nullopt);

  for (int i = 0; i < 100; ++i) ASSERT_TRUE(authorizer.authenticate(one->secret));
  EXPECT_EQ(counting.writes, 1);
  EXPECT_EQ(last_used(one->id), kStart);
  EXPECT_EQ(last_used(two->id), std::nullopt);

  now_ = kStart + seconds(59);
  ASSERT_TRUE(authorizer.authenticate(one->secret));
  ASSERT_TRUE(authorizer.principal_of(one->id));
  EXPECT_EQ(counting.writes, 1) << "within the minute, nothing is written";
  ASSERT_TRUE(authorizer.principal_of(two->id));
  EXPECT_EQ(counting.writes, 2) << "each token has its own minute";
  EXPECT_EQ(last_used(two->id), kStart + seconds(59));

  now_ = kStart + seconds(60);
  ASSERT_TRUE(authorizer.authenticate(one->secret));
  EXPECT_EQ(counting.writes, 3);
  EXPECT_EQ(last_used(one->id), kStart + seconds(60));
  // A refused token is no use.
  EXPECT_FALSE(authorizer.authenticate("wreg_" + std::string(64, '0')));
  EXPECT_EQ(counting.writes, 3);
}

TEST_F(TokenLifecycleTest, ATokenInItsLastWeekWarnsOnceADay) {
  using namespace std::chrono;
  const sys_seconds expires = kStart + days(10);
  auto token = create_token(*store_, TokenScopes{false, {"demo"}, "", expires});
  ASSERT_TRUE(token);
  Authorizer authorizer(*store_, options());

  ASSERT_TRUE(authorizer.authenticate(token->secret));
  EXPECT_TRUE(notes_.empty()) << "ten days left: " << notes_.front();
  now_ = expires - days(7) - seconds(1);
  ASSERT_TRUE(authorizer.authenticate(token->secret));
  EXPECT_TRUE(notes_.empty()) << "a second more than a week left: " << notes_.front();

  now_ = expires - days(7);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(authorizer.authenticate(token->secret));
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_EQ(notes_[0], "token " + std::to_string(token->id) +
                           " expires at 2027-01-25T08:00:00Z, in 7 days, and is still in use; "
                           "give its holder a new one (`wreg-server token create`) before then");
  now_ += hours(23);
  ASSERT_TRUE(authorizer.principal_of(token->id));
  EXPECT_EQ(notes_.size(), 1u) << "once a day";
  now_ += hours(1);
  ASSERT_TRUE(authorizer.principal_of(token->id));
  ASSERT_EQ(notes_.size(), 2u);
  EXPECT_NE(notes_[1].find("in 6 days"), std::string::npos) << notes_[1];
  now_ = expires - minutes(30) - days(1);
  ASSERT_TRUE(authorizer.authenticate(token->secret));
  now_ = expires - minutes(30);
  ASSERT_TRUE(authorizer.authenticate(token->secret));
  EXPECT_NE(notes_.back().find("in 30 minutes"), std::string::npos) << notes_.back();
  for (const std::string& note : notes_) {
    EXPECT_EQ(note.find(token->secret.substr(5)), std::string::npos) << note;
  }

  // A new process (a restart, another replica) warns again at once.
  Authorizer restarted(*store_, options());
  ASSERT_TRUE(restarted.authenticate(token->secret));
  EXPECT_EQ(notes_.size(), 5u);
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
