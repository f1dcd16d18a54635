#include "common/manifest.h"

#include <gtest/gtest.h>

namespace wreg {
namespace {

PackageName name(std::string_view text) { return *PackageName::parse(text); }
VersionReq req(std::string_view text) { return *VersionReq::parse(text); }

TEST(ManifestTest, ParsesPackageAndDependenciesInFileOrder) {
  auto manifest = parse_manifest(R"(
[package]
name = "toolsku:analytics"
version = "0.1.0"
file = "analytics.wasm"

[dependencies]
"wasi:io" = "^0.2.8"
"toolsku:math-tools" = "0.1"
"wasi:clocks" = "=0.2.8"
)");
  ASSERT_TRUE(manifest.has_value()) << manifest.error().message;
  ASSERT_TRUE(manifest->package.has_value());
  EXPECT_EQ(manifest->package->name->to_string(), "toolsku:analytics");
  EXPECT_EQ(manifest->package->version->to_string(), "0.1.0");
  EXPECT_EQ(*manifest->package->file, "analytics.wasm");
  ASSERT_EQ(manifest->dependencies.size(), 3u);
  EXPECT_EQ(manifest->dependencies[0].name.to_string(), "wasi:io");
  EXPECT_EQ(manifest->dependencies[1].name.to_string(), "toolsku:math-tools");
  EXPECT_EQ(manifest->dependencies[1].requirement.to_string(), "^0.1");
  EXPECT_EQ(manifest->dependencies[2].requirement.to_string(), "=0.2.8");
  EXPECT_NE(manifest->find(name("wasi:clocks")), nullptr);
  EXPECT_EQ(manifest->find(name("wasi:http")), nullptr);
}

TEST(ManifestTest, EmptyTextIsAnEmptyManifest) {
  auto manifest = parse_manifest("");
  ASSERT_TRUE(manifest.has_value());
  EXPECT_FALSE(manifest->package.has_value());
  EXPECT_TRUE(manifest->dependencies.empty());
}

TEST(ManifestTest, RefusesBadContentNamingWhatIsWrong) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (auto [text, says] : std::initializer_list<Case>{
           {"[dependencies\n", "wreg.toml:1:"},
           {"[dependencies]\n\"Wasi:io\" = \"1\"\n", "uppercase"},
           {"[dependencies]\n\"wasi:io\" = 1\n", "must be a requirement string"},
           {"[dependencies]\n\"wasi:io\" = \">>1\"\n", "dependency \"wasi:io\": invalid version"},
           {"dependencies = 3\n", "[dependencies] must be a table"},
           {"[package]\nname = \"nocolon\"\n", "missing ':'"},
           {"[package]\nversion = \"1.0\"\n", "three numbers"},
           {"[package]\nfile = 3\n", "file must be a string"},
       }) {
    auto manifest = parse_manifest(text);
    ASSERT_FALSE(manifest.has_value()) << text;
    EXPECT_NE(manifest.error().message.find(says), std::string::npos)
        << text << " -> " << manifest.error().message;
  }
}

TEST(ManifestTest, WitDepsIsBinaryUnlessTextIsAsked) {
  struct Case {
    const char* text;
    DepsForm form;
  };
  for (auto [text, form] : std::initializer_list<Case>{
           {"", DepsForm::kBinary},
           {"[wit]\n", DepsForm::kBinary},
           {"[wit]\ndeps = \"binary\"\n", DepsForm::kBinary},
           {"[wit]\ndeps = \"text\"\n", DepsForm::kText},
           {"wit = { deps = \"text\" }\n[dependencies]\n\"wasi:io\" = \"1\"\n", DepsForm::kText},
       }) {
    auto manifest = parse_manifest(text);
    ASSERT_TRUE(manifest.has_value()) << text << manifest.error().message;
    EXPECT_EQ(manifest->wit_deps, form) << text;
  }
}

TEST(ManifestTest, RefusesAnyOtherWitDepsInOneLineNamingTheKeyAndBothValues) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (auto [text, message] : std::initializer_list<Case>{
           {"[wit]\ndeps = \"both\"\n",
            "wreg.toml: [wit] deps must be \"binary\" or \"text\", not \"both\""},
           {"[wit]\ndeps = \"Text\"\n",
            "wreg.toml: [wit] deps must be \"binary\" or \"text\", not \"Text\""},
           {"[wit]\ndeps = \"\"\n",
            "wreg.toml: [wit] deps must be \"binary\" or \"text\", not \"\""},
           {"[wit]\ndeps = 7\n", "wreg.toml: [wit] deps must be \"binary\" or \"text\", not 7"},
           {"[wit]\ndeps = true\n",
            "wreg.toml: [wit] deps must be \"binary\" or \"text\", not true"},
           {"[wit]\ndeps = [\"text\"]\n",
            "wreg.toml: [wit] deps must be \"binary\" or \"text\", not an array"},
           {"[wit]\ndeps = \"\\u001b[2Jtext\"\n",
            "wreg.toml: [wit] deps must be \"binary\" or \"text\", not \"\\x1b[2Jtext\""},
           {"[wit.deps]\nx = 1\n",
            "wreg.toml: [wit] deps must be \"binary\" or \"text\", not a table"},
           {"wit = \"text\"\n", "wreg.toml: [wit] must be a table"},
       }) {
    auto manifest = parse_manifest(text);
    ASSERT_FALSE(manifest.has_value()) << text;
    EXPECT_EQ(manifest.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(manifest.error().message, message) << text;
    EXPECT_EQ(manifest.error().message.find('\n'), std::string::npos) << text;
  }
}

TEST(ManifestEditTest, CreatesTheTableInAnEmptyFile) {
  auto edited = set_manifest_dependency("", name("wasi:io"), req("^0.2.8"));
  ASSERT_TRUE(edited.has_value()) << edited.error().message;
  EXPECT_EQ(*edited, "[dependencies]\n\"wasi:io\" = \"^0.2.8\"\n");
}

TEST(ManifestEditTest, AppendsAfterTheLastEntryKeepingEverythingElse) {
  std::string text =
      "# my project\n[package]\nname = \"demo:app\"  # ours\n\n[dependencies]\n"
      "\"wasi:io\" = \"^0.2.8\" # pinned for now\n\n[extra]\nkey = 1\n";
  auto edited = set_manifest_dependency(text, name("wasi:clocks"), req("^0.2"));
  ASSERT_TRUE(edited.has_value()) << edited.error().message;
  EXPECT_EQ(*edited,
            "# my project\n[package]\nname = \"demo:app\"  # ours\n\n[dependencies]\n"
            "\"wasi:io\" = \"^0.2.8\" # pinned for now\n\"wasi:clocks\" = \"^0.2\"\n\n[extra]\n"
            "key = 1\n");
}

TEST(ManifestEditTest, RewritesAnExistingLineInPlaceKeepingItsComment) {
  std::string text = "[dependencies]\n  \"wasi:io\" = \"^0.2.0\" # why\n\"a:b\" = \"1\"\n";
  auto edited = set_manifest_dependency(text, name("wasi:io"), req("^0.2.8"));
  ASSERT_TRUE(edited.has_value()) << edited.error().message;
  EXPECT_EQ(*edited, "[dependencies]\n  \"wasi:io\" = \"^0.2.8\" # why\n\"a:b\" = \"1\"\n");
}

TEST(ManifestEditTest, AddsATableAfterOtherContent) {
  auto edited = set_manifest_dependency("[package]\nname = \"demo:app\"", name("a:b"), req("1"));
  ASSERT_TRUE(edited.has_value()) << edited.error().message;
  EXPECT_EQ(*edited, "[package]\nname = \"demo:app\"\n\n[dependencies]\n\"a:b\" = \"^1\"\n");
}

TEST(ManifestEditTest, KeepsWindowsLineEndings) {
  auto edited =
      set_manifest_dependency("[dependencies]\r\n\"a:b\" = \"1\"\r\n", name("c:d"), req("2"));
  ASSERT_TRUE(edited.has_value()) << edited.error().message;
  EXPECT_EQ(*edited, "[dependencies]\r\n\"a:b\" = \"1\"\r\n\"c:d\" = \"^2\"\r\n");
}

TEST(ManifestEditTest, RefusesToEditAnInvalidManifest) {
  auto edited = set_manifest_dependency("[dependencies\n", name("a:b"), req("1"));
  ASSERT_FALSE(edited.has_value());
  EXPECT_NE(edited.error().message.find("wreg.toml:1:"), std::string::npos);
}

TEST(ManifestEditTest, RefusesFormsItCannotEditRatherThanDuplicating) {
  // An inline table holds the dependency: a line edit cannot change it safely.
  auto edited =
      set_manifest_dependency("dependencies = { \"a:b\" = \"1\" }\n", name("a:b"), req("2"));
  ASSERT_FALSE(edited.has_value());
  EXPECT_NE(edited.error().message.find("cannot edit"), std::string::npos)
      << edited.error().message;
}

TEST(ManifestEditTest, RemovesOnlyThatLine) {
  std::string text = "[dependencies]\n\"a:b\" = \"1\"\n\"c:d\" = \"2\"\n";
  auto edited = remove_manifest_dependency(text, name("a:b"));
  ASSERT_TRUE(edited.has_value()) << edited.error().message;
  EXPECT_EQ(*edited, "[dependencies]\n\"c:d\" = \"2\"\n");
  auto missing = remove_manifest_dependency(text, name("x:y"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace wreg
