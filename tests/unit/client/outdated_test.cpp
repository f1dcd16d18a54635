#include "client/outdated.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace wreg::client {
namespace {

PackageName name_of(std::string_view text) { return *PackageName::parse(text); }

// A registry document from "1.0.0", "1.2.0 yanked", ... (any order).
api::PackageDocument document(std::string_view name, const std::vector<std::string>& versions) {
  api::PackageDocument doc{name_of(name), "", {}};
  for (const auto& text : versions) {
    auto space = text.find(' ');
    api::ReleaseSummary release;
    release.version = *Version::parse(text.substr(0, space));
    release.digest = Digest::of(std::string_view(text));
    release.yanked = space != std::string::npos;
    doc.versions.push_back(release);
  }
  return doc;
}

void lock(Lockfile& lockfile, std::string_view id, std::vector<std::string> requirements) {
  auto parsed = *PackageVersion::parse(id);
  lockfile.packages.push_back(LockedPackage{parsed.name, parsed.version, "http://registry.test",
                                            Digest::of(id), std::move(requirements), std::nullopt});
}

TEST(OutdatedTest, YankedVersionsAreNeitherWantedNorLatest) {
  Lockfile lockfile;
  lock(lockfile, "demo:engine@1.0.0", {"^1.0"});
  auto rows = outdated_packages(
      {}, lockfile,
      {document("demo:engine", {"3.0.0 yanked", "2.0.0", "1.2.0 yanked", "1.1.0", "1.0.0"})});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].wanted->to_string(), "1.1.0");
  EXPECT_EQ(rows[0].latest->to_string(), "2.0.0");
  EXPECT_TRUE(rows[0].outdated());
}

TEST(OutdatedTest, WantedMeetsEveryRequirementTheLockRecords) {
  // wasi:io is needed as ^0.2.3 by one package and as ~0.2.5 by another.
  Lockfile lockfile;
  lock(lockfile, "wasi:io@0.2.5", {"^0.2.3", "~0.2.5"});
  auto rows = outdated_packages({}, lockfile,
                                {document("wasi:io", {"0.2.5", "0.2.9", "0.3.0", "0.4.0-rc.1"})});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].wanted->to_string(), "0.2.9");
  EXPECT_EQ(rows[0].latest->to_string(), "0.3.0");  // a pre-release is not the latest
}

TEST(OutdatedTest, PrintsAlignedColumnsOfTheOutdatedOnly) {
  Lockfile lockfile;
  lock(lockfile, "demo:engine@1.0.0", {"^1.0"});
  lock(lockfile, "demo:ok@2.0.0", {"^2"});
  lock(lockfile, "wasi:io@0.2.3", {"^0.2"});
  lock(lockfile, "wasi:io@0.3.0", {"^0.3"});
  auto rows = outdated_packages(
      {}, lockfile,
      {document("demo:engine", {"1.0.0", "1.4.10", "12.0.0"}), document("demo:ok", {"2.0.0"}),
       document("wasi:io", {"0.2.3", "0.2.8", "0.3.0 yanked"})});
  EXPECT_EQ(render_outdated(rows),
            "package      locked          wanted  latest\n"
            "demo:engine  1.0.0           1.4.10  12.0.0\n"
            "wasi:io      0.2.3           0.2.8   0.2.8\n"
            "wasi:io      0.3.0 (yanked)  -       0.2.8\n");
}

TEST(OutdatedTest, SaysWhenEverythingIsUpToDate) {
  Lockfile lockfile;
  lock(lockfile, "demo:ok@2.0.0", {"^2"});
  auto rows = outdated_packages({}, lockfile, {document("demo:ok", {"2.0.0", "1.9.0"})});
  EXPECT_EQ(render_outdated(rows), "all dependencies are up to date\n");
  EXPECT_EQ(render_outdated({}), "all dependencies are up to date\n");
}

}  // namespace
}  // namespace wreg::client
