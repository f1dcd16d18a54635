#include "common/version_req.h"

#include <gtest/gtest.h>

namespace wreg {
namespace {

VersionReq req(std::string_view text) {
  auto parsed = VersionReq::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message;
  return parsed ? *parsed : VersionReq{};
}

bool matches(std::string_view requirement, std::string_view version) {
  auto parsed = Version::parse(version);
  EXPECT_TRUE(parsed.has_value()) << version;
  return req(requirement).matches(*parsed);
}

struct Bounds {
  std::string_view requirement;
  std::vector<std::string_view> inside;
  std::vector<std::string_view> outside;
};

void expect_bounds(const std::vector<Bounds>& table) {
  for (const auto& row : table) {
    for (auto version : row.inside) {
      EXPECT_TRUE(matches(row.requirement, version))
          << row.requirement << " should match " << version;
    }
    for (auto version : row.outside) {
      EXPECT_FALSE(matches(row.requirement, version))
          << row.requirement << " should not match " << version;
    }
  }
}

// Cargo's "Specifying Dependencies": caret requirements.
TEST(VersionReqTest, CaretFollowsCargoTable) {
  expect_bounds({
      {"^1.2.3", {"1.2.3", "1.2.4", "1.9.0"}, {"1.2.2", "2.0.0", "0.9.9"}},
      {"^1.2", {"1.2.0", "1.99.0"}, {"1.1.9", "2.0.0"}},
      {"^1", {"1.0.0", "1.9.9"}, {"0.9.0", "2.0.0"}},
      {"^0.2.3", {"0.2.3", "0.2.9"}, {"0.2.2", "0.3.0"}},
      {"^0.2", {"0.2.0", "0.2.99"}, {"0.1.9", "0.3.0"}},
      {"^0.0.3", {"0.0.3"}, {"0.0.2", "0.0.4"}},
      {"^0.0", {"0.0.0", "0.0.9"}, {"0.1.0"}},
      {"^0", {"0.0.0", "0.9.9"}, {"1.0.0"}},
      {"1.2.3", {"1.2.3", "1.5.0"}, {"2.0.0", "1.2.2"}},  // bare means caret
  });
}

TEST(VersionReqTest, TildeFollowsCargoTable) {
  expect_bounds({
      {"~1.2.3", {"1.2.3", "1.2.9"}, {"1.2.2", "1.3.0"}},
      {"~1.2", {"1.2.0", "1.2.9"}, {"1.1.9", "1.3.0"}},
      {"~1", {"1.0.0", "1.9.9"}, {"0.9.9", "2.0.0"}},
      {"~0.2.1", {"0.2.1", "0.2.5"}, {"0.2.0", "0.3.0"}},
  });
}

TEST(VersionReqTest, WildcardsFollowCargoTable) {
  expect_bounds({
      {"*", {"0.0.0", "1.0.0", "99.0.0"}, {"1.0.0-rc.1"}},
      {"1.*", {"1.0.0", "1.9.9"}, {"0.9.9", "2.0.0"}},
      {"1.2.*", {"1.2.0", "1.2.9"}, {"1.1.9", "1.3.0"}},
      {"1.x", {"1.0.0", "1.5.0"}, {"2.0.0"}},
      {"1.2.X", {"1.2.3"}, {"1.3.0"}},
      {"=1.*", {"1.3.0"}, {"2.0.0"}},
  });
}

TEST(VersionReqTest, ComparisonsAndRangesFollowCargoTable) {
  expect_bounds({
      {">= 1.2.0", {"1.2.0", "5.0.0"}, {"1.1.9"}},
      {"> 1", {"2.0.0"}, {"1.0.0", "1.9.9"}},
      {"< 2", {"1.9.9", "0.0.0"}, {"2.0.0"}},
      {"= 1.2.3", {"1.2.3", "1.2.3+build"}, {"1.2.4"}},
      {"=1.2", {"1.2.0", "1.2.7"}, {"1.3.0"}},
      {">=1.2, <1.5", {"1.2.0", "1.4.9"}, {"1.5.0", "1.1.0"}},
      {">1.2.3", {"1.2.4"}, {"1.2.3"}},
      {"<=1.2", {"1.2.9", "1.0.0"}, {"1.3.0"}},
      {"<1.2.3", {"1.2.2"}, {"1.2.3"}},
      {">=1.0, <2.0", {"1.0.0", "1.99.0"}, {"2.0.0", "0.9.0"}},
  });
}

TEST(VersionReqTest, PrereleaseNeedsAComparatorNamingTheSameRelease) {
  expect_bounds({
      {">=1.0.0-rc.1",
       {"1.0.0-rc.1", "1.0.0-rc.2", "1.0.0", "1.1.0"},
       {"1.1.0-rc.1", "1.0.0-beta"}},
      {"^0.3.0-rc.1", {"0.3.0-rc.1", "0.3.0-rc.2", "0.3.0", "0.3.5"}, {"0.3.1-rc.1", "0.4.0"}},
      {"^0.2", {"0.2.0"}, {"0.2.1-rc.1", "0.2.0-rc.1"}},
      {"=0.2.0-rc-2023-12-05", {"0.2.0-rc-2023-12-05"}, {"0.2.0-rc-2023-11-10", "0.2.0"}},
      {"<1.0.0", {"0.9.0"}, {"1.0.0-rc.1"}},
      {"~1.2.3-beta",
       {"1.2.3-beta", "1.2.3-beta.2", "1.2.3", "1.2.4"},
       {"1.2.3-alpha", "1.2.4-beta"}},
  });
}

TEST(VersionReqTest, PrintsCanonically) {
  struct Case {
    std::string_view text;
    std::string_view printed;
  };
  for (auto [text, printed] : std::initializer_list<Case>{
           {"1.2.3", "^1.2.3"},
           {"  ^0.2  ", "^0.2"},
           {"~1", "~1"},
           {">= 1.0 ,<2.0", ">=1.0, <2.0"},
           {"*", "*"},
           {"1.*", "1.*"},
           {"1.2.x", "1.2.*"},
           {"=1.0.0-rc.1", "=1.0.0-rc.1"},
       }) {
    EXPECT_EQ(req(text).to_string(), printed) << text;
    EXPECT_EQ(req(req(text).to_string()), req(text)) << "round trip of " << text;
  }
}

TEST(VersionReqTest, BuildsExactAndCaretFromAVersion) {
  auto version = *Version::parse("0.2.8");
  EXPECT_EQ(VersionReq::exactly(version).to_string(), "=0.2.8");
  EXPECT_EQ(VersionReq::caret(version).to_string(), "^0.2.8");
  EXPECT_TRUE(VersionReq::exactly(version).matches(version));
  EXPECT_FALSE(VersionReq::exactly(version).matches(*Version::parse("0.2.9")));
  EXPECT_TRUE(VersionReq{}.is_any());
}

TEST(VersionReqTest, RejectsInvalidRequirementsNamingTheProblem) {
  struct Case {
    std::string_view text;
    std::string_view says;
  };
  for (auto [text, says] : std::initializer_list<Case>{
           {"", "empty"},
           {"   ", "empty"},
           {"^", "has no version"},
           {">=", "has no version"},
           {"1.2.3.4", "more than three"},
           {"01.2", "not a version number"},
           {"a.b.c", "not a version number"},
           {"1.2,", "empty comparator"},
           {",1.2", "empty comparator"},
           {">=1.0 <2.0", "separate comparators with ','"},
           {">=1.*", "cannot follow an operator"},
           {"*.1", "stands alone"},
           {"1.*.3", "number after a wildcard"},
           {"1.2-rc.1", "full major.minor.patch"},
           {"1.2.3+build", "build metadata"},
           {"1.2.3-", "empty pre-release"},
           {"==1.0", "not a version number"},
           {"99999999999999999999", "not a version number"},
           {"^1.0\x01", "not a version number"},
       }) {
    auto parsed = VersionReq::parse(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find(says), std::string::npos)
        << text << " -> " << parsed.error().message;
  }
}

TEST(VersionReqTest, RefusesOverlongText) {
  std::string text;
  while (text.size() <= VersionReq::kMaxLength) text += ">=1.0.0, ";
  auto parsed = VersionReq::parse(text);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("longer than"), std::string::npos);
}

TEST(VersionReqTest, RefusesTextWhoseCanonicalFormIsOverlong) {
  // Every accepted requirement prints to text that parses back: "1,1,..." is under the limit,
  // "^1, ^1, ..." is not.
  std::string text = "1";
  while (text.size() + 2 <= VersionReq::kMaxLength) text += ",1";
  ASSERT_LE(text.size(), VersionReq::kMaxLength);
  auto parsed = VersionReq::parse(text);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("once written out"), std::string::npos);
}

}  // namespace
}  // namespace wreg
