// The printer against the real decoder: every shared fixture's WIT, as wreg prints it, equals
// byte for byte what wit-component's decoder printed for it (the `*.wit.txt` beside it).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/wit/wit_text.h"
#include "tests/support/fixtures.h"
#include "tests/unit/wit/wit_test_support.h"

namespace wreg::wit {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Every `.wasm` under `folder` of the fixtures that has a `.wit.txt` beside it.
std::vector<std::string> fixtures_in(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(testing::fixtures() / folder)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".wasm") && std::filesystem::exists(entry.path().string() + ".wit.txt")) {
      names.push_back(folder + "/" + name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// `packages/wasi-io@0.2.8.wasm` as a test name: `wasi_io_0_2_8_wasm`.
std::string test_name(const ::testing::TestParamInfo<std::string>& param) {
  return testing_support::test_name_of(param.param.substr(param.param.find('/') + 1));
}

class PrintFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(PrintFixture, equals_what_the_real_decoder_printed) {
  const std::string bytes = testing::fixture_bytes(GetParam());
  const std::string expected = testing::fixture_bytes(GetParam() + ".wit.txt");
  auto text = wit_text(bytes_of(bytes));
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(listing(*text), expected);
}

INSTANTIATE_TEST_SUITE_P(Packages, PrintFixture, ::testing::ValuesIn(fixtures_in("packages")),
                         test_name);
INSTANTIATE_TEST_SUITE_P(Components, PrintFixture, ::testing::ValuesIn(fixtures_in("components")),
                         test_name);

}  // namespace
}  // namespace wreg::wit
