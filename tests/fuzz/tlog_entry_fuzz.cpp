// libFuzzer target for what a transparency log serves besides notes (common/tlog): wreg's log
// entries, which a client reads from entry bundles, and tile paths, which the server reads from
// request URLs. Each is read only in the one spelling its writer gives it, so whatever is read
// writes back to the same bytes. The input's lines are also a log's entries: every inclusion
// and consistency proof the tree gives for them verifies.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/text.h"
#include "common/tlog/merkle.h"
#include "common/tlog/release_entry.h"
#include "common/tlog/tiles.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace tlog = wreg::tlog;

// A tree of the input's lines (at most 300 of them), its proofs checked for sizes and indexes
// the input's first bytes pick.
void check_tree(std::string_view text) {
  const auto lines = wreg::split(text, '\n');
  tlog::MerkleTree tree;
  for (std::size_t i = 0; i < lines.size() && i < 300; ++i) tree.append(tlog::leaf_hash(lines[i]));
  const std::uint64_t size = tree.size();
  if (size == 0) return;
  const auto pick = [&](std::size_t at) {
    return at < text.size() ? static_cast<unsigned char>(text[at]) : 0u;
  };
  const std::uint64_t to = 1 + (pick(0) * 256 + pick(1)) % size;
  const std::uint64_t from = (pick(2) * 256 + pick(3)) % (to + 1);
  const std::uint64_t index = (pick(4) * 256 + pick(5)) % to;
  const tlog::Hash root = tree.root(to);
  WREG_FUZZ_CHECK(tlog::verify_inclusion(tree.node(0, index), index, to,
                                         tree.inclusion_proof(index, to), root));
  WREG_FUZZ_CHECK(
      tlog::verify_consistency(from, to, tree.root(from), root, tree.consistency_proof(from, to)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = wreg::fuzz::as_text(data, size);
  auto entry = tlog::parse_release_entry(text);
  if (!entry) {
    WREG_FUZZ_CHECK(entry.error().code == wreg::ErrorCode::kInvalidArgument);
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(entry.error().message));
  } else {
    WREG_FUZZ_CHECK(entry->text() == text);
    auto again = tlog::parse_release_entry(entry->text());
    WREG_FUZZ_CHECK(again.has_value() && *again == *entry);
  }

  if (auto tile = tlog::parse_tile_path(text)) {
    WREG_FUZZ_CHECK(tile->to_string() == text);
    WREG_FUZZ_CHECK(tile->level <= tlog::kMaxTileLevel);
    WREG_FUZZ_CHECK(tile->width >= 1 && tile->width <= tlog::kTileWidth);
    WREG_FUZZ_CHECK(!tile->entries || tile->level == 0);
  }

  check_tree(text);
  return 0;
}
