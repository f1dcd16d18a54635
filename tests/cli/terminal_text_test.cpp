// What reaches the terminal from a registry (common/text.h): a package's description with
// terminal controls in it, published to the real wreg-server, and a hostile registry's error
// message, are shown escaped, each on its one line. And `wreg login`, which asks the registry
// whose a token is before it stores it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/cli/cli_harness.h"
#include "tests/unit/client/transport_testing.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;

// What a terminal would take as a control: a C0 byte other than the line feed that ends each
// line, DEL, or a C1 control in UTF-8 (C2 80..C2 9F). Empty when there is none.
std::string raw_control_in(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool c1 = byte == 0xc2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9f;
    if ((byte < 0x20 && byte != '\n') || byte == 0x7f || c1) {
      return "byte " + std::to_string(byte) + " at " + std::to_string(i);
    }
  }
  return "";
}

bool has_line_starting(const std::string& text, const std::string& start) {
  return text.starts_with(start) || text.find("\n" + start) != std::string::npos;
}

const std::string kForged = "published evil:ok@9.9.9";
const std::string kHostile = "ok\x1b[2J\x1b]0;TITLE\x07\rover\bwrite\n" + kForged;

TEST(TerminalTextTest, ADescriptionWithTerminalControlsIsShownEscapedOnOneLine) {
  Registry* registry = shared_registry();
  ASSERT_NE(registry, nullptr) << shared_registry_error();
  ASSERT_TRUE(registry->ensure_namespace("terminal-text")) << registry->error();
  TempDir dir;
  const fs::path file = dir.path() / "evil.wasm";
  write_bytes(
      file, testing::with_custom_section(read_bytes(fixtures() / "components/empty-component.wasm"),
                                         kHostile, "description"));
  User user(registry->url());
  auto published = user.wreg({"publish", file.string(), "--package", "terminal-text:evil@1.0.0"},
                             dir.path(), registry->token());
  ASSERT_EQ(published.exit_status, 0) << describe(published);

  // The registry stored the description with its line break and without the other controls
  // (common/release.h); wreg shows the line break escaped.
  const std::string r = "\xef\xbf\xbd";
  const std::string shown =
      "ok" + r + "[2J" + r + "]0;TITLE" + r + r + "over" + r + "write\\x0a" + kForged;
  auto info = user.wreg({"info", "terminal-text:evil"}, dir.path());
  ASSERT_EQ(info.exit_status, 0) << describe(info);
  EXPECT_EQ(raw_control_in(info.out), "") << info.out;
  EXPECT_FALSE(has_line_starting(info.out, kForged)) << info.out;
  EXPECT_TRUE(info.out.starts_with("terminal-text:evil\n" + shown + "\n")) << info.out;

  auto search = user.wreg({"search", "terminal-text"}, dir.path());
  ASSERT_EQ(search.exit_status, 0) << describe(search);
  EXPECT_EQ(raw_control_in(search.out), "") << search.out;
  EXPECT_FALSE(has_line_starting(search.out, kForged)) << search.out;
  EXPECT_EQ(search.out, "terminal-text:evil@1.0.0  component  " + shown + "\n");
}

TEST(TerminalTextTest, AHostileRegistrysErrorMessageIsOneEscapedLine) {
  client::testing::LocalPeer peer([](client::testing::PeerConnection& connection) {
    if (!connection.read_until("\r\n\r\n")) return;
    connection.write(client::testing::http_answer(
        400,
        R"({"error":{"code":"invalid_argument","message":"\u001b[2J\u001b]0;TITLE\u0007gone\r\n)"
        R"(published evil:ok@9.9.9\u009b31m"}})",
        false));
  });
  ASSERT_NE(peer.port(), 0);
  User user(peer.url());
  TempDir dir;
  auto search = user.wreg({"search", "x"}, dir.path());
  EXPECT_EQ(search.exit_status, 1);
  EXPECT_EQ(search.err,
            "error: \\x1b[2J\\x1b]0;TITLE\\x07gone\\x0d\\x0apublished evil:ok@9.9.9\\u{9B}31m\n");
}

TEST(TerminalTextTest, LoginAsksWhoseTheTokenIsAndStoresOnlyAnAcceptedOne) {
  Registry* registry = shared_registry();
  ASSERT_NE(registry, nullptr) << shared_registry_error();
  // --registry after the subcommand (what error messages suggest) names the registry.
  User user("http://127.0.0.1:1");
  const auto credentials = user.config_dir() / "wreg" / "credentials.toml";
  auto refused = user.wreg({"login", "--registry", registry->url()}, user.home(), std::nullopt,
                           "wreg_" + std::string(64, '0') + "\n");
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_EQ(refused.err, "error: registry " + registry->url() +
                             " does not accept this token (unknown or revoked), so it was not "
                             "stored; paste the token `wreg-server token create` printed for "
                             "this registry\n");
  EXPECT_FALSE(fs::exists(credentials));

  auto login = user.wreg({"login", "--registry", registry->url()}, user.home(), std::nullopt,
                         registry->token() + "\n");
  ASSERT_EQ(login.exit_status, 0) << describe(login);
  EXPECT_TRUE(login.out.starts_with("logged in to " + registry->url() + " as token ")) << login.out;
  EXPECT_NE(login.out.find(" (admin) (token saved in "), std::string::npos) << login.out;
  EXPECT_EQ(login.out.find(registry->token()), std::string::npos);
  EXPECT_TRUE(fs::exists(credentials));
}

}  // namespace
}  // namespace wreg::cli_test
