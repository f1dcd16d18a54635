#include "common/api/package_document.h"

#include <nlohmann/json.hpp>

#include "common/text.h"

namespace wreg::api {
namespace {

using Json = nlohmann::json;

Error bad_document(const std::string& why) {
  return fail(ErrorCode::kInvalidArgument, "invalid package document from the registry: " + why);
}

// Reads a required string field, or says which one is missing.
Result<std::string> string_field(const Json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return bad_document(where + " has no string field \"" + key + "\"");
  }
  return it->get<std::string>();
}

Result<Dependency> parse_dependency(const Json& json, const std::string& where) {
  if (!json.is_object()) return bad_document(where + " dependency is not an object");
  auto name_text = string_field(json, "name", where + " dependency");
  if (!name_text) return std::move(name_text).error();
  auto name = PackageName::parse(*name_text);
  if (!name) return bad_document(name.error().message);
  auto req_text = string_field(json, "requirement", where + " dependency " + *name_text);
  if (!req_text) return std::move(req_text).error();
  auto requirement = VersionReq::parse(*req_text);
  if (!requirement) return bad_document(requirement.error().message);
  return Dependency{std::move(*name), std::move(*requirement)};
}

Result<ReleaseSummary> parse_release(const Json& json) {
  if (!json.is_object()) return bad_document("a version entry is not an object");
  auto version_text = string_field(json, "version", "a version entry");
  if (!version_text) return std::move(version_text).error();
  auto version = Version::parse(*version_text);
  if (!version) return bad_document(version.error().message);
  std::string where = "version " + version->to_string();

  ReleaseSummary release;
  release.version = std::move(*version);
  auto digest_text = string_field(json, "digest", where);
  if (!digest_text) return std::move(digest_text).error();
  auto digest = Digest::parse(*digest_text);
  if (!digest) return bad_document(digest.error().message);
  release.digest = *digest;

  auto size = json.find("size");
  if (size == json.end() || !size->is_number_unsigned()) {
    return bad_document(where + " has no unsigned \"size\"");
  }
  release.size = size->get<std::uint64_t>();

  auto kind = string_field(json, "kind", where);
  if (!kind) return std::move(kind).error();
  if (*kind == "wit") {
    release.kind = ReleaseKind::kWit;
  } else if (*kind == "component") {
    release.kind = ReleaseKind::kComponent;
  } else {
    return bad_document(where + " has unknown kind " + wreg::quoted(*kind));
  }

  auto yanked = json.find("yanked");
  if (yanked != json.end()) {
    if (!yanked->is_boolean()) return bad_document(where + " has a non-boolean \"yanked\"");
    release.yanked = yanked->get<bool>();
  }
  if (auto published = json.find("published"); published != json.end() && published->is_string()) {
    release.published = published->get<std::string>();
  }
  if (auto dependencies = json.find("dependencies"); dependencies != json.end()) {
    if (!dependencies->is_array()) return bad_document(where + " \"dependencies\" is not a list");
    for (const auto& entry : *dependencies) {
      auto dependency = parse_dependency(entry, where);
      if (!dependency) return std::move(dependency).error();
      release.dependencies.push_back(std::move(*dependency));
    }
  }
  return release;
}

}  // namespace

const char* to_string(ReleaseKind kind) { return kind == ReleaseKind::kWit ? "wit" : "component"; }

const ReleaseSummary* PackageDocument::find(const Version& version) const {
  for (const auto& release : versions) {
    if (release.version == version) return &release;
  }
  return nullptr;
}

Result<PackageDocument> parse_package_document(std::string_view json_text) {
  Json json = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return bad_document("not valid JSON");
  if (!json.is_object()) return bad_document("not a JSON object");
  auto name_text = string_field(json, "name", "the document");
  if (!name_text) return std::move(name_text).error();
  auto name = PackageName::parse(*name_text);
  if (!name) return bad_document(name.error().message);

  PackageDocument document{std::move(*name), {}, {}};
  if (auto description = json.find("description");
      description != json.end() && description->is_string()) {
    document.description = description->get<std::string>();
  }
  auto versions = json.find("versions");
  if (versions == json.end() || !versions->is_array()) {
    return bad_document("the document has no \"versions\" list");
  }
  for (const auto& entry : *versions) {
    auto release = parse_release(entry);
    if (!release) return std::move(release).error();
    document.versions.push_back(std::move(*release));
  }
  return document;
}

std::string to_json(const PackageDocument& document) {
  Json versions = Json::array();
  for (const auto& release : document.versions) {
    Json dependencies = Json::array();
    for (const auto& dependency : release.dependencies) {
      dependencies.push_back({{"name", dependency.name.to_string()},
                              {"requirement", dependency.requirement.to_string()}});
    }
    versions.push_back({{"version", release.version.to_string()},
                        {"digest", release.digest.to_string()},
                        {"size", release.size},
                        {"kind", to_string(release.kind)},
                        {"yanked", release.yanked},
                        {"published", release.published},
                        {"dependencies", std::move(dependencies)}});
  }
  Json json = {{"name", document.name.to_string()},
               {"description", document.description},
               {"versions", std::move(versions)}};
  // Replacement of invalid UTF-8 keeps a hostile description from making dump() throw.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace wreg::api
