#include "common/tlog/merkle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <map>
#include <string>
#include <vector>

#include "common/hex.h"

namespace wreg::tlog {
namespace {

std::string hex(const Hash& hash) { return hex_encode(std::span<const std::uint8_t>(hash)); }

std::vector<std::string> hexes(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const Hash& hash : hashes) out.push_back(hex(hash));
  return out;
}

// RFC 6962 section 2.1 written as the RFC reads, recursion and all, over leaf hashes: the oracle
// the tree's lookups are checked against.
struct Naive {
  std::vector<Hash> leaves;
  mutable std::map<std::pair<std::uint64_t, std::uint64_t>, Hash> known;  // only for speed

  static std::uint64_t k_of(std::uint64_t n) {
    std::uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }
  Hash mth(std::uint64_t lo, std::uint64_t hi) const {
    if (hi == lo) return empty_root();
    if (hi - lo == 1) return leaves[lo];
    if (auto found = known.find({lo, hi}); found != known.end()) return found->second;
    const std::uint64_t k = k_of(hi - lo);
    return known[{lo, hi}] = node_hash(mth(lo, lo + k), mth(lo + k, hi));
  }
  std::vector<Hash> path(std::uint64_t m, std::uint64_t lo, std::uint64_t hi) const {
    if (hi - lo <= 1) return {};
    const std::uint64_t k = k_of(hi - lo);
    std::vector<Hash> out;
    if (m < k) {
      out = path(m, lo, lo + k);
      out.push_back(mth(lo + k, hi));
    } else {
      out = path(m - k, lo + k, hi);
      out.push_back(mth(lo, lo + k));
    }
    return out;
  }
  std::vector<Hash> subproof(std::uint64_t m, std::uint64_t lo, std::uint64_t hi, bool b) const {
    const std::uint64_t n = hi - lo;
    if (m == n) {
      if (b) return {};
      return {mth(lo, hi)};
    }
    const std::uint64_t k = k_of(n);
    std::vector<Hash> out;
    if (m <= k) {
      out = subproof(m, lo, lo + k, b);
      out.push_back(mth(lo + k, hi));
    } else {
      out = subproof(m - k, lo + k, hi, false);
      out.push_back(mth(lo, lo + k));
    }
    return out;
  }
  std::vector<Hash> proof(std::uint64_t m, std::uint64_t n) const {
    if (m == 0 || m == n) return {};
    return subproof(m, 0, n, true);
  }
};

struct Trees {
  MerkleTree tree;
  Naive naive;
};

Trees trees_of(std::uint64_t size) {
  Trees out;
  for (std::uint64_t i = 0; i < size; ++i) {
    const Hash leaf = leaf_hash("entry " + std::to_string(i));
    out.tree.append(leaf);
    out.naive.leaves.push_back(leaf);
  }
  return out;
}

// The Certificate Transparency reference tree (RFC 6962's authors' merkle_tree_test).
std::vector<std::string> reference_leaves() {
  return {"",
          "00",
          "10",
          "2021",
          "3031",
          "40414243",
          "5051525354555657",
          "606162636465666768696a6b6c6d6e6f"};
}

MerkleTree reference_tree() {
  MerkleTree tree;
  for (const std::string& leaf : reference_leaves()) tree.append(leaf_hash(*hex_decode(leaf)));
  return tree;
}

TEST(MerkleTest, ReferenceRootsForEverySize) {
  const std::vector<std::string> roots = {
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  const MerkleTree tree = reference_tree();
  EXPECT_EQ(hex(empty_root()), roots[0]);
  for (std::uint64_t size = 0; size < roots.size(); ++size) {
    EXPECT_EQ(hex(tree.root(size)), roots[size]) << "size " << size;
  }
  // The same roots while the tree grows, not only once it is whole.
  MerkleTree growing;
  for (std::uint64_t size = 1; size < roots.size(); ++size) {
    growing.append(leaf_hash(*hex_decode(reference_leaves()[size - 1])));
    EXPECT_EQ(hex(growing.root(size)), roots[size]);
  }
}

TEST(MerkleTest, ReferenceInclusionProofs) {
  const MerkleTree tree = reference_tree();
  EXPECT_EQ(hexes(tree.inclusion_proof(0, 8)),
            (std::vector<std::string>{
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}));
  EXPECT_EQ(hexes(tree.inclusion_proof(5, 8)),
            (std::vector<std::string>{
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}));
  EXPECT_TRUE(tree.inclusion_proof(0, 1).empty());
  for (std::uint64_t index : {0u, 5u}) {
    const Hash leaf = leaf_hash(*hex_decode(reference_leaves()[index]));
    EXPECT_TRUE(verify_inclusion(leaf, index, 8, tree.inclusion_proof(index, 8), tree.root(8)));
  }
}

TEST(MerkleTest, ReferenceConsistencyProofs) {
  const MerkleTree tree = reference_tree();
  EXPECT_EQ(hexes(tree.consistency_proof(2, 8)),
            (std::vector<std::string>{
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}));
  EXPECT_EQ(hexes(tree.consistency_proof(6, 8)),
            (std::vector<std::string>{
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}));
  EXPECT_TRUE(tree.consistency_proof(0, 8).empty());
  EXPECT_TRUE(tree.consistency_proof(8, 8).empty());
  for (std::uint64_t from : {2u, 6u}) {
    EXPECT_TRUE(verify_consistency(from, 8, tree.root(from), tree.root(8),
                                   tree.consistency_proof(from, 8)));
  }
}

TEST(MerkleTest, NodesAreTheCompleteSubtreesHashes) {
  const Trees trees = trees_of(70);
  for (unsigned level = 0; (std::uint64_t{1} << level) <= 70; ++level) {
    for (std::uint64_t index = 0; (index + 1) << level <= 70; ++index) {
      EXPECT_EQ(trees.tree.node(level, index),
                trees.naive.mth(index << level, (index + 1) << level))
          << level << "/" << index;
    }
  }
}

// A proof with one thing changed, for each way a proof can be damaged.
std::vector<std::vector<Hash>> damaged(const std::vector<Hash>& proof) {
  std::vector<std::vector<Hash>> out;
  for (std::size_t i = 0; i < proof.size(); ++i) {
    for (std::size_t byte : {std::size_t{0}, std::size_t{31}}) {
      auto flipped = proof;
      flipped[i][byte] ^= 0x01;
      out.push_back(flipped);
    }
  }
  if (!proof.empty()) out.emplace_back(proof.begin(), proof.end() - 1);  // truncated
  if (!proof.empty()) out.emplace_back(proof.begin() + 1, proof.end());  // first dropped
  auto extended = proof;
  extended.push_back(leaf_hash("extra"));
  out.push_back(extended);  // extended
  auto doubled = proof;
  if (!proof.empty()) doubled.push_back(proof.back());
  if (!proof.empty()) out.push_back(doubled);  // repeated
  for (std::size_t i = 0; i + 1 < proof.size(); ++i) {
    auto swapped = proof;
    std::swap(swapped[i], swapped[i + 1]);
    out.push_back(swapped);  // swapped
  }
  return out;
}

// Values near `value` in [low, high] other than itself: the wrong sizes and indexes to try.
std::vector<std::uint64_t> others(std::uint64_t value, std::uint64_t low, std::uint64_t high) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t other :
       {value - 2, value - 1, value + 1, value + 2, value ^ 1, value * 2, value / 2, low, high}) {
    if (other != value && other >= low && other <= high &&
        std::find(out.begin(), out.end(), other) == out.end()) {
      out.push_back(other);
    }
  }
  return out;
}

TEST(MerkleTest, EveryInclusionProofUpTo70VerifiesAndMatchesTheRfc) {
  const Trees trees = trees_of(70);
  for (std::uint64_t size = 1; size <= 70; ++size) {
    const Hash root = trees.tree.root(size);
    ASSERT_EQ(root, trees.naive.mth(0, size));
    for (std::uint64_t index = 0; index < size; ++index) {
      const auto proof = trees.tree.inclusion_proof(index, size);
      ASSERT_EQ(proof, trees.naive.path(index, 0, size)) << index << " in " << size;
      EXPECT_TRUE(verify_inclusion(trees.naive.leaves[index], index, size, proof, root))
          << index << " in " << size;
    }
  }
}

TEST(MerkleTest, DamagedInclusionProofsFail) {
  const Trees trees = trees_of(70);
  for (std::uint64_t size = 1; size <= 70; ++size) {
    const Hash root = trees.tree.root(size);
    for (std::uint64_t index = 0; index < size; ++index) {
      const auto proof = trees.tree.inclusion_proof(index, size);
      const Hash& leaf = trees.naive.leaves[index];
      for (const auto& bad : damaged(proof)) {
        EXPECT_FALSE(verify_inclusion(leaf, index, size, bad, root)) << index << " in " << size;
      }
      for (std::uint64_t other : others(index, 0, size)) {
        EXPECT_FALSE(verify_inclusion(leaf, other, size, proof, root)) << index << " as " << other;
        if (other < size) {
          EXPECT_FALSE(verify_inclusion(trees.naive.leaves[other], index, size, proof, root));
        }
      }
      for (std::uint64_t other : others(size, 1, 70)) {
        EXPECT_FALSE(verify_inclusion(leaf, index, other, proof, trees.tree.root(other)))
            << index << " in " << size << " as in " << other;
      }
      EXPECT_FALSE(verify_inclusion(leaf, index, size, proof, trees.tree.root(size - 1)));
    }
  }
}

TEST(MerkleTest, EveryConsistencyProofUpTo70VerifiesAndMatchesTheRfc) {
  const Trees trees = trees_of(70);
  for (std::uint64_t to = 0; to <= 70; ++to) {
    for (std::uint64_t from = 0; from <= to; ++from) {
      const auto proof = trees.tree.consistency_proof(from, to);
      ASSERT_EQ(proof, trees.naive.proof(from, to)) << from << " to " << to;
      EXPECT_TRUE(verify_consistency(from, to, trees.tree.root(from), trees.tree.root(to), proof))
          << from << " to " << to;
    }
  }
}

TEST(MerkleTest, DamagedConsistencyProofsFail) {
  const Trees trees = trees_of(70);
  for (std::uint64_t to = 1; to <= 70; ++to) {
    for (std::uint64_t from = 1; from <= to; ++from) {
      const auto proof = trees.tree.consistency_proof(from, to);
      const Hash old_root = trees.tree.root(from);
      const Hash new_root = trees.tree.root(to);
      for (const auto& bad : damaged(proof)) {
        EXPECT_FALSE(verify_consistency(from, to, old_root, new_root, bad)) << from << " to " << to;
      }
      // Another size with its own root: the proof is for these two trees only.
      for (std::uint64_t other : others(from, 1, to)) {
        EXPECT_FALSE(verify_consistency(other, to, trees.tree.root(other), new_root, proof))
            << from << " to " << to << " as from " << other;
      }
      for (std::uint64_t other : others(to, from, 70)) {
        EXPECT_FALSE(verify_consistency(from, other, old_root, trees.tree.root(other), proof))
            << from << " to " << to << " as to " << other;
      }
      // A root that is not the tree's: a fork or a rewritten history.
      Hash forked = new_root;
      forked[7] ^= 0x80;
      EXPECT_FALSE(verify_consistency(from, to, old_root, forked, proof));
      Hash rewritten = old_root;
      rewritten[0] ^= 0x01;
      EXPECT_FALSE(verify_consistency(from, to, rewritten, new_root, proof));
      if (from < to) {
        EXPECT_FALSE(verify_consistency(to, from, new_root, old_root, proof)) << "reversed";
      }
    }
  }
}

// RFC 9162's last check: the path walked must end at the root of the sizes given. A proof for
// smaller trees stops short of it, even with the right roots.
TEST(MerkleTest, AProofForSmallerSizesStopsShort) {
  const Trees trees = trees_of(8);
  const Hash root2 = trees.tree.root(2);
  EXPECT_TRUE(
      verify_inclusion(trees.naive.leaves[0], 0, 2, trees.tree.inclusion_proof(0, 2), root2));
  EXPECT_FALSE(
      verify_inclusion(trees.naive.leaves[0], 0, 3, trees.tree.inclusion_proof(0, 2), root2));
  const auto proof = trees.tree.consistency_proof(1, 2);
  EXPECT_TRUE(verify_consistency(1, 2, trees.tree.root(1), root2, proof));
  EXPECT_FALSE(verify_consistency(1, 3, trees.tree.root(1), root2, proof));
}

TEST(MerkleTest, ConsistencyWithTheEmptyTreeAndItself) {
  const Trees trees = trees_of(5);
  const Hash root = trees.tree.root(5);
  EXPECT_TRUE(verify_consistency(0, 5, empty_root(), root, {}));
  EXPECT_TRUE(verify_consistency(0, 0, empty_root(), empty_root(), {}));
  EXPECT_TRUE(verify_consistency(5, 5, root, root, {}));
  const std::vector<Hash> one = {root};
  EXPECT_FALSE(verify_consistency(0, 5, empty_root(), root, one));
  EXPECT_FALSE(verify_consistency(0, 5, root, root, {}));  // size 0 has the empty root only
  EXPECT_FALSE(verify_consistency(0, 0, root, root, {}));
  EXPECT_FALSE(verify_consistency(5, 5, root, root, one));
  EXPECT_FALSE(verify_consistency(5, 5, root, trees.tree.root(4), {}));
  EXPECT_FALSE(verify_consistency(4, 5, trees.tree.root(4), root, {}));
  EXPECT_FALSE(verify_consistency(6, 5, root, root, {}));
}

// Sizes on both sides of the 256-leaf tiles and of other powers of two, against the RFC's own
// recursion over a tree of 600 leaves.
TEST(MerkleTest, ProofsAcrossTileBoundariesMatchTheRfc) {
  const Trees trees = trees_of(600);
  const std::vector<std::uint64_t> sizes = {1, 2, 127, 128, 255, 256, 257, 511, 512, 513, 599, 600};
  for (std::uint64_t size : sizes) {
    const Hash root = trees.tree.root(size);
    ASSERT_EQ(root, trees.naive.mth(0, size)) << size;
    for (std::uint64_t index = 0; index < size; ++index) {
      const auto proof = trees.tree.inclusion_proof(index, size);
      ASSERT_EQ(proof, trees.naive.path(index, 0, size)) << index << " in " << size;
      ASSERT_TRUE(verify_inclusion(trees.naive.leaves[index], index, size, proof, root));
    }
    for (std::uint64_t from = 0; from <= size; ++from) {
      const auto proof = trees.tree.consistency_proof(from, size);
      ASSERT_EQ(proof, trees.naive.proof(from, size)) << from << " to " << size;
      ASSERT_TRUE(verify_consistency(from, size, trees.tree.root(from), root, proof));
    }
  }
}

// Proof lengths are logarithmic: at most ceil(log2(size)) hashes for inclusion, one more for
// consistency.
TEST(MerkleTest, ProofsAreLogarithmic) {
  const Trees trees = trees_of(600);
  for (std::uint64_t size = 1; size <= 600; ++size) {
    const auto bound = static_cast<std::size_t>(std::bit_width(size - 1));
    EXPECT_LE(trees.tree.inclusion_proof(size / 2, size).size(), bound);
    EXPECT_LE(trees.tree.consistency_proof(size / 3, size).size(), bound + 1);
  }
}

TEST(MerkleTest, VerifiersRefuseNonsenseWithoutCrashing) {
  const Hash leaf = leaf_hash("x");
  const Hash root = leaf;
  std::vector<Hash> long_proof(200, leaf);
  const std::uint64_t max = ~std::uint64_t{0};
  EXPECT_TRUE(verify_inclusion(leaf, 0, 1, {}, root));
  EXPECT_FALSE(verify_inclusion(leaf, 1, 1, {}, root));
  EXPECT_FALSE(verify_inclusion(leaf, 0, 0, {}, root));
  EXPECT_FALSE(verify_inclusion(leaf, max, max, {}, root));
  EXPECT_FALSE(verify_inclusion(leaf, max - 1, max, long_proof, root));
  EXPECT_FALSE(verify_inclusion(leaf, 0, 2, long_proof, root));
  EXPECT_FALSE(verify_consistency(1, max, root, root, long_proof));
  EXPECT_FALSE(verify_consistency(max - 1, max, root, root, long_proof));
  EXPECT_FALSE(verify_consistency(max, max - 1, root, root, {}));
  EXPECT_FALSE(verify_consistency(3, 7, root, root, {}));
}

}  // namespace
}  // namespace wreg::tlog
