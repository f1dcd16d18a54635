#include "common/wasm/extern_name.h"

#include <gtest/gtest.h>

#include <tuple>

namespace wreg::wasm {
namespace {

TEST(ExternNameTest, SplitsInterfaceNamesIntoPackageAndItem) {
  struct Case {
    const char* name;
    const char* suffix;
    const char* package;  // null: a plain name
    const char* item;
  };
  const Case cases[] = {
      {"wasi:io/streams@0.2.8", "", "wasi:io@0.2.8", "streams"},
      {"wasi:http/types@0.2.0-rc-2023-12-05", "", "wasi:http@0.2.0-rc-2023-12-05", "types"},
      {"local:demo/types", "", "local:demo", "types"},
      {"wasi:http/types@0.2", ".6", "wasi:http@0.2.6", "types"},
      {"wasi:http/types@0.2", "", "wasi:http@0.2.0", "types"},
      {"my:pkg/api@1", ".4.2-rc.1", "my:pkg@1.4.2-rc.1", "api"},
      {"my:pkg/HTTP-api", "", "my:pkg", "HTTP-api"},
      {"log", "", nullptr, nullptr},
      {"[method]file.read", "", nullptr, nullptr},
      {"a:b:c/d", "", nullptr, nullptr},  // 🪺 nested namespace
      {"a:b/c/d", "", nullptr, nullptr},  // 🪺 nested projection
  };
  for (const Case& c : cases) {
    auto parsed = parse_interface_name(c.name, c.suffix);
    ASSERT_TRUE(parsed.has_value()) << c.name << ": " << parsed.error().message;
    if (c.package == nullptr) {
      EXPECT_FALSE(parsed->has_value()) << c.name;
      continue;
    }
    ASSERT_TRUE(parsed->has_value()) << c.name;
    EXPECT_EQ((*parsed)->package.to_string(), c.package);
    EXPECT_EQ((*parsed)->item, c.item);
  }
}

TEST(ExternNameTest, ToStringWritesTheNameWithItsFullVersion) {
  for (const auto& [name, suffix, text] :
       {std::tuple{"wasi:io/streams@0.2.8", "", "wasi:io/streams@0.2.8"},
        std::tuple{"local:demo/types", "", "local:demo/types"},
        std::tuple{"wasi:http/types@0.2", "", "wasi:http/types@0.2.0"},
        std::tuple{"wasi:http/types@0.2", ".6", "wasi:http/types@0.2.6"},
        std::tuple{"my:pkg/api@1.0.0+build.5", "", "my:pkg/api@1.0.0+build.5"}}) {
    auto parsed = parse_interface_name(name, suffix);
    ASSERT_TRUE(parsed && *parsed) << name;
    EXPECT_EQ((*parsed)->to_string(), text);
  }
}

TEST(ExternNameTest, RefusesMalformedInterfaceNames) {
  struct Case {
    const char* name;
    const char* suffix;
    const char* why;
  };
  const Case cases[] = {
      {"wasi:io", "", "missing '/' before the item"},
      {"wasi:io/streams@1.0", "", "invalid version \"1.0\""},
      {"wasi:io/streams@0.2.8", ".1", "a versionsuffix attribute needs a canonical version"},
      {"wasi:io/streams", ".1", "a versionsuffix attribute needs a version in the name"},
      {"Wasi:io/streams", "", "uppercase"},
      {"wasi:io/-streams", "", "is not a kebab-case label"},
      {"wasi:io/", "", "is not a kebab-case label"},
      {"wasi/io:x", "", "'/' before ':'"},
  };
  for (const Case& c : cases) {
    auto parsed = parse_interface_name(c.name, c.suffix);
    ASSERT_FALSE(parsed.has_value()) << c.name;
    EXPECT_NE(parsed.error().message.find(c.why), std::string::npos) << parsed.error().message;
  }
}

TEST(ExternNameTest, LabelsAllowAcronymFragments) {
  EXPECT_TRUE(is_label("http-API-v2"));
  EXPECT_TRUE(is_label("URL"));
  EXPECT_FALSE(is_label("Url"));
  EXPECT_FALSE(is_label("2fa"));
  EXPECT_FALSE(is_label("a--b"));
  EXPECT_FALSE(is_label(""));
}

}  // namespace
}  // namespace wreg::wasm
