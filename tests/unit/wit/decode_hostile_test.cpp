// The decoder on binaries made to hurt it: types nested past the bound, indices that name nothing,
// names that would break a line. Each is refused in one line or printed escaped, never a crash.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/wit/wit_text.h"

namespace wreg::wit {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put_u32(Bytes& out, std::uint32_t value) {
  do {
    std::uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(byte);
  } while (value != 0);
}

// A non-negative s33 (a type index in a value type).
void put_index(Bytes& out, std::uint32_t value) {
  while (true) {
    const std::uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value == 0 && (byte & 0x40) == 0) {
      out.push_back(byte);
      return;
    }
    out.push_back(byte | 0x80);
  }
}

void put_name(Bytes& out, const std::string& name) {
  put_u32(out, static_cast<std::uint32_t>(name.size()));
  out.insert(out.end(), name.begin(), name.end());
}

void put_section(Bytes& out, std::uint8_t id, const Bytes& body) {
  out.push_back(id);
  put_u32(out, static_cast<std::uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
}

// A component that imports function `name` taking `x: list<list<...<string>>>`, `depth` lists
// deep, and whose import names function type `func_index` (normally the last type).
Bytes component_with_nested_lists(int depth, const std::string& name, int func_index = -1) {
  Bytes types;
  put_u32(types, static_cast<std::uint32_t>(depth + 1));
  types.push_back(0x70);  // list
  types.push_back(0x73);  // string
  for (int i = 1; i < depth; ++i) {
    types.push_back(0x70);
    put_index(types, static_cast<std::uint32_t>(i - 1));
  }
  types.push_back(0x40);  // func
  put_u32(types, 1);
  put_name(types, "x");
  put_index(types, static_cast<std::uint32_t>(depth - 1));
  types.push_back(0x01);  // no result
  types.push_back(0x00);
  Bytes imports;
  put_u32(imports, 1);
  imports.push_back(0x00);
  put_name(imports, name);
  imports.push_back(0x01);  // func
  put_u32(imports, static_cast<std::uint32_t>(func_index < 0 ? depth : func_index));
  Bytes out{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
  put_section(out, 0x07, types);
  put_section(out, 0x0a, imports);
  return out;
}

TEST(DecodeHostile, types_nested_within_the_bound_print) {
  auto text = wit_text(component_with_nested_lists(3, "f"));
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(listing(*text),
            "package root:component;\n\nworld root {\n  import f: func(x: "
            "list<list<list<string>>>);\n}\n\n");
}

TEST(DecodeHostile, types_nested_past_the_bound_are_refused_in_one_line) {
  auto text = wit_text(component_with_nested_lists(2000, "f"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message,
            "cannot show this binary as WIT: types nested deeper than 500 levels");
}

TEST(DecodeHostile, an_index_that_names_nothing_is_refused) {
  auto text = wit_text(component_with_nested_lists(2, "f", 7));
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("type index 7 is out of range"), std::string::npos)
      << text.error().message;
  EXPECT_EQ(text.error().message.find('\n'), std::string::npos);
}

TEST(DecodeHostile, a_name_that_is_no_wit_name_is_refused_escaped) {
  auto text = wit_text(component_with_nested_lists(1, "f\nimport evil: func();"));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message.find('\n'), std::string::npos) << text.error().message;
  EXPECT_NE(text.error().message.find("\\x0a"), std::string::npos) << text.error().message;
}

}  // namespace
}  // namespace wreg::wit
