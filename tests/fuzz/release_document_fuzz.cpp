// libFuzzer target for the release document and the release details (common/api/
// release_document.h): the JSON `wreg info` reads from a registry it may not trust, and the
// details the server reads back from its own store. The first byte picks the parser.
#include <cstddef>
#include <cstdint>

#include "common/api/release_document.h"
#include "tests/fuzz/wire_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto text = wreg::fuzz::as_text(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto document = wreg::api::parse_release_document(text);
    if (!document) {
      wreg::fuzz::check_refusal(document);
      return 0;
    }
    wreg::fuzz::check_round_trip(*document, wreg::api::parse_release_document);
  } else {
    auto details = wreg::api::parse_release_details(text);
    if (!details) {
      wreg::fuzz::check_refusal(details);
      return 0;
    }
    wreg::fuzz::check_round_trip(*details, wreg::api::parse_release_details);
  }
  return 0;
}
