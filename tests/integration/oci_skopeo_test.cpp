// An independent OCI client against wreg-server: Debian's skopeo (deploy/install-deps.sh --test)
// lists the tags of, inspects and copies out a release published natively, from the real server
// on 127.0.0.1 port 0 with a temp data dir. The test is skipped when skopeo is not
// installed, except under CI (CI set), where that is a failure.
#include <gtest/gtest.h>

#include <cstdlib>
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

class OciSkopeoTest : public OciServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(find_peer("skopeo", skopeo_));
    if (IsSkipped()) return;
    ASSERT_NO_FATAL_FAILURE(create_namespaces({"toolsku"}));
    token_ = create_token(data(), {"--namespace", "toolsku"});
    ASSERT_FALSE(token_.empty());
    ASSERT_NO_FATAL_FAILURE(start());
    wit_ = file_bytes(kFixtures / "packages/toolsku-analytics@0.1.0.wasm");
    ASSERT_FALSE(wit_.empty());
  }

  std::string reference(const std::string& tail) const {
    return "docker://127.0.0.1:" + std::to_string(server_->port()) + "/toolsku/analytics" + tail;
  }
  // skopeo with its own HOME, so that no user's auth file or registries.conf is read.
  CommandResult skopeo(std::vector<std::string> args) {
    RunOptions options;
    options.env = std::map<std::string, std::string>{{"HOME", dir_.path().string()}};
    args.insert(args.begin(), "--insecure-policy");
    return run_command(skopeo_, args, options);
  }

  // An OCI image layout (image-spec "image-layout.md") under `layout` holding `layer` as a Wasm
  // artifact tagged `tag`, as wkg or oras would leave one. Returns the manifest.
  std::string write_layout(const std::filesystem::path& layout, const std::string& layer,
                           const std::string& tag) {
    std::filesystem::create_directories(layout / "blobs/sha256");
    auto put = [&](const std::string& bytes) {
      const std::string digest = sha256(bytes);
      std::ofstream(layout / "blobs/sha256" / digest.substr(7), std::ios::binary) << bytes;
      return digest;
    };
    const std::string config = Json{{"created", "2026-01-02T03:04:05Z"},
                                    {"architecture", "wasm"},
                                    {"os", "wasip2"},
                                    {"layerDigests", Json::array({sha256(layer)})}}
                                   .dump();
    const std::string manifest = Json{{"schemaVersion", 2},
                                      {"mediaType", kManifestType},
                                      {"config",
                                       {{"mediaType", "application/vnd.wasm.config.v0+json"},
                                        {"digest", put(config)},
                                        {"size", config.size()}}},
                                      {"layers", Json::array({{{"mediaType", "application/wasm"},
                                                               {"digest", put(layer)},
                                                               {"size", layer.size()}}})}}
                                     .dump();
    std::ofstream(layout / "oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
    std::ofstream(layout / "index.json")
        << Json{{"schemaVersion", 2},
                {"manifests",
                 Json::array({{{"mediaType", kManifestType},
                               {"digest", put(manifest)},
                               {"size", manifest.size()},
                               {"annotations", {{"org.opencontainers.image.ref.name", tag}}}}})}}
               .dump();
    return manifest;
  }

  std::string skopeo_;
  std::string token_;
  std::string wit_;
};

TEST_F(OciSkopeoTest, ListsTagsInspectsAndCopiesOutANativeRelease) {
  ASSERT_EQ(publish_natively(token_, "toolsku/analytics/0.1.0", wit_).status, 201);
  CommandResult tags = skopeo({"list-tags", "--tls-verify=false", reference("")});
  ASSERT_EQ(tags.exit_status, 0) << tags.err;
  EXPECT_EQ(Json::parse(tags.out, nullptr, false)["Tags"], Json::array({"0.1.0"})) << tags.out;

  CommandResult raw = skopeo({"inspect", "--raw", "--tls-verify=false", reference(":0.1.0")});
  ASSERT_EQ(raw.exit_status, 0) << raw.err;
  const HttpResponse served =
      request(server_->port(), "GET", "/v2/toolsku/analytics/manifests/0.1.0");
  EXPECT_EQ(raw.out, served.body);

  const std::filesystem::path layout = dir_.path() / "layout";
  CommandResult copied = skopeo(
      {"copy", "--src-tls-verify=false", reference(":0.1.0"), "oci:" + layout.string() + ":0.1.0"});
  ASSERT_EQ(copied.exit_status, 0) << copied.err;
  const std::string layer = sha256(wit_);
  EXPECT_EQ(file_bytes(layout / "blobs/sha256" / layer.substr(7)), wit_)
      << "the layer copied out is the published bytes";
  EXPECT_EQ(file_bytes(layout / "blobs/sha256" / sha256(served.body).substr(7)), served.body)
      << "the manifest copied out is the one served";

  // Pushed back with credentials through the token endpoint: the same tag and bytes is a no-op
  // success, another tag is refused with the reader's reason. (Its blobs are stored already, so
  // skopeo sends no chunked upload.)
  const std::string creds = "anyone:" + token_;
  CommandResult again = skopeo({"copy", "--dest-tls-verify=false", "--dest-creds", creds,
                                "oci:" + layout.string() + ":0.1.0", reference(":0.1.0")});
  EXPECT_EQ(again.exit_status, 0) << again.err;
  EXPECT_EQ(request(server_->port(), "GET", "/v2/toolsku/analytics/manifests/0.1.0").body,
            served.body);
  CommandResult refused = skopeo({"copy", "--dest-tls-verify=false", "--dest-creds", creds,
                                  "oci:" + layout.string() + ":0.1.0", reference(":0.2.0")});
  EXPECT_NE(refused.exit_status, 0);
  EXPECT_NE(refused.err.find("0.1.0"), std::string::npos) << refused.err;
  EXPECT_EQ(server_->log().find(token_), std::string::npos) << "no token in the log";
}

// skopeo pushes a blob as POST, one PATCH with the whole body, then PUT: a chunked session.
TEST_F(OciSkopeoTest, CopiesInAWasmArtifactThatIsThenAReleaseAndCopiesItBackOut) {
  const std::filesystem::path layout = dir_.path() / "in";
  const std::string manifest = write_layout(layout, wit_, "0.1.0");
  const std::string creds = "anyone:" + token_;
  CommandResult pushed = skopeo({"copy", "--dest-tls-verify=false", "--dest-creds", creds,
                                 "oci:" + layout.string() + ":0.1.0", reference(":0.1.0")});
  ASSERT_EQ(pushed.exit_status, 0) << pushed.err << server_->log();
  EXPECT_NE(server_->log().find("PATCH /v2/toolsku/analytics/blobs/uploads/"), std::string::npos)
      << "skopeo sent its blobs in chunked sessions";

  CommandResult raw = skopeo({"inspect", "--raw", "--tls-verify=false", reference(":0.1.0")});
  ASSERT_EQ(raw.exit_status, 0) << raw.err;
  EXPECT_EQ(raw.out, manifest) << "the pushed manifest is kept byte for byte";
  HttpResponse release =
      request(server_->port(), "GET", "/api/v1/packages/toolsku/analytics/0.1.0");
  EXPECT_EQ(release.status, 200);
  EXPECT_EQ(json_of(release)["digest"], sha256(wit_)) << "the artifact is a native release";

  const std::filesystem::path out = dir_.path() / "out";
  CommandResult copied = skopeo(
      {"copy", "--src-tls-verify=false", reference(":0.1.0"), "oci:" + out.string() + ":0.1.0"});
  ASSERT_EQ(copied.exit_status, 0) << copied.err;
  EXPECT_EQ(file_bytes(out / "blobs/sha256" / sha256(wit_).substr(7)), wit_);

  // A core module is not a component or WIT package: refused, with the reader's reason.
  const std::filesystem::path core_layout = dir_.path() / "core";
  write_layout(core_layout, file_bytes(kFixtures / "core/plain.core.wasm"), "0.2.0");
  CommandResult refused = skopeo({"copy", "--dest-tls-verify=false", "--dest-creds", creds,
                                  "oci:" + core_layout.string() + ":0.2.0", reference(":0.2.0")});
  EXPECT_NE(refused.exit_status, 0);
  EXPECT_NE(refused.err.find("core"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace wreg::testing
