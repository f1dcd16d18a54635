// The syntax tree of WIT text (WebAssembly/component-model design/mvp/WIT.md), as the parser
// (parser.h) reads one file. Names and paths are kept as written (a `%` escape removed); nothing
// here is resolved: which interface a `use` names, which types exist, is the resolver's work.
//
// Every node that a message may point at has a Span: byte offsets into its file's text. The
// span of a whole item (Interface, World, WorldItem, Use, Include, TopLevelUse, NestedPackage)
// runs from its keyword to its closing `;` or `}`, docs and gates left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wreg::wit::ast {

struct Span {
  std::uint32_t start = 0;  // byte offset of the first character
  std::uint32_t end = 0;    // byte offset just past the last
};

// A name: an identifier (`input-stream`, `%type` read as `type`).
struct Id {
  std::string name;
  Span span;
};

// The doc comments before an item, each as written (`/// text`, `/** text */`), in order. Every
// comment counts, `// text` and `/* text */` too: WIT.md since component-model#281, and
// wit-parser since 2023 (its resolver strips the leading `/`s, or `/**` and `*/`, then trims).
// A line comment is kept without its line ending.
struct Docs {
  std::vector<std::string> comments;
};

// `@since(version = 1.2.3)`, `@unstable(feature = name)`, and `@deprecated(version = 1.2.3)`
// after either.
struct Gate {
  enum class Kind : std::uint8_t { kNone, kSince, kUnstable };
  Kind kind = Kind::kNone;
  std::string version_or_feature;          // the text after `=`, as written
  std::string deprecated;                  // empty unless @deprecated
  std::optional<std::string> external_id;  // `@external-id("...")`, its escapes decoded
  Span span;                               // from the first `@` to the last `)`
};

// `ns:pkg@1.0.0` (the version optional), as in `package` and in `use` paths.
struct PackageName {
  std::string space;
  std::string name;
  std::string version;  // as written, SemVer as wit-parser takes it; empty when none
  Span span;            // `ns:pkg@1.0.0`; in a use path `ns:pkg` only, as wit-parser has it
};

// A type expression: a primitive, a name, or a generic type with its arguments.
struct TypeExpr {
  enum class Kind : std::uint8_t {
    kBool,
    kU8,
    kU16,
    kU32,
    kU64,
    kS8,
    kS16,
    kS32,
    kS64,
    kF32,
    kF64,
    kChar,
    kString,
    kErrorContext,
    kName,       // a type by name: `pollable`
    kList,       // args[0]
    kFixedList,  // args[0], length: `list<u8, 4>`
    kMap,        // args[0] key, args[1] value
    kOwn,        // `own<r>`: name
    kBorrow,     // `borrow<r>`: name
    kTuple,      // args
    kOption,     // args[0]
    kResult,     // `result`, `result<T>`, `result<_, E>`, `result<T, E>`: has_ok, has_err, args
    kFuture,     // args[0] when there is a payload
    kStream,     // args[0] when there is a payload
  };
  Kind kind = Kind::kBool;
  Span span;                   // where wit-parser points: the keyword (`list`), or the name
  Id name;                     // kName, kOwn, kBorrow
  std::vector<TypeExpr> args;  // in the order written (result: ok first when present)
  bool has_ok = false;         // kResult
  bool has_err = false;        // kResult
  std::uint32_t length = 0;    // kFixedList
};

// `name: type` in a record, a function's parameters.
struct Field {
  Docs docs;
  Id name;
  TypeExpr type;
};

// A variant case (`name` or `name(type)`), an enum case or a flag (never a type).
struct Case {
  Docs docs;
  Id name;
  std::optional<TypeExpr> type;
};

// `func(a: T, b: U) -> R`, `async func(...)`, or a constructor's `constructor(a: T)`.
struct Func {
  bool is_async = false;
  std::vector<Field> params;  // Field::docs unused
  std::optional<TypeExpr> result;
  Span span;
};

// An item inside `resource name { ... }`.
struct ResourceFunc {
  enum class Kind : std::uint8_t { kMethod, kStatic, kConstructor };
  Kind kind = Kind::kMethod;
  Docs docs;
  Gate gate;
  Id name;  // the method's name; for a constructor, the `constructor` keyword's span
  Func func;
};

// A named type definition.
struct TypeDef {
  enum class Kind : std::uint8_t { kRecord, kVariant, kEnum, kFlags, kResource, kAlias };
  Kind kind = Kind::kAlias;
  Docs docs;
  Gate gate;
  Id name;
  std::vector<Field> fields;            // kRecord
  std::vector<Case> cases;              // kVariant, kEnum, kFlags
  std::vector<ResourceFunc> functions;  // kResource (`resource r;` has none)
  std::optional<TypeExpr> alias;        // kAlias: `type name = T;`
};

// What a `use`, `include` or world import/export names: an interface or world of this package
// (`poll`) or of another (`wasi:io/poll@0.2.8`).
struct UsePath {
  std::optional<PackageName> package;
  Id item;
  Span span;
};

// `use path.{a, b as c};` inside an interface or a world.
struct Use {
  Gate gate;
  UsePath from;
  std::vector<std::pair<Id, std::optional<Id>>> names;  // name, and its `as` name
  Span span;
};

// `name: func(...)` in an interface.
struct NamedFunc {
  Docs docs;
  Gate gate;
  Id name;
  Func func;
};

// One item of an interface body, in the order written.
struct InterfaceItem {
  enum class Kind : std::uint8_t { kType, kUse, kFunc };
  Kind kind = Kind::kType;
  TypeDef type;    // kType
  Use use;         // kUse
  NamedFunc func;  // kFunc
};

struct Interface {
  Docs docs;
  Gate gate;
  Id name;
  std::vector<InterfaceItem> items;
  Span span;
};

// `import`/`export` in a world: of a path (`import wasi:io/poll;`, `import poll;`), or with a
// label (`import log: func(...)`, `import x: interface { ... }`, `import x: wasi:io/poll;`).
struct Extern {
  enum class Kind : std::uint8_t { kPath, kFunc, kInterface, kNamedPath };
  Kind kind = Kind::kPath;
  Id label;                          // kFunc, kInterface, kNamedPath
  UsePath path;                      // kPath, kNamedPath
  Func func;                         // kFunc
  std::vector<InterfaceItem> items;  // kInterface
};

// `include path;` or `include path with { a as b, ... }`.
struct Include {
  Gate gate;
  UsePath from;
  std::vector<std::pair<Id, Id>> with;
  Span span;
};

struct WorldItem {
  enum class Kind : std::uint8_t { kImport, kExport, kType, kUse, kInclude };
  Kind kind = Kind::kImport;
  Docs docs;           // kImport, kExport
  Gate gate;           // kImport, kExport
  Extern extern_item;  // kImport, kExport
  TypeDef type;        // kType
  Use use;             // kUse
  Include include;     // kInclude
  Span span;
};

struct World {
  Docs docs;
  Gate gate;
  Id name;
  std::vector<WorldItem> items;
  Span span;
};

// A top-level `use wasi:io/poll@0.2.8 as p;`: a name for an interface in this file.
struct TopLevelUse {
  Gate gate;  // always none: the parser refuses attributes here, as wit-parser does
  UsePath item;
  std::optional<Id> as;
  Span span;
};

// What a file (or a nested `package ... { }` block) declares at its top level, in order.
struct Decl {
  enum class Kind : std::uint8_t { kInterface, kWorld, kUse };
  Kind kind = Kind::kInterface;
  Interface interface;
  World world;
  TopLevelUse use;
};

// A nested `package ns:pkg@1.0.0 { ... }` block.
struct NestedPackage {
  Docs docs;
  PackageName name;
  std::vector<Decl> decls;
  Span span;
};

// One .wit file.
struct File {
  std::string path;  // as given to the parser, for messages
  std::string text;  // the whole text; Spans index into it
  Docs package_docs;
  std::optional<PackageName> package;  // `package ns:pkg@1.0.0;` when the file has one
  std::vector<Decl> decls;
  std::vector<NestedPackage> nested;
};

}  // namespace wreg::wit::ast
