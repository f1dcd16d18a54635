// `wreg init`: a new wreg.toml for the project in a folder, its [package] guessed from what the
// folder holds (as `cargo init` guesses from the folder name):
//   - the name: --name when given; else the `package ns:name@version;` the first of wit/*.wit
//     (by file name) that declares one; else the namespace is unknown and the folder's name,
//     made a kebab-case label (package_label_from()), is the package's name in a commented-out
//     `name` line, with a note saying to set it or pass --name;
//   - the version: the WIT package's, else 0.1.0;
//   - file = "wit" when wit/ holds .wit files (`wreg publish` then builds that folder).
// An empty [dependencies] follows, for `wreg add`. The file is written only if there is none:
// it is linked into place from a temp file, so a wreg.toml made meanwhile is never replaced.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/manifest.h"
#include "common/package_name.h"
#include "common/result.h"

namespace wreg::client {

// `folder` (a folder's name) as a kebab-case label: lowercased; ASCII letters and digits kept,
// every run of other bytes one `-`; a word that starts with a digit joined to the word before
// it (`app 2` -> `app2`). nullopt when nothing is left or the first word starts with a digit.
std::optional<std::string> package_label_from(std::string_view folder);

struct InitReport {
  ManifestPackage package;         // what [package] says (name absent when not guessed)
  std::string manifest_text;       // what was written
  std::vector<std::string> notes;  // what the user should know about the guess
};

// The wreg.toml text init writes for `root` (nothing written). kInvalidArgument when the folder's
// name gives no label and no name is known, saying to pass --name ns:name.
Result<InitReport> plan_init(const std::filesystem::path& root,
                             const std::optional<PackageName>& name);

// plan_init(), then writes `root`/wreg.toml. kAlreadyExists when there is one (nothing written);
// kIo naming the file.
Result<InitReport> init_project(const std::filesystem::path& root,
                                const std::optional<PackageName>& name);

}  // namespace wreg::client
