// Synthetic registries for the resolver benchmark (bench/resolver_bench.cpp).
//
// Every generator is seeded and uses only std::mt19937_64 (whose output the C++ standard fixes)
// and integer arithmetic on it, so one seed gives the same registry on every platform.
#pragma once

#include <cstdint>
#include <string>

#include "common/resolve/solver.h"
#include "common/resolve/source.h"

namespace wreg::bench {

struct Scenario {
  std::string name;
  std::string description;
  resolve::InMemorySource source;
  resolve::ResolveRequest request;
};

struct TypicalShape {
  int packages = 10000;
  int versions = 30;
  int roots = 100;
  int max_dependencies = 5;  // per release, 0..max
  bool popular_tail = true;  // false: clustered dependencies, chains as long as the registry
};

// A registry of `shape.packages` packages with `shape.versions` releases each (patch, minor and
// major bumps, so several tracks per package), random acyclic dependencies (a package depends
// only on packages after it, and mostly on popular ones near the end) whose requirements mix
// caret, tilde and ranges, a few yanked releases, and `shape.roots` root requirements.
Scenario typical(std::uint64_t seed, const TypicalShape& shape = {});

// Adversarial cases: each forces the solver to undo many choices before it can answer.
//   pinned-hub:    100 packages x 30 versions; release v of each needs bench:hub =1.v.0, and the
//                  project pins bench:hub =1.0.0: every package must walk down to its oldest.
//   deep-retreat:  a 1,000-long chain, 30 versions each; p(i) 1.v needs p(i+1) >=1.v, and only
//                  1.0.0 of the last link is usable: the conflict is found at the bottom and
//                  every link must retreat.
//   unsat-fan:     30 packages x 30 versions whose every release needs, through a 3-step
//                  chain, a version of bench:core that the project rules out: no solution, and
//                  the explanation must be found without trying the 30^30 combinations.
//   whole-registry: the typical generator with clustered instead of popular dependencies, so
//                  that the 100 roots need some 14,000 (package, track) pairs: scale, not search.
//   pigeonhole:    9 packages that must each take one of 8 "holes" held by version: no
//                  solution, and the known exponential family for resolution-based solvers
//                  (pubgrub, cargo, CDCL); it measures where that wall is.
//   tight-random:  the typical generator at 2,000 packages with exact and tilde requirements
//                  only and many dependencies: many conflicts per resolution.
Scenario adversarial(const std::string& name, std::uint64_t seed);

}  // namespace wreg::bench
