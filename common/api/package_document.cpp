#include "common/api/package_document.h"

#include "common/api/json_fields.h"
#include "common/api/json_value.h"

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
  auto json = json::parse_object(text, kWhat);
  if (!json) return std::move(json).error();
  const json::Fields fields(*json, kWhat, "the document");
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
}

nlohmann::json json_value(const PackageDocument& document) {
  json::Json versions = json::Json::array();
  for (const auto& release : document.versions) {
    json::Json entry = json::Json::object();
    json::write_summary(release, entry);
    versions.push_back(std::move(entry));
  }
  return {{"name", document.name.to_string()},
          {"description", document.description},
          {"versions", std::move(versions)}};
}

std::string to_json(const PackageDocument& document) { return json::dump(json_value(document)); }

}  // namespace wreg::api
