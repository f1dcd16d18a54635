// RFC 6962 (section 2.1) Merkle trees over SHA-256, the hashing of every transparency log wreg
// keeps or reads: leaves are hashed as SHA-256(0x00 || entry), interior nodes as
// SHA-256(0x01 || left || right), the empty tree as SHA-256("").
//
// MerkleTree holds a growing tree's complete subtrees (2n hashes for n leaves), which give the
// root, inclusion proofs and consistency proofs of any earlier size as well as the tiles of
// c2sp.org/tlog-tiles. The verifiers follow RFC 9162 sections 2.1.3.2 and 2.1.4.2.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wreg::tlog {

using Hash = std::array<std::uint8_t, 32>;

Hash leaf_hash(std::span<const std::uint8_t> entry);
Hash leaf_hash(std::string_view entry);
Hash node_hash(const Hash& left, const Hash& right);
Hash empty_root();

// Appending hashes one new leaf and one node per complete subtree it closes; node() is a lookup;
// root(), inclusion_proof() and consistency_proof() of any size take O(log n) lookups and
// hashes. Requirements below are the caller's to check (a size from a request is checked
// against size() first); breaking one is a bug, caught by assert in debug builds. Not
// thread-safe: const members may run concurrently only while nothing appends.
class MerkleTree {
 public:
  void append(const Hash& leaf);
  std::uint64_t size() const;

  // The hash of the complete subtree at `level` over leaves [index << level, (index+1) << level).
  // Requires (index + 1) << level <= size().
  const Hash& node(unsigned level, std::uint64_t index) const;

  // The root of the first `size` leaves; requires size <= size(). empty_root() for 0.
  Hash root(std::uint64_t size) const;

  // RFC 6962 PATH(index, D[0:size]): from the leaf's sibling up to the root's child. Requires
  // index < size <= size().
  std::vector<Hash> inclusion_proof(std::uint64_t index, std::uint64_t size) const;

  // RFC 6962 PROOF(from, D[0:to]). Requires from <= to <= size(). Empty when from is 0 or
  // equals to (an empty tree is a prefix of every tree; a tree is a prefix of itself).
  std::vector<Hash> consistency_proof(std::uint64_t from, std::uint64_t to) const;

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[l][i]: node(l, i)
};

// The verifiers check a proof against a root; the size only steers the walk, and a proof can
// verify for a neighbouring size with the same root. So `size` and `root` must come together
// from one verified checkpoint (and so must `from` and `from_root`, `to` and `to_root`).
//
// Whether `proof` shows `leaf` at `index` in the tree of `size` leaves whose root is `root`.
// False (never a crash) for index >= size, a proof of the wrong length, or anything else.
bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size,
                      std::span<const Hash> proof, const Hash& root);

// Whether `proof` shows the tree of `from` leaves with root `from_root` to be a prefix of the
// tree of `to` leaves with root `to_root`. from == to: the proof is empty and the roots equal.
// from == 0: the proof is empty and from_root is empty_root(). False for from > to.
bool verify_consistency(std::uint64_t from, std::uint64_t to, const Hash& from_root,
                        const Hash& to_root, std::span<const Hash> proof);

}  // namespace wreg::tlog
