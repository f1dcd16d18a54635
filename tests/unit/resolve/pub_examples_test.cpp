// One test per worked example in dart-lang/pub doc/solver.md ("Examples").
//
// Pub allows one version per package; wreg allows one per compatibility track (DESIGN.md), so
// pub's foo 1.x and foo 2.x may coexist here. Each example is therefore run twice: as written,
// where tracks change the answer (and the test says how), and mapped onto a single track, where
// wreg must reach pub's answer. The mapping writes pub's X.Y.0 as 1.X.Y and pub's ^X.0.0 as
// ~1.X.0, so that every version of a package sits on track 1.
#include <gtest/gtest.h>

#include "tests/unit/resolve/resolve_test_util.h"

namespace wreg::resolve {
namespace {

using testing::picks;
using testing::Registry;
using testing::root;

TEST(PubExamplesTest, NoConflicts) {
  Registry source;
  source.add("pub:foo@1.0.0", {"pub:bar@^1.0.0"});
  source.add("pub:bar@1.0.0");
  source.add("pub:bar@2.0.0");
  EXPECT_EQ(picks(solve(root({"pub:foo@^1.0.0"}), source)), "pub:bar 1.0.0, pub:foo 1.0.0");
}

TEST(PubExamplesTest, AvoidingConflictDuringDecisionMaking) {
  Registry source;
  source.add("pub:foo@1.1.0", {"pub:bar@^2.0.0"});
  source.add("pub:foo@1.0.0");
  for (auto v : {"1.0.0", "1.1.0", "2.0.0"}) source.add(std::string("pub:bar@") + v);
  // bar 1.x and bar 2.x coexist, so the newest foo is fine.
  EXPECT_EQ(picks(solve(root({"pub:foo@^1.0.0", "pub:bar@^1.0.0"}), source)),
            "pub:bar 1.1.0, pub:bar 2.0.0, pub:foo 1.1.0");

  Registry one_track;
  one_track.add("pub:foo@1.1.1", {"pub:bar@~1.2.0"});
  one_track.add("pub:foo@1.1.0");
  for (auto v : {"1.1.0", "1.1.1", "1.2.0"}) one_track.add(std::string("pub:bar@") + v);
  EXPECT_EQ(picks(solve(root({"pub:foo@~1.1.0", "pub:bar@~1.1.0"}), one_track)),
            "pub:bar 1.1.1, pub:foo 1.1.0");
}

TEST(PubExamplesTest, PerformingConflictResolution) {
  Registry source;
  source.add("pub:foo@2.0.0", {"pub:bar@^1.0.0"});
  source.add("pub:foo@1.0.0");
  source.add("pub:bar@1.0.0", {"pub:foo@^1.0.0"});
  // `>=1.0.0` spans tracks 1 and 2; foo 2.0.0's bar then brings in foo 1.0.0 beside it.
  EXPECT_EQ(picks(solve(root({"pub:foo@>=1.0.0"}), source)),
            "pub:bar 1.0.0, pub:foo 1.0.0, pub:foo 2.0.0");

  Registry one_track;
  one_track.add("pub:foo@1.2.0", {"pub:bar@~1.1.0"});
  one_track.add("pub:foo@1.1.0");
  one_track.add("pub:bar@1.1.0", {"pub:foo@~1.1.0"});
  EXPECT_EQ(picks(solve(root({"pub:foo@>=1.1.0"}), one_track)), "pub:foo 1.1.0");
}

TEST(PubExamplesTest, ConflictResolutionWithAPartialSatisfier) {
  Registry source;
  source.add("pub:foo@1.1.0", {"pub:left@^1.0.0", "pub:right@^1.0.0"});
  source.add("pub:foo@1.0.0");
  source.add("pub:left@1.0.0", {"pub:shared@>=1.0.0"});
  source.add("pub:right@1.0.0", {"pub:shared@<2.0.0"});
  source.add("pub:shared@2.0.0");
  source.add("pub:shared@1.0.0", {"pub:target@^1.0.0"});
  source.add("pub:target@2.0.0");
  source.add("pub:target@1.0.0");
  // left's `>=1.0.0` reuses the shared 1.x that right needs; target 1.x sits beside 2.x.
  EXPECT_EQ(picks(solve(root({"pub:foo@^1.0.0", "pub:target@^2.0.0"}), source)),
            "pub:foo 1.1.0, pub:left 1.0.0, pub:right 1.0.0, pub:shared 1.0.0, "
            "pub:target 1.0.0, pub:target 2.0.0");

  Registry one_track;
  one_track.add("pub:foo@1.1.1", {"pub:left@~1.1.0", "pub:right@~1.1.0"});
  one_track.add("pub:foo@1.1.0");
  one_track.add("pub:left@1.1.0", {"pub:shared@>=1.1.0"});
  one_track.add("pub:right@1.1.0", {"pub:shared@<1.2.0"});
  one_track.add("pub:shared@1.2.0");
  one_track.add("pub:shared@1.1.0", {"pub:target@~1.1.0"});
  one_track.add("pub:target@1.2.0");
  one_track.add("pub:target@1.1.0");
  EXPECT_EQ(picks(solve(root({"pub:foo@~1.1.0", "pub:target@~1.2.0"}), one_track)),
            "pub:foo 1.1.0, pub:target 1.2.0");
}

TEST(PubExamplesTest, LinearErrorReporting) {
  Registry source;
  source.add("pub:foo@1.0.0", {"pub:bar@^2.0.0"});
  source.add("pub:bar@2.0.0", {"pub:baz@^3.0.0"});
  source.add("pub:baz@1.0.0");
  source.add("pub:baz@3.0.0");
  EXPECT_EQ(picks(solve(root({"pub:foo@^1.0.0", "pub:baz@^1.0.0"}), source)),
            "pub:bar 2.0.0, pub:baz 1.0.0, pub:baz 3.0.0, pub:foo 1.0.0");

  Registry one_track;
  one_track.add("pub:foo@1.1.0", {"pub:bar@~1.2.0"});
  one_track.add("pub:bar@1.2.0", {"pub:baz@~1.3.0"});
  one_track.add("pub:baz@1.1.0");
  one_track.add("pub:baz@1.3.0");
  EXPECT_EQ(picks(solve(root({"pub:foo@~1.1.0", "pub:baz@~1.1.0"}), one_track)),
            "cannot resolve pub:baz:\n"
            "  you asked for pub:baz ~1.1.0\n"
            "  pub:foo 1.1.0 (you asked for ~1.1.0) needs pub:bar ~1.2.0\n"
            "  pub:bar 1.2.0 needs pub:baz ~1.3.0\n"
            "  no version satisfies both ~1.1.0 and ~1.3.0\n");
}

TEST(PubExamplesTest, BranchingErrorReporting) {
  Registry source;
  source.add("pub:foo@1.0.0", {"pub:a@^1.0.0", "pub:b@^1.0.0"});
  source.add("pub:foo@1.1.0", {"pub:x@^1.0.0", "pub:y@^1.0.0"});
  source.add("pub:a@1.0.0", {"pub:b@^2.0.0"});
  source.add("pub:b@1.0.0");
  source.add("pub:b@2.0.0");
  source.add("pub:x@1.0.0", {"pub:y@^2.0.0"});
  source.add("pub:y@1.0.0");
  source.add("pub:y@2.0.0");
  EXPECT_EQ(picks(solve(root({"pub:foo@^1.0.0"}), source)),
            "pub:foo 1.1.0, pub:x 1.0.0, pub:y 1.0.0, pub:y 2.0.0");

  Registry one_track;
  one_track.add("pub:foo@1.1.0", {"pub:a@~1.1.0", "pub:b@~1.1.0"});
  one_track.add("pub:foo@1.1.1", {"pub:x@~1.1.0", "pub:y@~1.1.0"});
  one_track.add("pub:a@1.1.0", {"pub:b@~1.2.0"});
  one_track.add("pub:b@1.1.0");
  one_track.add("pub:b@1.2.0");
  one_track.add("pub:x@1.1.0", {"pub:y@~1.2.0"});
  one_track.add("pub:y@1.1.0");
  one_track.add("pub:y@1.2.0");
  // Each version of foo fails for its own reason; each reason ends in its own clash.
  EXPECT_EQ(picks(solve(root({"pub:foo@~1.1.0"}), one_track)),
            "cannot resolve pub:foo:\n"
            "  pub:foo 1.1.0 (you asked for ~1.1.0) needs pub:b ~1.1.0\n"
            "  pub:foo 1.1.0 (you asked for ~1.1.0) needs pub:a ~1.1.0\n"
            "  pub:a 1.1.0 needs pub:b ~1.2.0\n"
            "  no version of pub:b satisfies both ~1.1.0 and ~1.2.0\n"
            "  pub:foo 1.1.1 (you asked for ~1.1.0) needs pub:x ~1.1.0\n"
            "  pub:foo 1.1.1 (you asked for ~1.1.0) needs pub:y ~1.1.0\n"
            "  pub:x 1.1.0 needs pub:y ~1.2.0\n"
            "  no version of pub:y satisfies both ~1.1.0 and ~1.2.0\n");
}

}  // namespace
}  // namespace wreg::resolve
