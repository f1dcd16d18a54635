// GET /api/v1/packages/{ns}/{name} and GET /api/v1/packages/{ns}/{name}/{version}.
#include <memory>
#include <nlohmann/json.hpp>

#include "server/api/handlers.h"
#include "server/api/json_text.h"
#include "server/api/request_values.h"

namespace wreg::api {

nlohmann::json summary_json(const ReleaseSummary& summary) {
  nlohmann::json out;
  out["version"] = summary.version.to_string();
  out["digest"] = summary.digest.to_string();
  out["size"] = summary.size;
  out["kind"] = to_string(summary.kind);
  out["yanked"] = summary.yanked;
  out["published"] = summary.published;
  auto dependencies = nlohmann::json::array();
  for (const auto& dependency : summary.dependencies) {
    dependencies.push_back({{"name", dependency.name.to_string()},
                            {"requirement", dependency.requirement.to_string()}});
  }
  out["dependencies"] = std::move(dependencies);
  return out;
}

http::Response get_package(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto name = package_name_of(request);
  if (!name) return error_of(name.error());

  // The document as last served, when no package changed since its ETag was found current
  // (document_cache.h); otherwise the ETag first (one indexed lookup): it answers a
  // revalidation, and finds the document already rendered at that revision.
  const std::string key = name->to_string();
  std::shared_ptr<const std::string> body;
  std::string etag;
  std::uint64_t generation = 0;
  if (auto hit = context.documents.find_checked(key)) {
    body = std::move(hit->body);
    etag = std::move(hit->etag);
  } else {
    generation = context.documents.generation();
    auto current = context.metadata.package_etag(*name);
    if (!current) return error_of(current.error());
    etag = std::move(*current);
  }
  if (const std::string* tags = request.header("if-none-match")) {
    if (if_none_match(*tags, etag)) {
      http::Response response;
      response.status = 304;
      response.set("ETag", std::move(etag));
      response.set("Cache-Control", "no-cache");
      return response;
    }
  }
  if (!body) body = context.documents.find(key, etag, generation);
  if (!body) {
    auto record = context.metadata.package(*name);
    if (!record) return error_of(record.error());
    body = std::make_shared<const std::string>(to_json(record->document));
    context.documents.put(key, record->etag, body, generation);
    etag = record->etag;
  }
  http::Response response = http::json_response(200, {});
  response.shared_body = std::move(body);
  response.set("ETag", std::move(etag));
  // Clients may keep it, but must revalidate (cheaply, with If-None-Match) before each use.
  response.set("Cache-Control", "no-cache");
  return response;
}

http::Response get_release(const http::Request& request, ApiContext& context) {
  if (auto access = check_read_access(request, context); !access) return error_of(access.error());
  auto id = package_version_of(request);
  if (!id) return error_of(id.error());
  auto record = context.metadata.release(*id);
  if (!record) return error_of(record.error());

  // The details the publish handler stored (imports and exports with kinds, worlds,
  // interfaces, producers, metadata), under the summary's fields.
  nlohmann::json out = nlohmann::json::object();
  try {
    auto details = nlohmann::json::parse(record->details_json);
    if (details.is_object()) out = std::move(details);
  } catch (const nlohmann::json::exception&) {
    return error_of(Error{ErrorCode::kInternal,
                          "stored release details of " + id->to_string() + " are not valid JSON"});
  }
  nlohmann::json summary = summary_json(record->summary);
  for (auto& [key, value] : summary.items()) out[key] = value;
  out["name"] = record->name.to_string();
  out["description"] = record->description;
  out["import_interfaces"] = record->imports;
  out["export_interfaces"] = record->exports;
  return http::json_response(200, dump(out));
}

}  // namespace wreg::api
