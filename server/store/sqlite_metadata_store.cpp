#include "server/store/sqlite_metadata_store.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/text.h"
#include "common/tlog/release_entry.h"
#include "server/store/metadata_rows.h"
#include "server/store/metadata_sql.h"
#include "server/store/try.h"

namespace wreg::store {
namespace {

using sqlite::Connection;
using sqlite::Query;
using sqlite::Transaction;

// --- Reading a package's rows ----------------------------------------------------------------

// Every release of a package (without dependencies), in no particular order.
Result<std::vector<ReleaseRow>> load_releases(Connection& db, std::int64_t package_id) {
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
Result<std::unordered_map<std::int64_t, std::vector<api::Dependency>>> load_dependencies(
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

// The SQLite half of search_statement(): FTS5 with the trigram tokenizer finds a substring of
// three or more characters through its index; shorter text is a scan with LIKE, fine for one or
// two characters on one registry. Both are case-insensitive for ASCII.
void fts5_text_condition(ComposedStatement& statement, std::string_view text) {
  if (text.size() >= 3) {
    // A quoted phrase matches that substring anywhere; a quote inside is doubled.
    std::string phrase = "\"";
    for (const char c : text) {
      phrase += c;
      if (c == '"') phrase += '"';
    }
    phrase += "\"";
    statement += " AND p.id IN (SELECT rowid FROM package_text WHERE package_text MATCH ";
    statement += statement.add(std::move(phrase));
    statement += ")";
    return;
  }
  std::string pattern = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += "%";
  const std::string value = statement.add(std::move(pattern));
  statement += " AND (p.name LIKE " + value + " ESCAPE '\\' OR p.description LIKE " + value +
               " ESCAPE '\\')";
}

// --- The steps of a publish and a yank, inside the caller's write transaction ----------------

// The id of the namespace `name` is in. kNotFound when an admin has not created it.
Result<std::int64_t> find_namespace(Connection& db, const PackageName& name) {
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
Result<std::optional<PackageKey>> find_package(Connection& db, const std::string& name) {
  WREG_TRY(query, Query::make(db, sql::kFindPackage));
  query->bind(1, name);
  WREG_TRY(row, query->step("look up a package"));
  if (!*row) return std::optional<PackageKey>();
  return std::optional<PackageKey>(PackageKey{query->integer(0), query->integer(1)});
}

// The id of the release when the package already holds it (a retry); nullopt when not.
// kConflict when it holds a release of equal precedence that is not this one
// (check_same_release).
// A nullable log_index column.
std::optional<std::uint64_t> log_index_of(const Query& query, int column) {
  if (query.is_null(column)) return std::nullopt;
  return static_cast<std::uint64_t>(query.integer(column));
}

struct HeldRelease {
  std::int64_t id = 0;
  std::optional<std::uint64_t> log_index;
};

Result<std::optional<HeldRelease>> holds_release(Connection& db, std::int64_t package_id,
                                                 const NewRelease& release) {
  WREG_TRY(query, Query::make(db, sql::kFindReleaseByKey));
  query->bind(1, package_id).bind(2, version_key(release.id.version));
  WREG_TRY(row, query->step("look up a release"));
  if (!*row) return std::optional<HeldRelease>();
  WREG_CHECK(check_same_release(release, query->text(0), query->text(1)));
  return std::optional<HeldRelease>(HeldRelease{query->integer(2), log_index_of(*query, 3)});
}

// Appends `entry` to the transparency log inside the caller's write transaction; its index.
Result<std::uint64_t> append_log_entry(Connection& db, const tlog::ReleaseEntry& entry) {
  WREG_TRY(append, Query::make(db, sql::kAppendLogEntry));
  append->bind(1, entry.text());
  WREG_CHECK(append->run_for_row("append to the transparency log"));
  return static_cast<std::uint64_t>(append->integer(0));
}

// The manifest stored for a release; nullopt when none.
Result<std::optional<OciManifest>> load_manifest(Connection& db, std::int64_t release_id) {
  WREG_TRY(query, Query::make(db, sql::kManifestOfReleaseId));
  query->bind(1, release_id);
  WREG_TRY(row, query->step("look up a manifest"));
  if (!*row) return std::optional<OciManifest>();
  WREG_TRY(manifest, decode_manifest(*query, 0, db.log()));
  return std::optional<OciManifest>(std::move(*manifest));
}

// Stores a release's manifest unless it has one already.
Result<void> insert_manifest(Connection& db, std::int64_t release_id, const OciManifest& manifest,
                             const std::string& now) {
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

Result<std::int64_t> insert_package(Connection& db, std::int64_t namespace_id,
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

Result<std::int64_t> insert_release(Connection& db, std::int64_t package_id,
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

Result<void> insert_dependencies(Connection& db, std::int64_t release_id,
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
Result<void> insert_interfaces(Connection& db, std::int64_t release_id, const NewRelease& release) {
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

// Keeps the FTS5 index of `?q=` in step with the package row.
Result<void> update_search_text(Connection& db, std::int64_t package_id, const std::string& name,
                                const std::string& description) {
  WREG_TRY(remove, Query::make(db, "DELETE FROM package_text WHERE rowid = $1"));
  remove->bind(1, package_id);
  WREG_CHECK(remove->run("update the search index"));
  WREG_TRY(
      insert,
      Query::make(db, "INSERT INTO package_text (rowid, name, description) VALUES ($1, $2, $3)"));
  insert->bind(1, package_id).bind(2, name).bind(3, description);
  return insert->run("update the search index");
}

// Recomputes a package's head (head_of) from its releases, bumps its revision and updates its
// search text. Returns the new revision.
Result<std::int64_t> refresh_package(Connection& db, std::int64_t package_id,
                                     const std::string& name) {
  WREG_TRY(rows, load_releases(db, package_id));
  const PackageHead head = head_of(std::move(*rows));
  WREG_TRY(update, Query::make(db, sql::kUpdatePackageHead));
  update->bind(1, head.latest).bind(2, head.kind).bind(3, head.description).bind(4, package_id);
  WREG_CHECK(update->run_for_row("update a package"));
  const std::int64_t revision = update->integer(0);
  WREG_CHECK(update_search_text(db, package_id, name, head.description));
  return revision;
}

}  // namespace

// --- Namespaces ------------------------------------------------------------------------------

Result<void> SqliteMetadataStore::create_namespace(const std::string& ns) {
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

Result<bool> SqliteMetadataStore::namespace_exists(const std::string& ns) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kFindNamespace));
  query->bind(1, ns);
  return query->step("look up a namespace");
}

Result<std::vector<std::string>> SqliteMetadataStore::list_namespaces() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kListNamespaces));
  return query->first_column_texts("list namespaces");
}

// --- Releases --------------------------------------------------------------------------------

Result<PublishOutcome> SqliteMetadataStore::do_publish(const NewRelease& release,
                                                       const std::optional<OciManifest>& manifest) {
  WREG_CHECK(check_details(release.details_json));
  const std::string name = release.id.name.to_string();
  const std::string now = rfc3339(database_.options().now());

  auto lease = database_.acquire_for_write();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::write(db));
  WREG_TRY(namespace_id, find_namespace(db, release.id.name));
  WREG_TRY(package, find_package(db, name));
  std::int64_t package_id = 0;
  if (*package) {
    WREG_TRY(held, holds_release(db, (*package)->id, release));
    if (*held) {
      const PublishOutcome present{PublishStatus::kAlreadyPresent, (*package)->revision,
                                   (*held)->log_index};
      if (!manifest) return present;
      WREG_TRY(stored, load_manifest(db, (*held)->id));
      WREG_TRY(step, manifest_step(release.id, *manifest, *stored));
      if (*step == ManifestStep::kAlreadyPresent) return present;
      WREG_CHECK(insert_manifest(db, (*held)->id, *manifest, now));
      WREG_CHECK(tx->commit());
      return present;
    }
    package_id = (*package)->id;
  } else {
    WREG_TRY(created, insert_package(db, *namespace_id, release, now));
    package_id = *created;
  }
  WREG_TRY(log_index, append_log_entry(
                          db, tlog::ReleaseEntry{tlog::ReleaseEvent::kPublish, release.id,
                                                 release.digest, release.size, release.kind, now}));
  WREG_TRY(release_id, insert_release(db, package_id, release, now, *log_index));
  WREG_CHECK(insert_dependencies(db, *release_id, release.dependencies));
  WREG_CHECK(insert_interfaces(db, *release_id, release));
  if (manifest) WREG_CHECK(insert_manifest(db, *release_id, *manifest, now));
  WREG_TRY(revision, refresh_package(db, package_id, name));
  WREG_CHECK(tx->commit());
  return PublishOutcome{PublishStatus::kCreated, *revision, *log_index};
}

Result<PackageRecord> SqliteMetadataStore::package(const PackageName& name) {
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

  WREG_TRY(releases, load_releases(db, package_id));
  sort_newest_first(*releases);
  WREG_TRY(dependencies, load_dependencies(db, package_id));
  record.document.versions.reserve(releases->size());
  for (ReleaseRow& release : *releases) {
    if (auto found = dependencies->find(release.id); found != dependencies->end()) {
      release.summary.dependencies = std::move(found->second);
    }
    record.document.versions.push_back(std::move(release.summary));
  }
  return record;
}

Result<std::string> SqliteMetadataStore::package_etag(const PackageName& name) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kFindPackage));
  query->bind(1, name.to_string());
  WREG_TRY(row, query->step("look up a package"));
  if (!*row) return package_not_found(name);
  return etag_of(query->integer(0), query->integer(1));
}

Result<ReleaseRecord> SqliteMetadataStore::release(const PackageVersion& id) {
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
      id.name,        std::move(release->summary), std::move(release->description), {}, {},
      query->text(8), log_index_of(*query, 9)};

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

Result<std::int64_t> SqliteMetadataStore::do_set_yanked(const PackageVersion& id, bool yanked) {
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
  WREG_CHECK(append_log_entry(db, *entry));
  WREG_TRY(new_revision, refresh_package(db, package_id, name));
  WREG_CHECK(tx->commit());
  return *new_revision;
}

Result<SearchPage> SqliteMetadataStore::search(const SearchQuery& query) {
  std::string after;
  if (!query.cursor.empty()) {
    WREG_TRY(decoded, decode_cursor(query.cursor));
    after = std::move(*decoded);
  }
  const std::size_t limit = page_limit(query);
  auto lease = database_.acquire();
  WREG_TRY(select, Query::make(*lease, search_statement(query, after, fts5_text_condition)));
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

// --- The transparency log ----------------------------------------------------------------------

Result<std::pair<Version, std::optional<std::uint64_t>>> SqliteMetadataStore::release_log_index(
    const PackageVersion& id) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kReleaseLogIndex));
  query->bind(1, id.name.to_string()).bind(2, version_key(id.version));
  WREG_TRY(row, query->step("look up a release"));
  if (!*row || !names_release(id.version, query->text(0))) {
    return fail(ErrorCode::kNotFound,
                "no release " + id.to_string() + " is published; see the package's versions");
  }
  WREG_TRY(version, decode_version(query->text(0), database_.log()));
  return std::pair(std::move(*version), log_index_of(*query, 1));
}

Result<std::uint64_t> SqliteMetadataStore::log_size() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kLogSize));
  WREG_CHECK(query->run_for_row("count the log's entries"));
  return static_cast<std::uint64_t>(query->integer(0));
}

Result<std::vector<std::string>> SqliteMetadataStore::log_entries(std::uint64_t from,
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

Result<std::uint64_t> SqliteMetadataStore::log_missing_releases() {
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
    WREG_TRY(index, append_log_entry(db, *published));
    if (missing->integer(7) != 0) {
      tlog::ReleaseEntry yanked = *published;
      yanked.event = tlog::ReleaseEvent::kYank;
      WREG_CHECK(append_log_entry(db, yanked));
    }
    WREG_TRY(update, Query::make(db, sql::kSetLogIndex));
    update->bind(1, static_cast<std::int64_t>(*index)).bind(2, missing->integer(0));
    WREG_CHECK(update->run("record a release's log index"));
    ++logged;
  }
  WREG_CHECK(tx->commit());
  return logged;
}

Result<void> SqliteMetadataStore::record_checkpoint(std::uint64_t size, const std::string& note) {
  auto lease = database_.acquire_for_write();
  WREG_TRY(insert, Query::make(*lease, sql::kInsertCheckpoint));
  insert->bind(1, static_cast<std::int64_t>(size))
      .bind(2, note)
      .bind(3, rfc3339(database_.options().now()));
  return insert->run("store a checkpoint");
}

Result<std::optional<std::string>> SqliteMetadataStore::latest_checkpoint() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kLatestCheckpoint));
  WREG_TRY(row, query->step("read the newest checkpoint"));
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->text(0));
}

Result<std::vector<std::string>> SqliteMetadataStore::checkpoints() {
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

Result<std::optional<std::string>> SqliteMetadataStore::witnessed_checkpoint(
    const std::string& origin) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kWitnessedCheckpoint));
  query->bind(1, origin);
  WREG_TRY(row, query->step("read a witnessed checkpoint"));
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(query->text(0));
}

Result<void> SqliteMetadataStore::record_witnessed(const std::string& origin, std::uint64_t size,
                                                   const std::string& note) {
  auto lease = database_.acquire_for_write();
  WREG_TRY(insert, Query::make(*lease, sql::kRecordWitnessed));
  insert->bind(1, origin)
      .bind(2, static_cast<std::int64_t>(size))
      .bind(3, note)
      .bind(4, rfc3339(database_.options().now()));
  return insert->run("store a witnessed checkpoint");
}

// --- Operations ------------------------------------------------------------------------------

Result<StoreCounts> SqliteMetadataStore::counts() {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kCounts));
  WREG_CHECK(query->run_for_row("count"));
  return StoreCounts{
      static_cast<std::uint64_t>(query->integer(0)), static_cast<std::uint64_t>(query->integer(1)),
      static_cast<std::uint64_t>(query->integer(2)), static_cast<std::uint64_t>(query->integer(3))};
}

Result<std::vector<ReferencedBlob>> SqliteMetadataStore::referenced_blobs() {
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

Result<bool> SqliteMetadataStore::is_referenced(const Digest& digest) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kIsReferenced));
  query->bind(1, digest.to_string());
  return query->step("look up a digest");
}

Result<std::vector<PackageName>> SqliteMetadataStore::package_names(const std::string& after,
                                                                    std::size_t limit) {
  auto lease = database_.acquire();
  WREG_TRY(query, Query::make(*lease, sql::kPackageNames));
  query->bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  std::vector<PackageName> names;
  for (;;) {
    WREG_TRY(row, query->step("list packages"));
    if (!*row) break;
    WREG_TRY(name, decode_package_name(query->text(0), database_.log()));
    names.push_back(std::move(*name));
  }
  return names;
}

// --- OCI manifests ---------------------------------------------------------------------------

namespace {

struct ReleaseManifest {
  std::int64_t release_id = 0;
  std::optional<OciManifest> manifest;
};

// The release `id` names and its manifest. kNotFound when there is no such release.
Result<ReleaseManifest> find_release_manifest(Connection& db, const PackageVersion& id) {
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

}  // namespace

Result<std::optional<OciManifest>> SqliteMetadataStore::manifest_of(const PackageVersion& id) {
  auto lease = database_.acquire();
  WREG_TRY(found, find_release_manifest(*lease, id));
  return std::move(found->manifest);
}

Result<OciManifest> SqliteMetadataStore::record_manifest(const PackageVersion& id,
                                                         const OciManifest& manifest) {
  auto lease = database_.acquire_for_write();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::write(db));
  WREG_TRY(found, find_release_manifest(db, id));
  if (found->manifest) return std::move(*found->manifest);
  WREG_CHECK(insert_manifest(db, found->release_id, manifest, rfc3339(database_.options().now())));
  WREG_CHECK(tx->commit());
  return manifest;
}

Result<std::optional<ManifestMatch>> SqliteMetadataStore::manifest_by_digest(
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

Result<std::vector<StoredManifest>> SqliteMetadataStore::manifests() {
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

}  // namespace wreg::store
