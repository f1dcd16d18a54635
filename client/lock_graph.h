// LockGraph: the dependency graph wreg.lock resolved, for `wreg tree` (as `cargo tree` shows
// Cargo.lock's).
//
// wreg.lock names each package once per compatibility track with its digest, but not who needs
// it: the edges are in the locked bytes themselves (a WIT package's foreign packages, as
// common/release.h reads them; a component has none). read_lock_graph() takes each package's
// bytes from wit/deps/ when the file there has the locked digest, else from the cache (re-hashed
// and checked to be that release, client/fetcher.h), and never from the network. A dependency
// `ns:name REQ` leads to the newest locked version of ns:name that REQ allows.
//
// The project is the graph's root: its children are the packages wreg.toml requires, and those
// locked packages that nothing else needs (what `wreg build` locked for the WIT's own use).
//
// Names and versions come from wreg.lock and the bytes, which are outside text: the renderers
// escape everything they print (common/text.h).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "client/fetcher.h"
#include "client/project.h"
#include "common/api/package_document.h"
#include "common/lockfile.h"
#include "common/manifest.h"
#include "common/package_name.h"
#include "common/result.h"

namespace wreg::client {

struct LockGraph {
  struct Node {
    PackageName name;
    Version version;
    std::vector<std::size_t> dependencies;  // indexes into `nodes`, sorted by name and version
  };
  std::string project;              // how the project is named: `demo:app 0.1.0 (/path)`
  std::vector<Node> nodes;          // wreg.lock's packages, in its order
  std::vector<std::size_t> direct;  // the project's children, sorted by name and version
};

// The dependencies of one locked package, from its bytes.
using DependenciesOf = std::function<Result<std::vector<api::Dependency>>(const LockedPackage&)>;

// The graph of `lock` for the project `manifest`, named `project`. kConflict when wreg.lock does
// not cover wreg.toml (saying to run `wreg fetch`); kCorrupt when a package needs a version the
// lock does not hold; the errors of `dependencies_of`.
Result<LockGraph> build_lock_graph(const Manifest& manifest, const Lockfile& lock,
                                   std::string project, const DependenciesOf& dependencies_of);

// Reads wreg.toml (optional) and wreg.lock under `paths` and builds their graph, the bytes
// taken as the header says (`fetcher` is used offline, for its cache only). kNotFound without a
// wreg.lock; kUnavailable naming a package whose bytes are in neither place, saying to run
// `wreg fetch`.
Result<LockGraph> read_lock_graph(const ProjectPaths& paths, Fetcher& fetcher);

// The tree from the project down, one package a line, as `cargo tree` draws it (├── └── │). A
// package whose dependencies were drawn before is drawn again with ` (*)` and not expanded.
std::string render_tree(const LockGraph& graph);

// `wreg tree --invert NAME`: for each locked version of `name`, the tree of what needs it, up to
// the project. kNotFound when wreg.lock does not hold `name`.
Result<std::string> render_inverted_tree(const LockGraph& graph, const PackageName& name);

}  // namespace wreg::client
