// The SQL of the metadata and token stores, written once for every engine.
//
// Each statement takes its values as parameters `$1`, `$2`, ... numbered in the order they first
// appear: PostgreSQL's own placeholders, which SQLite reads as named parameters with those same
// indexes (sqlite_connection.h checks it). Only SQL that SQLite (3.35 and later) and PostgreSQL
// both accept is used: `INSERT ... RETURNING`, `ON CONFLICT DO NOTHING`, derived tables with an
// alias, integers for flags. What an engine does its own way stays in its files: SQLite's FTS5
// search index (sqlite_stores.cpp), its pragmas, backup and integrity check.
//
// The columns each SELECT returns are read by the decoders of metadata_rows.h, in the order
// written here; a change to one is a change to the other. The schema is schema/NNNN_*.sql.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/store/metadata_store.h"

namespace wreg::store::sql {

// --- Namespaces.
inline constexpr std::string_view kFindNamespace = "SELECT id FROM namespaces WHERE name = $1";
inline constexpr std::string_view kInsertNamespace =
    "INSERT INTO namespaces (name, created) VALUES ($1, $2)";
inline constexpr std::string_view kListNamespaces = "SELECT name FROM namespaces ORDER BY name";

// --- Packages.
// id, revision
inline constexpr std::string_view kFindPackage =
    "SELECT id, revision FROM packages WHERE name = $1";
// id, revision, description
inline constexpr std::string_view kFindPackageWithDescription =
    "SELECT id, revision, description FROM packages WHERE name = $1";
// Returns the new package's id. The head columns are set again by kUpdatePackageHead in the same
// transaction.
inline constexpr std::string_view kInsertPackage =
    "INSERT INTO packages (namespace_id, name, latest_version, latest_kind, created) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id";
// latest_version, latest_kind, description, id. Returns the new revision.
inline constexpr std::string_view kUpdatePackageHead =
    "UPDATE packages SET latest_version = $1, latest_kind = $2, description = $3, "
    "revision = revision + 1 WHERE id = $4 RETURNING revision";

// --- Releases.
// version, digest, id, log_index of the release of a package with a version key.
inline constexpr std::string_view kFindReleaseByKey =
    "SELECT version, digest, id, log_index FROM releases WHERE package_id = $1 AND "
    "version_key = $2";
// Returns the new release's id.
inline constexpr std::string_view kInsertRelease =
    "INSERT INTO releases (package_id, version, version_key, digest, size, kind, published, "
    "description, details, origin, log_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11) RETURNING id";
inline constexpr std::string_view kInsertDependency =
    "INSERT INTO dependencies (release_id, position, name, requirement) VALUES ($1, $2, $3, $4)";
inline constexpr std::string_view kInsertInterface =
    "INSERT INTO release_interfaces (release_id, direction, interface, version, position) "
    "VALUES ($1, $2, $3, $4, $5)";
// Every release of a package, in no order: the release columns (decode_release).
inline constexpr std::string_view kReleasesOfPackage =
    "SELECT id, version, digest, size, kind, yanked, published, description FROM releases "
    "WHERE package_id = $1";
// Every dependency of a package's releases: release id, name, requirement.
inline constexpr std::string_view kDependenciesOfPackage =
    "SELECT d.release_id, d.name, d.requirement FROM dependencies d "
    "JOIN releases r ON r.id = d.release_id WHERE r.package_id = $1 "
    "ORDER BY d.release_id, d.position";
// One release by package name and version key: the release columns (decode_release), details,
// log_index.
inline constexpr std::string_view kFindRelease =
    "SELECT r.id, r.version, r.digest, r.size, r.kind, r.yanked, r.published, r.description, "
    "r.details, r.log_index FROM releases r JOIN packages p ON p.id = r.package_id "
    "WHERE p.name = $1 AND r.version_key = $2";
// name, requirement
inline constexpr std::string_view kDependenciesOfRelease =
    "SELECT name, requirement FROM dependencies WHERE release_id = $1 ORDER BY position";
// direction, interface, version
inline constexpr std::string_view kInterfacesOfRelease =
    "SELECT direction, interface, version FROM release_interfaces WHERE release_id = $1 "
    "ORDER BY direction, position";
// release id, version, yanked, package id, package revision, digest, size, kind
inline constexpr std::string_view kFindReleaseToYank =
    "SELECT r.id, r.version, r.yanked, p.id, p.revision, r.digest, r.size, r.kind FROM releases r "
    "JOIN packages p ON p.id = r.package_id WHERE p.name = $1 AND r.version_key = $2";
inline constexpr std::string_view kSetYanked = "UPDATE releases SET yanked = $1 WHERE id = $2";

// --- For the browse pages.
// package name, version, kind, published, description; the newest the registry received first
inline constexpr std::string_view kRecentReleases =
    "SELECT p.name, r.version, r.kind, r.published, r.description FROM releases r "
    "JOIN packages p ON p.id = r.package_id WHERE r.yanked = 0 ORDER BY r.id DESC LIMIT $1";
// package name; of the packages with a release that is not yanked and depends on $1
// (schema/0007_dependents.sql's index)
inline constexpr std::string_view kDependents =
    "SELECT DISTINCT p.name FROM dependencies d JOIN releases r ON r.id = d.release_id "
    "JOIN packages p ON p.id = r.package_id WHERE d.name = $1 AND r.yanked = 0 "
    "ORDER BY p.name LIMIT $2";

// --- The transparency log (schema/0004_log.sql).
// Appends entry $1 at the end of the log; returns its index. Inside the write transaction of the
// event, so that two appends cannot take one index.
inline constexpr std::string_view kAppendLogEntry =
    "INSERT INTO log_entries (idx, entry) SELECT coalesce(max(idx) + 1, 0), $1 FROM log_entries "
    "RETURNING idx";
// version, log_index of the release of package name $1 with version key $2
inline constexpr std::string_view kReleaseLogIndex =
    "SELECT r.version, r.log_index FROM releases r JOIN packages p ON p.id = r.package_id "
    "WHERE p.name = $1 AND r.version_key = $2";
inline constexpr std::string_view kLogSize = "SELECT coalesce(max(idx) + 1, 0) FROM log_entries";
// entry; from index $1, at most $2
inline constexpr std::string_view kLogEntries =
    "SELECT entry FROM log_entries WHERE idx >= $1 ORDER BY idx LIMIT $2";
// release id, package name, version, digest, size, kind, published, yanked; oldest first
inline constexpr std::string_view kReleasesWithoutLogEntry =
    "SELECT r.id, p.name, r.version, r.digest, r.size, r.kind, r.published, r.yanked "
    "FROM releases r JOIN packages p ON p.id = r.package_id WHERE r.log_index IS NULL "
    "ORDER BY r.published, r.id";
inline constexpr std::string_view kSetLogIndex = "UPDATE releases SET log_index = $1 WHERE id = $2";
inline constexpr std::string_view kInsertCheckpoint =
    "INSERT INTO log_checkpoints (size, note, created) VALUES ($1, $2, $3) "
    "ON CONFLICT (size) DO UPDATE SET note = excluded.note";
inline constexpr std::string_view kLatestCheckpoint =
    "SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1";
inline constexpr std::string_view kCheckpoints = "SELECT note FROM log_checkpoints ORDER BY size";

// --- The logs this server witnesses (schema/0005_witness.sql).
inline constexpr std::string_view kWitnessedCheckpoint =
    "SELECT note FROM witnessed_logs WHERE origin = $1";
// The first checkpoint of a log, and a newer one in place of the note read before: each answers a
// row only when it wrote, so that a replica that lost a race to another one sees it lost.
inline constexpr std::string_view kRecordFirstWitnessed =
    "INSERT INTO witnessed_logs (origin, size, note, cosigned) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (origin) DO NOTHING RETURNING origin";
// (`origin = $1` in SET only numbers the parameters in order of first use, as SQLite wants.)
inline constexpr std::string_view kReplaceWitnessed =
    "UPDATE witnessed_logs SET origin = $1, size = $2, note = $3, cosigned = $4 "
    "WHERE origin = $1 AND note = $5 RETURNING origin";

// --- Operations.
// namespaces, packages, releases, bytes of distinct digests
inline constexpr std::string_view kCounts =
    "SELECT (SELECT count(*) FROM namespaces), (SELECT count(*) FROM packages), "
    "(SELECT count(*) FROM releases), (SELECT coalesce(sum(size), 0) FROM "
    "(SELECT max(size) AS size FROM releases GROUP BY digest) AS sizes)";
// digest, size, package name, version; sorted by digest. Releases' bytes and manifests' configs.
inline constexpr std::string_view kReferencedBlobs =
    "SELECT b.digest, b.size, b.name, b.version FROM ("
    "SELECT r.digest AS digest, r.size AS size, p.name AS name, r.version AS version "
    "FROM releases r JOIN packages p ON p.id = r.package_id UNION ALL "
    "SELECT m.config_digest, m.config_size, p.name, r.version FROM oci_manifests m "
    "JOIN releases r ON r.id = m.release_id JOIN packages p ON p.id = r.package_id) AS b "
    "ORDER BY b.digest";
// Named by a release or a manifest, or claimed (schema/0006_blob_claims.sql) after $2.
inline constexpr std::string_view kIsReferenced =
    "SELECT 1 FROM releases WHERE digest = $1 UNION ALL "
    "SELECT 1 FROM oci_manifests WHERE config_digest = $1 UNION ALL "
    "SELECT 1 FROM blob_claims WHERE digest = $1 AND claimed > $2 LIMIT 1";
// Returns the claim's id.
inline constexpr std::string_view kClaimBlob =
    "INSERT INTO blob_claims (digest, claimed) VALUES ($1, $2) RETURNING id";
inline constexpr std::string_view kReleaseBlobClaim = "DELETE FROM blob_claims WHERE id = $1";
inline constexpr std::string_view kForgetBlobClaims = "DELETE FROM blob_claims WHERE claimed <= $1";
// name; package names after $1, at most $2
inline constexpr std::string_view kPackageNames =
    "SELECT name FROM packages WHERE name > $1 ORDER BY name LIMIT $2";

// --- OCI manifests.
// The manifest columns (decode_manifest): digest, media_type, content, config_digest,
// config_size.
#define WREG_MANIFEST_COLUMNS "m.digest, m.media_type, m.content, m.config_digest, m.config_size"
// release id, version, then the manifest columns (NULL when the release has none)
inline constexpr std::string_view kManifestOfRelease =
    "SELECT r.id, r.version, " WREG_MANIFEST_COLUMNS
    " FROM releases r JOIN packages p ON p.id = r.package_id "
    "LEFT JOIN oci_manifests m ON m.release_id = r.id WHERE p.name = $1 AND r.version_key = $2";
// the manifest columns
inline constexpr std::string_view kManifestOfReleaseId =
    "SELECT " WREG_MANIFEST_COLUMNS " FROM oci_manifests m WHERE m.release_id = $1";
inline constexpr std::string_view kInsertManifest =
    "INSERT INTO oci_manifests (release_id, digest, media_type, content, config_digest, "
    "config_size, created) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
// version, then the manifest columns
inline constexpr std::string_view kManifestByDigest =
    "SELECT r.version, " WREG_MANIFEST_COLUMNS
    " FROM oci_manifests m JOIN releases r ON r.id = m.release_id "
    "JOIN packages p ON p.id = r.package_id WHERE p.name = $1 AND m.digest = $2 LIMIT 1";
// package name, version, release digest, then the manifest columns
inline constexpr std::string_view kAllManifests =
    "SELECT p.name, r.version, r.digest, " WREG_MANIFEST_COLUMNS
    " FROM oci_manifests m JOIN releases r ON r.id = m.release_id "
    "JOIN packages p ON p.id = r.package_id ORDER BY p.name, r.version";
#undef WREG_MANIFEST_COLUMNS

// --- Tokens.
// Returns the new token's id. $5 is NULL for a token that does not expire.
inline constexpr std::string_view kInsertToken =
    "INSERT INTO tokens (hash, admin, note, created, expires) VALUES ($1, $2, $3, $4, $5) "
    "RETURNING id";
inline constexpr std::string_view kInsertTokenScope =
    "INSERT INTO token_namespaces (token_id, namespace_id) VALUES ($1, $2) "
    "ON CONFLICT DO NOTHING";
// id, hash, admin, note, created, expires
inline constexpr std::string_view kFindLiveToken =
    "SELECT id, hash, admin, note, created, expires FROM tokens "
    "WHERE hash = $1 AND revoked IS NULL";
// id, hash, admin, note, created, expires
inline constexpr std::string_view kFindLiveTokenById =
    "SELECT id, hash, admin, note, created, expires FROM tokens "
    "WHERE id = $1 AND revoked IS NULL";
inline constexpr std::string_view kListTokens =
    "SELECT id, admin, note, created, revoked, expires, last_used FROM tokens ORDER BY id";
// Moves last_used forward to $1, never back: replicas that record uses out of order keep the
// latest. RFC 3339 UTC text to the second sorts as the times do.
inline constexpr std::string_view kRecordTokenUse =
    "UPDATE tokens SET last_used = $1 WHERE id = $2 AND (last_used IS NULL OR last_used < $1)";
// namespace name
inline constexpr std::string_view kTokenNamespaces =
    "SELECT n.name FROM token_namespaces t JOIN namespaces n ON n.id = t.namespace_id "
    "WHERE t.token_id = $1 ORDER BY n.name";
// Returns the token's id when it exists.
inline constexpr std::string_view kRevokeToken =
    "UPDATE tokens SET revoked = coalesce(revoked, $1) WHERE id = $2 RETURNING id";

}  // namespace wreg::store::sql

namespace wreg::store {

// A statement composed at run time from fixed fragments, with its values numbered `$1`, `$2`,
// ... in the order they are added, as the constants above are. Text from a request only ever
// enters as a value.
class ComposedStatement {
 public:
  using Value = std::variant<std::int64_t, std::string>;

  explicit ComposedStatement(std::string_view head) : sql_(head) {}

  // Appends fixed SQL.
  ComposedStatement& operator+=(std::string_view fragment) {
    sql_ += fragment;
    return *this;
  }
  // Adds a value and returns its placeholder (`$3`) for the fragments that use it.
  std::string add(Value value);

  const std::string& sql() const { return sql_; }
  const std::vector<Value>& values() const { return values_; }

 private:
  std::string sql_;
  std::vector<Value> values_;
};

// Binds `statement`'s values to `query` (an engine's prepared statement), $1 first.
template <typename Query>
void bind_values(Query& query, const ComposedStatement& statement) {
  int index = 1;
  for (const ComposedStatement::Value& value : statement.values()) {
    std::visit([&](const auto& v) { query.bind(index, v); }, value);
    ++index;
  }
}

// A LIKE pattern (with ESCAPE '\\') that matches `text` anywhere: `%`, `_` and `\\` in it are
// escaped, so they match themselves.
std::string substring_pattern(std::string_view text);

// An engine's condition on packages `p` for SearchQuery::text (never empty here): true when the
// text is a case-insensitive substring of p.name or p.description. SQLite matches it with its
// FTS5 trigram index (sqlite_stores.cpp).
using TextCondition = std::function<void(ComposedStatement& statement, std::string_view text)>;

// The listing and search statement: the packages named after `after` (empty: from the start)
// that match every filter of `query`, by name, at most query.limit + 1 rows (one more than a page
// tells whether another follows). Columns: name, latest version, latest kind, description
// (decode_summary). `query` must be valid (SearchQuery says what that is).
ComposedStatement search_statement(const SearchQuery& query, std::string_view after,
                                   const TextCondition& text_condition);

}  // namespace wreg::store
