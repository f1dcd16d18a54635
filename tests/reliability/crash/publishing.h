// What the crash and fault tests share: a registry on a temp data dir with one namespace and a
// token for it, distinct valid components to publish, and a publish over real HTTP, natively or
// as an OCI push.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/support/registry_tampering.h"

namespace wreg::testing {

// The fixture component every body is made from (tests/fixtures/components/http-proxy.wasm).
std::string base_component();

// `component` with a custom section `wreg-test` appended holding `tag` and `padding` random
// bytes: still a valid component (custom sections may appear anywhere), with its own digest.
std::string component_variant(const std::string& component, const std::string& tag,
                              std::size_t padding, std::mt19937_64& random);

// `sha256:<hex>` of `bytes`.
std::string digest_of(const std::string& bytes);

// Creates namespace `ns` in `data` and returns a publish token for it ("" on failure, with the
// admin command's stderr in `error`).
std::string prepare_registry(const std::filesystem::path& data, const std::string& ns,
                             std::string& error);

// The request line and headers of `PUT /api/v1/packages/{ns}/{name}/{version}` for `body`,
// ending with the blank line: the caller sends the body (or part of it) after it.
std::string publish_head(const std::string& ns, const std::string& name, const std::string& version,
                         const std::string& token, const std::string& body,
                         bool with_digest_header);

// A whole publish on a new connection.
HttpResponse publish(std::uint16_t port, const std::string& ns, const std::string& name,
                     const std::string& version, const std::string& token, const std::string& body);

// A component as a Wasm OCI artifact, as wkg pushes it (common/oci/artifact.h): the config blob
// naming it, and the manifest naming the config and the component as its one application/wasm
// layer.
struct OciArtifact {
  std::string config;
  std::string manifest;
};
OciArtifact oci_artifact_of(const std::string& component);

// The request line and headers of one step of an OCI push to repository `ns`/`name` (with
// `token` as Bearer and `Connection: close`), ending with the blank line; the caller sends
// `body` (or part of it) after it. A monolithic blob upload: POST .../blobs/uploads/?digest=.
std::string oci_upload_head(const std::string& ns, const std::string& name,
                            const std::string& token, const std::string& body);
// The manifest PUT by the version tag, which publishes.
std::string oci_manifest_head(const std::string& ns, const std::string& name,
                              const std::string& version, const std::string& token,
                              const std::string& manifest);

// Sends `message` (a whole request) on a new connection and reads the answer.
HttpResponse exchange(std::uint16_t port, const std::string& message);

}  // namespace wreg::testing
