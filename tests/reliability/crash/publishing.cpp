#include "tests/reliability/crash/publishing.h"

#include "common/digest.h"

namespace wreg::testing {

namespace {
constexpr const char* kOciManifestType = "application/vnd.oci.image.manifest.v1+json";
}  // namespace

std::string base_component() {
  return file_bytes(std::filesystem::path(WREG_TEST_FIXTURES) / "components/http-proxy.wasm");
}

std::string component_variant(const std::string& component, const std::string& tag,
                              std::size_t padding, std::mt19937_64& random) {
  std::string contents = tag + "\n";
  contents.reserve(contents.size() + padding);
  for (std::size_t i = 0; i < padding; ++i) contents.push_back(static_cast<char>(random() & 0xff));
  return with_custom_section(component, contents);
}

std::string digest_of(const std::string& bytes) { return Digest::of(bytes).to_string(); }

std::string prepare_registry(const std::filesystem::path& data, const std::string& ns,
                             std::string& error) {
  auto created = run_server_command({"namespace", "create", "--data", data.string(), ns});
  if (created.exit_status != 0) {
    error = created.err;
    return {};
  }
  auto token = run_server_command({"token", "create", "--data", data.string(), "--namespace", ns});
  if (token.exit_status != 0) {
    error = token.err;
    return {};
  }
  return token.out.substr(0, token.out.find('\n'));
}

std::string publish_head(const std::string& ns, const std::string& name, const std::string& version,
                         const std::string& token, const std::string& body,
                         bool with_digest_header) {
  std::string head = "PUT /api/v1/packages/" + ns + "/" + name + "/" + version +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                     "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (with_digest_header) head += "Digest-Sha256: " + digest_of(body) + "\r\n";
  return head + "Connection: close\r\n\r\n";
}

HttpResponse publish(std::uint16_t port, const std::string& ns, const std::string& name,
                     const std::string& version, const std::string& token,
                     const std::string& body) {
  return request(port, "PUT", "/api/v1/packages/" + ns + "/" + name + "/" + version,
                 {{"Authorization", "Bearer " + token}}, body);
}

OciArtifact oci_artifact_of(const std::string& component) {
  const std::string layer = digest_of(component);
  OciArtifact artifact;
  artifact.config =
      "{\"created\":\"2026-01-02T03:04:05Z\",\"architecture\":\"wasm\",\"os\":\"wasip2\","
      "\"layerDigests\":[\"" +
      layer + "\"]}";
  artifact.manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + std::string(kOciManifestType) +
                      "\",\"config\":{\"mediaType\":\"application/vnd.wasm.config.v0+json\","
                      "\"digest\":\"" +
                      digest_of(artifact.config) +
                      "\",\"size\":" + std::to_string(artifact.config.size()) +
                      "},\"layers\":[{\"mediaType\":\"application/wasm\",\"digest\":\"" + layer +
                      "\",\"size\":" + std::to_string(component.size()) + "}]}";
  return artifact;
}

std::string oci_upload_head(const std::string& ns, const std::string& name,
                            const std::string& token, const std::string& body) {
  return "POST /v2/" + ns + "/" + name + "/blobs/uploads/?digest=" + digest_of(body) +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
}

std::string oci_manifest_head(const std::string& ns, const std::string& name,
                              const std::string& version, const std::string& token,
                              const std::string& manifest) {
  return "PUT /v2/" + ns + "/" + name + "/manifests/" + version +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: " + std::string(kOciManifestType) +
         "\r\nContent-Length: " + std::to_string(manifest.size()) + "\r\nConnection: close\r\n\r\n";
}

HttpResponse exchange(std::uint16_t port, const std::string& message) {
  auto connection = Connection::open(port);
  if (!connection) {
    HttpResponse failed;
    failed.error = "cannot connect to port " + std::to_string(port);
    return failed;
  }
  connection->send(message);
  return connection->read_response();
}

}  // namespace wreg::testing
