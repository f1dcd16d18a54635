// c2sp.org/tlog-checkpoint: the text of a log's signed tree head.
//
//   <origin>
//   <tree size, decimal>
//   <root hash, base64>
//   [extension lines]
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/tlog/merkle.h"

namespace wreg::tlog {

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // each non-empty, without its newline

  // The note text, every line ending in a newline.
  std::string text() const;
  bool operator==(const Checkpoint&) const = default;
};

// Reads a note's text (Note::text). kInvalidArgument, one line naming the rule: text that is
// not UTF-8 or holds a control character other than newline (as a note may not), fewer than
// three lines, a line not ending in a newline, an empty origin or extension line, a size that is
// not ASCII decimal without leading zeros (or past 2^63 - 1), a root that is not canonical
// base64 of 32 bytes. What it reads, text() writes back byte for byte.
Result<Checkpoint> parse_checkpoint(std::string_view text);

// The checkpoint a signed note carries (parse_note(), then parse_checkpoint() of its text),
// without verifying any signature: for a note whose signatures are checked elsewhere, or kept
// after they were. The errors of either.
Result<Checkpoint> parse_checkpoint_note(std::string_view note);

}  // namespace wreg::tlog
