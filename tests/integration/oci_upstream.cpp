#include "tests/integration/oci_upstream.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "tests/integration/http_client.h"

namespace wreg::testing {

namespace {

using Json = nlohmann::json;

// "METHOD TARGET answered STATUS: BODY..." (or the connection's failure), for PushedArtifact.
std::string failure(const std::string& method, const std::string& target,
                    const HttpResponse& response) {
  if (response.status == 0) return method + " " + target + ": " + response.error;
  return method + " " + target + " answered " + std::to_string(response.status) + ": " +
         response.body.substr(0, 300);
}

Headers with(Headers headers, const std::string& name, const std::string& value) {
  headers.emplace_back(name, value);
  return headers;
}

// The path and query of an upload Location, which docker-registry gives as an absolute URL.
std::string path_of(const std::string& location) {
  const auto scheme = location.find("://");
  if (scheme == std::string::npos) return location;
  const auto path = location.find('/', scheme + 3);
  return path == std::string::npos ? "/" : location.substr(path);
}

// POST an upload session, then PUT the whole blob to it. "" or what failed.
std::string upload_blob(std::uint16_t port, const std::string& repository, const std::string& bytes,
                        const Headers& headers) {
  const std::string start = "/v2/" + repository + "/blobs/uploads/";
  const HttpResponse session = request(port, "POST", start, headers);
  if (session.status != 202 || session.header("location").empty()) {
    return failure("POST", start, session);
  }
  std::string target = path_of(session.header("location"));
  target +=
      (target.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + sha256(bytes);
  const HttpResponse put = request(
      port, "PUT", target, with(headers, "Content-Type", "application/octet-stream"), bytes);
  if (put.status != 201) return failure("PUT", target, put);
  if (put.header("docker-content-digest") != sha256(bytes)) {
    return "PUT " + target + " answered the digest " + put.header("docker-content-digest");
  }
  return "";
}

// The package `<ns>:<name>@<version>` that the first `package` line of a decoder's WIT text
// names, without its `;`; "" when there is none.
std::string package_line(const std::string& wit) {
  std::size_t start = 0;
  while (start < wit.size()) {
    const std::size_t end = std::min(wit.find('\n', start), wit.size());
    const std::string line = wit.substr(start, end - start);
    if (line.starts_with("package ") && line.ends_with(";")) {
      return line.substr(8, line.size() - 9);
    }
    start = end + 1;
  }
  return "";
}

}  // namespace

DockerRegistry::DockerRegistry(std::string binary, bool deletes)
    : binary_(std::move(binary)), deletes_(deletes) {}

DockerRegistry::~DockerRegistry() { stop(); }

bool DockerRegistry::start() {
  if (port_ == 0) port_ = free_port();
  if (port_ == 0) {
    error_ = "no free port on 127.0.0.1";
    return false;
  }
  const std::filesystem::path storage = dir_ / "storage";
  std::filesystem::create_directories(storage);
  std::ofstream(dir_ / "config.yml")
      << "version: 0.1\n"
         "log:\n  level: error\n"
         "storage:\n  filesystem:\n    rootdirectory: "
      << storage.string() << "\n  delete:\n    enabled: " << (deletes_ ? "true" : "false")
      << "\nhttp:\n  addr: " << address() << "\n";
  process_ = std::make_unique<PeerProcess>(
      binary_, std::vector<std::string>{"serve", (dir_ / "config.yml").string()});
  if (!process_->start()) {
    error_ = "cannot run " + binary_;
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (request(port_, "GET", "/v2/").status != 200) {
    if (std::chrono::steady_clock::now() > deadline) {
      error_ = "docker-registry did not answer GET /v2/ on " + address() + " within 20 s";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_.clear();
  return true;
}

void DockerRegistry::stop() {
  if (!process_) return;
  process_->stop();
  log_ = process_->log();
  process_.reset();
}

std::string DockerRegistry::log() const {
  std::string text = error_.empty() ? "" : error_ + "\n";
  return text + (process_ ? process_->log() : log_);
}

void start_docker_registry(std::unique_ptr<DockerRegistry>& registry, bool deletes) {
  std::string binary;
  ASSERT_NO_FATAL_FAILURE(find_peer("docker-registry", binary));
  if (binary.empty()) return;  // skipped
  registry = std::make_unique<DockerRegistry>(binary, deletes);
  ASSERT_TRUE(registry->start()) << registry->log();
}

std::string wasm_manifest(const std::string& config, const std::string& layer_digest,
                          std::uint64_t layer_size, const std::string& version) {
  return Json{
      {"schemaVersion", 2},
      {"mediaType", kManifestType},
      {"config",
       {{"mediaType", kWasmConfigType}, {"digest", sha256(config)}, {"size", config.size()}}},
      {"layers",
       Json::array(
           {{{"mediaType", kWasmLayerType}, {"digest", layer_digest}, {"size", layer_size}}})},
      {"annotations", {{"org.opencontainers.image.version", version}}}}
      .dump();
}

WasmArtifact wasm_artifact(const std::string& bytes, const std::string& version) {
  WasmArtifact artifact;
  artifact.config = Json{{"created", "2026-01-02T03:04:05Z"},
                         {"architecture", "wasm"},
                         {"os", "wasip2"},
                         {"layerDigests", Json::array({sha256(bytes)})}}
                        .dump();
  artifact.layer = bytes;
  artifact.manifest = wasm_manifest(artifact.config, sha256(bytes), bytes.size(), version);
  return artifact;
}

PushedArtifact push_artifact(std::uint16_t port, const std::string& repository,
                             const std::string& tag, const WasmArtifact& artifact,
                             const Headers& headers) {
  PushedArtifact pushed{repository,
                        tag,
                        artifact.manifest,
                        sha256(artifact.manifest),
                        sha256(artifact.config),
                        sha256(artifact.layer),
                        ""};
  for (const std::string* blob : {&artifact.config, &artifact.layer}) {
    pushed.error = upload_blob(port, repository, *blob, headers);
    if (!pushed.error.empty()) return pushed;
  }
  const std::string target = "/v2/" + repository + "/manifests/" + tag;
  const HttpResponse put =
      request(port, "PUT", target, with(headers, "Content-Type", kManifestType), artifact.manifest);
  if (put.status != 201) {
    pushed.error = failure("PUT", target, put);
  } else if (put.header("docker-content-digest") != pushed.manifest_digest) {
    pushed.error = "PUT " + target + " answered the digest " + put.header("docker-content-digest");
  }
  return pushed;
}

PushedArtifact push_wasm_artifact(std::uint16_t port, const std::string& repository,
                                  const std::string& tag, const std::string& bytes,
                                  const Headers& headers) {
  return push_artifact(port, repository, tag, wasm_artifact(bytes, tag), headers);
}

std::string delete_manifest(std::uint16_t port, const std::string& repository,
                            const std::string& reference, const Headers& headers) {
  const std::string manifests = "/v2/" + repository + "/manifests/";
  std::string digest = reference;
  if (reference.find(':') == std::string::npos) {
    const HttpResponse head =
        request(port, "HEAD", manifests + reference, with(headers, "Accept", kManifestType));
    digest = head.header("docker-content-digest");
    if (head.status != 200 || digest.empty()) return failure("HEAD", manifests + reference, head);
  }
  const HttpResponse deleted = request(port, "DELETE", manifests + digest, headers);
  return deleted.status == 202 ? "" : failure("DELETE", manifests + digest, deleted);
}

std::vector<FixturePackage> fixture_packages(const std::string& ns) {
  std::vector<FixturePackage> packages;
  for (const auto& entry : std::filesystem::directory_iterator(fixtures() / "packages")) {
    const std::string file = entry.path().filename().string();
    const std::string head = ns + "-";
    if (!file.starts_with(head) || !file.ends_with(".wasm")) continue;
    const std::string id = file.substr(head.size(), file.size() - head.size() - 5);
    const auto at = id.find('@');
    if (at == std::string::npos) continue;
    FixturePackage package{ns, id.substr(0, at), id.substr(at + 1), entry.path(), ""};
    const std::string claimed = ns + ":" + package.name + "@" + package.version;
    if (package_line(file_bytes(entry.path().string() + ".wit.txt")) != claimed) continue;
    package.bytes = file_bytes(entry.path());
    packages.push_back(std::move(package));
  }
  std::sort(packages.begin(), packages.end(),
            [](const FixturePackage& a, const FixturePackage& b) { return a.file < b.file; });
  return packages;
}

PushedFixtures push_fixture_packages(std::uint16_t port, const std::string& ns,
                                     const std::string& prefix, const Headers& headers) {
  PushedFixtures pushed;
  for (const FixturePackage& package : fixture_packages(ns)) {
    pushed.artifacts.push_back(push_wasm_artifact(port, prefix + ns + "/" + package.name,
                                                  package.version, package.bytes, headers));
    if (!pushed.artifacts.back().error.empty()) {
      pushed.error = pushed.artifacts.back().error;
      break;
    }
  }
  return pushed;
}

}  // namespace wreg::testing
