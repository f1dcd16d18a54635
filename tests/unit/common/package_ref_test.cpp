#include "common/package_ref.h"

#include <gtest/gtest.h>

namespace wreg {
namespace {

TEST(PackageRefTest, ParsesEveryFormOfDesignTable) {
  struct Case {
    std::string_view text;
    std::string_view printed;
  };
  for (auto [text, printed] : std::initializer_list<Case>{
           {"toolsku:analytics", "toolsku:analytics"},
           {"toolsku:analytics@0.1.0", "toolsku:analytics@^0.1.0"},
           {"ns:name@=1.2.3", "ns:name@=1.2.3"},
           {"ns:name@^0.2", "ns:name@^0.2"},
           {"ns:name@~1.4", "ns:name@~1.4"},
           {"ns:name@>=1.0, <2.0", "ns:name@>=1.0, <2.0"},
           {"ns:name@*", "ns:name@*"},
       }) {
    auto ref = PackageRef::parse(text);
    ASSERT_TRUE(ref.has_value()) << text << ": " << ref.error().message;
    EXPECT_EQ(ref->to_string(), printed);
  }
}

TEST(PackageRefTest, BareVersionMeansCaret) {
  auto ref = *PackageRef::parse("toolsku:analytics@0.1.0");
  ASSERT_TRUE(ref.requirement.has_value());
  EXPECT_TRUE(ref.requirement->matches(*Version::parse("0.1.5")));
  EXPECT_FALSE(ref.requirement->matches(*Version::parse("0.2.0")));
  EXPECT_FALSE(PackageRef::parse("toolsku:analytics")->requirement.has_value());
}

TEST(PackageRefTest, RejectsBadReferencesWithTheInnerMessage) {
  struct Case {
    std::string_view text;
    std::string_view says;
  };
  for (auto [text, says] : std::initializer_list<Case>{
           {"toolsku", "missing ':'"},
           {"toolsku:analytics@", "nothing after '@'"},
           {"Toolsku:analytics@1.0", "uppercase"},
           {"toolsku:analytics@1.0@2.0", "not a version number"},
           {"toolsku:analytics@latest", "not a version number"},
       }) {
    auto ref = PackageRef::parse(text);
    ASSERT_FALSE(ref.has_value()) << text;
    EXPECT_NE(ref.error().message.find(says), std::string::npos)
        << text << " -> " << ref.error().message;
  }
}

TEST(PackageVersionTest, ParsesExactVersionsOnly) {
  auto release = PackageVersion::parse("wasi:io@0.2.8");
  ASSERT_TRUE(release.has_value());
  EXPECT_EQ(release->name.to_string(), "wasi:io");
  EXPECT_EQ(release->version.to_string(), "0.2.8");
  EXPECT_EQ(release->to_string(), "wasi:io@0.2.8");
  EXPECT_FALSE(PackageVersion::parse("wasi:io").has_value());
  EXPECT_FALSE(PackageVersion::parse("wasi:io@^0.2").has_value());
  EXPECT_FALSE(PackageVersion::parse("wasi:io@0.2").has_value());
}

}  // namespace
}  // namespace wreg
