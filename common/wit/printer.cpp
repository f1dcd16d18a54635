#include "common/wit/printer.h"

#include <map>
#include <set>
#include <string_view>

namespace wreg::wit {
namespace {

struct PrintFailure {
  std::string message;
};

[[noreturn]] void fail_print(std::string message) { throw PrintFailure{std::move(message)}; }

// Words WIT reserves; a name that is one is written with a `%` before it.
bool is_keyword(std::string_view name) {
  static const std::set<std::string_view> kKeywords = {
      "use",         "type",          "func",     "u8",     "u16",     "u32",     "u64",
      "s8",          "s16",           "s32",      "s64",    "f32",     "f64",     "float32",
      "float64",     "char",          "resource", "record", "flags",   "variant", "enum",
      "bool",        "string",        "option",   "result", "future",  "stream",  "list",
      "own",         "borrow",        "_",        "as",     "from",    "static",  "interface",
      "tuple",       "world",         "import",   "export", "package", "with",    "include",
      "constructor", "error-context", "async",    "map"};
  return kKeywords.contains(name);
}

// The text being written, with the indentation state of wit-component's OutputToString.
class Output {
 public:
  std::string take() { return std::move(text_); }

  void str(std::string_view text) {
    indent_if_needed();
    text_ += text;
  }
  void name(std::string_view text) {
    indent_if_needed();
    if (is_keyword(text)) text_ += '%';
    text_ += text;
  }
  void push(std::string_view text) { text_ += text; }
  void newline() {
    text_ += '\n';
    needs_indent_ = true;
  }
  void semicolon() {
    text_ += ';';
    newline();
  }
  void indent_start() {
    text_ += " {";
    ++indent_;
    newline();
  }
  void indent_end() {
    if (indent_ > 0) --indent_;
    indent_if_needed();
    text_ += '}';
    newline();
  }
  void doc(std::string_view line) {
    indent_if_needed();
    text_ += "///";
    if (!line.empty()) {
      text_ += ' ';
      text_ += line;
    }
    newline();
  }

 private:
  void indent_if_needed() {
    if (!needs_indent_) return;
    text_.append(2 * indent_, ' ');
    needs_indent_ = false;
  }

  std::string text_;
  std::size_t indent_ = 0;
  bool needs_indent_ = false;
};

const char* primitive_name(Type::Kind kind) {
  switch (kind) {
    case Type::Kind::kBool:
      return "bool";
    case Type::Kind::kU8:
      return "u8";
    case Type::Kind::kU16:
      return "u16";
    case Type::Kind::kU32:
      return "u32";
    case Type::Kind::kU64:
      return "u64";
    case Type::Kind::kS8:
      return "s8";
    case Type::Kind::kS16:
      return "s16";
    case Type::Kind::kS32:
      return "s32";
    case Type::Kind::kS64:
      return "s64";
    case Type::Kind::kF32:
      return "f32";
    case Type::Kind::kF64:
      return "f64";
    case Type::Kind::kChar:
      return "char";
    case Type::Kind::kString:
      return "string";
    case Type::Kind::kErrorContext:
      return "error-context";
    case Type::Kind::kId:
      break;
  }
  return "";
}

class Printer {
 public:
  explicit Printer(const Resolve& resolve) : resolve_(resolve) {}

  std::string print(std::uint32_t id) {
    const Package& package = resolve_.packages[id];
    docs(package.docs);
    out_.str("package ");
    out_.name(package.name.space);
    out_.str(":");
    out_.name(package.name.name);
    if (!package.name.version.empty()) out_.str("@" + package.name.version);
    out_.semicolon();
    out_.newline();
    for (const auto& [name, interface] : package.interfaces) {
      docs(resolve_.interfaces[interface].docs);
      stability(resolve_.interfaces[interface].stability);
      out_.str("interface ");
      out_.name(name);
      out_.indent_start();
      print_interface(interface);
      out_.indent_end();
      out_.newline();
    }
    for (const auto& [name, world] : package.worlds) {
      docs(resolve_.worlds[world].docs);
      stability(resolve_.worlds[world].stability);
      out_.str("world ");
      out_.name(name);
      out_.indent_start();
      print_world(world);
      out_.indent_end();
    }
    return out_.take();
  }

 private:
  using ResourceFunctions = std::map<std::uint32_t, std::vector<const Function*>>;

  void new_item() {
    if (any_items_) out_.newline();
    any_items_ = true;
  }

  void docs(const Docs& docs) {
    if (!docs.contents) return;
    // Rust's str::lines(): split at '\n', drop one '\r' before it, no empty last line.
    std::string_view text = *docs.contents;
    while (!text.empty()) {
      const std::size_t end = text.find('\n');
      std::string_view line = text.substr(0, end);
      if (line.ends_with('\r')) line.remove_suffix(1);
      out_.doc(line);
      if (end == std::string_view::npos) break;
      text.remove_prefix(end + 1);
    }
  }

  void stability(const Stability& stability) {
    if (stability.kind == Stability::Kind::kUnknown) return;
    if (stability.kind == Stability::Kind::kStable) {
      out_.str("@since(version = " + stability.since_or_feature + ")");
    } else {
      out_.str("@unstable(feature = " + stability.since_or_feature + ")");
    }
    out_.newline();
    if (!stability.deprecated.empty()) {
      out_.str("@deprecated(version = " + stability.deprecated + ")");
      out_.newline();
    }
  }

  void print_interface(std::uint32_t id) {
    const bool previous = std::exchange(any_items_, false);
    const Interface& interface = resolve_.interfaces[id];
    ResourceFunctions resource_functions;
    std::vector<const Function*> freestanding;
    for (const Function& function : interface.functions) {
      if (function.resource != kNone) {
        resource_functions[function.resource].push_back(&function);
      } else {
        freestanding.push_back(&function);
      }
    }
    print_types(Owner{Owner::Kind::kInterface, id}, interface.types, resource_functions);
    for (const Function* function : freestanding) {
      new_item();
      docs(function->docs);
      stability(function->stability);
      out_.name(function->item_name());
      out_.str(": ");
      print_function(*function);
      out_.semicolon();
    }
    any_items_ = previous;
  }

  std::uint32_t package_of(Owner owner) const {
    return owner.kind == Owner::Kind::kInterface ? resolve_.interfaces[owner.id].package
                                                 : resolve_.worlds[owner.id].package;
  }

  void print_types(Owner owner, const std::vector<std::pair<std::string, std::uint32_t>>& types,
                   const ResourceFunctions& resource_functions) {
    struct Use {
      std::uint32_t interface;
      const TypeDef* type;
      std::vector<std::pair<std::string, std::string>> names;  // local name, its name there
    };
    std::vector<std::uint32_t> to_declare;
    std::vector<Use> uses;
    for (const auto& [name, id] : types) {
      const TypeDef& type = resolve_.types[id];
      if (type.kind == TypeDef::Kind::kAlias && type.first && type.first->is_id()) {
        const TypeDef& other = resolve_.types[type.first->id];
        if (other.owner.kind == Owner::Kind::kInterface && other.owner != owner) {
          if (!other.name) fail_print("a use of a type without a name");
          if (!uses.empty() && uses.back().interface == other.owner.id &&
              uses.back().type->stability == type.stability) {
            uses.back().names.emplace_back(name, *other.name);
          } else {
            uses.push_back(Use{other.owner.id, &type, {{name, *other.name}}});
          }
          continue;
        }
      }
      to_declare.push_back(id);
    }
    const std::uint32_t my_package = package_of(owner);
    for (const Use& use : uses) {
      any_items_ = true;
      stability(use.type->stability);
      out_.str("use ");
      print_path_to_interface(use.interface, my_package);
      out_.str(".{");
      for (std::size_t i = 0; i < use.names.size(); ++i) {
        if (i > 0) out_.str(", ");
        const auto& [mine, theirs] = use.names[i];
        out_.name(theirs);
        if (mine != theirs) {
          out_.str(" as ");
          out_.name(mine);
        }
      }
      out_.str("}");
      out_.semicolon();
    }
    static const std::vector<const Function*> kNoFunctions;
    for (std::uint32_t id : to_declare) {
      new_item();
      const TypeDef& type = resolve_.types[id];
      docs(type.docs);
      stability(type.stability);
      if (type.kind == TypeDef::Kind::kResource) {
        const auto found = resource_functions.find(id);
        print_resource(type, found == resource_functions.end() ? kNoFunctions : found->second);
      } else {
        declare_type(type);
      }
    }
  }

  void print_resource(const TypeDef& type, const std::vector<const Function*>& functions) {
    out_.str("resource ");
    out_.name(type.name.value_or(""));
    if (functions.empty()) return out_.semicolon();
    out_.indent_start();
    for (const Function* function : functions) {
      docs(function->docs);
      stability(function->stability);
      if (function->kind == Function::Kind::kMethod) {
        out_.name(function->item_name());
        out_.str(": ");
      } else if (function->kind == Function::Kind::kStatic) {
        out_.name(function->item_name());
        out_.str(": static ");
      }
      print_function(*function);
      out_.semicolon();
    }
    out_.indent_end();
  }

  bool is_constructor_shorthand(const Function& function) const {
    if (function.kind != Function::Kind::kConstructor || !function.result ||
        !function.result->is_id()) {
      return false;
    }
    const TypeDef& result = resolve_.types[function.result->id];
    return result.kind == TypeDef::Kind::kOwn && result.resource == function.resource;
  }

  void print_function(const Function& function) {
    if (function.is_async) out_.str("async ");
    out_.str(function.kind == Function::Kind::kConstructor ? "constructor(" : "func(");
    const std::size_t skip = function.kind == Function::Kind::kMethod ? 1 : 0;
    for (std::size_t i = skip; i < function.params.size(); ++i) {
      if (i > skip) out_.str(", ");
      out_.name(function.params[i].name);
      out_.str(": ");
      print_type_name(function.params[i].type);
    }
    out_.str(")");
    if (is_constructor_shorthand(function)) return;
    if (function.result) {
      out_.str(" -> ");
      print_type_name(*function.result);
    }
  }

  void print_world(std::uint32_t id) {
    const bool previous = std::exchange(any_items_, false);
    const World& world = resolve_.worlds[id];
    std::vector<std::pair<std::string, std::uint32_t>> types;
    ResourceFunctions resource_functions;
    std::vector<const WorldItem*> function_imports;
    for (const WorldItem& import : world.imports) {
      if (import.kind == WorldItem::Kind::kType) {
        types.emplace_back(import.name, import.id);
      } else if (import.kind == WorldItem::Kind::kFunction) {
        if (import.function.resource != kNone) {
          resource_functions[import.function.resource].push_back(&import.function);
        } else {
          function_imports.push_back(&import);
        }
      } else {
        print_world_item(import, world.package, "import");
        any_items_ = true;
      }
    }
    print_types(Owner{Owner::Kind::kWorld, id}, types, resource_functions);
    for (const WorldItem* import : function_imports) {
      print_world_item(*import, world.package, "import");
      any_items_ = true;
    }
    if (!world.exports.empty()) new_item();
    for (const WorldItem& exported : world.exports) {
      print_world_item(exported, world.package, "export");
    }
    any_items_ = previous;
  }

  void print_world_item(const WorldItem& item, std::uint32_t package, std::string_view keyword) {
    if (item.kind == WorldItem::Kind::kInterface) {
      if (item.docs.contents) {
        docs(item.docs);
      } else if (!item.keyed_by_interface) {
        docs(resolve_.interfaces[item.id].docs);
      }
      stability(item.stability);
    } else {
      docs(item.function.docs);
      stability(item.function.stability);
    }
    out_.str(keyword);
    out_.str(" ");
    if (item.keyed_by_interface) {
      print_path_to_interface(item.id, package);
      return out_.semicolon();
    }
    out_.name(item.name);
    out_.str(": ");
    if (item.kind == WorldItem::Kind::kFunction) {
      print_function(item.function);
      return out_.semicolon();
    }
    if (!resolve_.interfaces[item.id].name) {
      out_.str("interface");
      out_.indent_start();
      print_interface(item.id);
      out_.indent_end();
    } else {
      print_path_to_interface(item.id, package);
      out_.semicolon();
    }
  }

  void print_path_to_interface(std::uint32_t id, std::uint32_t current_package) {
    const Interface& interface = resolve_.interfaces[id];
    if (interface.package == current_package) return out_.name(interface.name.value_or(""));
    const PackageName& package = resolve_.packages[interface.package].name;
    out_.name(package.space);
    out_.str(":");
    out_.name(package.name);
    out_.str("/");
    out_.name(interface.name.value_or(""));
    if (!package.version.empty()) out_.str("@" + package.version);
  }

  void print_optional_payload(std::string_view keyword, const std::optional<Type>& payload) {
    out_.str(keyword);
    if (!payload) return;
    out_.push("<");
    print_type_name(*payload);
    out_.push(">");
  }

  void print_type_name(const Type& type) {
    if (!type.is_id()) return out_.str(primitive_name(type.kind));
    const TypeDef& def = resolve_.types[type.id];
    if (def.name) return out_.name(*def.name);
    switch (def.kind) {
      case TypeDef::Kind::kOwn:
      case TypeDef::Kind::kBorrow:
        return print_handle(def, false);
      case TypeDef::Kind::kTuple:
        return print_tuple(def);
      case TypeDef::Kind::kOption:
        out_.str("option");
        out_.push("<");
        print_type_name(*def.first);
        return out_.push(">");
      case TypeDef::Kind::kResult:
        return print_result(def);
      case TypeDef::Kind::kList:
        out_.str("list");
        out_.push("<");
        print_type_name(*def.first);
        return out_.push(">");
      case TypeDef::Kind::kFixedList:
        out_.str("list");
        out_.push("<");
        print_type_name(*def.first);
        out_.push(", " + std::to_string(def.length));
        return out_.push(">");
      case TypeDef::Kind::kMap:
        out_.str("map");
        out_.push("<");
        print_type_name(*def.first);
        out_.str(", ");
        print_type_name(*def.second);
        return out_.push(">");
      case TypeDef::Kind::kAlias:
        return print_type_name(*def.first);
      case TypeDef::Kind::kFuture:
        return print_optional_payload("future", def.first);
      case TypeDef::Kind::kStream:
        return print_optional_payload("stream", def.first);
      default:
        fail_print("a record, variant, enum, flags or resource type without a name");
    }
  }

  void print_handle(const TypeDef& handle, bool force_own) {
    const TypeDef& resource = resolve_.types[handle.resource];
    if (!resource.name) fail_print("a handle to a resource without a name");
    if (handle.kind == TypeDef::Kind::kBorrow) {
      out_.str("borrow");
      out_.push("<");
      out_.name(*resource.name);
      return out_.push(">");
    }
    if (force_own) {
      out_.str("own");
      out_.push("<");
    }
    out_.name(*resource.name);
    if (force_own) out_.push(">");
  }

  void print_tuple(const TypeDef& def) {
    out_.str("tuple");
    out_.push("<");
    for (std::size_t i = 0; i < def.types.size(); ++i) {
      if (i > 0) out_.str(", ");
      print_type_name(def.types[i]);
    }
    out_.push(">");
  }

  void print_result(const TypeDef& def) {
    out_.str("result");
    if (!def.first && !def.second) return;
    out_.push("<");
    if (def.first) {
      print_type_name(*def.first);
    } else {
      out_.str("_");
    }
    if (def.second) {
      out_.str(", ");
      print_type_name(*def.second);
    }
    out_.push(">");
  }

  // `type NAME = ` before an alias-like declaration.
  void type_equals(const TypeDef& def) {
    out_.str("type ");
    out_.name(*def.name);
    out_.str(" = ");
  }

  void print_items(const TypeDef& def, std::string_view keyword, bool typed) {
    out_.str(keyword);
    out_.str(" ");
    out_.name(*def.name);
    out_.indent_start();
    for (const NamedItem& item : def.items) {
      docs(item.docs);
      out_.name(item.name);
      if (def.kind == TypeDef::Kind::kRecord) {
        out_.str(": ");
        print_type_name(*item.type);
      } else if (typed && item.type) {
        out_.str("(");
        print_type_name(*item.type);
        out_.str(")");
      }
      out_.str(",");
      out_.newline();
    }
    out_.indent_end();
  }

  void declare_type(const TypeDef& def) {
    if (!def.name) fail_print("a type without a name in an interface");
    switch (def.kind) {
      case TypeDef::Kind::kOwn:
      case TypeDef::Kind::kBorrow:
        type_equals(def);
        print_handle(def, true);
        return out_.semicolon();
      case TypeDef::Kind::kRecord:
        return print_items(def, "record", true);
      case TypeDef::Kind::kVariant:
        return print_items(def, "variant", true);
      case TypeDef::Kind::kFlags:
        return print_items(def, "flags", false);
      case TypeDef::Kind::kEnum:
        return print_items(def, "enum", false);
      case TypeDef::Kind::kTuple:
        type_equals(def);
        print_tuple(def);
        return out_.semicolon();
      case TypeDef::Kind::kOption:
        type_equals(def);
        out_.str("option");
        out_.push("<");
        print_type_name(*def.first);
        out_.push(">");
        return out_.semicolon();
      case TypeDef::Kind::kResult:
        type_equals(def);
        print_result(def);
        return out_.semicolon();
      case TypeDef::Kind::kList:
      case TypeDef::Kind::kFixedList:
        type_equals(def);
        out_.str("list");
        out_.str("<");
        print_type_name(*def.first);
        if (def.kind == TypeDef::Kind::kFixedList) out_.str(", " + std::to_string(def.length));
        out_.str(">");
        return out_.semicolon();
      case TypeDef::Kind::kMap:
        type_equals(def);
        out_.str("map");
        out_.str("<");
        print_type_name(*def.first);
        out_.str(", ");
        print_type_name(*def.second);
        out_.str(">");
        return out_.semicolon();
      case TypeDef::Kind::kAlias:
        type_equals(def);
        print_type_name(*def.first);
        return out_.semicolon();
      case TypeDef::Kind::kFuture:
      case TypeDef::Kind::kStream:
        type_equals(def);
        out_.str(def.kind == TypeDef::Kind::kFuture ? "future" : "stream");
        if (def.first) {
          out_.str("<");
          print_type_name(*def.first);
          out_.str(">");
        }
        return out_.semicolon();
      case TypeDef::Kind::kResource:
        fail_print("a resource where a type was expected");
    }
  }

  const Resolve& resolve_;
  Output out_;
  bool any_items_ = false;
};

}  // namespace

Result<std::string> print_package(const Resolve& resolve, std::uint32_t package) {
  try {
    return Printer(resolve).print(package);
  } catch (const PrintFailure& failure) {
    return fail(ErrorCode::kInvalidArgument,
                "cannot print this package as WIT: " + failure.message);
  }
}

}  // namespace wreg::wit
