#include "common/wit/build.h"

#include "common/package_name.h"
#include "common/text.h"
#include "common/version.h"
#include "common/wit/encoder.h"

namespace wreg::wit {

namespace {

// WIT allows names and versions wreg's reader refuses (a name past 128 characters, a version
// number past 2^64): refuse them here rather than write a binary wreg cannot read back.
Result<void> check_names(const Resolve& resolve) {
  for (const Package& package : resolve.packages) {
    const std::string name = package.name.space + ":" + package.name.name;
    auto refuse = [&](const Error& why) {
      return fail(ErrorCode::kInvalidArgument, "package " + quoted(package.name.to_string()) +
                                                   " cannot be built: " + why.message);
    };
    if (auto parsed = wreg::PackageName::parse(name); !parsed) return refuse(parsed.error());
    if (!package.name.version.empty()) {
      if (auto parsed = wreg::Version::parse(package.name.version); !parsed) {
        return refuse(parsed.error());
      }
    }
  }
  return {};
}

}  // namespace

Result<Built> build(const std::vector<SourceGroup>& groups, const BuildOptions& options) {
  auto resolved = resolve_groups(groups, options.resolve);
  if (!resolved) return std::move(resolved).error();
  if (auto checked = check_names(resolved->resolve); !checked) return std::move(checked).error();
  const Package& package = resolved->resolve.packages[resolved->package];
  if (package.interfaces.empty() && package.worlds.empty()) {
    // wit-component would write a component with no exports, which reads back as an empty
    // component, not as this package.
    return fail(ErrorCode::kInvalidArgument,
                "package " + package.name.to_string() +
                    " has no interfaces or worlds (or only @unstable ones whose feature is off); "
                    "there is nothing to build");
  }
  Built built;
  built.package = package.name;
  if (options.world.empty()) {
    auto bytes = encode_package(resolved->resolve, resolved->package);
    if (!bytes) return std::move(bytes).error();
    built.bytes = std::move(*bytes);
    return built;
  }
  std::string known;
  for (const auto& [name, id] : package.worlds) {
    if (name != options.world) {
      known += (known.empty() ? "" : ", ") + name;
      continue;
    }
    auto bytes = encode_world(resolved->resolve, id);
    if (!bytes) return std::move(bytes).error();
    built.world = name;
    built.bytes = std::move(*bytes);
    return built;
  }
  return fail(ErrorCode::kInvalidArgument,
              "world " + options.world + " not found in package " + package.name.to_string() +
                  (known.empty() ? "; it has no worlds" : "; it has: " + known));
}

}  // namespace wreg::wit
