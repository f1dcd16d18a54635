// read_component on small hand-built binaries: one test per section kind and edge case that the
// real fixtures do not cover. The bytes are spelled out with the Binary.md production they
// encode.
#include "common/wasm/reader.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/wasm/wasm_builder.h"

namespace wreg::wasm {
namespace {

using testing::Bytes;
using testing::component_preamble;
using testing::extern_name;
using testing::module_preamble;
using testing::typed_component;

constexpr std::uint8_t kCustom = 0, kCoreModule = 1, kCoreInstance = 2, kCoreType = 3,
                       kComponent = 4, kInstance = 5, kAlias = 6, kType = 7, kCanon = 8, kStart = 9,
                       kImport = 10, kExport = 11, kValue = 12;

// instancetype with one exported function `f: func()`.
Bytes instance_type_with_func() {
  return Bytes()
      .u8(0x42)
      .u32(2)
      .raw({0x01, 0x40, 0x00, 0x01, 0x00})  // type 0: func() (no params, resultlist 0x01 0x00)
      .u8(0x04)
      .append(extern_name("f"))
      .raw({0x01, 0x00});  // export "f" (func (type 0))
}

// A component importing one instance per name, each of instance_type_with_func().
Bytes component_importing(std::initializer_list<Bytes> names) {
  Bytes imports;
  imports.u32(static_cast<std::uint32_t>(names.size()));
  for (const Bytes& name : names) imports.append(name).raw({0x05, 0x00});  // (instance (type 0))
  return component_preamble()
      .section(kType, Bytes().u32(1).append(instance_type_with_func()))
      .section(kImport, imports);
}

std::string error_of(const Bytes& bytes) {
  auto info = read_component(bytes);
  if (info.has_value()) return "(accepted as " + std::string(to_string(info->kind)) + ")";
  return info.error().message;
}

TEST(ReaderTest, PreambleAloneIsAnEmptyComponent) {
  auto info = read_component(component_preamble());
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->kind, BinaryKind::kComponent);
  EXPECT_TRUE(info->imports.empty());
  EXPECT_TRUE(info->exports.empty());
}

TEST(ReaderTest, EmptySectionOfEveryKindIsAccepted) {
  struct Case {
    std::uint8_t id;
    Bytes contents;
  };
  const Case cases[] = {
      {kCustom, Bytes().name("anything")},
      {kCoreModule, module_preamble()},
      {kCoreInstance, Bytes().u32(0)},
      {kCoreType, Bytes().u32(0)},
      {kComponent, component_preamble()},
      {kInstance, Bytes().u32(0)},
      {kAlias, Bytes().u32(0)},
      {kType, Bytes().u32(0)},
      {kCanon, Bytes().u32(0)},
      {kStart, Bytes().raw({0x00, 0x00, 0x00})},  // func 0, no arguments, no results
      {kImport, Bytes().u32(0)},
      {kExport, Bytes().u32(0)},
      {kValue, Bytes().u32(0)},
  };
  for (const Case& c : cases) {
    auto info = read_component(component_preamble().section(c.id, c.contents));
    ASSERT_TRUE(info.has_value()) << "section " << int(c.id) << ": " << info.error().message;
    EXPECT_EQ(info->kind, BinaryKind::kComponent) << "section " << int(c.id);
  }
}

TEST(ReaderTest, ImportsAreReadWithTheirKindsInBinaryOrder) {
  auto info =
      read_component(component_importing({extern_name("wasi:io/poll@0.2.8"), extern_name("log")}));
  ASSERT_TRUE(info.has_value()) << info.error().message;
  ASSERT_EQ(info->imports.size(), 2u);
  EXPECT_EQ(info->imports[0].name, "wasi:io/poll@0.2.8");
  EXPECT_EQ(info->imports[0].kind, ExternKind::kInstance);
  EXPECT_EQ(info->imports[1].name, "log");
  ASSERT_EQ(info->referenced_packages.size(), 1u);
  EXPECT_EQ(info->referenced_packages[0].to_string(), "wasi:io@0.2.8");
}

TEST(ReaderTest, ImportedFunctionsOfPrimitiveTypesGetAWitSignature) {
  auto info = read_component(typed_component());
  ASSERT_TRUE(info.has_value()) << info.error().message;
  ASSERT_EQ(info->imports.size(), 3u);
  EXPECT_EQ(info->imports[0].type, "func(msg: string)");
  EXPECT_EQ(info->imports[1].type, "func(a: u32, b: bool) -> string");
  EXPECT_EQ(info->imports[2].type, "");  // list<u8> is behind an index
  EXPECT_EQ(info->imports[2].kind, ExternKind::kFunc);
}

TEST(ReaderTest, ExportsTakeTheirKindFromTheSort) {
  struct Case {
    Bytes sortidx;
    ExternKind kind;
  };
  const Case cases[] = {
      {Bytes{0x00, 0x11, 0x00}, ExternKind::kModule}, {Bytes{0x01, 0x00}, ExternKind::kFunc},
      {Bytes{0x02, 0x00}, ExternKind::kValue},        {Bytes{0x04, 0x00}, ExternKind::kComponent},
      {Bytes{0x05, 0x00}, ExternKind::kInstance},
  };
  for (const Case& c : cases) {
    auto bytes = component_preamble().section(
        kExport, Bytes().u32(1).append(extern_name("thing")).append(c.sortidx).u8(0x00));
    auto info = read_component(bytes);
    ASSERT_TRUE(info.has_value()) << info.error().message;
    ASSERT_EQ(info->exports.size(), 1u);
    EXPECT_EQ(info->exports[0].kind, c.kind) << to_string(c.kind);
  }
}

TEST(ReaderTest, ExportWithATypeAscriptionIsRead) {
  auto bytes = component_preamble()
                   .section(kType, Bytes().u32(1).append(instance_type_with_func()))
                   .section(kImport, Bytes().u32(1).append(extern_name("a")).raw({0x05, 0x00}))
                   .section(kExport, Bytes()
                                         .u32(1)
                                         .append(extern_name("b"))
                                         .raw({0x05, 0x00})
                                         .raw({0x01, 0x05, 0x00}));  // ascribed (instance 0)
  auto info = read_component(bytes);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->exports.at(0).name, "b");
}

TEST(ReaderTest, EveryNameAttributesFormIsAccepted) {
  struct Case {
    const char* what;
    Bytes name;
    const char* package;
  };
  const Case cases[] = {
      {"0x00 plain", Bytes().u8(0x00).name("wasi:io/poll@0.2.8"), "wasi:io@0.2.8"},
      {"0x01 plain (wit-component 0.200)", Bytes().u8(0x01).name("wasi:io/poll@0.2.8"),
       "wasi:io@0.2.8"},
      {"0x02 no attributes", Bytes().u8(0x02).name("wasi:io/poll@0.2.8").u32(0), "wasi:io@0.2.8"},
      {"0x02 versionsuffix",
       Bytes().u8(0x02).name("wasi:http/types@0.2").u32(1).u8(0x01).name(".6"), "wasi:http@0.2.6"},
      {"0x02 external-id",
       Bytes().u8(0x02).name("wasi:io/poll@0.2.8").u32(1).u8(0x02).name("https://example.com/x"),
       "wasi:io@0.2.8"},
  };
  for (const Case& c : cases) {
    auto info = read_component(component_importing({c.name}));
    ASSERT_TRUE(info.has_value()) << c.what << ": " << info.error().message;
    ASSERT_EQ(info->referenced_packages.size(), 1u) << c.what;
    EXPECT_EQ(info->referenced_packages[0].to_string(), c.package) << c.what;
  }
}

TEST(ReaderTest, ImplementsAttributeNamesThePackageOfAPlainImport) {
  auto name = Bytes().u8(0x02).name("primary").u32(1).u8(0x00).name("wasi:keyvalue/store@0.2.0");
  auto info = read_component(component_importing({name}));
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->imports.at(0).name, "primary");
  ASSERT_EQ(info->referenced_packages.size(), 1u);
  EXPECT_EQ(info->referenced_packages[0].to_string(), "wasi:keyvalue@0.2.0");
}

TEST(ReaderTest, UnknownNameAttributesFormIsRefused) {
  EXPECT_EQ(error_of(component_importing({Bytes().u8(0x03).name("a")})),
            "invalid component: expected 0x00, 0x01 or 0x02 before an import name, found 0x03 "
            "at offset 27");
}

TEST(ReaderTest, NameThatIsNotUtf8IsRefused) {
  const char bad[] = {'l', 'o', static_cast<char>(0xc0), static_cast<char>(0xaf)};
  EXPECT_EQ(error_of(component_importing({Bytes().u8(0x00).name(std::string_view(bad, 4))})),
            "invalid component: import name is not valid UTF-8 at offset 28");
}

TEST(ReaderTest, MalformedInterfaceNameIsRefused) {
  EXPECT_EQ(error_of(component_importing({extern_name("wasi:io@0.2.8")})),
            "invalid component: invalid interface name \"wasi:io@0.2.8\": missing '/' before the "
            "item (expected ns:package/item or ns:package/item@version) at offset 27");
}

TEST(ReaderTest, CustomSectionAtTheEndIsRead) {
  auto producers = Bytes().u32(1).name("language").u32(1).name("Rust").name("1.80");
  auto info =
      read_component(component_importing({extern_name("log")}).custom("producers", producers));
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->imports.size(), 1u);
  ASSERT_EQ(info->producers.at("language").size(), 1u);
  EXPECT_EQ(info->producers.at("language")[0].version, "1.80");
}

TEST(ReaderTest, MetadataSectionsAreRead) {
  auto bytes = component_preamble()
                   .custom("component-name", Bytes().u8(0x00).u32(8).name("greeter"))
                   .custom("authors", Bytes{'A', 'd', 'a'})
                   .custom("description", Bytes{'h', 'i'})
                   .custom("licenses", Bytes{'M', 'I', 'T'})
                   .custom("source", Bytes{'s'})
                   .custom("homepage", Bytes{'h'})
                   .custom("revision", Bytes{'r'})
                   .custom("version", Bytes{'1'})
                   .custom("package-docs", Bytes{0x00});
  auto info = read_component(bytes);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->component_name, "greeter");
  EXPECT_EQ(info->metadata.authors, "Ada");
  EXPECT_EQ(info->metadata.description, "hi");
  EXPECT_EQ(info->metadata.licenses, "MIT");
  EXPECT_EQ(info->metadata.source, "s");
  EXPECT_EQ(info->metadata.homepage, "h");
  EXPECT_EQ(info->metadata.revision, "r");
  EXPECT_EQ(info->metadata.version, "1");
  EXPECT_TRUE(info->has_package_docs);
}

TEST(ReaderTest, MalformedCustomSectionsAreIgnoredNotFatal) {
  auto bytes = component_preamble()
                   .custom("producers", Bytes().u32(5).name("language"))  // claims 5 fields
                   .custom("component-name", Bytes().u8(0x00).u32(50))    // past its end
                   .custom("authors", Bytes{0xff, 0xfe});                 // not UTF-8
  auto info = read_component(bytes);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_TRUE(info->producers.empty());
  EXPECT_FALSE(info->component_name.has_value());
  EXPECT_FALSE(info->metadata.authors.has_value());
}

TEST(ReaderTest, NestedComponentIsReadButItsImportsAreNotTheComponents) {
  auto inner = component_importing({extern_name("wasi:io/poll@0.2.8")});
  auto outer = component_importing({extern_name("log")}).section(kComponent, inner);
  auto info = read_component(outer);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  ASSERT_EQ(info->imports.size(), 1u);
  EXPECT_EQ(info->imports[0].name, "log");
  EXPECT_TRUE(info->referenced_packages.empty());
}

TEST(ReaderTest, ErrorInsideANestedComponentIsReportedAtItsFileOffset) {
  auto inner =
      component_preamble().section(kImport, Bytes().u32(1).u8(0x07).name("a").raw({0x05, 0x00}));
  auto outer = component_preamble().section(kComponent, inner);
  // outer preamble 8, section id+size 2, inner preamble 8, section id+size 2, count 1: 21.
  EXPECT_EQ(error_of(outer),
            "invalid component: expected 0x00, 0x01 or 0x02 before an import name, found 0x07 "
            "at offset 21");
}

TEST(ReaderTest, NestedCoreModuleIsSkippedBySize) {
  auto module = module_preamble().raw({0xff, 0xff, 0xff, 0xff});  // body never read
  auto info = read_component(component_preamble().section(kCoreModule, module));
  ASSERT_TRUE(info.has_value()) << info.error().message;
}

TEST(ReaderTest, NestedCoreModuleWithoutAPreambleIsRefused) {
  EXPECT_EQ(error_of(component_preamble().section(kCoreModule, Bytes{0x01, 0x02, 0x03})),
            "invalid component: not a nested core module: expected magic \\0asm at offset 10");
  EXPECT_EQ(error_of(component_preamble().section(kCoreModule, component_preamble())),
            "invalid component: expected a core module in a core module section, found a "
            "component at offset 10");
}

TEST(ReaderTest, AliasesOfEveryTargetAreRead) {
  auto aliases = Bytes()
                     .u32(3)
                     .raw({0x01, 0x00, 0x00})
                     .name("f")  // func export of instance 0
                     .raw({0x00, 0x02, 0x01, 0x00})
                     .name("mem")                     // core memory of core instance 0
                     .raw({0x03, 0x02, 0x01, 0x00});  // outer type (ct 1, idx 0)
  auto info = read_component(component_preamble().section(kAlias, aliases));
  ASSERT_TRUE(info.has_value()) << info.error().message;
}

TEST(ReaderTest, TypeAliasesAndImportsCountInTheTypeIndexSpace) {
  auto aliases = Bytes().u32(1).raw({0x03, 0x02, 0x01, 0x00});  // type 0: outer alias
  auto type_import = Bytes().u32(1).append(extern_name("t")).raw({0x03, 0x01});  // type 1
  auto export_type = [](std::uint32_t index) {
    return Bytes().u32(1).append(extern_name("e")).u8(0x03).u32(index).u8(0x00);
  };
  auto base = component_preamble().section(kAlias, aliases).section(kImport, type_import);
  auto valid = base;
  EXPECT_TRUE(read_component(valid.section(kExport, export_type(1))).has_value());
  EXPECT_EQ(error_of(base.section(kExport, export_type(2))),
            "invalid component: export \"e\" names type 2 but only 2 types are defined at "
            "offset 30");
}

TEST(ReaderTest, UnknownAliasTargetIsRefused) {
  EXPECT_EQ(error_of(component_preamble().section(kAlias, Bytes().u32(1).raw({0x03, 0x07}))),
            "invalid component: expected an alias target (0x00 export, 0x01 core export, 0x02 "
            "outer), found 0x07 at offset 12");
}

TEST(ReaderTest, InstancesCanonsStartAndValuesAreRead) {
  auto core_instances = Bytes()
                            .u32(2)
                            .raw({0x00, 0x00, 0x01})
                            .name("env")
                            .raw({0x12, 0x00})  // instantiate
                            .raw({0x01, 0x01})
                            .name("memory")
                            .raw({0x02, 0x00});  // exports
  auto instances = Bytes()
                       .u32(2)
                       .raw({0x00, 0x00, 0x01})
                       .name("dep")
                       .raw({0x05, 0x00})  // instantiate
                       .raw({0x01, 0x01})
                       .append(extern_name("f"))
                       .raw({0x01, 0x00});
  auto canons = Bytes()
                    .u32(5)
                    .raw({0x00, 0x00, 0x00, 0x02, 0x00, 0x03, 0x00, 0x01})  // lift utf8 memory
                    .raw({0x01, 0x00, 0x00, 0x01, 0x04, 0x02})              // lower realloc
                    .raw({0x02, 0x00})                                      // resource.new
                    .raw({0x09, 0x00, 0x79, 0x00})                          // task.return u32
                    .raw({0x20, 0x01, 0x00});                               // waitable-set.wait
  auto values = Bytes().u32(1).raw({0x73, 0x03}).name("hi");                // string "hi", 3 bytes
  auto bytes = component_preamble()
                   .section(kCoreInstance, core_instances)
                   .section(kInstance, instances)
                   .section(kCanon, canons)
                   .section(kStart, Bytes().raw({0x00, 0x01, 0x00, 0x01}))
                   .section(kValue, values);
  auto info = read_component(bytes);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->kind, BinaryKind::kComponent);
}

TEST(ReaderTest, UnknownCanonIsRefused) {
  EXPECT_EQ(error_of(component_preamble().section(kCanon, Bytes().u32(1).u8(0x3a))),
            "invalid component: expected a canon definition, found 0x3a at offset 11");
}

TEST(ReaderTest, CoreTypesOfEveryFormAreRead) {
  auto module_type = Bytes()
                         .u8(0x50)
                         .u32(6)
                         .raw({0x01, 0x60, 0x01, 0x7f, 0x00})  // type: func [i32] -> []
                         .u8(0x00)
                         .name("env")
                         .name("f")
                         .raw({0x00, 0x00})  // import func
                         .u8(0x00)
                         .name("env")
                         .name("t")
                         .raw({0x01, 0x70, 0x01, 0x00, 0x10})
                         .u8(0x00)
                         .name("env")
                         .name("m")
                         .raw({0x02, 0x05, 0x01, 0x02})        // i64 memory
                         .raw({0x02, 0x10, 0x01, 0x01, 0x00})  // outer type alias
                         .u8(0x03)
                         .name("g")
                         .raw({0x03, 0x63, 0x6e, 0x01});  // global (ref null any)
  auto core_types = Bytes()
                        .u32(4)
                        .append(module_type)
                        .raw({0x4e, 0x02, 0x5f, 0x01, 0x7f, 0x01, 0x5e, 0x78, 0x00})  // rec
                        .raw({0x00, 0x50, 0x00, 0x60, 0x00, 0x00})   // non-final sub
                        .raw({0x4f, 0x01, 0x00, 0x60, 0x00, 0x00});  // sub final
  auto info = read_component(component_preamble().section(kCoreType, core_types));
  ASSERT_TRUE(info.has_value()) << info.error().message;
}

TEST(ReaderTest, DefinedValueTypesOfEveryFormAreRead) {
  auto types = Bytes()
                   .u32(14)
                   .u8(0x73)  // string
                   .u8(0x72)
                   .u32(1)
                   .name("x")
                   .u8(0x79)  // record { x: u32 }
                   .u8(0x71)
                   .u32(1)
                   .name("a")
                   .raw({0x01, 0x00, 0x00})        // variant { a(type 0) }
                   .raw({0x70, 0x7d})              // list<u8>
                   .raw({0x67, 0x7d, 0x04})        // list<u8, 4>
                   .raw({0x6f, 0x02, 0x7f, 0x00})  // tuple<bool, type 0>
                   .u8(0x6e)
                   .u32(1)
                   .name("read")  // flags
                   .u8(0x6d)
                   .u32(1)
                   .name("on")                     // enum
                   .raw({0x6b, 0x73})              // option<string>
                   .raw({0x6a, 0x01, 0x73, 0x00})  // result<string>
                   .raw({0x3f, 0x7f, 0x00})        // resource (rep i32)
                   .raw({0x69, 0x0a})              // own<type 10>
                   .raw({0x66, 0x00})              // stream
                   .raw({0x63, 0x73, 0x79});       // map<string, u32>
  auto info = read_component(component_preamble().section(kType, types));
  ASSERT_TRUE(info.has_value()) << info.error().message;
}

TEST(ReaderTest, UnknownTypeCodeIsRefused) {
  EXPECT_EQ(error_of(component_preamble().section(kType, Bytes().u32(1).u8(0x50))),
            "invalid component: expected a type definition, found 0x50 at offset 11");
}

// Binary.md: a record's fields, a variant's cases, flags, enum cases and parameters are named
// once each, without regard to case; a repeat would print as two items of one name.
TEST(ReaderTest, RepeatedLabelsInOneTypeAreRefused) {
  auto refused = [](Bytes type) { return error_of(component_preamble().section(kType, type)); };
  const std::string record = refused(
      Bytes().u32(1).u8(0x72).u32(2).name("x").u8(0x79).name("X").u8(0x79));  // record { x, X }
  EXPECT_EQ(record,
            "invalid component: expected a label not used before in this type, found \"X\" "
            "again at offset 16");
  EXPECT_NE(refused(Bytes()
                        .u32(1)
                        .u8(0x71)
                        .u32(2)
                        .name("a")
                        .raw({0x00, 0x00})
                        .name("a")
                        .raw({0x00, 0x00}))  // variant { a, a }
                .find("found \"a\" again"),
            std::string::npos);
  EXPECT_NE(refused(Bytes().u32(1).u8(0x6e).u32(2).name("read").name("read")).find("again"),
            std::string::npos);  // flags
  EXPECT_NE(refused(Bytes().u32(1).u8(0x6d).u32(2).name("on").name("ON")).find("again"),
            std::string::npos);  // enum
  EXPECT_NE(refused(Bytes().u32(1).u8(0x40).u32(2).name("a").u8(0x79).name("a").u8(0x79).raw(
                        {0x01, 0x00}))  // func(a: u32, a: u32)
                .find("again"),
            std::string::npos);
  EXPECT_TRUE(read_component(
                  component_preamble().section(
                      kType, Bytes().u32(1).u8(0x72).u32(2).name("x").u8(0x79).name("y").u8(0x79)))
                  .has_value());
}

// Component type nested `depth` times: (component (type (component ... ))), built front to
// back since every count is the one byte 0x01.
Bytes nested_component_types(int depth) {
  Bytes type;
  for (int i = 1; i < depth; ++i) type.raw({0x41, 0x01, 0x01});  // (component (type ...
  type.raw({0x41, 0x00});                                        // (component)
  return component_preamble().section(kType, Bytes().u32(1).append(type));
}

TEST(ReaderTest, TypeNestingIsBounded) {
  EXPECT_TRUE(read_component(nested_component_types(32)).has_value());
  EXPECT_NE(error_of(nested_component_types(33)).find("nested deeper than 32 levels"),
            std::string::npos);
  EXPECT_NE(error_of(nested_component_types(100000)).find("nested deeper than 32 levels"),
            std::string::npos);
}

TEST(ReaderTest, ComponentNestingIsBounded) {
  auto nest = [](int depth) {
    Bytes component = component_preamble();
    for (int i = 0; i < depth; ++i) component = component_preamble().section(kComponent, component);
    return component;
  };
  EXPECT_TRUE(read_component(nest(32)).has_value());
  EXPECT_NE(error_of(nest(33)).find("components nested deeper than 32 levels"), std::string::npos);
}

TEST(ReaderTest, Leb128OverflowIsRefused) {
  auto too_long = component_preamble().raw({kType, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  EXPECT_EQ(error_of(too_long),
            "invalid component: LEB128 section size overflows 32 bits at offset 9");
  auto high_bits = component_preamble().raw({kType, 0xff, 0xff, 0xff, 0xff, 0x1f});
  EXPECT_EQ(error_of(high_bits),
            "invalid component: LEB128 section size overflows 32 bits at offset 9");
}

TEST(ReaderTest, CountPastTheBytesLeftIsRefused) {
  EXPECT_EQ(error_of(component_preamble().section(kImport, Bytes().u32(1000))),
            "invalid component: import count 1000 needs more than the 0 bytes left at offset 10");
}

TEST(ReaderTest, UnknownSectionIdIsRefused) {
  EXPECT_EQ(error_of(component_preamble().section(13, Bytes())),
            "invalid component: expected a section id (0 to 12), found 13 at offset 8");
}

TEST(ReaderTest, UnreadBytesInASectionAreRefused) {
  EXPECT_EQ(error_of(component_preamble().section(kImport, Bytes().u32(0).u8(0x00))),
            "invalid component: 1 unread bytes at the end of import section starting at offset "
            "8 at offset 11");
}

TEST(ReaderTest, UnsupportedVersionsAreRefused) {
  EXPECT_EQ(error_of(Bytes{0x00, 0x61, 0x73, 0x6d, 0x0e, 0x00, 0x01, 0x00}),
            "unsupported component binary version 14: expected 13 (0x0d) at offset 4");
  EXPECT_EQ(error_of(Bytes{0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00}),
            "unsupported core module version 2: expected 1 at offset 4");
  EXPECT_EQ(error_of(Bytes{0x00, 0x61, 0x73, 0x6d, 0x0d}),
            "truncated preamble: expected 4 bytes of version and layer after the magic, found 1 "
            "at offset 4");
}

TEST(ReaderTest, CoreModuleIsRecognisedWithItsCustomSections) {
  auto module = module_preamble()
                    .section(1, Bytes().u32(0))  // an empty core type section
                    .custom("producers", Bytes().u32(1).name("language").u32(1).name("C").name(""));
  auto info = read_component(module);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->kind, BinaryKind::kCoreModule);
  EXPECT_EQ(info->producers.at("language").at(0).name, "C");
}

TEST(ReaderTest, CoreModuleErrorSaysHowToMakeAComponent) {
  const Error error = core_module_error();
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(error.message.find("wasm-tools component new"), std::string::npos);
  EXPECT_EQ(error.message.find('\n'), std::string::npos);
}

// WIT.md "Package Format": `(type (export "types") (component (export "ns:pkg/types" ...)))`.
Bytes wrapper(std::string_view inner_name, std::uint8_t inner_sort,
              std::initializer_list<std::string_view> imports = {}) {
  Bytes decls;
  decls.u32(static_cast<std::uint32_t>(2 + imports.size()));
  decls.raw({0x01, 0x42, 0x00});  // type 0: (instance)
  for (std::string_view name : imports) decls.u8(0x03).append(extern_name(name)).raw({0x05, 0x00});
  decls.u8(0x04).append(extern_name(inner_name)).raw({inner_sort, 0x00});
  return Bytes().u8(0x41).append(decls);
}

Bytes wit_package(std::initializer_list<std::pair<std::string_view, Bytes>> items) {
  Bytes types;
  Bytes exports;
  types.u32(static_cast<std::uint32_t>(items.size()));
  exports.u32(static_cast<std::uint32_t>(items.size()));
  std::uint32_t index = 0;
  for (const auto& [name, type] : items) {
    types.append(type);
    exports.append(extern_name(name)).u8(0x03).u32(index++).u8(0x00);
  }
  return component_preamble().section(kType, types).section(kExport, exports);
}

TEST(ReaderTest, WitPackageIsClassifiedWithItsItemsAndDependencies) {
  auto bytes = wit_package({
      {"types", wrapper("local:demo/types@1.0.0", 0x05, {"wasi:io/streams@0.2.8"})},
      {"the-world", wrapper("local:demo/the-world@1.0.0", 0x04, {"wasi:clocks/wall-clock@0.2.8"})},
  });
  auto info = read_component(bytes);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->kind, BinaryKind::kWitPackage);
  EXPECT_EQ(info->package->to_string(), "local:demo@1.0.0");
  EXPECT_EQ(info->interfaces, std::vector<std::string>{"types"});
  EXPECT_EQ(info->worlds, std::vector<std::string>{"the-world"});
  ASSERT_EQ(info->dependencies.size(), 2u);
  EXPECT_EQ(info->dependencies[0].to_string(), "wasi:clocks@0.2.8");
  EXPECT_EQ(info->dependencies[1].to_string(), "wasi:io@0.2.8");
}

TEST(ReaderTest, WitPackageWithoutAVersionHasNone) {
  auto info = read_component(wit_package({{"types", wrapper("local:demo/types", 0x05)}}));
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->package->to_string(), "local:demo");
  EXPECT_FALSE(info->package->version.has_value());
}

TEST(ReaderTest, WitPackageNamingTwoPackagesIsRefused) {
  auto bytes =
      wit_package({{"a", wrapper("local:one/a", 0x05)}, {"b", wrapper("local:two/b", 0x05)}});
  EXPECT_NE(error_of(bytes).find("defines items of two packages, local:one and local:two"),
            std::string::npos)
      << error_of(bytes);
}

TEST(ReaderTest, TypeExportsThatAreNotPackageItemsMakeAComponent) {
  auto plain_inner = read_component(wit_package({{"types", wrapper("types", 0x05)}}));
  ASSERT_TRUE(plain_inner.has_value()) << plain_inner.error().message;
  EXPECT_EQ(plain_inner->kind, BinaryKind::kComponent);
  auto instance_type = read_component(wit_package({{"types", instance_type_with_func()}}));
  ASSERT_TRUE(instance_type.has_value()) << instance_type.error().message;
  EXPECT_EQ(instance_type->kind, BinaryKind::kComponent);
}

}  // namespace
}  // namespace wreg::wasm
