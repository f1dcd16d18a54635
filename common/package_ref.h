// PackageRef: a package and an optional requirement, as written on the command line.
//
//   ns:name            no requirement: the command picks (`wreg add` takes the newest)
//   ns:name@1.2.3      ^1.2.3 (a bare version means caret, as in Cargo)
//   ns:name@=1.2.3     exactly 1.2.3
//   ns:name@^0.2, ns:name@~1.4, ns:name@>=1.0, <2.0, ns:name@*
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/package_name.h"
#include "common/result.h"
#include "common/version_req.h"

namespace wreg {

struct PackageRef {
  PackageName name;
  std::optional<VersionReq> requirement;

  // kInvalidArgument with the name's or the requirement's own message.
  static Result<PackageRef> parse(std::string_view text);
  std::string to_string() const;  // `ns:name` or `ns:name@<canonical requirement>`
};

// A package at one exact version: `ns:name@1.2.3`, the identity of a release.
struct PackageVersion {
  PackageName name;
  Version version;

  // Parses `ns:name@1.2.3` where the version is exact (no operator).
  static Result<PackageVersion> parse(std::string_view text);
  std::string to_string() const { return name.to_string() + "@" + version.to_string(); }
  auto operator<=>(const PackageVersion&) const = default;
  bool operator==(const PackageVersion&) const = default;
};

}  // namespace wreg
