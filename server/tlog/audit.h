// The transparency log's full check, for `wreg-server fsck`: every entry is a valid release
// entry, and every checkpoint the server ever signed verifies with the log's key and is a prefix
// of the log as it stands (its size within the entries, its root the root of that many).
// TransparencyLog::open() checks only the newest checkpoint; this proves the whole history was
// never rewritten under a checkpoint a client may hold.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/tlog/note.h"
#include "server/store/metadata_store.h"

namespace wreg::tlog {

struct LogAudit {
  std::uint64_t entries = 0;
  std::uint64_t checkpoints = 0;
};

// Calls `problem` with one line per inconsistency. Without a `key` (its file missing), the
// checkpoints' signatures are not checked and that is a problem of its own when there are any.
// The store's errors otherwise.
// `retired` are the keys rotated out (log_key.h), whose checkpoints verify too.
Result<LogAudit> audit_log(store::MetadataStore& store, const std::optional<VerifierKey>& key,
                           const std::vector<VerifierKey>& retired,
                           const std::function<void(const std::string&)>& problem);

}  // namespace wreg::tlog
