// Version: a Semantic Versioning 2.0.0 version (semver.org), and its compatibility track.
//
// Precedence follows semver.org §11: major, minor and patch numerically; a pre-release sorts
// before its release; pre-release identifiers compare numerically when both are numeric,
// by ASCII otherwise, numeric before alphanumeric, and a longer list wins a tie. Build metadata
// is kept and printed but never decides precedence.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace wreg {

// One dot-separated pre-release identifier: a number (no leading zeros) or an alphanumeric word.
struct PrereleaseIdentifier {
  std::variant<std::uint64_t, std::string> value;

  bool is_numeric() const { return value.index() == 0; }
  std::string to_string() const;
  // §11.4: numeric < alphanumeric; numbers numerically; words in ASCII order.
  std::strong_ordering operator<=>(const PrereleaseIdentifier& other) const;
  bool operator==(const PrereleaseIdentifier& other) const = default;
};

// The leftmost non-zero of major/minor/patch, with the parts before it: `1` for 1.4.2,
// `0.2` for 0.2.9, `0.0.3` for 0.0.3. Versions on one track are compatible with each other
// (a caret requirement never crosses a track), so a resolution keeps one version per track.
struct CompatTrack {
  std::uint64_t major = 0;
  std::optional<std::uint64_t> minor;
  std::optional<std::uint64_t> patch;

  std::string to_string() const;  // "1", "0.2", "0.0.3"
  auto operator<=>(const CompatTrack&) const = default;
};

class Version {
 public:
  // Longest accepted version text; longer input is refused rather than parsed.
  static constexpr std::size_t kMaxLength = 256;

  Version() = default;
  Version(std::uint64_t major, std::uint64_t minor, std::uint64_t patch)
      : major_(major), minor_(minor), patch_(patch) {}

  // Parses strict SemVer 2.0.0 text, e.g. `1.2.3`, `0.2.0-rc.1`, `1.0.0+build.5`. No leading
  // `v`, no leading zeros in numbers, no empty identifiers, no numbers past 2^64-1.
  // kInvalidArgument names the rule broken and the offending text.
  static Result<Version> parse(std::string_view text);

  std::uint64_t major() const { return major_; }
  std::uint64_t minor() const { return minor_; }
  std::uint64_t patch() const { return patch_; }
  const std::vector<PrereleaseIdentifier>& prerelease() const { return prerelease_; }
  const std::vector<std::string>& build() const { return build_; }
  bool is_prerelease() const { return !prerelease_.empty(); }

  CompatTrack track() const;
  std::string to_string() const;

  // Precedence per §11; build metadata ignored: 1.0.0+a and 1.0.0+b are of equal precedence.
  static std::strong_ordering precedence(const Version& a, const Version& b);

  // A total order for sorting and keys: precedence first, then build metadata (ASCII) to break
  // ties deterministically. Equality is exact: 1.0.0+a != 1.0.0+b.
  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const;

 private:
  std::uint64_t major_ = 0;
  std::uint64_t minor_ = 0;
  std::uint64_t patch_ = 0;
  std::vector<PrereleaseIdentifier> prerelease_;
  std::vector<std::string> build_;

  friend class VersionReq;
};

// True when both versions are on the same compatibility track.
inline bool is_compatible(const Version& a, const Version& b) { return a.track() == b.track(); }

// Parses a decimal number without sign or leading zeros into `out`; false on overflow or any
// other character. Shared by the version and requirement parsers.
bool parse_version_number(std::string_view digits, std::uint64_t& out);

// Parses the dot-separated pre-release identifiers after a '-'. `context` is the whole text, for
// the message.
Result<std::vector<PrereleaseIdentifier>> parse_prerelease(std::string_view text,
                                                           std::string_view context);

}  // namespace wreg
