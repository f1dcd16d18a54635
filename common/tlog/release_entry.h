// wreg's transparency log entry: one release event, as one line of ASCII.
//
//   wreg/v1 <event> <ns:name>@<version> <digest> <size> <kind> <time>\n
//   wreg/v1 publish toolsku:analytics@0.1.0 sha256:9f86…08 1234 component 2026-12-06T16:31:31Z
//
// event: publish, yank or unyank; version as published (build metadata kept); digest and size
// of the exact bytes; kind `wit` or `component`; time RFC 3339 UTC to the second, as the
// release document writes `published`. The registry appends one in the transaction that makes
// the event, so no release exists without its entry; the leaf hash (merkle.h) is over these
// exact bytes, and one event has one spelling.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/api/package_document.h"
#include "common/digest.h"
#include "common/package_ref.h"
#include "common/result.h"

namespace wreg::tlog {

enum class ReleaseEvent { kPublish, kYank, kUnyank };
const char* to_string(ReleaseEvent event);  // "publish", "yank", "unyank"

struct ReleaseEntry {
  ReleaseEvent event = ReleaseEvent::kPublish;
  PackageVersion release;
  Digest digest;
  std::uint64_t size = 0;
  api::ReleaseKind kind = api::ReleaseKind::kComponent;
  std::string time;  // RFC 3339 UTC to the second: 2026-12-06T16:31:31Z

  std::string text() const;  // the line above, with its newline
  bool operator==(const ReleaseEntry&) const = default;
};

// Reads an entry from a log (an entry bundle, a proof). kInvalidArgument, one line naming the
// field, unless `text` is exactly what ReleaseEntry::text() writes for some entry: the
// `wreg/v1` tag, single spaces, a valid name, version and digest, a size in decimal without
// leading zeros, a known event and kind, a time of the form above naming a real date and time
// (23:59:60 allowed, as RFC 3339 allows a leap second), and one final newline.
Result<ReleaseEntry> parse_release_entry(std::string_view text);

}  // namespace wreg::tlog
