// Property tests on small random registries (after pubgrub-rs tests/proptest.rs): the solver
// agrees with a brute-force enumerator on whether a solution exists, every solution it gives is
// valid, and rules that need no oracle hold: repeated runs agree, shuffling the input changes
// nothing (not even the explanation), removing a dependency never
// breaks a solvable case, a lock never makes a solvable case fail, and locking the solver's own
// answer gives that answer back.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tests/unit/resolve/resolve_test_util.h"

namespace wreg::resolve {
namespace {

using testing::picks;
using testing::requirement;

constexpr const char* kVersions[] = {"0.1.0", "0.1.1", "0.2.0", "1.0.0",
                                     "1.1.0", "1.2.0", "2.0.0", "1.1.0-rc.1"};
constexpr const char* kRequirements[] = {
    "^0.1",  "~0.1.1", "^0.2", "^1", "^1.1",          "~1.0.0",      "=1.1.0", ">=1.0, <2.0",
    ">=0.2", "<1.1",   "*",    "^2", ">=0.1.1, <1.1", "^1.1.0-rc.1", "=0.1.0"};

struct Case {
  testing::Registry source;
  ResolveRequest request;
  std::vector<PackageName> names;
};

Case random_case(std::mt19937& random) {
  Case c;
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  std::size_t packages = 2 + pick(3);
  for (std::size_t p = 0; p < packages; ++p) {
    c.names.push_back(testing::name("prop:p" + std::to_string(p)));
  }
  for (const auto& n : c.names) {
    std::vector<std::size_t> order(std::size(kVersions));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), random);
    std::size_t count = 1 + pick(4);
    for (std::size_t k = 0; k < count; ++k) {
      std::vector<api::Dependency> deps;
      std::size_t dep_count = pick(3);
      for (std::size_t d = 0; d < dep_count; ++d) {
        deps.push_back(api::Dependency{
            c.names[pick(c.names.size())],
            testing::must(VersionReq::parse(kRequirements[pick(std::size(kRequirements))]),
                          "requirement")});
      }
      c.source.InMemorySource::add(n, testing::version(kVersions[order[k]]), std::move(deps),
                                   pick(8) == 0);
    }
  }
  std::size_t roots = 1 + pick(2);
  for (std::size_t r = 0; r < roots; ++r) {
    c.request.requirements.push_back(
        Requirement{c.names[pick(c.names.size())],
                    testing::must(VersionReq::parse(kRequirements[pick(std::size(kRequirements))]),
                                  "requirement")});
  }
  return c;
}

// A selection: for each (package, track), the chosen release or none.
struct Slot {
  PackageName name;
  std::vector<const api::ReleaseSummary*> options;  // allowed releases on this track
};

bool edges_hold(const std::vector<api::Dependency>& edges,
                const std::multimap<PackageName, const api::ReleaseSummary*>& chosen) {
  for (const auto& edge : edges) {
    bool held = false;
    auto [lo, hi] = chosen.equal_range(edge.name);
    for (auto it = lo; it != hi && !held; ++it) {
      held = satisfies(edge.requirement, it->second->version, false);
    }
    if (!held) return false;
  }
  return true;
}

bool valid(const ResolveRequest& request,
           const std::multimap<PackageName, const api::ReleaseSummary*>& chosen) {
  std::vector<api::Dependency> root_edges;
  for (const auto& r : request.requirements) root_edges.push_back({r.name, r.requirement});
  if (!edges_hold(root_edges, chosen)) return false;
  for (const auto& [n, release] : chosen) {
    if (!edges_hold(release->dependencies, chosen)) return false;
  }
  return true;
}

// Whether any selection of at most one allowed release per (package, track) is valid; nullopt
// when there are too many selections to try.
std::optional<bool> brute_force(const Case& c) {
  std::vector<Slot> slots;
  for (const auto& n : c.names) {
    const auto* document = c.source.find(n);
    if (document == nullptr) continue;
    std::map<CompatTrack, std::vector<const api::ReleaseSummary*>> by_track;
    for (const auto& release : document->versions) {
      if (!release.yanked) by_track[release.version.track()].push_back(&release);
    }
    for (auto& [track, releases] : by_track) slots.push_back(Slot{n, releases});
  }
  std::size_t total = 1;
  for (const auto& slot : slots) {
    total *= slot.options.size() + 1;
    if (total > 200000) return std::nullopt;
  }
  std::vector<std::size_t> index(slots.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    std::multimap<PackageName, const api::ReleaseSummary*> chosen;
    for (std::size_t s = 0; s < slots.size(); ++s) {
      if (index[s] > 0) chosen.emplace(slots[s].name, slots[s].options[index[s] - 1]);
    }
    if (valid(c.request, chosen)) return true;
    for (std::size_t s = 0; s < slots.size(); ++s) {
      if (++index[s] <= slots[s].options.size()) break;
      index[s] = 0;
    }
  }
  return false;
}

// Checks a resolution against the rules directly: edges hold, one version per track, nothing
// yanked is newly chosen.
void expect_valid(const Case& c, const Resolution& resolution) {
  std::multimap<PackageName, const api::ReleaseSummary*> chosen;
  std::map<std::pair<PackageName, CompatTrack>, int> per_track;
  for (const auto& package : resolution.packages) {
    const auto* release = c.source.find(package.name)->find(package.version);
    ASSERT_NE(release, nullptr);
    EXPECT_FALSE(release->yanked) << package.name.to_string();
    EXPECT_EQ(++per_track[std::make_pair(package.name, package.version.track())], 1)
        << package.name.to_string();
    chosen.emplace(package.name, release);
  }
  EXPECT_TRUE(valid(c.request, chosen));
}

std::vector<PackageVersion> as_lock(const Resolution& resolution) {
  std::vector<PackageVersion> lock;
  for (const auto& package : resolution.packages) lock.push_back({package.name, package.version});
  return lock;
}

TEST(PropertyTest, AgreesWithBruteForceOnSmallRegistries) {
  std::mt19937 random(20261126);
  int compared = 0;
  int solvable = 0;
  for (int round = 0; round < 600; ++round) {
    Case c = random_case(random);
    auto outcome = solve(c.request, c.source);
    ASSERT_FALSE(outcome.needs()) << round;
    auto expected = brute_force(c);
    if (!expected) continue;
    ++compared;
    ASSERT_EQ(outcome.solved(), *expected) << "round " << round << ": " << picks(outcome);
    if (outcome.solved()) {
      ++solvable;
      expect_valid(c, *outcome.resolution());
    } else {
      EXPECT_FALSE(explain(*outcome.conflict()).empty());
    }
  }
  // The generator must exercise both answers.
  EXPECT_GT(compared, 500);
  EXPECT_GT(solvable, 100);
  EXPECT_LT(solvable, compared - 50);
}

TEST(PropertyTest, RepeatedRunsAgree) {
  std::mt19937 random(7);
  for (int round = 0; round < 300; ++round) {
    Case c = random_case(random);
    EXPECT_EQ(picks(solve(c.request, c.source)), picks(solve(c.request, c.source)));
  }
}

TEST(PropertyTest, ShuffledInputGivesTheSameAnswerAndExplanation) {
  std::mt19937 random(17);
  for (int round = 0; round < 300; ++round) {
    Case c = random_case(random);
    const std::string expected = picks(solve(c.request, c.source));
    testing::Registry shuffled;
    auto names = c.source.names();
    std::shuffle(names.begin(), names.end(), random);
    for (const auto& n : names) {
      auto document = *c.source.document(n);
      std::shuffle(document.versions.begin(), document.versions.end(), random);
      for (auto& release : document.versions) {
        std::shuffle(release.dependencies.begin(), release.dependencies.end(), random);
      }
      shuffled.put(std::move(document));
    }
    auto request = c.request;
    std::shuffle(request.requirements.begin(), request.requirements.end(), random);
    EXPECT_EQ(picks(solve(request, shuffled)), expected) << round;
  }
}

TEST(PropertyTest, RemovingADependencyNeverBreaksASolvableCase) {
  std::mt19937 random(11);
  for (int round = 0; round < 400; ++round) {
    Case c = random_case(random);
    if (!solve(c.request, c.source).solved()) continue;
    for (const auto& n : c.names) {
      auto* document = c.source.document(n);
      for (auto& release : document->versions) {
        if (release.dependencies.empty()) continue;
        auto removed = release.dependencies.back();
        release.dependencies.pop_back();
        auto outcome = solve(c.request, c.source);
        EXPECT_TRUE(outcome.solved())
            << round << " without " << removed.name.to_string() << " " << picks(outcome);
        release.dependencies.push_back(removed);
      }
    }
  }
}

TEST(PropertyTest, LockNeverBreaksASolvableCaseAndIsKept) {
  std::mt19937 random(13);
  for (int round = 0; round < 300; ++round) {
    Case c = random_case(random);
    auto first = solve(c.request, c.source);
    if (!first.solved()) continue;
    // Locking the answer gives the answer back.
    auto locked = c.request;
    locked.locked = as_lock(*first.resolution());
    EXPECT_EQ(picks(solve(locked, c.source)), picks(first)) << round;
    // A lock from another request is only a preference.
    Case other = random_case(random);
    auto other_outcome = solve(other.request, c.source);
    if (other_outcome.solved()) {
      locked.locked = as_lock(*other_outcome.resolution());
      EXPECT_TRUE(solve(locked, c.source).solved()) << round;
    }
  }
}

}  // namespace
}  // namespace wreg::resolve
