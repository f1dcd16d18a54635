#include "common/resolve/explain.h"

namespace wreg::resolve {
namespace {

std::string dependent(const Fact& fact) {
  if (!fact.dependent) return "you asked for";
  std::string out = fact.dependent->to_string() + " " + fact.dependent_versions;
  if (!fact.requested_as.empty()) out += " (you asked for " + fact.requested_as + ")";
  return out + " needs";
}

}  // namespace

std::string describe(const Fact& fact) {
  const std::string package = fact.package.to_string();
  const std::string wanted = dependent(fact) + " " + package + " " + fact.requirement;
  switch (fact.kind) {
    case Fact::Kind::kRequested:
    case Fact::Kind::kDependency:
      return wanted;
    case Fact::Kind::kNoMatch:
      return wanted + ", but no version of " + package + " matches it" +
             (fact.versions.empty() ? " (it has no versions)"
                                    : " (the newest is " + fact.versions + ")");
    case Fact::Kind::kMissing:
      return wanted + ", but the registry has no package " + package;
    case Fact::Kind::kUnreachable:
      return wanted + ", but " + package + " could not be fetched; check the connection and retry";
    case Fact::Kind::kYanked:
      return package + " " + fact.versions +
             (fact.versions.find(',') == std::string::npos &&
                      fact.versions.find(" through ") == std::string::npos
                  ? " is yanked"
                  : " are yanked");
  }
  return wanted;
}

std::string explain(const Conflict& conflict) {
  std::string out = "cannot resolve " + conflict.package.to_string() + ":\n";
  // With one clash the package is the header's; with several, each line names its own.
  auto clash_line = [&](const Clash& clash) {
    std::string of = conflict.clashes.size() == 1 ? "" : "of " + clash.package.to_string() + " ";
    return "  no version " + of + "satisfies both " + clash.first + " and " + clash.second + "\n";
  };
  std::size_t next_clash = 0;
  for (std::size_t i = 0; i <= conflict.facts.size(); ++i) {
    while (next_clash < conflict.clashes.size() && conflict.clashes[next_clash].after == i) {
      out += clash_line(conflict.clashes[next_clash++]);
    }
    if (i < conflict.facts.size()) out += "  " + describe(conflict.facts[i]) + "\n";
  }
  return out;
}

Error to_error(const Conflict& conflict) {
  // The lock is only a preference, so it never causes a conflict: the requirements do.
  return fail(ErrorCode::kUnsolvable,
              explain(conflict) +
                  "change one of these requirements (in wreg.toml or on the "
                  "command line), or publish a version that satisfies them");
}

}  // namespace wreg::resolve
