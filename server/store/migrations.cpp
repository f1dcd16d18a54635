#include "server/store/migrations.h"

#include <string>

namespace wreg::store {

Result<std::vector<Migration>> pending_migrations(int current, std::span<const Migration> all) {
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].version != static_cast<int>(i) + 1) {
      return fail(ErrorCode::kInternal,
                  "schema migrations are not numbered 1, 2, 3, ...: " + std::string(all[i].name) +
                      " is at position " + std::to_string(i + 1));
    }
  }
  const int newest = static_cast<int>(all.size());
  if (current < 0 || current > newest) {
    return fail(ErrorCode::kCorrupt,
                "the database is at schema version " + std::to_string(current) +
                    " but this wreg-server knows versions up to " + std::to_string(newest) +
                    "; run the newer wreg-server that wrote it, or restore a backup");
  }
  return std::vector<Migration>(all.begin() + current, all.end());
}

}  // namespace wreg::store
