#include "common/tlog/consistency.h"

#include <algorithm>

#include "common/base64.h"
#include "common/text.h"
#include "common/tlog/note.h"

namespace wreg::tlog {
namespace {

constexpr std::size_t kMaxProofHashes = 63;

Error refused(const std::string& why) {
  return fail(ErrorCode::kInvalidArgument, "the consistency proof " + why);
}

}  // namespace

std::string ConsistencyBody::text() const {
  std::string out = "old " + std::to_string(old_size) + "\n";
  for (const Hash& hash : proof) out += base64_encode(hash) + "\n";
  if (!checkpoint.empty()) out += "\n" + checkpoint;
  return out;
}

Result<ConsistencyBody> parse_consistency_body(std::string_view text) {
  if (text.size() > kMaxNoteBytes) return refused("is larger than a proof and a checkpoint can be");
  ConsistencyBody body;
  std::size_t at = 0;
  auto next_line = [&]() -> std::optional<std::string_view> {
    const std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    return line;
  };
  auto first = next_line();
  if (!first || !first->starts_with("old ")) return refused("does not start with `old <size>`");
  const std::string_view size = first->substr(4);
  if ((size.size() > 1 && size.front() == '0') || !parse_decimal(size, body.old_size)) {
    return refused("names its old size as " + wreg::quoted(size) + ", not a decimal number");
  }
  while (at < text.size()) {
    auto line = next_line();
    if (!line) return refused("has a line without its newline");
    if (line->empty()) {
      body.checkpoint = std::string(text.substr(at));
      if (body.checkpoint.empty()) return refused("has a blank line but no checkpoint after it");
      return body;
    }
    if (body.proof.size() == kMaxProofHashes) return refused("has more than 63 hashes");
    auto bytes = base64_decode(*line);
    if (!bytes || bytes->size() != Hash{}.size()) {
      return refused("has a line that is not base64 of a 32-byte hash");
    }
    std::copy(bytes->begin(), bytes->end(), body.proof.emplace_back().begin());
  }
  return body;
}

}  // namespace wreg::tlog
