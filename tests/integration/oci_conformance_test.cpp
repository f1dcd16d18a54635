// Differential conformance: the same raw OCI request sequences go to wreg-server and to Debian's
// docker-registry (distribution 2.8, the reference implementation), each on 127.0.0.1 with a temp
// directory, and their answers are compared: the status, the headers the distribution spec
// requires of that answer, and the error code. Where wreg differs on purpose, the row says why
// (README, "Using wreg with wkg and OCI tools", lists the same), and the test checks both that
// wreg answers as documented and that docker-registry still answers otherwise, so the list stays
// true. Skipped when docker-registry is not installed, except under CI (CI set).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/oci_wire.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {
namespace {

using Json = nlohmann::json;

constexpr const char* kConfigType = "application/vnd.wasm.config.v0+json";

// One request of a sequence. `target` may start with "{location}": the Location the registry
// gave the sequence's last upload, with `query` added after it.
struct Step {
  std::string method;
  std::string target;
  std::string query;
  Headers headers;
  std::string body;
  // Headers the spec requires of the answer: each must be there in both answers; those in
  // `same_value` must also be equal.
  std::vector<std::string> required;
  std::vector<std::string> same_value;
};

struct Sequence {
  std::string name;
  std::vector<Step> steps;
};

struct Answer {
  HttpResponse response;
  std::string code;  // the first OCI error code, "" when none
};

// A registry the sequences run against, and where its last upload went.
struct Registry {
  std::string name;
  std::uint16_t port = 0;
  std::string location;

  Answer send(const Step& step) {
    std::string target = step.target;
    if (target.starts_with("{location}")) {
      target = location + target.substr(std::string("{location}").size());
      if (!step.query.empty()) {
        target += (target.find('?') == std::string::npos ? "?" : "&") + step.query;
      }
    } else if (!step.query.empty()) {
      target += "?" + step.query;
    }
    Answer answer{request(port, step.method, target, step.headers, step.body), ""};
    answer.code = oci_code(answer.response);
    std::string given = answer.response.header("location");
    if (!given.empty() && given.find("/blobs/uploads/") != std::string::npos) {
      // docker-registry's Location is absolute; the path and query are what the client follows.
      if (const auto scheme = given.find("://"); scheme != std::string::npos) {
        given = given.substr(given.find('/', scheme + 3));
      }
      location = given;
    }
    return answer;
  }
};

std::string describe(const Registry& registry, const Answer& answer) {
  std::string text = registry.name + " " + std::to_string(answer.response.status);
  if (!answer.code.empty()) text += " " + answer.code;
  return text + " " + answer.response.body.substr(0, 200);
}

class OciConformanceTest : public OciServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(find_peer("docker-registry", registry_binary_));
    if (IsSkipped()) return;
    ASSERT_NO_FATAL_FAILURE(create_namespaces({"toolsku"}));
    token_ = create_token(data(), {"--namespace", "toolsku"});
    ASSERT_FALSE(token_.empty());
    ASSERT_NO_FATAL_FAILURE(start());
    ASSERT_NO_FATAL_FAILURE(start_reference());
    wit_ = file_bytes(kFixtures / "packages/toolsku-analytics@0.1.0.wasm");
    ASSERT_FALSE(wit_.empty());
    config_ = Json{{"created", "2026-01-02T03:04:05Z"},
                   {"architecture", "wasm"},
                   {"os", "wasip2"},
                   {"layerDigests", Json::array({sha256(wit_)})}}
                  .dump();
  }

  // docker-registry on a free port with its storage in the test's temp dir, no auth (it ignores
  // the credentials sent to both), and deletes off, as it ships.
  void start_reference() {
    const std::uint16_t port = free_port();
    ASSERT_NE(port, 0);
    const std::filesystem::path root = dir_.path() / "reference";
    std::filesystem::create_directories(root / "storage");
    std::ofstream(root / "config.yml")
        << "version: 0.1\n"
           "log:\n  level: error\n"
           "storage:\n  filesystem:\n    rootdirectory: "
        << (root / "storage").string() << "\nhttp:\n  addr: 127.0.0.1:" << port << "\n";
    reference_ = std::make_unique<PeerProcess>(
        registry_binary_, std::vector<std::string>{"serve", (root / "config.yml").string()});
    ASSERT_TRUE(reference_->start());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (request(port, "GET", "/v2/").status != 200) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "docker-registry did not answer: " << reference_->log();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    reference_port_ = port;
  }

  Headers auth() const { return {{"Authorization", "Bearer " + token_}}; }
  Headers auth_and(const std::string& name, const std::string& value) const {
    Headers headers = auth();
    headers.emplace_back(name, value);
    return headers;
  }
  std::string manifest(const std::string& layer_digest, std::size_t layer_size) const {
    return Json{
        {"schemaVersion", 2},
        {"mediaType", kManifestType},
        {"config",
         {{"mediaType", kConfigType}, {"digest", sha256(config_)}, {"size", config_.size()}}},
        {"layers", Json::array({{{"mediaType", "application/wasm"},
                                 {"digest", layer_digest},
                                 {"size", layer_size}}})}}
        .dump();
  }
  // The upload every client can make: POST, then PUT the whole blob to the session.
  std::vector<Step> upload_whole(const std::string& repository, const std::string& bytes) const {
    return {{"POST", "/v2/" + repository + "/blobs/uploads/", "", auth(), "", {"location"}, {}},
            {"PUT",
             "{location}",
             "digest=" + sha256(bytes),
             auth_and("Content-Type", "application/octet-stream"),
             bytes,
             {"location", "docker-content-digest"},
             {"docker-content-digest"}}};
  }

  std::string registry_binary_;
  std::string token_;
  std::string wit_;
  std::string config_;
  std::unique_ptr<PeerProcess> reference_;
  std::uint16_t reference_port_ = 0;
};

TEST_F(OciConformanceTest, WregAnswersTheSpecsSequencesAsTheReferenceRegistryDoes) {
  const std::string repo = "/v2/toolsku/analytics";
  const std::string missing = "sha256:" + std::string(64, '0');
  const std::string chunked = std::string(300, 'c') + "a blob sent in chunks";
  const std::vector<std::string> session_headers = {"location", "range", "docker-upload-uuid"};
  const std::string the_manifest = manifest(sha256(wit_), wit_.size());
  const std::vector<std::string> blob_headers = {"content-length", "docker-content-digest"};

  std::vector<Step> read_back = upload_whole("toolsku/analytics", wit_);
  read_back.push_back(
      {"HEAD", repo + "/blobs/" + sha256(wit_), "", auth(), "", blob_headers, blob_headers});
  read_back.push_back(
      {"GET", repo + "/blobs/" + sha256(wit_), "", auth(), "", blob_headers, blob_headers});

  const std::vector<Sequence> sequences = {
      {"the API version check", {{"GET", "/v2/", "", auth(), "", {}, {}}}},
      {"pulls of what is not there",
       {{"GET", repo + "/manifests/0.9.9", "", auth(), "", {}, {}},
        {"GET", repo + "/blobs/" + missing, "", auth(), "", {}, {}},
        {"HEAD", repo + "/blobs/" + missing, "", auth(), "", {}, {}}}},
      {"an upload, then its blob read back", read_back},
      {"another upload: the config the manifest below names",
       upload_whole("toolsku/analytics", config_)},
      {"a chunked upload",
       {{"POST", repo + "/blobs/uploads/", "", auth(), "", {"location"}, {}},
        {"PATCH",
         "{location}",
         "",
         auth_and("Content-Range", "0-99"),
         chunked.substr(0, 100),
         session_headers,
         {"range"}},
        {"GET", "{location}", "", auth(), "", {"range", "docker-upload-uuid"}, {"range"}},
        {"PATCH",
         "{location}",
         "",
         auth_and("Content-Range", "100-" + std::to_string(chunked.size() - 1)),
         chunked.substr(100),
         session_headers,
         {"range"}},
        {"PUT",
         "{location}",
         "digest=" + sha256(chunked),
         auth(),
         "",
         {"location", "docker-content-digest"},
         {"docker-content-digest"}}}},
      {"a chunk streamed without Content-Range, then the last chunk with the PUT",
       {{"POST", repo + "/blobs/uploads/", "", auth(), "", {"location"}, {}},
        {"PATCH",
         "{location}",
         "",
         auth_and("Content-Type", "application/octet-stream"),
         chunked.substr(0, 200),
         session_headers,
         {"range"}},
        {"PUT",
         "{location}",
         "digest=" + sha256(chunked),
         auth(),
         chunked.substr(200),
         {"docker-content-digest"},
         {"docker-content-digest"}}}},
      {"a cancelled upload",
       {{"POST", repo + "/blobs/uploads/", "", auth(), "", {"location"}, {}},
        {"DELETE", "{location}", "", auth(), "", {}, {}},
        {"GET", "{location}", "", auth(), "", {}, {}}}},
      {"an upload whose bytes are not its digest",
       {{"POST", repo + "/blobs/uploads/", "", auth(), "", {"location"}, {}},
        {"PUT", "{location}", "digest=" + sha256("other bytes"), auth(), "these bytes", {}, {}},
        {"GET", repo + "/blobs/" + sha256("these bytes"), "", auth(), "", {}, {}}}},
      {"a mount from another repository",
       {{"POST",
         "/v2/toolsku/copy/blobs/uploads/",
         "mount=" + sha256(chunked) + "&from=toolsku/analytics",
         auth(),
         "",
         {"location", "docker-content-digest"},
         {"docker-content-digest"}}}},
      {"a manifest pushed by tag and pulled by tag and by digest",
       {{"PUT",
         repo + "/manifests/0.1.0",
         "",
         auth_and("Content-Type", kManifestType),
         the_manifest,
         {"location", "docker-content-digest"},
         {"docker-content-digest"}},
        {"GET",
         repo + "/manifests/0.1.0",
         "",
         auth_and("Accept", kManifestType),
         "",
         {"content-type", "docker-content-digest"},
         {"content-type", "docker-content-digest"}},
        {"HEAD",
         repo + "/manifests/" + sha256(the_manifest),
         "",
         auth_and("Accept", kManifestType),
         "",
         {"content-type", "docker-content-digest", "content-length"},
         {"content-type", "docker-content-digest", "content-length"}},
        {"GET", repo + "/tags/list", "", auth(), "", {"content-type"}, {}},
        {"PUT",
         repo + "/manifests/0.1.0",
         "",
         auth_and("Content-Type", kManifestType),
         the_manifest,
         {"docker-content-digest"},
         {"docker-content-digest"}}}},
      {"content discovery",
       {{"GET", repo + "/tags/list", "n=1", auth(), "", {"content-type"}, {}},
        {"GET", "/v2/toolsku/nothing/tags/list", "", auth(), "", {}, {}},
        {"GET", "/v2/_catalog", "", auth(), "", {"content-type"}, {}}}},
      {"content management, which neither registry allows here",
       {{"DELETE", repo + "/manifests/0.1.0", "", auth(), "", {}, {}},
        {"DELETE", repo + "/manifests/" + sha256(the_manifest), "", auth(), "", {}, {}},
        {"DELETE", repo + "/blobs/" + sha256(wit_), "", auth(), "", {}, {}}}},
      {"a manifest naming a blob that was never uploaded",
       {{"PUT",
         repo + "/manifests/0.2.0",
         "",
         auth_and("Content-Type", kManifestType),
         manifest(missing, 10),
         {},
         {}}}},
  };

  // The sequences run in order on the same two registries; each is written so that what the
  // earlier ones stored answers the same on both.
  for (const Sequence& sequence : sequences) {
    SCOPED_TRACE(sequence.name);
    Registry wreg{"wreg", port(), ""};
    Registry reference{"docker-registry", reference_port_, ""};
    for (std::size_t i = 0; i < sequence.steps.size(); ++i) {
      const Step& step = sequence.steps[i];
      SCOPED_TRACE("step " + std::to_string(i + 1) + ": " + step.method + " " + step.target);
      const Answer ours = wreg.send(step);
      const Answer theirs = reference.send(step);
      const std::string both = describe(wreg, ours) + "\n" + describe(reference, theirs);
      EXPECT_EQ(ours.response.status, theirs.response.status) << both;
      EXPECT_EQ(ours.code, theirs.code) << both;
      for (const std::string& name : step.required) {
        EXPECT_NE(ours.response.header(name), "") << name << " missing\n" << both;
        EXPECT_NE(theirs.response.header(name), "") << name << " missing\n" << both;
      }
      for (const std::string& name : step.same_value) {
        EXPECT_EQ(ours.response.header(name), theirs.response.header(name)) << name << "\n" << both;
      }
    }
  }
}

// Where wreg answers otherwise on purpose. Each row: the request (after `before`, sent to both),
// wreg's answer, and why.
TEST_F(OciConformanceTest, WhereWregDiffersItIsOnPurposeAndSaysWhy) {
  const std::string repo = "/v2/toolsku/analytics";
  Registry wreg_setup{"wreg", port(), ""};
  Registry reference_setup{"docker-registry", reference_port_, ""};
  for (const std::string& blob : {wit_, config_}) {
    for (const Step& step : upload_whole("toolsku/analytics", blob)) {
      ASSERT_LT(wreg_setup.send(step).response.status, 300);
      ASSERT_LT(reference_setup.send(step).response.status, 300);
    }
  }
  struct Difference {
    Step step;
    int status;
    std::string code;
    std::string why;
    std::vector<Step> before{};
  };
  const std::string chunk(200, 'x');
  const Headers admin = {{"Authorization", "Bearer " + create_token(data(), {"--admin"})}};
  const std::vector<Difference> differences = {
      {{"POST", repo + "/blobs/uploads/", "digest=" + sha256(chunk), auth(), chunk, {}, {}},
       201,
       "",
       "a blob in one request (POST with ?digest=), which distribution-spec v1.1 describes and "
       "distribution 2.8 answers with a session instead"},
      {{"PATCH",
        "{location}",
        "",
        auth_and("Content-Range", "50-149"),
        chunk.substr(50, 100),
        {},
        {}},
       416,
       "BLOB_UPLOAD_INVALID",
       "a chunk that overlaps what the session holds is refused, as the spec says; distribution "
       "2.8 ignores Content-Range and appends it, to fail only at the digest check",
       {{"POST", repo + "/blobs/uploads/", "", auth(), "", {}, {}},
        {"PATCH",
         "{location}",
         "",
         auth_and("Content-Range", "0-99"),
         chunk.substr(0, 100),
         {},
         {}}}},
      {{"PUT",
        repo + "/manifests/latest",
        "",
        auth_and("Content-Type", kManifestType),
        manifest(sha256(wit_), wit_.size()),
        {},
        {}},
       400,
       "MANIFEST_INVALID",
       "a tag is a release's version, and versions are immutable: a moving tag has no meaning"},
      {{"POST", "/v2/nowhere/analytics/blobs/uploads/", "", admin, "", {}, {}},
       404,
       "NAME_UNKNOWN",
       "a repository lives in a namespace an operator created; pushes never create one"},
      {{"GET", repo + "/referrers/" + sha256(wit_), "", auth(), "", {}, {}},
       200,
       "",
       "the referrers API of distribution-spec v1.1, which distribution 2.8 predates"},
  };
  for (const Difference& difference : differences) {
    SCOPED_TRACE(difference.why);
    Registry wreg{"wreg", port(), ""};
    Registry reference{"docker-registry", reference_port_, ""};
    for (const Step& step : difference.before) {
      ASSERT_LT(wreg.send(step).response.status, 300);
      ASSERT_LT(reference.send(step).response.status, 300);
    }
    const Answer ours = wreg.send(difference.step);
    const Answer theirs = reference.send(difference.step);
    const std::string both = describe(wreg, ours) + "\n" + describe(reference, theirs);
    EXPECT_EQ(ours.response.status, difference.status) << both;
    EXPECT_EQ(ours.code, difference.code) << both;
    EXPECT_TRUE(theirs.response.status != ours.response.status || theirs.code != ours.code)
        << "docker-registry now answers as wreg does: drop the row\n"
        << both;
  }
}

}  // namespace
}  // namespace wreg::testing
