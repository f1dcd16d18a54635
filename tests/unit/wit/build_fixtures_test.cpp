// `wreg build` against the real encoder: each shared package made by `component embed` from a
// `*.source.wit` and a world (wit-component 0.259) is built again from the same source and world;
// the bytes are the real encoder's but for the producers section, which names wreg. And every
// package built whole reads back (wreg's reader) and prints as the real decoder printed it.
#include <gtest/gtest.h>

#include <string>

#include "common/wit/build.h"
#include "common/wit/parser.h"
#include "common/wit/wit_text.h"
#include "tests/support/fixtures.h"
#include "tests/unit/wit/wit_test_support.h"

namespace wreg::wit {
namespace {

using testing_support::without_producers;

struct Oracle {
  const char* package;  // packages/<package>.wasm, made from <package>.wasm.source.wit
  const char* world;
};

class BuildWorld : public ::testing::TestWithParam<Oracle> {};

Result<Built> build_source(const std::string& package, const std::string& world) {
  const std::string path = "packages/" + package + ".wasm.source.wit";
  auto file = parse_file(path, testing::fixture_bytes(path));
  if (!file) return std::move(file).error();
  return build({{&*file}}, BuildOptions{world, {}});
}

TEST_P(BuildWorld, gives_the_bytes_of_the_real_encoder) {
  auto built = build_source(GetParam().package, GetParam().world);
  ASSERT_TRUE(built) << built.error().message;
  const std::string ours(built->bytes.begin(), built->bytes.end());
  const std::string fixture =
      testing::fixture_bytes(std::string("packages/") + GetParam().package + ".wasm");
  EXPECT_TRUE(without_producers(ours) == without_producers(fixture))
      << "sizes " << ours.size() << " and " << fixture.size();
}

TEST_P(BuildWorld, prints_back_as_the_real_decoder_printed) {
  auto built = build_source(GetParam().package, GetParam().world);
  ASSERT_TRUE(built) << built.error().message;
  auto text = wit_text(built->bytes);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(listing(*text), testing::fixture_bytes(std::string("packages/") + GetParam().package +
                                                   ".wasm.wit.txt"));
}

TEST_P(BuildWorld, builds_the_whole_package_too) {
  auto built = build_source(GetParam().package, "");
  ASSERT_TRUE(built) << built.error().message;
  auto text = wit_text(built->bytes);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_TRUE(text->is_package);
  EXPECT_NE(text->files.front().text.find("world " + std::string(GetParam().world) + " {"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, BuildWorld,
    ::testing::Values(
        Oracle{"toolsku-analytics@0.1.0", "analytics-engine"},
        Oracle{"toolsku-stream-tools@0.1.0", "stream-filter"}, Oracle{"wasi-cli@0.2.8", "imports"},
        Oracle{"wasi-clocks@0.2.0", "imports"}, Oracle{"wasi-clocks@0.2.8", "imports"},
        Oracle{"wasi-filesystem@0.2.8", "imports"}, Oracle{"wasi-http@0.2.8", "proxy"},
        Oracle{"wasi-io@0.2.0", "imports"}, Oracle{"wasi-io@0.2.3", "imports"},
        Oracle{"wasi-io@0.2.8", "imports"}, Oracle{"wasi-io@0.3.0-rc.1", "imports"},
        Oracle{"wasi-random@0.2.8", "imports"}, Oracle{"wasi-sockets@0.2.8", "imports"}),
    [](const ::testing::TestParamInfo<Oracle>& param) {
      return testing_support::test_name_of(param.param.package);
    });

TEST(BuildWorld, names_the_worlds_there_are_when_the_one_asked_for_is_not) {
  auto built = build_source("toolsku-analytics@0.1.0", "analytics");
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().message,
            "world analytics not found in package toolsku:analytics@0.1.0; it has: "
            "analytics-engine");
}

}  // namespace
}  // namespace wreg::wit
