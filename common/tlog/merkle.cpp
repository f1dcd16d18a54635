#include "common/tlog/merkle.h"

#include <openssl/sha.h>

#include <algorithm>
#include <bit>
#include <cassert>

#include "common/digest.h"

namespace wreg::tlog {
namespace {

// The largest power of two smaller than n (RFC 6962's k); n > 1.
std::uint64_t split_point(std::uint64_t n) { return std::bit_floor(n - 1); }

// MTH(D[begin:end]) for a range the RFC 6962 recursion reaches: `begin` is a multiple of a power
// of two at least end - begin, so the range is its complete subtrees from the largest down,
// folded from the right. O(log n) lookups.
Hash range_hash(const MerkleTree& tree, std::uint64_t begin, std::uint64_t end) {
  assert(begin < end && end <= tree.size());
  std::uint64_t width = end - begin;
  // The subtrees of the range, largest first: one per set bit of its width.
  Hash parts[64];
  unsigned count = 0;
  for (std::uint64_t at = begin; width != 0; ++count) {
    const unsigned level = static_cast<unsigned>(std::bit_width(width) - 1);
    parts[count] = tree.node(level, at >> level);
    at += std::uint64_t{1} << level;
    width &= ~(std::uint64_t{1} << level);
  }
  Hash result = parts[count - 1];
  for (unsigned i = count - 1; i-- > 0;) result = node_hash(parts[i], result);
  return result;
}

// One step up the path of RFC 9162's verifiers, from node fn of a level whose last node is sn:
// whether the proof's next hash is a left sibling (LSB(fn) set, or fn the last node, whose
// levels without a right sibling are skipped), with fn and sn moved up past it.
bool next_is_left(std::uint64_t& fn, std::uint64_t& sn) {
  const bool left = (fn & 1) != 0 || fn == sn;
  if (left) {
    while ((fn & 1) == 0 && fn != 0) {
      fn >>= 1;
      sn >>= 1;
    }
  }
  fn >>= 1;
  sn >>= 1;
  return left;
}

}  // namespace

Hash leaf_hash(std::span<const std::uint8_t> entry) {
  Sha256 hasher;
  const std::uint8_t prefix = 0x00;
  hasher.update(std::span(&prefix, 1));
  hasher.update(entry);
  return hasher.finish().bytes();
}

Hash leaf_hash(std::string_view entry) {
  return leaf_hash(std::span(reinterpret_cast<const std::uint8_t*>(entry.data()), entry.size()));
}

Hash node_hash(const Hash& left, const Hash& right) {
  std::array<std::uint8_t, 1 + 2 * 32> input;
  input[0] = 0x01;
  std::copy(left.begin(), left.end(), input.begin() + 1);
  std::copy(right.begin(), right.end(), input.begin() + 33);
  Hash out;
  SHA256(input.data(), input.size(), out.data());
  return out;
}

Hash empty_root() {
  Hash out;
  SHA256(nullptr, 0, out.data());
  return out;
}

void MerkleTree::append(const Hash& leaf) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf);
  // Each new leaf with an odd index completes one subtree per trailing one bit of that index.
  for (unsigned level = 0; levels_[level].size() % 2 == 0; ++level) {
    const auto& below = levels_[level];
    Hash parent = node_hash(below[below.size() - 2], below.back());
    if (levels_.size() == level + 1) levels_.emplace_back();
    levels_[level + 1].push_back(parent);
  }
}

std::uint64_t MerkleTree::size() const { return levels_.empty() ? 0 : levels_[0].size(); }

const Hash& MerkleTree::node(unsigned level, std::uint64_t index) const {
  assert(level < levels_.size() && index < levels_[level].size());
  return levels_[level][index];
}

Hash MerkleTree::root(std::uint64_t size) const {
  assert(size <= this->size());
  return size == 0 ? empty_root() : range_hash(*this, 0, size);
}

std::vector<Hash> MerkleTree::inclusion_proof(std::uint64_t index, std::uint64_t size) const {
  assert(index < size && size <= this->size());
  // RFC 6962 section 2.1.1, PATH(m, D[lo:hi]) with its recursion unrolled: each step keeps the
  // half holding the leaf and records the other; the deepest record comes first in the proof.
  std::vector<Hash> path;
  std::uint64_t lo = 0;
  std::uint64_t hi = size;
  while (hi - lo > 1) {
    const std::uint64_t k = split_point(hi - lo);
    if (index - lo < k) {
      path.push_back(range_hash(*this, lo + k, hi));
      hi = lo + k;
    } else {
      path.push_back(range_hash(*this, lo, lo + k));
      lo += k;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<Hash> MerkleTree::consistency_proof(std::uint64_t from, std::uint64_t to) const {
  assert(from <= to && to <= size());
  std::vector<Hash> proof;
  if (from == 0 || from == to) return proof;
  // RFC 6962 section 2.1.2, SUBPROOF(m, D[lo:hi], b) unrolled the same way; `whole` is b, true
  // while D[lo:hi] is the old tree's own prefix, whose root the verifier already has.
  std::uint64_t lo = 0;
  std::uint64_t hi = to;
  bool whole = true;
  while (from != hi) {
    const std::uint64_t k = split_point(hi - lo);
    if (from <= lo + k) {
      proof.push_back(range_hash(*this, lo + k, hi));
      hi = lo + k;
    } else {
      proof.push_back(range_hash(*this, lo, lo + k));
      lo += k;
      whole = false;
    }
  }
  if (!whole) proof.push_back(range_hash(*this, lo, hi));
  std::reverse(proof.begin(), proof.end());
  return proof;
}

bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size,
                      std::span<const Hash> proof, const Hash& root) {
  // RFC 9162 section 2.1.3.2.
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    r = next_is_left(fn, sn) ? node_hash(p, r) : node_hash(r, p);
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t from, std::uint64_t to, const Hash& from_root,
                        const Hash& to_root, std::span<const Hash> proof) {
  if (from > to) return false;
  if (from == to)
    return proof.empty() && from_root == to_root && (from != 0 || from_root == empty_root());
  if (from == 0) return proof.empty() && from_root == empty_root();
  // RFC 9162 section 2.1.4.2. When the old tree is a complete subtree its root is the proof's
  // implicit first element.
  if (proof.empty()) return false;
  std::size_t next = 0;
  const bool implicit_first = std::has_single_bit(from);
  const Hash first = implicit_first ? from_root : proof[next++];
  std::uint64_t fn = from - 1;
  std::uint64_t sn = to - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = first;
  Hash sr = first;
  for (; next < proof.size(); ++next) {
    const Hash& c = proof[next];
    if (sn == 0) return false;
    if (next_is_left(fn, sn)) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
    } else {
      sr = node_hash(sr, c);
    }
  }
  return fr == from_root && sr == to_root && sn == 0;
}

}  // namespace wreg::tlog
