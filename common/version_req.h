// VersionReq: a requirement on versions, in Cargo's language (doc.rust-lang.org/cargo,
// "Specifying Dependencies").
//
// A requirement is a comma-joined list of comparators, all of which must match:
//   1.2.3 / ^1.2.3   caret (the default): no change of the leftmost non-zero part
//   ~1.2.3           tilde: patch changes only (~1 allows minor changes too)
//   =1.2.3           exactly (1.2 / 1 leave the missing parts free)
//   >1.2, >=1.2, <2, <=2.0.1
//   *, 1.*, 1.2.*, 1.x   wildcards
// Pre-releases follow Cargo: a version with a pre-release matches only when some comparator
// names a pre-release of the same major.minor.patch (`>=1.0.0-rc.1` allows 1.0.0-rc.2 but not
// 1.1.0-rc.1). This keeps an unasked-for pre-release from ever being chosen.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/version.h"

namespace wreg {

struct Comparator {
  enum class Op { kExact, kGreater, kGreaterEq, kLess, kLessEq, kTilde, kCaret, kWildcard };

  Op op = Op::kCaret;
  std::uint64_t major = 0;
  std::optional<std::uint64_t> minor;  // absent: `1`, `1.*`
  std::optional<std::uint64_t> patch;  // absent: `1.2`, `1.2.*`
  std::vector<PrereleaseIdentifier> prerelease;

  bool matches(const Version& version) const;  // ignores the pre-release rule
  std::string to_string() const;
  bool operator==(const Comparator&) const = default;
};

class VersionReq {
 public:
  // Longest accepted requirement text.
  static constexpr std::size_t kMaxLength = 512;

  // `*`: any version that is not a pre-release.
  VersionReq() = default;

  // Parses a requirement. kInvalidArgument names the offending comparator and the rule.
  static Result<VersionReq> parse(std::string_view text);

  // `=V`: exactly this version (build metadata ignored, as in precedence).
  static VersionReq exactly(const Version& version);
  // `^V`: what a bare version on the command line means.
  static VersionReq caret(const Version& version);

  bool matches(const Version& version) const;
  const std::vector<Comparator>& comparators() const { return comparators_; }
  bool is_any() const { return comparators_.empty(); }

  // Canonical text: comparators joined by ", ", caret spelled out (`^1.2.3`), `*` when any.
  std::string to_string() const;
  bool operator==(const VersionReq&) const = default;

 private:
  std::vector<Comparator> comparators_;
};

}  // namespace wreg
