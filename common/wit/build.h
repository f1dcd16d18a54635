// Building a WIT package: parsed source groups to the binary the real tools write, as
// `wasm-tools component wit --wasm` (the whole package) or `wasm-tools component embed` (one
// world) would. Pure: reading the files is the caller's (client/wit_folder.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/wit/resolver.h"

namespace wreg::wit {

struct BuildOptions {
  std::string world;  // empty: the whole package; else only this world, as `embed` writes it
  ResolveOptions resolve;
};

struct Built {
  PackageName package;
  std::string world;  // the world built alone, or empty
  std::vector<std::uint8_t> bytes;
};

// Resolves `groups` (the package first, then its dependencies) and encodes the package or the
// world. A world that is not there: `world W not found in package P; it has: a, b`; a package
// with no interfaces and no worlds is refused (its binary would read back as an empty component).
Result<Built> build(const std::vector<SourceGroup>& groups, const BuildOptions& options);

}  // namespace wreg::wit
