// What the metadata tables' columns hold and how rows become domain values, for every engine.
//
// The statements are metadata_sql.h's; this file is the other half of them: the text each
// column holds (versions, kinds, times, interface names), the keys and tokens derived from rows
// (version keys, ETags, search cursors), the package head computed from its releases, the rules
// a publish checks against the release already there, and the decoders that turn a row into
// values or refuse it as corrupt. An engine runs the statements and hands its rows to these, so
// that two engines store the same text and answer alike.
//
// A row is anything with `std::string text(int column)` and `std::int64_t integer(int column)`
// (columns from 0), like sqlite::Query.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/api/package_document.h"
#include "common/digest.h"
#include "common/package_name.h"
#include "common/result.h"
#include "common/tlog/release_entry.h"
#include "common/version.h"
#include "common/version_req.h"
#include "common/wasm/extern_name.h"
#include "server/store/log_sink.h"
#include "server/store/metadata_store.h"

namespace wreg::store {

// --- Column text.

// Times: RFC 3339 UTC to the second, `2027-01-15T08:00:00Z`.
std::string rfc3339(std::chrono::system_clock::time_point when);
// The same for a time in whole seconds, for any year 0000..9999 (the nanosecond clock of
// system_clock::time_point ends in 2262).
std::string rfc3339(std::chrono::sys_seconds when);
// An RFC 3339 date-time (§5.6): `2027-01-15T08:00:00Z`, or with an offset (`+02:00`), the `T`
// and `Z` in either case. Fractional seconds are refused rather than rounded, and so are leap
// seconds and dates that do not exist. nullopt when it is not one.
std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text);

// releases.version_key: the version without build metadata, so that versions of equal
// precedence (`1.0.0+a`, `1.0.0+b`) share a key and cannot both be stored.
std::string version_key(const Version& version);

// releases.kind and packages.latest_kind: `wit` or `component`.
const char* kind_text(api::ReleaseKind kind);

// release_interfaces.direction.
inline constexpr const char* kImport = "import";
inline constexpr const char* kExport = "export";

// release_interfaces.interface: `ns:pkg/item`, without the version.
std::string interface_column(const wasm::InterfaceName& name);
// release_interfaces.version: the version's text, or empty when the name has none.
std::string version_column(const wasm::InterfaceName& name);

// --- Derived from rows.

// The ETag of a package document: quoted, from the package's id and revision, which every change
// of the document bumps in the same transaction.
std::string etag_of(std::int64_t package_id, std::int64_t revision);

// Search cursors: `c1` + hex of the last package name on a page. Opaque to clients, and checked
// as a PackageName when they come back: kInvalidArgument "invalid cursor ..." otherwise.
std::string encode_cursor(const PackageName& last);
Result<std::string> decode_cursor(std::string_view cursor);

// The page size a query asks for, kept to 1..SearchQuery::kMaxLimit.
std::size_t page_limit(const SearchQuery& query);

// --- Rules.

// Whether a release found by version_key(asked) is the one `asked` names: a version without
// build metadata names the release of equal precedence, one with build metadata only itself.
bool names_release(const Version& asked, std::string_view stored_version);

// A publish of `release` met the release of equal precedence stored as `stored_version` with
// `stored_digest`. Nothing when it is the same version with the same digest (a retry); else the
// kConflict to answer (build-metadata twin, or other bytes for an immutable version).
Result<void> check_same_release(const NewRelease& release, std::string_view stored_version,
                                std::string_view stored_digest);

// NewRelease::details_json must be a JSON object: kInvalidArgument otherwise.
Result<void> check_details(std::string_view details_json);

// kNotFound "no package ns:name is published".
Error package_not_found(const PackageName& name);

// A release as its package's rows hold it, before dependencies are attached.
struct ReleaseRow {
  std::int64_t id = 0;
  api::ReleaseSummary summary;
  std::string description;
};

// The latest version, its kind and the description of a package, from all its releases: what
// packages.latest_version, latest_kind and description hold (see PackageSummary::latest and
// NewRelease::description). Empty strings for a package without releases.
struct PackageHead {
  std::string latest;
  std::string kind;
  std::string description;
};
PackageHead head_of(std::vector<ReleaseRow> rows);

// Newest first, by precedence: the order of a package document's versions.
void sort_newest_first(std::vector<ReleaseRow>& rows);

// --- Decoding rows. Each decoder returns the value, or logs the column's text and returns
// kCorrupt "the registry's database holds an invalid <what>; see the server log and run
// `wreg-server fsck`".

Error corrupt_row(const LogSink& log, std::string_view what, std::string_view value);
Result<PackageName> decode_package_name(std::string_view text, const LogSink& log);
Result<Version> decode_version(std::string_view text, const LogSink& log);
Result<Digest> decode_digest(std::string_view text, const LogSink& log);
Result<api::ReleaseKind> decode_kind(std::string_view text, const LogSink& log);
// A time column (`what` names it in the message), as rfc3339() writes it.
Result<std::chrono::sys_seconds> decode_time(std::string_view text, std::string_view what,
                                             const LogSink& log);

// Dependency rows (name, requirement), each distinct pair parsed once: the releases of a package
// mostly repeat their neighbours' dependencies, and parsing was most of a long document's cost.
class DependencyDecoder {
 public:
  explicit DependencyDecoder(const LogSink& log) : log_(log) {}
  Result<api::Dependency> decode(const std::string& name, const std::string& requirement);

 private:
  const LogSink& log_;
  std::unordered_map<std::string, api::Dependency> parsed_;
};

// The release columns of sql::kReleasesOfPackage and sql::kFindRelease: id, version, digest,
// size, kind, yanked, published, description.
template <typename Row>
Result<ReleaseRow> decode_release(const Row& row, const LogSink& log) {
  ReleaseRow release;
  release.id = row.integer(0);
  auto version = decode_version(row.text(1), log);
  if (!version) return std::move(version).error();
  auto digest = decode_digest(row.text(2), log);
  if (!digest) return std::move(digest).error();
  auto kind = decode_kind(row.text(4), log);
  if (!kind) return std::move(kind).error();
  release.summary.version = std::move(*version);
  release.summary.digest = *digest;
  release.summary.size = static_cast<std::uint64_t>(row.integer(3));
  release.summary.kind = *kind;
  release.summary.yanked = row.integer(5) != 0;
  release.summary.published = row.text(6);
  release.description = row.text(7);
  return release;
}

// The transparency log entry of an `event` on release `name` at `time`, from a row's version
// column and its digest, size and kind columns from `first` on.
template <typename Row>
Result<tlog::ReleaseEntry> decode_log_entry(const Row& row, tlog::ReleaseEvent event,
                                            const PackageName& name, int version_column, int first,
                                            std::string time, const LogSink& log) {
  auto version = decode_version(row.text(version_column), log);
  if (!version) return std::move(version).error();
  auto digest = decode_digest(row.text(first), log);
  if (!digest) return std::move(digest).error();
  auto kind = decode_kind(row.text(first + 2), log);
  if (!kind) return std::move(kind).error();
  return tlog::ReleaseEntry{event,   PackageVersion{name, std::move(*version)},
                            *digest, static_cast<std::uint64_t>(row.integer(first + 1)),
                            *kind,   std::move(time)};
}

// The manifest columns of metadata_sql.h's manifest statements, from column `first` on: digest,
// media_type, content, config_digest, config_size.
template <typename Row>
Result<OciManifest> decode_manifest(const Row& row, int first, const LogSink& log) {
  auto digest = decode_digest(row.text(first), log);
  if (!digest) return std::move(digest).error();
  auto config = decode_digest(row.text(first + 3), log);
  if (!config) return std::move(config).error();
  return OciManifest{*digest, row.text(first + 1), row.text(first + 2), *config,
                     static_cast<std::uint64_t>(row.integer(first + 4))};
}

// What an OCI publish of `id`, a release that already holds its bytes, does with the `pushed`
// manifest, given the one stored (nullopt: none). kConflict when another manifest is stored.
enum class ManifestStep { kRecord, kAlreadyPresent };
Result<ManifestStep> manifest_step(const PackageVersion& id, const OciManifest& pushed,
                                   const std::optional<OciManifest>& stored);

// A row of search_statement(): name, latest version, latest kind, description.
template <typename Row>
Result<PackageSummary> decode_summary(const Row& row, const LogSink& log) {
  auto name = decode_package_name(row.text(0), log);
  if (!name) return std::move(name).error();
  auto latest = decode_version(row.text(1), log);
  if (!latest) return std::move(latest).error();
  auto kind = decode_kind(row.text(2), log);
  if (!kind) return std::move(kind).error();
  return PackageSummary{std::move(*name), std::move(*latest), *kind, row.text(3)};
}

}  // namespace wreg::store
