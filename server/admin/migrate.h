// `wreg-server migrate --from sqlite:PATH --to postgresql://...`: copies a registry's metadata
// from its SQLite database into an empty PostgreSQL database, then verifies the copy, so that a
// registry that outgrew one server moves to replicas without losing a release, a token or a log
// entry.
//
// What moves: every row of every table (namespaces, tokens and their scopes, packages, releases
// with their details, dependencies and interfaces, OCI manifests, the transparency log's entries
// and checkpoints, the checkpoints witnessed for other logs), with their ids, in one PostgreSQL
// transaction read from one SQLite snapshot: the target holds all of it or nothing. Blobs stay
// where they are (point --blobs at the old data dir's blobs/, or copy it to the shared folder),
// and so do the keys in the data dir.
//
// Verified: each table's rows are read back from both databases and compared as a multiset of
// row digests (the engines may order text differently), and the counts reported.
//
// Safe to run twice: a target that already holds exactly the source's rows is reported as
// migrated and verified, and changed in nothing; a target holding anything else is refused
// (kAlreadyExists), since merging two registries is not a migration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "server/store/postgres_database.h"
#include "server/store/sqlite_database.h"

namespace wreg::admin {

struct MigrateReport {
  bool already_done = false;  // the target held exactly the source's rows: nothing was written
  // Rows per table, in copy order: {"namespaces", 3}, {"tokens", 2}, ...
  std::vector<std::pair<std::string, std::uint64_t>> rows;
};

Result<MigrateReport> migrate_metadata(store::SqliteDatabase& from, store::PostgresDatabase& to);

}  // namespace wreg::admin
