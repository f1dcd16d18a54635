#include "common/oci/artifact.h"

#include "common/text.h"

namespace wreg::oci {

namespace {

Error refuse(const std::string& why) {
  return fail(wreg::ErrorCode::kInvalidArgument,
              why + "; wreg takes Wasm OCI artifacts: an image manifest with a " +
                  std::string(kWasmConfigType) + " config and exactly one " +
                  std::string(kWasmLayerType) + " layer (as wkg publish and oras push write)");
}

}  // namespace

Result<WasmArtifact> wasm_artifact_of(const ImageManifest& manifest,
                                      std::string_view content_type) {
  const std::string_view type =
      !manifest.media_type.empty() ? std::string_view(manifest.media_type) : content_type;
  if (type != kImageManifestType && type != kDockerManifestType) {
    return refuse("the manifest's media type is " +
                  wreg::quoted(type.empty() ? std::string_view("(none)") : type) +
                  ", not an image manifest");
  }
  if (!content_type.empty() && !manifest.media_type.empty() &&
      content_type != manifest.media_type) {
    return refuse("the manifest says it is " + wreg::quoted(manifest.media_type) +
                  " but was sent as " + wreg::quoted(content_type));
  }
  if (manifest.config.media_type != kWasmConfigType) {
    return refuse("the config's media type is " + wreg::quoted(manifest.config.media_type) +
                  ", not a Wasm config");
  }
  if (manifest.layers.size() != 1) {
    return refuse("the manifest has " + std::to_string(manifest.layers.size()) +
                  " layers, not exactly one");
  }
  const Descriptor& layer = manifest.layers.front();
  if (layer.media_type != kWasmLayerType) {
    return refuse("the layer's media type is " + wreg::quoted(layer.media_type) +
                  ", not application/wasm");
  }
  for (const Descriptor* descriptor : {&manifest.config, &layer}) {
    if (!descriptor->digest) {
      return fail(wreg::ErrorCode::kInvalidArgument,
                  "the manifest names the blob " + wreg::quoted(descriptor->digest_text) +
                      ", but wreg stores sha256 digests only; push it with sha256");
    }
  }
  return WasmArtifact{*manifest.config.digest, manifest.config.size, *layer.digest, layer.size};
}

SynthesisedArtifact synthesise_artifact(const ReleaseFacts& release) {
  WasmConfig config;
  config.created = release.published;
  config.layer_digests = {release.digest.to_string()};
  if (release.details.binary_kind == wasm::BinaryKind::kComponent) {
    WasmComponent component;
    for (const auto& item : release.details.exports) component.exports.push_back(item.name);
    for (const auto& item : release.details.imports) component.imports.push_back(item.name);
    config.component = std::move(component);
  }
  SynthesisedArtifact out;
  out.config = write_wasm_config(config);
  out.config_digest = Digest::of(out.config);

  ImageManifest manifest;
  manifest.media_type = std::string(kImageManifestType);
  manifest.config = Descriptor{std::string(kWasmConfigType),
                               out.config_digest.to_string(),
                               out.config_digest,
                               out.config.size(),
                               std::nullopt,
                               {}};
  manifest.layers.push_back(Descriptor{std::string(kWasmLayerType),
                                       release.digest.to_string(),
                                       release.digest,
                                       release.size,
                                       std::nullopt,
                                       {}});
  auto& annotations = manifest.annotations;
  annotations["org.opencontainers.image.created"] = release.published;
  annotations["org.opencontainers.image.title"] = release.id.name.to_string();
  annotations["org.opencontainers.image.version"] = release.id.version.to_string();
  const wasm::Metadata& metadata = release.details.metadata;
  for (const auto& [key, value] :
       {std::pair{"description", &metadata.description}, std::pair{"authors", &metadata.authors},
        std::pair{"licenses", &metadata.licenses}, std::pair{"source", &metadata.source},
        std::pair{"url", &metadata.homepage}, std::pair{"revision", &metadata.revision}}) {
    if (*value) annotations[std::string("org.opencontainers.image.") + key] = **value;
  }
  out.manifest = write_manifest(manifest);
  out.manifest_digest = Digest::of(out.manifest);
  return out;
}

}  // namespace wreg::oci
