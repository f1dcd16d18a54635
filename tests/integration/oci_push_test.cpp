// wreg-server as an OCI registry, push side (server/oci/uploads.cpp, push.cpp, credentials.h):
// the real server on 127.0.0.1 port 0 with a temp data dir, spoken to in raw HTTP as container
// clients speak: blob uploads (monolithic, POST then PUT, mount, chunked sessions of PATCHes
// that survive a restart), a manifest PUT by version tag that publishes, the 401 challenge and
// the short-lived bearer tokens of GET /v2/token (their grants, revocation, and forged, expired
// and damaged ones, made here with OpenSSL's HMAC from the data dir's key as
// server/auth/bearer_tokens.h documents the format), and the pushes wreg refuses, each with its
// status, OCI code and reason.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/oci_wire.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {
namespace {

using Json = nlohmann::json;

constexpr const char* kConfigType = "application/vnd.wasm.config.v0+json";

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(bytes.data()),
                                   static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(size));
  return out;
}

// A Wasm config for `layer`, as wkg writes it.
std::string config_for(const std::string& layer) {
  return Json{{"created", "2026-01-02T03:04:05Z"},
              {"architecture", "wasm"},
              {"os", "wasip2"},
              {"layerDigests", Json::array({sha256(layer)})}}
      .dump();
}

// A Wasm artifact manifest naming `config` and `layers` (each an application/wasm layer).
std::string manifest_for(const std::string& config, const std::vector<std::string>& layers,
                         const Json& annotations = Json::object()) {
  Json manifest = {
      {"schemaVersion", 2},
      {"mediaType", kManifestType},
      {"config", {{"mediaType", kConfigType}, {"digest", sha256(config)}, {"size", config.size()}}},
      {"layers", Json::array()}};
  for (const std::string& layer : layers) {
    manifest["layers"].push_back(
        {{"mediaType", "application/wasm"}, {"digest", sha256(layer)}, {"size", layer.size()}});
  }
  if (!annotations.empty()) manifest["annotations"] = annotations;
  return manifest.dump();
}

std::string hex(const std::string& bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

// The claims text of a bearer token: `<token id> <issued at> <expires at>[ <ns>:<name>=<actions>]`
// hex-encoded between `wregb1.` and the signature. "" when it is not shaped so.
std::string claims_of(const std::string& token) {
  const auto dot = token.rfind('.');
  if (token.rfind("wregb1.", 0) != 0 || dot <= 7) return "";
  const std::string encoded = token.substr(7, dot - 7);
  std::string out;
  for (std::size_t i = 0; i + 1 < encoded.size(); i += 2) {
    out += static_cast<char>(std::stoi(encoded.substr(i, 2), nullptr, 16));
  }
  return out;
}

// A bearer token with `claims`, signed with `key` as the server signs: HMAC-SHA256 over
// `wregb1.<hex of claims>`.
std::string signed_token(const std::string& claims, const std::string& key) {
  const std::string text = "wregb1." + hex(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &size);
  return text + "." + hex(std::string(reinterpret_cast<const char*>(mac), size));
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

class OciPushTest : public OciServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(create_namespaces({"toolsku", "demo"}));
    toolsku_ = create_token(data(), {"--namespace", "toolsku"});
    demo_ = create_token(data(), {"--namespace", "demo"});
    ASSERT_FALSE(toolsku_.empty() || demo_.empty());
    ASSERT_NO_FATAL_FAILURE(start());
    wit_ = file_bytes(kFixtures / "packages/toolsku-analytics@0.1.0.wasm");
    core_ = file_bytes(kFixtures / "core/plain.core.wasm");
    ASSERT_FALSE(wit_.empty() || core_.empty());
  }

  Headers basic(const std::string& token) const {
    return {{"Authorization", "Basic " + base64("anyone:" + token)}};
  }

  // POST .../blobs/uploads/ without a body: a session, once `auth` may push.
  HttpResponse start_upload(const std::string& repository, const Headers& auth) {
    return request(port(), "POST", "/v2/" + repository + "/blobs/uploads/", auth);
  }
  // POST ...?digest= with the bytes.
  HttpResponse upload(const std::string& repository, const std::string& bytes,
                      const Headers& auth) {
    return request(port(), "POST", "/v2/" + repository + "/blobs/uploads/?digest=" + sha256(bytes),
                   auth, bytes);
  }
  // POST, then PUT the bytes to the session's Location.
  HttpResponse upload_in_session(const std::string& repository, const std::string& bytes,
                                 const Headers& auth) {
    HttpResponse started = start_upload(repository, auth);
    EXPECT_EQ(started.status, 202) << started.body;
    EXPECT_NE(started.header("location"), "");
    return request(port(), "PUT", started.header("location") + "?digest=" + sha256(bytes), auth,
                   bytes);
  }
  HttpResponse put_manifest(const std::string& repository, const std::string& tag,
                            const std::string& manifest, const Headers& auth) {
    Headers headers = auth;
    headers.emplace_back("Content-Type", kManifestType);
    return request(port(), "PUT", "/v2/" + repository + "/manifests/" + tag, headers, manifest);
  }

  // Uploads `layer` and its config to `repository` and puts the manifest under `tag`.
  HttpResponse push(const std::string& repository, const std::string& tag,
                    const std::string& layer) {
    const std::string config = config_for(layer);
    EXPECT_EQ(upload(repository, config, basic(token_for(repository))).status, 201);
    EXPECT_EQ(upload_in_session(repository, layer, basic(token_for(repository))).status, 201);
    return put_manifest(repository, tag, manifest_for(config, {layer}),
                        basic(token_for(repository)));
  }
  std::string token_for(const std::string& repository) const {
    return repository.rfind("demo/", 0) == 0 ? demo_ : toolsku_;
  }

  std::string toolsku_, demo_;
  std::string wit_, core_;
};

TEST_F(OciPushTest, AManifestPutByVersionTagPublishesTheLayerKeptByteForByte) {
  const std::string config = config_for(wit_);
  HttpResponse config_upload = upload("toolsku/analytics", config, basic(toolsku_));
  ASSERT_EQ(config_upload.status, 201) << config_upload.body;
  EXPECT_EQ(config_upload.header("docker-content-digest"), sha256(config));
  EXPECT_EQ(config_upload.header("location"), "/v2/toolsku/analytics/blobs/" + sha256(config));
  HttpResponse layer_upload = upload_in_session("toolsku/analytics", wit_, basic(toolsku_));
  ASSERT_EQ(layer_upload.status, 201) << layer_upload.body;

  // Key order and spacing of its own: the registry must keep these exact bytes.
  const std::string manifest =
      manifest_for(config, {wit_}, {{"org.opencontainers.image.version", "0.1.0"}}) + "\n";
  HttpResponse pushed = put_manifest("toolsku/analytics", "0.1.0", manifest, basic(toolsku_));
  ASSERT_EQ(pushed.status, 201) << pushed.body;
  EXPECT_EQ(pushed.header("docker-content-digest"), sha256(manifest));

  // Visible natively, as a release with the layer's digest.
  HttpResponse document = request(port(), "GET", "/api/v1/packages/toolsku/analytics");
  ASSERT_EQ(document.status, 200) << document.body;
  EXPECT_EQ(json_of(document)["versions"][0]["version"], "0.1.0");
  EXPECT_EQ(json_of(document)["versions"][0]["digest"], sha256(wit_));
  // And over OCI, byte for byte, by tag and by digest.
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/manifests/0.1.0").body, manifest);
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/manifests/" + sha256(manifest)).body,
            manifest);

  // The same manifest again changes nothing; another for the same tag is refused.
  EXPECT_EQ(put_manifest("toolsku/analytics", "0.1.0", manifest, basic(toolsku_)).status, 201);
  HttpResponse other =
      put_manifest("toolsku/analytics", "0.1.0", manifest_for(config, {wit_}), basic(toolsku_));
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(oci_code(other), "DENIED");
  EXPECT_NE(oci_message(other).find("immutable"), std::string::npos) << other.body;
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/manifests/0.1.0").body, manifest);

  // The access log names the id of the token that published, never its secret.
  ASSERT_EQ(server_->stop(), 0);
  const std::string log = server_->log();
  server_.reset();
  const auto at = log.find("PUT /v2/toolsku/analytics/manifests/0.1.0 201 ");
  ASSERT_NE(at, std::string::npos) << log;
  const std::string line = log.substr(at, log.find('\n', at) - at);
  EXPECT_TRUE(std::regex_search(line, std::regex(" token=[0-9]+ "))) << line;
  EXPECT_EQ(log.find(toolsku_), std::string::npos) << "no token in the log";
}

TEST_F(OciPushTest, AnUnauthenticatedPushGetsABearerChallengeThatTheTokenEndpointAnswers) {
  HttpResponse refused = request(port(), "POST", "/v2/toolsku/analytics/blobs/uploads/");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(oci_code(refused), "UNAUTHORIZED");
  EXPECT_EQ(refused.header("www-authenticate"),
            "Bearer realm=\"http://127.0.0.1/v2/token\",service=\"127.0.0.1\","
            "scope=\"repository:toolsku/analytics:push,pull\"");

  HttpResponse token = request(port(), "GET",
                               "/v2/token?service=127.0.0.1&scope=repository:toolsku/"
                               "analytics:push,pull",
                               basic(toolsku_));
  ASSERT_EQ(token.status, 200) << token.body;
  const std::string issued = json_of(token)["token"];
  EXPECT_EQ(start_upload("toolsku/analytics", bearer(issued)).status, 202);

  EXPECT_EQ(request(port(), "GET", "/v2/token", basic("wreg_" + std::string(64, '0'))).status, 401);
  EXPECT_EQ(start_upload("toolsku/analytics", {{"Authorization", "Basic !!not-base64!!"}}).status,
            401);
  HttpResponse other_namespace = start_upload("toolsku/analytics", basic(demo_));
  EXPECT_EQ(other_namespace.status, 403);
  EXPECT_EQ(oci_code(other_namespace), "DENIED");
  EXPECT_EQ(server_->log().find(toolsku_), std::string::npos) << "no token in the log";
}

TEST_F(OciPushTest, TheTokenEndpointIssuesAShortLivedTokenForWhatTheWregTokenPermits) {
  const std::int64_t before = unix_now();
  HttpResponse response = request(port(), "GET",
                                  "/v2/token?service=127.0.0.1&scope=repository:toolsku/"
                                  "analytics:push,pull&scope=repository:demo/lib:pull,push",
                                  basic(toolsku_));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("cache-control"), "no-store");
  const Json body = json_of(response);
  const std::string issued = body["token"];
  EXPECT_EQ(body["access_token"], issued);
  EXPECT_EQ(body["expires_in"], 300);
  EXPECT_TRUE(
      std::regex_match(std::string(body["issued_at"]),
                       std::regex("20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")))
      << body;
  EXPECT_EQ(issued.find(toolsku_), std::string::npos) << "not the long-lived token";

  // Token id 1 (the first created), five minutes, push only where the wreg token may publish.
  const std::string claims = claims_of(issued);
  std::smatch parts;
  ASSERT_TRUE(std::regex_match(claims, parts, std::regex("1 ([0-9]+) ([0-9]+) (.*)"))) << claims;
  const std::int64_t issued_at = std::stoll(parts[1]);
  EXPECT_GE(issued_at, before);
  EXPECT_LE(issued_at, unix_now());
  EXPECT_EQ(std::stoll(parts[2]), issued_at + 300);
  EXPECT_EQ(parts[3], "toolsku:analytics=push,pull demo:lib=pull");

  // The grant is the scope: push to its repository, not to another one of the same namespace
  // (401 naming the scope to fetch), not where the wreg token may not (403).
  EXPECT_EQ(start_upload("toolsku/analytics", bearer(issued)).status, 202);
  HttpResponse other_repository = start_upload("toolsku/other", bearer(issued));
  EXPECT_EQ(other_repository.status, 401);
  EXPECT_EQ(oci_code(other_repository), "UNAUTHORIZED");
  EXPECT_EQ(other_repository.header("www-authenticate"),
            "Bearer realm=\"http://127.0.0.1/v2/token\",service=\"127.0.0.1\","
            "scope=\"repository:toolsku/other:push,pull\"");
  EXPECT_NE(oci_message(other_repository).find("GET /v2/token"), std::string::npos)
      << other_repository.body;
  EXPECT_EQ(start_upload("demo/lib", bearer(issued)).status, 403);

  // A wreg token as Bearer buys one too; a bearer token does not buy another; no scope, no grant.
  HttpResponse by_bearer =
      request(port(), "GET", "/v2/token?scope=repository:demo/lib:push", bearer(demo_));
  ASSERT_EQ(by_bearer.status, 200) << by_bearer.body;
  EXPECT_TRUE(std::regex_match(claims_of(json_of(by_bearer)["token"]),
                               std::regex("2 [0-9]+ [0-9]+ demo:lib=push")));
  HttpResponse renewed = request(port(), "GET", "/v2/token", bearer(issued));
  EXPECT_EQ(renewed.status, 401);
  EXPECT_NE(renewed.header("www-authenticate"), "");
  HttpResponse bare = request(port(), "GET", "/v2/token", basic(toolsku_));
  ASSERT_EQ(bare.status, 200);
  EXPECT_TRUE(std::regex_match(claims_of(json_of(bare)["token"]), std::regex("1 [0-9]+ [0-9]+")));
  EXPECT_EQ(start_upload("toolsku/analytics", bearer(json_of(bare)["token"])).status, 401);

  // Without credentials: anonymous, pull only.
  HttpResponse anonymous =
      request(port(), "GET", "/v2/token?scope=repository:toolsku/analytics:push,pull");
  ASSERT_EQ(anonymous.status, 200) << anonymous.body;
  EXPECT_TRUE(std::regex_match(claims_of(json_of(anonymous)["token"]),
                               std::regex("0 [0-9]+ [0-9]+ toolsku:analytics=pull")));
  EXPECT_EQ(start_upload("toolsku/analytics", bearer(json_of(anonymous)["token"])).status, 401);

  // A scope whose repository is not a package's.
  HttpResponse bad_scope =
      request(port(), "GET", "/v2/token?scope=repository:toolsku/a/b:pull", basic(toolsku_));
  EXPECT_EQ(bad_scope.status, 400);
  EXPECT_EQ(oci_code(bad_scope), "NAME_INVALID");

  ASSERT_EQ(server_->stop(), 0);
  const std::string log = server_->log();
  server_.reset();
  EXPECT_EQ(log.find(issued), std::string::npos) << "no bearer token in the log";
  EXPECT_EQ(log.find(toolsku_), std::string::npos) << "no wreg token in the log";
}

TEST_F(OciPushTest, RevokingTheWregTokenRefusesItsBearerTokensAtTheNextRequest) {
  HttpResponse response = request(
      port(), "GET", "/v2/token?scope=repository:toolsku/analytics:push,pull", basic(toolsku_));
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string issued = json_of(response)["token"];
  ASSERT_NE(issued, toolsku_) << "a token of its own, naming the wreg token by id";
  ASSERT_EQ(request(port(), "GET", "/v2/", bearer(issued)).status, 200);
  ASSERT_EQ(start_upload("toolsku/analytics", bearer(issued)).status, 202);

  auto revoked = run_server_command({"token", "revoke", "--data", data(), "1"});
  ASSERT_EQ(revoked.exit_status, 0) << revoked.err;
  HttpResponse refused = start_upload("toolsku/analytics", bearer(issued));
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(oci_message(refused).find("revoked"), std::string::npos) << refused.body;
  EXPECT_EQ(request(port(), "GET", "/v2/", bearer(issued)).status, 401);
}

TEST_F(OciPushTest, ForgedExpiredAndDamagedBearerTokensGetAChallengeAndWhatToDo) {
  const std::filesystem::path key_file = std::filesystem::path(data()) / "token-signing.key";
  struct stat info {};
  ASSERT_EQ(::stat(key_file.c_str(), &info), 0) << "the server made its key at start";
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const std::string key = file_bytes(key_file);
  ASSERT_EQ(key.size(), 32u);

  const std::int64_t now = unix_now();
  const std::string grant = " toolsku:analytics=push,pull";
  const std::string good =
      signed_token("1 " + std::to_string(now) + " " + std::to_string(now + 300) + grant, key);
  ASSERT_EQ(start_upload("toolsku/analytics", bearer(good)).status, 202)
      << "the format as documented";

  struct Row {
    std::string name;
    std::string token;
    std::string reason;  // a part of the message
  };
  const std::vector<Row> rows = {
      {"expired",
       signed_token("1 " + std::to_string(now - 600) + " " + std::to_string(now - 300) + grant,
                    key),
       "expired"},
      {"another key",
       signed_token("1 " + std::to_string(now) + " " + std::to_string(now + 300) + grant,
                    std::string(32, 'k')),
       "GET /v2/token"},
      {"truncated", good.substr(0, good.size() - 1), "GET /v2/token"},
      {"truncated claims", good.substr(0, 20), "GET /v2/token"},
      {"garbage", "wregb1.not-hex.zz", "GET /v2/token"},
      {"huge", "wregb1." + std::string(8000, 'a') + "." + std::string(64, 'a'), "GET /v2/token"},
      {"claims malformed under a valid signature",
       signed_token("01 " + std::to_string(now) + " " + std::to_string(now + 300) + grant, key),
       "GET /v2/token"},
      {"other scope",
       signed_token("1 " + std::to_string(now) + " " + std::to_string(now + 300) +
                        " toolsku:other=push,pull",
                    key),
       "does not grant push on toolsku/analytics"},
      {"an unknown token id",
       signed_token("99 " + std::to_string(now) + " " + std::to_string(now + 300) + grant, key),
       "revoked"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    HttpResponse refused = start_upload("toolsku/analytics", bearer(row.token));
    EXPECT_EQ(refused.status, 401) << refused.body;
    EXPECT_EQ(oci_code(refused), "UNAUTHORIZED");
    EXPECT_EQ(refused.header("www-authenticate"),
              "Bearer realm=\"http://127.0.0.1/v2/token\",service=\"127.0.0.1\","
              "scope=\"repository:toolsku/analytics:push,pull\"");
    const std::string message = oci_message(refused);
    EXPECT_NE(message.find(row.reason), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_EQ(request(port(), "GET", "/v2/", bearer(row.token)).status,
              row.name == "other scope" ? 200 : 401)
        << "the version check takes any valid token, whatever its scope";
  }
  ASSERT_EQ(server_->stop(), 0);
  const std::string log = server_->log();
  server_.reset();
  EXPECT_EQ(log.find(good.substr(7, 40)), std::string::npos) << "no bearer token in the log";
}

TEST_F(OciPushTest, AStoredBlobMountsAndABadDigestStoresNothing) {
  ASSERT_EQ(upload("toolsku/analytics", wit_, basic(toolsku_)).status, 201);
  HttpResponse mounted =
      request(port(), "POST",
              "/v2/demo/copy/blobs/uploads/?mount=" + sha256(wit_) + "&from=toolsku/analytics",
              basic(demo_));
  EXPECT_EQ(mounted.status, 201);
  EXPECT_EQ(mounted.header("docker-content-digest"), sha256(wit_));

  const std::string bytes = "these are not the bytes the digest names";
  HttpResponse mismatch =
      request(port(), "POST", "/v2/toolsku/analytics/blobs/uploads/?digest=" + sha256("other"),
              basic(toolsku_), bytes);
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(oci_code(mismatch), "DIGEST_INVALID");
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/blobs/" + sha256(bytes)).status, 404);
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/blobs/" + sha256("other")).status, 404);
}

TEST_F(OciPushTest, RefusedPushesSayWhyAndPublishNothing) {
  const std::string config = config_for(wit_);
  ASSERT_EQ(upload("toolsku/analytics", config, basic(toolsku_)).status, 201);
  ASSERT_EQ(upload("toolsku/analytics", wit_, basic(toolsku_)).status, 201);
  ASSERT_EQ(upload("toolsku/analytics", core_, basic(toolsku_)).status, 201);
  const std::string core_config = config_for(core_);
  ASSERT_EQ(upload("toolsku/analytics", core_config, basic(toolsku_)).status, 201);
  const std::string good = manifest_for(config, {wit_});

  struct Row {
    std::string name;
    std::string repository;
    std::string tag;
    std::string manifest;
    int status;
    std::string code;
    std::string reason;  // a part of the message
  };
  const std::vector<Row> rows = {
      {"a core module layer", "toolsku/analytics", "0.1.0", manifest_for(core_config, {core_}), 400,
       "MANIFEST_INVALID", "core"},
      {"a version the binary contradicts", "toolsku/analytics", "0.2.0", good, 400,
       "MANIFEST_INVALID", "0.1.0"},
      {"a name the binary contradicts", "toolsku/other", "0.1.0", good, 400, "MANIFEST_INVALID",
       "toolsku:analytics"},
      {"a moving tag", "toolsku/analytics", "latest", good, 400, "MANIFEST_INVALID", "version"},
      {"a push by digest", "toolsku/analytics", sha256(good), good, 405, "UNSUPPORTED", "tag"},
      {"a missing layer", "toolsku/analytics", "0.1.0", manifest_for(config, {"never uploaded"}),
       400, "MANIFEST_BLOB_UNKNOWN", "layer"},
      {"a missing config", "toolsku/analytics", "0.1.0", manifest_for("no config", {wit_}), 400,
       "MANIFEST_BLOB_UNKNOWN", "config"},
      {"two layers", "toolsku/analytics", "0.1.0", manifest_for(config, {wit_, wit_}), 400,
       "MANIFEST_INVALID", "exactly one"},
      {"not JSON", "toolsku/analytics", "0.1.0", "{\"schemaVersion\": 2,", 400, "MANIFEST_INVALID",
       ""},
      {"a namespace never created", "nowhere/analytics", "0.1.0", good, 403, "DENIED", ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    HttpResponse response = put_manifest(row.repository, row.tag, row.manifest, basic(toolsku_));
    EXPECT_EQ(response.status, row.status) << response.body;
    EXPECT_EQ(oci_code(response), row.code) << response.body;
    EXPECT_NE(oci_message(response).find(row.reason), std::string::npos) << response.body;
  }

  // Past the manifest size limit (4 MiB): refused before it is read.
  const std::string huge = "{\"schemaVersion\":2,\"pad\":\"" + std::string(5 << 20, 'x') + "\"}";
  EXPECT_EQ(put_manifest("toolsku/analytics", "0.1.0", huge, basic(toolsku_)).status, 413);

  // A session id that is not one is unknown.
  HttpResponse unknown =
      request(port(), "PUT", "/v2/toolsku/analytics/blobs/uploads/..%2f..?digest=" + sha256(wit_),
              basic(toolsku_), wit_);
  EXPECT_EQ(unknown.status, 400) << "the router refuses an encoded slash";
  HttpResponse not_an_id =
      request(port(), "PUT", "/v2/toolsku/analytics/blobs/uploads/not-an-id?digest=" + sha256(wit_),
              basic(toolsku_), wit_);
  EXPECT_EQ(not_an_id.status, 404);
  EXPECT_EQ(oci_code(not_an_id), "BLOB_UPLOAD_UNKNOWN");
  HttpResponse sha512 = request(
      port(), "POST", "/v2/toolsku/analytics/blobs/uploads/?digest=sha512:" + std::string(128, 'a'),
      basic(toolsku_), wit_);
  EXPECT_EQ(sha512.status, 400);
  EXPECT_EQ(oci_code(sha512), "DIGEST_INVALID");

  // Nothing was published.
  EXPECT_EQ(request(port(), "GET", "/api/v1/packages/toolsku/analytics").status, 404);
  EXPECT_EQ(json_of(request(port(), "GET", "/v2/_catalog"))["repositories"], Json::array());
  // And the good push still goes through.
  EXPECT_EQ(put_manifest("toolsku/analytics", "0.1.0", good, basic(toolsku_)).status, 201);
}

// With --oci-namespace-prefix, every repository is <prefix><ns>/<name>, as wkg maps it: pushes,
// pulls, Locations, tags, the catalog and token scopes; the bare paths are not routes.
TEST_F(OciPushTest, ANamespacePrefixPutsEveryRepositoryUnderIt) {
  ASSERT_EQ(server_->stop(), 0);
  ASSERT_NO_FATAL_FAILURE(start({"--oci-namespace-prefix", "wasm/"}));
  EXPECT_EQ(json_of(request(port(), "GET",
                            "/.well-known/wasm-pkg/registry.json"))["oci"]["namespacePrefix"],
            "wasm/");

  const std::string repository = "wasm/toolsku/analytics";
  HttpResponse started =
      request(port(), "POST", "/v2/" + repository + "/blobs/uploads/", basic(toolsku_));
  EXPECT_EQ(started.status, 202);
  EXPECT_TRUE(started.header("location").starts_with("/v2/wasm/toolsku/analytics/blobs/uploads/"))
      << started.header("location");
  HttpResponse pushed = push(repository, "0.1.0", wit_);
  ASSERT_EQ(pushed.status, 201) << pushed.body;
  EXPECT_TRUE(pushed.header("location").starts_with("/v2/wasm/toolsku/analytics/manifests/"));
  EXPECT_EQ(request(port(), "GET", "/v2/" + repository + "/manifests/0.1.0").status, 200);
  EXPECT_EQ(json_of(request(port(), "GET", "/v2/" + repository + "/tags/list"))["name"],
            repository);
  EXPECT_EQ(json_of(request(port(), "GET", "/v2/_catalog"))["repositories"],
            Json::array({repository}));
  EXPECT_EQ(request(port(), "GET", "/v2/_catalog?n=1&last=" + repository).body,
            "{\"repositories\":[]}");
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/manifests/0.1.0").status, 404);

  HttpResponse challenge = request(port(), "POST", "/v2/" + repository + "/blobs/uploads/");
  EXPECT_NE(challenge.header("www-authenticate")
                .find("scope=\"repository:wasm/toolsku/analytics:push,pull\""),
            std::string::npos)
      << challenge.header("www-authenticate");
  EXPECT_EQ(request(port(), "GET", "/v2/token?scope=repository:" + repository + ":push,pull",
                    basic(toolsku_))
                .status,
            200);
  HttpResponse unprefixed = request(
      port(), "GET", "/v2/token?scope=repository:toolsku/analytics:push,pull", basic(toolsku_));
  EXPECT_EQ(unprefixed.status, 400);
  EXPECT_NE(oci_message(unprefixed).find("namespace prefix"), std::string::npos) << unprefixed.body;

  // Anything but path segments of a-z, 0-9 and - ending in / is refused at start, in one line.
  for (const char* prefix :
       {"wasm", "/wasm/", "Wasm/", "a//", "../", "w a/", "a/b/c/d/e/", "wasm/%2e%2e/", "x\n/"}) {
    SCOPED_TRACE(prefix);
    expect_refused_at_start({"--oci-namespace-prefix", prefix}, "the OCI namespace prefix");
  }
}

// A chunked session: POST, PATCHes, PUT, with the session's Range after each step.
class OciChunkedUploadTest : public OciPushTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OciPushTest::SetUp());
    // A blob of 64 KiB whose every chunk differs, so that a chunk in the wrong place shows.
    for (std::uint32_t i = 0; bytes_.size() < (64u << 10); ++i) bytes_ += std::to_string(i * 7919u);
  }

  std::string start_session(const std::string& repository = "toolsku/analytics") {
    HttpResponse started =
        request(port(), "POST", "/v2/" + repository + "/blobs/uploads/", basic(toolsku_));
    EXPECT_EQ(started.status, 202) << started.body;
    EXPECT_EQ(started.header("range"), "0-0");
    EXPECT_NE(started.header("docker-upload-uuid"), "");
    return started.header("location");
  }
  // PATCH `chunk` to `location`, with `Content-Range: <range>` unless `range` is empty.
  HttpResponse patch(const std::string& location, const std::string& chunk,
                     const std::string& range, const std::string& token) {
    Headers headers = basic(token);
    if (!range.empty()) headers.emplace_back("Content-Range", range);
    headers.emplace_back("Content-Type", "application/octet-stream");
    return request(port(), "PATCH", location, headers, chunk);
  }
  HttpResponse patch(const std::string& location, const std::string& chunk,
                     const std::string& range = "") {
    return patch(location, chunk, range, toolsku_);
  }
  HttpResponse status_of(const std::string& location, const std::string& token) {
    return request(port(), "GET", location, basic(token));
  }
  HttpResponse status_of(const std::string& location) { return status_of(location, toolsku_); }
  HttpResponse finish(const std::string& location, const std::string& digest,
                      const std::string& last_chunk = "") {
    return request(port(), "PUT", location + "?digest=" + digest, basic(toolsku_), last_chunk);
  }
  std::string blob(const std::string& digest) {
    HttpResponse got = request(port(), "GET", "/v2/toolsku/analytics/blobs/" + digest);
    EXPECT_EQ(got.status, 200) << got.body;
    return got.body;
  }
  static std::string range(std::size_t first, std::size_t size) {
    return std::to_string(first) + "-" + std::to_string(first + size - 1);
  }

  std::string bytes_;
};

TEST_F(OciChunkedUploadTest, PatchesInOrderThenAPutWithTheLastChunkMakeTheBlob) {
  const std::string location = start_session();
  const std::string first = bytes_.substr(0, 1000);
  const std::string second = bytes_.substr(1000, 2000);
  const std::string rest = bytes_.substr(3000);

  HttpResponse patched = patch(location, first, range(0, first.size()));
  EXPECT_EQ(patched.status, 202) << patched.body;
  EXPECT_EQ(patched.header("range"), "0-999");
  EXPECT_EQ(patched.header("location"), location);
  HttpResponse status = status_of(location);
  EXPECT_EQ(status.status, 204);
  EXPECT_EQ(status.header("range"), "0-999");
  // Without Content-Range the chunk goes at the end, as containers/image streams a blob.
  patched = patch(location, second);
  EXPECT_EQ(patched.status, 202) << patched.body;
  EXPECT_EQ(patched.header("range"), "0-2999");

  HttpResponse finished = finish(location, sha256(bytes_), rest);
  EXPECT_EQ(finished.status, 201) << finished.body;
  EXPECT_EQ(finished.header("docker-content-digest"), sha256(bytes_));
  EXPECT_EQ(blob(sha256(bytes_)), bytes_);
  HttpResponse gone = status_of(location);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(oci_code(gone), "BLOB_UPLOAD_UNKNOWN");
}

TEST_F(OciChunkedUploadTest, APutWithoutABodyEndsTheSessionItsPatchesFilled) {
  const std::string location = start_session();
  ASSERT_EQ(patch(location, bytes_, range(0, bytes_.size())).status, 202);
  HttpResponse finished = finish(location, sha256(bytes_));
  EXPECT_EQ(finished.status, 201) << finished.body;
  EXPECT_EQ(blob(sha256(bytes_)), bytes_);
}

TEST_F(OciChunkedUploadTest, ChunksOutOfOrderOverlappingOrMislabelledLeaveTheSessionAsItWas) {
  const std::string location = start_session();
  ASSERT_EQ(patch(location, bytes_.substr(0, 100), "0-99").status, 202);
  struct Row {
    const char* name;
    std::string chunk;
    std::string range;
  };
  const std::vector<Row> rows = {
      {"overlapping", bytes_.substr(50, 100), "50-149"},
      {"past a gap", bytes_.substr(200, 100), "200-299"},
      {"from the start again", bytes_.substr(0, 100), "0-99"},
      {"longer than its range", bytes_.substr(100, 100), "100-149"},
      {"last before first", bytes_.substr(100, 100), "199-100"},
      {"absurd offsets", bytes_.substr(100, 100), "100-99999999999999999999999"},
      {"not a range", bytes_.substr(100, 100), "bytes 100-199/*"},
      {"negative", bytes_.substr(100, 100), "-100-199"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    HttpResponse refused = patch(location, row.chunk, row.range);
    EXPECT_EQ(refused.status, 416) << refused.body;
    EXPECT_EQ(oci_code(refused), "BLOB_UPLOAD_INVALID");
    EXPECT_NE(oci_message(refused), "");
    HttpResponse status = status_of(location);
    EXPECT_EQ(status.header("range"), "0-99") << "the session is as it was";
  }
  ASSERT_EQ(patch(location, bytes_.substr(100), range(100, bytes_.size() - 100)).status, 202);
  EXPECT_EQ(finish(location, sha256(bytes_)).status, 201);
  EXPECT_EQ(blob(sha256(bytes_)), bytes_);
}

TEST_F(OciChunkedUploadTest, ASessionIsUnknownToEveryOtherRepository) {
  const std::string location = start_session();
  ASSERT_EQ(patch(location, "some bytes").status, 202);
  const std::string id = location.substr(location.rfind('/') + 1);
  struct Other {
    std::string repository;
    std::string token;
  };
  for (const Other& other : {Other{"demo/copy", demo_}, Other{"toolsku/other", toolsku_}}) {
    SCOPED_TRACE(other.repository);
    const std::string elsewhere = "/v2/" + other.repository + "/blobs/uploads/" + id;
    for (const HttpResponse& response :
         {status_of(elsewhere, other.token), patch(elsewhere, "more", "", other.token),
          request(port(), "PUT", elsewhere + "?digest=" + sha256("some bytes"), basic(other.token)),
          request(port(), "DELETE", elsewhere, basic(other.token))}) {
      EXPECT_EQ(response.status, 404) << response.body;
      EXPECT_EQ(oci_code(response), "BLOB_UPLOAD_UNKNOWN");
    }
  }
  EXPECT_EQ(status_of(location).header("range"), "0-9") << "the session is untouched";
}

// A chunk answered 202 is on disk: not even a SIGKILL right after loses it.
TEST_F(OciChunkedUploadTest, ASessionSurvivesAKilledServer) {
  const std::string location = start_session();
  ASSERT_EQ(patch(location, bytes_.substr(0, 500), "0-499").status, 202);
  server_->kill_hard();
  ASSERT_NO_FATAL_FAILURE(start());
  HttpResponse status = status_of(location);
  EXPECT_EQ(status.status, 204) << status.body;
  EXPECT_EQ(status.header("range"), "0-499");
  ASSERT_EQ(patch(location, bytes_.substr(500), range(500, bytes_.size() - 500)).status, 202);
  EXPECT_EQ(finish(location, sha256(bytes_)).status, 201);
  EXPECT_EQ(blob(sha256(bytes_)), bytes_);
}

TEST_F(OciChunkedUploadTest, ADigestThatDoesNotMatchDiscardsTheSessionAndStoresNothing) {
  const std::string location = start_session();
  ASSERT_EQ(patch(location, "these bytes").status, 202);
  HttpResponse finished = finish(location, sha256("other bytes"), " and more");
  EXPECT_EQ(finished.status, 400) << finished.body;
  EXPECT_EQ(oci_code(finished), "DIGEST_INVALID");
  EXPECT_EQ(status_of(location).status, 404);
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/blobs/" + sha256("these bytes and more"))
                .status,
            404);
}

TEST_F(OciChunkedUploadTest, ACancelledSessionIsGone) {
  const std::string location = start_session();
  ASSERT_EQ(patch(location, "bytes").status, 202);
  EXPECT_EQ(request(port(), "DELETE", location, basic(toolsku_)).status, 204);
  EXPECT_EQ(status_of(location).status, 404);
  EXPECT_EQ(request(port(), "DELETE", location, basic(toolsku_)).status, 404);
  EXPECT_EQ(patch(location, "more").status, 404);
}

TEST_F(OciChunkedUploadTest, ASessionStopsAtTheBodyLimitAcrossItsChunks) {
  ASSERT_EQ(server_->stop(), 0) << server_->log();
  ASSERT_NO_FATAL_FAILURE(start({"--max-body-size", "1KiB"}));
  const std::string location = start_session();
  ASSERT_EQ(patch(location, std::string(600, 'a'), "0-599").status, 202);
  HttpResponse refused = patch(location, std::string(600, 'b'), "600-1199");
  EXPECT_EQ(refused.status, 413) << refused.body;
  EXPECT_EQ(status_of(location).header("range"), "0-599");
}

TEST_F(OciChunkedUploadTest, GcRemovesAnAbandonedSession) {
  const std::string abandoned = start_session();
  ASSERT_EQ(patch(abandoned, "left behind").status, 202);
  auto collected = run_server_command({"gc", "--data", data(), "--grace", "0s"});
  ASSERT_EQ(collected.exit_status, 0) << collected.err;
  EXPECT_NE(collected.out.find("and 1 abandoned uploads"), std::string::npos) << collected.out;
  EXPECT_EQ(status_of(abandoned).status, 404);
}

// gc keeps every blob a stored manifest names: a pushed release's config and layer, and the
// config the server synthesised for a native release, however young the grace period; only the
// blob no manifest names goes.
TEST_F(OciPushTest, GcWithNoGraceKeepsEveryBlobAStoredManifestNames) {
  const std::string config = config_for(wit_);
  const std::string manifest = manifest_for(config, {wit_});
  ASSERT_EQ(upload("toolsku/analytics", config, basic(toolsku_)).status, 201);
  ASSERT_EQ(upload("toolsku/analytics", wit_, basic(toolsku_)).status, 201);
  ASSERT_EQ(put_manifest("toolsku/analytics", "0.1.0", manifest, basic(toolsku_)).status, 201);
  const std::string component = file_bytes(kFixtures / "components/http-proxy.wasm");
  ASSERT_EQ(publish_natively(demo_, "demo/proxy/1.0.0", component).status, 201);
  const HttpResponse synthesised = request(port(), "GET", "/v2/demo/proxy/manifests/1.0.0");
  ASSERT_EQ(synthesised.status, 200) << synthesised.body;
  const std::string synthesised_config = json_of(synthesised)["config"]["digest"];
  const HttpResponse synthesised_config_blob =
      request(port(), "GET", "/v2/demo/proxy/blobs/" + synthesised_config);
  ASSERT_EQ(synthesised_config_blob.status, 200);
  const std::string orphan = "a blob no manifest names";
  ASSERT_EQ(upload("toolsku/analytics", orphan, basic(toolsku_)).status, 201);

  ASSERT_EQ(server_->stop(), 0) << server_->log();
  const CommandResult gc = run_server_command({"gc", "--data", data(), "--grace", "0s"});
  ASSERT_EQ(gc.exit_status, 0) << gc.err;
  EXPECT_NE(gc.out.find("removed 1 orphaned blobs"), std::string::npos) << gc.out;
  ASSERT_NO_FATAL_FAILURE(start());

  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/manifests/0.1.0").body, manifest);
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/blobs/" + sha256(config)).body, config);
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/blobs/" + sha256(wit_)).body, wit_);
  EXPECT_EQ(request(port(), "GET", "/v2/demo/proxy/manifests/1.0.0").body, synthesised.body);
  EXPECT_EQ(request(port(), "GET", "/v2/demo/proxy/blobs/" + synthesised_config).body,
            synthesised_config_blob.body);
  EXPECT_EQ(request(port(), "GET", "/v2/demo/proxy/blobs/" + sha256(component)).body, component);
  EXPECT_EQ(request(port(), "GET", "/v2/toolsku/analytics/blobs/" + sha256(orphan)).status, 404);
  const CommandResult fsck = run_server_command({"fsck", "--data", data()});
  EXPECT_EQ(fsck.exit_status, 0) << fsck.out << fsck.err;
  EXPECT_NE(fsck.out.find(": 0 problems, 0 orphans"), std::string::npos) << fsck.out;
}

}  // namespace
}  // namespace wreg::testing
