// PUT /v2/{ns}/{name}/manifests/{tag}: a publish.
//
// The tag is the version (strict semver). The manifest must be a Wasm artifact
// (common/oci/artifact.h) whose config and layer are already uploaded; the layer's bytes go
// through the same reader and checks as PUT /api/v1/packages/... (api/release_reader.h), and the
// release is recorded with the manifest, kept byte for byte, in one transaction. The same
// manifest again is a success that changes nothing; the same tag with other bytes is refused
// (versions are immutable).
#include "common/mapped_file.h"
#include "common/oci/artifact.h"
#include "common/text.h"
#include "server/api/release_reader.h"
#include "server/api/request_values.h"
#include "server/oci/credentials.h"
#include "server/oci/handlers.h"
#include "server/oci/responses.h"

namespace wreg::oci {

namespace {

constexpr ErrorCodes kManifestCodes{Code::kManifestUnknown, Code::kManifestInvalid};

// The stored blob `descriptor` names, mapped, after checking that its size is the one the
// manifest gives. The response to send otherwise: MANIFEST_BLOB_UNKNOWN when it was not
// uploaded, MANIFEST_INVALID for another size.
std::variant<MappedFile, http::Response> uploaded(const Digest& digest, std::uint64_t size,
                                                  std::string_view what, OciContext& context) {
  auto blob = context.api.blobs.locate(digest);
  if (!blob) {
    if (blob.error().code == ErrorCode::kNotFound) {
      return error_response(Code::kManifestBlobUnknown,
                            "the manifest's " + std::string(what) + " " + digest.to_string() +
                                " was not uploaded; push the blob before the manifest");
    }
    return error_of(blob.error(), kManifestCodes);
  }
  if (blob->size != size) {
    return error_response(Code::kManifestInvalid, "the manifest gives its " + std::string(what) +
                                                      " " + digest.to_string() + " a size of " +
                                                      std::to_string(size) + " bytes, but it has " +
                                                      std::to_string(blob->size));
  }
  auto mapped = MappedFile::open(blob->path.string());
  if (!mapped) return error_of(mapped.error(), kManifestCodes);
  return std::move(*mapped);
}

// put_manifest() once its token may publish `name`.
http::Response publish_manifest(const http::Request& request, OciContext& context,
                                const PackageName& name) {
  auto refuse = [&context](http::Response response) {
    context.api.counters.publishes_refused.fetch_add(1);
    return response;
  };

  const std::string* reference = request.param("reference");
  const std::string tag = reference ? *reference : std::string();
  if (tag.find(':') != std::string::npos) {
    return refuse(error_response(
        Code::kUnsupported, "wreg takes manifests by tag only: push it as <ns>/<name>:<version>"));
  }
  auto version = Version::parse(tag);
  if (!version) {
    return refuse(error_response(
        Code::kManifestInvalid,
        "the tag " + wreg::quoted(tag) + " is not a version (" + version.error().message +
            "); wreg's tags are versions, immutable once pushed, so `latest` and other moving "
            "tags are not taken"));
  }
  const PackageVersion id{name, std::move(*version)};

  auto manifest = read_manifest(request.body);
  if (!manifest) return refuse(error_of(manifest.error(), kManifestCodes));
  const std::string* content_type = request.header("content-type");
  auto artifact = wasm_artifact_of(*manifest, content_type ? trim(*content_type) : "");
  if (!artifact) return refuse(error_of(artifact.error(), kManifestCodes));

  if (auto mirrored = api::refuse_mirrored_publish(context.api, name.space())) {
    return refuse(error_of(*mirrored, kManifestCodes));
  }
  auto exists = context.api.metadata.namespace_exists(name.space());
  if (!exists) return error_of(exists.error(), kManifestCodes);
  if (!*exists) return refuse(namespace_unknown(name));

  auto config = uploaded(artifact->config, artifact->config_size, "config", context);
  if (auto* refused = std::get_if<http::Response>(&config)) return refuse(std::move(*refused));
  const auto config_bytes = std::get<MappedFile>(config).bytes();
  if (auto read = read_wasm_config(std::string_view(
          reinterpret_cast<const char*>(config_bytes.data()), config_bytes.size()));
      !read) {
    return refuse(error_of(read.error(), kManifestCodes));
  }
  auto layer = uploaded(artifact->layer, artifact->layer_size, "layer", context);
  if (auto* refused = std::get_if<http::Response>(&layer)) return refuse(std::move(*refused));
  auto release = api::read_release(std::get<MappedFile>(layer).bytes(), id, "the layer", "the tag");
  if (!release) return refuse(error_of(release.error(), kManifestCodes));

  auto existing = context.api.metadata.release(id);
  if (!existing && existing.error().code != ErrorCode::kNotFound) {
    return error_of(existing.error(), kManifestCodes);
  }
  if (existing && !(existing->summary.digest == artifact->layer)) {
    return refuse(
        error_of(fail(ErrorCode::kConflict, id.to_string() + " is already published with " +
                                                existing->summary.digest.to_string() +
                                                "; versions are immutable, push a new version"),
                 kManifestCodes));
  }

  const std::string media_type = !manifest->media_type.empty()
                                     ? manifest->media_type
                                     : std::string(content_type ? trim(*content_type) : "");
  const store::OciManifest record{Digest::of(request.body), media_type, request.body,
                                  artifact->config, artifact->config_size};
  auto outcome = context.api.metadata.publish(
      api::new_release(*release, store::BlobInfo{artifact->layer, artifact->layer_size}), record);
  if (!outcome) return refuse(error_of(outcome.error(), kManifestCodes));
  (outcome->status == store::PublishStatus::kCreated ? context.api.counters.publishes_created
                                                     : context.api.counters.publishes_unchanged)
      .fetch_add(1);
  if (auto unsigned_entry = api::await_log(context.api)) {
    return refuse(error_of(*unsigned_entry, kManifestCodes));
  }
  http::Response response;
  response.status = 201;
  response.set("Location",
               "/v2/" + context.repository(name) + "/manifests/" + record.digest.to_string());
  response.set("Docker-Content-Digest", record.digest.to_string());
  mark_registry_response(response);
  return response;
}

}  // namespace

http::Response put_manifest(const http::Request& request, OciContext& context) {
  auto name = api::package_name_of(request);
  if (!name) return error_of(name.error(), kNameCodes);
  auto authorized = authorize(request, context, auth::Action::kPublish, *name);
  if (authorized.refused) return std::move(*authorized.refused);
  http::Response response = publish_manifest(request, context, *name);
  response.log_token_id = authorized.principal->token_id;  // the access log names the writer
  return response;
}

}  // namespace wreg::oci
