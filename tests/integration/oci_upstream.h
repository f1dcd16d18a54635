// Real OCI registries as upstreams for tests of a client or mirror that reads Wasm packages from
// OCI: Debian's docker-registry (distribution 2.8, the reference implementation) on 127.0.0.1,
// and a push of a Wasm package into any OCI registry as a Wasm OCI artifact over plain HTTP.
//
// The artifact is the layout wkg publish writes (CNCF "Wasm OCI Artifact", through
// bytecodealliance/rust-oci-wasm): an image manifest whose config is
// application/vnd.wasm.config.v0+json and whose one application/wasm layer is the package's exact
// bytes. Manifests and configs are built here with nlohmann_json and digests with OpenSSL, not
// with wreg's own OCI code, so a client's reader is tested against bytes it did not write.
//
// What docker-registry 2.8 does that a client must cope with (checked by oci_upstream_test.cpp):
//   - GET or HEAD of a manifest, by tag or by digest, without an Accept that names the OCI
//     manifest type answers 404 MANIFEST_UNKNOWN ("OCI manifest found, but accept header does not
//     support OCI manifests"). With it, the Content-Type is that type.
//   - tags/list ignores `n` and `last` (no paging, no Link header), lists tags in no particular
//     order, and says `"tags":null` once the last tag is deleted.
//   - DELETE of a manifest works by digest only (by tag: 400 DIGEST_INVALID), and removes every
//     tag that names that manifest; the blobs stay. Without deletes enabled: 405 UNSUPPORTED.
//   - Blobs are served from the storage folder: no redirect to other storage.
//   - The upload Location is an absolute URL.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/oci_wire.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {

inline constexpr const char* kWasmConfigType = "application/vnd.wasm.config.v0+json";
inline constexpr const char* kWasmLayerType = "application/wasm";

// Debian's docker-registry serving /v2/ on 127.0.0.1 with its storage in a temp dir of its own:
// no auth, deletes enabled unless told otherwise. Not thread-safe; one owner.
class DockerRegistry {
 public:
  // `binary`: the program (find_peer("docker-registry", ...)).
  explicit DockerRegistry(std::string binary, bool deletes = true);
  ~DockerRegistry();
  DockerRegistry(const DockerRegistry&) = delete;
  DockerRegistry& operator=(const DockerRegistry&) = delete;

  // Starts it and waits (at most 20 s) until GET /v2/ answers 200. The first start takes a free
  // port; a start after stop() uses the same port and storage, so what was pushed is there again
  // at the same address. False, with the reason in log(), when it does not answer in time.
  bool start();
  // Stops it (SIGTERM, which it does not catch: it dies by the signal) and waits for it: its
  // port refuses connections afterwards. Nothing happens when it is not running.
  void stop();

  std::uint16_t port() const { return port_; }
  // "127.0.0.1:PORT", for registry URLs (`oci+http://127.0.0.1:PORT/webassembly/`).
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Why it did not start, and what it printed: errors, and an access log line per request.
  std::string log() const;

 private:
  std::string binary_;
  bool deletes_;
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<PeerProcess> process_;
  std::string error_;  // why the last start() failed
  std::string log_;    // what the process printed before its last stop()
};

// Sets `registry` to a started docker-registry (find_peer() decides when it is missing: the test
// is skipped, or fails under CI). Call as
//   ASSERT_NO_FATAL_FAILURE(start_docker_registry(registry_)); if (IsSkipped()) return;
void start_docker_registry(std::unique_ptr<DockerRegistry>& registry, bool deletes = true);

// A Wasm OCI artifact: its three pieces as bytes.
struct WasmArtifact {
  // {"created":"2026-01-02T03:04:05Z","architecture":"wasm","os":"wasip2","layerDigests":[layer]}
  std::string config;
  std::string layer;  // the package, exactly
  // An OCI image manifest (mediaType set) naming the config and the layer, with the annotation
  // org.opencontainers.image.version = the version, so that the same bytes under two tags are
  // two manifests (and deleting one tag leaves the other).
  std::string manifest;
};

// `bytes` as the artifact of `version`. Any bytes: nothing checks that they are Wasm.
WasmArtifact wasm_artifact(const std::string& bytes, const std::string& version);

// The manifest of `config` and a layer described as `layer_digest` and `layer_size`, which need
// not be true of any bytes: for serving a manifest that lies (FakeOciRegistry).
std::string wasm_manifest(const std::string& config, const std::string& layer_digest,
                          std::uint64_t layer_size, const std::string& version);

// What a push left in the registry, or why it failed.
struct PushedArtifact {
  std::string repository;
  std::string tag;
  std::string manifest;  // the bytes pushed
  std::string manifest_digest;
  std::string config_digest;
  std::string layer_digest;  // sha256 of the package
  // "" when the push succeeded; else the request that failed, its status (or "cannot connect")
  // and the start of the registry's answer.
  std::string error;
};

// Pushes `artifact` to the registry on 127.0.0.1:`port` over plain HTTP as `repository`:`tag`:
// each blob by POST /v2/<repository>/blobs/uploads/ then PUT <Location>?digest=..., then PUT
// /v2/<repository>/manifests/<tag>. Each step must answer 202 or 201, and the digests the registry
// answers (Docker-Content-Digest) must be the bytes'. `headers` go with every request (e.g.
// Authorization for wreg-server). Pushing the same artifact again succeeds; pushing other bytes
// to a tag moves the tag (on registries that allow it, as docker-registry does).
PushedArtifact push_artifact(std::uint16_t port, const std::string& repository,
                             const std::string& tag, const WasmArtifact& artifact,
                             const Headers& headers = {});

// push_artifact() of wasm_artifact(bytes, tag).
PushedArtifact push_wasm_artifact(std::uint16_t port, const std::string& repository,
                                  const std::string& tag, const std::string& bytes,
                                  const Headers& headers = {});

// Deletes the manifest `reference` (a tag or a digest) from `repository`: a tag is first
// resolved to its manifest's digest (HEAD, with the OCI Accept), because docker-registry deletes
// by digest only, which also removes every other tag naming that manifest. "" when the registry
// answered 202; else what failed.
std::string delete_manifest(std::uint16_t port, const std::string& repository,
                            const std::string& reference, const Headers& headers = {});

// A fixture WIT package (fixtures()/"packages"/"<ns>-<name>@<version>.wasm").
struct FixturePackage {
  std::string ns;
  std::string name;
  std::string version;
  std::filesystem::path file;
  std::string bytes;
};

// The fixture packages of namespace `ns`, sorted by file name: every `<ns>-<name>@<version>.wasm`
// whose WIT, as the independent decoder printed it beside it (`.wasm.wit.txt`), is
// `package <ns>:<name>@<version>`. So `wasi-http@0.2.0.upstream.wasm` (package wasi:http@0.2.0)
// is left out, and the prereleases (0.2.0-rc-2023-12-05, 0.3.0-rc.1) are in.
std::vector<FixturePackage> fixture_packages(const std::string& ns);

struct PushedFixtures {
  std::vector<PushedArtifact> artifacts;  // in fixture_packages() order
  std::string error;                      // "" when every push succeeded; else the first failure
};

// Pushes fixture_packages(ns) to the registry on `port`, each as repository
// `<prefix><ns>/<name>` and tag `<version>` (wkg's mapping: prefix "webassembly/" gives
// webassembly/wasi/http:0.2.8). Stops at the first failure.
PushedFixtures push_fixture_packages(std::uint16_t port, const std::string& ns = "wasi",
                                     const std::string& prefix = "webassembly/",
                                     const Headers& headers = {});

}  // namespace wreg::testing
