// Blob uploads: POST /v2/{ns}/{name}/blobs/uploads/ (monolithic with ?digest=, a cross-repository
// mount with ?mount=&from=, or a session), PUT .../uploads/{id}?digest= (the session's bytes),
// GET .../uploads/{id} (its status), DELETE .../uploads/{id} (cancel).
//
// A session holds nothing on the server until its PUT: its id is random and only names it, and
// the PUT's body is the whole blob (the POST-then-PUT flow). So a session survives a restart
// trivially, and a cancelled or abandoned one leaves nothing to collect. Chunked uploads (PATCH)
// are not taken: the router answers 405. Every upload streams into a BlobWriter, is checked
// against its digest and only then committed, so a blob whose bytes do not match is never
// stored.
#include <openssl/rand.h>

#include <variant>

#include "common/hex.h"
#include "server/api/request_values.h"
#include "server/oci/credentials.h"
#include "server/oci/handlers.h"
#include "server/oci/responses.h"

namespace wreg::oci {

namespace {

constexpr std::size_t kSessionIdBytes = 16;

http::Response blob_created(const PackageName& name, const Digest& digest) {
  http::Response response;
  response.status = 201;
  response.set("Location", "/v2/" + repository_of(name) + "/blobs/" + digest.to_string());
  response.set("Docker-Content-Digest", digest.to_string());
  mark_registry_response(response);
  return response;
}

// A session id as new_session_id() makes them: 32 lowercase hex digits.
bool is_session_id(std::string_view id) {
  if (id.size() != kSessionIdBytes * 2) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::string> new_session_id() {
  unsigned char bytes[kSessionIdBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return fail(ErrorCode::kInternal, "the random generator failed to make an upload id");
  }
  return hex_encode(std::span<const std::uint8_t>(bytes, sizeof bytes));
}

// Streams an upload into the blob store and commits it when its bytes have `expected`'s digest.
class UploadConsumer final : public http::BodyConsumer {
 public:
  UploadConsumer(PackageName name, Digest expected, std::unique_ptr<store::BlobWriter> writer)
      : name_(std::move(name)), expected_(std::move(expected)), writer_(std::move(writer)) {}

  Result<void> write(std::span<const std::uint8_t> chunk) override { return writer_->write(chunk); }

  http::Response finish(const http::Request&) override {
    auto finished = writer_->finish();
    if (!finished)
      return error_of(finished.error(), {Code::kBlobUnknown, Code::kBlobUploadInvalid});
    if (!(finished->digest == expected_)) {
      return error_response(Code::kDigestInvalid,
                            "the upload's digest is " + finished->digest.to_string() +
                                " but ?digest= says " + expected_.to_string() +
                                "; the upload was changed or cut short, send it again");
    }
    auto committed = writer_->commit();
    if (!committed) {
      return error_of(committed.error(), {Code::kBlobUnknown, Code::kBlobUploadInvalid});
    }
    return blob_created(name_, committed->digest);
  }

 private:
  PackageName name_;
  Digest expected_;
  std::unique_ptr<store::BlobWriter> writer_;
};

// The checks an upload makes before its body: the repository name, a push token for its
// namespace, the namespace itself. The name, or the response that refuses the request.
std::variant<PackageName, http::Response> open_upload(const http::Request& request,
                                                      OciContext& context) {
  auto name = api::package_name_of(request);
  if (!name) return error_of(name.error(), kNameCodes);
  auto authorized = authorize(request, context, auth::Action::kPublish, *name);
  if (authorized.refused) return std::move(*authorized.refused);
  auto exists = context.api.metadata.namespace_exists(name->space());
  if (!exists) return error_of(exists.error(), kNameCodes);
  if (!*exists) return namespace_unknown(*name);
  return std::move(*name);
}

http::Route::Opened stream_to(const PackageName& name, const std::string* digest_text,
                              OciContext& context) {
  if (!digest_text) {
    return error_response(Code::kDigestInvalid,
                          "the upload has no ?digest=; finish it with PUT ...?digest=sha256:<hex>");
  }
  auto digest = parse_digest(*digest_text);
  if (!digest) return error_response(Code::kDigestInvalid, digest.error().message);
  auto writer = context.api.blobs.begin(context.api.max_body_bytes);
  if (!writer) return error_of(writer.error(), {Code::kBlobUnknown, Code::kBlobUploadInvalid});
  return std::unique_ptr<http::BodyConsumer>(
      std::make_unique<UploadConsumer>(name, std::move(*digest), std::move(*writer)));
}

// open_upload() for a request naming a session `{id}`: BLOB_UPLOAD_UNKNOWN first when the id is
// not one new_session_id() makes.
std::variant<PackageName, http::Response> open_session(const http::Request& request,
                                                       OciContext& context) {
  const std::string* id = request.param("id");
  if (!id || !is_session_id(*id)) {
    return error_response(Code::kBlobUploadUnknown,
                          "no upload session has this id; start one with POST /v2/<ns>/<name>/"
                          "blobs/uploads/");
  }
  return open_upload(request, context);
}

// A session's answer: where to send it, and that it holds nothing yet.
http::Response session_response(int status, std::string location, const std::string& id) {
  http::Response response;
  response.status = status;
  response.set("Location", std::move(location));
  response.set("Docker-Upload-UUID", id);
  response.set("Range", "0-0");
  mark_registry_response(response);
  return response;
}

}  // namespace

http::Route::Opened open_upload_start(const http::Request& request, OciContext& context) {
  auto opened = open_upload(request, context);
  if (auto* refused = std::get_if<http::Response>(&opened)) return std::move(*refused);
  const PackageName name = std::move(std::get<PackageName>(opened));
  if (const std::string* digest = request.query_param("digest")) {
    return stream_to(name, digest, context);
  }
  // A mount of a blob already stored (the store is shared by every repository) is a plain
  // 201; otherwise, as the spec allows, the mount falls back to a new session.
  if (const std::string* mount = request.query_param("mount")) {
    auto digest = parse_digest(*mount);
    if (!digest) return error_response(Code::kDigestInvalid, digest.error().message);
    if (context.api.blobs.locate(*digest)) return blob_created(name, *digest);
  }
  auto id = new_session_id();
  if (!id) return error_of(id.error(), {Code::kBlobUploadUnknown, Code::kBlobUploadInvalid});
  return session_response(202, "/v2/" + repository_of(name) + "/blobs/uploads/" + *id, *id);
}

http::Route::Opened open_upload_finish(const http::Request& request, OciContext& context) {
  auto opened = open_session(request, context);
  if (auto* refused = std::get_if<http::Response>(&opened)) return std::move(*refused);
  return stream_to(std::get<PackageName>(opened), request.query_param("digest"), context);
}

http::Response get_upload(const http::Request& request, OciContext& context) {
  auto opened = open_session(request, context);
  if (auto* refused = std::get_if<http::Response>(&opened)) return std::move(*refused);
  return session_response(204, request.path, *request.param("id"));
}

http::Response cancel_upload(const http::Request& request, OciContext& context) {
  http::Response status = get_upload(request, context);
  if (status.status != 204) return status;
  http::Response cancelled;
  cancelled.status = 204;
  mark_registry_response(cancelled);
  return cancelled;
}

}  // namespace wreg::oci
