#include "client/project.h"

#include <gtest/gtest.h>

#include "common/manifest.h"

namespace wreg::client {
namespace {

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
