// The README's "Your first publish" block, run as a reader would paste it: a shell at the top of
// a checkout whose build/ holds the binaries under test, with the server deploy/run.sh starts
// (its data in ./wreg-data) on a free port instead of 8080, which WREG_REGISTRY points wreg at.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli/cli_harness.h"
#include "tests/support/test_database.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;

// The first ```sh block after the heading `title`, or "" when there is none.
std::string shell_block_after(const std::string& markdown, const std::string& title) {
  auto heading = markdown.find("\n## " + title + "\n");
  if (heading == std::string::npos) return "";
  auto start = markdown.find("\n```sh\n", heading);
  if (start == std::string::npos) return "";
  start += 7;
  auto end = markdown.find("\n```\n", start);
  if (end == std::string::npos) return "";
  return markdown.substr(start, end - start + 1);
}

TEST(ReadmeTest, YourFirstPublishWorksWhenPasted) {
  WREG_SQLITE_ONLY("pastes the README's commands, which use the default SQLite");
  const fs::path readme = fs::path(WREG_CLI_CASES) / ".." / ".." / "README.md";
  const std::string block = shell_block_after(read_bytes(readme), "Your first publish");
  ASSERT_FALSE(block.empty()) << "README.md has no ```sh block under \"## Your first publish\"";

  TempDir checkout;
  const fs::path& top = checkout.path();
  fs::create_directories(top / "build");
  fs::create_directories(top / "tests");
  fs::create_directories(top / "home");
  fs::create_directory_symlink(fs::path(WREG_SERVER_BINARY).parent_path(),
                               top / "build" / "server");
  fs::create_directory_symlink(fs::path(WREG_BINARY).parent_path(), top / "build" / "client");
  fs::create_directory_symlink(fixtures(), top / "tests" / "fixtures");

  testing::ServerProcess server(top / "wreg-data");
  ASSERT_TRUE(server.start()) << server.log();
  testing::RunOptions options;
  options.env = std::map<std::string, std::string>{
      {"HOME", (top / "home").string()},
      {"TMPDIR", top.string()},  // where `mktemp -d` makes the fresh project folder
      {"WREG_REGISTRY", "http://127.0.0.1:" + std::to_string(server.port())}};
  options.cwd = top;
  // -e: a line that fails stops the block, as a reader would stop there.
  auto pasted = testing::run_command("/bin/bash", {"-e", "-c", block}, options);
  ASSERT_EQ(pasted.exit_status, 0) << describe(pasted) << "\n" << block;
  EXPECT_NE(pasted.out.find("created namespace toolsku\n"), std::string::npos) << pasted.out;
  EXPECT_NE(pasted.out.find("published toolsku:analytics@0.1.0 sha256:"), std::string::npos)
      << pasted.out;
  EXPECT_NE(pasted.out.find("added toolsku:analytics 0.1.0\n"), std::string::npos) << pasted.out;
  EXPECT_NE(pasted.out.find("toolsku-analytics-0.1.0.wasm\n"), std::string::npos) << pasted.out;
  // The token went from `token create` into wreg's credentials without being shown.
  EXPECT_EQ(pasted.out.find("wreg_"), std::string::npos) << pasted.out;
  EXPECT_TRUE(fs::exists(top / "home" / ".config" / "wreg" / "credentials.toml"));
}

// deploy/run.sh, the README's first command, says how to get a token before it starts serving.
// Run from a copy whose dependency and build steps do nothing and whose wreg-server only echoes
// its arguments (the real one would take the fixed port 8080).
TEST(ReadmeTest, RunScriptSaysHowToGetAToken) {
  TempDir checkout;
  const fs::path& top = checkout.path();
  fs::create_directories(top / "deploy");
  fs::create_directories(top / "build" / "server");
  fs::copy_file(fs::path(WREG_CLI_CASES) / ".." / ".." / "deploy" / "run.sh",
                top / "deploy" / "run.sh");
  write_bytes(top / "deploy" / "install-deps.sh", "#!/bin/sh\nexit 0\n");
  write_bytes(top / "deploy" / "build.sh", "#!/bin/sh\nexit 0\n");
  write_bytes(top / "build" / "server" / "wreg-server", "#!/bin/sh\necho \"wreg-server $*\"\n");
  for (const char* script :
       {"deploy/run.sh", "deploy/install-deps.sh", "deploy/build.sh", "build/server/wreg-server"}) {
    fs::permissions(top / script, fs::perms::owner_all, fs::perm_options::add);
  }
  testing::RunOptions options;
  options.env = std::map<std::string, std::string>{{"HOME", top.string()}};
  options.cwd = top;
  auto started = testing::run_command((top / "deploy" / "run.sh").string(), {}, options);
  ASSERT_EQ(started.exit_status, 0) << describe(started);
  const std::string server = (top / "build" / "server" / "wreg-server").string();
  const std::string data = (top / "wreg-data").string();
  EXPECT_EQ(started.err,
            "Starting wreg-server on http://127.0.0.1:8080 with its data in " + data +
                ".\nTo publish, make a namespace and a token for it in another shell (README.md, "
                "\"Your first publish\"):\n  " +
                server + " namespace create --data " + data + " NS\n  " + server +
                " token create --data " + data + " --namespace NS | " +
                (top / "build" / "client" / "wreg").string() + " login\n  " +
                (top / "build" / "client" / "wreg").string() + " publish FILE.wasm\n\n");
  EXPECT_EQ(started.out, "wreg-server serve --data ./wreg-data --listen 127.0.0.1:8080\n");
}

}  // namespace
}  // namespace wreg::cli_test
