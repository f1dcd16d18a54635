// Reading a WIT folder for `wreg build` and `wreg publish DIR`: the folder's `*.wit` files are
// the package, and each entry of its `deps/` one dependency, as wit-parser reads a folder: a
// folder of `.wit` files, a single `.wit` file, or a binary `.wasm` WIT package (read through the
// printer: its own package's text, since every dependency has its own entry).
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "common/result.h"
#include "common/wit/ast.h"
#include "common/wit/build.h"

namespace wreg::client {

struct WitSources {
  std::vector<std::unique_ptr<wit::ast::File>> files;  // owned here; groups point into them
  std::vector<wit::SourceGroup> groups;                // the folder's package, then its deps
};

// Reads and parses `folder` and `folder/deps/`. kNotFound when the folder does not exist;
// kInvalidArgument (with the file, line and a caret) for a file that does not parse, or a
// `.wasm` in deps/ that is not a WIT package.
Result<WitSources> read_wit_folder(const std::filesystem::path& folder);

// A package the folder's own files name (in a `use` path, a world's import, export or include,
// or a top-level `use`) that none of their own packages (the folder's, its nested blocks)
// defines: a dependency, as the server reads one from a binary's imports.
struct WitDependency {
  wit::PackageName name;  // as written: `wasi:io@0.2.8`, or `wasi:io` without a version
  bool at_hand = false;   // a group of deps/ defines it
};

// The dependencies of `sources`' first group, each once, in the order first named.
std::vector<WitDependency> wit_dependencies(const WitSources& sources);

}  // namespace wreg::client
