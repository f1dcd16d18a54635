// MetadataStore: namespaces, packages and releases; TokenStore: tokens. Everything but the blob
// bytes.
//
// How the storage layer works. A publish first puts the bytes in the BlobStore (blob_store.h),
// then calls `publish()`, which records the release in one transaction: the release row, its
// dependencies, the interfaces it imports and exports (for search), and the package row with its
// description, newest version and revision. So a release never names a blob that is not on disk
// (a crash between the two steps leaves an orphan blob, which fsck lists and gc removes).
//
// Versions are immutable: one version of a package has one digest forever. Two versions of
// equal precedence (`1.0.0+a`, `1.0.0+b`) cannot both exist, so a URL version without build
// metadata names at most one release.
//
// Every publish, yank and unyank also appends its entry to the transparency log
// (common/tlog/release_entry.h) in the same transaction, so that no release exists without its
// entry; server/tlog/transparency_log.h reads the entries back, builds the Merkle tree and signs
// checkpoints over it, which it stores here too.
//
// Every change to a package (publish, yank, unyank) bumps its revision; the package document's
// ETag is derived from it, so a client revalidates a package with one cheap query. The store
// also announces each such write to its ChangeListeners once the write has returned, from
// publish() and set_yanked() themselves, so a cache above the store (server/api/document_cache.h)
// cannot miss one however a write reaches the store.
//
// Engines. SQLite (the default: SqliteDatabase, sqlite_database.h, is the file and its pool) and
// PostgreSQL (PostgresDatabase, postgres_database.h, shared by several replicas). The stores are
// written once, as templates over an engine (sql_stores.h): the SQL in metadata_sql.h with
// placeholders both engines accept, the rules on rows (column text, version keys, ETags, cursors,
// the package head, publish conflicts, corrupt rows) in metadata_rows.h, and
// tests/unit/server/metadata_store_conformance.h holds the behaviour every engine must pass.
// Handlers see only this header.
//
// Threading: every method is safe to call concurrently from many threads.
// Errors follow server/store/log_sink.h: messages are safe to send to clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/api/package_document.h"
#include "common/digest.h"
#include "common/package_name.h"
#include "common/package_ref.h"
#include "common/result.h"
#include "common/version.h"
#include "common/wasm/extern_name.h"

namespace wreg::store {

// A release's OCI manifest (common/oci/artifact.h): the exact bytes served for its tag, and the
// config blob it names (kept from gc while the manifest is stored).
struct OciManifest {
  Digest digest;  // of `content`
  std::string media_type;
  std::string content;
  Digest config;
  std::uint64_t config_size = 0;
};

// What a handler learned from a publish request and the wasm reader.
struct NewRelease {
  PackageVersion id;  // from the URL, validated
  Digest digest;      // of the exact bytes, already committed to the BlobStore
  std::uint64_t size = 0;
  api::ReleaseKind kind = api::ReleaseKind::kComponent;
  // From the binary's metadata. May be empty. The package's description is that of its newest
  // release (by precedence) that has one.
  std::string description;
  // WIT packages only: each foreign `ns:name@V` as the requirement `^V`.
  std::vector<api::Dependency> dependencies;
  // The interfaces the component imports / exports, e.g. `wasi:http/incoming-handler@0.2.0`
  // (a version is optional), in the binary's order. Used by search. Names that are not
  // `ns:pkg/item[@version]` (plain imports like `log`) are kept only in `details_json`.
  std::vector<wasm::InterfaceName> imports;
  std::vector<wasm::InterfaceName> exports;
  // The rest of the full release document as one JSON object (imports and exports with kinds,
  // worlds, interfaces, producers, metadata), built by the handler; stored and returned as is.
  std::string details_json = "{}";
  // Where it came from: "" when published here, else the upstream registry a mirror fetched it
  // from (server/mirror/mirror.h). Recorded in the same transaction as the release.
  std::string origin;
};

enum class PublishStatus {
  kCreated,         // a new release: answer 201
  kAlreadyPresent,  // this version already has exactly these bytes: answer 200 (a safe retry)
};

struct PublishOutcome {
  PublishStatus status = PublishStatus::kCreated;
  std::int64_t revision = 0;  // the package's revision after the call
  // The index of the release's publish entry in the transparency log; nullopt only for a
  // release published before the log existed and not yet given its entry
  // (log_missing_releases()).
  std::optional<std::uint64_t> log_index;
};

// The package document with its revision.
struct PackageRecord {
  api::PackageDocument document;  // versions newest first
  std::int64_t revision = 0;
  std::string etag;  // quoted, ready for the ETag header: "\"7f3a9c01-12\""
};

// One release in full: GET /api/v1/packages/{ns}/{name}/{version}.
struct ReleaseRecord {
  PackageName name;
  api::ReleaseSummary summary;  // version as published (with its build metadata, if any)
  std::string description;
  std::vector<std::string> imports;  // InterfaceName::to_string() of those given to publish()
  std::vector<std::string> exports;
  std::string details_json;                // as given to publish()
  std::optional<std::uint64_t> log_index;  // as PublishOutcome::log_index
};

// One row of a listing or search result.
struct PackageSummary {
  PackageName name;
  // The newest version by precedence that is not yanked and not a pre-release; else the newest
  // that is not yanked; else the newest.
  Version latest;
  api::ReleaseKind kind = api::ReleaseKind::kComponent;  // of `latest`
  std::string description;
};

// GET /api/v1/packages?q=&exports=&imports=&namespace=&limit=&cursor=, as the handler read and
// checked it (server/api/request_values.h holds those rules). All given filters must match.
struct SearchQuery {
  static constexpr std::size_t kDefaultLimit = 20;
  static constexpr std::size_t kMaxLimit = 100;

  // Substring of the name or the description, case-insensitive, without control characters.
  // Empty: any.
  std::string text;
  // An interface some non-yanked release exports / imports: without a version it matches every
  // version of it (`wasi:http/incoming-handler`), with one only that version. nullopt: any.
  std::optional<wasm::InterfaceName> exports;
  std::optional<wasm::InterfaceName> imports;
  // Only the packages of this namespace. Empty: every namespace.
  std::string namespace_name;
  std::size_t limit = kDefaultLimit;  // 1..kMaxLimit; the store keeps to that range
  // A previous page's next_cursor, passed on as the client sent it: only the store reads it.
  // Empty: the first page.
  std::string cursor;
};

struct SearchPage {
  std::vector<PackageSummary> packages;  // sorted by name
  std::string next_cursor;               // opaque; empty when this is the last page
};

// A release in the order this registry received them, for the front page.
struct RecentRelease {
  PackageVersion id;
  api::ReleaseKind kind = api::ReleaseKind::kComponent;
  std::string published;  // RFC 3339 UTC
  std::string description;
};

// For /metrics.
struct StoreCounts {
  std::uint64_t namespaces = 0;
  std::uint64_t packages = 0;
  std::uint64_t releases = 0;
  std::uint64_t blob_bytes = 0;  // sum of the sizes of the distinct digests releases name
};

// A manifest stored for a release, for fsck.
struct StoredManifest {
  PackageVersion release;
  Digest release_digest;  // the release's bytes: the manifest's one layer
  OciManifest manifest;
};

// A stored manifest found by its digest.
struct ManifestMatch {
  Version version;  // the release (tag) it belongs to
  OciManifest manifest;
};

// A digest some release or stored manifest names, for fsck and gc.
struct ReferencedBlob {
  Digest digest;
  std::uint64_t size = 0;      // as recorded at publish
  PackageVersion first_named;  // one release naming it, for messages
};

// Told of every write that may change a package's document: each publish(), yank and unyank,
// after the store returned, whether the write succeeded or not (a failed commit may still have
// changed the package). Also, from an engine that learns of other processes' writes, of those.
// Called on the writing thread, so it must be quick and thread-safe, and must not add or remove
// listeners.
class ChangeListener {
 public:
  virtual void package_changed(const PackageName& name) = 0;
  // Any package may have changed: another process's writes were missed, or are re-checked
  // (postgres_change_feed.h).
  virtual void any_package_changed() = 0;

 protected:
  ~ChangeListener() = default;
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // --- Namespaces (created by an admin; a package's namespace must exist before a publish).

  // kAlreadyExists when it exists; kInvalidArgument when `ns` is not a kebab-case label.
  virtual Result<void> create_namespace(const std::string& ns) = 0;
  virtual Result<bool> namespace_exists(const std::string& ns) = 0;
  virtual Result<std::vector<std::string>> list_namespaces() = 0;  // sorted

  // --- Releases.

  // Records a release in one transaction (see the header comment).
  //   kCreated / kAlreadyPresent (same version, same digest: nothing changes);
  //   kConflict when the version exists with another digest, message naming the existing one:
  //     "demo:lib@1.0.0 is already published with sha256:...; versions are immutable, publish a
  //     new version";
  //   kConflict when a version of equal precedence exists with other build metadata;
  //   kNotFound when the namespace was not created; kInvalidArgument when details_json is not a
  //   JSON object. Concurrent publishes of one version: exactly one creates it.
  // With a `manifest` (an OCI push, a manifest PUT by tag): a new release is recorded with it in
  // the same transaction; a release already holding
  // these bytes is kAlreadyPresent when it has this manifest, gets it when it has none yet, and
  // is kConflict ("... already has the manifest sha256:...; tags are immutable") when it has
  // another.
  // With a `claim` on the release's blob (blob_claim.h): a new release lets it go in its own
  // transaction, so the publish commits once for both; any other outcome leaves it held.
  // Then tells the listeners (see ChangeListener).
  Result<PublishOutcome> publish(const NewRelease& release,
                                 const std::optional<OciManifest>& manifest = std::nullopt,
                                 std::optional<std::int64_t> claim = std::nullopt);

  // The package document. kNotFound when the package has no release.
  virtual Result<PackageRecord> package(const PackageName& name) = 0;

  // Just the ETag of package(name), for If-None-Match without building the document.
  virtual Result<std::string> package_etag(const PackageName& name) = 0;

  // One release. A `version` without build metadata finds the release of equal precedence
  // (`1.0.0` finds `1.0.0+build.5`); with build metadata it must match exactly. kNotFound.
  virtual Result<ReleaseRecord> release(const PackageVersion& id) = 0;

  // Sets or clears `yanked`; bumps the revision when it changes. Returns the revision.
  // kNotFound when there is no such release. Yanking twice is not an error.
  // Then tells the listeners (see ChangeListener).
  Result<std::int64_t> set_yanked(const PackageVersion& id, bool yanked);

  // Listing and search (see SearchQuery). kInvalidArgument for a malformed cursor.
  virtual Result<SearchPage> search(const SearchQuery& query) = 0;

  // The `limit` releases this registry received last, newest first, leaving out yanked ones.
  virtual Result<std::vector<RecentRelease>> recent_releases(std::size_t limit) = 0;
  // The packages with a release that is not yanked and depends on `name` (a package page's
  // "used by"), sorted, at most `limit`.
  virtual Result<std::vector<PackageName>> dependents(const PackageName& name,
                                                      std::size_t limit) = 0;

  // Package names after `after` (`ns:name`; empty: from the first), sorted, at most `limit`
  // (the OCI catalog).
  virtual Result<std::vector<PackageName>> package_names(const std::string& after,
                                                         std::size_t limit) = 0;

  // --- OCI manifests (server/oci/).

  // The manifest stored for a release; nullopt when it has none yet (published natively and
  // not yet asked for over OCI). kNotFound when there is no such release (as release()).
  virtual Result<std::optional<OciManifest>> manifest_of(const PackageVersion& id) = 0;
  // Stores `manifest` for a release that has none; when it already has one, keeps that one.
  // Returns the stored manifest either way, so that concurrent callers agree. kNotFound.
  virtual Result<OciManifest> record_manifest(const PackageVersion& id,
                                              const OciManifest& manifest) = 0;
  // The manifest of `name` whose digest is `digest`; nullopt when none.
  virtual Result<std::optional<ManifestMatch>> manifest_by_digest(const PackageName& name,
                                                                  const Digest& digest) = 0;
  // Every stored manifest, for fsck.
  virtual Result<std::vector<StoredManifest>> manifests() = 0;

  // --- The transparency log (server/tlog/transparency_log.h). publish() and set_yanked() append
  // the entries; these read them and keep the signed checkpoints.

  // The version as published and the log index of one release, found as release() finds it, in
  // one indexed query (a proof needs nothing else). kNotFound as release().
  virtual Result<std::pair<Version, std::optional<std::uint64_t>>> release_log_index(
      const PackageVersion& id) = 0;
  // How many entries the log holds: the next entry's index.
  virtual Result<std::uint64_t> log_size() = 0;
  // The entries [from, from + count) as stored (ReleaseEntry::text()), fewer at the log's end.
  virtual Result<std::vector<std::string>> log_entries(std::uint64_t from, std::uint64_t count) = 0;
  // Appends a publish entry (and a yank entry when it is yanked) for every release that has none,
  // oldest first, in one transaction: releases published before the log existed. Returns how
  // many releases it logged.
  virtual Result<std::uint64_t> log_missing_releases() = 0;
  // Stores a signed checkpoint of the log at `size` entries. A checkpoint is kept per size: one
  // stored for `size` already is replaced (by the same checkpoint with witnesses' cosignatures
  // added, or signed again with a rotated key).
  virtual Result<void> record_checkpoint(std::uint64_t size, const std::string& note) = 0;
  // The stored checkpoint of the largest size; nullopt when none was signed yet.
  virtual Result<std::optional<std::string>> latest_checkpoint() = 0;
  // Every stored checkpoint, by size (fsck proves each one a prefix of the log).
  virtual Result<std::vector<std::string>> checkpoints() = 0;

  // --- Witnessing other logs (server/tlog/witness.h).

  // The newest checkpoint cosigned for the log named `origin`; nullopt when none was.
  virtual Result<std::optional<std::string>> witnessed_checkpoint(const std::string& origin) = 0;
  // Keeps `note`, a checkpoint of `size` entries, as the newest cosigned for `origin`, in place of
  // `replacing` (what witnessed_checkpoint() answered before the witness checked the new one
  // against it). False, writing nothing, when the kept note is no longer `replacing`: another
  // request (on this replica or another) recorded a checkpoint in between, and the new one was
  // checked against a stale one.
  virtual Result<bool> record_witnessed(const std::string& origin, std::uint64_t size,
                                        const std::string& note,
                                        const std::optional<std::string>& replacing) = 0;

  // --- Operations.

  virtual Result<StoreCounts> counts() = 0;
  // Every distinct digest a release or a stored manifest (its config) names, sorted by digest.
  virtual Result<std::vector<ReferencedBlob>> referenced_blobs() = 0;
  // Whether any release or stored manifest names `digest`, or a live claim holds it (gc re-checks
  // before deleting).
  virtual Result<bool> is_referenced(const Digest& digest) = 0;

  // --- Claims on blobs being installed (blob_claim.h holds them).

  // How long a claim counts: longer than any install and commit takes; a claim a crash left
  // behind stops protecting its blob after this.
  static constexpr std::chrono::hours kBlobClaimLifetime{1};
  // Claims `digest` until release_blob_claim(); returns the claim's id.
  virtual Result<std::int64_t> claim_blob(const Digest& digest) = 0;
  virtual Result<void> release_blob_claim(std::int64_t claim) = 0;
  // Deletes the claims that no longer count (gc).
  virtual Result<void> forget_expired_blob_claims() = 0;

  // --- Change listeners. `listener` must stay alive until it is removed.

  void add_listener(ChangeListener& listener);
  void remove_listener(ChangeListener& listener);

  // Another process (a replica on the same PostgreSQL database) changed `name`, or may have
  // changed anything: tells the listeners, as publish() and set_yanked() do for this process's
  // own writes. Called by postgres_change_feed.h.
  void changed_elsewhere(const PackageName& name) { announce_change(name); }
  void anything_changed_elsewhere();

 protected:
  // The engine's part of publish() and set_yanked(), with the same contract; the listeners are
  // told by the caller, never by these.
  virtual Result<PublishOutcome> do_publish(const NewRelease& release,
                                            const std::optional<OciManifest>& manifest,
                                            std::optional<std::int64_t> claim) = 0;
  virtual Result<std::int64_t> do_set_yanked(const PackageVersion& id, bool yanked) = 0;

  // Tells every listener that `name` may have changed: publish() and set_yanked() call it, and
  // an engine that hears of another process's write (PostgreSQL's LISTEN/NOTIFY) may too.
  void announce_change(const PackageName& name);

 private:
  std::mutex listeners_mutex_;
  std::vector<ChangeListener*> listeners_;  // guarded by listeners_mutex_
};

// --- Tokens. Only SHA-256 hashes of tokens are stored (server/auth/tokens.h makes them).

struct TokenRecord {
  std::int64_t id = 0;
  bool admin = false;
  std::vector<std::string> namespaces;  // publish scope, sorted
  std::string note;                     // free text given at creation, may be empty
  std::string created;                  // RFC 3339 UTC
  std::optional<std::string> revoked;   // RFC 3339 UTC when revoked
  // When the token stops being accepted; nullopt: never. The store returns expired tokens like
  // live ones: refusing them, with a message that says they expired, is the Authorizer's
  // (server/auth/tokens.h).
  std::optional<std::chrono::sys_seconds> expires;
  // The latest use record_token_use() stored; nullopt: never used. Only list_tokens() reads it.
  std::optional<std::chrono::sys_seconds> last_used;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;

  // Stores a new token's hash, scopes and expiry (nullopt: it never expires); returns its id.
  // kNotFound when a namespace in `namespaces` was not created; kAlreadyExists if the hash is
  // already stored.
  virtual Result<std::int64_t> add_token(const Digest& hash, bool admin,
                                         const std::vector<std::string>& namespaces,
                                         const std::string& note,
                                         std::optional<std::chrono::sys_seconds> expires) = 0;

  // The token with this hash unless it was revoked (expired or not), found by an index on the
  // hash; the stored hash is then compared with `hash` in constant time. nullopt when none.
  virtual Result<std::optional<TokenRecord>> find_token(const Digest& hash) = 0;

  // The token with this id unless it was revoked (expired or not), for a credential that names
  // its token by id (a bearer token GET /v2/token issued, server/auth/bearer_tokens.h). nullopt
  // when none.
  virtual Result<std::optional<TokenRecord>> find_live_token(std::int64_t id) = 0;

  // All tokens, revoked ones included, by id, with their last use.
  virtual Result<std::vector<TokenRecord>> list_tokens() = 0;

  // Marks a token revoked. kNotFound for an unknown id; revoking twice is not an error.
  virtual Result<void> revoke_token(std::int64_t id) = 0;

  // Records that token `id` was used at `when`: its last_used moves forward to `when`, never
  // back (so replicas that write out of order keep the latest). One small write: callers keep
  // it to a few a minute (auth::Authorizer writes at most once a minute per token). An unknown
  // id is not an error.
  virtual Result<void> record_token_use(std::int64_t id, std::chrono::sys_seconds when) = 0;
};

}  // namespace wreg::store
