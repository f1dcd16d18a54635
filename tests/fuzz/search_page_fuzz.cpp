// libFuzzer target for the search and listing page (common/api/search_page.h), which `wreg
// search` and "did you mean" read from a registry.
#include <cstddef>
#include <cstdint>

#include "common/api/search_page.h"
#include "tests/fuzz/wire_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto page = wreg::api::parse_search_page(wreg::fuzz::as_text(data, size));
  if (!page) {
    wreg::fuzz::check_refusal(page);
    return 0;
  }
  if (page->next_cursor) {
    WREG_FUZZ_CHECK(!page->next_cursor->empty());
    for (char c : *page->next_cursor) WREG_FUZZ_CHECK(c > ' ' && c <= '~');
  }
  wreg::fuzz::check_round_trip(*page, wreg::api::parse_search_page);
  return 0;
}
