#include "common/version.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace wreg {
namespace {

Version v(std::string_view text) {
  auto parsed = Version::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message;
  return parsed ? *parsed : Version{};
}

TEST(VersionTest, ParsesAndPrintsValidVersions) {
  for (std::string_view text : {"0.0.0",
                                "1.2.3",
                                "10.20.30",
                                "1.1.2-prerelease+meta",
                                "1.0.0-alpha",
                                "1.0.0-alpha.beta",
                                "1.0.0-alpha.1",
                                "1.0.0-alpha0.valid",
                                "1.0.0-alpha.0valid",
                                "1.0.0-rc.1+build.1",
                                "2.0.0-rc.1+build.123",
                                "1.2.3-beta",
                                "10.2.3-DEV-SNAPSHOT",
                                "1.2.3-SNAPSHOT-123",
                                "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
                                "1.0.0-0A.is.legal",
                                "1.0.0+build.05",
                                "18446744073709551615.0.0",
                                "0.2.0-rc-2023-12-05",
                                "1.0.0--"}) {
    auto parsed = Version::parse(text);
    ASSERT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->to_string(), text);
  }
}

TEST(VersionTest, ExposesItsParts) {
  Version version = v("1.2.3-rc.4+b.5");
  EXPECT_EQ(version.major(), 1u);
  EXPECT_EQ(version.minor(), 2u);
  EXPECT_EQ(version.patch(), 3u);
  ASSERT_EQ(version.prerelease().size(), 2u);
  EXPECT_EQ(version.prerelease()[0].to_string(), "rc");
  EXPECT_TRUE(version.prerelease()[1].is_numeric());
  EXPECT_EQ(version.build(), (std::vector<std::string>{"b", "5"}));
  EXPECT_TRUE(version.is_prerelease());
}

TEST(VersionTest, RejectsInvalidTextNamingTheRule) {
  struct Case {
    std::string_view text;
    std::string_view says;
  };
  for (auto [text, says] : std::initializer_list<Case>{
           {"", "empty"},
           {"1", "three numbers"},
           {"1.2", "three numbers"},
           {"1.2.3.4", "three numbers"},
           {"01.2.3", "leading zero"},
           {"1.02.3", "leading zero"},
           {"1.2.03", "leading zero"},
           {"1.2.3-01", "leading zero"},
           {"1.2.3-alpha..1", "empty pre-release"},
           {"1.2.3-", "empty pre-release"},
           {"1.2.3+", "empty build"},
           {"1.2.3+a..b", "empty build"},
           {"1.2.3-al$pha", "only ASCII letters"},
           {"1.2.3+b_1", "only ASCII letters"},
           {"v1.2.3", "not a number"},
           {"1.2.x", "not a number"},
           {" 1.2.3", "not a number"},
           {"1.2.-3", "empty"},
           {"18446744073709551616.0.0", "too large"},
           {"1.2.3-99999999999999999999", "too large"},
           {"1..3", "empty"},
       }) {
    auto parsed = Version::parse(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find(says), std::string::npos)
        << text << " -> " << parsed.error().message;
    EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos);
  }
}

TEST(VersionTest, RefusesOverlongText) {
  std::string text = "1.2.3-" + std::string(Version::kMaxLength, 'a');
  auto parsed = Version::parse(text);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("longer than"), std::string::npos);
}

TEST(VersionTest, PrecedenceFollowsTheSpecChain) {
  // semver.org §11.4's own example, shuffled and sorted back.
  std::vector<std::string_view> chain = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                                         "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                                         "1.0.0-rc.1",  "1.0.0"};
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    EXPECT_LT(v(chain[i]), v(chain[i + 1])) << chain[i] << " < " << chain[i + 1];
    EXPECT_GT(v(chain[i + 1]), v(chain[i]));
  }
  std::vector<Version> shuffled;
  for (auto text : chain) shuffled.push_back(v(text));
  std::mt19937 random(7);
  std::shuffle(shuffled.begin(), shuffled.end(), random);
  std::sort(shuffled.begin(), shuffled.end());
  for (std::size_t i = 0; i < chain.size(); ++i) EXPECT_EQ(shuffled[i].to_string(), chain[i]);
}

TEST(VersionTest, ComparesNumbersNumerically) {
  EXPECT_LT(v("1.9.0"), v("1.10.0"));
  EXPECT_LT(v("1.0.9"), v("1.0.10"));
  EXPECT_LT(v("9.0.0"), v("10.0.0"));
  EXPECT_LT(v("1.0.0-2"), v("1.0.0-10"));
  EXPECT_LT(v("1.0.0-9"), v("1.0.0-a"));  // numeric identifiers sort before words
}

TEST(VersionTest, BuildMetadataNeverDecidesPrecedence) {
  EXPECT_EQ(Version::precedence(v("1.0.0+a"), v("1.0.0+b")), std::strong_ordering::equal);
  EXPECT_EQ(Version::precedence(v("1.0.0+zzz"), v("1.0.0")), std::strong_ordering::equal);
  EXPECT_LT(v("1.0.0+zzz"), v("1.0.1+aaa"));
  EXPECT_NE(v("1.0.0+a"), v("1.0.0+b"));  // but they are distinct values
  EXPECT_EQ(v("1.0.0+a"), v("1.0.0+a"));
}

TEST(VersionTest, TrackIsLeftmostNonZeroPart) {
  struct Case {
    std::string_view version;
    std::string_view track;
  };
  for (auto [version, track] : std::initializer_list<Case>{{"1.4.2", "1"},
                                                           {"2.0.0", "2"},
                                                           {"0.2.9", "0.2"},
                                                           {"0.3.0-rc.1", "0.3"},
                                                           {"0.0.3", "0.0.3"},
                                                           {"0.0.0", "0.0.0"}}) {
    EXPECT_EQ(v(version).track().to_string(), track) << version;
  }
  EXPECT_TRUE(is_compatible(v("1.0.0"), v("1.9.3")));
  EXPECT_TRUE(is_compatible(v("0.2.0"), v("0.2.8")));
  EXPECT_FALSE(is_compatible(v("0.2.8"), v("0.3.0")));
  EXPECT_FALSE(is_compatible(v("0.0.3"), v("0.0.4")));
  EXPECT_FALSE(is_compatible(v("1.0.0"), v("2.0.0")));
}

}  // namespace
}  // namespace wreg
