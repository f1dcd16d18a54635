// c2sp.org/tlog-proof: an entry's inclusion proof with the checkpoint it proves it against, in
// one text that can be checked offline.
//
//   c2sp.org/tlog-proof@v1
//   [extra <base64>]
//   index <decimal>
//   <base64 hash>      (zero or more: RFC 6962 PATH, leaf's sibling first)
//   <blank line>
//   <the signed checkpoint, verbatim>
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/tlog/merkle.h"

namespace wreg::tlog {

struct TlogProof {
  std::string extra;  // opaque bytes; empty: no `extra` line
  std::uint64_t index = 0;
  std::vector<Hash> path;
  std::string checkpoint;  // the signed note as served

  std::string text() const;
};

// kInvalidArgument, one line naming the rule: a first line other than c2sp.org/tlog-proof@v1,
// an `extra` line that is not canonical base64 of at least one byte, no `index` line, a decimal
// with leading zeros, a hash that is not canonical base64 of 32 bytes, more than 63 hashes, no
// blank line, nothing after it, more than kMaxNoteBytes in all. The checkpoint is kept as text:
// parse_note() and verify_note() check it. What it reads, text() writes back byte for byte.
Result<TlogProof> parse_tlog_proof(std::string_view text);

}  // namespace wreg::tlog
