// The Wasm OCI artifact as wreg publishes it: what a pushed manifest must be to become a
// release, and the manifest and config wreg writes for a release published natively.
//
// A pushed manifest publishes when it is an image manifest whose config is
// application/vnd.wasm.config.v0+json and which has exactly one application/wasm layer, both
// named by sha256 digests (checks below; the layer's bytes are then read by the same reader and
// release_of() as a native publish). Anything else (an image, a Helm chart, a signature pushed
// by tag, two layers) is refused: wreg is a registry of Wasm packages, and every tag is a
// version whose bytes must be readable as one.
//
// The synthesised manifest and config depend only on the release (its identity, digest, size,
// publish time and what the reader found), so they are the same bytes every time; the server
// still stores them once, so that a change to this code never changes a digest it has served.
#pragma once

#include <cstdint>
#include <string>

#include "common/api/release_document.h"
#include "common/digest.h"
#include "common/oci/manifest.h"
#include "common/package_ref.h"
#include "common/result.h"

namespace wreg::oci {

// The two blobs a Wasm artifact manifest names.
struct WasmArtifact {
  Digest config;
  std::uint64_t config_size = 0;
  Digest layer;
  std::uint64_t layer_size = 0;
};

// `manifest` as a Wasm artifact, sent with Content-Type `content_type` (empty when none).
// kInvalidArgument with what is wrong and what wreg takes: another manifest media type (an
// index, a Docker schema 1 manifest), another config media type, not exactly one layer, a layer
// that is not application/wasm, digests that are not sha256.
Result<WasmArtifact> wasm_artifact_of(const ImageManifest& manifest, std::string_view content_type);

// A release as the synthesis needs it.
struct ReleaseFacts {
  PackageVersion id;
  Digest digest;
  std::uint64_t size = 0;
  std::string published;  // RFC 3339, the release's publish time
  api::ReleaseDetails details;
};

struct SynthesisedArtifact {
  std::string config;  // the config blob's bytes
  Digest config_digest;
  std::string manifest;  // the manifest's bytes
  Digest manifest_digest;
};

// The config (created = the publish time, layerDigests, component exports and imports for a
// component, null for a WIT package) and the manifest (annotations
// org.opencontainers.image.version, .title, .created and the wasm-metadata fields: description,
// authors, licenses, source, url, revision) of a release. Deterministic.
SynthesisedArtifact synthesise_artifact(const ReleaseFacts& release);

}  // namespace wreg::oci
