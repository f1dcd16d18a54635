// libFuzzer target for VersionReq::parse (common/version_req.h). Input: a requirement and a
// version separated by a newline. Checks that the canonical text parses back to the same
// requirement (and prints identically), and that matches() on the parsed version agrees with
// the comparators and with Cargo's pre-release rule.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "common/version_req.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [req_text, version_text] = wreg::fuzz::split_once(wreg::fuzz::as_text(data, size), '\n');
  auto req = wreg::VersionReq::parse(req_text);
  if (!req) {
    WREG_FUZZ_CHECK(req.error().code == wreg::ErrorCode::kInvalidArgument);
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(req.error().message));
  } else {
    auto canonical = req->to_string();
    auto again = wreg::VersionReq::parse(canonical);
    WREG_FUZZ_CHECK(again.has_value());
    WREG_FUZZ_CHECK(*again == *req);
    WREG_FUZZ_CHECK(again->to_string() == canonical);
    WREG_FUZZ_CHECK(req->is_any() == (canonical == "*"));
  }

  auto version = wreg::Version::parse(version_text);
  if (!version) return 0;
  WREG_FUZZ_CHECK(wreg::VersionReq::exactly(*version).matches(*version));
  WREG_FUZZ_CHECK(wreg::VersionReq::caret(*version).matches(*version));
  auto exact = wreg::VersionReq::parse("=" + version->to_string());
  WREG_FUZZ_CHECK(!version->build().empty() || (exact && exact->matches(*version)));
  if (!req) return 0;

  bool matched = req->matches(*version);
  bool every = std::all_of(req->comparators().begin(), req->comparators().end(),
                           [&](const wreg::Comparator& c) { return c.matches(*version); });
  if (!version->is_prerelease()) {
    WREG_FUZZ_CHECK(matched == every);
  } else {
    bool named = std::any_of(req->comparators().begin(), req->comparators().end(),
                             [&](const wreg::Comparator& c) {
                               return !c.prerelease.empty() && c.major == version->major() &&
                                      c.minor == version->minor() && c.patch == version->patch();
                             });
    WREG_FUZZ_CHECK(matched == (every && named));
  }
  WREG_FUZZ_CHECK(wreg::VersionReq::parse(req->to_string())->matches(*version) == matched);
  return 0;
}
