// The body of GET /log/consistency (server/api/handlers.h), which is the body a log sends a
// witness in c2sp.org/tlog-witness `add-checkpoint`:
//
//   old <size>
//   <base64 hash>        (zero to 63 lines: the RFC 6962 consistency proof)
//   <blank line>
//   <the signed checkpoint>
//
// With `to=` the server leaves out the blank line and the checkpoint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/tlog/merkle.h"

namespace wreg::tlog {

struct ConsistencyBody {
  std::uint64_t old_size = 0;
  std::vector<Hash> proof;
  std::string checkpoint;  // the signed note; empty when the body has none

  std::string text() const;
};

// kInvalidArgument, one line naming the rule: no `old N` first line (N decimal without leading
// zeros), a hash line that is not canonical base64 of 32 bytes, more than 63 hashes, a line
// without its newline, more than kMaxNoteBytes in all. The checkpoint is kept as text for
// parse_note() and verify_note().
Result<ConsistencyBody> parse_consistency_body(std::string_view text);

}  // namespace wreg::tlog
