#include "bench/resolver_registry.h"

#include <random>
#include <vector>

namespace wreg::bench {
namespace {

PackageName package(const std::string& label) {
  // Our own labels are valid by construction: "bench:" + a letter + digits.
  return PackageName::parse("bench:" + label).value();
}

VersionReq requirement(const std::string& text) { return VersionReq::parse(text).value(); }

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  // Uniform enough in [0, n) for a benchmark; exact and portable, unlike std distributions.
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : engine_() % n; }
  bool percent(std::uint64_t p) { return below(100) < p; }

 private:
  std::mt19937_64 engine_;
};

std::vector<Version> version_history(Random& random, int count) {
  std::vector<Version> versions;
  std::uint64_t major = random.percent(50) ? 0 : 1;
  std::uint64_t minor = major == 0 ? 1 : 0;
  std::uint64_t patch = 0;
  for (int i = 0; i < count; ++i) {
    versions.emplace_back(major, minor, patch);
    auto roll = random.below(100);
    if (roll < 60) {
      ++patch;
    } else if (roll < 90) {
      ++minor;
      patch = 0;
    } else {
      ++major;
      minor = 0;
      patch = 0;
    }
  }
  return versions;
}

std::string text(const Version& v) { return v.to_string(); }

// A requirement aimed at `history[index]`: caret, tilde or a range, as people write them. In a
// typical registry a tilde names the newest line of its track (people pin the line they are on,
// not an old one), so typical requirements rarely contradict each other; `tight` ones do.
std::string requirement_for(Random& random, const std::vector<Version>& history, std::size_t index,
                            bool tight) {
  const Version& v = history[index];
  auto roll = random.below(100);
  if (tight) {
    return roll < 50 ? "=" + text(v) : "~" + text(v);
  }
  if (roll < 70) return "^" + text(v);
  if (roll < 85) {
    const Version* line = &v;
    for (const auto& later : history) {
      if (later.track() == v.track() && later > *line) line = &later;
    }
    return "~" + std::to_string(line->major()) + "." + std::to_string(line->minor());
  }
  std::string upper = v.major() > 0 ? std::to_string(v.major() + 1) + ".0.0"
                                    : "0." + std::to_string(v.minor() + 1) + ".0";
  return ">=" + text(v) + ", <" + upper;
}

Scenario generate(const std::string& name, std::uint64_t seed, const TypicalShape& shape,
                  bool tight) {
  Scenario scenario;
  scenario.name = name;
  Random random(seed);
  std::vector<PackageName> names;
  std::vector<std::vector<Version>> histories;
  for (int i = 0; i < shape.packages; ++i) {
    names.push_back(package("p" + std::to_string(i)));
    histories.push_back(version_history(random, shape.versions));
  }
  for (int i = 0; i < shape.packages; ++i) {
    // A package keeps most of its dependencies from one release to the next, and moves their
    // requirements forward now and then, as real packages do.
    std::vector<std::pair<int, std::size_t>> current;  // (package, index of targeted version)
    for (int k = 0; k < shape.versions; ++k) {
      if (k == 0 || random.percent(20)) {
        current.clear();
        auto count = random.below(static_cast<std::uint64_t>(shape.max_dependencies) + 1);
        for (std::uint64_t d = 0; d < count && i + 1 < shape.packages; ++d) {
          // Popular foundations: the later a package, the more depend on it (the target is
          // drawn as span * u^3 from the end), so most chains reach the well-shared tail of
          // the registry within a few steps, as in real ones.
          auto span = static_cast<std::uint64_t>(shape.packages - i - 1);
          if (!shape.popular_tail) {
            // Clusters instead: mostly nearby packages, so chains run the registry's length.
            auto reach = random.percent(80) ? std::min<std::uint64_t>(span, 50) : span;
            int near = i + 1 + static_cast<int>(random.below(reach));
            bool seen = false;
            for (const auto& [other, index] : current) seen = seen || other == near;
            if (!seen) current.emplace_back(near, shape.versions - 1 - random.below(5));
            continue;
          }
          std::uint64_t u = random.below(1 << 20);
          auto offset = static_cast<std::uint64_t>(static_cast<double>(span) *
                                                   static_cast<double>(u * u) / double(1ULL << 40) *
                                                   static_cast<double>(u) / double(1 << 20));
          int target = shape.packages - 1 - static_cast<int>(std::min(offset, span - 1));
          bool again = false;
          for (const auto& [other, index] : current) again = again || other == target;
          if (again) continue;  // one requirement per dependency, as a manifest has
          // Mostly a recent release, as when a maintainer adds a dependency today.
          auto back = random.percent(tight ? 0 : 80)
                          ? random.below(5)
                          : random.below(static_cast<std::uint64_t>(shape.versions));
          current.emplace_back(target, static_cast<std::size_t>(shape.versions - 1) - back);
        }
      } else if (!current.empty() && random.percent(30)) {
        auto& moved = current[random.below(current.size())];
        moved.second = std::min<std::size_t>(moved.second + 1 + random.below(3),
                                             static_cast<std::size_t>(shape.versions - 1));
      }
      std::vector<api::Dependency> dependencies;
      for (auto [target, index] : current) {
        dependencies.push_back(api::Dependency{
            names[target], requirement(requirement_for(random, histories[target], index, tight))});
      }
      // Yanked: 2% of the releases that were followed by a fix on the same track.
      bool fixed_later =
          k + 1 < shape.versions && histories[i][k + 1].track() == histories[i][k].track();
      bool yanked = random.percent(2) && fixed_later;
      scenario.source.add(names[i], histories[i][k], std::move(dependencies), yanked);
    }
  }
  for (int r = 0; r < shape.roots; ++r) {
    auto target = random.below(static_cast<std::uint64_t>(shape.packages));
    const auto& history = histories[target];
    const auto& v = history[history.size() / 2 + random.below(history.size() / 2)];
    scenario.request.requirements.push_back(
        resolve::Requirement{names[target], requirement("^" + text(v))});
  }
  return scenario;
}

}  // namespace

Scenario typical(std::uint64_t seed, const TypicalShape& shape) {
  auto scenario = generate("typical", seed, shape, /*tight=*/false);
  scenario.description = std::to_string(shape.packages) + " packages x " +
                         std::to_string(shape.versions) + " versions, " +
                         std::to_string(shape.roots) + " root requirements";
  return scenario;
}

Scenario adversarial(const std::string& name, std::uint64_t seed) {
  constexpr int kVersions = 30;
  if (name == "pinned-hub") {
    Scenario s;
    s.name = name;
    s.description = "100 packages x 30 versions, each release pinning a different bench:hub";
    for (int v = 0; v < kVersions; ++v) {
      s.source.add(package("hub"), Version(1, static_cast<std::uint64_t>(v), 0));
    }
    for (int i = 0; i < 100; ++i) {
      auto p = package("a" + std::to_string(i));
      for (int v = 0; v < kVersions; ++v) {
        s.source.add(p, Version(1, static_cast<std::uint64_t>(v), 0),
                     {{package("hub"), requirement("=1." + std::to_string(v) + ".0")}});
      }
      s.request.requirements.push_back({p, requirement("^1")});
    }
    s.request.requirements.push_back({package("hub"), requirement("=1.0.0")});
    return s;
  }
  if (name == "deep-retreat") {
    Scenario s;
    s.name = name;
    s.description = "a 1,000-long chain x 30 versions; only the oldest of the last link works";
    constexpr int kDepth = 1000;
    for (int i = 0; i < kDepth; ++i) {
      auto p = package("c" + std::to_string(i));
      for (int v = 0; v < kVersions; ++v) {
        std::vector<api::Dependency> deps;
        if (i + 1 < kDepth) {
          deps.push_back({package("c" + std::to_string(i + 1)),
                          requirement(">=1." + std::to_string(v) + ".0")});
        } else if (v > 0) {
          deps.push_back({package("missing"), requirement("^1")});
        }
        s.source.add(p, Version(1, static_cast<std::uint64_t>(v), 0), std::move(deps));
      }
    }
    s.source.set_absent(package("missing"), resolve::Absence::kMissing);
    s.request.requirements.push_back({package("c0"), requirement("^1")});
    return s;
  }
  if (name == "unsat-fan") {
    Scenario s;
    s.name = name;
    s.description = "30 packages x 30 versions, each needing a ruled-out bench:core via a chain";
    for (int v = 0; v < 3; ++v) s.source.add(package("core"), Version(1, v, 0));
    for (int i = 0; i < 30; ++i) {
      auto p = package("f" + std::to_string(i));
      for (int v = 0; v < kVersions; ++v) {
        auto step = package("s" + std::to_string(i) + "x" + std::to_string(v % 3));
        s.source.add(p, Version(1, static_cast<std::uint64_t>(v), 0), {{step, requirement("^1")}});
      }
      for (int k = 0; k < 3; ++k) {
        auto step = package("s" + std::to_string(i) + "x" + std::to_string(k));
        auto next = package("t" + std::to_string(i) + "x" + std::to_string(k));
        s.source.add(step, Version(1, 0, 0), {{next, requirement("^1")}});
        s.source.add(next, Version(1, 0, 0),
                     {{package("core"), requirement(">=1." + std::to_string(1 + k % 2) + ".0")}});
      }
      s.request.requirements.push_back({p, requirement("^1")});
    }
    s.request.requirements.push_back({package("core"), requirement("=1.0.0")});
    return s;
  }
  if (name == "pigeonhole") {
    // Nine pigeons, eight holes: pigeon i at version 1.h sits in hole h, and hole h at version
    // 1.i says which pigeon is in it. Unsatisfiable, and resolution proofs of it grow
    // exponentially with the number of pigeons, whatever the solver's heuristics.
    Scenario s;
    s.name = name;
    s.description = "9 pigeons, 8 holes: the classic exponential case for conflict learning";
    constexpr int kPigeons = 9;
    for (int h = 0; h + 1 < kPigeons; ++h) {
      for (int p = 0; p < kPigeons; ++p) {
        s.source.add(package("hole" + std::to_string(h)), Version(1, p, 0));
      }
    }
    for (int p = 0; p < kPigeons; ++p) {
      auto pigeon = package("pigeon" + std::to_string(p));
      for (int h = 0; h + 1 < kPigeons; ++h) {
        s.source.add(
            pigeon, Version(1, h, 0),
            {{package("hole" + std::to_string(h)), requirement("=1." + std::to_string(p) + ".0")}});
      }
      s.request.requirements.push_back({pigeon, requirement("^1")});
    }
    return s;
  }
  if (name == "whole-registry") {
    TypicalShape shape;
    shape.popular_tail = false;
    auto s = generate(name, seed, shape, /*tight=*/false);
    s.description = "10,000 packages x 30 versions whose 100 roots need nearly all of it";
    return s;
  }
  // tight-random
  TypicalShape shape;
  shape.packages = 2000;
  shape.max_dependencies = 6;
  auto s = generate(name, seed, shape, /*tight=*/true);
  s.description = "2,000 packages x 30 versions, exact and tilde requirements only";
  return s;
}

}  // namespace wreg::bench
