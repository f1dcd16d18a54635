// GET /api/v1/packages/{ns}/{name} and GET /api/v1/packages/{ns}/{name}/{version}.
#include <memory>

#include "common/api/release_document.h"
#include "server/api/handlers.h"
#include "server/api/request_values.h"

namespace wreg::api {

namespace {

// The release document of `record`. kInternal when its details, which api::to_json wrote at
// publish, do not read back.
Result<ReleaseDocument> release_document(store::ReleaseRecord record) {
  auto details = parse_release_details(record.details_json);
  if (!details) {
    return Error{ErrorCode::kInternal, "stored release details of " + record.name.to_string() +
                                           "@" + record.summary.version.to_string() +
                                           " do not read back: " + details.error().message};
  }
  return ReleaseDocument{std::move(record.name),    std::move(record.description),
                         std::move(record.summary), std::move(record.imports),
                         std::move(record.exports), std::move(*details)};
}

}  // namespace

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

  auto document = release_document(std::move(*record));
  if (!document) return error_of(document.error());
  return http::json_response(200, to_json(*document));
}

}  // namespace wreg::api
