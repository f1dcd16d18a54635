// SqliteMetadataStore: the MetadataStore on a SqliteDatabase.
//
// The package queries: namespaces, publish, the package document, one release, yank, search,
// counts and the digests releases name. Their SQL is metadata_sql.h's and their rows are read by
// metadata_rows.h, which another engine shares; what is SQLite's own here is the FTS5 trigram
// index behind `?q=` (the package_text table, kept in step with packages in the same
// transaction).
//
// Threading: safe to use from any number of threads (see sqlite_database.h).
#pragma once

#include "server/store/metadata_store.h"
#include "server/store/sqlite_database.h"

namespace wreg::store {

class SqliteMetadataStore final : public MetadataStore {
 public:
  // The store on `database`, which must outlive it.
  explicit SqliteMetadataStore(SqliteDatabase& database) : database_(database) {}

  Result<void> create_namespace(const std::string& ns) override;
  Result<bool> namespace_exists(const std::string& ns) override;
  Result<std::vector<std::string>> list_namespaces() override;
  Result<PackageRecord> package(const PackageName& name) override;
  Result<std::string> package_etag(const PackageName& name) override;
  Result<ReleaseRecord> release(const PackageVersion& id) override;
  Result<SearchPage> search(const SearchQuery& query) override;
  Result<std::vector<PackageName>> package_names(const std::string& after,
                                                 std::size_t limit) override;
  Result<std::optional<OciManifest>> manifest_of(const PackageVersion& id) override;
  Result<OciManifest> record_manifest(const PackageVersion& id,
                                      const OciManifest& manifest) override;
  Result<std::optional<ManifestMatch>> manifest_by_digest(const PackageName& name,
                                                          const Digest& digest) override;
  Result<std::vector<StoredManifest>> manifests() override;
  Result<std::pair<Version, std::optional<std::uint64_t>>> release_log_index(
      const PackageVersion& id) override;
  Result<std::uint64_t> log_size() override;
  Result<std::vector<std::string>> log_entries(std::uint64_t from, std::uint64_t count) override;
  Result<std::uint64_t> log_missing_releases() override;
  Result<void> record_checkpoint(std::uint64_t size, const std::string& note) override;
  Result<std::optional<std::string>> latest_checkpoint() override;
  Result<std::vector<std::string>> checkpoints() override;
  Result<std::optional<std::string>> witnessed_checkpoint(const std::string& origin) override;
  Result<void> record_witnessed(const std::string& origin, std::uint64_t size,
                                const std::string& note) override;
  Result<StoreCounts> counts() override;
  Result<std::vector<ReferencedBlob>> referenced_blobs() override;
  Result<bool> is_referenced(const Digest& digest) override;

 private:
  Result<PublishOutcome> do_publish(const NewRelease& release,
                                    const std::optional<OciManifest>& manifest) override;
  Result<std::int64_t> do_set_yanked(const PackageVersion& id, bool yanked) override;

  SqliteDatabase& database_;
};

}  // namespace wreg::store
