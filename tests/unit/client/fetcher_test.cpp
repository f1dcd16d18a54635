#include "client/fetcher.h"

#include <gtest/gtest.h>

#include "client/project.h"
#include "common/manifest.h"

namespace wreg::client {
namespace {

api::ReleaseSummary release(const char* version, bool yanked = false) {
  api::ReleaseSummary summary;
  summary.version = *Version::parse(version);
  summary.digest = Digest::of(std::string_view(version));
  summary.yanked = yanked;
  return summary;
}

api::PackageDocument document(std::vector<api::ReleaseSummary> versions) {
  return api::PackageDocument{*PackageName::parse("demo:lib"), "", std::move(versions)};
}

std::string picked(const api::PackageDocument& doc, const char* requirement) {
  std::optional<VersionReq> req;
  if (requirement) req = *VersionReq::parse(requirement);
  const auto* found = pick_release(doc, req);
  return found ? found->version.to_string() : "none";
}

TEST(PickReleaseTest, NewestStableNotYankedWithoutRequirement) {
  auto doc =
      document({release("2.0.0-rc.1"), release("1.5.0", true), release("1.4.1"), release("1.0.0")});
  EXPECT_EQ(picked(doc, nullptr), "1.4.1");
  EXPECT_EQ(picked(doc, "^1.0"), "1.4.1");
  EXPECT_EQ(picked(doc, "^2.0"), "none");
  EXPECT_EQ(picked(doc, "=2.0.0-rc.1"), "2.0.0-rc.1");
  EXPECT_EQ(picked(doc, "=1.5.0"), "1.5.0");  // exact names a yanked version on purpose
}

TEST(PickReleaseTest, OnlyPrereleasesFallBackToNewestPrerelease) {
  auto doc = document({release("0.3.0-rc.2"), release("0.3.0-rc.1")});
  EXPECT_EQ(picked(doc, nullptr), "0.3.0-rc.2");
}

TEST(UnlockedRequirementTest, NamesTheFirstRequirementTheLockMisses) {
  auto manifest =
      *parse_manifest("[dependencies]\n\"wasi:io\" = \"^0.2.8\"\n\"wasi:clocks\" = \"^0.2\"\n");
  auto lock = *parse_lockfile(
      "version = 1\n\n[[package]]\nname = \"wasi:io\"\nversion = \"0.2.8\"\nregistry = "
      "\"http://r\"\ndigest = "
      "\"sha256:e085d1459bfb2d1f3209b08cef444d379588fea65736e1bf22c49e991fc21525\"\n"
      "requirements = [\"^0.2.8\"]\n");
  EXPECT_EQ(unlocked_requirement(manifest, lock), "wasi:clocks ^0.2");
  auto only_io = *parse_manifest("[dependencies]\n\"wasi:io\" = \"^0.2.8\"\n");
  EXPECT_EQ(unlocked_requirement(only_io, lock), std::nullopt);
  auto changed = *parse_manifest("[dependencies]\n\"wasi:io\" = \"=0.2.3\"\n");
  EXPECT_EQ(unlocked_requirement(changed, lock), "wasi:io =0.2.3");
}

TEST(DepsFileNameTest, JoinsNamespaceNameAndVersion) {
  EXPECT_EQ(deps_file_name(*PackageName::parse("toolsku:math-tools"), *Version::parse("0.1.0")),
            "toolsku-math-tools-0.1.0.wasm");
}

TEST(PackageChangeTest, DescribesEachKind) {
  auto name = *PackageName::parse("wasi:io");
  EXPECT_EQ(
      (PackageChange{PackageChange::Kind::kAdded, name, std::nullopt, *Version::parse("0.2.8")})
          .to_string(),
      "added wasi:io 0.2.8");
  EXPECT_EQ((PackageChange{PackageChange::Kind::kUpdated, name, *Version::parse("0.2.3"),
                           *Version::parse("0.2.8")})
                .to_string(),
            "updated wasi:io 0.2.3 -> 0.2.8");
  EXPECT_EQ(
      (PackageChange{PackageChange::Kind::kRemoved, name, *Version::parse("0.2.3"), std::nullopt})
          .to_string(),
      "removed wasi:io 0.2.3");
}

}  // namespace
}  // namespace wreg::client
