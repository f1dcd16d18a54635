// Blob uploads: POST /v2/{ns}/{name}/blobs/uploads/ (monolithic with ?digest=, a cross-repository
// mount with ?mount=&from=, or a session), PATCH .../uploads/{id} (a chunk), PUT
// .../uploads/{id}?digest= (the last chunk, if any, and the end), GET .../uploads/{id} (its
// status), DELETE .../uploads/{id} (cancel).
//
// A session lives on disk (store/upload_sessions.h), so it survives a restart; gc removes one
// abandoned past its grace period. Each PATCH is all or nothing: a chunk cut short, refused or
// out of order leaves the session as it was, so the client can ask GET where to go on. The
// common POST-then-PUT flow (the session still empty) streams the PUT's body straight into a
// BlobWriter; otherwise the PUT appends its body and then streams the whole session into one.
// Either way the bytes are checked against ?digest= and only then committed, so a blob whose
// bytes do not match is never stored; a mismatch discards the session.
#include <openssl/rand.h>

#include <functional>
#include <optional>
#include <variant>

#include "common/hex.h"
#include "common/text.h"
#include "server/api/request_values.h"
#include "server/oci/credentials.h"
#include "server/oci/handlers.h"
#include "server/oci/responses.h"

namespace wreg::oci {

namespace {

constexpr std::size_t kSessionIdBytes = 16;

http::Response blob_created(const std::string& repository, const Digest& digest) {
  http::Response response;
  response.status = 201;
  response.set("Location", "/v2/" + repository + "/blobs/" + digest.to_string());
  response.set("Docker-Content-Digest", digest.to_string());
  mark_registry_response(response);
  return response;
}

// A session id as new_session_id() makes them: 32 lowercase hex digits.
bool is_session_id(std::string_view id) {
  return id.size() == kSessionIdBytes * 2 && is_lower_hex(id);
}

Result<std::string> new_session_id() {
  unsigned char bytes[kSessionIdBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return fail(ErrorCode::kInternal, "the random generator failed to make an upload id");
  }
  return hex_encode(std::span<const std::uint8_t>(bytes, sizeof bytes));
}

std::string session_location(const std::string& repository, std::string_view id) {
  return "/v2/" + repository + "/blobs/uploads/" + std::string(id);
}

// Where a session stands: its Location, id and the Range of the bytes it holds (distribution's
// `0-<last byte>`, which is also `0-0` for an empty session).
void describe_session(http::Response& response, const std::string& repository, std::string_view id,
                      std::uint64_t size) {
  response.set("Location", session_location(repository, id));
  response.set("Docker-Upload-UUID", std::string(id));
  response.set("Range", "0-" + std::to_string(size > 0 ? size - 1 : 0));
  mark_registry_response(response);
}

http::Response session_response(int status, const std::string& repository, std::string_view id,
                                std::uint64_t size) {
  http::Response response;
  response.status = status;
  describe_session(response, repository, id, size);
  return response;
}

// 416 BLOB_UPLOAD_INVALID with the session's state, so that the client can go on from there.
http::Response out_of_range(const std::string& repository, std::string_view id, std::uint64_t size,
                            std::string_view message) {
  http::Response response = error_response(Code::kBlobUploadInvalid, message, 416);
  describe_session(response, repository, id, size);
  return response;
}

// A store's error about a session: kNotFound BLOB_UPLOAD_UNKNOWN, kConflict (another request
// holds it) 416 BLOB_UPLOAD_INVALID.
http::Response session_error(const Error& error) {
  if (error.code == ErrorCode::kConflict) {
    return error_response(Code::kBlobUploadInvalid, error.message, 416);
  }
  return error_of(error, {Code::kBlobUploadUnknown, Code::kBlobUploadInvalid});
}

// A chunk's `Content-Range: <first>-<last>` (inclusive byte offsets, as the distribution spec
// writes it). nullopt when it is not that.
struct ChunkRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};
std::optional<ChunkRange> parse_chunk_range(std::string_view text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  ChunkRange range;
  if (!parse_decimal(text.substr(0, dash), range.first) ||
      !parse_decimal(text.substr(dash + 1), range.last) || range.last < range.first) {
    return std::nullopt;
  }
  return range;
}

// Finishes `writer` and commits its bytes when they have `expected`'s digest: 201, else the
// refusal. `discard` runs when the bytes are not the blob the client says, before the answer.
http::Response commit_upload(store::BlobWriter& writer, const std::string& repository,
                             const Digest& expected, const std::function<void()>& discard) {
  auto finished = writer.finish();
  if (!finished) return error_of(finished.error(), {Code::kBlobUnknown, Code::kBlobUploadInvalid});
  if (!(finished->digest == expected)) {
    discard();
    return error_response(Code::kDigestInvalid,
                          "the upload's digest is " + finished->digest.to_string() +
                              " but ?digest= says " + expected.to_string() +
                              "; the upload was changed or cut short, send it again");
  }
  auto committed = writer.commit();
  if (!committed) {
    return error_of(committed.error(), {Code::kBlobUnknown, Code::kBlobUploadInvalid});
  }
  return blob_created(repository, committed->digest);
}

// Streams an upload into the blob store and commits it when its bytes have `expected`'s digest;
// then removes the session it finished, if any (an empty one: the POST-then-PUT flow).
class UploadConsumer final : public http::BodyConsumer {
 public:
  UploadConsumer(std::string repository, Digest expected, std::unique_ptr<store::BlobWriter> writer,
                 store::UploadSessions* sessions,
                 std::unique_ptr<store::UploadSessions::Writer> session)
      : repository_(std::move(repository)),
        expected_(std::move(expected)),
        writer_(std::move(writer)),
        sessions_(sessions),
        session_(std::move(session)) {}

  Result<void> write(std::span<const std::uint8_t> chunk) override { return writer_->write(chunk); }

  http::Response finish(const http::Request&) override {
    http::Response response =
        commit_upload(*writer_, repository_, expected_, [this] { end_session(); });
    if (response.status == 201) end_session();
    session_.reset();
    return response;
  }

 private:
  // The session is over: its blob is stored, or its bytes were not the blob.
  void end_session() {
    if (session_) (void)sessions_->remove(std::move(session_));
  }

  std::string repository_;
  Digest expected_;
  std::unique_ptr<store::BlobWriter> writer_;
  store::UploadSessions* sessions_;
  std::unique_ptr<store::UploadSessions::Writer> session_;
};

// Appends a request's body to a held session: a PATCH's chunk, or a PUT's last chunk. All or
// nothing: unless finish() accepts it, the session is cut back to where it was.
class ChunkConsumer : public http::BodyConsumer {
 public:
  ChunkConsumer(std::string repository, std::string id,
                std::unique_ptr<store::UploadSessions::Writer> session,
                std::optional<std::uint64_t> expected_length)
      : repository_(std::move(repository)),
        id_(std::move(id)),
        session_(std::move(session)),
        start_(session_->size()),
        expected_length_(expected_length) {}
  ~ChunkConsumer() override {
    if (session_ && !accepted_) (void)session_->truncate(start_);
  }

  Result<void> write(std::span<const std::uint8_t> chunk) override {
    return session_->append(chunk);
  }

  http::Response finish(const http::Request&) override {
    http::Response response = take_chunk();
    // Free the session for the client's next request now, not when the connection lets go of
    // this consumer.
    if (session_ && !accepted_) (void)session_->truncate(start_);
    session_.reset();
    return response;
  }

 protected:
  http::Response take_chunk() {
    const std::uint64_t received = session_->size() - start_;
    if (expected_length_ && received != *expected_length_) {
      return out_of_range(repository_, id_, start_,
                          "the chunk has " + std::to_string(received) +
                              " bytes but its Content-Range says " +
                              std::to_string(*expected_length_) + "; send the chunk again");
    }
    if (auto synced = session_->sync(); !synced) {
      return error_of(synced.error(), {Code::kBlobUploadUnknown, Code::kBlobUploadInvalid});
    }
    accepted_ = true;
    return accepted();
  }

  // The answer once the chunk is in and synced: PATCH's 202 with the session's state.
  virtual http::Response accepted() {
    return session_response(202, repository_, id_, session_->size());
  }

  std::string repository_;
  std::string id_;
  std::unique_ptr<store::UploadSessions::Writer> session_;
  std::uint64_t start_;
  std::optional<std::uint64_t> expected_length_;
  bool accepted_ = false;
};

// A PUT that ends a session holding bytes: its body is the last chunk; then the whole session
// streams into a BlobWriter, is checked against ?digest= and committed, and the session removed.
class FinishConsumer final : public ChunkConsumer {
 public:
  FinishConsumer(std::string repository, std::string id,
                 std::unique_ptr<store::UploadSessions::Writer> session,
                 std::optional<std::uint64_t> expected_length, Digest expected, OciContext& context)
      : ChunkConsumer(std::move(repository), std::move(id), std::move(session), expected_length),
        expected_(std::move(expected)),
        context_(context) {}

 private:
  http::Response accepted() override {
    auto writer = context_.api.blobs.begin(context_.api.max_body_bytes);
    if (!writer) return error_of(writer.error(), {Code::kBlobUnknown, Code::kBlobUploadInvalid});
    auto copied = session_->read_all(
        [&](std::span<const std::uint8_t> bytes) { return (*writer)->write(bytes); });
    if (!copied) {
      return error_of(copied.error(), {Code::kBlobUploadUnknown, Code::kBlobUploadInvalid});
    }
    http::Response response =
        commit_upload(**writer, repository_, expected_, [this] { end_session(); });
    if (response.status == 201) end_session();
    return response;
  }

  void end_session() {
    if (session_) (void)context_.uploads.remove(std::move(session_));
  }

  Digest expected_;
  OciContext& context_;
};

// The checks an upload makes before its body: the repository name, a push token for its
// namespace, the namespace itself. The repository, or the response that refuses the request.
std::variant<std::string, http::Response> open_upload(const http::Request& request,
                                                      OciContext& context) {
  auto name = api::package_name_of(request);
  if (!name) return error_of(name.error(), kNameCodes);
  auto authorized = authorize(request, context, auth::Action::kPublish, *name);
  if (authorized.refused) return std::move(*authorized.refused);
  auto exists = context.api.metadata.namespace_exists(name->space());
  if (!exists) return error_of(exists.error(), kNameCodes);
  if (!*exists) return namespace_unknown(*name);
  return context.repository(*name);
}

Result<Digest> digest_to_finish(const std::string* digest_text) {
  if (!digest_text) {
    return fail(ErrorCode::kInvalidArgument,
                "the upload has no ?digest=; finish it with PUT ...?digest=sha256:<hex>");
  }
  return parse_digest(*digest_text);
}

http::Route::Opened stream_to(const std::string& repository, Digest digest, OciContext& context,
                              std::unique_ptr<store::UploadSessions::Writer> session = nullptr) {
  auto writer = context.api.blobs.begin(context.api.max_body_bytes);
  if (!writer) return error_of(writer.error(), {Code::kBlobUnknown, Code::kBlobUploadInvalid});
  return std::unique_ptr<http::BodyConsumer>(std::make_unique<UploadConsumer>(
      repository, std::move(digest), std::move(*writer), &context.uploads, std::move(session)));
}

// open_upload() for a request naming a session `{id}`: BLOB_UPLOAD_UNKNOWN first when the id is
// not one new_session_id() makes.
std::variant<std::string, http::Response> open_session(const http::Request& request,
                                                       OciContext& context) {
  const std::string* id = request.param("id");
  if (!id || !is_session_id(*id)) {
    return session_error(fail(ErrorCode::kNotFound,
                              "no upload session has this id; start one with POST "
                              "/v2/<ns>/<name>/blobs/uploads/"));
  }
  return open_upload(request, context);
}

// A chunk's length from its Content-Range, checked against where the session stands and the
// request's Content-Length; nullopt when it has no Content-Range (the rest of the body is the
// chunk). The refusal otherwise.
std::variant<std::optional<std::uint64_t>, http::Response> chunk_length(
    const http::Request& request, const std::string& repository, std::string_view id,
    std::uint64_t size) {
  const std::string* range_text = request.header("content-range");
  if (!range_text) return std::optional<std::uint64_t>();
  auto range = parse_chunk_range(*range_text);
  if (!range) {
    return error_response(Code::kBlobUploadInvalid,
                          "Content-Range is not <first>-<last> (byte offsets, e.g. 0-1023); send "
                          "the chunk with the range it covers",
                          416);
  }
  if (range->first != size) {
    return out_of_range(repository, id, size,
                        "the chunk starts at byte " + std::to_string(range->first) +
                            " but the upload holds " + std::to_string(size) +
                            " bytes; send the chunk that starts there");
  }
  const std::uint64_t length = range->last - range->first + 1;
  if (request.content_length && *request.content_length != length) {
    return out_of_range(
        repository, id, size,
        "Content-Range covers " + std::to_string(length) + " bytes but Content-Length says " +
            std::to_string(*request.content_length) + "; send the chunk with matching headers");
  }
  return std::optional<std::uint64_t>(length);
}

}  // namespace

http::Route::Opened open_upload_start(const http::Request& request, OciContext& context) {
  auto opened = open_upload(request, context);
  if (auto* refused = std::get_if<http::Response>(&opened)) return std::move(*refused);
  const std::string repository = std::move(std::get<std::string>(opened));
  if (const std::string* digest_text = request.query_param("digest")) {
    auto digest = digest_to_finish(digest_text);
    if (!digest) return error_response(Code::kDigestInvalid, digest.error().message);
    return stream_to(repository, std::move(*digest), context);
  }
  // A mount of a blob already stored (the store is shared by every repository) is a plain
  // 201; otherwise, as the spec allows, the mount falls back to a new session.
  if (const std::string* mount = request.query_param("mount")) {
    auto digest = parse_digest(*mount);
    if (!digest) return error_response(Code::kDigestInvalid, digest.error().message);
    if (context.api.blobs.locate(*digest)) return blob_created(repository, *digest);
  }
  auto id = new_session_id();
  if (!id) return error_of(id.error(), {Code::kBlobUploadUnknown, Code::kBlobUploadInvalid});
  if (auto created = context.uploads.create(*id, repository); !created) {
    return session_error(created.error());
  }
  return session_response(202, repository, *id, 0);
}

http::Route::Opened open_upload_chunk(const http::Request& request, OciContext& context) {
  auto opened = open_session(request, context);
  if (auto* refused = std::get_if<http::Response>(&opened)) return std::move(*refused);
  const std::string& repository = std::get<std::string>(opened);
  const std::string& id = *request.param("id");
  auto session = context.uploads.hold(id, repository, context.api.max_body_bytes);
  if (!session) return session_error(session.error());
  auto length = chunk_length(request, repository, id, (*session)->size());
  if (auto* refused = std::get_if<http::Response>(&length)) return std::move(*refused);
  return std::unique_ptr<http::BodyConsumer>(std::make_unique<ChunkConsumer>(
      repository, id, std::move(*session), std::get<std::optional<std::uint64_t>>(length)));
}

http::Route::Opened open_upload_finish(const http::Request& request, OciContext& context) {
  auto opened = open_session(request, context);
  if (auto* refused = std::get_if<http::Response>(&opened)) return std::move(*refused);
  const std::string& repository = std::get<std::string>(opened);
  const std::string& id = *request.param("id");
  auto digest = digest_to_finish(request.query_param("digest"));
  if (!digest) return error_response(Code::kDigestInvalid, digest.error().message);
  auto session = context.uploads.hold(id, repository, context.api.max_body_bytes);
  if (!session) return session_error(session.error());
  auto length = chunk_length(request, repository, id, (*session)->size());
  if (auto* refused = std::get_if<http::Response>(&length)) return std::move(*refused);
  if ((*session)->size() == 0)
    return stream_to(repository, std::move(*digest), context, std::move(*session));
  return std::unique_ptr<http::BodyConsumer>(std::make_unique<FinishConsumer>(
      repository, id, std::move(*session), std::get<std::optional<std::uint64_t>>(length),
      std::move(*digest), context));
}

http::Response get_upload(const http::Request& request, OciContext& context) {
  auto opened = open_session(request, context);
  if (auto* refused = std::get_if<http::Response>(&opened)) return std::move(*refused);
  const std::string& repository = std::get<std::string>(opened);
  const std::string& id = *request.param("id");
  auto size = context.uploads.size(id, repository);
  if (!size) return session_error(size.error());
  return session_response(204, repository, id, *size);
}

http::Response cancel_upload(const http::Request& request, OciContext& context) {
  auto opened = open_session(request, context);
  if (auto* refused = std::get_if<http::Response>(&opened)) return std::move(*refused);
  const std::string& repository = std::get<std::string>(opened);
  auto session = context.uploads.hold(*request.param("id"), repository, 0);
  if (!session) return session_error(session.error());
  if (auto removed = context.uploads.remove(std::move(*session)); !removed) {
    return session_error(removed.error());
  }
  http::Response cancelled;
  cancelled.status = 204;
  mark_registry_response(cancelled);
  return cancelled;
}

}  // namespace wreg::oci
