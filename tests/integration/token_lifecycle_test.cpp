// A token's lifecycle against the real wreg-server (127.0.0.1, port 0, temp data dir), with tokens
// made by the real `wreg-server token create --expires`: an expired token is refused wherever a
// token is accepted (the wreg API, OCI Basic credentials, GET /v2/token, a bearer token bought
// before it expired), with a 401 that says it expired and what to do; a bearer token never
// outlives its wreg token; `token list` shows when each token was last used; and a token in its
// last week is named in the server's log once, however often it is used.
//
// The expired token is made with `--expires 1s` and waited for (polled, bounded), so that the
// path under test is the operator's own, on both engines.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/base64.h"
#include "tests/integration/http_client.h"
#include "tests/integration/oci_wire.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {
namespace {

using Json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
Headers basic(const std::string& token) {
  return {{"Authorization", "Basic " + base64_encode("anyone:" + token)}};
}

std::string wreg_message(const HttpResponse& response) {
  const Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("error") || !body["error"].contains("message")) return "";
  return body["error"]["message"];
}

struct MadeToken {
  std::string secret;
  std::string id;
};

class TokenLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = run_server_command({"namespace", "create", "--data", data(), "demo"});
    ASSERT_EQ(created.exit_status, 0) << created.err;
    server_ = std::make_unique<ServerProcess>(data(), std::vector<std::string>{"--threads", "2"});
    ASSERT_TRUE(server_->start()) << server_->log();
  }
  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0) << server_->log();
    }
  }

  // `token create --namespace demo extra...`: its secret and id ("created token N...").
  MadeToken make(std::vector<std::string> extra) {
    std::vector<std::string> args = {"token", "create", "--data", data(), "--namespace", "demo"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto made = run_server_command(args);
    EXPECT_EQ(made.exit_status, 0) << made.err;
    std::smatch id;
    EXPECT_TRUE(std::regex_search(made.err, id, std::regex("created token ([0-9]+)"))) << made.err;
    std::string secret = made.out;
    if (!secret.empty() && secret.back() == '\n') secret.pop_back();
    return {secret, id.size() > 1 ? id[1].str() : ""};
  }

  // The `token list` row of token `id`, split at tabs.
  std::vector<std::string> listed(const std::string& id) {
    auto list = run_server_command({"token", "list", "--data", data()});
    EXPECT_EQ(list.exit_status, 0) << list.err;
    std::istringstream lines(list.out);
    for (std::string line; std::getline(lines, line);) {
      std::vector<std::string> fields;
      std::istringstream row(line);
      for (std::string field; std::getline(row, field, '\t');) fields.push_back(field);
      if (!fields.empty() && fields[0] == id) return fields;
    }
    ADD_FAILURE() << "no token " << id << " in\n" << list.out;
    return {};
  }

  std::string data() const { return (dir_.path() / "data").string(); }
  std::uint16_t port() const { return server_->port(); }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(TokenLifecycleTest, AnExpiredTokenIsRefusedEverywhereSayingItExpiredAndWhatToDo) {
  // Bought while the token is live, a bearer token lasts no longer than it.
  const MadeToken token = make({"--expires", "3s"});
  const HttpResponse bought = request(port(), "GET", "/v2/token", basic(token.secret));
  ASSERT_EQ(bought.status, 200) << bought.body;
  const Json grant = Json::parse(bought.body);
  EXPECT_GE(grant["expires_in"].get<int>(), 1) << bought.body;
  EXPECT_LE(grant["expires_in"].get<int>(), 3) << "not the usual 300 s: " << bought.body;
  const std::string bearer_token = grant["token"];

  // Polled, bounded: expiry is the server's clock against the second `token create` wrote.
  HttpResponse whoami;
  for (int i = 0; i < 100; ++i) {
    whoami = request(port(), "GET", "/api/v1/whoami", bearer(token.secret));
    if (whoami.status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(whoami.status, 401) << whoami.body;
  const std::regex expired(
      "this token expired at [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z; ask an admin "
      "for a new one with `wreg-server token create`");
  EXPECT_TRUE(std::regex_match(wreg_message(whoami), expired)) << whoami.body;

  const HttpResponse publish = request(port(), "PUT", "/api/v1/packages/demo/lib/1.0.0",
                                       bearer(token.secret), "not even wasm");
  EXPECT_EQ(publish.status, 401);
  EXPECT_TRUE(std::regex_match(wreg_message(publish), expired)) << publish.body;

  for (const auto& [what, response] :
       {std::pair{"GET /v2/token with Basic",
                  request(port(), "GET", "/v2/token", basic(token.secret))},
        std::pair{"GET /v2/ with Basic", request(port(), "GET", "/v2/", basic(token.secret))},
        std::pair{"GET /v2/ with the wreg token as bearer",
                  request(port(), "GET", "/v2/", bearer(token.secret))},
        std::pair{"an upload with the bearer token bought before",
                  request(port(), "POST", "/v2/demo/lib/blobs/uploads/", bearer(bearer_token))}}) {
    EXPECT_EQ(response.status, 401) << what << ": " << response.body;
    EXPECT_EQ(response.headers.count("www-authenticate"), 1u) << what;
    const std::string message = oci_message(response);
    // The bearer token itself may have run out first; either way the client is told to renew.
    EXPECT_TRUE(std::regex_match(message, expired) || message.find("expired") != std::string::npos)
        << what << ": " << response.body;
  }

  EXPECT_EQ(listed(token.id).at(5), "expired");
  // Nothing in the log holds the secret.
  EXPECT_EQ(server_->log().find(token.secret.substr(5)), std::string::npos);
}

TEST_F(TokenLifecycleTest, TokenListShowsTheLastUseAfterAUse) {
  const MadeToken used = make({"--note", "ci"});
  const MadeToken idle = make({});
  std::vector<std::string> row = listed(used.id);
  ASSERT_EQ(row.size(), 7u);
  EXPECT_EQ(row[3], "never") << "no --expires: it never expires";
  EXPECT_EQ(row[4], "never used");

  ASSERT_EQ(request(port(), "GET", "/api/v1/whoami", bearer(used.secret)).status, 200);
  row = listed(used.id);
  ASSERT_EQ(row.size(), 7u);
  EXPECT_TRUE(std::regex_match(row[4], std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z")))
      << row[4];
  EXPECT_EQ(row[5], "live");
  EXPECT_EQ(row[6], "ci");
  EXPECT_EQ(listed(idle.id).at(4), "never used");

  // Used through OCI credentials, too.
  ASSERT_EQ(request(port(), "GET", "/v2/token", basic(idle.secret)).status, 200);
  EXPECT_NE(listed(idle.id).at(4), "never used");
}

TEST_F(TokenLifecycleTest, ATokenInItsLastWeekIsNamedInTheLogOnce) {
  const MadeToken soon = make({"--expires", "3d"});
  const MadeToken later = make({"--expires", "8d"});
  const std::string expires = listed(soon.id).at(3);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(request(port(), "GET", "/api/v1/whoami", bearer(soon.secret)).status, 200);
    ASSERT_EQ(request(port(), "GET", "/v2/token", basic(soon.secret)).status, 200);
    ASSERT_EQ(request(port(), "GET", "/api/v1/whoami", bearer(later.secret)).status, 200);
  }
  ASSERT_EQ(server_->stop(), 0);
  const std::string log = server_->log();
  server_.reset();
  // "in 3 days" within the second it was made, "in 2 days" after.
  const std::regex warning("token " + soon.id + " expires at " + expires +
                           ", in [23] days, and is still in use; give its holder a new one "
                           "\\(`wreg-server token create`\\) before then\n");
  const auto found =
      std::distance(std::sregex_iterator(log.begin(), log.end(), warning), std::sregex_iterator());
  EXPECT_EQ(found, 1) << log;
  EXPECT_EQ(log.find("token " + later.id + " expires"), std::string::npos)
      << "eight days left is no warning:\n"
      << log;
  EXPECT_EQ(log.find(soon.secret.substr(5)), std::string::npos);
}

TEST_F(TokenLifecycleTest, AHostileExpiresIsBadUsageAndMakesNoToken) {
  for (const std::string bad : {"0s", "-1d", "1y", "tomorrow", "2020-01-01", "99999999999999w",
                                "1d; rm -rf /", "\x1b[31m1d"}) {
    auto made = run_server_command(
        {"token", "create", "--data", data(), "--namespace", "demo", "--expires", bad});
    EXPECT_EQ(made.exit_status, 2) << bad;
    EXPECT_EQ(made.out, "") << bad;
    EXPECT_TRUE(made.err.starts_with("wreg-server: --expires ")) << made.err;
    EXPECT_EQ(std::count(made.err.begin(), made.err.end(), '\n'), 1) << made.err;
    EXPECT_EQ(made.err.find('\x1b'), std::string::npos) << "escaped: " << made.err;
  }
  auto list = run_server_command({"token", "list", "--data", data()});
  EXPECT_EQ(list.out, "id\tscope\tcreated\texpires\tlast used\tstatus\tnote\n");
}

}  // namespace
}  // namespace wreg::testing
