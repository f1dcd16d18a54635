// wreg-server as an OCI registry, read side (server/oci/oci.h): the real server on 127.0.0.1
// port 0 with a temp data dir, spoken to in raw HTTP. Releases are published natively, then
// read over /v2: discovery, the API version check, manifests by tag and by digest (synthesised
// once and stored, so they survive a restart byte for byte), blobs with Range, tag and catalog
// paging, referrers, and the OCI error bodies of hostile and wrong requests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
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

class OciReadTest : public OciServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_namespaces({"toolsku", "demo"}));
    token_ = create_token(data(), {"--admin"});
    ASSERT_FALSE(token_.empty());
    ASSERT_NO_FATAL_FAILURE(start());
    wit_ = file_bytes(kFixtures / "packages/toolsku-analytics@0.1.0.wasm");
    component_ = file_bytes(kFixtures / "components/analytics-engine.wasm");
    ASSERT_FALSE(wit_.empty() || component_.empty());
    ASSERT_EQ(publish("toolsku/analytics/0.1.0", wit_).status, 201);
  }

  HttpResponse publish(const std::string& path, const std::string& bytes) {
    return publish_natively(token_, path, bytes);
  }
  HttpResponse get(const std::string& target, const Headers& headers = {}) {
    return request(port(), "GET", target, headers);
  }
  HttpResponse head(const std::string& target, const Headers& headers = {}) {
    auto connection = Connection::open(port());
    std::string text = "HEAD " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
    text += "Connection: close\r\n\r\n";
    EXPECT_TRUE(connection->send(text));
    return connection->read_response(/*head=*/true);
  }

  std::string token_;
  std::string wit_;
  std::string component_;
};

TEST_F(OciReadTest, DiscoveryNamesTheHostTheServerWasReachedAs) {
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection->send(
      "GET /.well-known/wasm-pkg/registry.json HTTP/1.1\r\nHost: registry.example:5000\r\n"
      "Connection: close\r\n\r\n"));
  HttpResponse response = connection->read_response();
  ASSERT_EQ(response.status, 200) << response.body;
  Json body = json_of(response);
  EXPECT_EQ(body["preferredProtocol"], "oci");
  EXPECT_EQ(body["oci"]["registry"], "registry.example:5000");
  EXPECT_EQ(body["oci"]["namespacePrefix"], "");
  EXPECT_EQ(body["wreg"]["api"], "/api/v1");

  auto hostile = Connection::open(port());
  ASSERT_TRUE(
      hostile->send("GET /.well-known/wasm-pkg/registry.json HTTP/1.1\r\nHost: evil\",\"x\":\"\r\n"
                    "Connection: close\r\n\r\n"));
  EXPECT_EQ(hostile->read_response().status, 400) << "a Host that would break the JSON";
}

TEST_F(OciReadTest, BaseAsksForALoginThatAnAnonymousTokenAnswersWhileReadsAreOpen) {
  for (const char* target : {"/v2/", "/v2"}) {
    SCOPED_TRACE(target);
    HttpResponse anonymous = get(target);
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(oci_code(anonymous), "UNAUTHORIZED");
    EXPECT_EQ(anonymous.header("www-authenticate"),
              "Bearer realm=\"http://127.0.0.1/v2/token\",service=\"127.0.0.1\"");
    EXPECT_EQ(anonymous.header("docker-distribution-api-version"), "registry/2.0");
  }
  HttpResponse token = get("/v2/token?service=127.0.0.1&scope=repository:toolsku/analytics:pull");
  ASSERT_EQ(token.status, 200) << token.body;
  const std::string bearer = json_of(token)["token"];
  EXPECT_EQ(get("/v2/", {{"Authorization", "Bearer " + bearer}}).status, 200);
  EXPECT_EQ(get("/v2/", {{"Authorization", "Bearer " + token_}}).status, 200);
  EXPECT_EQ(get("/v2/", {{"Authorization", "Bearer wreg_" + std::string(64, '0')}}).status, 401);
  // Reads themselves need no token while reads are open.
  EXPECT_EQ(get("/v2/toolsku/analytics/tags/list").status, 200);
}

TEST_F(OciReadTest, PrivateReadsNeedABearerTokenThatGrantsPullOnTheRepository) {
  HttpResponse open_anonymous = get("/v2/token?scope=repository:toolsku/analytics:pull");
  ASSERT_EQ(open_anonymous.status, 200);
  const std::string anonymous = json_of(open_anonymous)["token"];
  ASSERT_EQ(server_->stop(), 0);
  ASSERT_NO_FATAL_FAILURE(start({"--private"}));

  HttpResponse refused = get("/v2/token?scope=repository:toolsku/analytics:pull");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(oci_code(refused), "UNAUTHORIZED");
  HttpResponse stale =
      get("/v2/toolsku/analytics/manifests/0.1.0", {{"Authorization", "Bearer " + anonymous}});
  EXPECT_EQ(stale.status, 401) << "an anonymous token opens nothing once reads are closed";
  EXPECT_EQ(get("/v2/", {{"Authorization", "Bearer " + anonymous}}).status, 401);

  HttpResponse issued = get("/v2/token?scope=repository:toolsku/analytics:pull",
                            {{"Authorization", "Bearer " + token_}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  const Headers auth = {{"Authorization", "Bearer " + std::string(json_of(issued)["token"])}};
  EXPECT_EQ(get("/v2/toolsku/analytics/manifests/0.1.0", auth).status, 200);
  EXPECT_EQ(get("/v2/toolsku/analytics/tags/list", auth).status, 200);
  EXPECT_EQ(get("/v2/_catalog", auth).status, 200);
  HttpResponse elsewhere = get("/v2/demo/lib/tags/list", auth);
  EXPECT_EQ(elsewhere.status, 401);
  EXPECT_EQ(elsewhere.header("www-authenticate"),
            "Bearer realm=\"http://127.0.0.1/v2/token\",service=\"127.0.0.1\","
            "scope=\"repository:demo/lib:pull\"");
  // The wreg token itself still reads everything.
  EXPECT_EQ(get("/v2/demo/lib/tags/list", {{"Authorization", "Bearer " + token_}}).status, 404);
}

TEST_F(OciReadTest, APublicUrlNamesTheRegistryInDiscoveryAndChallenges) {
  ASSERT_EQ(server_->stop(), 0);
  ASSERT_NO_FATAL_FAILURE(start({"--public-url", "https://registry.example.com:8443/"}));
  EXPECT_EQ(json_of(get("/.well-known/wasm-pkg/registry.json"))["oci"]["registry"],
            "registry.example.com:8443");
  EXPECT_EQ(get("/v2/").header("www-authenticate"),
            "Bearer realm=\"https://registry.example.com:8443/v2/token\","
            "service=\"registry.example.com:8443\"");
  HttpResponse push = request(port(), "POST", "/v2/toolsku/analytics/blobs/uploads/");
  EXPECT_EQ(
      push.header("www-authenticate"),
      "Bearer realm=\"https://registry.example.com:8443/v2/token\","
      "service=\"registry.example.com:8443\",scope=\"repository:toolsku/analytics:push,pull\"");

  // The config file's key, the same.
  ASSERT_EQ(server_->stop(), 0);
  const std::filesystem::path config = dir_.path() / "serve.toml";
  std::ofstream(config) << "public-url = \"http://[::1]:5000\"\n";
  ASSERT_NO_FATAL_FAILURE(start({"--config", config.string()}));
  EXPECT_EQ(json_of(get("/.well-known/wasm-pkg/registry.json"))["oci"]["registry"], "[::1]:5000");

  // Anything but http(s)://HOST[:PORT] is refused at start, in one line.
  for (const char* url :
       {"registry.example.com", "ftp://registry.example.com", "https://registry.example.com/v2",
        "https://registry.example.com?a=b", "https://user@registry.example.com",
        "https://registry.example.com:0", "https://registry.example.com:99999", "https://",
        "http://bad host", "https://registry.example.com#top", "http://[::1"}) {
    SCOPED_TRACE(url);
    expect_refused_at_start({"--public-url", url}, "the public URL");
  }
}

TEST_F(OciReadTest, ANativeReleaseIsAWasmArtifactByTagAndByDigestThatNeverChanges) {
  HttpResponse by_tag = get("/v2/toolsku/analytics/manifests/0.1.0");
  ASSERT_EQ(by_tag.status, 200) << by_tag.body;
  EXPECT_EQ(by_tag.header("content-type"), kManifestType);
  const std::string digest = by_tag.header("docker-content-digest");
  EXPECT_EQ(digest, sha256(by_tag.body));
  EXPECT_EQ(by_tag.header("docker-distribution-api-version"), "registry/2.0");

  Json manifest = json_of(by_tag);
  EXPECT_EQ(manifest["schemaVersion"], 2);
  EXPECT_EQ(manifest["mediaType"], kManifestType);
  EXPECT_EQ(manifest["config"]["mediaType"], "application/vnd.wasm.config.v0+json");
  ASSERT_EQ(manifest["layers"].size(), 1u);
  EXPECT_EQ(manifest["layers"][0]["mediaType"], "application/wasm");
  EXPECT_EQ(manifest["layers"][0]["digest"], sha256(wit_));
  EXPECT_EQ(manifest["layers"][0]["size"], wit_.size());
  EXPECT_EQ(manifest["annotations"]["org.opencontainers.image.version"], "0.1.0");
  EXPECT_EQ(manifest["annotations"]["org.opencontainers.image.title"], "toolsku:analytics");

  HttpResponse by_digest = get("/v2/toolsku/analytics/manifests/" + digest);
  ASSERT_EQ(by_digest.status, 200) << by_digest.body;
  EXPECT_EQ(by_digest.body, by_tag.body);
  EXPECT_EQ(by_digest.header("docker-content-digest"), digest);

  HttpResponse headed = head("/v2/toolsku/analytics/manifests/0.1.0");
  EXPECT_EQ(headed.status, 200);
  EXPECT_EQ(headed.header("docker-content-digest"), digest);
  EXPECT_EQ(headed.header("content-length"), std::to_string(by_tag.body.size()));

  // The config blob the manifest names is served, and says which layer it describes.
  HttpResponse config =
      get("/v2/toolsku/analytics/blobs/" + manifest["config"]["digest"].get<std::string>());
  ASSERT_EQ(config.status, 200) << config.body;
  EXPECT_EQ(sha256(config.body), manifest["config"]["digest"]);
  Json config_json = json_of(config);
  EXPECT_EQ(config_json["layerDigests"], Json::array({sha256(wit_)}));
  EXPECT_EQ(config_json["architecture"], "wasm");

  // Stored once: the same bytes after a restart.
  ASSERT_EQ(server_->stop(), 0) << server_->log();
  start();
  HttpResponse again = get("/v2/toolsku/analytics/manifests/0.1.0");
  EXPECT_EQ(again.body, by_tag.body);
  EXPECT_EQ(get("/v2/toolsku/analytics/manifests/" + digest).status, 200);
}

TEST_F(OciReadTest, AComponentsConfigListsItsExportsAndImports) {
  ASSERT_EQ(publish("demo/engine/1.0.0", component_).status, 201);
  HttpResponse response = get("/v2/demo/engine/manifests/1.0.0");
  ASSERT_EQ(response.status, 200) << response.body;
  Json manifest = json_of(response);
  HttpResponse config =
      get("/v2/demo/engine/blobs/" + manifest["config"]["digest"].get<std::string>());
  ASSERT_EQ(config.status, 200);
  Json config_json = json_of(config);
  ASSERT_TRUE(config_json["component"].is_object()) << config.body;
  EXPECT_FALSE(config_json["component"]["exports"].empty()) << config.body;
}

TEST_F(OciReadTest, TheLayerIsThePublishedBytesWithRanges) {
  const std::string target = "/v2/toolsku/analytics/blobs/" + sha256(wit_);
  HttpResponse whole = get(target);
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, wit_);
  EXPECT_EQ(whole.header("docker-content-digest"), sha256(wit_));
  HttpResponse part = get(target, {{"Range", "bytes=0-3"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, wit_.substr(0, 4));
  EXPECT_EQ(part.header("content-range"), "bytes 0-3/" + std::to_string(wit_.size()));
  EXPECT_EQ(get(target, {{"Range", "bytes=99999999-"}}).status, 416);
  HttpResponse headed = head(target);
  EXPECT_EQ(headed.status, 200);
  EXPECT_EQ(headed.header("content-length"), std::to_string(wit_.size()));
}

TEST_F(OciReadTest, TagsAreTheVersionsInLexicalOrderPagedWithNAndLast) {
  for (const char* version : {"1.0.0", "0.2.0", "1.0.0-rc.1"}) {
    ASSERT_EQ(
        publish(std::string("demo/engine/") + version, with_custom_section(component_, version))
            .status,
        201);
  }
  HttpResponse all = get("/v2/demo/engine/tags/list");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(json_of(all),
            Json::parse(R"({"name":"demo/engine","tags":["0.2.0","1.0.0","1.0.0-rc.1"]})"));
  EXPECT_EQ(all.header("link"), "");

  HttpResponse first = get("/v2/demo/engine/tags/list?n=2");
  EXPECT_EQ(json_of(first)["tags"], Json::array({"0.2.0", "1.0.0"}));
  EXPECT_EQ(first.header("link"), "</v2/demo/engine/tags/list?n=2&last=1.0.0>; rel=\"next\"");
  HttpResponse rest = get("/v2/demo/engine/tags/list?n=2&last=1.0.0");
  EXPECT_EQ(json_of(rest)["tags"], Json::array({"1.0.0-rc.1"}));
  EXPECT_EQ(rest.header("link"), "");
  EXPECT_EQ(json_of(get("/v2/demo/engine/tags/list?n=0"))["tags"], Json::array());

  HttpResponse unknown = get("/v2/demo/nothing/tags/list");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(oci_code(unknown), "NAME_UNKNOWN");
  HttpResponse bad_n = get("/v2/demo/engine/tags/list?n=lots");
  EXPECT_EQ(bad_n.status, 400);
  EXPECT_NE(oci_code(bad_n), "");
}

TEST_F(OciReadTest, TheCatalogListsRepositoriesPaged) {
  ASSERT_EQ(publish("demo/engine/1.0.0", component_).status, 201);
  HttpResponse all = get("/v2/_catalog");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(json_of(all)["repositories"], Json::array({"demo/engine", "toolsku/analytics"}));
  HttpResponse first = get("/v2/_catalog?n=1");
  EXPECT_EQ(json_of(first)["repositories"], Json::array({"demo/engine"}));
  EXPECT_EQ(first.header("link"), "</v2/_catalog?n=1&last=demo/engine>; rel=\"next\"");
  HttpResponse rest = get("/v2/_catalog?n=1&last=demo/engine");
  EXPECT_EQ(json_of(rest)["repositories"], Json::array({"toolsku/analytics"}));
  EXPECT_EQ(rest.header("link"), "");
}

TEST_F(OciReadTest, ReferrersIsAnEmptyImageIndex) {
  const std::string digest =
      get("/v2/toolsku/analytics/manifests/0.1.0").header("docker-content-digest");
  HttpResponse response = get("/v2/toolsku/analytics/referrers/" + digest);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type"), "application/vnd.oci.image.index.v1+json");
  Json index = json_of(response);
  EXPECT_EQ(index["schemaVersion"], 2);
  EXPECT_EQ(index["manifests"], Json::array());
}

TEST_F(OciReadTest, AcceptThatDoesNotListTheManifestTypeIsManifestUnknown) {
  HttpResponse docker_only =
      get("/v2/toolsku/analytics/manifests/0.1.0",
          {{"Accept", "application/vnd.docker.distribution.manifest.v2+json"}});
  EXPECT_EQ(docker_only.status, 404);
  EXPECT_EQ(oci_code(docker_only), "MANIFEST_UNKNOWN");
  HttpResponse listed = get("/v2/toolsku/analytics/manifests/0.1.0",
                            {{"Accept",
                              "application/vnd.docker.distribution.manifest.v2+json, "
                              "application/vnd.oci.image.manifest.v1+json;q=0.9"}});
  EXPECT_EQ(listed.status, 200);
}

// Wrong and hostile requests: each gets its exact status and, on the OCI routes, the OCI code.
TEST_F(OciReadTest, WrongAndHostileRequestsGetTheSpecsCodes) {
  const std::string layer = sha256(wit_);
  const std::string hex = layer.substr(7);
  struct Row {
    std::string target;
    int status;
    std::string code;  // empty: not an OCI route's answer (the router's own 400)
  };
  const std::vector<Row> rows = {
      {"/v2/toolsku/analytics/manifests/latest", 404, "MANIFEST_UNKNOWN"},
      {"/v2/toolsku/analytics/manifests/9.9.9", 404, "MANIFEST_UNKNOWN"},
      {"/v2/toolsku/nothing/manifests/0.1.0", 404, "MANIFEST_UNKNOWN"},
      {"/v2/toolsku/analytics/manifests/sha256:" + std::string(64, '0'), 404, "MANIFEST_UNKNOWN"},
      {"/v2/toolsku/analytics/manifests/sha256:abc", 400, "DIGEST_INVALID"},
      {"/v2/toolsku/analytics/manifests/sha512:" + hex + hex, 400, "DIGEST_INVALID"},
      {"/v2/toolsku/analytics/blobs/md5:0123456789abcdef0123456789abcdef", 400, "DIGEST_INVALID"},
      {"/v2/toolsku/analytics/blobs/sha256:" + std::string(64, 'G'), 400, "DIGEST_INVALID"},
      {"/v2/toolsku/analytics/blobs/SHA256:" + hex, 400, "DIGEST_INVALID"},
      {"/v2/toolsku/analytics/blobs/sha256:" + std::string(64, 'f'), 404, "BLOB_UNKNOWN"},
      {"/v2/toolsku/analytics/referrers/not-a-digest", 400, "DIGEST_INVALID"},
      {"/v2/Toolsku/analytics/tags/list", 400, "NAME_INVALID"},
      {"/v2/toolsku/analytics_x/manifests/0.1.0", 400, "NAME_INVALID"},
      {"/v2/toolsku/analytics/blobs/" + layer + "%00", 400, ""},
      {"/v2/%2e%2e/analytics/manifests/0.1.0", 400, ""},
      {"/v2/toolsku/..%2f..%2fetc/tags/list", 400, ""},
      {"/v2/toolsku/%2e%2e/blobs/" + layer, 400, ""},
      {"/v2/_catalog?n=100000", 400, "UNSUPPORTED"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.target);
    HttpResponse response = get(row.target);
    EXPECT_EQ(response.status, row.status) << response.body;
    if (!row.code.empty()) {
      EXPECT_EQ(oci_code(response), row.code) << response.body;
      EXPECT_EQ(response.header("docker-distribution-api-version"), "registry/2.0");
    }
    EXPECT_EQ(response.body.find(data()), std::string::npos) << "no server path in an answer";
  }
  EXPECT_EQ(get("/v2/toolsku/analytics/manifests/0.1.0").status, 200) << "still serving";
}

}  // namespace
}  // namespace wreg::testing
