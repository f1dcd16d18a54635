#include "common/tlog/proof.h"

#include "common/base64.h"
#include "common/text.h"
#include "common/tlog/note.h"
#include "common/version.h"

namespace wreg::tlog {
namespace {

constexpr std::string_view kHeader = "c2sp.org/tlog-proof@v1";
// tlog-proof.md: the inclusion proof of a tree of at most 2^63 - 1 leaves.
constexpr std::size_t kMaxProofHashes = 63;

}  // namespace

std::string TlogProof::text() const {
  std::string out = std::string(kHeader) + "\n";
  if (!extra.empty()) out += "extra " + base64_encode(extra) + "\n";
  out += "index " + std::to_string(index) + "\n";
  for (const Hash& hash : path) out += base64_encode(std::span<const std::uint8_t>(hash)) + "\n";
  out += "\n";
  out += checkpoint;
  return out;
}

Result<TlogProof> parse_tlog_proof(std::string_view text) {
  auto refuse = [](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument, "invalid tlog proof: " + std::string(why));
  };
  if (text.size() > kMaxNoteBytes) {
    return refuse("longer than " + std::to_string(kMaxNoteBytes) + " bytes");
  }
  // The next line of the head, without its newline; false when no newline ends it.
  auto next_line = [&text](std::string_view& line) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) return false;
    line = text.substr(0, end);
    text.remove_prefix(end + 1);
    return true;
  };
  std::string_view line;
  if (!next_line(line) || line != kHeader) {
    return refuse("the first line is not " + std::string(kHeader));
  }
  TlogProof out;
  if (!next_line(line)) return refuse("no index line");
  if (line.starts_with("extra ")) {
    auto extra = base64_decode(line.substr(6));
    if (!extra || extra->empty()) return refuse("the extra line is not canonical non-empty base64");
    out.extra = std::move(*extra);
    if (!next_line(line)) return refuse("no index line");
  }
  if (!line.starts_with("index ")) return refuse("no index line after the first line");
  if (!parse_version_number(line.substr(6), out.index)) {
    return refuse("the index " + wreg::quoted(line.substr(6)) +
                  " is not a decimal number without leading zeros");
  }
  for (;;) {
    if (!next_line(line)) return refuse("no blank line before the checkpoint");
    if (line.empty()) break;
    if (out.path.size() == kMaxProofHashes) {
      return refuse("more than " + std::to_string(kMaxProofHashes) + " hashes");
    }
    auto hash = base64_decode(line);
    if (!hash || hash->size() != Hash().size()) {
      return refuse("the hash " + wreg::quoted(line) + " is not canonical base64 of 32 bytes");
    }
    Hash& added = out.path.emplace_back();
    std::copy(hash->begin(), hash->end(), added.begin());
  }
  if (text.empty()) return refuse("no checkpoint after the blank line");
  out.checkpoint = std::string(text);
  return out;
}

}  // namespace wreg::tlog
