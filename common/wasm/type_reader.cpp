#include "common/wasm/type_reader.h"

#include "common/text.h"

namespace wreg::wasm {
namespace {

// Binary.md `primvaltype`: bool 0x7f down to string 0x73, and error-context 0x64.
bool is_primitive_value_type(std::uint8_t code) {
  return (code >= 0x73 && code <= 0x7f) || code == 0x64;
}

// The WIT name of a `primvaltype`, or null.
const char* primitive_name(std::uint8_t code) {
  static constexpr const char* kNames[] = {"string", "char", "f64", "f32", "u64", "s64", "u32",
                                           "s32",    "u16",  "s16", "u8",  "s8",  "bool"};
  if (code >= 0x73 && code <= 0x7f) return kNames[code - 0x73];
  if (code == 0x64) return "error-context";
  return nullptr;
}

// Core abstract heap types (WebAssembly 3.0 and the exception and stack-switching proposals):
// cont 0x68, exn 0x69, array 0x6a ... nofunc 0x73, noexn 0x74, nocont 0x75.
bool is_abstract_heap_type(std::uint8_t code) { return code >= 0x68 && code <= 0x75; }

}  // namespace

std::optional<ExternKind> Sort::extern_kind() const {
  if (core) {
    if (code == kCoreModule) return ExternKind::kModule;
    return std::nullopt;
  }
  switch (code) {
    case kFunc:
      return ExternKind::kFunc;
    case kValue:
      return ExternKind::kValue;
    case kType:
      return ExternKind::kType;
    case kComponent:
      return ExternKind::kComponent;
    case kInstance:
      return ExternKind::kInstance;
    default:
      return std::nullopt;
  }
}

void TypeReader::check_depth(int depth) {
  if (depth > kMaxDepth) {
    in_.fail("components and types nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
}

TypeShape TypeReader::read_type(int depth) {
  const std::uint8_t code = in_.read_u8("a type definition");
  if (!in_.ok()) return {};
  switch (code) {
    case 0x40:  // func
    case 0x43:  // func async
    {
      TypeShape shape{TypeShape::Kind::kFunc, {}, 0, {}};
      auto params = read_label_value_types("function parameter count");
      auto results = read_result_list();
      if (params && results) {
        shape.signature = (code == 0x43 ? "async func(" : "func(") + *params + ")";
        if (!results->empty()) shape.signature += " -> " + *results;
        if (shape.signature.size() > kMaxSignatureText) shape.signature.clear();
      }
      return shape;
    }
    case 0x41:
      return read_declarations(/*component=*/true, depth + 1);
    case 0x42:
      return read_declarations(/*component=*/false, depth + 1);
    case 0x3f: {  // resource (rep t) (dtor f)?
      read_core_value_type();
      const std::uint8_t has_dtor = in_.read_u8("0x00 or 0x01 before a resource destructor");
      if (has_dtor == 0x01) {
        in_.read_u32("destructor function index");
      } else if (has_dtor != 0x00) {
        in_.fail_at(in_.offset() - 1, "expected 0x00 or 0x01 before a resource destructor, found " +
                                          hex_byte(has_dtor));
      }
      return TypeShape{TypeShape::Kind::kResource, {}, 0, {}};
    }
    default:
      if (!is_primitive_value_type(code)) read_defined_value_type(code);
      return TypeShape{};
  }
}

void TypeReader::read_defined_value_type(std::uint8_t code) {
  switch (code) {
    case 0x72:  // record
      read_label_value_types("record field count");
      return;
    case 0x71: {  // variant
      const std::uint32_t count = in_.read_count("variant case count", 3);
      LabelSet labels;
      for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
        const std::size_t label_at = in_.offset();
        refuse_repeated_label(labels, in_.read_name("variant case label"), label_at);
        read_optional_value_type();
        const std::size_t at = in_.offset();
        const std::uint8_t refines = in_.read_u8("0x00 after a variant case");
        if (refines == 0x01) {
          in_.read_u32("refined case index");  // earlier drafts: `refines` index
        } else if (refines != 0x00) {
          in_.fail_at(at, "expected 0x00 after a variant case, found " + hex_byte(refines));
        }
      }
      return;
    }
    case 0x70:  // list
    case 0x6b:  // option
      read_value_type();
      return;
    case 0x67:  // fixed-length list
      read_value_type();
      in_.read_u32("list length");
      return;
    case 0x6f: {  // tuple
      const std::uint32_t count = in_.read_count("tuple element count");
      for (std::uint32_t i = 0; i < count && in_.ok(); ++i) read_value_type();
      return;
    }
    case 0x6e:    // flags
    case 0x6d: {  // enum
      const std::uint32_t count = in_.read_count("label count");
      LabelSet labels;
      for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
        const std::size_t at = in_.offset();
        refuse_repeated_label(labels, in_.read_name("label"), at);
      }
      return;
    }
    case 0x6a:  // result
      read_optional_value_type();
      read_optional_value_type();
      return;
    case 0x69:  // own
    case 0x68:  // borrow
      in_.read_u32("resource type index");
      return;
    case 0x66:  // stream
    case 0x65:  // future
      read_optional_value_type();
      return;
    case 0x63:  // map
      read_value_type();
      read_value_type();
      return;
    default:
      in_.fail_at(in_.offset() - 1, "expected a type definition, found " + hex_byte(code));
  }
}

// Binary.md: the labels of a record, variant, flags, enum or parameter list are distinct, without
// regard to case; a repeat would print as two fields or cases of one name.
void TypeReader::refuse_repeated_label(LabelSet& seen, const std::string& label, std::size_t at) {
  if (!in_.ok()) return;
  if (!seen.insert(ascii_lowercase(label)).second) {
    in_.fail_at(at,
                "expected a label not used before in this type, found " + quoted(label) + " again");
  }
}

std::optional<std::string> TypeReader::read_label_value_types(std::string_view what) {
  const std::uint32_t count = in_.read_count(what, 2);
  std::optional<std::string> text = std::string();
  LabelSet labels;
  for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
    const std::size_t at = in_.offset();
    std::string label = in_.read_name("label");
    refuse_repeated_label(labels, label, at);
    const char* type = read_value_type();
    if (type == nullptr) {
      text.reset();
    } else if (text) {
      *text += (i == 0 ? "" : ", ") + label + ": " + type;
    }
  }
  return text;
}

const char* TypeReader::read_value_type() {
  const std::size_t start = in_.offset();
  const std::int64_t value = in_.read_s33("value type");
  if (!in_.ok() || value >= 0) return nullptr;  // a type index
  // Binary.md: type codes are negative SLEB128s of one byte, so -1 is 0x7f.
  const auto code = static_cast<std::uint8_t>(value + 0x80);
  if (value < -0x40 || !is_primitive_value_type(code)) {
    in_.fail_at(start, "expected a value type (a primitive type or a type index), found " +
                           std::to_string(value));
    return nullptr;
  }
  return primitive_name(code);
}

void TypeReader::read_optional_value_type() {
  const std::size_t start = in_.offset();
  const std::uint8_t present = in_.read_u8("0x00 or 0x01 before an optional type");
  if (present == 0x01) {
    read_value_type();
  } else if (present != 0x00) {
    in_.fail_at(start, "expected 0x00 or 0x01 before an optional type, found " + hex_byte(present));
  }
}

std::optional<std::string> TypeReader::read_result_list() {
  const std::size_t start = in_.offset();
  const std::uint8_t form = in_.read_u8("a function result list");
  if (form == 0x00) {
    const char* type = read_value_type();
    if (type == nullptr) return std::nullopt;
    return std::string(type);
  }
  if (form == 0x01) {
    // Now always empty; before, a list of named results.
    auto named = read_label_value_types("named result count");
    if (named && !named->empty()) return "(" + *named + ")";
    return named;
  }
  if (in_.ok()) {
    in_.fail_at(start, "expected 0x00 or 0x01 before function results, found " + hex_byte(form));
  }
  return std::nullopt;
}

TypeShape TypeReader::read_declarations(bool component, int depth) {
  check_depth(depth);
  TypeShape shape;
  shape.kind = component ? TypeShape::Kind::kComponent : TypeShape::Kind::kInstance;
  const std::uint32_t count = in_.read_count(component ? "component type declaration count"
                                                       : "instance type declaration count");
  for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
    const std::size_t start = in_.offset();
    const std::uint8_t tag = in_.read_u8("a declaration");
    switch (tag) {
      case 0x00:
        read_core_type(depth);
        break;
      case 0x01:
        read_type(depth);
        break;
      case 0x02:
        read_alias();
        break;
      case 0x03:
        if (!component) {
          in_.fail_at(start,
                      "expected an instance type declaration (0x00, 0x01, 0x02 or 0x04), "
                      "found an import (0x03)");
          break;
        }
        [[fallthrough]];
      case 0x04: {
        if (++budget_.type_declarations > kMaxTypeDeclarations) {
          in_.fail_at(start, past_limit("the number of imports and exports declared in types",
                                        kMaxTypeDeclarations));
          break;
        }
        Declaration declaration;
        declaration.is_import = tag == 0x03;
        declaration.name = read_extern_name(declaration.is_import ? "import name" : "export name");
        declaration.kind = read_extern_type();
        if (!in_.ok()) break;
        if (declaration.is_import) {
          ++shape.import_count;
        } else {
          shape.exports.push_back(declaration);
        }
        declarations_.push_back(std::move(declaration));
        break;
      }
      default:
        in_.fail_at(start, std::string("expected a ") + (component ? "component" : "instance") +
                               " type declaration (0x00 to 0x04), found " + hex_byte(tag));
    }
  }
  return shape;
}

ExternName TypeReader::read_extern_name(std::string_view what) {
  ExternName out;
  out.offset = in_.offset();
  const std::uint8_t form = in_.read_u8("name attributes");
  if (in_.ok() && form > 0x02) {
    in_.fail_at(out.offset, "expected 0x00, 0x01 or 0x02 before an " + std::string(what) +
                                ", found " + hex_byte(form));
    return out;
  }
  out.name = in_.read_name(what);
  if (form != 0x02) return out;
  const std::uint32_t count = in_.read_count("attribute count", 2);
  for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
    const std::size_t start = in_.offset();
    const std::uint8_t kind = in_.read_u8("an attribute");
    switch (kind) {
      case 0x00:
        out.implements = in_.read_name("implements attribute");
        break;
      case 0x01:
        out.version_suffix = in_.read_name("versionsuffix attribute");
        break;
      case 0x02:
        in_.read_name("external-id attribute");
        break;
      default:
        in_.fail_at(start,
                    "expected an attribute (0x00 implements, 0x01 versionsuffix, "
                    "0x02 external-id), found " +
                        hex_byte(kind));
    }
  }
  return out;
}

ExternKind TypeReader::read_extern_type(std::uint32_t* type_index) {
  std::uint32_t ignored = 0;
  std::uint32_t& index = type_index != nullptr ? *type_index : ignored;
  const std::size_t start = in_.offset();
  const std::uint8_t code = in_.read_u8("an extern type");
  switch (code) {
    case 0x00: {
      const std::uint8_t core_sort = in_.read_u8("0x11 (core module)");
      if (in_.ok() && core_sort != Sort::kCoreModule) {
        in_.fail_at(start + 1,
                    "expected 0x11 (core module) in an extern type, found " + hex_byte(core_sort));
      }
      in_.read_u32("core type index");
      return ExternKind::kModule;
    }
    case 0x01:
      index = in_.read_u32("function type index");
      return ExternKind::kFunc;
    case 0x02: {
      const std::uint8_t bound = in_.read_u8("a value bound");
      if (bound == 0x00) {
        in_.read_u32("value index");
      } else if (bound == 0x01) {
        read_value_type();
      } else if (in_.ok()) {
        in_.fail_at(start + 1, "expected a value bound (0x00 or 0x01), found " + hex_byte(bound));
      }
      return ExternKind::kValue;
    }
    case 0x03: {
      const std::uint8_t bound = in_.read_u8("a type bound");
      if (bound == 0x00) {
        in_.read_u32("type index");
      } else if (bound != 0x01 && in_.ok()) {
        in_.fail_at(start + 1, "expected a type bound (0x00 eq or 0x01 sub resource), found " +
                                   hex_byte(bound));
      }
      return ExternKind::kType;
    }
    case 0x04:
      index = in_.read_u32("component type index");
      return ExternKind::kComponent;
    case 0x05:
      index = in_.read_u32("instance type index");
      return ExternKind::kInstance;
    default:
      if (in_.ok())
        in_.fail_at(start, "expected an extern type (0x00 to 0x05), found " + hex_byte(code));
      return ExternKind::kInstance;
  }
}

Sort TypeReader::read_sort() {
  const std::size_t start = in_.offset();
  const std::uint8_t code = in_.read_u8("a sort");
  if (!in_.ok()) return {};
  if (code == 0x00) {
    const std::uint8_t core = in_.read_u8("a core sort");
    const bool known = core <= 0x04 || core == 0x10 || core == 0x11 || core == 0x12;
    if (in_.ok() && !known) {
      in_.fail_at(start + 1,
                  "expected a core sort (0x00 to 0x04, 0x10 to 0x12), found " + hex_byte(core));
    }
    return Sort{true, core};
  }
  if (code > Sort::kInstance) {
    in_.fail_at(start, "expected a sort (0x00 to 0x05), found " + hex_byte(code));
    return {};
  }
  return Sort{false, code};
}

Sort TypeReader::read_alias() {
  const Sort sort = read_sort();
  const std::size_t start = in_.offset();
  const std::uint8_t target = in_.read_u8("an alias target");
  switch (target) {
    case 0x00:
      in_.read_u32("instance index");
      in_.read_name("alias export name");
      break;
    case 0x01:
      in_.read_u32("core instance index");
      in_.read_name("alias core export name");
      break;
    case 0x02:
      in_.read_u32("outer count");
      in_.read_u32("outer index");
      break;
    default:
      if (in_.ok()) {
        in_.fail_at(start,
                    "expected an alias target (0x00 export, 0x01 core export, 0x02 "
                    "outer), found " +
                        hex_byte(target));
      }
  }
  return sort;
}

// Binary.md `opts`.
void TypeReader::read_canon_options() {
  ByteReader& in = in_;
  const std::uint32_t count = in.read_count("canon option count");
  for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
    const std::size_t start = in.offset();
    const std::uint8_t option = in.read_u8("a canon option");
    switch (option) {
      case 0x00:  // string-encoding=utf8
      case 0x01:  // utf16
      case 0x02:  // latin1+utf16
      case 0x06:  // async
        break;
      case 0x03:  // memory
      case 0x04:  // realloc
      case 0x05:  // post-return
      case 0x07:  // callback
        in.read_u32("canon option index");
        break;
      default:
        if (in.ok())
          in.fail_at(start, "expected a canon option (0x00 to 0x07), found " + hex_byte(option));
    }
  }
}

// Binary.md `canon`: every built-in it lists, with its immediates.
std::optional<std::uint32_t> TypeReader::read_canon() {
  ByteReader& in = in_;
  const std::size_t start = in.offset();
  const std::uint8_t code = in.read_u8("a canon definition");
  auto expect_func_sort = [&] {
    const std::size_t at = in.offset();
    const std::uint8_t sort = in.read_u8("0x00 (func)");
    if (in.ok() && sort != 0x00) {
      in.fail_at(
          at, "expected 0x00 (func) after canon " + hex_byte(code) + ", found " + hex_byte(sort));
    }
  };
  auto read_flag = [&](std::string_view what) {
    const std::size_t at = in.offset();
    const std::uint8_t flag = in.read_u8(what);
    if (in.ok() && flag > 0x01) {
      in.fail_at(at, "expected " + std::string(what) + " (0x00 or 0x01), found " + hex_byte(flag));
    }
  };
  switch (code) {
    case 0x00:  // lift
      expect_func_sort();
      in.read_u32("core function index");
      read_canon_options();
      return in.read_u32("type index");
    case 0x01:  // lower
      expect_func_sort();
      in.read_u32("function index");
      read_canon_options();
      return std::nullopt;
    case 0x02:
    case 0x03:
    case 0x04:  // resource.new, .drop, .rep
    case 0x07:  // resource.drop async (earlier drafts)
    case 0x0e:
    case 0x13:
    case 0x14:  // stream.new, .drop-readable, .drop-writable
    case 0x15:
    case 0x1a:
    case 0x1b:  // future.new, .drop-readable, .drop-writable
      in.read_u32("type index");
      return std::nullopt;
    case 0x05:
    case 0x08:
    case 0x0d:
    case 0x1e:
    case 0x1f:  // no immediates
    case 0x22:
    case 0x23:
    case 0x24:
    case 0x25:
    case 0x26:
    case 0x28:
      return std::nullopt;
    case 0x09:  // task.return
      read_result_list();
      read_canon_options();
      return std::nullopt;
    case 0x0a:
    case 0x0b:  // context.get, context.set
      read_core_value_type();
      in.read_u32("context slot");
      return std::nullopt;
    case 0x06:  // subtask.cancel
      read_flag("async?");
      return std::nullopt;
    case 0x0f:
    case 0x10:
    case 0x16:
    case 0x17:  // stream/future read, write
      in.read_u32("type index");
      read_canon_options();
      return std::nullopt;
    case 0x11:
    case 0x12:
    case 0x18:
    case 0x19:  // stream/future cancel-read, cancel-write
      in.read_u32("type index");
      read_flag("async?");
      return std::nullopt;
    case 0x1c:
    case 0x1d:  // error-context.new, .debug-message
      read_canon_options();
      return std::nullopt;
    case 0x20:
    case 0x21:  // waitable-set.wait, .poll
      read_flag("cancel?");
      in.read_u32("memory index");
      return std::nullopt;
    case 0x27:  // thread.new-indirect
      in.read_u32("core type index");
      in.read_u32("table index");
      return std::nullopt;
    case 0x0c:
    case 0x29:
    case 0x2a:
    case 0x2b:
    case 0x2c:
    case 0x2d:  // thread.yield & co
      read_flag("cancel?");
      return std::nullopt;
    case 0x40:  // thread.spawn-ref
      read_flag("shared?");
      in.read_u32("core type index");
      return std::nullopt;
    case 0x41:  // thread.spawn-indirect
      read_flag("shared?");
      in.read_u32("core type index");
      in.read_u32("table index");
      return std::nullopt;
    case 0x42:  // thread.available-parallelism
      read_flag("shared?");
      return std::nullopt;
    default:
      if (in.ok()) in.fail_at(start, "expected a canon definition, found " + hex_byte(code));
      return std::nullopt;
  }
}

// Core types. Binary.md `core:type` extends the core spec's `rectype` with module types.

void TypeReader::read_core_type(int depth) {
  const std::size_t start = in_.offset();
  const std::uint8_t code = in_.read_u8("a core type");
  if (!in_.ok()) return;
  switch (code) {
    case 0x50:  // Binary.md: 0x50 here is a module type; a non-final sub type is 0x00 0x50
      read_core_module_type(depth + 1);
      return;
    case 0x00: {
      const std::uint8_t sub = in_.read_u8("0x50 (sub type)");
      if (in_.ok() && sub != 0x50) {
        in_.fail_at(start + 1, "expected 0x50 (sub type) after 0x00, found " + hex_byte(sub));
        return;
      }
      read_core_sub_type_body();
      return;
    }
    case 0x4e: {  // rec
      const std::uint32_t count = in_.read_count("recursive type count");
      for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
        const std::uint8_t sub = in_.read_u8("a sub type");
        if (sub == 0x50 || sub == 0x4f) {
          read_core_sub_type_body();
        } else {
          read_core_composite_type(sub);
        }
      }
      return;
    }
    case 0x4f:  // sub final
      read_core_sub_type_body();
      return;
    default:
      read_core_composite_type(code);
  }
}

void TypeReader::read_core_sub_type_body() {
  const std::uint32_t count = in_.read_count("super type count");
  for (std::uint32_t i = 0; i < count && in_.ok(); ++i) in_.read_u32("super type index");
  read_core_composite_type(in_.read_u8("a composite type"));
}

void TypeReader::read_core_composite_type(std::uint8_t code) {
  if (!in_.ok()) return;
  const std::size_t start = in_.offset() - 1;
  if (code == 0x65) {  // shared
    code = in_.read_u8("a composite type");
    if (code == 0x65) {
      in_.fail_at(start, "expected a composite type after 0x65 (shared), found 0x65 again");
      return;
    }
  }
  switch (code) {
    case 0x60: {  // func
      for (std::string_view what : {"parameter count", "result count"}) {
        const std::uint32_t count = in_.read_count(what);
        for (std::uint32_t i = 0; i < count && in_.ok(); ++i) read_core_value_type();
      }
      return;
    }
    case 0x5f: {  // struct
      const std::uint32_t count = in_.read_count("field count", 2);
      for (std::uint32_t i = 0; i < count && in_.ok(); ++i) read_core_storage_type();
      return;
    }
    case 0x5e:  // array
      read_core_storage_type();
      return;
    case 0x5d: {  // cont
      if (in_.read_s33("continuation type index") < 0 && in_.ok()) {
        in_.fail_at(start + 1, "expected a type index in a continuation type");
      }
      return;
    }
    default:
      if (in_.ok()) in_.fail_at(start, "expected a core type, found " + hex_byte(code));
  }
}

void TypeReader::read_core_storage_type() {
  const auto next = in_.peek_u8();
  if (next == 0x78 || next == 0x77) {  // packed i8, i16
    in_.read_u8("a packed type");
  } else {
    read_core_value_type();
  }
  const std::size_t start = in_.offset();
  const std::uint8_t mut = in_.read_u8("a mutability flag");
  if (in_.ok() && mut > 0x01)
    in_.fail_at(start, "expected a mutability flag, found " + hex_byte(mut));
}

void TypeReader::read_core_value_type() {
  const std::size_t start = in_.offset();
  const std::uint8_t code = in_.read_u8("a core value type");
  if (!in_.ok()) return;
  if (code >= 0x7b && code <= 0x7f) return;  // i32 i64 f32 f64 v128
  if (is_abstract_heap_type(code)) return;   // funcref, externref and the like
  if (code == 0x63 || code == 0x64) {        // (ref null ht), (ref ht)
    read_core_heap_type();
    return;
  }
  in_.fail_at(start, "expected a core value type, found " + hex_byte(code));
}

void TypeReader::read_core_heap_type() {
  const std::size_t start = in_.offset();
  if (in_.peek_u8() == 0x65) {  // shared
    in_.read_u8("0x65");
    const std::uint8_t code = in_.read_u8("an abstract heap type");
    if (in_.ok() && !is_abstract_heap_type(code)) {
      in_.fail_at(start + 1, "expected an abstract heap type, found " + hex_byte(code));
    }
    return;
  }
  const std::int64_t value = in_.read_s33("heap type");
  if (!in_.ok() || value >= 0) return;
  if (value < -0x40 || !is_abstract_heap_type(static_cast<std::uint8_t>(value + 0x80))) {
    in_.fail_at(start, "expected a heap type, found " + std::to_string(value));
  }
}

void TypeReader::read_core_module_type(int depth) {
  check_depth(depth);
  const std::uint32_t count = in_.read_count("module type declaration count");
  for (std::uint32_t i = 0; i < count && in_.ok(); ++i) {
    const std::size_t start = in_.offset();
    const std::uint8_t tag = in_.read_u8("a module type declaration");
    switch (tag) {
      case 0x00:
        in_.read_name("core import module name");
        in_.read_name("core import name");
        read_core_extern_type();
        break;
      case 0x01:
        read_core_type(depth);
        break;
      case 0x02: {
        const std::uint8_t sort = in_.read_u8("0x10 (type)");
        const std::uint8_t outer = in_.read_u8("0x01 (outer)");
        if (in_.ok() && (sort != 0x10 || outer != 0x01)) {
          in_.fail_at(start + 1, "expected 0x10 0x01 (outer type alias) in a module type");
        }
        in_.read_u32("outer count");
        in_.read_u32("outer index");
        break;
      }
      case 0x03:
        in_.read_name("core export name");
        read_core_extern_type();
        break;
      default:
        if (in_.ok()) {
          in_.fail_at(start,
                      "expected a module type declaration (0x00 to 0x03), found " + hex_byte(tag));
        }
    }
  }
}

void TypeReader::read_core_extern_type() {
  const std::size_t start = in_.offset();
  const std::uint8_t code = in_.read_u8("a core extern type");
  switch (code) {
    case 0x00:  // func
      in_.read_u32("function type index");
      return;
    case 0x01:  // table
      read_core_value_type();
      read_limits();
      return;
    case 0x02:  // memory
      read_limits();
      return;
    case 0x03: {  // global
      read_core_value_type();
      const std::size_t at = in_.offset();
      const std::uint8_t flags = in_.read_u8("a global's mutability");
      if (in_.ok() && flags > 0x03) {
        in_.fail_at(at, "expected a global's mutability (0x00 to 0x03), found " + hex_byte(flags));
      }
      return;
    }
    case 0x04: {  // tag
      const std::uint8_t attribute = in_.read_u8("a tag attribute");
      if (in_.ok() && attribute != 0x00) {
        in_.fail_at(start + 1, "expected tag attribute 0x00, found " + hex_byte(attribute));
      }
      in_.read_u32("tag type index");
      return;
    }
    default:
      if (in_.ok())
        in_.fail_at(start, "expected a core extern type (0x00 to 0x04), found " + hex_byte(code));
  }
}

// Core limits: a flags byte (bit 0 has a maximum, bit 1 shared, bit 2 64-bit, bit 3 custom
// page size), the minimum, the maximum when present, then the page size's log2.
void TypeReader::read_limits() {
  const std::size_t start = in_.offset();
  const std::uint8_t flags = in_.read_u8("limits flags");
  if (!in_.ok()) return;
  if (flags > 0x0f) {
    in_.fail_at(start, "expected limits flags (0x00 to 0x0f), found " + hex_byte(flags));
    return;
  }
  const bool is64 = (flags & 0x04) != 0;
  auto read_bound = [&](std::string_view what) {
    if (is64) {
      in_.read_u64(what);
    } else {
      in_.read_u32(what);
    }
  };
  read_bound("minimum");
  if ((flags & 0x01) != 0) read_bound("maximum");
  if ((flags & 0x08) != 0) in_.read_u32("page size");
}

}  // namespace wreg::wasm
