// SqliteTokenStore: the TokenStore on a SqliteDatabase, with the SQL of metadata_sql.h.
//
// Threading: safe to use from any number of threads (see sqlite_database.h).
#pragma once

#include "server/store/metadata_store.h"
#include "server/store/sqlite_database.h"

namespace wreg::store {

class SqliteTokenStore final : public TokenStore {
 public:
  // The store on `database`, which must outlive it.
  explicit SqliteTokenStore(SqliteDatabase& database) : database_(database) {}

  Result<std::int64_t> add_token(const Digest& hash, bool admin,
                                 const std::vector<std::string>& namespaces,
                                 const std::string& note) override;
  Result<std::optional<TokenRecord>> find_token(const Digest& hash) override;
  Result<std::optional<TokenRecord>> find_live_token(std::int64_t id) override;
  Result<std::vector<TokenRecord>> list_tokens() override;
  Result<void> revoke_token(std::int64_t id) override;

 private:
  SqliteDatabase& database_;
};

}  // namespace wreg::store
