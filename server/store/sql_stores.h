// SqlMetadataStore and SqlTokenStore: the MetadataStore and TokenStore written once for every SQL
// engine, as class templates over an engine.
//
// The statements are metadata_sql.h's and the rules on rows metadata_rows.h's; the steps that run
// them (a publish, a yank, a document read, the log's appends) are sql_stores_impl.h's. An engine
// supplies the rest as a struct of types and two functions:
//
//   struct SomeEngine {
//     using Database = ...;     // acquire() for reads, acquire_for_write() for every write
//                               // transaction (each returns a lease: *lease is a Connection),
//                               // options().now(), log()
//     using Connection = ...;   // log(), unique_violated()
//     using Query = ...;        // make(), bind(), step(), run(), integer(), text(), ...
//     using Transaction = ...;  // read(connection), write(connection), commit()
//     // search_statement()'s condition for SearchQuery::text
//     static void text_condition(ComposedStatement& statement, std::string_view text);
//     // Called in a publish's or a yank's transaction after a package row changed: SQLite
//     // keeps its search index in step, PostgreSQL tells the other replicas.
//     static Result<void> package_written(Connection& db, std::int64_t package_id,
//                                              const std::string& name,
//                                              const std::string& description);
//   };
//
// sqlite_stores.h (SQLite) and postgres_stores.h (PostgreSQL) are the engines; each instantiates
// the templates once in its own .cpp, so only those two files compile sql_stores_impl.h.
//
// Threading: as the engine's Database (every method is safe to call from many threads).
#pragma once

#include "server/store/metadata_store.h"

namespace wreg::store {

template <typename Engine>
struct SqlSteps;  // sql_stores_impl.h

template <typename Engine>
class SqlMetadataStore final : public MetadataStore {
 public:
  using Database = typename Engine::Database;

  // The store on `database`, which must outlive it.
  explicit SqlMetadataStore(Database& database) : database_(database) {}

  Result<void> create_namespace(const std::string& ns) override;
  Result<bool> namespace_exists(const std::string& ns) override;
  Result<std::vector<std::string>> list_namespaces() override;
  Result<PackageRecord> package(const PackageName& name) override;
  Result<std::string> package_etag(const PackageName& name) override;
  Result<ReleaseRecord> release(const PackageVersion& id) override;
  Result<SearchPage> search(const SearchQuery& query) override;
  Result<std::vector<RecentRelease>> recent_releases(std::size_t limit) override;
  Result<std::vector<PackageName>> dependents(const PackageName& name, std::size_t limit) override;
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
  Result<bool> record_witnessed(const std::string& origin, std::uint64_t size,
                                const std::string& note,
                                const std::optional<std::string>& replacing) override;
  Result<StoreCounts> counts() override;
  Result<std::vector<ReferencedBlob>> referenced_blobs() override;
  Result<bool> is_referenced(const Digest& digest) override;
  Result<std::int64_t> claim_blob(const Digest& digest) override;
  Result<void> release_blob_claim(std::int64_t claim) override;
  Result<void> forget_expired_blob_claims() override;

 private:
  Result<PublishOutcome> do_publish(const NewRelease& release,
                                    const std::optional<OciManifest>& manifest,
                                    std::optional<std::int64_t> claim) override;
  Result<std::int64_t> do_set_yanked(const PackageVersion& id, bool yanked) override;

  using Connection = typename Engine::Connection;
  using Query = typename Engine::Query;
  using Transaction = typename Engine::Transaction;
  using Steps = SqlSteps<Engine>;

  Database& database_;
};

template <typename Engine>
class SqlTokenStore final : public TokenStore {
 public:
  using Database = typename Engine::Database;

  // The store on `database`, which must outlive it.
  explicit SqlTokenStore(Database& database) : database_(database) {}

  Result<std::int64_t> add_token(const Digest& hash, bool admin,
                                 const std::vector<std::string>& namespaces,
                                 const std::string& note,
                                 std::optional<std::chrono::sys_seconds> expires) override;
  Result<std::optional<TokenRecord>> find_token(const Digest& hash) override;
  Result<std::optional<TokenRecord>> find_live_token(std::int64_t id) override;
  Result<std::vector<TokenRecord>> list_tokens() override;
  Result<void> revoke_token(std::int64_t id) override;
  Result<void> record_token_use(std::int64_t id, std::chrono::sys_seconds when) override;

 private:
  using Connection = typename Engine::Connection;
  using Query = typename Engine::Query;
  using Transaction = typename Engine::Transaction;
  using Steps = SqlSteps<Engine>;

  Database& database_;
};

}  // namespace wreg::store
