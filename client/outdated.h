// `wreg outdated`: how far each locked package is behind its registry (as `cargo outdated` and
// `npm outdated` show it), without changing anything.
//
// For each package of wreg.lock (each compatibility track on its own):
//   locked  the version wreg.lock holds
//   wanted  the newest version that every requirement on it allows: wreg.toml's, and those
//           wreg.lock records as satisfied by it (the packages that need it, as they are locked),
//           so what `wreg update` could move it to without changing any other package's version
//   latest  the newest version in the registry (not a pre-release when there is a release)
// A yanked version is never wanted or latest (common/resolve/solver.h, may_choose()); a locked
// version yanked since is marked so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/fetcher.h"
#include "client/project.h"
#include "common/api/package_document.h"
#include "common/lockfile.h"
#include "common/manifest.h"
#include "common/result.h"

namespace wreg::client {

struct OutdatedPackage {
  PackageName name;
  Version locked;
  bool locked_yanked = false;
  std::optional<Version> wanted;  // nullopt: no version that is not yanked is allowed
  std::optional<Version> latest;  // nullopt: every version is yanked

  // Whether wanted or latest differs from locked.
  bool outdated() const;
};

// The rows of `lock`, in its order, from `documents` (any order): the registry's documents of the
// locked packages. A package without its document has no row.
std::vector<OutdatedPackage> outdated_packages(const Manifest& manifest, const Lockfile& lock,
                                               const std::vector<api::PackageDocument>& documents);

// Reads wreg.toml (optional) and wreg.lock under `paths` and asks `fetcher` for the documents of
// every locked package (in one batch). kNotFound without a wreg.lock; the fetcher's errors.
Result<std::vector<OutdatedPackage>> find_outdated(const ProjectPaths& paths, Fetcher& fetcher);

// The outdated rows as aligned columns under a header (`package  locked  wanted  latest`), each
// name and version escaped; "all dependencies are up to date" when none is outdated.
std::string render_outdated(const std::vector<OutdatedPackage>& packages);

}  // namespace wreg::client
