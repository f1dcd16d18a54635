// The OCI upstreams other tests use (oci_upstream.h), tested on their own: Debian's
// docker-registry loaded with the WASI fixtures and read back over the wire, deletes and rewrites
// of a tag, and a push into wreg-server.
// The docker-registry tests are skipped when it is not installed, except under CI (CI set).
#include "tests/integration/oci_upstream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/oci_wire.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {
namespace {

using Json = nlohmann::json;

const Headers kAcceptManifest = {{"Accept", kManifestType}};

std::string id_of(const FixturePackage& package) {
  return package.ns + ":" + package.name + "@" + package.version;
}

TEST(FixturePackagesTest, AreThePackagesTheirFileNamesSayAndNoOthers) {
  std::vector<std::string> ids;
  for (const FixturePackage& package : fixture_packages("wasi")) {
    ids.push_back(id_of(package));
    EXPECT_EQ(package.bytes, file_bytes(package.file)) << id_of(package);
    EXPECT_EQ(package.file.filename(), "wasi-" + package.name + "@" + package.version + ".wasm");
  }
  // wasi-http@0.2.0.upstream.wasm holds wasi:http@0.2.0: not the version its name says.
  EXPECT_EQ(
      ids, (std::vector<std::string>{
               "wasi:cli@0.2.8", "wasi:clocks@0.2.0", "wasi:clocks@0.2.8", "wasi:filesystem@0.2.8",
               "wasi:http@0.2.0-rc-2023-12-05", "wasi:http@0.2.8", "wasi:io@0.2.0", "wasi:io@0.2.3",
               "wasi:io@0.2.8", "wasi:io@0.3.0-rc.1", "wasi:random@0.2.8", "wasi:sockets@0.2.8"}));
  ASSERT_EQ(fixture_packages("toolsku").size(), 2u);
  EXPECT_EQ(fixture_packages("toolsku")[1].name, "stream-tools");
}

TEST(WasmArtifactTest, IsOneWasmLayerOfTheExactBytesAndAWasmConfig) {
  const WasmArtifact artifact = wasm_artifact("\0asm bytes", "1.2.3");
  EXPECT_EQ(artifact.layer, "\0asm bytes");
  const Json manifest = Json::parse(artifact.manifest);
  EXPECT_EQ(manifest["mediaType"], kManifestType);
  EXPECT_EQ(manifest["config"]["mediaType"], kWasmConfigType);
  EXPECT_EQ(manifest["config"]["digest"], sha256(artifact.config));
  EXPECT_EQ(manifest["config"]["size"], artifact.config.size());
  ASSERT_EQ(manifest["layers"].size(), 1u);
  EXPECT_EQ(manifest["layers"][0]["mediaType"], kWasmLayerType);
  EXPECT_EQ(manifest["layers"][0]["digest"], sha256(artifact.layer));
  EXPECT_EQ(manifest["layers"][0]["size"], artifact.layer.size());
  EXPECT_EQ(Json::parse(artifact.config)["layerDigests"], Json::array({sha256(artifact.layer)}));
  EXPECT_NE(wasm_artifact("\0asm bytes", "1.2.4").manifest, artifact.manifest);
}

class DockerRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(start_docker_registry(registry_));
    if (IsSkipped()) return;
    port_ = registry_->port();
  }

  HttpResponse get(const std::string& target, const Headers& headers = {}) {
    return request(port_, "GET", target, headers);
  }

  std::unique_ptr<DockerRegistry> registry_;
  std::uint16_t port_ = 0;
};

TEST_F(DockerRegistryTest, ServesThePushedFixturesByTagAndDigest) {
  const PushedFixtures pushed = push_fixture_packages(port_);
  ASSERT_EQ(pushed.error, "") << registry_->log();
  ASSERT_EQ(pushed.artifacts.size(), fixture_packages("wasi").size());

  for (const PushedArtifact& artifact : pushed.artifacts) {
    SCOPED_TRACE(artifact.repository + ":" + artifact.tag);
    EXPECT_TRUE(artifact.repository.starts_with("webassembly/wasi/"));
    const Json tags = json_of(get("/v2/" + artifact.repository + "/tags/list"));
    EXPECT_NE(std::find(tags["tags"].begin(), tags["tags"].end(), artifact.tag), tags["tags"].end())
        << tags;
  }
  const HttpResponse page = get("/v2/webassembly/wasi/io/tags/list?n=1");
  EXPECT_EQ(json_of(page)["tags"].size(), 4u) << "docker-registry 2.8 does not page tags";
  EXPECT_EQ(page.header("link"), "");

  const PushedArtifact& http = pushed.artifacts[5];
  ASSERT_EQ(http.repository + ":" + http.tag, "webassembly/wasi/http:0.2.8");
  const std::string bytes = fixture_bytes("packages/wasi-http@0.2.8.wasm");

  const HttpResponse by_tag = get("/v2/webassembly/wasi/http/manifests/0.2.8", kAcceptManifest);
  ASSERT_EQ(by_tag.status, 200) << by_tag.body;
  EXPECT_EQ(by_tag.body, http.manifest);
  EXPECT_EQ(by_tag.header("content-type"), kManifestType);
  EXPECT_EQ(by_tag.header("docker-content-digest"), http.manifest_digest);
  const HttpResponse by_digest =
      get("/v2/webassembly/wasi/http/manifests/" + http.manifest_digest, kAcceptManifest);
  EXPECT_EQ(by_digest.body, http.manifest);
  EXPECT_EQ(get("/v2/webassembly/wasi/http/manifests/0.2.8").status, 404)
      << "docker-registry hides an OCI manifest from a client that does not accept it";

  const Json manifest = Json::parse(by_tag.body);
  EXPECT_EQ(manifest["layers"][0]["digest"], sha256(bytes));
  EXPECT_EQ(manifest["layers"][0]["size"], bytes.size());
  const HttpResponse layer = get("/v2/webassembly/wasi/http/blobs/" + sha256(bytes));
  EXPECT_EQ(layer.status, 200);
  EXPECT_EQ(layer.body, bytes);
  const HttpResponse config = get("/v2/webassembly/wasi/http/blobs/" + http.config_digest);
  EXPECT_EQ(sha256(config.body), http.config_digest);
  EXPECT_EQ(Json::parse(config.body)["layerDigests"], Json::array({sha256(bytes)}));
}

TEST_F(DockerRegistryTest, ADeletedTagIsGoneUntilPushedAgainWithOtherBytes) {
  const std::string repository = "webassembly/wasi/io";
  const std::string original = fixture_bytes("packages/wasi-io@0.2.8.wasm");
  ASSERT_EQ(push_wasm_artifact(port_, repository, "0.2.8", original).error, "");

  ASSERT_EQ(delete_manifest(port_, repository, "0.2.8"), "");
  EXPECT_EQ(get("/v2/" + repository + "/manifests/0.2.8", kAcceptManifest).status, 404);
  EXPECT_EQ(json_of(get("/v2/" + repository + "/tags/list"))["tags"], Json())
      << "docker-registry lists no tags as null";
  EXPECT_NE(delete_manifest(port_, repository, "0.2.8"), "");

  const std::string rewritten = with_custom_section(original, "rewritten upstream");
  const PushedArtifact pushed = push_wasm_artifact(port_, repository, "0.2.8", rewritten);
  ASSERT_EQ(pushed.error, "");
  const HttpResponse manifest = get("/v2/" + repository + "/manifests/0.2.8", kAcceptManifest);
  EXPECT_EQ(manifest.body, pushed.manifest);
  EXPECT_EQ(Json::parse(manifest.body)["layers"][0]["digest"], sha256(rewritten));
  EXPECT_EQ(get("/v2/" + repository + "/blobs/" + sha256(rewritten)).body, rewritten);
}

TEST_F(DockerRegistryTest, PushingOtherBytesToATagMovesIt) {
  const std::string repository = "webassembly/wasi/io";
  const std::string original = fixture_bytes("packages/wasi-io@0.2.8.wasm");
  ASSERT_EQ(push_wasm_artifact(port_, repository, "0.2.8", original).error, "");
  const std::string rewritten = with_custom_section(original, "rewritten upstream");
  const PushedArtifact moved = push_wasm_artifact(port_, repository, "0.2.8", rewritten);
  ASSERT_EQ(moved.error, "");
  EXPECT_EQ(get("/v2/" + repository + "/manifests/0.2.8", kAcceptManifest).body, moved.manifest);
}

TEST_F(DockerRegistryTest, DeletingATagLeavesTheSameBytesUnderAnotherTag) {
  const std::string repository = "webassembly/wasi/io";
  const std::string bytes = fixture_bytes("packages/wasi-io@0.2.8.wasm");
  ASSERT_EQ(push_wasm_artifact(port_, repository, "0.2.8", bytes).error, "");
  const PushedArtifact other = push_wasm_artifact(port_, repository, "0.2.9", bytes);
  ASSERT_EQ(other.error, "");
  ASSERT_EQ(delete_manifest(port_, repository, "0.2.8"), "");
  EXPECT_EQ(json_of(get("/v2/" + repository + "/tags/list"))["tags"], Json::array({"0.2.9"}));
  EXPECT_EQ(get("/v2/" + repository + "/manifests/0.2.9", kAcceptManifest).body, other.manifest);
}

TEST_F(DockerRegistryTest, StartsAgainAtTheSameAddressWithWhatWasPushed) {
  const std::string bytes = fixture_bytes("packages/wasi-io@0.2.8.wasm");
  ASSERT_EQ(push_wasm_artifact(port_, "webassembly/wasi/io", "0.2.8", bytes).error, "");
  registry_->stop();
  EXPECT_EQ(get("/v2/").status, 0) << "nothing listens while it is stopped";
  ASSERT_TRUE(registry_->start()) << registry_->log();
  EXPECT_EQ(registry_->port(), port_);
  EXPECT_EQ(get("/v2/webassembly/wasi/io/blobs/" + sha256(bytes)).body, bytes);
}

TEST_F(DockerRegistryTest, FailuresSayWhichRequestFailedAndHow) {
  EXPECT_EQ(push_wasm_artifact(port_, "Not/Lowercase", "0.1.0", "bytes").error,
            "POST /v2/Not/Lowercase/blobs/uploads/ answered 404: 404 page not found\n");
  const PushedArtifact bad_tag = push_wasm_artifact(port_, "webassembly/x", "no+tag", "bytes");
  EXPECT_TRUE(bad_tag.error.starts_with("PUT /v2/webassembly/x/manifests/no+tag answered 4"))
      << bad_tag.error;
  EXPECT_TRUE(delete_manifest(port_, "webassembly/x", "9.9.9")
                  .starts_with("HEAD /v2/webassembly/x/manifests/9.9.9 answered 404"));
  EXPECT_EQ(push_wasm_artifact(free_port(), "webassembly/x", "0.1.0", "bytes").error,
            "POST /v2/webassembly/x/blobs/uploads/: cannot connect");
}

TEST(DockerRegistryAsShippedTest, RefusesDeletes) {
  std::unique_ptr<DockerRegistry> registry;
  ASSERT_NO_FATAL_FAILURE(start_docker_registry(registry, /*deletes=*/false));
  if (::testing::Test::IsSkipped()) return;
  const std::string repository = "webassembly/wasi/io";
  ASSERT_EQ(push_wasm_artifact(registry->port(), repository, "0.2.8", "bytes").error, "");
  const std::string refused = delete_manifest(registry->port(), repository, "0.2.8");
  EXPECT_NE(refused.find(" answered 405: "), std::string::npos) << refused;
  EXPECT_NE(refused.find("UNSUPPORTED"), std::string::npos) << refused;
}

// The artifact is what wreg-server takes as a release: the push works against any registry that
// speaks the distribution API, with the headers it needs.
class PushIntoWregTest : public OciServerTest {};

TEST_F(PushIntoWregTest, APushedFixtureIsARelease) {
  ASSERT_NO_FATAL_FAILURE(create_namespaces({"wasi"}));
  const std::string token = create_token(data(), {"--namespace", "wasi"});
  ASSERT_NO_FATAL_FAILURE(start());
  const std::string bytes = fixture_bytes("packages/wasi-io@0.2.8.wasm");
  EXPECT_NE(push_wasm_artifact(port(), "wasi/io", "0.2.8", bytes).error, "")
      << "wreg-server wants a token to push";
  const PushedArtifact pushed =
      push_wasm_artifact(port(), "wasi/io", "0.2.8", bytes, {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(pushed.error, "") << server_->log();
  const HttpResponse release = request(port(), "GET", "/api/v1/packages/wasi/io/0.2.8");
  EXPECT_EQ(json_of(release)["digest"], sha256(bytes)) << release.body;
}

}  // namespace
}  // namespace wreg::testing
