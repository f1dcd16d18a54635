// GET/HEAD /v2/{ns}/{name}/manifests/{reference}, GET .../tags/list, GET .../referrers/{digest}.
#include <algorithm>

#include "common/api/release_document.h"
#include "common/oci/artifact.h"
#include "common/text.h"
#include "server/api/request_values.h"
#include "server/oci/credentials.h"
#include "server/oci/handlers.h"
#include "server/oci/responses.h"
#include "server/store/blob_claim.h"

namespace wreg::oci {

namespace {

constexpr ErrorCodes kManifestCodes{Code::kManifestUnknown, Code::kManifestInvalid};
constexpr std::size_t kMaxTagsPage = 1000;

// Commits `bytes` to the blob store (a no-op when they are already stored).
Result<void> store_blob(store::BlobStore& blobs, std::string_view bytes) {
  auto writer = blobs.begin(bytes.size());
  if (!writer) return std::move(writer).error();
  auto written = (*writer)->write(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  if (!written) return written;
  auto committed = (*writer)->commit();
  if (!committed) return std::move(committed).error();
  return {};
}

// The manifest of the release `id` names (as MetadataStore::release() finds it): the stored one,
// or, for a release that has none yet, the synthesised one, stored now. Its config blob is
// committed before the manifest is recorded, so a stored manifest never names a missing blob.
// kNotFound.
Result<store::OciManifest> manifest_of_release(const PackageVersion& id, OciContext& context) {
  auto stored = context.api.metadata.manifest_of(id);
  if (!stored) return std::move(stored).error();
  if (*stored) return std::move(**stored);
  auto record = context.api.metadata.release(id);
  if (!record) return std::move(record).error();
  auto details = api::parse_release_details(record->details_json);
  if (!details) {
    return fail(ErrorCode::kInternal, "stored release details of " + id.to_string() +
                                          " do not read back: " + details.error().message);
  }
  const SynthesisedArtifact artifact = synthesise_artifact(
      ReleaseFacts{PackageVersion{id.name, record->summary.version}, record->summary.digest,
                   record->summary.size, record->summary.published, std::move(*details)});
  // Claimed until the manifest that names it is recorded (store/blob_claim.h).
  auto claim = store::BlobClaim::take(context.api.metadata, artifact.config_digest);
  if (!claim) return std::move(claim).error();
  if (auto stored_config = store_blob(context.api.blobs, artifact.config); !stored_config) {
    return std::move(stored_config).error();
  }
  return context.api.metadata.record_manifest(
      id, store::OciManifest{artifact.manifest_digest, std::string(kImageManifestType),
                             artifact.manifest, artifact.config_digest, artifact.config.size()});
}

// Whether an Accept header (a list of media ranges with parameters) takes `media_type`. No
// header, or an empty one, takes anything.
bool accepts(const std::string* header, std::string_view media_type) {
  if (!header || trim(*header).empty()) return true;
  for (std::string_view range : split(*header, ',')) {
    range = trim(range.substr(0, range.find(';')));
    if (range == media_type || range == "*/*" || range == "application/*") return true;
  }
  return false;
}

}  // namespace

http::Response get_manifest(const http::Request& request, OciContext& context) {
  if (auto refused = check_read(request, context)) return std::move(*refused);
  auto name = api::package_name_of(request);
  if (!name) return error_of(name.error(), kNameCodes);
  // A tag not held yet may be one the upstream has (mirror.h).
  (void)api::refresh_mirrored(context.api, *name);
  const std::string repository = context.repository(*name);
  const std::string* reference = request.param("reference");
  const std::string text = reference ? *reference : std::string();

  store::OciManifest manifest;
  if (text.find(':') != std::string::npos) {
    auto digest = parse_digest(text);
    if (!digest) return error_of(digest.error(), {Code::kManifestUnknown, Code::kDigestInvalid});
    auto found = context.api.metadata.manifest_by_digest(*name, *digest);
    if (!found) return error_of(found.error(), kManifestCodes);
    if (!*found) {
      return error_response(Code::kManifestUnknown,
                            "no manifest " + digest->to_string() + " in " + repository +
                                "; list its tags with GET /v2/" + repository + "/tags/list");
    }
    manifest = std::move((*found)->manifest);
  } else {
    auto version = Version::parse(text);
    if (!version) {
      return error_response(Code::kManifestUnknown,
                            "no tag " + wreg::quoted(text) + " in " + repository +
                                ": wreg's tags are the package's versions " +
                                "(strict semver, e.g. 1.2.0)");
    }
    auto found = manifest_of_release(PackageVersion{*name, std::move(*version)}, context);
    if (!found) {
      if (found.error().code == ErrorCode::kNotFound) {
        return error_response(
            Code::kManifestUnknown,
            "no tag " + wreg::quoted(text) + " in " + repository + ": " + found.error().message);
      }
      return error_of(found.error(), kManifestCodes);
    }
    manifest = std::move(*found);
  }

  if (!accepts(request.header("accept"), manifest.media_type)) {
    return error_response(Code::kManifestUnknown,
                          "the manifest is " + manifest.media_type +
                              ", which the request's Accept header does not list; accept it");
  }
  http::Response response;
  response.set("Content-Type", manifest.media_type);
  response.set("Docker-Content-Digest", manifest.digest.to_string());
  response.set("ETag", "\"" + manifest.digest.to_string() + "\"");
  mark_registry_response(response);
  response.body = std::move(manifest.content);
  return response;
}

http::Response get_tags(const http::Request& request, OciContext& context) {
  if (auto refused = check_read(request, context)) return std::move(*refused);
  auto name = api::package_name_of(request);
  if (!name) return error_of(name.error(), kNameCodes);
  const std::string repository = context.repository(*name);
  auto n = api::number_param(request, "n", 0, kMaxTagsPage);
  if (!n) return error_response(Code::kUnsupported, n.error().message, 400);
  const std::string upstream = api::refresh_mirrored(context.api, *name);
  auto record = context.api.metadata.package(*name);
  if (!record) {
    if (auto unavailable = api::mirror_unavailable(context.api, *name, upstream)) {
      return error_of(*unavailable, kNameCodes);
    }
    if (record.error().code == ErrorCode::kNotFound) {
      return error_response(Code::kNameUnknown, "no repository " + repository +
                                                    " here; list them with GET /v2/_catalog");
    }
    return error_of(record.error(), kNameCodes);
  }
  // A version with build metadata has a `+`, which no tag may hold.
  std::vector<std::string> tags;
  for (const auto& release : record->document.versions) {
    if (release.version.build().empty()) tags.push_back(release.version.to_string());
  }
  std::sort(tags.begin(), tags.end());
  auto first = tags.begin();
  if (const std::string* last = request.query_param("last")) {
    first = std::upper_bound(tags.begin(), tags.end(), *last);
  }
  const std::size_t limit = n->value_or(kMaxTagsPage);
  const auto end =
      static_cast<std::size_t>(tags.end() - first) > limit ? first + limit : tags.end();
  std::string body = "{\"name\":\"" + repository + "\",\"tags\":[";
  for (auto tag = first; tag != end; ++tag) body += (tag == first ? "\"" : ",\"") + *tag + "\"";
  body += "]}";
  http::Response response = http::json_response(200, std::move(body));
  mark_registry_response(response);
  if (!upstream.empty()) response.set("Wreg-Upstream", upstream);
  if (end != tags.end() && end != first) {
    response.set("Link", next_link("/v2/" + repository + "/tags/list", limit, *(end - 1)));
  }
  return response;
}

http::Response get_referrers(const http::Request& request, OciContext& context) {
  const ErrorCodes codes{Code::kManifestUnknown, Code::kNameInvalid};
  if (auto refused = check_read(request, context)) return std::move(*refused);
  auto name = api::package_name_of(request);
  if (!name) return error_of(name.error(), codes);
  const std::string* text = request.param("digest");
  auto digest = parse_digest(text ? *text : std::string());
  if (!digest) return error_of(digest.error(), {Code::kManifestUnknown, Code::kDigestInvalid});
  http::Response response = http::json_response(200, write_index({}));
  response.set("Content-Type", std::string(kImageIndexType));
  mark_registry_response(response);
  return response;
}

}  // namespace wreg::oci
