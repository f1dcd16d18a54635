// VersionSet: a subset of one slot's versions, plus one extra bit for "not selected".
//
// Internal to the solver. A slot has n versions, numbered newest first; bit i is version i and
// bit n means "the slot is not selected at all". A PubGrub term is then just a set: the
// positive term `P in S` is S (bit n clear: P must be selected), the negative term
// `not P in S` is the complement of S (bit n set). Intersection, union, complement and subset
// tests are exact, which is what unit propagation and conflict resolution need.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wreg::resolve {

class VersionSet {
 public:
  VersionSet() = default;

  // The empty set over `versions` versions (size versions + 1 bits).
  static VersionSet none(std::size_t versions) {
    VersionSet set;
    set.bits_ = versions + 1;
    if (set.bits_ > 64) set.big_.assign((set.bits_ + 63) / 64, 0);
    return set;
  }
  // Every version and "not selected": the term that says nothing.
  static VersionSet all(std::size_t versions) { return ~none(versions); }

  std::size_t versions() const { return bits_ - 1; }
  std::size_t absent_bit() const { return bits_ - 1; }

  bool test(std::size_t i) const {
    return big_.empty() ? (small_ >> i) & 1 : (big_[i / 64] >> (i % 64)) & 1;
  }
  void set(std::size_t i) {
    if (big_.empty()) {
      small_ |= std::uint64_t{1} << i;
    } else {
      big_[i / 64] |= std::uint64_t{1} << (i % 64);
    }
  }
  void reset(std::size_t i) {
    if (big_.empty()) {
      small_ &= ~(std::uint64_t{1} << i);
    } else {
      big_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
    }
  }

  // True when the set requires selection (the "not selected" bit is clear).
  bool positive() const { return !test(absent_bit()); }
  bool empty() const {
    if (big_.empty()) return small_ == 0;
    for (auto word : big_) {
      if (word != 0) return false;
    }
    return true;
  }
  bool full() const { return (~*this).empty(); }
  // Versions only (the "not selected" bit does not count).
  std::size_t count_versions() const {
    std::size_t n = 0;
    if (big_.empty()) {
      n = static_cast<std::size_t>(std::popcount(small_));
    } else {
      for (auto word : big_) n += static_cast<std::size_t>(std::popcount(word));
    }
    return positive() ? n : n - 1;
  }
  // The lowest version index in the set (the newest version), or versions() when none.
  std::size_t first_version() const {
    for (std::size_t i = 0; i < versions(); ++i) {
      if (test(i)) return i;
    }
    return versions();
  }

  bool subset_of(const VersionSet& other) const {
    if (big_.empty()) return (small_ & ~other.small_) == 0;
    for (std::size_t i = 0; i < big_.size(); ++i) {
      if ((big_[i] & ~other.big_[i]) != 0) return false;
    }
    return true;
  }
  bool intersects(const VersionSet& other) const {
    if (big_.empty()) return (small_ & other.small_) != 0;
    for (std::size_t i = 0; i < big_.size(); ++i) {
      if ((big_[i] & other.big_[i]) != 0) return true;
    }
    return false;
  }

  VersionSet& operator&=(const VersionSet& other) {
    if (big_.empty()) {
      small_ &= other.small_;
    } else {
      for (std::size_t i = 0; i < big_.size(); ++i) big_[i] &= other.big_[i];
    }
    return *this;
  }
  VersionSet& operator|=(const VersionSet& other) {
    if (big_.empty()) {
      small_ |= other.small_;
    } else {
      for (std::size_t i = 0; i < big_.size(); ++i) big_[i] |= other.big_[i];
    }
    return *this;
  }
  VersionSet operator~() const {
    VersionSet out = *this;
    if (out.big_.empty()) {
      out.small_ = ~out.small_ & mask(bits_);
    } else {
      for (auto& word : out.big_) word = ~word;
      if (bits_ % 64 != 0) out.big_.back() &= mask(bits_ % 64);
    }
    return out;
  }
  friend VersionSet operator&(VersionSet a, const VersionSet& b) { return a &= b; }
  friend VersionSet operator|(VersionSet a, const VersionSet& b) { return a |= b; }
  bool operator==(const VersionSet&) const = default;

 private:
  static std::uint64_t mask(std::size_t bits) {
    return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
  }

  std::size_t bits_ = 1;
  std::uint64_t small_ = 0;         // used when bits_ <= 64
  std::vector<std::uint64_t> big_;  // used when bits_ > 64
};

}  // namespace wreg::resolve
