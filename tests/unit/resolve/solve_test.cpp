// Scenarios from issue 4, each a small registry written inline.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "tests/unit/resolve/resolve_test_util.h"

namespace wreg::resolve {
namespace {

using testing::must;
using testing::name;
using testing::picks;
using testing::Registry;
using testing::root;
using testing::version;

TEST(SolveTest, PicksTheNewestMatchingVersionOfOnePackage) {
  Registry source;
  source.add("demo:lib@1.0.0");
  source.add("demo:lib@1.4.1");
  source.add("demo:lib@2.0.0");
  EXPECT_EQ(picks(solve(root({"demo:lib@^1.0"}), source)), "demo:lib 1.4.1");
}

TEST(SolveTest, BacktracksPastNewestWhenItsDependencyConflicts) {
  Registry source;
  source.add("demo:app@1.1.0", {"demo:lib@^1.1"});
  source.add("demo:app@1.0.0", {"demo:lib@^1.0"});
  source.add("demo:lib@1.0.2");
  source.add("demo:lib@1.1.0");
  EXPECT_EQ(picks(solve(root({"demo:app@^1", "demo:lib@=1.0.2"}), source)),
            "demo:app 1.0.0, demo:lib 1.0.2");
}

TEST(SolveTest, DiamondUnifiesOnOneVersionSatisfyingBothSides) {
  Registry source;
  source.add("demo:app@1.0.0", {"demo:left@^1", "demo:right@^1"});
  source.add("demo:left@1.0.0", {"demo:base@^1.2"});
  source.add("demo:right@1.0.0", {"demo:base@~1.3.0"});
  for (auto v : {"1.2.0", "1.3.0", "1.3.4", "1.4.0"}) source.add(std::string("demo:base@") + v);
  EXPECT_EQ(picks(solve(root({"demo:app@^1"}), source)),
            "demo:app 1.0.0, demo:base 1.3.4, demo:left 1.0.0, demo:right 1.0.0");
}

TEST(SolveTest, TwoTracksOfOnePackageSitSideBySide) {
  Registry source;
  source.add("wasi:http@0.2.0", {"wasi:io@^0.2"});
  source.add("demo:new@1.0.0", {"wasi:io@^0.3"});
  for (auto v : {"0.2.0", "0.2.6", "0.3.0", "0.3.1"}) source.add(std::string("wasi:io@") + v);
  auto outcome = solve(root({"wasi:http@^0.2", "demo:new@^1"}), source);
  EXPECT_EQ(picks(outcome), "demo:new 1.0.0, wasi:http 0.2.0, wasi:io 0.2.6, wasi:io 0.3.1");
  // Each copy records who asked for it.
  ASSERT_TRUE(outcome.solved());
  const auto& io_02 = outcome.resolution()->packages[2];
  ASSERT_EQ(io_02.required_by.size(), 1u);
  EXPECT_EQ(io_02.required_by[0].by->to_string(), "wasi:http@0.2.0");
  EXPECT_EQ(io_02.required_by[0].requirement.to_string(), "^0.2");
}

TEST(SolveTest, RequirementSpanningTracksReusesTheTrackAlreadySelected) {
  Registry source;
  source.add("demo:a@1.0.0", {"wasi:io@^0.2"});
  source.add("demo:b@1.0.0", {"wasi:io@>=0.2, <0.4"});
  for (auto v : {"0.2.0", "0.2.6", "0.3.0", "0.3.1"}) source.add(std::string("wasi:io@") + v);
  EXPECT_EQ(picks(solve(root({"demo:a@^1", "demo:b@^1"}), source)),
            "demo:a 1.0.0, demo:b 1.0.0, wasi:io 0.2.6");
  // Alone, the wide requirement takes the newest track.
  EXPECT_EQ(picks(solve(root({"demo:b@^1"}), source)), "demo:b 1.0.0, wasi:io 0.3.1");
}

TEST(SolveTest, RequirementSpanningTracksFallsBackToAnOlderTrack) {
  Registry source;
  source.add("demo:b@1.0.0", {"wasi:io@>=0.2, <0.4"});
  source.add("wasi:io@0.2.6");
  source.add("wasi:io@0.3.1", {"demo:gone@^1"});
  source.set_absent(name("demo:gone"), Absence::kMissing);
  EXPECT_EQ(picks(solve(root({"demo:b@^1"}), source)), "demo:b 1.0.0, wasi:io 0.2.6");
}

TEST(SolveTest, RequirementSpanningTracksPrefersTheLockedTrack) {
  Registry source;
  source.add("demo:b@1.0.0", {"wasi:io@>=0.2, <0.4"});
  for (auto v : {"0.2.0", "0.2.6", "0.3.0", "0.3.1"}) source.add(std::string("wasi:io@") + v);
  EXPECT_EQ(picks(solve(root({"demo:b@^1"}, {"demo:b@1.0.0", "wasi:io@0.2.0"}), source)),
            "demo:b 1.0.0, wasi:io 0.2.0");
}

TEST(SolveTest, RequirementSpanningTracksExplainsEveryTrackItTried) {
  Registry source;
  source.add("demo:b@1.0.0", {"wasi:io@>=0.2, <0.4"});
  source.add("wasi:io@0.2.6", {"demo:gone@^1"});
  source.add("wasi:io@0.3.1", {"demo:gone@^2"});
  source.set_absent(name("demo:gone"), Absence::kMissing);
  EXPECT_EQ(picks(solve(root({"demo:b@^1"}), source)),
            "cannot resolve demo:b:\n"
            "  demo:b 1.0.0 (you asked for ^1) needs wasi:io >=0.2, <0.4\n"
            "  wasi:io 0.2.6 needs demo:gone ^1, but the registry has no package demo:gone\n"
            "  wasi:io 0.3.1 needs demo:gone ^2, but the registry has no package demo:gone\n");
}

TEST(SolveTest, RecordsWhoRequiredEachPackage) {
  Registry source;
  source.add("demo:app@1.0.0", {"demo:left@^1", "demo:right@^1"});
  source.add("demo:left@1.0.0", {"demo:base@^1.2"});
  source.add("demo:right@1.0.0", {"demo:base@~1.3.0"});
  source.add("demo:base@1.3.4");
  auto outcome = solve(root({"demo:app@^1", "demo:base@>=1"}), source);
  ASSERT_TRUE(outcome.solved());
  const auto& base = outcome.resolution()->packages[1];
  ASSERT_EQ(base.name.to_string(), "demo:base");
  std::vector<std::string> requirers;
  for (const auto& r : base.required_by) {
    requirers.push_back((r.by ? r.by->to_string() : std::string("project")) + " " +
                        r.requirement.to_string());
  }
  EXPECT_EQ(requirers, (std::vector<std::string>{"project >=1", "demo:left@1.0.0 ^1.2",
                                                 "demo:right@1.0.0 ~1.3.0"}));
}

TEST(SolveTest, DependencyOnAnotherTrackOfItselfIsAllowed) {
  Registry source;
  source.add("demo:compat@2.0.0", {"demo:compat@^1"});
  source.add("demo:compat@1.4.0");
  EXPECT_EQ(picks(solve(root({"demo:compat@^2"}), source)), "demo:compat 1.4.0, demo:compat 2.0.0");
}

TEST(SolveTest, ConflictExplanationNamesBothRequirements) {
  Registry source;
  source.add("toolsku:analytics@0.2.0", {"toolsku:math-tools@^0.2.1"});
  source.add("toolsku:math-tools@0.2.0");
  source.add("toolsku:math-tools@0.2.1");
  auto outcome = solve(root({"toolsku:math-tools@=0.2.0", "toolsku:analytics@^0.2"}), source);
  ASSERT_NE(outcome.conflict(), nullptr);
  EXPECT_EQ(explain(*outcome.conflict()),
            "cannot resolve toolsku:math-tools:\n"
            "  you asked for toolsku:math-tools =0.2.0\n"
            "  toolsku:analytics 0.2.0 (you asked for ^0.2) needs toolsku:math-tools ^0.2.1\n"
            "  no version satisfies both =0.2.0 and ^0.2.1\n");
}

TEST(SolveTest, ConflictBecomesAnUnsolvableError) {
  Registry source;
  source.add("demo:lib@1.4.1");
  auto outcome = solve(root({"demo:lib@=1.5.0"}), source);
  ASSERT_NE(outcome.conflict(), nullptr);
  Error error = to_error(*outcome.conflict());
  EXPECT_EQ(error.code, ErrorCode::kUnsolvable);
  EXPECT_EQ(error.message,
            "cannot resolve demo:lib:\n"
            "  you asked for demo:lib =1.5.0, but no version of demo:lib matches it"
            " (the newest is 1.4.1)\n"
            "change one of these requirements (in wreg.toml or on the command line), or publish a"
            " version that satisfies them");
}

TEST(SolveTest, ConflictAlongAChainNamesEveryLink) {
  Registry source;
  source.add("demo:app@1.0.0", {"demo:mid@^1"});
  source.add("demo:mid@1.0.0", {"demo:base@~1.2.0"});
  source.add("demo:base@1.2.0");
  source.add("demo:base@1.3.0");
  auto outcome = solve(root({"demo:app@^1", "demo:base@^1.3"}), source);
  EXPECT_EQ(picks(outcome),
            "cannot resolve demo:base:\n"
            "  you asked for demo:base ^1.3\n"
            "  demo:app 1.0.0 (you asked for ^1) needs demo:mid ^1\n"
            "  demo:mid 1.0.0 needs demo:base ~1.2.0\n"
            "  no version satisfies both ^1.3 and ~1.2.0\n");
}

TEST(SolveTest, NoMatchingVersionSaysWhatTheNewestIs) {
  Registry source;
  source.add("demo:lib@1.4.1");
  EXPECT_EQ(picks(solve(root({"demo:lib@^2.0"}), source)),
            "cannot resolve demo:lib:\n"
            "  you asked for demo:lib ^2.0, but no version of demo:lib matches it"
            " (the newest is 1.4.1)\n");
}

TEST(SolveTest, YankedVersionIsNeverNewlyChosen) {
  Registry source;
  source.add("demo:lib@1.0.0");
  source.add("demo:lib@1.1.0", {}, /*yanked=*/true);
  EXPECT_EQ(picks(solve(root({"demo:lib@^1"}), source)), "demo:lib 1.0.0");
  EXPECT_EQ(picks(solve(root({"demo:lib@=1.1.0"}), source)),
            "cannot resolve demo:lib:\n"
            "  you asked for demo:lib =1.1.0\n"
            "  demo:lib 1.1.0 is yanked\n");
}

TEST(SolveTest, YankedVersionIsKeptFromTheLock) {
  Registry source;
  source.add("demo:lib@1.0.0");
  source.add("demo:lib@1.1.0", {}, /*yanked=*/true);
  auto outcome = solve(root({"demo:lib@^1"}, {"demo:lib@1.1.0"}), source);
  EXPECT_EQ(picks(outcome), "demo:lib 1.1.0");
  EXPECT_TRUE(outcome.resolution()->packages[0].yanked);
  // `update` frees it, and then it is not chosen again.
  auto request = root({"demo:lib@^1"}, {"demo:lib@1.1.0"});
  request.update_all = true;
  EXPECT_EQ(picks(solve(request, source)), "demo:lib 1.0.0");
}

// The one yanked rule (may_choose()): `update`, of everything or of the package, keeps a locked
// release that has been yanked when no other version is allowed, and moves off it to the newest
// one that is not yanked as soon as there is one, even an older one.
TEST(SolveTest, UpdateMovesOffALockedYankedReleaseOnlyWhenAnotherIsAllowed) {
  Registry source;
  source.add("demo:lib@1.1.0", {}, /*yanked=*/true);
  source.add("demo:lib@1.2.0", {}, /*yanked=*/true);
  auto update = [](bool all) {
    auto request = root({"demo:lib@^1"}, {"demo:lib@1.2.0"});
    if (all) {
      request.update_all = true;
    } else {
      request.update.push_back(*PackageName::parse("demo:lib"));
    }
    return request;
  };
  for (bool all : {true, false}) {
    auto kept = solve(update(all), source);
    ASSERT_EQ(picks(kept), "demo:lib 1.2.0") << all;
    EXPECT_TRUE(kept.resolution()->packages[0].yanked);
  }
  source.add("demo:lib@1.0.0");
  for (bool all : {true, false}) {
    auto moved = solve(update(all), source);
    ASSERT_EQ(picks(moved), "demo:lib 1.0.0") << all;
    EXPECT_FALSE(moved.resolution()->packages[0].yanked);
  }
}

struct PrereleaseCase {
  const char* requirement;
  bool allow;
  const char* expected;
};

TEST(SolveTest, PrereleasesOnlyWhenTheRequirementNamesOne) {
  Registry source;
  for (auto v : {"1.0.0", "1.1.0-rc.1", "2.0.0-rc.1", "2.0.0-rc.2"}) {
    source.add(std::string("demo:lib@") + v);
  }
  const PrereleaseCase cases[] = {
      {"demo:lib@^1", false, "demo:lib 1.0.0"},
      {"demo:lib@^1.1.0-rc.1", false, "demo:lib 1.1.0-rc.1"},
      {"demo:lib@>=2.0.0-rc.1", false, "demo:lib 2.0.0-rc.2"},
      {"demo:lib@^1", true, "demo:lib 1.1.0-rc.1"},
      {"demo:lib@>=1.5", true, "demo:lib 2.0.0-rc.2"},
  };
  for (const auto& c : cases) {
    auto request = root({c.requirement});
    request.allow_prereleases = c.allow;
    EXPECT_EQ(picks(solve(request, source)), c.expected) << c.requirement << " " << c.allow;
  }
  EXPECT_EQ(picks(solve(root({"demo:lib@^2"}), source)),
            "cannot resolve demo:lib:\n"
            "  you asked for demo:lib ^2, but no version of demo:lib matches it"
            " (the newest is 2.0.0-rc.2)\n");
}

Registry lock_registry() {
  Registry source;
  for (auto v : {"1.0.0", "1.1.0"}) {
    source.add(std::string("demo:a@") + v, {"demo:shared@^1"});
    source.add(std::string("demo:b@") + v, {"demo:shared@^1"});
    source.add(std::string("demo:shared@") + v);
  }
  source.add("demo:a@1.2.0", {"demo:shared@^1.1"});
  return source;
}

TEST(SolveTest, LockedVersionsAreKeptWhileTheyStillSatisfy) {
  auto source = lock_registry();
  auto request =
      root({"demo:a@^1", "demo:b@^1"}, {"demo:a@1.0.0", "demo:b@1.0.0", "demo:shared@1.0.0"});
  EXPECT_EQ(picks(solve(request, source)), "demo:a 1.0.0, demo:b 1.0.0, demo:shared 1.0.0");
  // A requirement the lock no longer satisfies moves only that package.
  request.requirements[1] = testing::requirement("demo:b@^1.1");
  EXPECT_EQ(picks(solve(request, source)), "demo:a 1.0.0, demo:b 1.1.0, demo:shared 1.0.0");
}

TEST(SolveTest, UpdateOnePackageChangesOnlyWhatItMust) {
  auto source = lock_registry();
  auto request =
      root({"demo:a@^1", "demo:b@^1"}, {"demo:a@1.0.0", "demo:b@1.0.0", "demo:shared@1.0.0"});
  request.update = {name("demo:a")};
  // demo:a 1.2.0 needs demo:shared ^1.1, so shared moves too; demo:b stays.
  EXPECT_EQ(picks(solve(request, source)), "demo:a 1.2.0, demo:b 1.0.0, demo:shared 1.1.0");
  request.update = {name("demo:b")};
  EXPECT_EQ(picks(solve(request, source)), "demo:a 1.0.0, demo:b 1.1.0, demo:shared 1.0.0");
  request.update.clear();
  request.update_all = true;
  EXPECT_EQ(picks(solve(request, source)), "demo:a 1.2.0, demo:b 1.1.0, demo:shared 1.1.0");
}

TEST(SolveTest, SameAnswerWhateverTheOrderOfTheSource) {
  Registry source;
  source.add("demo:app@1.0.0", {"demo:x@^1", "demo:y@^1", "demo:z@>=1"});
  source.add("demo:app@1.1.0", {"demo:x@^1.1", "demo:y@~1.0", "demo:z@^2"});
  for (auto v : {"1.0.0", "1.1.0", "1.2.0"}) {
    source.add(std::string("demo:x@") + v, {"demo:y@^1"});
    source.add(std::string("demo:y@") + v, {"demo:z@^1"});
  }
  for (auto v : {"1.0.0", "2.0.0", "2.1.0"}) source.add(std::string("demo:z@") + v);
  auto request = root({"demo:app@^1", "demo:z@^2.1"});
  const std::string expected = picks(solve(request, source));
  EXPECT_EQ(expected, "demo:app 1.1.0, demo:x 1.2.0, demo:y 1.0.0, demo:z 1.0.0, demo:z 2.1.0");
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    Registry shuffled;
    auto names = source.names();
    std::shuffle(names.begin(), names.end(), random);
    for (const auto& n : names) {
      auto document = *source.document(n);
      std::shuffle(document.versions.begin(), document.versions.end(), random);
      for (auto& release : document.versions) {
        std::shuffle(release.dependencies.begin(), release.dependencies.end(), random);
      }
      shuffled.put(std::move(document));
    }
    std::shuffle(request.requirements.begin(), request.requirements.end(), random);
    EXPECT_EQ(picks(solve(request, shuffled)), expected);
  }
}

TEST(SolveTest, MissingPackageIsAFactNotARetry) {
  Registry source;
  source.add("demo:app@1.0.0", {"demo:gone@^1"});
  source.set_absent(name("demo:gone"), Absence::kMissing);
  EXPECT_EQ(picks(solve(root({"demo:app@^1"}), source)),
            "cannot resolve demo:app:\n"
            "  demo:app 1.0.0 (you asked for ^1) needs demo:gone ^1,"
            " but the registry has no package demo:gone\n");
  EXPECT_EQ(picks(solve(root({"demo:gone@^1"}), source)),
            "cannot resolve demo:gone:\n"
            "  you asked for demo:gone ^1, but the registry has no package demo:gone\n");
}

TEST(SolveTest, UnfetchedPackagesAreListedForTheClientToFetch) {
  Registry source;
  source.add("demo:app@1.0.0", {"demo:lib@^1", "demo:util@^1"});
  auto outcome = solve(root({"demo:app@^1", "demo:other@^2"}), source);
  EXPECT_EQ(picks(outcome), "needs: demo:lib demo:other demo:util");
  std::vector<std::string> names;
  for (const auto& n : unfetched_dependencies(root({"demo:app@^1"}), source)) {
    names.push_back(n.to_string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"demo:lib", "demo:util"}));
  source.add("demo:lib@1.0.0");
  source.add("demo:util@1.0.0");
  EXPECT_TRUE(unfetched_dependencies(root({"demo:app@^1"}), source).empty());
  EXPECT_EQ(picks(solve(root({"demo:app@^1"}), source)),
            "demo:app 1.0.0, demo:lib 1.0.0, demo:util 1.0.0");
}

TEST(SolveTest, UnfetchedDependenciesFollowOnlyReleasesThatCouldBeChosen) {
  Registry source;
  source.add("demo:app@1.0.0", {"demo:lib@^1"});
  source.add("demo:app@1.1.0", {"demo:yanked-dep@^1"}, /*yanked=*/true);
  source.add("demo:app@2.0.0", {"demo:other@^1"});
  auto names = [&](const ResolveRequest& request) {
    std::string out;
    for (const auto& n : unfetched_dependencies(request, source)) out += n.to_string() + " ";
    return out;
  };
  EXPECT_EQ(names(root({"demo:app@^1"})), "demo:lib ");
  // A locked yanked release is still a candidate, so its dependencies are needed too.
  EXPECT_EQ(names(root({"demo:app@^1"}, {"demo:app@1.1.0"})), "demo:lib demo:yanked-dep ");
  EXPECT_EQ(names(root({"demo:app@*"})), "demo:lib demo:other ");
}

TEST(SolveTest, UnreachablePackageIsNamed) {
  Registry source;
  source.set_absent(name("demo:lib"), Absence::kUnreachable);
  EXPECT_EQ(picks(solve(root({"demo:lib@^1"}), source)),
            "cannot resolve demo:lib:\n"
            "  you asked for demo:lib ^1, but demo:lib could not be fetched;"
            " check the connection and retry\n");
}

TEST(SolveTest, CyclesTerminate) {
  Registry source;
  source.add("demo:a@1.0.0", {"demo:b@^1"});
  source.add("demo:b@1.0.0", {"demo:c@^1"});
  source.add("demo:c@1.0.0", {"demo:a@^1"});
  source.add("demo:self@1.0.0", {"demo:self@^1"});
  EXPECT_EQ(picks(solve(root({"demo:a@^1", "demo:self@^1"}), source)),
            "demo:a 1.0.0, demo:b 1.0.0, demo:c 1.0.0, demo:self 1.0.0");
  // A cycle that cannot close: c needs an a that does not exist.
  source.add("demo:c@1.0.0", {"demo:a@^1.5"});
  auto outcome = solve(root({"demo:a@^1"}), source);
  ASSERT_NE(outcome.conflict(), nullptr);
  EXPECT_EQ(explain(*outcome.conflict()),
            "cannot resolve demo:a:\n"
            "  demo:a 1.0.0 (you asked for ^1) needs demo:b ^1\n"
            "  demo:b 1.0.0 needs demo:c ^1\n"
            "  demo:c 1.0.0 needs demo:a ^1.5, but no version of demo:a matches it"
            " (the newest is 1.0.0)\n");
}

std::string chain_name(int i) { return "demo:p" + std::to_string(i); }

TEST(SolveTest, ThousandDeepChainSolvesWithoutStackOverflow) {
  constexpr int kDepth = 1000;
  Registry source;
  for (int i = 0; i < kDepth; ++i) {
    std::string release = chain_name(i) + "@1.0.0";
    std::string next = chain_name(i + 1) + "@^1";
    if (i + 1 < kDepth) {
      source.add(release, {next});
      source.add(chain_name(i) + "@1.1.0", {next});
    } else {
      source.add(release);
    }
  }
  auto outcome = solve(root({chain_name(0) + "@^1"}), source);
  ASSERT_TRUE(outcome.solved());
  EXPECT_EQ(outcome.resolution()->packages.size(), static_cast<std::size_t>(kDepth));
  // The last link rules itself out: the whole chain fails, and says why from the top down.
  source.add(chain_name(kDepth - 1) + "@1.0.0", {"demo:gone@^1"});
  source.set_absent(name("demo:gone"), Absence::kMissing);
  auto failed = solve(root({chain_name(0) + "@^1"}), source);
  ASSERT_NE(failed.conflict(), nullptr);
  const auto& facts = failed.conflict()->facts;
  ASSERT_EQ(facts.size(), static_cast<std::size_t>(kDepth));
  EXPECT_EQ(describe(facts.front()), "demo:p0 1.0.0, 1.1.0 (you asked for ^1) needs demo:p1 ^1");
  EXPECT_EQ(describe(facts.back()),
            "demo:p999 1.0.0 needs demo:gone ^1, but the registry has no package demo:gone");
}

// ---- Releases listed without their dependencies (an OCI registry's tags: ReleaseSummary::unread).

// Marks `release` as listed by tag only: its dependencies are not known yet.
void mark_unread(Registry& source, std::string_view release) {
  auto id = must(PackageVersion::parse(release), release);
  for (auto& r : source.document(id.name)->versions) {
    if (r.version == id.version) {
      r.unread = true;
      r.dependencies.clear();
    }
  }
}

// The unread releases NeedsDocuments names, as "ns:name@version, ...".
std::string unread_needed(const SolveOutcome& outcome) {
  std::string text;
  if (const auto* needs = outcome.needs()) {
    for (const auto& id : needs->releases) text += (text.empty() ? "" : ", ") + id.to_string();
  }
  return text;
}

TEST(SolveTest, AnUnreadCandidateIsNamedNotEveryVersion) {
  Registry source;
  for (auto v : {"0.2.0", "0.2.3", "0.2.8", "0.3.0"}) {
    source.add(std::string("wasi:io@") + v);
    mark_unread(source, std::string("wasi:io@") + v);
  }
  // Only the newest matching version is asked for, not the four the tags list.
  EXPECT_EQ(unread_needed(solve(root({"wasi:io@^0.2"}), source)), "wasi:io@0.2.8");
  // Once read, it resolves.
  for (auto& r : source.document(name("wasi:io"))->versions) {
    if (r.version == version("0.2.8")) r.unread = false;
  }
  EXPECT_EQ(picks(solve(root({"wasi:io@^0.2"}), source)), "wasi:io 0.2.8");
}

// Reading a release can reveal a dependency that rules it out: the next run then moves to
// another candidate and asks for that one.
TEST(SolveTest, AReadReleaseWhoseDependenciesConflictMovesToTheNextCandidate) {
  Registry source;
  source.add("wasi:http@0.2.8", {"wasi:io@^0.2.8"});
  source.add("wasi:http@0.2.3", {"wasi:io@^0.2.3"});
  mark_unread(source, "wasi:http@0.2.3");
  source.add("wasi:io@0.2.3");
  source.add("wasi:io@0.2.8");
  EXPECT_EQ(picks(solve(root({"wasi:http@^0.2", "wasi:io@=0.2.3"}), source)), "needs:");
  EXPECT_EQ(unread_needed(solve(root({"wasi:http@^0.2", "wasi:io@=0.2.3"}), source)),
            "wasi:http@0.2.3");
}

}  // namespace
}  // namespace wreg::resolve
