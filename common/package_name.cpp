#include "common/package_name.h"

#include "common/text.h"

namespace wreg {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<void> check_label(std::string_view label, std::string_view what) {
  std::string prefix = std::string(what) + " " + quoted(label) + " ";
  if (label.empty()) return fail(ErrorCode::kInvalidArgument, std::string(what) + " is empty");
  if (label.front() == '-' || label.back() == '-') {
    return fail(ErrorCode::kInvalidArgument, prefix + "starts or ends with '-'");
  }
  bool word_start = true;
  for (char c : label) {
    if (c == '-') {
      if (word_start) return fail(ErrorCode::kInvalidArgument, prefix + "has an empty word ('--')");
      word_start = true;
      continue;
    }
    if (c >= 'A' && c <= 'Z') {
      return fail(ErrorCode::kInvalidArgument,
                  prefix + "has an uppercase letter; labels are lowercase kebab-case");
    }
    if (!is_lower(c) && !is_digit(c)) {
      return fail(ErrorCode::kInvalidArgument, prefix + "has the character " +
                                                   quoted(std::string_view(&c, 1)) +
                                                   "; only a-z, 0-9 and '-' are allowed");
    }
    if (word_start && !is_lower(c)) {
      return fail(ErrorCode::kInvalidArgument,
                  prefix + "has a word that starts with a digit; each word starts with a letter");
    }
    word_start = false;
  }
  return {};
}

Result<PackageName> PackageName::parse(std::string_view text) {
  auto refuse = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument, "invalid package name " + quoted(text) + ": " + why +
                                                 " (expected ns:name, e.g. wasi:io)");
  };
  if (text.size() > kMaxLength) {
    return refuse("longer than " + std::to_string(kMaxLength) + " characters");
  }
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return refuse("missing ':' between namespace and name");
  if (text.find(':', colon + 1) != std::string_view::npos) return refuse("more than one ':'");
  std::string_view space = text.substr(0, colon);
  std::string_view name = text.substr(colon + 1);
  if (auto ok = check_label(space, "namespace"); !ok) return refuse(ok.error().message);
  if (auto ok = check_label(name, "name"); !ok) return refuse(ok.error().message);
  return PackageName(std::string(space), std::string(name));
}

}  // namespace wreg
