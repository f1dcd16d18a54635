// libFuzzer target for PackageRef::parse and PackageVersion::parse (common/package_ref.h), what
// `wreg add`, `publish` and `yank` take from the command line. A parsed reference prints as text
// that parses back to the same reference; an exact `ns:name@1.2.3` prints back as written.
#include <cstddef>
#include <cstdint>

#include "common/package_ref.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = wreg::fuzz::as_text(data, size);
  auto ref = wreg::PackageRef::parse(text);
  if (!ref) {
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(ref.error().message));
  } else {
    auto printed = ref->to_string();
    auto again = wreg::PackageRef::parse(printed);
    WREG_FUZZ_CHECK(again.has_value());
    WREG_FUZZ_CHECK(again->name == ref->name);
    WREG_FUZZ_CHECK(again->requirement == ref->requirement);
    WREG_FUZZ_CHECK(again->to_string() == printed);
  }

  auto exact = wreg::PackageVersion::parse(text);
  if (!exact) {
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(exact.error().message));
    return 0;
  }
  WREG_FUZZ_CHECK(exact->to_string() == text);
  // The same text as a reference means "compatible with this version", which it matches.
  // Requirements take no build metadata, so only a version without it is one.
  if (!exact->version.build().empty()) return 0;
  WREG_FUZZ_CHECK(ref.has_value() && ref->name == exact->name && ref->requirement.has_value());
  WREG_FUZZ_CHECK(ref->requirement->matches(exact->version));
  return 0;
}
