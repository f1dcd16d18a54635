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
  for (const auto& fact : conflict.facts) out += "  " + describe(fact) + "\n";
  if (!conflict.clash_first.empty()) {
    out += "  no version satisfies both " + conflict.clash_first + " and " + conflict.clash_second +
           "\n";
  }
  return out;
}

}  // namespace wreg::resolve
