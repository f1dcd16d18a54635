// libFuzzer target for PackageName::parse (common/package_name.h): names come from the command
// line, manifests, lock files, documents and request paths. A name has exactly one spelling, so
// a parsed name prints back as the input, and a refusal is one line.
#include <cstddef>
#include <cstdint>

#include "common/package_name.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = wreg::fuzz::as_text(data, size);
  auto name = wreg::PackageName::parse(text);
  if (!name) {
    WREG_FUZZ_CHECK(name.error().code == wreg::ErrorCode::kInvalidArgument);
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(name.error().message));
    return 0;
  }
  WREG_FUZZ_CHECK(name->to_string() == text);
  WREG_FUZZ_CHECK(text.size() <= wreg::PackageName::kMaxLength);
  WREG_FUZZ_CHECK(wreg::check_label(name->space(), "namespace").has_value());
  WREG_FUZZ_CHECK(wreg::check_label(name->name(), "name").has_value());
  auto again = wreg::PackageName::parse(name->to_string());
  WREG_FUZZ_CHECK(again.has_value() && *again == *name);
  return 0;
}
