#include "client/lock_graph.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wreg::client {
namespace {

PackageName name_of(std::string_view text) { return *PackageName::parse(text); }

// A lock and the dependencies of its packages' bytes, built inline:
//   project.lock("wasi:http@0.2.8", {"wasi:io ^0.2.8"});
class Project {
 public:
  void lock(std::string_view id, std::vector<std::string> dependencies = {}) {
    auto parsed = *PackageVersion::parse(id);
    LockedPackage package{
        parsed.name, parsed.version, "http://registry.test", Digest::of(std::string_view(id)),
        {},          std::nullopt};
    lock_.packages.push_back(package);
    auto& list = dependencies_[std::string(id)];
    for (const auto& text : dependencies) {
      auto space = text.find(' ');
      list.push_back(api::Dependency{name_of(text.substr(0, space)),
                                     *VersionReq::parse(text.substr(space + 1))});
    }
  }
  void require(std::string_view name, std::string_view requirement) {
    manifest_.dependencies.push_back({name_of(name), *VersionReq::parse(requirement)});
    // What a resolution records: the requirement among those the locked version satisfies.
    for (auto& package : lock_.packages) {
      if (package.name == name_of(name)) package.requirements.emplace_back(requirement);
    }
  }
  Result<LockGraph> graph() const {
    return build_lock_graph(
        manifest_, lock_, "demo:app 0.1.0 (/work/app)", [this](const LockedPackage& package) {
          auto id = package.name.to_string() + "@" + package.version.to_string();
          return Result<std::vector<api::Dependency>>(dependencies_.at(id));
        });
  }
  std::string tree() const { return render_tree(*graph()); }
  std::string inverted(std::string_view name) const {
    auto text = render_inverted_tree(*graph(), name_of(name));
    return text ? *text : "error: " + text.error().message;
  }

 private:
  Manifest manifest_;
  Lockfile lock_;
  std::map<std::string, std::vector<api::Dependency>> dependencies_;
};

// wasi:http and wasi:cli both need wasi:io and wasi:clocks, and wasi:clocks needs wasi:io.
Project diamond() {
  Project project;
  project.lock("wasi:cli@0.2.8", {"wasi:io ^0.2.8", "wasi:clocks ^0.2.8"});
  project.lock("wasi:clocks@0.2.8", {"wasi:io ^0.2.8"});
  project.lock("wasi:http@0.2.8", {"wasi:clocks ^0.2.8", "wasi:cli ^0.2.8", "wasi:io ^0.2.8"});
  project.lock("wasi:io@0.2.8");
  project.require("wasi:http", "^0.2.8");
  return project;
}

TEST(LockGraphTest, DrawsEachSubtreeOnceAndMarksItsRepeats) {
  EXPECT_EQ(diamond().tree(),
            "demo:app 0.1.0 (/work/app)\n"
            "└── wasi:http 0.2.8\n"
            "    ├── wasi:cli 0.2.8\n"
            "    │   ├── wasi:clocks 0.2.8\n"
            "    │   │   └── wasi:io 0.2.8\n"
            "    │   └── wasi:io 0.2.8\n"
            "    ├── wasi:clocks 0.2.8 (*)\n"
            "    └── wasi:io 0.2.8\n");
}

TEST(LockGraphTest, InvertedTreeShowsWhoNeedsAPackageUpToTheProject) {
  EXPECT_EQ(diamond().inverted("wasi:clocks"),
            "wasi:clocks 0.2.8\n"
            "├── wasi:cli 0.2.8\n"
            "│   └── wasi:http 0.2.8\n"
            "│       └── demo:app 0.1.0 (/work/app)\n"
            "└── wasi:http 0.2.8 (*)\n");
}

TEST(LockGraphTest, InvertingAPackageTheLockDoesNotHoldIsNotFound) {
  auto graph = diamond().graph();
  ASSERT_TRUE(graph.has_value());
  auto text = render_inverted_tree(*graph, name_of("wasi:nothing"));
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(text.error().message, "wasi:nothing is not in wreg.lock");
}

TEST(LockGraphTest, TwoTracksOfOnePackageAreTwoNodes) {
  Project project;
  project.lock("demo:old@1.0.0", {"wasi:io ^0.2.0"});
  project.lock("wasi:io@0.2.8");
  project.lock("wasi:io@0.3.1");
  project.require("demo:old", "^1.0");
  project.require("wasi:io", "^0.3");
  EXPECT_EQ(project.tree(),
            "demo:app 0.1.0 (/work/app)\n"
            "├── demo:old 1.0.0\n"
            "│   └── wasi:io 0.2.8\n"
            "└── wasi:io 0.3.1\n");
  EXPECT_EQ(project.inverted("wasi:io"),
            "wasi:io 0.2.8\n"
            "└── demo:old 1.0.0\n"
            "    └── demo:app 0.1.0 (/work/app)\n"
            "\n"
            "wasi:io 0.3.1\n"
            "└── demo:app 0.1.0 (/work/app)\n");
}

TEST(LockGraphTest, ALockedPackageNothingNeedsHangsOffTheProject) {
  // What `wreg build` locks for the WIT's own use is in wreg.lock but not in wreg.toml.
  Project project;
  project.lock("wasi:clocks@0.2.8", {"wasi:io ^0.2.8"});
  project.lock("wasi:io@0.2.8");
  EXPECT_EQ(project.tree(),
            "demo:app 0.1.0 (/work/app)\n"
            "└── wasi:clocks 0.2.8\n"
            "    └── wasi:io 0.2.8\n");
}

TEST(LockGraphTest, ACycleInAHostileLockEnds) {
  Project project;
  project.lock("evil:a@1.0.0", {"evil:b ^1"});
  project.lock("evil:b@1.0.0", {"evil:a ^1"});
  project.require("evil:a", "^1");
  EXPECT_EQ(project.tree(),
            "demo:app 0.1.0 (/work/app)\n"
            "└── evil:a 1.0.0\n"
            "    └── evil:b 1.0.0\n"
            "        └── evil:a 1.0.0 (*)\n");
}

TEST(LockGraphTest, ADeepChainDrawsEveryLevel) {
  Project project;
  constexpr int kDepth = 3000;
  for (int i = 0; i < kDepth; ++i) {
    std::vector<std::string> next;
    if (i + 1 < kDepth) next.push_back("deep:p" + std::to_string(i + 1) + "x ^1");
    project.lock("deep:p" + std::to_string(i) + "x@1.0.0", next);
  }
  project.require("deep:p0x", "^1");
  auto tree = project.tree();
  EXPECT_EQ(std::count(tree.begin(), tree.end(), '\n'), kDepth + 1);
}

TEST(LockGraphTest, ADependencyTheLockHasNoVersionForIsCorrupt) {
  Project project;
  project.lock("wasi:http@0.2.8", {"wasi:io ^0.3"});
  project.lock("wasi:io@0.2.8");
  project.require("wasi:http", "^0.2.8");
  auto graph = project.graph();
  ASSERT_FALSE(graph.has_value());
  EXPECT_EQ(graph.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(graph.error().message,
            "wasi:http 0.2.8 needs wasi:io ^0.3, and wreg.lock holds no such version; run `wreg "
            "update` to resolve again");
}

TEST(LockGraphTest, ALockBehindTheManifestSaysToFetch) {
  Project project = diamond();
  project.require("wasi:random", "^0.2.8");
  auto graph = project.graph();
  ASSERT_FALSE(graph.has_value());
  EXPECT_EQ(graph.error().code, ErrorCode::kConflict);
  EXPECT_EQ(graph.error().message,
            "wreg.lock does not cover wreg.toml: wasi:random ^0.2.8 is not locked; run `wreg "
            "fetch` to lock it");
}

}  // namespace
}  // namespace wreg::client
