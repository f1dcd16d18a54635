// The search and listing page: GET /api/v1/packages?q=&exports=&imports=&limit=&cursor=
// (DESIGN.md, "Wire API"; schema/openapi.yaml, `SearchPage`):
//   {"packages": [{"name": "wasi:io", "latest": "0.2.8", "kind": "wit", "description": ""}],
//    "next_cursor": "c177617369..."}
// Packages are sorted by name; `next_cursor` is null on the last page. Unknown fields are
// ignored when reading.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/api/package_document.h"
#include "common/result.h"

namespace wreg::api {

// One package of a listing.
struct PackageSummary {
  PackageName name;
  // The newest version by precedence that is not yanked and not a pre-release; else the newest
  // that is not yanked; else the newest.
  Version latest;
  ReleaseKind kind = ReleaseKind::kComponent;  // of `latest`
  std::string description;
};

struct SearchPage {
  // Longest cursor accepted from a registry (wreg-server's are at most 258 characters).
  static constexpr std::size_t kMaxCursorLength = 1024;

  std::vector<PackageSummary> packages;
  // Opaque; passed back as `cursor=` for the next page. Printable ASCII without spaces, at most
  // kMaxCursorLength characters. nullopt on the last page.
  std::optional<std::string> next_cursor;
};

// kInvalidArgument naming the field that is missing or malformed.
Result<SearchPage> parse_search_page(std::string_view json);
std::string to_json(const SearchPage& page);

}  // namespace wreg::api
