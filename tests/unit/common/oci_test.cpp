#include <gtest/gtest.h>

#include <string>

#include "common/oci/artifact.h"
#include "common/oci/manifest.h"

namespace wreg::oci {
namespace {

const std::string kLayer = "sha256:" + std::string(64, 'a');
const std::string kConfig = "sha256:" + std::string(64, 'b');

std::string wasm_manifest(const std::string& config_type = std::string(kWasmConfigType),
                          const std::string& layers = "") {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
         R"("config":{"mediaType":")" +
         config_type + R"(","digest":")" + kConfig + R"(","size":300},"layers":[)" +
         (layers.empty()
              ? R"({"mediaType":"application/wasm","digest":")" + kLayer + R"(","size":1000})"
              : layers) +
         "]}";
}

TEST(OciManifestTest, ReadsAWasmArtifactAndWritesItBack) {
  auto manifest = read_manifest(wasm_manifest());
  ASSERT_TRUE(manifest) << manifest.error().message;
  EXPECT_EQ(manifest->config.media_type, kWasmConfigType);
  ASSERT_EQ(manifest->layers.size(), 1u);
  EXPECT_EQ(manifest->layers[0].digest_text, kLayer);
  EXPECT_EQ(manifest->layers[0].size, 1000u);
  EXPECT_EQ(write_manifest(*manifest), wasm_manifest());
  auto artifact = wasm_artifact_of(*manifest, kImageManifestType);
  ASSERT_TRUE(artifact) << artifact.error().message;
  EXPECT_EQ(artifact->layer.to_string(), kLayer);
  EXPECT_EQ(artifact->config_size, 300u);
}

TEST(OciManifestTest, RefusesWhatIsNotAManifest) {
  const struct {
    std::string bytes;
    std::string message;
  } cases[] = {
      {"", "invalid manifest: not valid JSON"},
      {"[]", "invalid manifest: not a JSON object"},
      {R"({"schemaVersion":1})", "invalid manifest: \"schemaVersion\" must be 2"},
      {R"({"schemaVersion":2,"layers":[]})", "invalid manifest: it has no \"config\" descriptor"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:..","size":1},"layers":[]})",
       "invalid manifest: the config: digest \"sha256:..\" is not of the form algorithm:encoded"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + kConfig +
           R"(","size":-1},"layers":[]})",
       "invalid manifest: the config: \"size\" must be a whole number"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + kConfig +
           R"(","size":1},"layers":{}})",
       "invalid manifest: \"layers\" must be an array of descriptors"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + kConfig +
           R"(","size":1},"layers":[7]})",
       "invalid manifest: layer 0: must be an object"},
  };
  for (const auto& c : cases) {
    auto manifest = read_manifest(c.bytes);
    ASSERT_FALSE(manifest) << c.bytes;
    EXPECT_EQ(manifest.error().message, c.message) << c.bytes;
  }
}

TEST(OciManifestTest, RefusesWhatIsNotAWasmArtifact) {
  const std::string two_layers = R"({"mediaType":"application/wasm","digest":")" + kLayer +
                                 R"(","size":1},{"mediaType":"application/wasm","digest":")" +
                                 kLayer + R"(","size":1})";
  const std::string tar_layer =
      R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" + kLayer +
      R"(","size":1})";
  const std::string sha512_layer =
      R"({"mediaType":"application/wasm","digest":"sha512:abcd","size":1})";
  const struct {
    std::string bytes;
    std::string content_type;
    std::string says;
  } cases[] = {
      {wasm_manifest("application/vnd.oci.image.config.v1+json"), "",
       "the config's media type is \"application/vnd.oci.image.config.v1+json\", not a Wasm "
       "config"},
      {wasm_manifest(std::string(kWasmConfigType), two_layers), "",
       "the manifest has 2 layers, not exactly one"},
      {wasm_manifest(std::string(kWasmConfigType), tar_layer), "",
       "the layer's media type is \"application/vnd.oci.image.layer.v1.tar\", not "
       "application/wasm"},
      {wasm_manifest(std::string(kWasmConfigType), sha512_layer), "",
       "the manifest names the blob \"sha512:abcd\", but wreg stores sha256 digests only"},
      {wasm_manifest(), std::string(kImageIndexType),
       "the manifest says it is \"application/vnd.oci.image.manifest.v1+json\" but was sent as"},
  };
  for (const auto& c : cases) {
    auto manifest = read_manifest(c.bytes);
    ASSERT_TRUE(manifest) << manifest.error().message;
    auto artifact = wasm_artifact_of(*manifest, c.content_type);
    ASSERT_FALSE(artifact) << c.bytes;
    EXPECT_NE(artifact.error().message.find(c.says), std::string::npos) << artifact.error().message;
  }
}

TEST(OciDigestTest, TakesSha256AndNamesWhatIsWrongWithTheRest) {
  EXPECT_TRUE(parse_digest(kLayer));
  EXPECT_TRUE(looks_like_digest("sha512:AbC-_="));
  EXPECT_TRUE(looks_like_digest("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"));
  for (const char* bad :
       {"", "sha256", "sha256:", ":abc", "SHA256:abc", "sha256:ab/c", "a..b:c", "sha256-:abc"}) {
    EXPECT_FALSE(looks_like_digest(bad)) << bad;
    EXPECT_NE(parse_digest(bad).error().message.find("is not of the form algorithm:encoded"),
              std::string::npos);
  }
  EXPECT_NE(parse_digest("sha512:abc").error().message.find("an algorithm wreg does not store"),
            std::string::npos);
  EXPECT_FALSE(parse_digest("sha256:" + std::string(64, 'A')));
}

TEST(OciTagTest, FollowsTheDistributionSpecGrammar) {
  for (std::string good : {std::string("0.1.0"), std::string("1.0.0-rc.1"), std::string("latest"),
                           std::string("_x"), std::string(128, 'a')}) {
    EXPECT_TRUE(is_valid_tag(good)) << good;
  }
  for (std::string bad : {std::string(), std::string(".x"), std::string("-x"),
                          std::string("1.0.0+build"), std::string(129, 'a'), std::string("a/b")}) {
    EXPECT_FALSE(is_valid_tag(bad)) << bad;
  }
}

TEST(OciConfigTest, ReadsWhatRustOciWasmWrites) {
  const std::string bytes =
      R"({"created":"2026-01-02T03:04:05Z","author":null,"architecture":"wasm","os":"wasip2",)"
      R"("layerDigests":[")" +
      kLayer +
      R"("],"component":{"exports":["wasi:http/incoming-handler@0.2.0"],"imports":[],"target":null}})";
  auto config = read_wasm_config(bytes);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->layer_digests, std::vector<std::string>{kLayer});
  ASSERT_TRUE(config->component);
  EXPECT_EQ(config->component->exports.size(), 1u);
  EXPECT_EQ(write_wasm_config(*config), bytes);
  EXPECT_EQ(
      read_wasm_config(R"({"created":"x","architecture":"wasm","os":"wasip2"})").error().message,
      "invalid Wasm config: \"layerDigests\" must be an array of strings");
}

TEST(OciSynthesisTest, IsDeterministicAndDescribesTheRelease) {
  ReleaseFacts facts{*PackageVersion::parse("toolsku:analytics@0.1.0"),
                     *Digest::parse(kLayer),
                     1000,
                     "2026-01-02T03:04:05Z",
                     {}};
  facts.details.binary_kind = wasm::BinaryKind::kComponent;
  facts.details.exports.push_back(
      {"wasi:http/incoming-handler@0.2.0", wasm::ExternKind::kInstance, ""});
  facts.details.metadata.description = "Analytics";
  const SynthesisedArtifact first = synthesise_artifact(facts);
  const SynthesisedArtifact second = synthesise_artifact(facts);
  EXPECT_EQ(first.manifest, second.manifest);
  EXPECT_EQ(first.manifest_digest, Digest::of(first.manifest));
  EXPECT_EQ(
      first.config,
      R"({"created":"2026-01-02T03:04:05Z","author":null,"architecture":"wasm","os":"wasip2",)"
      R"("layerDigests":[")" +
          kLayer +
          R"("],"component":{"exports":["wasi:http/incoming-handler@0.2.0"],"imports":[],)"
          R"("target":null}})");
  auto manifest = read_manifest(first.manifest);
  ASSERT_TRUE(manifest) << manifest.error().message;
  auto artifact = wasm_artifact_of(*manifest, "");
  ASSERT_TRUE(artifact) << artifact.error().message;
  EXPECT_EQ(artifact->config, first.config_digest);
  EXPECT_EQ(artifact->config_size, first.config.size());
  EXPECT_EQ(manifest->annotations.at("org.opencontainers.image.version"), "0.1.0");
  EXPECT_EQ(manifest->annotations.at("org.opencontainers.image.title"), "toolsku:analytics");
  EXPECT_EQ(manifest->annotations.at("org.opencontainers.image.description"), "Analytics");
  facts.published = "2026-01-02T03:04:06Z";
  EXPECT_NE(synthesise_artifact(facts).manifest_digest, first.manifest_digest);
}

TEST(OciErrorTest, WritesAndReadsTheSpecsBody) {
  const std::string body = write_error(Code::kManifestUnknown, "no \"x\"");
  EXPECT_EQ(body, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"no \"x\""}]})");
  auto read = read_error(body);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->code, "MANIFEST_UNKNOWN");
  EXPECT_EQ(read->message, "no \"x\"");
  EXPECT_FALSE(read_error(R"({"errors":[]})"));
}

}  // namespace
}  // namespace wreg::oci
