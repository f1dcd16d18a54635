// `wreg build` of a project's wit/ whose WIT names packages wit/deps/ lacks, with the real
// wreg-server and the real wreg: they are fetched first (=VERSION as the WIT writes it, unless
// wreg.toml says otherwise) and locked in wreg.lock, then the build runs as before.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/cli/cli_harness.h"
#include "tests/unit/wit/wit_test_support.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;

// toolsku:stream-tools@0.1.0 as its fixture's source has it, without the nested wasi:io block.
std::string stream_tools_wit() {
  const std::string source =
      read_bytes(fixtures() / "packages/toolsku-stream-tools@0.1.0.wasm.source.wit");
  return source.substr(0, source.find("package wasi:io@0.2.8 {"));
}

// Makes `project` hold only wit/stream-tools.wit, and wreg.toml when `manifest` is not empty.
void write_stream_tools_project(const TempDir& project, const std::string& manifest = "") {
  fs::create_directories(project.path() / "wit");
  write_bytes(project.path() / "wit/stream-tools.wit", stream_tools_wit());
  if (!manifest.empty()) write_bytes(project.path() / "wreg.toml", manifest);
}

const std::vector<std::string> kBuild = {"build", "--world", "stream-filter", "-o", "out.wasm"};

TEST(BuildFetchTest, FetchesWhatTheWitUsesLocksItAndBuildsTheFixture) {
  ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
  User user(shared_registry()->url());
  TempDir project;
  write_stream_tools_project(project);

  auto built = user.wreg(kBuild, project.path());
  ASSERT_EQ(built.exit_status, 0) << describe(built);
  EXPECT_EQ(built.out.substr(0, built.out.find('\n')), "fetched wasi:io 0.2.8");
  EXPECT_NE(built.out.find("\nbuilt toolsku:stream-tools@0.1.0 (world stream-filter)"),
            std::string::npos)
      << built.out;
  EXPECT_EQ(deps_files(project.path()), std::set<std::string>{"wasi-io-0.2.8.wasm"});
  EXPECT_EQ(read_bytes(project.path() / "wit/deps/wasi-io-0.2.8.wasm"),
            read_bytes(fixtures() / "packages/wasi-io@0.2.8.wasm"));
  const std::string lock = read_bytes(project.path() / "wreg.lock");
  EXPECT_NE(lock.find("name = \"wasi:io\""), std::string::npos) << lock;
  EXPECT_NE(lock.find("version = \"0.2.8\""), std::string::npos) << lock;
  EXPECT_FALSE(fs::exists(project.path() / "wreg.toml"));
  EXPECT_EQ(wit::testing_support::without_producers(read_bytes(project.path() / "out.wasm")),
            wit::testing_support::without_producers(
                read_bytes(fixtures() / "packages/toolsku-stream-tools@0.1.0.wasm")));

  // Everything is at hand now: nothing is fetched, nor asked of the registry (offline works).
  auto again = user.wreg({"build", "--world", "stream-filter", "-o", "again.wasm", "--offline"},
                         project.path());
  ASSERT_EQ(again.exit_status, 0) << describe(again);
  EXPECT_EQ(again.out.find("fetched"), std::string::npos) << again.out;
  EXPECT_EQ(read_bytes(project.path() / "again.wasm"), read_bytes(project.path() / "out.wasm"));
  EXPECT_EQ(read_bytes(project.path() / "wreg.lock"), lock);
}

TEST(BuildFetchTest, WregTomlPinsAnotherVersionAndTheBuildSaysItMismatches) {
  ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
  User user(shared_registry()->url());
  const std::string manifest = "[dependencies]\n\"wasi:io\" = \"=0.2.3\"\n";
  TempDir project;
  write_stream_tools_project(project, manifest);

  auto built = user.wreg(kBuild, project.path());
  EXPECT_NE(built.exit_status, 0) << describe(built);
  EXPECT_EQ(built.out.substr(0, built.out.find('\n')), "fetched wasi:io 0.2.3");
  EXPECT_EQ(deps_files(project.path()), std::set<std::string>{"wasi-io-0.2.3.wasm"});
  // After the note of the log key pinned on first use.
  const std::string error = built.err.substr(built.err.find("error: "));
  EXPECT_EQ(error.substr(0, error.find('\n')),
            "error: package 'wasi:io@0.2.8' not found, but wasi:io@0.2.3 is at hand; use that "
            "version in the WIT, or fetch this one (wreg add wasi:io@0.2.8)");
  EXPECT_EQ(read_bytes(project.path() / "wreg.toml"), manifest);
  EXPECT_FALSE(fs::exists(project.path() / "out.wasm"));
}

TEST(BuildFetchTest, OfflineWithNothingCachedSaysWhatIsMissing) {
  User user(shared_registry()->url());
  TempDir project;
  write_stream_tools_project(project);

  auto built = user.wreg({"build", "--world", "stream-filter", "--offline"}, project.path());
  EXPECT_NE(built.exit_status, 0) << describe(built);
  EXPECT_EQ(built.out, "");
  EXPECT_EQ(built.err.substr(0, built.err.find('\n')),
            "error: package 'wasi:io@0.2.8' not found; fetch it into wit/deps/ (wreg add "
            "wasi:io@0.2.8)");
  EXPECT_NE(built.err.find("wit/stream-tools.wit:5:9"), std::string::npos) << built.err;
  EXPECT_FALSE(fs::exists(project.path() / "wreg.lock"));
  EXPECT_FALSE(fs::exists(project.path() / "wit/deps"));
}

TEST(BuildFetchTest, AFolderOtherThanTheProjectsWitIsRefused) {
  User user(shared_registry()->url());
  TempDir project;
  write_stream_tools_project(project);
  fs::rename(project.path() / "wit", project.path() / "other");

  auto built = user.wreg({"build", "other", "--world", "stream-filter"}, project.path());
  EXPECT_NE(built.exit_status, 0) << describe(built);
  EXPECT_EQ(built.err,
            "error: other needs wasi:io, which its deps/ does not hold, and only a project's wit/ "
            "folder gets dependencies fetched; build from the project's folder, or put it in "
            "other/deps\n");
  EXPECT_FALSE(fs::exists(project.path() / "wreg.lock"));
}

}  // namespace
}  // namespace wreg::cli_test
