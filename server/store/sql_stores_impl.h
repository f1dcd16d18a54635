// The definitions of sql_stores.h's templates. Included only by an engine's .cpp, which
// instantiates them for that engine (sqlite_stores.cpp, postgres_stores.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/text.h"
#include "common/tlog/release_entry.h"
#include "server/store/metadata_rows.h"
#include "server/store/metadata_sql.h"
#include "server/store/sql_stores.h"
#include "server/store/try.h"

namespace wreg::store {

// The steps the stores' methods are made of, each run on the caller's connection (inside the
// caller's transaction where it writes).
template <typename Engine>
struct SqlSteps {
  using Connection = typename Engine::Connection;
  using Query = typename Engine::Query;

  // --- Reading a package's rows ----------------------------------------------------------------

  // The package names in the first column of `query`'s rows (a listing of packages).
  static Result<std::vector<PackageName>> package_names_of(Query& query, std::string_view context,
                                                           const LogSink& log) {
    WREG_TRY(texts, query.first_column_texts(context));
    std::vector<PackageName> names;
    names.reserve(texts->size());
    for (const std::string& text : *texts) {
      WREG_TRY(name, decode_package_name(text, log));
      names.push_back(std::move(*name));
    }
    return names;
  }

  // Every release of a package (without dependencies), in no particular order.
  static Result<std::vector<ReleaseRow>> load_releases(Connection& db, std::int64_t package_id) {
    WREG_TRY(query, Query::make(db, sql::kReleasesOfPackage));
    query->bind(1, package_id);
    std::vector<ReleaseRow> rows;
    for (;;) {
      WREG_TRY(row, query->step("read releases"));
      if (!*row) break;
      WREG_TRY(release, decode_release(*query, db.log()));
      rows.push_back(std::move(*release));
    }
    return rows;
  }

  // The dependencies of every release of a package, by release id, in one query (one per release
  // made a 300-version document three times slower).
  static Result<std::unordered_map<std::int64_t, std::vector<api::Dependency>>> load_dependencies(
      Connection& db, std::int64_t package_id) {
    WREG_TRY(query, Query::make(db, sql::kDependenciesOfPackage));
    query->bind(1, package_id);
    std::unordered_map<std::int64_t, std::vector<api::Dependency>> dependencies;
    DependencyDecoder decoder(db.log());
    for (;;) {
      WREG_TRY(row, query->step("read dependencies"));
      if (!*row) break;
      WREG_TRY(dependency, decoder.decode(query->text(1), query->text(2)));
      dependencies[query->integer(0)].push_back(std::move(*dependency));
    }
    return dependencies;
  }

  // --- The steps of a publish and a yank, inside the caller's write transaction ----------------

  // The id of the namespace `name` is in. kNotFound when an admin has not created it.
  static Result<std::int64_t> find_namespace(Connection& db, const PackageName& name) {
    WREG_TRY(query, Query::make(db, sql::kFindNamespace));
    query->bind(1, name.space());
    WREG_TRY(row, query->step("look up a namespace"));
    if (!*row) {
      return fail(ErrorCode::kNotFound,
                  "namespace " + wreg::quoted(name.space()) +
                      " does not exist; an admin creates it with `wreg-server namespace create`");
    }
    return query->integer(0);
  }

  struct PackageKey {
    std::int64_t id = 0;
    std::int64_t revision = 0;
  };

  // The package's id and revision; nullopt when it has no release yet.
  static Result<std::optional<PackageKey>> find_package(Connection& db, const std::string& name) {
    WREG_TRY(query, Query::make(db, sql::kFindPackage));
    query->bind(1, name);
    WREG_TRY(row, query->step("look up a package"));
    if (!*row) return std::optional<PackageKey>();
    return std::optional<PackageKey>(PackageKey{query->integer(0), query->integer(1)});
  }

  // A nullable log_index column.
  static std::optional<std::uint64_t> log_index_of(const Query& query, int column) {
    if (query.is_null(column)) return std::nullopt;
    return static_cast<std::uint64_t>(query.integer(column));
  }

  struct HeldRelease {
    std::int64_t id = 0;
    std::optional<std::uint64_t> log_index;
  };

  // The id of the release when the package already holds it (a retry); nullopt when not.
  // kConflict when it holds a release of equal precedence that is not this one
  // (check_same_release).
  static Result<std::optional<HeldRelease>> holds_release(Connection& db, std::int64_t package_id,
                                                          const NewRelease& release) {
    WREG_TRY(query, Query::make(db, sql::kFindReleaseByKey));
    query->bind(1, package_id).bind(2, version_key(release.id.version));
    WREG_TRY(row, query->step("look up a release"));
    if (!*row) return std::optional<HeldRelease>();
    WREG_CHECK(check_same_release(release, query->text(0), query->text(1)));
    return std::optional<HeldRelease>(HeldRelease{query->integer(2), log_index_of(*query, 3)});
  }

  // Appends `entry` to the transparency log inside the caller's write transaction; its index.
  static Result<std::uint64_t> append_log_entry(Connection& db, const tlog::ReleaseEntry& entry) {
    WREG_TRY(append, Query::make(db, sql::kAppendLogEntry));
    append->bind(1, entry.text());
    WREG_CHECK(append->run_for_row("append to the transparency log"));
    return static_cast<std::uint64_t>(append->integer(0));
  }

  // The manifest stored for a release; nullopt when none.
  static Result<std::optional<OciManifest>> load_manifest(Connection& db, std::int64_t release_id) {
    WREG_TRY(query, Query::make(db, sql::kManifestOfReleaseId));
    query->bind(1, release_id);
    WREG_TRY(row, query->step("look up a manifest"));
    if (!*row) return std::optional<OciManifest>();
    WREG_TRY(manifest, decode_manifest(*query, 0, db.log()));
    return std::optional<OciManifest>(std::move(*manifest));
  }

  // Stores a release's manifest unless it has one already.
  static Result<void> insert_manifest(Connection& db, std::int64_t release_id,
                                      const OciManifest& manifest, const std::string& now) {
    WREG_TRY(insert, Query::make(db, sql::kInsertManifest));
    insert->bind(1, release_id)
        .bind(2, manifest.digest.to_string())
        .bind(3, manifest.media_type)
        .bind(4, manifest.content)
        .bind(5, manifest.config.to_string())
        .bind(6, static_cast<std::int64_t>(manifest.config_size))
        .bind(7, now);
    return insert->run("store a manifest");
  }

  static Result<std::int64_t> insert_package(Connection& db, std::int64_t namespace_id,
                                             const NewRelease& release, const std::string& now) {
    WREG_TRY(insert, Query::make(db, sql::kInsertPackage));
    insert->bind(1, namespace_id)
        .bind(2, release.id.name.to_string())
        .bind(3, release.id.version.to_string())
        .bind(4, kind_text(release.kind))
        .bind(5, now);
    WREG_CHECK(insert->run_for_row("create a package"));
    return insert->integer(0);
  }

  static Result<std::int64_t> insert_release(Connection& db, std::int64_t package_id,
                                             const NewRelease& release, const std::string& now,
                                             std::uint64_t log_index) {
    WREG_TRY(insert, Query::make(db, sql::kInsertRelease));
    insert->bind(1, package_id)
        .bind(2, release.id.version.to_string())
        .bind(3, version_key(release.id.version))
        .bind(4, release.digest.to_string())
        .bind(5, static_cast<std::int64_t>(release.size))
        .bind(6, kind_text(release.kind))
        .bind(7, now)
        .bind(8, release.description)
        .bind(9, release.details_json)
        .bind(10, release.origin)
        .bind(11, static_cast<std::int64_t>(log_index));
    WREG_CHECK(insert->run_for_row("insert a release"));
    return insert->integer(0);
  }

  static Result<void> insert_dependencies(Connection& db, std::int64_t release_id,
                                          const std::vector<api::Dependency>& dependencies) {
    for (std::size_t i = 0; i < dependencies.size(); ++i) {
      WREG_TRY(insert, Query::make(db, sql::kInsertDependency));
      insert->bind(1, release_id)
          .bind(2, static_cast<std::int64_t>(i))
          .bind(3, dependencies[i].name.to_string())
          .bind(4, dependencies[i].requirement.to_string());
      WREG_CHECK(insert->run("insert a dependency"));
    }
    return {};
  }

  // The interfaces a release imports, then those it exports, numbered in that order.
  static Result<void> insert_interfaces(Connection& db, std::int64_t release_id,
                                        const NewRelease& release) {
    std::int64_t position = 0;
    for (const auto& [direction, names] :
         {std::pair{kImport, &release.imports}, std::pair{kExport, &release.exports}}) {
      for (const wasm::InterfaceName& name : *names) {
        WREG_TRY(insert, Query::make(db, sql::kInsertInterface));
        insert->bind(1, release_id)
            .bind(2, direction)
            .bind(3, interface_column(name))
            .bind(4, version_column(name))
            .bind(5, position++);
        WREG_CHECK(insert->run("insert an interface"));
      }
    }
    return {};
  }

  // Recomputes a package's head (head_of) from its releases, bumps its revision and updates its
  // search text. Returns the new revision.
  static Result<std::int64_t> refresh_package(Connection& db, std::int64_t package_id,
                                              const std::string& name) {
    WREG_TRY(rows, load_releases(db, package_id));
    const PackageHead head = head_of(std::move(*rows));
    WREG_TRY(update, Query::make(db, sql::kUpdatePackageHead));
    update->bind(1, head.latest).bind(2, head.kind).bind(3, head.description).bind(4, package_id);
    WREG_CHECK(update->run_for_row("update a package"));
    const std::int64_t revision = update->integer(0);
    WREG_CHECK(Engine::package_written(db, package_id, name, head.description));
    return revision;
  }

  // --- OCI manifests

  struct ReleaseManifest {
    std::int64_t release_id = 0;
    std::optional<OciManifest> manifest;
  };

  // The release `id` names and its manifest. kNotFound when there is no such release.
  static Result<ReleaseManifest> find_release_manifest(Connection& db, const PackageVersion& id) {
    WREG_TRY(query, Query::make(db, sql::kManifestOfRelease));
    query->bind(1, id.name.to_string()).bind(2, version_key(id.version));
    WREG_TRY(row, query->step("look up a manifest"));
    if (!*row || !names_release(id.version, query->text(1))) {
      return fail(ErrorCode::kNotFound, "no release " + id.to_string() + " is published");
    }
    ReleaseManifest out{query->integer(0), std::nullopt};
    if (!query->is_null(2)) {
      WREG_TRY(manifest, decode_manifest(*query, 2, db.log()));
      out.manifest = std::move(*manifest);
    }
    return out;
  }

  // --- Tokens

  static Result<std::vector<std::string>> token_namespaces(Connection& db, std::int64_t token_id) {
    WREG_TRY(query, Query::make(db, sql::kTokenNamespaces));
    query->bind(1, token_id);
    return query->first_column_texts("read token scopes");
  }

  // A nullable time column.
  static Result<std::optional<std::chrono::sys_seconds>> time_of(const Query& query, int column,
                                                                 std::string_view what,
                                                                 const LogSink& log) {
    if (query.is_null(column)) return std::optional<std::chrono::sys_seconds>();
    WREG_TRY(when, decode_time(query.text(column), what, log));
    return std::optional<std::chrono::sys_seconds>(*when);
  }

  // The token in the current row of kFindLiveToken or kFindLiveTokenById, with its scopes.
  static Result<std::optional<TokenRecord>> live_token_of(Connection& db, Query& query) {
    TokenRecord record;
    record.id = query.integer(0);
    record.admin = query.integer(2) != 0;
    record.note = query.text(3);
    record.created = query.text(4);
    WREG_TRY(expires, time_of(query, 5, "token expiry", db.log()));
    record.expires = *expires;
    WREG_TRY(names, token_namespaces(db, record.id));
    record.namespaces = std::move(*names);
    return std::optional<TokenRecord>(std::move(record));
  }
};

// --- The metadata store --------------------------------------------------------------------

// --- Namespaces ------------------------------------------------------------------------------

template <typename Engine>
Result<void> SqlMetadataStore<Engine>::create_namespace(const std::string& ns) {
  WREG_CHECK(check_label(ns, "namespace"));
  auto lease = database_.acquire_for_write();
  WREG_TRY(tx, Transaction::write(*lease));
  WREG_TRY(existing, Query::make(*lease, sql::kFindNamespace));
  existing->bind(1, ns);
  WREG_TRY(found, existing->step("look up a namespace"));
  if (*found) {
    return fail(ErrorCode::kAlreadyExists, "namespace " + wreg::quoted(ns) + " already exists");
  }
  WREG_TRY(insert, Query::make(*lease, sql::kInsertNamespace));
  insert->bind(1, ns).bind(2, rfc3339(database_.options().now()));
  WREG_CHECK(insert->run("create a namespace"));
  return tx->commit();
}

template <typename Engine>
Result<bool> SqlMetadataStore<Engine>::namespace_exists(const std::string& ns) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kFindNamespace));
  query->bind(1, ns);
  return query->step("look up a namespace");
}

template <typename Engine>
Result<std::vector<std::string>> SqlMetadataStore<Engine>::list_namespaces() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kListNamespaces));
  return query->first_column_texts("list namespaces");
}

// --- Releases --------------------------------------------------------------------------------

template <typename Engine>
Result<PublishOutcome> SqlMetadataStore<Engine>::do_publish(
    const NewRelease& release, const std::optional<OciManifest>& manifest,
    std::optional<std::int64_t> claim) {
  WREG_CHECK(check_details(release.details_json));
  const std::string name = release.id.name.to_string();
  const std::string now = rfc3339(database_.options().now());

  auto lease = database_.acquire_for_write();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::write(db));
  WREG_TRY(namespace_id, Steps::find_namespace(db, release.id.name));
  WREG_TRY(package, Steps::find_package(db, name));
  std::int64_t package_id = 0;
  if (*package) {
    WREG_TRY(held, Steps::holds_release(db, (*package)->id, release));
    if (*held) {
      const PublishOutcome present{PublishStatus::kAlreadyPresent, (*package)->revision,
                                   (*held)->log_index};
      if (!manifest) return present;
      WREG_TRY(stored, Steps::load_manifest(db, (*held)->id));
      WREG_TRY(step, manifest_step(release.id, *manifest, *stored));
      if (*step == ManifestStep::kAlreadyPresent) return present;
      WREG_CHECK(Steps::insert_manifest(db, (*held)->id, *manifest, now));
      WREG_CHECK(tx->commit());
      return present;
    }
    package_id = (*package)->id;
  } else {
    WREG_TRY(created, Steps::insert_package(db, *namespace_id, release, now));
    package_id = *created;
  }
  WREG_TRY(log_index, Steps::append_log_entry(
                          db, tlog::ReleaseEntry{tlog::ReleaseEvent::kPublish, release.id,
                                                 release.digest, release.size, release.kind, now}));
  WREG_TRY(release_id, Steps::insert_release(db, package_id, release, now, *log_index));
  WREG_CHECK(Steps::insert_dependencies(db, *release_id, release.dependencies));
  WREG_CHECK(Steps::insert_interfaces(db, *release_id, release));
  if (manifest) WREG_CHECK(Steps::insert_manifest(db, *release_id, *manifest, now));
  WREG_TRY(revision, Steps::refresh_package(db, package_id, name));
  if (claim) {
    WREG_TRY(release_claim, Query::make(db, sql::kReleaseBlobClaim));
    release_claim->bind(1, *claim);
    WREG_CHECK(release_claim->run("release a blob claim"));
  }
  WREG_CHECK(tx->commit());
  return PublishOutcome{PublishStatus::kCreated, *revision, *log_index};
}

template <typename Engine>
Result<PackageRecord> SqlMetadataStore<Engine>::package(const PackageName& name) {
  auto lease = database_.acquire();
  Connection& db = *lease;
  // One read transaction, so the document is one snapshot even while a publish commits.
  WREG_TRY(tx, Transaction::read(db));
  WREG_TRY(package, Query::make(db, sql::kFindPackageWithDescription));
  package->bind(1, name.to_string());
  WREG_TRY(row, package->step("look up a package"));
  if (!*row) return package_not_found(name);
  const std::int64_t package_id = package->integer(0);
  PackageRecord record{api::PackageDocument{name, package->text(2), {}}, package->integer(1), ""};
  record.etag = etag_of(package_id, record.revision);

  WREG_TRY(releases, Steps::load_releases(db, package_id));
  sort_newest_first(*releases);
  WREG_TRY(dependencies, Steps::load_dependencies(db, package_id));
  record.document.versions.reserve(releases->size());
  for (ReleaseRow& release : *releases) {
    if (auto found = dependencies->find(release.id); found != dependencies->end()) {
      release.summary.dependencies = std::move(found->second);
    }
    record.document.versions.push_back(std::move(release.summary));
  }
  return record;
}

template <typename Engine>
Result<std::string> SqlMetadataStore<Engine>::package_etag(const PackageName& name) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kFindPackage));
  query->bind(1, name.to_string());
  WREG_TRY(row, query->step("look up a package"));
  if (!*row) return package_not_found(name);
  return etag_of(query->integer(0), query->integer(1));
}

template <typename Engine>
Result<ReleaseRecord> SqlMetadataStore<Engine>::release(const PackageVersion& id) {
  const Error not_found = fail(ErrorCode::kNotFound, "no release " + id.to_string() +
                                                         " is published; see the package's "
                                                         "versions");
  auto lease = database_.acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::read(db));
  WREG_TRY(query, Query::make(db, sql::kFindRelease));
  query->bind(1, id.name.to_string()).bind(2, version_key(id.version));
  WREG_TRY(row, query->step("look up a release"));
  if (!*row || !names_release(id.version, query->text(1))) return not_found;
  WREG_TRY(release, decode_release(*query, db.log()));
  ReleaseRecord record{
      id.name,        std::move(release->summary),   std::move(release->description), {}, {},
      query->text(8), Steps::log_index_of(*query, 9)};

  WREG_TRY(dependencies, Query::make(db, sql::kDependenciesOfRelease));
  dependencies->bind(1, release->id);
  DependencyDecoder decoder(db.log());
  for (;;) {
    WREG_TRY(next, dependencies->step("read dependencies"));
    if (!*next) break;
    WREG_TRY(dependency, decoder.decode(dependencies->text(0), dependencies->text(1)));
    record.summary.dependencies.push_back(std::move(*dependency));
  }

  WREG_TRY(interfaces, Query::make(db, sql::kInterfacesOfRelease));
  interfaces->bind(1, release->id);
  for (;;) {
    WREG_TRY(next, interfaces->step("read interfaces"));
    if (!*next) break;
    std::string text = interfaces->text(1);
    if (const std::string version = interfaces->text(2); !version.empty()) text += "@" + version;
    (interfaces->text(0) == kImport ? record.imports : record.exports).push_back(std::move(text));
  }
  return record;
}

template <typename Engine>
Result<std::int64_t> SqlMetadataStore<Engine>::do_set_yanked(const PackageVersion& id,
                                                             bool yanked) {
  const std::string name = id.name.to_string();
  auto lease = database_.acquire_for_write();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::write(db));
  WREG_TRY(query, Query::make(db, sql::kFindReleaseToYank));
  query->bind(1, name).bind(2, version_key(id.version));
  WREG_TRY(row, query->step("look up a release"));
  if (!*row || !names_release(id.version, query->text(1))) {
    return fail(ErrorCode::kNotFound, "no release " + id.to_string() + " is published");
  }
  const std::int64_t release_id = query->integer(0);
  const bool was_yanked = query->integer(2) != 0;
  const std::int64_t package_id = query->integer(3);
  const std::int64_t revision = query->integer(4);
  if (was_yanked == yanked) return revision;
  WREG_TRY(entry, decode_log_entry(*query,
                                   yanked ? tlog::ReleaseEvent::kYank : tlog::ReleaseEvent::kUnyank,
                                   id.name, 1, 5, rfc3339(database_.options().now()), db.log()));
  WREG_TRY(update, Query::make(db, sql::kSetYanked));
  update->bind(1, std::int64_t{yanked ? 1 : 0}).bind(2, release_id);
  WREG_CHECK(update->run("yank a release"));
  WREG_CHECK(Steps::append_log_entry(db, *entry));
  WREG_TRY(new_revision, Steps::refresh_package(db, package_id, name));
  WREG_CHECK(tx->commit());
  return *new_revision;
}

template <typename Engine>
Result<SearchPage> SqlMetadataStore<Engine>::search(const SearchQuery& query) {
  std::string after;
  if (!query.cursor.empty()) {
    WREG_TRY(decoded, decode_cursor(query.cursor));
    after = std::move(*decoded);
  }
  const std::size_t limit = page_limit(query);
  auto lease = database_.acquire();
  WREG_TRY(select, Query::make(*lease, search_statement(query, after, Engine::text_condition)));
  SearchPage page;
  for (;;) {
    WREG_TRY(row, select->step("search packages"));
    if (!*row) break;
    if (page.packages.size() == limit) {
      page.next_cursor = encode_cursor(page.packages.back().name);
      break;
    }
    WREG_TRY(summary, decode_summary(*select, database_.log()));
    page.packages.push_back(std::move(*summary));
  }
  return page;
}

template <typename Engine>
Result<std::vector<RecentRelease>> SqlMetadataStore<Engine>::recent_releases(std::size_t limit) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kRecentReleases));
  query->bind(1, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  std::vector<RecentRelease> releases;
  for (;;) {
    WREG_TRY(row, query->step("list the newest releases"));
    if (!*row) break;
    WREG_TRY(name, decode_package_name(query->text(0), database_.log()));
    WREG_TRY(version, decode_version(query->text(1), database_.log()));
    WREG_TRY(kind, decode_kind(query->text(2), database_.log()));
    releases.push_back(
        {{std::move(*name), std::move(*version)}, *kind, query->text(3), query->text(4)});
  }
  return releases;
}

template <typename Engine>
Result<std::vector<PackageName>> SqlMetadataStore<Engine>::dependents(const PackageName& name,
                                                                      std::size_t limit) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kDependents));
  query->bind(1, name.to_string())
      .bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  return Steps::package_names_of(*query, "list a package's dependents", database_.log());
}

// --- The transparency log ----------------------------------------------------------------------

template <typename Engine>
Result<std::pair<Version, std::optional<std::uint64_t>>>
SqlMetadataStore<Engine>::release_log_index(const PackageVersion& id) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kReleaseLogIndex));
  query->bind(1, id.name.to_string()).bind(2, version_key(id.version));
  WREG_TRY(row, query->step("look up a release"));
  if (!*row || !names_release(id.version, query->text(0))) {
    return fail(ErrorCode::kNotFound,
                "no release " + id.to_string() + " is published; see the package's versions");
  }
  WREG_TRY(version, decode_version(query->text(0), database_.log()));
  return std::pair(std::move(*version), Steps::log_index_of(*query, 1));
}

template <typename Engine>
Result<std::uint64_t> SqlMetadataStore<Engine>::log_size() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kLogSize));
  WREG_CHECK(query->run_for_row("count the log's entries"));
  return static_cast<std::uint64_t>(query->integer(0));
}

template <typename Engine>
Result<std::vector<std::string>> SqlMetadataStore<Engine>::log_entries(std::uint64_t from,
                                                                       std::uint64_t count) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kLogEntries));
  query->bind(1, static_cast<std::int64_t>(from))
      .bind(2, static_cast<std::int64_t>(std::min<std::uint64_t>(count, INT64_MAX)));
  std::vector<std::string> entries;
  for (;;) {
    WREG_TRY(row, query->step("read the log's entries"));
    if (!*row) break;
    entries.push_back(query->text(0));
  }
  return entries;
}

template <typename Engine>
Result<std::uint64_t> SqlMetadataStore<Engine>::log_missing_releases() {
  auto lease = database_.acquire_for_write();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::write(db));
  WREG_TRY(missing, Query::make(db, sql::kReleasesWithoutLogEntry));
  std::uint64_t logged = 0;
  for (;;) {
    WREG_TRY(row, missing->step("find releases without a log entry"));
    if (!*row) break;
    WREG_TRY(name, decode_package_name(missing->text(1), db.log()));
    WREG_TRY(published, decode_log_entry(*missing, tlog::ReleaseEvent::kPublish, *name, 2, 3,
                                         missing->text(6), db.log()));
    WREG_TRY(index, Steps::append_log_entry(db, *published));
    if (missing->integer(7) != 0) {
      tlog::ReleaseEntry yanked = *published;
      yanked.event = tlog::ReleaseEvent::kYank;
      WREG_CHECK(Steps::append_log_entry(db, yanked));
    }
    WREG_TRY(update, Query::make(db, sql::kSetLogIndex));
    update->bind(1, static_cast<std::int64_t>(*index)).bind(2, missing->integer(0));
    WREG_CHECK(update->run("record a release's log index"));
    ++logged;
  }
  WREG_CHECK(tx->commit());
  return logged;
}

template <typename Engine>
Result<void> SqlMetadataStore<Engine>::record_checkpoint(std::uint64_t size,
                                                         const std::string& note) {
  auto lease = database_.acquire_for_write();
  WREG_TRY(insert, Query::make(*lease, sql::kInsertCheckpoint));
  insert->bind(1, static_cast<std::int64_t>(size))
      .bind(2, note)
      .bind(3, rfc3339(database_.options().now()));
  return insert->run("store a checkpoint");
}

template <typename Engine>
Result<std::optional<std::string>> SqlMetadataStore<Engine>::latest_checkpoint() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kLatestCheckpoint));
  WREG_TRY(row, query->step("read the newest checkpoint"));
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->text(0));
}

template <typename Engine>
Result<std::vector<std::string>> SqlMetadataStore<Engine>::checkpoints() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kCheckpoints));
  std::vector<std::string> notes;
  for (;;) {
    WREG_TRY(row, query->step("read the checkpoints"));
    if (!*row) break;
    notes.push_back(query->text(0));
  }
  return notes;
}

template <typename Engine>
Result<std::optional<std::string>> SqlMetadataStore<Engine>::witnessed_checkpoint(
    const std::string& origin) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kWitnessedCheckpoint));
  query->bind(1, origin);
  WREG_TRY(row, query->step("read a witnessed checkpoint"));
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->text(0));
}

template <typename Engine>
Result<bool> SqlMetadataStore<Engine>::record_witnessed(
    const std::string& origin, std::uint64_t size, const std::string& note,
    const std::optional<std::string>& replacing) {
  auto lease = database_.acquire_for_write();
  WREG_TRY(write,
           Query::make(*lease, replacing ? sql::kReplaceWitnessed : sql::kRecordFirstWitnessed));
  write->bind(1, origin)
      .bind(2, static_cast<std::int64_t>(size))
      .bind(3, note)
      .bind(4, rfc3339(database_.options().now()));
  if (replacing) write->bind(5, *replacing);
  WREG_TRY(wrote, write->step("store a witnessed checkpoint"));
  // To the statement's end, so that SQLite has committed before the witness cosigns.
  if (*wrote) WREG_CHECK(write->step("store a witnessed checkpoint"));
  return *wrote;
}

// --- Operations ------------------------------------------------------------------------------

template <typename Engine>
Result<StoreCounts> SqlMetadataStore<Engine>::counts() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kCounts));
  WREG_CHECK(query->run_for_row("count"));
  return StoreCounts{
      static_cast<std::uint64_t>(query->integer(0)), static_cast<std::uint64_t>(query->integer(1)),
      static_cast<std::uint64_t>(query->integer(2)), static_cast<std::uint64_t>(query->integer(3))};
}

template <typename Engine>
Result<std::vector<ReferencedBlob>> SqlMetadataStore<Engine>::referenced_blobs() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kReferencedBlobs));
  std::vector<ReferencedBlob> blobs;
  for (;;) {
    WREG_TRY(row, query->step("list referenced blobs"));
    if (!*row) break;
    WREG_TRY(digest, decode_digest(query->text(0), database_.log()));
    if (!blobs.empty() && blobs.back().digest == *digest) continue;
    WREG_TRY(name, decode_package_name(query->text(2), database_.log()));
    WREG_TRY(version, decode_version(query->text(3), database_.log()));
    blobs.push_back(ReferencedBlob{*digest, static_cast<std::uint64_t>(query->integer(1)),
                                   PackageVersion{std::move(*name), std::move(*version)}});
  }
  return blobs;
}

template <typename Engine>
Result<bool> SqlMetadataStore<Engine>::is_referenced(const Digest& digest) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kIsReferenced));
  query->bind(1, digest.to_string())
      .bind(2, rfc3339(database_.options().now() - kBlobClaimLifetime));
  return query->step("look up a digest");
}

template <typename Engine>
Result<std::int64_t> SqlMetadataStore<Engine>::claim_blob(const Digest& digest) {
  auto lease = database_.acquire_for_write();
  WREG_TRY(insert, Query::make(*lease, sql::kClaimBlob));
  insert->bind(1, digest.to_string()).bind(2, rfc3339(database_.options().now()));
  WREG_CHECK(insert->run_for_row("claim a blob"));
  return insert->integer(0);
}

template <typename Engine>
Result<void> SqlMetadataStore<Engine>::release_blob_claim(std::int64_t claim) {
  auto lease = database_.acquire_for_write();
  WREG_TRY(remove, Query::make(*lease, sql::kReleaseBlobClaim));
  remove->bind(1, claim);
  return remove->run("release a blob claim");
}

template <typename Engine>
Result<void> SqlMetadataStore<Engine>::forget_expired_blob_claims() {
  auto lease = database_.acquire_for_write();
  WREG_TRY(remove, Query::make(*lease, sql::kForgetBlobClaims));
  remove->bind(1, rfc3339(database_.options().now() - kBlobClaimLifetime));
  return remove->run("forget expired blob claims");
}

template <typename Engine>
Result<std::vector<PackageName>> SqlMetadataStore<Engine>::package_names(const std::string& after,
                                                                         std::size_t limit) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kPackageNames));
  query->bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  return Steps::package_names_of(*query, "list packages", database_.log());
}

// --- OCI manifests ---------------------------------------------------------------------------

template <typename Engine>
Result<std::optional<OciManifest>> SqlMetadataStore<Engine>::manifest_of(const PackageVersion& id) {
  auto lease = database_.acquire();
  WREG_TRY(found, Steps::find_release_manifest(*lease, id));
  return std::move(found->manifest);
}

template <typename Engine>
Result<OciManifest> SqlMetadataStore<Engine>::record_manifest(const PackageVersion& id,
                                                              const OciManifest& manifest) {
  auto lease = database_.acquire_for_write();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::write(db));
  WREG_TRY(found, Steps::find_release_manifest(db, id));
  if (found->manifest) return std::move(*found->manifest);
  WREG_CHECK(
      Steps::insert_manifest(db, found->release_id, manifest, rfc3339(database_.options().now())));
  WREG_CHECK(tx->commit());
  return manifest;
}

template <typename Engine>
Result<std::optional<ManifestMatch>> SqlMetadataStore<Engine>::manifest_by_digest(
    const PackageName& name, const Digest& digest) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kManifestByDigest));
  query->bind(1, name.to_string()).bind(2, digest.to_string());
  WREG_TRY(row, query->step("look up a manifest"));
  if (!*row) return std::optional<ManifestMatch>();
  WREG_TRY(version, decode_version(query->text(0), database_.log()));
  WREG_TRY(manifest, decode_manifest(*query, 1, database_.log()));
  return std::optional<ManifestMatch>(ManifestMatch{std::move(*version), std::move(*manifest)});
}

template <typename Engine>
Result<std::vector<StoredManifest>> SqlMetadataStore<Engine>::manifests() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kAllManifests));
  std::vector<StoredManifest> out;
  for (;;) {
    WREG_TRY(row, query->step("list manifests"));
    if (!*row) break;
    WREG_TRY(name, decode_package_name(query->text(0), database_.log()));
    WREG_TRY(version, decode_version(query->text(1), database_.log()));
    WREG_TRY(digest, decode_digest(query->text(2), database_.log()));
    WREG_TRY(manifest, decode_manifest(*query, 3, database_.log()));
    out.push_back(StoredManifest{PackageVersion{std::move(*name), std::move(*version)}, *digest,
                                 std::move(*manifest)});
  }
  return out;
}

// --- The token store -----------------------------------------------------------------------

template <typename Engine>
Result<std::int64_t> SqlTokenStore<Engine>::add_token(
    const Digest& hash, bool admin, const std::vector<std::string>& namespaces,
    const std::string& note, std::optional<std::chrono::sys_seconds> expires) {
  auto lease = database_.acquire_for_write();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::write(db));
  std::vector<std::int64_t> namespace_ids;
  for (const std::string& ns : namespaces) {
    WREG_TRY(query, Query::make(db, sql::kFindNamespace));
    query->bind(1, ns);
    WREG_TRY(row, query->step("look up a namespace"));
    if (!*row) {
      return fail(ErrorCode::kNotFound,
                  "namespace " + wreg::quoted(ns) +
                      " does not exist; create it first with `wreg-server namespace create`");
    }
    namespace_ids.push_back(query->integer(0));
  }
  WREG_TRY(insert, Query::make(db, sql::kInsertToken));
  insert->bind_blob(1, hash.bytes())
      .bind(2, std::int64_t{admin ? 1 : 0})
      .bind(3, note)
      .bind(4, rfc3339(database_.options().now()));
  if (expires) {
    insert->bind(5, rfc3339(*expires));
  } else {
    insert->bind_null(5);
  }
  if (auto done = insert->run_for_row("insert a token"); !done) {
    if (db.unique_violated())
      return fail(ErrorCode::kAlreadyExists, "this token is already stored");
    return std::move(done).error();
  }
  const std::int64_t token_id = insert->integer(0);
  for (const std::int64_t namespace_id : namespace_ids) {
    WREG_TRY(scope, Query::make(db, sql::kInsertTokenScope));
    scope->bind(1, token_id).bind(2, namespace_id);
    WREG_CHECK(scope->run("insert a token scope"));
  }
  WREG_CHECK(tx->commit());
  return token_id;
}

template <typename Engine>
Result<std::optional<TokenRecord>> SqlTokenStore<Engine>::find_token(const Digest& hash) {
  auto lease = database_.acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::read(db));
  WREG_TRY(query, Query::make(db, sql::kFindLiveToken));
  query->bind_blob(1, hash.bytes());
  WREG_TRY(row, query->step("look up a token"));
  if (!*row) return std::optional<TokenRecord>();
  // The index found the row; the comparison that decides is constant-time.
  if (!constant_time_equal(query->blob(1), hash.bytes())) return std::optional<TokenRecord>();
  return Steps::live_token_of(db, *query);
}

template <typename Engine>
Result<std::optional<TokenRecord>> SqlTokenStore<Engine>::find_live_token(std::int64_t id) {
  auto lease = database_.acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::read(db));
  WREG_TRY(query, Query::make(db, sql::kFindLiveTokenById));
  query->bind(1, id);
  WREG_TRY(row, query->step("look up a token"));
  if (!*row) return std::optional<TokenRecord>();
  return Steps::live_token_of(db, *query);
}

template <typename Engine>
Result<std::vector<TokenRecord>> SqlTokenStore<Engine>::list_tokens() {
  auto lease = database_.acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::read(db));
  WREG_TRY(query, Query::make(db, sql::kListTokens));
  std::vector<TokenRecord> records;
  for (;;) {
    WREG_TRY(row, query->step("list tokens"));
    if (!*row) break;
    TokenRecord record;
    record.id = query->integer(0);
    record.admin = query->integer(1) != 0;
    record.note = query->text(2);
    record.created = query->text(3);
    if (!query->is_null(4)) record.revoked = query->text(4);
    WREG_TRY(expires, Steps::time_of(*query, 5, "token expiry", database_.log()));
    record.expires = *expires;
    WREG_TRY(last_used, Steps::time_of(*query, 6, "token last use", database_.log()));
    record.last_used = *last_used;
    records.push_back(std::move(record));
  }
  for (TokenRecord& record : records) {
    WREG_TRY(names, Steps::token_namespaces(db, record.id));
    record.namespaces = std::move(*names);
  }
  return records;
}

template <typename Engine>
Result<void> SqlTokenStore<Engine>::revoke_token(std::int64_t id) {
  auto lease = database_.acquire_for_write();
  WREG_TRY(query, Query::make(*lease, sql::kRevokeToken));
  query->bind(1, rfc3339(database_.options().now())).bind(2, id);
  WREG_TRY(row, query->step("revoke a token"));
  if (!*row) {
    return fail(ErrorCode::kNotFound, "no token has id " + std::to_string(id) +
                                          "; `wreg-server token list` shows the ids");
  }
  return {};
}

template <typename Engine>
Result<void> SqlTokenStore<Engine>::record_token_use(std::int64_t id,
                                                     std::chrono::sys_seconds when) {
  auto lease = database_.acquire_for_write();
  WREG_TRY(query, Query::make(*lease, sql::kRecordTokenUse));
  query->bind(1, rfc3339(when)).bind(2, id);
  return query->run("record a token's use");
}

}  // namespace wreg::store
