// The OCI types wreg reads and writes: image manifests, the Wasm OCI artifact's config, image
// indexes (the referrers answer), references (tag or digest) and OCI error bodies.
//
// Specs: opencontainers/image-spec manifest.md and descriptor.md (v1.1), opencontainers/
// distribution-spec spec.md (v1.1), and the CNCF "Wasm OCI Artifact" layout that wkg writes
// through bytecodealliance/rust-oci-wasm: config media type application/vnd.wasm.config.v0+json
// with {created, author, architecture:"wasm", os:"wasip2", layerDigests, component:{exports,
// imports, target}}, and one application/wasm layer holding the component's exact bytes.
//
// Every reader here takes bytes from the network (a pushed manifest, a config blob) and is a
// fuzz target: it never throws, and refuses with kInvalidArgument and one line naming the field
// and what it must be. Unknown fields are ignored, as the image spec asks. Writers are
// deterministic (the same value, the same bytes), so a synthesised manifest's digest is stable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "common/result.h"

namespace wreg::oci {

inline constexpr std::string_view kImageManifestType = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kImageIndexType = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifestType =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kWasmConfigType = "application/vnd.wasm.config.v0+json";
inline constexpr std::string_view kWasmLayerType = "application/wasm";

// The most a manifest may hold, in bytes (distribution-spec: registries SHOULD accept at least
// 4 MiB; a Wasm artifact's manifest is well under 2 KiB).
inline constexpr std::size_t kMaxManifestBytes = 4 * 1024 * 1024;

// image-spec descriptor.md. `digest` keeps the text as sent when its algorithm is not sha256
// (wreg stores only sha256; such a descriptor is refused where it matters, with that text).
struct Descriptor {
  std::string media_type;
  std::string digest_text;       // as sent: `algorithm:encoded`
  std::optional<Digest> digest;  // set when digest_text is sha256
  std::uint64_t size = 0;
  std::optional<std::string> artifact_type;
  std::map<std::string, std::string> annotations;
};

// image-spec manifest.md.
struct ImageManifest {
  int schema_version = 2;
  std::string media_type;  // may be empty: the Content-Type then says what it is
  std::optional<std::string> artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
};

// Reads an image manifest (or Docker's schema 2 manifest, which has the same shape).
// kInvalidArgument for anything that is not a JSON object with schemaVersion 2, a config
// descriptor and a layers array of descriptors, each with a mediaType, a well-formed digest
// (`algorithm:encoded`, as distribution-spec's grammar) and a size.
Result<ImageManifest> read_manifest(std::string_view bytes);

// The manifest's bytes: keys in the image spec's order, compact, fields that are not set left
// out. read_manifest(write_manifest(m)) gives m back.
std::string write_manifest(const ImageManifest& manifest);

// rust-oci-wasm's WasmConfig.
struct WasmComponent {
  std::vector<std::string> exports;
  std::vector<std::string> imports;
  std::optional<std::string> target;
};
struct WasmConfig {
  std::string created;  // RFC 3339
  std::optional<std::string> author;
  std::string architecture = "wasm";
  std::string os = "wasip2";
  std::vector<std::string> layer_digests;
  std::optional<WasmComponent> component;
};

// Reads a config blob. kInvalidArgument when it is not an object with string `created`,
// `architecture`, `os` and a `layerDigests` array of strings (`component` optional).
Result<WasmConfig> read_wasm_config(std::string_view bytes);
// Deterministic bytes, keys in rust-oci-wasm's order.
std::string write_wasm_config(const WasmConfig& config);

// An image index listing `manifests` (the referrers API's answer).
std::string write_index(const std::vector<Descriptor>& manifests);

// distribution-spec's reference: a tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}) or a digest.
bool is_valid_tag(std::string_view text);

// distribution-spec's digest grammar: `algorithm ":" encoded`, algorithm components of
// [a-z0-9] joined by one of [+._-], encoded of [a-zA-Z0-9=_-]+. True when `text` has that form
// (whatever the algorithm; a registry may not support it).
bool looks_like_digest(std::string_view text);

// A digest wreg can store: `sha256:<64 lowercase hex>`. kInvalidArgument naming the problem:
// a malformed digest, or another algorithm ("wreg stores sha256 digests only").
Result<Digest> parse_digest(std::string_view text);

// distribution-spec's error codes (spec.md, "Error Codes").
enum class Code {
  kBlobUnknown,
  kBlobUploadInvalid,
  kBlobUploadUnknown,
  kDigestInvalid,
  kManifestBlobUnknown,
  kManifestInvalid,
  kManifestUnknown,
  kNameInvalid,
  kNameUnknown,
  kSizeInvalid,
  kUnauthorized,
  kDenied,
  kUnsupported,
  kTooManyRequests,
  kUnknown,  // distribution's UNKNOWN: a failure of the registry itself (a 5xx)
};
const char* code_name(Code code);  // "BLOB_UNKNOWN", ...

// `{"errors":[{"code":"…","message":"…"}]}`, the message escaped as JSON.
std::string write_error(Code code, std::string_view message);

// An error body as a client reads it: the first error's code and message. kInvalidArgument when
// it is not that shape.
struct ErrorBody {
  std::string code;
  std::string message;
};
Result<ErrorBody> read_error(std::string_view bytes);

}  // namespace wreg::oci
