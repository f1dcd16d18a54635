// libFuzzer target for the manifest reader and its line editor (common/manifest.h): wreg.toml is
// the user's file, and `wreg add` / `wreg remove` edit it as text. For every manifest that
// parses, each edit either refuses with one line or
//   - parses back with the dependency set (or gone) and every other dependency unchanged, and
//   - keeps the other lines: the edit replaces, inserts or removes at most one place in the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/manifest.h"
#include "common/text.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using wreg::Manifest;
using wreg::PackageName;
using wreg::VersionReq;

// Lines without their break (`\n` or `\r\n`): the editor ends a last line that has no break with
// the file's kind of break, which keeps that line.
std::vector<std::string_view> lines_of(std::string_view text) {
  auto lines = wreg::split(text, '\n');
  for (auto& line : lines) {
    if (line.ends_with('\r')) line.remove_suffix(1);
  }
  return lines;
}

// The lines of `before` and `after` agree except for one run in the middle: at most
// `max_removed` lines of `before` and `max_added` lines of `after`.
bool differs_in_one_place(std::string_view before, std::string_view after, std::size_t max_removed,
                          std::size_t max_added) {
  auto a = lines_of(before);
  auto b = lines_of(after);
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  return a.size() - prefix - suffix <= max_removed && b.size() - prefix - suffix <= max_added;
}

// The dependencies of `after` are those of `before`, with `name` set to `requirement` (or absent
// when that is null), in the same order otherwise.
bool others_unchanged(const Manifest& before, const Manifest& after, const PackageName& name) {
  std::vector<const wreg::ManifestDependency*> a;
  std::vector<const wreg::ManifestDependency*> b;
  for (const auto& dependency : before.dependencies) {
    if (dependency.name != name) a.push_back(&dependency);
  }
  for (const auto& dependency : after.dependencies) {
    if (dependency.name != name) b.push_back(&dependency);
  }
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i]->name != b[i]->name || a[i]->requirement != b[i]->requirement) return false;
  }
  bool same_package = before.package.has_value() == after.package.has_value();
  if (same_package && before.package) {
    same_package = before.package->name == after.package->name &&
                   before.package->version == after.package->version &&
                   before.package->file == after.package->file;
  }
  return same_package;
}

void check_set(std::string_view text, const Manifest& before, const PackageName& name,
               const VersionReq& requirement) {
  auto edited = wreg::set_manifest_dependency(text, name, requirement);
  if (!edited) {
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(edited.error().message));
    return;
  }
  auto after = wreg::parse_manifest(*edited);
  WREG_FUZZ_CHECK(after.has_value());
  const auto* set = after->find(name);
  WREG_FUZZ_CHECK(set != nullptr && set->requirement == requirement);
  WREG_FUZZ_CHECK(others_unchanged(before, *after, name));
  // A rewrite changes one line; an append adds the entry, perhaps a header, a blank line and
  // the line break the file lacked at its end.
  WREG_FUZZ_CHECK(differs_in_one_place(text, *edited, 1, 4));
  // Setting the same requirement again is a no-op.
  auto twice = wreg::set_manifest_dependency(*edited, name, requirement);
  WREG_FUZZ_CHECK(twice.has_value() && *twice == *edited);
}

void check_remove(std::string_view text, const Manifest& before, const PackageName& name) {
  auto edited = wreg::remove_manifest_dependency(text, name);
  if (!edited) {
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(edited.error().message));
    // "no dependency to remove" is only said when there is none.
    WREG_FUZZ_CHECK(edited.error().code != wreg::ErrorCode::kNotFound ||
                    before.find(name) == nullptr);
    return;
  }
  auto after = wreg::parse_manifest(*edited);
  WREG_FUZZ_CHECK(after.has_value());
  WREG_FUZZ_CHECK(after->find(name) == nullptr);
  WREG_FUZZ_CHECK(others_unchanged(before, *after, name));
  // One line goes; when it was the last and had no line break, an empty last line remains.
  WREG_FUZZ_CHECK(differs_in_one_place(text, *edited, 1, 0) ||
                  (differs_in_one_place(text, *edited, 1, 1) && !text.ends_with('\n') &&
                   edited->ends_with('\n')));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = wreg::fuzz::as_text(data, size);
  auto manifest = wreg::parse_manifest(text);
  if (!manifest) {
    WREG_FUZZ_CHECK(manifest.error().code == wreg::ErrorCode::kInvalidArgument);
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(manifest.error().message));
    return 0;
  }
  for (const auto& dependency : manifest->dependencies) {
    WREG_FUZZ_CHECK(manifest->find(dependency.name) != nullptr);
  }
  static const auto added = *PackageName::parse("fuzz:added");
  static const auto requirement = *VersionReq::parse("^1.2.3");
  check_set(text, *manifest, added, requirement);
  if (!manifest->dependencies.empty()) {
    const auto& first = manifest->dependencies.front();
    check_set(text, *manifest, first.name, requirement);
    check_remove(text, *manifest, first.name);
  }
  return 0;
}
