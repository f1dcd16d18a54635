// The package document: GET /api/v1/packages/{ns}/{name} (DESIGN.md, "Wire API").
//
// One document per package holds every version with what resolution needs (digest, size, kind,
// yanked, dependencies), so a client resolves a package with one request, revalidated by ETag.
// The JSON form is the wire contract, described in schema/openapi.yaml:
//   {"name": "wasi:clocks", "description": "...",
//    "versions": [{"version": "0.2.8", "digest": "sha256:...", "size": 590, "kind": "wit",
//                  "yanked": false, "published": "2026-11-26T01:02:03Z",
//                  "dependencies": [{"name": "wasi:io", "requirement": "^0.2.8"}]}]}
// Versions are sorted newest first. Unknown fields are ignored when reading, so the server may
// add fields without breaking older clients.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "common/package_name.h"
#include "common/result.h"
#include "common/version.h"
#include "common/version_req.h"

namespace wreg::api {

// What was published: a WIT package (has dependencies) or a component (self-contained).
enum class ReleaseKind { kWit, kComponent };
const char* to_string(ReleaseKind kind);  // "wit", "component"

struct Dependency {
  PackageName name;
  VersionReq requirement;
  bool operator==(const Dependency&) const = default;
};

// One version of a package, as the resolver and `wreg info` see it.
struct ReleaseSummary {
  Version version;
  Digest digest;
  std::uint64_t size = 0;
  ReleaseKind kind = ReleaseKind::kWit;
  bool yanked = false;
  std::string published;  // RFC 3339 UTC, e.g. 2026-11-26T01:02:03Z
  std::vector<Dependency> dependencies;
  // Known to exist (an OCI registry's tag) but not read yet: digest, size, kind, published and
  // dependencies are empty until the client reads the release. Never on the wire.
  bool unread = false;
};

// Among `releases` sorted newest first, the index of the one a listing leads with (what `wreg add
// ns:name` would choose): the newest that is neither yanked nor a pre-release, else the newest not
// yanked, else the newest; releases.size() when there are none. `summary_of(release)` gives its
// ReleaseSummary.
template <typename Releases, typename SummaryOf>
std::size_t latest_index(const Releases& releases, SummaryOf summary_of) {
  std::size_t not_yanked = releases.size();
  for (std::size_t i = 0; i < releases.size(); ++i) {
    const ReleaseSummary& summary = summary_of(releases[i]);
    if (summary.yanked) continue;
    if (!summary.version.is_prerelease()) return i;
    if (not_yanked == releases.size()) not_yanked = i;
  }
  if (not_yanked != releases.size()) return not_yanked;
  return 0;  // every one yanked; 0 == size() when there are none
}

struct PackageDocument {
  PackageName name;
  std::string description;
  std::vector<ReleaseSummary> versions;  // newest first

  // The release of exactly `version`, or null.
  const ReleaseSummary* find(const Version& version) const;
};

// Parses the wire JSON. kInvalidArgument names the field that is missing or malformed; every
// name, version, requirement and digest in it is validated as if typed by a user.
Result<PackageDocument> parse_package_document(std::string_view json);
std::string to_json(const PackageDocument& document);

}  // namespace wreg::api
