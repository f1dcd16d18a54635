// Migrations: each engine's schema as numbered SQL scripts, embedded in the binary.
//
// Each file schema/NNNN_name.sql is one migration; CMake turns them into a generated .cpp at
// build time, so an installed server needs no schema folder. PRAGMA user_version holds the
// number of the last migration applied. At open, SqliteDatabase applies each pending one
// in order, each in its own transaction together with the user_version bump, so a crash leaves
// the database at one migration or the next, never between. PostgreSQL's are numbered on their
// own (schema/postgresql/) and its version is the row of the table wreg_schema; PostgresDatabase
// applies them the same way, under an advisory lock, so that replicas starting together migrate
// once.
//
// How the schema changes: never edit a released migration; add NNNN+1 with ALTER/CREATE
// statements (and data moves) instead. A server refuses a database whose user_version is newer
// than its last migration, rather than guess.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace wreg::store {

struct Migration {
  int version = 0;        // NNNN from the file name, starting at 1
  std::string_view name;  // the file name, e.g. "0001_init.sql"
  std::string_view sql;   // the whole script
};

// The migrations built into this binary, sorted by version: SQLite's (schema/NNNN_*.sql) and
// PostgreSQL's (schema/postgresql/NNNN_*.sql).
std::span<const Migration> embedded_migrations();
std::span<const Migration> embedded_postgres_migrations();

// The migrations to apply to a database at `current` (its user_version), in order.
// kCorrupt when `current` is newer than the newest known migration ("the database was written
// by a newer wreg-server"); kInternal when `all` is not numbered 1, 2, 3, ... without gaps.
Result<std::vector<Migration>> pending_migrations(int current, std::span<const Migration> all);

}  // namespace wreg::store
