// libFuzzer target for the small answers (common/api/answers.h): the publish and yank answers,
// the error body every failed request carries, health, and whoami. The first byte picks the
// parser: 0x80 and above whoami, below that its value modulo 4 one of the others.
#include <cstddef>
#include <cstdint>

#include "common/api/answers.h"
#include "tests/fuzz/wire_check.h"

namespace {

template <typename Parse>
void check(std::string_view text, Parse parse) {
  auto value = parse(text);
  if (!value) {
    wreg::fuzz::check_refusal(value);
    return;
  }
  wreg::fuzz::check_round_trip(*value, parse);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto text = wreg::fuzz::as_text(data + 1, size - 1);
  if (data[0] >= 0x80) {
    check(text, wreg::api::parse_whoami);
    return 0;
  }
  switch (data[0] % 4) {
    case 0:
      check(text, wreg::api::parse_published);
      break;
    case 1:
      check(text, wreg::api::parse_yank_state);
      break;
    case 2:
      check(text, wreg::api::parse_error_body);
      break;
    default:
      check(text, wreg::api::parse_health);
      break;
  }
  return 0;
}
