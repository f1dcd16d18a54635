// The encoder against the real encoder: a package the real tool made from one world
// (`component embed`, the shared fixtures with a wit-component-encoding section), decoded and
// encoded again, is the same bytes but for the producers section, which names wreg.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/wit/decoder.h"
#include "common/wit/encoder.h"
#include "common/wit/package_docs.h"
#include "tests/support/fixtures.h"
#include "tests/unit/wit/wit_test_support.h"

namespace wreg::wit {
namespace {

using testing_support::without_producers;

std::span<const std::uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

class EncodeWorld : public ::testing::TestWithParam<std::string> {};

TEST_P(EncodeWorld, gives_the_bytes_of_the_real_encoder) {
  const std::string fixture = testing::fixture_bytes("packages/" + GetParam());
  auto decoded = decode(bytes_of(fixture));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const Package& package = decoded->resolve.packages[decoded->package];
  ASSERT_EQ(package.worlds.size(), 1u);
  auto encoded = encode_world(decoded->resolve, package.worlds.front().second);
  ASSERT_TRUE(encoded) << encoded.error().message;
  const std::string ours(encoded->begin(), encoded->end());
  EXPECT_TRUE(without_producers(ours) == without_producers(fixture));  // (bytes: not printed)
  EXPECT_NE(ours.find("wreg"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, EncodeWorld,
                         ::testing::Values("toolsku-analytics@0.1.0.wasm",
                                           "toolsku-stream-tools@0.1.0.wasm", "wasi-cli@0.2.8.wasm",
                                           "wasi-clocks@0.2.0.wasm", "wasi-clocks@0.2.8.wasm",
                                           "wasi-filesystem@0.2.8.wasm", "wasi-http@0.2.8.wasm",
                                           "wasi-io@0.2.0.wasm", "wasi-io@0.2.3.wasm",
                                           "wasi-io@0.2.8.wasm", "wasi-io@0.3.0-rc.1.wasm",
                                           "wasi-random@0.2.8.wasm", "wasi-sockets@0.2.8.wasm"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return testing_support::test_name_of(param.param);
                         });

}  // namespace
}  // namespace wreg::wit

namespace wreg::wit {
namespace {

// The type and export sections of a component, in order: what a package's types are.
std::string type_and_export_sections(const std::string& bytes) {
  std::string kept;
  std::size_t at = 8;
  while (at < bytes.size()) {
    const auto id = static_cast<std::uint8_t>(bytes[at]);
    std::size_t size = 0;
    std::size_t shift = 0;
    std::size_t pos = at + 1;
    std::uint8_t byte = 0;
    do {
      byte = static_cast<std::uint8_t>(bytes.at(pos++));
      size |= static_cast<std::size_t>(byte & 0x7f) << shift;
      shift += 7;
    } while ((byte & 0x80) != 0);
    if (id == 7 || id == 11) kept += bytes.substr(at, pos - at + size);
    at = pos + size;
  }
  return kept;
}

class EncodePackage : public ::testing::TestWithParam<std::string> {};

TEST_P(EncodePackage, gives_the_types_of_the_real_encoder) {
  const std::string fixture = testing::fixture_bytes("packages/" + GetParam());
  auto decoded = decode(bytes_of(fixture));
  ASSERT_TRUE(decoded) << decoded.error().message;
  auto encoded = encode_package(decoded->resolve, decoded->package);
  ASSERT_TRUE(encoded) << encoded.error().message;
  EXPECT_TRUE(type_and_export_sections(std::string(encoded->begin(), encoded->end())) ==
              type_and_export_sections(fixture));
}

// Decoded, a package's functions come in the binary's order (resource functions first), not in
// the source's, so the decoded docs are compared as JSON values; the bytes are compared where the
// package is built from its source.
TEST(PackageDocs, say_what_wit_parser_wrote) {
  const std::string fixture = testing::fixture_bytes("packages/wasi-http@0.2.0-rc-2023-12-05.wasm");
  auto decoded = decode(bytes_of(fixture));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto section = package_docs_section(decoded->resolve, decoded->package);
  const std::string name = std::string("\x0cpackage-docs", 13);
  const std::size_t at = fixture.find(name);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(section.size(), 22386u - name.size());
  const std::string expected = fixture.substr(at + name.size(), section.size());
  ASSERT_EQ(section.front(), 1);
  EXPECT_EQ(nlohmann::json::parse(section.begin() + 1, section.end()),
            nlohmann::json::parse(expected.begin() + 1, expected.end()));
}

// The oracle of the full format is wasm-tools' own test expectation for this package; the
// `.upstream` fixture was written by wit-component 0.200, whose order of types differs.
INSTANTIATE_TEST_SUITE_P(Fixtures, EncodePackage,
                         ::testing::Values("wasi-http@0.2.0-rc-2023-12-05.wasm"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return testing_support::test_name_of(param.param);
                         });

}  // namespace
}  // namespace wreg::wit
