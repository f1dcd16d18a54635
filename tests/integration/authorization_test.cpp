// Who may write where, against the real wreg-server (127.0.0.1, port 0, temp data dir) with
// tokens made by the real admin commands: namespace scopes hold for publish, yank and unyank;
// a revoked token is refused on the very next request, with the server still running; what only
// an admin may do (make namespaces, manage tokens) cannot be done over HTTP with any token; and
// every malformed Authorization header gets a 401 that says what to send.
//
// Token checks and timing: server/auth hashes the presented token (SHA-256) and looks the hash
// up by index, then compares the stored hash in constant time. How much of a guess matches a
// real token therefore has no bearing on the work done: the guess's hash shares nothing with the
// real one. These tests check that structure (only hashes are stored; a near miss and a far miss
// get the same answer) rather than timing it; tests/reliability/load measures timings.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/hex.h"
#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/support/test_database.h"

namespace wreg::testing {
namespace {

using Json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

const std::filesystem::path kFixtures = WREG_TEST_FIXTURES;

Json json_of(const HttpResponse& response) {
  return Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
}

std::string code_of(const HttpResponse& response) {
  Json body = json_of(response);
  if (!body.is_object() || !body.contains("error") || !body["error"].contains("code")) return "";
  return body["error"]["code"];
}

std::string message_of(const HttpResponse& response) {
  Json body = json_of(response);
  if (!body.is_object() || !body.contains("error") || !body["error"].contains("message")) {
    return "";
  }
  return body["error"]["message"];
}

// Two namespaces, alpha and beta, a publish token for each, and an admin token. One release in
// each namespace to yank.
class AuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* ns : {"alpha", "beta"}) {
      auto created = run_server_command({"namespace", "create", "--data", data(), ns});
      ASSERT_EQ(created.exit_status, 0) << created.err;
    }
    alpha_ = create_token(data(), {"--namespace", "alpha"});
    beta_ = create_token(data(), {"--namespace", "beta"});
    admin_ = create_token(data(), {"--admin"});
    ASSERT_FALSE(alpha_.empty() || beta_.empty() || admin_.empty());
    server_ = std::make_unique<ServerProcess>(data(), std::vector<std::string>{"--threads", "2"});
    ASSERT_TRUE(server_->start()) << server_->log();
    component_ = file_bytes(kFixtures / "components/analytics-engine.wasm");
    ASSERT_EQ(publish("alpha:lib@1.0.0", "alpha 1", alpha_).status, 201);
    ASSERT_EQ(publish("beta:lib@1.0.0", "beta 1", beta_).status, 201);
  }

  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0) << server_->log();
    }
  }

  std::string data() const { return (dir_.path() / "data").string(); }
  std::uint16_t port() const { return server_->port(); }

  // "ns:name@version" -> "/api/v1/packages/ns/name/version".
  static std::string release_path(const std::string& id) {
    auto colon = id.find(':');
    auto at = id.find('@');
    return "/api/v1/packages/" + id.substr(0, colon) + "/" + id.substr(colon + 1, at - colon - 1) +
           "/" + id.substr(at + 1);
  }

  static Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  // Publishes the fixture component with `tag` in a custom section (distinct bytes per tag).
  HttpResponse publish(const std::string& id, const std::string& tag, const std::string& token) {
    return request(port(), "PUT", release_path(id), bearer(token),
                   with_custom_section(component_, tag));
  }
  HttpResponse publish_with(const std::string& id, const Headers& headers) {
    return request(port(), "PUT", release_path(id), headers,
                   with_custom_section(component_, id + " attempt"));
  }
  HttpResponse yank(const std::string& id, const std::string& token, bool undo = false) {
    return request(port(), "POST", release_path(id) + (undo ? "/unyank" : "/yank"), bearer(token));
  }
  std::string document(const std::string& ns, const std::string& name) {
    return request(port(), "GET", "/api/v1/packages/" + ns + "/" + name).body;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string alpha_, beta_, admin_;
  std::string component_;
};

TEST_F(AuthorizationTest, ATokenForOneNamespaceCannotPublishYankOrUnyankInAnother) {
  const std::string beta_before = document("beta", "lib");

  auto published = publish("beta:intruder@1.0.0", "intruder", alpha_);
  EXPECT_EQ(published.status, 403) << published.body;
  EXPECT_EQ(code_of(published), "permission_denied");
  EXPECT_NE(message_of(published).find("\"beta\""), std::string::npos) << published.body;
  auto new_version = publish("beta:lib@2.0.0", "beta 2 by alpha", alpha_);
  EXPECT_EQ(new_version.status, 403);
  auto same_version = publish("beta:lib@1.0.0", "beta 1", alpha_);  // even the same bytes
  EXPECT_EQ(same_version.status, 403);

  auto yanked = yank("beta:lib@1.0.0", alpha_);
  EXPECT_EQ(yanked.status, 403) << yanked.body;
  EXPECT_EQ(code_of(yanked), "permission_denied");
  auto unyanked = yank("beta:lib@1.0.0", alpha_, /*undo=*/true);
  EXPECT_EQ(unyanked.status, 403);

  // Beta's own token unyanks only after beta yanked: alpha cannot undo it either.
  ASSERT_EQ(yank("beta:lib@1.0.0", beta_).status, 200);
  EXPECT_EQ(yank("beta:lib@1.0.0", alpha_, true).status, 403);
  ASSERT_EQ(yank("beta:lib@1.0.0", beta_, true).status, 200);

  EXPECT_EQ(request(port(), "GET", "/api/v1/packages/beta/intruder").status, 404);
  Json after = Json::parse(document("beta", "lib"));
  ASSERT_EQ(after["versions"].size(), 1u);
  EXPECT_EQ(after["versions"][0]["yanked"], false);
  EXPECT_EQ(Json::parse(beta_before)["versions"][0]["digest"], after["versions"][0]["digest"]);

  // And the other way round, and in its own namespace alpha still may.
  EXPECT_EQ(publish("alpha:intruder@1.0.0", "the other way", beta_).status, 403);
  EXPECT_EQ(publish("alpha:lib@1.1.0", "alpha 1.1", alpha_).status, 201);
  EXPECT_EQ(yank("alpha:lib@1.1.0", alpha_).status, 200);
}

TEST_F(AuthorizationTest, ARevokedTokenIsRefusedOnTheNextRequestWithoutARestart) {
  auto made = run_server_command({"token", "create", "--data", data(), "--namespace", "alpha"});
  ASSERT_EQ(made.exit_status, 0) << made.err;
  std::string token = made.out.substr(0, made.out.find('\n'));
  std::smatch id;
  ASSERT_TRUE(std::regex_search(made.err, id, std::regex("created token ([0-9]+)"))) << made.err;

  // A token made while the server runs works at once, too.
  ASSERT_EQ(publish("alpha:revoked@1.0.0", "before revoke", token).status, 201);
  // A keep-alive connection that has already used the token.
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->send("POST " + release_path("alpha:revoked@1.0.0") +
                               "/yank HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                               "\r\nContent-Length: 0\r\n\r\n"));
  ASSERT_EQ(connection->read_response().status, 200);

  auto revoked = run_server_command({"token", "revoke", "--data", data(), id[1].str()});
  ASSERT_EQ(revoked.exit_status, 0) << revoked.err;

  // The next request on the same connection, and on new ones, is refused.
  ASSERT_TRUE(connection->send("POST " + release_path("alpha:revoked@1.0.0") +
                               "/unyank HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                               "\r\nContent-Length: 0\r\n\r\n"));
  auto same_connection = connection->read_response();
  EXPECT_EQ(same_connection.status, 401) << same_connection.body;
  EXPECT_EQ(code_of(same_connection), "unauthenticated");
  auto again = publish("alpha:revoked@1.1.0", "after revoke", token);
  EXPECT_EQ(again.status, 401) << again.body;
  EXPECT_NE(again.header("www-authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(yank("alpha:revoked@1.0.0", token, true).status, 401);
  EXPECT_EQ(request(port(), "GET", "/api/v1/packages/alpha/revoked/1.1.0").status, 404);
  // The other tokens are untouched.
  EXPECT_EQ(yank("alpha:revoked@1.0.0", alpha_, true).status, 200);
}

TEST_F(AuthorizationTest, WhoamiSaysWhoseATokenIsWithoutItsSecret) {
  auto alpha = request(port(), "GET", "/api/v1/whoami", bearer(alpha_));
  ASSERT_EQ(alpha.status, 200) << alpha.body;
  EXPECT_EQ(alpha.body.find(alpha_), std::string::npos);
  Json answer = json_of(alpha);
  ASSERT_TRUE(answer.is_object()) << alpha.body;
  EXPECT_EQ(answer["admin"], false);
  EXPECT_EQ(answer["namespaces"], Json::array({"alpha"}));
  EXPECT_GT(answer["token_id"].get<std::int64_t>(), 0);

  auto admin = request(port(), "GET", "/api/v1/whoami", bearer(admin_));
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(json_of(admin)["admin"], true);
  EXPECT_NE(json_of(admin)["token_id"], answer["token_id"]);

  for (const Headers& headers : {Headers{}, bearer("wreg_" + std::string(64, '0'))}) {
    auto refused = request(port(), "GET", "/api/v1/whoami", headers);
    EXPECT_EQ(refused.status, 401) << refused.body;
    EXPECT_EQ(code_of(refused), "unauthenticated");
  }
}

TEST_F(AuthorizationTest, AdminOnlyActionsAreNotOpenToPublishTokens) {
  // Namespaces and tokens are managed only with `wreg-server namespace|token` on the data dir.
  // Over HTTP there is no route for them, whatever the token: nothing to escalate to.
  for (const auto& token : {alpha_, admin_}) {
    for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/api/v1/namespaces"},
             {"PUT", "/api/v1/namespaces/gamma"},
             {"POST", "/api/v1/tokens"},
             {"GET", "/api/v1/tokens"},
             {"DELETE", "/api/v1/tokens/1"},
             {"POST", "/api/v1/admin/namespaces/gamma"}}) {
      SCOPED_TRACE(method + " " + target);
      auto response = request(port(), method, target, bearer(token), "{\"name\":\"gamma\"}");
      EXPECT_EQ(response.status, 404) << response.body;
      EXPECT_EQ(code_of(response), "not_found");
    }
  }
  auto namespaces = run_server_command({"namespace", "list", "--data", data()});
  EXPECT_EQ(namespaces.out, "alpha\nbeta\n");

  // Creating a namespace by publishing into it: a publish token is refused for the scope (403),
  // and even an admin token cannot (404 naming the admin command).
  auto by_publisher = publish("gamma:lib@1.0.0", "gamma", alpha_);
  EXPECT_EQ(by_publisher.status, 403) << by_publisher.body;
  auto by_admin = publish("gamma:lib@1.0.0", "gamma", admin_);
  EXPECT_EQ(by_admin.status, 404) << by_admin.body;
  EXPECT_NE(message_of(by_admin).find("namespace create"), std::string::npos);
  EXPECT_EQ(run_server_command({"namespace", "list", "--data", data()}).out, "alpha\nbeta\n");

  // A token for a namespace that does not exist cannot be made, so no token reaches gamma.
  EXPECT_NE(
      run_server_command({"token", "create", "--data", data(), "--namespace", "gamma"}).exit_status,
      0);

  // An admin token does hold every namespace (the admin scope is the only one wider than a
  // namespace list).
  EXPECT_EQ(yank("beta:lib@1.0.0", admin_).status, 200);
  EXPECT_EQ(yank("beta:lib@1.0.0", admin_, true).status, 200);
  EXPECT_EQ(publish("alpha:by-admin@1.0.0", "admin", admin_).status, 201);
}

TEST_F(AuthorizationTest, MalformedAuthorizationHeadersAre401WithWhatToSend) {
  const std::string token = alpha_;
  std::string near_miss = token;
  near_miss.back() = near_miss.back() == '0' ? '1' : '0';
  std::string upper = token;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"", "an empty value"},
      {"   ", "only spaces"},
      {"Bearer", "the scheme alone"},
      {"Bearer ", "the scheme and a space"},
      {"Basic YWxwaGE6c2VjcmV0", "the Basic scheme"},
      {"Token " + token, "another scheme name"},
      {"Bearer" + token, "no space after the scheme"},
      {"Bearer\t" + token, "a tab after the scheme"},
      {token, "the token without a scheme"},
      {"Bearer " + token.substr(0, token.size() - 1), "the token less its last character"},
      {"Bearer " + token.substr(0, 20), "the first 20 characters of the token"},
      {"Bearer " + token + "0", "the token and one more character"},
      {"Bearer " + near_miss, "the token with its last character changed"},
      {"Bearer wreg_", "only the token prefix"},
      {"Bearer wreg_" + std::string(64, 'a'), "a well-formed token that was never made"},
      {"Bearer " + upper, "the token in uppercase"},
      {"Bearer " + token.substr(5), "the token without its wreg_ prefix"},
      {"Bearer wreg_\xc3\xa9" + token.substr(7), "a non-ASCII character in the token"},
      {"Bearer \xff\xfe", "raw bytes 0xff 0xfe"},
      {"Bearer " + token + ", Bearer " + token, "the token twice in one header"},
      {"Bearer " + token + " extra", "the token then more words"},
      {"Bearer \"" + token + "\"", "the token in quotes"},
  };
  for (const auto& [value, what] : headers) {
    SCOPED_TRACE(what);
    for (const char* action : {"publish", "yank"}) {
      SCOPED_TRACE(action);
      // Raw, so that the value goes out exactly as written.
      auto connection = Connection::open(port());
      ASSERT_TRUE(connection);
      std::string body = std::string(action) == std::string("publish")
                             ? with_custom_section(component_, what)
                             : std::string();
      std::string target = std::string(action) == std::string("publish")
                               ? release_path("alpha:malformed@1.0.0")
                               : release_path("alpha:lib@1.0.0") + "/yank";
      connection->send(std::string(action) == std::string("publish") ? "PUT " : "POST ");
      connection->send(target + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + value +
                       "\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\nConnection: close\r\n\r\n" + body);
      auto response = connection->read_response();
      EXPECT_EQ(response.status, 401) << response.body;
      EXPECT_EQ(code_of(response), "unauthenticated");
      EXPECT_EQ(response.header("www-authenticate"), "Bearer realm=\"wreg\"");
      std::string message = message_of(response);
      EXPECT_TRUE(message.find("Authorization: Bearer <token>") != std::string::npos ||
                  message.find("wreg-server token create") != std::string::npos)
          << message;
      EXPECT_EQ(message.find(token.substr(5)), std::string::npos) << "the message echoes a token";
    }
  }
  EXPECT_EQ(request(port(), "GET", "/api/v1/packages/alpha/malformed").status, 404);
  EXPECT_EQ(Json::parse(document("alpha", "lib"))["versions"][0]["yanked"], false);

  // The scheme is case-insensitive (RFC 9110 §11.1), and more than one space is allowed.
  EXPECT_EQ(publish_with("alpha:scheme@1.0.0", {{"Authorization", "bearer " + token}}).status, 201);
  EXPECT_EQ(publish_with("alpha:scheme@1.1.0", {{"Authorization", "BEARER   " + token}}).status,
            201);
}

std::string sha256_bytes(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

TEST_F(AuthorizationTest, OnlyTokenHashesAreStoredSoAGuessMatchesNothingPartially) {
  // The database holds the SHA-256 of each token and never its text (on PostgreSQL, read as
  // the text of its rows, where the hash is hex).
  std::string stored = stored_database(data());
  ASSERT_FALSE(stored.empty());
  for (const auto& token : {alpha_, beta_, admin_}) {
    EXPECT_EQ(stored.find(token.substr(5)), std::string::npos) << "a token's text is stored";
    const std::string hash = sha256_bytes(token);
    EXPECT_NE(stored.find(servers_use_postgres() ? hex_encode(hash) : hash), std::string::npos)
        << "a token's hash is missing";
  }
  // A near miss (all but the last character right) and a far miss (nothing right) are the same
  // thing to the server: the same status and byte-identical answers, because either is hashed
  // and the hash is not there.
  std::string near_miss = alpha_;
  near_miss.back() = near_miss.back() == '0' ? '1' : '0';
  std::string far_miss = "wreg_" + std::string(64, alpha_[5] == '0' ? '1' : '0');
  auto near = publish("alpha:guess@1.0.0", "guess", near_miss);
  auto far = publish("alpha:guess@1.0.0", "guess", far_miss);
  auto malformed = publish("alpha:guess@1.0.0", "guess", alpha_.substr(0, 30));
  EXPECT_EQ(near.status, 401);
  EXPECT_EQ(near.body, far.body);
  EXPECT_EQ(near.body, malformed.body);
}

}  // namespace
}  // namespace wreg::testing
