// libFuzzer target for the component reader (common/wasm/reader.h). Besides the sanitizers'
// checks, it holds the reader to its contract on every input: a failure is one line that says
// at which offset, and an answer keeps the invariants ComponentInfo promises.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/wasm/reader.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

template <typename T>
bool sorted_unique(const std::vector<T>& values) {
  return std::adjacent_find(values.begin(), values.end(),
                            [](const T& a, const T& b) { return !(a < b); }) == values.end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto info = wreg::wasm::read_component(std::span<const std::uint8_t>(data, size));
  if (!info) {
    const std::string& message = info.error().message;
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(message));
    WREG_FUZZ_CHECK(message.find(" at offset ") != std::string::npos);
    return 0;
  }
  using wreg::wasm::BinaryKind;
  WREG_FUZZ_CHECK(info->package.has_value() == (info->kind == BinaryKind::kWitPackage));
  WREG_FUZZ_CHECK(sorted_unique(info->worlds));
  WREG_FUZZ_CHECK(sorted_unique(info->interfaces));
  WREG_FUZZ_CHECK(sorted_unique(info->dependencies));
  WREG_FUZZ_CHECK(sorted_unique(info->referenced_packages));
  if (info->kind == BinaryKind::kWitPackage) {
    WREG_FUZZ_CHECK(!info->worlds.empty() || !info->interfaces.empty());
    WREG_FUZZ_CHECK(std::find(info->dependencies.begin(), info->dependencies.end(),
                              *info->package) == info->dependencies.end());
  }
  if (info->kind == BinaryKind::kCoreModule)
    WREG_FUZZ_CHECK(info->imports.empty() && info->exports.empty());
  return 0;
}
