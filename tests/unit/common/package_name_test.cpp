#include "common/package_name.h"

#include <gtest/gtest.h>

#include <unordered_set>

namespace wreg {
namespace {

TEST(PackageNameTest, ParsesValidNames) {
  for (std::string_view text :
       {"wasi:io", "toolsku:math-tools", "a:b", "x1:y2-z3", "wasi:http", "my-org:a1-b2-c3"}) {
    auto name = PackageName::parse(text);
    ASSERT_TRUE(name.has_value()) << text << ": " << name.error().message;
    EXPECT_EQ(name->to_string(), text);
  }
  auto name = *PackageName::parse("toolsku:math-tools");
  EXPECT_EQ(name.space(), "toolsku");
  EXPECT_EQ(name.name(), "math-tools");
}

TEST(PackageNameTest, RejectsNamingTheBrokenRule) {
  struct Case {
    std::string_view text;
    std::string_view says;
  };
  for (auto [text, says] : std::initializer_list<Case>{
           {"", "missing ':'"},
           {"wasi", "missing ':'"},
           {"wasi:io:streams", "more than one ':'"},
           {":io", "namespace is empty"},
           {"wasi:", "name is empty"},
           {"Wasi:io", "uppercase"},
           {"wasi:IO", "uppercase"},
           {"wasi:-io", "starts or ends with '-'"},
           {"wasi:io-", "starts or ends with '-'"},
           {"wasi:math--tools", "empty word"},
           {"wasi:1io", "starts with a digit"},
           {"wasi:io-2x", "starts with a digit"},
           {"wasi:i_o", "the character \"_\""},
           {"wasi:io/streams", "the character \"/\""},
           {"wasi:io@0.2.0", "the character \"@\""},
           {"wa si:io", "the character \" \""},
           {"wasi:i\xc3\xb6", "the character \"\\xc3\""},
           {"../../etc:passwd", "the character \".\""},
       }) {
    auto name = PackageName::parse(text);
    ASSERT_FALSE(name.has_value()) << text;
    EXPECT_EQ(name.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(name.error().message.find(says), std::string::npos)
        << text << " -> " << name.error().message;
  }
}

TEST(PackageNameTest, RefusesOverlongNames) {
  std::string text = "a:" + std::string(PackageName::kMaxLength, 'b');
  auto name = PackageName::parse(text);
  ASSERT_FALSE(name.has_value());
  EXPECT_NE(name.error().message.find("longer than 128"), std::string::npos);
}

TEST(PackageNameTest, OrdersAndHashesByText) {
  auto a = *PackageName::parse("wasi:clocks");
  auto b = *PackageName::parse("wasi:io");
  auto c = *PackageName::parse("wasi:io");
  EXPECT_LT(a, b);
  EXPECT_EQ(b, c);
  std::unordered_set<PackageName> set{a, b, c};
  EXPECT_EQ(set.size(), 2u);
}

TEST(PackageNameTest, ChecksLabelsOnTheirOwn) {
  EXPECT_TRUE(check_label("incoming-handler", "interface").has_value());
  auto bad = check_label("Handler", "interface");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message.rfind("interface \"Handler\"", 0), 0u) << bad.error().message;
}

}  // namespace
}  // namespace wreg
