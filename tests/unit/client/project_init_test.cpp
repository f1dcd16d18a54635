#include "client/project_init.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "client/file_io.h"
#include "tests/support/temp_dir.h"

namespace wreg::client {
namespace {

namespace fs = std::filesystem;

TEST(PackageLabelTest, FolderNamesBecomeKebabLabels) {
  struct Case {
    const char* folder;
    std::optional<std::string> label;
  };
  const Case cases[] = {
      {"my-app", "my-app"},
      {"My_App 2", "my-app2"},
      {"hello  world", "hello-world"},
      {"app.v2", "app-v2"},
      {"--a--b--", "a-b"},
      {"x86_64", "x8664"},
      {"\xc3\x9c" "n\xc3\xaf" "code", "n-code"},  // "Ünïcode": only ASCII letters are kept
      {"9lives", std::nullopt},
      {"___", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(package_label_from(c.folder), c.label) << c.folder;
  }
}

class InitTest : public ::testing::Test {
 protected:
  fs::path folder(const std::string& name) {
    fs::create_directories(dir_ / name);
    return dir_ / name;
  }
  testing::TempDir dir_;
};

TEST_F(InitTest, TakesNameAndVersionFromTheWit) {
  auto root = folder("whatever");
  ASSERT_TRUE(write_file_atomically(root / "wit" / "b.wit", "package demo:later@9.0.0;\n"));
  ASSERT_TRUE(write_file_atomically(root / "wit" / "a.wit",
                                    "// docs\npackage demo:calc@0.3.1;\ninterface i {}\n"));
  auto report = init_project(root, std::nullopt);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(*read_file(root / "wreg.toml"),
            "[package]\n"
            "name = \"demo:calc\"\n"
            "version = \"0.3.1\"\n"
            "file = \"wit\"\n"
            "\n"
            "[dependencies]\n");
  auto manifest = parse_manifest(*read_file(root / "wreg.toml"));
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(manifest->package->name->to_string(), "demo:calc");
}

TEST_F(InitTest, NameGivenWinsAndVersionStartsAtZeroOne) {
  auto root = folder("tool");
  auto report = plan_init(root, *PackageName::parse("acme:tool"));
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->manifest_text,
            "[package]\nname = \"acme:tool\"\nversion = \"0.1.0\"\n\n[dependencies]\n");
  EXPECT_TRUE(report->notes.empty());
}

TEST_F(InitTest, WithoutANamespaceTheNameIsLeftToTheUser) {
  auto root = folder("My_App");
  auto report = plan_init(root, std::nullopt);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->manifest_text,
            "[package]\n"
            "# name = \"NAMESPACE:my-app\"  # the namespace you publish into; `wreg init --name "
            "ns:my-app` sets it\n"
            "version = \"0.1.0\"\n"
            "\n"
            "[dependencies]\n");
  ASSERT_EQ(report->notes.size(), 2u);
  EXPECT_EQ(report->notes[0], "the folder name \"My_App\" is not a package name; using my-app");
  EXPECT_TRUE(parse_manifest(report->manifest_text).has_value());
}

TEST_F(InitTest, AFolderNameWithoutALabelAsksForName) {
  auto report = plan_init(folder("2024"), std::nullopt);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(report.error().message.find("run `wreg init --name ns:name`"), std::string::npos);
}

TEST_F(InitTest, WitThatDoesNotParseIsNotedAndSkipped) {
  auto root = folder("app");
  ASSERT_TRUE(write_file_atomically(root / "wit" / "a.wit", "package demo:broken@1.0.0;\nworld {"));
  auto report = plan_init(root, *PackageName::parse("demo:app"));
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->notes.size(), 1u);
  EXPECT_EQ(report->notes[0],
            "wit/a.wit does not parse (`wreg build` says where); not read for the name");
  EXPECT_EQ(*report->package.version, *Version::parse("0.1.0"));
}

TEST_F(InitTest, RefusesAnExistingManifestAndChangesNothing) {
  auto root = folder("app");
  ASSERT_TRUE(write_file_atomically(root / "wreg.toml", "# mine\n"));
  auto report = init_project(root, *PackageName::parse("demo:app"));
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(*read_file(root / "wreg.toml"), "# mine\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(root), fs::directory_iterator()), 1);
}

TEST_F(InitTest, RefusesALinkNamedWregToml) {
  auto root = folder("app");
  fs::create_symlink(dir_ / "elsewhere.toml", root / "wreg.toml");
  auto report = init_project(root, *PackageName::parse("demo:app"));
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kAlreadyExists);
  EXPECT_FALSE(fs::exists(dir_ / "elsewhere.toml"));
}

}  // namespace
}  // namespace wreg::client
