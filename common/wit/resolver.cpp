#include "common/wit/resolver.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/text.h"
#include "common/wit/source_error.h"

namespace wreg::wit {
namespace {

struct ResolveFailure {
  Error error;
};

// A package to resolve: the top-level declarations of a group's files, or one nested block.
struct Unit {
  PackageName name;
  ast::Span name_span;
  const ast::File* name_file = nullptr;
  const ast::Docs* docs = nullptr;
  // Each file's declarations (a top-level list, or a nested block's), with its file.
  std::vector<std::pair<const ast::File*, const std::vector<ast::Decl>*>> decl_lists;
};

PackageName package_name_of(const ast::PackageName& name) {
  return PackageName{name.space, name.name, name.version};
}

// wit-parser's toposort: Kahn's algorithm that always takes the ready node written first.
// `deps[i]` lists the nodes i depends on. Returns the order; when there is a cycle, `cycle` is a
// node on it and the position in its deps of the next one.
struct Cycle {
  std::size_t node = 0;
  std::size_t dep = 0;
};

std::vector<std::size_t> toposort(const std::vector<std::vector<std::size_t>>& deps,
                                  std::optional<Cycle>& cycle) {
  const std::size_t count = deps.size();
  std::vector<std::size_t> remaining(count);
  std::vector<std::vector<std::size_t>> reverse(count);
  for (std::size_t i = 0; i < count; ++i) {
    remaining[i] = deps[i].size();
    for (std::size_t dep : deps[i]) reverse[dep].push_back(i);
  }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < count; ++i) {
    if (remaining[i] == 0) ready.push(i);
  }
  std::vector<std::size_t> order;
  while (!ready.empty()) {
    const std::size_t node = ready.top();
    ready.pop();
    order.push_back(node);
    for (std::size_t next : reverse[node]) {
      if (--remaining[next] == 0) ready.push(next);
    }
  }
  if (order.size() == count) return order;
  // A node left over depends on another left over; walking those links must repeat a node, and
  // the one it repeats is on the cycle.
  auto stuck_dep = [&](std::size_t node) {
    std::size_t k = 0;
    while (remaining[deps[node][k]] == 0) ++k;
    return k;
  };
  std::size_t node = 0;
  while (remaining[node] == 0) ++node;
  std::vector<bool> seen(count, false);
  while (!seen[node]) {
    seen[node] = true;
    node = deps[node][stuck_dep(node)];
  }
  cycle = Cycle{node, stuck_dep(node)};
  return order;
}

// What a name in an interface's or world's scope is.
struct ScopeEntry {
  bool is_type = true;
  std::uint32_t type = kNone;  // is_type
  std::string what;            // otherwise: "function"
};

// The names of one interface or world, in the order they were defined, indexed.
class NameScope {
 public:
  bool add(const std::string& name, ScopeEntry entry) {
    if (!index_.emplace(name, entries_.size()).second) return false;
    entries_.emplace_back(name, std::move(entry));
    return true;
  }
  const ScopeEntry* find(const std::string& name) const {
    const auto found = index_.find(name);
    return found == index_.end() ? nullptr : &entries_[found->second].second;
  }
  const std::vector<std::pair<std::string, ScopeEntry>>& entries() const { return entries_; }
  void clear() {
    entries_.clear();
    index_.clear();
  }

 private:
  std::vector<std::pair<std::string, ScopeEntry>> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

class UnitResolver {
 public:
  UnitResolver(Resolve& resolve, const ResolveOptions& options) : r_(resolve), options_(options) {}

  std::uint32_t resolve_unit(const Unit& unit);

 private:
  // An interface or a world of this unit, by name.
  struct LocalItem {
    bool is_interface = true;
    std::uint32_t id = kNone;
    ast::Span span;
    const ast::File* file = nullptr;
  };

  [[noreturn]] void fail_at(ast::Span span, const std::string& message) const {
    if (file_ == nullptr) throw ResolveFailure{Error{ErrorCode::kInvalidArgument, message}};
    throw ResolveFailure{source_error(message, file_->path, file_->text, span)};
  }

  // A record's fields, or a variant's, enum's or flags' cases, each named once (without regard
  // to case, as the component model compares names): the binary format refuses a repeat, so it
  // is caught here, at its place in the source.
  template <typename Named>
  void refuse_repeated_names(const std::vector<Named>& items, std::string_view what) const {
    std::unordered_set<std::string> seen;
    for (const Named& item : items) {
      if (!seen.insert(ascii_lowercase(item.name.name)).second) {
        fail_at(item.name.span,
                std::string(what) + " `" + item.name.name + "` is defined more than once");
      }
    }
  }

  bool active(const ast::Gate& gate) const {
    if (gate.kind != ast::Gate::Kind::kUnstable) return true;
    return options_.all_features || options_.features.contains(gate.version_or_feature);
  }

  static Stability stability_of(const ast::Gate& gate) {
    Stability stability;
    if (gate.kind == ast::Gate::Kind::kSince) stability.kind = Stability::Kind::kStable;
    if (gate.kind == ast::Gate::Kind::kUnstable) stability.kind = Stability::Kind::kUnstable;
    stability.since_or_feature = gate.version_or_feature;
    stability.deprecated = gate.deprecated;
    return stability;
  }

  static Docs docs_of(const ast::Docs& docs);

  // The interface a path names: of this unit, or of a package already resolved.
  std::uint32_t interface_of(const ast::UsePath& path);
  std::uint32_t world_of(const ast::UsePath& path);
  LocalItem local_item(const ast::Id& name) const;
  std::uint32_t foreign_package(const ast::PackageName& name) const;

  void resolve_interface(std::uint32_t id, const ast::Interface& ast);
  void resolve_interface_items(std::uint32_t id, const std::vector<ast::InterfaceItem>& items);
  void resolve_world(std::uint32_t id, const ast::World& ast);

  // wit-parser's resolve_types: `use`s first, then the definitions in dependency order.
  void resolve_types(Owner owner, const std::vector<const ast::Use*>& uses,
                     const std::vector<const ast::TypeDef*>& defs);
  void resolve_use(Owner owner, const ast::Use& use);
  void define(const ast::Id& name, ScopeEntry entry);
  std::uint32_t type_named(const ast::Id& name) const;
  std::uint32_t resource_named(const ast::Id& name) const;

  TypeDef type_def_of(const ast::TypeExpr& expr);
  Type resolve_type(const ast::TypeExpr& expr);
  Type intern(TypeDef def);
  Type own_handle(std::uint32_t id);
  Type borrow_handle(std::uint32_t id);
  bool points_to_resource(std::uint32_t id) const;
  Type reference(std::uint32_t id) {
    return points_to_resource(id) ? own_handle(id) : Type::of(id);
  }

  Function resolve_function(const ast::Docs& docs, const ast::Gate& gate, std::string name,
                            const ast::Func& func, Function::Kind kind, std::uint32_t resource);
  Function resolve_resource_function(const ast::ResourceFunc& func, const ast::Id& resource);
  WorldItem resolve_extern(const ast::WorldItem& item);

  void process_includes(std::uint32_t world, const std::vector<const ast::Include*>& includes);
  void elaborate_world(std::uint32_t world);

  Resolve& r_;
  const ResolveOptions& options_;
  const Unit* unit_ = nullptr;
  const ast::File* file_ = nullptr;
  std::uint32_t package_ = kNone;
  std::map<std::string, LocalItem> package_items_;
  // Per file of the unit: its top-level names (items, and `use`d interfaces).
  std::map<const ast::File*, std::map<std::string, LocalItem>> file_items_;
  NameScope scope_;  // the interface or world being read
  std::map<std::uint32_t, NameScope> interface_scopes_;
  std::map<std::string, std::uint32_t> anonymous_;
  std::map<std::uint32_t, std::uint32_t> own_handles_;
  std::map<std::uint32_t, std::uint32_t> borrow_handles_;
  std::map<std::uint32_t, std::vector<const ast::Include*>> world_includes_;
};

Docs UnitResolver::docs_of(const ast::Docs& docs) {
  std::vector<std::string> lines;
  for (const std::string& comment : docs.comments) {
    std::string_view text = comment;
    if (text.starts_with("/**")) {
      text.remove_prefix(3);
      if (text.ends_with("*/")) text.remove_suffix(2);
    } else {
      while (text.starts_with('/')) text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
      text.remove_suffix(1);
    }
    lines.emplace_back(text);
  }
  Docs out;
  if (lines.empty()) return out;
  std::size_t common = SIZE_MAX;
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    std::size_t spaces = 0;
    while (spaces < line.size() && std::isspace(static_cast<unsigned char>(line[spaces]))) {
      ++spaces;
    }
    common = std::min(common, spaces);
  }
  std::string contents;
  for (std::string& line : lines) {
    if (common != SIZE_MAX && common > 0 &&
        line.compare(0, common, std::string(common, ' ')) == 0) {
      line.erase(0, common);
    }
    if (line.empty()) {
      contents += '\n';
      continue;
    }
    std::string_view rest = line;
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      std::string_view piece = rest.substr(0, end);
      if (piece.ends_with('\r')) piece.remove_suffix(1);
      contents.append(piece);
      contents += '\n';
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }
  while (contents.ends_with('\n')) contents.pop_back();
  out.contents = std::move(contents);
  return out;
}

std::uint32_t UnitResolver::foreign_package(const ast::PackageName& name) const {
  const PackageName wanted = package_name_of(name);
  std::string known;
  for (std::uint32_t i = 0; i < r_.packages.size(); ++i) {
    if (r_.packages[i].name == wanted) return i;
    if (r_.packages[i].name.space == wanted.space && r_.packages[i].name.name == wanted.name) {
      known += (known.empty() ? "" : ", ") + r_.packages[i].name.to_string();
    }
  }
  const std::string add = "wreg add " + wanted.to_string();
  if (known.empty()) {
    fail_at(name.span, "package '" + wanted.to_string() + "' not found; fetch it into wit/deps/ (" +
                           add + ")");
  }
  fail_at(name.span, "package '" + wanted.to_string() + "' not found, but " + known +
                         " is at hand; use that version in the WIT, or fetch this one (" + add +
                         ")");
}

UnitResolver::LocalItem UnitResolver::local_item(const ast::Id& name) const {
  const auto& names = file_items_.at(file_);
  if (auto found = names.find(name.name); found != names.end()) return found->second;
  if (auto found = package_items_.find(name.name); found != package_items_.end()) {
    return found->second;
  }
  fail_at(name.span, "interface or world `" + name.name + "` does not exist");
}

std::uint32_t UnitResolver::interface_of(const ast::UsePath& path) {
  if (path.package) {
    const std::uint32_t package = foreign_package(*path.package);
    for (const auto& [name, id] : r_.packages[package].interfaces) {
      if (name == path.item.name) return id;
    }
    fail_at(path.item.span, "interface '" + path.item.name + "' not found in package '" +
                                r_.packages[package].name.to_string() + "'");
  }
  const LocalItem item = local_item(path.item);
  if (!item.is_interface) {
    fail_at(path.item.span,
            "name `" + path.item.name + "` is defined as a world, not an interface");
  }
  return item.id;
}

std::uint32_t UnitResolver::world_of(const ast::UsePath& path) {
  if (path.package) {
    const std::uint32_t package = foreign_package(*path.package);
    for (const auto& [name, id] : r_.packages[package].worlds) {
      if (name == path.item.name) return id;
    }
    fail_at(path.item.span, "world '" + path.item.name + "' not found in package '" +
                                r_.packages[package].name.to_string() + "'");
  }
  const LocalItem item = local_item(path.item);
  if (item.is_interface) {
    fail_at(path.item.span,
            "name `" + path.item.name + "` is defined as an interface, not a world");
  }
  return item.id;
}

void UnitResolver::define(const ast::Id& name, ScopeEntry entry) {
  if (!scope_.add(name.name, std::move(entry))) {
    fail_at(name.span, "name `" + name.name + "` is defined more than once");
  }
}

std::uint32_t UnitResolver::type_named(const ast::Id& name) const {
  if (const ScopeEntry* entry = scope_.find(name.name)) {
    if (!entry->is_type) fail_at(name.span, "type `" + name.name + "` does not exist");
    return entry->type;
  }
  std::string message = "type `" + name.name + "` does not exist";
  if (name.name == "float32" || name.name == "float64") {
    message += "\nthe `" + name.name + "` type has been renamed to `" +
               (name.name == "float32" ? "f32" : "f64") + "`";
  }
  fail_at(name.span, message);
}

bool UnitResolver::points_to_resource(std::uint32_t id) const {
  for (int steps = 0; steps < 1000; ++steps) {
    const TypeDef& def = r_.types[id];
    if (def.kind == TypeDef::Kind::kResource) return true;
    if (def.kind != TypeDef::Kind::kAlias || !def.first || !def.first->is_id()) return false;
    id = def.first->id;
  }
  return false;
}

std::uint32_t UnitResolver::resource_named(const ast::Id& name) const {
  const std::uint32_t id = type_named(name);
  if (!points_to_resource(id)) {
    fail_at(name.span, "type `" + name.name + "` used in a handle must be a resource");
  }
  return id;
}

Type UnitResolver::intern(TypeDef def) {
  const std::string key = structural_key(def);
  if (auto found = anonymous_.find(key); found != anonymous_.end()) return Type::of(found->second);
  const auto id = static_cast<std::uint32_t>(r_.types.size());
  r_.types.push_back(std::move(def));
  anonymous_.emplace(key, id);
  return Type::of(id);
}

Type UnitResolver::own_handle(std::uint32_t id) {
  auto [found, inserted] = own_handles_.try_emplace(id, 0);
  if (inserted) {
    TypeDef def;
    def.kind = TypeDef::Kind::kOwn;
    def.resource = id;
    found->second = static_cast<std::uint32_t>(r_.types.size());
    r_.types.push_back(std::move(def));
  }
  return Type::of(found->second);
}

Type UnitResolver::borrow_handle(std::uint32_t id) {
  auto [found, inserted] = borrow_handles_.try_emplace(id, 0);
  if (inserted) {
    TypeDef def;
    def.kind = TypeDef::Kind::kBorrow;
    def.resource = id;
    found->second = static_cast<std::uint32_t>(r_.types.size());
    r_.types.push_back(std::move(def));
  }
  return Type::of(found->second);
}

Type primitive(ast::TypeExpr::Kind kind) {
  using K = ast::TypeExpr::Kind;
  switch (kind) {
    case K::kBool:
      return Type{Type::Kind::kBool, kNone};
    case K::kU8:
      return Type{Type::Kind::kU8, kNone};
    case K::kU16:
      return Type{Type::Kind::kU16, kNone};
    case K::kU32:
      return Type{Type::Kind::kU32, kNone};
    case K::kU64:
      return Type{Type::Kind::kU64, kNone};
    case K::kS8:
      return Type{Type::Kind::kS8, kNone};
    case K::kS16:
      return Type{Type::Kind::kS16, kNone};
    case K::kS32:
      return Type{Type::Kind::kS32, kNone};
    case K::kS64:
      return Type{Type::Kind::kS64, kNone};
    case K::kF32:
      return Type{Type::Kind::kF32, kNone};
    case K::kF64:
      return Type{Type::Kind::kF64, kNone};
    case K::kChar:
      return Type{Type::Kind::kChar, kNone};
    case K::kString:
      return Type{Type::Kind::kString, kNone};
    case K::kErrorContext:
      return Type{Type::Kind::kErrorContext, kNone};
    default:
      return Type{Type::Kind::kId, kNone};
  }
}

// A type definition's kind from a type expression (wit-parser's resolve_type_def).
TypeDef UnitResolver::type_def_of(const ast::TypeExpr& expr) {
  using K = ast::TypeExpr::Kind;
  TypeDef def;
  auto arg = [&](std::size_t i) -> const ast::TypeExpr& {
    if (i >= expr.args.size()) fail_at(expr.span, "expected a type argument");
    return expr.args[i];
  };
  switch (expr.kind) {
    case K::kName:
      def.kind = TypeDef::Kind::kAlias;
      def.first = Type::of(type_named(expr.name));
      return def;
    case K::kList:
      def.kind = TypeDef::Kind::kList;
      def.first = resolve_type(arg(0));
      return def;
    case K::kFixedList:
      def.kind = TypeDef::Kind::kFixedList;
      def.first = resolve_type(arg(0));
      def.length = expr.length;
      return def;
    case K::kMap: {
      def.kind = TypeDef::Kind::kMap;
      def.first = resolve_type(arg(0));
      def.second = resolve_type(arg(1));
      if (def.first->is_id() || def.first->kind == Type::Kind::kF32 ||
          def.first->kind == Type::Kind::kF64 || def.first->kind == Type::Kind::kErrorContext) {
        fail_at(expr.span,
                "invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, "
                "s64, char, or string");
      }
      return def;
    }
    case K::kOwn:
      def.kind = TypeDef::Kind::kOwn;
      def.resource = resource_named(expr.name);
      return def;
    case K::kBorrow:
      def.kind = TypeDef::Kind::kBorrow;
      def.resource = resource_named(expr.name);
      return def;
    case K::kTuple:
      def.kind = TypeDef::Kind::kTuple;
      for (const ast::TypeExpr& element : expr.args) def.types.push_back(resolve_type(element));
      return def;
    case K::kOption:
      def.kind = TypeDef::Kind::kOption;
      def.first = resolve_type(arg(0));
      return def;
    case K::kResult: {
      def.kind = TypeDef::Kind::kResult;
      std::size_t next = 0;
      if (expr.has_ok) def.first = resolve_type(arg(next++));
      if (expr.has_err) def.second = resolve_type(arg(next));
      return def;
    }
    case K::kFuture:
    case K::kStream:
      def.kind = expr.kind == K::kFuture ? TypeDef::Kind::kFuture : TypeDef::Kind::kStream;
      if (!expr.args.empty()) def.first = resolve_type(expr.args.front());
      return def;
    default:
      def.kind = TypeDef::Kind::kAlias;
      def.first = primitive(expr.kind);
      return def;
  }
}

Type UnitResolver::resolve_type(const ast::TypeExpr& expr) {
  using K = ast::TypeExpr::Kind;
  switch (expr.kind) {
    case K::kName:
      return reference(type_named(expr.name));
    case K::kOwn:
      return own_handle(resource_named(expr.name));
    case K::kBorrow:
      return borrow_handle(resource_named(expr.name));
    default:
      break;
  }
  TypeDef def = type_def_of(expr);
  if (def.kind == TypeDef::Kind::kAlias) return *def.first;
  return intern(std::move(def));
}

void UnitResolver::resolve_use(Owner owner, const ast::Use& use) {
  const std::uint32_t from = interface_of(use.from);
  const Stability stability = stability_of(use.gate);
  for (const auto& [name, as] : use.names) {
    std::uint32_t target = kNone;
    bool found_other = false;
    if (auto scope = interface_scopes_.find(from); scope != interface_scopes_.end()) {
      if (const ScopeEntry* entry = scope->second.find(name.name)) {
        if (!entry->is_type) {
          fail_at(name.span, "cannot import " + entry->what + " `" + name.name + "`");
        }
        target = entry->type;
      }
    } else {
      target = r_.interfaces[from].type_named(name.name);
      found_other = r_.interfaces[from].function_named(name.name) != nullptr;
    }
    if (target == kNone) {
      if (found_other) fail_at(name.span, "cannot import function `" + name.name + "`");
      fail_at(name.span, "name `" + name.name + "` does not exist");
    }
    const ast::Id& local = as ? *as : name;
    TypeDef def;
    def.kind = TypeDef::Kind::kAlias;
    def.first = Type::of(target);
    def.name = local.name;
    def.owner = owner;
    def.stability = stability;
    const auto id = static_cast<std::uint32_t>(r_.types.size());
    r_.types.push_back(std::move(def));
    define(local, ScopeEntry{true, id, {}});
  }
}

void UnitResolver::resolve_types(Owner owner, const std::vector<const ast::Use*>& uses,
                                 const std::vector<const ast::TypeDef*>& defs) {
  for (const ast::Use* use : uses) resolve_use(owner, *use);
  // Dependencies between the definitions (and the names `use` brought, which have none).
  std::vector<std::string> names;
  std::vector<const ast::TypeDef*> by_index;
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& [name, entry] : scope_.entries()) {
    index.emplace(name, names.size());
    names.push_back(name);
    by_index.push_back(nullptr);
  }
  for (const ast::TypeDef* def : defs) {
    if (auto [found, added] = index.emplace(def->name.name, names.size());
        !added && by_index[found->second] != nullptr) {
      fail_at(def->name.span, "name `" + def->name.name + "` is defined more than once");
    } else if (!added) {
      found->second = names.size();
    }
    names.push_back(def->name.name);
    by_index.push_back(def);
  }
  auto index_of = [&](const ast::Id& id) -> std::size_t {
    if (auto found = index.find(id.name); found != index.end()) return found->second;
    fail_at(id.span, "type `" + id.name + "` does not exist");
  };
  std::vector<std::vector<std::size_t>> deps(names.size());
  std::vector<std::vector<const ast::Id*>> dep_ids(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (by_index[i] == nullptr) continue;
    std::vector<const ast::TypeExpr*> pending;
    const ast::TypeDef& def = *by_index[i];
    for (const ast::Field& field : def.fields) pending.push_back(&field.type);
    for (const ast::Case& c : def.cases) {
      if (c.type) pending.push_back(&*c.type);
    }
    if (def.alias) pending.push_back(&*def.alias);
    while (!pending.empty()) {
      const ast::TypeExpr* expr = pending.back();
      pending.pop_back();
      if (expr->kind == ast::TypeExpr::Kind::kName || expr->kind == ast::TypeExpr::Kind::kOwn ||
          expr->kind == ast::TypeExpr::Kind::kBorrow) {
        deps[i].push_back(index_of(expr->name));
        dep_ids[i].push_back(&expr->name);
      }
      for (const ast::TypeExpr& inner : expr->args) pending.push_back(&inner);
    }
  }
  std::optional<Cycle> cycle;
  const std::vector<std::size_t> order = toposort(deps, cycle);
  if (cycle) {
    const ast::Id& at = *dep_ids[cycle->node][cycle->dep];
    fail_at(at.span, "type `" + at.name + "` depends on itself");
  }
  for (std::size_t position : order) {
    const ast::TypeDef* def = by_index[position];
    if (def == nullptr) continue;
    TypeDef made;
    switch (def->kind) {
      case ast::TypeDef::Kind::kRecord:
        made.kind = TypeDef::Kind::kRecord;
        refuse_repeated_names(def->fields, "field");
        for (const ast::Field& field : def->fields) {
          made.items.push_back(
              NamedItem{field.name.name, resolve_type(field.type), docs_of(field.docs)});
        }
        break;
      case ast::TypeDef::Kind::kVariant:
      case ast::TypeDef::Kind::kEnum:
      case ast::TypeDef::Kind::kFlags:
        made.kind = def->kind == ast::TypeDef::Kind::kVariant ? TypeDef::Kind::kVariant
                    : def->kind == ast::TypeDef::Kind::kEnum  ? TypeDef::Kind::kEnum
                                                              : TypeDef::Kind::kFlags;
        refuse_repeated_names(def->cases,
                              def->kind == ast::TypeDef::Kind::kFlags ? "flag" : "case");
        for (const ast::Case& c : def->cases) {
          std::optional<Type> type;
          if (c.type) type = resolve_type(*c.type);
          made.items.push_back(NamedItem{c.name.name, type, docs_of(c.docs)});
        }
        break;
      case ast::TypeDef::Kind::kResource:
        made.kind = TypeDef::Kind::kResource;
        break;
      case ast::TypeDef::Kind::kAlias:
        made = type_def_of(*def->alias);
        break;
    }
    made.name = def->name.name;
    made.owner = owner;
    made.docs = docs_of(def->docs);
    made.stability = stability_of(def->gate);
    const auto id = static_cast<std::uint32_t>(r_.types.size());
    r_.types.push_back(std::move(made));
    define(def->name, ScopeEntry{true, id, {}});
  }
}

Function UnitResolver::resolve_function(const ast::Docs& docs, const ast::Gate& gate,
                                        std::string name, const ast::Func& func,
                                        Function::Kind kind, std::uint32_t resource) {
  Function out;
  out.name = std::move(name);
  out.kind = kind;
  out.resource = resource;
  out.is_async = func.is_async;
  out.docs = docs_of(docs);
  out.stability = stability_of(gate);
  if (kind == Function::Kind::kMethod) out.params.push_back(Param{"self", borrow_handle(resource)});
  std::unordered_set<std::string> param_names;
  for (const Param& implicit : out.params) param_names.insert(implicit.name);
  for (const ast::Field& param : func.params) {
    if (!param_names.insert(ascii_lowercase(param.name.name)).second) {
      fail_at(param.name.span, "param `" + param.name.name + "` is defined more than once");
    }
    out.params.push_back(Param{param.name.name, resolve_type(param.type)});
  }
  if (kind == Function::Kind::kConstructor) {
    if (!func.result) {
      out.result = own_handle(resource);
    } else {
      out.result = resolve_type(*func.result);
      const TypeDef* result = out.result->is_id() ? &r_.types[out.result->id] : nullptr;
      const bool own_self =
          result != nullptr && result->kind == TypeDef::Kind::kOwn && result->resource == resource;
      const bool result_self = result != nullptr && result->kind == TypeDef::Kind::kResult &&
                               result->first && result->first->is_id() &&
                               r_.types[result->first->id].kind == TypeDef::Kind::kOwn &&
                               r_.types[result->first->id].resource == resource;
      if (!own_self && !result_self) {
        fail_at(func.result->span,
                "if a constructor return type is declared it must be a `result<T, E>`, where `T` "
                "is the resource being constructed");
      }
    }
  } else if (func.result) {
    out.result = resolve_type(*func.result);
  }
  return out;
}

Function UnitResolver::resolve_resource_function(const ast::ResourceFunc& func,
                                                 const ast::Id& resource) {
  const std::uint32_t id = type_named(resource);
  switch (func.kind) {
    case ast::ResourceFunc::Kind::kMethod:
      return resolve_function(func.docs, func.gate,
                              "[method]" + resource.name + "." + func.name.name, func.func,
                              Function::Kind::kMethod, id);
    case ast::ResourceFunc::Kind::kStatic:
      return resolve_function(func.docs, func.gate,
                              "[static]" + resource.name + "." + func.name.name, func.func,
                              Function::Kind::kStatic, id);
    case ast::ResourceFunc::Kind::kConstructor:
      break;
  }
  return resolve_function(func.docs, func.gate, "[constructor]" + resource.name, func.func,
                          Function::Kind::kConstructor, id);
}

void UnitResolver::resolve_interface_items(std::uint32_t id,
                                           const std::vector<ast::InterfaceItem>& items) {
  std::vector<const ast::Use*> uses;
  std::vector<const ast::TypeDef*> defs;
  for (const ast::InterfaceItem& item : items) {
    if (item.kind == ast::InterfaceItem::Kind::kUse && active(item.use.gate))
      uses.push_back(&item.use);
    if (item.kind == ast::InterfaceItem::Kind::kType && active(item.type.gate))
      defs.push_back(&item.type);
  }
  scope_.clear();
  const Owner owner{Owner::Kind::kInterface, id};
  resolve_types(owner, uses, defs);
  for (const auto& [name, entry] : scope_.entries()) r_.interfaces[id].add_type(name, entry.type);
  std::vector<Function> functions;
  for (const ast::InterfaceItem& item : items) {
    if (item.kind == ast::InterfaceItem::Kind::kFunc) {
      if (!active(item.func.gate)) continue;
      define(item.func.name, ScopeEntry{false, kNone, "function"});
      functions.push_back(resolve_function(item.func.docs, item.func.gate, item.func.name.name,
                                           item.func.func, Function::Kind::kFreestanding, kNone));
    } else if (item.kind == ast::InterfaceItem::Kind::kType &&
               item.type.kind == ast::TypeDef::Kind::kResource && active(item.type.gate)) {
      for (const ast::ResourceFunc& func : item.type.functions) {
        if (active(func.gate)) functions.push_back(resolve_resource_function(func, item.type.name));
      }
    }
  }
  for (Function& function : functions) {
    const std::string name = function.name;
    if (!r_.interfaces[id].add_function(std::move(function))) {
      fail_at(ast::Span{}, "function `" + name + "` is defined more than once");
    }
  }
  interface_scopes_[id] = std::move(scope_);
  scope_.clear();
}

void UnitResolver::resolve_interface(std::uint32_t id, const ast::Interface& ast) {
  r_.interfaces[id].docs = docs_of(ast.docs);
  r_.interfaces[id].stability = stability_of(ast.gate);
  resolve_interface_items(id, ast.items);
}

WorldItem UnitResolver::resolve_extern(const ast::WorldItem& item) {
  const ast::Extern& ext = item.extern_item;
  WorldItem out;
  switch (ext.kind) {
    case ast::Extern::Kind::kInterface: {
      const auto id = static_cast<std::uint32_t>(r_.interfaces.size());
      Interface inline_interface;
      inline_interface.package = package_;
      r_.interfaces.push_back(std::move(inline_interface));
      auto saved = std::move(scope_);
      r_.interfaces[id].docs = docs_of(item.docs);
      r_.interfaces[id].stability = stability_of(item.gate);
      resolve_interface_items(id, ext.items);
      scope_ = std::move(saved);
      out.kind = WorldItem::Kind::kInterface;
      out.name = ext.label.name;
      out.id = id;
      out.stability = r_.interfaces[id].stability;
      return out;
    }
    case ast::Extern::Kind::kPath:
    case ast::Extern::Kind::kNamedPath:
      out.kind = WorldItem::Kind::kInterface;
      out.id = interface_of(ext.path);
      out.keyed_by_interface = ext.kind == ast::Extern::Kind::kPath;
      if (!out.keyed_by_interface) out.name = ext.label.name;
      out.docs = docs_of(item.docs);
      out.stability = stability_of(item.gate);
      return out;
    case ast::Extern::Kind::kFunc:
      out.kind = WorldItem::Kind::kFunction;
      out.name = ext.label.name;
      out.function = resolve_function(item.docs, item.gate, ext.label.name, ext.func,
                                      Function::Kind::kFreestanding, kNone);
      return out;
  }
  return out;
}

void UnitResolver::resolve_world(std::uint32_t id, const ast::World& ast) {
  r_.worlds[id].docs = docs_of(ast.docs);
  r_.worlds[id].stability = stability_of(ast.gate);
  std::vector<const ast::Use*> uses;
  std::vector<const ast::TypeDef*> defs;
  std::vector<const ast::Include*> includes;
  for (const ast::WorldItem& item : ast.items) {
    if (item.kind == ast::WorldItem::Kind::kUse && active(item.use.gate)) uses.push_back(&item.use);
    if (item.kind == ast::WorldItem::Kind::kType && active(item.type.gate))
      defs.push_back(&item.type);
    if (item.kind == ast::WorldItem::Kind::kInclude && active(item.include.gate)) {
      includes.push_back(&item.include);
    }
  }
  scope_.clear();
  resolve_types(Owner{Owner::Kind::kWorld, id}, uses, defs);
  world_includes_[id] = includes;
  for (const auto& [name, entry] : scope_.entries()) {
    WorldItem type;
    type.kind = WorldItem::Kind::kType;
    type.name = name;
    type.id = entry.type;
    r_.worlds[id].imports.push_back(std::move(type));
  }
  std::vector<std::uint32_t> imported;
  std::vector<std::uint32_t> exported;
  for (const ast::WorldItem& item : ast.items) {
    if (item.kind == ast::WorldItem::Kind::kType &&
        item.type.kind == ast::TypeDef::Kind::kResource && active(item.type.gate)) {
      for (const ast::ResourceFunc& func : item.type.functions) {
        if (!active(func.gate)) continue;
        WorldItem function;
        function.kind = WorldItem::Kind::kFunction;
        function.function = resolve_resource_function(func, item.type.name);
        function.name = function.function.name;
        r_.worlds[id].imports.push_back(std::move(function));
      }
      continue;
    }
    if (item.kind != ast::WorldItem::Kind::kImport && item.kind != ast::WorldItem::Kind::kExport) {
      continue;
    }
    if (!active(item.gate)) continue;
    const bool is_import = item.kind == ast::WorldItem::Kind::kImport;
    WorldItem resolved = resolve_extern(item);
    std::vector<WorldItem>& items = is_import ? r_.worlds[id].imports : r_.worlds[id].exports;
    const std::string desc = is_import ? "import" : "export";
    if (resolved.keyed_by_interface) {
      auto& seen = is_import ? imported : exported;
      if (std::find(seen.begin(), seen.end(), resolved.id) != seen.end()) {
        fail_at(item.extern_item.path.span, "interface cannot be " + desc + "ed more than once");
      }
      seen.push_back(resolved.id);
    } else {
      for (const WorldItem& existing : items) {
        if (!existing.keyed_by_interface && existing.name == resolved.name) {
          const char* prior = existing.kind == WorldItem::Kind::kInterface  ? "interface"
                              : existing.kind == WorldItem::Kind::kFunction ? "func"
                                                                            : "type";
          fail_at(
              item.extern_item.label.span,
              desc + " `" + resolved.name + "` conflicts with prior " + prior + " of same name");
        }
      }
    }
    items.push_back(std::move(resolved));
  }
  scope_.clear();
}

void UnitResolver::process_includes(std::uint32_t world,
                                    const std::vector<const ast::Include*>& includes) {
  for (const ast::Include* include : includes) {
    const std::uint32_t from = world_of(include->from);
    const World included = r_.worlds[from];  // a copy: items are added to r_.worlds below
    std::vector<std::pair<const ast::Id*, const ast::Id*>> renames;
    for (const auto& [name, as] : include->with) renames.emplace_back(&name, &as);
    for (const auto& [name, as] : renames) {
      bool found = false;
      for (const auto* items : {&included.imports, &included.exports}) {
        for (const WorldItem& item : *items) {
          if (!item.keyed_by_interface && item.name == name->name) found = true;
        }
      }
      if (!found) {
        fail_at(name->span, "no import or export kebab-name `" + name->name +
                                "`. Note that an ID does not support renaming");
      }
    }
    auto merge = [&](const std::vector<WorldItem>& source, bool imports) {
      for (const WorldItem& item : source) {
        std::vector<WorldItem>& target =
            imports ? r_.worlds[world].imports : r_.worlds[world].exports;
        if (item.keyed_by_interface) {
          if (std::none_of(target.begin(), target.end(),
                           [&](const WorldItem& existing) { return existing.same_key(item); })) {
            target.push_back(item);
          }
          continue;
        }
        WorldItem copy = item;
        for (const auto& [name, as] : renames) {
          if (name->name == item.name) copy.name = as->name;
        }
        if (copy.kind == WorldItem::Kind::kFunction) copy.function.name = copy.name;
        if (copy.kind == WorldItem::Kind::kType) {
          TypeDef type = r_.types[item.id];
          type.name = copy.name;
          type.owner = Owner{Owner::Kind::kWorld, world};
          copy.id = static_cast<std::uint32_t>(r_.types.size());
          r_.types.push_back(std::move(type));
        }
        for (const WorldItem& existing : target) {
          if (existing.same_key(copy)) {
            const std::string kind = imports ? "import" : "export";
            fail_at(include->span,
                    kind + " of `" + copy.name + "` shadows previously " + kind + "ed items");
          }
        }
        target.push_back(std::move(copy));
      }
    };
    merge(included.imports, true);
    merge(included.exports, false);
  }
}

void UnitResolver::elaborate_world(std::uint32_t world_id) {
  auto sort_key = [&](const WorldItem& item) {
    switch (item.kind) {
      case WorldItem::Kind::kInterface:
        return 0;
      case WorldItem::Kind::kType: {
        const TypeDef& type = r_.types[item.id];
        if (type.kind == TypeDef::Kind::kAlias && type.first && type.first->is_id() &&
            r_.types[type.first->id].owner != type.owner) {
          return 1;
        }
        return 2;
      }
      case WorldItem::Kind::kFunction:
        return item.function.resource == kNone ? 3 : 4;
    }
    return 0;
  };
  auto sorted = [&](std::vector<WorldItem> items) {
    std::stable_sort(items.begin(), items.end(), [&](const WorldItem& a, const WorldItem& b) {
      return sort_key(a) < sort_key(b);
    });
    return items;
  };
  std::vector<WorldItem> imports;
  auto contains = [](const std::vector<WorldItem>& items, const WorldItem& key) {
    return std::any_of(items.begin(), items.end(),
                       [&](const WorldItem& item) { return item.same_key(key); });
  };
  auto interface_key = [](std::uint32_t id, const Stability& stability) {
    WorldItem item;
    item.kind = WorldItem::Kind::kInterface;
    item.keyed_by_interface = true;
    item.id = id;
    item.stability = stability;
    return item;
  };
  std::function<void(WorldItem)> import_interface = [&](WorldItem item) {
    if (contains(imports, item)) return;
    for (std::uint32_t dep : r_.interface_direct_deps(item.id)) {
      import_interface(interface_key(dep, item.stability));
    }
    imports.push_back(std::move(item));
  };
  for (const WorldItem& item : sorted(r_.worlds[world_id].imports)) {
    if (item.kind == WorldItem::Kind::kInterface) {
      import_interface(item);
    } else if (item.kind == WorldItem::Kind::kFunction) {
      imports.push_back(item);
    } else {
      if (const std::uint32_t used = r_.interface_used_by(item.id); used != kNone) {
        import_interface(interface_key(used, r_.types[item.id].stability));
      }
      imports.push_back(item);
    }
  }
  std::vector<WorldItem> exports;
  std::vector<WorldItem> export_interfaces;
  for (const WorldItem& item : r_.worlds[world_id].exports) {
    (item.kind == WorldItem::Kind::kInterface ? export_interfaces : exports).push_back(item);
  }
  std::set<std::uint32_t> required_imports;
  std::function<bool(const WorldItem&, bool)> add_export = [&](const WorldItem& item,
                                                               bool export_it) -> bool {
    if (contains(exports, item)) return export_it;
    if (!export_it && required_imports.contains(item.id)) return true;
    for (std::uint32_t dep : r_.interface_direct_deps(item.id)) {
      WorldItem dep_item = interface_key(dep, item.stability);
      if (!add_export(dep_item, export_it && contains(export_interfaces, dep_item))) return false;
    }
    if (export_it) {
      if (required_imports.contains(item.id)) return false;
      exports.push_back(item);
    } else {
      required_imports.insert(item.id);
      if (!contains(imports, item)) imports.push_back(item);
    }
    return true;
  };
  for (const WorldItem& item : export_interfaces) {
    if (!add_export(item, true)) {
      const std::string name = item.keyed_by_interface
                                   ? r_.packages[r_.interfaces[item.id].package].name.to_string() +
                                         "/" + r_.interfaces[item.id].name.value_or("")
                                   : item.name;
      fail_at(ast::Span{},
              "interface `" + name + "` transitively depends on an interface in incompatible ways");
    }
  }
  r_.worlds[world_id].imports = sorted(std::move(imports));
  r_.worlds[world_id].exports = std::move(exports);
}

std::uint32_t UnitResolver::resolve_unit(const Unit& unit) {
  unit_ = &unit;
  package_ = static_cast<std::uint32_t>(r_.packages.size());
  for (const Package& existing : r_.packages) {
    if (existing.name == unit.name) {
      file_ = unit.name_file;
      fail_at(unit.name_span,
              "package `" + unit.name.to_string() + "` is defined in two different locations");
    }
  }
  // Every interface and world of the package, and what each file calls them.
  struct Named {
    std::string name;
    bool is_interface;
    const void* ast;
    const ast::File* file;
    ast::Span span;
  };
  std::vector<Named> items;
  for (const auto& [file, decls] : unit.decl_lists) {
    file_ = file;
    for (const ast::Decl& decl : *decls) {
      if (decl.kind == ast::Decl::Kind::kUse) continue;
      const bool is_interface = decl.kind == ast::Decl::Kind::kInterface;
      if (is_interface ? !active(decl.interface.gate) : !active(decl.world.gate)) continue;
      const ast::Id& name = is_interface ? decl.interface.name : decl.world.name;
      for (const Named& existing : items) {
        if (existing.name == name.name)
          fail_at(name.span, "duplicate item named `" + name.name + "`");
      }
      items.push_back(Named{name.name, is_interface,
                            is_interface ? static_cast<const void*>(&decl.interface)
                                         : static_cast<const void*>(&decl.world),
                            file, name.span});
    }
  }
  auto index_of = [&](const std::string& name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].name == name) return i;
    }
    return std::nullopt;
  };
  // Each file's own names: its items, and its top-level `use`s.
  std::map<const ast::File*, std::map<std::string, std::pair<bool, std::string>>> file_names;
  for (const auto& [file, decls] : unit.decl_lists) {
    file_ = file;
    auto& names = file_names[file];
    for (const ast::Decl& decl : *decls) {
      if (decl.kind == ast::Decl::Kind::kUse) {
        const ast::Id& name = decl.use.as ? *decl.use.as : decl.use.item.item;
        if (!names
                 .emplace(name.name, std::make_pair(decl.use.item.package.has_value(),
                                                    decl.use.item.item.name))
                 .second) {
          fail_at(name.span, "duplicate name `" + name.name + "` in this file");
        }
      } else {
        const ast::Id& name =
            decl.kind == ast::Decl::Kind::kInterface ? decl.interface.name : decl.world.name;
        names.emplace(name.name, std::make_pair(false, name.name));
      }
    }
  }
  // The order: an item after the items of this package it uses.
  std::vector<std::vector<std::size_t>> deps(items.size());
  std::vector<std::vector<const ast::Id*>> dep_names(items.size());
  auto add_dep = [&](std::size_t from, const ast::UsePath& path) {
    if (path.package) return;
    const auto& names = file_names[items[from].file];
    std::string target = path.item.name;
    if (auto found = names.find(target); found != names.end()) {
      if (found->second.first) return;  // a foreign interface named at the top level
      target = found->second.second;
    }
    auto index = index_of(target);
    if (!index) {
      file_ = items[from].file;
      fail_at(path.item.span, "interface or world `" + path.item.name + "` does not exist");
    }
    deps[from].push_back(*index);
    dep_names[from].push_back(&path.item);
  };
  std::function<void(std::size_t, const std::vector<ast::InterfaceItem>&)> interface_paths =
      [&](std::size_t from, const std::vector<ast::InterfaceItem>& body) {
        for (const ast::InterfaceItem& item : body) {
          if (item.kind == ast::InterfaceItem::Kind::kUse && active(item.use.gate)) {
            add_dep(from, item.use.from);
          }
        }
      };
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].is_interface) {
      interface_paths(i, static_cast<const ast::Interface*>(items[i].ast)->items);
      continue;
    }
    for (const ast::WorldItem& item : static_cast<const ast::World*>(items[i].ast)->items) {
      switch (item.kind) {
        case ast::WorldItem::Kind::kUse:
          if (active(item.use.gate)) add_dep(i, item.use.from);
          break;
        case ast::WorldItem::Kind::kInclude:
          if (active(item.include.gate)) add_dep(i, item.include.from);
          break;
        case ast::WorldItem::Kind::kImport:
        case ast::WorldItem::Kind::kExport:
          if (!active(item.gate)) break;
          if (item.extern_item.kind == ast::Extern::Kind::kPath ||
              item.extern_item.kind == ast::Extern::Kind::kNamedPath) {
            add_dep(i, item.extern_item.path);
          } else if (item.extern_item.kind == ast::Extern::Kind::kInterface) {
            interface_paths(i, item.extern_item.items);
          }
          break;
        case ast::WorldItem::Kind::kType:
          break;
      }
    }
  }
  std::optional<Cycle> cycle;
  const std::vector<std::size_t> order = toposort(deps, cycle);
  if (cycle) {
    file_ = items[cycle->node].file;
    const ast::Id& at = *dep_names[cycle->node][cycle->dep];
    fail_at(at.span, "interface or world `" + at.name + "` depends on itself");
  }
  // Allocate in that order, then read each.
  Package package;
  package.name = unit.name;
  if (unit.docs != nullptr) package.docs = docs_of(*unit.docs);
  r_.packages.push_back(package);
  std::vector<std::pair<std::size_t, std::uint32_t>> allocated;
  for (std::size_t index : order) {
    LocalItem local{items[index].is_interface, kNone, items[index].span, items[index].file};
    if (items[index].is_interface) {
      local.id = static_cast<std::uint32_t>(r_.interfaces.size());
      Interface interface;
      interface.name = items[index].name;
      interface.package = package_;
      r_.interfaces.push_back(std::move(interface));
      r_.packages[package_].interfaces.emplace_back(items[index].name, local.id);
    } else {
      local.id = static_cast<std::uint32_t>(r_.worlds.size());
      World world;
      world.name = items[index].name;
      world.package = package_;
      r_.worlds.push_back(std::move(world));
      r_.packages[package_].worlds.emplace_back(items[index].name, local.id);
    }
    package_items_[items[index].name] = local;
    allocated.emplace_back(index, local.id);
  }
  for (const auto& [file, decls] : unit.decl_lists) {
    file_ = file;
    auto& names = file_items_[file];
    for (const ast::Decl& decl : *decls) {
      if (decl.kind != ast::Decl::Kind::kUse) continue;
      const ast::Id& name = decl.use.as ? *decl.use.as : decl.use.item.item;
      LocalItem item;
      item.is_interface = true;
      item.id = interface_of(decl.use.item);
      names[name.name] = item;
    }
  }
  for (const auto& [index, id] : allocated) {
    if (!items[index].is_interface) continue;
    file_ = items[index].file;
    resolve_interface(id, *static_cast<const ast::Interface*>(items[index].ast));
  }
  for (const auto& [index, id] : allocated) {
    if (items[index].is_interface) continue;
    file_ = items[index].file;
    resolve_world(id, *static_cast<const ast::World*>(items[index].ast));
  }
  for (const auto& [index, id] : allocated) {
    if (items[index].is_interface) continue;
    file_ = items[index].file;
    process_includes(id, world_includes_[id]);
    elaborate_world(id);
  }
  return package_;
}

// The units of one group: its top-level package, then each nested block.
std::vector<Unit> units_of(const SourceGroup& group) {
  std::vector<Unit> units;
  Unit top;
  for (const ast::File* file : group) {
    if (file->package) {
      const PackageName name = package_name_of(*file->package);
      if (top.name_file != nullptr && !(top.name == name)) {
        throw ResolveFailure{source_error("package identifier `" + name.to_string() +
                                              "` does not match previous package name of `" +
                                              top.name.to_string() + "`",
                                          file->path, file->text, file->package->span)};
      }
      if (top.name_file == nullptr) {
        top.name = name;
        top.name_span = file->package->span;
        top.name_file = file;
      }
      if (!file->package_docs.comments.empty()) top.docs = &file->package_docs;
    }
    top.decl_lists.emplace_back(file, &file->decls);
  }
  if (top.name_file == nullptr) {
    const std::string path = group.empty() ? std::string("the WIT folder") : group.front()->path;
    throw ResolveFailure{Error{ErrorCode::kInvalidArgument,
                               escaped(path) +
                                   ": no `package` header was found in any WIT file for this "
                                   "package; add one, e.g. `package my:pkg@0.1.0;`"}};
  }
  units.push_back(std::move(top));
  for (const ast::File* file : group) {
    for (const ast::NestedPackage& nested : file->nested) {
      Unit unit;
      unit.name = package_name_of(nested.name);
      unit.name_span = nested.name.span;
      unit.name_file = file;
      unit.docs = &nested.docs;
      unit.decl_lists.emplace_back(file, &nested.decls);
      units.push_back(std::move(unit));
    }
  }
  return units;
}

// The packages a unit names in its paths.
std::vector<PackageName> packages_used(const Unit& unit) {
  std::vector<PackageName> used;
  auto add = [&](const ast::UsePath& path) {
    if (path.package) used.push_back(package_name_of(*path.package));
  };
  auto add_body = [&](const std::vector<ast::InterfaceItem>& body) {
    for (const ast::InterfaceItem& item : body) {
      if (item.kind == ast::InterfaceItem::Kind::kUse) add(item.use.from);
    }
  };
  for (const auto& [file, decls] : unit.decl_lists) {
    for (const ast::Decl& decl : *decls) {
      if (decl.kind == ast::Decl::Kind::kUse) add(decl.use.item);
      if (decl.kind == ast::Decl::Kind::kInterface) add_body(decl.interface.items);
      if (decl.kind != ast::Decl::Kind::kWorld) continue;
      for (const ast::WorldItem& item : decl.world.items) {
        if (item.kind == ast::WorldItem::Kind::kUse) add(item.use.from);
        if (item.kind == ast::WorldItem::Kind::kInclude) add(item.include.from);
        if (item.kind == ast::WorldItem::Kind::kImport ||
            item.kind == ast::WorldItem::Kind::kExport) {
          add(item.extern_item.path);
          add_body(item.extern_item.items);
        }
      }
    }
  }
  return used;
}

}  // namespace

Result<Resolved> resolve_groups(const std::vector<SourceGroup>& groups,
                                const ResolveOptions& options) {
  try {
    // Dependencies first, the package being built last, as wit-parser pushes a folder's deps/
    // before the folder: a package the others need is at hand when they are resolved, and the
    // order among packages that need nothing of each other is the one they were given in.
    std::vector<Unit> units;
    for (std::size_t g = 1; g <= groups.size(); ++g) {
      for (Unit& unit : units_of(groups[g % groups.size()])) units.push_back(std::move(unit));
    }
    std::size_t main_unit = 0;
    for (std::size_t g = 1; g < groups.size(); ++g) main_unit += units_of(groups[g]).size();
    if (units.empty()) return fail(ErrorCode::kInvalidArgument, "no WIT files to build");
    std::vector<std::vector<std::size_t>> deps(units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
      for (const PackageName& used : packages_used(units[i])) {
        for (std::size_t j = 0; j < units.size(); ++j) {
          if (j != i && units[j].name == used) deps[i].push_back(j);
        }
      }
    }
    std::optional<Cycle> cycle;
    const std::vector<std::size_t> order = toposort(deps, cycle);
    if (cycle) {
      const Unit& unit = units[cycle->node];
      return source_error("package `" + unit.name.to_string() +
                              "` creates a dependency cycle; move the interfaces both packages "
                              "use into a package of their own",
                          unit.name_file->path, unit.name_file->text, unit.name_span);
    }
    Resolved resolved;
    for (std::size_t index : order) {
      UnitResolver resolver(resolved.resolve, options);
      const std::uint32_t id = resolver.resolve_unit(units[index]);
      if (index == main_unit) resolved.package = id;
    }
    return resolved;
  } catch (const ResolveFailure& failure) {
    return failure.error;
  }
}

}  // namespace wreg::wit
