#include "common/tlog/checkpoint.h"

#include "common/base64.h"
#include "common/text.h"
#include "common/tlog/note.h"
#include "common/version.h"

namespace wreg::tlog {

std::string Checkpoint::text() const {
  std::string out = origin + "\n" + std::to_string(size) + "\n" +
                    base64_encode(std::span<const std::uint8_t>(root)) + "\n";
  for (const std::string& line : extensions) out += line + "\n";
  return out;
}

Result<Checkpoint> parse_checkpoint(std::string_view text) {
  auto refuse = [](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument, "invalid checkpoint: " + std::string(why));
  };
  // A checkpoint is a signed note's text, so the note's rules hold for it on its own too.
  if (!is_valid_utf8(text)) return refuse("not UTF-8");
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') {
      return refuse("holds a control character; only newlines are allowed");
    }
  }
  if (text.empty() || text.back() != '\n') return refuse("the last line does not end in a newline");
  std::vector<std::string_view> lines = split(text.substr(0, text.size() - 1), '\n');
  if (lines.size() < 3) {
    return refuse("fewer than three lines (origin, tree size, root hash)");
  }
  Checkpoint out;
  if (lines[0].empty()) return refuse("the origin line is empty");
  out.origin = std::string(lines[0]);
  // tlog-checkpoint.md: ASCII decimal without leading zeros; 2^63 - 1 at most, as in Go's tlog.
  if (!parse_version_number(lines[1], out.size) || out.size > (std::uint64_t{1} << 63) - 1) {
    return refuse("the tree size " + wreg::quoted(lines[1]) +
                  " is not a decimal number without leading zeros below 2^63");
  }
  auto root = base64_decode(lines[2]);
  if (!root || root->size() != out.root.size()) {
    return refuse("the root hash " + wreg::quoted(lines[2]) +
                  " is not canonical base64 of 32 bytes");
  }
  std::copy(root->begin(), root->end(), out.root.begin());
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return refuse("extension line " + std::to_string(i - 2) + " is empty");
    out.extensions.emplace_back(lines[i]);
  }
  return out;
}

Result<Checkpoint> parse_checkpoint_note(std::string_view note) {
  auto parsed = parse_note(note);
  if (!parsed) return std::move(parsed).error();
  return parse_checkpoint(parsed->text);
}

}  // namespace wreg::tlog
