// The OCI upstreams other tests use (oci_upstream.h, fake_oci_registry.h), tested on their own:
// Debian's docker-registry loaded with the WASI fixtures and read back over the wire, deletes and
// rewrites of a tag, a push into wreg-server, and each scripted behaviour of the fake registry.
// The docker-registry tests are skipped when it is not installed, except under CI (CI set).
#include "tests/integration/oci_upstream.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/fake_oci_registry.h"
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

// A client socket that reads what arrives as it arrives, for watching a drip.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawClient() { hang_up(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // What one read(2) gives within `wait`: "" when nothing came, nullopt when the peer closed.
  std::optional<std::string> read_once(std::chrono::milliseconds wait) {
    pollfd descriptor{fd_, POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(wait.count())) <= 0) return "";
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
  }
  void hang_up() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  bool connected_ = false;
};

TEST(FakeOciRegistryTest, AnswersItsTableAndRecordsEachRequest) {
  FakeOciRegistry registry;
  ASSERT_NE(registry.port(), 0);
  FakeAnswer answer = content_answer("the manifest", kManifestType);
  answer.headers.emplace_back("Docker-Content-Digest", "sha256:abc");
  registry.answer("/v2/wasi/io/manifests/0.2.8", answer);
  registry.answer("/v2/wasi/io/tags/list?n=2", tags_answer("wasi/io", {"a", "b"}));

  const HttpResponse got = request(registry.port(), "GET", "/v2/wasi/io/manifests/0.2.8",
                                   {{"Accept", kManifestType}, {"X-Test", "one"}});
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "the manifest");
  EXPECT_EQ(got.header("content-type"), kManifestType);
  EXPECT_EQ(got.header("docker-content-digest"), "sha256:abc");
  const HttpResponse head = request(registry.port(), "HEAD", "/v2/wasi/io/manifests/0.2.8");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "12");
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(request(registry.port(), "GET", "/v2/wasi/io/manifests/0.2.8?x=1").body, "the manifest")
      << "a path's answer serves it with any query";
  EXPECT_EQ(json_of(request(registry.port(), "GET", "/v2/wasi/io/tags/list?n=2"))["tags"],
            Json::array({"a", "b"}));

  EXPECT_EQ(request(registry.port(), "GET", "/v2/").status, 200);
  const HttpResponse missing = request(registry.port(), "GET", "/v2/wasi/io/manifests/9.9.9");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(oci_code(missing), "MANIFEST_UNKNOWN");
  EXPECT_EQ(oci_code(request(registry.port(), "GET", "/v2/wasi/io/blobs/sha256:0")),
            "BLOB_UNKNOWN");
  EXPECT_EQ(request(registry.port(), "DELETE", "/v2/wasi/io/manifests/0.2.8").status, 404);

  const std::vector<FakeRequest> seen = registry.requests();
  ASSERT_EQ(seen.size(), 8u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/v2/wasi/io/manifests/0.2.8");
  EXPECT_EQ(seen[0].header("x-test"), "one");
  EXPECT_EQ(seen[0].header("ACCEPT"), kManifestType);
  EXPECT_EQ(seen[0].header("Authorization"), std::nullopt);
  EXPECT_EQ(seen[1].method, "HEAD");
  EXPECT_EQ(seen[2].path(), "/v2/wasi/io/manifests/0.2.8");
  EXPECT_EQ(seen[7].method, "DELETE");
}

TEST(FakeOciRegistryTest, ServesAnArtifactByTagDigestAndBlob) {
  FakeOciRegistry registry;
  const WasmArtifact first = wasm_artifact("first bytes", "0.1.0");
  const WasmArtifact second = wasm_artifact("second bytes", "0.2.0");
  registry.serve_artifact("ns/pkg", "0.1.0", first.manifest, {first.config, first.layer});
  registry.serve_artifact("ns/pkg", "0.2.0", second.manifest, {second.config, second.layer});

  const HttpResponse by_tag = request(registry.port(), "GET", "/v2/ns/pkg/manifests/0.1.0");
  EXPECT_EQ(by_tag.body, first.manifest);
  EXPECT_EQ(by_tag.header("content-type"), kManifestType);
  EXPECT_EQ(by_tag.header("docker-content-digest"), sha256(first.manifest));
  EXPECT_EQ(request(registry.port(), "GET", "/v2/ns/pkg/manifests/" + sha256(second.manifest)).body,
            second.manifest);
  const HttpResponse layer =
      request(registry.port(), "GET", "/v2/ns/pkg/blobs/" + sha256("second bytes"));
  EXPECT_EQ(layer.body, "second bytes");
  EXPECT_EQ(layer.header("docker-content-digest"), sha256("second bytes"));
  EXPECT_EQ(request(registry.port(), "GET", "/v2/ns/pkg/blobs/" + sha256(first.config)).body,
            first.config);
  EXPECT_EQ(json_of(request(registry.port(), "GET", "/v2/ns/pkg/tags/list")),
            (Json{{"name", "ns/pkg"}, {"tags", {"0.1.0", "0.2.0"}}}));

  // A route set afterwards takes the served one's place: the layer now lies about its bytes.
  registry.answer("/v2/ns/pkg/blobs/" + sha256("second bytes"),
                  content_answer("other bytes", "application/octet-stream"));
  EXPECT_EQ(request(registry.port(), "GET", "/v2/ns/pkg/blobs/" + sha256("second bytes")).body,
            "other bytes");
}

TEST(FakeOciRegistryTest, AHandlerAnswersFirstOrLeavesTheRequestToTheTable) {
  FakeOciRegistry registry;
  registry.answer("/v2/a/tags/list", tags_answer("a", {"1.0.0"}));
  registry.answer("/v2/b/tags/list", tags_answer("b", {"2.0.0"}));
  registry.handle([](const FakeRequest& request) -> std::optional<FakeAnswer> {
    if (request.path() != "/v2/a/tags/list") return std::nullopt;
    return oci_error_answer(503, "UNAVAILABLE", "down for " + request.method);
  });
  const HttpResponse down = request(registry.port(), "GET", "/v2/a/tags/list");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(oci_message(down), "down for GET");
  EXPECT_EQ(json_of(request(registry.port(), "GET", "/v2/b/tags/list"))["tags"],
            Json::array({"2.0.0"}));
}

TEST(FakeOciRegistryTest, KeepsAConnectionAliveForTheNextRequest) {
  FakeOciRegistry registry;
  registry.answer("/one", content_answer("1", "text/plain"));
  registry.answer("/two", content_answer("2", "text/plain"));
  auto connection = Connection::open(registry.port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(connection->read_response().body, "1");
  ASSERT_TRUE(connection->send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(connection->read_response().body, "2");
}

TEST(FakeOciRegistryTest, AContentLengthPastTheBodyEndsTheConnectionAfterIt) {
  FakeOciRegistry registry;
  FakeAnswer answer = content_answer("short", "application/octet-stream");
  answer.content_length = 1000;
  registry.answer("/v2/a/blobs/sha256:1", answer);
  auto connection = Connection::open(registry.port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->send("GET /v2/a/blobs/sha256:1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  const HttpResponse cut = connection->read_response();
  EXPECT_EQ(cut.status, 200);
  EXPECT_EQ(cut.header("content-length"), "1000");
  EXPECT_EQ(cut.body, "short");
  EXPECT_EQ(cut.error, "connection closed in the middle of the body");
}

TEST(FakeOciRegistryTest, ListsAHundredThousandTagsWithOrWithoutANextLink) {
  FakeOciRegistry registry;
  const std::vector<std::string> tags = numbered_tags(100000);
  EXPECT_EQ(tags[99999], "0.0.99999");
  registry.answer("/v2/big/tags/list", tags_answer("big", tags));
  registry.answer("/v2/paged/tags/list",
                  tags_answer("paged", {"1.0.0"}, "/v2/paged/tags/list?n=1&last=1.0.0"));

  const HttpResponse big = request(registry.port(), "GET", "/v2/big/tags/list");
  EXPECT_EQ(json_of(big)["tags"].size(), 100000u);
  EXPECT_EQ(json_of(big)["tags"][99999], "0.0.99999");
  EXPECT_EQ(big.header("link"), "");
  const HttpResponse paged = request(registry.port(), "GET", "/v2/paged/tags/list");
  EXPECT_EQ(paged.header("link"), "</v2/paged/tags/list?n=1&last=1.0.0>; rel=\"next\"");
}

TEST(FakeOciRegistryTest, RedirectsToAnotherRegistryThatRecordsItsOwnRequests) {
  FakeOciRegistry registry;
  FakeOciRegistry storage;
  ASSERT_NE(registry.port(), storage.port());
  const std::string blob = "/v2/a/blobs/" + sha256("stored elsewhere");
  registry.answer(blob, redirect_answer(storage.url() + "/storage/blob"));
  storage.answer("/storage/blob", content_answer("stored elsewhere", "application/octet-stream"));

  const HttpResponse redirected =
      request(registry.port(), "GET", blob, {{"Authorization", "Bearer secret"}});
  EXPECT_EQ(redirected.status, 307);
  EXPECT_EQ(redirected.header("location"), storage.url() + "/storage/blob");
  EXPECT_EQ(request(storage.port(), "GET", "/storage/blob").body, "stored elsewhere");

  ASSERT_EQ(registry.requests().size(), 1u);
  EXPECT_EQ(registry.requests()[0].header("authorization"), "Bearer secret");
  ASSERT_EQ(storage.requests().size(), 1u);
  EXPECT_EQ(storage.requests()[0].header("authorization"), std::nullopt);
}

TEST(FakeOciRegistryTest, ChallengesForABearerTokenItServesForBasicCredentials) {
  FakeOciRegistry registry;
  registry.answer("/v2/wasi/io/manifests/0.2.8", content_answer("manifest", kManifestType));
  registry.require_bearer("the-token", "user:pass");

  const HttpResponse challenged = request(registry.port(), "GET", "/v2/wasi/io/manifests/0.2.8");
  EXPECT_EQ(challenged.status, 401);
  EXPECT_EQ(challenged.header("www-authenticate"),
            "Bearer realm=\"" + registry.url() +
                "/token\",service=\"fake\",scope=\"repository:wasi/io:pull\"");
  EXPECT_EQ(request(registry.port(), "GET", "/v2/").header("www-authenticate"),
            "Bearer realm=\"" + registry.url() + "/token\",service=\"fake\"");

  const std::string token_target = "/token?service=fake&scope=repository:wasi/io:pull";
  EXPECT_EQ(request(registry.port(), "GET", token_target).status, 401);
  EXPECT_EQ(request(registry.port(), "GET", token_target, {{"Authorization", "Basic dTpw"}}).status,
            401);
  // "user:pass" in base64.
  const HttpResponse token =
      request(registry.port(), "GET", token_target, {{"Authorization", "Basic dXNlcjpwYXNz"}});
  EXPECT_EQ(token.status, 200);
  EXPECT_EQ(json_of(token), (Json{{"token", "the-token"}}));

  EXPECT_EQ(request(registry.port(), "GET", "/v2/wasi/io/manifests/0.2.8",
                    {{"Authorization", "Bearer wrong"}})
                .status,
            401);
  EXPECT_EQ(request(registry.port(), "GET", "/v2/wasi/io/manifests/0.2.8",
                    {{"Authorization", "Bearer the-token"}})
                .body,
            "manifest");
  EXPECT_EQ(registry.requests()[4].header("authorization"), "Basic dXNlcjpwYXNz");
}

TEST(FakeOciRegistryTest, AnonymousTokensNeedNoCredentials) {
  FakeOciRegistry registry;
  registry.require_bearer("anonymous");
  EXPECT_EQ(json_of(request(registry.port(), "GET", "/token"))["token"], "anonymous");
  EXPECT_EQ(request(registry.port(), "GET", "/v2/", {{"Authorization", "Bearer anonymous"}}).status,
            200);
}

TEST(FakeOciRegistryTest, DripsTheBodyOneByteAtATime) {
  FakeOciRegistry registry;
  FakeAnswer answer = content_answer("abcdefgh", "application/octet-stream");
  answer.drip = std::chrono::milliseconds(1);
  registry.answer("/drip", answer);
  const HttpResponse whole = request(registry.port(), "GET", "/drip");
  EXPECT_EQ(whole.body, "abcdefgh");

  // A minute between bytes: once the head and the first byte are in, nothing more can come.
  answer.drip = std::chrono::minutes(1);
  registry.answer("/slow", answer);
  RawClient client(registry.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string received;
  while (received.find("\r\n\r\n") == std::string::npos ||
         received.substr(received.find("\r\n\r\n") + 4).empty()) {
    const auto read = client.read_once(std::chrono::seconds(30));
    ASSERT_TRUE(read && !read->empty()) << "the head and a first byte arrive: " << received;
    received += *read;
  }
  EXPECT_EQ(received.substr(received.find("\r\n\r\n") + 4), "a");
  EXPECT_NE(received.find("Content-Length: 8\r\n"), std::string::npos) << received;
  EXPECT_EQ(client.read_once(std::chrono::milliseconds(200)), "") << "the second byte waits";
}

TEST(FakeOciRegistryTest, StopsAtOnceInTheMiddleOfADrip) {
  auto registry = std::make_unique<FakeOciRegistry>();
  FakeAnswer answer = content_answer("abcdefgh", "application/octet-stream");
  answer.drip = std::chrono::minutes(1);
  registry->answer("/slow", answer);
  RawClient watching(registry->port());
  RawClient gone(registry->port());
  for (RawClient* client : {&watching, &gone}) {
    ASSERT_TRUE(client->send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto read = client->read_once(std::chrono::seconds(30));
    ASSERT_TRUE(read && !read->empty());
  }
  gone.hang_up();

  const auto start = std::chrono::steady_clock::now();
  registry.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  std::optional<std::string> rest;
  do {
    rest = watching.read_once(std::chrono::seconds(10));
  } while (rest && !rest->empty());
  EXPECT_EQ(rest, std::nullopt) << "the connection was closed";
}

}  // namespace
}  // namespace wreg::testing
