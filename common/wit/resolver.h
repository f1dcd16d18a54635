// The WIT resolver: parsed files (ast.h) to the WIT model (model.h), following wit-parser's
// resolution step by step (`ast/resolve.rs`, `resolve/mod.rs`), so that what it makes encodes
// to the bytes the real tools write: interfaces and worlds of a package in the order their
// `use`s sort them, an interface's types in the order `use`s then definitions sort them, a
// reference to a resource made an `own` handle, unstable items left out unless their feature is
// enabled, and each world elaborated (includes merged, the interfaces its items use imported).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/wit/ast.h"
#include "common/wit/model.h"

namespace wreg::wit {

struct ResolveOptions {
  std::set<std::string> features;  // `@unstable(feature = F)` items kept for these
  bool all_features = false;
};

// The files of one package, each already parsed: a folder's `*.wit`, or one file. Nested
// `package … { }` blocks in them are packages of their own.
using SourceGroup = std::vector<const ast::File*>;

struct Resolved {
  Resolve resolve;
  std::uint32_t package = kNone;  // the package of the first group's top-level declarations
};

// Resolves `groups` together: the first is the package being built, the others its
// dependencies (in any order: they are sorted by what they use). kInvalidArgument with a
// message laid out by format_error() when a name, a path or a package is not found, when
// packages or types use each other in a cycle, or when something is defined twice.
Result<Resolved> resolve_groups(const std::vector<SourceGroup>& groups,
                                const ResolveOptions& options = {});

}  // namespace wreg::wit
