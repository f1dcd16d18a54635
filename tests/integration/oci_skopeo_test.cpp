// An independent OCI client against wreg-server: Debian's skopeo (deploy/install-deps.sh --test)
// lists the tags of, inspects and copies out a release published natively, from the real server
// on 127.0.0.1 port 0 with a temp data dir. The test is skipped when skopeo is not
// installed, except under CI (CI set), where that is a failure.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
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

std::string skopeo_binary() {
  for (const char* path : {"/usr/bin/skopeo", "/usr/local/bin/skopeo"}) {
    if (std::filesystem::exists(path)) return path;
  }
  return "";
}

class OciSkopeoTest : public OciServerTest {
 protected:
  void SetUp() override {
    skopeo_ = skopeo_binary();
    if (skopeo_.empty()) {
      // The README's test command installs skopeo, so CI must never pass without running this.
      if (std::getenv("CI") != nullptr)
        FAIL() << "skopeo is missing; run deploy/install-deps.sh --test";
      GTEST_SKIP() << "skopeo is not installed (deploy/install-deps.sh --test)";
    }
    ASSERT_NO_FATAL_FAILURE(create_namespaces({"toolsku"}));
    token_ = create_token(data(), {"--namespace", "toolsku"});
    ASSERT_FALSE(token_.empty());
    ASSERT_NO_FATAL_FAILURE(start());
    wit_ = file_bytes(kFixtures / "packages/toolsku-analytics@0.1.0.wasm");
    ASSERT_FALSE(wit_.empty());
    ASSERT_EQ(publish_natively(token_, "toolsku/analytics/0.1.0", wit_).status, 201);
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

  std::string skopeo_;
  std::string token_;
  std::string wit_;
};

TEST_F(OciSkopeoTest, ListsTagsInspectsAndCopiesOutANativeRelease) {
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

}  // namespace
}  // namespace wreg::testing
