// The lock file, `wreg.lock`: exactly what a project resolved and fetched.
//
//   # This file is written by wreg: do not edit it by hand.
//   version = 1
//
//   [[package]]
//   name = "wasi:io"
//   version = "0.2.8"
//   registry = "https://registry.example.com"
//   digest = "sha256:e085d1459bfb2d1f3209b08cef444d379588fea65736e1bf22c49e991fc21525"
//   log-index = 12
//   requirements = ["^0.2.8"]
//
//   [[log]]
//   registry = "https://registry.example.com"
//   size = 40
//   root = "p1Va+ELyDCCJBtwzQqX1aAlvRn/2tH8PA3cDxRpwMcI="
//
// `log-index` is the index of the release's publish entry in its registry's transparency log,
// and each [[log]] the checkpoint (tree size, root hash) of one registry's log that the lock's
// packages were verified against (client/log_verifier.h): a teammate's `wreg fetch --locked`
// proves the registry's log still extends it. A package from a registry without a log (OCI) has
// no `log-index`, and its registry no [[log]].
//
// Packages are sorted by name, then version; requirements are sorted and deduplicated. The
// writer emits the same bytes for the same content on every machine, so diffs stay small.
//
// Format changes: `version` is the lock format's version. A reader refuses a newer version than
// it knows with a message to upgrade wreg; a new version is introduced only when old readers
// would misread the file (new optional keys do not need one: readers ignore unknown keys).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "common/package_name.h"
#include "common/result.h"
#include "common/tlog/merkle.h"
#include "common/version.h"
#include "common/version_req.h"

namespace wreg {

struct LockedPackage {
  PackageName name;
  Version version;
  std::string registry;                   // the registry's base URL it was fetched from
  Digest digest;                          // of the exact bytes fetched
  std::vector<std::string> requirements;  // canonical requirement texts it satisfies
  std::optional<std::uint64_t> log_index;
};

struct LockedLog {
  std::string registry;
  std::uint64_t size = 0;
  tlog::Hash root{};
  bool operator==(const LockedLog&) const = default;
};

struct Lockfile {
  static constexpr int kFormatVersion = 1;
  std::vector<LockedPackage> packages;
  std::vector<LockedLog> logs;  // one per registry at most

  // The [[log]] of `registry`, or null.
  const LockedLog* log_of(const std::string& registry) const;

  // The locked versions of `name` (one per compatibility track), in version order.
  std::vector<const LockedPackage*> find(const PackageName& name) const;
};

// Parses wreg.lock text. kInvalidArgument names the entry and field that are wrong.
Result<Lockfile> parse_lockfile(std::string_view text);

// The canonical text of `lock` (sorted; stable bytes).
std::string to_toml(const Lockfile& lock);

}  // namespace wreg
