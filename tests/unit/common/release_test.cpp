#include "common/release.h"

#include <gtest/gtest.h>

#include "common/api/release_document.h"
#include "common/wasm/reader.h"
#include "tests/support/fixtures.h"

namespace wreg {
namespace {

wasm::ComponentInfo read_fixture(const std::string& path) {
  const std::string bytes = testing::fixture_bytes(path);
  auto info = wasm::read_component(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  EXPECT_TRUE(info.has_value()) << path << ": " << info.error().message;
  return info ? *info : wasm::ComponentInfo{};
}

ClaimedIdentity claim(const char* id, const char* source = "the URL") {
  return ClaimedIdentity{*PackageVersion::parse(id), source};
}

std::string message_of(const Result<Release>& release) {
  return release ? "published as " + release->id.to_string() : release.error().message;
}

std::vector<std::string> texts(const std::vector<wasm::InterfaceName>& names) {
  std::vector<std::string> out;
  for (const auto& name : names) out.push_back(name.to_string());
  return out;
}

TEST(ReleaseOfTest, AWitPackageNamesItselfAndDependsOnTheForeignPackagesItUses) {
  auto release = release_of(read_fixture("packages/wasi-http@0.2.8.wasm"), std::nullopt);
  ASSERT_TRUE(release.has_value()) << release.error().message;
  EXPECT_EQ(release->id.to_string(), "wasi:http@0.2.8");
  EXPECT_EQ(release->kind, api::ReleaseKind::kWit);
  std::vector<std::string> dependencies;
  for (const auto& dependency : release->dependencies) {
    dependencies.push_back(dependency.name.to_string() + " " + dependency.requirement.to_string());
  }
  EXPECT_EQ(dependencies, (std::vector<std::string>{"wasi:cli ^0.2.8", "wasi:clocks ^0.2.8",
                                                    "wasi:io ^0.2.8", "wasi:random ^0.2.8"}));
  EXPECT_TRUE(release->imports.empty());
  EXPECT_EQ(release->details.binary_kind, wasm::BinaryKind::kWitPackage);
  EXPECT_EQ(release->details.worlds, (std::vector<std::string>{"proxy"}));
  EXPECT_EQ(release->details.referenced_packages.size(), 4u);
}

TEST(ReleaseOfTest, AClaimMustAgreeWithTheWitPackagesOwnName) {
  const auto io = read_fixture("packages/wasi-io@0.2.8.wasm");
  EXPECT_EQ(message_of(release_of(io, claim("wasi:io@0.2.8"))), "published as wasi:io@0.2.8");
  EXPECT_EQ(message_of(release_of(io, claim("wasi:io@0.2.3", "--package"))),
            "this is the WIT package wasi:io@0.2.8, but --package says wasi:io@0.2.3; publish it "
            "as wasi:io@0.2.8 or encode the WIT with `package wasi:io@0.2.3;`");
  EXPECT_EQ(message_of(release_of(io, claim("demo:io@0.2.8"))),
            "this is the WIT package wasi:io@0.2.8, but the URL says demo:io@0.2.8; publish it as "
            "wasi:io@0.2.8 or encode the WIT with `package demo:io@0.2.8;`");
}

TEST(ReleaseOfTest, AWitPackageWithoutAVersionTakesTheClaimedOne) {
  auto info = read_fixture("packages/wasi-io@0.2.8.wasm");
  info.package->version.reset();
  EXPECT_EQ(message_of(release_of(info, claim("wasi:io@1.2.3"))), "published as wasi:io@1.2.3");
  EXPECT_EQ(message_of(release_of(info, claim("demo:io@1.2.3"))),
            "this is the WIT package wasi:io, but the URL says demo:io@1.2.3; publish it as "
            "wasi:io@1.2.3 or encode the WIT with `package demo:io@1.2.3;`");
  EXPECT_EQ(message_of(release_of(info, std::nullopt)),
            "the WIT package wasi:io has no version; publish it with --package wasi:io@VERSION");
  info.package.reset();
  EXPECT_EQ(message_of(release_of(info, claim("wasi:io@1.2.3"))),
            "this WIT package does not name its package; encode it from WIT that starts with "
            "`package wasi:io@1.2.3;`");
  EXPECT_EQ(message_of(release_of(info, std::nullopt)),
            "this WIT package does not name its package; encode it from WIT that starts with "
            "`package ns:name@version;`");
}

TEST(ReleaseOfTest, SelfReferencesAreNotDependenciesAndAVersionlessOneIsAny) {
  auto info = read_fixture("packages/wasi-io@0.2.8.wasm");
  info.dependencies = {wasm::PackageId{*PackageName::parse("wasi:io"), Version(0, 2, 8)},
                       wasm::PackageId{*PackageName::parse("local:types"), std::nullopt}};
  auto release = release_of(info, std::nullopt);
  ASSERT_TRUE(release.has_value()) << release.error().message;
  ASSERT_EQ(release->dependencies.size(), 1u);
  EXPECT_EQ(release->dependencies[0].name.to_string(), "local:types");
  EXPECT_TRUE(release->dependencies[0].requirement.is_any());
}

TEST(ReleaseOfTest, AComponentPublishesAsTheClaimWithItsInterfaceNames) {
  auto info = read_fixture("components/http-proxy.wasm");
  info.imports.push_back({"log", wasm::ExternKind::kFunc, "func(msg: string)"});
  info.imports.push_back({"wasi:io/poll@0.2", wasm::ExternKind::kInstance, ""});
  info.metadata.description = "A proxy";
  EXPECT_EQ(message_of(release_of(info, std::nullopt)),
            "this is a component, not a WIT package: publish it with --package ns:name@version "
            "(or set name and version in [package] of wreg.toml)");
  auto release = release_of(info, claim("demo:proxy@1.0.0"));
  ASSERT_TRUE(release.has_value()) << release.error().message;
  EXPECT_EQ(release->id.to_string(), "demo:proxy@1.0.0");
  EXPECT_EQ(release->kind, api::ReleaseKind::kComponent);
  EXPECT_TRUE(release->dependencies.empty());
  EXPECT_EQ(release->description, "A proxy");
  auto imports = texts(release->imports);
  ASSERT_EQ(imports.size(), 12u);  // eleven of the binary, and the canonical `@0.2`; not `log`
  EXPECT_EQ(imports.front(), "wasi:io/poll@0.2.8");
  EXPECT_EQ(imports.back(), "wasi:io/poll@0.2.0");
  EXPECT_EQ(texts(release->exports),
            (std::vector<std::string>{"wasi:http/incoming-handler@0.2.8"}));
  EXPECT_EQ(release->details.imports.size(), 13u);  // the details keep every import
  EXPECT_EQ(release->details.metadata.description, "A proxy");
}

TEST(ReleaseOfTest, ACoreModuleIsNeverPublished) {
  EXPECT_EQ(message_of(release_of(read_fixture("core/plain.core.wasm"), claim("demo:m@1.0.0"))),
            wasm::core_module_error().message);
}

TEST(ReleaseOfTest, TheDetailsAreWhatTheServerStores) {
  auto release = release_of(read_fixture("packages/wasi-io@0.2.8.wasm"), std::nullopt);
  ASSERT_TRUE(release.has_value()) << release.error().message;
  EXPECT_EQ(api::to_json(release->details),
            R"({"binary_kind":"wit-package","exports":[],"has_package_docs":false,"imports":[],)"
            R"("interfaces":["error","poll","streams"],"metadata":{},)"
            R"("producers":{"processed-by":[{"name":"wit-component","version":"0.259.0"}]},)"
            R"("referenced_packages":[],"worlds":["imports"]})");
}

TEST(ReleaseOfTest, MetadataTextIsStoredWithoutControlsButTheDescriptionKeepsItsLines) {
  auto info = read_fixture("components/empty-component.wasm");
  info.metadata.description = "line one\n\tline two\x1b[2J\x1b]0;T\x07\r\b";
  info.metadata.authors = "a\nb";
  info.producers["language"].push_back({"evil\x1b[31m", "1\r"});
  info.component_name = "n\xc2\x9b";  // U+009B, a C1 CSI
  auto release = release_of(info, claim("demo:empty@1.0.0"));
  ASSERT_TRUE(release.has_value()) << release.error().message;
  const std::string replacement = "\xef\xbf\xbd";
  const std::string description = "line one\n\tline two" + replacement + "[2J" + replacement +
                                  "]0;T" + replacement + replacement + replacement;
  EXPECT_EQ(release->description, description);
  EXPECT_EQ(release->details.metadata.description, description);
  EXPECT_EQ(release->details.metadata.authors, "a" + replacement + "b");
  ASSERT_EQ(release->details.producers.at("language").size(), 1u);
  EXPECT_EQ(release->details.producers.at("language")[0].name, "evil" + replacement + "[31m");
  EXPECT_EQ(release->details.producers.at("language")[0].version, "1" + replacement);
  EXPECT_EQ(release->details.component_name, "n" + replacement);
}

}  // namespace
}  // namespace wreg
