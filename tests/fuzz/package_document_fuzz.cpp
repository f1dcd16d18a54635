// libFuzzer target for the package document (common/api/package_document.h), the JSON a client
// reads from a registry it may not trust. A document that parses is written by to_json() as
// JSON that parses back to a document with the same canonical JSON; every name, version,
// requirement and digest in it was validated.
#include <cstddef>
#include <cstdint>

#include "common/api/package_document.h"
#include "tests/fuzz/wire_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto document = wreg::api::parse_package_document(wreg::fuzz::as_text(data, size));
  if (!document) {
    WREG_FUZZ_CHECK(document.error().code == wreg::ErrorCode::kInvalidArgument);
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(document.error().message));
    return 0;
  }
  auto json = wreg::api::to_json(*document);
  auto again = wreg::api::parse_package_document(json);
  WREG_FUZZ_CHECK(again.has_value());
  WREG_FUZZ_CHECK(again->name == document->name);
  WREG_FUZZ_CHECK(again->versions.size() == document->versions.size());
  for (std::size_t i = 0; i < document->versions.size(); ++i) {
    const auto& a = document->versions[i];
    const auto& b = again->versions[i];
    WREG_FUZZ_CHECK(a.version == b.version && a.digest == b.digest && a.size == b.size);
    WREG_FUZZ_CHECK(a.kind == b.kind && a.yanked == b.yanked);
    WREG_FUZZ_CHECK(a.dependencies == b.dependencies);
    WREG_FUZZ_CHECK(document->find(a.version) != nullptr);
  }
  // Free text may lose invalid UTF-8 once (replaced), and is stable from then on; the text is
  // nlohmann's own form of it.
  wreg::fuzz::check_round_trip(*document, wreg::api::parse_package_document);
  return 0;
}
