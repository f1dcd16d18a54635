#include "common/api/release_document.h"

#include <array>

#include "common/api/json_fields.h"
#include "common/api/json_value.h"
#include "common/text.h"

namespace wreg::api {
namespace {

using json::Fields;
using json::Json;

constexpr std::array kExternKinds = {wasm::ExternKind::kModule,    wasm::ExternKind::kFunc,
                                     wasm::ExternKind::kValue,     wasm::ExternKind::kType,
                                     wasm::ExternKind::kComponent, wasm::ExternKind::kInstance};

// The wasm-metadata fields, as the details object names them.
template <typename Metadata>  // wasm::Metadata, const or not
auto metadata_fields(Metadata& metadata) {
  using Slot = decltype(&metadata.authors);
  return std::array<std::pair<const char*, Slot>, 7>{{{"authors", &metadata.authors},
                                                      {"description", &metadata.description},
                                                      {"licenses", &metadata.licenses},
                                                      {"source", &metadata.source},
                                                      {"homepage", &metadata.homepage},
                                                      {"revision", &metadata.revision},
                                                      {"version", &metadata.version}}};
}

std::optional<std::string> label_problem(std::string_view text) {
  if (wasm::is_label(text)) return std::nullopt;
  return "has " + wreg::quoted(text) + ", which is not a kebab-case label";
}

// `ns:name` or `ns:name@version`, as PackageId::to_string() writes it.
Result<wasm::PackageId> parse_package_id(std::string_view text) {
  const auto at = text.find('@');
  auto name = PackageName::parse(text.substr(0, at));
  if (!name) return std::move(name).error();
  wasm::PackageId id{std::move(*name), std::nullopt};
  if (at != std::string_view::npos) {
    auto version = Version::parse(text.substr(at + 1));
    if (!version) return std::move(version).error();
    id.version = std::move(*version);
  }
  return id;
}

Result<std::vector<wasm::Extern>> read_externs(const Fields& fields, const char* key) {
  auto entries = fields.array(key);
  if (!entries) return std::move(entries).error();
  std::vector<wasm::Extern> externs;
  for (const Json* entry : *entries) {
    if (!entry->is_object()) {
      return fields.bad(std::string("\"") + key + "\" has an entry that is not an object");
    }
    const Fields item(*entry, fields.what(), fields.where() + " " + key + " entry");
    auto name = item.string("name");
    if (!name) return std::move(name).error();
    if (name->empty()) return item.bad("has an empty \"name\"");
    // A name with a ':' is an interface name, and must be a valid one.
    if (auto parsed = wasm::parse_interface_name(*name, ""); !parsed) {
      return item.bad("\"name\": " + parsed.error().message);
    }
    auto kind_text = item.string("kind");
    if (!kind_text) return std::move(kind_text).error();
    wasm::Extern out{std::move(*name), wasm::ExternKind::kInstance, ""};
    bool known = false;
    for (auto kind : kExternKinds) {
      if (*kind_text == wasm::to_string(kind)) {
        out.kind = kind;
        known = true;
      }
    }
    if (!known) return item.bad("has unknown kind " + wreg::quoted(*kind_text));
    auto type = item.optional_string("type");
    if (!type) return std::move(type).error();
    out.type = type->value_or("");
    externs.push_back(std::move(out));
  }
  return externs;
}

Result<ReleaseDetails> read_details(const Fields& fields) {
  ReleaseDetails details;
  auto binary_kind = fields.string("binary_kind");
  if (!binary_kind) return std::move(binary_kind).error();
  if (*binary_kind == wasm::to_string(wasm::BinaryKind::kWitPackage)) {
    details.binary_kind = wasm::BinaryKind::kWitPackage;
  } else if (*binary_kind == wasm::to_string(wasm::BinaryKind::kComponent)) {
    details.binary_kind = wasm::BinaryKind::kComponent;
  } else {
    return fields.bad("has unknown binary_kind " + wreg::quoted(*binary_kind));
  }
  auto imports = read_externs(fields, "imports");
  if (!imports) return std::move(imports).error();
  details.imports = std::move(*imports);
  auto exports = read_externs(fields, "exports");
  if (!exports) return std::move(exports).error();
  details.exports = std::move(*exports);
  auto worlds = fields.strings("worlds", label_problem);
  if (!worlds) return std::move(worlds).error();
  details.worlds = std::move(*worlds);
  auto interfaces = fields.strings("interfaces", label_problem);
  if (!interfaces) return std::move(interfaces).error();
  details.interfaces = std::move(*interfaces);

  auto packages = fields.strings("referenced_packages");
  if (!packages) return std::move(packages).error();
  for (const std::string& text : *packages) {
    auto id = parse_package_id(text);
    if (!id) return fields.bad("\"referenced_packages\": " + id.error().message);
    details.referenced_packages.push_back(std::move(*id));
  }

  auto producers = fields.object("producers");
  if (!producers) return std::move(producers).error();
  for (const auto& [field, values] : *producers) {
    const std::string where = "producers field " + wreg::quoted(field);
    if (!values->is_array()) return fields.bad(where + " is not a list");
    auto& list = details.producers[field];
    for (const Json& value : *values) {
      if (!value.is_object()) return fields.bad(where + " has a value that is not an object");
      const Fields entry(value, fields.what(), fields.where() + " " + where + " value");
      auto name = entry.string("name");
      if (!name) return std::move(name).error();
      auto version = entry.string("version");
      if (!version) return std::move(version).error();
      list.push_back(wasm::ProducerValue{std::move(*name), std::move(*version)});
    }
  }

  if (const Json* metadata = fields.find("metadata")) {
    if (!metadata->is_object()) return fields.bad("\"metadata\" is not an object");
    const Fields entry(*metadata, fields.what(), fields.where() + " metadata");
    for (auto [key, slot] : metadata_fields(details.metadata)) {
      auto value = entry.optional_string(key);
      if (!value) return std::move(value).error();
      *slot = std::move(*value);
    }
  }
  auto component_name = fields.optional_string("component_name");
  if (!component_name) return std::move(component_name).error();
  details.component_name = std::move(*component_name);
  auto docs = fields.boolean("has_package_docs", false);
  if (!docs) return std::move(docs).error();
  details.has_package_docs = *docs;
  return details;
}

Json externs_value(const std::vector<wasm::Extern>& externs) {
  Json out = Json::array();
  for (const auto& item : externs) {
    Json entry{{"name", item.name}, {"kind", wasm::to_string(item.kind)}};
    if (!item.type.empty()) entry["type"] = item.type;
    out.push_back(std::move(entry));
  }
  return out;
}

Json interfaces_value(const std::vector<wasm::InterfaceName>& names) {
  Json out = Json::array();
  for (const auto& name : names) out.push_back(name.to_string());
  return out;
}

}  // namespace

nlohmann::json json_value(const ReleaseDetails& details) {
  Json out = Json::object();
  out["binary_kind"] = wasm::to_string(details.binary_kind);
  out["imports"] = externs_value(details.imports);
  out["exports"] = externs_value(details.exports);
  out["worlds"] = details.worlds;
  out["interfaces"] = details.interfaces;
  Json packages = Json::array();
  for (const auto& id : details.referenced_packages) packages.push_back(id.to_string());
  out["referenced_packages"] = std::move(packages);
  Json producers = Json::object();
  for (const auto& [field, values] : details.producers) {
    Json list = Json::array();
    for (const auto& value : values)
      list.push_back({{"name", value.name}, {"version", value.version}});
    producers[field] = std::move(list);
  }
  out["producers"] = std::move(producers);
  Json metadata = Json::object();
  for (auto [key, value] : metadata_fields(details.metadata)) {
    if (*value) metadata[key] = **value;
  }
  out["metadata"] = std::move(metadata);
  if (details.component_name) out["component_name"] = *details.component_name;
  out["has_package_docs"] = details.has_package_docs;
  return out;
}

nlohmann::json json_value(const ReleaseDocument& document) {
  Json out = json_value(document.details);
  json::write_summary(document.summary, out);
  out["name"] = document.name.to_string();
  out["description"] = document.description;
  out["import_interfaces"] = interfaces_value(document.import_interfaces);
  out["export_interfaces"] = interfaces_value(document.export_interfaces);
  return out;
}

Result<ReleaseDetails> parse_release_details(std::string_view text) {
  constexpr const char* kWhat = "release details";
  auto json = json::parse_object(text, kWhat);
  if (!json) return std::move(json).error();
  return read_details(Fields(*json, kWhat, "the details"));
}

Result<ReleaseDocument> parse_release_document(std::string_view text) {
  constexpr const char* kWhat = "release document";
  auto json = json::parse_object(text, kWhat);
  if (!json) return std::move(json).error();
  const Fields fields(*json, kWhat, "the document");
  auto name = fields.package_name("name");
  if (!name) return std::move(name).error();
  auto description = fields.optional_string("description");
  if (!description) return std::move(description).error();
  auto summary = json::read_summary(fields);
  if (!summary) return std::move(summary).error();
  const Fields release = fields.renamed(name->to_string() + "@" + summary->version.to_string());
  auto imports = release.interface_names("import_interfaces");
  if (!imports) return std::move(imports).error();
  auto exports = release.interface_names("export_interfaces");
  if (!exports) return std::move(exports).error();
  auto details = read_details(release);
  if (!details) return std::move(details).error();
  return ReleaseDocument{std::move(*name),    description->value_or(""), std::move(*summary),
                         std::move(*imports), std::move(*exports),       std::move(*details)};
}

std::string to_json(const ReleaseDetails& details) { return json::dump(json_value(details)); }
std::string to_json(const ReleaseDocument& document) { return json::dump(json_value(document)); }

}  // namespace wreg::api
