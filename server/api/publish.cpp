// PUT /api/v1/packages/{ns}/{name}/{version}: publish a release.
//
// The order matters for both safety and cost: everything that can refuse the request without
// its body (name, version, token, namespace, Digest-Sha256 syntax) is checked when the header
// arrives; the body streams into a BlobWriter (a temp file, hashed as it is written); the
// finished bytes are validated with the wasm reader; only then is the blob committed and the
// release recorded (store/metadata_store.h explains why a crash in between is harmless).
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "common/wasm/reader.h"
#include "server/api/handlers.h"
#include "server/api/json_text.h"
#include "server/api/request_values.h"

namespace wreg::api {

namespace {

nlohmann::json externs_json(const std::vector<wasm::Extern>& externs) {
  auto out = nlohmann::json::array();
  for (const auto& item : externs) {
    nlohmann::json entry{{"name", item.name}, {"kind", wasm::to_string(item.kind)}};
    if (!item.type.empty()) entry["type"] = item.type;
    out.push_back(std::move(entry));
  }
  return out;
}

// The release details stored with the release and returned by GET .../{version}.
std::string details_json(const wasm::ComponentInfo& info) {
  nlohmann::json out;
  out["binary_kind"] = wasm::to_string(info.kind);
  out["imports"] = externs_json(info.imports);
  out["exports"] = externs_json(info.exports);
  out["worlds"] = info.worlds;
  out["interfaces"] = info.interfaces;
  auto packages = nlohmann::json::array();
  for (const auto& id : info.referenced_packages) packages.push_back(id.to_string());
  for (const auto& id : info.dependencies) packages.push_back(id.to_string());
  out["referenced_packages"] = std::move(packages);
  auto producers = nlohmann::json::object();
  for (const auto& [field, values] : info.producers) {
    auto list = nlohmann::json::array();
    for (const auto& value : values) {
      list.push_back({{"name", value.name}, {"version", value.version}});
    }
    producers[field] = std::move(list);
  }
  out["producers"] = std::move(producers);
  auto metadata = nlohmann::json::object();
  auto put = [&metadata](const char* key, const std::optional<std::string>& value) {
    if (value) metadata[key] = *value;
  };
  put("authors", info.metadata.authors);
  put("description", info.metadata.description);
  put("licenses", info.metadata.licenses);
  put("source", info.metadata.source);
  put("homepage", info.metadata.homepage);
  put("revision", info.metadata.revision);
  put("version", info.metadata.version);
  out["metadata"] = std::move(metadata);
  if (info.component_name) out["component_name"] = *info.component_name;
  out["has_package_docs"] = info.has_package_docs;
  return dump(out);
}

// What the wasm reader's answer means for a publish at `id`: the release to record, or why not.
Result<store::NewRelease> release_of(const wasm::ComponentInfo& info, const PackageVersion& id) {
  store::NewRelease release{id, Digest(), 0, api::ReleaseKind::kComponent, {}, {}, {}, {}, "{}"};
  switch (info.kind) {
    case wasm::BinaryKind::kCoreModule:
      return wasm::core_module_error();
    case wasm::BinaryKind::kWitPackage: {
      if (!info.package) {
        return fail(ErrorCode::kInvalidArgument,
                    "this WIT package does not name its package; encode it from WIT that "
                    "starts with `package " +
                        id.to_string() + ";`");
      }
      const auto& encoded = *info.package;
      bool version_differs = encoded.version && *encoded.version != id.version;
      if (encoded.name != id.name || version_differs) {
        return fail(ErrorCode::kInvalidArgument,
                    "the body is the WIT package " + encoded.to_string() + " but the URL says " +
                        id.to_string() + "; publish it as " + encoded.to_string() +
                        " or encode the WIT with `package " + id.to_string() + ";`");
      }
      release.kind = api::ReleaseKind::kWit;
      for (const auto& dependency : info.dependencies) {
        if (dependency.name == id.name) continue;
        release.dependencies.push_back(api::Dependency{
            dependency.name,
            dependency.version ? VersionReq::caret(*dependency.version) : VersionReq()});
      }
      break;
    }
    case wasm::BinaryKind::kComponent:
      release.kind = api::ReleaseKind::kComponent;
      break;
  }
  for (const auto& item : info.imports) {
    if (auto name = wasm::parse_interface_name(item.name, ""); name && *name) {
      release.imports.push_back(std::move(**name));
    }
  }
  for (const auto& item : info.exports) {
    if (auto name = wasm::parse_interface_name(item.name, ""); name && *name) {
      release.exports.push_back(std::move(**name));
    }
  }
  if (info.metadata.description) release.description = *info.metadata.description;
  release.details_json = details_json(info);
  return release;
}

http::Response published(const PackageVersion& id, const store::BlobInfo& blob,
                         api::ReleaseKind kind, bool created) {
  nlohmann::json body{{"name", id.name.to_string()},       {"version", id.version.to_string()},
                      {"digest", blob.digest.to_string()}, {"size", blob.size},
                      {"kind", to_string(kind)},           {"created", created}};
  http::Response response = http::json_response(created ? 201 : 200, dump(body));
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
  PublishConsumer(ApiContext& context, PackageVersion id, std::optional<Digest> expected,
                  std::unique_ptr<store::BlobWriter> writer)
      : context_(context),
        id_(std::move(id)),
        expected_(std::move(expected)),
        writer_(std::move(writer)) {}

  Result<void> write(std::span<const std::uint8_t> chunk) override { return writer_->write(chunk); }

  http::Response finish(const http::Request&) override {
    timing_.step("receive");
    auto response = publish();
    if (response.status >= 400) context_.counters.publishes_refused.fetch_add(1);
    response.set("Server-Timing", timing_.text());
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
      return published(id_, *blob, existing->summary.kind, false);
    }

    // A body that is wrong in itself is refused as such (400) before it is compared with what
    // the version already holds (409).
    auto bytes = writer_->read_back(context_.max_body_bytes);
    if (!bytes) return error_of(bytes.error());
    auto info = wasm::read_component(bytes->bytes());
    if (!info) {
      return error_of(fail(
          ErrorCode::kInvalidArgument,
          "the body is not a valid WebAssembly component or WIT package: " + info.error().message));
    }
    auto release = release_of(*info, id_);
    timing_.step("validate");
    if (!release) return error_of(release.error());
    if (existing && !(existing->summary.digest == blob->digest)) {
      return error_of(conflict(id_, existing->summary.digest));
    }

    auto committed = writer_->commit();
    timing_.step("install");
    if (!committed) return error_of(committed.error());
    release->digest = committed->digest;
    release->size = committed->size;
    auto outcome = context_.metadata.publish(*release);
    timing_.step("commit");
    if (!outcome) return error_of(outcome.error());
    bool created = outcome->status == store::PublishStatus::kCreated;
    (created ? context_.counters.publishes_created : context_.counters.publishes_unchanged)
        .fetch_add(1);
    return published(id_, *committed, release->kind, created);
  }

  ApiContext& context_;
  PackageVersion id_;
  std::optional<Digest> expected_;
  std::unique_ptr<store::BlobWriter> writer_;
  PublishTiming timing_;  // from the accepted header on
};

}  // namespace

http::Route::Opened open_publish(const http::Request& request, ApiContext& context) {
  auto refuse = [&context](const Error& error) -> http::Route::Opened {
    context.counters.publishes_refused.fetch_add(1);
    return error_of(error);
  };
  auto id = package_version_of(request);
  if (!id) return refuse(id.error());
  auto principal = authorize(request, context, auth::Action::kPublish, id->name.space());
  if (!principal) return refuse(principal.error());
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
      context, std::move(*id), std::move(expected), std::move(*writer)));
}

}  // namespace wreg::api
