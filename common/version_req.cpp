#include "common/version_req.h"

#include <algorithm>

#include "common/text.h"

namespace wreg {
namespace {

using Op = Comparator::Op;

// Semver's rule that a version without pre-release outranks any pre-release of itself, applied
// to the pre-release lists alone (an empty list is the highest).
std::strong_ordering compare_prerelease(const std::vector<PrereleaseIdentifier>& a,
                                        const std::vector<PrereleaseIdentifier>& b) {
  if (a.empty() != b.empty()) {
    return a.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
}

bool matches_exact(const Comparator& c, const Version& v) {
  if (v.major() != c.major) return false;
  if (c.minor && v.minor() != *c.minor) return false;
  if (c.patch && v.patch() != *c.patch) return false;
  return v.prerelease() == c.prerelease;
}

bool matches_greater(const Comparator& c, const Version& v) {
  if (v.major() != c.major) return v.major() > c.major;
  if (!c.minor) return false;
  if (v.minor() != *c.minor) return v.minor() > *c.minor;
  if (!c.patch) return false;
  if (v.patch() != *c.patch) return v.patch() > *c.patch;
  return compare_prerelease(v.prerelease(), c.prerelease) > 0;
}

bool matches_less(const Comparator& c, const Version& v) {
  if (v.major() != c.major) return v.major() < c.major;
  if (!c.minor) return false;
  if (v.minor() != *c.minor) return v.minor() < *c.minor;
  if (!c.patch) return false;
  if (v.patch() != *c.patch) return v.patch() < *c.patch;
  return compare_prerelease(v.prerelease(), c.prerelease) < 0;
}

bool matches_tilde(const Comparator& c, const Version& v) {
  if (v.major() != c.major) return false;
  if (c.minor && v.minor() != *c.minor) return false;
  if (c.patch && v.patch() != *c.patch) return v.patch() > *c.patch;
  return compare_prerelease(v.prerelease(), c.prerelease) >= 0;
}

bool matches_caret(const Comparator& c, const Version& v) {
  if (v.major() != c.major) return false;
  if (!c.minor) return true;
  std::uint64_t minor = *c.minor;
  if (!c.patch) return c.major > 0 ? v.minor() >= minor : v.minor() == minor;
  std::uint64_t patch = *c.patch;
  if (c.major > 0) {
    if (v.minor() != minor) return v.minor() > minor;
    if (v.patch() != patch) return v.patch() > patch;
  } else if (minor > 0) {
    if (v.minor() != minor) return false;
    if (v.patch() != patch) return v.patch() > patch;
  } else if (v.minor() != minor || v.patch() != patch) {
    return false;
  }
  return compare_prerelease(v.prerelease(), c.prerelease) >= 0;
}

// Cargo's rule: a pre-release version is only considered when a comparator names a pre-release
// of exactly its major.minor.patch.
bool allows_prerelease_of(const Comparator& c, const Version& v) {
  return c.major == v.major() && c.minor == v.minor() && c.patch == v.patch() &&
         !c.prerelease.empty();
}

Error invalid(std::string_view text, const std::string& why) {
  return fail(ErrorCode::kInvalidArgument,
              "invalid version requirement " + quoted(text) + ": " + why +
                  " (expected e.g. ^1.2, ~0.2.1, =1.0.0, >=1.0, <2.0 or *)");
}

bool is_wildcard(std::string_view part) { return part == "*" || part == "x" || part == "X"; }

Result<Comparator> parse_comparator(std::string_view text, std::string_view whole) {
  Comparator c;
  std::string_view rest = text;
  bool explicit_op = true;
  if (rest.starts_with(">=")) {
    c.op = Op::kGreaterEq;
    rest.remove_prefix(2);
  } else if (rest.starts_with("<=")) {
    c.op = Op::kLessEq;
    rest.remove_prefix(2);
  } else if (rest.starts_with('>')) {
    c.op = Op::kGreater;
    rest.remove_prefix(1);
  } else if (rest.starts_with('<')) {
    c.op = Op::kLess;
    rest.remove_prefix(1);
  } else if (rest.starts_with('=')) {
    c.op = Op::kExact;
    rest.remove_prefix(1);
  } else if (rest.starts_with('~')) {
    c.op = Op::kTilde;
    rest.remove_prefix(1);
  } else if (rest.starts_with('^')) {
    c.op = Op::kCaret;
    rest.remove_prefix(1);
  } else {
    explicit_op = false;
  }
  rest = trim(rest);
  if (rest.empty()) return invalid(whole, "comparator " + quoted(text) + " has no version");
  if (rest.find_first_of(" \t\r\n") != std::string_view::npos) {
    return invalid(whole, quoted(text) + " holds a space; separate comparators with ','");
  }
  if (rest.find('+') != std::string_view::npos) {
    return invalid(whole, "build metadata never affects matching; drop the '+...' part");
  }

  std::string_view numbers = rest;
  if (auto dash = rest.find('-'); dash != std::string_view::npos) {
    auto prerelease = parse_prerelease(rest.substr(dash + 1), whole);
    if (!prerelease) return std::move(prerelease).error();
    c.prerelease = std::move(*prerelease);
    numbers = rest.substr(0, dash);
  }

  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    auto dot = numbers.find('.', start);
    parts.push_back(numbers.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() > 3) return invalid(whole, quoted(rest) + " has more than three numbers");

  bool wildcard_seen = false;
  std::uint64_t values[3] = {0, 0, 0};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (is_wildcard(parts[i])) {
      if (i == 0 && (explicit_op || parts.size() > 1)) {
        return invalid(whole, "'*' stands alone as a requirement");
      }
      wildcard_seen = true;
      continue;
    }
    if (wildcard_seen) {
      return invalid(whole, quoted(rest) + " has a number after a wildcard");
    }
    if (!parse_version_number(parts[i], values[i])) {
      return invalid(
          whole, quoted(parts[i]) + " is not a version number (digits, no leading zeros, < 2^64)");
    }
  }
  if (wildcard_seen) {
    if (explicit_op && c.op != Op::kExact) {
      return invalid(whole, "a wildcard cannot follow an operator; write 1.* or >=1.0");
    }
    if (!c.prerelease.empty()) return invalid(whole, "a wildcard cannot have a pre-release");
    c.op = Op::kWildcard;
  }
  if (!c.prerelease.empty() && parts.size() != 3) {
    return invalid(whole, "a pre-release needs a full major.minor.patch");
  }
  c.major = values[0];
  if (parts.size() > 1 && !is_wildcard(parts[1])) c.minor = values[1];
  if (parts.size() > 2 && !is_wildcard(parts[2])) c.patch = values[2];
  return c;
}

}  // namespace

bool Comparator::matches(const Version& version) const {
  switch (op) {
    case Op::kExact:
    case Op::kWildcard:
      return matches_exact(*this, version);
    case Op::kGreater:
      return matches_greater(*this, version);
    case Op::kGreaterEq:
      return matches_exact(*this, version) || matches_greater(*this, version);
    case Op::kLess:
      return matches_less(*this, version);
    case Op::kLessEq:
      return matches_exact(*this, version) || matches_less(*this, version);
    case Op::kTilde:
      return matches_tilde(*this, version);
    case Op::kCaret:
      return matches_caret(*this, version);
  }
  return false;
}

std::string Comparator::to_string() const {
  std::string out;
  switch (op) {
    case Op::kExact:
      out = "=";
      break;
    case Op::kGreater:
      out = ">";
      break;
    case Op::kGreaterEq:
      out = ">=";
      break;
    case Op::kLess:
      out = "<";
      break;
    case Op::kLessEq:
      out = "<=";
      break;
    case Op::kTilde:
      out = "~";
      break;
    case Op::kCaret:
      out = "^";
      break;
    case Op::kWildcard:
      break;
  }
  out += std::to_string(major);
  if (minor) {
    out += "." + std::to_string(*minor);
  } else if (op == Op::kWildcard) {
    return out + ".*";
  }
  if (patch) {
    out += "." + std::to_string(*patch);
  } else if (op == Op::kWildcard) {
    return out + ".*";
  }
  for (std::size_t i = 0; i < prerelease.size(); ++i) {
    out += (i == 0 ? '-' : '.');
    out += prerelease[i].to_string();
  }
  return out;
}

Result<VersionReq> VersionReq::parse(std::string_view text) {
  if (text.size() > kMaxLength) {
    return invalid(text, "longer than " + std::to_string(kMaxLength) + " characters");
  }
  std::string_view whole = trim(text);
  if (whole.empty()) return invalid(text, "empty");
  VersionReq req;
  if (whole == "*" || whole == "x" || whole == "X") return req;
  std::size_t start = 0;
  while (true) {
    auto comma = whole.find(',', start);
    auto piece = trim(whole.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (piece.empty()) return invalid(text, "empty comparator between commas");
    auto comparator = parse_comparator(piece, text);
    if (!comparator) return std::move(comparator).error();
    req.comparators_.push_back(std::move(*comparator));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  // The canonical text (`^` on bare versions, ", " between comparators) is what wreg writes to
  // wreg.toml and wreg.lock, so it must parse back too: a terse input under the limit can spell
  // out past it (found by tests/fuzz/version_req_fuzz.cpp).
  if (req.to_string().size() > kMaxLength) {
    return invalid(text, "longer than " + std::to_string(kMaxLength) +
                             " characters once written out as ^1.2, ^3.4");
  }
  return req;
}

VersionReq VersionReq::exactly(const Version& version) {
  VersionReq req;
  req.comparators_.push_back(Comparator{Op::kExact, version.major(), version.minor(),
                                        version.patch(), version.prerelease()});
  return req;
}

VersionReq VersionReq::caret(const Version& version) {
  VersionReq req;
  req.comparators_.push_back(Comparator{Op::kCaret, version.major(), version.minor(),
                                        version.patch(), version.prerelease()});
  return req;
}

bool VersionReq::matches(const Version& version) const {
  for (const auto& c : comparators_) {
    if (!c.matches(version)) return false;
  }
  if (!version.is_prerelease()) return true;
  return std::any_of(comparators_.begin(), comparators_.end(),
                     [&](const Comparator& c) { return allows_prerelease_of(c, version); });
}

std::string VersionReq::to_string() const {
  if (comparators_.empty()) return "*";
  std::string out;
  for (std::size_t i = 0; i < comparators_.size(); ++i) {
    if (i > 0) out += ", ";
    out += comparators_[i].to_string();
  }
  return out;
}

}  // namespace wreg
