#include "server/store/sqlite_token_store.h"

#include "common/text.h"
#include "server/store/metadata_rows.h"
#include "server/store/metadata_sql.h"
#include "server/store/try.h"

namespace wreg::store {
namespace {

using sqlite::Connection;
using sqlite::Query;
using sqlite::Transaction;

Result<std::vector<std::string>> token_namespaces(Connection& db, std::int64_t token_id) {
  WREG_TRY(query, Query::make(db, sql::kTokenNamespaces));
  query->bind(1, token_id);
  return query->first_column_texts("read token scopes");
}

// The token in the current row of kFindLiveToken or kFindLiveTokenById, with its scopes.
Result<std::optional<TokenRecord>> live_token_of(Connection& db, Query& query) {
  TokenRecord record;
  record.id = query.integer(0);
  record.admin = query.integer(2) != 0;
  record.note = query.text(3);
  record.created = query.text(4);
  WREG_TRY(names, token_namespaces(db, record.id));
  record.namespaces = std::move(*names);
  return std::optional<TokenRecord>(std::move(record));
}

}  // namespace

Result<std::int64_t> SqliteTokenStore::add_token(const Digest& hash, bool admin,
                                                 const std::vector<std::string>& namespaces,
                                                 const std::string& note) {
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

Result<std::optional<TokenRecord>> SqliteTokenStore::find_token(const Digest& hash) {
  auto lease = database_.acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::read(db));
  WREG_TRY(query, Query::make(db, sql::kFindLiveToken));
  query->bind_blob(1, hash.bytes());
  WREG_TRY(row, query->step("look up a token"));
  if (!*row) return std::optional<TokenRecord>();
  // The index found the row; the comparison that decides is constant-time.
  if (!constant_time_equal(query->blob(1), hash.bytes())) return std::optional<TokenRecord>();
  return live_token_of(db, *query);
}

Result<std::optional<TokenRecord>> SqliteTokenStore::find_live_token(std::int64_t id) {
  auto lease = database_.acquire();
  Connection& db = *lease;
  WREG_TRY(tx, Transaction::read(db));
  WREG_TRY(query, Query::make(db, sql::kFindLiveTokenById));
  query->bind(1, id);
  WREG_TRY(row, query->step("look up a token"));
  if (!*row) return std::optional<TokenRecord>();
  return live_token_of(db, *query);
}

Result<std::vector<TokenRecord>> SqliteTokenStore::list_tokens() {
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
    records.push_back(std::move(record));
  }
  for (TokenRecord& record : records) {
    WREG_TRY(names, token_namespaces(db, record.id));
    record.namespaces = std::move(*names);
  }
  return records;
}

Result<void> SqliteTokenStore::revoke_token(std::int64_t id) {
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

}  // namespace wreg::store
