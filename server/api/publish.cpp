// PUT /api/v1/packages/{ns}/{name}/{version}: publish a release.
//
// The order matters for both safety and cost: everything that can refuse the request without
// its body (name, version, token, namespace, Digest-Sha256 syntax) is checked when the header
// arrives; the body streams into a BlobWriter (a temp file, hashed as it is written); the
// finished bytes are read with the wasm reader, and common/release.h decides what they publish
// as under the URL's name and version; only then is the blob committed and the release recorded
// (store/metadata_store.h explains why a crash in between is harmless).
#include <chrono>
#include <cstdio>

#include "common/api/answers.h"
#include "common/release.h"
#include "common/text.h"
#include "common/wasm/reader.h"
#include "server/api/handlers.h"
#include "server/api/heap.h"
#include "server/api/release_reader.h"
#include "server/api/request_values.h"
#include "server/store/blob_claim.h"

namespace wreg::api {

namespace {

http::Response published(const PackageVersion& id, const store::BlobInfo& blob,
                         api::ReleaseKind kind, bool created,
                         std::optional<std::uint64_t> log_index) {
  http::Response response = http::json_response(
      created ? 201 : 200,
      api::to_json(api::Published{id, blob.digest, blob.size, kind, created, log_index}));
  response.set("Location", "/api/v1/packages/" + id.name.space() + "/" + id.name.name() + "/" +
                               id.version.to_string());
  return response;
}

Error conflict(const PackageVersion& id, const Digest& existing) {
  return fail(ErrorCode::kConflict, id.to_string() + " is already published with " +
                                        existing.to_string() +
                                        "; versions are immutable, publish a new version");
}

// Where a publish's time went, step by step, for the `Server-Timing` response header (W3C
// Server Timing): receive (header accepted to the body's last byte, with hashing and writing as
// it arrives), sync (the blob's fsync), lookup, validate (the wasm reader), install (link and
// directory fsync) and commit (the SQLite transaction). Steps not reached are left out.
class PublishTiming {
 public:
  using Clock = std::chrono::steady_clock;

  PublishTiming() : last_(Clock::now()) {}

  // Ends the step `name` now, and starts the next one.
  void step(const char* name) {
    const auto now = Clock::now();
    if (!text_.empty()) text_ += ", ";
    char number[32];
    std::snprintf(number, sizeof number, ";dur=%.1f",
                  std::chrono::duration<double, std::milli>(now - last_).count());
    text_ += name;
    text_ += number;
    last_ = now;
  }

  const std::string& text() const { return text_; }

 private:
  Clock::time_point last_;
  std::string text_;
};

class PublishConsumer final : public http::BodyConsumer {
 public:
  PublishConsumer(ApiContext& context, PackageVersion id, std::int64_t token_id,
                  std::optional<Digest> expected, std::unique_ptr<store::BlobWriter> writer)
      : context_(context),
        id_(std::move(id)),
        token_id_(token_id),
        expected_(std::move(expected)),
        writer_(std::move(writer)) {}

  Result<void> write(std::span<const std::uint8_t> chunk) override { return writer_->write(chunk); }

  http::Response finish(const http::Request&) override {
    timing_.step("receive");
    auto response = publish();
    // The body, the reader's view of it and the release built from it are freed by now.
    return_free_memory(writer_->size());
    if (response.status >= 400) context_.counters.publishes_refused.fetch_add(1);
    response.set("Server-Timing", timing_.text());
    response.log_token_id = token_id_;
    return response;
  }

 private:
  http::Response publish() {
    auto blob = writer_->finish();
    timing_.step("sync");
    if (!blob) return error_of(blob.error());
    if (expected_ && !(*expected_ == blob->digest)) {
      return error_of(fail(ErrorCode::kInvalidArgument,
                           "the body's digest is " + blob->digest.to_string() +
                               " but the Digest-Sha256 header says " + expected_->to_string() +
                               "; the upload was changed or cut short, send it again"));
    }

    // The same bytes again (a retry): answer from the record without storing anything.
    auto existing = context_.metadata.release(id_);
    timing_.step("lookup");
    if (!existing && existing.error().code != ErrorCode::kNotFound) {
      return error_of(existing.error());
    }
    if (existing && existing->summary.digest == blob->digest &&
        existing->summary.version.to_string() == id_.version.to_string()) {
      context_.counters.publishes_unchanged.fetch_add(1);
      return published(id_, *blob, existing->summary.kind, false, existing->log_index);
    }

    // A body that is wrong in itself is refused as such (400) before it is compared with what
    // the version already holds (409).
    auto bytes = writer_->read_back(context_.max_body_bytes);
    if (!bytes) return error_of(bytes.error());
    auto release = read_release(bytes->bytes(), id_, "the body", "the URL");
    timing_.step("validate");
    if (!release) return error_of(release.error());
    if (existing && !(existing->summary.digest == blob->digest)) {
      return error_of(conflict(id_, existing->summary.digest));
    }

    // Claimed before it is visible, so that gc on any replica keeps it until the release that
    // names it is committed (store/blob_claim.h).
    auto claim = store::BlobClaim::take(context_.metadata, blob->digest);
    if (!claim) return error_of(claim.error());
    auto committed = writer_->commit();
    timing_.step("install");
    if (!committed) return error_of(committed.error());
    auto outcome =
        context_.metadata.publish(new_release(*release, *committed), std::nullopt, claim->id());
    timing_.step("commit");
    if (!outcome) return error_of(outcome.error());
    bool created = outcome->status == store::PublishStatus::kCreated;
    if (created) claim->settled();
    (created ? context_.counters.publishes_created : context_.counters.publishes_unchanged)
        .fetch_add(1);
    // Answered only once a signed checkpoint covers the release, so a client that asks for its
    // proof next finds it.
    const std::optional<Error> unsigned_entry = await_log(context_);
    timing_.step("log");
    if (unsigned_entry) return error_of(*unsigned_entry);
    return published(id_, *committed, release->kind, created, outcome->log_index);
  }

  ApiContext& context_;
  PackageVersion id_;
  std::int64_t token_id_;  // the publishing token's, for the access log
  std::optional<Digest> expected_;
  std::unique_ptr<store::BlobWriter> writer_;
  PublishTiming timing_;  // from the accepted header on
};

}  // namespace

Result<Release> read_release(std::span<const std::uint8_t> bytes, const PackageVersion& id,
                             std::string_view what, std::string_view claimed_by) {
  auto info = wasm::read_component(bytes);
  if (!info) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(what) + " is not a valid WebAssembly component or WIT package: " +
                    info.error().message);
  }
  return release_of(*info, ClaimedIdentity{id, std::string(claimed_by)});
}

store::NewRelease new_release(const Release& release, const store::BlobInfo& blob) {
  return store::NewRelease{release.id,
                           blob.digest,
                           blob.size,
                           release.kind,
                           release.description,
                           release.dependencies,
                           release.imports,
                           release.exports,
                           api::to_json(release.details),
                           ""};
}

http::Route::Opened open_publish(const http::Request& request, ApiContext& context) {
  std::int64_t token_id = 0;  // once the token is known, for the access log
  auto refuse = [&context, &token_id](const Error& error) -> http::Route::Opened {
    context.counters.publishes_refused.fetch_add(1);
    http::Response response = error_of(error);
    response.log_token_id = token_id;
    return response;
  };
  auto id = package_version_of(request);
  if (!id) return refuse(id.error());
  auto principal = authorize(request, context, auth::Action::kPublish, id->name.space());
  if (!principal) return refuse(principal.error());
  token_id = principal->token_id;
  if (auto mirrored = refuse_mirrored_publish(context, id->name.space())) return refuse(*mirrored);
  auto exists = context.metadata.namespace_exists(id->name.space());
  if (!exists) return refuse(exists.error());
  if (!*exists) {
    return refuse(fail(ErrorCode::kNotFound,
                       "namespace " + wreg::quoted(id->name.space()) +
                           " does not exist; ask an admin to create it with `wreg-server "
                           "namespace create " +
                           id->name.space() + "`"));
  }
  std::optional<Digest> expected;
  if (const std::string* header = request.header("digest-sha256")) {
    auto digest = Digest::parse(trim(*header));
    if (!digest) {
      return refuse(fail(ErrorCode::kInvalidArgument,
                         "the Digest-Sha256 header is not a digest: " + digest.error().message));
    }
    expected = *digest;
  }
  auto writer = context.blobs.begin(context.max_body_bytes);
  if (!writer) return refuse(writer.error());
  return std::unique_ptr<http::BodyConsumer>(std::make_unique<PublishConsumer>(
      context, std::move(*id), token_id, std::move(expected), std::move(*writer)));
}

}  // namespace wreg::api
