#include "client/lock_graph.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "client/file_io.h"
#include "common/digest.h"
#include "common/release.h"
#include "common/text.h"
#include "common/wasm/reader.h"

namespace wreg::client {
namespace {

// The newest locked version of `name` that `requirement` allows, as an index into lock.packages.
std::optional<std::size_t> locked_match(const Lockfile& lock, const PackageName& name,
                                        const VersionReq& requirement) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < lock.packages.size(); ++i) {
    const LockedPackage& package = lock.packages[i];
    if (package.name != name || !requirement.matches(package.version)) continue;
    if (!best || package.version > lock.packages[*best].version) best = i;
  }
  return best;
}

std::string label(const LockGraph::Node& node) {
  return escaped(node.name.to_string()) + " " + escaped(node.version.to_string());
}

// Sorts `indexes` by the nodes' names and versions, each once.
void sort_nodes(std::vector<std::size_t>& indexes, const std::vector<LockGraph::Node>& nodes) {
  std::sort(indexes.begin(), indexes.end(), [&](std::size_t a, std::size_t b) {
    if (nodes[a].name != nodes[b].name) return nodes[a].name < nodes[b].name;
    return nodes[a].version < nodes[b].version;
  });
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
}

// Draws the tree below `top` (labels[i], children[i]). Iterative, so a lock of any depth draws
// without deep recursion; a node drawn before is not expanded again, which also ends a cycle.
std::string draw(const std::vector<std::string>& labels,
                 const std::vector<std::vector<std::size_t>>& children, std::size_t top) {
  std::string out = labels[top] + "\n";
  std::vector<bool> expanded(labels.size(), false);
  expanded[top] = true;
  struct Frame {
    const std::vector<std::size_t>* children;
    std::size_t next;
  };
  std::vector<Frame> stack{{&children[top], 0}};
  std::string prefix;
  std::vector<std::size_t> segments;  // the byte length of each level's part of `prefix`
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next == frame.children->size()) {
      stack.pop_back();
      if (!segments.empty()) {
        prefix.resize(prefix.size() - segments.back());
        segments.pop_back();
      }
      continue;
    }
    const std::size_t child = (*frame.children)[frame.next++];
    const bool last = frame.next == frame.children->size();
    out += prefix + (last ? "└── " : "├── ") + labels[child];
    const bool has_children = !children[child].empty();
    if (has_children && expanded[child]) {
      out += " (*)\n";
      continue;
    }
    out += "\n";
    if (!has_children) continue;
    expanded[child] = true;
    const std::string_view segment = last ? "    " : "│   ";
    prefix += segment;
    segments.push_back(segment.size());
    stack.push_back({&children[child], 0});
  }
  return out;
}

}  // namespace

Result<LockGraph> build_lock_graph(const Manifest& manifest, const Lockfile& lock,
                                   std::string project, const DependenciesOf& dependencies_of) {
  if (auto missing = unlocked_requirement(manifest, lock)) {
    return fail(ErrorCode::kConflict, "wreg.lock does not cover wreg.toml: " + *missing +
                                          " is not locked; run `wreg fetch` to lock it");
  }
  LockGraph graph;
  graph.project = std::move(project);
  for (const auto& package : lock.packages) {
    graph.nodes.push_back(LockGraph::Node{package.name, package.version, {}});
  }
  std::vector<bool> needed(lock.packages.size(), false);
  for (std::size_t i = 0; i < lock.packages.size(); ++i) {
    const LockedPackage& package = lock.packages[i];
    auto dependencies = dependencies_of(package);
    if (!dependencies) return std::move(dependencies).error();
    for (const auto& dependency : *dependencies) {
      auto match = locked_match(lock, dependency.name, dependency.requirement);
      if (!match) {
        return fail(ErrorCode::kCorrupt,
                    package.name.to_string() + " " + package.version.to_string() + " needs " +
                        dependency.name.to_string() + " " + dependency.requirement.to_string() +
                        ", and wreg.lock holds no such version; run `wreg update` to resolve "
                        "again");
      }
      if (*match == i) continue;
      graph.nodes[i].dependencies.push_back(*match);
      needed[*match] = true;
    }
    sort_nodes(graph.nodes[i].dependencies, graph.nodes);
  }
  for (const auto& dependency : manifest.dependencies) {
    // unlocked_requirement() found a locked version for each.
    if (auto match = locked_match(lock, dependency.name, dependency.requirement)) {
      graph.direct.push_back(*match);
    }
  }
  for (std::size_t i = 0; i < needed.size(); ++i) {
    if (!needed[i]) graph.direct.push_back(i);
  }
  sort_nodes(graph.direct, graph.nodes);
  return graph;
}

Result<LockGraph> read_lock_graph(const ProjectPaths& paths, Fetcher& fetcher) {
  auto locked = read_locked_project(paths);
  if (!locked) return std::move(locked).error();
  const Manifest& manifest = locked->manifest;
  const Lockfile& lock = locked->lock;

  std::string project = escaped(paths.root.string());
  if (manifest.package && manifest.package->name) {
    std::string version =
        manifest.package->version ? " " + escaped(manifest.package->version->to_string()) : "";
    project = escaped(manifest.package->name->to_string()) + version + " (" + project + ")";
  }

  auto dependencies_of = [&](const LockedPackage& package) -> Result<std::vector<api::Dependency>> {
    const PackageVersion id{package.name, package.version};
    std::string bytes;
    auto local = read_file(paths.deps() / deps_file_name(package.name, package.version));
    if (local && Digest::of(std::string_view(*local)) == package.digest) {
      bytes = std::move(*local);
    } else {
      auto cached = fetcher.blob(BlobRequest{package.registry, package.digest, id, 0});
      if (!cached) {
        if (cached.error().code == ErrorCode::kCorrupt) return std::move(cached).error();
        return fail(ErrorCode::kUnavailable,
                    id.to_string() +
                        " is neither in wit/deps/ nor in the cache, and its dependencies are "
                        "read from its bytes; run `wreg fetch` first");
      }
      bytes = std::move(*cached);
    }
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    auto info = wasm::read_component({data, bytes.size()});
    if (!info) {
      return fail(ErrorCode::kCorrupt, id.to_string() + " (" + package.digest.to_string() +
                                           ") does not read: " + info.error().message);
    }
    auto release = release_of(*info, ClaimedIdentity{id, "wreg.lock"});
    if (!release) {
      return fail(ErrorCode::kCorrupt, "the bytes wreg.lock names for " + id.to_string() +
                                           " are not that release: " + release.error().message);
    }
    return std::move(release->dependencies);
  };
  return build_lock_graph(manifest, lock, std::move(project), dependencies_of);
}

std::string render_tree(const LockGraph& graph) {
  std::vector<std::string> labels;
  std::vector<std::vector<std::size_t>> children;
  for (const auto& node : graph.nodes) {
    labels.push_back(label(node));
    children.push_back(node.dependencies);
  }
  labels.push_back(graph.project);
  children.push_back(graph.direct);
  return draw(labels, children, graph.nodes.size());
}

Result<std::string> render_inverted_tree(const LockGraph& graph, const PackageName& name) {
  const std::size_t project = graph.nodes.size();
  std::vector<std::string> labels;
  std::vector<std::vector<std::size_t>> dependents(project + 1);
  for (std::size_t i = 0; i < project; ++i) {
    labels.push_back(label(graph.nodes[i]));
    for (std::size_t dependency : graph.nodes[i].dependencies) dependents[dependency].push_back(i);
  }
  labels.push_back(graph.project);
  for (auto& list : dependents) sort_nodes(list, graph.nodes);
  // The project comes after the packages that need the same one.
  for (std::size_t direct : graph.direct) dependents[direct].push_back(project);

  std::string out;
  for (std::size_t i = 0; i < project; ++i) {
    if (graph.nodes[i].name != name) continue;
    if (!out.empty()) out += "\n";
    out += draw(labels, dependents, i);
  }
  if (out.empty()) {
    return fail(ErrorCode::kNotFound, name.to_string() + " is not in wreg.lock");
  }
  return out;
}

}  // namespace wreg::client
