// The reader against real binaries made by independent tools (tests/fixtures/README.md): for
// every entry of facts.json its answer matches the facts, and for every WIT package and
// component it matches what the real wit-component decoder printed (`*.wit.txt`).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/wasm/reader.h"

namespace wreg::wasm {
namespace {

const std::string kFixtures = WREG_TEST_FIXTURES;

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::vector<std::uint8_t> bytes(
      static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

std::string read_text(const std::string& path) {
  auto bytes = read_file(path);
  return {bytes.begin(), bytes.end()};
}

nlohmann::json load_facts() { return nlohmann::json::parse(read_text(kFixtures + "/facts.json")); }

std::vector<std::string> sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

std::vector<std::string> strings(const nlohmann::json& array) {
  return array.get<std::vector<std::string>>();
}

std::vector<std::string> names(const std::vector<Extern>& externs) {
  std::vector<std::string> out;
  for (const Extern& item : externs) out.push_back(item.name);
  return out;
}

std::vector<std::string> ids(const std::vector<PackageId>& packages) {
  std::vector<std::string> out;
  for (const PackageId& package : packages) out.push_back(package.to_string());
  return out;
}

class FixtureTest : public testing::TestWithParam<nlohmann::json> {
 protected:
  void SetUp() override {
    fact_ = GetParam();
    bytes_ = read_file(kFixtures + "/" + fact_["file"].get<std::string>());
  }
  nlohmann::json fact_;
  std::vector<std::uint8_t> bytes_;
};

TEST_P(FixtureTest, CopyMatchesTheFactsSizeAndDigest) {
  EXPECT_EQ(bytes_.size(), fact_["size"].get<std::size_t>());
  EXPECT_EQ(Digest::of(bytes_).to_string(), fact_["digest"].get<std::string>());
}

TEST_P(FixtureTest, ReaderAgreesWithTheFacts) {
  const std::string kind = fact_["kind"];
  auto info = read_component(bytes_);
  if (kind == "invalid") {
    ASSERT_FALSE(info.has_value()) << "accepted an invalid file as " << to_string(info->kind);
    EXPECT_EQ(info.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(info.error().message.find(" at offset "), std::string::npos) << info.error().message;
    EXPECT_EQ(info.error().message.find('\n'), std::string::npos) << info.error().message;
    return;
  }
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(to_string(info->kind), kind);
  if (kind == "wit-package") {
    ASSERT_TRUE(info->package.has_value());
    EXPECT_EQ(info->package->to_string(), fact_["package"].get<std::string>());
    std::vector<std::string> worlds = fact_.contains("worlds")
                                          ? strings(fact_["worlds"])
                                          : std::vector<std::string>{fact_["world"]};
    EXPECT_EQ(info->worlds, sorted(worlds));
    EXPECT_EQ(info->interfaces, sorted(strings(fact_["interfaces"])));
    EXPECT_EQ(ids(info->dependencies), sorted(strings(fact_["dependencies"])));
    EXPECT_TRUE(info->imports.empty());
    EXPECT_TRUE(info->exports.empty());
  }
  if (kind == "component") {
    EXPECT_FALSE(info->package.has_value());
    EXPECT_EQ(names(info->imports), strings(fact_["imports"]));
    EXPECT_EQ(names(info->exports), strings(fact_["exports"]));
    for (const Extern& item : info->imports) EXPECT_EQ(item.kind, ExternKind::kInstance);
    for (const Extern& item : info->exports) EXPECT_EQ(item.kind, ExternKind::kInstance);
  }
}

// The lines of a `*.wit.txt` that matter here, as the real decoder printed them.
struct DecodedWit {
  std::string package;                    // the root package
  std::vector<std::string> interfaces;    // declared in the root package
  std::vector<std::string> worlds;        // declared in the root package
  std::vector<std::string> dependencies;  // the packages under deps/
  std::vector<std::string> imports;       // `import x;` lines of the root package's worlds
  std::vector<std::string> exports;
};

DecodedWit parse_decoded_wit(const std::string& text) {
  DecodedWit out;
  std::istringstream lines(text);
  std::string line;
  bool in_deps = false;
  auto word_after = [](const std::string& l, std::size_t prefix) {
    std::string rest = l.substr(prefix);
    return rest.substr(0, rest.find_first_of(" ;{"));
  };
  while (std::getline(lines, line)) {
    if (line.starts_with("// ---- deps/")) in_deps = true;
    if (line.starts_with("package ")) {
      (in_deps ? out.dependencies.emplace_back() : out.package) = word_after(line, 8);
    }
    if (in_deps) continue;
    if (line.starts_with("interface ")) out.interfaces.push_back(word_after(line, 10));
    if (line.starts_with("world ")) out.worlds.push_back(word_after(line, 6));
    if (line.starts_with("  import ")) out.imports.push_back(word_after(line, 9));
    if (line.starts_with("  export ")) out.exports.push_back(word_after(line, 9));
  }
  return out;
}

// Only WIT packages and components have decoder output worth comparing.
class DecodedFixtureTest : public FixtureTest {};

TEST_P(DecodedFixtureTest, ReaderAgreesWithTheRealDecoder) {
  const std::string kind = fact_["kind"];
  auto decoded =
      parse_decoded_wit(read_text(kFixtures + "/" + fact_["file"].get<std::string>() + ".wit.txt"));
  auto info = read_component(bytes_);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  if (kind == "wit-package") {
    EXPECT_EQ(info->package->to_string(), decoded.package);
    EXPECT_EQ(info->interfaces, sorted(decoded.interfaces));
    EXPECT_EQ(info->worlds, sorted(decoded.worlds));
    EXPECT_EQ(ids(info->dependencies), sorted(decoded.dependencies));
  } else {
    // `jco wit` prints a component as world `root` of package `root:component`.
    EXPECT_EQ(decoded.package, "root:component");
    EXPECT_EQ(names(info->imports), decoded.imports);
    EXPECT_EQ(names(info->exports), decoded.exports);
  }
}

std::string test_name(const testing::TestParamInfo<nlohmann::json>& param) {
  std::string name = param.param["file"];
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::vector<nlohmann::json> facts_of_kind(std::set<std::string> kinds) {
  std::vector<nlohmann::json> out;
  for (const auto& fact : load_facts()) {
    if (kinds.empty() || kinds.contains(fact["kind"].get<std::string>())) out.push_back(fact);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Facts, FixtureTest, testing::ValuesIn(facts_of_kind({})), test_name);
INSTANTIATE_TEST_SUITE_P(Facts, DecodedFixtureTest,
                         testing::ValuesIn(facts_of_kind({"wit-package", "component"})), test_name);

TEST(FixtureFactsTest, EveryBadFileIsListedAsInvalid) {
  std::set<std::string> invalid;
  for (const auto& fact : load_facts()) {
    if (fact["kind"] == "invalid") invalid.insert(fact["file"].get<std::string>());
  }
  EXPECT_EQ(invalid.size(), 6u);
  for (const char* file :
       {"bad/empty.wasm", "bad/bad-magic.wasm", "bad/truncated.wasm", "bad/unknown-layer.wasm",
        "bad/section-overrun.wasm", "bad/not-wasm.wasm"}) {
    EXPECT_TRUE(invalid.contains(file)) << file;
  }
}

// The bad files' messages name what was expected, and where.
TEST(FixtureFactsTest, BadFilesGetMessagesThatSayWhatWasExpected) {
  const std::pair<const char*, const char*> cases[] = {
      {"bad/empty.wasm",
       "not a WebAssembly binary: the file is empty, expected magic \\0asm at offset 0"},
      {"bad/bad-magic.wasm", "not a WebAssembly binary: expected magic \\0asm at offset 0"},
      {"bad/not-wasm.wasm", "not a WebAssembly binary: expected magic \\0asm at offset 0"},
      {"bad/unknown-layer.wasm",
       "unknown layer 2: expected 0 (core module) or 1 (component) at offset 6"},
      {"bad/section-overrun.wasm",
       "invalid component: type section claims 33554431 bytes but only 56 are left at offset 8"},
      {"bad/truncated.wasm",
       "invalid component: component section claims 402 bytes but only 128 are left at offset "
       "951"},
  };
  for (const auto& [file, message] : cases) {
    auto info = read_component(read_file(kFixtures + "/" + file));
    ASSERT_FALSE(info.has_value()) << file;
    EXPECT_EQ(info.error().message, message) << file;
  }
}

TEST(FixtureFactsTest, ProducersAndPackageDocsAreRead) {
  auto producers =
      read_component(read_file(kFixtures + "/components/analytics-engine-producers.wasm"));
  ASSERT_TRUE(producers.has_value()) << producers.error().message;
  ASSERT_EQ(producers->producers.size(), 3u);
  EXPECT_EQ(producers->producers.at("language").at(0).name, "Rust");
  EXPECT_EQ(producers->producers.at("sdk").at(0).name, "cargo-component");
  EXPECT_EQ(producers->producers.at("sdk").at(0).version, "0.21.1");
  ASSERT_EQ(producers->producers.at("processed-by").size(), 2u);
  EXPECT_EQ(producers->producers.at("processed-by").at(1).name, "wreg-fixtures");
  EXPECT_FALSE(producers->has_package_docs);

  auto upstream = read_component(read_file(kFixtures + "/packages/wasi-http@0.2.0.upstream.wasm"));
  ASSERT_TRUE(upstream.has_value()) << upstream.error().message;
  EXPECT_TRUE(upstream->has_package_docs);
  ASSERT_EQ(upstream->producers.at("processed-by").size(), 2u);
  EXPECT_EQ(upstream->producers.at("processed-by").at(0).version, "0.200.0");
}

TEST(FixtureFactsTest, NestedModulesProducersAreNotTheComponents) {
  // greeter-js.wasm nests core modules with their own producers (C11, Rust); only the
  // component's own section counts.
  auto info = read_component(read_file(kFixtures + "/components/greeter-js.wasm"));
  ASSERT_TRUE(info.has_value()) << info.error().message;
  ASSERT_EQ(info->producers.at("language").size(), 1u);
  EXPECT_EQ(info->producers.at("language").at(0).name, "JavaScript");
}

TEST(FixtureFactsTest, ComponentReferencesThePackagesItsNamesName) {
  auto info = read_component(read_file(kFixtures + "/components/stream-filter.wasm"));
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(ids(info->referenced_packages),
            (std::vector<std::string>{"toolsku:stream-tools@0.1.0", "wasi:io@0.2.8"}));
}

// Cutting a valid component anywhere but between two top-level sections leaves an invalid one.
TEST(FixtureFactsTest, EveryTruncationInsideASectionIsRefused) {
  auto bytes = read_file(kFixtures + "/components/analytics-engine.wasm");
  std::set<std::size_t> boundaries = {8};
  for (std::size_t at = 8; at < bytes.size();) {
    std::size_t pos = at + 1;
    std::uint32_t size = 0;
    for (unsigned shift = 0;; shift += 7) {
      size |= (bytes[pos] & 0x7fu) << shift;
      if ((bytes[pos++] & 0x80) == 0) break;
    }
    at = pos + size;
    boundaries.insert(at);
  }
  ASSERT_EQ(*boundaries.rbegin(), bytes.size());
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    auto info = read_component(std::span(bytes.data(), length));
    EXPECT_EQ(info.has_value(), boundaries.contains(length)) << "length " << length;
  }
}

}  // namespace
}  // namespace wreg::wasm
