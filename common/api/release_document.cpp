#include "common/api/release_document.h"

#include <array>

#include "common/api/json_fields.h"
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
    const Fields item = fields.child(*entry, key, "entry");
    auto name = item.string("name");
    if (!name) return std::move(name).error();
    // Any name a binary may hold (`log`, `[method]file.read`, `wasi:io/poll@0.2.8`, even ``);
    // the interface names among them are checked in `import_interfaces` / `export_interfaces`.
    auto kind_text = item.text("kind");
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
  auto binary_kind = fields.text("binary_kind");
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
    const Fields producer = fields.child(*values, "producers field", field, /*quote=*/true);
    if (!values->is_array()) return producer.bad("is not a list");
    auto& list = details.producers[field];
    for (const Json& value : *values) {
      if (!value.is_object()) return producer.bad("has a value that is not an object");
      const Fields entry = producer.child(value, "value");
      auto name = entry.string("name");
      if (!name) return std::move(name).error();
      auto version = entry.string("version");
      if (!version) return std::move(version).error();
      list.push_back(wasm::ProducerValue{std::move(*name), std::move(*version)});
    }
  }

  if (const Json* metadata = fields.find("metadata")) {
    if (!metadata->is_object()) return fields.bad("\"metadata\" is not an object");
    const Fields entry = fields.child(*metadata, "metadata");
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

void write_externs(const std::vector<wasm::Extern>& externs, json::Writer& out) {
  out.begin_array();
  for (const auto& item : externs) {
    out.begin_object().key("kind").string(wasm::to_string(item.kind)).key("name").string(item.name);
    if (!item.type.empty()) out.key("type").string(item.type);
    out.end_object();
  }
  out.end_array();
}

// The members of ReleaseDetails (what the binary says).
void add_details(const ReleaseDetails& details, json::Members& members) {
  using json::Writer;
  members
      .add("binary_kind",
           [&details](Writer& out) { out.string(wasm::to_string(details.binary_kind)); })
      .add("imports", [&details](Writer& out) { write_externs(details.imports, out); })
      .add("exports", [&details](Writer& out) { write_externs(details.exports, out); })
      .add("worlds", [&details](Writer& out) { out.strings(details.worlds); })
      .add("interfaces", [&details](Writer& out) { out.strings(details.interfaces); })
      .add("referenced_packages",
           [&details](Writer& out) {
             out.begin_array();
             for (const auto& id : details.referenced_packages) out.string(id.to_string());
             out.end_array();
           })
      .add("producers",
           [&details](Writer& out) {
             // A std::map: its fields come out in the order nlohmann keeps keys in.
             out.begin_object();
             for (const auto& [field, values] : details.producers) {
               out.key(field).begin_array();
               for (const auto& value : values) {
                 out.begin_object()
                     .key("name")
                     .string(value.name)
                     .key("version")
                     .string(value.version)
                     .end_object();
               }
               out.end_array();
             }
             out.end_object();
           })
      .add("metadata",
           [&details](Writer& out) {
             json::Members fields;
             for (auto [key, value] : metadata_fields(details.metadata)) {
               if (*value) fields.add(key, [value = value](Writer& w) { w.string(**value); });
             }
             fields.write(out);
           })
      .add("has_package_docs", [&details](Writer& out) { out.boolean(details.has_package_docs); });
  if (details.component_name) {
    members.add("component_name", [&details](Writer& out) { out.string(*details.component_name); });
  }
}

}  // namespace

std::string to_json(const ReleaseDetails& details) {
  json::Writer out;
  json::Members members;
  add_details(details, members);
  members.write(out);
  return out.take();
}

std::string to_json(const ReleaseDocument& document) {
  using json::Writer;
  json::Members members;
  add_details(document.details, members);
  json::add_summary(document.summary, members);
  members.add("name", [&document](Writer& out) { out.string(document.name.to_string()); })
      .add("description", [&document](Writer& out) { out.string(document.description); })
      .add("import_interfaces",
           [&document](Writer& out) { out.strings(document.import_interfaces); })
      .add("export_interfaces",
           [&document](Writer& out) { out.strings(document.export_interfaces); });
  if (document.log_index) {
    members.add("log_index", [&document](Writer& out) { out.number(*document.log_index); });
  }
  json::Writer out;
  members.write(out);
  return out.take();
}

Result<ReleaseDetails> parse_release_details(std::string_view text) {
  return json::read_document(text, "release details", "the details", read_details);
}

Result<ReleaseDocument> parse_release_document(std::string_view text) {
  return json::read_document(
      text, "release document", "the document",
      [](const Fields& fields) -> Result<ReleaseDocument> {
        auto name = fields.package_name("name");
        if (!name) return std::move(name).error();
        auto description = fields.optional_string("description");
        if (!description) return std::move(description).error();
        auto summary = json::read_summary(fields);
        if (!summary) return std::move(summary).error();
        const Fields release =
            fields.renamed(name->to_string() + "@" + summary->version.to_string());
        auto imports = release.interface_names("import_interfaces");
        if (!imports) return std::move(imports).error();
        auto exports = release.interface_names("export_interfaces");
        if (!exports) return std::move(exports).error();
        auto details = read_details(release);
        if (!details) return std::move(details).error();
        auto log_index = release.optional_unsigned_number("log_index");
        if (!log_index) return std::move(log_index).error();
        return ReleaseDocument{std::move(*name),    description->value_or(""), std::move(*summary),
                               std::move(*imports), std::move(*exports),       std::move(*details),
                               *log_index};
      });
}

}  // namespace wreg::api
