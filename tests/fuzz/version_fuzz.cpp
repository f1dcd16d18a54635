// libFuzzer target for Version::parse (common/version.h). Input: two version texts separated by
// a newline. Checks that a parsed version prints back exactly as written (strict SemVer has one
// spelling), that precedence and the total order are consistent for the pair, and that each
// version sits on its own compatibility track.
#include <compare>
#include <cstddef>
#include <cstdint>

#include "common/version.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

std::strong_ordering flip(std::strong_ordering order) { return 0 <=> order; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [first, second] = wreg::fuzz::split_once(wreg::fuzz::as_text(data, size), '\n');
  auto a = wreg::Version::parse(first);
  auto b = wreg::Version::parse(second);
  for (const auto* parsed : {&a, &b}) {
    if (!parsed->has_value()) {
      WREG_FUZZ_CHECK(parsed->error().code == wreg::ErrorCode::kInvalidArgument);
      WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(parsed->error().message));
    }
  }
  if (a) {
    WREG_FUZZ_CHECK(a->to_string() == first);
    auto again = wreg::Version::parse(a->to_string());
    WREG_FUZZ_CHECK(again.has_value() && *again == *a);
    WREG_FUZZ_CHECK(is_compatible(*a, *a));
    WREG_FUZZ_CHECK(a->is_prerelease() == !a->prerelease().empty());
  }
  if (a && b) {
    auto precedence = wreg::Version::precedence(*a, *b);
    WREG_FUZZ_CHECK(wreg::Version::precedence(*b, *a) == flip(precedence));
    auto order = *a <=> *b;
    WREG_FUZZ_CHECK((*b <=> *a) == flip(order));
    // The total order refines precedence, and exact equality means the same text.
    if (precedence != 0) WREG_FUZZ_CHECK(order == precedence);
    WREG_FUZZ_CHECK((*a == *b) == (a->to_string() == b->to_string()));
    if (is_compatible(*a, *b)) WREG_FUZZ_CHECK(a->track() == b->track());
  }
  return 0;
}
