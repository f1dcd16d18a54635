#include "common/package_ref.h"

#include "common/text.h"

namespace wreg {
namespace {

// Both forms share the `name[@rest]` split; the name is parsed the same way.
Result<PackageName> parse_name_before_at(std::string_view text, std::string_view& rest,
                                         bool& has_at) {
  auto at = text.find('@');
  has_at = at != std::string_view::npos;
  rest = has_at ? text.substr(at + 1) : std::string_view{};
  return PackageName::parse(has_at ? text.substr(0, at) : text);
}

}  // namespace

Result<PackageRef> PackageRef::parse(std::string_view text) {
  std::string_view rest;
  bool has_at = false;
  auto name = parse_name_before_at(trim(text), rest, has_at);
  if (!name) return std::move(name).error();
  if (!has_at) return PackageRef{std::move(*name), std::nullopt};
  if (trim(rest).empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid package reference " + quoted(text) +
                    ": nothing after '@' (write ns:name@1.2.3, or leave out '@')");
  }
  auto req = VersionReq::parse(rest);
  if (!req) return std::move(req).error();
  return PackageRef{std::move(*name), std::move(*req)};
}

std::string PackageRef::to_string() const {
  if (!requirement) return name.to_string();
  return name.to_string() + "@" + requirement->to_string();
}

Result<PackageVersion> PackageVersion::parse(std::string_view text) {
  std::string_view rest;
  bool has_at = false;
  auto name = parse_name_before_at(text, rest, has_at);
  if (!name) return std::move(name).error();
  if (!has_at) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid package version " + quoted(text) + ": expected ns:name@1.2.3");
  }
  auto version = Version::parse(rest);
  if (!version) return std::move(version).error();
  return PackageVersion{std::move(*name), std::move(*version)};
}

}  // namespace wreg
