#include "common/api/package_document.h"

#include "common/api/json_fields.h"

namespace wreg::api {

const char* to_string(ReleaseKind kind) { return kind == ReleaseKind::kWit ? "wit" : "component"; }

const ReleaseSummary* PackageDocument::find(const Version& version) const {
  for (const auto& release : versions) {
    if (release.version == version) return &release;
  }
  return nullptr;
}

Result<PackageDocument> parse_package_document(std::string_view text) {
  constexpr const char* kWhat = "package document";
  return json::read_document(
      text, kWhat, "the document", [](const json::Fields& fields) -> Result<PackageDocument> {
        auto name = fields.package_name("name");
        if (!name) return std::move(name).error();
        PackageDocument document{std::move(*name), {}, {}};
        auto description = fields.optional_string("description");
        if (!description) return std::move(description).error();
        document.description = description->value_or("");
        const json::Json* versions = fields.find("versions");
        if (versions == nullptr || !versions->is_array()) {
          return fields.bad("has no \"versions\" list");
        }
        for (const auto& entry : *versions) {
          if (!entry.is_object()) return fields.bad("has a version entry that is not an object");
          auto release = json::read_summary(json::Fields(entry, kWhat, "a version entry"));
          if (!release) return std::move(release).error();
          document.versions.push_back(std::move(*release));
        }
        return document;
      });
}

std::string to_json(const PackageDocument& document) {
  json::Writer out;
  json::Members()
      .add("name", [&document](json::Writer& w) { w.string(document.name.to_string()); })
      .add("description", [&document](json::Writer& w) { w.string(document.description); })
      .add("versions",
           [&document](json::Writer& w) {
             w.begin_array();
             for (const auto& release : document.versions) {
               json::Members entry;
               json::add_summary(release, entry);
               entry.write(w);
             }
             w.end_array();
           })
      .write(out);
  return out.take();
}

}  // namespace wreg::api
