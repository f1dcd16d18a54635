// `wreg build`, the real binary on real folders, offline (no registry is named or needed): a
// world built from its source with a binary dependency in wit/deps/ is the real encoder's bytes
// but for the producers section; the whole package gets its default name and prints back with
// `wreg inspect --wit`; `-o -` writes to standard output.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/cli/cli_harness.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/wit/wit_test_support.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;
using wit::testing_support::without_producers;

const fs::path kPackages = fs::path(WREG_TEST_FIXTURES) / "packages";

// The main package of a fixture's source, without the nested blocks of its dependencies.
std::string main_package_of(const std::string& source) {
  const std::size_t nested = source.find("\npackage ", 1);
  return nested == std::string::npos ? source : source.substr(0, nested + 1);
}

class WitBuild : public ::testing::Test {
 protected:
  WitBuild() : user_("http://127.0.0.1:9") {}  // a closed port: nothing may be fetched

  CommandResult wreg(const std::vector<std::string>& args) {
    return user_.wreg(args, project_.path());
  }
  void write(const fs::path& relative, const std::string& bytes) {
    write_bytes(project_.path() / relative, bytes);
  }

  testing::TempDir project_;
  User user_;
};

TEST_F(WitBuild, a_world_with_a_binary_dependency_is_the_real_encoders_bytes) {
  write("wit/stream-tools.wit",
        main_package_of(read_bytes(kPackages / "toolsku-stream-tools@0.1.0.wasm.source.wit")));
  fs::create_directories(project_.path() / "wit/deps");
  fs::copy_file(kPackages / "wasi-io@0.2.8.wasm", project_.path() / "wit/deps/wasi-io-0.2.8.wasm");
  auto result = wreg({"build", "--world", "stream-filter", "-o", "filter.wasm"});
  ASSERT_EQ(result.exit_status, 0) << describe(result);
  EXPECT_TRUE(result.out.starts_with(
      "built toolsku:stream-tools@0.1.0 (world stream-filter) into filter.wasm: "));
  const std::string built = read_bytes(project_.path() / "filter.wasm");
  const std::string fixture = read_bytes(kPackages / "toolsku-stream-tools@0.1.0.wasm");
  EXPECT_TRUE(without_producers(built) == without_producers(fixture));
  EXPECT_NE(built, fixture);  // the producers section names wreg
}

TEST_F(WitBuild, the_whole_package_gets_its_name_and_prints_back) {
  write("wit/analytics.wit", read_bytes(kPackages / "toolsku-analytics@0.1.0.wasm.source.wit"));
  auto result = wreg({"build"});
  ASSERT_EQ(result.exit_status, 0) << describe(result);
  ASSERT_TRUE(fs::exists(project_.path() / "toolsku-analytics@0.1.0.wasm")) << result.out;
  auto printed = wreg({"inspect", "toolsku-analytics@0.1.0.wasm", "--wit"});
  ASSERT_EQ(printed.exit_status, 0) << describe(printed);
  EXPECT_EQ(printed.out, read_bytes(kPackages / "toolsku-analytics@0.1.0.wasm.wit.txt"));
  auto inspected = wreg({"inspect", "toolsku-analytics@0.1.0.wasm"});
  EXPECT_NE(inspected.out.find("kind:         wit-package"), std::string::npos) << inspected.out;
}

TEST_F(WitBuild, dash_writes_the_bytes_to_standard_output) {
  write("wit/analytics.wit", read_bytes(kPackages / "toolsku-analytics@0.1.0.wasm.source.wit"));
  auto result = wreg({"build", "--world", "analytics-engine", "-o", "-"});
  ASSERT_EQ(result.exit_status, 0) << describe(result);
  EXPECT_TRUE(without_producers(result.out) ==
              without_producers(read_bytes(kPackages / "toolsku-analytics@0.1.0.wasm")));
  EXPECT_FALSE(fs::exists(project_.path() / "toolsku-analytics@0.1.0.wasm"));
}

TEST_F(WitBuild, a_folder_without_wit_files_says_where_they_go) {
  fs::create_directories(project_.path() / "wit");
  auto result = wreg({"build"});
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_EQ(result.err, "error: no .wit files in wit; a package's WIT goes there\n");
  auto missing = wreg({"build", "nowhere"});
  EXPECT_EQ(missing.exit_status, 1) << describe(missing);
  EXPECT_NE(missing.err.find("there is no WIT folder nowhere"), std::string::npos) << missing.err;
}

TEST_F(WitBuild, a_dependency_that_is_a_component_is_refused) {
  write("wit/stream-tools.wit",
        main_package_of(read_bytes(kPackages / "toolsku-stream-tools@0.1.0.wasm.source.wit")));
  fs::create_directories(project_.path() / "wit/deps");
  fs::copy_file(fs::path(WREG_TEST_FIXTURES) / "components/stream-filter.wasm",
                project_.path() / "wit/deps/stream-filter.wasm");
  auto result = wreg({"build"});
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_EQ(result.err,
            "error: wit/deps/stream-filter.wasm is a component, not a WIT package; only WIT "
            "packages can be dependencies\n");
}

}  // namespace
}  // namespace wreg::cli_test
