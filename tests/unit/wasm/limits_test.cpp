// The reader's limits (common/wasm/limits.h) on hand-built binaries: each limit is reached and
// accepted, then passed by one and refused with a message that names it. These are the shapes
// of the amplification uploads (a million imports, a hundred thousand dependencies).
#include "common/wasm/limits.h"

#include <gtest/gtest.h>

#include <string>

#include "common/wasm/reader.h"
#include "tests/unit/wasm/wasm_builder.h"

namespace wreg::wasm {
namespace {

using testing::Bytes;
using testing::component_preamble;
using testing::extern_name;

constexpr std::uint8_t kType = 7, kImport = 10, kExport = 11;

std::string error_of(const Bytes& bytes) {
  auto info = read_component(bytes);
  if (info.has_value()) return "(accepted as " + std::string(to_string(info->kind)) + ")";
  return info.error().message;
}

// A component importing `count` funcs `f0`, `f1`, ... of type 0 (`func()`).
Bytes importing_funcs(std::size_t count) {
  Bytes imports;
  imports.u32(static_cast<std::uint32_t>(count));
  for (std::size_t i = 0; i < count; ++i) {
    imports.append(extern_name("f" + std::to_string(i))).raw({0x01, 0x00});
  }
  return component_preamble()
      .section(kType, Bytes().u32(1).raw({0x40, 0x00, 0x01, 0x00}))
      .section(kImport, imports);
}

// A component exporting type 0 (`func()`) `count` times, as `t0`, `t1`, ...
Bytes exporting_types(std::size_t count) {
  Bytes exports;
  exports.u32(static_cast<std::uint32_t>(count));
  for (std::size_t i = 0; i < count; ++i) {
    exports.append(extern_name("t" + std::to_string(i))).raw({0x03, 0x00, 0x00});
  }
  return component_preamble()
      .section(kType, Bytes().u32(1).raw({0x40, 0x00, 0x01, 0x00}))
      .section(kExport, exports);
}

// A WIT package `local:demo@1.0.0` whose one interface imports an instance from each of
// `dependencies` packages `d0:p@1.0.0`, `d1:p@1.0.0`, ...
Bytes wit_package_depending_on(std::size_t dependencies) {
  Bytes decls;
  decls.u32(static_cast<std::uint32_t>(2 + dependencies));
  decls.raw({0x01, 0x42, 0x00});  // type 0: (instance)
  for (std::size_t i = 0; i < dependencies; ++i) {
    decls.u8(0x03).append(extern_name("d" + std::to_string(i) + ":p/i@1.0.0")).raw({0x05, 0x00});
  }
  decls.u8(0x04).append(extern_name("local:demo/types@1.0.0")).raw({0x05, 0x00});
  return component_preamble()
      .section(kType, Bytes().u32(1).u8(0x41).append(decls))
      .section(kExport, Bytes().u32(1).append(extern_name("types")).raw({0x03, 0x00, 0x00}));
}

// An instance type declaring `count` exported funcs: `count` declarations inside a type.
Bytes instance_type_declaring(std::size_t count) {
  Bytes decls;
  decls.u32(static_cast<std::uint32_t>(1 + count));
  decls.raw({0x01, 0x40, 0x00, 0x01, 0x00});  // type 0: func()
  for (std::size_t i = 0; i < count; ++i) {
    decls.u8(0x04).append(extern_name("f" + std::to_string(i))).raw({0x01, 0x00});
  }
  return component_preamble().section(kType, Bytes().u32(1).u8(0x42).append(decls));
}

// A component importing `f`, a func taking one string labelled `label`: its signature text is
// `func(<label>: string)`.
Bytes importing_func_labelled(const std::string& label) {
  Bytes type;
  type.u32(1).u8(0x40).u32(1).name(label).u8(0x73).raw({0x01, 0x00});
  return component_preamble()
      .section(kType, type)
      .section(kImport, Bytes().u32(1).append(extern_name("f")).raw({0x01, 0x00}));
}

TEST(ReaderLimitsTest, ASignatureTextPastItsLimitIsLeftOutNotRefused) {
  const std::size_t around = std::string_view("func(: string)").size();
  auto at_limit =
      read_component(importing_func_labelled(std::string(kMaxSignatureText - around, 'a')));
  ASSERT_TRUE(at_limit.has_value()) << at_limit.error().message;
  ASSERT_EQ(at_limit->imports.size(), 1u);
  EXPECT_EQ(at_limit->imports[0].type.size(), kMaxSignatureText);

  auto past =
      read_component(importing_func_labelled(std::string(kMaxSignatureText - around + 1, 'a')));
  ASSERT_TRUE(past.has_value()) << past.error().message;
  ASSERT_EQ(past->imports.size(), 1u);
  EXPECT_EQ(past->imports[0].type, "");
}

TEST(ReaderLimitsTest, ImportsUpToTheLimitAreReadAndOneMoreIsRefused) {
  auto at_limit = read_component(importing_funcs(kMaxImports));
  ASSERT_TRUE(at_limit.has_value()) << at_limit.error().message;
  EXPECT_EQ(at_limit->imports.size(), kMaxImports);
  EXPECT_EQ(error_of(importing_funcs(kMaxImports + 1)),
            "invalid component: a component's number of imports (1001) is past wreg's limit of "
            "1000 (README.md, \"Limits\") at offset 18");
}

TEST(ReaderLimitsTest, AMillionImportsAreRefusedBeforeAnyIsRead) {
  // The bytes of a million three-byte imports follow, but the refusal comes from the count.
  Bytes imports = Bytes().u32(1'000'000);
  for (int i = 0; i < 1'000'000; ++i) imports.raw({0x00, 0x00, 0x00});
  Bytes bytes = component_preamble().section(kImport, imports);
  EXPECT_NE(error_of(bytes).find("number of imports (1000000) is past wreg's limit of 1000"),
            std::string::npos)
      << error_of(bytes);
}

TEST(ReaderLimitsTest, ExportsUpToTheLimitAreReadAndOneMoreIsRefused) {
  auto at_limit = read_component(exporting_types(kMaxExports));
  ASSERT_TRUE(at_limit.has_value()) << at_limit.error().message;
  EXPECT_EQ(at_limit->exports.size(), kMaxExports);
  EXPECT_NE(error_of(exporting_types(kMaxExports + 1))
                .find("a component's number of exports (1001) is past wreg's limit of 1000"),
            std::string::npos);
}

TEST(ReaderLimitsTest, DependenciesUpToTheLimitAreReadAndOneMoreIsRefused) {
  auto at_limit = read_component(wit_package_depending_on(kMaxDependencies));
  ASSERT_TRUE(at_limit.has_value()) << at_limit.error().message;
  EXPECT_EQ(at_limit->kind, BinaryKind::kWitPackage);
  EXPECT_EQ(at_limit->dependencies.size(), kMaxDependencies);
  EXPECT_EQ(error_of(wit_package_depending_on(kMaxDependencies + 1)),
            "invalid WIT package: its number of dependencies (101 packages) is past wreg's limit "
            "of 100 (README.md, \"Limits\")");
}

TEST(ReaderLimitsTest, DeclarationsInTypesUpToTheLimitAreReadAndOneMoreIsRefused) {
  EXPECT_TRUE(read_component(instance_type_declaring(kMaxTypeDeclarations)).has_value());
  EXPECT_NE(error_of(instance_type_declaring(kMaxTypeDeclarations + 1))
                .find("the number of imports and exports declared in types is past wreg's "
                      "limit of 50000"),
            std::string::npos);
}

TEST(ReaderLimitsTest, DeclarationsOfNestedComponentsCountTogether) {
  constexpr std::uint8_t kComponent = 4;
  const Bytes three_fifths = instance_type_declaring(kMaxTypeDeclarations * 3 / 5);
  EXPECT_TRUE(read_component(component_preamble().section(kComponent, three_fifths)).has_value());
  EXPECT_NE(
      error_of(
          component_preamble().section(kComponent, three_fifths).section(kComponent, three_fifths))
          .find("declared in types is past wreg's limit"),
      std::string::npos);
}

TEST(ReaderLimitsTest, TypesUpToTheLimitAreReadAndOneMoreIsRefused) {
  Bytes many_types;
  many_types.u32(static_cast<std::uint32_t>(kMaxTypes + 1));
  for (std::size_t i = 0; i <= kMaxTypes; ++i) many_types.raw({0x40, 0x00, 0x01, 0x00});
  EXPECT_NE(error_of(component_preamble().section(kType, many_types))
                .find("the number of types is past wreg's limit of 100000"),
            std::string::npos);
  Bytes just_enough;
  just_enough.u32(static_cast<std::uint32_t>(kMaxTypes));
  for (std::size_t i = 0; i < kMaxTypes; ++i) just_enough.raw({0x40, 0x00, 0x01, 0x00});
  EXPECT_TRUE(read_component(component_preamble().section(kType, just_enough)).has_value());
}

TEST(ReaderLimitsTest, MetadataTextPastTheLimitIsRefusedNotStored) {
  const std::string at_limit(kMaxMetadataText, 'd');
  Bytes accepted;
  for (char c : at_limit) accepted.u8(static_cast<std::uint8_t>(c));
  auto info = read_component(component_preamble().custom("description", accepted));
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->metadata.description, at_limit);
  EXPECT_EQ(error_of(component_preamble().custom("description", accepted.append(Bytes{'!'}))),
            "invalid component: the description custom section (16385 bytes) is past wreg's "
            "limit of 16384 (README.md, \"Limits\") at offset 24");
}

TEST(ReaderLimitsTest, ProducerValuesPastTheLimitAreRefused) {
  Bytes producers;
  producers.u32(1).name("language").u32(static_cast<std::uint32_t>(kMaxProducerValues));
  for (std::size_t i = 0; i < kMaxProducerValues; ++i) producers.name("l").name("1");
  EXPECT_NE(error_of(component_preamble().custom("producers", producers))
                .find("the producers section's number of fields and values is past wreg's "
                      "limit of 1000"),
            std::string::npos);
  Bytes two_sections = component_preamble();
  Bytes half;
  half.u32(1).name("language").u32(600);
  for (int i = 0; i < 600; ++i) half.name("l").name("1");
  two_sections.custom("producers", half).custom("producers", half);
  EXPECT_NE(error_of(two_sections).find("the producers sections' number of values"),
            std::string::npos);
}

}  // namespace
}  // namespace wreg::wasm
