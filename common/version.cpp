#include "common/version.h"

#include <algorithm>

#include "common/text.h"

namespace wreg {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_identifier_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

Error invalid(std::string_view text, const std::string& why) {
  return fail(ErrorCode::kInvalidArgument, "invalid version " + quoted(text) + ": " + why +
                                               " (expected SemVer like 1.2.3 or 0.2.0-rc.1)");
}

}  // namespace

bool parse_version_number(std::string_view digits, std::uint64_t& out) {
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return false;
  std::uint64_t value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return false;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
  }
  out = value;
  return true;
}

Result<std::vector<PrereleaseIdentifier>> parse_prerelease(std::string_view text,
                                                           std::string_view context) {
  std::vector<PrereleaseIdentifier> identifiers;
  for (auto part : split(text, '.')) {
    if (part.empty()) return invalid(context, "empty pre-release identifier");
    if (!std::all_of(part.begin(), part.end(), is_identifier_char)) {
      return invalid(context, "pre-release identifier " + quoted(part) +
                                  " may hold only ASCII letters, digits and '-'");
    }
    if (std::all_of(part.begin(), part.end(), is_digit)) {
      std::uint64_t number = 0;
      if (part.size() > 1 && part.front() == '0') {
        return invalid(context,
                       "numeric pre-release identifier " + quoted(part) + " has a leading zero");
      }
      if (!parse_version_number(part, number)) {
        return invalid(context, "pre-release number " + quoted(part) + " is too large");
      }
      identifiers.emplace_back().value.emplace<std::uint64_t>(number);
    } else {
      identifiers.emplace_back().value.emplace<std::string>(part);
    }
  }
  return identifiers;
}

std::string PrereleaseIdentifier::to_string() const {
  if (auto* number = std::get_if<std::uint64_t>(&value)) return std::to_string(*number);
  return std::get<std::string>(value);
}

std::strong_ordering PrereleaseIdentifier::operator<=>(const PrereleaseIdentifier& other) const {
  if (is_numeric() != other.is_numeric()) {
    return is_numeric() ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  if (is_numeric()) return std::get<0>(value) <=> std::get<0>(other.value);
  return std::get<1>(value).compare(std::get<1>(other.value)) <=> 0;
}

std::string CompatTrack::to_string() const {
  std::string out = std::to_string(major);
  if (minor) out += "." + std::to_string(*minor);
  if (patch) out += "." + std::to_string(*patch);
  return out;
}

Result<Version> Version::parse(std::string_view text) {
  if (text.empty()) return invalid(text, "empty");
  if (text.size() > kMaxLength) {
    return invalid(text, "longer than " + std::to_string(kMaxLength) + " characters");
  }
  Version version;
  std::string_view rest = text;
  if (auto plus = rest.find('+'); plus != std::string_view::npos) {
    for (auto part : split(rest.substr(plus + 1), '.')) {
      if (part.empty()) return invalid(text, "empty build metadata identifier");
      if (!std::all_of(part.begin(), part.end(), is_identifier_char)) {
        return invalid(text, "build metadata " + quoted(part) +
                                 " may hold only ASCII letters, digits and '-'");
      }
      version.build_.emplace_back(part);
    }
    rest = rest.substr(0, plus);
  }
  if (auto dash = rest.find('-'); dash != std::string_view::npos) {
    auto prerelease = parse_prerelease(rest.substr(dash + 1), text);
    if (!prerelease) return std::move(prerelease).error();
    version.prerelease_ = std::move(*prerelease);
    rest = rest.substr(0, dash);
  }
  auto numbers = split(rest, '.');
  if (numbers.size() != 3) {
    return invalid(text, "needs exactly three numbers major.minor.patch");
  }
  const char* names[] = {"major", "minor", "patch"};
  std::uint64_t* fields[] = {&version.major_, &version.minor_, &version.patch_};
  for (int i = 0; i < 3; ++i) {
    auto part = numbers[i];
    if (part.empty()) return invalid(text, std::string(names[i]) + " number is empty");
    if (!std::all_of(part.begin(), part.end(), is_digit)) {
      return invalid(text, std::string(names[i]) + " " + quoted(part) + " is not a number");
    }
    if (part.size() > 1 && part.front() == '0') {
      return invalid(text, std::string(names[i]) + " " + quoted(part) + " has a leading zero");
    }
    if (!parse_version_number(part, *fields[i])) {
      return invalid(text, std::string(names[i]) + " " + quoted(part) + " is too large");
    }
  }
  return version;
}

CompatTrack Version::track() const {
  if (major_ != 0) return {major_, std::nullopt, std::nullopt};
  if (minor_ != 0) return {0, minor_, std::nullopt};
  return {0, 0, patch_};
}

std::string Version::to_string() const {
  std::string out =
      std::to_string(major_) + "." + std::to_string(minor_) + "." + std::to_string(patch_);
  for (std::size_t i = 0; i < prerelease_.size(); ++i) {
    out += (i == 0 ? '-' : '.');
    out += prerelease_[i].to_string();
  }
  for (std::size_t i = 0; i < build_.size(); ++i) {
    out += (i == 0 ? '+' : '.');
    out += build_[i];
  }
  return out;
}

std::strong_ordering Version::precedence(const Version& a, const Version& b) {
  if (auto c = a.major_ <=> b.major_; c != 0) return c;
  if (auto c = a.minor_ <=> b.minor_; c != 0) return c;
  if (auto c = a.patch_ <=> b.patch_; c != 0) return c;
  // §11.3: a version without pre-release has higher precedence than one with.
  if (a.prerelease_.empty() != b.prerelease_.empty()) {
    return a.prerelease_.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  return std::lexicographical_compare_three_way(a.prerelease_.begin(), a.prerelease_.end(),
                                                b.prerelease_.begin(), b.prerelease_.end());
}

std::strong_ordering Version::operator<=>(const Version& other) const {
  if (auto c = precedence(*this, other); c != 0) return c;
  return build_ <=> other.build_;
}

bool Version::operator==(const Version& other) const { return (*this <=> other) == 0; }

}  // namespace wreg
