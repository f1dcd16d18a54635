#include "common/resolve/suggest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace wreg::resolve {
namespace {

TEST(EditDistanceTest, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
  struct Case {
    const char* a;
    const char* b;
    std::size_t distance;
  };
  const Case cases[] = {
      {"", "", 0},
      {"", "abc", 3},
      {"abc", "", 3},
      {"wasi:http", "wasi:http", 0},
      {"wasi:htp", "wasi:http", 1},    // insertion
      {"wasi:httpp", "wasi:http", 1},  // deletion
      {"wasi:htpp", "wasi:http", 1},   // substitution
      {"wasi:oi", "wasi:io", 1},       // adjacent swap
      {"ca", "abc", 3},                // optimal string alignment: no byte edited twice
      {"kitten", "sitting", 3},
      {"toolsku:analytics", "toolsku:math-tools", 8},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(edit_distance(c.a, c.b), c.distance) << c.a << " -> " << c.b;
    EXPECT_EQ(edit_distance(c.b, c.a), c.distance) << c.b << " -> " << c.a;
  }
}

// The whole table, as the definition reads: what the three rows edit_distance keeps must match.
std::size_t full_table_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

TEST(EditDistanceTest, MatchesTheFullTableOnRandomStrings) {
  std::mt19937 random(15);
  auto text = [&] {
    std::string out(random() % 12, ' ');
    for (char& c : out) c = static_cast<char>('a' + random() % 3);  // few letters: many swaps
    return out;
  };
  for (int round = 0; round < 2000; ++round) {
    std::string a = text();
    std::string b = text();
    ASSERT_EQ(edit_distance(a, b), full_table_distance(a, b)) << a << " -> " << b;
  }
}

TEST(EditDistanceTest, ComparesBytesOfAnyValue) {
  using namespace std::string_literals;
  EXPECT_EQ(edit_distance("a\0b"s, "a\0c"s), 1u);
  EXPECT_EQ(edit_distance("\xff\xfe", "\xfe\xff"), 1u);
}

TEST(TypoBoundTest, OnePerThreeBytesAndAtLeastTwo) {
  EXPECT_EQ(typo_bound(""), 2u);
  EXPECT_EQ(typo_bound("add"), 2u);
  EXPECT_EQ(typo_bound("wasi:http"), 3u);
  EXPECT_EQ(typo_bound("toolsku:math-tools"), 6u);
}

TEST(ClosestTest, SuggestsNearbyNamesClosestFirst) {
  const std::vector<std::string> names = {"wasi:http", "wasi:io", "wasi:cli", "toolsku:analytics"};
  EXPECT_EQ(closest("wasi:htpp", names, typo_bound("wasi:htpp")),
            (std::vector<std::string>{"wasi:http"}));
  // wasi:io is one swap away, wasi:cli two edits: both within the bound, closest first.
  EXPECT_EQ(closest("wasi:oi", names, typo_bound("wasi:oi")),
            (std::vector<std::string>{"wasi:io", "wasi:cli"}));
  EXPECT_EQ(closest("wasi:oi", names, 1), (std::vector<std::string>{"wasi:io"}));
  EXPECT_TRUE(closest("completely:different", names, typo_bound("completely:different")).empty());
}

TEST(ClosestTest, NeverOffersTheNameItselfAndOffersEachOnce) {
  const std::vector<std::string> names = {"publish", "publish", "fetch", "publsih"};
  EXPECT_EQ(closest("publish", names, 2), (std::vector<std::string>{"publsih"}));
  EXPECT_EQ(closest("publis", names, 2), (std::vector<std::string>{"publish", "publsih"}));
}

TEST(ClosestTest, TiesGoInByteOrderAndResultsAreCapped) {
  const std::vector<std::string> names = {"add-d", "add-c", "add-b", "add-a", "add"};
  EXPECT_EQ(closest("add-x", names, 1, 3), (std::vector<std::string>{"add-a", "add-b", "add-c"}));
  EXPECT_EQ(closest("add-x", names, 2, 1), (std::vector<std::string>{"add-a"}));
  EXPECT_TRUE(closest("add-x", names, 0).empty());
  EXPECT_TRUE(closest("add-x", names, 2, 0).empty());
}

// Candidates come from a registry's listing: a hostile one may send names of any length or
// bytes. A candidate whose length alone puts it out of reach is skipped without being aligned.
TEST(ClosestTest, HostileCandidatesAreSafe) {
  using namespace std::string_literals;
  const std::vector<std::string> names = {
      std::string(1 << 20, 'a'), "", "\0\0\0"s, "wasi:h\xfftp", std::string(1, '\n'),
  };
  EXPECT_EQ(closest("wasi:http", names, typo_bound("wasi:http")),
            (std::vector<std::string>{"wasi:h\xfftp"}));
  EXPECT_EQ(closest("", names, 3), (std::vector<std::string>{std::string(1, '\n'), "\0\0\0"s}));
}

TEST(DidYouMeanTest, JoinsOneTwoOrThreeNames) {
  EXPECT_EQ(did_you_mean({}), "");
  EXPECT_EQ(did_you_mean({"wasi:http"}), "did you mean wasi:http?");
  EXPECT_EQ(did_you_mean({"wasi:io", "wasi:cli"}), "did you mean wasi:io or wasi:cli?");
  EXPECT_EQ(did_you_mean({"a", "b", "c"}), "did you mean a, b or c?");
}

TEST(SuggestTest, OffersOnlyWhatATypoOfTheNameCouldBe) {
  const std::vector<std::string> names = {"wasi:http", "wasi:io", "wasi:cli", "tools:math"};
  EXPECT_EQ(suggest("wasi:htpp", names), "did you mean wasi:http?");
  EXPECT_EQ(suggest("wasi:oi", names), "did you mean wasi:io or wasi:cli?");
  EXPECT_EQ(suggest("completely:different", names), "");
  EXPECT_EQ(suggest("wasi:http", {"wasi:http"}), "");
}

}  // namespace
}  // namespace wreg::resolve
