#include "common/wit/package_docs.h"

#include <nlohmann/json.hpp>

#include "common/text.h"

namespace wreg::wit {
namespace {

using nlohmann::json;

struct DocsFailure {
  std::string message;
};

[[noreturn]] void fail_docs(std::string message) { throw DocsFailure{std::move(message)}; }

const json* member(const json& object, const char* key) {
  if (!object.is_object()) fail_docs("expected an object");
  const auto found = object.find(key);
  return found == object.end() || found->is_null() ? nullptr : &*found;
}

std::optional<std::string> text_of(const json* value) {
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) fail_docs("expected a string");
  return value->get<std::string>();
}

// serde's encoding of wit-parser's Stability: "unknown", {"stable": {"since", "deprecated"?}} or
// {"unstable": {"feature", "deprecated"?}}.
Stability stability_of(const json* value) {
  Stability stability;
  if (value == nullptr || (value->is_string() && *value == "unknown")) return stability;
  if (const json* stable = member(*value, "stable")) {
    stability.kind = Stability::Kind::kStable;
    stability.since_or_feature = text_of(member(*stable, "since")).value_or("");
    stability.deprecated = text_of(member(*stable, "deprecated")).value_or("");
  } else if (const json* unstable = member(*value, "unstable")) {
    stability.kind = Stability::Kind::kUnstable;
    stability.since_or_feature = text_of(member(*unstable, "feature")).value_or("");
    stability.deprecated = text_of(member(*unstable, "deprecated")).value_or("");
  } else {
    fail_docs("expected a stability");
  }
  return stability;
}

template <typename Each>
void for_each_entry(const json* map, Each each) {
  if (map == nullptr) return;
  if (!map->is_object()) fail_docs("expected an object");
  for (const auto& [name, value] : map->items()) each(name, value);
}

void inject_type(const json& data, TypeDef& type) {
  std::size_t unused = 0;
  for_each_entry(member(data, "items"), [&](const std::string& name, const json& docs) {
    ++unused;
    for (NamedItem& item : type.items) {
      if (item.name == name) {
        item.docs.contents = text_of(&docs);
        --unused;
      }
    }
  });
  if (unused != 0) fail_docs("docs for items type " + type.name.value_or("") + " does not have");
  if (auto docs = text_of(member(data, "docs"))) type.docs.contents = std::move(docs);
  type.stability = stability_of(member(data, "stability"));
}

void inject_function(const json& data, Function& function) {
  if (data.is_string() || data.is_null()) {  // the first format: docs alone
    function.docs.contents = text_of(data.is_null() ? nullptr : &data);
    return;
  }
  function.docs.contents = text_of(member(data, "docs"));
  function.stability = stability_of(member(data, "stability"));
}

void inject_interface(const json& data, std::uint32_t id, Resolve& resolve) {
  for_each_entry(member(data, "types"), [&](const std::string& name, const json& type) {
    const std::uint32_t found = resolve.interfaces[id].type_named(name);
    if (found == kNone) fail_docs("missing type " + name);
    inject_type(type, resolve.types[found]);
  });
  Interface& interface = resolve.interfaces[id];
  for_each_entry(member(data, "funcs"), [&](const std::string& name, const json& function) {
    Function* found = interface.function_named(name);
    if (found == nullptr) fail_docs("missing function " + name);
    inject_function(function, *found);
  });
  if (auto docs = text_of(member(data, "docs"))) interface.docs.contents = std::move(docs);
  interface.stability = stability_of(member(data, "stability"));
}

// wit-parser's name_world_key: the plain name, or `ns:pkg/item@version` for an interface.
std::string world_key_name(const WorldItem& item, const Resolve& resolve) {
  if (!item.keyed_by_interface) return item.name;
  return resolve.id_of_interface(item.id);
}

WorldItem* named_item(std::vector<WorldItem>& items, const std::string& name) {
  for (WorldItem& item : items) {
    if (!item.keyed_by_interface && item.name == name) return &item;
  }
  return nullptr;
}

void inject_world(const json& data, std::uint32_t id, Resolve& resolve) {
  auto interfaces = [&](const char* key, bool only_exports) {
    for_each_entry(member(data, key), [&](const std::string& name, const json& interface) {
      World& world = resolve.worlds[id];
      WorldItem* item = only_exports ? nullptr : named_item(world.imports, name);
      if (item == nullptr) item = named_item(world.exports, name);
      if (item == nullptr || item->kind != WorldItem::Kind::kInterface) {
        fail_docs("missing interface " + name);
      }
      item->stability = stability_of(member(interface, "stability"));
      inject_interface(interface, item->id, resolve);
    });
  };
  interfaces("interfaces", false);
  interfaces("interface_exports", true);
  for_each_entry(member(data, "types"), [&](const std::string& name, const json& type) {
    WorldItem* item = named_item(resolve.worlds[id].imports, name);
    if (item == nullptr || item->kind != WorldItem::Kind::kType) fail_docs("missing type " + name);
    inject_type(type, resolve.types[item->id]);
  });
  auto by_key = [&](const char* key, bool imports, auto apply) {
    for_each_entry(member(data, key), [&](const std::string& name, const json& value) {
      World& world = resolve.worlds[id];
      for (WorldItem& item : imports ? world.imports : world.exports) {
        if (item.kind == WorldItem::Kind::kInterface && world_key_name(item, resolve) == name) {
          apply(item, value);
          return;
        }
      }
      fail_docs("missing interface " + name);
    });
  };
  auto set_stability = [](WorldItem& item, const json& value) {
    item.stability = stability_of(&value);
  };
  auto set_docs = [](WorldItem& item, const json& value) { item.docs.contents = text_of(&value); };
  by_key("interface_import_stability", true, set_stability);
  by_key("interface_export_stability", false, set_stability);
  by_key("interface_import_docs", true, set_docs);
  by_key("interface_export_docs", false, set_docs);
  auto functions = [&](const char* key, bool only_exports) {
    for_each_entry(member(data, key), [&](const std::string& name, const json& function) {
      World& world = resolve.worlds[id];
      WorldItem* item = only_exports ? nullptr : named_item(world.imports, name);
      if (item == nullptr) item = named_item(world.exports, name);
      if (item == nullptr || item->kind != WorldItem::Kind::kFunction) {
        fail_docs("missing function " + name);
      }
      inject_function(function, item->function);
    });
  };
  functions("funcs", false);
  functions("func_exports", true);
  World& world = resolve.worlds[id];
  if (auto docs = text_of(member(data, "docs"))) world.docs.contents = std::move(docs);
  world.stability = stability_of(member(data, "stability"));
}

// Extraction: nlohmann's ordered_json keeps serde's field order.
using ordered = nlohmann::ordered_json;

bool is_unknown(const Stability& stability) { return stability.kind == Stability::Kind::kUnknown; }

ordered stability_json(const Stability& stability) {
  ordered inner = ordered::object();
  if (stability.kind == Stability::Kind::kStable) {
    inner["since"] = stability.since_or_feature;
  } else {
    inner["feature"] = stability.since_or_feature;
  }
  if (!stability.deprecated.empty()) inner["deprecated"] = stability.deprecated;
  ordered out = ordered::object();
  out[stability.kind == Stability::Kind::kStable ? "stable" : "unstable"] = std::move(inner);
  return out;
}

// docs and stability, the first members of every metadata object.
ordered docs_and_stability(const Docs& docs, const Stability& stability) {
  ordered out = ordered::object();
  if (docs.contents) out["docs"] = *docs.contents;
  if (!is_unknown(stability)) out["stability"] = stability_json(stability);
  return out;
}

ordered type_metadata(const TypeDef& type) {
  ordered out = docs_and_stability(type.docs, type.stability);
  ordered items = ordered::object();
  for (const NamedItem& item : type.items) {
    if (item.docs.contents) items[item.name] = *item.docs.contents;
  }
  if (!items.empty()) out["items"] = std::move(items);
  return out;
}

ordered interface_metadata(const Resolve& resolve, std::uint32_t id) {
  const Interface& interface = resolve.interfaces[id];
  ordered out = docs_and_stability(interface.docs, interface.stability);
  ordered funcs = ordered::object();
  for (const Function& function : interface.functions) {
    ordered data = docs_and_stability(function.docs, function.stability);
    if (!data.empty()) funcs[function.name] = std::move(data);
  }
  if (!funcs.empty()) out["funcs"] = std::move(funcs);
  ordered types = ordered::object();
  for (const auto& [name, type] : interface.types) {
    ordered data = type_metadata(resolve.types[type]);
    if (!data.empty()) types[name] = std::move(data);
  }
  if (!types.empty()) out["types"] = std::move(types);
  return out;
}

ordered world_metadata(const Resolve& resolve, std::uint32_t id) {
  const World& world = resolve.worlds[id];
  ordered out = docs_and_stability(world.docs, world.stability);
  ordered interfaces = ordered::object(), types = ordered::object(), funcs = ordered::object(),
          interface_exports = ordered::object(), func_exports = ordered::object(),
          import_stability = ordered::object(), export_stability = ordered::object(),
          import_docs = ordered::object(), export_docs = ordered::object();
  auto record = [&](const WorldItem& item, bool import) {
    const std::string name = world_key_name(item, resolve);
    if (!is_unknown(item.stability)) {
      (import ? import_stability : export_stability)[name] = stability_json(item.stability);
    }
    if (item.docs.contents) (import ? import_docs : export_docs)[name] = *item.docs.contents;
  };
  for (const bool import : {true, false}) {
    for (const WorldItem& item : import ? world.imports : world.exports) {
      if (item.keyed_by_interface ||
          (item.kind == WorldItem::Kind::kInterface && resolve.interfaces[item.id].name)) {
        if (item.kind == WorldItem::Kind::kInterface) record(item, import);
        continue;
      }
      if (item.kind == WorldItem::Kind::kInterface) {
        ordered data = interface_metadata(resolve, item.id);
        if (!data.empty()) (import ? interfaces : interface_exports)[item.name] = std::move(data);
      } else if (item.kind == WorldItem::Kind::kType) {
        ordered data = type_metadata(resolve.types[item.id]);
        if (!data.empty()) types[item.name] = std::move(data);
      } else {
        ordered data = docs_and_stability(item.function.docs, item.function.stability);
        if (!data.empty()) (import ? funcs : func_exports)[item.name] = std::move(data);
      }
    }
  }
  auto put = [&](const char* key, ordered& value) {
    if (!value.empty()) out[key] = std::move(value);
  };
  put("interfaces", interfaces);
  put("types", types);
  put("funcs", funcs);
  put("interface_exports", interface_exports);
  put("func_exports", func_exports);
  put("interface_import_stability", import_stability);
  put("interface_export_stability", export_stability);
  put("interface_import_docs", import_docs);
  put("interface_export_docs", export_docs);
  return out;
}

}  // namespace

std::vector<std::uint8_t> package_docs_section(const Resolve& resolve, std::uint32_t package) {
  const Package& pkg = resolve.packages[package];
  ordered data = ordered::object();
  if (pkg.docs.contents) data["docs"] = *pkg.docs.contents;
  ordered worlds = ordered::object();
  for (const auto& [name, id] : pkg.worlds) {
    ordered world = world_metadata(resolve, id);
    if (!world.empty()) worlds[name] = std::move(world);
  }
  if (!worlds.empty()) data["worlds"] = std::move(worlds);
  ordered interfaces = ordered::object();
  for (const auto& [name, id] : pkg.interfaces) {
    ordered interface = interface_metadata(resolve, id);
    if (!interface.empty()) interfaces[name] = std::move(interface);
  }
  if (!interfaces.empty()) data["interfaces"] = std::move(interfaces);
  const std::string text = data.dump();
  std::vector<std::uint8_t> out(text.size() + 1);
  out[0] = 1;  // the format's version
  std::copy(text.begin(), text.end(), out.begin() + 1);
  return out;
}

Result<void> inject_package_docs(std::span<const std::uint8_t> section, std::uint32_t package,
                                 Resolve& resolve) {
  auto refuse = [](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument,
                "the package-docs section is not valid: " + escaped(why));
  };
  if (section.empty() || section[0] > 1) {
    return refuse("expected version 0 or 1 first, found " +
                  (section.empty() ? std::string("nothing") : std::to_string(section[0])));
  }
  try {
    const json data = json::parse(section.begin() + 1, section.end());
    for_each_entry(member(data, "worlds"), [&](const std::string& name, const json& world) {
      for (const auto& [world_name, id] : resolve.packages[package].worlds) {
        if (world_name == name) return inject_world(world, id, resolve);
      }
      fail_docs("missing world " + name);
    });
    for_each_entry(member(data, "interfaces"), [&](const std::string& name, const json& value) {
      for (const auto& [interface_name, id] : resolve.packages[package].interfaces) {
        if (interface_name == name) return inject_interface(value, id, resolve);
      }
      fail_docs("missing interface " + name);
    });
    if (auto docs = text_of(member(data, "docs"))) {
      resolve.packages[package].docs.contents = std::move(docs);
    }
  } catch (const DocsFailure& failure) {
    return refuse(failure.message);
  } catch (const json::exception&) {
    return refuse("it is not JSON");
  }
  return {};
}

}  // namespace wreg::wit
