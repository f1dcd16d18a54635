// Helpers for the resolver tests: registries and requests written inline as text.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/package_ref.h"
#include "common/resolve/explain.h"
#include "common/resolve/solver.h"
#include "common/resolve/source.h"

namespace wreg::resolve::testing {

// Test input is ours, so a parse failure is a broken test: report it and stop.
template <typename T>
T must(Result<T> result, std::string_view text) {
  if (!result) {
    ADD_FAILURE() << "bad test input " << text << ": " << result.error().message;
    std::abort();
  }
  return std::move(*result);
}

inline PackageName name(std::string_view text) { return must(PackageName::parse(text), text); }
inline Version version(std::string_view text) { return must(Version::parse(text), text); }

// "demo:lib@^1.0" -> {demo:lib, ^1.0}; "demo:lib" -> {demo:lib, *}.
inline Requirement requirement(std::string_view text) {
  auto ref = must(PackageRef::parse(text), text);
  return Requirement{ref.name, ref.requirement.value_or(VersionReq())};
}

// A registry written as releases: add("demo:app@1.0.0", {"demo:lib@^1.0"}).
class Registry : public InMemorySource {
 public:
  void add(std::string_view release, std::vector<std::string_view> dependencies = {},
           bool yanked = false) {
    auto id = must(PackageVersion::parse(release), release);
    std::vector<api::Dependency> deps;
    for (auto text : dependencies) {
      auto r = requirement(text);
      deps.push_back(api::Dependency{r.name, r.requirement});
    }
    InMemorySource::add(id.name, id.version, std::move(deps), yanked);
  }
  void yank(std::string_view release) {
    auto id = must(PackageVersion::parse(release), release);
    for (auto& r : document(id.name)->versions) {
      if (r.version == id.version) r.yanked = true;
    }
  }
};

// A request for the project's requirements, e.g. root({"demo:app@^1", "demo:lib@=1.0.2"}).
inline ResolveRequest root(std::vector<std::string_view> requirements,
                           std::vector<std::string_view> locked = {}) {
  ResolveRequest request;
  for (auto text : requirements) request.requirements.push_back(requirement(text));
  for (auto text : locked) request.locked.push_back(must(PackageVersion::parse(text), text));
  return request;
}

// The outcome in one line: "demo:app 1.0.0, demo:lib 1.0.2", or the explanation of a conflict,
// or "needs: a:b, c:d".
inline std::string picks(const SolveOutcome& outcome) {
  if (const auto* resolution = outcome.resolution()) {
    std::string out;
    for (const auto& package : resolution->packages) {
      if (!out.empty()) out += ", ";
      out += package.name.to_string() + " " + package.version.to_string();
    }
    return out;
  }
  if (const auto* conflict = outcome.conflict()) return explain(*conflict);
  std::string out = "needs:";
  for (const auto& n : outcome.needs()->names) out += " " + n.to_string();
  return out;
}

}  // namespace wreg::resolve::testing
