// The real wreg-server on 127.0.0.1 (port 0, temp data dir), driven over HTTP: publish, read,
// yank, search, auth, limits, hostile input, concurrency, restart, TLS, and fsck at the end.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/unit/wasm/wasm_builder.h"

namespace wreg::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Json = nlohmann::json;

const std::filesystem::path kFixtures = WREG_TEST_FIXTURES;

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Json facts() { return Json::parse(read_bytes(kFixtures / "facts.json")); }

Json json_of(const HttpResponse& response) {
  return Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
}

std::string error_message(const HttpResponse& response) {
  Json body = json_of(response);
  if (!body.is_object() || !body.contains("error")) return "<not an error document>";
  return body["error"].value("message", "");
}

// "ns:name@version" -> "/api/v1/packages/ns/name/version".
std::string release_path(const std::string& id) {
  auto colon = id.find(':');
  auto at = id.find('@');
  return "/api/v1/packages/" + id.substr(0, colon) + "/" + id.substr(colon + 1, at - colon - 1) +
         "/" + id.substr(at + 1);
}

std::string package_path(const std::string& name) {
  auto colon = name.find(':');
  return "/api/v1/packages/" + name.substr(0, colon) + "/" + name.substr(colon + 1);
}

// A component with a custom section appended: valid, and different bytes for each `tag`.
std::string variant_of(const std::string& component, const std::string& tag) {
  std::string section_name = "wreg-test";
  std::string payload = std::string(1, static_cast<char>(section_name.size())) + section_name + tag;
  return component + std::string(1, '\0') + std::string(1, static_cast<char>(payload.size())) +
         payload;
}

// One registry for the whole suite: namespaces wasi, toolsku, demo; a token for wasi and toolsku
// and one for demo only. Short timeouts and limits, so the limit tests are quick.
class RegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new SuiteServer({"--header-timeout", "1s", "--body-timeout", "1s", "--max-body-size",
                               "20MiB", "--max-header-size", "8KiB", "--threads", "4"});
    ASSERT_TRUE(server_->start({"wasi", "toolsku", "demo"})) << server_->error();
    token_ = new_token({"--namespace", "wasi", "--namespace", "toolsku"});
    demo_token_ = new_token({"--namespace", "demo"});
  }

  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
  }

  static std::string data_dir() { return server_->data_dir().string(); }

  static std::string new_token(std::vector<std::string> scope) {
    std::vector<std::string> args{"token", "create", "--data", data_dir()};
    args.insert(args.end(), scope.begin(), scope.end());
    auto created = run_server_command(args);
    EXPECT_EQ(created.exit_status, 0) << created.err;
    std::string token = created.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
    return token;
  }

  static std::uint16_t port() { return server_->port(); }

  static HttpResponse publish(const std::string& id, const std::string& bytes,
                              const std::string& token = token_, Headers extra = {}) {
    extra.emplace_back("Authorization", "Bearer " + token);
    extra.emplace_back("Content-Type", "application/wasm");
    return request(port(), "PUT", release_path(id), extra, bytes);
  }

  static HttpResponse get(const std::string& target, const Headers& headers = {}) {
    return request(port(), "GET", target, headers);
  }

  static SuiteServer* server_;
  static std::string token_;
  static std::string demo_token_;
};

SuiteServer* RegistryTest::server_ = nullptr;
std::string RegistryTest::token_;
std::string RegistryTest::demo_token_;

TEST_F(RegistryTest, HealthzAnswers) {
  auto response = get("/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(json_of(response)["status"], "ok");
}

TEST_F(RegistryTest, PublishesEveryFixturePackageAndComponent) {
  for (const auto& fact : facts()) {
    std::string kind = fact["kind"];
    if (kind != "wit-package" && kind != "component") continue;
    std::string file = fact["file"];
    std::string id;
    if (kind == "wit-package") {
      id = fact["package"];
    } else {
      std::string stem = std::filesystem::path(file).stem().string();
      id = "toolsku:" + stem + "@1.0.0";
    }
    SCOPED_TRACE(file + " as " + id);
    std::string bytes = read_bytes(kFixtures / file);
    auto created = publish(id, bytes);
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(json_of(created)["digest"], fact["digest"]);
    EXPECT_EQ(json_of(created)["kind"], kind == "wit-package" ? "wit" : "component");

    auto again = publish(id, bytes);
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(json_of(again)["digest"], fact["digest"]);

    auto document = get(package_path(id.substr(0, id.find('@'))));
    ASSERT_EQ(document.status, 200) << document.body;
    std::string version = id.substr(id.find('@') + 1);
    Json found;
    Json parsed = json_of(document);
    for (const auto& entry : parsed["versions"]) {
      if (entry["version"] == version) found = entry;
    }
    ASSERT_TRUE(found.is_object()) << document.body;
    EXPECT_EQ(found["digest"], fact["digest"]);
    EXPECT_EQ(found["size"], fact["size"]);
    EXPECT_EQ(found["yanked"], false);
    if (kind == "wit-package") {
      std::set<std::string> expected;
      for (const auto& dependency : fact["dependencies"]) {
        std::string text = dependency;
        expected.insert(text.substr(0, text.find('@')) + " ^" + text.substr(text.find('@') + 1));
      }
      std::set<std::string> actual;
      for (const auto& dependency : found["dependencies"]) {
        actual.insert(std::string(dependency["name"]) + " " +
                      std::string(dependency["requirement"]));
      }
      EXPECT_EQ(actual, expected);
    }
  }
}

TEST_F(RegistryTest, SameVersionWithOtherBytesIsConflictNamingTheExistingDigest) {
  auto first =
      publish("toolsku:conflict@1.0.0", read_bytes(kFixtures / "components/analytics-engine.wasm"));
  ASSERT_EQ(first.status, 201) << first.body;
  std::string digest = json_of(first)["digest"];
  auto second =
      publish("toolsku:conflict@1.0.0", read_bytes(kFixtures / "components/http-proxy.wasm"));
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(json_of(second)["error"]["code"], "conflict");
  EXPECT_NE(error_message(second).find(digest), std::string::npos) << second.body;
}

TEST_F(RegistryTest, WitPackageUnderAnotherNameOrVersionIsRefusedNamingBoth) {
  std::string bytes = read_bytes(kFixtures / "packages/wasi-io@0.2.8.wasm");
  auto wrong_name = publish("wasi:clocks@0.2.8", bytes);
  EXPECT_EQ(wrong_name.status, 400);
  EXPECT_NE(error_message(wrong_name).find("wasi:io@0.2.8"), std::string::npos);
  EXPECT_NE(error_message(wrong_name).find("wasi:clocks@0.2.8"), std::string::npos);
  auto wrong_version = publish("wasi:io@0.2.9", bytes);
  EXPECT_EQ(wrong_version.status, 400);
  EXPECT_NE(error_message(wrong_version).find("wasi:io@0.2.9"), std::string::npos);
}

TEST_F(RegistryTest, CoreModulesAreRefusedWithHowToMakeAComponent) {
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures / "core")) {
    if (entry.path().extension() != ".wasm") continue;
    SCOPED_TRACE(entry.path().filename().string());
    auto response = publish("demo:core-module@1.0.0", read_bytes(entry.path()), demo_token_);
    EXPECT_EQ(response.status, 400);
    EXPECT_NE(error_message(response).find("wasm-tools component new"), std::string::npos)
        << response.body;
  }
}

TEST_F(RegistryTest, BrokenBinariesAreRefusedWithTheReadersMessage) {
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures / "bad")) {
    if (entry.path().extension() != ".wasm") continue;
    SCOPED_TRACE(entry.path().filename().string());
    auto response = publish("demo:broken@1.0.0", read_bytes(entry.path()), demo_token_);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(json_of(response)["error"]["code"], "invalid_argument");
    std::string message = error_message(response);
    EXPECT_EQ(message.rfind("the body is not a valid WebAssembly component", 0), 0u) << message;
    EXPECT_GT(message.size(),
              std::string("the body is not a valid WebAssembly component").size() + 10);
  }
  EXPECT_EQ(get("/api/v1/packages/demo/broken").status, 404);
}

TEST_F(RegistryTest, PublishWithoutTokenIs401AndOutsideTheScopeIs403) {
  std::string bytes = read_bytes(kFixtures / "components/analytics-engine.wasm");
  auto anonymous = request(port(), "PUT", "/api/v1/packages/toolsku/auth/1.0.0", {}, bytes);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_NE(anonymous.header("www-authenticate").find("Bearer"), std::string::npos);
  auto unknown = publish("toolsku:auth@1.0.0", bytes, "wreg_" + std::string(64, 'a'));
  EXPECT_EQ(unknown.status, 401);
  auto garbage = publish("toolsku:auth@1.0.0", bytes, "not a token");
  EXPECT_EQ(garbage.status, 401);
  auto other_namespace = publish("toolsku:auth@1.0.0", bytes, demo_token_);
  EXPECT_EQ(other_namespace.status, 403);
  EXPECT_EQ(json_of(other_namespace)["error"]["code"], "permission_denied");
  auto yank = request(port(), "POST", "/api/v1/packages/toolsku/auth/1.0.0/yank",
                      {{"Authorization", "Bearer " + demo_token_}});
  EXPECT_EQ(yank.status, 403);
  EXPECT_EQ(get("/api/v1/packages/toolsku/auth").status, 404);
}

TEST_F(RegistryTest, DigestHeaderIsCheckedAgainstTheBody) {
  std::string bytes = read_bytes(kFixtures / "components/analytics-engine-producers.wasm");
  auto wrong = publish("toolsku:digest@1.0.0", bytes, token_,
                       {{"Digest-Sha256", "sha256:" + std::string(64, '0')}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(error_message(wrong).find("Digest-Sha256"), std::string::npos);
  auto malformed = publish("toolsku:digest@1.0.0", bytes, token_, {{"Digest-Sha256", "md5:x"}});
  EXPECT_EQ(malformed.status, 400);
  auto right =
      publish("toolsku:digest@1.0.0", bytes, token_,
              {{"Digest-Sha256",
                "sha256:7c02e381f4e1b5d651bec6ad282dc830e12b844eaab5f830598255d268f16b67"}});
  EXPECT_EQ(right.status, 201) << right.body;
}

TEST_F(RegistryTest, BodyPastTheLimitIs413) {
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->send(
      "PUT /api/v1/packages/toolsku/huge/1.0.0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
      token_ + "\r\nContent-Length: " + std::to_string(30 * 1024 * 1024) + "\r\n\r\n"));
  auto response = connection->read_response();
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(json_of(response)["error"]["code"], "too_large");

  // A chunked body has no length up front: it is cut off once it passes the limit.
  auto chunked = Connection::open(port());
  ASSERT_TRUE(chunked);
  std::string head =
      "PUT /api/v1/packages/toolsku/huge/1.0.0 HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer " +
      token_ + "\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_TRUE(chunked->send(head));
  std::string chunk(1024 * 1024, 'x');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  for (int i = 0; i < 21; ++i) {
    if (!chunked->send(size_line + chunk + "\r\n")) break;
  }
  EXPECT_EQ(chunked->read_response().status, 413);
  EXPECT_EQ(get("/api/v1/packages/toolsku/huge").status, 404);
}

TEST_F(RegistryTest, HugeHeaderIs431) {
  auto response = request(port(), "GET", "/healthz", {{"X-Filler", std::string(16 * 1024, 'a')}});
  EXPECT_EQ(response.status, 431);
  EXPECT_EQ(json_of(response)["error"]["code"], "header_too_large");
}

TEST_F(RegistryTest, PackageDocumentHasAnETagAndAnswers304) {
  ASSERT_EQ(
      publish("toolsku:etag@1.0.0", read_bytes(kFixtures / "components/analytics-engine.wasm"))
          .status,
      201);
  auto first = get("/api/v1/packages/toolsku/etag");
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("etag");
  ASSERT_FALSE(etag.empty());
  auto cached = get("/api/v1/packages/toolsku/etag", {{"If-None-Match", etag}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(cached.header("etag"), etag);
  auto other = get("/api/v1/packages/toolsku/etag", {{"If-None-Match", "\"something-else\""}});
  EXPECT_EQ(other.status, 200);

  // A new version changes the document, so the old ETag no longer matches.
  ASSERT_EQ(publish("toolsku:etag@1.1.0",
                    read_bytes(kFixtures / "components/analytics-engine-producers.wasm"))
                .status,
            201);
  auto changed = get("/api/v1/packages/toolsku/etag", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("etag"), etag);
  ASSERT_EQ(json_of(changed)["versions"].size(), 2u);
  EXPECT_EQ(json_of(changed)["versions"][0]["version"], "1.1.0");
}

TEST_F(RegistryTest, ReleaseDetailCarriesWhatTheBinaryHolds) {
  ASSERT_EQ(
      publish("toolsku:proxy@0.1.0", read_bytes(kFixtures / "components/http-proxy.wasm")).status,
      201);
  auto response = get("/api/v1/packages/toolsku/proxy/0.1.0");
  ASSERT_EQ(response.status, 200) << response.body;
  Json release = json_of(response);
  EXPECT_EQ(release["name"], "toolsku:proxy");
  EXPECT_EQ(release["version"], "0.1.0");
  EXPECT_EQ(release["kind"], "component");
  bool exports_handler = false;
  for (const auto& item : release["exports"]) {
    if (std::string(item["name"]).rfind("wasi:http/incoming-handler", 0) == 0) {
      exports_handler = true;
    }
  }
  EXPECT_TRUE(exports_handler) << response.body;
  EXPECT_FALSE(release["imports"].empty());
  EXPECT_TRUE(release.contains("producers"));
  EXPECT_TRUE(release.contains("metadata"));

  auto wit = get("/api/v1/packages/wasi/clocks/0.2.8");
  if (wit.status == 200) {
    Json package = json_of(wit);
    EXPECT_EQ(package["kind"], "wit");
    EXPECT_FALSE(package["interfaces"].empty());
    EXPECT_FALSE(package["worlds"].empty());
  }
  EXPECT_EQ(get("/api/v1/packages/toolsku/proxy/9.9.9").status, 404);
}

TEST_F(RegistryTest, BlobsServeBytesWithRangeHeadAndCaching) {
  std::string bytes = read_bytes(kFixtures / "components/stream-filter.wasm");
  auto created = publish("toolsku:blob@1.0.0", bytes);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string digest = json_of(created)["digest"];
  std::string target = "/api/v1/blobs/" + digest;

  auto whole = get(target);
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, bytes);
  EXPECT_EQ(whole.header("etag"), "\"" + digest + "\"");
  EXPECT_EQ(whole.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(whole.header("content-type"), "application/wasm");

  auto head = request(port(), "HEAD", target);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(bytes.size()));
  EXPECT_TRUE(head.body.empty());

  auto first_ten = get(target, {{"Range", "bytes=0-9"}});
  EXPECT_EQ(first_ten.status, 206);
  EXPECT_EQ(first_ten.body, bytes.substr(0, 10));
  EXPECT_EQ(first_ten.header("content-range"), "bytes 0-9/" + std::to_string(bytes.size()));
  auto middle = get(target, {{"Range", "bytes=100-199"}});
  EXPECT_EQ(middle.status, 206);
  EXPECT_EQ(middle.body, bytes.substr(100, 100));
  auto tail = get(target, {{"Range", "bytes=-5"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, bytes.substr(bytes.size() - 5));
  auto from = get(target, {{"Range", "bytes=" + std::to_string(bytes.size() - 3) + "-"}});
  EXPECT_EQ(from.body, bytes.substr(bytes.size() - 3));
  auto past = get(target, {{"Range", "bytes=" + std::to_string(bytes.size()) + "-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.header("content-range"), "bytes */" + std::to_string(bytes.size()));

  auto cached = get(target, {{"If-None-Match", "\"" + digest + "\""}});
  EXPECT_EQ(cached.status, 304);

  EXPECT_EQ(get("/api/v1/blobs/sha256:" + std::string(64, 'e')).status, 404);
  EXPECT_EQ(get("/api/v1/blobs/sha256:" + std::string(64, 'E')).status, 400);
  EXPECT_EQ(get("/api/v1/blobs/sha256:abc").status, 400);
}

// Uploads of several MiB are flushed to disk while they arrive (store/file_system.cpp), and the
// publish reports its steps in Server-Timing: the bytes must still be hashed, checked and
// stored exactly.
TEST_F(RegistryTest, LargePublishIsStoredWholeAndReportsItsSteps) {
  std::string padding(9 * 1024 * 1024 + 12345, '\0');
  for (std::size_t i = 0; i < padding.size(); ++i) {
    padding[i] = static_cast<char>((i * 2654435761u) >> 13);
  }
  std::string bytes =
      with_custom_section(read_bytes(kFixtures / "components/stream-filter.wasm"), padding);
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int hash_size = 0;
  ASSERT_EQ(EVP_Digest(bytes.data(), bytes.size(), hash, &hash_size, EVP_sha256(), nullptr), 1);
  // Hashed and spelled here, not by wreg's code: these tests link none of it (black box).
  std::string digest = "sha256:";
  for (unsigned int i = 0; i < hash_size; ++i) {
    digest += "0123456789abcdef"[hash[i] >> 4];
    digest += "0123456789abcdef"[hash[i] & 0xf];
  }

  auto wrong = publish("toolsku:large@1.0.0", bytes, token_,
                       {{"Digest-Sha256", "sha256:" + std::string(64, 'a')}});
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  auto created = publish("toolsku:large@1.0.0", bytes, token_, {{"Digest-Sha256", digest}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json_of(created)["digest"], digest);
  EXPECT_EQ(json_of(created)["size"], bytes.size());
  const std::string timing = created.header("server-timing");
  std::size_t at = 0;
  for (const char* step : {"receive;dur=", "sync;dur=", "lookup;dur=", "validate;dur=",
                           "install;dur=", "commit;dur="}) {
    at = timing.find(step, at);
    EXPECT_NE(at, std::string::npos) << step << " in " << timing;
  }

  auto whole = get("/api/v1/blobs/" + digest);
  ASSERT_EQ(whole.status, 200);
  EXPECT_TRUE(whole.body == bytes) << "the served blob differs from the published bytes";

  // A blob this large goes out through the server's buffer, piece by piece: a range from an odd
  // offset, then the whole blob, pipelined to a reader whose small socket keeps filling up.
  auto slow_reader = Connection::open(port());
  ASSERT_TRUE(slow_reader);
  slow_reader->limit_receive_buffer(16 * 1024);
  const std::size_t first = 300001, last = bytes.size() - 2;
  ASSERT_TRUE(slow_reader->send("GET /api/v1/blobs/" + digest +
                                " HTTP/1.1\r\nHost: x\r\nRange: bytes=" + std::to_string(first) +
                                "-" + std::to_string(last) + "\r\n\r\nGET /api/v1/blobs/" + digest +
                                " HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto range = slow_reader->read_response();
  ASSERT_EQ(range.status, 206);
  EXPECT_TRUE(range.body == bytes.substr(first, last - first + 1)) << "the range differs";
  auto again = slow_reader->read_response();
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(again.body == bytes) << "the blob differs when read slowly";
}

// An upload is read straight from the socket as far as it has arrived: a chunked body in many
// small chunks and a sized one, each followed on the same connection by another request that
// arrived with it, must be stored whole and leave that request to be answered.
TEST_F(RegistryTest, UploadsThatArriveWithTheNextRequestAreStoredWholeAndTheRequestAnswered) {
  const std::string bytes = with_custom_section(
      variant_of(read_bytes(kFixtures / "components/stream-filter.wasm"), "arrived"),
      std::string(3 * 1024 * 1024 + 17, 'a'));
  std::string chunked;
  for (std::size_t at = 0; at < bytes.size(); at += 1000) {
    const std::string piece = bytes.substr(at, 1000);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    chunked += size + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  const std::string sized_bytes = variant_of(bytes, "sized");
  const std::string head =
      "Host: x\r\nAuthorization: Bearer " + token_ + "\r\nContent-Type: application/wasm\r\n";
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->send("PUT " + release_path("toolsku:arrived@1.0.0") + " HTTP/1.1\r\n" +
                               head + "Transfer-Encoding: chunked\r\n\r\n" + chunked + "PUT " +
                               release_path("toolsku:arrived@2.0.0") + " HTTP/1.1\r\n" + head +
                               "Content-Length: " + std::to_string(sized_bytes.size()) +
                               "\r\n\r\n" + sized_bytes +
                               "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto chunked_answer = connection->read_response();
  ASSERT_EQ(chunked_answer.status, 201) << chunked_answer.body;
  auto sized_answer = connection->read_response();
  ASSERT_EQ(sized_answer.status, 201) << sized_answer.body;
  EXPECT_EQ(connection->read_response().status, 200);
  EXPECT_TRUE(get("/api/v1/blobs/" + std::string(json_of(chunked_answer)["digest"])).body == bytes);
  EXPECT_TRUE(get("/api/v1/blobs/" + std::string(json_of(sized_answer)["digest"])).body ==
              sized_bytes);
}

// A blob's header is held back (MSG_MORE) to leave with its first bytes: whole bodies, one-byte
// ranges and HEADs (no body to push the header out) must all arrive, in order, on one
// connection.
TEST_F(RegistryTest, BlobHeadersHeldForTheirBodiesStillArriveWithEveryAnswer) {
  std::string bytes = variant_of(read_bytes(kFixtures / "components/stream-filter.wasm"), "more");
  auto created = publish("toolsku:held@1.0.0", bytes);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string target = "/api/v1/blobs/" + std::string(json_of(created)["digest"]);
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  const std::string last = std::to_string(bytes.size() - 1);
  auto ask = [&](const std::string& method, const std::string& range) {
    return connection->send(method + " " + target + " HTTP/1.1\r\nHost: x\r\n" +
                            (range.empty() ? "" : "Range: bytes=" + range + "\r\n") + "\r\n");
  };
  ASSERT_TRUE(ask("GET", "0-0") && ask("HEAD", "") && ask("GET", last + "-" + last) &&
              ask("GET", "") && ask("HEAD", ""));
  auto first = connection->read_response();
  EXPECT_EQ(first.status, 206);
  EXPECT_EQ(first.body, bytes.substr(0, 1));
  auto head = connection->read_response(/*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(bytes.size()));
  auto final_byte = connection->read_response();
  EXPECT_EQ(final_byte.status, 206);
  EXPECT_EQ(final_byte.body, bytes.substr(bytes.size() - 1));
  auto whole = connection->read_response();
  EXPECT_EQ(whole.status, 200);
  EXPECT_TRUE(whole.body == bytes);
  EXPECT_EQ(connection->read_response(/*head=*/true).status, 200);
}

// A write without MSG_NOSIGNAL (sendfile(2) once sent blobs) raises SIGPIPE on a connection the
// client has closed: the server must ignore it (it died with exit status 141 after a wrk run on
// a 1 MiB blob) and go on serving.
TEST_F(RegistryTest, ClientsHangingUpMidDownloadDoNotStopTheServer) {
  std::ifstream status("/proc/" + std::to_string(server_->process().pid()) + "/status");
  std::string line;
  std::uint64_t ignored = 0;
  while (std::getline(status, line)) {
    if (line.rfind("SigIgn:", 0) == 0) ignored = std::stoull(line.substr(7), nullptr, 16);
  }
  EXPECT_TRUE(ignored & (std::uint64_t{1} << (SIGPIPE - 1))) << "SIGPIPE is not ignored";

  std::string bytes = variant_of(read_bytes(kFixtures / "components/stream-filter.wasm"), "hang");
  bytes = with_custom_section(bytes, std::string(4 * 1024 * 1024, 'h'));
  auto created = publish("toolsku:hang-up@1.0.0", bytes);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string target = "/api/v1/blobs/" + std::string(json_of(created)["digest"]);
  for (int i = 0; i < 20; ++i) {
    auto connection = Connection::open(port());
    ASSERT_TRUE(connection);
    ASSERT_TRUE(connection->send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\nGET " + target +
                                 " HTTP/1.1\r\nHost: x\r\n\r\n"));
  }  // each closed with the answers unread
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get(target).body.size(), bytes.size());
}

// Clients that pipeline requests and never read the answers fill their sockets: each such
// connection must wait for room without holding a worker thread (the first write of an answer
// is tried without waiting, and a blocking one stopped the whole server: more such clients than
// threads, and nobody else was answered).
TEST_F(RegistryTest, ClientsThatNeverReadTheirAnswersDoNotHoldUpOthers) {
  std::string requests;
  // /metrics: a few KiB of answer for 35 bytes of request; 8 MB of answers in all.
  for (int i = 0; i < 2000; ++i) requests += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<std::unique_ptr<Connection>> readers_that_never_read;
  for (int i = 0; i < 5; ++i) {  // one more than the suite's worker threads
    auto connection = Connection::open(port(), false, std::chrono::milliseconds(200));
    ASSERT_TRUE(connection);
    connection->limit_receive_buffer(4096);
    connection->send(requests);  // times out part-way once the server stops reading
    readers_that_never_read.push_back(std::move(connection));
  }
  // Wait until the server has answered those clients until their sockets are full and stays
  // there: its count of answered /metrics requests stops growing (the reads of /metrics made
  // here, each counted before the next one, taken off). Each read is itself a client that must
  // be answered, so a server that blocks on the full sockets fails here already.
  auto answered_so_far = [this](int own_reads) -> long {
    auto metrics = Connection::open(port(), false, std::chrono::seconds(5));
    if (!metrics || !metrics->send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")) return -1;
    auto response = metrics->read_response();
    if (response.status != 200) return -1;
    const std::string line =
        "wreg_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"} ";
    const auto at = response.body.find(line);
    if (at == std::string::npos) return -1;
    return std::stol(response.body.substr(at + line.size())) - own_reads;
  };
  long previous = -1;
  int unchanged = 0;
  for (int reads = 0; unchanged < 5; ++reads) {
    const long answered = answered_so_far(reads);
    ASSERT_GE(answered, 0) << "a full client held up the server";
    ASSERT_LT(reads, 2000) << "the server never stopped answering clients that do not read";
    unchanged = answered == previous ? unchanged + 1 : 0;
    previous = answered;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the polling interval
  }
  EXPECT_GT(previous, 5) << "the clients that never read were not answered at all";
  auto others = Connection::open(port(), false, std::chrono::seconds(5));
  ASSERT_TRUE(others);
  ASSERT_TRUE(others->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(others->read_response().status, 200) << "a full client held up the server";
}

TEST_F(RegistryTest, ReleaseDocumentHasAnETagAndAnswers304UntilAYank) {
  const std::string path = "/api/v1/packages/toolsku/release-etag/1.0.0";
  ASSERT_EQ(publish("toolsku:release-etag@1.0.0",
                    read_bytes(kFixtures / "components/analytics-engine.wasm"))
                .status,
            201);
  auto first = get(path);
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(first.header("cache-control"), "no-cache");
  EXPECT_NE(etag, get("/api/v1/packages/toolsku/release-etag").header("etag"))
      << "a release's ETag is its own, not its package's";

  // HEAD answers what GET does, without the body.
  auto head = request(port(), "HEAD", path);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  for (const char* name : {"etag", "content-length", "content-type", "cache-control"}) {
    EXPECT_EQ(head.header(name), first.header(name)) << name;
  }
  auto again = get(path);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("etag"), etag);

  auto cached = get(path, {{"If-None-Match", etag}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(cached.header("etag"), etag);
  EXPECT_EQ(request(port(), "HEAD", path, {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(get(path, {{"If-None-Match", "\"something-else\""}}).status, 200);
  // A version that does not exist is a 404 whatever the client holds.
  EXPECT_EQ(get("/api/v1/packages/toolsku/release-etag/9.9.9", {{"If-None-Match", "*"}}).status,
            404);

  // A yank changes the document: the old ETag no longer matches, and the document says so.
  Headers auth{{"Authorization", "Bearer " + token_}};
  ASSERT_EQ(request(port(), "POST", path + "/yank", auth).status, 200);
  auto yanked = get(path, {{"If-None-Match", etag}});
  ASSERT_EQ(yanked.status, 200);
  EXPECT_NE(yanked.header("etag"), etag);
  EXPECT_EQ(json_of(yanked)["yanked"], true);
  EXPECT_EQ(json_of(first)["yanked"], false);
  ASSERT_EQ(request(port(), "POST", path + "/unyank", auth).status, 200);
  auto unyanked = get(path, {{"If-None-Match", yanked.header("etag")}});
  ASSERT_EQ(unyanked.status, 200);
  EXPECT_EQ(json_of(unyanked)["yanked"], false);
}

TEST_F(RegistryTest, YankedVersionsStayDownloadable) {
  auto created =
      publish("toolsku:yanky@1.0.0", read_bytes(kFixtures / "components/analytics-engine.wasm"));
  ASSERT_EQ(created.status, 201);
  std::string digest = json_of(created)["digest"];
  Headers auth{{"Authorization", "Bearer " + token_}};
  auto yank = request(port(), "POST", "/api/v1/packages/toolsku/yanky/1.0.0/yank", auth);
  ASSERT_EQ(yank.status, 200) << yank.body;
  EXPECT_EQ(json_of(yank)["yanked"], true);
  auto document = get("/api/v1/packages/toolsku/yanky");
  EXPECT_EQ(json_of(document)["versions"][0]["yanked"], true);
  EXPECT_EQ(get("/api/v1/packages/toolsku/yanky/1.0.0").status, 200);
  EXPECT_EQ(get("/api/v1/blobs/" + digest).status, 200);

  auto unyank = request(port(), "POST", "/api/v1/packages/toolsku/yanky/1.0.0/unyank", auth);
  ASSERT_EQ(unyank.status, 200);
  EXPECT_EQ(json_of(get("/api/v1/packages/toolsku/yanky"))["versions"][0]["yanked"], false);
  EXPECT_EQ(request(port(), "POST", "/api/v1/packages/toolsku/yanky/2.0.0/yank", auth).status, 404);
  EXPECT_EQ(request(port(), "POST", "/api/v1/packages/toolsku/yanky/1.0.0/yank").status, 401);
}

TEST_F(RegistryTest, SearchFindsByNameAndByInterface) {
  ASSERT_LT(
      publish("toolsku:search-proxy@1.0.0", read_bytes(kFixtures / "components/http-proxy.wasm"))
          .status,
      300);
  ASSERT_LT(publish("toolsku:search-filter@1.0.0",
                    read_bytes(kFixtures / "components/stream-filter.wasm"))
                .status,
            300);
  auto names = [](const HttpResponse& response) {
    std::set<std::string> out;
    Json page = json_of(response);
    for (const auto& package : page["packages"]) out.insert(package["name"]);
    return out;
  };
  auto by_name = get("/api/v1/packages?q=search-");
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(names(by_name),
            (std::set<std::string>{"toolsku:search-filter", "toolsku:search-proxy"}));

  auto exporters = get("/api/v1/packages?exports=wasi:http/incoming-handler");
  ASSERT_EQ(exporters.status, 200) << exporters.body;
  EXPECT_TRUE(names(exporters).count("toolsku:search-proxy")) << exporters.body;
  EXPECT_FALSE(names(exporters).count("toolsku:search-filter"));

  auto importers = get("/api/v1/packages?imports=wasi%3Aio%2Fstreams");
  ASSERT_EQ(importers.status, 200) << importers.body;
  EXPECT_TRUE(names(importers).count("toolsku:search-filter")) << importers.body;

  // Paging: one at a time until the cursor runs out.
  std::set<std::string> paged;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto response = get("/api/v1/packages?q=search-&limit=1" +
                        (cursor.empty() ? std::string() : "&cursor=" + cursor));
    ASSERT_EQ(response.status, 200) << response.body;
    for (const auto& name : names(response)) paged.insert(name);
    Json next = json_of(response)["next_cursor"];
    if (next.is_null() || next == "") break;
    cursor = next;
  }
  EXPECT_EQ(paged, names(by_name));
  EXPECT_EQ(get("/api/v1/packages?limit=0").status, 400);
  EXPECT_EQ(get("/api/v1/packages?limit=abc").status, 400);
}

TEST_F(RegistryTest, HostilePathsAreRefusedBeforeAnyStore) {
  const std::vector<std::string> targets = {
      "/api/v1/packages/../../etc/passwd",
      "/api/v1/packages/%2e%2e/name",
      "/api/v1/packages/wasi/%2e%2e",
      "/api/v1/packages/wasi/io/%2e%2e",
      "/api/v1/packages/wasi/io/..",
      "/api/v1/packages/%2E%2E/%2E%2E/0.1.0",
      "/api/v1/blobs/..",
      "/api/v1/blobs/%2e%2e%2f%2e%2e%2fwreg.db",
      "/api/v1/blobs/sha256:..%2f..%2f..%2fwreg.db",
      "/api/v1/packages/wasi%2fio/x",
      "/api/v1/packages/wasi/io%5c..%5c..",
      "/api/v1/packages/wasi/io%00/1.0.0",
      "/api/v1/packages/%ff%fe/io",
      "/api/v1/packages/%c0%ae%c0%ae/io",
      "/api/v1/packages/wasi/%ed%a0%80",
      "/api/v1/packages/" + std::string(300, 'a') + "/io",
      "/api/v1/packages/wasi/" + std::string(200, 'a'),
      "/api/v1/packages/wasi/io/" + std::string(300, '1'),
      "/api/v1/packages/Wasi/io",
      "/api/v1/packages/wasi/io/v1.0.0",
      "/api/v1/packages/wasi/io/%zz",
      "/api/v1/packages?q=%ff",
      "/api/v1//packages",
      "api/v1/packages",
  };
  for (const auto& target : targets) {
    SCOPED_TRACE(target);
    auto read = get(target);
    EXPECT_EQ(read.status, 400) << read.body;
    EXPECT_TRUE(json_of(read).contains("error"));
    EXPECT_EQ(read.body.find(data_dir()), std::string::npos);
    auto write =
        request(port(), "PUT", target, {{"Authorization", "Bearer " + token_}}, "\x00\x61\x73\x6d");
    EXPECT_TRUE(write.status == 400 || write.status == 405) << write.status << write.body;
  }
  // Nothing outside the data dir was created or touched.
  EXPECT_FALSE(std::filesystem::exists(server_->dir() / "etc"));
}

TEST_F(RegistryTest, SlowDripHeaderIsDroppedAfterTheHeaderTimeout) {
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection->closed_by_peer(std::chrono::seconds(10)));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  // The server still answers others.
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(RegistryTest, StalledBodyIsDroppedAfterTheIdleTimeout) {
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(
      connection->send("PUT /api/v1/packages/toolsku/stalled/1.0.0 HTTP/1.1\r\nHost: "
                       "x\r\nAuthorization: Bearer " +
                       token_ + "\r\nContent-Length: 100000\r\n\r\n\x00\x61\x73\x6d"));
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection->closed_by_peer(std::chrono::seconds(10)));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(get("/api/v1/packages/toolsku/stalled").status, 404);
}

TEST_F(RegistryTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto connection = Connection::open(port());
  ASSERT_TRUE(connection);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(connection->read_response().status, 200);
  }
}

TEST_F(RegistryTest, ExpectContinueRefusesBeforeTheBodyOrAsksForIt) {
  std::string bytes = read_bytes(kFixtures / "components/empty-component.wasm");
  auto refused = Connection::open(port());
  ASSERT_TRUE(refused);
  ASSERT_TRUE(
      refused->send("PUT /api/v1/packages/toolsku/expect/1.0.0 HTTP/1.1\r\nHost: x\r\n"
                    "Expect: 100-continue\r\nContent-Length: " +
                    std::to_string(bytes.size()) + "\r\n\r\n"));
  EXPECT_EQ(refused->read_response(false, true).status, 401);

  auto accepted = Connection::open(port());
  ASSERT_TRUE(accepted);
  ASSERT_TRUE(accepted->send(
      "PUT /api/v1/packages/toolsku/expect/1.0.0 HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer " +
      token_ + "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(bytes.size()) +
      "\r\n\r\n"));
  EXPECT_EQ(accepted->read_response(false, true).status, 100);
  ASSERT_TRUE(accepted->send(bytes));
  EXPECT_EQ(accepted->read_response().status, 201);
}

TEST_F(RegistryTest, UnknownRoutesAre404AndWrongMethods405) {
  EXPECT_EQ(get("/nope").status, 404);
  auto wrong = request(port(), "DELETE", "/api/v1/packages/wasi/io");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_NE(wrong.header("allow").find("GET"), std::string::npos);
}

TEST_F(RegistryTest, ConcurrentPublishesOfTheSameBytesMakeOneRelease) {
  std::string bytes = read_bytes(kFixtures / "components/analytics-engine.wasm");
  std::vector<int> statuses(16);
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      statuses[static_cast<std::size_t>(i)] = publish("toolsku:same@1.0.0", bytes).status;
    });
  }
  for (auto& thread : threads) thread.join();
  int created = 0;
  for (int status : statuses) {
    EXPECT_TRUE(status == 200 || status == 201) << status;
    created += status == 201;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(json_of(get("/api/v1/packages/toolsku/same"))["versions"].size(), 1u);
}

TEST_F(RegistryTest, ConcurrentPublishesOfDifferentBytesLetExactlyOneWin) {
  std::string base = read_bytes(kFixtures / "components/analytics-engine.wasm");
  std::vector<std::string> bodies;
  for (int i = 0; i < 16; ++i) bodies.push_back(variant_of(base, std::to_string(i)));
  std::vector<HttpResponse> responses(16);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] { responses[i] = publish("toolsku:race@1.0.0", bodies[i]); });
  }
  for (auto& thread : threads) thread.join();
  int created = 0;
  int conflicts = 0;
  std::string winner;
  for (const auto& response : responses) {
    if (response.status == 201) {
      ++created;
      winner = json_of(response)["digest"];
    }
    if (response.status == 409) ++conflicts;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(conflicts, 15);
  auto document = json_of(get("/api/v1/packages/toolsku/race"));
  ASSERT_EQ(document["versions"].size(), 1u);
  EXPECT_EQ(document["versions"][0]["digest"], winner);
}

TEST_F(RegistryTest, MetricsCountRequestsAndReleases) {
  ASSERT_EQ(get("/healthz").status, 200);
  // A request is counted once its response is out, so the count may trail the response a bit.
  auto response = get("/metrics");
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (response.body.find("route=\"/healthz\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    response = get("/metrics");
  }
  ASSERT_EQ(response.status, 200);
  for (const char* family :
       {"wreg_http_requests_total{", "wreg_http_request_duration_seconds_bucket{",
        "wreg_http_request_body_bytes_total", "wreg_http_response_body_bytes_total",
        "wreg_publishes_total{outcome=\"created\"}", "wreg_packages ", "wreg_releases ",
        "wreg_blob_bytes "}) {
    EXPECT_NE(response.body.find(family), std::string::npos) << family;
  }
  EXPECT_EQ(response.body.find(token_), std::string::npos);
}

TEST_F(RegistryTest, AccessLogHasOneLinePerRequestAndNoToken) {
  publish("toolsku:logged@1.0.0", read_bytes(kFixtures / "components/empty-component.wasm"));
  publish("toolsku:logged@1.0.0", "not wasm", demo_token_);
  get("/healthz?probe=access-log");
  // A request's line is written once its response is out, so it may trail the response a bit,
  // and lines of requests on different connections may come in any order.
  auto all_logged = [](const std::string& log) {
    return log.find("GET /healthz 200") != std::string::npos &&
           log.find("PUT /api/v1/packages/toolsku/logged/1.0.0 201") != std::string::npos &&
           log.find("PUT /api/v1/packages/toolsku/logged/1.0.0 403") != std::string::npos;
  };
  std::string log = server_->log();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!all_logged(log) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    log = server_->log();
  }
  EXPECT_TRUE(all_logged(log)) << log;
  EXPECT_EQ(log.find(token_), std::string::npos);
  EXPECT_EQ(log.find(demo_token_), std::string::npos);
}

// The server's resident memory now, in KiB (VmRSS of /proc/PID/status); 0 when unreadable.
std::uint64_t resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// A component of 1,000 function imports with names of about 9,000 bytes: a 9 MB body whose
// reading builds hundreds of MB of release (bench/limits_component.cpp, at smaller names).
std::string component_of_long_imports() {
  using wasm::testing::Bytes;
  Bytes imports;
  imports.u32(1000);
  for (int i = 0; i < 1000; ++i) {
    const std::string name =
        "bench:p" + std::to_string(i) + "/i" + std::string(9000, 'a') + "@1.0.0";
    imports.append(wasm::testing::extern_name(name)).raw({0x01, 0x00});  // func of type 0
  }
  const Bytes binary = wasm::testing::component_preamble()
                           .section(7, Bytes().u32(1).raw({0x40, 0x00, 0x01, 0x00}))
                           .section(10, imports);
  return std::string(binary.data().begin(), binary.data().end());
}

// Whether this build runs under AddressSanitizer (gcc defines the macro, clang has the feature).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAddressSanitizer = true;
#else
constexpr bool kUnderAddressSanitizer = false;
#endif
#else
constexpr bool kUnderAddressSanitizer = false;
#endif

// What a large publish needed is given back: the server's resident memory after it is near
// what it was before, not near its peak.
TEST(ServerMemoryTest, ALargePublishDoesNotStayResident) {
  if (kUnderAddressSanitizer) {
    GTEST_SKIP() << "under AddressSanitizer freed memory waits in its quarantine, so the "
                    "server's resident size says nothing about what wreg gives back";
  }
  TempDir dir;
  const auto data = dir.path() / "data";
  ASSERT_EQ(
      run_server_command({"namespace", "create", "--data", data.string(), "demo"}).exit_status, 0);
  const std::string token = create_token(data, {"--namespace", "demo"});
  ServerProcess server(data);
  ASSERT_TRUE(server.start()) << server.log();
  ASSERT_EQ(request(server.port(), "GET", "/healthz").status, 200);
  const std::uint64_t before = resident_kib(server.pid());
  ASSERT_GT(before, 0u);
  const auto published =
      request(server.port(), "PUT", "/api/v1/packages/demo/large/1.0.0",
              {{"Authorization", "Bearer " + token}}, component_of_long_imports());
  ASSERT_EQ(published.status, 201) << published.body;
  const std::uint64_t after = resident_kib(server.pid());
  EXPECT_LT(after, before + 24 * 1024) << "KiB resident before " << before << ", after " << after;
}

// The line of the first request whose path is `path`, once it is in the server's log (a line is
// written once its response is out, so it may trail the response a bit); "" if none comes.
std::string logged_line(const ServerProcess& server, const std::string& path) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    const std::string log = server.log();
    const auto at = log.find(" " + path + " ");
    if (at != std::string::npos) {
      const auto start = log.rfind('\n', at);
      const auto start_at = start == std::string::npos ? 0 : start + 1;
      const auto end = log.find('\n', at);
      if (end != std::string::npos) return log.substr(start_at, end - start_at);
    }
    if (std::chrono::steady_clock::now() >= deadline) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Who did what, behind a proxy or not: the client's address from X-Forwarded-For only when the
// peer (127.0.0.1 here) is a trusted proxy, the user agent escaped onto the one line (the
// server refuses control characters in a header, so its other bytes are what is left to
// escape), and the id of a write's token, never its secret.
TEST(AccessLogTest, NamesTheTokenTheUserAgentAndTheClientBehindATrustedProxy) {
  TempDir dir;
  const auto data = dir.path() / "data";
  ASSERT_EQ(
      run_server_command({"namespace", "create", "--data", data.string(), "demo"}).exit_status, 0);
  auto created =
      run_server_command({"token", "create", "--data", data.string(), "--namespace", "demo"});
  ASSERT_EQ(created.exit_status, 0) << created.err;
  std::string token = created.out.substr(0, created.out.find('\n'));
  const auto id_at = created.err.find("created token ");
  ASSERT_NE(id_at, std::string::npos) << created.err;
  const std::string token_id =
      std::to_string(std::stoll(created.err.substr(id_at + std::string("created token ").size())));

  const auto config = dir.path() / "wreg-server.toml";
  std::ofstream(config) << "trusted-proxies = [\"10.0.0.0/8\", \"127.0.0.1\"]\n";
  ServerProcess trusting(data, {"--config", config.string()});
  ASSERT_TRUE(trusting.start()) << trusting.log();
  const Headers forwarded{{"X-Forwarded-For", "6.6.6.6, 203.0.113.7"},
                          {"User-Agent", "wreg/0.1 \"x\" \xff"}};
  ASSERT_EQ(request(trusting.port(), "GET", "/healthz?trusted", forwarded).status, 200);
  const std::string behind = logged_line(trusting, "/healthz");
  EXPECT_NE(behind.find(" 203.0.113.7 GET /healthz 200 "), std::string::npos) << behind;
  EXPECT_NE(behind.find(" via=127.0.0.1"), std::string::npos) << behind;
  EXPECT_NE(behind.find(" token=- "), std::string::npos) << behind;
  EXPECT_NE(behind.find(" ua=wreg/0.1\\x20\\x22x\\x22\\x20\\xff"), std::string::npos) << behind;
  EXPECT_EQ(behind.find('\xff'), std::string::npos) << behind;

  Headers publish_headers{{"Authorization", "Bearer " + token}, {"User-Agent", "wreg/0.1.0"}};
  ASSERT_EQ(request(trusting.port(), "PUT", "/api/v1/packages/demo/logged/1.0.0", publish_headers,
                    read_bytes(kFixtures / "components/empty-component.wasm"))
                .status,
            201);
  const std::string published = logged_line(trusting, "/api/v1/packages/demo/logged/1.0.0");
  EXPECT_NE(published.find(" 127.0.0.1 PUT /api/v1/packages/demo/logged/1.0.0 201 "),
            std::string::npos)
      << published;
  EXPECT_NE(published.find(" token=" + token_id + " ua=wreg/0.1.0"), std::string::npos)
      << published;
  EXPECT_EQ(published.find("via="), std::string::npos) << "no header, no proxy: " << published;
  EXPECT_EQ(trusting.stop(), 0);
  EXPECT_EQ(trusting.log().find(token), std::string::npos) << "the secret is never logged";

  // Behind no trusted proxy, the header is the client's own say-so: the peer is logged.
  ServerProcess untrusting(data, {"--trusted-proxies", "10.0.0.0/8"});
  ASSERT_TRUE(untrusting.start()) << untrusting.log();
  ASSERT_EQ(request(untrusting.port(), "GET", "/healthz?untrusted", forwarded).status, 200);
  const std::string direct = logged_line(untrusting, "/healthz");
  EXPECT_NE(direct.find(" 127.0.0.1 GET /healthz 200 "), std::string::npos) << direct;
  EXPECT_EQ(direct.find("203.0.113.7"), std::string::npos) << direct;
  EXPECT_EQ(direct.find("via="), std::string::npos) << direct;
}

TEST(AccessLogTest, ABadTrustedProxyIsRefusedAtStartWithOneLine) {
  TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--trusted-proxies", "10.0.0.0/33"},
        std::vector<std::string>{"--trusted-proxies", "127.0.0.1,proxy.example"}}) {
    std::vector<std::string> command{"serve", "--data", (dir.path() / "data").string(), "--listen",
                                     "127.0.0.1:0"};
    command.insert(command.end(), args.begin(), args.end());
    auto refused = run_server_command(command);
    EXPECT_NE(refused.exit_status, 0);
    EXPECT_NE(refused.err.find("trusted proxy"), std::string::npos) << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  }
  const auto config = dir.path() / "bad.toml";
  std::ofstream(config) << "trusted-proxies = [\"127.0.0.1\", 8]\n";
  auto refused = run_server_command({"serve", "--data", (dir.path() / "data").string(), "--listen",
                                     "127.0.0.1:0", "--config", config.string()});
  EXPECT_NE(refused.exit_status, 0);
  EXPECT_NE(refused.err.find("trusted-proxies must be"), std::string::npos) << refused.err;
}

// Runs last in the suite (tests run in the order written), so that in one run of the binary it
// checks what every test above left behind. Run alone (ctest runs each test in its own process)
// it first publishes what a busy registry holds: every fixture, a yank, a lost race.
TEST_F(RegistryTest, ZzFsckIsCleanAfterAllOfTheAbove) {
  for (const auto& fact : facts()) {
    if (fact["kind"] != "wit-package") continue;
    publish(fact["package"], read_bytes(kFixtures / std::string(fact["file"])));
  }
  std::string component = read_bytes(kFixtures / "components/http-proxy.wasm");
  publish("toolsku:fsck-proxy@1.0.0", component);
  publish("toolsku:fsck-proxy@1.0.0", variant_of(component, "other bytes"));
  request(port(), "POST", "/api/v1/packages/toolsku/fsck-proxy/1.0.0/yank",
          {{"Authorization", "Bearer " + token_}});
  auto fsck = run_server_command({"fsck", "--data", data_dir()});
  EXPECT_EQ(fsck.exit_status, 0) << fsck.out << fsck.err;
}

TEST(ServerLifecycleTest, RestartKeepsEverythingAndStopsCleanly) {
  TempDir dir;
  auto data = (dir.path() / "data").string();
  ASSERT_EQ(run_server_command({"namespace", "create", "--data", data, "wasi"}).exit_status, 0);
  auto token = run_server_command({"token", "create", "--data", data, "--namespace", "wasi"});
  ASSERT_EQ(token.exit_status, 0);
  std::string secret = token.out.substr(0, token.out.find('\n'));
  std::string bytes = read_bytes(kFixtures / "packages/wasi-io@0.2.8.wasm");

  ServerProcess server(data);
  ASSERT_TRUE(server.start()) << server.log();
  auto created = request(server.port(), "PUT", "/api/v1/packages/wasi/io/0.2.8",
                         {{"Authorization", "Bearer " + secret}}, bytes);
  ASSERT_EQ(created.status, 201) << created.body;
  auto before = request(server.port(), "GET", "/api/v1/packages/wasi/io");
  EXPECT_EQ(server.stop(), 0) << server.log();
  EXPECT_NE(server.log().find("stopped"), std::string::npos);

  ASSERT_TRUE(server.start()) << server.log();
  auto after = request(server.port(), "GET", "/api/v1/packages/wasi/io");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, before.body);
  EXPECT_EQ(after.header("etag"), before.header("etag"));
  auto blob =
      request(server.port(), "GET", "/api/v1/blobs/" + std::string(json_of(created)["digest"]));
  EXPECT_EQ(blob.body, bytes);
  auto again = request(server.port(), "PUT", "/api/v1/packages/wasi/io/0.2.8",
                       {{"Authorization", "Bearer " + secret}}, bytes);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(server.stop(), 0);
}

TEST(ServerLifecycleTest, GracefulStopFinishesTheRequestInFlight) {
  TempDir dir;
  auto data = (dir.path() / "data").string();
  ASSERT_EQ(run_server_command({"namespace", "create", "--data", data, "wasi"}).exit_status, 0);
  auto token = run_server_command({"token", "create", "--data", data, "--namespace", "wasi"});
  std::string secret = token.out.substr(0, token.out.find('\n'));
  std::string bytes = read_bytes(kFixtures / "packages/wasi-io@0.2.8.wasm");
  ServerProcess server(data);
  ASSERT_TRUE(server.start()) << server.log();

  // Half a publish is in flight when the stop comes; the rest of it still gets its answer.
  auto connection = Connection::open(server.port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(
      connection->send("PUT /api/v1/packages/wasi/io/0.2.8 HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " +
                       secret + "\r\nContent-Length: " + std::to_string(bytes.size()) + "\r\n\r\n" +
                       bytes.substr(0, 100)));
  // An idle connection must not hold the stop up.
  auto idle = Connection::open(server.port());
  ASSERT_TRUE(idle);
  ASSERT_TRUE(idle->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(idle->read_response().status, 200);

  std::atomic<int> exit_status{-2};
  std::thread stopper([&] { exit_status = server.stop(); });
  EXPECT_TRUE(idle->closed_by_peer(std::chrono::seconds(10)));
  ASSERT_TRUE(connection->send(bytes.substr(100)));
  auto response = connection->read_response();
  stopper.join();
  EXPECT_EQ(response.status, 201) << response.body << response.error;
  EXPECT_EQ(response.header("connection"), "close");
  EXPECT_EQ(exit_status.load(), 0);
}

TEST(ServerLifecycleTest, ServesHttpsWithASelfSignedCertificate) {
  TempDir dir;
  auto cert = (dir.path() / "cert.pem").string();
  auto key = (dir.path() / "key.pem").string();
  auto made =
      run_command("/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                                       key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"});
  ASSERT_EQ(made.exit_status, 0) << made.err;
  auto data = (dir.path() / "data").string();
  ASSERT_EQ(run_server_command({"namespace", "create", "--data", data, "wasi"}).exit_status, 0);
  auto token = run_server_command({"token", "create", "--data", data, "--namespace", "wasi"});
  std::string secret = token.out.substr(0, token.out.find('\n'));

  ServerProcess server(data, {"--tls-cert", cert, "--tls-key", key});
  ASSERT_TRUE(server.start()) << server.log();
  auto connection = Connection::open(server.port(), /*tls=*/true);
  ASSERT_TRUE(connection);
  std::string version = connection->tls_version();
  EXPECT_TRUE(version == "TLSv1.2" || version == "TLSv1.3") << version;
  ASSERT_TRUE(connection->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(connection->read_response().status, 200);

  std::string bytes = read_bytes(kFixtures / "packages/wasi-random@0.2.8.wasm");
  auto created = request(server.port(), "PUT", "/api/v1/packages/wasi/random/0.2.8",
                         {{"Authorization", "Bearer " + secret}}, bytes, /*tls=*/true);
  EXPECT_EQ(created.status, 201) << created.body;
  auto blob = request(server.port(), "GET",
                      "/api/v1/blobs/" + std::string(json_of(created)["digest"]), {}, {}, true);
  EXPECT_EQ(blob.body, bytes);
  // TLS 1.1 and older are refused.
  EXPECT_FALSE(Connection::open(server.port(), true, std::chrono::seconds(5), TLS1_1_VERSION));
  EXPECT_TRUE(Connection::open(server.port(), true, std::chrono::seconds(5), TLS1_2_VERSION));
  // Plain HTTP to the HTTPS port gets no HTTP answer.
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 0);
  EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(ServerLifecycleTest, OneServerPerDataDirectoryAndStartUpClearsAbandonedUploads) {
  TempDir dir;
  auto data = dir.path() / "data";
  ASSERT_EQ(
      run_server_command({"namespace", "create", "--data", data.string(), "wasi"}).exit_status, 0);
  const auto temp = data / "blobs" / "tmp";
  std::ofstream(temp / "upload-killed") << "half an upload";
  std::ofstream(temp / "upload-killed-too") << "another";

  ServerProcess server(data);
  ASSERT_TRUE(server.start()) << server.log();
  EXPECT_FALSE(std::filesystem::exists(temp / "upload-killed"));
  EXPECT_FALSE(std::filesystem::exists(temp / "upload-killed-too"));
  EXPECT_NE(server.log().find("removed 2 abandoned uploads"), std::string::npos) << server.log();

  // A second server on the same data is refused (the first one's uploads and document cache
  // are its own); admin commands still work.
  std::ofstream(temp / "upload-live") << "the first server's upload in progress";
  auto second = run_server_command({"serve", "--data", data.string(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(second.exit_status, 1);
  EXPECT_EQ(second.err, "wreg-server: another wreg-server is serving " + data.string() +
                            "; stop it first, or give this one its own --data directory\n");
  EXPECT_TRUE(std::filesystem::exists(temp / "upload-live"));
  EXPECT_EQ(run_server_command({"fsck", "--data", data.string()}).exit_status, 0);
  EXPECT_EQ(server.stop(), 0);

  // The lock goes with the process, however it ends.
  ServerProcess killed(data);
  ASSERT_TRUE(killed.start()) << killed.log();
  killed.kill_hard();
  ServerProcess after_kill(data);
  EXPECT_TRUE(after_kill.start()) << after_kill.log();
  EXPECT_EQ(after_kill.stop(), 0);
}

TEST(ServerLifecycleTest, ConnectionsPastTheCapGet503) {
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--max-connections", "1"});
  ASSERT_TRUE(server.start()) << server.log();
  auto first = Connection::open(server.port());
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(first->read_response().status, 200);
  auto second = request(server.port(), "GET", "/healthz");
  EXPECT_EQ(second.status, 503);
  EXPECT_EQ(json_of(second)["error"]["code"], "unavailable");
  first.reset();
  // Once the first connection is gone there is room again (its close is asynchronous).
  int status = 0;
  for (int attempt = 0; attempt < 200 && status != 200; ++attempt) {
    status = request(server.port(), "GET", "/healthz").status;
  }
  EXPECT_EQ(status, 200);
  EXPECT_EQ(server.stop(), 0);
}

// --no-access-log drops the line per request, not what the server has to say about itself.
TEST(ServerLifecycleTest, NoAccessLogStillWritesTheServersOwnNotes) {
  TempDir dir;
  ServerProcess server(dir.path() / "data", {"--no-access-log"});
  ASSERT_TRUE(server.start()) << server.log();
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(server.stop(), 0);
  const std::string log = server.log();
  EXPECT_NE(log.find(" listening on http://127.0.0.1:" + std::to_string(server.port())),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(" stopped: every request answered"), std::string::npos) << log;
  EXPECT_EQ(log.find("/healthz"), std::string::npos) << log;
}

// The soft "Max open files" limit of process `pid`, from /proc (RLIM_INFINITY for unlimited).
rlim_t open_file_soft_limit(pid_t pid) {
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  const std::string label = "Max open files";
  for (std::string line; std::getline(limits, line);) {
    if (line.rfind(label, 0) != 0) continue;
    std::istringstream fields(line.substr(label.size()));
    std::string soft;
    fields >> soft;
    return soft == "unlimited" ? RLIM_INFINITY : static_cast<rlim_t>(std::stoull(soft));
  }
  return 0;
}

// Sets this process's soft open-file limit, which a server started meanwhile inherits, and puts
// the old one back.
class InheritedOpenFileLimit {
 public:
  explicit InheritedOpenFileLimit(rlim_t soft) {
    ::getrlimit(RLIMIT_NOFILE, &original_);
    rlimit lowered = original_;
    lowered.rlim_cur = soft;
    ::setrlimit(RLIMIT_NOFILE, &lowered);
  }
  ~InheritedOpenFileLimit() { ::setrlimit(RLIMIT_NOFILE, &original_); }

 private:
  rlimit original_{};
};

// Debian's default soft limit (1024 open files) would run out before the default cap of 1024
// connections: the server raises its own soft limit up to the hard one, and says so in one line
// when the hard limit is too low for the cap.
TEST(ServerLifecycleTest, RaisesItsOpenFileLimitToWhatItsConnectionsNeed) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  const rlim_t needed = 2 * 1024 + 128;  // the default --max-connections (server/api/serve.cpp)
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    GTEST_SKIP() << "the hard open-file limit " << limit.rlim_max << " is below " << needed;
  }
  TempDir dir;
  {
    ServerProcess server(dir.path() / "default-cap");
    {
      InheritedOpenFileLimit low(256);
      ASSERT_TRUE(server.start()) << server.log();
    }
    EXPECT_GE(open_file_soft_limit(server.pid()), needed);
    EXPECT_EQ(server.log().find("open-file limit"), std::string::npos) << server.log();
    EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
    EXPECT_EQ(server.stop(), 0);
  }
  // The most --max-connections takes (server/main.cpp) needs 2,000,128.
  const rlim_t cap = std::min<rlim_t>(limit.rlim_max, 1'000'000);
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= 2 * cap + 128) return;
  ServerProcess server(dir.path() / "cap-past-the-hard-limit",
                       {"--max-connections", std::to_string(cap)});
  ASSERT_TRUE(server.start()) << server.log();
  EXPECT_EQ(open_file_soft_limit(server.pid()), limit.rlim_max);
  EXPECT_NE(server.log().find("the open-file limit is " + std::to_string(limit.rlim_max) +
                              ", and " + std::to_string(cap) + " connections need about " +
                              std::to_string(2 * cap + 128) +
                              ": raise it (LimitNOFILE= in a systemd unit, ulimit -n in a shell) "
                              "or lower --max-connections"),
            std::string::npos)
      << server.log();
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(server.stop(), 0);
}

TEST(ServerLifecycleTest, PrivateReadsFromAConfigFileNeedAToken) {
  TempDir dir;
  auto data = (dir.path() / "data").string();
  ASSERT_EQ(run_server_command({"namespace", "create", "--data", data, "wasi"}).exit_status, 0);
  auto token = run_server_command({"token", "create", "--data", data, "--namespace", "wasi"});
  std::string secret = token.out.substr(0, token.out.find('\n'));
  auto config = dir.path() / "wreg-server.toml";
  std::ofstream(config) << "private = true\nmax-body-size = \"1MiB\"\nheader-timeout = \"5s\"\n";

  ServerProcess server(data, {"--config", config.string()});
  ASSERT_TRUE(server.start()) << server.log();
  EXPECT_EQ(request(server.port(), "GET", "/api/v1/packages/wasi/io").status, 401);
  EXPECT_EQ(request(server.port(), "GET", "/api/v1/packages").status, 401);
  EXPECT_EQ(request(server.port(), "GET", "/api/v1/packages/wasi/io",
                    {{"Authorization", "Bearer " + secret}})
                .status,
            404);
  EXPECT_EQ(request(server.port(), "GET", "/healthz").status, 200);
  // The config's body limit applies: 2 MiB is refused.
  auto big = request(
      server.port(), "PUT", "/api/v1/packages/wasi/io/0.2.8",
      {{"Authorization", "Bearer " + secret}, {"Content-Length", std::to_string(2 * 1024 * 1024)}});
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(server.stop(), 0);

  std::ofstream(config) << "listen-typo = 1\n";
  ServerProcess bad(data, {"--config", config.string()});
  EXPECT_FALSE(bad.start());
  EXPECT_NE(bad.log().find("unknown setting"), std::string::npos) << bad.log();

  // toml++ quotes the offending character raw; the message stays one line.
  std::ofstream(config) << "private = tru\nx = 1\n";
  auto broken = run_server_command({"serve", "--data", data, "--config", config.string()});
  EXPECT_EQ(broken.exit_status, 2);
  EXPECT_EQ(std::count(broken.err.begin(), broken.err.end(), '\n'), 1) << broken.err;
  EXPECT_NE(broken.err.find("saw 'tru\\x0a' at line 1"), std::string::npos) << broken.err;
}

TEST(ServerLifecycleTest, WitnessSettingsAreCheckedAndServed) {
  TempDir dir;
  auto data = (dir.path() / "data").string();
  auto first_line = [](const CommandResult& said) {
    return said.out.substr(0, said.out.find('\n'));
  };
  const std::string log_key = first_line(run_server_command({"log", "init", "--data", data}));
  const std::string witness_key =
      first_line(run_server_command({"log", "witness-key", "--data", data}));
  ASSERT_FALSE(log_key.empty());
  ASSERT_FALSE(witness_key.empty());
  EXPECT_EQ(first_line(run_server_command({"log", "witness-key", "--data", data})), witness_key)
      << "made once";

  // A server that witnesses nothing has no witness route.
  ServerProcess plain(data);
  ASSERT_TRUE(plain.start()) << plain.log();
  EXPECT_EQ(request(plain.port(), "POST", "/witness/add-checkpoint", {}, "old 0\n\n").status, 404);
  EXPECT_EQ(plain.stop(), 0);

  auto config = dir.path() / "wreg-server.toml";
  std::ofstream(config) << "witness-for = [\"" << log_key << "\"]\nwitness-timeout = \"2s\"\n";
  ServerProcess witness(data, {"--config", config.string()});
  ASSERT_TRUE(witness.start()) << witness.log();
  EXPECT_NE(witness.log().find("witnessing at /witness/add-checkpoint as " + witness_key +
                               " the logs " + log_key),
            std::string::npos)
      << witness.log();
  auto garbage = request(witness.port(), "POST", "/witness/add-checkpoint", {}, "old x\n\n");
  EXPECT_EQ(garbage.status, 400) << garbage.body;
  // Its own log's newest checkpoint, from size 0: it cosigns.
  auto checkpoint = request(witness.port(), "GET", "/log/checkpoint");
  ASSERT_EQ(checkpoint.status, 200);
  auto cosigned =
      request(witness.port(), "POST", "/witness/add-checkpoint", {}, "old 0\n\n" + checkpoint.body);
  EXPECT_EQ(cosigned.status, 200) << cosigned.body;
  EXPECT_EQ(cosigned.body.rfind("\xe2\x80\x94 ", 0), 0u) << cosigned.body;
  EXPECT_EQ(witness.stop(), 0);

  struct Case {
    std::vector<std::string> flags;
    std::string message;
  };
  const Case cases[] = {
      {{"--witness-for", witness_key}, "not a log's key (type 0x01)"},
      {{"--witness-for", "nonsense"}, "witness-for \"nonsense\": "},
      {{"--witness", "http://127.0.0.1:9/witness=" + log_key},
       "the key is not a witness's cosigning key (type 0x04)"},
      {{"--witness", "http://127.0.0.1:9/witness"}, "it has no '='"},
      {{"--witness", "ftp://127.0.0.1/witness=" + witness_key},
       "the URL is not http:// or https://"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args{"serve", "--data", data};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    auto refused = run_server_command(args);
    EXPECT_EQ(refused.exit_status, 2) << c.flags[1];
    EXPECT_NE(refused.err.find(c.message), std::string::npos) << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  }
}

}  // namespace
}  // namespace wreg::testing
